//! LGPD requests: access and deletion, registered with a 30-day due date and
//! exported as `privacy-requests.csv`.
//!
//! - access: everything we hold about the customer's e-mail, as JSON;
//! - deletion: the customer's uploads, results and `support/{order_id}/`
//!   attachments are deleted from the object store; names, e-mail addresses,
//!   file names and the e-mails' text are anonymised in `orders` and the
//!   e-mail outbox (table and outbox files); the orders' log lines are
//!   deleted. Kept, as financial records require: order ids, amounts,
//!   currency, statuses, dates, payments (ids, amounts, statuses) and refunds.
//!
//! Every processing is logged in `privacy_log` as proof (what, when, who, the
//! object keys). Other modules join a deletion through [`PrivacyHook`]
//! (registered in [`hooks`]), e.g. the support desk's tickets.

use super::store;
use crate::adapters::db::DbResult;
use crate::service::{SResult, ServiceError};
use crate::{iso_at, now_ms, App};
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{Any, Row, Transaction};

pub const DUE_DAYS: i64 = 30;
pub const ANON_NAME: &str = "[removido - LGPD]";

#[derive(Debug, Clone, Serialize)]
pub struct PrivacyRequest {
    pub id: String,
    pub kind: String,
    pub email: String,
    pub order_id: Option<String>,
    pub status: String,
    pub notes: String,
    pub actor: String,
    pub requested_at: i64,
    pub due_at: i64,
    pub completed_at: Option<i64>,
}

fn req_from(r: &sqlx::any::AnyRow) -> DbResult<PrivacyRequest> {
    Ok(PrivacyRequest {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        email: r.try_get("email")?,
        order_id: r.try_get("order_id")?,
        status: r.try_get("status")?,
        notes: r.try_get("notes")?,
        actor: r.try_get("actor")?,
        requested_at: r.try_get("requested_at")?,
        due_at: r.try_get("due_at")?,
        completed_at: r.try_get("completed_at")?,
    })
}

/// What a hook did inside a deletion: a summary for the proof, and object
/// keys to delete once the anonymisation committed.
#[derive(Debug, Default)]
pub struct HookResult {
    pub details: Value,
    pub object_keys: Vec<String>,
    /// `emails.order_id` values of messages this hook anonymised (e.g. ticket
    /// ids): their outbox files are deleted like the orders'.
    pub outbox_ids: Vec<String>,
}

/// A part of the system holding personal data of its own (e.g. tickets).
#[async_trait::async_trait]
pub trait PrivacyHook: Send + Sync {
    fn name(&self) -> &'static str;
    /// Anonymises inside the deletion's transaction.
    async fn anonymise(
        &self,
        tx: &mut Transaction<'static, Any>,
        email: &str,
        order_ids: &[String],
    ) -> SResult<HookResult>;
    /// The customer's data for an access request.
    async fn export(&self, app: &App, email: &str, order_ids: &[String]) -> SResult<Value>;
}

/// Hooks run by every access and deletion: the support desk's tickets (and
/// their `support/{ticket_id}/` attachments, e-mails and outbox files).
pub fn hooks() -> Vec<Box<dyn PrivacyHook>> {
    vec![Box::new(crate::desk::privacy::Tickets)]
}

fn valid_email(s: &str) -> bool {
    s.len() <= 254 && s.parse::<lettre::Address>().is_ok()
}

