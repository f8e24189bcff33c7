//! Every submitted result of a project in the bucket, per annotator, read through the presign
//! API with a reviewer's or manager's token: the gallery lists who submitted what, each result
//! is read through a presigned `GET`, several at once. For `lasso agree --project` and
//! `lasso consensus --project`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use lasso_core::model::Task;
use lasso_core::team::wire::{GalleryPage, TaskStatus};
use lasso_core::team::ProjectKeys;

use crate::api::Api;

/// Gallery entries per page read.
const PAGE: usize = 500;

/// Each annotator's submitted results (submitted, sent back or accepted), by user name.
pub fn results(
    api: &Api,
    project: &str,
    parallel: usize,
) -> Result<Vec<(String, Vec<Task>)>, String> {
    let keys = ProjectKeys::new(project)?;
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    loop {
        let page: GalleryPage = api.get(
            &format!("/projects/{project}/gallery?offset={offset}&limit={PAGE}"),
            &format!("list project {project}"),
        )?;
        for e in &page.entries {
            for p in &e.people {
                if matches!(
                    p.status,
                    TaskStatus::Submitted | TaskStatus::Accepted | TaskStatus::Rework
                ) {
                    wanted.push((e.task.clone(), p.user.clone()));
                }
            }
        }
        offset += page.entries.len();
        if page.entries.is_empty() || offset >= page.total {
            break;
        }
    }
    let bar = crate::folder::bar(wanted.len() as u64, "reading results");
    let next = AtomicUsize::new(0);
    let read: Mutex<BTreeMap<usize, Result<Task, String>>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((task, user)) = wanted.get(i) else {
                    break;
                };
                let one = keys
                    .result(task, user)
                    .map_err(|e| e.to_string())
                    .and_then(|key| {
                        let bytes = api.read(&key)?;
                        serde_json::from_slice::<Task>(&bytes)
                            .map_err(|e| format!("{key} is not a Lasso task: {e}"))
                    });
                if let Ok(mut map) = read.lock() {
                    map.insert(i, one);
                }
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    let mut by_user: BTreeMap<String, Vec<Task>> = BTreeMap::new();
    for (i, one) in read.into_inner().unwrap_or_default() {
        let (task, user) = &wanted[i];
        let mut t = one?;
        if t.id.is_empty() {
            t.id = task.clone();
        }
        by_user.entry(user.clone()).or_default().push(t);
    }
    Ok(by_user.into_iter().collect())
}
