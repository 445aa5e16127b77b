//! Use cases. Handlers and the worker call these; they hold the rules of the
//! flow and talk to the adapters, never to HTTP.

use crate::adapters::blob::{result_key, upload_key};
use crate::adapters::db::{DbError, NewEmail, OrderRow, PaymentRow};
use crate::adapters::mercadopago::{CreatePayment, Identification, Payer};
use crate::domain::conversion::{self, Preview, Rejected};
use crate::domain::orders::{amount_to_cents, format_brl, Status};
use crate::domain::tokens;
use crate::{now_ms, App};
use serde::Serialize;
use std::path::Path;

pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;
pub const LINK_TTL_SECS: i64 = 24 * 3600;

/// Failures of a use case, each with a status class and a Portuguese message.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Rejected(Rejected),
    #[error("Pedido não encontrado.")]
    NotFound,
    #[error("Acesso negado a este pedido.")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("O arquivo é maior que o limite de 50 MB.")]
    TooLarge,
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Gone(String),
    #[error("Falha ao falar com o meio de pagamento: {0}")]
    Gateway(String),
    #[error("erro interno: {0}")]
    Internal(String),
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        ServiceError::Internal(e.to_string())
    }
}

impl From<object_store::Error> for ServiceError {
    fn from(e: object_store::Error) -> Self {
        ServiceError::Internal(format!("armazenamento: {e}"))
    }
}

pub type SResult<T> = Result<T, ServiceError>;

#[derive(Debug, Serialize)]
pub struct OrderView {
    pub id: String,
    pub status: Status,
    pub status_label: String,
    pub file_name: String,
    pub file_size: i64,
    pub price_cents: i64,
    pub price: String,
    pub currency: String,
    pub preview: Preview,
    pub failure: Option<String>,
    pub payment: Option<PaymentView>,
    pub test_mode: bool,
    pub download_url: Option<String>,
    pub events: Vec<crate::adapters::db::EventRow>,
}

#[derive(Debug, Serialize)]
pub struct PaymentView {
    pub id: String,
    pub method: String,
    pub status: String,
    pub qr_code: Option<String>,
    pub qr_svg: Option<String>,
    pub ticket_url: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub id: String,
    pub access_token: String,
    pub order_url: String,
    pub order: OrderView,
}

fn valid_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254 && s.parse::<lettre::Address>().is_ok()
}

/// Validates an upload already streamed to `tmp`, stores it and opens the order.
pub async fn create_order(
    app: &App,
    name: &str,
    email: &str,
    file_name: &str,
    tmp: &Path,
) -> SResult<Created> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServiceError::Invalid("Informe seu nome.".into()));
    }
    if !valid_email(email) {
        return Err(ServiceError::Invalid("Informe um e-mail válido.".into()));
    }
    // The upload stays on disk: validated through a file reader, stored by
    // a multipart put streamed from the file.
    let size = tokio::fs::metadata(tmp)
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .len();
    if size == 0 {
        return Err(ServiceError::Invalid("Nenhum arquivo enviado.".into()));
    }
    if size > MAX_UPLOAD_BYTES {
        return Err(ServiceError::TooLarge);
    }
    let path = tmp.to_path_buf();
    let checked = tokio::task::spawn_blocking(move || conversion::preview_file(&path))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let preview = checked.map_err(ServiceError::Rejected)?;
    let id = uuid::Uuid::new_v4().to_string();
    let size = size as i64;
    app.blobs.put_file(&upload_key(&id), tmp).await?;
    let now = now_ms();
    let order = OrderRow {
        id: id.clone(),
        status: Status::Pending,
        customer_name: name.to_string(),
        email: email.trim().to_string(),
        file_name: sanitize_file_name(file_name),
        file_size: size,
        price_cents: app.cfg.price_cents,
        currency: "BRL".into(),
        tasks: preview.tasks,
        resources: preview.resources,
        assignments: preview.assignments,
        calendars: preview.calendars,
        mpp_version: preview.version.clone(),
        payment_id: None,
        failure: None,
        created_at: now,
        updated_at: now,
    };
    app.db.insert_order(&order, "api").await?;
    metrics::counter!("orders_created_total").increment(1);
    tracing::info!(order_id = %id, size, tasks = preview.tasks, "order created");
    let token = tokens::order_token(&app.secret, &id);
    Ok(Created {
        order_url: order_url(app, &id),
        access_token: token,
        order: view(app, order, None, Vec::new()),
        id,
    })
}

