//! `update(&mut AppState, Action) -> Vec<Effect>`: every change of the workstation's state, with
//! no I/O. Here: the answers of the worker and the store, the hint bar's page, and which room a
//! key goes to; each screen, the overlays and the forms have a module of their own. Role checks
//! live with the screens: front desk cannot write notes or prescribe; only a doctor consults,
//! signs and overrides.

mod admin;
mod chart;
mod consult;
mod facts;
mod front_desk;
mod nursing;
mod overlay;
mod queue;
mod sign_in;

use ratatui::crossterm::event::KeyEvent;

use super::forms::{Author, Fresh};
use super::keymap::{Command, Mode, command_for};
use super::state::*;
use crate::domain::Role;

pub use consult::open_blocks;
pub use facts::fact_saved_label;
pub use nursing::nursing_saved_label;

/// A key press as the rooms see it: the key, what it means in the current mode, and the
/// randomness it brings for new records (its time is already the state's clock).
struct Press {
    key: KeyEvent,
    command: Command,
    fresh: Fresh,
}

fn message(state: &mut AppState, text: impl Into<String>, error: bool) {
    state.status = Some(StatusMessage {
        text: text.into(),
        error,
    });
}

fn is_doctor(state: &AppState) -> bool {
    state.user.as_ref().is_some_and(|u| u.role == Role::Doctor)
}

fn staff_id(state: &AppState) -> String {
    state
        .user
        .as_ref()
        .map(|u| u.id.clone())
        .unwrap_or_default()
}

fn write(state: &AppState, write: Write) -> Effect {
    Effect::Write {
        staff: staff_id(state),
        write,
    }
}

/// Who records what a key press submits.
fn author(state: &AppState, fresh: Fresh) -> Author {
    Author {
        staff: staff_id(state),
        now: state.now,
        today: state.today,
        fresh,
    }
}

/// Says "only a doctor" and refuses unless the user is a doctor.
fn doctor_only(state: &mut AppState) -> bool {
    if is_doctor(state) {
        return true;
    }
    let text = state
        .lang
        .tr("医師のみが行えます", "Only a doctor can do this");
    message(state, text, true);
    false
}

/// The one entry point.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    let mode = state.mode();
    let effects = dispatch(state, action);
    // Another mode has other keys: its hint bar starts from its first page.
    if state.mode() != mode {
        state.hint_page = 0;
    }
    let writes = effects
        .iter()
        .filter(|e| matches!(e, Effect::Write { .. }))
        .count();
    state.writes_in_flight += u32::try_from(writes).unwrap_or(u32::MAX);
    effects
}

fn dispatch(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key { key, at, fresh } => {
            let mode = state.mode();
            let Some(command) = command_for(mode, &key) else {
                return Vec::new();
            };
            state.now = at;
            state.dirty = true;
            on_key(
                state,
                mode,
                Press {
                    key,
                    command,
                    fresh,
                },
            )
        }
        Action::Paste(text) => {
            state.dirty = true;
            overlay::paste(state, &text)
        }
        Action::Tick(now) => {
            state.now = now;
            // The event loop also ticks after a resize: the frame is drawn again either way.
            state.dirty = true;
            Vec::new()
        }
        Action::ClinicLoaded(clinic) => {
            if let Some(user) = &state.user {
                state.user = clinic.staff.get(&user.id).cloned();
            }
            if state.clinic.as_ref() != Some(&*clinic) {
                state.clinic = Some(*clinic);
                state.dirty = true;
            }
            Vec::new()
        }
        Action::QueueLoaded { day, rows } => queue::loaded(state, day, rows),
        Action::TeamDayLoaded { day, visits } => nursing::loaded(state, day, visits),
        Action::VideoJoined => {
            let text = state.lang.tr(
                "医師のビデオ室に参加しました",
                "Joined the doctor's video room",
            );
            message(state, text, false);
            Vec::new()
        }
        Action::ChartLoaded { patient, history } => chart::loaded(state, *patient, history),
        Action::PatientsFound {
            generation,
            results,
        } => overlay::patients_found(state, generation, results),
        Action::DrugsFound {
            generation,
            results,
        } => overlay::drugs_found(state, generation, results),
        Action::Evaluated {
            generation,
            findings,
            drugs,
        } => consult::evaluated(state, generation, findings, drugs),
        Action::Saved { what } => {
            let mut text = what.label(state.lang).to_string();
            if let Some(day) = what.day().filter(|d| *d != state.queue.day) {
                text = format!(
                    "{text}: {} ({})",
                    crate::domain::format_date(day),
                    state.lang.tr("表示中の日とは別の日", "not the day shown")
                );
            }
            message(state, text, false);
            state.dirty = true;
            state.own_commit_unseen = true;
            written(state)
        }
        Action::VideoLaunched {
            patient_id,
            encounter_id,
            room,
            relaunch,
        } => consult::video_launched(state, &patient_id, &encounter_id, room, relaunch),
        Action::RoomFound { room } => queue::room_found(state, room),
        Action::VideoFailed { message: text } => {
            let text = format!(
                "{}: {text}",
                state.lang.tr(
                    "ビデオを開始できません (設定の video.command を確認)",
                    "Video not started (check video.command in the config file)",
                )
            );
            message(state, text, true);
            state.dirty = true;
            Vec::new()
        }
        Action::Failed { message: text } => {
            message(state, text, true);
            state.dirty = true;
            written(state)
        }
        Action::StoreChanged => store_changed(state),
        Action::SyncStatus(status) => {
            sync_status(state, status);
            Vec::new()
        }
        Action::PinChecked { staff, check } => sign_in::pin_checked(state, &staff, check),
        Action::Registered {
            generation,
            outcome,
        } => front_desk::registered(state, generation, outcome),
    }
}

