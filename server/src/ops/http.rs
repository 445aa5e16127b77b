//! Routes: the authenticated admin API under `/api/admin/...` (JSON; every
//! action recorded with its actor) and the public status page.

use super::auth::{self, Actor};
use super::{incidents, logs, payments, presign, privacy, refunds, requeue};
use crate::http::error::ApiError;
use crate::service::ServiceError;
use crate::App;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

type St = State<Arc<App>>;
type Res = Result<Response, ApiError>;

pub fn router(app: &Arc<App>) -> Router<Arc<App>> {
    let token = auth::load_or_create(&app.cfg).unwrap_or_else(|e| {
        // Without a readable token nobody can use the API: safe, and logged.
        tracing::error!(error = %e, "admin token unavailable; the admin API refuses every request");
        String::new()
    });
    let admin = Router::new()
        .route("/api/admin/orders/{id}", get(order))
        .route("/api/admin/orders/{id}/check-payment", post(check_payment))
        .route("/api/admin/orders/{id}/requeue", post(requeue_order))
        .route("/api/admin/orders/{id}/logs", get(order_logs))
        .route("/api/admin/orders/{id}/refund", post(refund))
        .route("/api/admin/refunds", get(refund_list))
        .route("/api/admin/refunds/sweep", post(refund_sweep))
        .route("/api/admin/presign", post(presign_object))
        .route(
            "/api/admin/privacy-requests",
            get(privacy_list).post(privacy_register),
        )
        .route("/api/admin/privacy-requests.csv", get(privacy_csv))
        .route("/api/admin/privacy-requests/{id}", get(privacy_get))
        .route(
            "/api/admin/privacy-requests/{id}/process",
            post(privacy_process),
        )
        .route(
            "/api/admin/incidents",
            get(incident_list).post(incident_open),
        )
        .route("/api/admin/incidents/{id}", get(incident_get))
        .route("/api/admin/incidents/{id}/updates", post(incident_update))
        .route("/api/admin/incidents/{id}/resolve", post(incident_resolve))
        .route(
            "/api/admin/incidents/{id}/postmortem",
            get(incident_postmortem),
        )
        .route_layer(middleware::from_fn_with_state(
            Arc::new(token),
            auth::require,
        ));
    Router::new()
        .route("/status", get(status_page))
        .route("/status.json", get(status_json))
        .merge(admin)
}

/// An optional JSON body: empty means all defaults.
fn body<T: DeserializeOwned + Default>(b: &Bytes) -> Result<T, ApiError> {
    if b.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(b)
        .map_err(|e| ApiError(ServiceError::Invalid(format!("JSON inválido: {e}"))))
}

async fn order(State(app): St, Path(id): Path<String>) -> Res {
    let o = app
        .db
        .order(&id)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound)?;
    let events = app.db.events(&id).await.map_err(ServiceError::from)?;
    let payment = app
        .db
        .latest_payment(&id)
        .await
        .map_err(ServiceError::from)?;
    let job = app.db.job_attempts(&id).await.map_err(ServiceError::from)?;
    let refund = refunds::for_order(&app, &id)
        .await
        .map_err(ServiceError::from)?;
    let emails = app.db.emails_for(&id).await.map_err(ServiceError::from)?;
    Ok(Json(json!({
        "order": o,
        "events": events,
        "payment": payment.map(|p| json!({"id": p.id, "method": p.method, "status": p.status, "amount_cents": p.amount_cents})),
        "job": job.map(|(state, attempts)| json!({"state": state, "attempts": attempts})),
        "refund": refund,
        "emails": emails.into_iter().map(|(kind, sent)| json!({"kind": kind, "sent": sent})).collect::<Vec<_>>(),
    }))
    .into_response())
}

#[derive(Deserialize, Default)]
struct FixBody {
    #[serde(default)]
    fix: bool,
}

#[derive(Deserialize, Default)]
struct FixQuery {
    fix: Option<bool>,
}

async fn check_payment(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Query(q): Query<FixQuery>,
    b: Bytes,
) -> Res {
    let fix = q.fix.unwrap_or(false) || body::<FixBody>(&b)?.fix;
    let r = payments::check(&app, &id, fix, &actor.0).await?;
    Ok(Json(r).into_response())
}

#[derive(Deserialize, Default)]
struct ForceBody {
    #[serde(default)]
    force: bool,
}