fn sanitize_file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() {
        "projeto.mpp".into()
    } else {
        clean
    }
}

pub fn order_url(app: &App, id: &str) -> String {
    format!(
        "{}/pedido/{id}?token={}",
        app.public_url,
        tokens::order_token(&app.secret, id)
    )
}

fn api_download_url(app: &App, id: &str) -> String {
    format!(
        "{}/api/orders/{id}/download?token={}",
        app.public_url,
        tokens::order_token(&app.secret, id)
    )
}

fn view(
    app: &App,
    o: OrderRow,
    p: Option<PaymentRow>,
    events: Vec<crate::adapters::db::EventRow>,
) -> OrderView {
    let download_url = (o.status == Status::Completed).then(|| api_download_url(app, &o.id));
    OrderView {
        status_label: o.status.label_pt().into(),
        price: format_brl(o.price_cents),
        preview: Preview {
            version: o.mpp_version.clone(),
            tasks: o.tasks,
            resources: o.resources,
            assignments: o.assignments,
            calendars: o.calendars,
        },
        payment: p.map(|p| PaymentView {
            qr_svg: p.qr_code.as_deref().map(crate::qr_svg),
            id: p.id,
            method: p.method,
            status: p.status,
            qr_code: p.qr_code,
            ticket_url: p.ticket_url,
            expires_at: p.expires_at,
        }),
        test_mode: app.sandbox.is_some(),
        download_url,
        id: o.id,
        status: o.status,
        file_name: o.file_name,
        file_size: o.file_size,
        price_cents: o.price_cents,
        currency: o.currency,
        failure: o.failure,
        events,
    }
}

/// Loads an order the caller may read (its access token checked).
pub async fn authorized_order(app: &App, id: &str, token: &str) -> SResult<OrderRow> {
    if !tokens::check_order_token(&app.secret, id, token) {
        // Same answer whether or not the id exists.
        return Err(ServiceError::Forbidden);
    }
    app.db.order(id).await?.ok_or(ServiceError::NotFound)
}

pub async fn get_order(app: &App, id: &str, token: &str) -> SResult<OrderView> {
    let o = authorized_order(app, id, token).await?;
    let p = app.db.latest_payment(id).await?;
    let events = app.db.events(id).await?;
    Ok(view(app, o, p, events))
}

#[derive(Debug, serde::Deserialize)]
pub struct PaymentRequest {
    /// `pix` or `card`.
    pub method: String,
    /// Card token from Mercado Pago's card form (card only).
    pub card_token: Option<String>,
    /// Card brand (`visa`, `master`, ...), card only.
    pub payment_method_id: Option<String>,
    pub installments: Option<u32>,
    pub cpf: Option<String>,
}

