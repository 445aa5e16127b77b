//! The ConversorMPP service: customers upload a `.mpp`, pay with PIX or card
//! through Mercado Pago, a worker converts it with `mpp-core`/`mpp-xml`, and
//! they download the MSPDI XML through a link valid 24 h.
//!
//! Layers: `http` (handlers: parse, call one `service` function, map) →
//! `service` (use cases) → `domain` (rules, conversion) and `adapters` (SQL,
//! objects, e-mail, Mercado Pago). `worker` runs the durable job queue.

pub mod adapters;
pub mod config;
pub mod config_file;
pub mod desk;
pub mod domain;
pub mod http;
pub mod ops;
pub mod sandbox;
pub mod service;
pub mod telemetry;
pub mod worker;

use adapters::blob::Blobs;
use adapters::db::Db;
use adapters::mailer::{Mailer, Outbox};
use adapters::mercadopago::MercadoPago;
use config::Config;
use std::sync::Arc;

/// Everything a request or a job needs; shared as `Arc<App>`.
pub struct App {
    pub cfg: Config,
    pub db: Db,
    pub blobs: Blobs,
    pub mp: MercadoPago,
    pub mp_webhook_secret: String,
    pub secret: Vec<u8>,
    pub mailer: Arc<dyn Mailer>,
    pub public_url: String,
    pub sandbox: Option<Arc<sandbox::Sandbox>>,
    pub templates: minijinja::Environment<'static>,
}

/// Makes ring rustls's crypto provider (HTTPS to Mercado Pago and S3). Idempotent.
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// ISO 8601 with milliseconds and offset, as Mercado Pago writes dates.
pub fn iso_at(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn iso_now() -> String {
    iso_at(now_ms())
}

/// An SVG QR code for a PIX copy-paste code.
pub fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .build(),
        Err(_) => String::new(),
    }
}

/// Reads or creates the instance secret.
fn load_secret(cfg: &Config) -> std::io::Result<Vec<u8>> {
    if let Some(s) = &cfg.secret {
        return Ok(s.as_bytes().to_vec());
    }
    let path = cfg.data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().as_bytes().to_vec()),
        _ => {
            std::fs::create_dir_all(&cfg.data_dir)?;
            let s = domain::tokens::random_hex(32);
            let tmp = cfg.data_dir.join("secret.key.tmp");
            std::fs::write(&tmp, &s)?;
            // A concurrent first start may have won: keep whichever landed first.
            if std::fs::hard_link(&tmp, &path).is_err() {
                let _ = std::fs::remove_file(&tmp);
                return Ok(std::fs::read_to_string(&path)?.trim().as_bytes().to_vec());
            }
            let _ = std::fs::remove_file(&tmp);
            Ok(s.into_bytes())
        }
    }
}

pub fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for (name, src) in [
        (
            "payment_confirmed",
            include_str!("../templates/emails/payment_confirmed.txt"),
        ),
        (
            "download_ready",
            include_str!("../templates/emails/download_ready.txt"),
        ),
        (
            "conversion_failed",
            include_str!("../templates/emails/conversion_failed.txt"),
        ),
        (
            "payment_not_recognised",
            include_str!("../templates/emails/payment_not_recognised.txt"),
        ),
        // The runbook's "Reembolso / disputa": the refund e-mail and the console's reply.
        ("refund", include_str!("../templates/emails/refund.txt")),
    ] {
        env.add_template(name, src).expect("templates are valid");
    }
    env
}

/// Builds the application from settings. `addr` is where this process
/// listens (test mode's gateway and the default public URL use it).
pub async fn build(
    cfg: Config,
    addr: Option<std::net::SocketAddr>,
) -> anyhow_lite::Result<Arc<App>> {
    init_tls();
    cfg.check_mp_mode()?;
    std::fs::create_dir_all(&cfg.data_dir)?;
    let secret = load_secret(&cfg)?;
    let db = Db::connect(&cfg.database_url()).await?;
    // Two processes starting together race on the migration; the loser retries.
    let mut tries = 0;
    loop {
        match db.migrate().await {
            Ok(()) => break,
            Err(e) if tries < 5 => {
                tries += 1;
                tracing::warn!(error = %e, "migration raced, retrying");
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let blobs = match &cfg.s3_endpoint {
        Some(endpoint) => Blobs::s3(&adapters::blob::S3Settings {
            endpoint,
            bucket: &cfg.s3_bucket,
            region: &cfg.s3_region,
            access_key_id: cfg.s3_access_key_id.as_deref().unwrap_or(""),
            secret_access_key: cfg.s3_secret_access_key.as_deref().unwrap_or(""),
        })?,
        None => Blobs::local(&cfg.data_dir.join("objects"))?,
    };
    let mailer: Arc<dyn Mailer> = match (&cfg.smtp_url, &cfg.smtp_server) {
        (Some(url), _) => Arc::new(adapters::mailer::Smtp::from_url(
            url,
            cfg.smtp_ca_file.as_deref(),
            &cfg.mail_from,
        )?),
        (None, Some(server)) => Arc::new(adapters::mailer::Smtp::new(server, &cfg.mail_from)?),
        (None, None) => Arc::new(Outbox {
            dir: cfg.data_dir.join("outbox"),
            from: cfg.mail_from.clone(),
        }),
    };
    let local = addr
        .map(|a| format!("http://{a}"))
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let public_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| local.clone())
        .trim_end_matches('/')
        .to_string();
    let (mp, mp_webhook_secret, sandbox) = match &cfg.mp_access_token {
        Some(token) => (
            MercadoPago::new(&cfg.mp_base_url, token),
            cfg.mp_webhook_secret.clone().unwrap_or_default(),
            None,
        ),
        None => {
            let hook = domain::tokens::hmac_hex(&secret, b"sandbox-webhook");
            let sb = sandbox::Sandbox::new("TEST-local-sandbox", &hook);
            (
                MercadoPago::new(&format!("{local}/sandbox/mp"), "TEST-local-sandbox"),
                hook,
                Some(sb),
            )
        }
    };
    Ok(Arc::new(App {
        cfg,
        db,
        blobs,
        mp,
        mp_webhook_secret,
        secret,
        mailer,
        public_url,
        sandbox,
        templates: templates(),
    }))
}

/// A minimal boxed error for startup paths.
pub mod anyhow_lite {
    pub type Error = Box<dyn std::error::Error + Send + Sync>;
    pub type Result<T> = std::result::Result<T, Error>;
}
