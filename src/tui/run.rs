//! The event loop: owns the terminal and the state, waits on one channel for terminal input,
//! worker results and the store watcher (with a one-second tick), feeds them into `update`,
//! sends effects to the worker, and draws only when something changed. The terminal is restored
//! on exit and on panic.

use std::sync::mpsc;
use std::time::{Duration, Instant as Clock};

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind,
};
use ratatui::crossterm::execute;

use super::i18n::Lang;
use super::state::{Action, AppState, Effect};
use super::update::update;
use super::view::render;
use super::worker::{self, Worker};
use crate::sync::background::Nudge;

/// Runs the workstation until the user quits.
pub fn run(worker: Worker, lang: Lang, today: crate::domain::Date) -> std::io::Result<()> {
    let (effects_tx, effects_rx) = mpsc::channel::<Effect>();
    let (actions_tx, actions_rx) = mpsc::channel::<Action>();
    let db = worker.store.path().to_path_buf();
    watch_store(db.clone(), actions_tx.clone());
    let nudge = start_sync(&db, actions_tx.clone());
    let actions_in = actions_tx.clone();
    let worker_thread = worker::spawn(worker, effects_rx, actions_tx);

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    read_terminal(actions_in);
    let mut state = AppState::new(lang, time::OffsetDateTime::now_utc(), today);
    if nudge.is_some() {
        state.sync = super::state::SyncState::Enrolled(None);
    }
    let _ = effects_tx.send(Effect::LoadClinic);
    let mut dirty = true;
    let mut next_tick = Clock::now() + TICK;
    let result = loop {
        if dirty {
            if let Err(e) = terminal.draw(|f| render(&state, f)) {
                break Err(e);
            }
            dirty = false;
        }
        if state.quit {
            break Ok(());
        }
        // One wait over everything that can change the state: keys, worker replies, the store
        // watcher, and the clock for the consultation timer.
        let action =
            match actions_rx.recv_timeout(next_tick.saturating_duration_since(Clock::now())) {
                Ok(action) => action,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    next_tick = Clock::now() + TICK;
                    Action::Tick(time::OffsetDateTime::now_utc())
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
            };
        for action in std::iter::once(action).chain(actions_rx.try_iter()) {
            if let (Action::Saved { .. }, Some(nudge)) = (&action, &nudge) {
                let _ = nudge.send(Nudge::Changed);
            }
            for effect in update(&mut state, action) {
                let _ = effects_tx.send(effect);
            }
            dirty |= std::mem::take(&mut state.dirty);
        }
    };
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    drop(effects_tx);
    let _ = worker_thread.join();
    result
}

/// Starts background sync when the data directory is enrolled; its reports arrive as actions.
fn start_sync(db: &std::path::Path, actions: mpsc::Sender<Action>) -> Option<mpsc::Sender<Nudge>> {
    let device = crate::sync::client::Device::load(db.parent()?)
        .ok()
        .flatten()?;
    let (nudge_tx, nudge_rx) = mpsc::channel();
    let (status_tx, status_rx) = mpsc::channel();
    let path = db.to_path_buf();
    std::thread::spawn(move || crate::sync::background::run(path, device, nudge_rx, status_tx));
    std::thread::spawn(move || {
        for status in status_rx {
            if actions.send(Action::SyncStatus(status)).is_err() {
                return;
            }
        }
    });
    Some(nudge_tx)
}

/// How often the clock is redrawn (the consultation timer).
const TICK: Duration = Duration::from_secs(1);

/// Forwards terminal input to the loop as actions, from a thread of its own.
fn read_terminal(actions: mpsc::Sender<Action>) {
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => Action::key(k),
                Ok(Event::Paste(text)) => Action::Paste(text),
                // A resize needs a redraw: a tick changes the state's clock, which redraws.
                Ok(Event::Resize(..)) => Action::Tick(time::OffsetDateTime::now_utc()),
                Ok(_) => continue,
                Err(_) => return,
            };
            if actions.send(action).is_err() {
                return;
            }
        }
    });
}

/// Tells the loop when another process (or a sync) has committed to the store, by polling
/// SQLite's `data_version` on a connection of its own.
fn watch_store(path: std::path::PathBuf, actions: mpsc::Sender<Action>) {
    std::thread::spawn(move || {
        let Ok(conn) = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        ) else {
            return;
        };
        let version = |c: &rusqlite::Connection| {
            c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
                .ok()
        };
        let mut last = version(&conn);
        loop {
            std::thread::sleep(Duration::from_millis(700));
            let now = version(&conn);
            if now != last {
                last = now;
                if actions.send(Action::StoreChanged).is_err() {
                    return;
                }
            }
        }
    });
}
