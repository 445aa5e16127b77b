//! Order-correlated logs across the API and the workers. Every JSON log line
//! that carries an `order_id` (a field of the event or of an enclosing span,
//! such as the worker's `job` span) is also stored in the shared database's
//! `log_lines`, so `conversor admin logs --order ID --tail 500` sees the lines
//! of every process, on any machine.
//!
//! The tracing layer only formats the line and `try_send`s it into a bounded
//! channel: a request never waits on the database, and when the writer falls
//! behind, lines are dropped (and counted) rather than queued without bound.
//! A background writer inserts them in batches and deletes lines older than
//! `CONVERSOR_LOG_RETENTION_DAYS`.

use crate::adapters::db::{Db, DbResult};
use crate::{now_ms, App};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::Row;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

const CHANNEL_CAPACITY: usize = 10_000;
const BATCH: usize = 400;

#[derive(Debug, Clone)]
pub struct CapturedLine {
    pub id: String,
    pub order_id: String,
    pub at: i64,
    pub level: String,
    pub line: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredLine {
    pub at: i64,
    pub process: String,
    pub level: String,
    /// The JSON log line as the process wrote it.
    pub line: String,
}

static RECEIVER: OnceLock<Mutex<Option<mpsc::Receiver<CapturedLine>>>> = OnceLock::new();
static PROCESS: OnceLock<String> = OnceLock::new();

/// `serve:4242@host` / `worker:4243@host`: which process wrote a line.
pub fn process_name() -> &'static str {
    PROCESS.get_or_init(|| {
        let role = std::env::args()
            .nth(1)
            .unwrap_or_else(|| "conversor".into());
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into());
        format!("{role}:{}@{host}", std::process::id())
    })
}

/// The layer to install next to the JSON formatter; the writer started by
/// `ops::spawn_background` drains what it captures.
pub fn layer() -> OrderLogLayer {
    let (layer, rx) = layer_with_capacity(CHANNEL_CAPACITY);
    let slot = RECEIVER.get_or_init(|| Mutex::new(None));
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(rx);
    layer
}

/// A layer and the receiving end of its bounded channel.
pub fn layer_with_capacity(cap: usize) -> (OrderLogLayer, mpsc::Receiver<CapturedLine>) {
    let (tx, rx) = mpsc::channel(cap.max(1));
    (OrderLogLayer { tx }, rx)
}

pub struct OrderLogLayer {
    tx: mpsc::Sender<CapturedLine>,
}

#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_string(),
            Value::String(format!("{value:?}")),
        );
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(field.name().to_string(), Value::String(value.to_string()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
}

impl<S> Layer<S> for OrderLogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut f = Fields::default();
        attrs.record(&mut f);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(f);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            if let Some(f) = ext.get_mut::<Fields>() {
                values.record(f);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let mut order_id =
            f.0.get("order_id")
                .and_then(Value::as_str)
                .map(str::to_string);
        let mut span_json = None;
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                let ext = span.extensions();
                let Some(sf) = ext.get::<Fields>() else {
                    continue;
                };
                if span_json.is_none() {
                    let mut m = sf.0.clone();
                    m.insert("name".into(), Value::String(span.name().to_string()));
                    span_json = Some(Value::Object(m));
                }
                if order_id.is_none() {
                    order_id =
                        sf.0.get("order_id")
                            .and_then(Value::as_str)
                            .map(str::to_string);
                }
                if order_id.is_some() && span_json.is_some() {
                    break;
                }
            }
        }
        let Some(order_id) = order_id else {
            return;
        };
        let at = now_ms();
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert("timestamp".into(), Value::String(crate::iso_at(at)));
        line.insert("level".into(), Value::String(meta.level().to_string()));
        line.insert("fields".into(), Value::Object(f.0));
        line.insert("target".into(), Value::String(meta.target().to_string()));
        if let Some(s) = span_json {
            line.insert("span".into(), s);
        }
        line.insert("process".into(), Value::String(process_name().to_string()));
        let captured = CapturedLine {
            id: crate::adapters::db::new_id(),
            order_id,
            at,
            level: meta.level().to_string(),
            line: Value::Object(line).to_string(),
        };
        if self.tx.try_send(captured).is_err() {
            metrics::counter!("log_lines_dropped_total").increment(1);
        }
    }
}

