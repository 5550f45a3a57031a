//! Which of the patient's current medications were taken as prescribed since the last visit,
//! and which were missed: one medication chosen at a time, its answer kept as the nurse moves
//! to the next, all saved together.

use std::collections::BTreeMap;

use super::{Choice, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{MedicationTaken, NursingVisit, Patient};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

/// The answer for one medication: not asked, taken, or missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    NotAsked,
    Taken,
    Missed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MedicationsTakenForm {
    pub patient_id: String,
    pub visit: NursingVisit,
    /// The current medications by id, named.
    pub medication: Choice<String>,
    pub answer: Choice<Answer>,
    pub note: Text,
    /// The answers so far, by medication id.
    pub answers: BTreeMap<String, (Answer, String)>,
    /// The medication whose answer the fields show.
    loaded: usize,
}

fn answer_of(taken: Option<&MedicationTaken>) -> (Answer, String) {
    match taken {
        None => (Answer::NotAsked, String::new()),
        Some(t) if t.taken => (Answer::Taken, t.note.clone()),
        Some(t) => (Answer::Missed, t.note.clone()),
    }
}

impl MedicationsTakenForm {
    pub fn new(
        lang: Lang,
        patient: &Patient,
        visit: NursingVisit,
    ) -> Result<MedicationsTakenForm, FormError> {
        let meds = patient.medications_in_order();
        if meds.is_empty() {
            return Err(FormError::NoCurrentMedication);
        }
        let answers: BTreeMap<String, (Answer, String)> = meds
            .iter()
            .map(|(id, _)| (id.to_string(), answer_of(visit.medications.get(*id))))
            .collect();
        let options = meds
            .iter()
            .map(|(id, m)| (id.to_string(), m.name.clone()))
            .collect();
        let first = answers
            .values()
            .next()
            .cloned()
            .unwrap_or((Answer::NotAsked, String::new()));
        let mut form = MedicationsTakenForm {
            patient_id: patient.id.clone(),
            visit,
            medication: Choice::new(lang.tr("薬", "medication"), options, 0),
            answer: Choice::new(
                lang.tr("服薬", "taken"),
                vec![
                    (Answer::NotAsked, lang.tr("未確認", "not asked").into()),
                    (Answer::Taken, lang.tr("服用した", "taken").into()),
                    (Answer::Missed, lang.tr("飲み忘れ", "missed").into()),
                ],
                0,
            ),
            note: Text::new(lang.tr("メモ", "note"), &first.1),
            answers,
            loaded: 0,
        };
        form.answer.selected = Self::position(first.0);
        Ok(form)
    }

    fn position(answer: Answer) -> usize {
        match answer {
            Answer::NotAsked => 0,
            Answer::Taken => 1,
            Answer::Missed => 2,
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("服薬の確認", "Medications taken or missed")
    }

    /// Keeps what the fields show for the medication they show.
    fn keep(&mut self) {
        let Some((id, _)) = self.medication.options.get(self.loaded) else {
            return;
        };
        let answer = self.answer.value().copied().unwrap_or(Answer::NotAsked);
        self.answers.insert(id.clone(), (answer, self.note.value()));
    }

    pub fn submit(&self) -> Result<Write, FormError> {
        let mut form = self.clone();
        form.keep();
        let mut visit = form.visit;
        visit.medications = form
            .answers
            .into_iter()
            .filter_map(|(id, (answer, note))| {
                let taken = match answer {
                    Answer::NotAsked => return None,
                    Answer::Taken => true,
                    Answer::Missed => false,
                };
                Some((id, MedicationTaken { taken, note }))
            })
            .collect();
        Ok(Write::NursingVisit {
            patient_id: self.patient_id.clone(),
            visit: Box::new(visit),
            action: "nursing.medications",
        })
    }
}

impl Fields for MedicationsTakenForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.medication).into(),
            (&self.answer).into(),
            (&self.note).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.medication).into()),
            1 => Some((&mut self.answer).into()),
            2 => Some((&mut self.note).into()),
            _ => None,
        }
    }

    /// Another medication chosen: the answer shown so far is kept, and the new one's shown.
    fn edited(&mut self) {
        if self.medication.selected == self.loaded {
            return;
        }
        let now = self.medication.selected;
        self.medication.selected = self.loaded;
        self.keep();
        self.medication.selected = now;
        self.loaded = now;
        let id = self.medication.value().cloned().unwrap_or_default();
        let (answer, note) = self
            .answers
            .get(&id)
            .cloned()
            .unwrap_or((Answer::NotAsked, String::new()));
        self.answer.selected = Self::position(answer);
        self.note = Text::new(self.note.label, &note);
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        self.medication
            .options
            .iter()
            .map(|(id, name)| {
                let answer = if Some(id) == self.medication.value() {
                    self.answer.value().copied()
                } else {
                    self.answers.get(id).map(|a| a.0)
                };
                let said = match answer.unwrap_or(Answer::NotAsked) {
                    Answer::NotAsked => lang.tr("未確認", "not asked"),
                    Answer::Taken => lang.tr("服用した", "taken"),
                    Answer::Missed => lang.tr("飲み忘れ", "missed"),
                };
                format!("{name}: {said}")
            })
            .collect()
    }
}
