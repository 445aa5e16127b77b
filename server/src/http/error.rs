//! The one error type handlers return: a status and a safe Portuguese message
//! as JSON; internals are logged, not shown.

use crate::service::ServiceError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub struct ApiError(pub ServiceError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match &self.0 {
            ServiceError::Invalid(_) | ServiceError::Rejected(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ServiceError::NotFound => StatusCode::NOT_FOUND,
            ServiceError::Forbidden => StatusCode::FORBIDDEN,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ServiceError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ServiceError::Gone(_) => StatusCode::GONE,
            ServiceError::Gateway(_) => StatusCode::BAD_GATEWAY,
            ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match &self.0 {
            ServiceError::Rejected(r) => r.code,
            ServiceError::Invalid(_) => "invalid",
            ServiceError::NotFound => "not_found",
            ServiceError::Forbidden => "forbidden",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::TooLarge => "too_large",
            ServiceError::Unauthorized(_) => "unauthorized",
            ServiceError::Gone(_) => "expired",
            ServiceError::Gateway(_) => "gateway",
            ServiceError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> String {
        match &self.0 {
            ServiceError::Internal(_) => "Erro interno. Tente novamente em alguns minutos.".into(),
            ServiceError::Gateway(_) => {
                "O meio de pagamento não respondeu. Tente novamente.".into()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        (
            status,
            Json(serde_json::json!({"error": self.code(), "message": self.message()})),
        )
            .into_response()
    }
}
