//! What is known of the patient's underlying conditions (基礎疾患) and from which sources
//! (指針 V.1(2)): past records, a referral letter, a health check, the regional network, the
//! お薬手帳 or a PHR. With none, a first online visit is held to 7 days of medicine (V.1(5)).

use super::medication::{SOURCES, source_label};
use super::{FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::{HistoryKnowledge, HistorySource};
use crate::store::FactEdit;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryForm {
    pub patient_id: String,
    pub known: Toggle,
    pub sources: Vec<(HistorySource, Toggle)>,
    pub summary: Text,
}

impl HistoryForm {
    pub fn new(lang: Lang, patient_id: String, now: &HistoryKnowledge) -> HistoryForm {
        HistoryForm {
            patient_id,
            known: Toggle::new(
                lang.tr("基礎疾患を把握している", "conditions known"),
                now.known,
            ),
            sources: SOURCES
                .iter()
                .map(|s| {
                    (
                        *s,
                        Toggle::new(source_label(lang, *s), now.sources.contains(s)),
                    )
                })
                .collect(),
            summary: Text::new(lang.tr("要約", "summary"), &now.summary),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "基礎疾患の情報と情報源",
            "Underlying conditions and sources",
        )
    }

    pub fn submit(&self) -> Result<Write, FormError> {
        let sources: Vec<HistorySource> = self
            .sources
            .iter()
            .filter(|(_, t)| t.on)
            .map(|(s, _)| *s)
            .collect();
        if self.known.on && sources.is_empty() {
            return Err(FormError::NoHistorySource);
        }
        Ok(Write::Fact {
            patient_id: self.patient_id.clone(),
            edit: FactEdit::History(HistoryKnowledge {
                known: self.known.on,
                sources,
                summary: self.summary.value(),
            }),
        })
    }
}

impl Fields for HistoryForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = vec![(&self.known).into()];
        fields.extend(self.sources.iter().map(|(_, t)| FieldView::from(t)));
        fields.push((&self.summary).into());
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        let n = self.sources.len();
        match i {
            0 => Some((&mut self.known).into()),
            i if i <= n => self.sources.get_mut(i - 1).map(|(_, t)| t.into()),
            i if i == n + 1 => Some((&mut self.summary).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_needs_a_source() {
        let mut f = HistoryForm::new(Lang::En, "p-1".into(), &HistoryKnowledge::default());
        f.known.on = true;
        assert_eq!(f.submit(), Err(FormError::NoHistorySource));
        f.sources[1].1.on = true;
        assert_eq!(
            f.submit(),
            Ok(Write::Fact {
                patient_id: "p-1".into(),
                edit: FactEdit::History(HistoryKnowledge {
                    known: true,
                    sources: vec![HistorySource::ReferralLetter],
                    summary: String::new(),
                }),
            })
        );
        assert_eq!(f.fields().len(), 8);
        assert!(matches!(f.field_mut(7), Some(FieldEdit::Text(_))));
    }
}
