//! `lasso agree --project` and `lasso consensus --project` against `lasso-server dev` and its
//! real S3 store: two annotators' submitted results read from the bucket with a reviewer's
//! token, scored and merged; an annotator's token is refused.

#[path = "support/dev.rs"]
mod dev;
#[path = "support/png.rs"]
mod png;

use std::path::Path;
use std::process::{Command, Output};

use dev::text;
use lasso_core::team::Role;
use lasso_server::dev::DevServer;
use serde_json::{json, Value};

fn token(user: &str) -> String {
    format!("{user}-token-00000001")
}

fn lasso(server: &DevServer, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lasso"))
        .args(args)
        .args(["--presign", &server.api_url()])
        .env("LASSO_TOKEN", token(user))
        .output()
        .unwrap()
}

fn start(rt: &tokio::runtime::Runtime, dir: &Path) -> DevServer {
    let tokens: Vec<(String, Role)> = [
        ("lead", Role::Manager),
        ("ann", Role::Annotator),
        ("ben", Role::Annotator),
        ("rita", Role::Reviewer),
    ]
    .into_iter()
    .map(|(user, role)| (token(user), role))
    .collect();
    let people: Vec<(&str, &str, Role)> = ["lead", "ann", "ben", "rita"]
        .iter()
        .zip(&tokens)
        .map(|(user, (token, role))| (*user, token.as_str(), *role))
        .collect();
    dev::start(rt, dir, &people)
}

fn json_of(resp: reqwest::blocking::Response) -> Value {
    serde_json::from_str(&resp.text().unwrap()).unwrap()
}

/// `user` takes the next task, uploads boxes at `xs` and submits.
fn label(server: &DevServer, user: &str, xs: &[f64]) {
    let http = reqwest::blocking::Client::new();
    let api = server.api_url();
    let grant = json_of(
        http.post(format!("{api}/projects/pets/next"))
            .bearer_auth(token(user))
            .send()
            .unwrap(),
    );
    let task = grant["task"]["task"].as_str().unwrap().to_owned();
    let manifest = json_of(
        http.get(grant["task"]["manifest_url"].as_str().unwrap())
            .send()
            .unwrap(),
    );
    let annotations: Vec<Value> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            json!({"id": format!("{user}{i}"), "label": "car",
            "shape": {"type": "box", "x0": x, "y0": 2.0, "x1": x + 10.0, "y1": 12.0}})
        })
        .collect();
    let body = serde_json::to_vec(
        &json!({"id": task, "image": manifest["image"], "annotations": annotations}),
    )
    .unwrap();
    let request = json!({"key": grant["task"]["result_key"], "method": "PUT",
                         "content_type": "application/json", "size": body.len()});
    let presign = json_of(
        http.post(format!("{api}/presign"))
            .bearer_auth(token(user))
            .header("content-type", "application/json")
            .body(request.to_string())
            .send()
            .unwrap(),
    );
    let put = http
        .put(presign["url"].as_str().unwrap())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap();
    assert!(put.status().is_success());
    let submitted = http
        .post(format!("{api}/projects/pets/tasks/{task}/submit"))
        .bearer_auth(token(user))
        .send()
        .unwrap();
    assert!(
        submitted.status().is_success(),
        "{}",
        submitted.text().unwrap()
    );
}

#[test]
fn agreement_and_consensus_of_a_project_in_the_bucket() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = start(&rt, dir.path());
    let pets = dir.path().join("pets");
    std::fs::create_dir_all(&pets).unwrap();
    std::fs::write(pets.join("a.png"), png::png(40, 20, |x, _| x as u8)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lasso"))
        .args([
            "import",
            pets.to_str().unwrap(),
            "--project",
            "pets",
            "--overlap",
            "2",
        ])
        .args(["--presign", &server.api_url()])
        .env("LASSO_TOKEN", token("lead"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    label(&server, "ann", &[2.0, 20.0]);
    label(&server, "ben", &[3.0]);

    let out = lasso(&server, "rita", &["agree", "--project", "pets", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["first"].as_str(), pair["second"].as_str()),
        (Some("ann"), Some("ben"))
    );
    assert_eq!(pair["images"], 1);
    assert_eq!(pair["overall"]["matched"], 1);
    assert_eq!(pair["overall"]["recall"], 0.5);

    // Both must agree: the box both drew, by median; the other listed.
    let merged = dir.path().join("merged");
    let disputes = dir.path().join("disputes.json");
    let out = lasso(
        &server,
        "rita",
        &[
            "consensus",
            "--project",
            "pets",
            "--min",
            "2",
            "-o",
            merged.to_str().unwrap(),
            "--disputes",
            disputes.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let coco: Value = serde_json::from_slice(
        &std::fs::read(merged.join("annotations/instances_default.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(coco["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(
        coco["annotations"][0]["bbox"],
        json!([2.5, 2.0, 10.0, 10.0])
    );
    let listed: Value = serde_json::from_slice(&std::fs::read(&disputes).unwrap()).unwrap();
    assert_eq!(listed[0]["shapes"][0]["by"], json!(["ann"]));

    // An annotator may not read the others' work.
    let out = lasso(&server, "ann", &["agree", "--project", "pets"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));
    // Folders and a project at once are refused by name.
    let out = lasso(&server, "rita", &["agree", "--project", "pets", "x", "y"]);
    assert!(
        text(&out.stderr).contains("not both"),
        "{}",
        text(&out.stderr)
    );
}
