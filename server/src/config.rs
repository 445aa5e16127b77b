//! Settings: flags, each with an environment variable. With none of them set,
//! `conversor serve` is the embedded default (SQLite, local files, outbox,
//! Mercado Pago test mode) under `--data-dir`.

use std::path::PathBuf;

#[derive(clap::Args, Debug, Clone)]
pub struct Config {
    /// Where the embedded default keeps its database, objects, outbox and secret.
    #[arg(long, env = "CONVERSOR_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `sqlite://FILE` or `postgres://...`; default: SQLite in the data dir.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Base URL customers reach (links in e-mails, Mercado Pago notification_url).
    #[arg(long, env = "CONVERSOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Secret for access tokens and download links; default: `secret.key` in the data dir.
    #[arg(long, env = "CONVERSOR_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Price of one conversion in centavos.
    #[arg(long, env = "CONVERSOR_PRICE_CENTS", default_value_t = 1990)]
    pub price_cents: i64,
    /// Mercado Pago API base; without an access token the gateway runs in test mode.
    #[arg(
        long,
        env = "MP_BASE_URL",
        default_value = "https://api.mercadopago.com"
    )]
    pub mp_base_url: String,
    #[arg(long, env = "MP_ACCESS_TOKEN", hide_env_values = true)]
    pub mp_access_token: Option<String>,
    #[arg(long, env = "MP_WEBHOOK_SECRET", hide_env_values = true)]
    pub mp_webhook_secret: Option<String>,
    /// Largest age of a webhook's `ts` accepted, in seconds.
    #[arg(long, env = "MP_WEBHOOK_TOLERANCE_SECS", default_value_t = 300)]
    pub webhook_tolerance_secs: i64,
    /// S3-compatible endpoint (SeaweedFS, MinIO, AWS); without it objects live under the data dir.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "S3_BUCKET", default_value = "conversor")]
    pub s3_bucket: String,
    #[arg(long, env = "S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// SMTP relay as `host:port` (plain, e.g. a local relay or sink); without it e-mails go to the outbox folder.
    #[arg(long, env = "SMTP_SERVER")]
    pub smtp_server: Option<String>,
    /// Sender of customer e-mails.
    #[arg(
        long,
        env = "CONVERSOR_MAIL_FROM",
        default_value = "ConversorMPP <nao-responda@conversormpp.com>"
    )]
    pub mail_from: String,
    /// Job lease; a worker renews it while converting, so a dead worker's job returns after this.
    #[arg(long, env = "CONVERSOR_LEASE_SECS", default_value_t = 30)]
    pub lease_secs: i64,
    /// Longest a single conversion may run.
    #[arg(long, env = "CONVERSOR_JOB_TIMEOUT_SECS", default_value_t = 120)]
    pub job_timeout_secs: u64,
    #[arg(long, env = "CONVERSOR_MAX_ATTEMPTS", default_value_t = 3)]
    pub max_attempts: i64,
    /// First retry delay; doubles with each attempt.
    #[arg(long, env = "CONVERSOR_BACKOFF_MS", default_value_t = 2000)]
    pub backoff_ms: i64,
    /// How often an idle worker looks for jobs.
    #[arg(long, env = "CONVERSOR_POLL_MS", default_value_t = 250)]
    pub poll_ms: u64,
    /// `serve` re-fetches payments pending longer than this (lost notifications); 0 = off.
    #[arg(long, env = "CONVERSOR_RECONCILE_SECS", default_value_t = 120)]
    pub reconcile_secs: u64,
    /// Test hook: sleep this long inside each job before converting (crash tests).
    #[arg(
        long,
        env = "CONVERSOR_TEST_JOB_DELAY_MS",
        default_value_t = 0,
        hide = true
    )]
    pub test_job_delay_ms: u64,
    /// Slack incoming-webhook URL (#ops-support) for support escalations; without it they go to the outbox.
    #[arg(long, env = "SLACK_WEBHOOK_URL", hide_env_values = true)]
    pub slack_webhook_url: Option<String>,
    /// Where support escalations are e-mailed when Slack is not configured (or fails).
    #[arg(
        long,
        env = "SUPPORT_ESCALATION_EMAIL",
        default_value = "ops-support@conversormpp.com"
    )]
    pub support_escalation_email: String,
    #[command(flatten)]
    pub ops: crate::ops::OpsConfig,
    /// `live` (needs MP_ACCESS_TOKEN) or `test` (refuses one): a guard against
    /// starting production in test mode because a token was left out.
    #[arg(long, env = "MP_MODE")]
    pub mp_mode: Option<String>,
    /// SMTP by URL, over TLS when asked: `smtps://user:pass@host:465` (implicit TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtp://host:25` (plain).
    /// Wins over SMTP_SERVER.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// PEM file of extra CA certificates trusted for SMTP's TLS (a private relay's CA).
    #[arg(long, env = "SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("conversor.db").display()))
    }

    pub fn test_mode(&self) -> bool {
        self.mp_access_token.is_none()
    }

    /// Refuses an `mp_mode` that contradicts the credentials.
    pub fn check_mp_mode(&self) -> Result<(), String> {
        match (self.mp_mode.as_deref(), self.test_mode()) {
            (None, _) | (Some("live"), false) | (Some("test"), true) => Ok(()),
            (Some("live"), true) => Err("MP_MODE=live needs MP_ACCESS_TOKEN".into()),
            (Some("test"), false) => Err("MP_MODE=test with MP_ACCESS_TOKEN set".into()),
            (Some(other), _) => Err(format!("MP_MODE must be live or test, not {other:?}")),
        }
    }
}
