//! A client for Mercado Pago's REST API (payments: create, get, refund).
//! Test mode and the tests point it at `crate::sandbox`, which speaks the same API.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone)]
pub struct MercadoPago {
    http: reqwest::Client,
    base_url: String,
    access_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MpError {
    #[error("Mercado Pago unreachable: {0}")]
    Http(#[from] reqwest::Error),
    #[error("Mercado Pago answered {status}: {body}")]
    Api { status: u16, body: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct Identification {
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Payer {
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification: Option<Identification>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreatePayment {
    pub transaction_amount: f64,
    pub description: String,
    pub payment_method_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub installments: u32,
    pub payer: Payer,
    pub external_reference: String,
    pub notification_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_expiration: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct TransactionData {
    pub qr_code: Option<String>,
    pub qr_code_base64: Option<String>,
    pub ticket_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct PointOfInteraction {
    pub transaction_data: Option<TransactionData>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Payment {
    /// A number in Mercado Pago's answers; kept as text here.
    pub id: Value,
    pub status: String,
    #[serde(default)]
    pub status_detail: Option<String>,
    pub transaction_amount: f64,
    #[serde(default)]
    pub external_reference: Option<String>,
    #[serde(default)]
    pub payment_method_id: Option<String>,
    #[serde(default)]
    pub date_of_expiration: Option<String>,
    #[serde(default)]
    pub point_of_interaction: Option<PointOfInteraction>,
}

impl Payment {
    pub fn id_text(&self) -> String {
        match &self.id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    pub fn transaction_data(&self) -> TransactionData {
        self.point_of_interaction
            .as_ref()
            .and_then(|p| p.transaction_data.clone())
            .unwrap_or_default()
    }
}

impl MercadoPago {
    pub fn new(base_url: &str, access_token: &str) -> MercadoPago {
        crate::init_tls();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        MercadoPago {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            access_token: access_token.to_string(),
        }
    }

    async fn parse(resp: reqwest::Response) -> Result<Payment, MpError> {
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            return Err(MpError::Api {
                status: status.as_u16(),
                body,
            });
        }
        Ok(resp.json().await?)
    }

    /// `POST /v1/payments`; the same idempotency key returns the same payment.
    pub async fn create_payment(
        &self,
        req: &CreatePayment,
        idempotency_key: &str,
    ) -> Result<Payment, MpError> {
        let resp = self
            .http
            .post(format!("{}/v1/payments", self.base_url))
            .bearer_auth(&self.access_token)
            .header("X-Idempotency-Key", idempotency_key)
            .json(req)
            .send()
            .await?;
        Self::parse(resp).await
    }

    /// `GET /v1/payments/{id}`: the truth about a payment.
    pub async fn get_payment(&self, id: &str) -> Result<Payment, MpError> {
        let resp = self
            .http
            .get(format!("{}/v1/payments/{id}", self.base_url))
            .bearer_auth(&self.access_token)
            .send()
            .await?;
        Self::parse(resp).await
    }

    /// `GET /v1/payments/search?external_reference=`: every payment made for an
    /// order (the operator's view when our own record of the payment is missing).
    pub async fn search_payments(&self, external_reference: &str) -> Result<Vec<Payment>, MpError> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/v1/payments/search", self.base_url),
            &[
                ("external_reference", external_reference),
                ("sort", "date_created"),
                ("criteria", "desc"),
            ],
        )
        .map_err(|e| MpError::Api {
            status: 0,
            body: e.to_string(),
        })?;
        let resp = self
            .http
            .get(url)
            .bearer_auth(&self.access_token)
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(MpError::Api {
                status: status.as_u16(),
                body: resp.text().await.unwrap_or_default(),
            });
        }
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            results: Vec<Payment>,
        }
        Ok(resp.json::<Page>().await?.results)
    }

    /// `POST /v1/payments/{id}/refunds`: full refund without an amount.
    pub async fn refund(
        &self,
        id: &str,
        amount: Option<f64>,
        idempotency_key: &str,
    ) -> Result<Value, MpError> {
        let body = match amount {
            Some(a) => serde_json::json!({ "amount": a }),
            None => serde_json::json!({}),
        };
        let resp = self
            .http
            .post(format!("{}/v1/payments/{id}/refunds", self.base_url))
            .bearer_auth(&self.access_token)
            .header("X-Idempotency-Key", idempotency_key)
            .json(&body)
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(MpError::Api {
                status: status.as_u16(),
                body: resp.text().await.unwrap_or_default(),
            });
        }
        Ok(resp.json().await?)
    }
}
