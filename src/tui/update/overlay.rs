//! The overlays in front of a screen: patient search, the prescription line with its drug
//! search, the forms (walking their fields, submitting them) and the confirm step of
//! clinical-risk actions.

use super::{Press, author, consult, front_desk, write};
use crate::domain::DrugInfo;
use crate::store::PatientSummary;
use crate::tui::forms::{FieldEdit, Form, FormError, FormKind};
use crate::tui::keymap::{Command, Mode};
use crate::tui::state::*;

pub(super) fn on_key(state: &mut AppState, mode: Mode, press: Press) -> Vec<Effect> {
    if press.command == Command::Help {
        state.help = Some(mode);
        return Vec::new();
    }
    match mode {
        Mode::Search => search_key(state, press),
        Mode::Drugs => drugs_key(state, press),
        Mode::Form(_) => form_key(state, press),
        Mode::Duplicates => front_desk::duplicates_key(state, press),
        _ => confirm_key(state, press),
    }
}

/// Text pasted (a bracketed paste: Japanese from an input method, a PIN) goes where the keys go.
pub(super) fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    match &mut state.overlay {
        Some(Overlay::Search(s)) => {
            s.query.insert_str(text);
            search_again(state)
        }
        Some(Overlay::Drugs(s)) => {
            s.editor_mut().insert_str(text);
            search_again(state)
        }
        Some(Overlay::Form(f)) => {
            if let Some(FieldEdit::Text(e)) = f.selected_mut() {
                e.insert_str(text);
            }
            Vec::new()
        }
        Some(Overlay::Confirm(_)) | Some(Overlay::Duplicates(_)) => Vec::new(),
        None => {
            if let Some(c) = &mut state.consult
                && c.editing_note
            {
                c.note.part_mut(c.note_field).insert_str(text);
            } else if state.screen == Screen::SignIn {
                state
                    .sign_in
                    .pin
                    .extend(text.chars().filter(char::is_ascii_digit));
            }
            Vec::new()
        }
    }
}

