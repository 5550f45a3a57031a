//! The one-line entries of a visit record: the observations and care given (Japanese input
//! intact), a photo's file name (never its image), and the reason the nurse asks the doctor to
//! join on video (D to P with N).

use super::{Author, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{ConsultRequest, Date, NursingVisit};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

/// What the text is.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    Note,
    Photo,
    /// The visit's queue entry and day, which the request lands on.
    Request {
        entry_id: String,
        day: Date,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NursingTextForm {
    pub purpose: Purpose,
    pub patient_id: String,
    pub visit: NursingVisit,
    pub text: Text,
}

impl NursingTextForm {
    pub fn new(
        lang: Lang,
        purpose: Purpose,
        patient_id: String,
        visit: NursingVisit,
    ) -> NursingTextForm {
        let (label, current) = match &purpose {
            Purpose::Note => (
                lang.tr("観察・ケア", "observations and care"),
                visit.note.clone(),
            ),
            Purpose::Photo => (lang.tr("ファイル名", "file name"), String::new()),
            Purpose::Request { .. } => (lang.tr("依頼の理由", "why"), String::new()),
        };
        NursingTextForm {
            purpose,
            patient_id,
            text: Text::new(label, &current),
            visit,
        }
    }

    pub fn title(lang: Lang, purpose: &Purpose) -> &'static str {
        match purpose {
            Purpose::Note => lang.tr("観察・実施したケア", "Observations and care given"),
            Purpose::Photo => lang.tr(
                "写真 (ファイル名のみ記録)",
                "Photo (the file name only is recorded)",
            ),
            Purpose::Request { .. } => lang.tr(
                "医師に D to P with N を依頼",
                "Ask the doctor for a D to P with N",
            ),
        }
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let text = self.text.value();
        let mut visit = self.visit.clone();
        let action = match &self.purpose {
            Purpose::Note => {
                visit.note = text;
                "nursing.note"
            }
            Purpose::Photo => {
                if text.is_empty() || text.len() > 255 || text.contains(['/', '\\']) {
                    return Err(FormError::PhotoName);
                }
                visit.photos.push(text);
                "nursing.photo"
            }
            Purpose::Request { entry_id, day } => {
                if text.is_empty() {
                    return Err(FormError::NoRequestReason);
                }
                visit.request = Some(ConsultRequest {
                    by: by.staff.clone(),
                    at: by.now,
                    reason: text,
                });
                return Ok(Write::ConsultRequest {
                    day: *day,
                    entry_id: entry_id.clone(),
                    patient_id: self.patient_id.clone(),
                    visit: Box::new(visit),
                });
            }
        };
        Ok(Write::NursingVisit {
            patient_id: self.patient_id.clone(),
            visit: Box::new(visit),
            action,
        })
    }
}

impl Fields for NursingTextForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.text).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.text).into())
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        match &self.purpose {
            Purpose::Photo if !self.visit.photos.is_empty() => vec![format!(
                "{}: {}",
                lang.tr("記録済み", "recorded"),
                self.visit.photos.join(", ")
            )],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn visit() -> NursingVisit {
        let day = crate::domain::parse_date("2026-12-02").expect("day");
        NursingVisit::new("nv-1", day, "ns-ito")
    }

    #[test]
    fn a_photo_is_a_file_name_and_a_request_needs_a_reason() {
        let mut f = NursingTextForm::new(Lang::Ja, Purpose::Photo, "p-0022".into(), visit());
        for bad in ["", "../etc/passwd", "a\\b.jpg"] {
            f.text = Text::new("x", bad);
            assert_eq!(f.submit(&author()), Err(FormError::PhotoName), "{bad:?}");
        }
        f.text = Text::new("x", "褥瘡_仙骨部_1202.jpg");
        let Ok(Write::NursingVisit { visit, action, .. }) = f.submit(&author()) else {
            panic!("a photo write")
        };
        assert_eq!(visit.photos, vec!["褥瘡_仙骨部_1202.jpg"]);
        assert_eq!(action, "nursing.photo");

        let day = visit.day;
        let mut r = NursingTextForm::new(
            Lang::Ja,
            Purpose::Request {
                entry_id: "q-20".into(),
                day,
            },
            "p-0022".into(),
            *visit,
        );
        assert_eq!(r.submit(&author()), Err(FormError::NoRequestReason));
        r.text = Text::new("x", "SpO2 低下 (88%)");
        let Ok(Write::ConsultRequest {
            visit, entry_id, ..
        }) = r.submit(&author())
        else {
            panic!("a request")
        };
        assert_eq!(entry_id, "q-20");
        let request = visit.request.expect("the request");
        assert_eq!(request.reason, "SpO2 低下 (88%)");
        assert_eq!(request.by, author().staff);
    }
}
