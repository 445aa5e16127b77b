//! HTTP: one `router()` per module, merged here.

pub mod error;
pub mod ops;
pub mod orders;
pub mod pages;
pub mod webhooks;

use crate::App;
use axum::Router;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new()
        .merge(orders::router())
        .merge(webhooks::router())
        .merge(pages::router())
        .merge(ops::router())
        .merge(crate::desk::router())
        .merge(crate::ops::http::router(&app))
        .with_state(app.clone());
    if let Some(sb) = &app.sandbox {
        r = r.nest("/sandbox/mp", sb.router());
    }
    r.layer(
        TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }),
    )
}
