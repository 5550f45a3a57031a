//! Check-in at the front desk (受付): which identity documents were seen and how, recorded as an
//! identity check on the patient and on the visit (指針 V.1(4), V.2(5)②3-3)), and the doctor
//! who will see the patient, assigned in the same transaction.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Toggle};
use crate::domain::{Date, IdentityCheck, IdentityDocument, Role, Staff, VerificationMethod};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

/// The documents a form offers, each with its box. Two photo-less documents other than the
/// insurance card together pass (V.2(5)②3-3) 「2種類以上の身分証明書」), so that kind has two
/// boxes: each ticked box is one document.
pub(super) const DOCUMENTS: [(IdentityDocument, &str, &str); 8] = [
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
    (
        IdentityDocument::OtherWithoutPhoto,
        "その他 (写真なし) もう1種類",
        "a second other, without photo",
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
    /// The clinic's active doctors by staff id, the visit's doctor selected; a doctor without
    /// the designated training is marked.
    pub doctor: Choice<String>,
}

/// Whether `doctor` has completed the MHLW-designated online-care training by `today`
/// (指針 V.3(1)②): a completion date after today does not count yet.
pub fn trained(doctor: &Staff, today: Date) -> bool {
    doctor.online_training_completed.is_some_and(|d| d <= today)
}

/// A doctor as a choice shows them: the name, marked when the designated online-care training
/// (指針 V.3(1)) is not recorded as completed, so that nobody is assigned to an online visit
/// unawares.
pub fn doctor_label(lang: Lang, doctor: &Staff, today: Date) -> String {
    if trained(doctor, today) {
        doctor.name.clone()
    } else {
        format!(
            "{} {}",
            doctor.name,
            lang.tr("[研修未修了 指針V.3(1)]", "[no MHLW training, V.3(1)]")
        )
    }
}

impl CheckInForm {
    pub fn new<'a>(
        lang: Lang,
        day: Date,
        entry_id: String,
        patient_id: String,
        current: Option<&str>,
        staff: impl IntoIterator<Item = &'a Staff>,
        today: Date,
    ) -> CheckInForm {
        let doctors: Vec<(String, String)> = staff
            .into_iter()
            .filter(|s| s.role == Role::Doctor && s.active)
            .map(|s| (s.id.clone(), doctor_label(lang, s, today)))
            .collect();
        let selected = doctors
            .iter()
            .position(|(id, _)| Some(id.as_str()) == current)
            .unwrap_or(0);
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
            doctor: Choice::new(lang.tr("担当医", "doctor"), doctors, selected),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "受付: 本人確認書類と担当医",
            "Check in: identity documents seen and doctor",
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
        let doctor = self.doctor.value().ok_or(FormError::NoDoctor)?.clone();
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
            doctor,
        })
    }
}

impl Fields for CheckInForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = self.documents.iter().map(|(_, t)| t.into()).collect();
        fields.push((&self.method).into());
        fields.push((&self.doctor).into());
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        let n = self.documents.len();
        if i < n {
            return self.documents.get_mut(i).map(|(_, t)| t.into());
        }
        match i - n {
            0 => Some((&mut self.method).into()),
            1 => Some((&mut self.doctor).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{author, day};
    use super::*;

    fn form(seen: &[IdentityDocument], method: usize) -> CheckInForm {
        let clinic = crate::demo::clinic().unwrap();
        let mut f = CheckInForm::new(
            Lang::En,
            day(),
            "q-01".into(),
            "p-0013".into(),
            Some("dr-tanaka"),
            clinic.staff.values(),
            day(),
        );
        // One box per document seen (a kind with two boxes: as many as it is seen).
        for seen in seen {
            if let Some((_, t)) = f.documents.iter_mut().find(|(d, t)| d == seen && !t.on) {
                t.on = true;
            }
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
                        doctor: "dr-tanaka".into(),
                    }),
                    "{seen:?}"
                ),
            }
        }
    }

    #[test]
    fn two_photo_less_documents_are_two_documents() {
        let mut f = form(&[], 0);
        for (d, t) in &mut f.documents {
            t.on = *d == IdentityDocument::OtherWithoutPhoto;
        }
        let Ok(Write::CheckIn { check, .. }) = f.submit(&author()) else {
            panic!("a check-in")
        };
        assert_eq!(
            check.documents,
            vec![
                IdentityDocument::OtherWithoutPhoto,
                IdentityDocument::OtherWithoutPhoto
            ]
        );
    }

    #[test]
    fn the_fields_are_the_documents_then_the_method_then_the_doctor() {
        let mut f = form(&[], 0);
        assert_eq!(f.fields().len(), DOCUMENTS.len() + 2);
        assert!(matches!(f.field_mut(1), Some(FieldEdit::Toggle(_))));
        assert!(matches!(
            f.field_mut(DOCUMENTS.len()),
            Some(FieldEdit::Choice { len: 3, .. })
        ));
        assert!(matches!(
            f.field_mut(DOCUMENTS.len() + 1),
            Some(FieldEdit::Choice { len: 3, .. })
        ));
        assert!(f.field_mut(DOCUMENTS.len() + 2).is_none());
    }

    #[test]
    fn a_doctor_without_the_designated_training_is_marked() {
        let f = form(&[IdentityDocument::Passport], 0);
        let shown: Vec<(&str, bool)> = f
            .doctor
            .options
            .iter()
            .map(|(id, label)| (id.as_str(), label.contains("V.3(1)")))
            .collect();
        // The demo's 木村 has no training date; 佐藤 and 田中 have.
        assert_eq!(
            shown,
            vec![
                ("dr-kimura", true),
                ("dr-sato", false),
                ("dr-tanaka", false)
            ]
        );
        assert_eq!(f.doctor.value().map(String::as_str), Some("dr-tanaka"));
        let mut none = f.clone();
        none.doctor.options.clear();
        assert_eq!(none.submit(&author()), Err(FormError::NoDoctor));
        // A completion date after today does not count yet.
        let mut s = crate::demo::clinic().unwrap().staff["dr-sato"].clone();
        s.online_training_completed = day().next_day();
        assert!(!trained(&s, day()));
    }
}
