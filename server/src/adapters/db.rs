//! The data layer: one set of queries run through `sqlx::Any` on SQLite (the
//! embedded default) and PostgreSQL. Every order status change goes through
//! [`Db::transition_tx`], which applies `domain::orders::check_transition`
//! and a guarded UPDATE, and records the event in the same transaction.

use crate::domain::orders::{check_transition, Status};
use crate::now_ms;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type DbResult<T> = Result<T, DbError>;

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_desk.sql")),
    (3, include_str!("../../migrations/0003_ops.sql")),
    (4, include_str!("../../migrations/0004_login_throttle.sql")),
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct OrderRow {
    pub id: String,
    pub status: Status,
    pub customer_name: String,
    pub email: String,
    pub file_name: String,
    pub file_size: i64,
    pub price_cents: i64,
    pub currency: String,
    pub tasks: i64,
    pub resources: i64,
    pub assignments: i64,
    pub calendars: i64,
    pub mpp_version: String,
    pub payment_id: Option<String>,
    pub failure: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PaymentRow {
    pub id: String,
    pub order_id: String,
    pub method: String,
    pub status: String,
    pub amount_cents: i64,
    pub qr_code: Option<String>,
    pub qr_code_base64: Option<String>,
    pub ticket_url: Option<String>,
    pub expires_at: Option<String>,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EventRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub reason: String,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub order_id: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_token: String,
}

#[derive(Debug, Clone)]
pub struct NewEmail {
    pub order_id: String,
    pub kind: &'static str,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct EmailRow {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueStats {
    pub depth: i64,
    pub running: i64,
    pub oldest_age_secs: Option<i64>,
}

fn order_from(r: &AnyRow) -> DbResult<OrderRow> {
    let status: String = r.try_get("status")?;
    Ok(OrderRow {
        id: r.try_get("id")?,
        status: Status::parse(&status)
            .ok_or_else(|| DbError::Invalid(format!("status {status}")))?,
        customer_name: r.try_get("customer_name")?,
        email: r.try_get("email")?,
        file_name: r.try_get("file_name")?,
        file_size: r.try_get("file_size")?,
        price_cents: r.try_get("price_cents")?,
        currency: r.try_get("currency")?,
        tasks: r.try_get("tasks")?,
        resources: r.try_get("resources")?,
        assignments: r.try_get("assignments")?,
        calendars: r.try_get("calendars")?,
        mpp_version: r.try_get("mpp_version")?,
        payment_id: r.try_get("payment_id")?,
        failure: r.try_get("failure")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn payment_from(r: &AnyRow) -> DbResult<PaymentRow> {
    Ok(PaymentRow {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        method: r.try_get("method")?,
        status: r.try_get("status")?,
        amount_cents: r.try_get("amount_cents")?,
        qr_code: r.try_get("qr_code")?,
        qr_code_base64: r.try_get("qr_code_base64")?,
        ticket_url: r.try_get("ticket_url")?,
        expires_at: r.try_get("expires_at")?,
        idempotency_key: r.try_get("idempotency_key")?,
    })
}

/// Row ids: UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

const CLAIM_SQLITE: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $1, \
     lease_token = $2, worker = $3, updated_at = $4 \
     WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $4 ORDER BY run_at LIMIT 1) \
     RETURNING id, order_id, attempts, max_attempts";
const CLAIM_PG: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $1, \
     lease_token = $2, worker = $3, updated_at = $4 \
     WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $4 ORDER BY run_at LIMIT 1 \
     FOR UPDATE SKIP LOCKED) \
     RETURNING id, order_id, attempts, max_attempts";

/// Mercado Pago's payment statuses in the order they can follow each other:
/// open ones, then a decision, then what can undo an approval. An unknown
/// status (not listed) can always be overwritten, and overwrites all but
/// the last rank.
const PAYMENT_STATUSES: &[(&str, u8)] = &[
    ("pending", 0),
    ("in_process", 0),
    ("in_mediation", 1),
    ("authorized", 0),
    ("approved", 1),
    ("rejected", 1),
    ("cancelled", 1),
    ("refunded", 2),
    ("charged_back", 2),
];

fn payment_status_rank(status: &str) -> u8 {
    PAYMENT_STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(1, |(_, r)| *r)
}

impl Db {
    /// Opens the pool; `sqlite://path` files are created when missing.
    pub async fn connect(url: &str) -> DbResult<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite && !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let opts = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets API and worker processes share the file; busy_timeout
                        // waits for the writer instead of failing.
                        for p in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = NORMAL",
                            "PRAGMA busy_timeout = 10000",
                            "PRAGMA foreign_keys = ON",
                        ] {
                            sqlx::query(p).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(&url).await?;
        Ok(Db { pool, backend })
    }

    /// Applies the embedded migrations once; safe when several processes start together.
    pub async fn migrate(&self) -> DbResult<()> {
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            .execute(&self.pool)
            .await?;
        for (version, sql) in MIGRATIONS {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&self.pool)
                    .await?;
            if done.is_some() {
                continue;
            }
            let mut tx = self.begin().await?;
            // Claim the version first: a second process racing here fails on the key.
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            for stmt in sql.split(';') {
                let body: String = stmt
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n");
                if body.trim().is_empty() {
                    continue;
                }
                sqlx::query(sqlx::AssertSqlSafe(body))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// SQLite: take the write lock at BEGIN. A deferred transaction that reads
    /// and then writes can't wait for another process's writer (SQLITE_BUSY
    /// comes back at once), which stalled two worker processes in the load test.
    pub async fn begin(&self) -> DbResult<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn ping(&self) -> DbResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn insert_order(&self, o: &OrderRow, actor: &str) -> DbResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO orders (id, status, customer_name, email, file_name, file_size, price_cents, currency, \
             tasks, resources, assignments, calendars, mpp_version, payment_id, failure, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,NULL,NULL,$14,$14)",
        )
        .bind(&o.id)
        .bind(o.status.as_str())
        .bind(&o.customer_name)
        .bind(&o.email)
        .bind(&o.file_name)
        .bind(o.file_size)
        .bind(o.price_cents)
        .bind(&o.currency)
        .bind(o.tasks)
        .bind(o.resources)
        .bind(o.assignments)
        .bind(o.calendars)
        .bind(&o.mpp_version)
        .bind(o.created_at)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            &o.id,
            None,
            o.status,
            actor,
            "pedido criado após validação do arquivo",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn order(&self, id: &str) -> DbResult<Option<OrderRow>> {
        let row = sqlx::query("SELECT * FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from).transpose()
    }

    pub async fn events(&self, order_id: &str) -> DbResult<Vec<EventRow>> {
        let rows = sqlx::query("SELECT from_status, to_status, actor, reason, at FROM order_events WHERE order_id = $1 ORDER BY at, id")
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    from_status: r.try_get("from_status")?,
                    to_status: r.try_get("to_status")?,
                    actor: r.try_get("actor")?,
                    reason: r.try_get("reason")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The one place an order changes status: the rule, a guarded UPDATE (so two
    /// processes can't both make the same move) and the event. `Ok(false)` when
    /// the order was not in `from` any more.
    pub async fn transition_tx(
        tx: &mut Transaction<'static, Any>,
        order_id: &str,
        from: Status,
        to: Status,
        actor: &str,
        reason: &str,
    ) -> DbResult<bool> {
        check_transition(from, to).map_err(|e| DbError::Invalid(e.to_string()))?;
        let failure = if to == Status::Failed {
            Some(reason)
        } else {
            None
        };
        let n = sqlx::query(
            "UPDATE orders SET status = $1, updated_at = $2, failure = COALESCE($3, failure) WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(now_ms())
        .bind(failure)
        .bind(order_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n == 1 {
            insert_event(tx, order_id, Some(from), to, actor, reason).await?;
        }
        Ok(n == 1)
    }

    pub async fn insert_payment(&self, p: &PaymentRow) -> DbResult<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO payments (id, order_id, method, status, amount_cents, qr_code, qr_code_base64, ticket_url, \
             expires_at, idempotency_key, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&p.id)
        .bind(&p.order_id)
        .bind(&p.method)
        .bind(&p.status)
        .bind(p.amount_cents)
        .bind(&p.qr_code)
        .bind(&p.qr_code_base64)
        .bind(&p.ticket_url)
        .bind(&p.expires_at)
        .bind(&p.idempotency_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE orders SET payment_id = $1, updated_at = $2 WHERE id = $3")
            .bind(&p.id)
            .bind(now)
            .bind(&p.order_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn payment(&self, id: &str) -> DbResult<Option<PaymentRow>> {
        let row = sqlx::query("SELECT * FROM payments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(payment_from).transpose()
    }

    pub async fn latest_payment(&self, order_id: &str) -> DbResult<Option<PaymentRow>> {
        let row = sqlx::query(
            "SELECT * FROM payments WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(payment_from).transpose()
    }

    /// Payments still pending for orders still PENDING, created between
    /// `older_than_ms` and a day ago: candidates for reconciliation.
    pub async fn stale_pending_payments(
        &self,
        older_than_ms: i64,
        limit: i64,
    ) -> DbResult<Vec<String>> {
        let now = now_ms();
        let rows = sqlx::query(
            "SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id \
             WHERE o.status = 'PENDING' AND p.status IN ('pending', 'in_process', 'authorized') \
             AND p.updated_at < $1 AND p.created_at > $2 ORDER BY p.updated_at LIMIT $3",
        )
        .bind(now - older_than_ms)
        .bind(now - 24 * 3600 * 1000)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    pub async fn touch_payment(&self, id: &str) -> DbResult<()> {
        sqlx::query("UPDATE payments SET updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records Mercado Pago's status of a payment, never going back: two
    /// notices processed at once can finish in either order, and a status
    /// fetched before the approval must not overwrite it (the order would
    /// be PAID with its payment "pending", and no refund could find it).
    /// Returns whether the row changed.
    pub async fn set_payment_status(&self, id: &str, status: &str) -> DbResult<bool> {
        let rank = payment_status_rank(status);
        let earlier: Vec<&str> = PAYMENT_STATUSES
            .iter()
            .filter(|(_, r)| *r <= rank)
            .map(|(s, _)| *s)
            .collect();
        // Only constant status names are spliced in; the values are bound.
        let list = earlier
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE payments SET status = $1, updated_at = $2 WHERE id = $3 \
             AND (status IN ({list}) OR status NOT IN ({all}))",
            all = PAYMENT_STATUSES
                .iter()
                .map(|(s, _)| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(status)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// PENDING → PAID, the conversion job and the confirmation e-mail, all or
    /// nothing. `Ok(false)` when the order was already paid (duplicates).
    pub async fn mark_paid(
        &self,
        order_id: &str,
        payment_id: &str,
        actor: &str,
        email: &NewEmail,
        max_attempts: i64,
    ) -> DbResult<bool> {
        let mut tx = self.begin().await?;
        let reason = format!("pagamento {payment_id} aprovado");
        if !Self::transition_tx(
            &mut tx,
            order_id,
            Status::Pending,
            Status::Paid,
            actor,
            &reason,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        let now = now_ms();
        sqlx::query(
            "INSERT INTO jobs (id, order_id, state, attempts, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, 'queued', 0, $3, $4, $4, $4)",
        )
        .bind(new_id())
        .bind(order_id)
        .bind(max_attempts)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_email(&mut tx, email).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a first sighting of a webhook delivery; false for a replay.
    pub async fn webhook_first_seen(&self, key: &str) -> DbResult<bool> {
        let n = sqlx::query(
            "INSERT INTO webhook_seen (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn add_email(&self, email: &NewEmail) -> DbResult<()> {
        let mut tx = self.begin().await?;
        insert_email(&mut tx, email).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- queue ----

    pub async fn claim_job(&self, worker: &str, lease_ms: i64) -> DbResult<Option<Job>> {
        let now = now_ms();
        let token = new_id();
        let sql = match self.backend {
            Backend::Sqlite => CLAIM_SQLITE,
            Backend::Postgres => CLAIM_PG,
        };
        let row = sqlx::query(sql)
            .bind(now + lease_ms)
            .bind(&token)
            .bind(worker)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Job {
                id: r.try_get("id")?,
                order_id: r.try_get("order_id")?,
                attempts: r.try_get("attempts")?,
                max_attempts: r.try_get("max_attempts")?,
                lease_token: token.clone(),
            })
        })
        .transpose()
    }

    /// Extends a lease still held; false when it was lost.
    pub async fn extend_lease(&self, job: &Job, lease_ms: i64) -> DbResult<bool> {
        let n = sqlx::query("UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_token = $3 AND state = 'running'")
            .bind(now_ms() + lease_ms)
            .bind(&job.id)
            .bind(&job.lease_token)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// PAID → PROCESSING (or a retry's PROCESSING → PROCESSING) while holding the lease.
    pub async fn start_processing(&self, job: &Job, actor: &str) -> DbResult<bool> {
        let mut tx = self.begin().await?;
        if !lease_held(&mut tx, job).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let order = sqlx::query("SELECT status FROM orders WHERE id = $1")
            .bind(&job.order_id)
            .fetch_one(&mut *tx)
            .await?;
        let status: String = order.try_get("status")?;
        let from = Status::parse(&status).ok_or_else(|| DbError::Invalid(status.clone()))?;
        let reason = format!("conversão iniciada (tentativa {})", job.attempts);
        let ok = Self::transition_tx(
            &mut tx,
            &job.order_id,
            from,
            Status::Processing,
            actor,
            &reason,
        )
        .await?;
        tx.commit().await?;
        Ok(ok)
    }

    /// Job done and order COMPLETED with its e-mail, only if the lease is still ours.
    pub async fn complete_job(&self, job: &Job, actor: &str, email: &NewEmail) -> DbResult<bool> {
        self.finish(
            job,
            "done",
            Status::Completed,
            actor,
            "conversão concluída",
            Some(email),
        )
        .await
    }

    pub async fn fail_job(
        &self,
        job: &Job,
        actor: &str,
        reason: &str,
        email: Option<&NewEmail>,
    ) -> DbResult<bool> {
        self.finish(job, "failed", Status::Failed, actor, reason, email)
            .await
    }

    async fn finish(
        &self,
        job: &Job,
        state: &'static str,
        to: Status,
        actor: &str,
        reason: &str,
        email: Option<&NewEmail>,
    ) -> DbResult<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE jobs SET state = $1, lease_token = NULL, lease_until = NULL, last_error = $2, updated_at = $3 \
             WHERE id = $4 AND lease_token = $5",
        )
        .bind(state)
        .bind(if to == Status::Failed { Some(reason) } else { None })
        .bind(now_ms())
        .bind(&job.id)
        .bind(&job.lease_token)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(&job.order_id)
            .fetch_one(&mut *tx)
            .await?;
        let from = Status::parse(&status).ok_or_else(|| DbError::Invalid(status.clone()))?;
        if !Self::transition_tx(&mut tx, &job.order_id, from, to, actor, reason).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(e) = email {
            insert_email(&mut tx, e).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Puts the job back with backoff; false when the lease was lost.
    pub async fn retry_job(&self, job: &Job, error: &str, delay_ms: i64) -> DbResult<bool> {
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE jobs SET state = 'queued', lease_token = NULL, lease_until = NULL, last_error = $1, run_at = $2, updated_at = $3 \
             WHERE id = $4 AND lease_token = $5",
        )
        .bind(error)
        .bind(now + delay_ms)
        .bind(now)
        .bind(&job.id)
        .bind(&job.lease_token)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Running jobs whose lease ran out (their worker died): returned with their
    /// current lease token so the caller can requeue or fail them.
    pub async fn expired_leases(&self) -> DbResult<Vec<Job>> {
        let rows = sqlx::query(
            "SELECT id, order_id, attempts, max_attempts, lease_token FROM jobs WHERE state = 'running' AND lease_until < $1",
        )
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Job {
                    id: r.try_get("id")?,
                    order_id: r.try_get("order_id")?,
                    attempts: r.try_get("attempts")?,
                    max_attempts: r.try_get("max_attempts")?,
                    lease_token: r
                        .try_get::<Option<String>, _>("lease_token")?
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    pub async fn queue_stats(&self) -> DbResult<QueueStats> {
        let depth: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'queued'")
            .fetch_one(&self.pool)
            .await?;
        let running: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'running'")
            .fetch_one(&self.pool)
            .await?;
        let oldest: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(created_at) FROM jobs WHERE state IN ('queued', 'running')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(QueueStats {
            depth,
            running,
            oldest_age_secs: oldest.map(|t| (now_ms() - t) / 1000),
        })
    }

    pub async fn status_counts(&self) -> DbResult<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM orders GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }

    pub async fn job_attempts(&self, order_id: &str) -> DbResult<Option<(String, i64)>> {
        let row = sqlx::query("SELECT state, attempts FROM jobs WHERE order_id = $1")
            .bind(order_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("state")?, r.try_get("attempts")?)))
            .transpose()
    }

    // ---- workers and e-mails ----

    pub async fn heartbeat(&self, worker: &str) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO workers (id, heartbeat_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET heartbeat_at = $2",
        )
        .bind(worker)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn workers(&self, within_ms: i64) -> DbResult<Vec<(String, i64)>> {
        let now = now_ms();
        let rows =
            sqlx::query("SELECT id, heartbeat_at FROM workers WHERE heartbeat_at > $1 ORDER BY id")
                .bind(now - within_ms)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    (now - r.try_get::<i64, _>("heartbeat_at")?) / 1000,
                ))
            })
            .collect()
    }

    /// Takes one unsent e-mail for 60 s so two processes don't send it together.
    pub async fn claim_email(&self) -> DbResult<Option<EmailRow>> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE emails SET attempts = attempts + 1, sent_at = -($1 + 60000) \
             WHERE id = (SELECT id FROM emails WHERE sent_at IS NULL OR (sent_at < 0 AND -sent_at < $1) ORDER BY created_at LIMIT 1) \
             RETURNING id, order_id, kind, to_addr, subject, body",
        )
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(EmailRow {
                id: r.try_get("id")?,
                order_id: r.try_get("order_id")?,
                kind: r.try_get("kind")?,
                to_addr: r.try_get("to_addr")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
            })
        })
        .transpose()
    }

    pub async fn email_sent(&self, id: &str) -> DbResult<()> {
        sqlx::query("UPDATE emails SET sent_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn emails_for(&self, order_id: &str) -> DbResult<Vec<(String, bool)>> {
        let rows =
            sqlx::query("SELECT kind, sent_at FROM emails WHERE order_id = $1 ORDER BY created_at")
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("kind")?,
                    r.try_get::<Option<i64>, _>("sent_at")?
                        .is_some_and(|t| t > 0),
                ))
            })
            .collect()
    }
}

async fn lease_held(tx: &mut Transaction<'static, Any>, job: &Job) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running'",
    )
    .bind(&job.id)
    .bind(&job.lease_token)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n == 1)
}

async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    from: Option<Status>,
    to: Status,
    actor: &str,
    reason: &str,
) -> DbResult<()> {
    sqlx::query("INSERT INTO order_events (id, order_id, from_status, to_status, actor, reason, at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
        .bind(new_id())
        .bind(order_id)
        .bind(from.map(|s| s.as_str()))
        .bind(to.as_str())
        .bind(actor)
        .bind(reason)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One e-mail of each kind per order, whatever retries happen.
async fn insert_email(tx: &mut Transaction<'static, Any>, e: &NewEmail) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO emails (id, order_id, kind, to_addr, subject, body, created_at, sent_at, attempts) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,0) ON CONFLICT (order_id, kind) DO NOTHING",
    )
    .bind(new_id())
    .bind(&e.order_id)
    .bind(e.kind)
    .bind(&e.to_addr)
    .bind(&e.subject)
    .bind(&e.body)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
