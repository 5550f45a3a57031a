//! Where the doctor consults from (指針 V.2(1)): in the clinic, or outside it with the place
//! written down so it can be checked later (事業者ガイドライン 5(1), the billing record).
//! Whether the place is private is the checklist's tick, not this form's.

use super::{FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::DoctorLocation;
use crate::tui::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct LocationForm {
    pub in_clinic: Toggle,
    pub description: Text,
}

impl LocationForm {
    /// The form for the location recorded (the clinic when none is).
    pub fn new(lang: Lang, current: Option<&DoctorLocation>) -> LocationForm {
        LocationForm {
            in_clinic: Toggle::new(
                lang.tr("医療機関内", "in the clinic"),
                current.is_none_or(|l| l.in_clinic),
            ),
            description: Text::new(
                lang.tr("院外の場所 (住所等)", "place outside (address)"),
                current.map(|l| l.description.as_str()).unwrap_or(""),
            ),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("医師の所在", "Where the doctor is")
    }

    /// The location; outside the clinic the place must be written. `private` is the
    /// checklist's tick at the time.
    pub fn submit(&self, private: bool) -> Result<DoctorLocation, FormError> {
        let description = self.description.value();
        if !self.in_clinic.on && description.is_empty() {
            return Err(FormError::NoPlace);
        }
        Ok(DoctorLocation {
            in_clinic: self.in_clinic.on,
            description,
            private,
        })
    }
}

impl Fields for LocationForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.in_clinic).into(), (&self.description).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.in_clinic).into()),
            1 => Some((&mut self.description).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_the_clinic_the_place_is_written() {
        let mut f = LocationForm::new(Lang::En, None);
        assert!(f.in_clinic.on, "the clinic by default");
        assert_eq!(
            f.submit(true),
            Ok(DoctorLocation {
                in_clinic: true,
                description: String::new(),
                private: true
            })
        );
        f.in_clinic.on = false;
        assert_eq!(f.submit(false), Err(FormError::NoPlace));
        f.description = Text::new("place", " 自宅 (東京都杉並区) ");
        let l = f.submit(false).expect("a place outside");
        assert!(!l.in_clinic);
        assert_eq!(l.description, "自宅 (東京都杉並区)");
        // Reopened, the form shows what was recorded.
        let again = LocationForm::new(Lang::En, Some(&l));
        assert!(!again.in_clinic.on);
        assert_eq!(again.description.value(), "自宅 (東京都杉並区)");
    }
}
