//! `lasso import` against `lasso-server dev` and its real S3 store: a folder becomes a project
//! (images, manifests, folder names as tags, annotations attached), a second run resumes, and
//! someone without the right role is refused without anything written.

#[path = "support/dev.rs"]
mod dev;
#[path = "support/png.rs"]
mod png;

use std::path::Path;
use std::process::{Command, Output};

use dev::text;
use lasso_core::team::Role;
use lasso_server::dev::DevServer;

const LEAD: &str = "lead-token-000001";
const ANN: &str = "ann-token-0000002";

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn import(server: &DevServer, token: &str, folder: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lasso"))
        .args([
            "import",
            folder.to_str().unwrap(),
            "--presign",
            &server.api_url(),
        ])
        .args(extra)
        .env("LASSO_TOKEN", token)
        .output()
        .unwrap()
}

fn start(rt: &tokio::runtime::Runtime, dir: &Path) -> DevServer {
    dev::start(
        rt,
        dir,
        &[("lead", LEAD, Role::Manager), ("ann", ANN, Role::Annotator)],
    )
}

fn object(rt: &tokio::runtime::Runtime, server: &DevServer, key: &str) -> Option<Vec<u8>> {
    rt.block_on(server.presigner.s3().get(key))
        .unwrap()
        .map(|o| o.body)
}

#[test]
fn a_folder_becomes_a_project_and_a_second_run_resumes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = start(&rt, dir.path());
    let pets = dir.path().join("pets");
    write(&pets, "cats/a.png", &png::png(8, 6, |x, _| x as u8));
    write(&pets, "cats/b b.png", &png::png(5, 5, |_, y| y as u8));
    write(&pets, "dogs/c.png", &png::png(4, 9, |x, y| (x * y) as u8));

    // An annotator may not create projects: refused, nothing written.
    let out = import(&server, ANN, &pets, &["--project", "pets"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));
    assert_eq!(object(&rt, &server, "pets/project.json"), None);

    let out = import(
        &server,
        LEAD,
        &pets,
        &["--project", "pets", "--overlap", "2"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("3 images sent"),
        "{}",
        text(&out.stderr)
    );
    let project: serde_json::Value =
        serde_json::from_slice(&object(&rt, &server, "pets/project.json").unwrap()).unwrap();
    assert_eq!(project["overlap"], 2);
    assert_eq!(
        project["labels"]["tags"],
        serde_json::json!(["cats", "dogs"])
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&object(&rt, &server, "pets/src/tasks/cats-b-b.png.json").unwrap())
            .unwrap();
    assert_eq!(manifest["image"]["src"], "pets/src/images/cats-b-b.png");
    assert_eq!(manifest["image"]["name"], "cats/b b.png");
    assert_eq!(
        (
            manifest["image"]["width"].as_u64(),
            manifest["image"]["height"].as_u64()
        ),
        (Some(5), Some(5))
    );
    assert_eq!(manifest["tags"], serde_json::json!(["cats"]));
    assert_eq!(
        object(&rt, &server, "pets/src/images/dogs-c.png").unwrap(),
        std::fs::read(pets.join("dogs/c.png")).unwrap()
    );

    // Again: nothing to send; one more image: only that one.
    let out = import(&server, LEAD, &pets, &["--project", "pets"]);
    assert!(
        text(&out.stderr).contains("0 images sent to project pets, 3 were there already"),
        "{}",
        text(&out.stderr)
    );
    write(&pets, "dogs/d.png", &png::png(3, 3, |_, _| 9));
    let out = import(&server, LEAD, &pets, &["--project", "pets"]);
    assert!(
        text(&out.stderr).contains("1 images sent to project pets, 3 were there already"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn annotations_in_any_format_come_along() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = start(&rt, dir.path());
    let data = dir.path().join("data-in");
    write(&data, "images/a.png", &png::png(40, 20, |x, _| x as u8));
    write(&data, "images/b.png", &png::png(10, 10, |_, _| 0));
    write(&data, "labels/a.txt", b"0 0.5 0.5 0.25 0.5\n");
    write(&data, "data.yaml", b"names:\n  0: kite\n");
    let out = import(
        &server,
        LEAD,
        &data,
        &["--project", "kites", "--annotations", "yolo"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let project: serde_json::Value =
        serde_json::from_slice(&object(&rt, &server, "kites/project.json").unwrap()).unwrap();
    assert_eq!(project["labels"]["labels"][0]["name"], "kite");
    let manifest: serde_json::Value =
        serde_json::from_slice(&object(&rt, &server, "kites/src/tasks/images-a.png.json").unwrap())
            .unwrap();
    let anns = manifest["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0]["label"], "kite");
    let b: serde_json::Value =
        serde_json::from_slice(&object(&rt, &server, "kites/src/tasks/images-b.png.json").unwrap())
            .unwrap();
    assert_eq!(b["annotations"].as_array().map(Vec::len).unwrap_or(0), 0);
    // A reserved project id is refused by name.
    let out = import(&server, LEAD, &data, &["--project", "src"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("reserved"),
        "{}",
        text(&out.stderr)
    );
}
