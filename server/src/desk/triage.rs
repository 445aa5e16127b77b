//! Triage: the runbook's first five steps. [`classify`] holds every priority
//! rule, pure; [`gather`] collects the facts it reads (order, events, the
//! payment at Mercado Pago, platform-wide job and queue figures).
//!
//! Mapping from the runbook's SLA table (the highest matching rule wins):
//!
//! | regra | prioridade | linha da tabela |
//! |---|---|---|
//! | Mercado Pago não responde (erro de rede ou 5xx) ao consultar o pagamento | P1 | pagamentos falhando em massa: o gateway é de todos |
//! | pedido COMPLETED sem o XML no armazenamento | P1 | dados corrompidos |
//! | > 10 % dos jobs terminados na última hora falharam (mínimo 5 jobs) | P2 | conversões com erro persistente |
//! | job mais antigo na fila/execução há > 15 min | P2 | filas travadas |
//! | pagamento aprovado no Mercado Pago e pedido ainda PENDING | P3 | pedido pendente |
//! | pedido PENDING (sem aprovação no gateway) | P3 | pedido pendente |
//! | pedido FAILED | P3 | o usuário não consegue baixar o arquivo |
//! | pedido PAID/PROCESSING parado há > 15 min (o e-mail promete 15 min) | P3 | pedido pendente |
//! | pedido COMPLETED há > 24 h (link expirado) ou descrição fala de download/link | P3 | não consegue baixar |
//! | sem pedido, pedido desconhecido, ou nada errado | P4 | dúvidas, feature requests |

use crate::adapters::db::{EventRow, OrderRow};
use crate::adapters::mercadopago::MpError;
use crate::desk::sla::Priority;
use crate::domain::orders::Status;
use crate::{now_ms, App};
use serde::Serialize;

/// What Mercado Pago said about the order's payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum Gateway {
    /// Not asked (no payment to look up).
    NotAsked,
    /// Answered; the payment's status there.
    Answered(String),
    /// Unreachable or 5xx.
    Failing(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderFacts {
    pub status: Status,
    /// Milliseconds since the order last changed status.
    pub since_change_ms: i64,
    /// `Some(false)` when a COMPLETED order's XML is missing from the store.
    pub result_present: Option<bool>,
}

/// Everything [`classify`] looks at.
#[derive(Debug, Clone, Serialize)]
pub struct Signals {
    /// An order id the customer named (field or text), if any.
    pub order_id: Option<String>,
    /// The order, when the id exists.
    pub order: Option<OrderFacts>,
    pub gateway: Gateway,
    /// Jobs that finished (done or failed) in the last hour, and how many failed.
    pub jobs_finished_last_hour: i64,
    pub jobs_failed_last_hour: i64,
    /// Age of the oldest queued or running job.
    pub oldest_job_age_secs: Option<i64>,
    /// The description talks about downloading / links.
    pub mentions_download: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub priority: Priority,
    /// The winning rule's category: gateway, data, conversions, queue, payment,
    /// order_pending, conversion_failed, processing_late, download, question.
    pub category: &'static str,
    /// Every rule that matched, highest first, in Portuguese.
    pub reasons: Vec<String>,
}

/// The console's Portuguese name of a category.
pub fn category_pt(c: &str) -> &'static str {
    match c {
        "gateway" => "gateway de pagamento",
        "data" => "dados corrompidos",
        "conversions" => "falhas de conversão em massa",
        "queue" => "fila travada",
        "payment" => "pagamento não reconhecido",
        "order_pending" => "pedido pendente",
        "conversion_failed" => "conversão falhou",
        "processing_late" => "conversão atrasada",
        "download" => "download",
        _ => "dúvida / sugestão",
    }
}

pub const FAILED_RATIO_MIN_JOBS: i64 = 5;
pub const STUCK_QUEUE_SECS: i64 = 15 * 60;
pub const LATE_PROCESSING_MS: i64 = 15 * 60 * 1000;
pub const LINK_TTL_MS: i64 = 24 * 3600 * 1000;

