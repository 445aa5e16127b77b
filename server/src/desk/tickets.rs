//! Ticket use cases: intake with automatic triage and acknowledgment, replies
//! from the runbook's templates, notes, escalation (Slack or the outbox),
//! resolution with a CSAT survey, and the survey's answer.

use crate::desk::sla::{self, Priority};
use crate::desk::store::{self, Attachment, Mail, TicketRow};
use crate::desk::templates::{self, Reply, ReplyCtx};
use crate::desk::triage;
use crate::domain::orders::{format_brl, Status};
use crate::service::{SResult, ServiceError};
use crate::{iso_at, now_ms, App};
use minijinja::context;
use serde::Serialize;
use serde_json::json;

pub const MAX_ATTACHMENTS: usize = 5;
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

pub struct NewTicket {
    pub id: String,
    pub order_id: Option<String>,
    pub nome: String,
    pub email: String,
    pub descricao: String,
    pub attachments: Vec<Attachment>,
}

pub fn attachment_key(ticket_id: &str, n: usize, file_name: &str) -> String {
    let clean: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let clean = if clean.trim_matches('.').is_empty() {
        "anexo".to_string()
    } else {
        clean
    };
    format!("support/{ticket_id}/{n}-{clean}")
}

fn valid_email(s: &str) -> bool {
    s.len() <= 254 && s.parse::<lettre::Address>().is_ok()
}

