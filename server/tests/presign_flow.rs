//! End-to-end: presigned URLs from the API against the real-signature local store.

mod common;

use common::{pattern, start, ADMIN, ALICE};
use lasso_server::keys::{Roles, User};
use lasso_server::presign::{PresignMethod, PresignRequest};
use serde_json::json;

#[tokio::test]
async fn put_lands_byte_for_byte_with_its_content_type_and_get_reads_it() {
    let env = start().await;
    let bytes = pattern(70_001, 1);
    let key = "target/task-1/alice.json";
    let p = env
        .presign_put(ALICE, key, "application/json", bytes.len())
        .await;
    assert_eq!(p["method"], "PUT");
    assert_eq!(p["headers"]["content-type"], "application/json");
    let (status, etag) = env
        .put(
            p["url"].as_str().unwrap(),
            Some("application/json"),
            bytes.clone(),
        )
        .await;
    assert_eq!(status, 200);
    assert!(etag.is_some(), "store must send an ETag");

    let url = env.presign_get(ALICE, key).await;
    let (status, ct, got) = env.get(&url).await;
    assert_eq!(status, 200);
    assert_eq!(ct.as_deref(), Some("application/json"));
    assert_eq!(got, bytes);
}

#[tokio::test]
async fn tampered_key_or_signature_is_refused_by_the_store() {
    let env = start().await;
    let bytes = pattern(100, 2);
    let p = env
        .presign_put(
            ALICE,
            "target/t/alice.json",
            "application/json",
            bytes.len(),
        )
        .await;
    let url = p["url"].as_str().unwrap();

    let other_key = url.replace("/target/t/alice.json", "/target/t/bob.json");
    assert_ne!(other_key, url);
    let (status, _) = env
        .put(&other_key, Some("application/json"), bytes.clone())
        .await;
    assert_eq!(status, 403, "changed key");
    assert_eq!(env.stored("target/t/bob.json").await, None);

    let (head, sig) = url.rsplit_once("X-Amz-Signature=").unwrap();
    let flipped: String = sig
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                c
            }
        })
        .collect();
    let bad_sig = format!("{head}X-Amz-Signature={flipped}");
    let (status, _) = env
        .put(&bad_sig, Some("application/json"), bytes.clone())
        .await;
    assert_eq!(status, 403, "changed signature");

    let longer = url.replace("X-Amz-Expires=300", "X-Amz-Expires=3000");
    assert_ne!(longer, url);
    let (status, _) = env
        .put(&longer, Some("application/json"), bytes.clone())
        .await;
    assert_eq!(status, 403, "changed expiry");
    assert_eq!(env.stored("target/t/alice.json").await, None);

    // The untouched URL still works, so the refusals above were about the tampering.
    let (status, _) = env.put(url, Some("application/json"), bytes.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(env.stored("target/t/alice.json").await, Some(bytes));
}

