//! The patient record outside encounters: who they are, what is known of them, how their
//! identity was checked, what they agreed to, and their care plans (診療計画).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Date, Encounter, Instant, NursingInstructions, NursingVisit};

/// One patient document: everything the clinic holds about one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    pub id: String,
    /// The clinic's own patient number (診察券番号, the レセコン's 患者番号), when it has one:
    /// re-importing a list from the レセコン updates the patient with the same number.
    #[serde(default)]
    pub patient_number: Option<String>,
    pub demographics: Demographics,
    #[serde(default)]
    pub insurance: Option<Insurance>,
    /// This clinic is the patient's かかりつけ (regular doctor) (指針 V.1(2)).
    #[serde(default)]
    pub kakaritsuke: bool,
    /// Whether the underlying conditions (基礎疾患) are known, and from where.
    #[serde(default)]
    pub history: HistoryKnowledge,
    /// The home-care team that looks after the patient, if any.
    #[serde(default)]
    pub care_team: Option<String>,
    /// Someone who speaks and agrees for a patient who cannot (指針 V.1(1)).
    #[serde(default)]
    pub proxy: Option<Proxy>,
    #[serde(default)]
    pub allergies: BTreeMap<String, Allergy>,
    #[serde(default)]
    pub medications: BTreeMap<String, Medication>,
    /// When the current medications were last confirmed with the patient (指針 V.1(5)).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub medications_confirmed_at: Option<Instant>,
    #[serde(default)]
    pub identity_checks: BTreeMap<String, IdentityCheck>,
    #[serde(default)]
    pub consents: BTreeMap<String, Consent>,
    #[serde(default)]
    pub care_plans: BTreeMap<String, CarePlan>,
    #[serde(default)]
    pub encounters: BTreeMap<String, Encounter>,
    /// The doctors who make regular home visits (訪問診療) to the patient, each with the day
    /// they recorded it (指針 V.2(3)③: D to P with N is, as a rule, by such a doctor).
    #[serde(default)]
    pub home_visit_doctors: BTreeMap<String, Date>,
    /// 訪問看護指示書 written for the patient's home-care team.
    #[serde(default)]
    pub nursing_instructions: BTreeMap<String, NursingInstructions>,
    /// The home-care team's visit records.
    #[serde(default)]
    pub nursing_visits: BTreeMap<String, NursingVisit>,
}

impl Patient {
    /// The allergies in the order people read them: by substance, then by id. Their ids are
    /// random, so the map's own order would shuffle the list from one recording to the next.
    pub fn allergies_in_order(&self) -> Vec<(&str, &Allergy)> {
        let mut list: Vec<(&str, &Allergy)> = self
            .allergies
            .iter()
            .map(|(id, a)| (id.as_str(), a))
            .collect();
        list.sort_by(|a, b| (&a.1.substance, a.0).cmp(&(&b.1.substance, b.0)));
        list
    }

    /// The 訪問看護指示書 in force on `day`: the latest written of those whose period holds it.
    pub fn instructions_on(&self, day: Date) -> Option<&NursingInstructions> {
        self.nursing_instructions
            .values()
            .filter(|i| i.in_force_on(day))
            .max_by_key(|i| (i.written_at, i.id.clone()))
    }

    /// The nursing visit that answers the queue entry `entry`, if one was begun.
    pub fn visit_for_entry(&self, entry: &str) -> Option<&NursingVisit> {
        self.nursing_visits
            .values()
            .find(|v| v.queue_entry.as_deref() == Some(entry))
    }

