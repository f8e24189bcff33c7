//! Work on many items at once with a progress bar (downloads, model calls): a fixed number of
//! threads take the next item until none is left.

use super::Failure;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `work` on every item, `parallel` at once, with a progress bar; each item's result in order.
/// With `stop_on_failure` the first failure stops the taking of new items (those not taken have
/// no result); otherwise every item is worked on.
pub fn each<T: Sync, R: Send>(
    items: &[T],
    parallel: usize,
    what: &str,
    stop_on_failure: bool,
    work: impl Fn(&T) -> Result<R, String> + Sync,
) -> Result<Vec<Result<R, String>>, Failure> {
    let bar = super::folder::bar(items.len() as u64, what);
    let next = AtomicUsize::new(0);
    let done: Mutex<BTreeMap<usize, Result<R, String>>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, 64) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let one = work(item);
                let failed = one.is_err();
                if let Ok(mut map) = done.lock() {
                    map.insert(i, one);
                }
                bar.inc(1);
                if failed && stop_on_failure {
                    next.store(items.len(), Ordering::Relaxed);
                }
            });
        }
    });
    bar.finish_and_clear();
    let done = done
        .into_inner()
        .map_err(|_| Failure::Other(format!("{what}: a worker failed")))?;
    Ok(done.into_values().collect())
}

/// `work` on every item, `parallel` at once; the results in order, or the first failure (the
/// others finish what they hold and take no more).
pub fn all<T: Sync, R: Send>(
    items: &[T],
    parallel: usize,
    what: &str,
    work: impl Fn(&T) -> Result<R, String> + Sync,
) -> Result<Vec<R>, Failure> {
    each(items, parallel, what, true, work)?
        .into_iter()
        .map(|r| r.map_err(Failure::Other))
        .collect()
}
