//! P1/P2 tickets open an incident (`ops::incidents`): shown on the public
//! `/status` page, with its post-mortem due in 72 h (P1) or 7 days (P2).
//!
//! The incident is public, so its title and summary are written per triage
//! category, never from the customer's text. A storm of tickets about one
//! outage must not flood the status page: a ticket whose category already has
//! an open incident of the same priority is linked to it instead.

use crate::desk::store;
use crate::ops::incidents;
use crate::ops::store::sql;
use crate::service::SResult;
use crate::{iso_at, App};
use serde_json::{json, Value};
use sqlx::Row;

/// Public title and summary of the incident for a triage category.
pub fn public_text(category: &str) -> (&'static str, &'static str) {
    match category {
        "gateway" => (
            "Instabilidade na confirmação de pagamentos",
            "Estamos investigando falhas na comunicação com o Mercado Pago. Pagamentos aprovados \
             serão reconhecidos assim que a comunicação for restabelecida.",
        ),
        "data" => (
            "Arquivos convertidos indisponíveis",
            "Alguns arquivos convertidos não estão disponíveis para download. Estamos investigando.",
        ),
        "conversions" => (
            "Falhas nas conversões",
            "Parte das conversões está falhando. Estamos investigando; pedidos afetados serão \
             reprocessados ou reembolsados.",
        ),
        "queue" => (
            "Conversões atrasadas",
            "A fila de conversões está parada. Estamos investigando; os pedidos pagos serão \
             convertidos assim que ela voltar a andar.",
        ),
        _ => (
            "Instabilidade no serviço",
            "Estamos investigando um problema relatado ao suporte.",
        ),
    }
}

/// Opens (or joins) the incident of a P1/P2 ticket; records the ticket event
/// and returns what the ticket's triage keeps: `{id, priority, title, opened,
/// postmortem_due, status_url}`.
pub async fn open_for_ticket(
    app: &App,
    ticket_id: &str,
    priority: &str,
    category: &str,
) -> SResult<Value> {
    let (title, summary) = public_text(category);
    let existing = sqlx::query(
        "SELECT id FROM incidents WHERE status <> 'resolved' AND title = $1 AND priority = $2 \
         ORDER BY opened_at DESC LIMIT 1",
    )
    .bind(title)
    .bind(priority)
    .fetch_optional(&app.db.pool)
    .await
    .map_err(sql)?;
    let (inc, opened) = match existing {
        Some(r) => {
            let id: String = r.try_get("id").map_err(sql)?;
            match incidents::get(app, &id).await? {
                Some(i) => (i, false),
                None => (
                    incidents::open(app, priority, title, summary, Some(ticket_id)).await?,
                    true,
                ),
            }
        }
        None => (
            incidents::open(app, priority, title, summary, Some(ticket_id)).await?,
            true,
        ),
    };
    let due = inc.postmortem_due_at.map(iso_at);
    let detail = format!(
        "{} {} ({}): {} — público em {}/status{}",
        if opened {
            "incidente aberto"
        } else {
            "vinculado ao incidente já aberto"
        },
        inc.id,
        inc.priority,
        inc.title,
        app.public_url,
        due.as_deref()
            .map(|d| format!("; post-mortem até {d}"))
            .unwrap_or_default()
    );
    store::add_event(&app.db, ticket_id, "triagem", "incident", &detail).await?;
    Ok(json!({
        "id": inc.id,
        "priority": inc.priority,
        "title": inc.title,
        "opened": opened,
        "postmortem_due": due,
        "postmortem_due_ms": inc.postmortem_due_at,
        "status_url": format!("{}/status", app.public_url),
    }))
}
