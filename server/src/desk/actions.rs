//! The runbook's quick actions as console buttons on a ticket about an order:
//! each calls the same `ops` function as the admin API and the scripts (so the
//! order's timeline records it with the agent's e-mail as actor) and its
//! outcome goes on the ticket's timeline (kind `action_*`, actor `agente:…`).
//!
//! | button | runbook | `ops` call | role |
//! |---|---|---|---|
//! | Verificar pagamento | 1) `check_payment_status.py --order` | `payments::check(fix = false)` | Nível 1+ |
//! | Verificar e corrigir | 1) "Atualizar DB para PAID" (`--fix`) | `payments::check(fix = true)` | Nível 2+ |
//! | Reprocessar | `requeue_order.py --order` | `requeue::requeue` | Nível 1+ |
//! | Gerar link (24 h) | 3) `generate_presigned.py --expires 86400` | `presign::presign` | Nível 1+ |
//! | Ver logs (500 linhas) | 2) logs do worker (últimas 500 linhas) | `logs::for_order` | Nível 1+ |
//! | Reembolsar | Reembolso / disputa | `refunds::refund(manual)` | Nível 2+ |

use crate::desk::store::{self, TicketRow};
use crate::desk::triage::FULL_LOG_LINES;
use crate::ops;
use crate::ops::logs::StoredLine;
use crate::service::{SResult, ServiceError};
use crate::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CheckPayment,
    FixPayment,
    Requeue,
    Presign,
    Logs,
    Refund,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::CheckPayment,
        Action::FixPayment,
        Action::Requeue,
        Action::Presign,
        Action::Logs,
        Action::Refund,
    ];

    /// The URL segment: `/admin/tickets/{id}/actions/{name}`.
    pub fn name(self) -> &'static str {
        match self {
            Action::CheckPayment => "check-payment",
            Action::FixPayment => "fix-payment",
            Action::Requeue => "requeue",
            Action::Presign => "presign",
            Action::Logs => "logs",
            Action::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == s)
    }

    /// The ticket event's kind.
    pub fn kind(self) -> &'static str {
        match self {
            Action::CheckPayment => "action_check_payment",
            Action::FixPayment => "action_fix_payment",
            Action::Requeue => "action_requeue",
            Action::Presign => "action_presign",
            Action::Logs => "action_logs",
            Action::Refund => "action_refund",
        }
    }

    pub fn label_pt(self) -> &'static str {
        match self {
            Action::CheckPayment => "verificar pagamento",
            Action::FixPayment => "verificar e corrigir pagamento",
            Action::Requeue => "reprocessar pedido",
            Action::Presign => "gerar link de download (24 h)",
            Action::Logs => "ver logs (500 linhas)",
            Action::Refund => "reembolsar",
        }
    }

    /// Changing money or the order's state outside the normal flow is Nível 2+.
    pub fn min_role(self) -> i64 {
        match self {
            Action::FixPayment | Action::Refund => 2,
            _ => 1,
        }
    }
}

pub struct Outcome {
    /// What the ticket's timeline says.
    pub detail: String,
    /// The action itself already put its event on this ticket (a refund is
    /// recorded on every open ticket about the order by `ops::refunds`).
    pub recorded: bool,
    /// `Logs`: the lines to show.
    pub logs: Vec<StoredLine>,
}

fn outcome(detail: String) -> Outcome {
    Outcome {
        detail,
        recorded: false,
        logs: Vec::new(),
    }
}

/// Runs an action for the ticket's order as `agent_email` (the ops actor).
/// Refusals by the order's state come back as `Invalid`/`Conflict` with the
/// reason in Portuguese; the caller records them too.
pub async fn run(
    app: &App,
    t: &TicketRow,
    action: Action,
    agent_email: &str,
    reason: &str,
) -> SResult<Outcome> {
    let order_id = t.order_id.as_deref().ok_or_else(|| {
        ServiceError::Invalid("O chamado não tem pedido: nada a fazer no pedido.".into())
    })?;
    Ok(match action {
        Action::CheckPayment | Action::FixPayment => {
            let fix = action == Action::FixPayment;
            let c = ops::payments::check(app, order_id, fix, agent_email).await?;
            outcome(format!(
                "{}: {} — {}{}",
                action.label_pt(),
                c.diagnosis,
                c.explanation,
                match (fix, c.fixed, c.fix_outcome) {
                    (true, true, _) =>
                        " Corrigido: pedido PAID e conversão enfileirada.".to_string(),
                    (true, false, Some(o)) => format!(" Correção: {o}."),
                    (true, false, None) => " Nada a corrigir.".to_string(),
                    _ => String::new(),
                }
            ))
        }
        Action::Requeue => {
            let r = ops::requeue::requeue(app, order_id, false, agent_email).await?;
            outcome(format!("{}: {}", action.label_pt(), r.message))
        }
        Action::Presign => {
            let key = crate::adapters::blob::result_key(order_id);
            let p =
                ops::presign::presign(app, &key, Some(ops::presign::DEFAULT_EXPIRES), agent_email)
                    .await?;
            outcome(format!(
                "link de download gerado para {}, válido por 24 h\nexpira: {} (horário de Brasília)\n{}",
                p.object,
                crate::desk::sla::format_local(
                    crate::now_ms() + p.expires_in * 1000
                ),
                p.url
            ))
        }
        Action::Logs => {
            let lines = ops::logs::for_order(&app.db, order_id, FULL_LOG_LINES).await?;
            Outcome {
                detail: format!(
                    "logs do pedido consultados: {} linha(s) da API e dos workers (últimas {FULL_LOG_LINES})",
                    lines.len()
                ),
                recorded: false,
                logs: lines,
            }
        }
        Action::Refund => {
            let r = ops::refunds::refund(app, order_id, ops::refunds::MANUAL, reason, agent_email)
                .await?;
            let f = &r.refund;
            Outcome {
                detail: if r.created {
                    format!(
                        "reembolso de {} ({}): {} — Mercado Pago refund {}",
                        f.amount,
                        f.kind,
                        f.reason,
                        f.mp_refund_id.as_deref().unwrap_or("—")
                    )
                } else {
                    format!(
                        "pedido já reembolsado ({} por {}, {}): nada feito",
                        f.amount, f.actor, f.kind
                    )
                },
                recorded: r.created && t.status != "resolved",
                logs: Vec::new(),
            }
        }
    })
}

/// The latest link the "gerar link" action made on this ticket, with its
/// expiry text, for the page and the reply draft.
pub fn last_link(events: &[store::TicketEvent]) -> Option<(String, String)> {
    let e = events
        .iter()
        .rev()
        .find(|e| e.kind == Action::Presign.kind())?;
    let url = e
        .detail
        .lines()
        .find(|l| l.starts_with("http://") || l.starts_with("https://"))?;
    let until = e
        .detail
        .lines()
        .find_map(|l| l.strip_prefix("expira: "))
        .unwrap_or_default()
        .to_string();
    Some((url.trim().to_string(), until))
}
