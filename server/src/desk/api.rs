//! Public routes: the support form (`/suporte`, also `/support` as the
//! runbook writes it), `POST /api/support`, and the CSAT survey `/csat/{token}`.

use crate::desk::store::Attachment;
use crate::desk::templates;
use crate::desk::tickets::{self, NewTicket, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
use crate::http::error::ApiError;
use crate::service::ServiceError;
use crate::App;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use minijinja::context;
use object_store::ObjectStoreExt;
use std::sync::Arc;

type St = State<Arc<App>>;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/suporte", get(form_page))
        .route("/support", get(form_page))
        .route(
            "/api/support",
            axum::routing::post(create).layer(DefaultBodyLimit::max(
                MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 256 * 1024,
            )),
        )
        .route("/csat/{token}", get(csat_page).post(csat_answer))
        .route(
            "/static/desk.css",
            get(|| {
                asset(
                    include_str!("../../static/desk.css"),
                    "text/css; charset=utf-8",
                )
            }),
        )
        .route(
            "/static/support.js",
            get(|| {
                asset(
                    include_str!("../../static/support.js"),
                    "text/javascript; charset=utf-8",
                )
            }),
        )
}

async fn asset(body: &'static str, ty: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

async fn form_page() -> Html<&'static str> {
    Html(include_str!("../../static/support.html"))
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(serde_json::json!({"error": "too_large", "message": "Cada anexo pode ter até 10 MB (no máximo 5 anexos)."})),
    )
        .into_response()
}

fn multipart_err(e: axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    ApiError(ServiceError::Invalid(format!(
        "Envio inválido: {}",
        e.body_text()
    )))
    .into_response()
}

/// Objects already written for a request that then failed.
struct Stored<'a> {
    app: &'a App,
    keys: Vec<String>,
    keep: bool,
}

impl Stored<'_> {
    async fn discard(&mut self) {
        if self.keep {
            return;
        }
        for k in self.keys.drain(..) {
            let _ = self
                .app
                .blobs
                .store
                .delete(&object_store::path::Path::from(k.as_str()))
                .await;
        }
    }
}

/// Multipart: `order_id` (optional), `nome`, `email`, `descricao`, and up to 5
/// files of 10 MB (any field with a file name). Each file is read chunk by
/// chunk into a buffer capped at 10 MB and written to the object store at
/// `support/{ticket_id}/{n}-{name}` before the next one is read, so a request
/// holds at most one attachment in memory.
async fn create(State(app): St, mut form: Multipart) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = Stored {
        app: &app,
        keys: Vec::new(),
        keep: false,
    };
    let r = create_inner(&app, &id, &mut form, &mut stored).await;
    if r.is_err() {
        stored.discard().await;
    }
    r.unwrap_or_else(|e| e)
}

async fn create_inner(
    app: &App,
    id: &str,
    form: &mut Multipart,
    stored: &mut Stored<'_>,
) -> Result<Response, Response> {
    let (mut nome, mut email, mut descricao, mut order_id) =
        (String::new(), String::new(), String::new(), None);
    let mut attachments: Vec<Attachment> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(multipart_err)? {
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let mut data: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_err)? {
                if data.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                    return Err(too_large());
                }
                data.extend_from_slice(&chunk);
            }
            if data.is_empty() && file_name.is_empty() {
                continue; // an empty file input
            }
            if attachments.len() == MAX_ATTACHMENTS {
                return Err(
                    ApiError(ServiceError::Invalid("Envie no máximo 5 anexos.".into()))
                        .into_response(),
                );
            }
            let key = tickets::attachment_key(id, attachments.len(), &file_name);
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .chars()
                .take(100)
                .collect();
            let size = data.len() as i64;
            app.blobs
                .put(&key, data)
                .await
                .map_err(|e| ApiError(e.into()).into_response())?;
            stored.keys.push(key.clone());
            attachments.push(Attachment {
                id: crate::desk::store::new_id(),
                file_name: file_name.chars().take(200).collect(),
                content_type,
                size,
                object_key: key,
            });
            continue;
        }
        let name = field.name().unwrap_or("").to_string();
        let text = field.text().await.map_err(multipart_err)?;
        match name.as_str() {
            "nome" | "name" => nome = text,
            "email" => email = text,
            "descricao" | "description" => descricao = text,
            "order_id" => order_id = Some(text),
            _ => {}
        }
    }
    tickets::validate(&nome, &email, &descricao).map_err(|e| ApiError(e).into_response())?;
    let view = tickets::create(
        app,
        NewTicket {
            id: id.to_string(),
            order_id,
            nome,
            email,
            descricao,
            attachments,
        },
    )
    .await
    .map_err(|e| ApiError(e).into_response())?;
    stored.keep = true;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn csat_page(State(app): St, Path(token): Path<String>) -> Response {
    match crate::desk::store::ticket_by_csat(&app.db, &token).await {
        Ok(Some(t)) => html(templates::page(
            "csat.html",
            context! { ticket_id => t.id, token => token, done => t.csat_score.is_some() },
        )),
        _ => (StatusCode::NOT_FOUND, Html("<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><h1>Pesquisa não encontrada</h1></html>")).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Score {
    score: i64,
}

async fn csat_answer(State(app): St, Path(token): Path<String>, Form(s): Form<Score>) -> Response {
    match tickets::csat(&app, &token, s.score).await {
        Ok(_) => html(templates::page(
            "csat.html",
            context! { ticket_id => "", token => token, done => true },
        )),
        Err(e) => ApiError(e).into_response(),
    }
}

pub fn html(r: Result<String, String>) -> Response {
    match r {
        Ok(s) => Html(s).into_response(),
        Err(e) => ApiError(ServiceError::Internal(e)).into_response(),
    }
}
