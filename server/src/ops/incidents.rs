//! Incidents: opened (by an operator, or by the support desk for P1/P2
//! tickets), updated until resolved, shown on the public `/status` page.
//! Opening a P1 or P2 incident creates its post-mortem document from the
//! template below (timeline, root cause, lessons), stored in the database and
//! in the object store as `postmortems/{id}.md`, due in 72 h (P1) or 7 days (P2).

use super::store;
use crate::adapters::db::DbResult;
use crate::service::{SResult, ServiceError};
use crate::{iso_at, now_ms, App};
use serde::Serialize;
use sqlx::Row;

pub const STATUSES: [&str; 4] = ["investigating", "identified", "monitoring", "resolved"];
/// How long a resolved incident stays on the status page.
pub const RECENT_DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct Update {
    pub status: String,
    pub message: String,
    pub actor: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub id: String,
    pub priority: String,
    pub title: String,
    pub summary: String,
    pub status: String,
    pub ticket_id: Option<String>,
    pub actor: String,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
    pub postmortem_key: Option<String>,
    pub postmortem_due_at: Option<i64>,
    pub updates: Vec<Update>,
}

/// Post-mortem due time after opening, for priorities that need one.
pub fn postmortem_due_ms(priority: &str) -> Option<i64> {
    match priority {
        "P1" => Some(72 * 3600 * 1000),
        "P2" => Some(7 * 24 * 3600 * 1000),
        _ => None,
    }
}

/// The post-mortem template (docs/runbooks/post-mortem-template.md of the runbook).
pub fn postmortem_template(inc: &Incident, due_at: i64) -> String {
    format!(
        "# Post-mortem: {title}\n\n\
         - Incidente: `{id}` ({priority})\n\
         - Aberto em: {opened}\n\
         - Ticket: {ticket}\n\
         - Responsável: {actor}\n\
         - Prazo do post-mortem: {due}\n\n\
         ## Resumo\n\n{summary}\n\n\
         ## Impacto\n\n- Clientes/pedidos afetados:\n- Duração:\n\n\
         ## Linha do tempo (UTC)\n\n- {opened} — incidente aberto ({priority})\n- \n\n\
         ## Causa raiz\n\n- \n\n\
         ## Solução temporária e correção definitiva\n\n- \n\n\
         ## Lições aprendidas\n\n- O que funcionou:\n- O que não funcionou:\n\n\
         ## Ações\n\n| Ação | Dono | Prazo |\n| --- | --- | --- |\n|  |  |  |\n",
        title = inc.title,
        id = inc.id,
        priority = inc.priority,
        opened = iso_at(inc.opened_at),
        ticket = inc.ticket_id.as_deref().unwrap_or("—"),
        actor = inc.actor,
        due = iso_at(due_at),
        summary = inc.summary,
    )
}

/// Opens an incident on behalf of the support desk (P1/P2 tickets).
pub async fn open(
    app: &App,
    priority: &str,
    title: &str,
    summary: &str,
    ticket_id: Option<&str>,
) -> SResult<Incident> {
    open_as(app, priority, title, summary, ticket_id, "support-desk").await
}

pub async fn open_as(
    app: &App,
    priority: &str,
    title: &str,
    summary: &str,
    ticket_id: Option<&str>,
    actor: &str,
) -> SResult<Incident> {
    if !["P1", "P2", "P3", "P4"].contains(&priority) {
        return Err(ServiceError::Invalid(
            "priority deve ser P1, P2, P3 ou P4.".into(),
        ));
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ServiceError::Invalid(
            "Informe um título (até 200 caracteres).".into(),
        ));
    }
    let now = now_ms();
    let mut inc = Incident {
        id: store::new_id(),
        priority: priority.into(),
        title: title.into(),
        summary: summary.trim().into(),
        status: "investigating".into(),
        ticket_id: ticket_id.map(str::to_string),
        actor: actor.into(),
        opened_at: now,
        resolved_at: None,
        postmortem_key: None,
        postmortem_due_at: None,
        updates: Vec::new(),
    };
    let mut md = None;
    if let Some(due) = postmortem_due_ms(priority) {
        let key = format!("postmortems/{}.md", inc.id);
        let doc = postmortem_template(&inc, now + due);
        app.blobs.put(&key, doc.clone().into_bytes()).await?;
        inc.postmortem_key = Some(key);
        inc.postmortem_due_at = Some(now + due);
        md = Some(doc);
    }
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO incidents (id, priority, title, summary, status, ticket_id, actor, opened_at, resolved_at, \
         postmortem_key, postmortem_md, postmortem_due_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULL,$9,$10,$11)",
    )
    .bind(&inc.id)
    .bind(&inc.priority)
    .bind(&inc.title)
    .bind(&inc.summary)
    .bind(&inc.status)
    .bind(&inc.ticket_id)
    .bind(&inc.actor)
    .bind(now)
    .bind(&inc.postmortem_key)
    .bind(md)
    .bind(inc.postmortem_due_at)
    .execute(&mut *tx)
    .await
    .map_err(store::sql)?;
    insert_update(&mut tx, &inc.id, "investigating", &inc.summary, actor).await?;
    tx.commit().await.map_err(store::sql)?;
    tracing::warn!(incident_id = %inc.id, priority, actor, "incident opened");
    get(app, &inc.id).await?.ok_or(ServiceError::NotFound)
}

