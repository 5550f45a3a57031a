//! The queue board: moving through a day's visits, changing day and filter, and what the front
//! desk and the doctor do to the selected visit (check-in, doctor, pre-consult, chart, consult,
//! the video room's link, cancel).

use super::{Press, consult, front_desk, message, write};
use crate::domain::{Date, QueueStatus};
use crate::store::QueueRow;
use crate::tui::forms::{AssignDoctorForm, CheckInForm, Form, FormKind};
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// Whether the doctor `me` has a visit other than `except` in session.
pub(super) fn doctor_busy(rows: &[QueueRow], me: Option<&str>, except: Option<&String>) -> bool {
    rows.iter().any(|r| {
        row_is(r, QueueStatus::InSession)
            && r.doctor.as_deref() == me
            && Some(&r.entry_id) != except
    })
}

pub(super) fn loaded(state: &mut AppState, day: Date, rows: Vec<QueueRow>) -> Vec<Effect> {
    if day == state.queue.day && state.queue.rows != rows {
        state.queue.rows = rows;
        let n = state.queue.visible().len();
        state.queue.selected = state.queue.selected.min(n.saturating_sub(1));
        state.dirty = true;
    }
    if let Some(c) = &mut state.consult {
        let me = state.user.as_ref().map(|u| u.id.as_str());
        c.doctor_busy = doctor_busy(&state.queue.rows, me, c.entry_id.as_ref());
    }
    Vec::new()
}

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let lang = state.lang;
    let n = state.queue.visible().len();
    let day = state.queue.day;
    match press.command {
        Command::Up => state.queue.selected = state.queue.selected.saturating_sub(1),
        Command::Down => state.queue.selected = (state.queue.selected + 1).min(n.saturating_sub(1)),
        Command::PrevDay | Command::NextDay | Command::Today => {
            state.queue.day = match press.command {
                Command::PrevDay => day.previous_day().unwrap_or(day),
                Command::NextDay => day.next_day().unwrap_or(day),
                _ => state.today,
            };
            state.queue.rows.clear();
            state.queue.selected = 0;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::Filter => {
            let all = QueueStatus::ALL;
            state.queue.filter = match state.queue.filter {
                None => Some(all[0]),
                Some(f) => all
                    .iter()
                    .position(|s| *s == f)
                    .and_then(|i| all.get(i + 1))
                    .copied(),
            };
            state.queue.selected = 0;
        }
        Command::OpenAdmin => return super::admin::open(state),
        Command::OpenVisits => {
            let day = state.nursing.day.unwrap_or(state.today);
            let effects = super::nursing::open(state, day);
            if effects.is_empty() {
                message(
                    state,
                    lang.tr(
                        "訪問チームに所属していません",
                        "You are not on a home-care team",
                    ),
                    true,
                );
            }
            return effects;
        }
        Command::OwesFilter => {
            state.queue.owes_only = !state.queue.owes_only;
            state.queue.selected = 0;
        }
        Command::Register => return front_desk::open_register(state),
        Command::AddReservation => return front_desk::open_booking(state, false),
        Command::WalkIn => return front_desk::open_booking(state, true),
        Command::SignOut => {
            state.user = None;
            state.chart = None;
            state.consult = None;
            state.screen = Screen::SignIn;
        }
        Command::CheckIn
        | Command::AssignDoctor
        | Command::PreConsult
        | Command::CancelVisit
        | Command::MoveVisit
        | Command::SetWaiting
        | Command::Payment
        | Command::OpenChart
        | Command::CopyRoomLink
        | Command::Consult => {
            let Some(row) = state.queue.current().cloned() else {
                message(
                    state,
                    lang.tr("選択された予約がありません", "No visit selected"),
                    true,
                );
                return Vec::new();
            };
            return on_visit(state, press, row);
        }
        _ => {}
    }
    Vec::new()
}

fn on_visit(state: &mut AppState, press: Press, row: QueueRow) -> Vec<Effect> {
    let lang = state.lang;
    let day = state.queue.day;
    match press.command {
        Command::CheckIn => {
            let form = CheckInForm::new(
                lang,
                day,
                row.entry_id,
                row.patient_id,
                row.doctor.as_deref(),
                state.staff(),
                state.today,
            );
            state.overlay = Some(Overlay::Form(Form::new(
                CheckInForm::title(lang),
                FormKind::CheckIn(form),
            )));
            Vec::new()
        }
        Command::AssignDoctor => {
            let form = AssignDoctorForm::new(
                lang,
                day,
                row.entry_id,
                row.doctor.as_deref(),
                state.staff(),
            );
            state.overlay = Some(Overlay::Form(Form::new(
                AssignDoctorForm::title(lang),
                FormKind::AssignDoctor(form),
            )));
            Vec::new()
        }
        Command::PreConsult => vec![write(
            state,
            Write::PreConsultDone {
                day,
                entry_id: row.entry_id,
            },
        )],
        Command::OpenChart => vec![Effect::LoadChart {
            patient_id: row.patient_id,
        }],
        Command::Consult => consult::start(state, press.fresh, row.patient_id.clone(), Some(row)),
        // The front desk gives the patient the link of the room the doctor opened.
        Command::CopyRoomLink => vec![Effect::FindRoom {
            patient_id: row.patient_id,
            entry_id: row.entry_id,
        }],
        command => front_desk::on_visit(state, command, row),
    }
}

/// The room of a visit's encounter was looked up: its link is shown and copied, or the screen
/// says there is none yet.
pub(super) fn room_found(state: &mut AppState, room: Option<String>) -> Vec<Effect> {
    let lang = state.lang;
    let Some(room) = room else {
        message(
            state,
            lang.tr(
                "ビデオ室はまだありません (医師のビデオ開始で作成)",
                "No video room yet: the doctor's video start opens it",
            ),
            true,
        );
        return Vec::new();
    };
    let text = crate::video::link(&state.video_command, &room);
    let said = format!(
        "{}: {text}",
        lang.tr("リンクをコピーしました", "Link copied")
    );
    message(state, said, false);
    vec![Effect::CopyToClipboard { text }]
}
