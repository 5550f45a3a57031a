//! Background sync for the workstation: a thread that syncs after local changes and on an
//! interval, backs off with jitter while the server is unreachable, and reports what the status
//! line should say.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::client::{Device, Http, SyncError, sync_once};
use crate::store::Store;

/// How often an idle workstation checks in.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// The longest wait between attempts while the server is unreachable.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What the status line shows about sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// The last attempt reached the server.
    pub online: bool,
    /// Documents with changes the server does not have yet.
    pub pending: usize,
    /// When the last sync succeeded (RFC 3339), if ever.
    pub last_sync: Option<String>,
    /// The last error, if the last attempt failed.
    pub last_error: Option<String>,
}

/// The wait before the next attempt after `failures` failures in a row: exponential from 5 s up
/// to [`MAX_BACKOFF`], spread by `jitter` in [0, 1) over ±20 % so that terminals that lost the
/// server together do not return together.
pub fn next_delay(failures: u32, jitter: f64) -> Duration {
    if failures == 0 {
        return INTERVAL;
    }
    let base = 5.0 * 2f64.powi(failures.min(16) as i32 - 1);
    let capped = base.min(MAX_BACKOFF.as_secs_f64());
    let spread = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Duration::from_secs_f64((capped * spread).min(MAX_BACKOFF.as_secs_f64()))
}

/// What wakes the sync thread.
pub enum Nudge {
    /// Something was saved locally: sync soon.
    Changed,
    /// Sync now (the user asked).
    Now,
}

/// Runs until the nudge channel closes; reports every attempt through `report`.
pub fn run(path: PathBuf, device: Device, nudges: Receiver<Nudge>, report: Sender<SyncStatus>) {
    let Ok(mut store) = Store::open(&path) else {
        return;
    };
    let mut http = Http::new(Duration::from_secs(60));
    let mut failures = 0u32;
    let mut wait = Duration::from_millis(0);
    loop {
        match nudges.recv_timeout(wait) {
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // Changes saved in a burst go in one exchange.
        while nudges.try_recv().is_ok() {}
        let result = sync_once(&mut store, &device, &mut http);
        let online = !matches!(result, Err(SyncError::Unreachable(_)));
        let last_error = result.as_ref().err().map(|e| e.to_string());
        failures = if last_error.is_some() {
            failures.saturating_add(1)
        } else {
            0
        };
        wait = next_delay(failures, jitter());
        let status = SyncStatus {
            online,
            pending: store.dirty_docs().map(|d| d.len()).unwrap_or(0),
            last_sync: store
                .sync_meta("last_sync")
                .ok()
                .flatten()
                .filter(|s| !s.is_empty()),
            last_error,
        };
        if report.send(status).is_err() {
            return;
        }
    }
}

fn jitter() -> f64 {
    f64::from(uuid::Uuid::new_v4().as_bytes()[0]) / 256.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let cases = [
            (0, 0.5, 60.0),
            (1, 0.5, 5.0),
            (2, 0.5, 10.0),
            (4, 0.5, 40.0),
            (7, 0.5, 300.0),
            (30, 0.5, 300.0),
            (1, 0.0, 4.0),
            (1, 0.999, 5.998),
            (30, 0.999, 300.0),
        ];
        for (failures, jitter, secs) in cases {
            let d = next_delay(failures, jitter).as_secs_f64();
            assert!(
                (d - secs).abs() < 0.01,
                "{failures} failures, jitter {jitter}: {d} s, expected {secs}"
            );
        }
    }
}
