//! The HTTP surface: routes, the bearer-token, source-address and frame-encoding extractors,
//! and the handlers that hand work to storage on blocking threads.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use enkaku::protocol::DocError;
use enkaku::protocol::{
    self, ENROLL_PATH, EnrollRequest, EnrollResponse, FRAME_CONTENT_TYPE, FrameError, HEALTH_PATH,
    MAX_BODY, SYNC_PATH, SyncRequest,
};
use http_body_util::BodyExt;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::admission::{Admission, AdmissionLimits, Slot};
use crate::authorship::Genesis;
use crate::enrolment_limits::{EnrolmentLimiter, Limits};
use crate::error::ApiError;
use crate::exchange::exchange;
use crate::integrity::Damaged;
use crate::secrets;
use crate::server::Settings;
use crate::storage::{Device, EnrolmentFailure, NewDevice, Redeemed, Storage};

/// An enrolment request is a few hundred bytes of JSON.
const MAX_ENROLL_BODY: usize = 16 * 1024;
/// Longest device name kept; the rest is cut.
const MAX_DEVICE_NAME: usize = 100;
/// Automerge actor ids are 16 bytes from Enkaku; allow any length a peer could reasonably use.
const MAX_ACTOR_BYTES: usize = 32;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Arc<dyn Storage>,
    genesis: Genesis,
    request_timeout: Duration,
    enrolment_limiter: EnrolmentLimiter,
    damaged: Damaged,
    admission: Admission,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, request_timeout: Duration) -> Result<Self, DocError> {
        Self::with_enrolment_limits(storage, request_timeout, Limits::default())
    }

    pub fn with_enrolment_limits(
        storage: Arc<dyn Storage>,
        request_timeout: Duration,
        limits: Limits,
    ) -> Result<Self, DocError> {
        Self::build(
            storage,
            request_timeout,
            limits,
            Damaged::default(),
            AdmissionLimits::default(),
        )
    }

    /// The state of a server run with `settings` whose integrity check at start found
    /// `damaged`.
    pub fn for_server(
        storage: Arc<dyn Storage>,
        settings: &Settings,
        damaged: Damaged,
    ) -> Result<Self, DocError> {
        Self::build(
            storage,
            settings.request_timeout,
            settings.enrolment_limits,
            damaged,
            settings.admission,
        )
    }

    fn build(
        storage: Arc<dyn Storage>,
        request_timeout: Duration,
        limits: Limits,
        damaged: Damaged,
        admission: AdmissionLimits,
    ) -> Result<Self, DocError> {
        Ok(AppState {
            inner: Arc::new(Inner {
                storage,
                genesis: Genesis::compute()?,
                request_timeout,
                enrolment_limiter: EnrolmentLimiter::new(limits),
                damaged,
                admission: Admission::new(admission),
            }),
        })
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.inner.storage
    }
}

