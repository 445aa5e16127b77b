//! `presign`: a fresh download link for a result object, valid `expires`
//! seconds (default 24 h, at most 7 days, S3's own limit for SigV4). S3 links
//! are presigned by the blob adapter; the local store gets our HMAC-signed
//! `/files/{order_id}.xml` route, checked by the same code as customer links.

use super::store;
use crate::domain::tokens;
use crate::service::{SResult, ServiceError};
use crate::{now_ms, App};
use serde::Serialize;

pub const DEFAULT_EXPIRES: i64 = 86_400;
pub const MAX_EXPIRES: i64 = 7 * 86_400;

#[derive(Debug, Serialize)]
pub struct Presigned {
    pub object: String,
    pub order_id: String,
    pub url: String,
    pub expires_in: i64,
    pub expires_at: String,
    pub backend: &'static str,
}

/// `results/{order_id}.xml` → the order id.
pub fn order_of(key: &str) -> Option<&str> {
    let id = key.strip_prefix("results/")?.strip_suffix(".xml")?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')).then_some(id)
}

pub async fn presign(
    app: &App,
    key: &str,
    expires: Option<i64>,
    actor: &str,
) -> SResult<Presigned> {
    let expires = expires.unwrap_or(DEFAULT_EXPIRES);
    if !(1..=MAX_EXPIRES).contains(&expires) {
        return Err(ServiceError::Invalid(format!(
            "expires deve estar entre 1 e {MAX_EXPIRES} segundos (7 dias)."
        )));
    }
    let order_id = order_of(key).ok_or_else(|| {
        ServiceError::Invalid("Objeto inválido: use results/{order_id}.xml.".into())
    })?;
    let order = app
        .db
        .order(order_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !app.blobs.exists(key).await? {
        return Err(ServiceError::Conflict(format!(
            "O objeto {key} não existe (pedido {}): não há resultado para baixar.",
            order.status.as_str()
        )));
    }
    let url = match app
        .blobs
        .presign(key, std::time::Duration::from_secs(expires as u64))
        .await?
    {
        Some(url) => url,
        None => {
            let exp = now_ms() / 1000 + expires;
            let sig = tokens::download_sig(&app.secret, key, exp);
            format!(
                "{}/files/{order_id}.xml?exp={exp}&sig={sig}",
                app.public_url
            )
        }
    };
    let expires_at = crate::iso_at(now_ms() + expires * 1000);
    store::note(
        &app.db,
        order_id,
        order.status,
        actor,
        &format!(
            "link de download gerado pelo operador, válido por {expires} s (até {expires_at})"
        ),
    )
    .await?;
    tracing::info!(order_id, actor, expires, "presigned link issued");
    Ok(Presigned {
        object: key.to_string(),
        order_id: order_id.to_string(),
        url,
        expires_in: expires,
        expires_at,
        backend: app.blobs.kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_result_keys_are_presigned() {
        assert_eq!(
            order_of("results/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.xml"),
            Some("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
        );
        assert_eq!(order_of("uploads/abc.mpp"), None);
        assert_eq!(order_of("results/../secret.xml"), None);
        assert_eq!(order_of("results/.xml"), None);
    }
}
