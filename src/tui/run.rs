//! The event loop: owns the terminal and the state, feeds terminal events, worker results, a
//! store watcher and a one-second tick into `update`, sends effects to the worker, and draws
//! only when something changed. The terminal is restored on exit and on panic.

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

/// Runs the workstation until the user quits.
pub fn run(worker: Worker, lang: Lang, today: crate::domain::Date) -> std::io::Result<()> {
    let (effects_tx, effects_rx) = mpsc::channel::<Effect>();
    let (actions_tx, actions_rx) = mpsc::channel::<Action>();
    watch_store(worker.store.path().to_path_buf(), actions_tx.clone());
    let worker_thread = worker::spawn(worker, effects_rx, actions_tx);

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let mut state = AppState::new(lang, time::OffsetDateTime::now_utc(), today);
    let _ = effects_tx.send(Effect::LoadClinic);
    let mut dirty = true;
    let mut last_tick = Clock::now();
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
        let mut incoming = Vec::new();
        match event::poll(Duration::from_millis(50)) {
            Ok(true) => match event::read() {
                Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => incoming.push(Action::Key(k)),
                Ok(Event::Paste(text)) => incoming.push(Action::Paste(text)),
                Ok(Event::Resize(..)) => dirty = true,
                Ok(_) => {}
                Err(e) => break Err(e),
            },
            Ok(false) => {}
            Err(e) => break Err(e),
        }
        incoming.extend(actions_rx.try_iter());
        if last_tick.elapsed() >= Duration::from_secs(1) {
            last_tick = Clock::now();
            incoming.push(Action::Tick(time::OffsetDateTime::now_utc()));
        }
        for action in incoming {
            let before = state.clone();
            for effect in update(&mut state, action) {
                let _ = effects_tx.send(effect);
            }
            dirty |= state != before;
        }
    };
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    drop(effects_tx);
    let _ = worker_thread.join();
    result
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
