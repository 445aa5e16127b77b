//! `conversor`: the ConversorMPP service.

use clap::{Parser, Subcommand};
use conversor_server::{build, config::Config, http, sandbox, telemetry, worker};
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    name = "conversor",
    version,
    about = "ConversorMPP: upload → pay → convert → download"
)]
struct Cli {
    /// TOML settings under flags and environment (see conversor.example.toml).
    #[arg(long, env = "CONVERSOR_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// API, pages and (by default) in-process workers.
    Serve {
        #[arg(long, env = "CONVERSOR_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// In-process workers; 0 when `conversor worker` processes do the work.
        #[arg(long, env = "CONVERSOR_WORKERS", default_value_t = 1)]
        workers: usize,
        #[command(flatten)]
        cfg: Config,
    },
    /// Conversion workers only (scale out against one database and store).
    Worker {
        #[arg(long, env = "CONVERSOR_WORKERS", default_value_t = 1)]
        workers: usize,
        #[command(flatten)]
        cfg: Config,
    },
    /// A local stand-in for Mercado Pago's API (development and tests).
    FakeMp {
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: SocketAddr,
        #[arg(long, env = "MP_ACCESS_TOKEN", default_value = "TEST-fake")]
        access_token: String,
        #[arg(long, env = "MP_WEBHOOK_SECRET", default_value = "fake-webhook-secret")]
        webhook_secret: String,
    },
    /// Support console users (`user add --email … --role 1|2|3`, password on stdin).
    User {
        #[command(subcommand)]
        cmd: conversor_server::desk::cli::UserCmd,
        #[command(flatten)]
        cfg: Config,
    },
    /// Operations against a running service (admin API client): check-payment, requeue, presign, logs, refund, privacy, incident.
    Admin(conversor_server::ops::cli::AdminArgs),
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn spawn_workers(
    app: &std::sync::Arc<conversor_server::App>,
    n: usize,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|i| tokio::spawn(worker::run(app.clone(), i, stop.clone())))
        .collect()
}

/// Periodically re-checks payments whose notification may have been lost.
async fn reconcile(
    app: std::sync::Arc<conversor_server::App>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let every = std::time::Duration::from_secs(app.cfg.reconcile_secs);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let older = (app.cfg.reconcile_secs as i64) * 1000;
        if let Err(e) = conversor_server::service::reconcile_payments(&app, older).await {
            tracing::warn!(error = %e, "reconciliation pass failed");
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), conversor_server::anyhow_lite::Error> {
    let cmd = conversor_server::config_file::parse::<Cli>().cmd;
    if let Cmd::Admin(args) = cmd {
        // A client: no service logs on its stdout.
        std::process::exit(conversor_server::ops::cli::run(args).await);
    }
    telemetry::init_logs();
    let _ = telemetry::metrics();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    match cmd {
        Cmd::Serve { bind, workers, cfg } => {
            let listener = tokio::net::TcpListener::bind(bind).await?;
            let addr = listener.local_addr()?;
            let data_dir = cfg.data_dir.clone();
            let app = build(cfg, Some(addr)).await?;
            let mut handles = spawn_workers(&app, workers, &stop_rx);
            if app.cfg.reconcile_secs > 0 {
                handles.push(tokio::spawn(reconcile(app.clone(), stop_rx.clone())));
            }
            handles.extend(conversor_server::ops::spawn_background(
                &app, true, &stop_rx,
            ));
            tracing::info!(%addr, public_url = %app.public_url, test_mode = app.sandbox.is_some(), workers, "listening");
            // The router first (it creates the admin token file), then the
            // address file that tells scripts and tests the service is up;
            // written then renamed, so a reader never sees it empty.
            let router = http::router(app);
            let tmp = data_dir.join("serve.addr.tmp");
            std::fs::write(&tmp, addr.to_string())?;
            std::fs::rename(&tmp, data_dir.join("serve.addr"))?;
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
            let _ = stop_tx.send(true);
            for h in handles {
                let _ = h.await;
            }
        }
        Cmd::Worker { workers, cfg } => {
            let app = build(cfg, None).await?;
            let mut handles = spawn_workers(&app, workers.max(1), &stop_rx);
            handles.extend(conversor_server::ops::spawn_background(
                &app, false, &stop_rx,
            ));
            shutdown_signal().await;
            let _ = stop_tx.send(true);
            for h in handles {
                let _ = h.await;
            }
        }
        Cmd::FakeMp {
            bind,
            access_token,
            webhook_secret,
        } => {
            let sb = sandbox::Sandbox::new(&access_token, &webhook_secret);
            let listener = tokio::net::TcpListener::bind(bind).await?;
            tracing::info!(addr = %listener.local_addr()?, "fake Mercado Pago listening");
            axum::serve(listener, sb.router())
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
        Cmd::User { cmd, cfg } => conversor_server::desk::cli::run(cmd, cfg).await?,
        Cmd::Admin(_) => {}
    }
    Ok(())
}
