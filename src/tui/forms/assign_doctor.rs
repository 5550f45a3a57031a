//! Assigning the doctor who will see a visit on the queue.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError};
use crate::domain::{Date, Role, Staff};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct AssignDoctorForm {
    pub day: Date,
    pub entry_id: String,
    /// The clinic's doctors by staff id; the visit's doctor selected.
    pub doctor: Choice<String>,
}

impl AssignDoctorForm {
    pub fn new<'a>(
        lang: Lang,
        day: Date,
        entry_id: String,
        current: Option<&str>,
        staff: impl IntoIterator<Item = &'a Staff>,
    ) -> AssignDoctorForm {
        // A doctor without the MHLW-designated training (指針 V.3(1)) by the visit's day is
        // marked, so that the front desk sees it before choosing.
        let untrained = lang.tr(
            "  ⚠ オンライン診療研修 未修了 (指針 V.3(1))",
            "  ⚠ no online-care training (指針 V.3(1))",
        );
        let doctors: Vec<(String, String)> = staff
            .into_iter()
            .filter(|s| s.role == Role::Doctor && s.active)
            .map(|s| {
                let mark = if s.lacks_online_training(day) {
                    untrained
                } else {
                    ""
                };
                (s.id.clone(), format!("{}{mark}", s.name))
            })
            .collect();
        let selected = doctors
            .iter()
            .position(|(id, _)| Some(id.as_str()) == current)
            .unwrap_or(0);
        AssignDoctorForm {
            day,
            entry_id,
            doctor: Choice::new(lang.tr("医師", "doctor"), doctors, selected),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("担当医の割当", "Assign a doctor")
    }

    /// The staff ids offered.
    pub fn doctors(&self) -> Vec<&str> {
        self.doctor.options.iter().map(|o| o.0.as_str()).collect()
    }

    pub fn submit(&self, _by: &Author) -> Result<Write, FormError> {
        let doctor = self.doctor.value().ok_or(FormError::NoDoctor)?;
        Ok(Write::AssignDoctor {
            day: self.day,
            entry_id: self.entry_id.clone(),
            doctor: doctor.clone(),
        })
    }
}

impl Fields for AssignDoctorForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.doctor).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.doctor).into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{author, day};
    use super::*;

    #[test]
    fn submit_assigns_the_chosen_doctor_or_says_there_is_none() {
        let clinic = crate::demo::clinic().unwrap();
        let doctors: Vec<String> = clinic
            .staff
            .values()
            .filter(|s| s.role == Role::Doctor)
            .map(|s| s.id.clone())
            .collect();
        assert!(
            doctors.len() >= 2,
            "the demo clinic has doctors to choose from"
        );
        // (staff offered, visit's current doctor, options moved, expected)
        let second = doctors[1].clone();
        type Case<'a> = (bool, Option<&'a str>, usize, Result<String, FormError>);
        let cases: Vec<Case> = vec![
            (true, None, 0, Ok(doctors[0].clone())),
            (true, Some(second.as_str()), 0, Ok(second.clone())),
            (true, None, 1, Ok(second.clone())),
            (false, None, 0, Err(FormError::NoDoctor)),
        ];
        for (offered, current, moves, expected) in cases {
            let staff: Vec<&Staff> = if offered {
                clinic.staff.values().collect()
            } else {
                clinic
                    .staff
                    .values()
                    .filter(|s| s.role != Role::Doctor)
                    .collect()
            };
            let mut f = AssignDoctorForm::new(Lang::Ja, day(), "q-03".into(), current, staff);
            f.doctor.selected += moves;
            let got = f.submit(&author());
            let want = expected.map(|doctor| Write::AssignDoctor {
                day: day(),
                entry_id: "q-03".into(),
                doctor,
            });
            assert_eq!(got, want, "{current:?} +{moves}");
        }
    }
}
