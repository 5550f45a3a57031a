//! An addendum to a signed encounter: what is added or corrected and why. The signed record is
//! never changed; the addendum is stored beside it with its author and time.

use super::{Author, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::Addendum;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

/// The fewest characters a reason may have, as for an override.
const SHORTEST_REASON: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct AddendumForm {
    pub patient_id: String,
    pub encounter_id: String,
    pub reason: Text,
    pub text: Text,
}

impl AddendumForm {
    pub fn new(lang: Lang, patient_id: String, encounter_id: String) -> AddendumForm {
        AddendumForm {
            patient_id,
            encounter_id,
            reason: Text::new(lang.tr("追記の理由", "reason"), ""),
            text: Text::new(lang.tr("追記", "addendum"), ""),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("署名済みの診療録に追記", "Addendum to the signed record")
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let reason = self.reason.value();
        if reason.chars().count() < SHORTEST_REASON {
            return Err(FormError::ReasonTooShort);
        }
        let text = self.text.value();
        if text.is_empty() {
            return Err(FormError::NoAddendumText);
        }
        Ok(Write::Addendum {
            patient_id: self.patient_id.clone(),
            encounter_id: self.encounter_id.clone(),
            addendum: Box::new(Addendum {
                id: by.fresh.id("ad"),
                author: by.staff.clone(),
                written_at: by.now,
                reason,
                text,
            }),
        })
    }
}

impl Fields for AddendumForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.reason).into(), (&self.text).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.reason).into()),
            1 => Some((&mut self.text).into()),
            _ => None,
        }
    }
}
