//! The one error type of the HTTP surface and the status each case answers with. What went
//! wrong inside the server is logged and answered with a bare 500; only what the client itself
//! got wrong is described back to it.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::admission::Refusal;
use crate::exchange::ExchangeError;
use crate::secrets::RandomError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a valid device token is required")]
    Unauthorized,
    #[error("the enrolment code is not valid (unknown, expired or already used)")]
    InvalidEnrolmentCode,
    #[error("too many invalid enrolment codes; try again in {} s", whole_seconds(*.retry_after))]
    TooManyAttempts { retry_after: std::time::Duration },
    #[error("this actor is already bound to an enrolled device")]
    ActorInUse,
    #[error("refused: {0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    /// The request would leave a document unreadable (422).
    #[error("{0}")]
    Unprocessable(String),
    #[error("request body is larger than the limit")]
    TooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the server is busy; sync again shortly")]
    Busy,
    /// Over one of the limits of [`crate::admission`]: 429 or 503 with `Retry-After`.
    #[error(transparent)]
    NotAdmitted(#[from] Refusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("{0}")]
    Internal(String),
}

impl From<ExchangeError> for ApiError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Malformed(reason) => ApiError::BadRequest(reason),
            foreign @ ExchangeError::Foreign { .. } => ApiError::Forbidden(foreign.to_string()),
            unreadable @ ExchangeError::Unreadable { .. } => {
                ApiError::Unprocessable(unreadable.to_string())
            }
            ExchangeError::Busy => ApiError::Busy,
            ExchangeError::Storage(e) => ApiError::Storage(e),
            other @ (ExchangeError::BadActor(_)
            | ExchangeError::Corrupt { .. }
            | ExchangeError::Random(_)) => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::InvalidEnrolmentCode | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::ActorInUse => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotAdmitted(refusal) => refusal.status(),
            ApiError::Storage(_) | ApiError::Random(_) | ApiError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

/// A wait in whole seconds, rounded up and at least one: a client that waits that long is let
/// in, and the message and the `Retry-After` header say the same.
fn whole_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %self, "request failed inside the server");
            "internal server error".to_string()
        } else if matches!(
            self,
            ApiError::TooManyAttempts { .. } | ApiError::NotAdmitted(_)
        ) {
            // A flood gets one of these per request; the limiter (of enrolment, of admission)
            // logs it once per window.
            tracing::debug!(status = status.as_u16(), error = %self, "request refused");
            self.to_string()
        } else {
            tracing::info!(status = status.as_u16(), error = %self, "request refused");
            self.to_string()
        };
        let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
        let retry_after = match &self {
            ApiError::TooManyAttempts { retry_after } => Some(*retry_after),
            ApiError::NotAdmitted(refusal) => Some(refusal.retry_after()),
            _ => None,
        };
        if let Some(retry_after) = retry_after
            && let Ok(value) = HeaderValue::from_str(&whole_seconds(retry_after).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
