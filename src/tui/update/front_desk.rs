//! The front desk's work from the queue board: registering a patient (with the duplicate check
//! on kana name and date of birth), booking a reservation or a walk-in for a patient found in
//! the patient search, moving a visit, marking it waiting, cancelling it with a reason through
//! the confirm step, and recording the payment (会計) of a signed visit.

use super::{Press, message, staff_id, write};
use crate::domain::{Patient, QueueStatus};
use crate::store::{PatientSummary, QueueRow};
use crate::tui::forms::{
    BookVisitForm, CancelVisitForm, Form, FormKind, MoveVisitForm, PaymentForm, RegisterForm,
};
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// Opens the registration form.
pub(super) fn open_register(state: &mut AppState) -> Vec<Effect> {
    let teams = state
        .clinic
        .as_ref()
        .map(|c| c.care_teams.values().collect::<Vec<_>>())
        .unwrap_or_default();
    let form = RegisterForm::new(state.lang, teams);
    state.overlay = Some(Overlay::Form(Form::new(
        RegisterForm::title(state.lang),
        FormKind::Register(Box::new(form)),
    )));
    Vec::new()
}

/// Opens the patient search to choose whom a reservation or a walk-in is for.
pub(super) fn open_booking(state: &mut AppState, walk_in: bool) -> Vec<Effect> {
    state.overlay = Some(Overlay::Search(PatientSearch {
        query: crate::tui::editor::TextEditor::new(false),
        results: Vec::new(),
        selected: 0,
        generation: 0,
        purpose: SearchPurpose::Book { walk_in },
    }));
    Vec::new()
}

/// The patient search chose `patient` for a booking: the booking form opens for them.
pub(super) fn chosen_for_booking(state: &mut AppState, walk_in: bool, patient: &PatientSummary) {
    open_booking_form(state, walk_in, &patient.patient_id, &patient.name_kanji);
}

fn open_booking_form(state: &mut AppState, walk_in: bool, patient_id: &str, name: &str) {
    let lang = state.lang;
    let form = if walk_in {
        BookVisitForm::walk_in(lang, patient_id, name, state.today, &hhmm(state.now))
    } else {
        BookVisitForm::reservation(lang, patient_id, name, state.queue.day)
    };
    state.overlay = Some(Overlay::Form(Form::new(
        BookVisitForm::title(lang, walk_in),
        FormKind::BookVisit(form),
    )));
}

