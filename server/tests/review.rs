//! Review on the real local store: the queue, rejecting one person's result with pinned
//! issues, the rework coming back first, resolution, the reviewer's corrected copy accepted,
//! and who may do what.

mod common;

use common::{start_with_users, Env};
use lasso_core::model::{ImageRef, Label, LabelSet, Task};
use lasso_core::team::{Project, ProjectKeys, Role, Roles};
use lasso_server::config::TokenEntry;
use lasso_server::keys::ObjectKey;
use lasso_server::team::Team;
use serde_json::{json, Value};

fn token(user: &str) -> String {
    format!("{user}-token-xxxxxxxx")
}

fn person(user: &str, role: Role) -> TokenEntry {
    TokenEntry {
        user: user.into(),
        token: token(user),
        roles: Roles::of(&[role]),
    }
}

async fn setup() -> Env {
    setup_with(2).await
}

async fn setup_with(overlap: u32) -> Env {
    let env = start_with_users(
        None,
        vec![
            person("ann", Role::Annotator),
            person("ben", Role::Annotator),
            person("rita", Role::Reviewer),
            person("lead", Role::Manager),
        ],
    )
    .await;
    let team = Team::new(env.server.presigner.clone());
    let mut p = Project::new(LabelSet {
        labels: vec![Label::new("car", "#f00")],
        ..LabelSet::default()
    });
    p.overlap = overlap;
    team.store("p", &p).await.unwrap();
    let keys = ProjectKeys::new("p").unwrap();
    for t in ["t1", "t2"] {
        let task = Task {
            id: t.into(),
            image: ImageRef {
                src: format!("p/src/images/{t}.png"),
                width: 100,
                height: 100,
                ..Default::default()
            },
            ..Default::default()
        };
        let key = ObjectKey::parse(&keys.manifest(t).unwrap()).unwrap();
        env.server
            .presigner
            .put_direct(&key, "application/json", serde_json::to_vec(&task).unwrap())
            .await
            .unwrap();
    }
    env
}

/// Uploads `user`'s result of `task` (a box per `x`) through a presigned PUT.
async fn upload(env: &Env, user: &str, task: &str, xs: &[f64]) {
    let annotations: Vec<Value> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            json!({"id": format!("{user}{i}"), "label": "car",
                   "shape": {"type": "box", "x0": x, "y0": 10.0, "x1": x + 20.0, "y1": 30.0}})
        })
        .collect();
    let image = json!({"src": format!("p/src/images/{task}.png"), "width": 100, "height": 100});
    let body = serde_json::to_vec(&json!({"id": task, "image": image, "annotations": annotations}))
        .unwrap();
    let key = format!("p/target/{task}/{user}.json");
    let put = env
        .presign_put(&token(user), &key, "application/json", body.len())
        .await;
    let (s, _) = env
        .put(put["url"].as_str().unwrap(), Some("application/json"), body)
        .await;
    assert_eq!(s, 200, "upload {key}");
}

