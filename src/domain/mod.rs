//! The clinic's vocabulary as plain data: what the 「オンライン診療の適切な実施に関する指針」
//! talks about, in the clinic's words. No I/O happens here; the store persists these types and
//! the rules read them.

mod clinic;
mod drug;
mod encounter;
mod home_care;
mod patient;
pub mod pin;
mod queue;
mod session;
mod text;

pub use clinic::{
    CareTeam, Clinic, ClinicSettings, EARLIEST_REGISTRATION_YEAR, PartnerHospital, Role, Staff,
    TeamRoster, is_kana, parse_institution_code,
};
pub use drug::{DrugInfo, DrugLookup};
pub use encounter::{
    Addendum, Attendee, ChartNote, DoctorLocation, Encounter, Order, Outcome, OverriddenFinding,
    Override, Prescription, Referral, SignedFinding, VisitKind,
};
pub use home_care::{
    ConsultRequest, Limits, MedicationTaken, NursingInstructions, NursingVisit, Vital,
};
pub use patient::{
    Agreement, Allergy, AllergySeverity, CarePlan, Consent, ConsentTopic, Demographics,
    HistoryKnowledge, HistorySource, IdentityCheck, IdentityDocument, Insurance, InsuranceKind,
    Medication, Patient, Proxy, Sex, VerificationMethod,
};
pub use queue::{Payment, PaymentMethod, QueueDay, QueueEntry, QueueStatus, StatusChange};
pub use session::{CheckItem, SessionChecks};
pub use text::{fold_for_search, nfkc};

/// Instants are stored as RFC 3339 text in UTC so that every store and every export agrees.
pub type Instant = time::OffsetDateTime;

/// Calendar dates (dates of birth, agreement dates, queue days) as `YYYY-MM-DD`.
pub type Date = time::Date;

/// The format every calendar date is written in, in documents, CSV files and on the command line.
pub const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text.trim(), DATE_FORMAT)
}

/// Writes `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    // Formatting a Date with a fixed, valid description cannot fail.
    date.format(DATE_FORMAT).unwrap_or_default()
}

/// A value a person typed or a file gave that cannot be recorded, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidField {
    pub fn new(field: &'static str, reason: impl Into<String>) -> InvalidField {
        InvalidField {
            field,
            reason: reason.into(),
        }
    }
}

/// A fresh identifier for an entity created on this machine: random, so that two offline
/// devices never pick the same one.
pub fn new_id(prefix: &str) -> String {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", &uuid[..16])
}
