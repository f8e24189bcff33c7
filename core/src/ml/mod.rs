//! Models in the loop through Label Studio's ML backend protocol, without IO: the settings a
//! project or host gives (`settings`), the bodies of `/setup` and `/predict` and the reading of
//! answers into predictions of the project's classes, clipped to the image (`wire`), how sure a
//! model was of a task for the active-learning order (`uncertainty`), and the prompts of
//! interactive segmentation as Segment-Anything backends read them (`prompts`). The browser,
//! the CLI and the server call backends over HTTP and hand the bytes here.

pub mod manifest;
pub mod prompts;
pub mod settings;
pub mod uncertainty;
pub mod wire;

pub use manifest::{predicted_by, prediction_op, with_predictions};
pub use settings::MlSettings;
pub use uncertainty::{uncertainty, Ranking, Scores, Uncertainty};
pub use wire::{
    default_config, parse_answer, predict_body, setup_body, MlError, PredictTask, Predicted,
};
