//! Agreement between annotators: matching their shapes one to one (IoU, and OKS for
//! keypoints), COCO's AP of one against another, chance-corrected agreement on categorical
//! answers (kappa, alpha), and the consensus of several.
//!
//! The figures are the ones the libraries people already trust report, on the same inputs:
//! matching is scipy's `linear_sum_assignment` (the same Jonker–Volgenant solver), Cohen's kappa
//! is scikit-learn's `cohen_kappa_score`, Fleiss' kappa is statsmodels' `fleiss_kappa`,
//! Krippendorff's alpha is the `krippendorff` package's `alpha` (nominal)
//! (`tests/python/test_quality_references.py` compares them on generated cases).

pub mod checks;
pub mod coco_eval;
pub mod consensus;
pub mod disagreement;
pub mod kappa;
pub mod matching;
pub mod oks;
pub mod report;
pub mod team_report;

pub use coco_eval::{coco_scores, ApFigures, CocoSummary, IouType};
pub use consensus::{consensus, consensus_tasks, ConsensusOptions, DatasetConsensus};
pub use disagreement::{image_agreement, ImageAgreement};
pub use kappa::{cohen_kappa, fleiss_kappa, krippendorff_alpha};
pub use matching::{match_annotations, match_by_iou, Match, PairStats};
pub use oks::{oks, sigmas_for, COCO_SIGMAS};
pub use report::{agreement, Agreement, Rater};
