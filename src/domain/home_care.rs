//! Home-care nursing (訪問看護): the doctor's instructions (訪問看護指示書) with the limits past
//! which the nurse reports, and the nurse's record of one visit: arrival and leaving, vitals,
//! observations and care, medications taken or missed, photos by file name, and a request for a
//! D to P with N consultation (指針 V.2(3)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Date, Instant};

/// A vital sign the nurse measures, with its unit and the range a real measurement falls in:
/// a value outside it is far more likely a typing slip than a patient, and is confirmed before it
/// is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vital {
    SystolicBp,
    DiastolicBp,
    Pulse,
    Temperature,
    Spo2,
    RespiratoryRate,
    Weight,
    BloodGlucose,
    /// 0 (none) to 10 (worst imaginable).
    Pain,
}

impl Vital {
    pub const ALL: [Vital; 9] = [
        Vital::SystolicBp,
        Vital::DiastolicBp,
        Vital::Pulse,
        Vital::Temperature,
        Vital::Spo2,
        Vital::RespiratoryRate,
        Vital::Weight,
        Vital::BloodGlucose,
        Vital::Pain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Vital::SystolicBp => "systolic_bp",
            Vital::DiastolicBp => "diastolic_bp",
            Vital::Pulse => "pulse",
            Vital::Temperature => "temperature",
            Vital::Spo2 => "spo2",
            Vital::RespiratoryRate => "respiratory_rate",
            Vital::Weight => "weight",
            Vital::BloodGlucose => "blood_glucose",
            Vital::Pain => "pain",
        }
    }

    /// The name in Japanese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Vital::SystolicBp => ("収縮期血圧", "systolic BP"),
            Vital::DiastolicBp => ("拡張期血圧", "diastolic BP"),
            Vital::Pulse => ("脈拍", "pulse"),
            Vital::Temperature => ("体温", "temperature"),
            Vital::Spo2 => ("SpO2", "SpO2"),
            Vital::RespiratoryRate => ("呼吸数", "respiratory rate"),
            Vital::Weight => ("体重", "weight"),
            Vital::BloodGlucose => ("血糖", "blood glucose"),
            Vital::Pain => ("痛み (NRS)", "pain (NRS)"),
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Vital::SystolicBp | Vital::DiastolicBp => "mmHg",
            Vital::Pulse => "/min",
            Vital::Temperature => "℃",
            Vital::Spo2 => "%",
            Vital::RespiratoryRate => "/min",
            Vital::Weight => "kg",
            Vital::BloodGlucose => "mg/dL",
            Vital::Pain => "/10",
        }
    }

    /// The range a measurement on a living patient falls in, inclusive.
    pub fn plausible(self) -> (f64, f64) {
        match self {
            Vital::SystolicBp => (50.0, 260.0),
            Vital::DiastolicBp => (20.0, 160.0),
            Vital::Pulse => (25.0, 220.0),
            Vital::Temperature => (32.0, 42.5),
            Vital::Spo2 => (50.0, 100.0),
            Vital::RespiratoryRate => (4.0, 60.0),
            Vital::Weight => (2.0, 250.0),
            Vital::BloodGlucose => (20.0, 800.0),
            Vital::Pain => (0.0, 10.0),
        }
    }

    /// Whether `value` is a measurement at all: a number within what any meter shows (a
    /// negative pulse or an SpO2 over 100 % is not a reading, confirmed or not).
    pub fn possible(self, value: f64) -> bool {
        let max = match self {
            Vital::Spo2 => 100.0,
            Vital::Pain => 10.0,
            _ => 1000.0,
        };
        value.is_finite() && (0.0..=max).contains(&value)
    }

    pub fn is_plausible(self, value: f64) -> bool {
        let (lo, hi) = self.plausible();
        (lo..=hi).contains(&value)
    }
}

/// The limits of one vital sign past which the nurse reports to the doctor.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Limits {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl Limits {
    /// Whether `value` lies outside these limits.
    pub fn exceeded_by(&self, value: f64) -> bool {
        self.min.is_some_and(|m| value < m) || self.max.is_some_and(|m| value > m)
    }
}

/// 訪問看護指示書: what the doctor asks the team to observe and to report, for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NursingInstructions {
    pub id: String,
    /// Staff id of the doctor who wrote them.
    pub doctor: String,
    pub valid_from: Date,
    pub valid_to: Date,
    /// What to observe (観察項目).
    #[serde(default)]
    pub observe: String,
    /// What to report, and when (報告事項).
    #[serde(default)]
    pub report: String,
    /// The limits past which a vital sign is flagged for the doctor.
    #[serde(default)]
    pub thresholds: BTreeMap<Vital, Limits>,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: Instant,
}