async fn take_and_submit(env: &Env, user: &str, xs: &[f64]) -> String {
    let (s, g) = env
        .post("/projects/p/next", Some(&token(user)), &json!({}))
        .await;
    assert_eq!(s, 200, "{g}");
    let task = g["task"]["task"].as_str().unwrap().to_owned();
    upload(env, user, &task, xs).await;
    let (s, v) = env
        .post(
            &format!("/projects/p/tasks/{task}/submit"),
            Some(&token(user)),
            &json!({"active_ms": 1000}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    task
}

async fn status(env: &Env, user: &str, task: &str) -> String {
    let (_, v) = env
        .get_api(
            &format!("/projects/p/tasks/{task}/status"),
            Some(&token(user)),
        )
        .await;
    v["status"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn reject_rework_resolve_and_accept_the_reviewers_copy() {
    let env = setup().await;
    let task = take_and_submit(&env, "ann", &[10.0, 50.0]).await;
    assert_eq!(take_and_submit(&env, "ben", &[12.0]).await, task);
    // The queue: the task, complete, with both people waiting.
    let (s, q) = env
        .get_api("/projects/p/review", Some(&token("rita")))
        .await;
    assert_eq!(s, 200, "{q}");
    assert_eq!(q["tasks"][0]["task"], task.as_str());
    assert_eq!(q["tasks"][0]["complete"], true);
    assert_eq!(q["tasks"][0]["people"].as_array().unwrap().len(), 2);
    let (s, _) = env.get_api("/projects/p/review", Some(&token("ann"))).await;
    assert_eq!(s, 403, "annotators have no review queue");
    // The bundle: both results readable, and rita's own copy to correct.
    let (s, b) = env
        .get_api(
            &format!("/projects/p/tasks/{task}/review"),
            Some(&token("rita")),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["results"].as_array().unwrap().len(), 2);
    let (code, _, body) = env.get(b["results"][1]["url"].as_str().unwrap()).await;
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("ben0"));
    assert_eq!(
        b["grant"]["result_key"],
        format!("p/target/{task}/rita.json")
    );
    // A rejection must say why, and names an existing submission.
    let reject = format!("/projects/p/tasks/{task}/reject");
    let (s, v) = env
        .post(&reject, Some(&token("rita")), &json!({"user": "ben"}))
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = env
        .post(
            &reject,
            Some(&token("rita")),
            &json!({"user": "cy", "comment": "x"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, _) = env
        .post(
            &reject,
            Some(&token("ann")),
            &json!({"user": "ben", "comment": "x"}),
        )
        .await;
    assert_eq!(s, 403, "annotators do not reject");
    let issue = json!({"id": "i1", "x": 55.0, "y": 20.0, "text": "missing car here"});
    let (s, v) = env
        .post(
            &reject,
            Some(&token("rita")),
            &json!({"user": "ben", "comment": "one car short", "issues": [issue]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(status(&env, "ben", &task).await, "rework");
    assert_eq!(status(&env, "ann", &task).await, "submitted");
    // Ben's next task is the rework, with the review on it.
    let (_, g) = env
        .post("/projects/p/next", Some(&token("ben")), &json!({}))
        .await;
    assert_eq!(g["task"]["task"], task.as_str(), "{g}");
    assert_eq!(g["task"]["status"], "rework");
    assert_eq!(g["task"]["review"]["issues"][0]["text"], "missing car here");
    assert!(g["task"]["result_url"].is_string(), "his result comes back");
    // He fixes it and resubmits: the issue is resolved, the task waits for review again.
    upload(&env, "ben", &task, &[12.0, 52.0]).await;
    let (s, v) = env
        .post(
            &format!("/projects/p/tasks/{task}/submit"),
            Some(&token("ben")),
            &json!({"active_ms": 500, "resolved": ["i1"]}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
    assert_eq!(status(&env, "ben", &task).await, "submitted");
    let (_, b) = env
        .get_api(
            &format!("/projects/p/tasks/{task}/review"),
            Some(&token("rita")),
        )
        .await;
    let ben = b["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user"] == "ben")
        .unwrap();
    assert_eq!(ben["review"]["issues"][0]["resolved"], true, "{ben}");
    // Rita corrects the result in her own copy and accepts it.
    let accept = format!("/projects/p/tasks/{task}/accept");
    let (s, _) = env
        .post(&accept, Some(&token("rita")), &json!({"from": "rita"}))
        .await;
    assert_eq!(s, 409, "nothing to accept before her copy is uploaded");
    upload(&env, "rita", &task, &[11.0, 51.0, 80.0]).await;
    let (s, v) = env
        .post(&accept, Some(&token("rita")), &json!({"from": "rita"}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["people"], json!(["ann", "ben"]));
    assert_eq!(status(&env, "ann", &task).await, "accepted");
    assert_eq!(status(&env, "ben", &task).await, "accepted");
    let (_, q) = env
        .get_api("/projects/p/review", Some(&token("rita")))
        .await;
    assert!(q["tasks"].as_array().unwrap().is_empty(), "{q}");
    // The accepted result is rita's copy, listed for exports; annotators cannot read it.
    let (s, list) = env
        .get_api("/projects/p/accepted", Some(&token("rita")))
        .await;
    assert_eq!(s, 200);
    assert_eq!(list["tasks"][0]["task"], task.as_str());
    let (_, _, body) = env.get(list["tasks"][0]["url"].as_str().unwrap()).await;
    let accepted: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(accepted["annotations"].as_array().unwrap().len(), 3);
    let (s, _) = env
        .post(
            "/presign",
            Some(&token("ann")),
            &json!({"key": format!("p/accepted/{task}.json"), "method": "GET"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = env
        .post(
            "/presign",
            Some(&token("rita")),
            &json!({"key": format!("p/accepted/{task}.json"), "method": "PUT", "content_type": "application/json", "size": 2}),
        )
        .await;
    assert_eq!(s, 403, "only the server writes accepted results");
}

/// The lead rewrites `project.json` of "p" with `change` applied, through the API (which
/// the server's cached copy follows at once).
async fn edit_project(env: &Env, change: impl FnOnce(&mut Project)) {
    let (_, answer) = env.get_api("/projects/p", Some(&token("lead"))).await;
    let mut p: Project = serde_json::from_value(answer["project"].clone()).unwrap();
    change(&mut p);
    let resp = reqwest::Client::new()
        .put(format!("{}/projects/p", env.server.api_url()))
        .bearer_auth(token("lead"))
        .body(serde_json::to_vec(&p).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{}",
        resp.text().await.unwrap()
    );
}

#[tokio::test]
async fn gold_is_given_unannounced_and_scored_and_checks_can_block() {
    let env = setup_with(1).await;
    // ann labels t1; rita accepts it; the lead makes it gold for everyone.
    let task = take_and_submit(&env, "ann", &[10.0, 50.0]).await;
    assert_eq!(task, "t1");
    let (s, v) = env
        .post(
            "/projects/p/tasks/t1/accept",
            Some(&token("rita")),
            &json!({"from": "ann"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    edit_project(&env, |p| {
        p.gold.tasks = vec!["t1".into()];
        p.gold.rate = 1.0;
    })
    .await;
    // ben's next task is the gold one, on a slot above the overlap, like any other grant.
    let (_, g) = env
        .post("/projects/p/next", Some(&token("ben")), &json!({}))
        .await;
    assert_eq!(g["task"]["task"], "t1", "{g}");
    assert_eq!(g["task"]["status"], "in_progress");
    assert_eq!(g["task"]["slot"], 1);
    assert!(
        g["task"].get("gold").is_none(),
        "nothing tells him it is gold"
    );
    upload(&env, "ben", "t1", &[11.0]).await;
    let (s, v) = env
        .post(
            "/projects/p/tasks/t1/submit",
            Some(&token("ben")),
            &json!({"active_ms": 3000}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let score: Value = serde_json::from_slice(
        &env.server
            .presigner
            .s3()
            .get("p/state/gold/t1/ben.json")
            .await
            .unwrap()
            .expect("a gold score")
            .body,
    )
    .unwrap();
    assert_eq!(
        (
            score["reference"].as_u64(),
            score["drawn"].as_u64(),
            score["matched"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    // The gold task does not wait for review again.
    let (_, q) = env
        .get_api("/projects/p/review", Some(&token("rita")))
        .await;
    assert!(q["tasks"].as_array().unwrap().is_empty(), "{q}");
    // The lead's report: ben against gold, ann's review record.
    let (s, r) = env
        .get_api("/projects/p/quality", Some(&token("lead")))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["annotators"]["ben"]["gold"]["recall"], 0.5);
    assert_eq!(r["annotators"]["ben"]["gold"]["precision"], 1.0);
    assert_eq!(r["annotators"]["ann"]["decisions"], 1);
    assert_eq!(r["annotators"]["ann"]["rejection_rate"], 0.0);
    let (s, _) = env
        .get_api("/projects/p/quality", Some(&token("rita")))
        .await;
    assert_eq!(s, 403, "the report is the managers'");
    // Checks that block: a box smaller than 5 px cannot be submitted, and the answer says why.
    edit_project(&env, |p| {
        p.checks.min_size = Some(5.0);
        p.checks.block = true;
    })
    .await;
    let (_, g) = env
        .post("/projects/p/next", Some(&token("ben")), &json!({}))
        .await;
    assert_eq!(g["task"]["task"], "t2", "no gold left for ben: {g}");
    let body = serde_json::to_vec(&json!({"id": "t2", "image": {"src": "p/src/images/t2.png", "width": 100, "height": 100}, "annotations": [
        {"id": "b0", "label": "car", "shape": {"type": "box", "x0": 1.0, "y0": 1.0, "x1": 3.0, "y1": 3.0}}
    ]}))
    .unwrap();
    let put = env
        .presign_put(
            &token("ben"),
            "p/target/t2/ben.json",
            "application/json",
            body.len(),
        )
        .await;
    env.put(put["url"].as_str().unwrap(), Some("application/json"), body)
        .await;
    let (s, v) = env
        .post(
            "/projects/p/tasks/t2/submit",
            Some(&token("ben")),
            &json!({}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("smaller than 5 px"),
        "{v}"
    );
    assert_eq!(
        status(&env, "ben", "t2").await,
        "in_progress",
        "nothing was marked done"
    );
}

#[tokio::test]
async fn sources_list_every_task_with_the_results_a_policy_takes() {
    let env = setup().await;
    let task = take_and_submit(&env, "ann", &[10.0]).await;
    assert_eq!(take_and_submit(&env, "ben", &[12.0, 50.0]).await, task);
    let other = if task == "t1" { "t2" } else { "t1" };
    let sources = |q: &'static str| {
        let env = &env;
        async move {
            env.get_api(&format!("/projects/p/sources{q}"), Some(&token("rita")))
                .await
        }
    };
    let (s, v) = sources("?choose=annotator:ben").await;
    assert_eq!(s, 200, "{v}");
    let entry = |v: &Value, t: &str| {
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["task"] == t)
            .cloned()
            .unwrap()
    };
    let taken = entry(&v, &task);
    assert_eq!(taken["taken"], "annotator:ben");
    assert_eq!(taken["results"][0]["from"], "ben");
    let (code, _, body) = env.get(taken["results"][0]["url"].as_str().unwrap()).await;
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("ben1"));
    // A task nobody submitted is listed with its manifest and nothing taken.
    let untouched = entry(&v, other);
    assert!(untouched.get("taken").is_none(), "{untouched}");
    assert_eq!(untouched["results"], json!([]));
    let (code, _, body) = env.get(untouched["manifest_url"].as_str().unwrap()).await;
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains(&format!("{other}.png")));
    // A consensus takes everyone's; after acceptance the default policy takes the accepted one.
    let (_, v) = sources("?choose=consensus").await;
    let consensus = entry(&v, &task);
    let froms: Vec<&str> = consensus["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["from"].as_str().unwrap())
        .collect();
    assert_eq!(froms, ["ann", "ben"]);
    let (s, v) = env
        .post(
            &format!("/projects/p/tasks/{task}/accept"),
            Some(&token("rita")),
            &json!({"from": "ann"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = sources("").await;
    assert_eq!(v["policy"], json!(["accepted", "latest"]));
    assert_eq!(entry(&v, &task)["taken"], "accepted");
    let (_, _, body) = env
        .get(entry(&v, &task)["results"][0]["url"].as_str().unwrap())
        .await;
    assert!(String::from_utf8_lossy(&body).contains("ann0"));
    // A rule that does not exist is named; annotators may not read everyone's work.
    let (s, v) = sources("?choose=accepted,newest").await;
    assert_eq!(s, 400);
    assert!(v.to_string().contains("newest"), "{v}");
    let (s, _) = env
        .get_api("/projects/p/sources", Some(&token("ann")))
        .await;
    assert_eq!(s, 403);
}
