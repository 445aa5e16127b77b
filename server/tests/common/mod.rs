//! Test harness: a fake Mercado Pago (the crate's sandbox, speaking the
//! documented API) on a loopback port, and `conversor` processes against it.
//! With `CONVERSOR_TEST_PG_ADMIN` set (a PostgreSQL URL), each harness gets
//! its own fresh database instead of SQLite.
#![allow(dead_code)]

use conversor_server::domain::tokens;
use conversor_server::sandbox::Sandbox;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const MP_TOKEN: &str = "TEST-harness-token";
pub const MP_SECRET: &str = "harness-webhook-secret";

pub fn corpus_file(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/mpp")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

pub const SAMPLE: &str = "generated/task-costs/task-costs-project2010-mpp14.mpp";

/// What `mpp convert` writes for the same bytes (the CLI calls exactly this).
pub fn reference_xml(data: &[u8]) -> Vec<u8> {
    let p = mpp_core::read_slice(data).expect("corpus file reads");
    let mut out = Vec::new();
    mpp_xml::write(&p, &mut out, &mpp_xml::WriteOptions::default()).expect("xml");
    out
}

pub struct Proc(pub Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub fake: String,
    pub sandbox: Arc<Sandbox>,
    pub http: reqwest::Client,
    pub serve: Option<Proc>,
    pub env: Vec<(String, String)>,
    pub database_url: String,
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_conversor")
}

async fn fresh_database() -> String {
    match std::env::var("CONVERSOR_TEST_PG_ADMIN") {
        Ok(admin) => {
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("admin connection");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .expect("create database");
            pool.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        Err(_) => String::new(),
    }
}

impl Harness {
    /// Starts the fake gateway and `conversor serve` with `workers` in-process workers.
    pub async fn start(workers: usize, extra_env: &[(&str, &str)]) -> Harness {
        let sandbox = Sandbox::new(MP_TOKEN, MP_SECRET);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = format!("http://{}", listener.local_addr().unwrap());
        let router = sandbox.router();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database().await;
        let mut env: Vec<(String, String)> = vec![
            ("MP_BASE_URL".into(), fake.clone()),
            ("MP_ACCESS_TOKEN".into(), MP_TOKEN.into()),
            ("MP_WEBHOOK_SECRET".into(), MP_SECRET.into()),
            (
                "CONVERSOR_DATA_DIR".into(),
                dir.path().display().to_string(),
            ),
            ("CONVERSOR_POLL_MS".into(), "50".into()),
            ("CONVERSOR_LOG".into(), "info,sqlx=warn".into()),
        ];
        if !database_url.is_empty() {
            env.push(("DATABASE_URL".into(), database_url.clone()));
        }
        for (from, to) in [
            ("CONVERSOR_TEST_S3_ENDPOINT", "S3_ENDPOINT"),
            ("CONVERSOR_TEST_S3_BUCKET", "S3_BUCKET"),
            ("CONVERSOR_TEST_S3_KEY", "S3_ACCESS_KEY_ID"),
            ("CONVERSOR_TEST_S3_SECRET", "S3_SECRET_ACCESS_KEY"),
            ("CONVERSOR_TEST_SMTP", "SMTP_SERVER"),
        ] {
            if let Ok(v) = std::env::var(from) {
                env.push((to.into(), v));
            }
        }
        for (k, v) in extra_env {
            env.push((k.to_string(), v.to_string()));
        }
        let mut h = Harness {
            dir,
            base: String::new(),
            fake,
            sandbox,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // Fresh connections: a pooled one closed after a refused 51 MB body
                // made later requests flaky in the client (curl shows the server fine).
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            serve: None,
            env,
            database_url,
        };
        let child = h.command(
            "serve",
            &["--bind", "127.0.0.1:0", "--workers", &workers.to_string()],
            "serve",
        );
        h.serve = Some(Proc(child));
        let addr_file = h.dir.path().join("serve.addr");
        let t0 = Instant::now();
        let address = || {
            std::fs::read_to_string(&addr_file)
                .ok()
                .and_then(|a| a.trim().parse::<std::net::SocketAddr>().ok())
        };
        while address().is_none() {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "serve did not start; log: {}",
                h.log("serve")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        h.base = format!("http://{}", address().unwrap());
        h
    }

    pub fn command(&self, sub: &str, args: &[&str], log: &str) -> Child {
        self.command_with(sub, args, log, &[])
    }

    pub fn command_with(
        &self,
        sub: &str,
        args: &[&str],
        log: &str,
        extra: &[(&str, &str)],
    ) -> Child {
        let logf = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join(format!("{log}.log")))
            .unwrap();
        Command::new(bin())
            .arg(sub)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().copied())
            .stdout(logf.try_clone().unwrap())
            .stderr(logf)
            .spawn()
            .expect("spawn conversor")
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log"))).unwrap_or_default()
    }

    pub fn secret(&self) -> Vec<u8> {
        std::fs::read_to_string(self.dir.path().join("secret.key"))
            .unwrap()
            .trim()
            .as_bytes()
            .to_vec()
    }

    pub async fn db(&self) -> conversor_server::adapters::db::Db {
        let url = if self.database_url.is_empty() {
            format!(
                "sqlite://{}",
                self.dir.path().join("conversor.db").display()
            )
        } else {
            self.database_url.clone()
        };
        conversor_server::adapters::db::Db::connect(&url)
            .await
            .unwrap()
    }

    pub fn s3(&self) -> bool {
        std::env::var("CONVERSOR_TEST_S3_ENDPOINT").is_ok()
    }

    /// The object store the service under test uses.
    pub fn blobs(&self) -> conversor_server::adapters::blob::Blobs {
        use conversor_server::adapters::blob::{Blobs, S3Settings};
        match std::env::var("CONVERSOR_TEST_S3_ENDPOINT") {
            Ok(endpoint) => Blobs::s3(&S3Settings {
                endpoint: &endpoint,
                bucket: &std::env::var("CONVERSOR_TEST_S3_BUCKET").unwrap(),
                region: "us-east-1",
                access_key_id: &std::env::var("CONVERSOR_TEST_S3_KEY").unwrap(),
                secret_access_key: &std::env::var("CONVERSOR_TEST_S3_SECRET").unwrap(),
            })
            .unwrap(),
            Err(_) => Blobs::local(&self.dir.path().join("objects")).unwrap(),
        }
    }

    /// Messages delivered for an order: the SMTP sink's maildir, or the outbox.
    pub fn mails(&self, order_id: &str) -> usize {
        let dir = match std::env::var("CONVERSOR_TEST_MAILDIR") {
            Ok(d) => PathBuf::from(d).join("new"),
            Err(_) => self.dir.path().join("outbox"),
        };
        let needle = format!("X-Conversor-Order: {order_id}");
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .filter(|m| m.contains(&needle))
                    .count()
            })
            .unwrap_or(0)
    }

    pub async fn upload_bytes(&self, file_name: &str, data: Vec<u8>) -> (u16, Value) {
        let big = data.len() > 50 * 1024 * 1024;
        let form = reqwest::multipart::Form::new()
            .text("name", "Ana Souza")
            .text("email", "ana@example.com")
            .part(
                "file",
                reqwest::multipart::Part::bytes(data).file_name(file_name.to_string()),
            );
        // A refused oversized body closes its connection: keep it out of the pool.
        let client = if big {
            reqwest::Client::new()
        } else {
            self.http.clone()
        };
        let r = client
            .post(format!("{}/api/orders", self.base))
            .multipart(form)
            .send()
            .await;
        match r {
            Ok(r) => {
                let s = r.status().as_u16();
                (s, r.json().await.unwrap_or(Value::Null))
            }
            // The server may close the connection while a too-large body is still being sent.
            Err(e) => (0, Value::String(format!("{e:?}"))),
        }
    }

    /// Uploads and returns (order id, access token).
    pub async fn order(&self, data: &[u8]) -> (String, String) {
        let (s, j) = self.upload_bytes("plano.mpp", data.to_vec()).await;
        assert_eq!(s, 201, "{j}");
        (
            j["id"].as_str().unwrap().into(),
            j["access_token"].as_str().unwrap().into(),
        )
    }

    pub async fn get(&self, id: &str, token: &str) -> Value {
        self.http
            .get(format!("{}/api/orders/{id}?token={token}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn pay(&self, id: &str, token: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!(
                "{}/api/orders/{id}/payments?token={token}",
                self.base
            ))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// The sandbox operator approves (optionally with a different amount); a signed webhook follows.
    pub async fn approve(&self, payment_id: &str, amount: Option<f64>) {
        let q = amount.map(|a| format!("?amount={a}")).unwrap_or_default();
        let r = self
            .http
            .post(format!(
                "{}/sandbox/payments/{payment_id}/approve{q}",
                self.fake
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }

    pub async fn wait_status(&self, id: &str, token: &str, want: &str, secs: u64) -> Value {
        let t0 = Instant::now();
        loop {
            let o = self.get(id, token).await;
            if o["status"] == want {
                return o;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "order {id} stuck at {} (wanted {want}); serve log:\n{}",
                o["status"],
                self.log("serve")
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends a webhook as Mercado Pago would, signed with `secret` at `ts` (ms).
    pub async fn webhook(&self, payment_id: &str, secret: &str, ts: i64, request_id: &str) -> u16 {
        let ts = ts.to_string();
        let manifest = tokens::mp_manifest(Some(payment_id), Some(request_id), Some(&ts));
        let v1 = tokens::hmac_hex(secret.as_bytes(), manifest.as_bytes());
        self.webhook_raw(payment_id, &format!("ts={ts},v1={v1}"), request_id)
            .await
    }

    pub async fn webhook_raw(&self, payment_id: &str, signature: &str, request_id: &str) -> u16 {
        self.http
            .post(format!("{}/webhooks/mercadopago?data.id={payment_id}&type=payment", self.base))
            .header("x-signature", signature)
            .header("x-request-id", request_id)
            .json(&serde_json::json!({"action": "payment.updated", "type": "payment", "data": {"id": payment_id}}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}
