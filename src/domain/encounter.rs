//! Encounters (診察): one consultation of any kind, with who took part, where the doctor was,
//! when it started and ended, its outcome, its SOAP notes and its prescriptions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Instant, SessionChecks};

/// The kinds of visit the guideline distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 診療前相談: a pre-consult before a first online visit (指針 V.1(2)).
    PreConsult,
    /// オンライン診療 (初診).
    OnlineInitial,
    /// オンライン診療 (再診).
    OnlineFollowup,
    /// 対面診療.
    InPerson,
    /// D to P with N: a nurse is with the patient (指針 V.2(3)).
    DToPWithN,
    /// D to P with D: another doctor is with the patient (指針 V.2(4)).
    DToPWithD,
    /// 訪問看護: the home-care team's own visit, without the doctor.
    HomeNursing,
}

impl VisitKind {
    pub const ALL: [VisitKind; 7] = [
        VisitKind::PreConsult,
        VisitKind::OnlineInitial,
        VisitKind::OnlineFollowup,
        VisitKind::InPerson,
        VisitKind::DToPWithN,
        VisitKind::DToPWithD,
        VisitKind::HomeNursing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitKind::PreConsult => "pre_consult",
            VisitKind::OnlineInitial => "online_initial",
            VisitKind::OnlineFollowup => "online_followup",
            VisitKind::InPerson => "in_person",
            VisitKind::DToPWithN => "d_to_p_with_n",
            VisitKind::DToPWithD => "d_to_p_with_d",
            VisitKind::HomeNursing => "home_nursing",
        }
    }

    pub fn parse(text: &str) -> Option<VisitKind> {
        VisitKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Online in any form: the guideline's rules on method and place apply.
    pub fn is_online(self) -> bool {
        !matches!(self, VisitKind::InPerson | VisitKind::HomeNursing)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encounter {
    pub id: String,
    pub kind: VisitKind,
    /// Staff id of the doctor.
    #[serde(default)]
    pub doctor: Option<String>,
    /// Staff id of the nurse with the patient (D to P with N).
    #[serde(default)]
    pub nurse: Option<String>,
    /// Everyone else present, each with their consent (指針 V.1(6)).
    #[serde(default)]
    pub attendees: BTreeMap<String, Attendee>,
    #[serde(default)]
    pub doctor_location: Option<DoctorLocation>,
    /// Where the patient was (home, care facility, workplace ...).
    #[serde(default)]
    pub patient_location: String,
    #[serde(default)]
    pub chief_complaint: String,
    /// The queue entry this encounter came from.
    #[serde(default)]
    pub queue_entry: Option<String>,
    /// Video room name, unguessable.
    #[serde(default)]
    pub video_room: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub started_at: Option<Instant>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ended_at: Option<Instant>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub notes: BTreeMap<String, ChartNote>,
    #[serde(default)]
    pub prescriptions: BTreeMap<String, Prescription>,
    /// Blocks a doctor chose to override, each with a written reason.
    #[serde(default)]
    pub overrides: BTreeMap<String, Override>,
    /// The pre-flight checklist as the doctor ticked it, saved with each tick.
    #[serde(default)]
    pub checks: SessionChecks,
    /// How many times the video was launched again into the same room after a drop.
    #[serde(default)]
    pub video_relaunches: u32,
    #[serde(default)]
    pub signed_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub signed_at: Option<Instant>,
    /// The guideline findings in force when the doctor signed, as the screen showed them.
    #[serde(default)]
    pub signed_findings: Vec<SignedFinding>,
    /// The overrides (ids in `overrides`) the signature was given over.
    #[serde(default)]
    pub signed_overrides: Vec<String>,
    /// The nurse's visit record a D to P with N consultation was held from: her part of the
    /// encounter, authored by her (`Patient::nursing_visits`).
    #[serde(default)]
    pub nursing_visit: Option<String>,
    /// What the doctor ordered the nurse to do during a D to P with N consultation (指示).
    #[serde(default)]
    pub orders: BTreeMap<String, Order>,
    /// Corrections and additions after signing: the signed record itself is never changed
    /// (真正性, 医療情報システムの安全管理に関するガイドライン); each addendum sits beside it.
    #[serde(default)]
    pub addenda: BTreeMap<String, Addendum>,
}

/// A finding as it stood at the signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedFinding {
    pub rule: String,
    pub clause: String,
    /// `block`, `warn` or `info`.
    pub severity: String,
}

/// What was added to a signed encounter, by whom, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Addendum {
    pub id: String,
    /// Staff id.
    pub author: String,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: Instant,
    pub reason: String,
    pub text: String,
}