/// The priority rules (see the module table).
pub fn classify(s: &Signals) -> Verdict {
    let mut hits: Vec<(Priority, &'static str, String)> = Vec::new();
    if let Gateway::Failing(e) = &s.gateway {
        hits.push((
            Priority::P1,
            "gateway",
            format!("Mercado Pago não responde: {e}"),
        ));
    }
    if let Some(o) = &s.order {
        if o.status == Status::Completed && o.result_present == Some(false) {
            hits.push((
                Priority::P1,
                "data",
                "pedido concluído sem o XML no armazenamento (dados corrompidos)".into(),
            ));
        }
    }
    if s.jobs_finished_last_hour >= FAILED_RATIO_MIN_JOBS
        && s.jobs_failed_last_hour * 10 > s.jobs_finished_last_hour
    {
        hits.push((
            Priority::P2,
            "conversions",
            format!(
                "{} de {} conversões falharam na última hora (> 10 %)",
                s.jobs_failed_last_hour, s.jobs_finished_last_hour
            ),
        ));
    }
    if s.oldest_job_age_secs.is_some_and(|a| a > STUCK_QUEUE_SECS) {
        hits.push((
            Priority::P2,
            "queue",
            format!(
                "fila travada: job mais antigo há {} min",
                s.oldest_job_age_secs.unwrap_or(0) / 60
            ),
        ));
    }
    match &s.order {
        Some(o) => match o.status {
            Status::Pending => {
                if s.gateway == Gateway::Answered("approved".into()) {
                    hits.push((
                        Priority::P3,
                        "payment",
                        "pagamento aprovado no Mercado Pago, mas o pedido continua PENDING".into(),
                    ));
                } else {
                    hits.push((
                        Priority::P3,
                        "order_pending",
                        "pedido pendente: pagamento não localizado".into(),
                    ));
                }
            }
            Status::Failed => hits.push((
                Priority::P3,
                "conversion_failed",
                "a conversão falhou (FAILED)".into(),
            )),
            Status::Paid | Status::Processing if o.since_change_ms > LATE_PROCESSING_MS => hits
                .push((
                    Priority::P3,
                    "processing_late",
                    format!(
                        "pedido {} há {} min (prometemos 15 min)",
                        o.status.as_str(),
                        o.since_change_ms / 60_000
                    ),
                )),
            Status::Completed if o.since_change_ms > LINK_TTL_MS || s.mentions_download => hits
                .push((
                    Priority::P3,
                    "download",
                    if o.since_change_ms > LINK_TTL_MS {
                        "download: o link de 24 h enviado por e-mail expirou".into()
                    } else {
                        "cliente não consegue baixar o arquivo".into()
                    },
                )),
            _ => {}
        },
        None if s.order_id.is_some() => hits.push((
            Priority::P4,
            "question",
            "pedido informado não encontrado".into(),
        )),
        None => {}
    }
    if hits.is_empty() {
        hits.push((
            Priority::P4,
            "question",
            "dúvida ou sugestão: nada de errado no pedido ou na plataforma".into(),
        ));
    }
    hits.sort_by_key(|h| h.0);
    Verdict {
        priority: hits[0].0,
        category: hits[0].1,
        reasons: hits.into_iter().map(|h| h.2).collect(),
    }
}

/// Order ids are UUIDs (`service::create_order`): the field, or the first UUID
/// in the description.
pub fn extract_order_id(field: Option<&str>, text: &str) -> Option<String> {
    if let Some(f) = field.map(str::trim).filter(|f| !f.is_empty()) {
        if let Some(id) = find_uuid(f) {
            return Some(id);
        }
    }
    find_uuid(text)
}

fn find_uuid(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if b.len() < 36 {
        return None;
    }
    (0..=b.len() - 36).find_map(|i| {
        let cand = &b[i..i + 36];
        let shape_ok = cand.iter().enumerate().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
        // Not in the middle of a longer hex run.
        let edge_ok = (i == 0 || !b[i - 1].is_ascii_hexdigit())
            && b.get(i + 36).is_none_or(|c| !c.is_ascii_hexdigit());
        (shape_ok && edge_ok).then(|| String::from_utf8_lossy(cand).to_ascii_lowercase())
    })
}

pub fn mentions_download(text: &str) -> bool {
    let t = text.to_lowercase();
    ["download", "baixar", "link", "expir"]
        .iter()
        .any(|w| t.contains(w))
}

/// How many of the order's log lines the ticket keeps (the console's "Triagem"
/// card); the "ver logs" action reads up to [`FULL_LOG_LINES`] live.
pub const TRIAGE_LOG_LINES: i64 = 50;
pub const FULL_LOG_LINES: i64 = 500;

/// The facts of triage plus what the ticket keeps (the order's timeline and
/// its correlated log lines from the API and every worker).
pub struct Gathered {
    pub signals: Signals,
    pub order: Option<OrderRow>,
    pub events: Vec<EventRow>,
    pub logs: Vec<crate::ops::logs::StoredLine>,
}

/// Steps 1–3: look the order up, its events, its last log lines (step 3's
/// "logs correlacionados", stored by `ops::logs` for every process), its
/// payment at Mercado Pago (through the same client as the webhook), and the
/// platform's figures.
pub async fn gather(app: &App, order_id: Option<String>, descricao: &str) -> Gathered {
    let now = now_ms();
    let order = match &order_id {
        Some(id) => app.db.order(id).await.ok().flatten(),
        None => None,
    };
    let events = match &order {
        Some(o) => app.db.events(&o.id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let logs = match &order {
        Some(o) => crate::ops::logs::for_order(&app.db, &o.id, TRIAGE_LOG_LINES)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let mut gateway = Gateway::NotAsked;
    let mut facts = None;
    if let Some(o) = &order {
        if o.status == Status::Pending {
            if let Some(pid) = &o.payment_id {
                gateway = match app.mp.get_payment(pid).await {
                    Ok(p) => Gateway::Answered(p.status),
                    Err(MpError::Api { status, body }) if status < 500 => {
                        Gateway::Answered(format!("http {status}: {}", truncate(&body, 80)))
                    }
                    Err(e) => Gateway::Failing(truncate(&e.to_string(), 200)),
                };
            }
        }
        let result_present = if o.status == Status::Completed {
            app.blobs
                .exists(&crate::adapters::blob::result_key(&o.id))
                .await
                .ok()
        } else {
            None
        };
        facts = Some(OrderFacts {
            status: o.status,
            since_change_ms: now - o.updated_at,
            result_present,
        });
    }
    let (finished, failed) = crate::desk::store::jobs_last_hour(&app.db, now)
        .await
        .unwrap_or((0, 0));
    let oldest = app
        .db
        .queue_stats()
        .await
        .ok()
        .and_then(|q| q.oldest_age_secs);
    Gathered {
        signals: Signals {
            order_id,
            order: facts,
            gateway,
            jobs_finished_last_hour: finished,
            jobs_failed_last_hour: failed,
            oldest_job_age_secs: oldest,
            mentions_download: mentions_download(descricao),
        },
        order,
        events,
        logs,
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> Signals {
        Signals {
            order_id: None,
            order: None,
            gateway: Gateway::NotAsked,
            jobs_finished_last_hour: 40,
            jobs_failed_last_hour: 1,
            oldest_job_age_secs: Some(3),
            mentions_download: false,
        }
    }

    fn with_order(status: Status, since_min: i64) -> Signals {
        Signals {
            order_id: Some("o".into()),
            order: Some(OrderFacts {
                status,
                since_change_ms: since_min * 60_000,
                result_present: (status == Status::Completed).then_some(true),
            }),
            ..quiet()
        }
    }

    #[test]
    fn questions_without_an_order_are_p4() {
        let v = classify(&quiet());
        assert_eq!((v.priority, v.category), (Priority::P4, "question"));
        let mut s = quiet();
        s.order_id = Some("00000000-0000-4000-8000-000000000000".into());
        let v = classify(&s);
        assert_eq!(v.priority, Priority::P4);
        assert_eq!(v.reasons, ["pedido informado não encontrado"]);
    }

    #[test]
    fn approved_at_the_gateway_but_pending_is_p3_payment() {
        let mut s = with_order(Status::Pending, 10);
        s.gateway = Gateway::Answered("approved".into());
        let v = classify(&s);
        assert_eq!((v.priority, v.category), (Priority::P3, "payment"));
        s.gateway = Gateway::Answered("pending".into());
        assert_eq!(classify(&s).category, "order_pending");
    }

    #[test]
    fn gateway_failing_is_p1_over_everything() {
        let mut s = with_order(Status::Pending, 10);
        s.gateway = Gateway::Failing("connection refused".into());
        let v = classify(&s);
        assert_eq!((v.priority, v.category), (Priority::P1, "gateway"));
        // The order-level reason is still listed.
        assert_eq!(v.reasons.len(), 2);
    }

    #[test]
    fn failed_conversion_is_p3() {
        let v = classify(&with_order(Status::Failed, 5));
        assert_eq!(
            (v.priority, v.category),
            (Priority::P3, "conversion_failed")
        );
    }

    #[test]
    fn download_expired_or_mentioned_is_p3_fresh_completed_is_p4() {
        let v = classify(&with_order(Status::Completed, 25 * 60));
        assert_eq!((v.priority, v.category), (Priority::P3, "download"));
        assert!(v.reasons[0].contains("expirou"));
        let mut s = with_order(Status::Completed, 10);
        assert_eq!(classify(&s).priority, Priority::P4);
        s.mentions_download = true;
        assert_eq!(classify(&s).category, "download");
    }

    #[test]
    fn missing_result_is_corrupted_data_p1() {
        let mut s = with_order(Status::Completed, 10);
        s.order.as_mut().unwrap().result_present = Some(false);
        assert_eq!(classify(&s).category, "data");
        assert_eq!(classify(&s).priority, Priority::P1);
    }

    #[test]
    fn late_processing_is_p3_recent_is_p4() {
        assert_eq!(
            classify(&with_order(Status::Processing, 16)).category,
            "processing_late"
        );
        assert_eq!(
            classify(&with_order(Status::Paid, 2)).priority,
            Priority::P4
        );
    }

    #[test]
    fn more_than_ten_percent_failed_jobs_is_p2() {
        let mut s = with_order(Status::Completed, 1);
        s.jobs_finished_last_hour = 20;
        s.jobs_failed_last_hour = 2; // exactly 10 %: not more than
        assert_eq!(classify(&s).priority, Priority::P4);
        s.jobs_failed_last_hour = 3;
        let v = classify(&s);
        assert_eq!((v.priority, v.category), (Priority::P2, "conversions"));
        assert_eq!(
            v.reasons[0],
            "3 de 20 conversões falharam na última hora (> 10 %)"
        );
        // Too small a sample is not a platform signal.
        s.jobs_finished_last_hour = 4;
        s.jobs_failed_last_hour = 4;
        assert_eq!(classify(&s).priority, Priority::P4);
    }

    #[test]
    fn stuck_queue_is_p2() {
        let mut s = quiet();
        s.oldest_job_age_secs = Some(16 * 60);
        assert_eq!(classify(&s).category, "queue");
        s.oldest_job_age_secs = Some(15 * 60);
        assert_eq!(classify(&s).priority, Priority::P4);
    }

    #[test]
    fn order_ids_from_field_or_text() {
        let id = "3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f";
        assert_eq!(extract_order_id(Some(id), "").as_deref(), Some(id));
        assert_eq!(
            extract_order_id(
                Some(" "),
                &format!("Paguei o pedido {} ontem", id.to_uppercase())
            )
            .as_deref(),
            Some(id)
        );
        assert_eq!(
            extract_order_id(None, &format!("pedido:{id}.")).as_deref(),
            Some(id)
        );
        assert_eq!(extract_order_id(None, "pedido 12345, ajuda"), None);
        // A longer hex run is not an order id.
        assert_eq!(extract_order_id(None, &format!("a{id}")), None);
        assert_eq!(extract_order_id(Some("lixo"), "nada"), None);
    }

    #[test]
    fn download_words() {
        assert!(mentions_download("Não consigo BAIXAR o arquivo"));
        assert!(mentions_download("o link expirou"));
        assert!(!mentions_download("Vocês convertem MPP 2003?"));
    }
}