async fn requeue_order(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    b: Bytes,
) -> Res {
    let force = body::<ForceBody>(&b)?.force;
    let r = requeue::requeue(&app, &id, force, &actor.0).await?;
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
struct TailQuery {
    tail: Option<i64>,
}

async fn order_logs(State(app): St, Path(id): Path<String>, Query(q): Query<TailQuery>) -> Res {
    let lines = logs::for_order(&app.db, &id, q.tail.unwrap_or(500))
        .await
        .map_err(ServiceError::from)?;
    Ok(Json(json!({"order_id": id, "count": lines.len(), "lines": lines})).into_response())
}

#[derive(Deserialize, Default)]
struct RefundBody {
    #[serde(default)]
    reason: String,
}

async fn refund(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    b: Bytes,
) -> Res {
    let reason = body::<RefundBody>(&b)?.reason;
    let r = refunds::refund(&app, &id, refunds::MANUAL, &reason, &actor.0).await?;
    let status = if r.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(r)).into_response())
}

async fn refund_list(State(app): St) -> Res {
    Ok(Json(refunds::list(&app).await.map_err(ServiceError::from)?).into_response())
}

#[derive(Deserialize, Default)]
struct SweepBody {
    /// The sweep's clock (unix ms); default now.
    now_ms: Option<i64>,
}

async fn refund_sweep(State(app): St, b: Bytes) -> Res {
    let now = body::<SweepBody>(&b)?.now_ms.unwrap_or_else(crate::now_ms);
    Ok(Json(json!({"refunds": refunds::sweep(&app, now).await?})).into_response())
}

#[derive(Deserialize, Default)]
struct PresignBody {
    #[serde(default)]
    object: String,
    expires: Option<i64>,
}

async fn presign_object(State(app): St, Extension(actor): Extension<Actor>, b: Bytes) -> Res {
    let p = body::<PresignBody>(&b)?;
    let r = presign::presign(&app, &p.object, p.expires, &actor.0).await?;
    Ok(Json(r).into_response())
}

#[derive(Deserialize, Default)]
struct PrivacyBody {
    #[serde(default)]
    kind: String,
    email: Option<String>,
    order_id: Option<String>,
    #[serde(default)]
    notes: String,
}

async fn privacy_register(State(app): St, Extension(actor): Extension<Actor>, b: Bytes) -> Res {
    let p = body::<PrivacyBody>(&b)?;
    let r = privacy::register(
        &app,
        &p.kind,
        p.email.as_deref(),
        p.order_id.as_deref(),
        &p.notes,
        &actor.0,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

async fn privacy_list(State(app): St) -> Res {
    Ok(Json(privacy::list(&app).await.map_err(ServiceError::from)?).into_response())
}

async fn privacy_csv(State(app): St) -> Res {
    let rows = privacy::list(&app).await.map_err(ServiceError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"privacy-requests.csv\"",
            ),
        ],
        privacy::to_csv(&rows),
    )
        .into_response())
}

async fn privacy_get(State(app): St, Path(id): Path<String>) -> Res {
    let r = privacy::get(&app, &id)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound)?;
    let proof = privacy::proof(&app, &id)
        .await
        .map_err(ServiceError::from)?;
    Ok(Json(json!({"request": r, "proof": proof})).into_response())
}

async fn privacy_process(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Res {
    Ok(Json(privacy::process(&app, &id, &actor.0).await?).into_response())
}

#[derive(Deserialize, Default)]
struct IncidentBody {
    #[serde(default)]
    priority: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    ticket_id: Option<String>,
}

async fn incident_open(State(app): St, Extension(actor): Extension<Actor>, b: Bytes) -> Res {
    let i = body::<IncidentBody>(&b)?;
    let r = incidents::open_as(
        &app,
        &i.priority,
        &i.title,
        &i.summary,
        i.ticket_id.as_deref(),
        &actor.0,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

async fn incident_list(State(app): St) -> Res {
    Ok(Json(incidents::list(&app).await.map_err(ServiceError::from)?).into_response())
}

async fn incident_get(State(app): St, Path(id): Path<String>) -> Res {
    let i = incidents::get(&app, &id)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound)?;
    Ok(Json(i).into_response())
}

#[derive(Deserialize, Default)]
struct UpdateBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
}

async fn incident_update(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    b: Bytes,
) -> Res {
    let u = body::<UpdateBody>(&b)?;
    let status = if u.status.is_empty() {
        "investigating".to_string()
    } else {
        u.status
    };
    Ok(Json(incidents::update(&app, &id, &status, &u.message, &actor.0).await?).into_response())
}

async fn incident_resolve(
    State(app): St,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    b: Bytes,
) -> Res {
    let u = body::<UpdateBody>(&b)?;
    let msg = if u.message.trim().is_empty() {
        "Incidente resolvido.".to_string()
    } else {
        u.message
    };
    Ok(Json(incidents::resolve(&app, &id, &msg, &actor.0).await?).into_response())
}

async fn incident_postmortem(State(app): St, Path(id): Path<String>) -> Res {
    let md = incidents::postmortem(&app, &id)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response())
}

