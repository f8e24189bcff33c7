//! Load of the team endpoints on loopback: annotators in parallel ask for the next task,
//! upload a result through a presigned URL and submit, for a fixed time, against the local
//! store in this process. Prints p50/p99 of `next` and `submit` and the submissions per second.
//!
//! `cargo run --release -p lasso-server --example team_load -- [SECONDS] [TASKS] [WORKERS]`
//! (defaults 60, 2000, 16).

use std::sync::Arc;
use std::time::{Duration, Instant};

use lasso_core::model::{ImageRef, Label, LabelSet, Task};
use lasso_core::team::{Project, ProjectKeys, Role, Roles};
use lasso_server::config::TokenEntry;
use lasso_server::dev::{self, DevOptions};
use lasso_server::keys::ObjectKey;
use lasso_server::team::Team;

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), String> {
    let (secs, tasks, workers) = (arg(1, 60), arg(2, 2000), arg(3, 16));
    let dir = std::env::temp_dir().join(format!("lasso-team-load-{}", std::process::id()));
    let mut opts = DevOptions::new(dir.join("data"));
    opts.s3_port = 0;
    opts.api_port = 0;
    opts.tokens = (0..workers)
        .map(|i| TokenEntry {
            user: format!("ann{i:03}"),
            token: format!("ann{i:03}-token-xxxxxxxx"),
            roles: Roles::of(&[Role::Annotator]),
        })
        .collect();
    let server = dev::start(opts).await?;
    let team = Team::new(server.presigner.clone());
    let project = Project::new(LabelSet {
        labels: vec![Label::new("car", "#f00")],
        ..LabelSet::default()
    });
    team.store("load", &project)
        .await
        .map_err(|e| e.to_string())?;
    let keys = ProjectKeys::new("load")?;
    for i in 0..tasks {
        let id = format!("t{i:06}");
        let task = Task {
            id: id.clone(),
            image: ImageRef {
                src: format!("load/src/images/{id}.jpg"),
                ..Default::default()
            },
            ..Default::default()
        };
        let key = ObjectKey::parse(&keys.manifest(&id).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let body = serde_json::to_vec(&task).map_err(|e| e.to_string())?;
        server
            .presigner
            .put_direct(&key, "application/json", body)
            .await
            .map_err(|e| e.to_string())?;
    }
    println!("{tasks} tasks, {workers} annotators, {secs} s");
    if std::env::var_os("LASSO_LOAD_PROBE").is_some() {
        for prefix in [
            "load/src/tasks/",
            "load/state/slots/",
            "load/state/users/x/",
        ] {
            let t = Instant::now();
            let n = server
                .presigner
                .s3()
                .list(prefix)
                .await
                .map_err(|e| e.to_string())?
                .len();
            println!(
                "probe: list {prefix}: {n} keys in {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        let t = Instant::now();
        server
            .presigner
            .s3()
            .put(
                "load/state/probe",
                "application/json",
                b"{}".to_vec(),
                &lasso_server::bucket::Precondition::Absent,
            )
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "probe: conditional put in {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let api = Arc::new(server.api_url());
    let http = reqwest::Client::new();
    let end = Instant::now() + Duration::from_secs(secs);
    let mut runs = tokio::task::JoinSet::new();
    for i in 0..workers {
        let (api, http) = (api.clone(), http.clone());
        runs.spawn(async move {
            let token = format!("ann{i:03}-token-xxxxxxxx");
            let (mut next_ms, mut submit_ms) = (Vec::new(), Vec::new());
            while Instant::now() < end {
                let t = Instant::now();
                let r = http
                    .post(format!("{api}/projects/load/next"))
                    .bearer_auth(&token)
                    .body("{}")
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let grant: serde_json::Value =
                    serde_json::from_str(&r.text().await.map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())?;
                next_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                let Some(task) = grant["task"]["task"].as_str() else {
                    break;
                };
                let key = grant["task"]["result_key"].as_str().unwrap_or_default();
                let body = b"{\"annotations\":[]}".to_vec();
                let presigned: serde_json::Value = serde_json::from_str(
                    &http
                        .post(format!("{api}/presign"))
                        .bearer_auth(&token)
                        .body(
                            serde_json::json!({"key": key, "method": "PUT",
                                "content_type": "application/json", "size": body.len()})
                            .to_string(),
                        )
                        .send()
                        .await
                        .map_err(|e| e.to_string())?
                        .text()
                        .await
                        .map_err(|e| e.to_string())?,
                )
                .map_err(|e| e.to_string())?;
                http.put(presigned["url"].as_str().unwrap_or_default())
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let t = Instant::now();
                let r = http
                    .post(format!("{api}/projects/load/tasks/{task}/submit"))
                    .bearer_auth(&token)
                    .body("{\"active_ms\": 1000}")
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !r.status().is_success() {
                    return Err(format!("submit {task}: {}", r.status()));
                }
                submit_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>((next_ms, submit_ms))
        });
    }
    let start = Instant::now();
    let (mut next_ms, mut submit_ms) = (Vec::new(), Vec::new());
    while let Some(r) = runs.join_next().await {
        let (n, s) = r.map_err(|e| e.to_string())??;
        next_ms.extend(n);
        submit_ms.extend(s);
    }
    let elapsed = start.elapsed().as_secs_f64();
    next_ms.sort_by(f64::total_cmp);
    submit_ms.sort_by(f64::total_cmp);
    let done = team
        .member(
            &lasso_server::keys::User::new("lead", Roles::of(&[Role::Manager]))?,
            "load",
        )
        .await
        .map_err(|e| e.to_string())?;
    let report = team.progress(&done).await.map_err(|e| e.to_string())?;
    println!(
        "next:   {} calls, p50 {:.1} ms, p99 {:.1} ms",
        next_ms.len(),
        percentile(&next_ms, 0.5),
        percentile(&next_ms, 0.99)
    );
    println!(
        "submit: {} calls, p50 {:.1} ms, p99 {:.1} ms",
        submit_ms.len(),
        percentile(&submit_ms, 0.5),
        percentile(&submit_ms, 0.99)
    );
    println!(
        "{:.1} tasks submitted per second over {elapsed:.0} s; the bucket counts {} submitted, {} complete tasks",
        submit_ms.len() as f64 / elapsed,
        report.by_status.get("submitted").copied().unwrap_or(0),
        report.complete_tasks
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
