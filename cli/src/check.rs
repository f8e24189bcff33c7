//! `lasso check`: problems worth fixing before training.

use lasso_core::formats::Dataset;
use lasso_core::geometry::{bounds, iou, validate};
use lasso_core::model::Task;
use std::collections::HashSet;

/// Two objects of the same label overlapping more than this are reported as near duplicates.
pub const DUPLICATE_IOU: f64 = 0.95;

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

/// Every problem of the dataset, image by image.
pub fn problems(ds: &Dataset) -> Vec<Problem> {
    let known: HashSet<&str> = ds.labels.labels.iter().map(|l| l.name.as_str()).collect();
    let mut out = Vec::new();
    for t in &ds.tasks {
        let (w, h) = (f64::from(t.image.width), f64::from(t.image.height));
        let mut push = |a: &str, what: String| {
            out.push(Problem {
                image: image(t),
                annotation: a.to_string(),
                what,
            })
        };
        for a in &t.annotations {
            if !known.contains(a.label.as_str()) {
                push(
                    &a.id.0,
                    format!("label {:?} is not in the label set", a.label),
                );
            }
            for p in validate(&a.shape) {
                push(&a.id.0, p.to_string());
            }
            if let Some(b) = bounds(&a.shape) {
                let eps = 1e-6;
                if w > 0.0
                    && h > 0.0
                    && (b.x0 < -eps || b.y0 < -eps || b.x1 > w + eps || b.y1 > h + eps)
                {
                    push(
                        &a.id.0,
                        format!(
                            "outside the {}×{} image: bounds ({:.1}, {:.1})–({:.1}, {:.1})",
                            t.image.width, t.image.height, b.x0, b.y0, b.x1, b.y1
                        ),
                    );
                }
            }
        }
        let boxes: Vec<_> = t.annotations.iter().map(|a| bounds(&a.shape)).collect();
        for i in 0..t.annotations.len() {
            for j in i + 1..t.annotations.len() {
                let (a, b) = (&t.annotations[i], &t.annotations[j]);
                if a.label != b.label {
                    continue;
                }
                // Bounds that do not overlap cannot reach the threshold.
                let overlap = match (&boxes[i], &boxes[j]) {
                    (Some(p), Some(q)) => p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1,
                    _ => false,
                };
                if overlap {
                    let v = iou(&a.shape, &b.shape, t.image.width, t.image.height);
                    if v > DUPLICATE_IOU {
                        push(
                            &a.id.0,
                            format!("near duplicate of annotation {} (IoU {v:.3})", b.id),
                        );
                    }
                }
            }
        }
    }
    out
}
