//! Operations of the support runbook (issue 7, operations half): the
//! authenticated admin API (`/api/admin/...`) and its clients (`conversor
//! admin ...`, `scripts/*.py`), payment checks, requeues, presigned links,
//! order-correlated logs stored for every process, refunds, LGPD requests,
//! incidents with the public `/status` page and post-mortems.
//!
//! Everything here goes through the same adapters as the service (one
//! database, one blob store, one Mercado Pago client, one mailer) and every
//! order status change through `Db::transition_tx`.

pub mod auth;
pub mod cli;
pub mod http;
pub mod incidents;
pub mod logs;
pub mod payments;
pub mod presign;
pub mod privacy;
pub mod refunds;
pub mod requeue;
pub mod store;

use crate::App;
use std::sync::Arc;

/// Settings of the operations features (flattened into `Config`).
#[derive(clap::Args, Debug, Clone)]
pub struct OpsConfig {
    /// Bearer token of the admin API; default: generated once into `{data_dir}/admin-token` (0600).
    #[arg(long, env = "CONVERSOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// How often `serve` looks for orders to refund automatically; 0 = off.
    #[arg(long, env = "CONVERSOR_REFUND_SWEEP_SECS", default_value_t = 60)]
    pub refund_sweep_secs: u64,
    /// An order refused for an invalid file is refunded when still not converted after this.
    #[arg(long, env = "CONVERSOR_INVALID_REFUND_HOURS", default_value_t = 48)]
    pub invalid_refund_hours: i64,
    /// Order-correlated log lines older than this are deleted.
    #[arg(long, env = "CONVERSOR_LOG_RETENTION_DAYS", default_value_t = 30)]
    pub log_retention_days: i64,
}

/// Background tasks every process runs (the log writer); `serve` adds the refund sweep.
pub fn spawn_background(
    app: &Arc<App>,
    serve: bool,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut handles = vec![tokio::spawn(logs::writer(app.clone(), stop.clone()))];
    if serve && app.cfg.ops.refund_sweep_secs > 0 {
        handles.push(tokio::spawn(refunds::sweep_loop(app.clone(), stop.clone())));
    }
    handles
}
