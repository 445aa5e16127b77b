//! The durable queue's consumer: claims a job under a lease, renews the lease
//! while converting on a blocking thread under a timeout, stores the result,
//! and finishes the job fenced by its lease token, so a job whose worker died
//! is retried by another and completes exactly once. Also reaps expired
//! leases and sends queued e-mails.

use crate::adapters::blob::{result_key, upload_key};
use crate::adapters::db::Job;
use crate::domain::conversion;
use crate::{service, App};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

pub fn worker_id(n: usize) -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
    format!("{host}:{}:{n}", std::process::id())
}

/// Runs one worker until `stop` turns true.
pub async fn run(app: Arc<App>, n: usize, stop: tokio::sync::watch::Receiver<bool>) {
    let id = worker_id(n);
    tracing::info!(worker = %id, "worker started");
    let mut last_beat = Instant::now() - Duration::from_secs(60);
    while !*stop.borrow() {
        if last_beat.elapsed() > Duration::from_secs(5) {
            if let Err(e) = app.db.heartbeat(&id).await {
                tracing::warn!(error = %e, "heartbeat failed");
            }
            if let Err(e) = reap(&app).await {
                tracing::warn!(error = %e, "reaper failed");
            }
            last_beat = Instant::now();
        }
        let worked = match app.db.claim_job(&id, app.cfg.lease_secs * 1000).await {
            Ok(Some(job)) => {
                let span = tracing::info_span!("job", order_id = %job.order_id, job_id = %job.id, attempt = job.attempts);
                run_job(&app, &id, job).instrument(span).await;
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "claim failed");
                false
            }
        };
        let mailed = send_emails(&app).await;
        if !worked && !mailed {
            tokio::time::sleep(Duration::from_millis(app.cfg.poll_ms)).await;
        }
    }
    tracing::info!(worker = %id, "worker stopped");
}

fn backoff_ms(app: &App, attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 16) - 1;
    (app.cfg.backoff_ms.saturating_mul(1 << exp)).min(300_000)
}

/// Returns jobs of dead workers to the queue, or fails them after the last attempt.
pub async fn reap(app: &App) -> Result<usize, service::ServiceError> {
    let expired = app.db.expired_leases().await?;
    let mut n = 0;
    for job in expired {
        let span = tracing::info_span!("reaper", order_id = %job.order_id, job_id = %job.id);
        let _g = span.enter();
        if job.attempts >= job.max_attempts {
            let reason = format!("worker parou {} vezes durante a conversão", job.attempts);
            if app.db.fail_job(&job, "reaper", &reason, None).await? {
                metrics::counter!("conversions_failed_total", "reason" => "lease").increment(1);
                tracing::warn!("job failed after its last lease expired");
            }
        } else if app
            .db
            .retry_job(
                &job,
                "lease expirado (worker parou)",
                backoff_ms(app, job.attempts),
            )
            .await?
        {
            tracing::warn!(attempt = job.attempts, "lease expired, job requeued");
        }
        n += 1;
    }
    Ok(n)
}