async fn insert_update(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    status: &str,
    message: &str,
    actor: &str,
) -> SResult<()> {
    sqlx::query("INSERT INTO incident_updates (id, incident_id, status, message, actor, at) VALUES ($1,$2,$3,$4,$5,$6)")
        .bind(store::new_id())
        .bind(id)
        .bind(status)
        .bind(message)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(store::sql)?;
    Ok(())
}

/// A public update; `resolved` closes the incident.
pub async fn update(
    app: &App,
    id: &str,
    status: &str,
    message: &str,
    actor: &str,
) -> SResult<Incident> {
    if !STATUSES.contains(&status) {
        return Err(ServiceError::Invalid(format!(
            "status deve ser um de: {}",
            STATUSES.join(", ")
        )));
    }
    if message.trim().is_empty() {
        return Err(ServiceError::Invalid(
            "Informe a mensagem da atualização.".into(),
        ));
    }
    let inc = get(app, id).await?.ok_or(ServiceError::NotFound)?;
    if inc.status == "resolved" {
        return Err(ServiceError::Conflict("Incidente já resolvido.".into()));
    }
    let mut tx = app.db.begin().await?;
    let resolved_at = (status == "resolved").then(now_ms);
    sqlx::query("UPDATE incidents SET status = $1, resolved_at = $2 WHERE id = $3")
        .bind(status)
        .bind(resolved_at)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(store::sql)?;
    insert_update(&mut tx, id, status, message.trim(), actor).await?;
    tx.commit().await.map_err(store::sql)?;
    tracing::info!(incident_id = %id, status, actor, "incident updated");
    get(app, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn resolve(app: &App, id: &str, message: &str, actor: &str) -> SResult<Incident> {
    update(app, id, "resolved", message, actor).await
}

fn inc_from(r: &sqlx::any::AnyRow) -> DbResult<Incident> {
    Ok(Incident {
        id: r.try_get("id")?,
        priority: r.try_get("priority")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        status: r.try_get("status")?,
        ticket_id: r.try_get("ticket_id")?,
        actor: r.try_get("actor")?,
        opened_at: r.try_get("opened_at")?,
        resolved_at: r.try_get("resolved_at")?,
        postmortem_key: r.try_get("postmortem_key")?,
        postmortem_due_at: r.try_get("postmortem_due_at")?,
        updates: Vec::new(),
    })
}

async fn with_updates(app: &App, mut inc: Incident) -> DbResult<Incident> {
    let rows = sqlx::query("SELECT status, message, actor, at FROM incident_updates WHERE incident_id = $1 ORDER BY at DESC, id DESC")
        .bind(&inc.id)
        .fetch_all(&app.db.pool)
        .await?;
    inc.updates = rows
        .iter()
        .map(|r| {
            Ok(Update {
                status: r.try_get("status")?,
                message: r.try_get("message")?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<DbResult<_>>()?;
    Ok(inc)
}

pub async fn get(app: &App, id: &str) -> DbResult<Option<Incident>> {
    let r = sqlx::query("SELECT * FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?;
    match r.as_ref().map(inc_from).transpose()? {
        Some(i) => Ok(Some(with_updates(app, i).await?)),
        None => Ok(None),
    }
}

/// The post-mortem document (Markdown) of an incident.
pub async fn postmortem(app: &App, id: &str) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT postmortem_md FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(&app.db.pool)
            .await?
            .flatten(),
    )
}

/// Open incidents and those resolved in the last [`RECENT_DAYS`], newest first.
pub async fn for_status_page(app: &App) -> DbResult<(Vec<Incident>, Vec<Incident>)> {
    let rows = sqlx::query(
        "SELECT * FROM incidents WHERE status <> 'resolved' OR resolved_at > $1 ORDER BY opened_at DESC LIMIT 50",
    )
    .bind(now_ms() - RECENT_DAYS * 24 * 3600 * 1000)
    .fetch_all(&app.db.pool)
    .await?;
    let (mut open, mut resolved) = (Vec::new(), Vec::new());
    for r in &rows {
        let inc = with_updates(app, inc_from(r)?).await?;
        if inc.status == "resolved" {
            resolved.push(inc);
        } else {
            open.push(inc);
        }
    }
    Ok((open, resolved))
}

pub async fn list(app: &App) -> DbResult<Vec<Incident>> {
    let rows = sqlx::query("SELECT * FROM incidents ORDER BY opened_at DESC LIMIT 200")
        .fetch_all(&app.db.pool)
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        out.push(with_updates(app, inc_from(r)?).await?);
    }
    Ok(out)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "investigating" => "Investigando",
        "identified" => "Causa identificada",
        "monitoring" => "Monitorando",
        "resolved" => "Resolvido",
        _ => "Em andamento",
    }
}

/// Brasília time for the public page (UTC−3, no daylight saving since 2019).
fn br_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(time::UtcOffset::from_hms(-3, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{:02}/{:02}/{} {:02}:{:02} (horário de Brasília)",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

fn incident_html(i: &Incident) -> String {
    let updates: String = i
        .updates
        .iter()
        .map(|u| {
            format!(
                "<li><strong>{}</strong> — {}<br><small>{}</small></li>",
                status_label(&u.status),
                esc(&u.message),
                br_time(u.at)
            )
        })
        .collect();
    format!(
        "<article class=\"card incident {status}\"><h3>{title} <small>({prio})</small></h3>\
         <p>Situação: <strong>{label}</strong> · aberto em {opened}{resolved}</p><ul>{updates}</ul></article>",
        status = esc(&i.status),
        title = esc(&i.title),
        prio = esc(&i.priority),
        label = status_label(&i.status),
        opened = br_time(i.opened_at),
        resolved = i
            .resolved_at
            .map(|t| format!(" · resolvido em {}", br_time(t)))
            .unwrap_or_default(),
    )
}

/// "1 incidente em andamento", "2 incidentes em andamento".
pub fn open_count_pt(n: usize) -> String {
    if n == 1 {
        "1 incidente em andamento".into()
    } else {
        format!("{n} incidentes em andamento")
    }
}

/// The public status page, server-rendered in Portuguese.
pub fn status_html(open: &[Incident], resolved: &[Incident]) -> String {
    let banner = if open.is_empty() {
        "<p class=\"card ok\" id=\"overall\">✅ Todos os sistemas operacionais</p>".to_string()
    } else {
        format!(
            "<p class=\"card err\" id=\"overall\">⚠️ {}</p>",
            open_count_pt(open.len())
        )
    };
    let open_html: String = open.iter().map(incident_html).collect();
    let resolved_html: String = if resolved.is_empty() {
        format!("<p>Nenhum incidente nos últimos {RECENT_DAYS} dias.</p>")
    } else {
        resolved.iter().map(incident_html).collect()
    };
    format!(
        "<!doctype html>\n<html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Status — Conversor MPP → XML</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\
         <body><h1>Status do Conversor MPP → XML</h1>{banner}\
         <h2>Incidentes em andamento</h2>{open}\
         <h2>Resolvidos recentemente</h2>{resolved}\
         <p><small>Dados também em <a href=\"/status.json\">/status.json</a>.</small></p></body></html>\n",
        open = if open.is_empty() {
            "<p>Nenhum.</p>".to_string()
        } else {
            open_html
        },
        resolved = resolved_html,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(status: &str) -> Incident {
        Incident {
            id: "i1".into(),
            priority: "P1".into(),
            title: "Pagamentos <falhando>".into(),
            summary: "PIX não confirma".into(),
            status: status.into(),
            ticket_id: None,
            actor: "sre".into(),
            opened_at: 1_700_000_000_000,
            resolved_at: None,
            postmortem_key: None,
            postmortem_due_at: None,
            updates: vec![Update {
                status: status.into(),
                message: "Investigando o gateway".into(),
                actor: "sre".into(),
                at: 1_700_000_000_000,
            }],
        }
    }

    #[test]
    fn status_page_says_all_clear_or_lists_incidents_escaped() {
        let html = status_html(&[], &[]);
        assert!(html.contains("Todos os sistemas operacionais"));
        let html = status_html(&[inc("investigating")], &[]);
        assert!(!html.contains("Todos os sistemas operacionais"));
        assert!(html.contains("Pagamentos &lt;falhando&gt;"));
        assert!(html.contains("Investigando o gateway"));
        assert!(html.contains("14/11/2023 19:13 (horário de Brasília)"));
    }

    #[test]
    fn postmortem_due_by_priority_and_template_sections() {
        assert_eq!(postmortem_due_ms("P1"), Some(72 * 3600 * 1000));
        assert_eq!(postmortem_due_ms("P2"), Some(7 * 24 * 3600 * 1000));
        assert_eq!(postmortem_due_ms("P3"), None);
        let md = postmortem_template(&inc("investigating"), 1_700_259_200_000);
        for s in [
            "## Linha do tempo",
            "## Causa raiz",
            "## Lições aprendidas",
            "2023-11-17T22:13:20Z",
        ] {
            assert!(md.contains(s), "{s} missing:\n{md}");
        }
    }
}
