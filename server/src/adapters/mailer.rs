//! Sending e-mail: an outbox folder (embedded default) or SMTP. Messages are
//! built with lettre in both cases.

use crate::adapters::db::EmailRow;
use async_trait::async_trait;
use lettre::message::{header::ContentType, Mailbox, Message};

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &EmailRow) -> Result<(), String>;
    fn kind(&self) -> &'static str;
}

pub fn build(from: &str, email: &EmailRow) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("from: {e}"))?;
    let to: Mailbox = email.to_addr.parse().map_err(|e| format!("to: {e}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .header(OrderHeader(email.order_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|e| e.to_string())
}

/// `X-Conversor-Order`: lets support (and tests) find an order's mail.
#[derive(Clone)]
struct OrderHeader(String);

impl lettre::message::header::Header for OrderHeader {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("X-Conversor-Order")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(OrderHeader(s.to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Plain SMTP to a relay (a local MTA, or a sink in tests).
pub struct Smtp {
    pub transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    pub from: String,
}

impl Smtp {
    pub fn new(server: &str, from: &str) -> Result<Smtp, String> {
        let (host, port) = server.rsplit_once(':').unwrap_or((server, "25"));
        let port: u16 = port
            .parse()
            .map_err(|_| format!("bad SMTP port in {server}"))?;
        let transport =
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(host)
                .port(port)
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build();
        Ok(Smtp {
            transport,
            from: from.into(),
        })
    }
}

#[async_trait]
impl Mailer for Smtp {
    async fn send(&self, email: &EmailRow) -> Result<(), String> {
        use lettre::AsyncTransport;
        let msg = build(&self.from, email)?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn kind(&self) -> &'static str {
        "smtp"
    }
}

/// Writes `{dir}/{email_id}.eml`: named by id, so a resend overwrites rather
/// than duplicates.
pub struct Outbox {
    pub dir: std::path::PathBuf,
    pub from: String,
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, email: &EmailRow) -> Result<(), String> {
        let msg = build(&self.from, email)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| e.to_string())?;
        let tmp = self.dir.join(format!(".{}.tmp", email.id));
        let dst = self.dir.join(format!("{}.eml", email.id));
        tokio::fs::write(&tmp, msg.formatted())
            .await
            .map_err(|e| e.to_string())?;
        tokio::fs::rename(&tmp, &dst)
            .await
            .map_err(|e| e.to_string())
    }

    fn kind(&self) -> &'static str {
        "outbox"
    }
}
