//! The chart's overview, where a doctor or nurse records the facts the rules read: allergies,
//! current medications (from the drug master or written), that they were confirmed with the
//! patient today, the underlying conditions and their sources, かかりつけ, the proxy, and (a
//! doctor) identity documents seen on video and the 訪問看護指示書 the home-care team works
//! under (指針 V.2(3)), which nurses read here but do not write. The front desk is told it may
//! not.

use super::{Press, message, write};
use crate::domain::{Patient, Role};
use crate::store::FactEdit;
use crate::tui::forms::{
    AllergyForm, DrugSearch, Form, FormKind, HistoryForm, IdentitySeenForm, InstructionsForm,
    MedicationForm, ProxyForm,
};
use crate::tui::i18n::Lang;
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// What the overview lists for selection: each allergy, then each current medication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    Allergy(&'a str),
    Medication(&'a str),
}

pub fn items(p: &Patient) -> Vec<Item<'_>> {
    p.allergies_in_order()
        .into_iter()
        .map(|(k, _)| Item::Allergy(k))
        .chain(
            p.medications_in_order()
                .into_iter()
                .map(|(k, _)| Item::Medication(k)),
        )
        .collect()
}

/// The status line after a fact is stored.
pub fn fact_saved_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "patient.allergies" => lang.tr("アレルギーを記録しました", "Allergy recorded"),
        "patient.allergies.remove" => lang.tr("アレルギーを削除しました", "Allergy removed"),
        "patient.medications" => lang.tr("服用中の薬を記録しました", "Medication recorded"),
        "patient.medications.remove" => lang.tr("服用中の薬を削除しました", "Medication removed"),
        "patient.medications.confirmed" => lang.tr(
            "本日、服用中の薬を患者と確認しました",
            "Current medications confirmed with the patient today",
        ),
        "patient.history" => lang.tr("基礎疾患の情報を記録しました", "History recorded"),
        "patient.kakaritsuke" => {
            lang.tr("かかりつけを更新しました", "Regular-patient status updated")
        }
        "patient.proxy" => lang.tr("代理人を記録しました", "Proxy recorded"),
        "patient.home_visits" => lang.tr("訪問診療の実施を更新しました", "Home visits updated"),
        "identity.check.on_video" => lang.tr(
            "画面で確認した本人確認書類を記録しました",
            "Identity documents seen on video recorded",
        ),
        "nursing.instructions" => lang.tr(
            "訪問看護指示書を保存しました",
            "Visiting-nurse instructions saved",
        ),
        _ => lang.tr("記録しました", "Recorded"),
    }
}

/// Only a doctor or a nurse records what the rules read; the front desk is told so.
fn clinician_only(state: &mut AppState) -> bool {
    if state
        .user
        .as_ref()
        .is_some_and(|u| matches!(u.role, Role::Doctor | Role::Nurse))
    {
        return true;
    }
    let text = state.lang.tr(
        "アレルギー・服薬・既往などは医師または看護師のみが記録できます",
        "Only a doctor or a nurse can record allergies, medications, history and the like",
    );
    tracing::info!("fact edit refused: not a doctor or nurse");
    message(state, text, true);
    false
}

