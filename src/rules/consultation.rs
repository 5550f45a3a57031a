//! The consultation being prepared, as the rules see it: plain recorded facts, not tied to the
//! store, every one optional — a fact left out means nothing was recorded.
//!
//! The same types are the JSON case format of `enkaku check --case FILE.json`
//! (see `docs/case-format.md`): field names here are the keys there.
//!
//! Long because it is the whole case format: every fact the rules read, each documented where it
//! is declared, which is what `docs/case-format.md` points readers to.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::{Date, HistorySource, IdentityDocument, Instant, Sex, VisitKind};

/// One consultation (診察) as the rules see it: what kind of visit, what is known of the patient,
/// what was agreed and checked, what is being prescribed, who is present and where.
///
/// A fact that is `None` was not recorded. Where the 指針 requires something to be confirmed, a
/// missing confirmation is itself a finding; where a fact would only ever reveal a problem (the
/// doctor is in another session, the patient has a communication difficulty), a missing fact is
/// not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    /// The kind of visit. Unrecorded, the rules assume the strictest (an online first visit).
    #[serde(default)]
    pub visit: Option<VisitKind>,
    #[serde(default, deserialize_with = "strict::object")]
    pub patient: PatientFacts,
    #[serde(default, deserialize_with = "strict::object")]
    pub consent: ConsentFacts,
    #[serde(default, deserialize_with = "strict::object")]
    pub care_plan: CarePlanFacts,
    #[serde(default, deserialize_with = "strict::object")]
    pub identity: IdentityFacts,
    #[serde(default, deserialize_with = "strict::objects")]
    pub prescriptions: Vec<PrescriptionLine>,
    /// Everyone present besides doctor, patient, the D to P nurse and partner doctor.
    #[serde(default, deserialize_with = "strict::objects")]
    pub attendees: Vec<AttendeeFacts>,
    #[serde(default, deserialize_with = "strict::object")]
    pub doctor: DoctorFacts,
    /// D to P with N: the nurse with the patient (指針 V.2(3)).
    #[serde(default, deserialize_with = "strict::object")]
    pub nurse: NurseFacts,
    /// D to P with D: the doctor with the patient (指針 V.2(4)).
    #[serde(default, deserialize_with = "strict::object")]
    pub partner_doctor: PartnerDoctorFacts,
    /// The per-consultation security confirmations (指針 V.2(5)).
    #[serde(default, deserialize_with = "strict::object")]
    pub security: SecurityChecks,
    #[serde(default, deserialize_with = "strict::object")]
    pub session: SessionFacts,
    /// What the 診療録 records for the insurance claim (事業者ガイドライン 5(1)).
    #[serde(default, deserialize_with = "strict::object")]
    pub billing_record: BillingRecord,
    /// 診療前相談 (指針 V.1(2)②ⅳ–ⅵ).
    #[serde(default, deserialize_with = "strict::object")]
    pub pre_consult: PreConsultFacts,
    /// Present when this is smoking-cessation care (禁煙外来) (指針 V.1(2)②ⅸ).
    #[serde(default, deserialize_with = "strict::optional_object")]
    pub smoking_cessation: Option<SmokingCessation>,
    /// Present when this is emergency-contraception care (緊急避妊) (指針 V.1(2)②ⅸ).
    #[serde(default, deserialize_with = "strict::optional_object")]
    pub emergency_contraception: Option<EmergencyContraception>,
}

/// What is known of the patient at this consultation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientFacts {
    /// This clinic's doctor is the patient's かかりつけの医師 (regular doctor).
    #[serde(default)]
    pub kakaritsuke_here: Option<bool>,
    /// The underlying conditions (基礎疾患等の情報) are known.
    #[serde(default)]
    pub history_known: Option<bool>,
    /// Where that information came from, as recorded in the chart (指針 V.1(2)②ⅲ).
    #[serde(default)]
    pub history_sources: Option<Vec<HistorySource>>,
    /// 急病急変: the patient is acutely ill or deteriorating.
    #[serde(default)]
    pub emergency: Option<bool>,
    /// Complaints as free text (a string or a list of strings), screened against the
    /// 日本医学会連合 red-flag symptoms.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub symptoms: Option<Vec<String>>,
    #[serde(default)]
    pub age: Option<u32>,
    #[serde(default)]
    pub sex: Option<Sex>,
    /// The doctor confirmed what the patient currently takes (指針 V.1(5)②ⅱ).
    #[serde(default)]
    pub current_medications_confirmed: Option<bool>,
    /// Current medications as 薬価基準収載医薬品コード.
    #[serde(default)]
    pub current_medications: Option<Vec<String>>,
}

