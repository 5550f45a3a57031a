//! The chief complaint (主訴) of the consultation, in the patient's words: the red-flag rule
//! screens it (指針 V.1(2)②, 初診からのオンライン診療の適否).

use super::{FieldEdit, FieldView, Fields, Text};
use crate::tui::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct ComplaintForm {
    pub complaint: Text,
}

impl ComplaintForm {
    pub fn new(lang: Lang, current: &str) -> ComplaintForm {
        ComplaintForm {
            complaint: Text::new(lang.tr("主訴", "chief complaint"), current),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("主訴", "Chief complaint")
    }

    /// The complaint as written; an empty one clears it.
    pub fn submit(&self) -> String {
        self.complaint.value()
    }
}

impl Fields for ComplaintForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.complaint).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.complaint).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_complaint_is_kept_as_written_without_outer_spaces() {
        let mut f = ComplaintForm::new(Lang::Ja, "");
        f.complaint = Text::new("主訴", " 突然の激しい胸痛 ");
        assert_eq!(f.submit(), "突然の激しい胸痛");
    }
}
