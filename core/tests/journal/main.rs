//! Journals and snapshots written by earlier releases replay to the tasks those releases saw.
//!
//! The files in `golden/` are IndexedDB rows as a release wrote them (named by the release in
//! `written_by`). They are never regenerated: a stored journal is user data, and a build that
//! reads one differently has broken somebody's unsaved work. Add a file when the format
//! changes; never edit one.

use lasso_core::journal::{decode_snapshot, replay, Entry};
use lasso_core::model::Task;
use serde_json::Value;
use std::path::Path;

fn golden_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/journal/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn version(row: &Value) -> Option<u32> {
    row.get("v").and_then(Value::as_u64).map(|v| v as u32)
}

#[test]
fn every_golden_journal_replays_to_the_task_its_release_saw() {
    let files = golden_files();
    // A ratchet: fixtures are only ever added.
    assert!(files.len() >= 2, "golden journals missing: {files:?}");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let snapshot = &fixture["snapshot"];
        let task = decode_snapshot(version(snapshot), snapshot["task"].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: snapshot: {e}"));
        let rows = fixture["journal"].as_array().unwrap();
        let entries = rows.iter().map(|row| Entry {
            seq: row["seq"].as_f64().unwrap(),
            version: version(row),
            op: row["op"].as_str().unwrap(),
        });
        let out = replay(task, snapshot["seq"].as_f64().unwrap(), entries);
        let expected: Task = serde_json::from_value(fixture["expected"].clone()).unwrap();
        assert_eq!(
            out.document.task(),
            &expected,
            "{name}: replayed task differs"
        );
        let skipped: Vec<f64> = fixture["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        let reported: Vec<f64> = out
            .skipped
            .iter()
            .map(|m| {
                m.trim_start_matches("journal entry ")
                    .split(':')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            reported, skipped,
            "{name}: skipped rows differ: {:?}",
            out.skipped
        );
        // Written back today and read again, the task is the same (snapshots stay stable).
        let again = lasso_core::journal::encode_snapshot(out.document.task()).unwrap();
        assert_eq!(decode_snapshot(None, &again).unwrap(), expected, "{name}");
    }
}
