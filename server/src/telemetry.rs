//! JSON logs and the Prometheus recorder.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONVERSOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // The same JSON lines as before on stdout; lines with an order_id are also
    // captured for the shared database (`ops::logs`).
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_current_span(true)
                .with_span_list(false),
        )
        .with(crate::ops::logs::layer())
        .try_init();
}

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide recorder (installed once).
pub fn metrics() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let b = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("conversion_duration_seconds".into()),
                &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0],
            )
            .expect("buckets are non-empty");
        let recorder = b.build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}