impl PatientFacts {
    /// Whether the underlying conditions are known: as recorded, or, when nothing was recorded,
    /// because this clinic is the patient's かかりつけ.
    pub fn underlying_known(&self) -> bool {
        match self.history_known {
            Some(known) => known,
            None => self.kakaritsuke_here == Some(true),
        }
    }
}

/// The patient's agreement to online care (指針 V.1(1)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentFacts {
    /// The patient asked for online care explicitly.
    #[serde(default)]
    pub patient_requested: Option<bool>,
    /// What the doctor explained before the patient agreed.
    #[serde(default)]
    pub explained: Option<Vec<ExplainedTopic>>,
    /// Doctor and patient (or proxy) agreed to online care.
    #[serde(default)]
    pub agreed: Option<bool>,
    /// The agreement was given by a proxy (family member) for the patient.
    #[serde(default)]
    pub by_proxy: Option<bool>,
    /// The patient cannot communicate with the doctor well enough to agree alone (e.g. severe
    /// dementia), so a proxy must speak and agree for them (指針 V 前文).
    #[serde(default)]
    pub proxy_needed: Option<bool>,
    /// Doctor and patient agreed whether, and where, video and audio may be kept.
    #[serde(default)]
    pub recording_agreed: Option<bool>,
    /// Video or audio of this consultation will be kept on a device.
    #[serde(default)]
    pub recording_planned: Option<bool>,
}

/// What the doctor explains before the patient agrees (指針 V.1(1)②ⅳ, V.2(5)②1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplainedTopic {
    /// The information online is limited (no palpation), so in-person care must be combined.
    BenefitsAndRisks,
    /// The doctor decides at every consultation whether it can be held online.
    PerVisitJudgement,
    /// The contents of the 診療計画.
    CarePlan,
    /// When care switches to in person.
    SwitchToInPerson,
    /// Security risks and who is responsible for what.
    SecurityRisks,
    /// Fees and how they are paid.
    Fees,
}

impl ExplainedTopic {
    pub fn as_str(self) -> &'static str {
        match self {
            ExplainedTopic::BenefitsAndRisks => "benefits_and_risks",
            ExplainedTopic::PerVisitJudgement => "per_visit_judgement",
            ExplainedTopic::CarePlan => "care_plan",
            ExplainedTopic::SwitchToInPerson => "switch_to_in_person",
            ExplainedTopic::SecurityRisks => "security_risks",
            ExplainedTopic::Fees => "fees",
        }
    }
}

/// The 診療計画 (care plan) in force (指針 V.1(3)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarePlanFacts {
    /// A care plan exists. Unrecorded, a plan is assumed to exist when any of its other facts
    /// is recorded.
    #[serde(default)]
    pub present: Option<bool>,
    /// Which of the nine items the plan states.
    #[serde(default, deserialize_with = "strict::object")]
    pub items: CarePlanItems,
    /// The patient (or proxy) agreed to the plan.
    #[serde(default)]
    pub agreed: Option<bool>,
    /// Staff ids of the doctors the plan names (指針 V.1(2)②ⅷ).
    #[serde(default)]
    pub doctors: Option<Vec<String>>,
    /// The last day of online care under the plan; retention runs two years from it.
    #[serde(
        default,
        deserialize_with = "date_opt::deserialize",
        serialize_with = "date_opt::serialize"
    )]
    pub online_care_ended_on: Option<Date>,
    /// The date until which the clinic will keep the plan.
    #[serde(
        default,
        deserialize_with = "date_opt::deserialize",
        serialize_with = "date_opt::serialize"
    )]
    pub keep_until: Option<Date>,
    /// After an online first visit: the next steps (next consultation, where to go in person if
    /// worse) were explained (指針 V.1(3)②ⅱ).
    #[serde(default)]
    pub next_steps_explained: Option<bool>,
    /// A sudden deterioration the doctor could not handle is foreseen (指針 V.1(3)②ⅳ).
    #[serde(default)]
    pub deterioration_expected: Option<bool>,
    /// The hospital that would take the patient then has been given the records in advance.
    #[serde(default)]
    pub emergency_hospital_informed: Option<bool>,
    /// The patient can read the plan, on paper or electronically (指針 V.1(3)③ⅰ).
    #[serde(default)]
    pub patient_can_view: Option<bool>,
}

