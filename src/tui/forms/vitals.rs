//! The vitals of a home visit: each with its unit, read as the nurse typed it (full-width digits
//! too). A value no meter shows is refused; one outside what a measurement on a patient falls
//! in goes through a confirm step, never in silently.

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{NursingVisit, Vital, nfkc};
use crate::tui::i18n::Lang;
use crate::tui::state::{Confirm, Write};

/// Each vital's field label, with its unit, in Japanese and English.
const LABELS: [(Vital, &str, &str); 9] = [
    (Vital::SystolicBp, "収縮期血圧 mmHg", "systolic BP mmHg"),
    (Vital::DiastolicBp, "拡張期血圧 mmHg", "diastolic BP mmHg"),
    (Vital::Pulse, "脈拍 /分", "pulse /min"),
    (Vital::Temperature, "体温 ℃", "temperature ℃"),
    (Vital::Spo2, "SpO2 %", "SpO2 %"),
    (
        Vital::RespiratoryRate,
        "呼吸数 /分",
        "respiratory rate /min",
    ),
    (Vital::Weight, "体重 kg", "weight kg"),
    (Vital::BloodGlucose, "血糖 mg/dL", "blood glucose mg/dL"),
    (Vital::Pain, "痛み NRS 0-10", "pain NRS 0-10"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct VitalsForm {
    pub patient_id: String,
    /// The record the vitals go into.
    pub visit: NursingVisit,
    pub fields: Vec<(Vital, Text)>,
}

/// A number as typed: full-width digits and a decimal comma are read as well.
fn number(text: &str) -> Option<f64> {
    let text = nfkc(text).replace(',', ".");
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A value as the record and the confirm step show it: `720`, `36.8` (no trailing `.0`).
pub fn shown(value: f64) -> String {
    value.to_string()
}

impl VitalsForm {
    pub fn new(lang: Lang, patient_id: String, visit: NursingVisit) -> VitalsForm {
        let fields = LABELS
            .iter()
            .map(|(v, ja, en)| {
                let current = visit.vitals.get(v).map(|x| shown(*x)).unwrap_or_default();
                (*v, Text::new(lang.tr(ja, en), &current))
            })
            .collect();
        VitalsForm {
            patient_id,
            visit,
            fields,
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("バイタル (空欄は未測定)", "Vitals (blank: not measured)")
    }

    /// The record with the vitals typed, or the confirm step when a value lies outside its
    /// plausible range.
    pub fn submit(&self, lang: Lang) -> Result<Submitted, FormError> {
        let mut visit = self.visit.clone();
        visit.vitals.clear();
        let mut outside = Vec::new();
        for (vital, text) in &self.fields {
            if text.value().is_empty() {
                continue;
            }
            let Some(value) = number(&text.value()).filter(|v| vital.possible(*v)) else {
                return Err(FormError::Vital(*vital));
            };
            if !vital.is_plausible(value) {
                let (lo, hi) = vital.plausible();
                let (ja, en) = vital.label();
                outside.push(format!(
                    "{} {} {} ({}–{})",
                    lang.tr(ja, en),
                    shown(value),
                    vital.unit(),
                    shown(lo),
                    shown(hi)
                ));
            }
            visit.vitals.insert(*vital, value);
        }
        let write = Write::NursingVisit {
            patient_id: self.patient_id.clone(),
            visit: Box::new(visit),
            action: "nursing.vitals",
        };
        if outside.is_empty() {
            Ok(Submitted::Write(write))
        } else {
            Ok(Submitted::Confirm(Confirm::Vitals {
                write: Box::new(write),
                outside: outside.join("\n"),
            }))
        }
    }
}

/// What a vitals form leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    Write(Write),
    Confirm(Confirm),
}

impl Fields for VitalsForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        self.fields.iter().map(|(_, t)| t.into()).collect()
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        self.fields.get_mut(i).map(|(_, t)| t.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(values: &[(Vital, &str)]) -> VitalsForm {
        let day = crate::domain::parse_date("2026-12-02").expect("day");
        let mut f = VitalsForm::new(
            Lang::En,
            "p-0022".into(),
            NursingVisit::new("nv-1", day, "ns-ito"),
        );
        for (v, typed) in values {
            if let Some((_, t)) = f.fields.iter_mut().find(|(x, _)| x == v) {
                *t = Text::new("x", typed);
            }
        }
        f
    }

    fn recorded(s: Submitted) -> Vec<(Vital, f64)> {
        let write = match s {
            Submitted::Write(w) => w,
            Submitted::Confirm(Confirm::Vitals { write, .. }) => *write,
            other => panic!("{other:?}"),
        };
        let Write::NursingVisit { visit, .. } = write else {
            panic!("a visit write")
        };
        visit.vitals.into_iter().collect()
    }

    #[test]
    fn readings_in_range_are_recorded_full_width_digits_too() {
        let f = form(&[(Vital::SystolicBp, "１３２"), (Vital::Temperature, "36,8")]);
        let s = f.submit(Lang::En).expect("accepted");
        assert!(matches!(s, Submitted::Write(_)));
        assert_eq!(
            recorded(s),
            vec![(Vital::SystolicBp, 132.0), (Vital::Temperature, 36.8)]
        );
    }

    #[test]
    fn a_value_outside_the_range_asks_and_an_impossible_one_is_refused() {
        let s = form(&[(Vital::Pulse, "720")])
            .submit(Lang::En)
            .expect("asks");
        let Submitted::Confirm(Confirm::Vitals { outside, .. }) = &s else {
            panic!("a confirm step: {s:?}")
        };
        assert_eq!(outside, "pulse 720 /min (25–220)");
        assert_eq!(recorded(s), vec![(Vital::Pulse, 720.0)]);
        for typed in ["abc", "-3", "101"] {
            assert_eq!(
                form(&[(Vital::Spo2, typed)]).submit(Lang::En),
                Err(FormError::Vital(Vital::Spo2)),
                "{typed}"
            );
        }
    }

    #[test]
    fn blank_means_not_measured_and_clears_a_value() {
        let mut f = form(&[]);
        f.visit.vitals.insert(Vital::Weight, 51.0);
        let f = VitalsForm::new(Lang::En, f.patient_id.clone(), f.visit.clone());
        assert_eq!(f.fields[6].1.value(), "51");
        let mut cleared = f.clone();
        cleared.fields[6].1 = Text::new("x", "");
        assert!(recorded(cleared.submit(Lang::En).unwrap()).is_empty());
    }
}
