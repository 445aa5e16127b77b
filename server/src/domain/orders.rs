//! The order life cycle `PENDING → PAID → PROCESSING → COMPLETED | FAILED`.
//! [`check_transition`] is the single rule every status change goes through
//! (the database layer calls it before its guarded UPDATE).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pending,
    Paid,
    Processing,
    Completed,
    Failed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Paid,
        Status::Processing,
        Status::Completed,
        Status::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Paid => "PAID",
            Status::Processing => "PROCESSING",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Portuguese label shown to customers.
    pub fn label_pt(self) -> &'static str {
        match self {
            Status::Pending => "Aguardando pagamento",
            Status::Paid => "Pagamento confirmado",
            Status::Processing => "Processando",
            Status::Completed => "Concluído",
            Status::Failed => "Falhou",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("transição inválida: {from:?} → {to:?}")]
pub struct InvalidTransition {
    pub from: Status,
    pub to: Status,
}

/// Allowed moves. A job retried after a crash finds its order already
/// PROCESSING, so PROCESSING → PROCESSING is allowed (it records the retry).
/// FAILED → PROCESSING happens only when an operator requeued the failed
/// order's job (`ops::requeue`, recorded with the operator as actor).
pub fn check_transition(from: Status, to: Status) -> Result<(), InvalidTransition> {
    use Status::*;
    let ok = matches!(
        (from, to),
        (Pending, Paid)
            | (Paid, Processing)
            | (Processing, Processing)
            | (Processing, Completed)
            | (Processing, Failed)
            | (Paid, Failed)
            | (Failed, Processing)
    );
    if ok {
        Ok(())
    } else {
        Err(InvalidTransition { from, to })
    }
}

/// Formats cents as Brazilian reais: 1990 → "R$ 19,90".
pub fn format_brl(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}R$ {},{:02}", c / 100, c % 100)
}

/// Mercado Pago amounts are decimal reais; compare in whole cents.
pub fn amount_to_cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn forward_path_is_allowed() {
        for (a, b) in [
            (Pending, Paid),
            (Paid, Processing),
            (Processing, Completed),
            (Processing, Failed),
        ] {
            assert_eq!(check_transition(a, b), Ok(()));
        }
    }

    #[test]
    fn backwards_skips_and_terminal_moves_are_refused() {
        for (a, b) in [
            (Pending, Processing),
            (Pending, Completed),
            (Paid, Paid),
            (Paid, Pending),
            (Completed, Failed),
            (Completed, Processing),
            (Failed, Paid),
            (Failed, Completed),
        ] {
            assert_eq!(
                check_transition(a, b),
                Err(InvalidTransition { from: a, to: b })
            );
        }
    }

    #[test]
    fn an_operator_requeue_reprocesses_a_failed_order() {
        assert_eq!(check_transition(Failed, Processing), Ok(()));
        assert!(check_transition(Failed, Completed).is_err());
    }

    #[test]
    fn status_round_trips_through_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("paid"), None);
    }

    #[test]
    fn money() {
        assert_eq!(format_brl(1990), "R$ 19,90");
        assert_eq!(format_brl(5), "R$ 0,05");
        assert_eq!(amount_to_cents(19.9), 1990);
        assert_eq!(amount_to_cents(19.899999), 1990);
    }
}
