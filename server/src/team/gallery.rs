//! The project's gallery for leads and reviewers: every task with everyone's status and a
//! thumbnail URL, filtered by status, annotator, class present and image tag, one page at a
//! time (the total says how many match; nothing is cut silently).

use std::collections::BTreeSet;

use jiff::Timestamp;
use lasso_core::model::Task;
use lasso_core::team::assign::slot_states;
use lasso_core::team::gallery::{people, select};
use lasso_core::team::layout::Index;
use lasso_core::team::wire::{GalleryEntry, GalleryPage, GalleryQuery};

use super::claim::bad_key;
use super::report::PARALLEL_READS;
use super::{Member, Team};
use crate::error::ApiError;

/// Largest page.
const MAX_PAGE: usize = 500;

impl Team {
    /// Tasks a submitted result names in `index` under `name`.
    async fn indexed(
        &self,
        m: &Member,
        index: Index,
        name: &str,
    ) -> Result<BTreeSet<String>, ApiError> {
        let prefix = m.keys.index_prefix(index, name);
        Ok(self
            .s3()
            .list(&prefix)
            .await?
            .iter()
            .filter_map(|o| {
                m.keys
                    .parse_index_marker(index, name, &o.key)
                    .map(|(t, _)| t.to_owned())
            })
            .collect())
    }

    /// `GET /projects/<p>/gallery`: one page of the tasks matching `q` (reviewers, managers).
    pub async fn gallery(&self, m: &Member, q: &GalleryQuery) -> Result<GalleryPage, ApiError> {
        if !m.roles.may_review() {
            return Err(ApiError::Forbidden(format!(
                "user {:?} may not browse project {:?} (needs the reviewer or manager role)",
                m.user.name(),
                m.keys.id()
            )));
        }
        let limit = q.limit.unwrap_or(100);
        if limit == 0 || limit > MAX_PAGE {
            return Err(ApiError::BadRequest(format!(
                "limit must be 1..={MAX_PAGE}"
            )));
        }
        let tasks = self.task_ids(m).await?;
        let now = self.now().as_second();
        let states = slot_states(&self.slot_listing(m).await?, m.project.lease_secs, now);
        let open = self.open_markers(m).await?;
        let submitted = self.reviewed(m).await?;
        let with_class = match &q.class {
            Some(c) => Some(self.indexed(m, Index::Class, c).await?),
            None => None,
        };
        let with_tag = match &q.tag {
            Some(t) => Some(self.indexed(m, Index::Tag, t).await?),
            None => None,
        };
        let people = people(&states, &open, &submitted);
        let matching = select(&tasks, &people, q, with_class.as_ref(), with_tag.as_ref());
        let page: Vec<String> = matching
            .iter()
            .skip(q.offset)
            .take(limit)
            .cloned()
            .collect();
        let mut entries = Vec::with_capacity(page.len());
        for chunk in page.chunks(PARALLEL_READS) {
            let mut reads = tokio::task::JoinSet::new();
            for (i, task) in chunk.iter().enumerate() {
                let key = m.keys.manifest(task).map_err(bad_key)?;
                let s3 = self.s3().clone();
                reads.spawn(async move { (i, s3.get(&key).await) });
            }
            let mut images = vec![String::new(); chunk.len()];
            while let Some(done) = reads.join_next().await {
                let (i, object) =
                    done.map_err(|e| ApiError::Internal(format!("reading manifests: {e}")))?;
                if let Some(object) = object? {
                    if let Ok(task) = serde_json::from_slice::<Task>(&object.body) {
                        images[i] = task.image.src;
                    }
                }
            }
            let signed_at = Timestamp::now();
            for (task, image) in chunk.iter().zip(images) {
                let image_url = if lasso_core::cloud::keys::check_key(&image).is_ok() {
                    self.presigner.sign_get(&image, signed_at)
                } else {
                    image.clone()
                };
                entries.push(GalleryEntry {
                    task: task.clone(),
                    image,
                    image_url,
                    people: people.get(task).cloned().unwrap_or_default(),
                });
            }
        }
        Ok(GalleryPage {
            total: matching.len(),
            offset: q.offset,
            entries,
        })
    }
}
