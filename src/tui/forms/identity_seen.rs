//! Identity documents the doctor saw held up to the camera (指針 V.1(4)): recorded as an identity
//! check by the doctor, method on video.

use super::check_in::DOCUMENTS;
use super::{Author, FieldEdit, FieldView, Fields, FormError, Toggle};
use crate::domain::{IdentityCheck, IdentityDocument, VerificationMethod};
use crate::store::FactEdit;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct IdentitySeenForm {
    pub patient_id: String,
    pub documents: Vec<(IdentityDocument, Toggle)>,
}

impl IdentitySeenForm {
    pub fn new(lang: Lang, patient_id: String) -> IdentitySeenForm {
        IdentitySeenForm {
            patient_id,
            documents: DOCUMENTS
                .iter()
                .map(|(d, ja, en)| (*d, Toggle::new(lang.tr(ja, en), false)))
                .collect(),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "本人確認: 画面で確認した書類",
            "Identity: documents seen on screen",
        )
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let documents: Vec<IdentityDocument> = self
            .documents
            .iter()
            .filter(|(_, t)| t.on)
            .map(|(d, _)| *d)
            .collect();
        if documents.is_empty() {
            return Err(FormError::NoDocumentSeen);
        }
        Ok(Write::Fact {
            patient_id: self.patient_id.clone(),
            edit: FactEdit::IdentitySeen(IdentityCheck {
                id: by.fresh.id("ic"),
                documents,
                checked_by: by.staff.clone(),
                checked_at: by.now,
                method: VerificationMethod::OnVideo,
            }),
        })
    }
}

impl Fields for IdentitySeenForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        self.documents.iter().map(|(_, t)| t.into()).collect()
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        self.documents.get_mut(i).map(|(_, t)| t.into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    #[test]
    fn the_doctor_records_what_was_seen_on_video() {
        let by = author();
        let mut f = IdentitySeenForm::new(Lang::En, "p-1".into());
        assert_eq!(f.submit(&by), Err(FormError::NoDocumentSeen));
        f.documents[0].1.on = true;
        let Ok(Write::Fact {
            edit: FactEdit::IdentitySeen(check),
            ..
        }) = f.submit(&by)
        else {
            panic!("not an identity check");
        };
        assert_eq!(check.method, VerificationMethod::OnVideo);
        assert_eq!(check.checked_by, "dr-sato");
        assert_eq!(check.documents, [IdentityDocument::MyNumberCard]);
    }
}
