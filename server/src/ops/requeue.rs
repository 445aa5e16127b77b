//! `requeue`: puts an order's conversion job back on the durable queue.
//!
//! What is allowed, by order status:
//! - `PENDING`: refused (not paid; `check-payment --fix` pays and enqueues);
//! - `PAID` / `PROCESSING`: the job is queued to run now with its attempts
//!   reset. A job held under a live lease is refused unless `force` (a stuck
//!   worker); forcing is safe because a worker finishes only while holding its
//!   lease token, which the requeue clears;
//! - `FAILED`: the job is queued again with its attempts reset (e.g. after a
//!   converter fix); the worker then moves the order FAILED → PROCESSING.
//!   Refused once the order has a refund;
//! - `COMPLETED`: refused (a new download link is `presign`).
//!
//! Each requeue is an order event with the operator as actor.

use super::store;
use crate::domain::orders::Status;
use crate::service::{SResult, ServiceError};
use crate::{now_ms, App};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Serialize)]
pub struct Requeued {
    pub order_id: String,
    pub order_status: Status,
    pub job_state_before: Option<String>,
    pub job_state: &'static str,
    pub message: String,
}

pub async fn requeue(app: &App, order_id: &str, force: bool, actor: &str) -> SResult<Requeued> {
    let order = app
        .db
        .order(order_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match order.status {
        Status::Pending => {
            return Err(ServiceError::Conflict(
                "Pedido ainda não pago (PENDING): nada a reprocessar. Se o cliente pagou, rode \
                 check_payment_status.py --fix, que marca PAID e enfileira."
                    .into(),
            ))
        }
        Status::Completed => {
            return Err(ServiceError::Conflict(
                "Pedido já concluído (COMPLETED). Para um link novo use generate_presigned.py."
                    .into(),
            ))
        }
        _ => {}
    }
    if order.status == Status::Failed {
        if let Some(r) = super::refunds::for_order(app, order_id).await? {
            return Err(ServiceError::Conflict(format!(
                "Pedido com reembolso ({}): não é reprocessado.",
                r.status
            )));
        }
    }
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let job = sqlx::query("SELECT state, lease_until, worker FROM jobs WHERE order_id = $1")
        .bind(order_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store::sql)?;
    let before: Option<String> = match &job {
        Some(r) => Some(r.try_get("state").map_err(store::sql)?),
        None => None,
    };
    if let Some(r) = &job {
        let lease: Option<i64> = r.try_get("lease_until").map_err(store::sql)?;
        let worker: Option<String> = r.try_get("worker").map_err(store::sql)?;
        if before.as_deref() == Some("running") && lease.is_some_and(|l| l > now) && !force {
            tx.rollback().await.map_err(store::sql)?;
            return Err(ServiceError::Conflict(format!(
                "A conversão está em andamento agora (worker {}, lease válido por mais {} s). \
                 Use --force se o worker estiver travado.",
                worker.unwrap_or_default(),
                (lease.unwrap_or(now) - now) / 1000
            )));
        }
        sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, lease_token = NULL, lease_until = NULL, \
             updated_at = $1 WHERE order_id = $2",
        )
        .bind(now)
        .bind(order_id)
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?;
    } else {
        sqlx::query(
            "INSERT INTO jobs (id, order_id, state, attempts, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, 'queued', 0, $3, $4, $4, $4)",
        )
        .bind(store::new_id())
        .bind(order_id)
        .bind(app.cfg.max_attempts)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?;
    }
    if order.status == Status::Failed {
        // The old failure no longer describes the order once it is retried.
        sqlx::query("UPDATE orders SET failure = NULL, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await
            .map_err(store::sql)?;
    }
    let reason = format!(
        "reenfileirado pelo operador (job: {} → queued{})",
        before.as_deref().unwrap_or("inexistente"),
        if force { ", forçado" } else { "" }
    );
    store::note_tx(&mut tx, order_id, order.status, actor, &reason).await?;
    tx.commit().await.map_err(store::sql)?;
    tracing::info!(order_id, actor, before = ?before, force, "order requeued");
    Ok(Requeued {
        order_id: order.id,
        order_status: order.status,
        job_state_before: before,
        job_state: "queued",
        message: format!(
            "Pedido {order_id} ({}) reenfileirado: um worker vai convertê-lo em instantes.",
            order.status.as_str()
        ),
    })
}
