//! Check-in at the front desk (受付): which identity documents were seen and how, recorded as an
//! identity check on the patient and on the visit (指針 V.1(4), V.2(5)②3-3)).

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Toggle};
use crate::domain::{Date, IdentityCheck, IdentityDocument, VerificationMethod};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

pub(super) const DOCUMENTS: [(IdentityDocument, &str, &str); 7] = [
    (
        IdentityDocument::MyNumberCard,
        "マイナンバーカード",
        "My Number card",
    ),
    (
        IdentityDocument::DriversLicence,
        "運転免許証",
        "driving licence",
    ),
    (IdentityDocument::Passport, "旅券", "passport"),
    (
        IdentityDocument::ResidenceCard,
        "在留カード",
        "residence card",
    ),
    (
        IdentityDocument::DisabilityCertificate,
        "身体障害者手帳",
        "disability certificate",
    ),
    (
        IdentityDocument::InsuranceCard,
        "保険証・資格確認書",
        "insurance card",
    ),
    (
        IdentityDocument::OtherWithoutPhoto,
        "その他 (写真なし)",
        "other, without photo",
    ),
];

#[derive(Debug, Clone, PartialEq)]
pub struct CheckInForm {
    pub day: Date,
    pub entry_id: String,
    pub patient_id: String,
    /// Each document the desk may have seen, with its box.
    pub documents: Vec<(IdentityDocument, Toggle)>,
    pub method: Choice<VerificationMethod>,
}

impl CheckInForm {
    pub fn new(lang: Lang, day: Date, entry_id: String, patient_id: String) -> CheckInForm {
        CheckInForm {
            day,
            entry_id,
            patient_id,
            documents: DOCUMENTS
                .iter()
                .map(|(d, ja, en)| (*d, Toggle::new(lang.tr(ja, en), false)))
                .collect(),
            method: Choice::new(
                lang.tr("確認方法", "how"),
                vec![
                    (
                        VerificationMethod::InPerson,
                        lang.tr("窓口で", "at the counter").into(),
                    ),
                    (
                        VerificationMethod::OnVideo,
                        lang.tr("ビデオで", "on video").into(),
                    ),
                    (
                        VerificationMethod::OnlineQualification,
                        lang.tr("オンライン資格確認", "online qualification").into(),
                    ),
                ],
                0,
            ),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "受付: 確認した本人確認書類",
            "Check in: identity documents seen",
        )
    }

    /// The check-in, with the identity check it records.
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
        let check = IdentityCheck {
            id: by.fresh.id("ic"),
            documents,
            checked_by: by.staff.to_string(),
            checked_at: by.now,
            method: self
                .method
                .value()
                .copied()
                .unwrap_or(VerificationMethod::InPerson),
        };
        Ok(Write::CheckIn {
            day: self.day,
            entry_id: self.entry_id.clone(),
            patient_id: self.patient_id.clone(),
            check,
        })
    }
}

impl Fields for CheckInForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = self.documents.iter().map(|(_, t)| t.into()).collect();
        fields.push((&self.method).into());
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        let n = self.documents.len();
        if i < n {
            return self.documents.get_mut(i).map(|(_, t)| t.into());
        }
        (i == n).then(|| (&mut self.method).into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{author, day};
    use super::*;

    fn form(seen: &[IdentityDocument], method: usize) -> CheckInForm {
        let mut f = CheckInForm::new(Lang::En, day(), "q-01".into(), "p-0013".into());
        for (d, t) in &mut f.documents {
            t.on = seen.contains(d);
        }
        f.method.selected = method;
        f
    }

    #[test]
    fn submit_records_the_documents_seen_or_says_none_were() {
        // (documents seen, method chosen, expected documents and method or the error)
        let cases: [(
            &[IdentityDocument],
            usize,
            Result<VerificationMethod, FormError>,
        ); 4] = [
            (&[], 0, Err(FormError::NoDocumentSeen)),
            (
                &[IdentityDocument::DriversLicence],
                0,
                Ok(VerificationMethod::InPerson),
            ),
            (
                &[
                    IdentityDocument::MyNumberCard,
                    IdentityDocument::InsuranceCard,
                ],
                1,
                Ok(VerificationMethod::OnVideo),
            ),
            (
                &[IdentityDocument::OtherWithoutPhoto],
                2,
                Ok(VerificationMethod::OnlineQualification),
            ),
        ];
        for (seen, method, expected) in cases {
            let by = author();
            let got = form(seen, method).submit(&by);
            match expected {
                Err(e) => assert_eq!(got, Err(e), "{seen:?}"),
                Ok(m) => assert_eq!(
                    got,
                    Ok(Write::CheckIn {
                        day: day(),
                        entry_id: "q-01".into(),
                        patient_id: "p-0013".into(),
                        check: IdentityCheck {
                            id: by.fresh.id("ic"),
                            documents: seen.to_vec(),
                            checked_by: "dr-sato".into(),
                            checked_at: by.now,
                            method: m,
                        },
                    }),
                    "{seen:?}"
                ),
            }
        }
    }

    #[test]
    fn the_fields_are_the_documents_then_the_method() {
        let mut f = form(&[], 0);
        assert_eq!(f.fields().len(), DOCUMENTS.len() + 1);
        assert!(matches!(f.field_mut(1), Some(FieldEdit::Toggle(_))));
        assert!(matches!(
            f.field_mut(DOCUMENTS.len()),
            Some(FieldEdit::Choice { len: 3, .. })
        ));
        assert!(f.field_mut(DOCUMENTS.len() + 1).is_none());
    }
}