pub async fn register(
    app: &App,
    kind: &str,
    email: Option<&str>,
    order_id: Option<&str>,
    notes: &str,
    actor: &str,
) -> SResult<PrivacyRequest> {
    if kind != "access" && kind != "deletion" {
        return Err(ServiceError::Invalid(
            "kind deve ser access ou deletion.".into(),
        ));
    }
    let order_id = order_id.map(str::trim).filter(|s| !s.is_empty());
    let email = match (email.map(str::trim).filter(|s| !s.is_empty()), order_id) {
        (Some(e), _) => e.to_string(),
        (None, Some(id)) => app.db.order(id).await?.ok_or(ServiceError::NotFound)?.email,
        (None, None) => {
            return Err(ServiceError::Invalid(
                "Informe o e-mail do titular ou um order_id.".into(),
            ))
        }
    };
    if !valid_email(&email) {
        return Err(ServiceError::Invalid("E-mail do titular inválido.".into()));
    }
    let now = now_ms();
    let id = store::new_id();
    sqlx::query(
        "INSERT INTO privacy_requests (id, kind, email, order_id, status, notes, actor, requested_at, due_at, completed_at) \
         VALUES ($1,$2,$3,$4,'open',$5,$6,$7,$8,NULL)",
    )
    .bind(&id)
    .bind(kind)
    .bind(&email)
    .bind(order_id)
    .bind(notes)
    .bind(actor)
    .bind(now)
    .bind(now + DUE_DAYS * 24 * 3600 * 1000)
    .execute(&app.db.pool)
    .await
    .map_err(store::sql)?;
    tracing::info!(request_id = %id, kind, actor, "privacy request registered");
    get(app, &id).await?.ok_or(ServiceError::NotFound)
}

