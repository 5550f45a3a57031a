//! The home-care nurse's screens: her team's visits of the day in route order, and her record
//! of one visit (arrive, vitals, observations, medications, photos, leave), with the request
//! that the doctor join on video (D to P with N) and joining the doctor's room. Everything works
//! from the store on the nurse's laptop: no network is needed until the sync.

use super::{Press, message, write};
use crate::domain::{Date, NursingVisit, Role};
use crate::tui::forms::nursing_text::Purpose;
use crate::tui::forms::{Form, FormKind, Fresh, MedicationsTakenForm, NursingTextForm, VitalsForm};
use crate::tui::i18n::Lang;
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// The care team of the signed-in nurse, if she belongs to one.
pub(super) fn team_of(state: &AppState) -> Option<String> {
    state
        .user
        .as_ref()
        .filter(|u| u.role == Role::Nurse)
        .and_then(|u| u.care_team.clone())
}

/// Opens the team's day: where a nurse of a team lands on signing in.
pub(super) fn open(state: &mut AppState, day: Date) -> Vec<Effect> {
    let Some(team) = team_of(state) else {
        return Vec::new();
    };
    state.screen = Screen::Visits;
    if state.nursing.day != Some(day) {
        state.nursing = NursingState {
            day: Some(day),
            ..NursingState::default()
        };
    }
    vec![Effect::LoadTeamDay { day, team }]
}

/// The team's day, read again after a change.
pub(super) fn reload(state: &AppState) -> Option<Effect> {
    let team = team_of(state)?;
    let day = state.nursing.day?;
    matches!(state.screen, Screen::Visits | Screen::Visit)
        .then_some(Effect::LoadTeamDay { day, team })
}

pub(super) fn loaded(state: &mut AppState, day: Date, visits: Vec<TeamVisit>) -> Vec<Effect> {
    if state.nursing.day != Some(day) {
        return Vec::new();
    }
    // The selected visit stays selected when the list is read again (after a save, a sync).
    let selected = state.nursing.current().map(|v| v.entry.id.clone());
    state.nursing.visits = visits;
    state.nursing.selected = selected
        .and_then(|id| state.nursing.visits.iter().position(|v| v.entry.id == id))
        .unwrap_or(0)
        .min(state.nursing.visits.len().saturating_sub(1));
    state.dirty = true;
    Vec::new()
}

pub(super) fn list_command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let lang = state.lang;
    let n = state.nursing.visits.len();
    let day = state.nursing.day.unwrap_or(state.today);
    match press.command {
        Command::Up => state.nursing.selected = state.nursing.selected.saturating_sub(1),
        Command::Down => {
            state.nursing.selected = (state.nursing.selected + 1).min(n.saturating_sub(1))
        }
        Command::Select if n > 0 => state.screen = Screen::Visit,
        Command::Select => message(
            state,
            lang.tr("この日の訪問はありません", "No visits on this day"),
            true,
        ),
        Command::RouteUp | Command::RouteDown => return move_in_route(state, press.command),
        Command::PrevDay | Command::NextDay | Command::Today => {
            let to = match press.command {
                Command::PrevDay => day.previous_day().unwrap_or(day),
                Command::NextDay => day.next_day().unwrap_or(day),
                _ => state.today,
            };
            return open(state, to);
        }
        Command::OpenQueue => {
            state.screen = Screen::Queue;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::SignOut => {
            state.user = None;
            state.nursing = NursingState::default();
            state.screen = Screen::SignIn;
        }
        _ => {}
    }
    Vec::new()
}

/// Moves the selected visit one place earlier or later in the route, and stores the order.
fn move_in_route(state: &mut AppState, command: Command) -> Vec<Effect> {
    let (Some(team), Some(day)) = (team_of(state), state.nursing.day) else {
        return Vec::new();
    };
    let i = state.nursing.selected;
    let j = match command {
        Command::RouteUp if i > 0 => i - 1,
        Command::RouteDown if i + 1 < state.nursing.visits.len() => i + 1,
        _ => return Vec::new(),
    };
    state.nursing.visits.swap(i, j);
    state.nursing.selected = j;
    let entries = state
        .nursing
        .visits
        .iter()
        .map(|v| v.entry.id.clone())
        .collect();
    vec![write(state, Write::RouteOrder { day, team, entries })]
}

/// The record of the selected visit as it stands, or a new one for it.
fn record(state: &AppState, fresh: Fresh) -> Option<(String, NursingVisit)> {
    let v = state.nursing.current()?;
    let me = state.user.as_ref()?.id.clone();
    let day = state.nursing.day?;
    let visit = v.record().cloned().unwrap_or_else(|| {
        let mut new = NursingVisit::new(fresh.id("nv"), day, me);
        new.queue_entry = Some(v.entry.id.clone());
        new
    });
    Some((v.patient.id.clone(), visit))
}

fn form(state: &mut AppState, title: &'static str, kind: FormKind) {
    state.overlay = Some(Overlay::Form(Form::new(title, kind)));
}

