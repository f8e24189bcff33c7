//! OpenID Connect sign-in against a JWKS server made here: valid tokens sign in with the
//! roles their groups give, and every forgery is refused — another key, `alg: none`, HMAC
//! with the public key, expired, wrong audience or issuer, unknown key id — while rotated keys
//! are picked up and retired ones stop working.

use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use lasso_server::config::OidcConfig;
use lasso_server::dev::{self, DevOptions, DevServer};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

const AUDIENCE: &str = "lasso-web-client";

/// A P-256 key: its private half for signing, its public half as a JWK.
struct Key {
    kid: String,
    pkcs8: Vec<u8>,
    jwk: Value,
}

fn new_key(kid: &str) -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref(); // 0x04 || x || y
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    });
    Key {
        kid: kid.into(),
        pkcs8: pkcs8.as_ref().to_vec(),
        jwk,
    }
}

/// The identity provider: discovery and a JWKS whose keys the test may change.
struct Issuer {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
}

async fn start_issuer() -> Issuer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let keys: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(Vec::new()));
    let (k, u) = (keys.clone(), url.clone());
    let app = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || {
                let u = u.clone();
                async move { Json(json!({"issuer": u, "jwks_uri": format!("{u}/jwks.json")})) }
            }),
        )
        .route(
            "/jwks.json",
            get(move || {
                let k = k.clone();
                async move { Json(json!({"keys": *k.lock().unwrap()})) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Issuer { url, keys }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn claims(issuer: &str, user: &str, groups: &[&str]) -> Value {
    json!({"iss": issuer, "aud": AUDIENCE, "username": user, "cognito:groups": groups,
           "exp": now() + 600, "iat": now(), "token_use": "access"})
}

fn sign(key: &Key, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key.kid.clone());
    encode(&header, claims, &EncodingKey::from_ec_der(&key.pkcs8)).unwrap()
}

async fn start_server(issuer: &Issuer) -> (DevServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = DevOptions::new(dir.path().join("data"));
    opts.s3_port = 0;
    opts.api_port = 0;
    let mut oidc = OidcConfig::new(&issuer.url, AUDIENCE);
    oidc.algorithms = vec!["ES256".into(), "RS256".into()];
    oidc.jwks_min_refresh_secs = 0;
    opts.oidc = Some(oidc);
    (dev::start(opts).await.unwrap(), dir)
}

async fn projects(server: &DevServer, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{}/projects", server.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn presign(server: &DevServer, token: &str, key: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/presign", server.api_url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(json!({"key": key, "method": "GET"}).to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn tokens_of_the_issuer_sign_in_and_forgeries_do_not() {
    let issuer = start_issuer().await;
    let k1 = new_key("k1");
    issuer.keys.lock().unwrap().push(k1.jwk.clone());
    let (server, _dir) = start_server(&issuer).await;

    // A valid token signs in, with the roles of its groups.
    let good = sign(
        &k1,
        &claims(&issuer.url, "ann", &["annotator", "birds:manager"]),
    );
    let (status, v) = projects(&server, &good).await;
    assert_eq!((status, v["user"].as_str()), (200, Some("ann")), "{v}");
    assert_eq!(presign(&server, &good, "target/t/ann.json").await, 200);
    assert_eq!(presign(&server, &good, "target/t/bob.json").await, 403);
    // Cognito access tokens name the client in client_id instead of aud.
    let mut access = claims(&issuer.url, "ann", &[]);
    access.as_object_mut().unwrap().remove("aud");
    access["client_id"] = json!(AUDIENCE);
    assert_eq!(projects(&server, &sign(&k1, &access)).await.0, 200);

    let refused = |token: String, why: &'static str| {
        let server = &server;
        async move {
            let (status, v) = projects(server, &token).await;
            assert_eq!(status, 401, "{why}: {v}");
            v["message"].as_str().unwrap_or("").to_owned()
        }
    };
    // Signed by another key under the same key id.
    let other = new_key("k1");
    refused(
        sign(&other, &claims(&issuer.url, "ann", &[])),
        "another key",
    )
    .await;
    // `alg: none`, with and without a signature.
    let body = URL_SAFE_NO_PAD.encode(claims(&issuer.url, "ann", &[]).to_string());
    let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k1","typ":"JWT"}"#);
    refused(format!("{none}.{body}."), "alg none").await;
    refused(format!("{none}.{body}.AAAA"), "alg none with a signature").await;
    // HMAC keyed with the public key (algorithm confusion).
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("k1".into());
    let hs = encode(
        &h,
        &claims(&issuer.url, "ann", &[]),
        &EncodingKey::from_secret(k1.jwk.to_string().as_bytes()),
    )
    .unwrap();
    let why = refused(hs, "HS256").await;
    assert!(why.contains("algorithm"), "{why}");
    // Expired, wrong audience, wrong issuer, unknown key id, a name that cannot be a key.
    let mut expired = claims(&issuer.url, "ann", &[]);
    expired["exp"] = json!(now() - 3600);
    refused(sign(&k1, &expired), "expired").await;
    let mut wrong_aud = claims(&issuer.url, "ann", &[]);
    wrong_aud["aud"] = json!("someone-else");
    let why = refused(sign(&k1, &wrong_aud), "audience").await;
    assert!(why.contains("audience"), "{why}");
    refused(
        sign(&k1, &claims("https://evil.example", "ann", &[])),
        "issuer",
    )
    .await;
    let why = refused(
        sign(&new_key("k9"), &claims(&issuer.url, "ann", &[])),
        "unknown kid",
    )
    .await;
    assert!(why.contains("k9"), "{why}");
    let why = refused(
        sign(&k1, &claims(&issuer.url, "ann@example.com", &[])),
        "name",
    )
    .await;
    assert!(why.contains("user_claims"), "{why}");
    // Garbage that looks like a JWT.
    refused("a.b.c".into(), "garbage").await;

    // Keys rotate: the issuer publishes k2 and retires k1.
    let k2 = new_key("k2");
    *issuer.keys.lock().unwrap() = vec![k2.jwk.clone()];
    let (status, _) = projects(&server, &sign(&k2, &claims(&issuer.url, "ann", &[]))).await;
    assert_eq!(status, 200, "a rotated key is read from the JWKS");
    refused(good, "a retired key").await;
    // The development token still works beside OpenID Connect.
    assert_eq!(projects(&server, dev::DEV_TOKEN).await.0, 200);
}