impl CarePlanFacts {
    /// Whether a plan exists, as recorded or inferred from its other facts.
    pub fn exists(&self) -> bool {
        match self.present {
            Some(present) => present,
            None => {
                self.agreed.is_some()
                    || self.doctors.is_some()
                    || self.items.recorded().any(|(_, _, value)| value.is_some())
            }
        }
    }
}

/// The nine items of 指針 V.1(3)②ⅰ: `true` when the plan states the item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarePlanItems {
    /// 1 オンライン診療で行う具体的な診療内容 (疾病名、治療内容等).
    #[serde(default)]
    pub care_content: Option<bool>,
    /// 2 オンライン診療と直接の対面診療、検査の組み合わせ (頻度やタイミング等).
    #[serde(default)]
    pub in_person_schedule: Option<bool>,
    /// 3 診療時間に関する事項 (予約制等).
    #[serde(default)]
    pub consultation_hours: Option<bool>,
    /// 4 オンライン診療の方法 (使用する情報通信機器等).
    #[serde(default)]
    pub method: Option<bool>,
    /// 5 オンライン診療を行わないと判断する条件と、対面診療に切り替える旨.
    #[serde(default)]
    pub stop_conditions: Option<bool>,
    /// 6 患者が診察に積極的に協力する必要がある旨.
    #[serde(default)]
    pub patient_cooperation: Option<bool>,
    /// 7 急病急変時の対応方針 (対応できる医療機関の明示).
    #[serde(default)]
    pub emergency_plan: Option<bool>,
    /// 8 担当する医師の氏名と、どの場合にどの医師が行うか (when several doctors take part).
    #[serde(default)]
    pub doctors: Option<bool>,
    /// 9 セキュリティリスクに関する責任の範囲.
    #[serde(default)]
    pub security_responsibility: Option<bool>,
}

impl CarePlanItems {
    /// The nine items in guideline order: (key, 日本語, stated?).
    pub fn recorded(&self) -> impl Iterator<Item = (&'static str, &'static str, Option<bool>)> {
        [
            ("care_content", "診療内容", self.care_content),
            (
                "in_person_schedule",
                "対面診療・検査との組み合わせ",
                self.in_person_schedule,
            ),
            ("consultation_hours", "診療時間", self.consultation_hours),
            ("method", "オンライン診療の方法", self.method),
            (
                "stop_conditions",
                "対面診療に切り替える条件",
                self.stop_conditions,
            ),
            (
                "patient_cooperation",
                "患者の協力",
                self.patient_cooperation,
            ),
            (
                "emergency_plan",
                "急病急変時の対応方針",
                self.emergency_plan,
            ),
            ("doctors", "担当医師", self.doctors),
            (
                "security_responsibility",
                "セキュリティの責任範囲",
                self.security_responsibility,
            ),
        ]
        .into_iter()
    }
}

