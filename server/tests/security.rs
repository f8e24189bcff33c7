//! Security of the presigner: prefix escapes, authentication, content types and sizes.

mod common;

use common::{start, ADMIN, ALICE, BOB};
use lasso_server::keys::{authorize, Access, ObjectKey, Roles, User};
use serde_json::json;

/// Keys that try to leave alice's area, each refused with 400 (malformed) or 403 (policy).
fn nasty_keys() -> Vec<(String, u16)> {
    let mut v: Vec<(String, u16)> = [
        ("../target/t/alice.json", 400),
        ("target/t/../../src/x.json", 400),
        ("target/t/alice/../bob.json", 400),
        ("target/t/alice/..", 400),
        ("target/./t/alice.json", 400),
        ("target/t/./alice.json", 400),
        ("%2e%2e/target/t/alice.json", 400),
        ("target/t/%2e%2e/bob.json", 400),
        ("target%2ft%2falice.json", 400),
        ("target/t/alice%2ejson", 400),
        ("/target/t/alice.json", 400),
        ("/etc/passwd", 400),
        ("target//t/alice.json", 400),
        ("target/t//alice.json", 400),
        ("target/t/alice.json/", 400),
        ("target/t/alice/", 400),
        ("target\\t\\alice.json", 400),
        ("target/t/alice\\..\\..\\bob.json", 400),
        ("..\\bob.json", 400),
        ("target\u{FF0F}t\u{FF0F}alice.json", 400),
        ("target/t/\u{2025}/bob.json", 400),
        ("target/t/\u{FF0E}\u{FF0E}/bob.json", 400),
        ("target/t/al\u{0456}ce.json", 400),
        ("target/t/alice\u{0}.json", 400),
        ("target/t/alice.json\u{0}", 400),
        ("target/t/alice\n.json", 400),
        ("target/t/alice\r.json", 400),
        ("target/t/alice\t.json", 400),
        ("target/t/alice\u{7f}.json", 400),
        ("target/t/alice\u{202e}nosj.json", 400),
        ("target/t/alice\u{200b}.json", 400),
        ("target/t/alice .json", 400),
        ("target/t/alice+.json", 400),
        ("target/t/alice.json?x=1", 400),
        ("target/t/alice.json#x", 400),
        ("target/t/.alice.json", 400),
        ("target/t/alice/.hidden", 400),
        ("", 400),
        ("/", 400),
        ("target/t/bob.json", 403),
        ("target/t/bob/mask.png", 403),
        ("target/t/ALICE.json", 403),
        ("target/t/alice.json.bak", 403),
        ("target/alice.json", 403),
        ("target/t/alice", 403),
        ("src/images/x.png", 403),
        ("src/tasks/t.json", 403),
        ("alice.json", 403),
        ("other/alice.json", 403),
        ("target", 403),
    ]
    .iter()
    .map(|(k, s)| (k.to_string(), *s))
    .collect();
    v.push((format!("target/t/alice/{}", "a/".repeat(300)), 400));
    v.push((format!("target/t/alice/{}.json", "x".repeat(600)), 400));
    v.push((format!("target/{}/alice.json", "t".repeat(129)), 400));
    v.push((format!("target/t/alice/{}", "x/".repeat(14) + "y"), 400));
    v
}

#[test]
fn every_escape_is_refused_by_the_key_rules_and_policy() {
    let alice = User::new("alice", Roles::default()).unwrap();
    for (key, _) in nasty_keys() {
        let verdict = ObjectKey::parse(&key).and_then(|k| authorize(&alice, &k, Access::Write));
        assert!(verdict.is_err(), "key {key:?} was allowed");
    }
    // And the rules still let alice reach her own area.
    for key in ["target/t/alice.json", "target/t-2/alice/mask_1.png"] {
        let k = ObjectKey::parse(key).unwrap();
        assert_eq!(authorize(&alice, &k, Access::Write), Ok(()), "{key}");
    }
}

#[tokio::test]
async fn every_escape_is_refused_over_http() {
    let env = start().await;
    for (key, expected) in nasty_keys() {
        for method in ["PUT", "GET"] {
            let (status, body) = env
                .post(
                    "/presign",
                    Some(ALICE),
                    &json!({"key": key, "method": method, "content_type": "application/json", "size": 10}),
                )
                .await;
            let expected = if method == "GET" && key.starts_with("src/") {
                200 // everyone may read the sources
            } else {
                expected
            };
            assert_eq!(status, expected, "{method} {key:?}: {body}");
            if status != 200 {
                assert!(body.get("url").is_none(), "no URL on refusal: {body}");
                assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
            }
        }
    }
}

