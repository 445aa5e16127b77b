//! The support desk end to end on a real `conversor serve` (SQLite by default;
//! PostgreSQL + S3 + SMTP under `scripts/test-server.sh`): the ticket API with
//! attachments and the acknowledgment, the console (login, roles, CSRF,
//! template replies, escalation to a local HTTP server standing in for Slack,
//! resolution, CSAT), and the support metrics after that scripted scenario.

mod common;

use common::*;
use conversor_server::adapters::db::{Db, PaymentRow};
use conversor_server::adapters::mercadopago::{CreatePayment, MercadoPago, Payer};
use object_store::ObjectStoreExt;
use serde_json::Value;
use sqlx::Row;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn open_ticket(
    h: &Harness,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, data) in files {
        form = form.part(
            "anexos",
            reqwest::multipart::Part::bytes(data).file_name(name.to_string()),
        );
    }
    match reqwest::Client::new()
        .post(format!("{}/api/support", h.base))
        .multipart(form)
        .send()
        .await
    {
        Ok(r) => {
            let s = r.status().as_u16();
            (s, r.json().await.unwrap_or(Value::Null))
        }
        Err(e) => (0, Value::String(format!("{e:?}"))),
    }
}

/// (kind, to, subject, body, sent) of the messages queued for a ticket.
async fn mails(db: &Db, ticket_id: &str) -> Vec<(String, String, String, String, bool)> {
    let rows = sqlx::query(
        "SELECT kind, to_addr, subject, body, sent_at FROM emails WHERE order_id = $1 ORDER BY created_at, kind",
    )
    .bind(ticket_id)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.get("kind"),
                r.get("to_addr"),
                r.get("subject"),
                r.get("body"),
                r.get::<Option<i64>, _>("sent_at").is_some_and(|t| t > 0),
            )
        })
        .collect()
}

