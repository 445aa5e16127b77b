//! The runbook's texts: the acknowledgment, the four reply templates, the
//! resolution (with the CSAT link) and the internal escalation message; plus
//! the console's HTML pages. E-mail templates: first line = subject. The three
//! reply templates are the order pipeline's files (`templates/emails/`: payment
//! confirmed, proof of payment, invalid file, and the refund, which is also the
//! e-mail `ops::refunds` sends), rendered through `crate::templates()`, so a
//! customer gets one wording.

use minijinja::Environment;
use serde::Serialize;
use std::sync::OnceLock;

const SUPPORT: &[(&str, &str)] = &[
    ("ack", include_str!("../../templates/support/ack.txt")),
    (
        "resolved",
        include_str!("../../templates/support/resolved.txt"),
    ),
    (
        "escalation",
        include_str!("../../templates/support/escalation.txt"),
    ),
    (
        "download_link",
        include_str!("../../templates/support/download_link.txt"),
    ),
    (
        "layout.html",
        include_str!("../../templates/support/console/layout.html"),
    ),
    (
        "login.html",
        include_str!("../../templates/support/console/login.html"),
    ),
    (
        "list.html",
        include_str!("../../templates/support/console/list.html"),
    ),
    (
        "ticket.html",
        include_str!("../../templates/support/console/ticket.html"),
    ),
    (
        "kb_list.html",
        include_str!("../../templates/support/console/kb_list.html"),
    ),
    (
        "kb_view.html",
        include_str!("../../templates/support/console/kb_view.html"),
    ),
    (
        "kb_edit.html",
        include_str!("../../templates/support/console/kb_edit.html"),
    ),
    (
        "metrics.html",
        include_str!("../../templates/support/console/metrics.html"),
    ),
    (
        "logs.html",
        include_str!("../../templates/support/console/logs.html"),
    ),
    (
        "csat.html",
        include_str!("../../templates/support/console/csat.html"),
    ),
];

/// The desk's templates (`.html` ones are auto-escaped).
pub fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, src) in SUPPORT {
            env.add_template(name, src)
                .expect("support templates are valid");
        }
        env
    })
}

/// Subject and body of an e-mail template.
pub fn mail(
    env: &Environment<'_>,
    name: &str,
    ctx: impl Serialize,
) -> Result<(String, String), String> {
    let text = env
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| e.to_string())?;
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok((subject.trim().to_string(), body.to_string()))
}

pub fn page(name: &str, ctx: impl Serialize) -> Result<String, String> {
    env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| e.to_string())
}

/// The runbook's reply templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    PaymentConfirmed,
    ProofRequest,
    InvalidFile,
    Refund,
}

impl Reply {
    pub const ALL: [Reply; 4] = [
        Reply::PaymentConfirmed,
        Reply::ProofRequest,
        Reply::InvalidFile,
        Reply::Refund,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Reply::PaymentConfirmed => "payment_confirmed",
            Reply::ProofRequest => "proof_request",
            Reply::InvalidFile => "invalid_file",
            Reply::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<Reply> {
        Reply::ALL.into_iter().find(|r| r.key() == s)
    }

    pub fn label_pt(self) -> &'static str {
        match self {
            Reply::PaymentConfirmed => "Pagamento confirmado e conversão agendada",
            Reply::ProofRequest => "Pagamento não reconhecido — solicitar comprovante",
            Reply::InvalidFile => "Arquivo inválido — solicitar novo arquivo",
            Reply::Refund => "Reembolso / disputa",
        }
    }
}

/// Placeholders of the reply templates, filled from the ticket and its order.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyCtx {
    pub nome: String,
    pub order_id: String,
    pub file_name: String,
    pub order_url: String,
    pub download_url: String,
    pub motivo_reembolso: String,
}

/// Renders a reply: `order_templates` is the order pipeline's environment
/// (`App::templates`), where three of the four live.
pub fn reply(
    order_templates: &Environment<'_>,
    r: Reply,
    ctx: &ReplyCtx,
) -> Result<(String, String), String> {
    match r {
        Reply::PaymentConfirmed => mail(order_templates, "payment_confirmed", ctx),
        Reply::ProofRequest => mail(order_templates, "payment_not_recognised", ctx),
        Reply::InvalidFile => mail(order_templates, "conversion_failed", ctx),
        Reply::Refund => mail(order_templates, "refund", ctx),
    }
}

