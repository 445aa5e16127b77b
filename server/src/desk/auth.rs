//! Console authentication: argon2id password hashes, server-side sessions
//! (the cookie holds a random token, the database only its SHA-256), and a
//! CSRF token per session checked on every POST. The login form, which has no
//! session yet, uses a double-submit cookie.

use crate::desk::store::{self, User};
use crate::domain::tokens::random_hex;
use crate::{now_ms, App};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "desk_session";
pub const LOGIN_CSRF_COOKIE: &str = "desk_login_csrf";
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;

pub fn hash_password(password: &str) -> Result<String, String> {
    // 16 random bytes from the OS (the same source as every other token here).
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&raw).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash when the user does not exist, so a wrong
/// e-mail costs as much time as a wrong password.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = DUMMY.get_or_init(|| hash_password("dummy-password").unwrap_or_default());
    let _ = verify_password(password, h);
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time equality of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for a console cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS.
pub fn set_cookie(app: &App, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if app.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

pub fn role_name(role: i64) -> &'static str {
    match role {
        1 => "agente de suporte",
        2 => "SRE / on-call",
        _ => "CTO",
    }
}

/// A logged-in console user.
#[derive(Debug, Clone)]
pub struct Agent {
    pub user: User,
    pub csrf: String,
}

impl Agent {
    pub fn actor(&self) -> String {
        format!("agente:{}", self.user.email)
    }

    pub fn csrf_ok(&self, given: &str) -> bool {
        same_secret(&self.csrf, given)
    }
}

/// Failed logins allowed per account within [`LOGIN_WINDOW_MS`] before it is
/// locked for [`LOGIN_LOCK_MS`]: guessing passwords online gets 5 tries per
/// 15 minutes, while an agent who mistypes a few times is not stopped.
pub const LOGIN_MAX_FAILURES: i64 = 5;
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const LOGIN_LOCK_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, PartialEq, Eq)]
pub enum Login {
    /// A new session: the cookie value.
    Session(String),
    Refused,
    /// Too many failures: no password is checked until this time (ms).
    Locked {
        until: i64,
    },
}

/// Whole minutes (at least 1) until `until`, for the message on a lock.
pub fn minutes_left(until: i64, now: i64) -> i64 {
    ((until - now).max(0) + 59_999) / 60_000
}

/// Checks the password and opens a session. A locked account is refused
/// before its password is checked, even a right one: otherwise the lock
/// would still tell a guesser when a guess is right.
pub async fn login(app: &App, email: &str, password: &str) -> Login {
    let account = email.trim().to_lowercase();
    let now = now_ms();
    match store::login_locked_until(&app.db, &account).await {
        Ok(until) if until > now => return Login::Locked { until },
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "login throttle unavailable");
            return Login::Refused;
        }
    }
    match check_password(app, email, password).await {
        Some(user) => {
            if let Err(e) = store::login_succeeded(&app.db, &account).await {
                tracing::error!(error = %e, "login throttle not reset");
            }
            open_session(app, &user)
                .await
                .map_or(Login::Refused, Login::Session)
        }
        None => {
            let until = store::login_failed(
                &app.db,
                &account,
                now,
                LOGIN_WINDOW_MS,
                LOGIN_MAX_FAILURES,
                LOGIN_LOCK_MS,
            )
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "login failure not counted");
                0
            });
            if until > 0 {
                Login::Locked { until }
            } else {
                Login::Refused
            }
        }
    }
}

async fn check_password(app: &App, email: &str, password: &str) -> Option<User> {
    let user = store::user_by_email(&app.db, email.trim())
        .await
        .ok()
        .flatten();
    let Some(user) = user else {
        dummy_verify(password);
        return None;
    };
    verify_password(password, &user.password_hash).then_some(user)
}

async fn open_session(app: &App, user: &User) -> Option<String> {
    let token = random_hex(32);
    store::create_session(
        &app.db,
        &token_hash(&token),
        &user.id,
        &random_hex(16),
        now_ms() + SESSION_TTL_MS,
    )
    .await
    .ok()?;
    Some(token)
}

impl FromRequestParts<Arc<App>> for Agent {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        let to_login = || Redirect::to("/admin/login").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        match store::session(&app.db, &token_hash(&token)).await {
            Ok(Some((user, csrf))) => Ok(Agent { user, csrf }),
            _ => Err(to_login()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2_hashes_verify_and_reject() {
        let h = hash_password("senha forte").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("senha forte", &h));
        assert!(!verify_password("senha fraca", &h));
        assert!(!verify_password("x", "not a hash"));
        // Salted: the same password hashes differently.
        assert_ne!(h, hash_password("senha forte").unwrap());
    }

    #[test]
    fn cookies_and_secrets() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; desk_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("", ""));
        assert!(!same_secret("abc", "abcd"));
    }
}
