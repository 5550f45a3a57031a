//! The written reason for cancelling a visit (取消): kept on the visit, after a confirm step.

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::Date;
use crate::tui::i18n::Lang;
use crate::tui::state::Confirm;

#[derive(Debug, Clone, PartialEq)]
pub struct CancelVisitForm {
    pub day: Date,
    pub entry_id: String,
    /// Who and when, for the confirm step to name.
    pub patient: String,
    pub time: String,
    pub reason: Text,
}

impl CancelVisitForm {
    pub fn new(
        lang: Lang,
        day: Date,
        entry_id: String,
        patient: String,
        time: String,
    ) -> CancelVisitForm {
        CancelVisitForm {
            day,
            entry_id,
            patient,
            time,
            reason: Text::new(lang.tr("取消の理由", "reason"), ""),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("予約の取消: 理由を記載", "Cancel a visit: write the reason")
    }

    /// The confirm step the cancellation passes through before it is recorded.
    pub fn submit(&self) -> Result<Confirm, FormError> {
        let reason = self.reason.value();
        if reason.is_empty() {
            return Err(FormError::NoCancelReason);
        }
        Ok(Confirm::CancelVisit {
            day: self.day,
            entry_id: self.entry_id.clone(),
            patient: self.patient.clone(),
            time: self.time.clone(),
            reason,
        })
    }
}

impl Fields for CancelVisitForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.reason).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.reason).into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::day;
    use super::*;

    #[test]
    fn a_cancellation_needs_a_reason() {
        let mut f = CancelVisitForm::new(
            Lang::Ja,
            day(),
            "q-06".into(),
            "後藤　隆".into(),
            "10:30".into(),
        );
        assert_eq!(f.submit(), Err(FormError::NoCancelReason));
        f.reason = Text::new("", "  ");
        assert_eq!(f.submit(), Err(FormError::NoCancelReason));
        f.reason = Text::new("", " 体調不良のため ");
        assert_eq!(
            f.submit(),
            Ok(Confirm::CancelVisit {
                day: day(),
                entry_id: "q-06".into(),
                patient: "後藤　隆".into(),
                time: "10:30".into(),
                reason: "体調不良のため".into(),
            })
        );
    }
}