async fn run_job(app: &Arc<App>, worker: &str, job: Job) {
    let actor = format!("worker:{worker}");
    match app.db.start_processing(&job, &actor).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("lease lost or order not convertible; skipping");
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "could not start job");
            return;
        }
    }
    // Renew the lease while we work; a killed process stops renewing.
    let renew = {
        let app = app.clone();
        let job = job.clone();
        tokio::spawn(async move {
            let every = Duration::from_millis((app.cfg.lease_secs * 1000 / 3).max(200) as u64);
            loop {
                tokio::time::sleep(every).await;
                match app.db.extend_lease(&job, app.cfg.lease_secs * 1000).await {
                    Ok(true) => {}
                    _ => break,
                }
            }
        })
    };
    let started = Instant::now();
    let result = convert(app, &job).await;
    renew.abort();
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            let order = match app.db.order(&job.order_id).await {
                Ok(Some(o)) => o,
                _ => return,
            };
            let mail = match service::render_email(app, &order, "download_ready") {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(error = %e, "template");
                    return;
                }
            };
            match app.db.complete_job(&job, &actor, &mail).await {
                Ok(true) => {
                    metrics::counter!("conversions_total").increment(1);
                    metrics::histogram!("conversion_duration_seconds").record(secs);
                    tracing::info!(secs, "conversion completed");
                }
                Ok(false) => {
                    tracing::warn!("lease lost before completion; another worker owns the job")
                }
                Err(e) => tracing::error!(error = %e, "could not complete job"),
            }
        }
        Err(JobError::Invalid(msg)) => {
            let order = app.db.order(&job.order_id).await.ok().flatten();
            let mail = order.and_then(|o| service::render_email(app, &o, "conversion_failed").ok());
            match app.db.fail_job(&job, &actor, &msg, mail.as_ref()).await {
                Ok(true) => {
                    metrics::counter!("conversions_failed_total", "reason" => "invalid")
                        .increment(1);
                    tracing::warn!(reason = %msg, "conversion failed: invalid file");
                }
                Ok(false) => tracing::warn!("lease lost before failing the job"),
                Err(e) => tracing::error!(error = %e, "could not fail job"),
            }
        }
        Err(JobError::Transient(msg)) => {
            let outcome = if job.attempts >= job.max_attempts {
                app.db
                    .fail_job(
                        &job,
                        &actor,
                        &format!("falhou após {} tentativas: {msg}", job.attempts),
                        None,
                    )
                    .await
            } else {
                app.db
                    .retry_job(&job, &msg, backoff_ms(app, job.attempts))
                    .await
            };
            metrics::counter!("conversions_failed_total", "reason" => "transient").increment(1);
            tracing::warn!(error = %msg, attempt = job.attempts, ok = ?outcome, "conversion attempt failed");
        }
    }
}

enum JobError {
    /// The file itself can't be converted: retrying won't help.
    Invalid(String),
    Transient(String),
}

async fn convert(app: &Arc<App>, job: &Job) -> Result<(), JobError> {
    if app.cfg.test_job_delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(app.cfg.test_job_delay_ms)).await;
    }
    let data = app
        .blobs
        .get(&upload_key(&job.order_id))
        .await
        .map_err(|e| JobError::Transient(format!("leitura do upload: {e}")))?;
    let task = tokio::task::spawn_blocking(move || conversion::convert(&data));
    let timeout = Duration::from_secs(app.cfg.job_timeout_secs);
    let xml = match tokio::time::timeout(timeout, task).await {
        Err(_) => {
            return Err(JobError::Transient(format!(
                "tempo limite de {} s",
                timeout.as_secs()
            )))
        }
        Ok(Err(e)) => return Err(JobError::Transient(format!("conversão interrompida: {e}"))),
        Ok(Ok(Err(rejected))) => return Err(JobError::Invalid(rejected.message)),
        Ok(Ok(Ok(xml))) => xml,
    };
    app.blobs
        .put(&result_key(&job.order_id), xml)
        .await
        .map_err(|e| JobError::Transient(format!("gravação do resultado: {e}")))
}

/// Sends queued e-mails; true when one was handled.
pub async fn send_emails(app: &App) -> bool {
    let mut any = false;
    for _ in 0..10 {
        let email = match app.db.claim_email().await {
            Ok(Some(e)) => e,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "e-mail claim failed");
                break;
            }
        };
        any = true;
        match app.mailer.send(&email).await {
            Ok(()) => {
                metrics::counter!("emails_sent_total", "kind" => email.kind.clone()).increment(1);
                tracing::info!(order_id = %email.order_id, kind = %email.kind, "e-mail sent");
                if let Err(e) = app.db.email_sent(&email.id).await {
                    tracing::warn!(error = %e, "could not mark e-mail sent");
                }
            }
            Err(e) => {
                tracing::warn!(order_id = %email.order_id, error = %e, "e-mail failed; will retry")
            }
        }
    }
    any
}