/// How doctor and patient showed who they are (指針 V.1(4), V.2(5)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityFacts {
    /// The documents the patient showed at this consultation.
    #[serde(default)]
    pub patient_documents: Option<Vec<IdentityDocument>>,
    /// The doctor evidently knows the patient (社会通念上、当然に患者本人であると認識できる).
    #[serde(default)]
    pub patient_known_to_doctor: Option<bool>,
    /// The doctor showed an ID with a photograph.
    #[serde(default)]
    pub doctor_photo_id_shown: Option<bool>,
    /// The doctor showed their 医籍登録年.
    #[serde(default)]
    pub doctor_registration_year_shown: Option<bool>,
    /// The doctor showed their HPKI card (医師資格証).
    #[serde(default)]
    pub doctor_hpki_shown: Option<bool>,
    /// The doctor showed their 医師免許証.
    #[serde(default)]
    pub doctor_licence_shown: Option<bool>,
    /// The patient evidently knows the doctor (e.g. met them at an in-person first visit).
    #[serde(default)]
    pub doctor_known_to_patient: Option<bool>,
    /// The video runs over a general-purpose service (汎用サービス) rather than an online-care
    /// system that displays the doctor's photo ID and 医籍登録年 itself.
    #[serde(default)]
    pub general_purpose_video: Option<bool>,
}

/// One line of the prescription being written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionLine {
    /// The line's id in the encounter, carried into the findings about it (so an override can
    /// name the line).
    #[serde(default)]
    pub id: Option<String>,
    /// 薬価基準収載医薬品コード.
    #[serde(default)]
    pub drug: Option<String>,
    /// The name as written, for messages when the code is unknown.
    #[serde(default)]
    pub name: Option<String>,
    /// 投与日数.
    #[serde(default)]
    pub days: Option<u32>,
    /// Number of units (tablets); required for emergency contraception (one tablet).
    #[serde(default)]
    pub quantity: Option<u32>,
    /// This line is the emergency contraceptive (緊急避妊薬).
    #[serde(default)]
    pub emergency_contraception: Option<bool>,
    /// The need for this drug was assessed at an in-person visit (指針 V.1(5)④ⅰ).
    #[serde(default)]
    pub assessed_in_person: Option<bool>,
}

/// Someone present besides doctor and patient (family, carer, interpreter, trainee ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendeeFacts {
    #[serde(default)]
    pub name: Option<String>,
    /// 続柄 or role.
    #[serde(default)]
    pub role: Option<String>,
    /// The patient agreed to this person being present (指針 V.1(6)②ⅳ).
    #[serde(default)]
    pub consented: Option<bool>,
}

/// The doctor holding the consultation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorFacts {
    /// Staff id, compared with the doctors the care plan names.
    #[serde(default)]
    pub id: Option<String>,
    /// Completion of the MHLW-designated online-care training (指針 V.3(1)).
    #[serde(
        default,
        deserialize_with = "date_opt::deserialize",
        serialize_with = "date_opt::serialize"
    )]
    pub trained_on: Option<Date>,
    /// An obstetrician-gynaecologist (産婦人科医).
    #[serde(default)]
    pub obgyn: Option<bool>,
    /// Completion of the MHLW-designated emergency-contraception training.
    #[serde(
        default,
        deserialize_with = "date_opt::deserialize",
        serialize_with = "date_opt::serialize"
    )]
    pub emergency_contraception_trained_on: Option<Date>,
    /// The doctor is in another online consultation at the same time.
    #[serde(default)]
    pub in_other_session: Option<bool>,
    /// The doctor belongs to this clinic and has made that known (指針 V.2(1)②ⅰ).
    #[serde(default)]
    pub affiliated: Option<bool>,
    /// The doctor regularly makes home visits to this patient (D to P with N, 指針 V.2(3)③).
    #[serde(default)]
    pub regular_home_visits: Option<bool>,
    #[serde(default, deserialize_with = "strict::object")]
    pub location: DoctorPlace,
    /// Present when the doctor stands in for the one the care plan names (代診医).
    #[serde(default, deserialize_with = "strict::optional_object")]
    pub substitute: Option<SubstituteFacts>,
}

/// Where the doctor consults from (指針 V.2(1)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorPlace {
    #[serde(default)]
    pub in_clinic: Option<bool>,
    /// The room is physically isolated: no third party can see or hear.
    #[serde(default)]
    pub private: Option<bool>,
    /// The address or description when outside the clinic.
    #[serde(default)]
    pub description: Option<String>,
    /// Quiet enough and the network stable enough to judge properly.
    #[serde(default)]
    pub suitable: Option<bool>,
    /// The patient's records are at hand, as they would be in the clinic.
    #[serde(default)]
    pub records_accessible: Option<bool>,
}