#[tokio::test]
async fn expired_url_is_refused_by_the_store() {
    let env = start().await;
    let alice = User::new("alice", Roles::default()).unwrap();
    let an_hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(3600);
    let req = PresignRequest::put("target/t/alice.json", "application/json", 3);
    assert_eq!(req.method, PresignMethod::Put);
    let p = env
        .server
        .presigner
        .presign_at(&alice, &req, an_hour_ago)
        .unwrap();
    let (status, _) = env
        .put(&p.url, Some("application/json"), b"abc".to_vec())
        .await;
    assert_eq!(status, 403);
    assert_eq!(env.stored("target/t/alice.json").await, None);
    // Signed now, the same request goes through.
    let p = env
        .server
        .presigner
        .presign_at(&alice, &req, jiff::Timestamp::now())
        .unwrap();
    let (status, _) = env
        .put(&p.url, Some("application/json"), b"abc".to_vec())
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn wrong_type_or_size_is_refused_by_the_store_because_it_is_signed() {
    let env = start().await;
    let key = "target/t/alice.json";
    let p = env.presign_put(ALICE, key, "application/json", 10).await;
    let url = p["url"].as_str().unwrap();
    let signed = p["url"]
        .as_str()
        .unwrap()
        .contains("content-length%3Bcontent-type");
    assert!(
        signed,
        "content-length and content-type must be signed: {url}"
    );

    let cases: [(&str, Option<&str>, usize); 4] = [
        ("other content type", Some("image/png"), 10),
        ("no content type", None, 10),
        ("oversize", Some("application/json"), 11),
        ("undersize", Some("application/json"), 9),
    ];
    for (what, ct, len) in cases {
        let (status, _) = env.put(url, ct, pattern(len, 3)).await;
        assert_eq!(status, 403, "{what}");
        assert_eq!(
            env.stored(key).await,
            None,
            "{what} must not store anything"
        );
    }
    let (status, _) = env.put(url, Some("application/json"), pattern(10, 3)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn multipart_create_resume_and_complete() {
    let env = start().await;
    let key = "src/big/scan.tiff";
    let bytes = pattern(11 * 1024 * 1024 + 123, 4);
    let (status, up) = env
        .post(
            "/multipart/create",
            Some(ADMIN),
            &json!({"key": key, "content_type": "image/tiff", "size": bytes.len()}),
        )
        .await;
    assert_eq!(status, 200, "{up}");
    let part_size = up["part_size"].as_u64().unwrap() as usize;
    assert_eq!(part_size, 5 * 1024 * 1024);
    let parts = up["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(up["part_count"], 3);
    let upload_id = up["upload_id"].as_str().unwrap().to_owned();
    let chunk = |n: usize| bytes[(n - 1) * part_size..(n * part_size).min(bytes.len())].to_vec();

    // A part URL is signed for its exact length: a longer body is refused.
    let mut too_long = chunk(3);
    too_long.push(0);
    let (status, _) = env
        .put(parts[2]["url"].as_str().unwrap(), None, too_long)
        .await;
    assert_eq!(status, 403);

    // Send parts 1 and 3, then "lose" the state and resume from the store's list.
    let mut etags = std::collections::BTreeMap::new();
    for n in [1usize, 3] {
        let (status, etag) = env
            .put(parts[n - 1]["url"].as_str().unwrap(), None, chunk(n))
            .await;
        assert_eq!(status, 200, "part {n}");
        etags.insert(n, etag.unwrap());
    }
    let (status, resume) = env
        .post(
            "/multipart/parts",
            Some(ADMIN),
            &json!({"key": key, "upload_id": upload_id, "size": bytes.len()}),
        )
        .await;
    assert_eq!(status, 200, "{resume}");
    let done: Vec<u64> = resume["uploaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(done, vec![1, 3]);
    let missing = resume["parts"].as_array().unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["number"], 2);
    assert_eq!(missing[0]["size"].as_u64().unwrap() as usize, part_size);
    let (status, etag) = env
        .put(missing[0]["url"].as_str().unwrap(), None, chunk(2))
        .await;
    assert_eq!(status, 200);
    etags.insert(2, etag.unwrap());

    let parts: Vec<_> = etags
        .iter()
        .map(|(n, e)| json!({"number": n, "etag": e}))
        .collect();
    let (status, done) = env
        .post(
            "/multipart/complete",
            Some(ADMIN),
            &json!({"key": key, "upload_id": upload_id, "parts": parts}),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["key"], key);

    let url = env.presign_get(ADMIN, key).await;
    let (status, ct, got) = env.get(&url).await;
    assert_eq!(status, 200);
    assert_eq!(ct.as_deref(), Some("image/tiff"));
    assert_eq!(got.len(), bytes.len());
    assert!(got == bytes, "assembled object differs");
}

#[tokio::test]
async fn multipart_abort_discards_the_upload() {
    let env = start().await;
    let key = "target/t/alice/mask.png";
    let size = 6 * 1024 * 1024;
    let (status, up) = env
        .post(
            "/multipart/create",
            Some(ALICE),
            &json!({"key": key, "content_type": "image/png", "size": size}),
        )
        .await;
    assert_eq!(status, 200, "{up}");
    let upload_id = up["upload_id"].as_str().unwrap();
    let (status, _) = env
        .post(
            "/multipart/abort",
            Some(ALICE),
            &json!({"key": key, "upload_id": upload_id}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, v) = env
        .post(
            "/multipart/complete",
            Some(ALICE),
            &json!({"key": key, "upload_id": upload_id, "parts": [{"number": 1, "etag": "\"x\""}]}),
        )
        .await;
    assert_eq!(status, 502, "completing an aborted upload must fail: {v}");
}

/// A PNG header (signature + IHDR) is all the seeder reads for the size.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

#[tokio::test]
async fn seeded_images_are_listed_as_tasks_with_manifests() {
    let seed = tempfile::tempdir().unwrap();
    std::fs::write(seed.path().join("b.png"), png_header(640, 480)).unwrap();
    std::fs::write(seed.path().join("a.png"), png_header(32, 16)).unwrap();
    std::fs::write(seed.path().join("notes.txt"), b"not an image").unwrap();
    std::fs::write(seed.path().join("bad name.png"), png_header(1, 1)).unwrap();
    let env = common::start_with(Some(seed.path().to_owned())).await;
    assert_eq!(
        env.server.seeded,
        vec!["src/tasks/a.json", "src/tasks/b.json"]
    );

    let resp = env
        .http
        .get(format!("{}/tasks", env.server.api_url()))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    let tasks = v["tasks"].as_array().unwrap();
    let keys: Vec<&str> = tasks.iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(keys, vec!["src/tasks/a.json", "src/tasks/b.json"]);

    let (status, ct, body) = env.get(tasks[1]["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(ct.as_deref(), Some("application/json"));
    let task: lasso_core::model::Task = serde_json::from_slice(&body).unwrap();
    assert_eq!(task.id, "b");
    assert_eq!(task.image.src, "src/images/b.png");
    assert_eq!((task.image.width, task.image.height), (640, 480));
    assert!(!task.labels.labels.is_empty());
    let img_url = env.presign_get(ALICE, &task.image.src).await;
    let (status, ct, img) = env.get(&img_url).await;
    assert_eq!((status, ct.as_deref()), (200, Some("image/png")));
    assert_eq!(img, png_header(640, 480));
}

#[tokio::test]
async fn store_sends_cors_headers_on_errors_and_exposes_etag() {
    let env = start().await;
    let url = format!("{}/lasso/src/missing.png", env.server.s3_url());
    let resp = env
        .http
        .get(&url)
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403, "unsigned request must be refused");
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "http://127.0.0.1:8080");
    let exposed = h["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.split(',').any(|x| x.trim() == "etag"), "{exposed}");

    let pre = env
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 200);
    assert!(pre.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("PUT"));
}

/// PUTs with the headers the presigner returned (they are part of the signature).
async fn put_signed(env: &common::Env, answer: &serde_json::Value, body: &[u8]) -> u16 {
    let mut rb = env
        .http
        .put(answer["url"].as_str().unwrap())
        .body(body.to_vec());
    for (k, v) in answer["headers"].as_object().unwrap() {
        rb = rb.header(k.as_str(), v.as_str().unwrap());
    }
    rb.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn conditional_puts_are_signed_and_the_store_enforces_them() {
    let env = start().await;
    let key = "target/t/alice.json";
    let ask = |cond: serde_json::Value| {
        let mut body =
            json!({"key": key, "method": "PUT", "content_type": "application/json", "size": 2});
        body.as_object_mut()
            .unwrap()
            .extend(cond.as_object().unwrap().clone());
        body
    };
    // Create only if absent: the first write lands, the second is refused by S3 itself.
    let (s, create) = env
        .post("/presign", Some(ALICE), &ask(json!({"if_none_match": "*"})))
        .await;
    assert_eq!(s, 200, "{create}");
    assert_eq!(create["headers"]["if-none-match"], "*");
    assert_eq!(put_signed(&env, &create, b"v1").await, 200);
    assert_eq!(put_signed(&env, &create, b"v2").await, 412);
    // Replace only over a known version.
    let (_, stale) = env
        .post(
            "/presign",
            Some(ALICE),
            &ask(json!({"if_match": "\"0000\""})),
        )
        .await;
    assert_eq!(put_signed(&env, &stale, b"v3").await, 412);
    assert_eq!(env.stored(key).await, Some(b"v1".to_vec()));
    let etag = env
        .server
        .presigner
        .s3()
        .head(key)
        .await
        .unwrap()
        .unwrap()
        .0;
    let (_, fresh) = env
        .post("/presign", Some(ALICE), &ask(json!({"if_match": etag})))
        .await;
    assert_eq!(put_signed(&env, &fresh, b"v4").await, 200);
    assert_eq!(env.stored(key).await, Some(b"v4".to_vec()));
    // Dropping the signed header breaks the signature: the condition cannot be stripped.
    let (s, _) = env
        .put(
            fresh["url"].as_str().unwrap(),
            Some("application/json"),
            b"v5".to_vec(),
        )
        .await;
    assert_eq!(s, 403);
    // Malformed conditions are refused before anything is signed.
    for bad in [
        json!({"if_match": "no-quotes"}),
        json!({"if_none_match": "\"a\" x"}),
        json!({"if_match": "\"a\nb\""}),
    ] {
        let (s, v) = env.post("/presign", Some(ALICE), &ask(bad.clone())).await;
        assert_eq!(s, 400, "{bad}: {v}");
    }
}
