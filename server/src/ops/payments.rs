//! `check-payment`: asks Mercado Pago about an order's payments (by our
//! payment id and by `external_reference` = order id), compares with the
//! database and explains any mismatch in plain words. With `fix`, an approved
//! payment the database missed goes through the service's own "payment
//! approved" path (`service::process_payment_as` → `Db::mark_paid`): PENDING →
//! PAID, the job enqueued and the confirmation e-mail, exactly once.

use crate::adapters::mercadopago::Payment;
use crate::domain::orders::{amount_to_cents, format_brl, Status};
use crate::service::{self, SResult, ServiceError};
use crate::App;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct GatewayPayment {
    pub id: String,
    pub status: String,
    pub status_detail: Option<String>,
    pub amount_cents: i64,
    pub method: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PaymentCheck {
    pub order_id: String,
    pub order_status: Status,
    /// Our latest payment record: (id, status).
    pub db_payment: Option<(String, String)>,
    pub gateway_payments: Vec<GatewayPayment>,
    /// `approved_not_recorded`, `amount_mismatch`, `awaiting_payment`, `no_payment`,
    /// `refunded_at_gateway`, `consistent`.
    pub diagnosis: &'static str,
    pub consistent: bool,
    pub fixable: bool,
    pub explanation: String,
    pub fixed: bool,
    pub fix_outcome: Option<&'static str>,
    pub order_status_after: Status,
}

fn gp(p: &Payment) -> GatewayPayment {
    GatewayPayment {
        id: p.id_text(),
        status: p.status.clone(),
        status_detail: p.status_detail.clone(),
        amount_cents: amount_to_cents(p.transaction_amount),
        method: p.payment_method_id.clone(),
    }
}

pub async fn check(app: &App, order_id: &str, fix: bool, actor: &str) -> SResult<PaymentCheck> {
    let order = app
        .db
        .order(order_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let local = app.db.latest_payment(order_id).await?;
    let gw = |e: crate::adapters::mercadopago::MpError| ServiceError::Gateway(e.to_string());
    let mut remote: Vec<Payment> = app
        .mp
        .search_payments(order_id)
        .await
        .map_err(gw)?
        .into_iter()
        .filter(|p| p.external_reference.as_deref() == Some(order_id))
        .collect();
    let known = local
        .as_ref()
        .map(|p| p.id.clone())
        .or(order.payment_id.clone());
    if let Some(pid) = &known {
        if !remote.iter().any(|p| &p.id_text() == pid) {
            match app.mp.get_payment(pid).await {
                Ok(p) => remote.push(p),
                Err(crate::adapters::mercadopago::MpError::Api { status: 404, .. }) => {}
                Err(e) => return Err(gw(e)),
            }
        }
    }
    let approved = remote.iter().find(|p| p.status == "approved");
    let refunded = remote
        .iter()
        .find(|p| p.status == "refunded" || p.status == "charged_back");
    let price = format_brl(order.price_cents);
    let paid_side = matches!(
        order.status,
        Status::Paid | Status::Processing | Status::Completed | Status::Failed
    );
    let (diagnosis, consistent, fixable, explanation) = match (order.status, approved) {
        (Status::Pending, Some(p)) if amount_to_cents(p.transaction_amount) == order.price_cents => (
            "approved_not_recorded",
            false,
            true,
            format!(
                "DIVERGÊNCIA: o Mercado Pago aprovou o pagamento {} ({}), mas o pedido continua PENDING no banco. \
                 A notificação (webhook) não chegou ou falhou. Correção: marcar PAID e enfileirar a conversão \
                 (--fix), depois responder ao cliente com o template \"Pagamento confirmado\".",
                p.id_text(),
                format_brl(amount_to_cents(p.transaction_amount))
            ),
        ),
        (Status::Pending, Some(p)) => (
            "amount_mismatch",
            false,
            false,
            format!(
                "DIVERGÊNCIA: o pagamento {} foi aprovado com valor {} mas o pedido custa {}. Não é corrigido \
                 automaticamente: peça o comprovante (template \"Pagamento não reconhecido\") e avalie reembolso.",
                p.id_text(),
                format_brl(amount_to_cents(p.transaction_amount)),
                price
            ),
        ),
        (Status::Pending, None) if !remote.is_empty() => (
            "awaiting_payment",
            true,
            false,
            format!(
                "Sem divergência: o Mercado Pago ainda não aprovou nenhum pagamento deste pedido ({}). \
                 O pedido continua PENDING corretamente; se o cliente diz que pagou, peça o comprovante.",
                remote
                    .iter()
                    .map(|p| format!("{}: {}", p.id_text(), p.status))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (Status::Pending, None) => (
            "no_payment",
            true,
            false,
            "Sem divergência: não há pagamento no Mercado Pago para este pedido. Se o cliente diz que pagou, \
             peça o comprovante (template \"Pagamento não reconhecido\") e confirme o e-mail usado."
                .to_string(),
        ),
        (_, None) if paid_side && refunded.is_some() => (
            "refunded_at_gateway",
            true,
            false,
            format!(
                "O pagamento {} está {} no Mercado Pago; o pedido está {} no banco (o estorno fica registrado no \
                 reembolso do pedido).",
                refunded.map(|p| p.id_text()).unwrap_or_default(),
                refunded.map(|p| p.status.clone()).unwrap_or_default(),
                order.status.as_str()
            ),
        ),
        (_, None) => (
            "paid_without_gateway_approval",
            false,
            false,
            format!(
                "DIVERGÊNCIA: o pedido está {} no banco, mas o Mercado Pago não mostra pagamento aprovado para ele. \
                 Verifique no painel do Mercado Pago antes de qualquer ação.",
                order.status.as_str()
            ),
        ),
        (_, Some(p)) => (
            "consistent",
            true,
            false,
            format!(
                "Sem divergência: pagamento {} aprovado no Mercado Pago e pedido {} no banco.",
                p.id_text(),
                order.status.as_str()
            ),
        ),
    };
    let mut fixed = false;
    let mut fix_outcome = None;
    if fix && fixable {
        if let Some(p) = approved {
            let outcome = service::process_payment_as(app, &p.id_text(), actor).await?;
            fixed = outcome == "paid";
            fix_outcome = Some(outcome);
            tracing::info!(order_id, payment_id = %p.id_text(), actor, outcome, "check-payment fix");
        }
    }
    let after = app
        .db
        .order(order_id)
        .await?
        .map(|o| o.status)
        .unwrap_or(order.status);
    // The check itself goes on the timeline (who looked, what they found).
    super::store::note(
        &app.db,
        order_id,
        after,
        actor,
        &format!(
            "pagamento verificado no Mercado Pago pelo operador: {diagnosis}{}",
            if fixed {
                " (corrigido: PAID e conversão enfileirada)"
            } else {
                ""
            }
        ),
    )
    .await?;
    tracing::info!(order_id, diagnosis, fix, actor, "payment checked");
    Ok(PaymentCheck {
        order_id: order.id,
        order_status: order.status,
        db_payment: local.map(|p| (p.id, p.status)),
        gateway_payments: remote.iter().map(gp).collect(),
        diagnosis,
        consistent,
        fixable,
        explanation,
        fixed,
        fix_outcome,
        order_status_after: after,
    })
}
