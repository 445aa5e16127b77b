//! The support desk (issue 7, the runbook's support half): tickets from the
//! public form with automatic triage, SLA clocks and acknowledgment; the agent
//! console at `/admin`; the knowledge base; CSAT; support metrics.
//!
//! - `sla`: priorities, the runbook's SLA table, calendar vs business clocks (pure)
//! - `triage`: order id extraction and the P1–P4 rules (pure) + fact gathering
//! - `tickets`: use cases (intake, reply, note, escalate, resolve, CSAT)
//! - `store`: SQL over the shared pool (tables of `migrations/0002_desk.sql`)
//! - `templates`: the runbook's texts and the console pages
//! - `auth`: argon2 passwords, sessions, CSRF
//! - `api` (public routes), `console` (`/admin`), `metrics`, `cli` (`conversor user add`)

pub mod actions;
pub mod api;
pub mod auth;
pub mod cli;
pub mod console;
pub mod incident;
pub mod metrics;
pub mod privacy;
pub mod sla;
pub mod store;
pub mod templates;
pub mod tickets;
pub mod triage;

use crate::App;
use axum::Router;
use std::sync::Arc;

pub fn router() -> Router<Arc<App>> {
    Router::new().merge(api::router()).merge(console::router())
}
