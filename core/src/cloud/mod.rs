//! The client side of the presign protocol (`docs/presign.md`), without any IO.
//!
//! The browser crate does the `fetch` calls; everything it has to decide — which key a result goes
//! to, what a presign request and answer look like, when to retry, what an S3 refusal means and
//! which parts of a multipart upload are still missing — is decided here and tested natively.

pub mod failure;
pub mod keys;
pub mod multipart;
pub mod protocol;
pub mod retry;

pub use failure::Endpoint;
pub use failure::{classify, Failure, FailureKind};
pub use keys::{key_segment, result_key, KeyError};
pub use multipart::{MultipartPlan, PartState};
pub use protocol::{PresignAnswer, PresignRequest};
pub use retry::retry_delay_ms;
