//! Refunds through Mercado Pago's refunds API, one per order whatever the
//! retries: the `refunds` row (keyed by order id) is claimed before the call,
//! and the call always carries the same `X-Idempotency-Key` (`refund-{order}`),
//! so a retry after a timeout returns Mercado Pago's first refund instead of
//! making a second one. The event, the payment status and the refund e-mail
//! are written by whichever attempt records the success first.
//!
//! How a refunded order is represented: its status does not change (the life
//! cycle stays `PENDING → PAID → PROCESSING → COMPLETED | FAILED`; a refund is
//! not a conversion outcome). The refund is a separate record (`refunds`:
//! `pending` → `refunded`, or `failed` with the gateway's error, retried by the
//! sweep), an order event with its actor, and the payment's status `refunded`.
//! A refunded FAILED order is not requeued.
//!
//! Automatic refunds (the sweep `serve` runs every `CONVERSOR_REFUND_SWEEP_SECS`):
//! - technical failure: an order FAILED without the "invalid file" e-mail (the
//!   worker sends `conversion_failed` only when the converter refused the
//!   file; timeouts, lost workers and storage errors fail without it) is
//!   refunded at once;
//! - invalid file: an order FAILED with that e-mail (which promises the refund
//!   after 48 h) still not converted `CONVERSOR_INVALID_REFUND_HOURS` after it
//!   failed.
//!
//! Orders whose job is queued or running again (an operator's requeue) wait.

use super::store;
use crate::adapters::db::{DbResult, NewEmail};
use crate::domain::orders::{format_brl, Status};
use crate::service::{SResult, ServiceError};
use crate::{now_ms, App};
use serde::Serialize;
use sqlx::Row;
use std::sync::{Arc, OnceLock};

pub const TECHNICAL: &str = "technical_failure";
pub const INVALID_48H: &str = "invalid_file_48h";
pub const MANUAL: &str = "manual";
const RETRY_FAILED_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Serialize)]
pub struct RefundRow {
    pub order_id: String,
    pub payment_id: String,
    pub amount_cents: i64,
    pub amount: String,
    pub kind: String,
    pub reason: String,
    pub status: String,
    pub mp_refund_id: Option<String>,
    pub error: Option<String>,
    pub actor: String,
    pub created_at: i64,
    pub updated_at: i64,
}

