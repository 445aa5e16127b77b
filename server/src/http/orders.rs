//! `/api/orders`: upload, read, pay, download.

use super::error::ApiError;
use crate::service::{self, PaymentRequest, ServiceError, MAX_UPLOAD_BYTES};
use crate::App;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tracing::Instrument;

type St = State<Arc<App>>;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/api/orders",
            // The file may be 50 MB; the rest of the form gets a little room.
            post(create).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES as usize + 64 * 1024)),
        )
        .route("/api/orders/{id}", get(read))
        .route("/api/orders/{id}/payments", post(pay))
        .route("/api/orders/{id}/download", get(download))
        .route("/api/orders/{id}/sandbox-approve", post(sandbox_approve))
        .route("/files/{file}", get(signed_file))
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

/// The access token from `?token=` or `Authorization: Bearer`.
fn token(q: &TokenQuery, headers: &HeaderMap) -> String {
    q.token.clone().unwrap_or_else(|| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_string()
    })
}

/// Removes the temporary upload whatever happens.
struct TempFile(std::path::PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn multipart_err(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ServiceError::TooLarge.into()
    } else {
        ServiceError::Invalid(format!("Envio inválido: {}", e.body_text())).into()
    }
}

/// Streams the form to disk (the file never sits whole in memory here), then
/// hands it to the use case.
async fn create(State(app): St, mut form: Multipart) -> Result<Response, ApiError> {
    let tmp_dir = app.cfg.data_dir.join("tmp");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let tmp = TempFile(tmp_dir.join(format!("{}.part", uuid::Uuid::new_v4())));
    let (mut name, mut email, mut file_name) = (String::new(), String::new(), None);
    while let Some(mut field) = form.next_field().await.map_err(multipart_err)? {
        match field.name().unwrap_or("") {
            "file" => {
                file_name = Some(field.file_name().unwrap_or("projeto.mpp").to_string());
                let mut out = tokio::fs::File::create(&tmp.0)
                    .await
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(multipart_err)? {
                    size += chunk.len() as u64;
                    if size > MAX_UPLOAD_BYTES {
                        return Err(ServiceError::TooLarge.into());
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| ServiceError::Internal(e.to_string()))?;
                }
                out.flush()
                    .await
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
            }
            "name" => name = field.text().await.map_err(multipart_err)?,
            "email" => email = field.text().await.map_err(multipart_err)?,
            _ => {}
        }
    }
    let Some(file_name) = file_name else {
        return Err(ServiceError::Invalid("Nenhum arquivo enviado.".into()).into());
    };
    let created = service::create_order(&app, &name, &email, &file_name, &tmp.0).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn read(
    State(app): St,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let span = tracing::info_span!("order", order_id = %id);
    let view = service::get_order(&app, &id, &token(&q, &headers))
        .instrument(span)
        .await?;
    Ok(Json(view).into_response())
}

async fn pay(
    State(app): St,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
    Json(req): Json<PaymentRequest>,
) -> Result<Response, ApiError> {
    let span = tracing::info_span!("order", order_id = %id);
    let p = service::create_payment(&app, &id, &token(&q, &headers), req)
        .instrument(span)
        .await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

async fn download(
    State(app): St,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let span = tracing::info_span!("order", order_id = %id);
    let url = service::download_link(&app, &id, &token(&q, &headers))
        .instrument(span)
        .await?;
    Ok(Redirect::to(&url).into_response())
}

async fn sandbox_approve(
    State(app): St,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    service::sandbox_approve(&app, &id, &token(&q, &headers)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(serde::Deserialize)]
struct SignedQuery {
    exp: i64,
    sig: String,
}

async fn signed_file(
    State(app): St,
    Path(file): Path<String>,
    Query(q): Query<SignedQuery>,
) -> Result<Response, ApiError> {
    let id = file.strip_suffix(".xml").ok_or(ServiceError::NotFound)?;
    let (data, name) = service::signed_file(&app, id, q.exp, &q.sig).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        name.replace(['"', '\\'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        data,
    )
        .into_response())
}