impl NursingInstructions {
    pub fn in_force_on(&self, day: Date) -> bool {
        self.valid_from <= day && day <= self.valid_to
    }
}

/// Whether a current medication was taken as prescribed since the last visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicationTaken {
    pub taken: bool,
    #[serde(default)]
    pub note: String,
}

/// The nurse's request that the doctor join the visit on video (D to P with N).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultRequest {
    /// Staff id of the nurse.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Instant,
    pub reason: String,
}

/// The nurse's record of one home visit. It is hers: the doctor's part of a D to P with N
/// consultation is the encounter, which names this record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NursingVisit {
    pub id: String,
    /// The queue entry of the team's day this visit answers, if any.
    #[serde(default)]
    pub queue_entry: Option<String>,
    pub day: Date,
    /// Staff id of the nurse.
    pub nurse: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub arrived_at: Option<Instant>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub left_at: Option<Instant>,
    #[serde(default)]
    pub vitals: BTreeMap<Vital, f64>,
    /// Observations and care given (観察・実施したケア).
    #[serde(default)]
    pub note: String,
    /// By the id of the patient's current medication.
    #[serde(default)]
    pub medications: BTreeMap<String, MedicationTaken>,
    /// Photos taken on the visit, by file name only: no image data goes into the documents.
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub request: Option<ConsultRequest>,
}

impl NursingVisit {
    pub fn new(id: impl Into<String>, day: Date, nurse: impl Into<String>) -> NursingVisit {
        NursingVisit {
            id: id.into(),
            queue_entry: None,
            day,
            nurse: nurse.into(),
            arrived_at: None,
            left_at: None,
            vitals: BTreeMap::new(),
            note: String::new(),
            medications: BTreeMap::new(),
            photos: Vec::new(),
            request: None,
        }
    }

    /// The vitals past the limits of `instructions`, to flag for the doctor.
    pub fn flags(&self, instructions: Option<&NursingInstructions>) -> Vec<(Vital, f64, Limits)> {
        let Some(i) = instructions else {
            return Vec::new();
        };
        self.vitals
            .iter()
            .filter_map(|(v, value)| {
                let limits = i.thresholds.get(v)?;
                limits.exceeded_by(*value).then_some((*v, *value, *limits))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> Date {
        super::super::parse_date(d).expect("a date")
    }

    #[test]
    fn values_outside_the_doctors_limits_are_flagged() {
        let mut visit = NursingVisit::new("nv-1", day("2026-12-02"), "ns-ito");
        visit.vitals.insert(Vital::Spo2, 89.0);
        visit.vitals.insert(Vital::Temperature, 36.8);
        visit.vitals.insert(Vital::SystolicBp, 182.0);
        let instructions = NursingInstructions {
            id: "ni-1".into(),
            doctor: "dr-sato".into(),
            valid_from: day("2026-12-01"),
            valid_to: day("2027-05-31"),
            observe: "呼吸状態".into(),
            report: "SpO2 90% 未満".into(),
            thresholds: BTreeMap::from([
                (
                    Vital::Spo2,
                    Limits {
                        min: Some(90.0),
                        max: None,
                    },
                ),
                (
                    Vital::Temperature,
                    Limits {
                        min: None,
                        max: Some(37.5),
                    },
                ),
            ]),
            written_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let flags: Vec<Vital> = visit
            .flags(Some(&instructions))
            .into_iter()
            .map(|f| f.0)
            .collect();
        // Blood pressure has no limit set: it is recorded, not flagged.
        assert_eq!(flags, vec![Vital::Spo2]);
        assert!(visit.flags(None).is_empty());
        assert!(instructions.in_force_on(day("2026-12-02")));
        assert!(!instructions.in_force_on(day("2027-06-01")));
    }

    #[test]
    fn plausible_and_possible_readings() {
        assert!(Vital::Pulse.is_plausible(72.0));
        assert!(!Vital::Pulse.is_plausible(720.0));
        assert!(Vital::Pulse.possible(720.0), "confirmable, not impossible");
        assert!(!Vital::Spo2.possible(101.0));
        assert!(!Vital::Temperature.possible(-1.0));
        assert!(!Vital::Pain.possible(f64::NAN));
        for v in Vital::ALL {
            let (lo, hi) = v.plausible();
            assert!(lo < hi && v.possible(lo) && v.possible(hi), "{v:?}");
        }
    }
}