/// The server's routes, with the body limit (413 above [`MAX_BODY`]), a per-request timeout
/// and request logging.
pub fn router(state: AppState) -> Router {
    let timeout = state.inner.request_timeout;
    Router::new()
        .route(HEALTH_PATH, get(health))
        .route(
            ENROLL_PATH,
            post(enroll).layer(DefaultBodyLimit::max(MAX_ENROLL_BODY)),
        )
        .route(SYNC_PATH, post(sync).layer(DefaultBodyLimit::max(MAX_BODY)))
        .layer(axum::middleware::from_fn(close_after_refusal))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(
            // Headers are not logged: they carry the device token.
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// An HTTP/1 answer that refuses the request also ends the connection (`Connection: close`).
/// A refusal may come before the body was read; hyper then cannot reuse the connection and
/// closes it (lingering, see [`crate::linger`]), and a client that was not told so would put
/// it back in its pool and lose its next request to the closed socket. (HTTP/2 streams are
/// refused on their own; the connection stays.)
async fn close_after_refusal(request: axum::extract::Request, next: Next) -> Response {
    let http1 = request.version() <= axum::http::Version::HTTP_11;
    let mut response = next.run(request).await;
    if http1 && (response.status().is_client_error() || response.status().is_server_error()) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Runs storage work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
}

/// 200 while the server serves and its database answers: `ok`, or `degraded: N damaged
/// documents …` while it serves all but those (still 200: a restart would not repair them, and
/// the rest must stay reachable).
async fn health(State(state): State<AppState>) -> Result<String, ApiError> {
    let storage = state.inner.storage.clone();
    blocking(move || Ok(storage.latest_seq()?)).await?;
    Ok(state.inner.damaged.health().unwrap_or_else(|| "ok".into()))
}

/// A request carrying the token of an enrolled, unrevoked device.
pub struct AuthorizedDevice(pub Device);

impl FromRequestParts<AppState> for AuthorizedDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        // Only hashes are looked up and compared, so timing says nothing about the token.
        let presented = secrets::sha256(token);
        let storage = state.inner.storage.clone();
        let device = blocking(move || Ok(storage.device_by_token_hash(&presented)?)).await?;
        match device {
            Some(device)
                if device.revoked_at.is_none()
                    && secrets::hashes_match(&device.token_hash, &presented) =>
            {
                Ok(AuthorizedDevice(device))
            }
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// Where a request came from, as the connection says (a proxy in front is not believed: a
/// forwarded-for header is the client's to write). An IPv6 source counts as its /64 network,
/// which one host can fill; an IPv4-mapped one as the IPv4 address. Unknown when the router is
/// served without connection info (tests that call it directly).
pub struct Source(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(Source(counted_as(ip)))
    }
}

fn counted_as(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        },
        v4 => v4,
    }
}

/// How a sync body is encoded, checked from the headers before the body is read.
pub struct FrameEncoding {
    pub deflated: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for FrameEncoding {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // The path defines the frame format, so a request may leave the content type out (on a
        // 64 kbps link its 41 bytes are a fifteenth of a one-field edit); one that declares
        // another type is refused.
        let declared_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("?"));
        let media_type = declared_type.map(|t| t.split(';').next().unwrap_or("").trim());
        if media_type.is_some_and(|t| !t.eq_ignore_ascii_case(FRAME_CONTENT_TYPE)) {
            return Err(ApiError::UnsupportedMediaType(format!(
                "content type must be {FRAME_CONTENT_TYPE}"
            )));
        }
        // Refuse a declared oversize body before reading any of it.
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > MAX_BODY as u64) {
            return Err(ApiError::TooLarge);
        }
        let deflated = match parts
            .headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("identity") => false,
            Some("deflate") => true,
            Some(_) => {
                return Err(ApiError::UnsupportedMediaType(
                    "content encoding must be deflate or none".into(),
                ));
            }
        };
        Ok(FrameEncoding { deflated })
    }
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(format!("request body cannot be read: {rejection}"))
        }
    })
}

/// The request body, at most [`MAX_BODY`] bytes, each piece charged to `slot` as it arrives.
async fn charged_body(mut body: Body, slot: &Slot) -> Result<Vec<u8>, ApiError> {
    let mut collected = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|e| ApiError::BadRequest(format!("request body cannot be read: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if collected.len() + data.len() > MAX_BODY {
            return Err(ApiError::TooLarge);
        }
        slot.charge(data.len())?;
        collected.extend_from_slice(&data);
    }
    Ok(collected)
}

fn frame_error(e: FrameError) -> ApiError {
    match e {
        FrameError::TooLarge => ApiError::TooLarge,
        other => ApiError::BadRequest(format!("sync frame: {other}")),
    }
}

