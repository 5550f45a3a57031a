//! The care plan (診療計画, 指針 V.1(3)): its nine items as the guideline lists them, the
//! emergency hospital, the doctors, and whether the patient agreed today.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::{CarePlan, Clinic};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct CarePlanForm {
    pub patient_id: String,
    /// The plan being revised; a new plan takes a fresh id when saved.
    pub plan_id: Option<String>,
    pub care_content: Text,
    pub in_person_schedule: Text,
    pub consultation_hours: Text,
    pub method: Text,
    pub stop_conditions: Text,
    pub patient_cooperation: Text,
    pub emergency_plan: Text,
    /// A partner hospital by id, or none.
    pub emergency_hospital: Choice<Option<String>>,
    /// Staff ids, separated by commas.
    pub doctors: Text,
    pub doctor_rotation: Text,
    pub security_responsibility: Text,
    pub agreed_today: Toggle,
}

impl CarePlanForm {
    /// The form over `existing`, or over a new plan with `doctor` as its doctor.
    pub fn new(
        lang: Lang,
        patient_id: String,
        existing: Option<&CarePlan>,
        doctor: &str,
        clinic: Option<&Clinic>,
    ) -> CarePlanForm {
        let blank = CarePlan {
            doctors: vec![doctor.to_string()],
            ..CarePlan::default()
        };
        let plan = existing.unwrap_or(&blank);
        let hospitals: Vec<(Option<String>, String)> =
            std::iter::once((None, lang.tr("(なし)", "(none)").to_string()))
                .chain(clinic.iter().flat_map(|c| {
                    c.partner_hospitals
                        .values()
                        .map(|h| (Some(h.id.clone()), h.name.clone()))
                }))
                .collect();
        let hospital = hospitals
            .iter()
            .position(|(id, _)| id.is_some() && *id == plan.emergency_hospital)
            .unwrap_or(0);
        let text = |ja, en, value: &str| Text::new(lang.tr(ja, en), value);
        CarePlanForm {
            patient_id,
            plan_id: existing.map(|p| p.id.clone()),
            care_content: text(
                "1 診療内容 (疾病名・治療内容)",
                "1 care content",
                &plan.care_content,
            ),
            in_person_schedule: text(
                "2 対面診療・検査の組合せ",
                "2 in-person visits and tests",
                &plan.in_person_schedule,
            ),
            consultation_hours: text(
                "3 診療時間 (予約制等)",
                "3 consultation hours",
                &plan.consultation_hours,
            ),
            method: text(
                "4 方法 (使用する機器)",
                "4 method and devices",
                &plan.method,
            ),
            stop_conditions: text(
                "5 対面に切り替える条件",
                "5 when to switch to in person",
                &plan.stop_conditions,
            ),
            patient_cooperation: text(
                "6 患者の協力",
                "6 patient's cooperation",
                &plan.patient_cooperation,
            ),
            emergency_plan: text(
                "7 急変時の対応方針",
                "7 emergency plan",
                &plan.emergency_plan,
            ),
            emergency_hospital: Choice::new(
                lang.tr("7 急変時の医療機関", "7 emergency hospital"),
                hospitals,
                hospital,
            ),
            doctors: text(
                "8 担当医師 (職員ID, 区切り)",
                "8 doctors (staff ids, comma)",
                &plan.doctors.join(","),
            ),
            doctor_rotation: text("8 交代の取り決め", "8 rotation", &plan.doctor_rotation),
            security_responsibility: text(
                "9 セキュリティの責任範囲",
                "9 security responsibility",
                &plan.security_responsibility,
            ),
            agreed_today: Toggle::new(
                lang.tr("患者が合意した (本日)", "patient agreed (today)"),
                plan.agreed_on.is_some(),
            ),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("診療計画 (指針 V.1(3))", "Care plan (指針 V.1(3))")
    }

    /// The plan as written. An incomplete plan is saved as it stands: the rules say what it
    /// lacks, item by item, where the doctor sees it.
    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let plan = CarePlan {
            id: self.plan_id.clone().unwrap_or_else(|| by.fresh.id("cp")),
            care_content: self.care_content.value(),
            in_person_schedule: self.in_person_schedule.value(),
            consultation_hours: self.consultation_hours.value(),
            method: self.method.value(),
            stop_conditions: self.stop_conditions.value(),
            patient_cooperation: self.patient_cooperation.value(),
            emergency_plan: self.emergency_plan.value(),
            emergency_hospital: self.emergency_hospital.value().cloned().flatten(),
            doctors: self
                .doctors
                .value()
                .split([',', '、'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            doctor_rotation: self.doctor_rotation.value(),
            security_responsibility: self.security_responsibility.value(),
            created_by: by.staff.to_string(),
            agreed_on: self.agreed_today.on.then_some(by.today),
            online_care_ended_on: None,
        };
        Ok(Write::CarePlan {
            patient_id: self.patient_id.clone(),
            plan: Box::new(plan),
        })
    }
}

impl Fields for CarePlanForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.care_content).into(),
            (&self.in_person_schedule).into(),
            (&self.consultation_hours).into(),
            (&self.method).into(),
            (&self.stop_conditions).into(),
            (&self.patient_cooperation).into(),
            (&self.emergency_plan).into(),
            (&self.emergency_hospital).into(),
            (&self.doctors).into(),
            (&self.doctor_rotation).into(),
            (&self.security_responsibility).into(),
            (&self.agreed_today).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        Some(match i {
            0 => (&mut self.care_content).into(),
            1 => (&mut self.in_person_schedule).into(),
            2 => (&mut self.consultation_hours).into(),
            3 => (&mut self.method).into(),
            4 => (&mut self.stop_conditions).into(),
            5 => (&mut self.patient_cooperation).into(),
            6 => (&mut self.emergency_plan).into(),
            7 => (&mut self.emergency_hospital).into(),
            8 => (&mut self.doctors).into(),
            9 => (&mut self.doctor_rotation).into(),
            10 => (&mut self.security_responsibility).into(),
            11 => (&mut self.agreed_today).into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn plan_of(w: Result<Write, FormError>) -> CarePlan {
        match w {
            Ok(Write::CarePlan { plan, .. }) => *plan,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_new_plan_takes_a_fresh_id_and_the_doctor() {
        let clinic = crate::demo::clinic().unwrap();
        let mut f = CarePlanForm::new(Lang::En, "p-0013".into(), None, "dr-sato", Some(&clinic));
        f.care_content = Text::new("", "  花粉症の薬物療法 ");
        f.emergency_hospital.selected = 1;
        let by = author();
        let plan = plan_of(f.submit(&by));
        assert_eq!(plan.id, by.fresh.id("cp"));
        assert_eq!(plan.care_content, "花粉症の薬物療法", "trimmed");
        assert_eq!(plan.doctors, vec!["dr-sato".to_string()]);
        assert_eq!(plan.created_by, "dr-sato");
        assert!(plan.emergency_hospital.is_some());
        assert_eq!(plan.agreed_on, None);
    }

    #[test]
    fn an_existing_plan_keeps_its_id_and_the_agreement_is_dated_today() {
        // (doctors typed, agreed, expected doctors)
        let cases: [(&str, bool, &[&str]); 4] = [
            ("dr-sato", false, &["dr-sato"]),
            ("dr-sato, dr-kato", true, &["dr-sato", "dr-kato"]),
            ("dr-sato、dr-kato,,", true, &["dr-sato", "dr-kato"]),
            ("", false, &[]),
        ];
        let existing = CarePlan {
            id: "cp-old".into(),
            emergency_hospital: None,
            ..CarePlan::default()
        };
        for (doctors, agreed, expected) in cases {
            let mut f = CarePlanForm::new(Lang::Ja, "p-0001".into(), Some(&existing), "dr-x", None);
            f.doctors = Text::new("", doctors);
            f.agreed_today.on = agreed;
            let by = author();
            let plan = plan_of(f.submit(&by));
            assert_eq!(plan.id, "cp-old");
            assert_eq!(plan.doctors, expected, "{doctors:?}");
            assert_eq!(plan.agreed_on, agreed.then_some(by.today));
            assert_eq!(plan.emergency_hospital, None, "(none) is no hospital");
        }
    }

    #[test]
    fn every_field_is_reachable_in_order() {
        let mut f = CarePlanForm::new(Lang::En, "p".into(), None, "dr", None);
        let n = f.fields().len();
        assert_eq!(n, 12);
        assert!((0..n).all(|i| f.field_mut(i).is_some()));
        assert!(f.field_mut(n).is_none());
        assert!(matches!(f.field_mut(7), Some(FieldEdit::Choice { .. })));
        assert!(matches!(f.field_mut(11), Some(FieldEdit::Toggle(_))));
    }
}
