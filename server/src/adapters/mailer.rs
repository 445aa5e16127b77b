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
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|e| e.to_string())
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