    /// The current medications by name, then by id, for the same reason.
    pub fn medications_in_order(&self) -> Vec<(&str, &Medication)> {
        let mut list: Vec<(&str, &Medication)> = self
            .medications
            .iter()
            .map(|(id, m)| (id.as_str(), m))
            .collect();
        list.sort_by(|a, b| (&a.1.name, a.0).cmp(&(&b.1.name, b.0)));
        list
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demographics {
    /// 氏名 (漢字).
    pub name_kanji: String,
    /// 氏名 (カナ).
    pub name_kana: String,
    pub date_of_birth: Date,
    pub sex: Sex,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
}

impl Demographics {
    /// Whether these demographics can be recorded on `today`: both names present, a date of
    /// birth that is not in the future nor more than 130 years ago.
    pub fn check(&self, today: Date) -> Result<(), super::InvalidField> {
        if self.name_kanji.trim().is_empty() {
            return Err(super::InvalidField::new("name_kanji", "the name is empty"));
        }
        if self.name_kana.trim().is_empty() {
            return Err(super::InvalidField::new(
                "name_kana",
                "the kana name is empty",
            ));
        }
        if self.date_of_birth > today {
            return Err(super::InvalidField::new(
                "date_of_birth",
                format!(
                    "{} is in the future",
                    super::format_date(self.date_of_birth)
                ),
            ));
        }
        if today.year() - self.date_of_birth.year() > 130 {
            return Err(super::InvalidField::new(
                "date_of_birth",
                format!(
                    "{} is more than 130 years ago",
                    super::format_date(self.date_of_birth)
                ),
            ));
        }
        Ok(())
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> i32 {
        let mut age = on.year() - self.date_of_birth.year();
        if (on.month() as u8, on.day())
            < (self.date_of_birth.month() as u8, self.date_of_birth.day())
        {
            age -= 1;
        }
        age
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
}

/// 保険: what the clinic bills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insurance {
    pub kind: InsuranceKind,
    /// 保険者番号.
    pub insurer_number: String,
    /// 記号・番号.
    #[serde(default)]
    pub member_symbol_number: String,
    #[serde(default)]
    pub valid_until: Option<Date>,
    /// 負担割合 (%).
    #[serde(default)]
    pub copay_percent: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceKind {
    /// 社会保険 / 協会けんぽ / 組合.
    Employee,
    /// 国民健康保険.
    National,
    /// 後期高齢者医療.
    LateElderly,
    /// 生活保護 (医療扶助).
    PublicAssistance,
    /// 自費.
    SelfPay,
}

/// What is known of the patient's underlying conditions (基礎疾患の情報) and where it came from
/// (指針 V.1(2): 「過去の診療録、診療情報提供書、健康診断の結果、地域医療情報ネットワーク、お薬手帳、PHR」).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryKnowledge {
    pub known: bool,
    #[serde(default)]
    pub sources: Vec<HistorySource>,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistorySource {
    /// 過去の診療録.
    PastRecords,
    /// 診療情報提供書.
    ReferralLetter,
    /// 健康診断の結果.
    HealthCheck,
    /// 地域医療情報連携ネットワーク.
    RegionalNetwork,
    /// お薬手帳.
    MedicationNotebook,
    /// Personal Health Record.
    Phr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proxy {
    pub name: String,
    /// 続柄.
    pub relationship: String,
    #[serde(default)]
    pub phone: String,
    /// Why the patient cannot communicate with the doctor themselves.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allergy {
    pub substance: String,
    #[serde(default)]
    pub reaction: String,
    #[serde(default)]
    pub severity: AllergySeverity,
}

/// How bad a reaction was, as the patient or the records tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllergySeverity {
    /// Not known or not recorded.
    #[default]
    Unknown,
    /// 軽度.
    Mild,
    /// 中等度.
    Moderate,
    /// 重度 (anaphylaxis and the like).
    Severe,
}

impl AllergySeverity {
    pub const ALL: [AllergySeverity; 4] = [
        AllergySeverity::Unknown,
        AllergySeverity::Mild,
        AllergySeverity::Moderate,
        AllergySeverity::Severe,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AllergySeverity::Unknown => "unknown",
            AllergySeverity::Mild => "mild",
            AllergySeverity::Moderate => "moderate",
            AllergySeverity::Severe => "severe",
        }
    }

    pub fn parse(text: &str) -> Option<AllergySeverity> {
        AllergySeverity::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A current medication (服用中の薬), from the clinic's own prescriptions or another source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Medication {
    /// 薬価基準収載医薬品コード when known.
    #[serde(default)]
    pub drug_code: Option<String>,
    pub name: String,
    #[serde(default)]
    pub dose: String,
    #[serde(default)]
    pub source: Option<HistorySource>,
}

/// One identity check (本人確認): which documents were seen, by whom, when and how (指針 V.1(4)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityCheck {
    pub id: String,
    pub documents: Vec<IdentityDocument>,
    /// Staff id of whoever saw the documents.
    pub checked_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: Instant,
    pub method: VerificationMethod,
}

impl IdentityCheck {
    /// Documents that carry a photograph of the holder.
    pub fn photo_documents(&self) -> usize {
        self.documents.iter().filter(|d| d.has_photo()).count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityDocument {
    /// マイナンバーカード (photo).
    MyNumberCard,
    /// 運転免許証 (photo).
    DriversLicence,
    /// 旅券 (photo).
    Passport,
    /// 在留カード (photo).
    ResidenceCard,
    /// 身体障害者手帳 (photo).
    DisabilityCertificate,
    /// 被保険者証 / 資格確認書 (no photo).
    InsuranceCard,
    /// 年金手帳 and other documents without a photo.
    OtherWithoutPhoto,
}

impl IdentityDocument {
    pub fn has_photo(self) -> bool {
        !matches!(
            self,
            IdentityDocument::InsuranceCard | IdentityDocument::OtherWithoutPhoto
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// At the counter.
    InPerson,
    /// Held up to the camera during the video session.
    OnVideo,
    /// Online qualification check of the My Number card (オンライン資格確認).
    OnlineQualification,
}

/// A consent (同意) to online care (指針 V.1(1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    pub id: String,
    /// The patient asked for online care explicitly (「患者が医師に対して明示的に要求」).
    pub patient_requested: bool,
    /// What the doctor explained before the patient agreed.
    pub explained: Vec<ConsentTopic>,
    pub agreed_by: Agreement,
    #[serde(with = "time::serde::rfc3339")]
    pub agreed_at: Instant,
    /// Staff id of the doctor who took the consent.
    pub recorded_by: String,
    /// Agreement on whether video and audio may be recorded, and where (指針 V.1(3)②ⅲ).
    #[serde(default)]
    pub recording_agreed: bool,
    /// The care plan this consent covers, if it was agreed together.
    #[serde(default)]
    pub care_plan: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentTopic {
    /// オンライン診療の利点と危険性 (benefits, risks, limits of what can be examined).
    BenefitsAndRisks,
    /// 診療計画の内容.
    CarePlan,
    /// When care switches to in person.
    SwitchToInPerson,
    /// セキュリティリスクと責任の所在 (指針 V.2(5)).
    SecurityRisks,
    /// Fees and how they are paid.
    Fees,
}

/// Who agreed: the patient, or a proxy for one who cannot communicate (指針 V.1(1)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Agreement {
    Patient,
    Proxy { name: String, relationship: String },
}

/// 診療計画: the nine items of 指針 V.1(3)②ⅰ, agreed with the patient and kept two years from
/// the end of online care.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CarePlan {
    pub id: String,
    /// ⅰ-1 オンライン診療で行う具体的な診療内容 (疾病名、治療内容等).
    #[serde(default)]
    pub care_content: String,
    /// ⅰ-2 オンライン診療と直接の対面診療、検査の組み合わせ (頻度やタイミング等).
    #[serde(default)]
    pub in_person_schedule: String,
    /// ⅰ-3 診療時間に関する事項 (予約制等).
    #[serde(default)]
    pub consultation_hours: String,
    /// ⅰ-4 オンライン診療の方法 (使用する情報通信機器等).
    #[serde(default)]
    pub method: String,
    /// ⅰ-5 オンライン診療を行わないと判断する条件と、対面診療に切り替える旨.
    #[serde(default)]
    pub stop_conditions: String,
    /// ⅰ-6 患者が診察に積極的に協力する必要がある旨.
    #[serde(default)]
    pub patient_cooperation: String,
    /// ⅰ-7 急病急変時の対応方針 (対応できる医療機関の明示).
    #[serde(default)]
    pub emergency_plan: String,
    #[serde(default)]
    pub emergency_hospital: Option<String>,
    /// ⅰ-8 複数の医師が行う場合、その医師の氏名と、どの場合にどの医師が行うか.
    #[serde(default)]
    pub doctors: Vec<String>,
    #[serde(default)]
    pub doctor_rotation: String,
    /// ⅰ-9 セキュリティリスクに関する責任の範囲.
    #[serde(default)]
    pub security_responsibility: String,
    /// Staff id of the doctor who drew it up.
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub agreed_on: Option<Date>,
    /// The last day of online care under this plan; retention runs two years from it.
    #[serde(default)]
    pub online_care_ended_on: Option<Date>,
}

impl CarePlan {
    /// The nine items in guideline order, with their labels, for checks and for the chart.
    pub fn items(&self) -> [(&'static str, &'static str, bool); 9] {
        [
            (
                "care_content",
                "診療内容",
                !self.care_content.trim().is_empty(),
            ),
            (
                "in_person_schedule",
                "対面診療・検査との組み合わせ",
                !self.in_person_schedule.trim().is_empty(),
            ),
            (
                "consultation_hours",
                "診療時間",
                !self.consultation_hours.trim().is_empty(),
            ),
            (
                "method",
                "オンライン診療の方法",
                !self.method.trim().is_empty(),
            ),
            (
                "stop_conditions",
                "対面診療に切り替える条件",
                !self.stop_conditions.trim().is_empty(),
            ),
            (
                "patient_cooperation",
                "患者の協力",
                !self.patient_cooperation.trim().is_empty(),
            ),
            (
                "emergency_plan",
                "急病急変時の対応方針",
                !self.emergency_plan.trim().is_empty(),
            ),
            (
                "doctors",
                "担当医師",
                // Names and who consults when are needed only when several doctors share it.
                self.doctors.len() <= 1 || !self.doctor_rotation.trim().is_empty(),
            ),
            (
                "security_responsibility",
                "セキュリティの責任範囲",
                !self.security_responsibility.trim().is_empty(),
            ),
        ]
    }

    /// The date until which the plan must be kept: two years after online care ended
    /// (指針 V.1(3)②ⅰ); `None` while online care continues.
    pub fn retain_until(&self) -> Option<Date> {
        let ended = self.online_care_ended_on?;
        ended.replace_year(ended.year() + 2).ok().or_else(|| {
            ended
                .replace_day(28)
                .ok()
                .and_then(|d| d.replace_year(ended.year() + 2).ok())
        })
    }
}
