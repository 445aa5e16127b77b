//! The job queue's guarantees on the real database (SQLite, or PostgreSQL with
//! `CONVERSOR_TEST_PG_ADMIN`): concurrent claimers never share a job, an
//! expired lease is requeued, and the old holder can no longer finish the job.

use conversor_server::adapters::db::{Db, NewEmail, OrderRow, PaymentRow};
use conversor_server::domain::orders::Status;

async fn database() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("CONVERSOR_TEST_PG_ADMIN") {
        Ok(admin) => {
            sqlx::any::install_default_drivers();
            let name = format!("q_{}", uuid::Uuid::new_v4().simple());
            let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .unwrap();
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
        }
        Err(_) => format!("sqlite://{}", dir.path().join("q.db").display()),
    };
    (dir, url)
}

async fn paid_order(db: &Db, n: usize) -> String {
    let id = format!("order-{n}-{}", uuid::Uuid::new_v4());
    let now = conversor_server::now_ms();
    let o = OrderRow {
        id: id.clone(),
        status: Status::Pending,
        customer_name: "Ana".into(),
        email: "ana@example.com".into(),
        file_name: "a.mpp".into(),
        file_size: 1,
        price_cents: 1990,
        currency: "BRL".into(),
        tasks: 1,
        resources: 0,
        assignments: 0,
        calendars: 1,
        mpp_version: "MPP14".into(),
        payment_id: None,
        failure: None,
        created_at: now,
        updated_at: now,
    };
    db.insert_order(&o, "test").await.unwrap();
    let mail = NewEmail {
        order_id: id.clone(),
        kind: "payment_confirmed",
        to_addr: "ana@example.com".into(),
        subject: "s".into(),
        body: "b".into(),
    };
    assert!(db.mark_paid(&id, "p1", "test", &mail, 3).await.unwrap());
    // Paying twice changes nothing.
    assert!(!db.mark_paid(&id, "p1", "test", &mail, 3).await.unwrap());
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_are_unique() {
    let (_dir, url) = database().await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    const JOBS: usize = 60;
    for n in 0..JOBS {
        paid_order(&db, n).await;
    }
    // Six claimers, each with its own pool, as separate worker processes would have.
    let mut tasks = Vec::new();
    for w in 0..6 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let db = Db::connect(&url).await.unwrap();
            let mut got = Vec::new();
            while let Some(job) = db.claim_job(&format!("w{w}"), 60_000).await.unwrap() {
                got.push(job.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(
        (n, all.len()),
        (JOBS, JOBS),
        "every job claimed exactly once"
    );
}

#[tokio::test]
async fn expired_lease_is_requeued_and_fenced() {
    let (_dir, url) = database().await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let id = paid_order(&db, 0).await;
    let first = db.claim_job("dead", 1).await.unwrap().unwrap();
    assert!(db.start_processing(&first, "dead").await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let expired = db.expired_leases().await.unwrap();
    assert_eq!(expired.len(), 1);
    assert!(db
        .retry_job(&expired[0], "lease expirado", 0)
        .await
        .unwrap());
    let second = db.claim_job("alive", 60_000).await.unwrap().unwrap();
    assert_eq!(
        (second.id.as_str(), second.attempts),
        (first.id.as_str(), 2)
    );
    assert!(db.start_processing(&second, "alive").await.unwrap());
    let mail = NewEmail {
        order_id: id.clone(),
        kind: "download_ready",
        to_addr: "ana@example.com".into(),
        subject: "s".into(),
        body: "b".into(),
    };
    // The dead worker's token no longer finishes anything.
    assert!(!db.complete_job(&first, "dead", &mail).await.unwrap());
    assert!(db.complete_job(&second, "alive", &mail).await.unwrap());
    assert!(!db.complete_job(&second, "alive", &mail).await.unwrap());
    let o = db.order(&id).await.unwrap().unwrap();
    assert_eq!(o.status, Status::Completed);
    let to: Vec<String> = db
        .events(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.to_status)
        .collect();
    assert_eq!(
        to,
        ["PENDING", "PAID", "PROCESSING", "PROCESSING", "COMPLETED"]
    );
    let kinds: Vec<String> = db
        .emails_for(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_confirmed", "download_ready"]);
}

/// Two payment notices processed at once may finish in either order: a
/// status fetched before the approval must not overwrite it, while a later
/// decision (a refund) still does.
#[tokio::test]
async fn payment_status_never_goes_back() {
    let (_dir, url) = database().await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let order = paid_order(&db, 0).await;
    db.insert_payment(&PaymentRow {
        id: "p-1".into(),
        order_id: order,
        method: "pix".into(),
        status: "pending".into(),
        amount_cents: 1990,
        qr_code: None,
        qr_code_base64: None,
        ticket_url: None,
        expires_at: None,
        idempotency_key: "k-1".into(),
    })
    .await
    .unwrap();
    let status = |db: Db| async move { db.payment("p-1").await.unwrap().unwrap().status };
    assert!(db.set_payment_status("p-1", "in_process").await.unwrap());
    assert!(db.set_payment_status("p-1", "approved").await.unwrap());
    assert!(!db.set_payment_status("p-1", "pending").await.unwrap());
    assert!(!db.set_payment_status("p-1", "in_process").await.unwrap());
    assert_eq!(status(db.clone()).await, "approved");
    assert!(db.set_payment_status("p-1", "refunded").await.unwrap());
    assert!(!db.set_payment_status("p-1", "approved").await.unwrap());
    assert_eq!(status(db.clone()).await, "refunded");
    // A status Mercado Pago may add later does not undo a refund, is
    // recorded over an approval, and can be left again.
    assert!(!db.set_payment_status("p-1", "new_status").await.unwrap());
    sqlx::query("UPDATE payments SET status = 'approved' WHERE id = 'p-1'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(db.set_payment_status("p-1", "new_status").await.unwrap());
    assert!(db.set_payment_status("p-1", "pending").await.unwrap());
    assert_eq!(status(db.clone()).await, "pending");
}
