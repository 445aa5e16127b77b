//! The operations half of the runbook over real processes: the admin API
//! (auth, check-payment, requeue, presign, logs), refunds against the fake
//! Mercado Pago, LGPD requests and incidents on /status. SQLite + local files
//! by default; PostgreSQL + S3 + SMTP under `scripts/test-server.sh`.

mod common;

use common::*;
use object_store::ObjectStoreExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn admin_token(h: &Harness) -> String {
    std::fs::read_to_string(h.dir.path().join("admin-token"))
        .unwrap()
        .trim()
        .to_string()
}

async fn admin(h: &Harness, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = h
        .http
        .request(method, format!("{}{path}", h.base))
        .bearer_auth(admin_token(h))
        .header("X-Actor", "ana.suporte");
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let s = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Transitions into `status` (operator notes go from a status to itself).
fn moves_to(order: &Value, status: &str) -> usize {
    order["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to_status"] == status && e["from_status"] != status)
        .count()
}

async fn pix_paid_silently(h: &Harness, id: &str, token: &str) -> String {
    let (_, pay) = h.pay(id, token, json!({"method": "pix"})).await;
    let pid = pay["id"].as_str().unwrap().to_string();
    // The sandbox notifies "payment.created" in the background and the
    // service fetches the payment after answering: let that finish first, or
    // it would see the approval and the order would not stay PENDING.
    let t0 = Instant::now();
    let done = format!("\"payment_id\":\"{pid}\",\"outcome\":\"not_approved\"");
    while !h.log("serve").contains(&done) {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "creation notice not processed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
    pid
}

#[tokio::test]
async fn admin_api_checks_fixes_requeues_presigns_and_shows_logs_of_every_process() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(0, &[("CONVERSOR_RECONCILE_SECS", "0")]).await;

    // The token file: generated once, owner-only.
    let tok_path = h.dir.path().join("admin-token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&tok_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(admin_token(&h).len(), 64);

    // No token, a wrong one, a prefix of the right one: 401.
    let url = format!("{}/api/admin/refunds", h.base);
    assert_eq!(
        h.http.get(&url).send().await.unwrap().status().as_u16(),
        401
    );
    for bad in ["wrong", &admin_token(&h)[..63]] {
        let r = h.http.get(&url).bearer_auth(bad).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }
    let (s, _) = admin(&h, Method::GET, "/api/admin/refunds", None).await;
    assert_eq!(s, 200);
    let api: Value = h
        .http
        .get(format!("{}/openapi.json", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api["paths"]["/api/admin/orders/{id}/check-payment"]["post"].is_object());
    assert!(api["paths"]["/api/orders"]["post"].is_object());

    // Approved at Mercado Pago; the notification never arrives.
    let (id, token) = h.order(&data).await;
    let pid = pix_paid_silently(&h, &id, &token).await;
    let check = format!("/api/admin/orders/{id}/check-payment");
    let (s, c) = admin(&h, Method::POST, &check, None).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["diagnosis"], "approved_not_recorded");
    assert_eq!(c["consistent"], false);
    assert_eq!(c["fixed"], false);
    assert!(
        c["explanation"].as_str().unwrap().contains("PENDING"),
        "{c}"
    );
    assert_eq!(c["gateway_payments"][0]["id"], pid.as_str());
    assert_eq!(h.get(&id, &token).await["status"], "PENDING");

    // Three operators fix it at once: the order is paid and queued exactly once.
    let fix = Some(json!({"fix": true}));
    let (a, b, c3) = tokio::join!(
        admin(&h, Method::POST, &check, fix.clone()),
        admin(&h, Method::POST, &check, fix.clone()),
        admin(&h, Method::POST, &check, fix.clone()),
    );
    let fixed = [&a.1, &b.1, &c3.1]
        .iter()
        .filter(|v| v["fixed"] == true)
        .count();
    assert_eq!(fixed, 1, "{a:?} {b:?} {c3:?}");
    let o = h.get(&id, &token).await;
    assert_eq!(o["status"], "PAID");
    assert_eq!(moves_to(&o, "PAID"), 1);
    let paid = o["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["to_status"] == "PAID")
        .unwrap();
    assert_eq!(paid["actor"], "ana.suporte");
    let (_, again) = admin(&h, Method::POST, &check, fix.clone()).await;
    assert_eq!(again["diagnosis"], "consistent");

    // Requeue: PAID (no worker yet) goes back to the queue, recorded with the actor.
    let (s, r) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{id}/requeue"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["job_state"], "queued");
    // A pending order can't be requeued.
    let (id_p, _) = h.order(&data).await;
    let (s, r) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{id_p}/requeue"),
        None,
    )
    .await;
    assert_eq!(s, 409, "{r}");

    // A worker process converts it: exactly one completion.
    let _w = Proc(h.command("worker", &[], "worker"));
    let done = h.wait_status(&id, &token, "COMPLETED", 30).await;
    assert_eq!(moves_to(&done, "COMPLETED"), 1);
    assert!(done["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["actor"] == "ana.suporte"
            && e["reason"].as_str().unwrap().contains("reenfileirado")));
    let (s, _) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{id}/requeue"),
        None,
    )
    .await;
    assert_eq!(s, 409);
    let db = h.db().await;
    assert_eq!(
        db.job_attempts(&id).await.unwrap(),
        Some(("done".into(), 1))
    );

    // Presign: works, expires as asked, refuses tampering and bad input.
    let key = format!("results/{id}.xml");
    let (s, p) = admin(
        &h,
        Method::POST,
        "/api/admin/presign",
        Some(json!({"object": key, "expires": 120})),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["expires_in"], 120);
    let link = p["url"].as_str().unwrap().to_string();
    let r = h.http.get(&link).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), reference_xml(&data));
    let tampered = if h.s3() {
        let sig = link.split("X-Amz-Signature=").nth(1).unwrap().to_string();
        link.replace(&sig, &sig.chars().rev().collect::<String>())
    } else {
        let exp = link
            .split("exp=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_string();
        link.replace(
            &format!("exp={exp}"),
            &format!("exp={}", exp.parse::<i64>().unwrap() + 3600),
        )
    };
    assert_eq!(
        h.http
            .get(&tampered)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let (s, p) = admin(
        &h,
        Method::POST,
        "/api/admin/presign",
        Some(json!({"object": key})),
    )
    .await;
    assert_eq!((s, p["expires_in"].as_i64()), (200, Some(86400)));
    for body in [
        json!({"object": key, "expires": 8 * 86400}),
        json!({"object": format!("uploads/{id}.mpp")}),
    ] {
        let (s, _) = admin(&h, Method::POST, "/api/admin/presign", Some(body)).await;
        assert_eq!(s, 422);
    }
    let (s, _) = admin(
        &h,
        Method::POST,
        "/api/admin/presign",
        Some(json!({"object": format!("results/{id_p}.xml")})),
    )
    .await;
    assert_eq!(s, 409, "no result yet");

    // Logs from the API process and the worker process, oldest first.
    let t0 = Instant::now();
    let lines = loop {
        let (s, l) = admin(
            &h,
            Method::GET,
            &format!("/api/admin/orders/{id}/logs?tail=500"),
            None,
        )
        .await;
        assert_eq!(s, 200);
        let lines = l["lines"].as_array().unwrap().clone();
        let has = |p: &str| {
            lines
                .iter()
                .any(|x| x["process"].as_str().unwrap().starts_with(p))
        };
        if has("serve:")
            && has("worker:")
            && lines.iter().any(|x| {
                x["line"]
                    .as_str()
                    .unwrap()
                    .contains("presigned link issued")
            })
        {
            break lines;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "{lines:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let ats: Vec<i64> = lines.iter().map(|l| l["at"].as_i64().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]));
    let text: Vec<&str> = lines.iter().map(|l| l["line"].as_str().unwrap()).collect();
    assert!(text.iter().any(|l| l.contains("order created")));
    assert!(text
        .iter()
        .any(|l| l.contains("conversion completed") && l.contains("\"process\":\"worker:")));
    for l in &text {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["timestamp"].is_string() && v["level"].is_string());
    }
    let (_, tail) = admin(
        &h,
        Method::GET,
        &format!("/api/admin/orders/{id}/logs?tail=2"),
        None,
    )
    .await;
    assert_eq!(tail["lines"].as_array().unwrap().len(), 2);
    // The last two, whatever was logged since the full read.
    let last_at = |v: &Value| v["at"].as_i64().unwrap();
    assert!(last_at(&tail["lines"][0]) >= last_at(&lines[lines.len() - 2]));

    // Retention: lines older than the bound go, recent ones stay.
    let n_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_lines WHERE order_id = $1")
        .bind(id.as_str())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO log_lines (id, order_id, at, process, level, line) VALUES ('old-1', $1, $2, 'serve:1@x', 'INFO', '{}')")
        .bind(id.as_str())
        .bind(conversor_server::now_ms() - 31 * 24 * 3600 * 1000)
        .execute(&db.pool)
        .await
        .unwrap();
    let pruned =
        conversor_server::ops::logs::prune(&db, conversor_server::now_ms() - 30 * 24 * 3600 * 1000)
            .await
            .unwrap();
    assert_eq!(pruned, 1);
    let kept = conversor_server::ops::logs::for_order(&db, &id, 10_000)
        .await
        .unwrap();
    assert!(kept.len() as i64 >= n_before);

    // The confirmation e-mail went once.
    let kinds: Vec<String> = db
        .emails_for(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_confirmed", "download_ready"]);
}

#[tokio::test]
async fn refunds_technical_invalid_after_48h_and_manual_exactly_once() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(
        1,
        &[
            ("CONVERSOR_MAX_ATTEMPTS", "1"),
            ("CONVERSOR_REFUND_SWEEP_SECS", "1"),
        ],
    )
    .await;
    let blobs = h.blobs();

    // Technical failure: the upload vanished from storage (ours, not the customer's).
    let (tech, tech_tok) = h.order(&data).await;
    blobs
        .store
        .delete(&object_store::path::Path::from(format!(
            "uploads/{tech}.mpp"
        )))
        .await
        .unwrap();
    // Invalid file: the converter refuses what is stored.
    let (bad, bad_tok) = h.order(&data).await;
    blobs
        .put(
            &format!("uploads/{bad}.mpp"),
            b"isto nao e um projeto".to_vec(),
        )
        .await
        .unwrap();
    for (id, tok) in [(&tech, &tech_tok), (&bad, &bad_tok)] {
        let (_, pay) = h.pay(id, tok, json!({"method": "pix"})).await;
        h.approve(pay["id"].as_str().unwrap(), None).await;
        h.wait_status(id, tok, "FAILED", 30).await;
    }

    // The sweep in serve refunds the technical failure on its own.
    let t0 = Instant::now();
    let tech_view = loop {
        let (_, o) = admin(&h, Method::GET, &format!("/api/admin/orders/{tech}"), None).await;
        if o["refund"]["status"] == "refunded" {
            break o;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "{o}\n{}",
            h.log("serve")
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        tech_view["order"]["status"], "FAILED",
        "a refund keeps the status"
    );
    assert_eq!(tech_view["refund"]["kind"], "technical_failure");
    assert_eq!(tech_view["refund"]["actor"], "refund-sweep");
    assert_eq!(tech_view["refund"]["amount"], "R$ 19,90");

    // The invalid file waits 48 h: nothing now, refunded by a sweep 49 h later.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, o) = admin(&h, Method::GET, &format!("/api/admin/orders/{bad}"), None).await;
    assert!(o["refund"].is_null(), "{o}");
    let (s, sw) = admin(
        &h,
        Method::POST,
        "/api/admin/refunds/sweep",
        Some(json!({"now_ms": conversor_server::now_ms() + 47 * 3600 * 1000})),
    )
    .await;
    assert_eq!(s, 200);
    assert!(sw["refunds"].as_array().unwrap().is_empty(), "{sw}");
    let later = json!({"now_ms": conversor_server::now_ms() + 49 * 3600 * 1000});
    let (a, b) = tokio::join!(
        admin(
            &h,
            Method::POST,
            "/api/admin/refunds/sweep",
            Some(later.clone())
        ),
        admin(
            &h,
            Method::POST,
            "/api/admin/refunds/sweep",
            Some(later.clone())
        ),
    );
    assert_eq!((a.0, b.0), (200, 200));
    let (_, o) = admin(&h, Method::GET, &format!("/api/admin/orders/{bad}"), None).await;
    assert_eq!(o["refund"]["status"], "refunded", "{a:?} {b:?}");
    assert_eq!(o["refund"]["kind"], "invalid_file_48h");
    // A refunded failed order is not reprocessed.
    let (s, _) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{bad}/requeue"),
        None,
    )
    .await;
    assert_eq!(s, 409);

    // Manual, on a completed order; retried concurrently and again later.
    let (ok, ok_tok) = h.order(&data).await;
    let (_, pay) = h.pay(&ok, &ok_tok, json!({"method": "pix"})).await;
    h.approve(pay["id"].as_str().unwrap(), None).await;
    h.wait_status(&ok, &ok_tok, "COMPLETED", 30).await;
    let refund = format!("/api/admin/orders/{ok}/refund");
    let (s, _) = admin(&h, Method::POST, &refund, Some(json!({"reason": " "}))).await;
    assert_eq!(s, 422, "a reason is required");
    let body = Some(json!({"reason": "cliente desistiu da compra"}));
    let (r1, r2, r3) = tokio::join!(
        admin(&h, Method::POST, &refund, body.clone()),
        admin(&h, Method::POST, &refund, body.clone()),
        admin(&h, Method::POST, &refund, body.clone()),
    );
    let created = [&r1, &r2, &r3]
        .iter()
        .filter(|r| r.1["created"] == true)
        .count();
    assert_eq!(created, 1, "{r1:?} {r2:?} {r3:?}");
    let (s, again) = admin(&h, Method::POST, &refund, body.clone()).await;
    assert_eq!((s, &again["created"]), (200, &json!(false)));
    assert_eq!(again["refund"]["actor"], "ana.suporte");
    // A pending order has nothing to refund.
    let (pend, _) = h.order(&data).await;
    let (s, _) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{pend}/refund"),
        body.clone(),
    )
    .await;
    assert_eq!(s, 409);

    // Mercado Pago saw exactly one refund per order.
    let refunds = h.sandbox.refunds();
    assert_eq!(refunds.len(), 3, "{refunds:?}");
    let db = h.db().await;
    for id in [&tech, &bad, &ok] {
        let o = db.order(id).await.unwrap().unwrap();
        let pid = o.payment_id.unwrap();
        assert_eq!(
            refunds
                .iter()
                .filter(|r| r["payment_id"].to_string().trim_matches('"') == pid)
                .count(),
            1
        );
        assert_eq!(db.payment(&pid).await.unwrap().unwrap().status, "refunded");
        let events = db.events(id).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.reason.starts_with("reembolso de R$ 19,90"))
                .count(),
            1
        );
    }
    // The refund e-mail (the runbook's template), once each, delivered.
    tokio::time::sleep(Duration::from_millis(800)).await;
    for (id, motivo) in [
        (&tech, "falha técnica do sistema na conversão"),
        (&ok, "cliente desistiu da compra"),
    ] {
        let mails = db.emails_for(id).await.unwrap();
        assert_eq!(
            mails
                .iter()
                .filter(|(k, sent)| k == "refund" && *sent)
                .count(),
            1,
            "{mails:?}"
        );
        let body: String =
            sqlx::query_scalar("SELECT body FROM emails WHERE order_id = $1 AND kind = 'refund'")
                .bind(id.as_str())
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert!(body.contains(&format!("Motivo: {motivo}")), "{body}");
        assert!(body.contains("Olá Ana Souza,"));
    }
    let kinds: Vec<String> = db
        .emails_for(&bad)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(kinds, ["payment_confirmed", "conversion_failed", "refund"]);
}

