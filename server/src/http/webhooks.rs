//! `POST /webhooks/mercadopago`: verify, answer at once, act in the background.

use super::error::ApiError;
use crate::service::{self, WebhookCheck, WebhookInput};
use crate::App;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use std::collections::HashMap;
use std::sync::Arc;

pub fn router() -> Router<Arc<App>> {
    Router::new().route("/webhooks/mercadopago", post(mercadopago))
}

async fn mercadopago(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // The signed id is the query's data.id; the body's is the fallback.
    let data_id = q
        .get("data.id")
        .cloned()
        .or_else(|| json["data"]["id"].as_str().map(str::to_string));
    let input = WebhookInput {
        data_id,
        kind: q
            .get("type")
            .cloned()
            .or_else(|| json["type"].as_str().map(str::to_string)),
        x_signature: header("x-signature"),
        x_request_id: header("x-request-id"),
    };
    match service::check_webhook(&app, &input).await? {
        WebhookCheck::Process(payment_id) => {
            tokio::spawn(async move {
                match service::process_payment_notice(&app, &payment_id).await {
                    Ok(outcome) => tracing::info!(payment_id, outcome, "webhook processed"),
                    Err(e) => {
                        metrics::counter!("webhooks_total", "outcome" => "error").increment(1);
                        tracing::error!(payment_id, error = %e, "webhook processing failed");
                    }
                }
            });
            Ok((StatusCode::OK, Json(serde_json::json!({"received": true}))))
        }
        WebhookCheck::Ignore(why) => Ok((
            StatusCode::OK,
            Json(serde_json::json!({"received": true, "ignored": why})),
        )),
    }
}