/// Asks the search of the open overlay again for what is typed now.
fn search_again(state: &mut AppState) -> Vec<Effect> {
    match &mut state.overlay {
        Some(Overlay::Drugs(s)) if s.field == crate::tui::forms::prescription::DrugField::Query => {
            s.generation += 1;
            vec![Effect::SearchDrugs {
                generation: s.generation,
                query: s.query.text(),
            }]
        }
        Some(Overlay::Search(s)) => {
            s.generation += 1;
            vec![Effect::SearchPatients {
                generation: s.generation,
                query: s.query.text(),
            }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn patients_found(
    state: &mut AppState,
    generation: u64,
    results: Vec<PatientSummary>,
) -> Vec<Effect> {
    // A nurse of a home-care team is offered her team's patients only, whichever device she
    // searches from.
    let team = super::nursing::team_of(state);
    let results = match team {
        Some(team) => results
            .into_iter()
            .filter(|p| p.care_team.as_deref() == Some(team.as_str()))
            .collect(),
        None => results,
    };
    if let Some(Overlay::Search(s)) = &mut state.overlay
        && s.generation == generation
    {
        s.results = results;
        s.selected = 0;
        state.dirty = true;
    }
    Vec::new()
}

pub(super) fn drugs_found(
    state: &mut AppState,
    generation: u64,
    results: Vec<DrugInfo>,
) -> Vec<Effect> {
    if let Some(Overlay::Drugs(s)) = &mut state.overlay
        && s.generation == generation
    {
        s.results = results;
        s.selected = 0;
        state.dirty = true;
    }
    Vec::new()
}

fn search_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    let Some(Overlay::Search(s)) = &mut state.overlay else {
        return Vec::new();
    };
    match press.command {
        Command::Dismiss => state.overlay = None,
        Command::Up => s.selected = s.selected.saturating_sub(1),
        Command::Down => s.selected = (s.selected + 1).min(s.results.len().saturating_sub(1)),
        Command::Select => {
            if let SearchPurpose::Book { walk_in } = s.purpose {
                match s.results.get(s.selected).cloned() {
                    Some(patient) => front_desk::chosen_for_booking(state, walk_in, &patient),
                    None => state.overlay = None,
                }
                return Vec::new();
            }
            let chosen = s.results.get(s.selected).map(|p| p.patient_id.clone());
            state.overlay = None;
            if let Some(patient_id) = chosen {
                if state.screen != Screen::Consult {
                    state.screen = Screen::Queue;
                    state.chart = None;
                }
                return vec![Effect::LoadChart { patient_id }];
            }
        }
        Command::Type if s.query.handle(press.key) => return search_again(state),
        _ => {}
    }
    Vec::new()
}

fn drugs_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    use crate::tui::forms::prescription::DrugField;
    let by = author(state, press.fresh);
    let Some(Overlay::Drugs(s)) = &mut state.overlay else {
        return Vec::new();
    };
    let on_query = s.field == DrugField::Query;
    match press.command {
        Command::Dismiss => state.overlay = None,
        Command::NextField => s.step(true),
        Command::PrevField => s.step(false),
        Command::Save if s.medication_for.is_some() => match s.submit_medication(&by) {
            Ok(w) => {
                state.overlay = None;
                return vec![write(state, w)];
            }
            Err(e) => s.error = Some(e),
        },
        Command::Up if on_query => s.selected = s.selected.saturating_sub(1),
        Command::Down if on_query => {
            s.selected = (s.selected + 1).min(s.results.len().saturating_sub(1))
        }
        Command::Save => match s.submit(&by) {
            Ok(rx) => {
                state.overlay = None;
                return consult::add_prescription(state, rx);
            }
            Err(e) => {
                if e == FormError::DaysOutOfRange {
                    s.field = DrugField::Days;
                }
                s.error = Some(e);
            }
        },
        Command::Type if s.editor_mut().handle(press.key) => return search_again(state),
        _ => {}
    }
    Vec::new()
}

fn form_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &mut state.overlay else {
        return Vec::new();
    };
    match press.command {
        Command::Dismiss => state.overlay = None,
        Command::Save => return submit(state, press),
        Command::NextField => form.next_field(),
        Command::PrevField => form.prev_field(),
        command => match form.selected_mut() {
            Some(FieldEdit::Toggle(on)) if command == Command::Toggle => *on = !*on,
            Some(FieldEdit::Choice { selected, len }) if len > 0 => match command {
                Command::NextOption => *selected = (*selected + 1) % len,
                Command::PrevOption => *selected = (*selected + len - 1) % len,
                _ => {}
            },
            Some(FieldEdit::Text(e)) if command == Command::Type => {
                e.handle(press.key);
            }
            _ => {}
        },
    }
    if let Some(Overlay::Form(form)) = &mut state.overlay {
        form.edited();
    }
    Vec::new()
}

/// What submitting a form leads to.
enum Outcome {
    Write(Write),
    Confirm(Confirm),
    End(crate::domain::Outcome),
    /// A patient to register, after the duplicate check.
    Register(Box<crate::domain::Patient>),
    /// A registration is being saved: the form waits for the answer.
    Saving,
    /// A part of the consultation's record: the complaint, the place, the people present.
    Encounter(consult::EncounterEdit),
}

fn submit(state: &mut AppState, press: Press) -> Vec<Effect> {
    let by = author(state, press.fresh);
    let Some(Overlay::Form(Form {
        kind,
        error,
        selected,
        ..
    })) = &mut state.overlay
    else {
        return Vec::new();
    };
    let submitted = match kind {
        FormKind::CheckIn(f) => f.submit(&by).map(Outcome::Write),
        FormKind::AssignDoctor(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Consent(f) => f.submit(&by).map(Outcome::Write),
        FormKind::CarePlan(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Override(f) => f.submit().map(Outcome::Confirm),
        FormKind::EndSession(f) => f.submit().map(Outcome::End),
        FormKind::Staff(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Allergy(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Medication(f) => f.submit(&by).map(Outcome::Write),
        FormKind::History(f) => f.submit().map(Outcome::Write),
        FormKind::Proxy(f) => f.submit().map(Outcome::Write),
        FormKind::IdentitySeen(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Register(f) if f.saving.is_some() => Ok(Outcome::Saving),
        FormKind::Register(f) => f.submit(&by).map(|p| Outcome::Register(Box::new(p))),
        FormKind::BookVisit(f) => f.submit(&by).map(Outcome::Write),
        FormKind::MoveVisit(f) => f.submit(by.today).map(Outcome::Write),
        FormKind::CancelVisit(f) => f.submit().map(Outcome::Confirm),
        FormKind::Payment(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Complaint(f) => Ok(Outcome::Encounter(consult::EncounterEdit::Complaint(
            f.submit(),
        ))),
        FormKind::Location(f) => {
            let private = state
                .consult
                .as_ref()
                .is_some_and(|c| c.encounter.checks.doctor_place_private);
            f.submit(private)
                .map(|l| Outcome::Encounter(consult::EncounterEdit::Location(l)))
        }
        FormKind::Vitals(f) => f.submit(state.lang).map(|s| match s {
            crate::tui::forms::vitals::Submitted::Write(w) => Outcome::Write(w),
            crate::tui::forms::vitals::Submitted::Confirm(c) => Outcome::Confirm(c),
        }),
        FormKind::MedicationsTaken(f) => f.submit().map(Outcome::Write),
        FormKind::NursingText(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Attendee(f) => f
            .submit(press.fresh)
            .map(|people| Outcome::Encounter(consult::EncounterEdit::Attendees(people))),
        FormKind::Addendum(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Instructions(f) => f.submit(&by).map(Outcome::Write),
        FormKind::Order(f) => f
            .submit(&by)
            .map(|(id, order)| Outcome::Encounter(consult::EncounterEdit::Order { id, order })),
    };
    match submitted {
        Err(e) => {
            // The staff form is long: the cursor goes to the field refused.
            if let FormKind::Staff(f) = kind
                && let Some(i) = f.field_of(e)
            {
                *selected = i;
            }
            // So are the 訪問看護指示書's fourteen fields.
            if let FormKind::Instructions(f) = kind
                && let Some(i) = f.field_of(e)
            {
                *selected = i;
            }
            *error = Some(e);
            Vec::new()
        }
        Ok(Outcome::Write(w)) => {
            state.overlay = None;
            vec![write(state, w)]
        }
        Ok(Outcome::Confirm(c)) => {
            state.overlay = Some(Overlay::Confirm(c));
            Vec::new()
        }
        Ok(Outcome::End(outcome)) => {
            state.overlay = None;
            consult::end(state, outcome)
        }
        Ok(Outcome::Register(patient)) => {
            *error = None;
            front_desk::register(state, *patient, false)
        }
        Ok(Outcome::Saving) => Vec::new(),
        Ok(Outcome::Encounter(edit)) => {
            state.overlay = None;
            consult::edit_encounter(state, edit)
        }
    }
}

fn confirm_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = state.overlay.take() else {
        return Vec::new();
    };
    match press.command {
        Command::Yes => match confirm {
            Confirm::Deactivate { staff_id, .. } => super::admin::confirmed(state, staff_id),
            confirm @ Confirm::CancelVisit { .. } => front_desk::confirmed(state, confirm),
            confirm @ Confirm::RemoveFact { .. } => super::facts::confirmed(state, confirm),
            Confirm::Vitals { write: w, .. } => vec![write(state, *w)],
            confirm => consult::confirmed(state, press.fresh, confirm),
        },
        Command::No => Vec::new(),
        _ => {
            state.overlay = Some(Overlay::Confirm(confirm));
            Vec::new()
        }
    }
}