#[cfg(test)]
mod tests {
    //! Snapshots: the expected Portuguese text is written out here.
    use super::*;
    use minijinja::context;

    fn ctx() -> ReplyCtx {
        ReplyCtx {
            nome: "Ana Souza".into(),
            order_id: "3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f".into(),
            file_name: "plano.mpp".into(),
            order_url: "https://conversormpp.com/pedido/3f2a?token=t".into(),
            download_url: "https://conversormpp.com/api/orders/3f2a/download?token=t".into(),
            motivo_reembolso: "falha técnica na conversão".into(),
        }
    }

    #[test]
    fn acknowledgment_with_an_order() {
        let (s, b) = mail(
            env(),
            "ack",
            context! { nome => "Ana Souza", order_id => "3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f",
            ticket_id => "T-1", sla_response_time => "4 horas úteis" },
        )
        .unwrap();
        assert_eq!(
            s,
            "Recebemos sua solicitação — [order: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f]"
        );
        assert_eq!(
            b,
            "Olá Ana Souza,

Recebemos sua solicitação sobre o pedido 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f. Estamos investigando e retornaremos em até 4 horas úteis.
Se quiser, nos passe um print do comprovante (quando for pagamento) ou o arquivo .mpp (se diferente do original).

Protocolo do atendimento: T-1

Atenciosamente,
Equipe Support — Conversor MPP→XML"
        );
    }

    #[test]
    fn acknowledgment_without_an_order() {
        let (s, b) = mail(
            env(),
            "ack",
            context! { nome => "Bruno", order_id => None::<String>, ticket_id => "T-2",
            sla_response_time => "15 minutos" },
        )
        .unwrap();
        assert_eq!(s, "Recebemos sua solicitação — [chamado: T-2]");
        assert!(b.starts_with(
            "Olá Bruno,\n\nRecebemos sua solicitação. Estamos investigando e retornaremos em até 15 minutos.\n"
        ));
    }

    #[test]
    fn payment_confirmed_reply() {
        let (s, b) = reply(&crate::templates(), Reply::PaymentConfirmed, &ctx()).unwrap();
        assert_eq!(
            s,
            "Pagamento confirmado - Conversão em andamento [order: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f]"
        );
        assert_eq!(
            b,
            "Olá Ana Souza,

Confirmamos o recebimento do seu pagamento! Sua conversão foi iniciada e deve ser concluída em até 15 minutos.

Você receberá o link de download por email assim que a conversão for finalizada.

Order ID: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f
Status: Processando

Acompanhe o pedido: https://conversormpp.com/pedido/3f2a?token=t

Obrigado pela confiança!
Equipe ConversorMPP"
        );
    }

    #[test]
    fn proof_of_payment_reply() {
        let (s, b) = reply(&crate::templates(), Reply::ProofRequest, &ctx()).unwrap();
        assert_eq!(
            s,
            "Verificação de pagamento necessária [order: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f]"
        );
        assert_eq!(
            b,
            "Olá Ana Souza,

Não conseguimos localizar automaticamente seu pagamento no sistema. Para agilizar a resolução:

1. Envie uma foto/print do comprovante de pagamento
2. Confirme se usou o mesmo email do pedido
3. Informe se pagou via PIX ou cartão

Resolveremos em até 4 horas após o recebimento dos dados.

Order ID: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f

Atenciosamente,
Equipe ConversorMPP"
        );
    }

    #[test]
    fn invalid_file_reply() {
        let (s, b) = reply(&crate::templates(), Reply::InvalidFile, &ctx()).unwrap();
        assert_eq!(
            s,
            "Arquivo não pôde ser convertido [order: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f]"
        );
        assert_eq!(
            b,
            "Olá Ana Souza,

Infelizmente seu arquivo .mpp não pôde ser processado. Possíveis causas:

✓ Arquivo corrompido ou muito antigo
✓ Versão incompatível do MS Project
✓ Arquivo muito grande (limite: 50MB)

Solução: Tente um novo upload com um arquivo .mpp recém-salvo ou uma versão mais recente.

Seu pagamento será reembolsado automaticamente se não conseguir nova conversão em 48h.

Order ID: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f

Suporte ConversorMPP"
        );
    }

