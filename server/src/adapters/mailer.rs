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

/// SMTP: plain to a relay (`SMTP_SERVER`, a local MTA or a sink in tests) or
/// by `SMTP_URL` with TLS and authentication.
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

impl Smtp {
    /// From `SMTP_URL`: `smtps://` is TLS from the first byte, `smtp://…?tls=required`
    /// upgrades with STARTTLS or fails, `?tls=opportunistic` upgrades when offered,
    /// plain `smtp://` never does. User and password (percent-encoded) authenticate.
    /// Certificates are checked against Mozilla's roots plus `ca_file` if given.
    pub fn from_url(
        url: &str,
        ca_file: Option<&std::path::Path>,
        from: &str,
    ) -> Result<Smtp, String> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
        crate::init_tls();
        // Never echo the URL back: it may hold the password.
        let u = reqwest::Url::parse(url).map_err(|e| format!("SMTP_URL: {e}"))?;
        let host = u
            .host_str()
            .ok_or("SMTP_URL: no host")?
            .trim_matches(['[', ']'])
            .to_string();
        let tls_mode = u
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(host.clone());
            if let Some(path) = ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?;
                b = b.add_root_certificate(cert);
            }
            b.build().map_err(|e| format!("SMTP TLS: {e}"))
        };
        let (tls, default_port) = match (u.scheme(), tls_mode.as_deref()) {
            ("smtp", None | Some("none")) => (Tls::None, 25),
            ("smtp", Some("required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(params()?), 587),
            ("smtps", None) => (Tls::Wrapper(params()?), 465),
            (scheme, tls) => {
                return Err(format!(
                    "SMTP_URL: use smtps://, smtp://…?tls=required|opportunistic or smtp:// (got {scheme}, tls={tls:?})"
                ))
            }
        };
        let mut b = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous(&host)
            .port(u.port().unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some(password) = u.password() {
            let decode = |s: &str| {
                percent_encoding_decode(s)
                    .ok_or("SMTP_URL: bad percent-encoding in the credentials")
            };
            b = b.credentials(Credentials::new(decode(u.username())?, decode(password)?));
        }
        Ok(Smtp {
            transport: b.build(),
            from: from.into(),
        })
    }
}

/// `%XX` decoding of URL user info (UTF-8).
fn percent_encoding_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_understood_or_refused() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://relay.interno",
            "smtp://u:p@mail.example.com:587?tls=required",
            "smtp://mail.example.com?tls=opportunistic",
            "smtps://conversor:s%40nha%3A1@smtp.example.com",
            "smtps://[::1]:465",
        ] {
            assert!(Smtp::from_url(ok, None, "a@b.c").is_ok(), "{ok}");
        }
        for bad in [
            "http://mail.example.com",
            "smtps://mail.example.com?tls=required",
            "smtp://mail.example.com?tls=sim",
            "smtp://",
            "smtps://u:%FF@h",
        ] {
            let e = Smtp::from_url(bad, None, "a@b.c").err().unwrap();
            assert!(
                !e.contains("%FF"),
                "the error must not echo credentials: {e}"
            );
        }
        let missing = std::path::Path::new("/nonexistent/ca.pem");
        assert!(Smtp::from_url("smtps://h", Some(missing), "a@b.c").is_err());
        assert_eq!(
            percent_encoding_decode("s%40nha%3A1").as_deref(),
            Some("s@nha:1")
        );
        assert_eq!(percent_encoding_decode("%E2%9C%93").as_deref(), Some("✓"));
        assert_eq!(percent_encoding_decode("%FF"), None);
    }
}
