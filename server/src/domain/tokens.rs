//! HMAC-derived secrets: order access tokens, signed download links and
//! Mercado Pago webhook signatures. Comparisons are constant time.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

fn mac(key: &[u8], msg: &[u8]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(msg);
    m
}

pub fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    hex::encode(mac(key, msg).finalize().into_bytes())
}

/// Constant-time check of a hex HMAC.
pub fn verify_hex(key: &[u8], msg: &[u8], sig_hex: &str) -> bool {
    match hex::decode(sig_hex.trim()) {
        Ok(sig) => mac(key, msg).verify_slice(&sig).is_ok(),
        Err(_) => false,
    }
}

/// The customer's access token for an order: derived, so e-mails written later
/// can carry it without storing it.
pub fn order_token(secret: &[u8], order_id: &str) -> String {
    let full = hmac_hex(secret, format!("order-access:{order_id}").as_bytes());
    full.get(..32).unwrap_or(&full).to_string()
}

pub fn check_order_token(secret: &[u8], order_id: &str, token: &str) -> bool {
    let expected = order_token(secret, order_id);
    // Same length hex strings: compare through the HMAC of each side.
    verify_hex(
        secret,
        expected.as_bytes(),
        &hmac_hex(secret, token.as_bytes()),
    )
}

/// Signature of a local download link for `key` valid until `exp` (unix seconds).
pub fn download_sig(secret: &[u8], key: &str, exp: i64) -> String {
    hmac_hex(secret, format!("download:{key}:{exp}").as_bytes())
}

pub fn check_download(
    secret: &[u8],
    key: &str,
    exp: i64,
    sig: &str,
    now: i64,
) -> Result<(), &'static str> {
    if !verify_hex(secret, format!("download:{key}:{exp}").as_bytes(), sig) {
        return Err("assinatura inválida");
    }
    if now > exp {
        return Err("link expirado");
    }
    Ok(())
}

/// Mercado Pago's signed manifest: `id:{data.id};request-id:{x-request-id};ts:{ts};`,
/// each part left out when missing; alphanumeric ids are lower-cased.
pub fn mp_manifest(data_id: Option<&str>, request_id: Option<&str>, ts: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(id) = data_id {
        let id = if id.chars().all(|c| c.is_ascii_alphanumeric()) {
            id.to_ascii_lowercase()
        } else {
            id.to_string()
        };
        s.push_str(&format!("id:{id};"));
    }
    if let Some(r) = request_id {
        s.push_str(&format!("request-id:{r};"));
    }
    if let Some(t) = ts {
        s.push_str(&format!("ts:{t};"));
    }
    s
}

/// Parses `x-signature: ts=…,v1=…`.
pub fn parse_x_signature(header: &str) -> (Option<String>, Option<String>) {
    let mut ts = None;
    let mut v1 = None;
    for part in header.split(',') {
        let mut kv = part.splitn(2, '=');
        let k = kv.next().unwrap_or("").trim();
        let v = kv.next().unwrap_or("").trim().to_string();
        match k {
            "ts" => ts = Some(v),
            "v1" => v1 = Some(v),
            _ => {}
        }
    }
    (ts, v1)
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("the OS random source works");
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_matches_the_documented_shape() {
        assert_eq!(
            mp_manifest(Some("ABC123"), Some("req-1"), Some("1700000000000")),
            "id:abc123;request-id:req-1;ts:1700000000000;"
        );
        assert_eq!(
            mp_manifest(None, Some("r"), Some("1")),
            "request-id:r;ts:1;"
        );
        assert_eq!(mp_manifest(Some("a-B"), None, None), "id:a-B;");
    }

    #[test]
    fn signature_header_parsing() {
        let (ts, v1) = parse_x_signature("ts=1704908010,v1=618c8534");
        assert_eq!(ts.as_deref(), Some("1704908010"));
        assert_eq!(v1.as_deref(), Some("618c8534"));
        assert_eq!(parse_x_signature("garbage"), (None, None));
    }

    #[test]
    fn hmac_verifies_and_rejects() {
        let sig = hmac_hex(b"k", b"msg");
        assert!(verify_hex(b"k", b"msg", &sig));
        assert!(!verify_hex(b"k", b"msg2", &sig));
        assert!(!verify_hex(b"other", b"msg", &sig));
        assert!(!verify_hex(b"k", b"msg", "zz"));
    }

    #[test]
    fn order_tokens_are_per_order() {
        let t = order_token(b"s", "o1");
        assert_eq!(t.len(), 32);
        assert!(check_order_token(b"s", "o1", &t));
        assert!(!check_order_token(b"s", "o2", &t));
        assert!(!check_order_token(b"s2", "o1", &t));
    }

    #[test]
    fn download_links_expire_and_resist_tampering() {
        let sig = download_sig(b"s", "results/o.xml", 100);
        assert_eq!(check_download(b"s", "results/o.xml", 100, &sig, 50), Ok(()));
        assert_eq!(
            check_download(b"s", "results/o.xml", 100, &sig, 101),
            Err("link expirado")
        );
        assert_eq!(
            check_download(b"s", "results/o.xml", 200, &sig, 50),
            Err("assinatura inválida")
        );
        assert_eq!(
            check_download(b"s", "results/p.xml", 100, &sig, 50),
            Err("assinatura inválida")
        );
    }
}
