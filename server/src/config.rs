//! Configuration of the presign API: where the bucket is, who may sign in, and the limits.
//!
//! It is read from a JSON file (`lasso-server presign --config FILE`) or from environment
//! variables (the Lambda). Secrets may stay out of the file: the S3 keys fall back to
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, and tokens may be
//! given as `LASSO_TOKENS=user:token:role+role,user2:token2` (roles: annotator, reviewer,
//! manager, uploader). OpenID Connect sign-in is `oidc` in the file, or `LASSO_OIDC_ISSUER`,
//! `LASSO_OIDC_AUDIENCE`, `LASSO_OIDC_JWKS_URL`, `LASSO_OIDC_GROUPS_CLAIM`,
//! `LASSO_OIDC_ALGORITHMS` in the environment.

use serde::{Deserialize, Serialize};

use crate::keys::{Role, Roles};

/// One bearer token and the user it signs in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TokenEntry {
    /// The secret the client sends as `Authorization: Bearer <token>` or cookie `lasso_token`.
    pub token: String,
    /// The user name (a key segment, used in `target/<task>/<user>.json`).
    pub user: String,
    /// Extra rights of this user.
    #[serde(default)]
    pub roles: Roles,
}

/// Settings of OpenID Connect sign-in (config `oidc`, or `LASSO_OIDC_*` in the Lambda).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer, exactly as tokens carry it in `iss`
    /// (`https://cognito-idp.<region>.amazonaws.com/<pool id>`).
    pub issuer: String,
    /// Accepted audiences: the app client ids.
    pub audience: Vec<String>,
    /// The JWKS URL; found through `<issuer>/.well-known/openid-configuration` when absent.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Signature algorithms accepted.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<String>,
    /// Claim holding the groups.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// Claims naming the user, first present wins; the name must be a key segment.
    #[serde(default = "default_user_claims")]
    pub user_claims: Vec<String>,
    /// Least time between two reads of the JWKS caused by unknown key ids.
    #[serde(default = "default_refresh")]
    pub jwks_min_refresh_secs: u64,
}

fn default_algorithms() -> Vec<String> {
    vec!["RS256".into()]
}
fn default_groups_claim() -> String {
    "cognito:groups".into()
}
fn default_user_claims() -> Vec<String> {
    vec!["username".into(), "cognito:username".into(), "sub".into()]
}
fn default_refresh() -> u64 {
    30
}

impl OidcConfig {
    /// A config for `issuer` and `audience` with defaults elsewhere (RS256, Cognito's claims).
    pub fn new(issuer: &str, audience: &str) -> OidcConfig {
        OidcConfig {
            issuer: issuer.into(),
            audience: vec![audience.into()],
            jwks_url: None,
            algorithms: default_algorithms(),
            groups_claim: default_groups_claim(),
            user_claims: default_user_claims(),
            jwks_min_refresh_secs: default_refresh(),
        }
    }

    /// The algorithms as `jsonwebtoken` names them; an unknown or symmetric one is an error
    /// (a verifier that accepts HMAC could be fed the public key as the secret).
    pub fn algorithms(&self) -> Result<Vec<jsonwebtoken::Algorithm>, String> {
        use jsonwebtoken::Algorithm;
        self.algorithms
            .iter()
            .map(|name| {
                let alg: Algorithm = name
                    .parse()
                    .map_err(|_| format!("oidc.algorithms: unknown algorithm {name:?}"))?;
                if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
                    return Err(format!(
                        "oidc.algorithms: {name} is symmetric; use the issuer's public-key algorithm (RS256, ES256...)"
                    ));
                }
                Ok(alg)
            })
            .collect()
    }
}

/// Everything the presigner needs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// S3 endpoint as the browser reaches it, e.g. `https://s3.eu-west-1.amazonaws.com`.
    pub endpoint: String,
    /// Bucket name.
    pub bucket: String,
    /// Bucket region (any value for a local store).
    #[serde(default = "default_region")]
    pub region: String,
    /// Path-style URLs (`endpoint/bucket/key`) instead of virtual-host style.
    #[serde(default)]
    pub path_style: bool,
    /// Access key id; falls back to `AWS_ACCESS_KEY_ID`.
    #[serde(default)]
    pub access_key: Option<String>,
    /// Secret key; falls back to `AWS_SECRET_ACCESS_KEY`.
    #[serde(default)]
    pub secret_key: Option<String>,
    /// Session token of temporary credentials; falls back to `AWS_SESSION_TOKEN`.
    #[serde(default)]
    pub session_token: Option<String>,
    /// Lifetime of a presigned URL in seconds (short: 1..=3600).
    #[serde(default = "default_expires")]
    pub expires_secs: u64,
    /// Largest object a user may upload, in bytes.
    #[serde(default = "default_max_size")]
    pub max_size: u64,
    /// Part size for multipart uploads, in bytes (S3 needs at least 5 MiB).
    #[serde(default = "default_part_size")]
    pub part_size: u64,
    /// Content types a user may upload (exact, lower-case, without parameters).
    #[serde(default = "default_content_types")]
    pub content_types: Vec<String>,
    /// Origins allowed by CORS; empty means any origin (without cookies).
    #[serde(default)]
    pub cors_origins: Vec<String>,
    /// Bearer tokens.
    #[serde(default)]
    pub tokens: Vec<TokenEntry>,
    /// OpenID Connect sign-in (JWT access tokens of one issuer).
    #[serde(default)]
    pub oidc: Option<OidcConfig>,
}

