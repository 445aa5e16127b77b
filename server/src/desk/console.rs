//! The agent console under `/admin`: server-rendered Portuguese HTML, no
//! framework. Every page needs a session ([`Agent`]); every POST checks the
//! session's CSRF token; every ticket action lands in the ticket's timeline.

use crate::desk::api::html;
use crate::desk::auth::{self, Agent, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::desk::sla::{self, Priority};
use crate::desk::store::{self, TicketRow};
use crate::desk::templates::{self, Reply};
use crate::desk::tickets::{self, Channel};
use crate::service::ServiceError;
use crate::{now_ms, App};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

type St = State<Arc<App>>;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/admin", get(list))
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/tickets/{id}", get(ticket))
        .route("/admin/tickets/{id}/attachments/{att}", get(attachment))
        .route("/admin/tickets/{id}/reply", post(reply))
        .route("/admin/tickets/{id}/note", post(note))
        .route("/admin/tickets/{id}/escalate", post(escalate))
        .route("/admin/tickets/{id}/resolve", post(resolve))
        .route("/admin/tickets/{id}/kb", post(link_kb))
        .route("/admin/tickets/{id}/actions/{name}", post(action))
        .route("/admin/kb", get(kb_list).post(kb_create))
        .route("/admin/kb/new", get(kb_new))
        .route("/admin/kb/{id}", get(kb_view).post(kb_update))
        .route("/admin/kb/{id}/edit", get(kb_edit))
        .route("/admin/kb/{id}/delete", post(kb_delete))
        .route("/admin/metrics", get(metrics_page))
}

fn forbidden(msg: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(format!(
            "<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/static/style.css\">\
             <h1>Acesso negado</h1><p>{msg}</p><p><a href=\"/admin\">Voltar</a></p></html>"
        )),
    )
        .into_response()
}

fn bad_csrf() -> Response {
    forbidden("Formulário expirado ou inválido (CSRF). Recarregue a página e tente de novo.")
}

fn err_page(e: ServiceError) -> Response {
    let status = crate::http::error::ApiError(e).status();
    let msg = match status {
        StatusCode::INTERNAL_SERVER_ERROR => "Erro interno.".to_string(),
        _ => "Não foi possível concluir a ação.".to_string(),
    };
    (status, Html(format!("<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/static/style.css\"><h1>{msg}</h1><p><a href=\"/admin\">Voltar</a></p></html>"))).into_response()
}

fn service_err(e: ServiceError) -> Response {
    match &e {
        ServiceError::Invalid(m) | ServiceError::Conflict(m) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(format!(
                "<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/static/style.css\"><h1>{}</h1><p><a href=\"javascript:history.back()\">Voltar</a></p></html>",
                minijinja::HtmlEscape(m)
            )),
        )
            .into_response(),
        _ => err_page(e),
    }
}

fn base(agent: &Agent) -> minijinja::Value {
    context! {
        user => context! { email => agent.user.email, role => agent.user.role },
        role_name => auth::role_name(agent.user.role),
        csrf => agent.csrf,
    }
}

fn flash_pt(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "reply" => "Resposta enviada ao cliente.",
        "note" => "Nota interna registrada.",
        "slack" => "Chamado escalado: mensagem enviada ao Slack #ops-support.",
        "outbox" => "Chamado escalado: aviso enviado por e-mail à escala (Slack não configurado).",
        "resolved" => "Chamado resolvido; pesquisa de satisfação enviada.",
        "kb" => "Artigo vinculado ao chamado.",
        "saved" => "Artigo salvo.",
        "deleted" => "Artigo excluído.",
        _ => return None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    csrf: String,
}