impl Encounter {
    pub fn new(id: impl Into<String>, kind: VisitKind) -> Encounter {
        Encounter {
            id: id.into(),
            kind,
            doctor: None,
            nurse: None,
            attendees: BTreeMap::new(),
            doctor_location: None,
            patient_location: String::new(),
            chief_complaint: String::new(),
            queue_entry: None,
            video_room: None,
            started_at: None,
            ended_at: None,
            outcome: None,
            notes: BTreeMap::new(),
            prescriptions: BTreeMap::new(),
            overrides: BTreeMap::new(),
            checks: SessionChecks::default(),
            video_relaunches: 0,
            signed_by: None,
            signed_at: None,
            signed_findings: Vec::new(),
            signed_overrides: Vec::new(),
            addenda: BTreeMap::new(),
            nursing_visit: None,
            orders: BTreeMap::new(),
        }
    }
}

/// An order the doctor gave the nurse during a D to P with N consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub text: String,
    /// Staff id of the doctor.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Instant,
}

/// A person present at the consultation other than doctor and patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    /// 続柄 or role (family, carer, interpreter, trainee ...).
    pub role: String,
    /// The patient agreed to this person being present (指針 V.1(6)).
    pub patient_consented: bool,
}

/// Where the doctor consulted from (指針 V.2(1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoctorLocation {
    /// Inside the clinic's own premises.
    pub in_clinic: bool,
    /// The address or description when outside the clinic (needed on the record for billing).
    #[serde(default)]
    pub description: String,
    /// The place is private enough that no third party can see or hear.
    #[serde(default)]
    pub private: bool,
}

/// How the encounter ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    /// 対面診療への切り替え (指針 V.1(2)).
    SwitchedToInPerson {
        reason: String,
        #[serde(default)]
        referral: Option<Referral>,
    },
    /// Ended without a consultation (connection failure, patient absent ...).
    Abandoned {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    /// Partner hospital id or free-text name.
    pub to: String,
    #[serde(default)]
    pub reason: String,
}

/// A SOAP chart note (診療録).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartNote {
    pub id: String,
    /// Staff id.
    pub author: String,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: Instant,
    #[serde(default)]
    pub subjective: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
}

/// One line of a prescription (処方).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prescription {
    pub id: String,
    /// 薬価基準収載医薬品コード.
    pub drug_code: String,
    pub drug_name: String,
    /// 用法・用量 as written (e.g. 「1回1錠 1日1回 就寝前」).
    pub dose: String,
    pub days: u32,
    /// Staff id.
    pub prescribed_by: String,
}

/// A block the doctor proceeded past, with the reason they wrote. It names exactly one finding:
/// the rule, and the prescription line when the finding is about one, so that overriding one
/// drug's block never covers another's and deleting the line withdraws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    #[serde(flatten)]
    pub finding: OverriddenFinding,
    pub reason: String,
    /// Staff id of the doctor.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Instant,
}

/// The finding an override was given over, as the doctor saw it when writing the reason.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OverriddenFinding {
    pub rule: String,
    /// The clause of the 指針 the rule enforces.
    #[serde(default)]
    pub clause: String,
    #[serde(default)]
    pub message_ja: String,
    #[serde(default)]
    pub message_en: String,
    /// The id of the prescription line the finding is about, if it is about one.
    #[serde(default)]
    pub line: Option<String>,
    /// That line's drug, so the record names it after the line is gone.
    #[serde(default)]
    pub drug_name: Option<String>,
}

impl Override {
    /// Whether this override is the one given over the finding of `rule` about `line`.
    pub fn covers(&self, rule: &str, line: Option<&str>) -> bool {
        self.finding.rule == rule && self.finding.line.as_deref() == line
    }
}

impl Encounter {
    /// Withdraws the overrides given over findings about the prescription line `id`; returns
    /// how many there were.
    pub fn withdraw_overrides_of_line(&mut self, id: &str) -> usize {
        let before = self.overrides.len();
        self.overrides
            .retain(|_, o| o.finding.line.as_deref() != Some(id));
        before - self.overrides.len()
    }
}