/// `HH:MM` in Japan: a walk-in's time.
fn hhmm(at: crate::domain::Instant) -> String {
    let t = at.to_offset(time::macros::offset!(+9));
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Statuses in which a visit has not begun: it may still move or be cancelled.
const NOT_BEGUN: [QueueStatus; 3] = [
    QueueStatus::Reserved,
    QueueStatus::CheckedIn,
    QueueStatus::Waiting,
];

/// What the front desk does to the selected visit.
pub(super) fn on_visit(state: &mut AppState, command: Command, row: QueueRow) -> Vec<Effect> {
    let lang = state.lang;
    let day = state.queue.day;
    match command {
        Command::MoveVisit | Command::CancelVisit if !NOT_BEGUN.contains(&row.status) => {
            let text = lang.tr(
                "この診察は始まっているか終わっているため変更・取消できません",
                "This visit has begun or is over: it cannot be moved or cancelled",
            );
            message(state, text, true);
            Vec::new()
        }
        Command::MoveVisit => {
            let arrived = row.status != QueueStatus::Reserved;
            let form = MoveVisitForm::new(lang, day, row.entry_id, &row.time, arrived);
            state.overlay = Some(Overlay::Form(Form::new(
                MoveVisitForm::title(lang),
                FormKind::MoveVisit(form),
            )));
            Vec::new()
        }
        Command::CancelVisit => {
            let form = CancelVisitForm::new(lang, day, row.entry_id, row.name_kanji, row.time);
            state.overlay = Some(Overlay::Form(Form::new(
                CancelVisitForm::title(lang),
                FormKind::CancelVisit(form),
            )));
            Vec::new()
        }
        Command::SetWaiting if row.status != QueueStatus::CheckedIn => {
            let text = lang.tr(
                "待機中にできるのは受付済の患者です (先に受付)",
                "Only a checked-in patient can be set waiting: check in first",
            );
            message(state, text, true);
            Vec::new()
        }
        Command::SetWaiting => vec![write(
            state,
            Write::MarkWaiting {
                day,
                entry_id: row.entry_id,
            },
        )],
        Command::Payment if row.signed_at.is_none() => {
            let text = lang.tr(
                "署名前の診察は会計できません",
                "Not signed yet: there is nothing to bill",
            );
            message(state, text, true);
            Vec::new()
        }
        Command::Payment => {
            let form = PaymentForm::new(lang, day, row.entry_id, row.payment.as_ref());
            state.overlay = Some(Overlay::Form(Form::new(
                PaymentForm::title(lang),
                FormKind::Payment(form),
            )));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The registration form was submitted and gave `patient`: the worker checks for duplicates
/// and registers. The form stays open until the answer comes.
pub(super) fn register(state: &mut AppState, patient: Patient, anyway: bool) -> Vec<Effect> {
    let generation = state.next_generation();
    let staff = staff_id(state);
    let today = state.today;
    if let Some(Overlay::Form(Form {
        kind: FormKind::Register(f),
        ..
    })) = &mut state.overlay
    {
        f.saving = Some((generation, Box::new(patient.clone())));
    }
    let text = state.lang.tr("登録しています…", "registering…");
    message(state, text, false);
    vec![Effect::Register {
        generation,
        staff,
        patient: Box::new(patient),
        today,
        anyway,
    }]
}

/// The registration form being saved under `generation`, if it is still open.
fn saving_form(state: &mut AppState, generation: u64) -> Option<(&mut Form, Box<Patient>)> {
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        return None;
    };
    let FormKind::Register(f) = &mut form.kind else {
        return None;
    };
    let (g, _) = f.saving.as_ref()?;
    if *g != generation {
        return None;
    }
    let (_, patient) = f.saving.take()?;
    Some((form, patient))
}

/// The worker answered a registration.
pub(super) fn registered(
    state: &mut AppState,
    generation: u64,
    outcome: Registration,
) -> Vec<Effect> {
    let lang = state.lang;
    state.dirty = true;
    match outcome {
        Registration::Registered {
            patient_id,
            name_kanji,
        } => {
            let text = format!(
                "{} {name_kanji} ({patient_id})",
                lang.tr("登録しました:", "Registered:"),
            );
            message(state, text, false);
            // Straight on to the walk-in, unless the user has moved on meanwhile.
            if saving_form(state, generation).is_some() {
                open_booking_form(state, true, &patient_id, &name_kanji);
            }
            Vec::new()
        }
        Registration::Duplicates(matches) => {
            let Some((form, patient)) = saving_form(state, generation) else {
                return Vec::new();
            };
            let form = Box::new(form.clone());
            let text = lang.tr(
                "同じカナ氏名・生年月日の患者がいます",
                "A patient with the same kana name and date of birth is registered",
            );
            state.overlay = Some(Overlay::Duplicates(DuplicateCheck {
                form,
                patient,
                matches,
                selected: 0,
            }));
            message(state, text, true);
            Vec::new()
        }
        Registration::Refused(reason) => {
            // The store names the field (`date_of_birth: …`): select it for correction.
            if let Some((form, _)) = saving_form(state, generation)
                && let Some(i) = reason
                    .split_once(':')
                    .and_then(|(field, _)| RegisterForm::field_index(field.trim()))
            {
                form.selected = i;
            }
            let text = format!("{} {reason}", lang.tr("登録できません:", "Not registered:"));
            message(state, text, true);
            Vec::new()
        }
    }
}

/// A key while the duplicates found by registration are shown.
pub(super) fn duplicates_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    let Some(Overlay::Duplicates(d)) = &mut state.overlay else {
        return Vec::new();
    };
    match press.command {
        Command::Up => d.selected = d.selected.saturating_sub(1),
        Command::Down => d.selected = (d.selected + 1).min(d.matches.len().saturating_sub(1)),
        Command::Select => {
            let chosen = d.matches.get(d.selected).map(|p| p.patient_id.clone());
            state.overlay = None;
            state.status = None;
            if let Some(patient_id) = chosen {
                state.screen = Screen::Queue;
                state.chart = None;
                return vec![Effect::LoadChart { patient_id }];
            }
        }
        Command::Yes => {
            let Some(Overlay::Duplicates(d)) = state.overlay.take() else {
                return Vec::new();
            };
            state.overlay = Some(Overlay::Form(*d.form));
            return register(state, *d.patient, true);
        }
        Command::Dismiss => {
            let Some(Overlay::Duplicates(d)) = state.overlay.take() else {
                return Vec::new();
            };
            state.overlay = Some(Overlay::Form(*d.form));
            state.status = None;
        }
        _ => {}
    }
    Vec::new()
}

/// The cancellation passed its confirm step.
pub(super) fn confirmed(state: &mut AppState, confirm: Confirm) -> Vec<Effect> {
    match confirm {
        Confirm::CancelVisit {
            day,
            entry_id,
            reason,
            ..
        } => vec![write(
            state,
            Write::CancelVisit {
                day,
                entry_id,
                reason,
            },
        )],
        _ => Vec::new(),
    }
}