    #[test]
    fn refund_reply() {
        let (s, b) = reply(&crate::templates(), Reply::Refund, &ctx()).unwrap();
        assert_eq!(
            s,
            "Solicitação de reembolso - Processamento [order: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f]"
        );
        assert_eq!(
            b,
            "Olá Ana Souza,

Recebemos sua solicitação de reembolso. Nossa política:

• Reembolso automático: falhas técnicas do sistema
• Timeline: 3-5 dias úteis para estorno
• Método: mesmo usado no pagamento original

Seu caso será analisado e processado em até 24h.

Order ID: 3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f
Motivo: falha técnica na conversão

Equipe ConversorMPP"
        );
    }

    #[test]
    fn refund_reply_and_refund_email_are_one_text() {
        // The console's draft and the e-mail `ops::refunds` sends render the same file.
        let (s, b) = reply(&crate::templates(), Reply::Refund, &ctx()).unwrap();
        let m = crate::ops::refunds::refund_email(
            "Ana Souza",
            "3f2a9c1e-7b4d-4e8a-9c2b-1a2b3c4d5e6f",
            "ana@example.com",
            "falha técnica na conversão",
        )
        .unwrap();
        assert_eq!((s, b), (m.subject, m.body));
    }

    #[test]
    fn download_link_reply() {
        let (s, b) = mail(
            env(),
            "download_link",
            context! { nome => "Ana Souza", order_id => "o-1", link => "https://s3/x?sig=1",
            expires => "30/11/2026 10:05 (horário de Brasília)" },
        )
        .unwrap();
        assert_eq!(s, "Novo link de download [order: o-1]");
        assert_eq!(
            b,
            "Olá Ana Souza,

Geramos um novo link para baixar o seu arquivo XML (MSPDI):
https://s3/x?sig=1

O link vale por 24 horas (até 30/11/2026 10:05 (horário de Brasília)). Baixe o arquivo antes disso; se o prazo passar, é só responder este e-mail que geramos outro.

Order ID: o-1

Atenciosamente,
Equipe ConversorMPP"
        );
    }

    #[test]
    fn resolution_carries_the_csat_link() {
        let (s, b) = mail(
            env(),
            "resolved",
            context! { nome => "Ana Souza", order_id => "o-1", ticket_id => "T-1",
            resolution => "Geramos um novo link de download.", csat_url => "https://x/csat/abc" },
        )
        .unwrap();
        assert_eq!(s, "Sua solicitação foi resolvida [order: o-1]");
        assert_eq!(
            b,
            "Olá Ana Souza,

Geramos um novo link de download.

Como foi o nosso atendimento? Responda em um clique (nota de 1 a 5):
https://x/csat/abc

Protocolo do atendimento: T-1

Atenciosamente,
Equipe Support — Conversor MPP→XML"
        );
    }

    #[test]
    fn escalation_message() {
        let (s, b) = mail(
            env(),
            "escalation",
            context! { priority => "P2", level => 2, level_name => "SRE / on-call", ticket_id => "T-9",
            actor => "ana@desk", category => "conversions", order_id => "o-1", order_status => "FAILED",
            first_response_due => "29/11/2026 14:05", reason => "muitas falhas", ticket_url => "http://h/admin/tickets/T-9" },
        )
        .unwrap();
        assert_eq!(s, "[P2] Escalonamento para o Nível 2 — chamado T-9");
        assert_eq!(
            b,
            "Chamado T-9 escalonado por ana@desk para o Nível 2 (SRE / on-call).

Prioridade: P2 (conversions)
Pedido: o-1 (FAILED)
Primeira resposta até: 29/11/2026 14:05
Motivo: muitas falhas

Console: http://h/admin/tickets/T-9"
        );
    }

    #[test]
    fn html_pages_escape_customer_text() {
        let html = page(
            "csat.html",
            context! { ticket_id => "<script>", done => false, token => "t" },
        )
        .unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
