//! The patient chart: arriving records, its tabs, and the records a doctor writes from it
//! (consent, care plan) — also reached from the consultation screen.

use super::{Press, consult, doctor_only, staff_id};
use crate::domain::Patient;
use crate::store::AuditEntry;
use crate::tui::forms::{CarePlanForm, ConsentForm, Form, FormKind};
use crate::tui::keymap::Command;
use crate::tui::state::*;

pub(super) fn loaded(
    state: &mut AppState,
    patient: Patient,
    history: Vec<AuditEntry>,
) -> Vec<Effect> {
    state.dirty = true;
    if let Some(c) = &state.consult
        && c.patient.id == patient.id
    {
        return consult::record_loaded(state, patient);
    }
    let keep_tab = state
        .chart
        .as_ref()
        .filter(|c| c.patient.id == patient.id)
        .map(|c| (c.tab, c.selected));
    let (tab, selected) = keep_tab.unwrap_or((ChartTab::Overview, 0));
    state.chart = Some(ChartState {
        patient,
        tab,
        selected,
        history,
    });
    if state.screen == Screen::Queue && keep_tab.is_none() {
        state.screen = Screen::Chart;
    }
    // `c` on the queue board asked for the consultation: its record is here now.
    if let Some(pending) = state.pending_consult.take_if(|p| {
        state
            .chart
            .as_ref()
            .is_some_and(|c| c.patient.id == p.patient_id)
    }) {
        return consult::start(state, pending.fresh, pending.patient_id, pending.row);
    }
    Vec::new()
}

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let Some(chart) = &mut state.chart else {
        state.screen = Screen::Queue;
        return Vec::new();
    };
    let tabs = ChartTab::ALL;
    let i = tabs.iter().position(|t| *t == chart.tab).unwrap_or(0);
    match press.command {
        Command::NextTab => {
            chart.tab = tabs[(i + 1) % tabs.len()];
            chart.selected = 0;
        }
        Command::PrevTab => {
            chart.tab = tabs[(i + tabs.len() - 1) % tabs.len()];
            chart.selected = 0;
        }
        Command::Up => chart.selected = chart.selected.saturating_sub(1),
        Command::Down => {
            let items = match chart.tab {
                ChartTab::Encounters => chart.patient.encounters.len(),
                ChartTab::Overview => super::facts::items(&chart.patient).len(),
                _ => 1,
            };
            chart.selected = (chart.selected + 1).min(items.saturating_sub(1));
        }
        Command::Back => {
            state.screen = Screen::Queue;
            state.chart = None;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        Command::RecordConsent => open_consent(state),
        Command::NewCarePlan => open_care_plan(state),
        Command::AddAllergy
        | Command::EditFact
        | Command::RemoveFact
        | Command::AddMedication
        | Command::WriteMedication
        | Command::ConfirmMedications
        | Command::EditHistory
        | Command::ToggleKakaritsuke
        | Command::ToggleHomeVisits
        | Command::EditProxy
        | Command::IdentitySeen
        | Command::EditInstructions => return super::facts::command(state, press),
        Command::Consult => {
            let patient_id = chart.patient.id.clone();
            let row = state
                .queue
                .rows
                .iter()
                .find(|r| r.patient_id == patient_id && !visit_is_over(r))
                .cloned();
            return consult::start(state, press.fresh, patient_id, row);
        }
        _ => {}
    }
    Vec::new()
}

fn visit_is_over(row: &crate::store::QueueRow) -> bool {
    row_is(row, crate::domain::QueueStatus::Done)
        || row_is(row, crate::domain::QueueStatus::Cancelled)
}

/// The patient of the screen the doctor is on.
fn current_patient(state: &AppState) -> Option<&Patient> {
    match state.screen {
        Screen::Consult => state.consult.as_ref().map(|c| &c.patient),
        _ => state.chart.as_ref().map(|c| &c.patient),
    }
}

pub(super) fn open_consent(state: &mut AppState) {
    if !doctor_only(state) {
        return;
    }
    let lang = state.lang;
    let Some(patient) = current_patient(state) else {
        return;
    };
    let form = ConsentForm::new(lang, patient.id.clone(), patient.proxy.clone());
    state.overlay = Some(Overlay::Form(Form::new(
        ConsentForm::title(lang),
        FormKind::Consent(form),
    )));
}

pub(super) fn open_care_plan(state: &mut AppState) {
    if !doctor_only(state) {
        return;
    }
    let lang = state.lang;
    let me = staff_id(state);
    let Some(patient) = current_patient(state) else {
        return;
    };
    // The plan revised is the latest still in online care.
    let existing = patient
        .care_plans
        .values()
        .filter(|p| p.online_care_ended_on.is_none())
        .max_by_key(|p| p.id.clone());
    let form = CarePlanForm::new(
        lang,
        patient.id.clone(),
        existing,
        &me,
        state.clinic.as_ref(),
    );
    state.overlay = Some(Overlay::Form(Form::new(
        CarePlanForm::title(lang),
        FormKind::CarePlan(Box::new(form)),
    )));
}
