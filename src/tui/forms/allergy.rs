//! An allergy (アレルギー) as the doctor or nurse records it in the chart: the substance, the
//! reaction and how severe it was. The rules and the prescriber read it.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{Allergy, AllergySeverity};
use crate::store::FactEdit;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct AllergyForm {
    pub patient_id: String,
    /// The allergy edited, or `None` for a new one.
    pub allergy_id: Option<String>,
    pub substance: Text,
    pub reaction: Text,
    pub severity: Choice<AllergySeverity>,
}

pub fn severity_label(lang: Lang, s: AllergySeverity) -> &'static str {
    match s {
        AllergySeverity::Unknown => lang.tr("程度不明", "severity unknown"),
        AllergySeverity::Mild => lang.tr("軽度", "mild"),
        AllergySeverity::Moderate => lang.tr("中等度", "moderate"),
        AllergySeverity::Severe => lang.tr("重度", "severe"),
    }
}

impl AllergyForm {
    pub fn new(lang: Lang, patient_id: String, existing: Option<(&str, &Allergy)>) -> AllergyForm {
        let (id, substance, reaction, severity) = match existing {
            Some((id, a)) => (
                Some(id.to_string()),
                a.substance.as_str(),
                a.reaction.as_str(),
                a.severity,
            ),
            None => (None, "", "", AllergySeverity::Unknown),
        };
        AllergyForm {
            patient_id,
            allergy_id: id,
            substance: Text::new(lang.tr("原因物質", "substance"), substance),
            reaction: Text::new(lang.tr("症状", "reaction"), reaction),
            severity: Choice::new(
                lang.tr("重症度", "severity"),
                AllergySeverity::ALL
                    .iter()
                    .map(|s| (*s, severity_label(lang, *s).to_string()))
                    .collect(),
                AllergySeverity::ALL
                    .iter()
                    .position(|s| *s == severity)
                    .unwrap_or(0),
            ),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("アレルギー", "Allergy")
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let substance = self.substance.value();
        if substance.is_empty() {
            return Err(FormError::NoSubstance);
        }
        Ok(Write::Fact {
            patient_id: self.patient_id.clone(),
            edit: FactEdit::Allergy {
                id: self.allergy_id.clone().unwrap_or_else(|| by.fresh.id("al")),
                allergy: Some(Allergy {
                    substance,
                    reaction: self.reaction.value(),
                    severity: self
                        .severity
                        .value()
                        .copied()
                        .unwrap_or(AllergySeverity::Unknown),
                }),
            },
        })
    }
}

impl Fields for AllergyForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.substance).into(),
            (&self.reaction).into(),
            (&self.severity).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.substance).into()),
            1 => Some((&mut self.reaction).into()),
            2 => Some((&mut self.severity).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    #[test]
    fn a_substance_is_needed_and_an_edit_keeps_its_id() {
        let by = author();
        let f = AllergyForm::new(Lang::En, "p-1".into(), None);
        assert_eq!(f.submit(&by), Err(FormError::NoSubstance));
        let existing = Allergy {
            substance: "ペニシリン".into(),
            reaction: "発疹".into(),
            severity: AllergySeverity::Severe,
        };
        let f = AllergyForm::new(Lang::En, "p-1".into(), Some(("al-7", &existing)));
        assert_eq!(
            f.submit(&by),
            Ok(Write::Fact {
                patient_id: "p-1".into(),
                edit: FactEdit::Allergy {
                    id: "al-7".into(),
                    allergy: Some(existing),
                },
            })
        );
    }
}