fn on_key(state: &mut AppState, mode: Mode, press: Press) -> Vec<Effect> {
    if press.command == Command::MoreHints {
        state.hint_page = state.hint_page.wrapping_add(1);
        return Vec::new();
    }
    match mode {
        Mode::Help => {
            state.help = None;
            Vec::new()
        }
        Mode::Search | Mode::Drugs | Mode::Form(_) | Mode::Confirm | Mode::Duplicates => {
            overlay::on_key(state, mode, press)
        }
        Mode::NoteEditor => consult::note_key(state, press),
        Mode::SignIn
        | Mode::Queue
        | Mode::Chart
        | Mode::ChartOverview
        | Mode::Consult
        | Mode::Admin
        | Mode::Visits
        | Mode::Visit => screen_command(state, mode, press),
    }
}

/// The commands every screen shares, then the screen's own.
fn screen_command(state: &mut AppState, mode: Mode, press: Press) -> Vec<Effect> {
    match press.command {
        Command::Quit => {
            state.quit = true;
            return Vec::new();
        }
        Command::Help => {
            state.help = Some(mode);
            return Vec::new();
        }
        Command::SyncNow => {
            if matches!(state.sync, SyncState::LocalOnly) {
                let text = state.lang.tr(
                    "同期サーバー未登録: この端末のみで記録しています",
                    "not enrolled with a sync server: changes stay on this machine",
                );
                message(state, text, true);
                return Vec::new();
            }
            let text = state.lang.tr("同期しています…", "syncing…");
            message(state, text, false);
            state.sync_asked = true;
            return vec![Effect::SyncNow];
        }
        Command::Search if state.user.is_some() => {
            state.overlay = Some(Overlay::Search(PatientSearch {
                query: super::editor::TextEditor::new(false),
                results: Vec::new(),
                selected: 0,
                generation: 0,
                purpose: SearchPurpose::OpenChart,
            }));
            return Vec::new();
        }
        _ => {}
    }
    match mode {
        Mode::SignIn => sign_in::command(state, press),
        Mode::Queue => queue::command(state, press),
        Mode::Chart | Mode::ChartOverview => chart::command(state, press),
        Mode::Admin => admin::command(state, press),
        Mode::Visits => nursing::list_command(state, press),
        Mode::Visit => nursing::visit_command(state, press),
        _ => consult::command(state, press),
    }
}

/// A write was answered. Once none is left in flight, what is on screen is read again: one
/// reload for a step that wrote several things.
fn written(state: &mut AppState) -> Vec<Effect> {
    state.writes_in_flight = state.writes_in_flight.saturating_sub(1);
    if state.writes_in_flight > 0 {
        return Vec::new();
    }
    reload(state)
}

/// Another connection committed to the store. The watcher cannot tell whose commit it saw, so:
/// while own writes are in flight their answer reloads afterwards anyway, and the first report
/// after an own save is taken to be that save, already reloaded. A sync's commit that the
/// watcher happens to report together with an own one shows with the next change or screen.
fn store_changed(state: &mut AppState) -> Vec<Effect> {
    if state.writes_in_flight > 0 {
        return Vec::new();
    }
    if std::mem::take(&mut state.own_commit_unseen) {
        return Vec::new();
    }
    reload(state)
}

/// Re-reads what is on screen after the store changed.
fn reload(state: &AppState) -> Vec<Effect> {
    let mut effects = vec![
        Effect::LoadClinic,
        Effect::LoadQueue {
            day: state.queue.day,
        },
    ];
    effects.extend(nursing::reload(state));
    if let Some(c) = &state.consult {
        effects.push(Effect::LoadChart {
            patient_id: c.patient.id.clone(),
        });
    } else if let Some(c) = &state.chart {
        effects.push(Effect::LoadChart {
            patient_id: c.patient.id.clone(),
        });
    }
    effects
}

fn sync_status(state: &mut AppState, status: crate::sync::background::SyncStatus) {
    // A new error is said in words once; the sync label keeps marking it until a sync succeeds.
    // An outcome the user asked for (F5) is said whatever it is.
    let asked = std::mem::take(&mut state.sync_asked);
    let previous = match &state.sync {
        SyncState::Enrolled(Some(s)) if !asked => s.last_error.clone(),
        _ => None,
    };
    if asked && status.last_error.is_none() {
        let text = state.lang.tr("同期しました", "synced");
        message(state, text, false);
    }
    if let Some(error) = status
        .last_error
        .as_ref()
        .filter(|e| Some(*e) != previous.as_ref())
    {
        let text = format!(
            "{} {error}",
            state.lang.tr("同期できません:", "sync failed:")
        );
        message(state, text, true);
    }
    state.sync = SyncState::Enrolled(Some(status));
    state.dirty = true;
}
