//! Background sync for the workstation: a tokio task that syncs after local changes, on a ticker
//! that skips missed ticks, and at once when asked; backs off with jitter while the server is
//! unreachable; stops when told; and reports every attempt as an event the status line shows.
//! The session itself (store and HTTP) runs on a blocking thread.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::client::{Device, Http, SyncError, SyncReport, sync_once};
use super::tls::Trust;
use crate::store::Store;

/// How often an idle workstation checks in.
pub const INTERVAL: Duration = Duration::from_secs(60);
/// The longest wait between attempts while the server is unreachable.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How long one request may take before the attempt counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// Documents from the server set aside because this device cannot read them.
    pub quarantined: usize,
    /// The last session stopped with more to sync; the next one starts at once.
    pub more: bool,
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

/// What the workstation tells the sync task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncCommand {
    /// Something was saved locally: sync soon (at once unless the task is backing off).
    Changed,
    /// The user asked: sync now, backing off or not.
    ForceSync,
    /// Finish the attempt in flight, if any, and end.
    Stop,
}

/// What the sync task reports after each attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Completed {
        /// Documents this device sent messages for.
        sent: usize,
        /// Documents the server sent messages for.
        received: usize,
        status: SyncStatus,
    },
    Failed {
        error: String,
        status: SyncStatus,
    },
}

impl SyncEvent {
    pub fn status(&self) -> &SyncStatus {
        match self {
            SyncEvent::Completed { status, .. } | SyncEvent::Failed { status, .. } => status,
        }
    }
}

/// The running sync task.
pub struct SyncTask {
    commands: mpsc::UnboundedSender<SyncCommand>,
    task: JoinHandle<()>,
}

impl SyncTask {
    /// Starts syncing the store at `db` as `device` on the current tokio runtime; events go to
    /// `events`. The first attempt starts at once.
    pub fn spawn(
        db: PathBuf,
        device: Device,
        trust: Trust,
        events: mpsc::UnboundedSender<SyncEvent>,
    ) -> Self {
        let (commands, received) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(db, device, trust, received, events));
        SyncTask { commands, task }
    }

    /// Tells the task; a task that has ended ignores it.
    pub fn send(&self, command: SyncCommand) {
        let _ = self.commands.send(command);
    }

    /// Stops the task and waits until the attempt in flight, if any, has finished.
    pub async fn stop(self) {
        self.send(SyncCommand::Stop);
        let _ = self.task.await;
    }
}

/// Why the task wakes.
enum Wake {
    Tick,
    Retry,
    Command(SyncCommand),
}

async fn run(
    db: PathBuf,
    device: Device,
    trust: Trust,
    mut commands: mpsc::UnboundedReceiver<SyncCommand>,
    events: mpsc::UnboundedSender<SyncEvent>,
) {
    let opened = tokio::task::spawn_blocking(move || Store::open(&db)).await;
    let mut store = match opened {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => return report_unusable(&events, e.to_string()),
        Err(e) => return report_unusable(&events, e.to_string()),
    };
    let mut http = match Http::on(tokio::runtime::Handle::current(), REQUEST_TIMEOUT, &trust) {
        Ok(http) => http,
        Err(e) => return report_unusable(&events, e.to_string()),
    };
    let mut ticker = tokio::time::interval(INTERVAL);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut failures = 0u32;
    let mut retry_at: Option<Instant> = None;
    loop {
        let wake = tokio::select! {
            command = commands.recv() => Wake::Command(command.unwrap_or(SyncCommand::Stop)),
            _ = ticker.tick(), if retry_at.is_none() => Wake::Tick,
            () = sleep_until(retry_at), if retry_at.is_some() => Wake::Retry,
        };
        match wake {
            Wake::Command(SyncCommand::Stop) => return,
            // While backing off, a local change waits for the retry; the user's request does not.
            Wake::Command(SyncCommand::Changed) if retry_at.is_some() => continue,
            Wake::Command(_) | Wake::Tick | Wake::Retry => {}
        }
        // Changes saved in a burst go in one session.
        loop {
            match commands.try_recv() {
                Ok(SyncCommand::Stop) => return,
                Ok(_) => continue,
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => return,
            }
        }
        let device = device.clone();
        let attempt = tokio::task::spawn_blocking(move || {
            let result = sync_once(&mut store, &device, &mut http);
            let status = status_of(&mut store, &result);
            (store, http, result, status)
        })
        .await;
        let result;
        let status;
        (store, http, result, status) = match attempt {
            Ok(done) => done,
            // The session panicked; its store and transport went with it.
            Err(e) => return report_unusable(&events, format!("sync stopped: {e}")),
        };
        let event = match result {
            Ok(report) => {
                failures = 0;
                // A large first sync goes on in the next session at once, not a minute later.
                retry_at = report.pending.then(Instant::now);
                ticker.reset();
                completed(&report, status)
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                retry_at = Some(Instant::now() + next_delay(failures, jitter()));
                tracing::warn!(failures, error = %e, "sync failed");
                SyncEvent::Failed {
                    error: e.to_string(),
                    status,
                }
            }
        };
        if events.send(event).is_err() {
            return;
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn completed(report: &SyncReport, status: SyncStatus) -> SyncEvent {
    SyncEvent::Completed {
        sent: report.docs_sent,
        received: report.docs_received,
        status,
    }
}

fn status_of(store: &mut Store, result: &Result<SyncReport, SyncError>) -> SyncStatus {
    SyncStatus {
        online: !matches!(result, Err(SyncError::Unreachable(_))),
        pending: store.dirty_docs().map(|d| d.len()).unwrap_or(0),
        last_sync: store
            .sync_meta("last_sync")
            .ok()
            .flatten()
            .filter(|s| !s.is_empty()),
        last_error: result.as_ref().err().map(|e| e.to_string()),
        quarantined: store.quarantined().map(|q| q.len()).unwrap_or(0),
        more: result.as_ref().is_ok_and(|r| r.pending),
    }
}

/// The task cannot run at all (its store or transport cannot be opened): said once, then ended.
fn report_unusable(events: &mpsc::UnboundedSender<SyncEvent>, error: String) {
    tracing::error!(%error, "background sync cannot start");
    let _ = events.send(SyncEvent::Failed {
        error: error.clone(),
        status: SyncStatus {
            online: false,
            pending: 0,
            last_sync: None,
            last_error: Some(error),
            quarantined: 0,
            more: false,
        },
    });
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