async fn login_page(State(app): St) -> Response {
    let csrf = crate::domain::tokens::random_hex(16);
    let mut r = html(templates::page("login.html", context! { csrf => csrf }));
    if let Ok(v) = auth::set_cookie(&app, LOGIN_CSRF_COOKIE, &csrf, 3600).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn login(State(app): St, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !auth::same_secret(&expected, &f.csrf) {
        return bad_csrf();
    }
    let refused = |status: StatusCode, error: String| {
        let mut r = html(templates::page(
            "login.html",
            context! { csrf => f.csrf, error => error },
        ));
        *r.status_mut() = status;
        r
    };
    match auth::login(&app, &f.email, &f.password).await {
        auth::Login::Session(token) => {
            tracing::info!(user = %f.email.trim(), "console login");
            let mut r = Redirect::to("/admin").into_response();
            for c in [
                auth::set_cookie(&app, SESSION_COOKIE, &token, auth::SESSION_TTL_MS / 1000),
                auth::set_cookie(&app, LOGIN_CSRF_COOKIE, "", 0),
            ] {
                if let Ok(v) = c.parse() {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            r
        }
        auth::Login::Refused => {
            tracing::warn!(user = %f.email.trim(), "console login refused");
            refused(
                StatusCode::UNAUTHORIZED,
                "E-mail ou senha incorretos.".into(),
            )
        }
        auth::Login::Locked { until } => {
            tracing::warn!(user = %f.email.trim(), until, "console login locked");
            let minutes = auth::minutes_left(until, crate::now_ms());
            let unit = if minutes == 1 { "minuto" } else { "minutos" };
            let mut r = refused(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Muitas tentativas de login com este e-mail. Tente novamente em {minutes} {unit}."
                ),
            );
            if let Ok(v) = ((until - crate::now_ms()).max(0) / 1000 + 1)
                .to_string()
                .parse()
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn logout(
    State(app): St,
    agent: Agent,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !agent.csrf_ok(&f.csrf) {
        return bad_csrf();
    }
    if let Some(t) = auth::cookie(&headers, SESSION_COOKIE) {
        let _ = store::delete_session(&app.db, &auth::token_hash(&t)).await;
    }
    let mut r = Redirect::to("/admin/login").into_response();
    if let Ok(v) = auth::set_cookie(&app, SESSION_COOKIE, "", 0).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn status_pt(s: &str) -> &'static str {
    match s {
        "open" => "Aberto",
        "answered" => "Respondido",
        "resolved" => "Resolvido",
        _ => "—",
    }
}

#[derive(Serialize)]
struct ListRow {
    id: String,
    priority: String,
    nome: String,
    email: String,
    category: String,
    level: i64,
    status_pt: &'static str,
    due_text: String,
    breach: bool,
    warn: bool,
    #[serde(skip)]
    sort: (bool, i64),
}

/// Tickets by SLA due time: open ones by their next deadline (breached first),
/// then the last resolved ones.
async fn list(State(app): St, agent: Agent) -> Response {
    let now = now_ms();
    let tickets = match store::tickets(&app.db).await {
        Ok(t) => t,
        Err(e) => return err_page(e.into()),
    };
    let mut rows: Vec<ListRow> = tickets
        .iter()
        .map(|t| {
            let next = t.next_due();
            let breach = t.status != "resolved"
                && (t.first_response_breached(now) || t.resolution_breached(now));
            ListRow {
                id: t.id.clone(),
                priority: t.priority.clone(),
                nome: t.nome.clone(),
                email: t.email.clone(),
                category: crate::desk::triage::category_pt(&t.category).into(),
                level: t.level,
                status_pt: status_pt(&t.status),
                due_text: next.map(sla::format_local).unwrap_or_default(),
                breach,
                warn: next.is_some_and(|d| d - now < 3_600_000),
                sort: (t.status == "resolved", next.unwrap_or(i64::MAX)),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.sort);
    let breached = rows.iter().filter(|r| r.breach).count();
    html(templates::page(
        "list.html",
        context! { ..base(&agent), ..context! { tickets => rows, breached => breached } },
    ))
}

#[derive(Deserialize)]
struct TicketQuery {
    template: Option<String>,
    msg: Option<String>,
}

#[derive(Serialize)]
struct EventLine {
    when: String,
    actor: String,
    kind_pt: &'static str,
    kind: String,
    detail: String,
}

fn kind_pt(k: &str) -> &'static str {
    match k {
        "created" => "chamado aberto",
        "order_state" => "estado do pedido",
        "triage" => "triagem",
        "ack_sent" => "confirmação enviada",
        "reply" => "resposta",
        "note" => "nota interna",
        "escalated" => "escalonamento",
        "resolved" => "resolução",
        "csat" => "pesquisa de satisfação",
        "kb_link" => "base de conhecimento",
        "incident" => "incidente",
        "refund" => "reembolso",
        "action_check_payment" => "verificar pagamento",
        "action_fix_payment" => "corrigir pagamento",
        "action_requeue" => "reprocessar",
        "action_presign" => "link de download",
        "action_logs" => "logs",
        "action_refund" => "reembolsar",
        "lgpd" => "LGPD",
        _ => "ação",
    }
}

async fn ticket(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Query(q): Query<TicketQuery>,
) -> Response {
    match ticket_inner(&app, &agent, &id, q).await {
        Ok(r) => r,
        Err(e) => err_page(e),
    }
}

async fn ticket_inner(
    app: &App,
    agent: &Agent,
    id: &str,
    q: TicketQuery,
) -> Result<Response, ServiceError> {
    let t = tickets::load(app, id).await?;
    let now = now_ms();
    let order = match &t.order_id {
        Some(o) => app.db.order(o).await?,
        None => None,
    };
    let (payment, job, order_events) = match &order {
        Some(o) => (
            app.db.latest_payment(&o.id).await?,
            app.db.job_attempts(&o.id).await?,
            app.db.events(&o.id).await?,
        ),
        None => (None, None, Vec::new()),
    };
    let order_events: Vec<_> = order_events
        .into_iter()
        .map(|e| context! { when => sla::format_local(e.at), from_status => e.from_status, to_status => e.to_status, actor => e.actor, reason => e.reason })
        .collect();
    let raw_events = store::events(&app.db, &t.id).await?;
    let last_link = crate::desk::actions::last_link(&raw_events);
    // After an action, its outcome (the latest action event) is the flash.
    let action_flash = (q.msg.as_deref() == Some("action"))
        .then(|| {
            raw_events
                .iter()
                .rev()
                .find(|e| e.kind.starts_with("action_") || e.kind == "refund")
                .map(|e| e.detail.clone())
        })
        .flatten();
    let events: Vec<EventLine> = raw_events
        .into_iter()
        .map(|e| EventLine {
            when: sla::format_local(e.at),
            actor: e.actor,
            kind_pt: kind_pt(&e.kind),
            kind: e.kind,
            detail: e.detail,
        })
        .collect();
    let template = q.template.as_deref().and_then(Reply::parse);
    let (subject, body, draft_key) = match (template, q.template.as_deref(), &last_link) {
        (Some(r), _, _) => {
            let (s, b) = tickets::draft(app, &t, r).await?;
            (s, b, r.key())
        }
        // The link the "gerar link" action made, put into a reply.
        (None, Some("download_link"), Some((link, expires))) => {
            let (s, b) = templates::mail(
                templates::env(),
                "download_link",
                context! { nome => t.nome, order_id => t.order_id, link => link, expires => expires },
            )
            .map_err(ServiceError::Internal)?;
            (s, b, "download_link")
        }
        _ => (String::new(), String::new(), ""),
    };
    let incident = match t.triage["incident"]["id"].as_str() {
        Some(id) => crate::ops::incidents::get(app, id).await?.map(|i| {
            context! {
                id => i.id, priority => i.priority, title => i.title,
                status_pt => crate::ops::incidents::status_label(&i.status),
                postmortem_due => i.postmortem_due_at.map(sla::format_local),
                opened => t.triage["incident"]["opened"].as_bool().unwrap_or(true),
            }
        }),
        None => None,
    };
    let logs: Vec<_> = t.triage["logs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| {
                    format!(
                        "{} {} {}",
                        l["at"].as_i64().map(sla::format_local).unwrap_or_default(),
                        l["process"].as_str().unwrap_or(""),
                        l["line"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let actions: Vec<_> = crate::desk::actions::Action::ALL
        .iter()
        .map(|a| context! { name => a.name(), label => a.label_pt(), allowed => agent.user.role >= a.min_role(), min_role => a.min_role() })
        .collect();
    let p = Priority::parse(&t.priority).unwrap_or(Priority::P4);
    let gateway = t.triage["signals"]["gateway"].clone();
    let gateway_text = match gateway["state"].as_str() {
        Some("answered") => gateway["detail"].as_str().map(|s| s.to_string()),
        Some("failing") => Some(format!(
            "falhando ({})",
            gateway["detail"].as_str().unwrap_or("")
        )),
        _ => None,
    };
    let ctx = context! {
        t => t,
        status_pt => status_pt(&t.status),
        category_pt => crate::desk::triage::category_pt(&t.category),
        priority_label => p.label_pt(),
        created => sla::format_local(t.created_at),
        answered => t.first_response_at.map(sla::format_local),
        due => context! {
            first_response => sla::format_local(t.first_response_due),
            resolution => t.resolution_due.map(sla::format_local),
            postmortem => t.postmortem_due.map(sla::format_local),
        },
        breach_first => t.status != "resolved" && t.first_response_breached(now),
        breach_resolution => t.status != "resolved" && t.resolution_breached(now),
        clock_pt => match sla::targets(p).clock {
            sla::Clock::Calendar => "corrido 24x7 (P1/P2)",
            sla::Clock::Business => "horário comercial, seg–sex 09–18 (America/Sao_Paulo)",
        },
        attachments => store::attachments(&app.db, &t.id).await?,
        order => order,
        price => order.as_ref().map(|o| tickets::price(o.price_cents)),
        payment => payment,
        job => job,
        gateway => gateway_text,
        order_events => order_events,
        reasons => t.triage["reasons"].clone(),
        events => events,
        replies => Reply::ALL.iter().map(|r| context! { key => r.key(), label => r.label_pt() }).collect::<Vec<_>>(),
        draft => context! { template => draft_key, subject => subject, body => body },
        incident => incident,
        logs => logs,
        actions => actions,
        last_link => last_link.as_ref().map(|(url, until)| context! { url => url, until => until }),
        escalation_target => auth::role_name(t.level + 1),
        linked => store::ticket_articles(&app.db, &t.id).await?,
        articles => store::articles(&app.db).await?,
        flash => action_flash.or_else(|| flash_pt(q.msg.as_deref()).map(str::to_string)),
    };
    Ok(html(templates::page(
        "ticket.html",
        context! { ..base(agent), ..ctx },
    )))
}

async fn attachment(
    State(app): St,
    _agent: Agent,
    Path((id, att)): Path<(String, String)>,
) -> Response {
    let list = match store::attachments(&app.db, &id).await {
        Ok(l) => l,
        Err(e) => return err_page(e.into()),
    };
    let Some(a) = list.into_iter().find(|a| a.id == att) else {
        return err_page(ServiceError::NotFound);
    };
    match app.blobs.get(&a.object_key).await {
        Ok(data) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        a.file_name.replace(['"', '\\', '\r', '\n'], "_")
                    ),
                ),
            ],
            data,
        )
            .into_response(),
        Err(e) => err_page(e.into()),
    }
}

/// Loads the ticket after the CSRF check; the common head of every ticket POST.
async fn guarded(app: &App, agent: &Agent, id: &str, csrf: &str) -> Result<TicketRow, Response> {
    if !agent.csrf_ok(csrf) {
        return Err(bad_csrf());
    }
    tickets::load(app, id).await.map_err(err_page)
}

fn back(id: &str, msg: &str) -> Response {
    Redirect::to(&format!("/admin/tickets/{id}?msg={msg}")).into_response()
}

#[derive(Deserialize)]
struct ReplyForm {
    csrf: String,
    subject: String,
    body: String,
    #[serde(default)]
    template: String,
}

async fn reply(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Response {
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match tickets::reply(
        &app,
        &t,
        &agent.actor(),
        Reply::parse(&f.template),
        &f.subject,
        &f.body,
    )
    .await
    {
        Ok(()) => back(&id, "reply"),
        Err(e) => service_err(e),
    }
}

#[derive(Deserialize)]
struct NoteForm {
    csrf: String,
    note: String,
}

async fn note(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> Response {
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match tickets::note(&app, &t, &agent.actor(), &f.note).await {
        Ok(()) => back(&id, "note"),
        Err(e) => service_err(e),
    }
}

#[derive(Deserialize)]
struct EscalateForm {
    csrf: String,
    reason: String,
}

async fn escalate(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<EscalateForm>,
) -> Response {
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match tickets::escalate(&app, &t, &agent.actor(), &f.reason).await {
        Ok(Channel::Slack) => back(&id, "slack"),
        Ok(Channel::Outbox) => back(&id, "outbox"),
        Err(e) => service_err(e),
    }
}

#[derive(Deserialize)]
struct ResolveForm {
    csrf: String,
    resolution: String,
}

async fn resolve(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<ResolveForm>,
) -> Response {
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match tickets::resolve(&app, &t, &agent.actor(), &f.resolution).await {
        Ok(_) => back(&id, "resolved"),
        Err(e) => service_err(e),
    }
}

#[derive(Deserialize)]
struct ActionForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// A runbook action on the ticket's order (`desk::actions`): CSRF, the role
/// (refund and payment fix are Nível 2+), then the `ops` call with the agent's
/// e-mail as actor; the outcome, or the refusal's reason, goes on the timeline.
async fn action(
    State(app): St,
    agent: Agent,
    Path((id, name)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    use crate::desk::actions::{self, Action};
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let Some(a) = Action::parse(&name) else {
        return err_page(ServiceError::NotFound);
    };
    if agent.user.role < a.min_role() {
        tracing::warn!(ticket_id = %id, user = %agent.user.email, action = a.name(), "console action refused by role");
        return forbidden(&format!(
            "Somente Nível {} ou acima pode {}.",
            a.min_role(),
            a.label_pt()
        ));
    }
    let (detail, recorded, logs) =
        match actions::run(&app, &t, a, &agent.user.email, &f.reason).await {
            Ok(o) => (o.detail, o.recorded, Some(o.logs)),
            Err(
                ServiceError::Invalid(m) | ServiceError::Conflict(m) | ServiceError::Gateway(m),
            ) => (format!("{}: recusado — {m}", a.label_pt()), false, None),
            Err(ServiceError::NotFound) => (
                format!("{}: pedido não encontrado", a.label_pt()),
                false,
                None,
            ),
            Err(e) => return err_page(e),
        };
    if !recorded {
        if let Err(e) = store::add_event(&app.db, &t.id, &agent.actor(), a.kind(), &detail).await {
            return err_page(e.into());
        }
    }
    tracing::info!(ticket_id = %id, order_id = ?t.order_id, user = %agent.user.email, action = a.name(), "console action");
    match (a, logs) {
        (Action::Logs, Some(lines)) => html(templates::page(
            "logs.html",
            context! { ..base(&agent), ..context! {
                t => t,
                lines => lines.iter().map(|l| context! {
                    when => sla::format_local(l.at), process => l.process, level => l.level, line => l.line,
                }).collect::<Vec<_>>(),
                max => crate::desk::triage::FULL_LOG_LINES,
            } },
        )),
        _ => Redirect::to(&format!("/admin/tickets/{id}?msg=action#acoes")).into_response(),
    }
}

#[derive(Deserialize)]
struct LinkForm {
    csrf: String,
    article_id: String,
}

async fn link_kb(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> Response {
    let t = match guarded(&app, &agent, &id, &f.csrf).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let a = match store::article(&app.db, &f.article_id).await {
        Ok(Some(a)) => a,
        Ok(None) => return err_page(ServiceError::NotFound),
        Err(e) => return err_page(e.into()),
    };
    match store::link_article(&app.db, &t.id, &a, &agent.actor()).await {
        Ok(()) => back(&id, "kb"),
        Err(e) => err_page(e.into()),
    }
}

// ---- knowledge base: everyone reads, Nível 2+ writes ----

const KB_WRITERS: &str = "Somente Nível 2 (SRE) e Nível 3 (CTO) editam a base de conhecimento.";

async fn kb_list(State(app): St, agent: Agent, Query(q): Query<TicketQuery>) -> Response {
    match store::articles(&app.db).await {
        Ok(a) => html(templates::page(
            "kb_list.html",
            context! { ..base(&agent), ..context! { articles => a, can_edit => agent.user.role >= 2, flash => flash_pt(q.msg.as_deref()) } },
        )),
        Err(e) => err_page(e.into()),
    }
}

async fn kb_view(State(app): St, agent: Agent, Path(id): Path<String>) -> Response {
    match store::article(&app.db, &id).await {
        Ok(Some(a)) => html(templates::page(
            "kb_view.html",
            context! { ..base(&agent), ..context! { updated => sla::format_local(a.updated_at), a => a, can_edit => agent.user.role >= 2 } },
        )),
        Ok(None) => err_page(ServiceError::NotFound),
        Err(e) => err_page(e.into()),
    }
}

async fn kb_new(agent: Agent) -> Response {
    if agent.user.role < 2 {
        return forbidden(KB_WRITERS);
    }
    html(templates::page("kb_edit.html", base(&agent)))
}

async fn kb_edit(State(app): St, agent: Agent, Path(id): Path<String>) -> Response {
    if agent.user.role < 2 {
        return forbidden(KB_WRITERS);
    }
    match store::article(&app.db, &id).await {
        Ok(Some(a)) => html(templates::page(
            "kb_edit.html",
            context! { ..base(&agent), ..context! { a => a } },
        )),
        Ok(None) => err_page(ServiceError::NotFound),
        Err(e) => err_page(e.into()),
    }
}

#[derive(Deserialize)]
struct ArticleForm {
    csrf: String,
    title: String,
    body: String,
}

async fn kb_save(app: &App, agent: &Agent, id: Option<&str>, f: ArticleForm) -> Response {
    if !agent.csrf_ok(&f.csrf) {
        return bad_csrf();
    }
    if agent.user.role < 2 {
        return forbidden(KB_WRITERS);
    }
    if f.title.trim().is_empty() || f.body.trim().is_empty() {
        return service_err(ServiceError::Invalid(
            "Título e texto são obrigatórios.".into(),
        ));
    }
    match store::save_article(&app.db, id, f.title.trim(), &f.body, &agent.user.email).await {
        Ok(id) => Redirect::to(&format!("/admin/kb/{id}")).into_response(),
        Err(e) => err_page(e.into()),
    }
}

async fn kb_create(State(app): St, agent: Agent, Form(f): Form<ArticleForm>) -> Response {
    kb_save(&app, &agent, None, f).await
}

async fn kb_update(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<ArticleForm>,
) -> Response {
    kb_save(&app, &agent, Some(&id), f).await
}

async fn kb_delete(
    State(app): St,
    agent: Agent,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if !agent.csrf_ok(&f.csrf) {
        return bad_csrf();
    }
    if agent.user.role < 2 {
        return forbidden(KB_WRITERS);
    }
    match store::delete_article(&app.db, &id).await {
        Ok(()) => Redirect::to("/admin/kb?msg=deleted").into_response(),
        Err(e) => err_page(e.into()),
    }
}

async fn metrics_page(State(app): St, agent: Agent) -> Response {
    match crate::desk::metrics::current(&app).await {
        Some(m) => html(templates::page(
            "metrics.html",
            context! { ..base(&agent), ..context! { m => m } },
        )),
        None => err_page(ServiceError::Internal("metrics".into())),
    }
}