fn default_region() -> String {
    "us-east-1".into()
}
fn default_expires() -> u64 {
    300
}
fn default_max_size() -> u64 {
    5 * 1024 * 1024 * 1024
}
fn default_part_size() -> u64 {
    8 * 1024 * 1024
}

/// The default upload allowlist: images, JSON results, dataset zips and Deep Zoom descriptors
/// (XML, the pyramid an upload sends beside a huge photo).
pub fn default_content_types() -> Vec<String> {
    [
        "application/json",
        "application/xml",
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/tiff",
        "application/zip",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Smallest part S3 accepts (except the last one).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// Most parts one multipart upload may have.
pub const MAX_PARTS: u64 = 10_000;

impl Config {
    /// A configuration with defaults for everything but the bucket.
    pub fn new(endpoint: &str, bucket: &str) -> Config {
        Config {
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            region: default_region(),
            path_style: false,
            access_key: None,
            secret_key: None,
            session_token: None,
            expires_secs: default_expires(),
            max_size: default_max_size(),
            part_size: default_part_size(),
            content_types: default_content_types(),
            cors_origins: Vec::new(),
            tokens: Vec::new(),
            oidc: None,
        }
    }

    /// Reads a JSON config file, then fills secrets from the environment.
    pub fn from_file(path: &std::path::Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        let mut cfg: Config = serde_json::from_str(&text)
            .map_err(|e| format!("config {} is invalid: {e}", path.display()))?;
        cfg.fill_from_env(|k| std::env::var(k).ok())?;
        Ok(cfg)
    }

    /// Builds a config from `LASSO_*` variables (the Lambda has no files).
    pub fn from_env() -> Result<Config, String> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// Like [`Config::from_env`] with a custom lookup (for tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let bucket = var("LASSO_BUCKET").ok_or("LASSO_BUCKET is not set")?;
        let region = var("LASSO_REGION")
            .or_else(|| var("AWS_REGION"))
            .unwrap_or_else(default_region);
        let endpoint =
            var("LASSO_ENDPOINT").unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let mut cfg = Config::new(&endpoint, &bucket);
        cfg.region = region;
        cfg.path_style = var("LASSO_PATH_STYLE").is_some_and(|v| v == "1" || v == "true");
        let num = |name: &str, default: u64| -> Result<u64, String> {
            match var(name) {
                Some(v) => v
                    .parse()
                    .map_err(|_| format!("{name}={v:?} is not a whole number")),
                None => Ok(default),
            }
        };
        cfg.expires_secs = num("LASSO_EXPIRES_SECS", cfg.expires_secs)?;
        cfg.max_size = num("LASSO_MAX_SIZE", cfg.max_size)?;
        cfg.part_size = num("LASSO_PART_SIZE", cfg.part_size)?;
        if let Some(v) = var("LASSO_CONTENT_TYPES") {
            cfg.content_types = split_list(&v);
        }
        if let Some(v) = var("LASSO_CORS_ORIGINS") {
            cfg.cors_origins = split_list(&v);
        }
        if let Some(issuer) = var("LASSO_OIDC_ISSUER") {
            let audience = var("LASSO_OIDC_AUDIENCE").ok_or(
                "LASSO_OIDC_ISSUER is set but LASSO_OIDC_AUDIENCE (the app client id) is not",
            )?;
            let mut oidc = OidcConfig::new(&issuer, "");
            oidc.audience = split_list(&audience);
            oidc.jwks_url = var("LASSO_OIDC_JWKS_URL");
            if let Some(claim) = var("LASSO_OIDC_GROUPS_CLAIM") {
                oidc.groups_claim = claim;
            }
            if let Some(algs) = var("LASSO_OIDC_ALGORITHMS") {
                oidc.algorithms = split_list(&algs);
            }
            cfg.oidc = Some(oidc);
        }
        cfg.fill_from_env(var)?;
        Ok(cfg)
    }

    fn fill_from_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        if self.access_key.is_none() {
            self.access_key = var("AWS_ACCESS_KEY_ID");
        }
        if self.secret_key.is_none() {
            self.secret_key = var("AWS_SECRET_ACCESS_KEY");
        }
        if self.session_token.is_none() {
            self.session_token = var("AWS_SESSION_TOKEN");
        }
        if let Some(v) = var("LASSO_TOKENS") {
            for item in split_list(&v) {
                let mut parts = item.splitn(3, ':');
                let (Some(user), Some(token)) = (parts.next(), parts.next()) else {
                    return Err(
                        "LASSO_TOKENS entries must look like user:token or user:token:role+role"
                            .into(),
                    );
                };
                let mut roles = Roles::default();
                for name in parts
                    .next()
                    .unwrap_or("")
                    .split('+')
                    .filter(|r| !r.is_empty())
                {
                    let role = Role::parse(name).ok_or_else(|| {
                        format!(
                            "LASSO_TOKENS: user {user:?} has unknown role {name:?} (annotator, reviewer, manager, uploader)"
                        )
                    })?;
                    roles = roles.with(role);
                }
                self.tokens.push(TokenEntry {
                    token: token.into(),
                    user: user.into(),
                    roles,
                });
            }
        }
        Ok(())
    }

    /// Checks limits and names; the server refuses to start on a config that fails here.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3600).contains(&self.expires_secs) {
            return Err(format!(
                "expires_secs is {}, it must be 1..=3600 (presigned URLs stay short-lived)",
                self.expires_secs
            ));
        }
        if self.part_size < MIN_PART_SIZE {
            return Err(format!(
                "part_size is {}, S3 needs at least {MIN_PART_SIZE}",
                self.part_size
            ));
        }
        if self.max_size == 0 {
            return Err("max_size must be positive".into());
        }
        if self.access_key.is_none() || self.secret_key.is_none() {
            return Err(
                "S3 credentials are missing (access_key/secret_key or AWS_* variables)".into(),
            );
        }
        for ct in &self.content_types {
            if ct.is_empty() || ct.contains(';') || ct.to_ascii_lowercase() != *ct {
                return Err(format!(
                    "content type {ct:?} in the allowlist must be lower-case without parameters"
                ));
            }
        }
        if let Some(oidc) = &self.oidc {
            oidc.algorithms()?;
            if oidc.audience.is_empty() {
                return Err("oidc.audience must name at least one client id".into());
            }
        }
        for t in &self.tokens {
            if t.token.len() < 8 {
                return Err(format!(
                    "token of user {:?} is shorter than 8 characters",
                    t.user
                ));
            }
            crate::keys::check_segment(&t.user)
                .map_err(|why| format!("user name {:?} is invalid: {why}", t.user))?;
        }
        Ok(())
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn lambda_environment_builds_a_valid_config() {
        let cfg = Config::from_vars(vars(&[
            ("LASSO_BUCKET", "data"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIA"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "session"),
            (
                "LASSO_TOKENS",
                "alice:token-aaaa, bob:token-bbbb:manager+reviewer",
            ),
            ("LASSO_MAX_SIZE", "1000"),
            ("LASSO_CORS_ORIGINS", "https://a.example,https://b.example"),
        ]))
        .unwrap();
        assert_eq!(cfg.endpoint, "https://s3.eu-west-1.amazonaws.com");
        assert_eq!(cfg.region, "eu-west-1");
        assert_eq!(cfg.session_token.as_deref(), Some("session"));
        assert_eq!(cfg.max_size, 1000);
        assert_eq!(cfg.cors_origins.len(), 2);
        let users: Vec<&str> = cfg.tokens.iter().map(|t| t.user.as_str()).collect();
        assert_eq!(users, vec!["alice", "bob"]);
        assert!(cfg.tokens[0].roles.is_empty());
        assert!(cfg.tokens[1].roles.may_manage() && cfg.tokens[1].roles.has(Role::Reviewer));
        assert_eq!(cfg.validate(), Ok(()));
    }

    #[test]
    fn unsafe_settings_are_refused() {
        let base = || {
            let mut c = Config::new("http://127.0.0.1:9000", "b");
            c.access_key = Some("k".into());
            c.secret_key = Some("s".into());
            c
        };
        assert_eq!(base().validate(), Ok(()));
        let mut c = base();
        c.expires_secs = 86_400;
        assert!(c.validate().unwrap_err().contains("expires_secs"));
        let mut c = base();
        c.part_size = 1024;
        assert!(c.validate().unwrap_err().contains("part_size"));
        let mut c = base();
        c.secret_key = None;
        assert!(c.validate().unwrap_err().contains("credentials"));
        let mut c = base();
        c.tokens.push(TokenEntry {
            token: "short".into(),
            user: "a".into(),
            roles: Roles::default(),
        });
        assert!(c.validate().unwrap_err().contains("shorter"));
        let mut c = base();
        c.tokens.push(TokenEntry {
            token: "long-enough".into(),
            user: "../x".into(),
            roles: Roles::default(),
        });
        assert!(c.validate().unwrap_err().contains("user name"));
        assert!(Config::from_vars(vars(&[("LASSO_MAX_SIZE", "1")])).is_err());
        assert!(
            Config::from_vars(vars(&[("LASSO_BUCKET", "b"), ("LASSO_TOKENS", "nocolon")])).is_err()
        );
        let err = Config::from_vars(vars(&[
            ("LASSO_BUCKET", "b"),
            ("LASSO_TOKENS", "a:tokentoken:boss"),
        ]))
        .unwrap_err();
        assert!(err.contains("boss"), "{err}");
    }
}
