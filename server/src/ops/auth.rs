//! The admin API's bearer token: from `CONVERSOR_ADMIN_TOKEN`, or generated
//! once and kept in `{data_dir}/admin-token` (mode 0600) so the embedded
//! default needs no configuration and the CLI and scripts on the same machine
//! find it. Compared in constant time.

use crate::config::Config;
use crate::domain::tokens;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Who did an admin action: the token's name or the `X-Actor` header.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

pub const TOKEN_NAME: &str = "admin-api";

pub fn token_path(cfg: &Config) -> std::path::PathBuf {
    cfg.data_dir.join("admin-token")
}

/// The configured token, or the one in the data dir (created when missing).
pub fn load_or_create(cfg: &Config) -> std::io::Result<String> {
    if let Some(t) = cfg
        .ops
        .admin_token
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(t.trim().to_string());
    }
    let path = token_path(cfg);
    if let Ok(s) = std::fs::read_to_string(&path) {
        if !s.trim().is_empty() {
            return Ok(s.trim().to_string());
        }
    }
    std::fs::create_dir_all(&cfg.data_dir)?;
    let token = tokens::random_hex(32);
    let tmp = cfg
        .data_dir
        .join(format!("admin-token.{}.tmp", std::process::id()));
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(token.as_bytes())?;
        f.sync_all()?;
    }
    // Two processes starting together: whichever link lands first wins.
    let won = std::fs::hard_link(&tmp, &path).is_ok();
    let _ = std::fs::remove_file(&tmp);
    if won {
        tracing::info!(path = %path.display(), "admin token generated");
        Ok(token)
    } else {
        Ok(std::fs::read_to_string(&path)?.trim().to_string())
    }
}

/// Constant time: both sides go through an HMAC and `verify_slice`.
pub fn token_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty()
        && tokens::verify_hex(
            expected.as_bytes(),
            b"conversor-admin",
            &tokens::hmac_hex(given.as_bytes(), b"conversor-admin"),
        )
}

fn clean_actor(s: &str) -> Option<String> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect::<String>()
        .trim()
        .to_string();
    (!s.is_empty()).then_some(s)
}

/// Middleware: 401 without the right bearer token; otherwise the request
/// carries its [`Actor`].
pub async fn require(
    State(expected): State<Arc<String>>,
    mut req: Request,
    next: Next,
) -> Response {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim()
        .to_string();
    if !token_matches(&expected, &given) {
        tracing::warn!(path = %req.uri().path(), "admin API: missing or wrong token");
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(serde_json::json!({"error": "unauthorized", "message": "Token de administração ausente ou inválido."})),
        )
            .into_response();
    }
    let actor = req
        .headers()
        .get("x-actor")
        .and_then(|v| v.to_str().ok())
        .and_then(clean_actor)
        .unwrap_or_else(|| TOKEN_NAME.to_string());
    req.extensions_mut().insert(Actor(actor));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let t = "abc123";
        assert!(token_matches(t, "abc123"));
        assert!(!token_matches(t, "abc124"));
        assert!(!token_matches(t, ""));
        assert!(!token_matches(t, "abc1234"));
        assert!(!token_matches("", ""));
    }

    #[test]
    fn actor_header_is_cleaned() {
        assert_eq!(clean_actor(" ana\n(script) "), Some("ana(script)".into()));
        assert_eq!(clean_actor("  "), None);
    }
}
