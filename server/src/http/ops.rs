//! `/health`, `/metrics`, `/openapi.json`.

use crate::domain::orders::Status;
use crate::App;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi))
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let db = app.db.ping().await;
    let storage = app.blobs.check().await;
    let queue = app.db.queue_stats().await.ok();
    let workers = app.db.workers(60_000).await.unwrap_or_default();
    let ok = db.is_ok() && storage.is_ok();
    let body = json!({
        "status": if ok { "ok" } else { "degraded" },
        "database": { "ok": db.is_ok(), "backend": format!("{:?}", app.db.backend).to_lowercase(), "error": db.err().map(|e| e.to_string()) },
        "storage": { "ok": storage.is_ok(), "backend": app.blobs.kind, "error": storage.err().map(|e| e.to_string()) },
        "queue": queue.as_ref().map(|q| json!({"depth": q.depth, "running": q.running, "oldest_job_age_secs": q.oldest_age_secs})),
        "workers": workers.iter().map(|(id, age)| json!({"id": id, "heartbeat_age_secs": age})).collect::<Vec<_>>(),
        "gateway": { "mode": if app.sandbox.is_some() { "test" } else { "mercadopago" } },
        "mailer": app.mailer.kind(),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn metrics_text(State(app): State<Arc<App>>) -> Response {
    let handle = crate::telemetry::metrics();
    // Gauges read from the database at scrape time, so every process reports the same truth.
    if let Ok(counts) = app.db.status_counts().await {
        for s in Status::ALL {
            let n = counts
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            metrics::gauge!("orders", "status" => s.as_str()).set(n as f64);
        }
    }
    if let Ok(q) = app.db.queue_stats().await {
        metrics::gauge!("queue_depth").set(q.depth as f64);
        metrics::gauge!("jobs_running").set(q.running as f64);
        metrics::gauge!("oldest_job_age_seconds").set(q.oldest_age_secs.unwrap_or(0) as f64);
    }
    crate::desk::metrics::export(&app).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

/// The API description, written by hand next to the routes it describes.
pub fn openapi_doc() -> serde_json::Value {
    let err = json!({"$ref": "#/components/schemas/Error"});
    let token = json!({"name": "token", "in": "query", "required": true, "schema": {"type": "string"}, "description": "access token returned at upload"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "ConversorMPP", "version": env!("CARGO_PKG_VERSION"), "description": "Upload a .mpp, pay with PIX or card (Mercado Pago), download the MSPDI XML."},
        "paths": {
            "/api/orders": {"post": {"summary": "Upload a .mpp (multipart: file, name, email; 50 MB max) and open a PENDING order",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file", "name", "email"],
                    "properties": {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}, "email": {"type": "string"}}}}}},
                "responses": {"201": {"description": "order created with preview counts and access token"}, "413": {"description": "over 50 MB", "content": {"application/json": {"schema": err}}}, "422": {"description": "not a readable Project file (Portuguese message)", "content": {"application/json": {"schema": err}}}}}},
            "/api/orders/{id}": {"get": {"summary": "Order status, preview, payment", "parameters": [id, token], "responses": {"200": {"description": "order"}, "403": {"description": "wrong token"}}}},
            "/api/orders/{id}/payments": {"post": {"summary": "Start a payment (pix | card)", "parameters": [id, token],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["method"], "properties": {"method": {"enum": ["pix", "card"]}, "card_token": {"type": "string"}, "payment_method_id": {"type": "string"}, "installments": {"type": "integer"}, "cpf": {"type": "string"}}}}}},
                "responses": {"201": {"description": "payment (PIX: qr_code, qr_svg, expires_at)"}, "409": {"description": "already paid"}}}},
            "/api/orders/{id}/download": {"get": {"summary": "Redirect to a fresh download link valid 24 h", "parameters": [id, token], "responses": {"303": {"description": "to the signed or presigned link"}, "409": {"description": "not ready"}}}},
            "/api/orders/{id}/sandbox-approve": {"post": {"summary": "Test mode only: approve the order's payment as the sandbox operator", "parameters": [id, token], "responses": {"204": {"description": "approved; webhook sent"}}}},
            "/api/support": {"post": {"summary": "Open a support ticket (multipart: order_id optional, nome, email, descricao, up to 5 attachments of 10 MB); automatic triage P1–P4, SLA due times and acknowledgment e-mail", "responses": {"201": {"description": "the ticket: priority, category, level, triage, sla (first_response_due, resolution_due, postmortem_due), attachments"}, "413": {"description": "an attachment over 10 MB", "content": {"application/json": {"schema": err}}}, "422": {"description": "invalid form (Portuguese message)", "content": {"application/json": {"schema": err}}}}}},
            "/files/{order_id}.xml": {"get": {"summary": "Signed local download", "parameters": [{"name": "order_id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "exp", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "sig", "in": "query", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the XML"}, "403": {"description": "tampered"}, "410": {"description": "expired"}}}},
            "/webhooks/mercadopago": {"post": {"summary": "Mercado Pago notification (x-signature HMAC-SHA256)", "responses": {"200": {"description": "accepted"}, "401": {"description": "bad, missing or stale signature"}}}},
            "/health": {"get": {"summary": "Database, storage, queue, workers, gateway mode", "responses": {"200": {"description": "healthy"}, "503": {"description": "degraded"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text format"}}}}
        },
        "components": {"schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}}}
    })
}

async fn openapi() -> Json<serde_json::Value> {
    let mut doc = openapi_doc();
    crate::ops::http::document(&mut doc);
    Json(doc)
}
