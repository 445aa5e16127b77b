//! LGPD: the support desk's part of an access or deletion request
//! (`ops::privacy`, registered in `ops::privacy::hooks()`).
//!
//! The customer's tickets are those sent from their e-mail or about one of
//! their orders. Deletion, inside the request's transaction: name, e-mail and
//! description of the ticket, the details of its timeline (replies, notes and
//! the opening line quote the customer), the triage's copy of log lines, and
//! the support e-mails (rows whose `order_id` is the ticket id; unsent ones
//! are cancelled) are anonymised; the attachment rows are deleted and their
//! object keys (`support/{ticket_id}/…`) returned for deletion from the store.
//! Kept: ids, priorities, categories, SLA times, who acted and when (the
//! agents' own record), CSAT scores.

use crate::ops::privacy::{HookResult, PrivacyHook, ANON_NAME};
use crate::ops::store::sql;
use crate::service::SResult;
use crate::{iso_at, now_ms, App};
use serde_json::{json, Value};
use sqlx::{Any, Row, Transaction};

pub struct Tickets;

pub const ANON_EMAIL: &str = "removido@anonimo.invalid";

/// `SELECT id FROM tickets WHERE LOWER(email) = LOWER($1) OR order_id IN (...)`.
fn tickets_query(n_orders: usize) -> String {
    let mut q = String::from("SELECT id FROM tickets WHERE LOWER(email) = LOWER($1)");
    if n_orders > 0 {
        let ph: Vec<String> = (0..n_orders).map(|i| format!("${}", i + 2)).collect();
        q.push_str(&format!(" OR order_id IN ({})", ph.join(", ")));
    }
    q.push_str(" ORDER BY created_at");
    q
}

fn bind_all<'q>(
    sql: &'q str,
    email: &'q str,
    order_ids: &'q [String],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email);
    for id in order_ids {
        q = q.bind(id.as_str());
    }
    q
}

#[async_trait::async_trait]
impl PrivacyHook for Tickets {
    fn name(&self) -> &'static str {
        "support_tickets"
    }

    async fn anonymise(
        &self,
        tx: &mut Transaction<'static, Any>,
        email: &str,
        order_ids: &[String],
    ) -> SResult<HookResult> {
        let sql_text = tickets_query(order_ids.len());
        let ids: Vec<String> = bind_all(&sql_text, email, order_ids)
            .fetch_all(&mut **tx)
            .await
            .map_err(sql)?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        let now = now_ms();
        let mut keys = Vec::new();
        let (mut events, mut emails) = (0u64, 0u64);
        for id in &ids {
            let triage: String = sqlx::query_scalar("SELECT triage FROM tickets WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await
                .map_err(sql)?;
            let mut triage: Value = serde_json::from_str(&triage).unwrap_or(Value::Null);
            if let Some(o) = triage.as_object_mut() {
                // The orders' own log lines are deleted by the request too.
                o.remove("logs");
            }
            sqlx::query(
                "UPDATE tickets SET nome = $1, email = $2, descricao = $1, triage = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(ANON_NAME)
            .bind(ANON_EMAIL)
            .bind(triage.to_string())
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(sql)?;
            events += sqlx::query("UPDATE ticket_events SET detail = $1 WHERE ticket_id = $2")
                .bind(ANON_NAME)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(sql)?
                .rows_affected();
            emails += sqlx::query(
                "UPDATE emails SET to_addr = CASE WHEN kind LIKE 'support_escalation_%' THEN to_addr ELSE $1 END, \
                 subject = $2, body = '', \
                 sent_at = CASE WHEN sent_at IS NULL OR sent_at < 0 THEN $3 ELSE sent_at END WHERE order_id = $4",
            )
            .bind(ANON_EMAIL)
            .bind(ANON_NAME)
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(sql)?
            .rows_affected();
            let rows =
                sqlx::query("SELECT object_key FROM ticket_attachments WHERE ticket_id = $1")
                    .bind(id)
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(sql)?;
            for r in &rows {
                keys.push(r.try_get::<String, _>("object_key").map_err(sql)?);
            }
            sqlx::query("DELETE FROM ticket_attachments WHERE ticket_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(sql)?;
            crate::desk::store::insert_event(
                tx,
                id,
                "lgpd",
                "lgpd",
                "dados pessoais do cliente removidos (LGPD)",
            )
            .await
            .map_err(crate::service::ServiceError::from)?;
        }
        Ok(HookResult {
            details: json!({
                "tickets": ids,
                "ticket_events_anonymised": events,
                "emails_anonymised": emails,
                "attachments_deleted": keys.len(),
            }),
            object_keys: keys,
            outbox_ids: ids,
        })
    }

    async fn export(&self, app: &App, email: &str, order_ids: &[String]) -> SResult<Value> {
        let sql_text = tickets_query(order_ids.len());
        let ids: Vec<String> = bind_all(&sql_text, email, order_ids)
            .fetch_all(&app.db.pool)
            .await
            .map_err(sql)?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        let mut out = Vec::new();
        for id in &ids {
            let Some(t) = crate::desk::store::ticket(&app.db, id).await? else {
                continue;
            };
            let events = crate::desk::store::events(&app.db, id).await?;
            let attachments = crate::desk::store::attachments(&app.db, id).await?;
            out.push(json!({
                "id": t.id, "order_id": t.order_id, "nome": t.nome, "email": t.email,
                "descricao": t.descricao, "status": t.status, "priority": t.priority,
                "created_at": iso_at(t.created_at), "csat_score": t.csat_score,
                "events": events.iter().map(|e| json!({"at": iso_at(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail})).collect::<Vec<_>>(),
                "attachments": attachments.iter().map(|a| json!({"file_name": a.file_name, "size": a.size, "object_key": a.object_key})).collect::<Vec<_>>(),
            }));
        }
        Ok(Value::Array(out))
    }
}