/// A substitute doctor (代診医) the care plan did not name (指針 V.1(2)②ⅷ).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstituteFacts {
    /// The patient agreed to see the substitute.
    #[serde(default)]
    pub patient_consented: Option<bool>,
    /// A full handover, including the chart, was made.
    #[serde(default)]
    pub handover_done: Option<bool>,
}

/// The nurse with the patient at a D to P with N consultation (指針 V.2(3)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NurseFacts {
    #[serde(default)]
    pub present: Option<bool>,
    /// The doctor's instructions for the nurse, within the care plan and the 訪問看護指示書.
    #[serde(default)]
    pub instructions: Option<String>,
    /// The nurse belongs to the same clinic.
    #[serde(default)]
    pub same_clinic: Option<bool>,
    /// The nurse works under a 訪問看護指示書 from this doctor.
    #[serde(default)]
    pub visiting_nurse_order: Option<bool>,
}

/// The doctor with the patient at a D to P with D consultation (指針 V.2(4)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerDoctorFacts {
    #[serde(default)]
    pub present: Option<bool>,
    /// The partner is the patient's 主治医 and has already seen them in person.
    #[serde(default)]
    pub already_treating: Option<bool>,
    /// The remote doctor received enough information beforehand (診療情報提供書 etc.).
    #[serde(default)]
    pub information_provided: Option<bool>,
    /// The two doctors agreed in advance who is responsible if something goes wrong.
    #[serde(default)]
    pub responsibility_agreed: Option<bool>,
}

/// Confirmations made at the start of every consultation (指針 V.2(2), V.2(5)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityChecks {
    /// The patient is in a private space, physically isolated from others.
    #[serde(default)]
    pub privacy_confirmed: Option<bool>,
    /// Nobody uninvolved is in the doctor's room, and no third party is with the patient except
    /// those the patient agreed to.
    #[serde(default)]
    pub no_third_party_confirmed: Option<bool>,
    /// Neither side records, films or photographs without agreement.
    #[serde(default)]
    pub no_unagreed_recording_confirmed: Option<bool>,
    /// With a general-purpose service: the patient logged in and waited, and the doctor
    /// connected to them (医師側から患者側につなげる).
    #[serde(default)]
    pub patient_logged_in_before_connecting: Option<bool>,
}

/// How the consultation is held.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFacts {
    #[serde(default)]
    pub method: Option<Method>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub started_at: Option<Instant>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ended_at: Option<Instant>,
    /// The doctor judged the information obtained online sufficient (指針 V.1(6)②ⅰ).
    #[serde(default)]
    pub information_sufficient: Option<bool>,
    /// The consultation was stopped and the patient directed to in-person care.
    #[serde(default)]
    pub switched_to_in_person: Option<bool>,
}

/// The means of communication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Real-time video and audio.
    VideoAndAudio,
    /// Telephone or audio without video.
    AudioOnly,
    /// Text, photographs or recorded video only.
    TextOrPhotos,
}

/// What the 診療録 records for the insurance claim (事業者ガイドライン 5(1)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingRecord {
    /// 診療内容の要点.
    #[serde(default)]
    pub content: Option<bool>,
    /// 診療日.
    #[serde(default)]
    pub date: Option<bool>,
    /// 診療時間.
    #[serde(default)]
    pub time: Option<bool>,
    /// Where the doctor was, when outside the clinic.
    #[serde(default)]
    pub place: Option<bool>,
    /// What happens if the patient deteriorates: the かかりつけ's clinic, or why in-person care
    /// here is impossible, the hospital referred to, how, and the patient's consent.
    #[serde(default)]
    pub emergency_arrangement: Option<bool>,
    /// The statement that the consultation followed 指針 V.1(2) and the prescription V.1(5),
    /// in the chart and the 摘要欄.
    #[serde(default)]
    pub guideline_statement: Option<bool>,
}