fn row(r: &sqlx::any::AnyRow) -> DbResult<RefundRow> {
    let cents: i64 = r.try_get("amount_cents")?;
    Ok(RefundRow {
        order_id: r.try_get("order_id")?,
        payment_id: r.try_get("payment_id")?,
        amount_cents: cents,
        amount: format_brl(cents),
        kind: r.try_get("kind")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        mp_refund_id: r.try_get("mp_refund_id")?,
        error: r.try_get("error")?,
        actor: r.try_get("actor")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn for_order(app: &App, order_id: &str) -> DbResult<Option<RefundRow>> {
    let r = sqlx::query("SELECT * FROM refunds WHERE order_id = $1")
        .bind(order_id)
        .fetch_optional(&app.db.pool)
        .await?;
    r.as_ref().map(row).transpose()
}

pub async fn list(app: &App) -> DbResult<Vec<RefundRow>> {
    let rows = sqlx::query("SELECT * FROM refunds ORDER BY created_at DESC LIMIT 500")
        .fetch_all(&app.db.pool)
        .await?;
    rows.iter().map(row).collect()
}

/// The order e-mails' templates, where `refund` lives (also the console's reply).
fn templates() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(crate::templates)
}

/// The runbook's "Reembolso / disputa" e-mail.
pub fn refund_email(nome: &str, order_id: &str, to: &str, motivo: &str) -> SResult<NewEmail> {
    let text = templates()
        .get_template("refund")
        .and_then(|t| {
            t.render(minijinja::context! { nome => nome, order_id => order_id, motivo_reembolso => motivo })
        })
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok(NewEmail {
        order_id: order_id.to_string(),
        kind: "refund",
        to_addr: to.to_string(),
        subject: subject.trim().to_string(),
        body: body.to_string(),
    })
}

#[derive(Debug, Serialize)]
pub struct RefundOutcome {
    pub refund: RefundRow,
    /// False when the order had already been refunded (a retry or a duplicate request).
    pub created: bool,
}

/// Refunds an order's approved payment in full, once.
pub async fn refund(
    app: &App,
    order_id: &str,
    kind: &str,
    reason: &str,
    actor: &str,
) -> SResult<RefundOutcome> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::Invalid(
            "Informe o motivo do reembolso.".into(),
        ));
    }
    let order = app
        .db
        .order(order_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(r) = for_order(app, order_id).await? {
        if r.status == "refunded" {
            return Ok(RefundOutcome {
                refund: r,
                created: false,
            });
        }
    }
    if order.status == Status::Pending {
        return Err(ServiceError::Conflict(
            "Pedido não pago (PENDING): não há o que reembolsar.".into(),
        ));
    }
    let pay = sqlx::query(
        "SELECT id, amount_cents FROM payments WHERE order_id = $1 AND status IN ('approved', 'refunded') \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&app.db.pool)
    .await
    .map_err(store::sql)?
    .ok_or_else(|| ServiceError::Conflict("Nenhum pagamento aprovado registrado para este pedido.".into()))?;
    let payment_id: String = pay.try_get("id").map_err(store::sql)?;
    let amount_cents: i64 = pay.try_get("amount_cents").map_err(store::sql)?;
    let key = format!("refund-{order_id}");
    let now = now_ms();
    // Claim: the first request creates the row; later ones reuse its key.
    sqlx::query(
        "INSERT INTO refunds (order_id, payment_id, amount_cents, kind, reason, status, idempotency_key, actor, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,'pending',$6,$7,$8,$8) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(order_id)
    .bind(&payment_id)
    .bind(amount_cents)
    .bind(kind)
    .bind(reason)
    .bind(&key)
    .bind(actor)
    .bind(now)
    .execute(&app.db.pool)
    .await
    .map_err(store::sql)?;
    let claimed = for_order(app, order_id)
        .await?
        .ok_or_else(|| ServiceError::Internal("refund row vanished".into()))?;
    let result = app
        .mp
        .refund(&claimed.payment_id, None, &claimed.idempotency_key())
        .await;
    let mp_refund_id = match result {
        Ok(v) => v["id"].to_string().trim_matches('"').to_string(),
        Err(e) => {
            // Refunded outside this flow (Mercado Pago's panel): record it as done.
            let already = app
                .mp
                .get_payment(&claimed.payment_id)
                .await
                .is_ok_and(|p| p.status == "refunded");
            if !already {
                sqlx::query("UPDATE refunds SET status = 'failed', error = $1, updated_at = $2 WHERE order_id = $3 AND status <> 'refunded'")
                    .bind(e.to_string())
                    .bind(now_ms())
                    .bind(order_id)
                    .execute(&app.db.pool)
                    .await
                    .map_err(store::sql)?;
                tracing::warn!(order_id, error = %e, "refund failed at the gateway");
                return Err(ServiceError::Gateway(e.to_string()));
            }
            "externo".to_string()
        }
    };
    let mut tx = app.db.begin().await?;
    let first = sqlx::query(
        "UPDATE refunds SET status = 'refunded', mp_refund_id = $1, error = NULL, updated_at = $2 \
         WHERE order_id = $3 AND status <> 'refunded'",
    )
    .bind(&mp_refund_id)
    .bind(now_ms())
    .bind(order_id)
    .execute(&mut *tx)
    .await
    .map_err(store::sql)?
    .rows_affected()
        == 1;
    if first {
        sqlx::query("UPDATE payments SET status = 'refunded', updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(&claimed.payment_id)
            .execute(&mut *tx)
            .await
            .map_err(store::sql)?;
        let what = format!(
            "reembolso de {} ({}): {} — Mercado Pago refund {mp_refund_id}",
            format_brl(claimed.amount_cents),
            claimed.kind,
            claimed.reason
        );
        store::note_tx(&mut tx, order_id, order.status, actor, &what).await?;
        // The support desk sees it on any open ticket about the order.
        crate::desk::store::note_refund_on_tickets(&mut tx, order_id, actor, &what).await?;
        let mail = refund_email(
            &order.customer_name,
            order_id,
            &order.email,
            &claimed.reason,
        )?;
        sqlx::query(
            "INSERT INTO emails (id, order_id, kind, to_addr, subject, body, created_at, sent_at, attempts) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,0) ON CONFLICT (order_id, kind) DO NOTHING",
        )
        .bind(store::new_id())
        .bind(&mail.order_id)
        .bind(mail.kind)
        .bind(&mail.to_addr)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?;
    }
    tx.commit().await.map_err(store::sql)?;
    if first {
        metrics::counter!("refunds_total", "kind" => claimed.kind.clone()).increment(1);
        tracing::info!(order_id, kind = %claimed.kind, actor, mp_refund_id, "order refunded");
    }
    let refund = for_order(app, order_id)
        .await?
        .ok_or_else(|| ServiceError::Internal("refund row vanished".into()))?;
    Ok(RefundOutcome {
        refund,
        created: first,
    })
}

impl RefundRow {
    fn idempotency_key(&self) -> String {
        format!("refund-{}", self.order_id)
    }
}

#[derive(Debug, Serialize)]
pub struct SweepItem {
    pub order_id: String,
    pub kind: &'static str,
    pub outcome: String,
}

/// One pass of the automatic refunds at time `now` (ms; injectable so tests
/// need not wait 48 h).
pub async fn sweep(app: &App, now: i64) -> SResult<Vec<SweepItem>> {
    let rows = sqlx::query(
        "SELECT o.id, \
           (SELECT COUNT(*) FROM emails e WHERE e.order_id = o.id AND e.kind = 'conversion_failed') AS invalid, \
           (SELECT MAX(ev.at) FROM order_events ev WHERE ev.order_id = o.id AND ev.to_status = 'FAILED' \
              AND (ev.from_status IS NULL OR ev.from_status <> 'FAILED')) AS failed_at \
         FROM orders o LEFT JOIN refunds r ON r.order_id = o.id \
         WHERE o.status = 'FAILED' AND (r.order_id IS NULL OR (r.status <> 'refunded' AND r.updated_at < $1)) \
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.order_id = o.id AND j.state IN ('queued', 'running')) \
         ORDER BY o.updated_at LIMIT 50",
    )
    // A refund the gateway refused is retried at most every 10 minutes.
    .bind(now_ms() - RETRY_FAILED_MS)
    .fetch_all(&app.db.pool)
    .await
    .map_err(store::sql)?;
    let wait_ms = app.cfg.ops.invalid_refund_hours.max(0) * 3600 * 1000;
    let mut done = Vec::new();
    for r in rows {
        let id: String = r.try_get("id").map_err(store::sql)?;
        let invalid: i64 = r.try_get("invalid").map_err(store::sql)?;
        let failed_at: Option<i64> = r.try_get("failed_at").map_err(store::sql)?;
        let (kind, reason) = if invalid == 0 {
            (
                TECHNICAL,
                "falha técnica do sistema na conversão".to_string(),
            )
        } else if now - failed_at.unwrap_or(now) >= wait_ms {
            (
                INVALID_48H,
                format!(
                    "arquivo inválido e nenhuma conversão em {} h",
                    app.cfg.ops.invalid_refund_hours
                ),
            )
        } else {
            continue;
        };
        let outcome = match refund(app, &id, kind, &reason, "refund-sweep").await {
            Ok(o) if o.created => "refunded".to_string(),
            Ok(_) => "already_refunded".to_string(),
            Err(e) => format!("error: {e}"),
        };
        done.push(SweepItem {
            order_id: id,
            kind,
            outcome,
        });
    }
    Ok(done)
}

pub async fn sweep_loop(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = std::time::Duration::from_secs(app.cfg.ops.refund_sweep_secs.max(1));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        match sweep(&app, now_ms()).await {
            Ok(items) if !items.is_empty() => tracing::info!(refunds = items.len(), "refund sweep"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "refund sweep failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_email_is_the_runbook_template_in_portuguese() {
        let m = refund_email("Ana Souza", "abc-123", "ana@example.com", "falha técnica").unwrap();
        assert_eq!(
            m.subject,
            "Solicitação de reembolso - Processamento [order: abc-123]"
        );
        assert!(m.body.starts_with("Olá Ana Souza,"));
        assert!(m.body.contains("• Timeline: 3-5 dias úteis para estorno"));
        assert!(m
            .body
            .contains("Order ID: abc-123\nMotivo: falha técnica\n"));
        assert_eq!(m.kind, "refund");
    }
}
