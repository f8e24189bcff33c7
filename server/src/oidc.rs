//! Sign-in with OpenID Connect: JWT access tokens verified against the issuer's JWKS.
//!
//! Checked: the signature (keys from the issuer's JWKS, by `kid`), the algorithm against an
//! allow-list (so `none`, and HMAC with a public key as the secret, never pass), the issuer,
//! the audience (`aud`, or `client_id` as Cognito access tokens carry it), expiry and
//! not-before (30 s leeway). Keys rotate: a token with an unknown `kid` makes the server read
//! the JWKS again, at most once per `jwks_min_refresh_secs`. Group claims become roles:
//! `annotator`, `reviewer`, `manager`, `uploader` (optionally prefixed `lasso-`) everywhere,
//! `<project>:<role>` in one project.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::auth::{token_from_headers, AuthFuture, Authenticator};
use crate::config::{Config, OidcConfig};
use crate::error::ApiError;
use crate::keys::{Role, Roles, User};

/// Claims read from a token.
#[derive(Debug, Deserialize)]
struct Claims {
    #[serde(default)]
    aud: Option<serde_json::Value>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(flatten)]
    rest: HashMap<String, serde_json::Value>,
}

struct Keys {
    set: JwkSet,
    fetched: Option<Instant>,
}

/// Verifies bearer JWTs of one issuer.
pub struct Oidc {
    config: OidcConfig,
    algorithms: Vec<Algorithm>,
    http: reqwest::Client,
    keys: tokio::sync::Mutex<Keys>,
    jwks_url: Mutex<Option<String>>,
}

/// Maps group names to roles: everywhere, and per project.
pub fn roles_from_groups(groups: &[String]) -> (Roles, Vec<(String, Roles)>) {
    let mut everywhere = Roles::NONE;
    let mut per_project = Vec::new();
    for g in groups {
        match g.split_once(':') {
            Some((project, role)) => {
                if let Some(r) = Role::parse(role) {
                    per_project.push((project.to_owned(), Roles::of(&[r])));
                }
            }
            None => {
                if let Some(r) = Role::parse(g.strip_prefix("lasso-").unwrap_or(g)) {
                    everywhere = everywhere.with(r);
                }
            }
        }
    }
    (everywhere, per_project)
}

fn unauthorized(why: impl Into<String>) -> ApiError {
    ApiError::Unauthorized(why.into())
}

impl Oidc {
    /// A verifier; fails on a config it cannot honour.
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        let algorithms = config.algorithms()?;
        if config.audience.is_empty() {
            return Err("oidc.audience must name at least one client id".into());
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        let jwks_url = Mutex::new(config.jwks_url.clone());
        Ok(Oidc {
            config,
            algorithms,
            http,
            keys: tokio::sync::Mutex::new(Keys {
                set: JwkSet { keys: Vec::new() },
                fetched: None,
            }),
            jwks_url,
        })
    }

