//! What every HTTP handler shares: the state (presigner, team service, authenticator), the
//! signed-in caller, JSON bodies and answers. Below both route modules (`api`, `team_api`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::auth::Authenticator;
use crate::error::ApiError;
use crate::keys::User;
use crate::presign::Presigner;
use crate::team::Team;

/// What every handler shares: the presigner, the team service and the authenticator.
pub struct AppState {
    presigner: Presigner,
    team: Team,
    auth: Arc<dyn Authenticator>,
}

impl AppState {
    /// The state of one router.
    pub fn new(presigner: Presigner, team: Team, auth: Arc<dyn Authenticator>) -> AppState {
        AppState {
            presigner,
            team,
            auth,
        }
    }

    /// The presigner.
    pub fn presigner(&self) -> &Presigner {
        &self.presigner
    }
}

/// The handlers' state extractor.
pub type Shared = State<Arc<AppState>>;

/// The signed-in caller, or 401.
pub async fn user(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    state.auth.authenticate(headers).await
}

impl AppState {
    /// The team service.
    pub fn team(&self) -> &Team {
        &self.team
    }
}

/// Parses a JSON body, refusing it with the same error shape as every other refusal.
pub fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
}

/// A JSON answer, or the error's JSON.
pub fn reply<T: serde::Serialize>(r: Result<T, ApiError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}