/// Starts a payment. One idempotency key per order and method, so a double
/// click or a retried request reuses the same Mercado Pago payment.
pub async fn create_payment(
    app: &App,
    id: &str,
    token: &str,
    req: PaymentRequest,
) -> SResult<PaymentView> {
    let o = authorized_order(app, id, token).await?;
    if o.status != Status::Pending {
        return Err(ServiceError::Conflict("Este pedido já foi pago.".into()));
    }
    let (method_id, card_token) = match req.method.as_str() {
        "pix" => ("pix".to_string(), None),
        "card" => {
            let t = req
                .card_token
                .filter(|t| !t.is_empty())
                .ok_or_else(|| ServiceError::Invalid("Informe os dados do cartão.".into()))?;
            (
                req.payment_method_id.unwrap_or_else(|| "visa".into()),
                Some(t),
            )
        }
        _ => {
            return Err(ServiceError::Invalid(
                "Forma de pagamento inválida: use pix ou card.".into(),
            ))
        }
    };
    let idem = format!(
        "order-{}-{}-{}",
        o.id,
        req.method,
        card_token
            .as_deref()
            .map(|t| tokens::hmac_hex(b"card", t.as_bytes()))
            .unwrap_or_default()
            .get(..12)
            .unwrap_or("")
    );
    let expires = crate::iso_at(now_ms() + 30 * 60 * 1000);
    let cpf = req
        .cpf
        .map(|c| c.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|c| c.len() == 11);
    let body = CreatePayment {
        transaction_amount: o.price_cents as f64 / 100.0,
        description: format!("Conversão MPP→XML: {}", o.file_name),
        payment_method_id: method_id,
        token: card_token,
        installments: req.installments.unwrap_or(1).clamp(1, 12),
        payer: Payer {
            email: o.email.clone(),
            identification: cpf.map(|number| Identification {
                kind: "CPF".into(),
                number,
            }),
        },
        external_reference: o.id.clone(),
        notification_url: format!("{}/webhooks/mercadopago", app.public_url),
        date_of_expiration: (req.method == "pix").then_some(expires),
    };
    let p = app
        .mp
        .create_payment(&body, &idem)
        .await
        .map_err(|e| ServiceError::Gateway(e.to_string()))?;
    let td = p.transaction_data();
    let row = PaymentRow {
        id: p.id_text(),
        order_id: o.id.clone(),
        method: req.method.clone(),
        status: p.status.clone(),
        amount_cents: amount_to_cents(p.transaction_amount),
        qr_code: td.qr_code,
        qr_code_base64: td.qr_code_base64,
        ticket_url: td.ticket_url,
        expires_at: p.date_of_expiration.clone(),
        idempotency_key: idem,
    };
    app.db.insert_payment(&row).await?;
    tracing::info!(order_id = %o.id, payment_id = %row.id, method = %row.method, status = %row.status, "payment created");
    Ok(PaymentView {
        qr_svg: row.qr_code.as_deref().map(crate::qr_svg),
        id: row.id,
        method: row.method,
        status: row.status,
        qr_code: row.qr_code,
        ticket_url: row.ticket_url,
        expires_at: row.expires_at,
    })
}

/// Test mode only: the page's "approve" button, acting as the sandbox operator.
pub async fn sandbox_approve(app: &App, id: &str, token: &str) -> SResult<()> {
    let Some(sb) = &app.sandbox else {
        return Err(ServiceError::NotFound);
    };
    let o = authorized_order(app, id, token).await?;
    let p = app
        .db
        .latest_payment(&o.id)
        .await?
        .ok_or_else(|| ServiceError::Conflict("Nenhum pagamento criado.".into()))?;
    sb.settle(&p.id, "approved", "accredited", None)
        .await
        .ok_or(ServiceError::NotFound)?;
    Ok(())
}