/// The pre-consult (診療前相談) before a first online visit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreConsultFacts {
    /// A pre-consult was held before this first online visit.
    #[serde(default)]
    pub done: Option<bool>,
    /// The patient was told beforehand that online care may not follow and what the pre-consult
    /// costs (指針 V.1(2)②ⅵ).
    #[serde(default)]
    pub notice_given: Option<bool>,
}

/// Smoking-cessation care (禁煙外来) (指針 V.1(2)②ⅸ).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmokingCessation {
    /// Care is online only, without in-person visits.
    #[serde(default)]
    pub online_only: Option<bool>,
    /// Regular health checks rule out missed disease.
    #[serde(default)]
    pub regular_health_checks: Option<bool>,
}

/// Emergency contraception at an online first visit (指針 V.1(2)②ⅸ).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyContraception {
    /// Why an in-person visit is not possible.
    #[serde(default)]
    pub reason: Option<EcReason>,
    /// The tablet is prescribed for a community pharmacy (院外処方).
    #[serde(default)]
    pub out_of_clinic_prescription: Option<bool>,
    /// A trained pharmacist dispenses it and the patient takes it in front of them.
    #[serde(default)]
    pub pharmacist_observed: Option<bool>,
    /// In how many days the in-person OB/GYN follow-up is booked (about three weeks).
    #[serde(default)]
    pub obgyn_followup_days: Option<u32>,
    /// More reliable contraception was explained.
    #[serde(default)]
    pub contraception_counselled: Option<bool>,
    /// The patient may have been sexually assaulted.
    #[serde(default)]
    pub possible_sexual_assault: Option<bool>,
    /// Police, the one-stop support centre or (under 18) the child guidance centre were offered.
    #[serde(default)]
    pub support_offered: Option<bool>,
}

/// Why emergency contraception is given at an online first visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EcReason {
    /// No clinic within reach (地理的要因).
    Geographic,
    /// A doctor at (or working with) a women's health support desk judged an in-person visit too
    /// hard for her psychologically.
    Psychological,
}

/// Accepts `"text"` or `["text", ...]`.
fn one_or_many<'de, D>(deserializer: D) -> Result<Option<Vec<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a string or a list of strings")]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(
        Option::<OneOrMany>::deserialize(deserializer)?.map(|v| match v {
            OneOrMany::One(text) => vec![text],
            OneOrMany::Many(list) => list,
        }),
    )
}

/// Calendar dates as `YYYY-MM-DD`, the format of every date in Enkaku.
mod date_opt {
    use super::*;

    pub fn deserialize<'de, D>(deserializer: D) -> Result<Option<Date>, D::Error>
    where
        D: Deserializer<'de>,
    {
        let text = Option::<String>::deserialize(deserializer)?;
        match text {
            None => Ok(None),
            Some(text) => crate::domain::parse_date(&text).map(Some).map_err(|_| {
                serde::de::Error::custom(format!("invalid date {text:?}, expected YYYY-MM-DD"))
            }),
        }
    }

    pub fn serialize<S>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
    {
        match date {
            Some(date) => serializer.serialize_str(&crate::domain::format_date(*date)),
            None => serializer.serialize_none(),
        }
    }
}

/// Sections are JSON objects only: serde would otherwise also read a struct from an array, by
/// position, and `"patient": [true]` would pass for a case. `null` reads as "not recorded".
pub(crate) mod strict {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::value::MapAccessDeserializer;
    use serde::de::{MapAccess, Visitor};
    use serde::{Deserialize, Deserializer};

    /// A `T` that was written as a JSON object.
    pub(crate) struct Strict<T>(pub T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Strict<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct ObjectVisitor<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
                type Value = T;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map))
                }
            }
            deserializer
                .deserialize_map(ObjectVisitor(PhantomData))
                .map(Strict)
        }
    }

    pub(crate) fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default,
    {
        Ok(Option::<Strict<T>>::deserialize(deserializer)?
            .map(|s| s.0)
            .unwrap_or_default())
    }

    pub(crate) fn optional_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Strict<T>>::deserialize(deserializer)?.map(|s| s.0))
    }

    pub(crate) fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<Strict<T>>>::deserialize(deserializer)?
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.0)
            .collect())
    }
}