pub async fn get(app: &App, id: &str) -> DbResult<Option<PrivacyRequest>> {
    let r = sqlx::query("SELECT * FROM privacy_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?;
    r.as_ref().map(req_from).transpose()
}

pub async fn list(app: &App) -> DbResult<Vec<PrivacyRequest>> {
    let rows = sqlx::query("SELECT * FROM privacy_requests ORDER BY requested_at")
        .fetch_all(&app.db.pool)
        .await?;
    rows.iter().map(req_from).collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `privacy-requests.csv`: one line per request, dates in ISO 8601.
pub fn to_csv(rows: &[PrivacyRequest]) -> String {
    let mut out = String::from(
        "id,kind,email,order_id,status,requested_at,due_at,completed_at,actor,notes\n",
    );
    for r in rows {
        let cols = [
            r.id.clone(),
            r.kind.clone(),
            r.email.clone(),
            r.order_id.clone().unwrap_or_default(),
            r.status.clone(),
            iso_at(r.requested_at),
            iso_at(r.due_at),
            r.completed_at.map(iso_at).unwrap_or_default(),
            r.actor.clone(),
            r.notes.clone(),
        ];
        out.push_str(
            &cols
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

async fn orders_of(app: &App, email: &str) -> DbResult<Vec<String>> {
    let rows =
        sqlx::query("SELECT id FROM orders WHERE LOWER(email) = LOWER($1) ORDER BY created_at")
            .bind(email)
            .fetch_all(&app.db.pool)
            .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

async fn log_proof(
    app: &App,
    request_id: &str,
    action: &str,
    actor: &str,
    details: &Value,
) -> SResult<()> {
    sqlx::query("INSERT INTO privacy_log (id, request_id, action, actor, at, details) VALUES ($1,$2,$3,$4,$5,$6)")
        .bind(store::new_id())
        .bind(request_id)
        .bind(action)
        .bind(actor)
        .bind(now_ms())
        .bind(details.to_string())
        .execute(&app.db.pool)
        .await
        .map_err(store::sql)?;
    Ok(())
}

pub async fn proof(app: &App, request_id: &str) -> DbResult<Vec<Value>> {
    let rows = sqlx::query(
        "SELECT action, actor, at, details FROM privacy_log WHERE request_id = $1 ORDER BY at",
    )
    .bind(request_id)
    .fetch_all(&app.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let details: String = r.try_get("details")?;
            Ok(json!({
                "action": r.try_get::<String, _>("action")?,
                "actor": r.try_get::<String, _>("actor")?,
                "at": iso_at(r.try_get("at")?),
                "details": serde_json::from_str::<Value>(&details).unwrap_or(Value::String(details)),
            }))
        })
        .collect()
}

/// Everything held about the customer (access request).
pub async fn export(app: &App, email: &str) -> SResult<Value> {
    let ids = orders_of(app, email).await?;
    let mut orders = Vec::new();
    for id in &ids {
        let Some(o) = app.db.order(id).await? else {
            continue;
        };
        let events = app.db.events(id).await?;
        let payments = sqlx::query("SELECT id, method, status, amount_cents, created_at FROM payments WHERE order_id = $1 ORDER BY created_at")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await
            .map_err(store::sql)?
            .iter()
            .map(|r| -> Result<Value, sqlx::Error> {
                Ok(json!({"id": r.try_get::<String, _>("id")?, "method": r.try_get::<String, _>("method")?,
                    "status": r.try_get::<String, _>("status")?, "amount_cents": r.try_get::<i64, _>("amount_cents")?,
                    "created_at": iso_at(r.try_get("created_at")?)}))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(store::sql)?;
        let emails = sqlx::query("SELECT kind, to_addr, subject, body, created_at FROM emails WHERE order_id = $1 ORDER BY created_at")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await
            .map_err(store::sql)?
            .iter()
            .map(|r| -> Result<Value, sqlx::Error> {
                Ok(json!({"kind": r.try_get::<String, _>("kind")?, "to": r.try_get::<String, _>("to_addr")?,
                    "subject": r.try_get::<String, _>("subject")?, "body": r.try_get::<String, _>("body")?,
                    "created_at": iso_at(r.try_get("created_at")?)}))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(store::sql)?;
        let refund = super::refunds::for_order(app, id).await?;
        let objects: Vec<String> = object_keys(app, id).await?;
        orders.push(json!({
            "order": o,
            "events": events,
            "payments": payments,
            "emails": emails,
            "refund": refund,
            "objects": objects,
        }));
    }
    let mut extra = serde_json::Map::new();
    for h in hooks() {
        extra.insert(h.name().into(), h.export(app, email, &ids).await?);
    }
    Ok(json!({
        "titular": email,
        "generated_at": crate::iso_now(),
        "orders": orders,
        "other": extra,
    }))
}

/// The customer's objects for one order that exist now.
async fn object_keys(app: &App, order_id: &str) -> SResult<Vec<String>> {
    use futures_util::TryStreamExt;
    let mut keys = Vec::new();
    for k in [
        crate::adapters::blob::upload_key(order_id),
        crate::adapters::blob::result_key(order_id),
    ] {
        if app.blobs.exists(&k).await? {
            keys.push(k);
        }
    }
    let prefix = ObjPath::from(format!("support/{order_id}"));
    let listed: Vec<object_store::ObjectMeta> = app
        .blobs
        .store
        .list(Some(&prefix))
        .try_collect()
        .await
        .or_else(|e| match e {
            object_store::Error::NotFound { .. } => Ok(Vec::new()),
            e => Err(e),
        })?;
    keys.extend(listed.into_iter().map(|m| m.location.to_string()));
    Ok(keys)
}

async fn delete_object(app: &App, key: &str) -> SResult<()> {
    match app.blobs.store.delete(&ObjPath::from(key)).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Outbox files of the embedded default that name one of the orders.
fn outbox_files(app: &App, order_ids: &[String]) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(app.cfg.data_dir.join("outbox")) else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|m| {
                order_ids
                    .iter()
                    .any(|id| m.contains(&format!("X-Conversor-Order: {id}")))
            })
        })
        .collect()
}

/// Carries out a deletion request.
async fn delete_customer(app: &App, req: &PrivacyRequest, actor: &str) -> SResult<Value> {
    let ids = orders_of(app, &req.email).await?;
    // A conversion in flight would write a result after the deletion.
    for id in &ids {
        if let Some(o) = app.db.order(id).await? {
            if matches!(
                o.status,
                crate::domain::orders::Status::Paid | crate::domain::orders::Status::Processing
            ) {
                return Err(ServiceError::Conflict(format!(
                    "O pedido {id} está em conversão ({}); processe a exclusão quando terminar.",
                    o.status.as_str()
                )));
            }
        }
    }
    let mut keys = Vec::new();
    for id in &ids {
        keys.extend(object_keys(app, id).await?);
    }
    let anon_email = format!(
        "titular-{}@anonimo.invalid",
        &req.id[req.id.len().saturating_sub(12)..]
    );
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let (mut orders_n, mut emails_n, mut logs_n) = (0u64, 0u64, 0u64);
    for id in &ids {
        let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(store::sql)?;
        orders_n += sqlx::query(
            "UPDATE orders SET customer_name = $1, email = $2, file_name = 'removido.mpp', updated_at = $3 WHERE id = $4",
        )
        .bind(ANON_NAME)
        .bind(&anon_email)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?
        .rows_affected();
        // E-mails not yet sent are cancelled (marked done): the address is gone.
        emails_n += sqlx::query(
            "UPDATE emails SET to_addr = $1, subject = $2, body = '', \
             sent_at = CASE WHEN sent_at IS NULL OR sent_at < 0 THEN $3 ELSE sent_at END WHERE order_id = $4",
        )
        .bind(&anon_email)
        .bind(ANON_NAME)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?
        .rows_affected();
        logs_n += super::logs::delete_for_order(&mut tx, id).await?;
        if let Some(s) = crate::domain::orders::Status::parse(&status) {
            store::note_tx(
                &mut tx,
                id,
                s,
                actor,
                &format!("dados pessoais removidos (LGPD, solicitação {})", req.id),
            )
            .await?;
        }
    }
    let mut hook_details = serde_json::Map::new();
    let mut outbox_ids = ids.clone();
    for h in hooks() {
        let r = h.anonymise(&mut tx, &req.email, &ids).await?;
        keys.extend(r.object_keys);
        outbox_ids.extend(r.outbox_ids);
        hook_details.insert(h.name().into(), r.details);
    }
    tx.commit().await.map_err(store::sql)?;
    for k in &keys {
        delete_object(app, k).await?;
    }
    let files = outbox_files(app, &outbox_ids);
    for f in &files {
        let _ = std::fs::remove_file(f);
    }
    Ok(json!({
        "orders": ids,
        "object_keys_deleted": keys,
        "rows_anonymised": {"orders": orders_n, "emails": emails_n},
        "log_lines_deleted": logs_n,
        "outbox_files_deleted": files.iter().filter_map(|f| f.file_name()?.to_str().map(str::to_string)).collect::<Vec<_>>(),
        "kept": ["orders.id", "orders.price_cents", "orders.currency", "orders.status", "dates", "payments", "refunds"],
        "other": hook_details,
    }))
}

#[derive(Debug, Serialize)]
pub struct Processed {
    pub request: PrivacyRequest,
    /// access: the export; deletion: the proof's details.
    pub result: Value,
}

/// Carries out a registered request and records the proof.
pub async fn process(app: &App, id: &str, actor: &str) -> SResult<Processed> {
    let req = get(app, id).await?.ok_or(ServiceError::NotFound)?;
    let (action, result) = match req.kind.as_str() {
        "access" => ("access_export", export(app, &req.email).await?),
        _ => {
            if req.status == "done" {
                return Err(ServiceError::Conflict("Solicitação já atendida.".into()));
            }
            ("deletion", delete_customer(app, &req, actor).await?)
        }
    };
    let proof_details = if action == "access_export" {
        json!({"orders": result["orders"].as_array().map(|a| a.len()).unwrap_or(0)})
    } else {
        result.clone()
    };
    log_proof(app, &req.id, action, actor, &proof_details).await?;
    sqlx::query("UPDATE privacy_requests SET status = 'done', completed_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(&req.id)
        .execute(&app.db.pool)
        .await
        .map_err(store::sql)?;
    tracing::info!(request_id = %req.id, action, actor, "privacy request processed");
    let request = get(app, id).await?.ok_or(ServiceError::NotFound)?;
    Ok(Processed { request, result })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let r = PrivacyRequest {
            id: "r1".into(),
            kind: "deletion".into(),
            email: "ana@example.com".into(),
            order_id: None,
            status: "open".into(),
            notes: "pediu por e-mail, \"urgente\"".into(),
            actor: "admin-api".into(),
            requested_at: 0,
            due_at: DUE_DAYS * 24 * 3600 * 1000,
            completed_at: None,
        };
        let csv = to_csv(&[r]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("id,kind,email,order_id,status,requested_at,due_at,completed_at,actor,notes")
        );
        assert_eq!(
            lines.next(),
            Some("r1,deletion,ana@example.com,,open,1970-01-01T00:00:00Z,1970-01-31T00:00:00Z,,admin-api,\"pediu por e-mail, \"\"urgente\"\"\"")
        );
    }
}
