//! Who is asking: the [`Authenticator`] trait and the built-in bearer-token implementation.
//!
//! Hosts that already have sessions (cookies, OIDC, an API gateway) implement the trait and
//! hand it to the router (`api::router`); the presigner only needs a [`User`] back.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use axum::http::HeaderMap;

use crate::config::TokenEntry;
use crate::error::ApiError;
use crate::keys::User;

/// The boxed future an [`Authenticator`] returns.
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<User, ApiError>> + Send + 'a>>;

/// Turns request headers into a signed-in [`User`], or [`ApiError::Unauthorized`].
pub trait Authenticator: Send + Sync + 'static {
    /// Authenticates one request from its headers.
    fn authenticate<'a>(&'a self, headers: &'a HeaderMap) -> AuthFuture<'a>;
}

/// Name of the cookie that may carry the token instead of the `Authorization` header.
pub const TOKEN_COOKIE: &str = "lasso_token";

/// Bearer tokens from the config file or the environment.
#[derive(Debug, Clone, Default)]
pub struct StaticTokens {
    users: HashMap<String, User>,
}

impl StaticTokens {
    /// Builds the token table; fails on an invalid user name.
    pub fn new(entries: &[TokenEntry]) -> Result<StaticTokens, String> {
        let mut users = HashMap::new();
        for e in entries {
            users.insert(e.token.clone(), User::new(&e.user, e.roles)?);
        }
        Ok(StaticTokens { users })
    }

    fn lookup(&self, token: &str) -> Option<&User> {
        // Compare every stored token in constant time, so timing reveals neither which token
        // matched nor how long a matching prefix is.
        let mut found = None;
        for (known, user) in &self.users {
            if constant_time_eq(known.as_bytes(), token.as_bytes()) {
                found = Some(user);
            }
        }
        found
    }
}

impl Authenticator for StaticTokens {
    fn authenticate<'a>(&'a self, headers: &'a HeaderMap) -> AuthFuture<'a> {
        Box::pin(async move {
            let token = token_from_headers(headers).ok_or_else(|| {
                ApiError::Unauthorized(
                    "missing token: send Authorization: Bearer <token> or cookie lasso_token"
                        .into(),
                )
            })?;
            self.lookup(token)
                .cloned()
                .ok_or_else(|| ApiError::Unauthorized("unknown or revoked token".into()))
        })
    }
}

/// Takes the token from `Authorization: Bearer …`, else from the `lasso_token` cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get(axum::http::header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, rest) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim())
            .filter(|t| !t.is_empty());
    }
    for v in headers.get_all(axum::http::header::COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        for pair in v.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                if name == TOKEN_COOKIE && !value.is_empty() {
                    return Some(value);
                }
            }
        }
    }
    None
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_cookie_are_read() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer abc".parse().unwrap());
        assert_eq!(token_from_headers(&h), Some("abc"));
        let mut h = HeaderMap::new();
        h.insert("cookie", "x=1; lasso_token=tok".parse().unwrap());
        assert_eq!(token_from_headers(&h), Some("tok"));
        let mut h = HeaderMap::new();
        h.insert("authorization", "Basic abc".parse().unwrap());
        assert_eq!(token_from_headers(&h), None);
    }
}
