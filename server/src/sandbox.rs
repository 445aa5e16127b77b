//! A local stand-in for Mercado Pago that speaks its documented payments API
//! (`POST /v1/payments`, `GET /v1/payments/{id}`, `GET /v1/payments/search`,
//! `POST /v1/payments/{id}/refunds`)
//! and sends signed webhooks. It is the gateway of *test mode* (mounted at
//! `/sandbox/mp` by `conversor serve` without credentials) and the fake the
//! tests run standalone (`conversor fake-mp`).
//!
//! Operator routes, like the sandbox panel: `POST /sandbox/payments/{id}/approve`
//! (optionally `?amount=` to simulate a wrong amount), `.../reject`, and
//! `GET /sandbox/webhooks` (deliveries and their answers), `GET /sandbox/refunds`
//! (refunds made; a replayed X-Idempotency-Key returns the first refund).

use crate::domain::tokens;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub struct Sandbox {
    pub access_token: String,
    pub webhook_secret: String,
    payments: Mutex<HashMap<String, Value>>,
    idempotency: Mutex<HashMap<String, String>>,
    deliveries: Mutex<Vec<Value>>,
    /// Refunds made, in order; a repeated X-Idempotency-Key returns the first.
    refunds: Mutex<Vec<(String, Value)>>,
    next_id: AtomicU64,
    http: reqwest::Client,
}

impl Sandbox {
    pub fn new(access_token: &str, webhook_secret: &str) -> Arc<Sandbox> {
        crate::init_tls();
        Arc::new(Sandbox {
            access_token: access_token.into(),
            webhook_secret: webhook_secret.into(),
            payments: Mutex::new(HashMap::new()),
            idempotency: Mutex::new(HashMap::new()),
            deliveries: Mutex::new(Vec::new()),
            refunds: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(crate::now_ms() as u64 % 1_000_000 * 1000 + 1_000_000_000),
            http: reqwest::Client::new(),
        })
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/v1/payments", post(create))
            .route("/v1/payments/search", get(search))
            .route("/v1/payments/{id}", get(fetch))
            .route("/v1/payments/{id}/refunds", post(refund))
            .route("/sandbox/payments/{id}/approve", post(approve))
            .route("/sandbox/payments/{id}/reject", post(reject))
            .route("/sandbox/webhooks", get(deliveries))
            .route("/sandbox/refunds", get(refund_list))
            .with_state(self.clone())
    }

    /// Every refund made (one entry per refund, replays excluded).
    pub fn refunds(&self) -> Vec<Value> {
        self.refunds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn lock_payments(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        self.payments.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes a payment and notifies its `notification_url`, signed as Mercado Pago signs.
    pub async fn settle(
        &self,
        id: &str,
        status: &str,
        detail: &str,
        amount: Option<f64>,
    ) -> Option<Value> {
        self.settle_with(id, status, detail, amount, true).await
    }

    /// As [`Sandbox::settle`]; `notify: false` simulates a lost notification.
    pub async fn settle_with(
        &self,
        id: &str,
        status: &str,
        detail: &str,
        amount: Option<f64>,
        notify: bool,
    ) -> Option<Value> {
        let payment = {
            let mut map = self.lock_payments();
            let p = map.get_mut(id)?;
            p["status"] = json!(status);
            p["status_detail"] = json!(detail);
            if let Some(a) = amount {
                p["transaction_amount"] = json!(a);
            }
            p.clone()
        };
        if notify {
            self.notify(&payment, "payment.updated").await;
        }
        Some(payment)
    }

    pub async fn notify(&self, payment: &Value, action: &str) {
        let Some(url) = payment["notification_url"].as_str() else {
            return;
        };
        let id = payment["id"].to_string();
        let request_id = uuid::Uuid::new_v4().to_string();
        let ts = crate::now_ms().to_string();
        let manifest = tokens::mp_manifest(Some(&id), Some(&request_id), Some(&ts));
        let v1 = tokens::hmac_hex(self.webhook_secret.as_bytes(), manifest.as_bytes());
        let body = json!({
            "id": crate::now_ms(),
            "live_mode": false,
            "type": "payment",
            "date_created": crate::iso_now(),
            "user_id": "0",
            "api_version": "v1",
            "action": action,
            "data": { "id": id },
        });
        let sep = if url.contains('?') { '&' } else { '?' };
        let res = self
            .http
            .post(format!("{url}{sep}data.id={id}&type=payment"))
            .header("x-signature", format!("ts={ts},v1={v1}"))
            .header("x-request-id", &request_id)
            .json(&body)
            .send()
            .await;
        let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(json!({"payment_id": id, "action": action, "request_id": request_id, "status": status}));
    }
}

fn authorized(sb: &Sandbox, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == sb.access_token)
}

fn api_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message, "error": "bad_request", "status": status.as_u16(), "cause": []}))).into_response()
}