async fn wait_mails(h: &Harness, ticket_id: &str, n: usize) {
    let t0 = Instant::now();
    while h.mails(ticket_id) < n {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "{} of {n} mails delivered for {ticket_id}; log:\n{}",
            h.mails(ticket_id),
            h.log("serve")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn ticket_api_triage_attachments_and_acknowledgment() {
    let h = Harness::start(1, &[]).await;
    let db = h.db().await;

    // A question, no order: P4 on business hours, acknowledged by e-mail.
    let (s, t) = open_ticket(
        &h,
        &[
            ("nome", "Bruno Lima"),
            ("email", "bruno@example.com"),
            ("descricao", "Vocês convertem arquivos do Project 2003?"),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["priority"], "P4");
    assert_eq!(t["category"], "question");
    assert_eq!(t["level"], 1);
    assert_eq!(t["sla"]["clock"], "business");
    assert_eq!(t["sla"]["response_time"], "2 dias úteis");
    assert!(t["sla"]["first_response_due"]
        .as_str()
        .unwrap()
        .contains('T'));
    assert!(t["sla"]["resolution_due"].is_null());
    let q_id = t["id"].as_str().unwrap().to_string();
    wait_mails(&h, &q_id, 1).await;
    let m = mails(&db, &q_id).await;
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].0, "support_ack");
    assert_eq!(m[0].1, "bruno@example.com");
    assert_eq!(
        m[0].2,
        format!("Recebemos sua solicitação — [chamado: {q_id}]")
    );
    assert!(
        m[0].3.contains("retornaremos em até 2 dias úteis"),
        "{}",
        m[0].3
    );
    assert!(m[0].4, "delivered");

    // Validation in Portuguese; nothing is stored.
    let (s, e) = open_ticket(
        &h,
        &[
            ("nome", "Ana"),
            ("email", "não-é-email"),
            ("descricao", "x"),
        ],
        vec![],
    )
    .await;
    assert_eq!(
        (s, e["message"].as_str()),
        (422, Some("Informe um e-mail válido."))
    );

    // Attachments: over 10 MB is refused, and so is a sixth file; neither leaves objects behind.
    let (s, e) = open_ticket(
        &h,
        &[
            ("nome", "Ana"),
            ("email", "ana@example.com"),
            ("descricao", "grande"),
        ],
        vec![
            ("ok.png", vec![1u8; 1000]),
            ("grande.bin", vec![0u8; 10 * 1024 * 1024 + 1]),
        ],
    )
    .await;
    assert!(s == 413 || s == 0, "{s} {e}");
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.png", vec![7u8; 10])).collect();
    let (s, e) = open_ticket(
        &h,
        &[
            ("nome", "Ana"),
            ("email", "ana@example.com"),
            ("descricao", "seis"),
        ],
        six,
    )
    .await;
    assert_eq!(
        (s, e["message"].as_str()),
        (422, Some("Envie no máximo 5 anexos."))
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);

    // An order whose payment was approved at Mercado Pago but whose notification
    // was lost: still PENDING here. The id comes from the free text.
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let (oid, token) = h.order(&data).await;
    // The payment is made at the gateway with a notification address that
    // reaches nobody (a payment made through the service would race its own
    // "created" notification), then recorded as the service records it.
    let mp = MercadoPago::new(&h.fake, MP_TOKEN);
    let p = mp
        .create_payment(
            &CreatePayment {
                transaction_amount: 19.9,
                description: "Conversão".into(),
                payment_method_id: "pix".into(),
                token: None,
                installments: 1,
                payer: Payer {
                    email: "ana@example.com".into(),
                    identification: None,
                },
                external_reference: oid.clone(),
                notification_url: "http://127.0.0.1:9/perdida".into(),
                date_of_expiration: None,
            },
            &format!("desk-{oid}"),
        )
        .await
        .unwrap();
    db.insert_payment(&PaymentRow {
        id: p.id_text(),
        order_id: oid.clone(),
        method: "pix".into(),
        status: p.status.clone(),
        amount_cents: 1990,
        qr_code: None,
        qr_code_base64: None,
        ticket_url: None,
        expires_at: None,
        idempotency_key: format!("desk-{oid}"),
    })
    .await
    .unwrap();
    h.sandbox
        .settle_with(&p.id_text(), "approved", "accredited", None, false)
        .await
        .unwrap();
    assert_eq!(h.get(&oid, &token).await["status"], "PENDING");
    let proof = b"\x89PNG fake comprovante".to_vec();
    let mpp = data.clone();
    let (s, t) = open_ticket(
        &h,
        &[
            ("nome", "Ana Souza"),
            ("email", "ana@example.com"),
            (
                "descricao",
                &format!(
                    "Paguei via PIX o pedido {} e continua pendente!",
                    oid.to_uppercase()
                ),
            ),
        ],
        vec![
            ("comprovante.png", proof.clone()),
            ("plano.mpp", mpp.clone()),
        ],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["order_id"], oid.as_str());
    assert_eq!(t["priority"], "P3");
    assert_eq!(t["category"], "payment");
    assert_eq!(t["sla"]["response_time"], "4 horas úteis");
    assert!(t["sla"]["resolution_due"].is_string());
    assert_eq!(t["triage"]["order_status"], "PENDING");
    assert_eq!(t["triage"]["signals"]["gateway"]["detail"], "approved");
    assert_eq!(t["triage"]["order_events"][0]["to_status"], "PENDING");
    assert_eq!(
        t["triage"]["reasons"][0],
        "pagamento aprovado no Mercado Pago, mas o pedido continua PENDING"
    );
    let tid = t["id"].as_str().unwrap().to_string();
    let atts = t["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2);
    let blobs = h.blobs();
    assert_eq!(
        atts[0]["object_key"],
        format!("support/{tid}/0-comprovante.png")
    );
    assert_eq!(
        blobs
            .get(&format!("support/{tid}/0-comprovante.png"))
            .await
            .unwrap()
            .to_vec(),
        proof
    );
    assert_eq!(
        blobs
            .get(&format!("support/{tid}/1-plano.mpp"))
            .await
            .unwrap()
            .to_vec(),
        mpp
    );
    wait_mails(&h, &tid, 1).await;
    let m = mails(&db, &tid).await;
    assert_eq!(
        m[0].2,
        format!("Recebemos sua solicitação — [order: {oid}]")
    );
    assert!(m[0].3.starts_with(&format!(
        "Olá Ana Souza,\n\nRecebemos sua solicitação sobre o pedido {oid}. Estamos investigando e retornaremos em até 4 horas úteis."
    )));
    // The timeline: opened, order state, triage, acknowledgment.
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id")
            .bind(&tid)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["created", "order_state", "triage", "ack_sent"]);

    let api: Value = h
        .http
        .get(format!("{}/openapi.json", h.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api["paths"]["/api/support"]["post"].is_object());

    // The runbook's path and the Portuguese one serve the form.
    for p in ["/suporte", "/support"] {
        let body = h
            .http
            .get(format!("{}{p}", h.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            body.contains("Fale com o suporte") && body.contains("name=\"descricao\""),
            "{p}"
        );
    }
}

/// A local HTTP server standing in for Slack's incoming webhook: records
/// bodies, answers 200 or (once `fail` is set) 500.
struct FakeSlack {
    url: String,
    got: Arc<Mutex<Vec<Value>>>,
    fail: Arc<std::sync::atomic::AtomicBool>,
}

async fn fake_slack() -> FakeSlack {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let fail: Arc<std::sync::atomic::AtomicBool> = Arc::default();
    let (g, f) = (got.clone(), fail.clone());
    let app = axum::Router::new().route(
        "/services/T000/B000/XXX",
        post(move |axum::Json(v): axum::Json<Value>| {
            let (g, f) = (g.clone(), f.clone());
            async move {
                g.lock().unwrap().push(v);
                if f.load(std::sync::atomic::Ordering::SeqCst) {
                    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "no")
                } else {
                    (axum::http::StatusCode::OK, "ok")
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/services/T000/B000/XXX", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    FakeSlack { url, got, fail }
}

fn add_user(h: &Harness, email: &str, role: &str, password: &str) -> bool {
    let mut c = h.command_with(
        "user",
        &["add", "--email", email, "--role", role],
        "user",
        &[("CONVERSOR_USER_PASSWORD", password)],
    );
    c.wait().unwrap().success()
}

/// A browser-like session: the cookie jar is the one console cookie.
struct Console<'a> {
    h: &'a Harness,
    cookie: String,
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn hidden_csrf(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[i..i + html[i..].find('"').unwrap()].to_string()
}

/// Posts the login form (with its CSRF cookie and field) and returns the answer.
async fn post_login(h: &Harness, email: &str, password: &str) -> reqwest::Response {
    let r = h
        .http
        .get(format!("{}/admin/login", h.base))
        .send()
        .await
        .unwrap();
    let pre = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("desk_login_csrf="))
        .unwrap();
    let pre = pre.split(';').next().unwrap().to_string();
    let csrf = hidden_csrf(&r.text().await.unwrap());
    h.http
        .post(format!("{}/admin/login", h.base))
        .header("cookie", &pre)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap()
}

async fn login<'a>(h: &'a Harness, email: &str, password: &str) -> Result<Console<'a>, u16> {
    let r = post_login(h, email, password).await;
    if r.status().as_u16() != 303 {
        return Err(r.status().as_u16());
    }
    let session = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("desk_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    Ok(Console {
        h,
        cookie: session.split(';').next().unwrap().to_string(),
    })
}

impl Console<'_> {
    async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .h
            .http
            .get(format!("{}{path}", self.h.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Posts a form with the session's CSRF token read from `page`.
    async fn post(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let (_, html) = self.get(page).await;
        let csrf = hidden_csrf(&html);
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf", &csrf));
        self.post_raw(path, &f).await
    }

    async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .h
            .http
            .post(format!("{}{path}", self.h.base))
            .header("cookie", &self.cookie)
            .form(fields)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (
            s,
            if s == 303 {
                loc
            } else {
                r.text().await.unwrap()
            },
        )
    }
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in /metrics"))
}

#[tokio::test]
async fn console_roles_csrf_replies_escalation_resolution_csat_and_metrics() {
    let slack = fake_slack().await;
    let h = Harness::start(1, &[("SLACK_WEBHOOK_URL", slack.url.as_str())]).await;
    let db = h.db().await;

    assert!(add_user(&h, "agente@desk.test", "1", "senha-do-agente-1"));
    assert!(add_user(&h, "sre@desk.test", "2", "senha-do-sre-22"));
    assert!(
        !add_user(&h, "curta@desk.test", "1", "curta"),
        "short passwords are refused"
    );
    let hash: String = sqlx::query_scalar(
        "SELECT password_hash FROM support_users WHERE email = 'agente@desk.test'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(hash.starts_with("$argon2id$"));

    let (s, t1) = open_ticket(
        &h,
        &[
            ("nome", "Carla Dias"),
            ("email", "carla@example.com"),
            ("descricao", "Quero um reembolso, não consegui usar o XML."),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201);
    let id1 = t1["id"].as_str().unwrap().to_string();
    let (_, t2) = open_ticket(
        &h,
        &[
            ("nome", "Davi"),
            ("email", "davi@example.com"),
            ("descricao", "Vocês emitem nota fiscal?"),
        ],
        vec![],
    )
    .await;
    let id2 = t2["id"].as_str().unwrap().to_string();

    // No session: to the login page. Wrong password: 401. No login CSRF cookie: 403.
    let r = h
        .http
        .get(format!("{}/admin", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/admin/login");
    assert_eq!(
        login(&h, "agente@desk.test", "errada-errada").await.err(),
        Some(401)
    );
    assert_eq!(
        login(&h, "ninguem@desk.test", "senha-do-agente-1")
            .await
            .err(),
        Some(401)
    );
    let r = h
        .http
        .post(format!("{}/admin/login", h.base))
        .form(&[
            ("email", "agente@desk.test"),
            ("password", "senha-do-agente-1"),
            ("csrf", "forjado"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let agent = login(&h, "agente@desk.test", "senha-do-agente-1")
        .await
        .unwrap();
    let (s, list) = agent.get("/admin").await;
    assert_eq!(s, 200);
    assert!(list.contains(&id1[..8]) && list.contains(&id2[..8]));
    assert!(list.contains("agente@desk.test · Nível 1"));

    // A reply from the refund template, placeholders filled.
    let page = format!("/admin/tickets/{id1}?template=refund");
    let (s, html) = agent.get(&page).await;
    assert_eq!(s, 200);
    assert!(html.contains("Solicitação de reembolso - Processamento [order: (não informado)]"));
    assert!(html.contains("Olá Carla Dias,"));
    assert!(html.contains("Motivo: solicitação do cliente"));
    // Without the CSRF token, or with another one: refused, nothing recorded.
    let (s, _) = agent
        .post_raw(
            &format!("/admin/tickets/{id1}/reply"),
            &[("subject", "x"), ("body", "y")],
        )
        .await;
    assert!(s == 403 || s == 422, "{s}");
    let (s, _) = agent
        .post_raw(
            &format!("/admin/tickets/{id1}/reply"),
            &[("subject", "x"), ("body", "y"), ("csrf", "0000")],
        )
        .await;
    assert_eq!(s, 403);
    let subject = "Solicitação de reembolso - Processamento [order: (não informado)]";
    let body = "Olá Carla Dias,\n\nRecebemos sua solicitação de reembolso.";
    let (s, loc) = agent
        .post(
            &page,
            &format!("/admin/tickets/{id1}/reply"),
            &[("subject", subject), ("body", body), ("template", "refund")],
        )
        .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, format!("/admin/tickets/{id1}?msg=reply").as_str())
    );
    let (s, loc) = agent
        .post(
            &page,
            &format!("/admin/tickets/{id1}/note"),
            &[("note", "Cliente ligou também.")],
        )
        .await;
    assert_eq!(s, 303, "{loc}");

    // Knowledge base: Nível 1 reads but cannot write; Nível 2 writes.
    let (s, _) = agent.get("/admin/kb/new").await;
    assert_eq!(s, 403);
    let (s, _) = agent
        .post("/admin/kb", "/admin/kb", &[("title", "x"), ("body", "y")])
        .await;
    assert_eq!(s, 403);
    let sre = login(&h, "sre@desk.test", "senha-do-sre-22").await.unwrap();
    let (s, loc) = sre
        .post(
            "/admin/kb/new",
            "/admin/kb",
            &[
                ("title", "Reembolso: política"),
                ("body", "Estorno em 3-5 dias úteis."),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let article = loc.trim_start_matches("/admin/kb/").to_string();
    let (s, _) = agent
        .post(
            &page,
            &format!("/admin/tickets/{id1}/kb"),
            &[("article_id", article.as_str())],
        )
        .await;
    assert_eq!(s, 303);

    // Escalation to Nível 2 goes to Slack.
    let (s, loc) = agent
        .post(
            &page,
            &format!("/admin/tickets/{id1}/escalate"),
            &[("reason", "Reembolso precisa de aprovação.")],
        )
        .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, format!("/admin/tickets/{id1}?msg=slack").as_str())
    );
    {
        let got = slack.got.lock().unwrap();
        assert_eq!(got.len(), 1);
        let text = got[0]["text"].as_str().unwrap();
        assert!(
            text.contains(&format!("Escalonamento para o Nível 2 — chamado {id1}")),
            "{text}"
        );
        assert!(
            text.contains("Motivo: Reembolso precisa de aprovação."),
            "{text}"
        );
        assert!(text.contains(&format!("/admin/tickets/{id1}")), "{text}");
    }
    // Slack down: the escalation to Nível 3 falls back to the outbox.
    slack.fail.store(true, std::sync::atomic::Ordering::SeqCst);
    let (s, loc) = sre
        .post(
            &page,
            &format!("/admin/tickets/{id1}/escalate"),
            &[("reason", "Cliente ameaça disputa.")],
        )
        .await;
    assert_eq!(
        (s, loc.as_str()),
        (303, format!("/admin/tickets/{id1}?msg=outbox").as_str())
    );
    assert_eq!(slack.got.lock().unwrap().len(), 2);
    let (_, html) = agent.get(&format!("/admin/tickets/{id1}")).await;
    assert!(html.contains("Nível <span id=\"level\">3</span>"));
    assert!(!html.contains("id=\"escalate\""), "no level above 3");

    // Resolution sends the CSAT link.
    let (s, _) = agent
        .post(
            &page,
            &format!("/admin/tickets/{id1}/resolve"),
            &[("resolution", "Reembolso aprovado.")],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _) = agent
        .post(
            &format!("/admin/tickets/{id2}"),
            &format!("/admin/tickets/{id2}/resolve"),
            &[("resolution", "Sim, emitimos nota fiscal.")],
        )
        .await;
    assert_eq!(s, 303);
    wait_mails(&h, &id1, 4).await; // ack, reply, escalation (outbox), resolution
    let m = mails(&db, &id1).await;
    let kinds: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "support_ack",
            "support_reply_1",
            "support_escalation_2",
            "support_resolved"
        ]
    );
    assert_eq!(m[1].2, subject);
    assert_eq!(m[2].1, "ops-support@conversormpp.com");
    assert!(
        m[2].2.starts_with("[P4] Escalonamento para o Nível 3"),
        "{}",
        m[2].2
    );
    let resolved_body = &m[3].3;
    let csat_url = resolved_body
        .lines()
        .find(|l| l.contains("/csat/"))
        .unwrap()
        .trim()
        .to_string();
    assert!(resolved_body.starts_with("Olá Carla Dias,\n\nReembolso aprovado."));
    let r = h.http.get(&csat_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Como foi o nosso atendimento?"));
    let r = h
        .http
        .post(&csat_url)
        .form(&[("score", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Answered once: a second answer changes nothing.
    h.http
        .post(&csat_url)
        .form(&[("score", "1")])
        .send()
        .await
        .unwrap();
    let r = h
        .http
        .post(&csat_url)
        .form(&[("score", "9")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let m2 = mails(&db, &id2).await;
    let csat2 = m2
        .last()
        .unwrap()
        .3
        .lines()
        .find(|l| l.contains("/csat/"))
        .unwrap()
        .trim()
        .to_string();
    h.http
        .post(&csat2)
        .form(&[("score", "3")])
        .send()
        .await
        .unwrap();

    // Every action is in the timeline, with who did it.
    let ev: Vec<(String, String)> =
        sqlx::query("SELECT actor, kind FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id")
            .bind(&id1)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("actor"), r.get("kind")))
            .collect();
    let ev: Vec<(&str, &str)> = ev.iter().map(|(a, k)| (a.as_str(), k.as_str())).collect();
    assert_eq!(
        ev,
        [
            ("cliente", "created"),
            ("triagem", "triage"),
            ("triagem", "ack_sent"),
            ("agente:agente@desk.test", "reply"),
            ("agente:agente@desk.test", "note"),
            ("agente:agente@desk.test", "kb_link"),
            ("agente:agente@desk.test", "escalated"),
            ("agente:sre@desk.test", "escalated"),
            ("agente:agente@desk.test", "resolved"),
            ("cliente", "csat"),
        ]
    );
    let (_, html) = agent.get(&format!("/admin/tickets/{id1}")).await;
    assert!(html.contains("Reembolso: política") && html.contains("nota 5 de 5"));

    // The metrics after this scenario: two P4 tickets answered, both resolved;
    // the first escalated twice (not first contact), the second resolved at once.
    let text = h
        .http
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(metric(&text, "support_tickets"), 2.0);
    assert_eq!(metric(&text, "support_tickets_resolved"), 2.0);
    assert_eq!(metric(&text, "support_tickets_resolved_first_contact"), 1.0);
    assert_eq!(metric(&text, "support_first_contact_resolution_ratio"), 0.5);
    assert_eq!(metric(&text, "support_csat_responses"), 2.0);
    assert_eq!(metric(&text, "support_csat_score_mean"), 4.0);
    assert_eq!(metric(&text, "support_csat_satisfied_ratio"), 0.5);
    assert_eq!(metric(&text, "support_escalations"), 2.0);
    assert_eq!(
        metric(
            &text,
            "support_first_response_seconds_count{priority=\"P4\"}"
        ),
        2.0
    );
    assert_eq!(
        metric(
            &text,
            "support_first_response_seconds_count{priority=\"P1\"}"
        ),
        0.0
    );
    assert!(
        metric(
            &text,
            "support_first_response_seconds_mean{priority=\"P4\"}"
        ) < 60.0
    );
    assert_eq!(
        metric(&text, "support_sla_breaches{sla=\"first_response\"}"),
        0.0
    );
    assert_eq!(metric(&text, "support_tickets_open{priority=\"P4\"}"), 0.0);
    // Every metric the Grafana dashboard queries is exported.
    let dash: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ops/grafana/support-metrics.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(dash["title"], "Support Metrics → Weekly Review");
    for p in dash["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().unwrap() {
            let expr = t["expr"].as_str().unwrap();
            for name in expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("support_"))
            {
                assert!(
                    text.contains(&format!("\n{name}")),
                    "{name} (panel {}) missing from /metrics",
                    p["title"]
                );
            }
        }
    }
    let (s, html) = agent.get("/admin/metrics").await;
    assert_eq!(s, 200);
    assert!(html.contains("50 % (1 de 2)"), "{html}");
    assert!(html.contains("média 4.0 de 5 (2 respostas)"));

    // Logout ends the session server-side.
    let (s, _) = agent.post("/admin", "/admin/logout", &[]).await;
    assert_eq!(s, 303);
    let (s, _) = agent.get("/admin").await;
    assert_eq!(s, 303);
}

/// Platform-wide signals: Mercado Pago unreachable when triage asks about the
/// order's payment → P1 on the calendar clock; more than 10 % of the last
/// hour's jobs failed → P2.
/// Online password guessing: the fifth failure within 15 minutes locks the
/// account for 15 minutes, right password or not, for unknown e-mails too
/// (a lock must not reveal which accounts exist); other accounts are not
/// affected, and a success forgets earlier failures.
#[tokio::test]
async fn console_login_locks_an_account_after_repeated_failures() {
    let h = Harness::start(1, &[]).await;
    let db = h.db().await;
    assert!(add_user(&h, "agente@desk.test", "1", "senha-do-agente-1"));
    assert!(add_user(&h, "sre@desk.test", "2", "senha-do-sre-22"));

    // Four failures, a success, four more: the success reset the count.
    for _ in 0..4 {
        assert_eq!(
            login(&h, "agente@desk.test", "errada").await.err(),
            Some(401)
        );
    }
    assert!(login(&h, "agente@desk.test", "senha-do-agente-1")
        .await
        .is_ok());
    for _ in 0..4 {
        assert_eq!(
            login(&h, "agente@desk.test", "errada").await.err(),
            Some(401)
        );
    }
    // The fifth in a row locks, and the e-mail is matched whatever its case.
    let r = post_login(&h, " Agente@Desk.test", "errada").await;
    assert_eq!(r.status().as_u16(), 429);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((890..=901).contains(&retry), "{retry}");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Muitas tentativas de login com este e-mail. Tente novamente em 15 minutos."),
        "{page}"
    );
    assert_eq!(
        login(&h, "agente@desk.test", "senha-do-agente-1")
            .await
            .err(),
        Some(429),
        "a locked account refuses even the right password"
    );
    assert!(login(&h, "sre@desk.test", "senha-do-sre-22").await.is_ok());
    for _ in 0..4 {
        assert_eq!(login(&h, "ninguem@desk.test", "x").await.err(), Some(401));
    }
    assert_eq!(login(&h, "ninguem@desk.test", "x").await.err(), Some(429));

    // The window and the lock, on the clock the store is given.
    use conversor_server::desk::store::{login_failed, login_locked_until};
    let (window, lock) = (60_000, 120_000);
    let t = 1_000_000_000_000;
    for i in 0..2 {
        assert_eq!(
            login_failed(&db, "a", t + i, window, 3, lock)
                .await
                .unwrap(),
            0
        );
    }
    // Past the window the count starts again...
    assert_eq!(
        login_failed(&db, "a", t + window + 5, window, 3, lock)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        login_failed(&db, "a", t + window + 6, window, 3, lock)
            .await
            .unwrap(),
        0
    );
    // ...and the third failure within it locks.
    let until = login_failed(&db, "a", t + window + 7, window, 3, lock)
        .await
        .unwrap();
    assert_eq!(until, t + window + 7 + lock);
    assert_eq!(login_locked_until(&db, "a").await.unwrap(), until);
    // After the lock, three more tries; old rows are cleaned up meanwhile.
    assert_eq!(
        login_failed(&db, "a", until + 1, window, 3, lock)
            .await
            .unwrap(),
        0
    );
    login_failed(&db, "b", until + 2 * window, window, 3, lock)
        .await
        .unwrap();
    let left: Vec<String> =
        sqlx::query_scalar("SELECT account FROM login_attempts ORDER BY account")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert!(!left.contains(&"a".to_string()), "{left:?}");
    assert!(left.contains(&"b".to_string()), "{left:?}");
}

#[tokio::test]
async fn platform_signals_raise_priority() {
    // The gateway address points at a closed port.
    let h = Harness::start(1, &[("MP_BASE_URL", "http://127.0.0.1:9")]).await;
    let db = h.db().await;
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let (oid, _) = h.order(&std::fs::read(&path).unwrap()).await;
    db.insert_payment(&PaymentRow {
        id: "123456".into(),
        order_id: oid.clone(),
        method: "pix".into(),
        status: "pending".into(),
        amount_cents: 1990,
        qr_code: None,
        qr_code_base64: None,
        ticket_url: None,
        expires_at: None,
        idempotency_key: format!("k-{oid}"),
    })
    .await
    .unwrap();
    let (s, t) = open_ticket(
        &h,
        &[
            ("order_id", &oid),
            ("nome", "Ana"),
            ("email", "ana@example.com"),
            ("descricao", "Não consigo pagar."),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(
        (t["priority"].as_str(), t["category"].as_str()),
        (Some("P1"), Some("gateway"))
    );
    assert_eq!(t["level"], 2);
    assert_eq!(t["sla"]["clock"], "calendar");
    assert_eq!(t["sla"]["response_time"], "15 minutos");
    let created = t["sla"]["first_response_due_ms"].as_i64().unwrap() - 15 * 60_000;
    assert_eq!(
        t["sla"]["resolution_due_ms"].as_i64(),
        Some(created + 3_600_000)
    );
    assert_eq!(
        t["sla"]["postmortem_due_ms"].as_i64(),
        Some(created + 72 * 3_600_000)
    );
    assert_eq!(t["triage"]["signals"]["gateway"]["state"], "failing");
    let p1_id = t["id"].as_str().unwrap().to_string();

    // 3 of 20 jobs failed in the last hour.
    let now = conversor_server::now_ms();
    for i in 0..20 {
        sqlx::query(
            "INSERT INTO jobs (id, order_id, state, attempts, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 1, 3, $4, $4, $4)",
        )
        .bind(format!("job-{i}"))
        .bind(format!("order-{i}"))
        .bind(if i < 3 { "failed" } else { "done" })
        .bind(now - 60_000)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let (s, t) = open_ticket(
        &h,
        &[
            ("nome", "Bia"),
            ("email", "bia@example.com"),
            ("descricao", "Minha conversão está demorando?"),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(
        (t["priority"].as_str(), t["category"].as_str()),
        (Some("P2"), Some("conversions"))
    );
    assert_eq!(
        t["triage"]["reasons"][0],
        "3 de 20 conversões falharam na última hora (> 10 %)"
    );
    assert_eq!(t["sla"]["response_time"], "30 minutos");

    // Each P1/P2 ticket opened an incident, public on /status and /status.json,
    // with the post-mortem due 72 h (P1) / 7 days (P2) after opening.
    let p2_inc = t["triage"]["incident"]["id"].as_str().unwrap().to_string();
    assert_eq!(t["triage"]["incident"]["priority"], "P2");
    assert_eq!(t["triage"]["incident"]["opened"], true);
    let (_, first) = desk_ticket(&db, &p1_id).await;
    let p1_inc = first["incident"]["id"].as_str().unwrap().to_string();
    assert_ne!(p1_inc, p2_inc);
    for (inc, due_ms) in [(&p1_inc, 72 * 3_600_000i64), (&p2_inc, 7 * 24 * 3_600_000)] {
        let (s, i) = admin_api(
            &h,
            reqwest::Method::GET,
            &format!("/api/admin/incidents/{inc}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{i}");
        assert_eq!(
            i["postmortem_due_at"].as_i64().unwrap() - i["opened_at"].as_i64().unwrap(),
            due_ms
        );
        assert_eq!(i["actor"], "support-desk");
        assert!(i["ticket_id"].is_string());
    }
    let status = h
        .http
        .get(format!("{}/status", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("2 incidentes em andamento"), "{status}");
    assert!(
        status.contains("Instabilidade na confirmação de pagamentos")
            && status.contains("Falhas nas conversões")
    );
    // Public text is per category: nothing the customer wrote, no payment ids.
    assert!(!status.contains("Não consigo pagar") && !status.contains("123456"));
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
    let open: Vec<(&str, &str)> = j["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["priority"].as_str().unwrap()))
        .collect();
    assert!(open.contains(&(p1_inc.as_str(), "P1")) && open.contains(&(p2_inc.as_str(), "P2")));
    // The ticket's timeline names the incident.
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM ticket_events WHERE ticket_id = $1 AND kind = 'incident'",
    )
    .bind(&p1_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(
        detail.starts_with(&format!("incidente aberto {p1_inc} (P1)"))
            && detail.contains("post-mortem até"),
        "{detail}"
    );
    // A second report of the same outage joins the open incident.
    let (s, t3) = open_ticket(
        &h,
        &[
            ("order_id", &oid),
            ("nome", "Caio"),
            ("email", "caio@example.com"),
            ("descricao", "Pagamento não passa."),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t3}");
    assert_eq!(t3["triage"]["incident"]["id"], p1_inc.as_str());
    assert_eq!(t3["triage"]["incident"]["opened"], false);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // The console's ticket view links the incident.
    assert!(add_user(&h, "sre@desk.test", "2", "senha-do-sre-22"));
    let sre = login(&h, "sre@desk.test", "senha-do-sre-22").await.unwrap();
    let (_, html) = sre.get(&format!("/admin/tickets/{p1_id}")).await;
    assert!(
        html.contains("id=\"incident-link\" href=\"/status\"")
            || html.contains("href=\"/status\" id=\"incident-link\""),
        "{html}"
    );
    assert!(html.contains(&p1_inc) && html.contains("post-mortem até"));
}

/// The page's text as the browser shows it (minijinja escapes `/` too).
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn admin_token(h: &Harness) -> String {
    std::fs::read_to_string(h.dir.path().join("admin-token"))
        .unwrap()
        .trim()
        .to_string()
}

async fn admin_api(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = h
        .http
        .request(method, format!("{}{path}", h.base))
        .bearer_auth(admin_token(h));
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

/// (status, triage) of a ticket, from the database.
async fn desk_ticket(db: &Db, id: &str) -> (String, Value) {
    let r = sqlx::query("SELECT status, triage FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    (
        r.get("status"),
        serde_json::from_str(&r.get::<String, _>("triage")).unwrap(),
    )
}

/// (actor, kind, detail) of a ticket's timeline.
async fn timeline(db: &Db, id: &str) -> Vec<(String, String, String)> {
    sqlx::query(
        "SELECT actor, kind, detail FROM ticket_events WHERE ticket_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("actor"), r.get("kind"), r.get("detail")))
    .collect()
}

async fn wait_log_lines(db: &Db, order_id: &str, h: &Harness) {
    let t0 = Instant::now();
    loop {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_lines WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if n > 0 {
            return;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no log lines stored; log:\n{}",
            h.log("serve")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn pay_and_wait(h: &Harness, id: &str, token: &str, want: &str) {
    let (s, pay) = h.pay(id, token, serde_json::json!({"method": "pix"})).await;
    assert_eq!(s, 201, "{pay}");
    h.approve(pay["id"].as_str().unwrap(), None).await;
    h.wait_status(id, token, want, 30).await;
}

/// Triage attaches the order's log lines; the console's runbook actions run
/// the `ops` functions over HTTP (CSRF, roles), each recorded on the ticket
/// with the agent and on the order with the agent's e-mail; a refund, manual
/// or automatic, shows on the open tickets about the order.
#[tokio::test]
async fn triage_logs_and_console_runbook_actions() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    // The automatic refund sweep runs only when this test asks for it.
    let h = Harness::start(
        1,
        &[
            ("CONVERSOR_REFUND_SWEEP_SECS", "0"),
            ("CONVERSOR_MAX_ATTEMPTS", "1"),
        ],
    )
    .await;
    let db = h.db().await;
    let (oid, token) = h.order(&data).await;
    pay_and_wait(&h, &oid, &token, "COMPLETED").await;
    wait_log_lines(&db, &oid, &h).await;

    let (s, t) = open_ticket(
        &h,
        &[
            ("order_id", &oid),
            ("nome", "Ana Souza"),
            ("email", "ana@example.com"),
            (
                "descricao",
                "Não consigo baixar o arquivo, o link não abre.",
            ),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(
        (t["priority"].as_str(), t["category"].as_str()),
        (Some("P3"), Some("download"))
    );
    assert!(t["triage"]["incident"].is_null(), "P3: no incident");
    let logs = t["triage"]["logs"].as_array().unwrap();
    assert!(!logs.is_empty() && logs.len() <= 50, "{t}");
    assert!(logs
        .iter()
        .all(|l| l["line"].as_str().unwrap().contains(&oid) && l["process"].is_string()));
    // Lines from the API process and the worker span alike.
    assert!(
        logs.iter()
            .any(|l| l["line"].as_str().unwrap().contains("job"))
            || logs.len() > 1
    );
    let tid = t["id"].as_str().unwrap().to_string();
    let (_, stored) = desk_ticket(&db, &tid).await;
    assert_eq!(stored["logs"].as_array().unwrap().len(), logs.len());

    assert!(add_user(&h, "agente@desk.test", "1", "senha-do-agente-1"));
    assert!(add_user(&h, "sre@desk.test", "2", "senha-do-sre-22"));
    let agent = login(&h, "agente@desk.test", "senha-do-agente-1")
        .await
        .unwrap();
    let sre = login(&h, "sre@desk.test", "senha-do-sre-22").await.unwrap();
    let page = format!("/admin/tickets/{tid}");
    let act = |name: &str| format!("/admin/tickets/{tid}/actions/{name}");
    let (_, html) = agent.get(&page).await;
    assert!(html.contains("id=\"triage-logs\"") && html.contains(&oid));
    for b in [
        "act-check-payment",
        "act-requeue",
        "act-presign",
        "act-logs",
        "act-logs-full",
    ] {
        assert!(html.contains(&format!("id=\"{b}\"")), "{b}");
    }
    assert!(html.contains("Gerar link de download (24 h)") && html.contains("Verificar pagamento"));
    assert!(
        !html.contains("id=\"act-refund\""),
        "no refund form for Nível 1"
    );

    // CSRF: none or another session's token is refused, nothing recorded.
    let before = timeline(&db, &tid).await.len();
    let (s, _) = agent.post_raw(&act("presign"), &[]).await;
    assert!(s == 403 || s == 422, "{s}");
    let (s, _) = agent.post_raw(&act("presign"), &[("csrf", "0000")]).await;
    assert_eq!(s, 403);
    let (s, _) = agent.post(&page, &act("nao-existe"), &[]).await;
    assert_eq!(s, 404);
    assert_eq!(timeline(&db, &tid).await.len(), before);

    // Gerar link (24 h): a working link, shown and offered for a reply.
    let (s, loc) = agent.post(&page, &act("presign"), &[]).await;
    assert_eq!(
        (s, loc.as_str()),
        (303, format!("{page}?msg=action#acoes").as_str())
    );
    let (_, html) = agent.get(&format!("{page}?msg=action")).await;
    assert!(html.contains("id=\"presign-link\""), "{html}");
    let ev = timeline(&db, &tid).await;
    let (actor, kind, detail) = ev.last().unwrap();
    assert_eq!(
        (actor.as_str(), kind.as_str()),
        ("agente:agente@desk.test", "action_presign")
    );
    let link = detail
        .lines()
        .find(|l| l.starts_with("http"))
        .unwrap()
        .to_string();
    let r = reqwest::get(&link).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{link}");
    assert_eq!(r.bytes().await.unwrap().to_vec(), reference_xml(&data));
    let (_, html) = agent.get(&format!("{page}?template=download_link")).await;
    assert!(html.contains("Novo link de download [order: "), "{html}");
    assert!(unescape(&html).contains(&link), "the link is in the draft");

    // Verificar pagamento: the diagnosis on the ticket.
    let (s, _) = agent.post(&page, &act("check-payment"), &[]).await;
    assert_eq!(s, 303);
    let ev = timeline(&db, &tid).await;
    let (actor, kind, detail) = ev.last().unwrap();
    assert_eq!(
        (actor.as_str(), kind.as_str()),
        ("agente:agente@desk.test", "action_check_payment")
    );
    assert!(
        detail.starts_with("verificar pagamento: consistent — Sem divergência"),
        "{detail}"
    );

    // Reprocessar a COMPLETED order: refused, and the reason is recorded.
    let (s, _) = agent.post(&page, &act("requeue"), &[]).await;
    assert_eq!(s, 303);
    let ev = timeline(&db, &tid).await;
    let (_, kind, detail) = ev.last().unwrap();
    assert_eq!(kind, "action_requeue");
    assert!(
        detail.contains("recusado — Pedido já concluído (COMPLETED)"),
        "{detail}"
    );
    let (_, html) = agent.get(&format!("{page}?msg=action")).await;
    assert!(html.contains("class=\"flash\"") && html.contains("Pedido já concluído"));

    // Ver logs: the last 500 lines of every process.
    let (s, html) = agent.post(&page, &act("logs"), &[]).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"logs\"") && html.contains(&oid) && html.contains("--tail 500"));
    assert_eq!(timeline(&db, &tid).await.last().unwrap().1, "action_logs");

    // Nível 1 may neither refund nor fix a payment: refused before anything happens.
    let n = timeline(&db, &tid).await.len();
    for name in ["refund", "fix-payment"] {
        let (s, html) = agent
            .post(&page, &act(name), &[("reason", "cliente pediu")])
            .await;
        assert_eq!(s, 403, "{name}");
        assert!(html.contains("Somente Nível 2"), "{html}");
    }
    assert_eq!(timeline(&db, &tid).await.len(), n);
    let (_, o) = admin_api(
        &h,
        reqwest::Method::GET,
        &format!("/api/admin/orders/{oid}"),
        None,
    )
    .await;
    assert!(o["refund"].is_null(), "{o}");

    // Nível 2: the payment fix (nothing to fix here) and the refund.
    let (s, _) = sre.post(&page, &act("fix-payment"), &[]).await;
    assert_eq!(s, 303);
    let ev = timeline(&db, &tid).await;
    assert_eq!(ev.last().unwrap().0, "agente:sre@desk.test");
    assert!(
        ev.last().unwrap().2.ends_with("Nada a corrigir."),
        "{:?}",
        ev.last()
    );
    let (s, _) = sre.post(&page, &act("refund"), &[("reason", "")]).await;
    assert_eq!(s, 303);
    assert!(timeline(&db, &tid)
        .await
        .last()
        .unwrap()
        .2
        .contains("Informe o motivo do reembolso."));
    let (s, _) = sre
        .post(
            &page,
            &act("refund"),
            &[("reason", "cliente não conseguiu usar o XML")],
        )
        .await;
    assert_eq!(s, 303);
    let (_, o) = admin_api(
        &h,
        reqwest::Method::GET,
        &format!("/api/admin/orders/{oid}"),
        None,
    )
    .await;
    assert_eq!(o["refund"]["status"], "refunded", "{o}");
    assert_eq!(o["refund"]["kind"], "manual");
    assert_eq!(o["refund"]["actor"], "sre@desk.test");
    let ev = timeline(&db, &tid).await;
    let (actor, kind, detail) = ev.last().unwrap();
    assert_eq!(
        (actor.as_str(), kind.as_str()),
        ("agente:sre@desk.test", "refund")
    );
    assert!(
        detail.starts_with("reembolso de R$ 19,90 (manual): cliente não conseguiu usar o XML"),
        "{detail}"
    );
    // One event for the refund (the refusal without a reason is the other).
    assert_eq!(
        ev.iter()
            .map(|e| e.1.as_str())
            .filter(|k| *k == "refund" || *k == "action_refund")
            .collect::<Vec<_>>(),
        ["action_refund", "refund"]
    );
    // Once: a second click records that nothing was done.
    let (s, _) = sre
        .post(&page, &act("refund"), &[("reason", "de novo")])
        .await;
    assert_eq!(s, 303);
    assert!(timeline(&db, &tid)
        .await
        .last()
        .unwrap()
        .2
        .starts_with("pedido já reembolsado"));
    // The refund e-mail of the runbook went to the customer.
    let subject: String =
        sqlx::query_scalar("SELECT subject FROM emails WHERE order_id = $1 AND kind = 'refund'")
            .bind(&oid)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        subject,
        format!("Solicitação de reembolso - Processamento [order: {oid}]")
    );

    // The order's timeline has every action with the agent's e-mail as actor.
    let order_ev: Vec<(String, String)> =
        sqlx::query("SELECT actor, reason FROM order_events WHERE order_id = $1 ORDER BY at, id")
            .bind(&oid)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.get("actor"),
                    r.get::<Option<String>, _>("reason").unwrap_or_default(),
                )
            })
            .collect();
    for (who, what) in [
        ("agente@desk.test", "link de download gerado pelo operador"),
        (
            "agente@desk.test",
            "pagamento verificado no Mercado Pago pelo operador: consistent",
        ),
        ("sre@desk.test", "reembolso de R$ 19,90 (manual)"),
    ] {
        assert!(
            order_ev
                .iter()
                .any(|(a, r)| a == who && r.starts_with(what)),
            "{who}: {what} not in {order_ev:?}"
        );
    }

    // An automatic refund (technical failure) shows on the open ticket about that order.
    let (bad, bad_tok) = h.order(&data).await;
    h.blobs()
        .store
        .delete(&object_store::path::Path::from(format!(
            "uploads/{bad}.mpp"
        )))
        .await
        .unwrap();
    pay_and_wait(&h, &bad, &bad_tok, "FAILED").await;
    let (s, t) = open_ticket(
        &h,
        &[
            ("order_id", &bad),
            ("nome", "Ana Souza"),
            ("email", "ana@example.com"),
            ("descricao", "A conversão falhou."),
        ],
        vec![],
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let bad_tid = t["id"].as_str().unwrap().to_string();
    let (s, sw) = admin_api(
        &h,
        reqwest::Method::POST,
        "/api/admin/refunds/sweep",
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(s, 200, "{sw}");
    let ev = timeline(&db, &bad_tid).await;
    let (actor, kind, detail) = ev.last().unwrap();
    assert_eq!((actor.as_str(), kind.as_str()), ("refund-sweep", "refund"));
    assert!(detail.contains("(technical_failure)"), "{detail}");
    let (_, html) = agent.get(&format!("/admin/tickets/{bad_tid}")).await;
    assert!(html.contains("reembolso de R$ 19,90 (technical_failure)"));
}

/// LGPD deletion covers the desk: the customer's tickets (by e-mail or by
/// order) are anonymised, their attachments leave the object store, their
/// e-mails and outbox files go; another customer's ticket stays.
#[tokio::test]
async fn lgpd_deletion_anonymises_tickets_and_deletes_attachments() {
    let Some(path) = corpus_file(SAMPLE) else {
        return;
    };
    let data = std::fs::read(&path).unwrap();
    let h = Harness::start(1, &[]).await;
    let db = h.db().await;
    // Her order (still PENDING: nothing in flight), a ticket about it sent from
    // another address, and one from her address without an order.
    let form = reqwest::multipart::Form::new()
        .text("name", "Helena Prado")
        .text("email", "helena.prado@example.com")
        .part(
            "file",
            reqwest::multipart::Part::bytes(data.clone()).file_name("obra.mpp"),
        );
    let r = h
        .http
        .post(format!("{}/api/orders", h.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let oid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = "cronograma sigiloso da obra Xyzzy-Quartzo";
    let (s, t1) = open_ticket(
        &h,
        &[
            ("order_id", &oid),
            ("nome", "Helena Prado"),
            ("email", "helena.trabalho@example.com"),
            ("descricao", &format!("Paguei e nada: {secret}")),
        ],
        vec![
            ("comprovante.png", b"png-da-helena".to_vec()),
            ("plano.mpp", data.clone()),
        ],
    )
    .await;
    assert_eq!(s, 201, "{t1}");
    let (s, t2) = open_ticket(
        &h,
        &[
            ("nome", "Helena Prado"),
            ("email", "Helena.Prado@example.com"),
            ("descricao", &format!("Outra dúvida sobre {secret}")),
        ],
        vec![("print.png", b"outro-png".to_vec())],
    )
    .await;
    assert_eq!(s, 201, "{t2}");
    let (s, other) = open_ticket(
        &h,
        &[
            ("nome", "Otávio Reis"),
            ("email", "otavio@example.com"),
            ("descricao", "Vocês emitem nota fiscal?"),
        ],
        vec![("nf.png", b"nf".to_vec())],
    )
    .await;
    assert_eq!(s, 201, "{other}");
    let (id1, id2, id3) = (
        t1["id"].as_str().unwrap().to_string(),
        t2["id"].as_str().unwrap().to_string(),
        other["id"].as_str().unwrap().to_string(),
    );
    // An agent's reply quotes her name.
    assert!(add_user(&h, "agente@desk.test", "1", "senha-do-agente-1"));
    let agent = login(&h, "agente@desk.test", "senha-do-agente-1")
        .await
        .unwrap();
    let (s, _) = agent
        .post(
            &format!("/admin/tickets/{id2}"),
            &format!("/admin/tickets/{id2}/reply"),
            &[
                ("subject", "Re: dúvida"),
                ("body", "Olá Helena Prado, sobre Xyzzy-Quartzo: sim."),
            ],
        )
        .await;
    assert_eq!(s, 303);
    wait_mails(&h, &id1, 1).await;
    wait_mails(&h, &id2, 2).await;
    let all = |h: &Harness| {
        let blobs = h.blobs();
        async move {
            use futures_util::TryStreamExt;
            use object_store::ObjectStore;
            blobs
                .store
                .list(None)
                .map_ok(|m| m.location.to_string())
                .try_collect::<Vec<String>>()
                .await
                .unwrap()
        }
    };
    let before = all(&h).await;
    for id in [&id1, &id2, &id3] {
        assert!(
            before
                .iter()
                .any(|k| k.starts_with(&format!("support/{id}/"))),
            "{id}: {before:?}"
        );
    }

    // An access request first: her tickets are part of what we hold about her.
    let (s, acc) = admin_api(
        &h,
        reqwest::Method::POST,
        "/api/admin/privacy-requests",
        Some(serde_json::json!({"kind": "access", "email": "helena.prado@example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{acc}");
    let (s, ex) = admin_api(
        &h,
        reqwest::Method::POST,
        &format!(
            "/api/admin/privacy-requests/{}/process",
            acc["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{ex}");
    let exported = ex["result"]["other"]["support_tickets"].as_array().unwrap();
    assert_eq!(exported.len(), 2, "{ex}");
    assert!(exported
        .iter()
        .all(|t| t["descricao"].as_str().unwrap().contains(secret)));
    assert_eq!(exported[0]["attachments"].as_array().unwrap().len(), 2);

    let (s, req) = admin_api(
        &h,
        reqwest::Method::POST,
        "/api/admin/privacy-requests",
        Some(serde_json::json!({"kind": "deletion", "email": "helena.prado@example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{req}");
    let (s, done) = admin_api(
        &h,
        reqwest::Method::POST,
        &format!(
            "/api/admin/privacy-requests/{}/process",
            req["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 200, "{done}");
    let hook = &done["result"]["other"]["support_tickets"];
    assert_eq!(hook["tickets"].as_array().unwrap().len(), 2, "{done}");
    assert_eq!(hook["attachments_deleted"], 3);

    // The object store, listed afterwards: none of her tickets' objects.
    let after = all(&h).await;
    for id in [&id1, &id2] {
        assert!(
            !after
                .iter()
                .any(|k| k.starts_with(&format!("support/{id}/"))),
            "{id}: {after:?}"
        );
    }
    assert!(
        after
            .iter()
            .any(|k| k.starts_with(&format!("support/{id3}/"))),
        "another customer's stays"
    );

    // The database, queried afterwards: not her name, e-mails, nor the text.
    for needle in ["Helena", "helena.prado", "helena.trabalho", "Xyzzy"] {
        let like = format!("%{}%", needle.to_lowercase());
        for (table, cols) in [
            ("tickets", "LOWER(nome) LIKE $1 OR LOWER(email) LIKE $1 OR LOWER(descricao) LIKE $1 OR LOWER(triage) LIKE $1"),
            ("ticket_events", "LOWER(detail) LIKE $1"),
            ("emails", "LOWER(to_addr) LIKE $1 OR LOWER(subject) LIKE $1 OR LOWER(body) LIKE $1"),
            ("ticket_attachments", "LOWER(file_name) LIKE $1 OR LOWER(object_key) LIKE $1"),
        ] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {cols}")))
                .bind(&like)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(n, 0, "{needle} still in {table}");
        }
    }
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ticket_attachments WHERE ticket_id IN ($1, $2)")
            .bind(&id1)
            .bind(&id2)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);
    // What is kept: the tickets, their priorities and who acted when.
    let ev = timeline(&db, &id2).await;
    assert!(ev
        .iter()
        .any(|(a, k, _)| a == "agente:agente@desk.test" && k == "reply"));
    assert_eq!(ev.last().unwrap().1, "lgpd");
    let (status, _) = desk_ticket(&db, &id3).await;
    assert_eq!(status, "open");
    let nome: String = sqlx::query_scalar("SELECT nome FROM tickets WHERE id = $1")
        .bind(&id3)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(nome, "Otávio Reis");
    if std::env::var("CONVERSOR_TEST_MAILDIR").is_err() {
        assert_eq!(h.mails(&id1) + h.mails(&id2), 0, "outbox files removed");
        assert_eq!(h.mails(&id3), 1);
    }
}