fn form(state: &mut AppState, title: &'static str, kind: FormKind) {
    state.overlay = Some(Overlay::Form(Form::new(title, kind)));
}

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    if press.command == Command::EditInstructions {
        return open_instructions(state);
    }
    if !clinician_only(state) {
        return Vec::new();
    }
    let lang = state.lang;
    let Some(chart) = &state.chart else {
        return Vec::new();
    };
    let p = chart.patient.clone();
    let selected = items(&p).get(chart.selected).copied();
    let fact = |edit| Write::Fact {
        patient_id: p.id.clone(),
        edit,
    };
    match press.command {
        Command::AddAllergy => form(
            state,
            AllergyForm::title(lang),
            FormKind::Allergy(AllergyForm::new(lang, p.id.clone(), None)),
        ),
        Command::AddMedication => {
            state.overlay = Some(Overlay::Drugs(DrugSearch {
                medication_for: Some(p.id.clone()),
                ..DrugSearch::default()
            }));
        }
        Command::WriteMedication => form(
            state,
            MedicationForm::title(lang),
            FormKind::Medication(MedicationForm::new(lang, p.id.clone(), None)),
        ),
        Command::ConfirmMedications => {
            return vec![write(
                state,
                fact(FactEdit::MedicationsConfirmed { at: state.now }),
            )];
        }
        Command::EditHistory => form(
            state,
            HistoryForm::title(lang),
            FormKind::History(HistoryForm::new(lang, p.id.clone(), &p.history)),
        ),
        Command::ToggleKakaritsuke => {
            return vec![write(state, fact(FactEdit::Kakaritsuke(!p.kakaritsuke)))];
        }
        Command::ToggleHomeVisits => {
            if !super::doctor_only(state) {
                return Vec::new();
            }
            let me = super::staff_id(state);
            let since = (!p.home_visit_doctors.contains_key(&me)).then_some(state.today);
            return vec![write(
                state,
                fact(FactEdit::HomeVisits { doctor: me, since }),
            )];
        }
        Command::EditProxy => form(
            state,
            ProxyForm::title(lang),
            FormKind::Proxy(ProxyForm::new(lang, p.id.clone(), p.proxy.as_ref())),
        ),
        Command::IdentitySeen => {
            if !super::doctor_only(state) {
                return Vec::new();
            }
            form(
                state,
                IdentitySeenForm::title(lang),
                FormKind::IdentitySeen(IdentitySeenForm::new(lang, p.id.clone())),
            );
        }
        Command::EditFact => match selected {
            Some(Item::Allergy(id)) => {
                let existing = p.allergies.get(id).map(|a| (id, a));
                form(
                    state,
                    AllergyForm::title(lang),
                    FormKind::Allergy(AllergyForm::new(lang, p.id.clone(), existing)),
                );
            }
            Some(Item::Medication(id)) => {
                let existing = p.medications.get(id).map(|m| (id, m));
                form(
                    state,
                    MedicationForm::title(lang),
                    FormKind::Medication(MedicationForm::new(lang, p.id.clone(), existing)),
                );
            }
            None => nothing_selected(state),
        },
        // One key would take an allergy out of what the rules and the prescribe dialog see:
        // it goes through the confirm step, naming what is removed.
        Command::RemoveFact => {
            let (edit, what) = match selected {
                Some(Item::Allergy(id)) => (
                    FactEdit::Allergy {
                        id: id.to_string(),
                        allergy: None,
                    },
                    format!(
                        "{} {}",
                        lang.tr("アレルギー:", "allergy:"),
                        p.allergies.get(id).map_or("", |a| a.substance.as_str())
                    ),
                ),
                Some(Item::Medication(id)) => (
                    FactEdit::Medication {
                        id: id.to_string(),
                        medication: None,
                    },
                    format!(
                        "{} {}",
                        lang.tr("服用中の薬:", "medication:"),
                        p.medications.get(id).map_or("", |m| m.name.as_str())
                    ),
                ),
                None => {
                    nothing_selected(state);
                    return Vec::new();
                }
            };
            state.overlay = Some(Overlay::Confirm(Confirm::RemoveFact {
                write: Box::new(fact(edit)),
                what,
            }));
        }
        _ => {}
    }
    Vec::new()
}

/// The 訪問看護指示書 is the doctor's to write; the team reads it on the overview.
fn open_instructions(state: &mut AppState) -> Vec<Effect> {
    if !super::is_doctor(state) {
        let text = state.lang.tr(
            "訪問看護指示書は医師のみが記載できます (概要に表示されています)",
            "Only a doctor writes the visiting-nurse instructions; they are shown on the overview",
        );
        message(state, text, true);
        return Vec::new();
    }
    let lang = state.lang;
    let today = state.today;
    let Some(chart) = &state.chart else {
        return Vec::new();
    };
    let p = &chart.patient;
    let written = InstructionsForm::new(lang, p.id.clone(), p.instructions_on(today), today);
    form(
        state,
        InstructionsForm::title(lang),
        FormKind::Instructions(Box::new(written)),
    );
    Vec::new()
}

fn nothing_selected(state: &mut AppState) {
    let text = state.lang.tr(
        "アレルギーまたは服用薬を ↑↓ で選んでください",
        "Choose an allergy or a medication with ↑↓ first",
    );
    message(state, text, true);
}

/// The removal of an allergy or a medication was confirmed.
pub(super) fn confirmed(state: &mut AppState, confirm: Confirm) -> Vec<Effect> {
    let Confirm::RemoveFact { write: w, .. } = confirm else {
        return Vec::new();
    };
    if let Some(c) = &mut state.chart {
        c.selected = c.selected.saturating_sub(1);
    }
    vec![write(state, *w)]
}
