//! The desk's SQL (tables of `migrations/0002_desk.sql`) on the same `sqlx::Any`
//! pool as the orders. Customer e-mails go into the existing `emails` table,
//! which the workers' sender delivers (outbox or SMTP): `emails.order_id` holds
//! the ticket id and `kind` is `support_*`, so the `X-Conversor-Order` header of
//! a support message names its ticket.

use crate::adapters::db::{Db, DbResult};
use crate::now_ms;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

pub use crate::adapters::db::new_id;

#[derive(Debug, Clone, Serialize)]
pub struct TicketRow {
    pub id: String,
    pub order_id: Option<String>,
    pub nome: String,
    pub email: String,
    pub descricao: String,
    pub status: String,
    pub priority: String,
    pub category: String,
    pub level: i64,
    pub triage: serde_json::Value,
    pub created_at: i64,
    pub first_response_due: i64,
    pub resolution_due: Option<i64>,
    pub postmortem_due: Option<i64>,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub replies: i64,
    pub escalations: i64,
    #[serde(skip)]
    pub csat_token: Option<String>,
    pub csat_score: Option<i64>,
    pub updated_at: i64,
}

impl TicketRow {
    /// The next deadline the desk must meet: first response, then resolution.
    pub fn next_due(&self) -> Option<i64> {
        if self.status == "resolved" {
            return None;
        }
        if self.first_response_at.is_none() {
            return Some(self.first_response_due);
        }
        self.resolution_due
    }

    pub fn first_response_breached(&self, now: i64) -> bool {
        self.first_response_at.unwrap_or(now) > self.first_response_due
    }

    pub fn resolution_breached(&self, now: i64) -> bool {
        self.resolution_due
            .is_some_and(|d| self.resolved_at.unwrap_or(now) > d)
    }
}

