//! Models in a project: the backend relay (a member's calls reach the project's backend with
//! its token and come back as the backend answered; the token is shown to managers only; a
//! project without a backend, an unknown call and a backend that is down are named), and
//! "next" in the order of the model's uncertainty.

mod common;

use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use common::{start_with_users, Env};
use lasso_core::ml::{MlSettings, Ranking, Scores, Uncertainty};
use lasso_core::model::{ImageRef, Label, LabelSet, Task};
use lasso_core::team::{Project, ProjectKeys, Role, Roles};
use lasso_server::config::TokenEntry;
use lasso_server::keys::ObjectKey;
use lasso_server::team::Team;
use serde_json::{json, Value};

fn person(user: &str, role: Role) -> TokenEntry {
    TokenEntry {
        user: user.into(),
        token: format!("{user}-token-xxxxxxxx"),
        roles: Roles::of(&[role]),
    }
}

/// A backend that answers `/predict` with the `Authorization` header it was given.
async fn backend() -> String {
    let app = Router::new()
        .route("/health", get(|| async { Json(json!({"status": "UP"})) }))
        .route(
            "/predict",
            post(|headers: HeaderMap, Json(body): Json<Value>| async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                Json(json!({"results": [], "auth": auth, "tasks": body["tasks"].as_array().map_or(0, Vec::len)}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn setup(ml: Option<MlSettings>) -> Env {
    let env = start_with_users(
        None,
        vec![
            person("ann", Role::Annotator),
            person("lead", Role::Manager),
        ],
    )
    .await;
    let mut p = Project::new(LabelSet {
        labels: vec![Label::new("car", "#f00")],
        ..LabelSet::default()
    });
    p.ml = ml;
    Team::new(env.server.presigner.clone())
        .store("p", &p)
        .await
        .unwrap();
    env
}

#[tokio::test]
async fn members_reach_the_projects_backend_through_the_server() {
    let url = backend().await;
    let env = setup(Some(MlSettings {
        url: url.clone(),
        token: Some("s3cret".into()),
        ..MlSettings::default()
    }))
    .await;
    let ann = "ann-token-xxxxxxxx";
    let (s, v) = env.get_api("/projects/p/ml/health", Some(ann)).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("UP")), "{v}");
    let (s, v) = env
        .post(
            "/projects/p/ml/predict",
            Some(ann),
            &json!({"tasks": [{"id": 1}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["auth"], "Token s3cret");
    assert_eq!(v["tasks"], 1);
    // The token is the server's: annotators do not see it, managers (who edit it) do.
    let (_, p) = env.get_api("/projects/p", Some(ann)).await;
    assert_eq!(p["project"]["ml"]["url"], url.as_str());
    assert!(p["project"]["ml"].get("token").is_none(), "{p}");
    let (_, p) = env
        .get_api("/projects/p", Some("lead-token-xxxxxxxx"))
        .await;
    assert_eq!(p["project"]["ml"]["token"], "s3cret");
    let (s, v) = env
        .post("/projects/p/ml/train", Some(ann), &json!({}))
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, _) = env.post("/projects/p/ml/predict", None, &json!({})).await;
    assert_eq!(s, 401);
}

/// ann's `/predict` through the relay.
async fn predict_as_ann(env: &Env) -> (u16, Value) {
    env.post(
        "/projects/p/ml/predict",
        Some("ann-token-xxxxxxxx"),
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn no_backend_and_a_backend_that_is_down_are_named() {
    let env = setup(None).await;
    let (s, v) = predict_as_ann(&env).await;
    assert_eq!(s, 404);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("has no model backend"),
        "{v}"
    );
    let env = setup(Some(MlSettings {
        url: "http://127.0.0.1:9".into(),
        ..MlSettings::default()
    }))
    .await;
    let (s, v) = predict_as_ann(&env).await;
    assert_eq!(s, 502, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach the model backend at http://127.0.0.1:9/predict"),
        "{v}"
    );
}

async fn put_json(env: &Env, key: &str, value: &impl serde::Serialize) {
    let key = ObjectKey::parse(key).unwrap();
    env.server
        .presigner
        .put_direct(&key, "application/json", serde_json::to_vec(value).unwrap())
        .await
        .unwrap();
}

async fn next(env: &Env, user: &str) -> String {
    let (s, g) = env
        .post(
            "/projects/p/next",
            Some(&format!("{user}-token-xxxxxxxx")),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{g}");
    g["task"]["task"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn next_gives_the_tasks_the_model_is_least_sure_about_first() {
    let env = start_with_users(
        None,
        ["ann", "ben", "cy", "dee"]
            .iter()
            .map(|u| person(u, Role::Annotator))
            .collect(),
    )
    .await;
    let mut p = Project::new(LabelSet {
        labels: vec![Label::new("car", "#f00")],
        ..LabelSet::default()
    });
    p.ml = Some(MlSettings {
        url: "http://127.0.0.1:9".into(),
        order: Some(Uncertainty::LeastConfident),
        ..MlSettings::default()
    });
    Team::new(env.server.presigner.clone())
        .store("p", &p)
        .await
        .unwrap();
    let keys = ProjectKeys::new("p").unwrap();
    for t in ["t1", "t2", "t3", "t4"] {
        let task = Task {
            id: t.into(),
            image: ImageRef {
                src: format!("p/src/images/{t}.png"),
                width: 10,
                height: 10,
                ..Default::default()
            },
            ..Default::default()
        };
        put_json(&env, &keys.manifest(t).unwrap(), &task).await;
    }
    let scores = |lc: f64| Scores {
        least_confident: lc,
        entropy: 0.0,
    };
    let ranking = Ranking {
        model: "m".into(),
        // t4 is ranked but gone from the project; t1 was never predicted.
        tasks: [
            ("t2".to_string(), scores(0.2)),
            ("t3".to_string(), scores(0.7)),
            ("t9".to_string(), scores(0.9)),
        ]
        .into(),
    };
    put_json(&env, &keys.ml_ranking(), &ranking).await;
    assert_eq!(next(&env, "ann").await, "t3");
    assert_eq!(next(&env, "ben").await, "t2");
    // Then the tasks the model has not ranked, in task order.
    assert_eq!(next(&env, "cy").await, "t1");
    assert_eq!(next(&env, "dee").await, "t4");
}
