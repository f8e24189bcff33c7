//! The whole project as a dataset would take it, read in the browser: every task's manifest
//! with the annotations and tags of the results a policy chooses (through the server's
//! `sources`, the rule `lasso pull` follows, and the core's `combine`); tasks nobody has
//! submitted keep what their manifest holds. The health page reads the project through it.

use super::team::{cloud_of, parse_task, team_of};
use super::Runtime;
use crate::cloud::review as api;
use crate::cloud::team::fetch_signed;
use futures::future::join_all;
use lasso_core::dataset::combine;
use lasso_core::dataset::version::ConsensusSettings;
use lasso_core::model::Task;
use lasso_core::team::wire::TaskSources;
use std::rc::Rc;

/// Reads at once per batch: enough to hide latency, few enough for the browser's connection
/// limit per origin.
const PARALLEL_READS: usize = 8;

/// The policy the health page uses: the accepted result, else the latest one written.
pub const HEALTH_POLICY: &str = "accepted,latest";

async fn read_task(url: &str, what: &str) -> Result<Task, String> {
    let (text, _) = fetch_signed(url)
        .await
        .map_err(|e| format!("Cannot read {what}: {e}"))?;
    parse_task(&text, what)
}

async fn one(entry: &TaskSources) -> Result<Task, String> {
    let mut task = read_task(
        &entry.manifest_url,
        &format!("the manifest of task {}", entry.task),
    )
    .await?;
    if task.id.is_empty() {
        task.id = entry.task.clone();
    }
    if let Some(rule) = &entry.taken {
        let mut results = Vec::with_capacity(entry.results.len());
        for r in &entry.results {
            let what = format!("{}'s result of task {}", r.from, entry.task);
            results.push((r.from.clone(), read_task(&r.url, &what).await?));
        }
        let (annotations, tags) =
            combine(&entry.task, rule, &results, ConsensusSettings::default())?;
        task.annotations = annotations;
        task.tags = tags;
    }
    Ok(task)
}

/// Every task of the open project under `policy` (comma-separated rules), in task order;
/// `progress(done, total)` after each batch. The first failure names the task and the object.
pub async fn project_tasks(
    runtime: &Rc<Runtime>,
    policy: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Task>, String> {
    let (team, cloud) = (team_of(runtime)?, cloud_of(runtime)?);
    let list = api::sources(&cloud, &team.project, Some(policy))
        .await
        .map_err(|e| format!("Cannot list the project's tasks: {e}"))?;
    let total = list.tasks.len();
    let mut tasks = Vec::with_capacity(total);
    for batch in list.tasks.chunks(PARALLEL_READS) {
        progress(tasks.len(), total);
        for read in join_all(batch.iter().map(one)).await {
            tasks.push(read?);
        }
    }
    progress(total, total);
    Ok(tasks)
}