/// Drains the channel into `log_lines` in batches until `stop`; then flushes.
pub async fn writer(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let rx = RECEIVER
        .get()
        .and_then(|m| m.lock().unwrap_or_else(|e| e.into_inner()).take());
    let Some(mut rx) = rx else {
        return; // no layer installed in this process (library use)
    };
    let retention_ms = app.cfg.ops.log_retention_days.max(1) * 24 * 3600 * 1000;
    let mut last_prune = 0i64;
    loop {
        let first = tokio::select! {
            l = rx.recv() => l,
            _ = stop.changed() => None,
        };
        let mut batch: Vec<CapturedLine> = first.into_iter().collect();
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(l) => batch.push(l),
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            if let Err(e) = insert(&app.db, &batch).await {
                // Logged without order_id, so this line is not captured again.
                tracing::warn!(error = %e, lines = batch.len(), "could not store log lines");
            }
        }
        if now_ms() - last_prune > 3600 * 1000 {
            last_prune = now_ms();
            let _ = prune(&app.db, now_ms() - retention_ms).await;
        }
        if *stop.borrow() {
            // Flush what is left, then end.
            let mut rest = Vec::new();
            while let Ok(l) = rx.try_recv() {
                rest.push(l);
            }
            for chunk in rest.chunks(BATCH) {
                let _ = insert(&app.db, chunk).await;
            }
            return;
        }
    }
}

async fn insert(db: &Db, lines: &[CapturedLine]) -> DbResult<()> {
    let mut sql =
        String::from("INSERT INTO log_lines (id, order_id, at, process, level, line) VALUES ");
    for i in 0..lines.len() {
        let b = i * 6;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${},${},${},${},${},${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6
        ));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for l in lines {
        q = q
            .bind(l.id.clone())
            .bind(l.order_id.clone())
            .bind(l.at)
            .bind(process_name().to_string())
            .bind(l.level.clone())
            .bind(l.line.clone());
    }
    q.execute(&db.pool).await?;
    Ok(())
}

/// Deletes lines older than `before` (ms); returns how many.
pub async fn prune(db: &Db, before: i64) -> DbResult<u64> {
    Ok(sqlx::query("DELETE FROM log_lines WHERE at < $1")
        .bind(before)
        .execute(&db.pool)
        .await?
        .rows_affected())
}

/// The last `tail` lines of an order from every process, oldest first. The
/// ticket triage of the support desk attaches these.
pub async fn for_order(db: &Db, order_id: &str, tail: i64) -> DbResult<Vec<StoredLine>> {
    let rows = sqlx::query(
        "SELECT at, process, level, line FROM log_lines WHERE order_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(order_id)
    .bind(tail.clamp(1, 10_000))
    .fetch_all(&db.pool)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(StoredLine {
                at: r.try_get("at")?,
                process: r.try_get("process")?,
                level: r.try_get("level")?,
                line: r.try_get("line")?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}

/// LGPD deletion: an order's log lines go with its personal data.
pub async fn delete_for_order(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    order_id: &str,
) -> DbResult<u64> {
    Ok(sqlx::query("DELETE FROM log_lines WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn lines_with_an_order_id_are_captured_from_the_event_or_a_span_and_never_block() {
        let (layer, mut rx) = layer_with_capacity(3);
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("no order here");
            tracing::info!(order_id = "o-1", size = 10, "order created");
            let span = tracing::info_span!("job", order_id = "o-2", attempt = 1);
            let _g = span.enter();
            tracing::warn!(secs = 0.5, "conversion completed");
            // The channel is full now: these are dropped, not waited for.
            for _ in 0..100 {
                tracing::info!(order_id = "o-3", "flood");
            }
        });
        let a = rx.try_recv().unwrap();
        assert_eq!(a.order_id, "o-1");
        let v: Value = serde_json::from_str(&a.line).unwrap();
        assert_eq!(v["fields"]["message"], "order created");
        assert_eq!(v["fields"]["size"], 10);
        assert_eq!(v["level"], "INFO");
        let b = rx.try_recv().unwrap();
        assert_eq!(b.order_id, "o-2");
        let v: Value = serde_json::from_str(&b.line).unwrap();
        assert_eq!(v["span"]["name"], "job");
        assert_eq!(v["span"]["attempt"], 1);
        assert_eq!(b.level, "WARN");
        assert_eq!(rx.try_recv().unwrap().order_id, "o-3");
        assert!(rx.try_recv().is_err(), "bounded: the rest was dropped");
    }
}