/// Checks the form before anything is stored.
pub fn validate(nome: &str, email: &str, descricao: &str) -> SResult<()> {
    if nome.trim().is_empty() || nome.chars().count() > 200 {
        return Err(ServiceError::Invalid("Informe seu nome.".into()));
    }
    if !valid_email(email.trim()) {
        return Err(ServiceError::Invalid("Informe um e-mail válido.".into()));
    }
    if descricao.trim().is_empty() {
        return Err(ServiceError::Invalid("Descreva o problema.".into()));
    }
    if descricao.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ServiceError::Invalid(
            "A descrição passa de 10.000 caracteres.".into(),
        ));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct SlaView {
    pub clock: sla::Clock,
    pub response_time: &'static str,
    pub first_response_due: String,
    pub resolution_due: Option<String>,
    pub postmortem_due: Option<String>,
    pub first_response_due_ms: i64,
    pub resolution_due_ms: Option<i64>,
    pub postmortem_due_ms: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct TicketView {
    pub id: String,
    pub status: String,
    pub priority: String,
    pub priority_label: &'static str,
    pub category: String,
    pub level: i64,
    pub order_id: Option<String>,
    pub nome: String,
    pub email: String,
    pub triage: serde_json::Value,
    pub sla: SlaView,
    pub attachments: Vec<Attachment>,
    pub created_at: String,
}

pub fn view(t: &TicketRow, attachments: Vec<Attachment>) -> TicketView {
    let p = Priority::parse(&t.priority).unwrap_or(Priority::P4);
    TicketView {
        id: t.id.clone(),
        status: t.status.clone(),
        priority: t.priority.clone(),
        priority_label: p.label_pt(),
        category: t.category.clone(),
        level: t.level,
        order_id: t.order_id.clone(),
        nome: t.nome.clone(),
        email: t.email.clone(),
        triage: t.triage.clone(),
        sla: SlaView {
            clock: sla::targets(p).clock,
            response_time: sla::response_time_pt(p),
            first_response_due: iso_at(t.first_response_due),
            resolution_due: t.resolution_due.map(iso_at),
            postmortem_due: t.postmortem_due.map(iso_at),
            first_response_due_ms: t.first_response_due,
            resolution_due_ms: t.resolution_due,
            postmortem_due_ms: t.postmortem_due,
        },
        attachments,
        created_at: iso_at(t.created_at),
    }
}

/// Intake: triage (steps 1–4), the ticket and the acknowledgment (step 5).
pub async fn create(app: &App, n: NewTicket) -> SResult<TicketView> {
    let now = now_ms();
    let order_id = triage::extract_order_id(n.order_id.as_deref(), &n.descricao);
    let g = triage::gather(app, order_id.clone(), &n.descricao).await;
    let verdict = triage::classify(&g.signals);
    let due = sla::due(verdict.priority, now);
    let triage_json = json!({
        "reasons": verdict.reasons,
        "signals": g.signals,
        "order_status": g.order.as_ref().map(|o| o.status),
        "order_events": g.events,
        "logs": g.logs,
    });
    let mut t = TicketRow {
        id: n.id.clone(),
        order_id: order_id.clone(),
        nome: n.nome.trim().to_string(),
        email: n.email.trim().to_string(),
        descricao: n.descricao.clone(),
        status: "open".into(),
        priority: verdict.priority.as_str().into(),
        category: verdict.category.into(),
        level: verdict.priority.initial_level(),
        triage: triage_json,
        created_at: now,
        first_response_due: due.first_response,
        resolution_due: due.resolution,
        postmortem_due: due.postmortem,
        first_response_at: None,
        resolved_at: None,
        replies: 0,
        escalations: 0,
        csat_token: None,
        csat_score: None,
        updated_at: now,
    };
    let (subject, body) = templates::mail(
        templates::env(),
        "ack",
        context! {
            nome => t.nome, order_id => order_id, ticket_id => t.id,
            sla_response_time => sla::response_time_pt(verdict.priority),
        },
    )
    .map_err(ServiceError::Internal)?;
    let ack = Mail {
        ticket_id: t.id.clone(),
        kind: "support_ack".into(),
        to_addr: t.email.clone(),
        subject,
        body,
    };
    let mut events: Vec<(&str, &str, String)> = vec![(
        "cliente",
        "created",
        format!(
            "chamado aberto por {} <{}>{}; {} anexo(s)",
            t.nome,
            t.email,
            order_id
                .as_deref()
                .map(|o| format!(" sobre o pedido {o}"))
                .unwrap_or_default(),
            n.attachments.len()
        ),
    )];
    if let Some(o) = &g.order {
        events.push((
            "triagem",
            "order_state",
            format!(
                "pedido {} em {} ({} eventos anexados)",
                o.id,
                o.status.as_str(),
                g.events.len()
            ),
        ));
    }
    events.push((
        "triagem",
        "triage",
        format!(
            "{} ({}) · Nível {} · {}",
            verdict.priority.as_str(),
            verdict.category,
            t.level,
            verdict.reasons.join("; ")
        ),
    ));
    store::insert_ticket(&app.db, &t, &events, &n.attachments, &ack).await?;
    if matches!(verdict.priority, Priority::P1 | Priority::P2) {
        // After the ticket exists (the incident names it); a failure here is
        // recorded on the ticket, never loses the customer's request.
        match crate::desk::incident::open_for_ticket(
            app,
            &t.id,
            verdict.priority.as_str(),
            verdict.category,
        )
        .await
        {
            Ok(inc) => {
                t.triage["incident"] = inc;
                store::set_triage(&app.db, &t.id, &t.triage).await?;
            }
            Err(e) => {
                tracing::error!(ticket_id = %t.id, error = %e, "incident not opened for a P1/P2 ticket");
                store::add_event(
                    &app.db,
                    &t.id,
                    "triagem",
                    "incident",
                    &format!(
                        "incidente NÃO aberto ({e}): abra com `conversor admin incident open`"
                    ),
                )
                .await?;
            }
        }
    }
    metrics::counter!("support_tickets_created_total", "priority" => verdict.priority.as_str())
        .increment(1);
    tracing::info!(ticket_id = %t.id, order_id = ?t.order_id, priority = verdict.priority.as_str(), category = verdict.category, "support ticket opened");
    Ok(view(&t, n.attachments))
}

pub async fn load(app: &App, id: &str) -> SResult<TicketRow> {
    store::ticket(&app.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Placeholders of the reply templates from the ticket and its order.
pub async fn reply_ctx(app: &App, t: &TicketRow) -> SResult<ReplyCtx> {
    let order = match &t.order_id {
        Some(id) => app.db.order(id).await?,
        None => None,
    };
    let order_id = t
        .order_id
        .clone()
        .unwrap_or_else(|| "(não informado)".into());
    let motivo = match &order {
        Some(o) if o.status == Status::Failed => format!(
            "falha técnica na conversão{}",
            o.failure
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default()
        ),
        _ => "solicitação do cliente".into(),
    };
    Ok(ReplyCtx {
        nome: t.nome.clone(),
        file_name: order
            .as_ref()
            .map(|o| o.file_name.clone())
            .unwrap_or_default(),
        order_url: order
            .as_ref()
            .map(|o| crate::service::order_url(app, &o.id))
            .unwrap_or_default(),
        download_url: order
            .as_ref()
            .map(|o| {
                format!(
                    "{}/api/orders/{}/download?token={}",
                    app.public_url,
                    o.id,
                    crate::domain::tokens::order_token(&app.secret, &o.id)
                )
            })
            .unwrap_or_default(),
        order_id,
        motivo_reembolso: motivo,
    })
}

pub async fn draft(app: &App, t: &TicketRow, r: Reply) -> SResult<(String, String)> {
    let ctx = reply_ctx(app, t).await?;
    templates::reply(&app.templates, r, &ctx).map_err(ServiceError::Internal)
}

pub async fn reply(
    app: &App,
    t: &TicketRow,
    actor: &str,
    template: Option<Reply>,
    subject: &str,
    body: &str,
) -> SResult<()> {
    if subject.trim().is_empty() || body.trim().is_empty() {
        return Err(ServiceError::Invalid(
            "Assunto e mensagem são obrigatórios.".into(),
        ));
    }
    let n = t.replies + 1;
    let mail = Mail {
        ticket_id: t.id.clone(),
        kind: format!("support_reply_{n}"),
        to_addr: t.email.clone(),
        subject: subject.trim().to_string(),
        body: body.to_string(),
    };
    let detail = format!(
        "{}resposta enviada: {}\n\n{}",
        template
            .map(|r| format!("modelo \"{}\" · ", r.label_pt()))
            .unwrap_or_default(),
        mail.subject,
        body
    );
    store::reply(&app.db, &t.id, actor, &mail, &detail).await?;
    Ok(())
}

pub async fn note(app: &App, t: &TicketRow, actor: &str, text: &str) -> SResult<()> {
    if text.trim().is_empty() {
        return Err(ServiceError::Invalid("A nota está vazia.".into()));
    }
    store::add_event(&app.db, &t.id, actor, "note", text.trim()).await?;
    Ok(())
}

/// Where escalations went.
#[derive(Debug, PartialEq, Eq)]
pub enum Channel {
    Slack,
    Outbox,
}

/// Raises the ticket one level: a message to Slack #ops-support through the
/// incoming webhook when `SLACK_WEBHOOK_URL` is set, else an e-mail to the
/// escalation address through the outbox (also the fallback when Slack fails).
pub async fn escalate(app: &App, t: &TicketRow, actor: &str, reason: &str) -> SResult<Channel> {
    if t.level >= 3 {
        return Err(ServiceError::Conflict(
            "O chamado já está no Nível 3.".into(),
        ));
    }
    if reason.trim().is_empty() {
        return Err(ServiceError::Invalid(
            "Informe o motivo do escalonamento.".into(),
        ));
    }
    let level = t.level + 1;
    let order_status = match &t.order_id {
        Some(id) => app
            .db
            .order(id)
            .await?
            .map(|o| o.status.as_str())
            .unwrap_or("não encontrado"),
        None => "—",
    };
    let (subject, body) = templates::mail(
        templates::env(),
        "escalation",
        context! {
            priority => t.priority, level => level, level_name => crate::desk::auth::role_name(level),
            ticket_id => t.id, actor => actor, category => t.category,
            order_id => t.order_id.as_deref().unwrap_or("—"), order_status => order_status,
            first_response_due => sla::format_local(t.first_response_due), reason => reason.trim(),
            ticket_url => format!("{}/admin/tickets/{}", app.public_url, t.id),
        },
    )
    .map_err(ServiceError::Internal)?;
    let mut channel = Channel::Outbox;
    let mut slack_note = String::new();
    if let Some(url) = app
        .cfg
        .slack_webhook_url
        .as_deref()
        .filter(|u| !u.is_empty())
    {
        match post_slack(url, &format!("*{subject}*\n{body}")).await {
            Ok(()) => channel = Channel::Slack,
            Err(e) => {
                tracing::warn!(ticket_id = %t.id, error = %e, "Slack webhook failed; escalation goes to the outbox");
                slack_note = format!(" (Slack falhou: {e})");
            }
        }
    }
    let mail = (channel == Channel::Outbox).then(|| Mail {
        ticket_id: t.id.clone(),
        kind: format!("support_escalation_{}", t.escalations + 1),
        to_addr: app.cfg.support_escalation_email.clone(),
        subject: subject.clone(),
        body: body.clone(),
    });
    let detail = format!(
        "Nível {} → Nível {level} via {}{slack_note}: {}",
        t.level,
        match channel {
            Channel::Slack => "Slack #ops-support",
            Channel::Outbox => "e-mail para a escala (outbox)",
        },
        reason.trim()
    );
    store::escalate(&app.db, &t.id, actor, level, &detail, mail.as_ref()).await?;
    metrics::counter!("support_escalations_sent_total", "channel" => match channel { Channel::Slack => "slack", Channel::Outbox => "outbox" }).increment(1);
    Ok(channel)
}

async fn post_slack(url: &str, text: &str) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let r = client
        .post(url)
        .json(&json!({ "text": text }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", r.status().as_u16()))
    }
}

pub async fn resolve(app: &App, t: &TicketRow, actor: &str, resolution: &str) -> SResult<String> {
    if resolution.trim().is_empty() {
        return Err(ServiceError::Invalid("Descreva a resolução.".into()));
    }
    let token = crate::domain::tokens::random_hex(16);
    let csat_url = format!("{}/csat/{token}", app.public_url);
    let (subject, body) = templates::mail(
        templates::env(),
        "resolved",
        context! {
            nome => t.nome, order_id => t.order_id.as_deref().unwrap_or("—"), ticket_id => t.id,
            resolution => resolution.trim(), csat_url => csat_url,
        },
    )
    .map_err(ServiceError::Internal)?;
    let mail = Mail {
        ticket_id: t.id.clone(),
        kind: "support_resolved".into(),
        to_addr: t.email.clone(),
        subject,
        body,
    };
    let detail = format!(
        "resolvido: {}\npesquisa CSAT: {csat_url}",
        resolution.trim()
    );
    if !store::resolve(&app.db, &t.id, actor, &token, &mail, &detail).await? {
        return Err(ServiceError::Conflict("O chamado já foi resolvido.".into()));
    }
    Ok(csat_url)
}

/// The customer's answer to the survey (1–5), once.
pub async fn csat(app: &App, token: &str, score: i64) -> SResult<bool> {
    if !(1..=5).contains(&score) {
        return Err(ServiceError::Invalid("A nota vai de 1 a 5.".into()));
    }
    let t = store::ticket_by_csat(&app.db, token)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(store::record_csat(&app.db, &t.id, score, "cliente").await?)
}

pub fn price(cents: i64) -> String {
    format_brl(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_keys_stay_under_the_ticket() {
        assert_eq!(
            attachment_key("t1", 0, "../../etc/comprovante PIX.png"),
            "support/t1/0-comprovante_PIX.png"
        );
        assert_eq!(attachment_key("t1", 2, ".."), "support/t1/2-anexo");
        assert_eq!(
            attachment_key("t1", 1, "C:\\docs\\plano.mpp"),
            "support/t1/1-plano.mpp"
        );
    }

    #[test]
    fn form_validation_in_portuguese() {
        assert!(validate("Ana", "ana@example.com", "ajuda").is_ok());
        assert_eq!(
            validate("", "ana@example.com", "x")
                .unwrap_err()
                .to_string(),
            "Informe seu nome."
        );
        assert_eq!(
            validate("Ana", "ana", "x").unwrap_err().to_string(),
            "Informe um e-mail válido."
        );
        assert_eq!(
            validate("Ana", "ana@example.com", "  ")
                .unwrap_err()
                .to_string(),
            "Descreva o problema."
        );
    }
}