    async fn jwks_url(&self) -> Result<String, ApiError> {
        if let Some(url) = self.jwks_url.lock().ok().and_then(|u| u.clone()) {
            return Ok(url);
        }
        #[derive(Deserialize)]
        struct Discovery {
            jwks_uri: String,
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let d: Discovery = self.get_json(&url).await?;
        if let Ok(mut slot) = self.jwks_url.lock() {
            *slot = Some(d.jwks_uri.clone());
        }
        Ok(d.jwks_uri)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, ApiError> {
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ApiError::Upstream(format!("identity provider at {url}: {e}")))?;
        if !resp.status().is_success() {
            return Err(ApiError::Upstream(format!(
                "identity provider at {url} answered {}",
                resp.status()
            )));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ApiError::Upstream(format!("identity provider at {url}: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::Upstream(format!("identity provider at {url}: {e}")))
    }

    /// The key for `kid`, reading the JWKS again when it is unknown (rotation).
    async fn key(&self, kid: &str) -> Result<DecodingKey, ApiError> {
        let mut keys = self.keys.lock().await;
        if keys.set.find(kid).is_none() {
            let due = keys.fetched.is_none_or(|at| {
                at.elapsed() >= Duration::from_secs(self.config.jwks_min_refresh_secs)
            });
            if due {
                let url = self.jwks_url().await?;
                keys.set = self.get_json(&url).await?;
                keys.fetched = Some(Instant::now());
            }
        }
        let jwk = keys
            .set
            .find(kid)
            .ok_or_else(|| unauthorized(format!("token signed with unknown key id {kid:?}")))?;
        DecodingKey::from_jwk(jwk).map_err(|e| unauthorized(format!("key {kid:?}: {e}")))
    }

    /// Verifies `token` and returns the user it signs in.
    pub async fn verify(&self, token: &str) -> Result<User, ApiError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| unauthorized(format!("not a valid JWT: {e}")))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(unauthorized(format!(
                "token algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| unauthorized("token has no key id (kid)"))?;
        let key = self.key(&kid).await?;
        // The header's algorithm, already checked against the allow-list; the library also
        // refuses a key of another family (an RSA key for an ES256 token).
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[self.config.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        // Cognito access tokens carry the client in `client_id`, ID tokens in `aud`.
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| unauthorized(format!("token refused: {e}")))?;
        let claims = data.claims;
        let audiences: Vec<String> = match &claims.aud {
            Some(serde_json::Value::String(a)) => vec![a.clone()],
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let audience_ok = audiences
            .iter()
            .chain(claims.client_id.iter())
            .any(|a| self.config.audience.contains(a));
        if !audience_ok {
            return Err(unauthorized("token is for another audience"));
        }
        let name = self
            .config
            .user_claims
            .iter()
            .find_map(|c| claims.rest.get(c).and_then(|v| v.as_str()))
            .ok_or_else(|| unauthorized("token names no user"))?;
        let groups: Vec<String> = match claims.rest.get(&self.config.groups_claim) {
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(s)) => {
                s.split(',').map(|g| g.trim().to_owned()).collect()
            }
            _ => Vec::new(),
        };
        let (everywhere, per_project) = roles_from_groups(&groups);
        let mut user = User::new(name, everywhere).map_err(|e| {
            unauthorized(format!(
                "{e}; choose user_claims that hold a plain name (such as sub)"
            ))
        })?;
        for (project, roles) in per_project {
            user = user.with_project(&project, roles);
        }
        Ok(user)
    }
}

/// Static tokens for development and small setups, OpenID Connect for everyone else: a bearer
/// that is a JWT is verified, any other is looked up among the static tokens.
pub struct Either {
    /// The static tokens.
    pub tokens: crate::auth::StaticTokens,
    /// The OpenID Connect verifier, if configured.
    pub oidc: Option<Oidc>,
}

/// The authenticator a config asks for: its static tokens, and OpenID Connect when `oidc` is set.
pub fn authenticator(config: &Config) -> Result<Either, String> {
    Ok(Either {
        tokens: crate::auth::StaticTokens::new(&config.tokens)?,
        oidc: config.oidc.clone().map(Oidc::new).transpose()?,
    })
}

fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

impl Authenticator for Either {
    fn authenticate<'a>(&'a self, headers: &'a HeaderMap) -> AuthFuture<'a> {
        Box::pin(async move {
            match (&self.oidc, token_from_headers(headers)) {
                (Some(oidc), Some(token)) if looks_like_jwt(token) => oidc.verify(token).await,
                _ => self.tokens.authenticate(headers).await,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_become_roles_and_symmetric_algorithms_are_refused() {
        let (all, per) = roles_from_groups(&[
            "lasso-reviewer".into(),
            "annotator".into(),
            "birds:manager".into(),
            "admins".into(),
        ]);
        assert!(all.may_review() && all.may_annotate() && !all.may_manage());
        assert_eq!(
            per,
            vec![("birds".to_string(), Roles::of(&[Role::Manager]))]
        );
        let mut c = OidcConfig::new("https://issuer", "client");
        c.algorithms = vec!["HS256".into()];
        assert!(c.algorithms().unwrap_err().contains("symmetric"));
        c.algorithms = vec!["XX1".into()];
        assert!(c.algorithms().is_err());
        assert!(Oidc::new(OidcConfig {
            audience: vec![],
            ..OidcConfig::new("https://i", "c")
        })
        .is_err());
    }
}