pub struct WebhookInput {
    pub data_id: Option<String>,
    pub kind: Option<String>,
    pub x_signature: Option<String>,
    pub x_request_id: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum WebhookCheck {
    /// Authentic and new: process payment `id`.
    Process(String),
    /// Authentic but nothing to do (another topic or a replay).
    Ignore(&'static str),
}

/// Step one, before answering: authenticity (HMAC over the documented
/// manifest, constant time), freshness of `ts`, and replays.
pub async fn check_webhook(app: &App, w: &WebhookInput) -> SResult<WebhookCheck> {
    let outcome =
        |o: &'static str| metrics::counter!("webhooks_total", "outcome" => o).increment(1);
    let header = w.x_signature.as_deref().unwrap_or("");
    let (ts, v1) = tokens::parse_x_signature(header);
    let (Some(ts), Some(v1)) = (ts, v1) else {
        outcome("unsigned");
        return Err(ServiceError::Unauthorized("assinatura ausente".into()));
    };
    let manifest = tokens::mp_manifest(w.data_id.as_deref(), w.x_request_id.as_deref(), Some(&ts));
    if app.mp_webhook_secret.is_empty()
        || !tokens::verify_hex(app.mp_webhook_secret.as_bytes(), manifest.as_bytes(), &v1)
    {
        outcome("forged");
        tracing::warn!(data_id = ?w.data_id, "webhook with an invalid signature");
        return Err(ServiceError::Unauthorized("assinatura inválida".into()));
    }
    // Mercado Pago sends ts in milliseconds; accept seconds too.
    let ts_ms = ts
        .parse::<i64>()
        .map_err(|_| ServiceError::Unauthorized("ts inválido".into()))?;
    let ts_ms = if ts_ms < 100_000_000_000 {
        ts_ms * 1000
    } else {
        ts_ms
    };
    if (now_ms() - ts_ms).abs() > app.cfg.webhook_tolerance_secs * 1000 {
        outcome("stale");
        return Err(ServiceError::Unauthorized("notificação expirada".into()));
    }
    if !app.db.webhook_first_seen(&format!("{ts}:{v1}")).await? {
        outcome("replay");
        return Ok(WebhookCheck::Ignore("replay"));
    }
    match (w.kind.as_deref(), w.data_id.as_deref()) {
        (Some("payment"), Some(id)) if !id.is_empty() => Ok(WebhookCheck::Process(id.to_string())),
        _ => {
            outcome("ignored_topic");
            Ok(WebhookCheck::Ignore("topic"))
        }
    }
}

/// Step two, after answering: the payment's truth comes from Mercado Pago,
/// never from the notification. Marks the order PAID at most once.
pub async fn process_payment_notice(app: &App, payment_id: &str) -> SResult<&'static str> {
    process_payment_as(app, payment_id, "webhook:mercadopago").await
}

/// [`process_payment_notice`] on behalf of `actor` (an operator's check-payment --fix).
pub async fn process_payment_as(app: &App, payment_id: &str, actor: &str) -> SResult<&'static str> {
    let outcome = |o: &'static str| {
        metrics::counter!("webhooks_total", "outcome" => o).increment(1);
        Ok(o)
    };
    let p = app
        .mp
        .get_payment(payment_id)
        .await
        .map_err(|e| ServiceError::Gateway(e.to_string()))?;
    let Some(order_id) = p.external_reference.clone() else {
        return outcome("no_reference");
    };
    let Some(order) = app.db.order(&order_id).await? else {
        return outcome("unknown_order");
    };
    let known = app.db.payment(&p.id_text()).await?;
    if known.as_ref().is_some_and(|k| k.order_id != order.id) {
        tracing::warn!(order_id = %order.id, payment_id, "payment belongs to another order");
        return outcome("mismatch");
    }
    if known.is_some() {
        app.db.set_payment_status(&p.id_text(), &p.status).await?;
    } else {
        // The notice can beat our own record of a payment we just created
        // (cards settle at once): record it from Mercado Pago's answer.
        let td = p.transaction_data();
        let method = match p.payment_method_id.as_deref() {
            Some("pix") => "pix",
            _ => "card",
        };
        app.db
            .insert_payment(&PaymentRow {
                id: p.id_text(),
                order_id: order.id.clone(),
                method: method.into(),
                status: p.status.clone(),
                amount_cents: amount_to_cents(p.transaction_amount),
                qr_code: td.qr_code,
                qr_code_base64: td.qr_code_base64,
                ticket_url: td.ticket_url,
                expires_at: p.date_of_expiration.clone(),
                idempotency_key: format!("notice-{}", p.id_text()),
            })
            .await?;
    }
    if p.status != "approved" {
        return outcome("not_approved");
    }
    if amount_to_cents(p.transaction_amount) != order.price_cents {
        tracing::warn!(order_id = %order.id, payment_id, amount = p.transaction_amount, expected = order.price_cents, "approved payment does not match the order");
        if order.status == Status::Pending {
            let mail = render_email(app, &order, "payment_not_recognised")?;
            app.db.add_email(&mail).await?;
        }
        return outcome("mismatch");
    }
    let mail = render_email(app, &order, "payment_confirmed")?;
    if app
        .db
        .mark_paid(&order.id, &p.id_text(), actor, &mail, app.cfg.max_attempts)
        .await?
    {
        tracing::info!(order_id = %order.id, payment_id, "order paid, conversion queued");
        outcome("paid")
    } else {
        outcome("already_paid")
    }
}

