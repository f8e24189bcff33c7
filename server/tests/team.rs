//! The team endpoints on the real local store: atomic claims under contention, overlap,
//! leases that expire and return, submission, progress, and who may call what.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{start_with_users, Env};
use lasso_core::model::{ImageRef, Label, LabelSet, Task};
use lasso_core::team::wire::{SubmitRequest, TaskStatus};
use lasso_core::team::{Member, Project, ProjectKeys, Role, Roles};
use lasso_server::config::TokenEntry;
use lasso_server::keys::{ObjectKey, User};
use lasso_server::team::Team;
use serde_json::json;

fn token(user: &str) -> String {
    format!("{user}-token-xxxxxxxx")
}

fn people(prefix: &str, n: usize, role: Role) -> Vec<TokenEntry> {
    (0..n)
        .map(|i| TokenEntry {
            user: format!("{prefix}{i:02}"),
            token: token(&format!("{prefix}{i:02}")),
            roles: Roles::of(&[role]),
        })
        .collect()
}

/// Writes `project.json` (the given members, overlap) and `tasks` manifests.
async fn project(env: &Env, id: &str, tasks: usize, overlap: u32, members: Vec<Member>) -> Team {
    let team = Team::new(env.server.presigner.clone());
    let mut p = Project::new(LabelSet {
        labels: vec![Label::new("car", "#f00")],
        ..LabelSet::default()
    });
    p.overlap = overlap;
    p.members = members;
    team.store(id, &p).await.unwrap();
    let keys = ProjectKeys::new(id).unwrap();
    for i in 0..tasks {
        let t = format!("t{i:03}");
        let task = Task {
            id: t.clone(),
            image: ImageRef {
                src: format!("{id}/src/images/{t}.png"),
                ..Default::default()
            },
            ..Default::default()
        };
        let key = ObjectKey::parse(&keys.manifest(&t).unwrap()).unwrap();
        env.server
            .presigner
            .put_direct(&key, "application/json", serde_json::to_vec(&task).unwrap())
            .await
            .unwrap();
    }
    team
}

