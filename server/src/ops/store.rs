//! Small SQL helpers shared by the operations modules (same patterns as
//! `adapters::db`: `$n` placeholders, BIGINT milliseconds, text ids).

use crate::adapters::db::{Db, DbResult};
use crate::domain::orders::Status;
use crate::now_ms;
use sqlx::{Any, Transaction};

pub use crate::adapters::db::new_id;

/// Records an operator action on an order that does not change its status
/// (refund, presigned link, requeue of a failed order, anonymisation): an
/// event from the current status to itself, with who did it and why.
pub async fn note_tx(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    status: Status,
    actor: &str,
    reason: &str,
) -> DbResult<()> {
    sqlx::query("INSERT INTO order_events (id, order_id, from_status, to_status, actor, reason, at) VALUES ($1,$2,$3,$3,$4,$5,$6)")
        .bind(new_id())
        .bind(order_id)
        .bind(status.as_str())
        .bind(actor)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn note(
    db: &Db,
    order_id: &str,
    status: Status,
    actor: &str,
    reason: &str,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    note_tx(&mut tx, order_id, status, actor, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// Raw sqlx errors in operations code become the service's internal error.
pub fn sql(e: sqlx::Error) -> crate::service::ServiceError {
    crate::service::ServiceError::Internal(e.to_string())
}
