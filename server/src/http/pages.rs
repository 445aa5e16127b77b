//! The Portuguese pages: static HTML with a little JavaScript, no framework.

use crate::App;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/",
            get(|| async { Html(include_str!("../../static/index.html")) }),
        )
        .route(
            "/pedido/{id}",
            get(|| async { Html(include_str!("../../static/order.html")) }),
        )
        .route("/static/{file}", get(asset))
        .fallback(not_found)
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, ty) = match file.as_str() {
        "style.css" => (
            include_str!("../../static/style.css"),
            "text/css; charset=utf-8",
        ),
        "upload.js" => (
            include_str!("../../static/upload.js"),
            "text/javascript; charset=utf-8",
        ),
        "order.js" => (
            include_str!("../../static/order.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return not_found().await,
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/static/style.css\">\
             <h1>Página não encontrada</h1><p>Confira o endereço ou <a href=\"/\">volte ao início</a>.</p></html>",
        ),
    )
        .into_response()
}