async fn sync(
    State(state): State<AppState>,
    AuthorizedDevice(device): AuthorizedDevice,
    encoding: FrameEncoding,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    // Admitted before the body is read: an upload in progress is an exchange in progress. The
    // slot is charged for the body as it arrives and for the frame as it inflates, and gives
    // it all back when this request ends.
    let slot = state.inner.admission.enter(&device.id)?;
    let body = charged_body(request.into_body(), &slot).await?;
    let charged = slot.clone();
    let request = blocking(move || {
        let mut refused = None;
        let mut charge = |bytes: usize| {
            charged.charge(bytes).map_err(|refusal| {
                refused = Some(refusal);
                FrameError::OverBudget
            })
        };
        let decoded = SyncRequest::read_body(&body, encoding.deflated, &mut charge);
        match (decoded, refused) {
            (Err(FrameError::OverBudget), Some(refusal)) => Err(ApiError::NotAdmitted(refusal)),
            (decoded, _) => decoded.map_err(frame_error),
        }
    })
    .await?;
    let received = request.messages.len();
    let device_id = device.id.clone();
    let worker = state.clone();
    let response = blocking(move || {
        Ok(exchange(
            worker.inner.storage.as_ref(),
            &worker.inner.damaged,
            &device,
            &worker.inner.genesis,
            request,
        )?)
    })
    .await?;
    tracing::info!(
        device = %device_id,
        received,
        sent = response.messages.len(),
        cursor = response.cursor,
        more = response.more,
        "sync exchange"
    );
    let (body, deflated) = protocol::compress(response.encode());
    // No content type on the answer either: the device knows what it asked for (and axum would
    // otherwise label the bytes application/octet-stream, 40 bytes a time).
    let mut response = Response::new(Body::from(body));
    if deflated {
        response.headers_mut().insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("deflate"),
        );
    }
    Ok(response)
}

/// Validates a hex Automerge actor id and returns it in canonical (lower-case) form.
fn canonical_actor(actor: &str) -> Result<String, ApiError> {
    let bytes = hex::decode(actor.trim())
        .map_err(|_| ApiError::BadRequest("actor must be a hex Automerge actor id".into()))?;
    if bytes.is_empty() || bytes.len() > MAX_ACTOR_BYTES {
        return Err(ApiError::BadRequest(format!(
            "actor must be 1 to {MAX_ACTOR_BYTES} bytes"
        )));
    }
    // The all-zero actor writes only the shared genesis change; no device may own it.
    if bytes.iter().all(|b| *b == 0) {
        return Err(ApiError::BadRequest(
            "the all-zero actor is reserved for genesis changes".into(),
        ));
    }
    Ok(hex::encode(bytes))
}

/// Redeems a one-time code. Failed attempts are limited per source and across the server, and
/// recorded (see [`crate::enrolment_limits`]); a source over its limit is answered 429 with
/// `Retry-After` before its code is looked at.
async fn enroll(
    State(state): State<AppState>,
    Source(source): Source,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EnrollResponse>, ApiError> {
    let limiter = &state.inner.enrolment_limiter;
    limiter
        .check(source, Instant::now())
        .map_err(|throttled| ApiError::TooManyAttempts {
            retry_after: throttled.retry_after(),
        })?;
    let body = body_bytes(body)?;
    let request: EnrollRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("enrolment request: {e}")))?;
    let actor = canonical_actor(&request.actor)?;
    let code_hash = secrets::code_hash(&request.code);
    let token = secrets::new_token()?;
    let device = NewDevice {
        id: secrets::new_id("d-")?,
        name: request
            .device_name
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_DEVICE_NAME)
            .collect(),
        actor,
        token_hash: secrets::sha256(&token),
        enrolled_at: crate::now(),
    };
    let storage = state.inner.storage.clone();
    let redeemed = blocking(move || {
        Ok(storage.redeem_enrolment_code(&code_hash, device.enrolled_at, &device)?)
    })
    .await?;
    match redeemed {
        Redeemed::Enrolled(device) => {
            tracing::info!(
                device = %device.id,
                clinic = %device.clinic_id,
                role = %device.role,
                care_team = device.care_team.as_deref().unwrap_or(""),
                "device enrolled"
            );
            Ok(Json(EnrollResponse {
                device_id: device.id,
                token,
                clinic_id: device.clinic_id,
                role: device.role,
                care_team: device.care_team,
            }))
        }
        Redeemed::InvalidCode => {
            limiter.failed(source, Instant::now());
            let failure = EnrolmentFailure {
                at: crate::now(),
                source: source.to_string(),
            };
            tracing::warn!(%source, "enrolment refused: invalid code");
            let storage = state.inner.storage.clone();
            blocking(move || Ok(storage.record_enrolment_failure(&failure)?)).await?;
            Err(ApiError::InvalidEnrolmentCode)
        }
        Redeemed::ActorInUse => Err(ApiError::ActorInUse),
    }
}
