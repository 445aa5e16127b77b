//! Support metrics (the runbook's "Métricas de Support"), computed from the
//! tickets at scrape time like the order gauges, so every process reports the
//! same truth. All values are gauges over all tickets; the Grafana dashboard
//! (`ops/grafana/support-metrics.json`) takes weekly differences.
//!
//! - `support_first_response_seconds_sum{priority}` / `_count{priority}` and
//!   `support_first_response_seconds_mean{priority}`: ticket opened → first
//!   agent message (a reply, or the resolution when it is the first). The
//!   automatic acknowledgment does not count.
//! - `support_first_contact_resolution_ratio`: resolved tickets never escalated
//!   and resolved with at most one reply before the resolution message, over
//!   resolved tickets (`support_tickets_resolved`, `support_tickets_resolved_first_contact`).
//! - `support_csat_score_mean` (1–5), `support_csat_satisfied_ratio` (share of
//!   4 and 5: the usual CSAT score), `support_csat_responses`.
//! - `support_escalations`: escalations to engineering (every escalation goes
//!   to Nível 2 SRE or Nível 3 CTO).
//! - `support_sla_breaches{sla="first_response"|"resolution"}`: tickets whose
//!   clock ran out (answered late, or still waiting past the due time).
//! - `support_tickets_open{priority}`.