async fn upload_as(h: &Harness, data: &[u8], name: &str, email: &str) -> (String, String) {
    let form = reqwest::multipart::Form::new()
        .text("name", name.to_string())
        .text("email", email.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(data.to_vec()).file_name("cronograma-obra.mpp"),
        );
    let r = h
        .http
        .post(format!("{}/api/orders", h.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let j: Value = r.json().await.unwrap();
    (
        j["id"].as_str().unwrap().into(),
        j["access_token"].as_str().unwrap().into(),
    )
}

async fn keys(h: &Harness) -> Vec<String> {
    use futures_util::TryStreamExt;
    use object_store::ObjectStore;
    let mut k: Vec<String> = h
        .blobs()
        .store
        .list(None)
        .map_ok(|m| m.location.to_string())
        .try_collect()
        .await
        .unwrap();
    k.sort();
    k
}

#[tokio::test]
async fn lgpd_requests_are_due_in_30_days_exported_and_deletion_is_proven() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[]).await;
    let (bia, bia_tok) = upload_as(&h, &data, "Beatriz Lima", "Bia.Lima@example.com").await;
    let (carl, carl_tok) = upload_as(&h, &data, "Carlos Dias", "carlos@example.com").await;
    for (id, tok) in [(&bia, &bia_tok), (&carl, &carl_tok)] {
        let (_, pay) = h.pay(id, tok, json!({"method": "pix"})).await;
        h.approve(pay["id"].as_str().unwrap(), None).await;
        h.wait_status(id, tok, "COMPLETED", 30).await;
    }
    let (bia2, _) = upload_as(&h, &data, "Beatriz Lima", "bia.lima@example.com").await;
    h.blobs()
        .put(&format!("support/{bia}/comprovante.png"), b"png".to_vec())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await; // e-mails sent, log lines stored

    // Registered with a 30-day due date; listed in privacy-requests.csv.
    let (s, access) = admin(
        &h,
        Method::POST,
        "/api/admin/privacy-requests",
        Some(json!({"kind": "access", "order_id": carl})),
    )
    .await;
    assert_eq!(s, 201, "{access}");
    assert_eq!(access["email"], "carlos@example.com");
    let (s, del) = admin(&h, Method::POST, "/api/admin/privacy-requests", Some(json!({"kind": "deletion", "email": "bia.lima@example.com", "notes": "pedido por e-mail ao DPO"}))).await;
    assert_eq!(s, 201);
    assert_eq!(
        del["due_at"].as_i64().unwrap() - del["requested_at"].as_i64().unwrap(),
        30 * 24 * 3600 * 1000
    );
    let (s, _) = admin(
        &h,
        Method::POST,
        "/api/admin/privacy-requests",
        Some(json!({"kind": "rectify", "email": "x@example.com"})),
    )
    .await;
    assert_eq!(s, 422);
    let r = h
        .http
        .get(format!("{}/api/admin/privacy-requests.csv", h.base))
        .bearer_auth(admin_token(&h))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("privacy-requests.csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,kind,email,order_id,status,requested_at,due_at,completed_at,actor,notes"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[2].starts_with(&format!(
        "{},deletion,bia.lima@example.com,,open,",
        del["id"].as_str().unwrap()
    )));
    assert!(lines[2].ends_with(",ana.suporte,pedido por e-mail ao DPO"));

    // Access: the customer's data as JSON.
    let (s, ex) = admin(
        &h,
        Method::POST,
        &format!(
            "/api/admin/privacy-requests/{}/process",
            access["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{ex}");
    let orders = ex["result"]["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["order"]["customer_name"], "Carlos Dias");
    assert!(orders[0]["objects"]
        .as_array()
        .unwrap()
        .contains(&json!(format!("results/{carl}.xml"))));

    // Deletion.
    let before = keys(&h).await;
    for k in [
        format!("uploads/{bia}.mpp"),
        format!("results/{bia}.xml"),
        format!("uploads/{bia2}.mpp"),
    ] {
        assert!(before.contains(&k), "{k} missing before: {before:?}");
    }
    let outbox_before = h.mails(&bia);
    assert_eq!(outbox_before, 2);
    let (s, done) = admin(
        &h,
        Method::POST,
        &format!(
            "/api/admin/privacy-requests/{}/process",
            del["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["request"]["status"], "done");

    // The object store, listed afterwards: nothing of hers, everything of his.
    let after = keys(&h).await;
    assert!(
        !after.iter().any(|k| k.contains(&bia) || k.contains(&bia2)),
        "{after:?}"
    );
    assert!(
        after.contains(&format!("uploads/{carl}.mpp"))
            && after.contains(&format!("results/{carl}.xml"))
    );

    // The database, queried afterwards.
    let db = h.db().await;
    for id in [&bia, &bia2] {
        let o = db.order(id).await.unwrap().unwrap();
        assert_eq!(o.customer_name, "[removido - LGPD]");
        assert!(o.email.ends_with("@anonimo.invalid"));
        assert_eq!(o.file_name, "removido.mpp");
        assert_eq!(o.price_cents, 1990, "financial records stay");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_lines WHERE order_id = $1")
            .bind(id.as_str())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
    assert!(db.order(&bia).await.unwrap().unwrap().payment_id.is_some());
    assert!(db
        .payment(&db.order(&bia).await.unwrap().unwrap().payment_id.unwrap())
        .await
        .unwrap()
        .is_some());
    let leaked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM emails WHERE LOWER(to_addr) LIKE '%bia.lima%' OR body LIKE '%Beatriz%' OR subject LIKE '%Beatriz%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(leaked, 0);
    let leaked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE LOWER(email) LIKE '%bia.lima%' OR customer_name LIKE '%Beatriz%'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(leaked, 0);
    let carlos = db.order(&carl).await.unwrap().unwrap();
    assert_eq!(
        (carlos.customer_name.as_str(), carlos.email.as_str()),
        ("Carlos Dias", "carlos@example.com")
    );
    if std::env::var("CONVERSOR_TEST_MAILDIR").is_err() {
        assert_eq!(h.mails(&bia), 0, "outbox files removed");
        assert_eq!(h.mails(&carl), 2);
    }

    // The proof: what, when, who, the object keys.
    let (_, p) = admin(
        &h,
        Method::GET,
        &format!(
            "/api/admin/privacy-requests/{}",
            del["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    let proof = &p["proof"][0];
    assert_eq!(proof["action"], "deletion");
    assert_eq!(proof["actor"], "ana.suporte");
    assert!(proof["at"].is_string());
    let deleted = proof["details"]["object_keys_deleted"].as_array().unwrap();
    for k in [
        format!("uploads/{bia}.mpp"),
        format!("results/{bia}.xml"),
        format!("uploads/{bia2}.mpp"),
        format!("support/{bia}/comprovante.png"),
    ] {
        assert!(deleted.contains(&json!(k)), "{k} not in proof {deleted:?}");
    }
    assert_eq!(proof["details"]["orders"].as_array().unwrap().len(), 2);
    let (s, _) = admin(
        &h,
        Method::POST,
        &format!(
            "/api/admin/privacy-requests/{}/process",
            del["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 409, "done once");
}

#[tokio::test]
async fn incidents_show_on_the_status_page_until_resolved_with_a_postmortem() {
    let h = Harness::start(0, &[]).await;
    let page = |h: &Harness| {
        let http = h.http.clone();
        let url = format!("{}/status", h.base);
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            assert!(r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"));
            r.text().await.unwrap()
        }
    };
    assert!(page(&h).await.contains("Todos os sistemas operacionais"));

    let (s, inc) = admin(&h, Method::POST, "/api/admin/incidents", Some(json!({"priority": "P1", "title": "Pagamentos PIX não confirmam", "summary": "Notificações do Mercado Pago atrasadas.", "ticket_id": "T-42"}))).await;
    assert_eq!(s, 201, "{inc}");
    let id = inc["id"].as_str().unwrap().to_string();
    assert_eq!(
        inc["postmortem_due_at"].as_i64().unwrap() - inc["opened_at"].as_i64().unwrap(),
        72 * 3600 * 1000
    );
    assert_eq!(inc["postmortem_key"], format!("postmortems/{id}.md"));
    let md = String::from_utf8(
        h.blobs()
            .get(&format!("postmortems/{id}.md"))
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    for s in [
        "# Post-mortem: Pagamentos PIX não confirmam",
        "## Linha do tempo",
        "## Causa raiz",
        "## Lições aprendidas",
        "T-42",
    ] {
        assert!(md.contains(s), "{s}:\n{md}");
    }
    let r = h
        .http
        .get(format!("{}/api/admin/incidents/{id}/postmortem", h.base))
        .bearer_auth(admin_token(&h))
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), md);
    let (_, p2) = admin(
        &h,
        Method::POST,
        "/api/admin/incidents",
        Some(json!({"priority": "P2", "title": "Fila lenta", "summary": "Conversões demoram."})),
    )
    .await;
    assert_eq!(
        p2["postmortem_due_at"].as_i64().unwrap() - p2["opened_at"].as_i64().unwrap(),
        7 * 24 * 3600 * 1000
    );
    let (_, p3) = admin(
        &h,
        Method::POST,
        "/api/admin/incidents",
        Some(json!({"priority": "P3", "title": "Lentidão na página", "summary": ""})),
    )
    .await;
    assert!(p3["postmortem_key"].is_null());

    let (s, _) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/incidents/{id}/updates"),
        Some(json!({"status": "identified", "message": "Causa: fila de webhooks <parada>."})),
    )
    .await;
    assert_eq!(s, 200);
    let html = page(&h).await;
    assert!(!html.contains("Todos os sistemas operacionais"));
    assert!(html.contains("Pagamentos PIX não confirmam") && html.contains("Causa identificada"));
    assert!(html.contains("fila de webhooks &lt;parada&gt;"), "escaped");
    let j: Value = h
        .http
        .get(format!("{}/status.json", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j["status"], "incident");
    assert_eq!(j["open"].as_array().unwrap().len(), 3);

    for i in [&id, p2["id"].as_str().unwrap(), p3["id"].as_str().unwrap()] {
        let (s, r) = admin(
            &h,
            Method::POST,
            &format!("/api/admin/incidents/{i}/resolve"),
            Some(json!({"message": "Normalizado."})),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
    let html = page(&h).await;
    assert!(html.contains("Todos os sistemas operacionais"));
    assert!(
        html.contains("Resolvidos recentemente")
            && html.contains("Pagamentos PIX não confirmam")
            && html.contains("Normalizado.")
    );
    let j: Value = h
        .http
        .get(format!("{}/status.json", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j["status"], "operational");
    assert_eq!(j["recently_resolved"].as_array().unwrap().len(), 3);
    assert_eq!(
        j["recently_resolved"][0]["updates"][0]["status"],
        "resolved"
    );
    let (s, _) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/incidents/{id}/resolve"),
        None,
    )
    .await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn a_failed_order_is_requeued_after_the_cause_is_fixed_and_completes() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(
        1,
        &[
            ("CONVERSOR_MAX_ATTEMPTS", "1"),
            ("CONVERSOR_REFUND_SWEEP_SECS", "0"),
        ],
    )
    .await;
    let (id, token) = h.order(&data).await;
    let key = format!("uploads/{id}.mpp");
    h.blobs()
        .store
        .delete(&object_store::path::Path::from(key.clone()))
        .await
        .unwrap();
    let (_, pay) = h.pay(&id, &token, json!({"method": "pix"})).await;
    h.approve(pay["id"].as_str().unwrap(), None).await;
    let failed = h.wait_status(&id, &token, "FAILED", 30).await;
    assert!(
        failed["failure"]
            .as_str()
            .unwrap()
            .contains("leitura do upload"),
        "{failed}"
    );
    // The storage is repaired; the operator requeues.
    h.blobs().put(&key, data.clone()).await.unwrap();
    let (s, r) = admin(
        &h,
        Method::POST,
        &format!("/api/admin/orders/{id}/requeue"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["job_state_before"], "failed");
    let done = h.wait_status(&id, &token, "COMPLETED", 30).await;
    assert!(done["failure"].is_null());
    let steps: Vec<(String, String)> = done["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from_status"].as_str().unwrap_or("").to_string(),
                e["to_status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("", "PENDING"),
        ("PENDING", "PAID"),
        ("PAID", "PROCESSING"),
        ("PROCESSING", "FAILED"),
        ("FAILED", "FAILED"),
        ("FAILED", "PROCESSING"),
        ("PROCESSING", "COMPLETED"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(steps, want);
    let db = h.db().await;
    assert_eq!(
        db.job_attempts(&id).await.unwrap(),
        Some(("done".into(), 1))
    );
    // No refund for an order that completed.
    let (_, o) = admin(&h, Method::GET, &format!("/api/admin/orders/{id}"), None).await;
    assert!(o["refund"].is_null());
}
