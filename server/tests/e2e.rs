//! End to end over real processes: `conversor serve` (and `conversor worker`)
//! against a fake Mercado Pago speaking the documented API, on SQLite or, with
//! `CONVERSOR_TEST_PG_ADMIN`, PostgreSQL.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;

fn events_to(order: &Value, status: &str) -> usize {
    order["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to_status"] == status)
        .count()
}

async fn download(h: &Harness, id: &str, token: &str) -> (String, Vec<u8>) {
    let r = h
        .http
        .get(format!("{}/api/orders/{id}/download?token={token}", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let link = r.headers()["location"].to_str().unwrap().to_string();
    let r = h.http.get(&link).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{link}");
    (link, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn pix_then_card_end_to_end() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[]).await;

    let (s, created) = h.upload_bytes("plano.mpp", data.clone()).await;
    assert_eq!(s, 201, "{created}");
    let order = &created["order"];
    assert_eq!(order["status"], "PENDING");
    assert_eq!(order["currency"], "BRL");
    assert_eq!(order["price"], "R$ 19,90");
    assert_eq!(order["preview"]["version"], "MPP14");
    assert!(order["preview"]["tasks"].as_i64().unwrap() > 0);
    let id = created["id"].as_str().unwrap();
    let token = created["access_token"].as_str().unwrap();
    assert!(h
        .blobs()
        .exists(&format!("uploads/{id}.mpp"))
        .await
        .unwrap());

    // Reads need the order's token.
    let r = h
        .http
        .get(format!("{}/api/orders/{id}?token=wrong", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let (s, pay) = h.pay(id, token, json!({"method": "pix"})).await;
    assert_eq!(s, 201, "{pay}");
    assert_eq!(pay["status"], "pending");
    assert!(pay["qr_code"].as_str().unwrap().starts_with("000201"));
    assert!(pay["qr_svg"].as_str().unwrap().contains("<svg"));
    assert!(pay["expires_at"].as_str().is_some());
    // A double click reuses the payment (same idempotency key).
    let (_, again) = h.pay(id, token, json!({"method": "pix"})).await;
    assert_eq!(again["id"], pay["id"]);

    h.approve(pay["id"].as_str().unwrap(), None).await;
    let done = h.wait_status(id, token, "COMPLETED", 30).await;
    for s in ["PAID", "PROCESSING", "COMPLETED"] {
        assert_eq!(events_to(&done, s), 1, "{s}: {}", done["events"]);
    }
    let (link, xml) = download(&h, id, token).await;
    if h.s3() {
        assert!(link.contains("X-Amz-Signature="), "{link}");
    } else {
        assert!(link.contains("/files/") && link.contains("sig="));
    }
    assert_eq!(
        xml,
        reference_xml(&data),
        "download differs from `mpp convert`"
    );

    let db = h.db().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = db.emails_for(id).await.unwrap();
    let kinds: Vec<&str> = mails.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["payment_confirmed", "download_ready"]);
    assert!(mails.iter().all(|(_, sent)| *sent), "{mails:?}");
    assert_eq!(h.mails(id), 2);

    // Card: the token settles at once; a rejected card leaves the order pending.
    let (id2, token2) = h.order(&data).await;
    let (s, p) = h
        .pay(
            &id2,
            &token2,
            json!({"method": "card", "card_token": "tok_reject", "payment_method_id": "master"}),
        )
        .await;
    assert_eq!((s, p["status"].as_str()), (201, Some("rejected")));
    let (s, p) = h
        .pay(
            &id2,
            &token2,
            json!({"method": "card", "card_token": "tok_ok", "payment_method_id": "visa"}),
        )
        .await;
    assert_eq!((s, p["status"].as_str()), (201, Some("approved")));
    h.wait_status(&id2, &token2, "COMPLETED", 30).await;
    let (s, _) = h.pay(&id2, &token2, json!({"method": "pix"})).await;
    assert_eq!(s, 409);

    // Ops endpoints.
    let health: Value = h
        .http
        .get(format!("{}/health", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["gateway"]["mode"], "mercadopago");
    let backend = if h.database_url.is_empty() {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(health["database"]["backend"], backend);
    assert_eq!(
        health["storage"]["backend"],
        if h.s3() { "s3" } else { "local" }
    );
    let mailer = if std::env::var("CONVERSOR_TEST_SMTP").is_ok() {
        "smtp"
    } else {
        "outbox"
    };
    assert_eq!(health["mailer"], mailer);
    assert!(!health["workers"].as_array().unwrap().is_empty());
    let metrics = h
        .http
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("orders{status=\"COMPLETED\"} 2"),
        "{metrics}"
    );
    let api: Value = h
        .http
        .get(format!("{}/openapi.json", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api["paths"]["/api/orders"]["post"].is_object());
    assert!(h.log("serve").contains(&format!("\"order_id\":\"{id}\"")));
}

#[tokio::test]
async fn webhooks_forged_stale_replayed_duplicate_and_wrong_amount() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[]).await;
    let (id, token) = h.order(&data).await;
    let (_, pay) = h.pay(&id, &token, json!({"method": "pix"})).await;
    let pid = pay["id"].as_str().unwrap().to_string();
    let now = conversor_server::now_ms();

    // Forged (wrong secret), tampered, missing, stale: refused, nothing changes.
    assert_eq!(h.webhook(&pid, "not-the-secret", now, "r1").await, 401);
    assert_eq!(
        h.webhook_raw(&pid, &format!("ts={now},v1={}", "0".repeat(64)), "r2")
            .await,
        401
    );
    assert_eq!(h.webhook_raw(&pid, "", "r3").await, 401);
    assert_eq!(
        h.webhook(&pid, MP_SECRET, now - 10 * 60 * 1000, "r4").await,
        401
    );
    // Authentic while the payment is still pending: nothing to do.
    assert_eq!(h.webhook(&pid, MP_SECRET, now, "r5").await, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.get(&id, &token).await["status"], "PENDING");

    // Wrong amount: approved, but for R$ 1,00. The order stays PENDING and the
    // customer is asked for the receipt.
    h.approve(&pid, Some(1.0)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.get(&id, &token).await["status"], "PENDING");
    let db = h.db().await;
    let kinds: Vec<String> = db
        .emails_for(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_not_recognised"]);

    // A second order paid correctly; then the same delivery replayed, fresh
    // duplicates and a late "pending" notice change nothing.
    let (id2, token2) = h.order(&data).await;
    let (_, pay2) = h.pay(&id2, &token2, json!({"method": "pix"})).await;
    let pid2 = pay2["id"].as_str().unwrap().to_string();
    h.approve(&pid2, None).await;
    let done = h.wait_status(&id2, &token2, "COMPLETED", 30).await;
    let ts = conversor_server::now_ms();
    assert_eq!(h.webhook(&pid2, MP_SECRET, ts, "dup-1").await, 200);
    assert_eq!(h.webhook(&pid2, MP_SECRET, ts, "dup-1").await, 200); // replay of the same delivery
    assert_eq!(h.webhook(&pid2, MP_SECRET, ts + 1, "dup-2").await, 200);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let after = h.get(&id2, &token2).await;
    assert_eq!(after["status"], "COMPLETED");
    assert_eq!(events_to(&after, "PAID"), 1);
    assert_eq!(
        after["events"].as_array().unwrap().len(),
        done["events"].as_array().unwrap().len()
    );
    let kinds: Vec<String> = db
        .emails_for(&id2)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_confirmed", "download_ready"]);
    let metrics = h
        .http
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for o in [
        "forged",
        "stale",
        "replay",
        "mismatch",
        "paid",
        "already_paid",
    ] {
        assert!(
            metrics.contains(&format!("webhooks_total{{outcome=\"{o}\"}}")),
            "{o} missing:\n{metrics}"
        );
    }
}

#[tokio::test]
async fn uploads_too_large_not_project_and_password_protected() {
    let h = Harness::start(0, &[]).await;
    // A text file renamed .mpp.
    let (s, body) = h
        .upload_bytes(
            "notas.mpp",
            b"Reuniao de segunda: revisar cronograma.\n".repeat(100),
        )
        .await;
    assert_eq!(s, 422, "{body} {}", h.log("serve"));
    assert_eq!(body["error"], "not_compound_file");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("não é um arquivo do Microsoft Project"),
        "{body}"
    );
    if let Some(p) = corpus_file("password-protected-mpp9.mpp") {
        let (s, body) = h.upload_bytes("senha.mpp", std::fs::read(p).unwrap()).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"], "password_protected");
        assert!(body["message"].as_str().unwrap().contains("senha"));
    }
    // Missing e-mail.
    let form = reqwest::multipart::Form::new().text("name", "A").part(
        "file",
        reqwest::multipart::Part::bytes(vec![1, 2]).file_name("a.mpp"),
    );
    let r = h
        .http
        .post(format!("{}/api/orders", h.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    // 51 MB: refused with 413 while streaming.
    let (s, body) = h
        .upload_bytes("grande.mpp", vec![0u8; 51 * 1024 * 1024])
        .await;
    eprintln!("51 MB upload answered {s}");
    assert!(s == 413 || s == 0, "{s} {body}");
    if s == 413 {
        assert_eq!(body["error"], "too_large");
    }
    // The service still answers afterwards.
    let r = h.http.get(format!("{}/health", h.base)).send().await;
    assert_eq!(
        r.map(|r| r.status().as_u16()).map_err(|e| format!("{e:?}")),
        Ok(200)
    );
    // No order was created and no upload stored.
    let db = h.db().await;
    assert!(db.status_counts().await.unwrap().is_empty());
    if !h.s3() {
        assert!(!h.dir.path().join("objects/uploads").exists());
    }
    assert_eq!(
        std::fs::read_dir(h.dir.path().join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
}

#[tokio::test]
async fn download_links_expire_and_resist_tampering() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[]).await;
    let (id, token) = h.order(&data).await;
    // Not paid yet: no link.
    let r = h
        .http
        .get(format!("{}/api/orders/{id}/download?token={token}", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 409);
    let (_, pay) = h.pay(&id, &token, json!({"method": "pix"})).await;
    h.approve(pay["id"].as_str().unwrap(), None).await;
    h.wait_status(&id, &token, "COMPLETED", 30).await;
    let (link, _) = download(&h, &id, &token).await;
    let get = |url: String| {
        let http = h.http.clone();
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    let key = format!("results/{id}.xml");
    if h.s3() {
        // Presigned by S3 (SeaweedFS checks SigV4): 24 h, tamper-proof, expiring.
        assert!(link.contains("X-Amz-Expires=86400"), "{link}");
        let sig = link.split("X-Amz-Signature=").nth(1).unwrap();
        let flipped: String = sig.chars().rev().collect();
        assert_eq!(get(link.replace(sig, &flipped)).await, 403);
        let other = link.replace(&id, "00000000-0000-0000-0000-000000000000");
        assert_eq!(get(other).await, 403);
        let short = h
            .blobs()
            .presign(&key, Duration::from_secs(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(get(short.clone()).await, 200);
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(get(short).await, 403);
        return;
    }
    let exp: i64 = link
        .split("exp=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = conversor_server::now_ms() / 1000;
    assert!((exp - now - 24 * 3600).abs() < 10, "valid 24 h");
    // Tampered: another expiry with the old signature, or a flipped signature.
    assert_eq!(
        get(link.replace(&format!("exp={exp}"), &format!("exp={}", exp + 3600))).await,
        403
    );
    let sig = link.split("sig=").nth(1).unwrap();
    let flipped: String = sig.chars().rev().collect();
    assert_eq!(get(link.replace(sig, &flipped)).await, 403);
    // Expired, yet correctly signed.
    let secret = h.secret();
    let old = now - 10;
    let sig_old = conversor_server::domain::tokens::download_sig(&secret, &key, old);
    assert_eq!(
        get(format!("{}/files/{id}.xml?exp={old}&sig={sig_old}", h.base)).await,
        410
    );
    // Another order's file with this order's signature.
    assert_eq!(
        get(link.replace(&id, "00000000-0000-0000-0000-000000000000")).await,
        403
    );
}

#[tokio::test]
async fn worker_killed_mid_job_completes_exactly_once() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    // Short leases so the dead worker's job comes back quickly.
    let h = Harness::start(
        0,
        &[
            ("CONVERSOR_LEASE_SECS", "2"),
            ("CONVERSOR_BACKOFF_MS", "100"),
        ],
    )
    .await;
    let (id, token) = h.order(&data).await;
    let (_, pay) = h.pay(&id, &token, json!({"method": "pix"})).await;
    h.approve(pay["id"].as_str().unwrap(), None).await;
    h.wait_status(&id, &token, "PAID", 15).await;

    // A worker that stalls inside the job, killed with SIGKILL once it holds it.
    let mut slow = h.command_with(
        "worker",
        &[],
        "worker-slow",
        &[("CONVERSOR_TEST_JOB_DELAY_MS", "60000")],
    );
    let t0 = std::time::Instant::now();
    loop {
        if h.get(&id, &token).await["status"] == "PROCESSING" {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "never claimed: {}",
            h.log("worker-slow")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = slow.kill(); // SIGKILL on Unix
    let _ = slow.wait();
    assert!(!h
        .blobs()
        .exists(&format!("results/{id}.xml"))
        .await
        .unwrap());

    let _w = Proc(h.command("worker", &[], "worker-2"));
    let done = h.wait_status(&id, &token, "COMPLETED", 30).await;
    assert_eq!(events_to(&done, "COMPLETED"), 1);
    assert_eq!(events_to(&done, "PROCESSING"), 2, "{}", done["events"]);
    let db = h.db().await;
    assert_eq!(
        db.job_attempts(&id).await.unwrap(),
        Some(("done".into(), 2))
    );
    let (_, xml) = download(&h, &id, &token).await;
    assert_eq!(xml, reference_xml(&data));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kinds: Vec<String> = db
        .emails_for(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_confirmed", "download_ready"]);
    assert_eq!(h.mails(&id), 2);
}

#[tokio::test]
async fn lost_notification_is_reconciled() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[("CONVERSOR_RECONCILE_SECS", "1")]).await;
    let (id, token) = h.order(&data).await;
    let (_, pay) = h.pay(&id, &token, json!({"method": "pix"})).await;
    let pid = pay["id"].as_str().unwrap();
    // Approved at Mercado Pago, but the webhook never arrives.
    let r = h
        .http
        .post(format!(
            "{}/sandbox/payments/{pid}/approve?notify=false",
            h.fake
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let done = h.wait_status(&id, &token, "COMPLETED", 30).await;
    assert_eq!(events_to(&done, "PAID"), 1);
}
