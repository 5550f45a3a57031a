//! The connection gate: at most so many connections open at once, kept below the process's
//! open-file limit so that the database and the logs always have descriptors left, and none
//! held by a client that does not send a request. Over the cap a new connection is closed at
//! once (logged at most once a minute, with how many were closed); a connection that sends
//! nothing within the header-read timeout is closed, and hyper's own header-read timeout
//! (set in [`crate::server`]) closes one whose request head does not arrive in time.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::linger::Lingering;

/// Descriptors kept for everything but client connections: the listener, the database, its
/// WAL and shared-memory files, the log, the runtime's own.
const RESERVED_DESCRIPTORS: u64 = 64;
/// The cap when the open-file limit allows more: beyond it a clinic's server is under attack,
/// not busy.
const MOST_CONNECTIONS: u64 = 4096;
/// The fewest connections the cap allows, whatever the open-file limit says.
const FEWEST_CONNECTIONS: u64 = 16;
/// Refusals over the cap are logged at most once in this interval.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// The default cap: the open-file limit (soft) less [`RESERVED_DESCRIPTORS`], at most
/// [`MOST_CONNECTIONS`].
pub fn default_max_connections() -> usize {
    let limit = open_file_limit().unwrap_or(1024);
    let cap = limit
        .saturating_sub(RESERVED_DESCRIPTORS)
        .clamp(FEWEST_CONNECTIONS, MOST_CONNECTIONS);
    usize::try_from(cap).unwrap_or(FEWEST_CONNECTIONS as usize)
}

/// The soft `RLIMIT_NOFILE` of this process.
#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given, which lives on this stack.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    // `rlim_t` is u64 on Linux but not on every Unix.
    #[allow(clippy::unnecessary_cast)]
    ok.then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// Accepts a connection when a slot under the cap is free, wrapping it in [`Lingering`] with
/// the slot and the first-bytes deadline; closes it at once otherwise.
#[derive(Clone)]
pub struct ConnectionGate {
    slots: Arc<Semaphore>,
    cap: usize,
    header_read_timeout: Duration,
    refused: Arc<Refused>,
}

#[derive(Default)]
struct Refused {
    since_warning: AtomicU64,
    last_warning: Mutex<Option<Instant>>,
}

impl ConnectionGate {
    pub fn new(cap: usize, header_read_timeout: Duration) -> ConnectionGate {
        ConnectionGate {
            slots: Arc::new(Semaphore::new(cap)),
            cap,
            header_read_timeout,
            refused: Arc::new(Refused::default()),
        }
    }

    /// Connections open now (lingering ones included).
    pub fn open(&self) -> usize {
        self.cap - self.slots.available_permits()
    }

    fn refuse(&self) {
        let refused = self.refused.since_warning.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let mut last = self
            .refused
            .last_warning
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_none_or(|at| now.duration_since(at) >= WARN_EVERY) {
            *last = Some(now);
            self.refused.since_warning.store(0, Ordering::Relaxed);
            tracing::warn!(
                cap = self.cap,
                refused,
                "connection cap reached; new connections closed at once \
                 (logged at most once a minute)"
            );
        }
    }
}

impl<S: Send + 'static> Accept<TcpStream, S> for ConnectionGate {
    type Stream = Lingering;
    type Service = S;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Lingering, S)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let accepted = match self.slots.clone().try_acquire_owned() {
            Ok(permit) => Ok((
                Lingering::new(
                    stream,
                    Some(permit),
                    Some(Instant::now() + self.header_read_timeout),
                ),
                service,
            )),
            Err(_) => {
                self.refuse();
                // Dropping the stream closes it.
                Err(io::Error::other("connection cap reached"))
            }
        };
        Box::pin(std::future::ready(accepted))
    }
}
