//! `lasso check`: problems worth fixing before training.

use lasso_core::formats::Dataset;
use lasso_core::model::Task;
use lasso_core::quality::checks::{run, Checks};

/// One problem, printed as `image: annotation: what`.
pub struct Problem {
    image: String,
    annotation: String,
    what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: annotation {}: {}",
            self.image, self.annotation, self.what
        )
    }
}

fn image(t: &Task) -> String {
    if t.image.src.is_empty() {
        t.id.clone()
    } else {
        t.image.src.clone()
    }
}

/// Every problem of the dataset, image by image: the core's checks
/// ([`lasso_core::quality::checks`]) with what `lasso check` looks for.
pub fn problems(ds: &Dataset) -> Vec<Problem> {
    let checks = Checks::dataset();
    ds.tasks
        .iter()
        .flat_map(|t| {
            run(lasso_core::i18n::Locale::En, t, &ds.labels, &checks)
                .into_iter()
                .map(move |f| Problem {
                    image: image(t),
                    annotation: f.annotation,
                    what: f.message,
                })
        })
        .collect()
}