use crate::desk::sla::Priority;
use crate::desk::store::{self, TicketRow};
use crate::App;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FirstResponse {
    pub priority: &'static str,
    pub count: i64,
    pub sum_secs: f64,
    pub mean_secs: Option<f64>,
    pub mean_text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SupportMetrics {
    pub tickets: i64,
    pub open: i64,
    pub open_by_priority: Vec<(&'static str, i64)>,
    pub first_response: Vec<FirstResponse>,
    pub resolved: i64,
    pub resolved_first_contact: i64,
    pub fcr_ratio: Option<f64>,
    pub fcr_text: String,
    pub csat_responses: i64,
    pub csat_mean: Option<f64>,
    pub csat_satisfied_ratio: Option<f64>,
    pub csat_text: String,
    pub escalations: i64,
    pub breaches_first_response: i64,
    pub breaches_resolution: i64,
}

fn duration_pt(secs: f64) -> String {
    let s = secs.round() as i64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// Pure: the figures of a set of tickets at `now`.
pub fn compute(tickets: &[TicketRow], now: i64) -> SupportMetrics {
    let first_response = Priority::ALL
        .iter()
        .map(|p| {
            let answered: Vec<f64> = tickets
                .iter()
                .filter(|t| t.priority == p.as_str())
                .filter_map(|t| {
                    t.first_response_at
                        .map(|a| (a - t.created_at) as f64 / 1000.0)
                })
                .collect();
            let sum: f64 = answered.iter().sum();
            let mean = (!answered.is_empty()).then(|| sum / answered.len() as f64);
            FirstResponse {
                priority: p.as_str(),
                count: answered.len() as i64,
                sum_secs: sum,
                mean_secs: mean,
                mean_text: mean.map(duration_pt).unwrap_or_else(|| "—".into()),
            }
        })
        .collect();
    let resolved: Vec<&TicketRow> = tickets.iter().filter(|t| t.status == "resolved").collect();
    let fcr = resolved
        .iter()
        .filter(|t| t.escalations == 0 && t.replies <= 1)
        .count() as i64;
    let fcr_ratio = (!resolved.is_empty()).then(|| fcr as f64 / resolved.len() as f64);
    let scores: Vec<i64> = tickets.iter().filter_map(|t| t.csat_score).collect();
    let csat_mean =
        (!scores.is_empty()).then(|| scores.iter().sum::<i64>() as f64 / scores.len() as f64);
    let csat_sat = (!scores.is_empty())
        .then(|| scores.iter().filter(|s| **s >= 4).count() as f64 / scores.len() as f64);
    SupportMetrics {
        tickets: tickets.len() as i64,
        open: tickets.iter().filter(|t| t.status != "resolved").count() as i64,
        open_by_priority: Priority::ALL
            .iter()
            .map(|p| {
                (
                    p.as_str(),
                    tickets
                        .iter()
                        .filter(|t| t.status != "resolved" && t.priority == p.as_str())
                        .count() as i64,
                )
            })
            .collect(),
        first_response,
        resolved: resolved.len() as i64,
        resolved_first_contact: fcr,
        fcr_ratio,
        fcr_text: format!("{} ({fcr} de {})", pct(fcr_ratio), resolved.len()),
        csat_responses: scores.len() as i64,
        csat_mean,
        csat_satisfied_ratio: csat_sat,
        csat_text: match csat_mean {
            Some(m) => format!(
                "{} · média {:.1} de 5 ({} respostas)",
                pct(csat_sat),
                m,
                scores.len()
            ),
            None => "— (nenhuma resposta)".into(),
        },
        escalations: tickets.iter().map(|t| t.escalations).sum(),
        breaches_first_response: tickets
            .iter()
            .filter(|t| t.first_response_breached(now))
            .count() as i64,
        breaches_resolution: tickets
            .iter()
            .filter(|t| t.resolution_breached(now))
            .count() as i64,
    }
}

pub async fn current(app: &App) -> Option<SupportMetrics> {
    let tickets = store::all_tickets(&app.db).await.ok()?;
    Some(compute(&tickets, crate::now_ms()))
}

/// Sets the gauges before `/metrics` renders.
pub async fn export(app: &App) {
    let Some(m) = current(app).await else {
        return;
    };
    for f in &m.first_response {
        metrics::gauge!("support_first_response_seconds_sum", "priority" => f.priority)
            .set(f.sum_secs);
        metrics::gauge!("support_first_response_seconds_count", "priority" => f.priority)
            .set(f.count as f64);
        metrics::gauge!("support_first_response_seconds_mean", "priority" => f.priority)
            .set(f.mean_secs.unwrap_or(0.0));
    }
    for (p, n) in &m.open_by_priority {
        metrics::gauge!("support_tickets_open", "priority" => *p).set(*n as f64);
    }
    metrics::gauge!("support_tickets").set(m.tickets as f64);
    metrics::gauge!("support_tickets_resolved").set(m.resolved as f64);
    metrics::gauge!("support_tickets_resolved_first_contact").set(m.resolved_first_contact as f64);
    metrics::gauge!("support_first_contact_resolution_ratio").set(m.fcr_ratio.unwrap_or(0.0));
    metrics::gauge!("support_csat_responses").set(m.csat_responses as f64);
    metrics::gauge!("support_csat_score_mean").set(m.csat_mean.unwrap_or(0.0));
    metrics::gauge!("support_csat_satisfied_ratio").set(m.csat_satisfied_ratio.unwrap_or(0.0));
    metrics::gauge!("support_escalations").set(m.escalations as f64);
    metrics::gauge!("support_sla_breaches", "sla" => "first_response")
        .set(m.breaches_first_response as f64);
    metrics::gauge!("support_sla_breaches", "sla" => "resolution")
        .set(m.breaches_resolution as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(priority: &str, created: i64) -> TicketRow {
        TicketRow {
            id: format!("{priority}-{created}"),
            order_id: None,
            nome: "n".into(),
            email: "e@x".into(),
            descricao: "d".into(),
            status: "open".into(),
            priority: priority.into(),
            category: "question".into(),
            level: 1,
            triage: serde_json::Value::Null,
            created_at: created,
            first_response_due: created + 600_000,
            resolution_due: Some(created + 3_600_000),
            postmortem_due: None,
            first_response_at: None,
            resolved_at: None,
            replies: 0,
            escalations: 0,
            csat_token: None,
            csat_score: None,
            updated_at: created,
        }
    }

    #[test]
    fn figures_of_a_small_desk() {
        let mut a = t("P3", 0);
        a.first_response_at = Some(120_000); // 2 min
        a.replies = 1;
        a.status = "resolved".into();
        a.resolved_at = Some(200_000);
        a.csat_score = Some(5);
        let mut b = t("P3", 0);
        b.first_response_at = Some(240_000); // 4 min
        b.replies = 2;
        b.escalations = 1;
        b.status = "resolved".into();
        b.resolved_at = Some(4_000_000); // after the 1 h resolution due
        b.csat_score = Some(2);
        let c = t("P1", 0); // never answered, past due at now
        let m = compute(&[a, b, c], 5_000_000);
        let p3 = m
            .first_response
            .iter()
            .find(|f| f.priority == "P3")
            .unwrap();
        assert_eq!((p3.count, p3.mean_secs), (2, Some(180.0)));
        assert_eq!(p3.mean_text, "3 min");
        assert_eq!(m.first_response[0].mean_secs, None);
        assert_eq!((m.resolved, m.resolved_first_contact), (2, 1));
        assert_eq!(m.fcr_ratio, Some(0.5));
        assert_eq!(m.csat_mean, Some(3.5));
        assert_eq!(m.csat_satisfied_ratio, Some(0.5));
        assert_eq!(m.escalations, 1);
        // c: first response and resolution both late; b: resolution late.
        assert_eq!(m.breaches_first_response, 1);
        assert_eq!(m.breaches_resolution, 2);
        assert_eq!(m.open, 1);
        assert_eq!(m.fcr_text, "50 % (1 de 2)");
    }
}