async fn next(env: &Env, project: &str, user: &str) -> (u16, serde_json::Value) {
    env.post(
        &format!("/projects/{project}/next"),
        Some(&token(user)),
        &json!({}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_claimers_for_twenty_tasks_each_task_given_once() {
    let env = Arc::new(start_with_users(None, people("ann", 50, Role::Annotator)).await);
    project(&env, "p", 20, 1, Vec::new()).await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..50 {
        let env = env.clone();
        calls.spawn(async move {
            let user = format!("ann{i:02}");
            let (status, v) = next(&env, "p", &user).await;
            assert_eq!(status, 200, "{user}: {v}");
            (user, v["task"]["task"].as_str().map(str::to_owned))
        });
    }
    let mut given: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut empty = 0;
    while let Some(r) = calls.join_next().await {
        match r.unwrap() {
            (user, Some(task)) => given.entry(task).or_default().push(user),
            (_, None) => empty += 1,
        }
    }
    let twice: Vec<_> = given.iter().filter(|(_, u)| u.len() > 1).collect();
    assert!(twice.is_empty(), "tasks given twice: {twice:?}");
    assert_eq!(given.len(), 20, "every task given once: {given:?}");
    assert_eq!(
        empty, 30,
        "the thirty callers left over hear that nothing is left"
    );
    // The bucket agrees: twenty leases, one per task.
    let leases = env
        .server
        .presigner
        .s3()
        .list("p/state/slots/")
        .await
        .unwrap();
    assert_eq!(leases.len(), 20);
}

#[tokio::test]
async fn overlap_gives_a_task_to_different_people_and_resumes_the_held_one() {
    let env = start_with_users(None, people("ann", 3, Role::Annotator)).await;
    project(&env, "p", 2, 2, Vec::new()).await;
    let (_, a) = next(&env, "p", "ann00").await;
    let (_, b) = next(&env, "p", "ann01").await;
    assert_eq!(a["task"]["task"], "t000");
    assert_eq!(
        b["task"]["task"], "t000",
        "overlap 2: the second annotator gets it too"
    );
    assert_ne!(a["task"]["slot"], b["task"]["slot"]);
    let (_, c) = next(&env, "p", "ann02").await;
    assert_eq!(c["task"]["task"], "t001", "t000 has both its annotators");
    // Asking again resumes what one holds instead of taking more.
    let (_, again) = next(&env, "p", "ann00").await;
    assert_eq!(again["task"]["task"], "t000");
    assert_eq!(again["task"]["status"], "in_progress");
    assert_eq!(
        env.server
            .presigner
            .s3()
            .list("p/state/slots/")
            .await
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn submit_needs_the_result_then_counts_in_progress() {
    let env = start_with_users(
        None,
        vec![
            TokenEntry {
                user: "ann".into(),
                token: token("ann"),
                roles: Roles::of(&[Role::Annotator]),
            },
            TokenEntry {
                user: "lead".into(),
                token: token("lead"),
                roles: Roles::NONE,
            },
        ],
    )
    .await;
    let lead = Member {
        user: "lead".into(),
        roles: Roles::of(&[Role::Manager]),
    };
    project(&env, "p", 3, 1, vec![lead]).await;
    let (_, g) = next(&env, "p", "ann").await;
    let task = g["task"]["task"].as_str().unwrap().to_owned();
    let submit = format!("/projects/p/tasks/{task}/submit");
    let (status, v) = env
        .post(&submit, Some(&token("ann")), &json!({"active_ms": 4200}))
        .await;
    assert_eq!(status, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("upload it"), "{v}");
    // The result goes up through a presigned URL like the browser's.
    let result_key = g["task"]["result_key"].as_str().unwrap();
    let body = br#"{"annotations":[{"label":"car"},{"label":"car"}],"tags":["night"]}"#.to_vec();
    let put = env
        .presign_put(&token("ann"), result_key, "application/json", body.len())
        .await;
    let (s, _) = env
        .put(put["url"].as_str().unwrap(), Some("application/json"), body)
        .await;
    assert_eq!(s, 200);
    let (status, v) = env
        .post(&submit, Some(&token("ann")), &json!({"active_ms": 4200}))
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("submitted")),
        "{v}"
    );
    let (status, _) = env.post(&submit, Some(&token("ann")), &json!({})).await;
    assert_eq!(status, 200, "submitting again is harmless");
    let (_, st) = env
        .get_api(
            &format!("/projects/p/tasks/{task}/status"),
            Some(&token("ann")),
        )
        .await;
    assert_eq!(st["status"], "submitted");
    // The next one is another task; the lead's figures say so.
    let (_, g2) = next(&env, "p", "ann").await;
    assert_ne!(g2["task"]["task"].as_str().unwrap(), task);
    let (status, p) = env
        .get_api("/projects/p/progress", Some(&token("lead")))
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["tasks"], 3);
    assert_eq!(p["by_status"]["submitted"], 1);
    assert_eq!(p["by_status"]["in_progress"], 1);
    assert_eq!(p["by_status"]["new"], 1);
    assert_eq!(p["complete_tasks"], 1);
    assert_eq!(p["annotators"]["ann"]["submitted"], 1);
    assert_eq!(p["annotators"]["ann"]["in_progress"], 1);
    assert_eq!(p["annotators"]["ann"]["mean_active_ms"], 4200.0);
    let (status, _) = env
        .get_api("/projects/p/progress", Some(&token("ann")))
        .await;
    assert_eq!(status, 403, "annotators do not see the lead's figures");
}

fn an_hour_later() -> jiff::Timestamp {
    jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600)
}

#[tokio::test]
async fn an_abandoned_lease_returns_to_the_pool_and_its_holder_hears_so() {
    let env = start_with_users(None, Vec::new()).await;
    project(&env, "p", 1, 1, Vec::new()).await;
    let now = Team::new(env.server.presigner.clone());
    let later = Team::with_clock(env.server.presigner.clone(), an_hour_later);
    let ann = User::new("ann", Roles::of(&[Role::Annotator])).unwrap();
    let bob = User::new("bob", Roles::of(&[Role::Annotator])).unwrap();
    let m_ann = now.member(&ann, "p").await.unwrap();
    let m_bob = now.member(&bob, "p").await.unwrap();
    let g = now.next(&m_ann).await.unwrap().task.unwrap();
    assert_eq!(
        now.next(&m_bob).await.unwrap().task,
        None,
        "held: nothing for bob"
    );
    // A renewal keeps it; an hour without one (lease 15 min) gives it back.
    now.renew(&m_ann, &g.task).await.unwrap();
    let m_bob_later = later.member(&bob, "p").await.unwrap();
    let taken = later.next(&m_bob_later).await.unwrap().task.unwrap();
    assert_eq!(taken.task, g.task);
    let err = now.renew(&m_ann, &g.task).await.unwrap_err();
    assert!(err.to_string().contains("lease expired"), "{err}");
    let err = now
        .submit(&m_ann, &g.task, &SubmitRequest::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not hold"), "{err}");
    let st = now.status(&m_ann, &g.task, None).await.unwrap();
    assert_eq!(st.status, TaskStatus::New);
    let st = now.status(&m_bob, &g.task, None).await.unwrap();
    assert_eq!(st.status, TaskStatus::InProgress);
}

#[tokio::test]
async fn managers_assign_and_take_back() {
    let env = start_with_users(None, Vec::new()).await;
    project(&env, "p", 2, 1, Vec::new()).await;
    let team = Team::new(env.server.presigner.clone());
    let lead = User::new("lead", Roles::of(&[Role::Manager])).unwrap();
    let ann = User::new("ann", Roles::of(&[Role::Annotator])).unwrap();
    let m_lead = team.member(&lead, "p").await.unwrap();
    let m_ann = team.member(&ann, "p").await.unwrap();
    let g = team.assign(&m_lead, "t001", "ann").await.unwrap();
    assert_eq!(
        (g.task.as_str(), g.status),
        ("t001", TaskStatus::InProgress)
    );
    assert_eq!(team.next(&m_ann).await.unwrap().task.unwrap().task, "t001");
    assert!(
        team.assign(&m_lead, "t001", "bob").await.is_err(),
        "no slot left"
    );
    assert!(
        team.assign(&m_ann, "t000", "ann").await.is_err(),
        "annotators do not assign"
    );
    team.unassign(&m_lead, "t001", "ann").await.unwrap();
    assert_eq!(
        team.status(&m_ann, "t001", None).await.unwrap().status,
        TaskStatus::New
    );
    // Back in the pool: the first free task is t000, then t001 again.
    assert_eq!(team.next(&m_ann).await.unwrap().task.unwrap().task, "t000");
}

#[tokio::test]
async fn who_may_call_what() {
    let env = start_with_users(
        None,
        vec![
            TokenEntry {
                user: "ann".into(),
                token: token("ann"),
                roles: Roles::NONE,
            },
            TokenEntry {
                user: "rev".into(),
                token: token("rev"),
                roles: Roles::NONE,
            },
            TokenEntry {
                user: "lead".into(),
                token: token("lead"),
                roles: Roles::NONE,
            },
            TokenEntry {
                user: "out".into(),
                token: token("out"),
                roles: Roles::NONE,
            },
        ],
    )
    .await;
    let member = |user: &str, role| Member {
        user: user.into(),
        roles: Roles::of(&[role]),
    };
    project(
        &env,
        "p",
        2,
        1,
        vec![
            member("ann", Role::Annotator),
            member("rev", Role::Reviewer),
            member("lead", Role::Manager),
        ],
    )
    .await;
    project(&env, "q", 1, 1, vec![member("out", Role::Annotator)]).await;
    // Every route refuses a caller without a token.
    for path in [
        "/projects",
        "/projects/p",
        "/projects/p/progress",
        "/projects/p/tasks/t000/status",
    ] {
        assert_eq!(env.get_api(path, None).await.0, 401, "GET {path}");
    }
    for path in [
        "/projects/p/next",
        "/projects/p/tasks/t000/open",
        "/projects/p/tasks/t000/renew",
        "/projects/p/tasks/t000/submit",
        "/projects/p/assign",
        "/projects/p/unassign",
    ] {
        assert_eq!(env.post(path, None, &json!({})).await.0, 401, "POST {path}");
        assert_eq!(
            env.post(path, Some("forged-token-123"), &json!({})).await.0,
            401,
            "POST {path}"
        );
    }
    // Projects list only where one belongs.
    let (_, l) = env.get_api("/projects", Some(&token("ann"))).await;
    assert_eq!(l["projects"].as_array().unwrap().len(), 1);
    assert_eq!(l["projects"][0]["id"], "p");
    assert_eq!(l["projects"][0]["roles"], json!(["annotator"]));
    // Another project's routes and keys are closed.
    assert_eq!(next(&env, "q", "ann").await.0, 403);
    assert_eq!(env.get_api("/projects/q", Some(&token("ann"))).await.0, 403);
    assert_eq!(
        env.get_api("/projects/nope", Some(&token("ann"))).await.0,
        404
    );
    let presign = |key: &str, method: &str| json!({"key": key, "method": method, "content_type": "application/json", "size": 2});
    for (who, key, method, want) in [
        ("ann", "q/src/tasks/t000.json", "GET", 403),
        ("ann", "q/target/t000/ann.json", "PUT", 403),
        ("ann", "p/target/t000/ann.json", "PUT", 200),
        ("ann", "p/target/t000/rev.json", "GET", 403),
        ("ann", "p/src/tasks/t000.json", "GET", 200),
        ("ann", "p/src/tasks/t000.json", "PUT", 403),
        ("ann", "p/project.json", "PUT", 403),
        ("ann", "p/state/slots/t000/0", "PUT", 403),
        ("rev", "p/target/t000/ann.json", "GET", 200),
        ("rev", "p/target/t000/ann.json", "PUT", 403),
        // A reviewer's own copy: their corrections before accepting.
        ("rev", "p/target/t000/rev.json", "PUT", 200),
        ("rev", "p/accepted/t000.json", "GET", 200),
        ("rev", "p/accepted/t000.json", "PUT", 403),
        ("ann", "p/accepted/t000.json", "GET", 403),
        ("lead", "p/project.json", "PUT", 200),
        ("lead", "p/src/tasks/t9.json", "PUT", 200),
        ("lead", "p/state/slots/t000/0", "GET", 403),
        ("lead", "p/state/slots/t000/0", "PUT", 403),
        ("out", "p/src/tasks/t000.json", "GET", 403),
    ] {
        let (status, v) = env
            .post("/presign", Some(&token(who)), &presign(key, method))
            .await;
        assert_eq!(status, want, "{who} {method} {key}: {v}");
    }
    // Roles on the routes.
    assert_eq!(
        next(&env, "p", "rev").await.0,
        403,
        "reviewers do not take tasks"
    );
    assert_eq!(
        env.get_api("/projects/p/progress", Some(&token("rev")))
            .await
            .0,
        403
    );
    assert_eq!(
        env.post(
            "/projects/p/assign",
            Some(&token("ann")),
            &json!({"task": "t000", "user": "ann"})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        env.get_api(
            "/projects/p/tasks/t000/status?user=rev",
            Some(&token("ann"))
        )
        .await
        .0,
        403,
        "annotators see only their own status"
    );
    assert_eq!(
        env.get_api(
            "/projects/p/tasks/t000/status?user=ann",
            Some(&token("rev"))
        )
        .await
        .0,
        200
    );
    // Only a manager edits the project, and a broken one is refused with the field named.
    let put = |who: &str, body: String| {
        let req = env
            .http
            .put(format!("{}/projects/p", env.server.api_url()))
            .bearer_auth(token(who))
            .body(body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let good = json!({"labels": {"labels": [{"name": "car", "color": "#f00"}]}, "overlap": 2,
                      "members": [{"user": "ann", "roles": ["annotator"]}, {"user": "lead", "roles": ["manager"]}]});
    assert_eq!(put("ann", good.to_string()).await.0, 403);
    let (status, text) = put(
        "lead",
        json!({"labels": {"labels": []}, "overlap": 99}).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("overlap"), "{text}");
    assert_eq!(put("lead", good.to_string()).await.0, 200);
    let (_, d) = env.get_api("/projects/p", Some(&token("ann"))).await;
    assert_eq!(
        d["project"]["overlap"], 2,
        "annotators read the new project: {d}"
    );
}

#[tokio::test]
async fn claims_read_a_page_at_a_time_and_come_back_for_returned_tasks() {
    let env = start_with_users(None, Vec::new()).await;
    project(&env, "p", 7, 1, Vec::new()).await;
    // Pages of two tasks: the seventh claim crosses three page borders.
    let now = Team::new(env.server.presigner.clone()).with_page(2);
    let later = Team::with_clock(env.server.presigner.clone(), an_hour_later).with_page(2);
    let mut given = Vec::new();
    for i in 0..7 {
        let user = User::new(&format!("u{i}"), Roles::of(&[Role::Annotator])).unwrap();
        let m = now.member(&user, "p").await.unwrap();
        given.push(now.next(&m).await.unwrap().task.unwrap().task);
    }
    let expected: Vec<String> = (0..7).map(|i| format!("t{i:03}")).collect();
    assert_eq!(given, expected, "task order, across pages");
    let late = User::new("late", Roles::of(&[Role::Annotator])).unwrap();
    let m = now.member(&late, "p").await.unwrap();
    assert_eq!(
        now.next(&m).await.unwrap().task,
        None,
        "all held: none left"
    );
    // The first task comes back to the pool while this server's claims have moved on to the
    // last page: the next claim wraps around and finds it.
    let lead = User::new("lead", Roles::of(&[Role::Manager])).unwrap();
    let m_lead = now.member(&lead, "p").await.unwrap();
    now.unassign(&m_lead, "t000", "u0").await.unwrap();
    assert_eq!(now.next(&m).await.unwrap().task.unwrap().task, "t000");
    // An hour later every lease expired: another server instance gives the next one out.
    let other = User::new("other", Roles::of(&[Role::Annotator])).unwrap();
    let m = later.member(&other, "p").await.unwrap();
    assert_eq!(later.next(&m).await.unwrap().task.unwrap().task, "t000");
}