async fn status_page(State(app): St) -> Res {
    let (open, resolved) = incidents::for_status_page(&app)
        .await
        .map_err(ServiceError::from)?;
    Ok(Html(incidents::status_html(&open, &resolved)).into_response())
}

async fn status_json(State(app): St) -> Res {
    let (open, resolved) = incidents::for_status_page(&app)
        .await
        .map_err(ServiceError::from)?;
    let public = |i: &incidents::Incident| {
        json!({"id": i.id, "priority": i.priority, "title": i.title, "status": i.status,
               "status_label": incidents::status_label(&i.status),
               "opened_at": crate::iso_at(i.opened_at), "resolved_at": i.resolved_at.map(crate::iso_at),
               "updates": i.updates.iter().map(|u| json!({"status": u.status, "message": u.message, "at": crate::iso_at(u.at)})).collect::<Vec<_>>()})
    };
    Ok(Json(json!({
        "status": if open.is_empty() { "operational" } else { "incident" },
        "message": if open.is_empty() { "Todos os sistemas operacionais".to_string() } else { incidents::open_count_pt(open.len()) },
        "open": open.iter().map(public).collect::<Vec<_>>(),
        "recently_resolved": resolved.iter().map(public).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// Adds the admin API and the status page to the OpenAPI document.
pub fn document(doc: &mut serde_json::Value) {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    let sec = json!([{"adminToken": []}]);
    let op = |summary: &str| json!({"summary": summary, "security": sec, "parameters": [id], "responses": {"200": {"description": "JSON"}, "401": {"description": "missing or wrong admin token"}}});
    let plain = |summary: &str| json!({"summary": summary, "security": sec, "responses": {"200": {"description": "JSON"}, "401": {"description": "missing or wrong admin token"}}});
    let paths = json!({
        "/api/admin/orders/{id}": {"get": op("Order with events, payment, job, refund and e-mails")},
        "/api/admin/orders/{id}/check-payment": {"post": op("Compare Mercado Pago with the database and explain; body {\"fix\": true} marks PAID and enqueues (exactly once)")},
        "/api/admin/orders/{id}/requeue": {"post": op("Put the order's job back on the queue (PAID/PROCESSING stuck, FAILED); body {\"force\": true} for a live lease")},
        "/api/admin/orders/{id}/logs": {"get": op("The order's log lines from every process, oldest first (?tail=N, default 500)")},
        "/api/admin/orders/{id}/refund": {"post": op("Refund in full through Mercado Pago, once per order; body {\"reason\"}")},
        "/api/admin/refunds": {"get": plain("Refunds, newest first")},
        "/api/admin/refunds/sweep": {"post": plain("Run the automatic refund sweep; body {\"now_ms\"} sets its clock")},
        "/api/admin/presign": {"post": plain("Download link for results/{order_id}.xml; body {\"object\", \"expires\"} (default 86400, max 604800)")},
        "/api/admin/privacy-requests": {"get": plain("LGPD requests"), "post": plain("Register an LGPD request (kind access|deletion, email or order_id, notes); due in 30 days")},
        "/api/admin/privacy-requests.csv": {"get": plain("privacy-requests.csv")},
        "/api/admin/privacy-requests/{id}": {"get": op("A request and its proof")},
        "/api/admin/privacy-requests/{id}/process": {"post": op("Carry out: access = JSON export; deletion = objects deleted, personal data anonymised, proof logged")},
        "/api/admin/incidents": {"get": plain("Incidents"), "post": plain("Open an incident (priority P1-P4, title, summary, ticket_id); P1/P2 get a post-mortem")},
        "/api/admin/incidents/{id}": {"get": op("An incident with its updates")},
        "/api/admin/incidents/{id}/updates": {"post": op("Public update (status investigating|identified|monitoring|resolved, message)")},
        "/api/admin/incidents/{id}/resolve": {"post": op("Resolve (message)")},
        "/api/admin/incidents/{id}/postmortem": {"get": op("The post-mortem document (Markdown)")},
        "/status": {"get": {"summary": "Public status page (HTML, Portuguese)", "responses": {"200": {"description": "HTML"}}}},
        "/status.json": {"get": {"summary": "Open and recently resolved incidents", "responses": {"200": {"description": "JSON"}}}},
    });
    if let (Some(dst), Some(src)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        dst.extend(src.clone());
    }
    doc["components"]["securitySchemes"]["adminToken"] = json!({"type": "http", "scheme": "bearer", "description": "CONVERSOR_ADMIN_TOKEN or {data_dir}/admin-token"});
}