fn ticket_from(r: &AnyRow) -> DbResult<TicketRow> {
    let triage: String = r.try_get("triage")?;
    Ok(TicketRow {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        nome: r.try_get("nome")?,
        email: r.try_get("email")?,
        descricao: r.try_get("descricao")?,
        status: r.try_get("status")?,
        priority: r.try_get("priority")?,
        category: r.try_get("category")?,
        level: r.try_get("level")?,
        triage: serde_json::from_str(&triage).unwrap_or(serde_json::Value::Null),
        created_at: r.try_get("created_at")?,
        first_response_due: r.try_get("first_response_due")?,
        resolution_due: r.try_get("resolution_due")?,
        postmortem_due: r.try_get("postmortem_due")?,
        first_response_at: r.try_get("first_response_at")?,
        resolved_at: r.try_get("resolved_at")?,
        replies: r.try_get("replies")?,
        escalations: r.try_get("escalations")?,
        csat_token: r.try_get("csat_token")?,
        csat_score: r.try_get("csat_score")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct TicketEvent {
    pub actor: String,
    pub kind: String,
    pub detail: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub object_key: String,
}

/// A message for the `emails` table (delivered by the workers' sender).
#[derive(Debug, Clone)]
pub struct Mail {
    pub ticket_id: String,
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
}

pub async fn insert_mail(tx: &mut Transaction<'static, Any>, m: &Mail) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO emails (id, order_id, kind, to_addr, subject, body, created_at, sent_at, attempts) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,0)",
    )
    .bind(new_id())
    .bind(&m.ticket_id)
    .bind(&m.kind)
    .bind(&m.to_addr)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    ticket_id: &str,
    actor: &str,
    kind: &str,
    detail: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO ticket_events (id, ticket_id, actor, kind, detail, at) VALUES ($1,$2,$3,$4,$5,$6)",
    )
    .bind(new_id())
    .bind(ticket_id)
    .bind(actor)
    .bind(kind)
    .bind(detail)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn add_event(
    db: &Db,
    ticket_id: &str,
    actor: &str,
    kind: &str,
    detail: &str,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    insert_event(&mut tx, ticket_id, actor, kind, detail).await?;
    sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A new ticket with its first events, attachments and acknowledgment, all or nothing.
pub async fn insert_ticket(
    db: &Db,
    t: &TicketRow,
    events: &[(&str, &str, String)],
    attachments: &[Attachment],
    ack: &Mail,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO tickets (id, order_id, nome, email, descricao, status, priority, category, level, triage, \
         created_at, first_response_due, resolution_due, postmortem_due, first_response_at, resolved_at, \
         replies, escalations, csat_token, csat_score, csat_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,NULL,NULL,0,0,NULL,NULL,NULL,$11)",
    )
    .bind(&t.id)
    .bind(&t.order_id)
    .bind(&t.nome)
    .bind(&t.email)
    .bind(&t.descricao)
    .bind(&t.status)
    .bind(&t.priority)
    .bind(&t.category)
    .bind(t.level)
    .bind(t.triage.to_string())
    .bind(t.created_at)
    .bind(t.first_response_due)
    .bind(t.resolution_due)
    .bind(t.postmortem_due)
    .execute(&mut *tx)
    .await?;
    for (actor, kind, detail) in events {
        insert_event(&mut tx, &t.id, actor, kind, detail).await?;
    }
    for a in attachments {
        sqlx::query(
            "INSERT INTO ticket_attachments (id, ticket_id, file_name, content_type, size, object_key, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&a.id)
        .bind(&t.id)
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.object_key)
        .bind(t.created_at)
        .execute(&mut *tx)
        .await?;
    }
    insert_mail(&mut tx, ack).await?;
    insert_event(
        &mut tx,
        &t.id,
        "triagem",
        "ack_sent",
        &format!("confirmação de recebimento enviada: {}", ack.subject),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A refund recorded for an order (manual or automatic, `ops::refunds`) goes
/// on the timeline of every open ticket about that order, inside the refund's
/// transaction. A console agent's e-mail as actor reads `agente:{e-mail}`, as
/// on the agent's other events. Returns the tickets noted.
pub async fn note_refund_on_tickets(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    actor: &str,
    detail: &str,
) -> DbResult<usize> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM tickets WHERE order_id = $1 AND status <> 'resolved' ORDER BY created_at",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let agent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM support_users WHERE email = $1")
        .bind(actor)
        .fetch_one(&mut **tx)
        .await?;
    let who = if agent > 0 {
        format!("agente:{actor}")
    } else {
        actor.to_string()
    };
    for id in &ids {
        insert_event(tx, id, &who, "refund", detail).await?;
        sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(ids.len())
}

/// Replaces the triage record (e.g. the incident a P1/P2 ticket opened).
pub async fn set_triage(db: &Db, id: &str, triage: &serde_json::Value) -> DbResult<()> {
    sqlx::query("UPDATE tickets SET triage = $1, updated_at = $2 WHERE id = $3")
        .bind(triage.to_string())
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn ticket(db: &Db, id: &str) -> DbResult<Option<TicketRow>> {
    let row = sqlx::query("SELECT * FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(ticket_from).transpose()
}

/// Open tickets first (by the console, sorted by next due), then the last resolved ones.
pub async fn tickets(db: &Db) -> DbResult<Vec<TicketRow>> {
    let rows = sqlx::query(
        "SELECT * FROM (SELECT * FROM tickets WHERE status <> 'resolved' ORDER BY first_response_due LIMIT 500) o \
         UNION ALL SELECT * FROM (SELECT * FROM tickets WHERE status = 'resolved' ORDER BY resolved_at DESC LIMIT 50) r",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(ticket_from).collect()
}

pub async fn events(db: &Db, ticket_id: &str) -> DbResult<Vec<TicketEvent>> {
    let rows = sqlx::query(
        "SELECT actor, kind, detail, at FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id",
    )
    .bind(ticket_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TicketEvent {
                actor: r.try_get("actor")?,
                kind: r.try_get("kind")?,
                detail: r.try_get("detail")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

pub async fn attachments(db: &Db, ticket_id: &str) -> DbResult<Vec<Attachment>> {
    let rows = sqlx::query(
        "SELECT id, file_name, content_type, size, object_key FROM ticket_attachments WHERE ticket_id = $1 ORDER BY object_key",
    )
    .bind(ticket_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attachment {
                id: r.try_get("id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                object_key: r.try_get("object_key")?,
            })
        })
        .collect()
}

/// An agent's reply: the e-mail, the event, and the first-response clock stopped.
pub async fn reply(
    db: &Db,
    ticket_id: &str,
    actor: &str,
    mail: &Mail,
    detail: &str,
) -> DbResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    insert_mail(&mut tx, mail).await?;
    insert_event(&mut tx, ticket_id, actor, "reply", detail).await?;
    sqlx::query(
        "UPDATE tickets SET replies = replies + 1, first_response_at = COALESCE(first_response_at, $1), \
         status = CASE WHEN status = 'resolved' THEN status ELSE 'answered' END, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the ticket to `level`; `mail` is the outbox fallback when Slack is not configured.
pub async fn escalate(
    db: &Db,
    ticket_id: &str,
    actor: &str,
    level: i64,
    detail: &str,
    mail: Option<&Mail>,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    if let Some(m) = mail {
        insert_mail(&mut tx, m).await?;
    }
    insert_event(&mut tx, ticket_id, actor, "escalated", detail).await?;
    sqlx::query(
        "UPDATE tickets SET level = $1, escalations = escalations + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(level)
    .bind(now_ms())
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Resolution: the message with the CSAT link, and the clocks stopped. The
/// resolution message is also the first response when none was sent.
pub async fn resolve(
    db: &Db,
    ticket_id: &str,
    actor: &str,
    csat_token: &str,
    mail: &Mail,
    detail: &str,
) -> DbResult<bool> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE tickets SET status = 'resolved', resolved_at = $1, csat_token = $2, \
         first_response_at = COALESCE(first_response_at, $1), updated_at = $1 WHERE id = $3 AND status <> 'resolved'",
    )
    .bind(now)
    .bind(csat_token)
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_mail(&mut tx, mail).await?;
    insert_event(&mut tx, ticket_id, actor, "resolved", detail).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn ticket_by_csat(db: &Db, token: &str) -> DbResult<Option<TicketRow>> {
    let row = sqlx::query("SELECT * FROM tickets WHERE csat_token = $1")
        .bind(token)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(ticket_from).transpose()
}

/// Stores the score once; false when already answered.
pub async fn record_csat(db: &Db, ticket_id: &str, score: i64, actor: &str) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE tickets SET csat_score = $1, csat_at = $2, updated_at = $2 WHERE id = $3 AND csat_score IS NULL",
    )
    .bind(score)
    .bind(now_ms())
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_event(
        &mut tx,
        ticket_id,
        actor,
        "csat",
        &format!("nota {score} de 5"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Jobs that finished in the hour before `now`, and how many of them failed.
pub async fn jobs_last_hour(db: &Db, now: i64) -> DbResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS f \
         FROM jobs WHERE state IN ('done', 'failed') AND updated_at > $1",
    )
    .bind(now - 3_600_000)
    .fetch_one(&db.pool)
    .await?;
    Ok((r_i64(&row, "n")?, r_i64(&row, "f")?))
}

/// SUM() comes back as NUMERIC/BIGINT depending on the database: read it as either.
fn r_i64(r: &AnyRow, col: &str) -> DbResult<i64> {
    if let Ok(v) = r.try_get::<i64, _>(col) {
        return Ok(v);
    }
    if let Ok(v) = r.try_get::<f64, _>(col) {
        return Ok(v as i64);
    }
    let s: String = r.try_get(col)?;
    Ok(s.parse::<f64>().unwrap_or(0.0) as i64)
}

// ---- console users and sessions ----

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: i64,
}

fn user_from(r: &AnyRow) -> DbResult<User> {
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        role: r.try_get("role")?,
    })
}

/// Creates or updates (password, role) the user with this e-mail.
pub async fn upsert_user(db: &Db, email: &str, hash: &str, role: i64) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO support_users (id, email, password_hash, role, created_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (email) DO UPDATE SET password_hash = $3, role = $4",
    )
    .bind(new_id())
    .bind(email)
    .bind(hash)
    .bind(role)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn user_by_email(db: &Db, email: &str) -> DbResult<Option<User>> {
    let row = sqlx::query("SELECT * FROM support_users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from).transpose()
}

/// The time until which `account` may not log in (0 when it may).
pub async fn login_locked_until(db: &Db, account: &str) -> DbResult<i64> {
    let until: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM login_attempts WHERE account = $1")
            .bind(account)
            .fetch_optional(&db.pool)
            .await?;
    Ok(until.unwrap_or(0))
}

/// Counts a failed login of `account` at `now` in one atomic upsert (two
/// processes failing at once both count); the `max_failures`-th failure
/// within `window_ms` locks the account for `lock_ms`. Returns the time it
/// is locked until (0 when it is not). Rows of past windows are deleted here,
/// so the table holds only the accounts tried recently.
pub async fn login_failed(
    db: &Db,
    account: &str,
    now: i64,
    window_ms: i64,
    max_failures: i64,
    lock_ms: i64,
) -> DbResult<i64> {
    let stale = now - window_ms;
    sqlx::query("DELETE FROM login_attempts WHERE window_start <= $1 AND locked_until <= $2")
        .bind(stale)
        .bind(now)
        .execute(&db.pool)
        .await?;
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_attempts (account, failures, window_start, locked_until) \
         VALUES ($1, 1, $2, 0) \
         ON CONFLICT (account) DO UPDATE SET \
           failures = CASE WHEN login_attempts.window_start <= $3 THEN 1 \
                           ELSE login_attempts.failures + 1 END, \
           window_start = CASE WHEN login_attempts.window_start <= $3 THEN $2 \
                               ELSE login_attempts.window_start END \
         RETURNING failures",
    )
    .bind(account)
    .bind(now)
    .bind(stale)
    .fetch_one(&db.pool)
    .await?;
    if failures < max_failures {
        return Ok(0);
    }
    let until = now + lock_ms;
    // A fresh window starts with the lock: after it, `max_failures` more tries.
    sqlx::query(
        "UPDATE login_attempts SET locked_until = $2, failures = 0, window_start = $3 WHERE account = $1",
    )
    .bind(account)
    .bind(until)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(until)
}

/// A successful login forgets the account's failures.
pub async fn login_succeeded(db: &Db, account: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM login_attempts WHERE account = $1")
        .bind(account)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    csrf: &str,
    expires_at: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO support_sessions (token_hash, user_id, csrf, expires_at, created_at) VALUES ($1,$2,$3,$4,$5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(expires_at)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The user and CSRF token of a live session.
pub async fn session(db: &Db, token_hash: &str) -> DbResult<Option<(User, String)>> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.password_hash, u.role, s.csrf FROM support_sessions s \
         JOIN support_users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((user_from(&r)?, r.try_get("csrf")?)))
        .transpose()
}

pub async fn delete_session(db: &Db, token_hash: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM support_sessions WHERE token_hash = $1 OR expires_at < $2")
        .bind(token_hash)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(())
}

// ---- knowledge base ----

#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub updated_at: i64,
}

fn article_from(r: &AnyRow) -> DbResult<Article> {
    Ok(Article {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        author: r.try_get("author")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn articles(db: &Db) -> DbResult<Vec<Article>> {
    let rows = sqlx::query("SELECT * FROM kb_articles ORDER BY title")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(article_from).collect()
}

pub async fn article(db: &Db, id: &str) -> DbResult<Option<Article>> {
    let row = sqlx::query("SELECT * FROM kb_articles WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(article_from).transpose()
}

pub async fn save_article(
    db: &Db,
    id: Option<&str>,
    title: &str,
    body: &str,
    author: &str,
) -> DbResult<String> {
    let now = now_ms();
    match id {
        Some(id) => {
            sqlx::query("UPDATE kb_articles SET title = $1, body = $2, author = $3, updated_at = $4 WHERE id = $5")
                .bind(title)
                .bind(body)
                .bind(author)
                .bind(now)
                .bind(id)
                .execute(&db.pool)
                .await?;
            Ok(id.to_string())
        }
        None => {
            let id = new_id();
            sqlx::query("INSERT INTO kb_articles (id, title, body, author, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$5)")
                .bind(&id)
                .bind(title)
                .bind(body)
                .bind(author)
                .bind(now)
                .execute(&db.pool)
                .await?;
            Ok(id)
        }
    }
}

pub async fn delete_article(db: &Db, id: &str) -> DbResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM ticket_kb WHERE article_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM kb_articles WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn link_article(
    db: &Db,
    ticket_id: &str,
    article: &Article,
    actor: &str,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO ticket_kb (ticket_id, article_id, at) VALUES ($1,$2,$3) ON CONFLICT (ticket_id, article_id) DO NOTHING",
    )
    .bind(ticket_id)
    .bind(&article.id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    insert_event(
        &mut tx,
        ticket_id,
        actor,
        "kb_link",
        &format!("artigo vinculado: {}", article.title),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn ticket_articles(db: &Db, ticket_id: &str) -> DbResult<Vec<Article>> {
    let rows = sqlx::query(
        "SELECT a.* FROM kb_articles a JOIN ticket_kb k ON k.article_id = a.id WHERE k.ticket_id = $1 ORDER BY k.at",
    )
    .bind(ticket_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(article_from).collect()
}

/// Every ticket (for the metrics); small tables, read whole.
pub async fn all_tickets(db: &Db) -> DbResult<Vec<TicketRow>> {
    let rows = sqlx::query("SELECT * FROM tickets")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(ticket_from).collect()
}
