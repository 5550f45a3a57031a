//! The event loop, on one tokio runtime: it owns the terminal and the state, waits in one
//! `select!` on terminal events, worker results, the sync task's events, the store watcher, the
//! clock and a frame deadline that is armed only when something changed; feeds each into
//! `update`; hands effects to the worker, which runs store and rule work on a blocking thread;
//! and draws. The terminal is restored on exit and on panic.

use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyEventKind,
};
use crossterm::execute;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::i18n::Lang;
use super::state::{Action, AppState, Effect};
use super::update::update;
use super::view::render;
use super::worker::{self, Worker};
use crate::sync::background::{SyncCommand, SyncEvent, SyncTask};

/// How often the clock is redrawn (the consultation timer).
const TICK: Duration = Duration::from_secs(1);
/// The shortest time between two frames: a burst of replies draws once.
const MIN_FRAME: Duration = Duration::from_millis(4);
/// How often the store is asked whether another process (or a sync) has committed.
const WATCH_EVERY: Duration = Duration::from_millis(700);

/// Runs the workstation until the user quits.
/// `trust` is what the background sync trusts beside the platform's certificate store.
pub fn run(
    worker: Worker,
    lang: Lang,
    today: crate::domain::Date,
    trust: crate::sync::tls::Trust,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("enkaku")
        .enable_all()
        .build()?;
    let result = runtime.block_on(event_loop(worker, lang, today, trust));
    // Nothing outlives the loop; a blocking read still in the store gets a moment to finish.
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn event_loop(
    worker: Worker,
    lang: Lang,
    today: crate::domain::Date,
    trust: crate::sync::tls::Trust,
) -> std::io::Result<()> {
    let (effects_tx, effects_rx) = mpsc::unbounded_channel::<Effect>();
    let (actions_tx, mut actions) = mpsc::unbounded_channel::<Action>();
    let (sync_tx, mut sync_events) = mpsc::unbounded_channel::<SyncEvent>();
    let db = worker.store.path().to_path_buf();
    let video_command = worker.video_command.clone();
    let watcher = tokio::spawn(watch_store(db.clone(), actions_tx.clone()));
    let sync = start_sync(&db, trust, sync_tx);
    let worker_task =
        tokio::task::spawn_blocking(move || worker::serve(worker, effects_rx, actions_tx));

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let mut terminal_events = EventStream::new();
    let mut state = AppState::new(lang, time::OffsetDateTime::now_utc(), today);
    state.video_command = video_command;
    state.store_encrypted = Some(crate::store::key::unlocked().is_some());
    if sync.is_some() {
        state.sync = super::state::SyncState::Enrolled(None);
    }
    let _ = effects_tx.send(Effect::LoadClinic);
    let mut clock = tokio::time::interval(TICK);
    clock.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_frame = Instant::now() - MIN_FRAME;
    let result = loop {
        if state.quit {
            break Ok(());
        }
        let frame_at = last_frame + MIN_FRAME;
        let action = tokio::select! {
            event = terminal_events.next() => match event {
                Some(Ok(Event::Key(k))) if k.kind == KeyEventKind::Press => Action::key(k),
                Some(Ok(Event::Paste(text))) => Action::Paste(text),
                Some(Ok(Event::Resize(..))) => {
                    dirty = true;
                    continue;
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(e),
                // The terminal has gone.
                None => break Ok(()),
            },
            Some(action) = actions.recv() => action,
            Some(event) = sync_events.recv() => Action::SyncStatus(event.status().clone()),
            _ = clock.tick() => Action::Tick(time::OffsetDateTime::now_utc()),
            () = tokio::time::sleep_until(frame_at), if dirty => {
                if let Err(e) = terminal.draw(|f| render(&state, f)) {
                    break Err(e);
                }
                last_frame = Instant::now();
                dirty = false;
                continue;
            }
        };
        if let (Action::Saved { .. }, Some(sync)) = (&action, &sync) {
            sync.send(SyncCommand::Changed);
        }
        let said = state.status.clone();
        let effects = update(&mut state, action);
        // What the screen refuses or reports failing goes to the log too, when it is first said.
        if let Some(status) = state.status.as_ref().filter(|s| s.error)
            && said.as_ref() != Some(status)
        {
            tracing::warn!(status = %status.text, "said on screen");
        }
        for effect in effects {
            match (effect, &sync) {
                (Effect::SyncNow, Some(sync)) => sync.send(SyncCommand::ForceSync),
                (Effect::SyncNow, None) => {}
                (Effect::CopyToClipboard { text }, _) => copy_to_clipboard(&text),
                (effect, _) => {
                    let _ = effects_tx.send(effect);
                }
            }
        }
        dirty |= std::mem::take(&mut state.dirty);
    };
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    watcher.abort();
    if let Some(sync) = sync {
        sync.stop().await;
    }
    drop(effects_tx);
    let _ = worker_task.await;
    result
}

/// Starts background sync when the data directory is enrolled.
fn start_sync(
    db: &std::path::Path,
    trust: crate::sync::tls::Trust,
    events: mpsc::UnboundedSender<SyncEvent>,
) -> Option<SyncTask> {
    let device = match crate::sync::client::Device::load(db.parent()?) {
        Ok(device) => device?,
        Err(e) => {
            tracing::error!(error = %e, "background sync not started");
            return None;
        }
    };
    Some(SyncTask::spawn(db.to_path_buf(), device, trust, events))
}

/// Tells the loop when another process (or a sync) has committed to the store, by polling
/// SQLite's `data_version` on a read-only connection of its own. The pragma reads a counter the
/// connection already holds, so it runs on the async task without blocking it.
async fn watch_store(path: std::path::PathBuf, actions: mpsc::UnboundedSender<Action>) {
    let conn = match crate::store::open_connection(&path, true) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!(error = %e, "the store watcher cannot open the store");
            return;
        }
    };
    let version = |c: &rusqlite::Connection| {
        c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
            .ok()
    };
    let mut last = version(&conn);
    let mut every = tokio::time::interval(WATCH_EVERY);
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        every.tick().await;
        let now = version(&conn);
        if now != last {
            last = now;
            if actions.send(Action::StoreChanged).is_err() {
                return;
            }
        }
    }
}

/// Puts `text` on the clipboard of the terminal (and of the terminal over ssh) with OSC 52, in
/// the same stream the screen is drawn in, between two frames.
fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let sequence = format!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let mut out = std::io::stdout();
    if let Err(e) = out
        .write_all(sequence.as_bytes())
        .and_then(|()| out.flush())
    {
        tracing::warn!(error = %e, "clipboard (OSC 52) not written");
    }
}

/// Standard base64 with padding, as OSC 52 carries its text.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod clipboard_tests {
    #[test]
    fn base64_pads_as_osc52_expects() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64("https://m/ő".as_bytes()), "aHR0cHM6Ly9tL8WR");
    }
}