async fn create(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    Json(req): Json<Value>,
) -> Response {
    if !authorized(&sb, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, "invalid access token");
    }
    let Some(key) = headers
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
    else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "X-Idempotency-Key header is required",
        );
    };
    let existing = sb
        .idempotency
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned();
    if let Some(id) = existing {
        if let Some(p) = sb.lock_payments().get(&id) {
            return (StatusCode::OK, Json(p.clone())).into_response();
        }
    }
    let amount = req["transaction_amount"].as_f64().unwrap_or(0.0);
    let method = req["payment_method_id"].as_str().unwrap_or("").to_string();
    if amount <= 0.0 || method.is_empty() || req["payer"]["email"].as_str().is_none() {
        return api_error(
            StatusCode::BAD_REQUEST,
            "transaction_amount, payment_method_id and payer.email are required",
        );
    }
    let id = sb.next_id.fetch_add(1, Ordering::SeqCst);
    let mut p = json!({
        "id": id,
        "date_created": crate::iso_now(),
        "transaction_amount": amount,
        "currency_id": "BRL",
        "description": req["description"],
        "payment_method_id": method,
        "external_reference": req["external_reference"],
        "notification_url": req["notification_url"],
        "payer": req["payer"],
        "installments": req["installments"],
        "live_mode": false,
        "date_of_expiration": req["date_of_expiration"],
    });
    if method == "pix" {
        let code = format!(
            "00020126580014br.gov.bcb.pix0136sandbox-{id}5204000053039865406{amount:.2}5802BR5913CONVERSOR MPP6009SAO PAULO62070503***6304ABCD"
        );
        let svg = crate::qr_svg(&code);
        p["status"] = json!("pending");
        p["status_detail"] = json!("pending_waiting_transfer");
        p["point_of_interaction"] = json!({
            "type": "PIX",
            "transaction_data": {
                "qr_code": code,
                "qr_code_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, svg),
                "ticket_url": format!("https://sandbox.invalid/pix/{id}"),
            }
        });
    } else {
        // Cards settle at once; the token decides, as the sandbox's test cards do.
        let token = req["token"].as_str().unwrap_or("");
        if token.is_empty() {
            return api_error(
                StatusCode::BAD_REQUEST,
                "token is required for card payments",
            );
        }
        let rejected = token.contains("reject");
        p["status"] = json!(if rejected { "rejected" } else { "approved" });
        p["status_detail"] = json!(if rejected {
            "cc_rejected_other_reason"
        } else {
            "accredited"
        });
    }
    let sid = id.to_string();
    sb.lock_payments().insert(sid.clone(), p.clone());
    sb.idempotency
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.to_string(), sid);
    let sb2 = sb.clone();
    let p2 = p.clone();
    tokio::spawn(async move {
        sb2.notify(&p2, "payment.created").await;
    });
    (StatusCode::CREATED, Json(p)).into_response()
}

async fn fetch(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorized(&sb, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, "invalid access token");
    }
    match sb.lock_payments().get(&id) {
        Some(p) => Json(p.clone()).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "Payment not found"),
    }
}

async fn refund(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(req): Json<Value>,
) -> Response {
    if !authorized(&sb, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, "invalid access token");
    }
    let Some(key) = headers
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "X-Idempotency-Key header is required",
        );
    };
    // Held across the check and the insert so two concurrent retries make one refund.
    let mut refunds = sb.refunds.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = refunds.iter().find(|(k, _)| *k == key) {
        return (StatusCode::CREATED, Json(r.clone())).into_response();
    }
    let amount = {
        let mut map = sb.lock_payments();
        let Some(p) = map.get_mut(&id) else {
            return api_error(StatusCode::NOT_FOUND, "Payment not found");
        };
        if p["status"] == "refunded" {
            return api_error(StatusCode::BAD_REQUEST, "Payment already refunded");
        }
        if p["status"] != "approved" {
            return api_error(StatusCode::BAD_REQUEST, "Payment not approved");
        }
        let total = p["transaction_amount"].as_f64().unwrap_or(0.0);
        let amount = req["amount"].as_f64().unwrap_or(total);
        if amount >= total {
            p["status"] = json!("refunded");
            p["status_detail"] = json!("refunded");
        }
        amount
    };
    let r = json!({
        "id": sb.next_id.fetch_add(1, Ordering::SeqCst),
        "payment_id": id.parse::<u64>().map(Value::from).unwrap_or(Value::String(id.clone())),
        "amount": amount,
        "status": "approved",
        "date_created": crate::iso_now(),
        "source": {"type": "collector"},
    });
    refunds.push((key, r.clone()));
    (StatusCode::CREATED, Json(r)).into_response()
}

#[derive(serde::Deserialize)]
struct SearchQuery {
    external_reference: Option<String>,
}

async fn search(
    State(sb): State<Arc<Sandbox>>,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Response {
    if !authorized(&sb, &headers) {
        return api_error(StatusCode::UNAUTHORIZED, "invalid access token");
    }
    let mut found: Vec<Value> = sb
        .lock_payments()
        .values()
        .filter(|p| {
            q.external_reference
                .as_deref()
                .is_none_or(|r| p["external_reference"] == r)
        })
        .cloned()
        .collect();
    // Newest first, as `sort=date_created&criteria=desc` asks.
    found.sort_by_key(|p| std::cmp::Reverse(p["id"].as_u64().unwrap_or(0)));
    Json(json!({
        "paging": {"total": found.len(), "limit": 30, "offset": 0},
        "results": found,
    }))
    .into_response()
}

async fn refund_list(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(Value::Array(sb.refunds()))
}

#[derive(serde::Deserialize)]
struct ApproveQuery {
    amount: Option<f64>,
    /// `false` simulates a lost notification.
    notify: Option<bool>,
}

async fn approve(
    State(sb): State<Arc<Sandbox>>,
    Path(id): Path<String>,
    Query(q): Query<ApproveQuery>,
) -> Response {
    let notify = q.notify.unwrap_or(true);
    match sb
        .settle_with(&id, "approved", "accredited", q.amount, notify)
        .await
    {
        Some(p) => Json(p).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "Payment not found"),
    }
}

async fn reject(State(sb): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    match sb
        .settle(&id, "rejected", "cc_rejected_other_reason", None)
        .await
    {
        Some(p) => Json(p).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "Payment not found"),
    }
}

async fn deliveries(State(sb): State<Arc<Sandbox>>) -> Json<Value> {
    Json(Value::Array(
        sb.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
    ))
}
