//! The support desk end to end on a real `conversor serve` (SQLite by default;
//! PostgreSQL + S3 + SMTP under `scripts/test-server.sh`): the ticket API with
//! attachments and the acknowledgment, the console (login, roles, CSRF,
//! template replies, escalation to a local HTTP server standing in for Slack,
//! resolution, CSAT), and the support metrics after that scripted scenario.

mod common;

use common::*;
use conversor_server::adapters::db::{Db, PaymentRow};
use conversor_server::adapters::mercadopago::{CreatePayment, MercadoPago, Payer};
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

async fn login<'a>(h: &'a Harness, email: &str, password: &str) -> Result<Console<'a>, u16> {
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
    let r = h
        .http
        .post(format!("{}/admin/login", h.base))
        .header("cookie", &pre)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
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
}