#[tokio::test]
async fn other_users_results_are_off_limits_but_reviewers_may_read() {
    let env = start().await;
    let (s, _) = env
        .post(
            "/presign",
            Some(BOB),
            &json!({"key": "target/t/alice.json", "method": "GET"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = env
        .post(
            "/presign",
            Some(ADMIN),
            &json!({"key": "target/t/alice.json", "method": "GET"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = env
        .post(
            "/presign",
            Some(ADMIN),
            &json!({"key": "target/t/alice.json", "method": "PUT", "content_type": "application/json", "size": 1}),
        )
        .await;
    assert_eq!(s, 403, "reviewers read, they do not overwrite");
    for path in ["/multipart/create", "/multipart/parts", "/multipart/abort"] {
        let (s, v) = env
            .post(
                path,
                Some(BOB),
                &json!({"key": "target/t/alice/big.png", "content_type": "image/png", "size": 6_000_000, "upload_id": "abc"}),
            )
            .await;
        assert_eq!(s, 403, "{path}: {v}");
    }
}

#[tokio::test]
async fn missing_or_bad_tokens_get_401() {
    let env = start().await;
    let body = json!({"key": "target/t/alice.json", "method": "GET"});
    let (s, v) = env.post("/presign", None, &body).await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(v["error"], "unauthorized");
    for bad in [
        "alice-token-0002",
        "alice-token-000",
        "",
        "alice-token-00011",
    ] {
        let (s, _) = env.post("/presign", Some(bad), &body).await;
        assert_eq!(s, 401, "token {bad:?}");
    }
    let resp = env
        .http
        .post(format!("{}/presign", env.server.api_url()))
        .header("authorization", format!("Basic {ALICE}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // Authentication comes before body checks: garbage from strangers is still 401.
    let (s, _) = env.post("/presign", None, &json!({"nonsense": true})).await;
    assert_eq!(s, 401);
    let resp = env
        .http
        .get(format!("{}/tasks", env.server.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    // The cookie works as well as the header.
    let resp = env
        .http
        .post(format!("{}/presign", env.server.api_url()))
        .header("cookie", format!("theme=dark; lasso_token={ALICE}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn content_types_outside_the_allowlist_are_refused() {
    let env = start().await;
    for ct in [
        "text/html",
        "application/javascript",
        "image/svg+xml",
        "application/json; charset=utf-8",
        "Application/JSON",
        "",
    ] {
        let (s, v) = env
            .post(
                "/presign",
                Some(ALICE),
                &json!({"key": "target/t/alice.json", "method": "PUT", "content_type": ct, "size": 10}),
            )
            .await;
        assert_eq!(s, 400, "{ct:?}: {v}");
    }
    let (s, _) = env
        .post(
            "/presign",
            Some(ALICE),
            &json!({"key": "target/t/alice.json", "method": "PUT", "size": 10}),
        )
        .await;
    assert_eq!(s, 400, "PUT without a content type");
    let (s, _) = env
        .post(
            "/multipart/create",
            Some(ALICE),
            &json!({"key": "target/t/alice/x.html", "content_type": "text/html", "size": 6_000_000}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn sizes_over_the_limit_are_refused() {
    let env = start().await;
    let limit = env.server.presigner.config().max_size;
    let put = |size: u64| json!({"key": "target/t/alice.json", "method": "PUT", "content_type": "application/json", "size": size});
    let (s, _) = env.post("/presign", Some(ALICE), &put(limit)).await;
    assert_eq!(s, 200, "exactly the limit is fine");
    let (s, v) = env.post("/presign", Some(ALICE), &put(limit + 1)).await;
    assert_eq!(s, 413, "{v}");
    let (s, _) = env.post("/presign", Some(ALICE), &put(u64::MAX)).await;
    assert_eq!(s, 413);
    let (s, _) = env
        .post(
            "/presign",
            Some(ALICE),
            &json!({"key": "target/t/alice.json", "method": "PUT", "content_type": "application/json"}),
        )
        .await;
    assert_eq!(s, 400, "PUT without a size");
    let (s, _) = env
        .post(
            "/multipart/create",
            Some(ALICE),
            &json!({"key": "target/t/alice/x.png", "content_type": "image/png", "size": limit + 1}),
        )
        .await;
    assert_eq!(s, 413);
}

#[tokio::test]
async fn malformed_bodies_and_multipart_fields_are_400() {
    let env = start().await;
    let (s, v) = env.post("/presign", Some(ALICE), &json!({"key": 5})).await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = env
        .post(
            "/presign",
            Some(ALICE),
            &json!({"key": "target/t/alice.json", "method": "DELETE"}),
        )
        .await;
    assert_eq!(s, 400);
    for upload_id in ["../x", "a b", "", "a/b", "a%2fb"] {
        let (s, _) = env
            .post(
                "/multipart/abort",
                Some(ALICE),
                &json!({"key": "target/t/alice/x.png", "upload_id": upload_id}),
            )
            .await;
        assert_eq!(s, 400, "upload id {upload_id:?}");
    }
    let (s, _) = env
        .post(
            "/multipart/complete",
            Some(ALICE),
            &json!({"key": "target/t/alice/x.png", "upload_id": "abc", "parts": [{"number": 2, "etag": "\"e\""}]}),
        )
        .await;
    assert_eq!(s, 400, "parts must start at 1");
}

#[tokio::test]
async fn api_answers_cors_preflight_for_token_requests() {
    let env = start().await;
    let resp = env
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/presign", env.server.api_url()),
        )
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    let allowed = h["access-control-allow-headers"].to_str().unwrap();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    // Refusals carry CORS headers too, so the page can read the reason.
    let resp = env
        .http
        .post(format!("{}/presign", env.server.api_url()))
        .header("origin", "http://127.0.0.1:8080")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
}
