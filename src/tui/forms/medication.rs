//! A current medication written by hand (服用中の薬): what the drug master does not list (a
//! supplement, a drug from abroad), or the dose and source of one already recorded.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{HistorySource, Medication};
use crate::store::FactEdit;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct MedicationForm {
    pub patient_id: String,
    pub medication_id: Option<String>,
    /// The master's code of a medication picked from it; kept through an edit.
    pub drug_code: Option<String>,
    pub name: Text,
    pub dose: Text,
    pub source: Choice<Option<HistorySource>>,
}

pub fn source_label(lang: Lang, s: HistorySource) -> &'static str {
    match s {
        HistorySource::PastRecords => lang.tr("過去の診療録", "past records"),
        HistorySource::ReferralLetter => lang.tr("診療情報提供書", "referral letter"),
        HistorySource::HealthCheck => lang.tr("健康診断", "health check"),
        HistorySource::RegionalNetwork => lang.tr("地域連携ネットワーク", "regional network"),
        HistorySource::MedicationNotebook => lang.tr("お薬手帳", "medication notebook"),
        HistorySource::Phr => lang.tr("PHR", "PHR"),
    }
}

pub const SOURCES: [HistorySource; 6] = [
    HistorySource::PastRecords,
    HistorySource::ReferralLetter,
    HistorySource::HealthCheck,
    HistorySource::RegionalNetwork,
    HistorySource::MedicationNotebook,
    HistorySource::Phr,
];

impl MedicationForm {
    pub fn new(
        lang: Lang,
        patient_id: String,
        existing: Option<(&str, &Medication)>,
    ) -> MedicationForm {
        let mut options = vec![(None, lang.tr("本人の申告", "the patient").to_string())];
        options.extend(
            SOURCES
                .iter()
                .map(|s| (Some(*s), source_label(lang, *s).to_string())),
        );
        let selected = existing
            .and_then(|(_, m)| options.iter().position(|(s, _)| *s == m.source))
            .unwrap_or(0);
        MedicationForm {
            patient_id,
            medication_id: existing.map(|(id, _)| id.to_string()),
            drug_code: existing.and_then(|(_, m)| m.drug_code.clone()),
            name: Text::new(
                lang.tr("薬剤名", "medication"),
                existing.map_or("", |(_, m)| m.name.as_str()),
            ),
            dose: Text::new(
                lang.tr("用法・用量", "dose"),
                existing.map_or("", |(_, m)| m.dose.as_str()),
            ),
            source: Choice::new(lang.tr("情報源", "source"), options, selected),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("服用中の薬 (手入力)", "Current medication (written)")
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let name = self.name.value();
        if name.is_empty() {
            return Err(FormError::NoMedicationName);
        }
        Ok(Write::Fact {
            patient_id: self.patient_id.clone(),
            edit: FactEdit::Medication {
                id: self
                    .medication_id
                    .clone()
                    .unwrap_or_else(|| by.fresh.id("md")),
                medication: Some(Medication {
                    drug_code: self.drug_code.clone(),
                    name,
                    dose: self.dose.value(),
                    source: self.source.value().copied().flatten(),
                }),
            },
        })
    }
}

impl Fields for MedicationForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.name).into(),
            (&self.dose).into(),
            (&self.source).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.name).into()),
            1 => Some((&mut self.dose).into()),
            2 => Some((&mut self.source).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    #[test]
    fn a_name_is_needed_and_the_source_is_kept() {
        let by = author();
        let mut f = MedicationForm::new(Lang::Ja, "p-1".into(), None);
        assert_eq!(f.submit(&by), Err(FormError::NoMedicationName));
        f.name = Text::new("x", "市販の漢方薬");
        f.source.selected = 5;
        let Ok(Write::Fact {
            edit:
                FactEdit::Medication {
                    medication: Some(m),
                    ..
                },
            ..
        }) = f.submit(&by)
        else {
            panic!("not a medication");
        };
        assert_eq!(m.source, Some(HistorySource::MedicationNotebook));
        assert_eq!(m.drug_code, None);
    }
}