/// Safety net for lost notifications: re-fetches payments that stayed pending
/// and applies the same rules as a webhook. Returns how many were checked.
pub async fn reconcile_payments(app: &App, older_than_ms: i64) -> SResult<usize> {
    let ids = app.db.stale_pending_payments(older_than_ms, 50).await?;
    for id in &ids {
        match process_payment_notice(app, id).await {
            Ok(outcome) => tracing::info!(payment_id = %id, outcome, "payment reconciled"),
            Err(e) => tracing::warn!(payment_id = %id, error = %e, "reconciliation failed"),
        }
        // Touch it so the next pass moves on to others.
        app.db.touch_payment(id).await?;
    }
    Ok(ids.len())
}

pub fn render_email(app: &App, o: &OrderRow, kind: &'static str) -> SResult<NewEmail> {
    let tpl = app
        .templates
        .get_template(kind)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let text = tpl
        .render(minijinja::context! {
            nome => o.customer_name,
            order_id => o.id,
            file_name => o.file_name,
            order_url => order_url(app, &o.id),
            download_url => api_download_url(app, &o.id),
        })
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok(NewEmail {
        order_id: o.id.clone(),
        kind,
        to_addr: o.email.clone(),
        subject: subject.trim().to_string(),
        body: body.to_string(),
    })
}

/// Where to send the customer for the result: an S3 presigned URL, or our
/// own HMAC-signed route for the local store, valid 24 h.
pub async fn download_link(app: &App, id: &str, token: &str) -> SResult<String> {
    let o = authorized_order(app, id, token).await?;
    if o.status != Status::Completed {
        return Err(ServiceError::Conflict(
            "O arquivo ainda não está pronto.".into(),
        ));
    }
    let key = result_key(&o.id);
    if let Some(url) = app
        .blobs
        .presign(&key, std::time::Duration::from_secs(LINK_TTL_SECS as u64))
        .await?
    {
        return Ok(url);
    }
    let exp = now_ms() / 1000 + LINK_TTL_SECS;
    let sig = tokens::download_sig(&app.secret, &key, exp);
    Ok(format!(
        "{}/files/{}.xml?exp={exp}&sig={sig}",
        app.public_url, o.id
    ))
}

/// Serves a signed local link: the bytes and a file name.
pub async fn signed_file(
    app: &App,
    order_id: &str,
    exp: i64,
    sig: &str,
) -> SResult<(bytes::Bytes, String)> {
    let key = result_key(order_id);
    tokens::check_download(&app.secret, &key, exp, sig, now_ms() / 1000).map_err(|e| match e {
        "link expirado" => ServiceError::Gone(
            "Este link de download expirou. Gere um novo na página do pedido.".into(),
        ),
        _ => ServiceError::Forbidden,
    })?;
    let o = app
        .db
        .order(order_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let data = app.blobs.get(&key).await?;
    let name = Path::new(&o.file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("projeto")
        .to_string();
    Ok((data, format!("{name}.xml")))
}