pub(super) fn visit_command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let lang = state.lang;
    if press.command == Command::Back {
        state.screen = Screen::Visits;
        return Vec::new();
    }
    let Some((patient_id, mut visit)) = record(state, press.fresh) else {
        state.screen = Screen::Visits;
        return Vec::new();
    };
    let now = state.now;
    match press.command {
        Command::Arrive if visit.arrived_at.is_some() => message(
            state,
            lang.tr("到着は記録済みです", "The arrival is already recorded"),
            true,
        ),
        Command::Arrive => {
            visit.arrived_at = Some(now);
            return save(state, patient_id, visit, "nursing.arrive");
        }
        Command::Leave if visit.arrived_at.is_none() => message(
            state,
            lang.tr(
                "先に到着を記録してください (a)",
                "Record the arrival first (a)",
            ),
            true,
        ),
        Command::Leave if visit.left_at.is_some() => message(
            state,
            lang.tr("退出は記録済みです", "Leaving is already recorded"),
            true,
        ),
        Command::Leave => {
            visit.left_at = Some(now);
            return save(state, patient_id, visit, "nursing.leave");
        }
        Command::RecordVitals => form(
            state,
            VitalsForm::title(lang),
            FormKind::Vitals(Box::new(VitalsForm::new(lang, patient_id, visit))),
        ),
        Command::NursingNote => text_form(state, lang, Purpose::Note, patient_id, visit),
        Command::AddPhoto => text_form(state, lang, Purpose::Photo, patient_id, visit),
        Command::RequestConsult => {
            let Some(v) = state.nursing.current() else {
                return Vec::new();
            };
            if v.entry.consult_request.is_some() {
                message(
                    state,
                    lang.tr("医師に依頼済みです", "The doctor has already been asked"),
                    true,
                );
                return Vec::new();
            }
            let purpose = Purpose::Request {
                entry_id: v.entry.id.clone(),
                day: state.nursing.day.unwrap_or(state.today),
            };
            text_form(state, lang, purpose, patient_id, visit);
        }
        Command::MedicationsTaken => {
            let Some(v) = state.nursing.current() else {
                return Vec::new();
            };
            match MedicationsTakenForm::new(lang, &v.patient, visit) {
                Ok(f) => form(
                    state,
                    MedicationsTakenForm::title(lang),
                    FormKind::MedicationsTaken(Box::new(f)),
                ),
                Err(e) => message(state, e.message(lang), true),
            }
        }
        Command::StartVideo | Command::CopyRoomLink => {
            let Some(room) = state
                .nursing
                .current()
                .and_then(|v| v.room())
                .map(str::to_string)
            else {
                message(
                    state,
                    lang.tr(
                        "医師がまだビデオを開始していません",
                        "The doctor has not started the video yet",
                    ),
                    true,
                );
                return Vec::new();
            };
            let link = crate::video::link(&state.video_command, &room);
            if press.command == Command::CopyRoomLink {
                let said = format!(
                    "{}: {link}",
                    lang.tr("リンクをコピーしました", "Link copied")
                );
                message(state, said, false);
                return vec![Effect::CopyToClipboard { text: link }];
            }
            message(
                state,
                lang.tr("ビデオを起動中…", "Starting the video…"),
                false,
            );
            return vec![Effect::JoinVideo { room }];
        }
        _ => {}
    }
    Vec::new()
}

fn text_form(
    state: &mut AppState,
    lang: Lang,
    purpose: Purpose,
    patient: String,
    visit: NursingVisit,
) {
    let title = NursingTextForm::title(lang, &purpose);
    let f = NursingTextForm::new(lang, purpose, patient, visit);
    form(state, title, FormKind::NursingText(Box::new(f)));
}

fn save(
    state: &AppState,
    patient_id: String,
    visit: NursingVisit,
    action: &'static str,
) -> Vec<Effect> {
    vec![write(
        state,
        Write::NursingVisit {
            patient_id,
            visit: Box::new(visit),
            action,
        },
    )]
}

/// The status line once a step of the visit record is saved.
pub fn nursing_saved_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "nursing.arrive" => lang.tr("到着を記録しました", "Arrival recorded"),
        "nursing.leave" => lang.tr("退出を記録しました", "Leaving recorded"),
        "nursing.vitals" => lang.tr("バイタルを記録しました", "Vitals recorded"),
        "nursing.note" => lang.tr("観察・ケアを記録しました", "Observations recorded"),
        "nursing.medications" => lang.tr("服薬を記録しました", "Medications recorded"),
        "nursing.photo" => lang.tr("写真のファイル名を記録しました", "Photo file name recorded"),
        "nursing.request" => lang.tr(
            "医師に D to P with N を依頼しました",
            "The doctor is asked for a D to P with N",
        ),
        "queue.route" => lang.tr("順路を保存しました", "Route saved"),
        _ => lang.tr("保存しました", "Saved"),
    }
}
