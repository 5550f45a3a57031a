//! The guideline as code: pure rule functions over one consultation that return findings, each
//! naming the clause of the 「オンライン診療の適切な実施に関する指針」 (or of the vendor guideline
//! the clinic signed) that it implements.
//!
//! [`evaluate`] runs every rule; [`catalogue`] lists them; [`parse_case`] reads the JSON case
//! format of `enkaku check`.

mod case;
mod catalogue;
pub mod compliance;
mod consultation;
pub mod facts;
mod finding;
pub mod red_flags;

mod billing;
mod care_plan;
mod consent;
mod eligibility;
mod exceptions;
mod identity;
mod method;
mod place;
mod prescribing;
mod security;
mod teams;
mod training;

pub use case::{
    CaseError, EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID_CASE, catalogue_json, catalogue_text,
    exit_code, findings_json, findings_text, parse_case,
};
pub use catalogue::{catalogue, rule_info};
pub use consultation::{
    AttendeeFacts, BillingRecord, CarePlanFacts, CarePlanItems, ConsentFacts, Consultation,
    DoctorFacts, DoctorPlace, EcReason, EmergencyContraception, ExplainedTopic, IdentityFacts,
    Method, NurseFacts, PartnerDoctorFacts, PatientFacts, PreConsultFacts, PrescriptionLine,
    SecurityChecks, SessionFacts, SmokingCessation, SubstituteFacts,
};
pub use finding::{Finding, Resolution, RuleInfo, Severity};

use crate::domain::{Date, DrugInfo, DrugLookup, Instant, VisitKind, nfkc};

/// Every finding of every rule for `ctx`, blocks first, then warnings, then information; within
/// a severity in guideline order.
pub fn evaluate(ctx: &Consultation, drugs: &dyn DrugLookup, now: Instant) -> Vec<Finding> {
    let facts = Facts::new(ctx, drugs, now);
    let mut findings: Vec<Finding> = RULES.iter().flat_map(|rule| rule(&facts)).collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Rule ids whose blocks must be cleared before the video starts: everything but what can only
/// be settled during or after the consultation (prescriptions, billing records, next steps).
pub fn gates_start(rule: &str) -> bool {
    !(rule.starts_with("rx.")
        || rule.starts_with("billing.")
        || rule == "care_plan.next_steps"
        || rule == "method.session_times")
}

/// A rule: facts in, findings out; no I/O.
type Rule = fn(&Facts) -> Vec<Finding>;

/// Every rule function, in guideline order.
const RULES: &[Rule] = &[
    eligibility::visit_kind_recorded,
    consent::agreement,
    consent::patient_request,
    consent::explanation,
    consent::proxy,
    eligibility::initial_basis,
    eligibility::history_sources,
    eligibility::emergency,
    eligibility::red_flag,
    eligibility::red_flag_followup,
    eligibility::communication,
    eligibility::pre_consult_notice,
    teams::named_doctors,
    teams::substitute,
    exceptions::smoking_cessation,
    exceptions::ec_doctor_qualified,
    exceptions::ec_reason,
    exceptions::ec_single_tablet,
    exceptions::ec_pharmacist_observed,
    exceptions::ec_followup,
    exceptions::ec_counselling,
    exceptions::ec_safeguarding,
    care_plan::missing,
    care_plan::items,
    care_plan::agreement,
    care_plan::retention,
    care_plan::next_steps,
    care_plan::recording,
    care_plan::emergency_handover,
    care_plan::patient_access,
    identity::doctor_licence,
    identity::doctor_photo_id,
    identity::doctor_hpki,
    identity::patient,
    identity::patient_initial_documents,
    prescribing::pre_consult,
    prescribing::initial_narcotic,
    prescribing::initial_psychotropic,
    prescribing::initial_high_risk,
    prescribing::initial_long_course,
    prescribing::initial_unknown_drug,
    prescribing::current_medications,
    prescribing::pde5_unverified,
    prescribing::pde5_contraindicated,
    prescribing::misuse_watch,
    prescribing::duplicate_ingredient,
    prescribing::unknown_drug,
    method::insufficient_information,
    method::video_audio,
    method::one_patient,
    method::attendee_consent,
    method::session_times,
    place::doctor_affiliation,
    place::doctor_unsuitable,
    place::doctor_records,
    place::doctor_private,
    teams::dpn_nurse_present,
    teams::dpn_instructions,
    teams::dpn_team,
    teams::dpd_partner_present,
    teams::dpd_partner_treating,
    teams::dpd_information,
    teams::dpd_responsibility,
    security::patient_privacy,
    security::third_party,
    security::recording,
    security::doctor_connects,
    security::risk_explained,
    training::doctor,
    billing::content,
    billing::date,
    billing::time,
    billing::place,
    billing::emergency_arrangement,
    billing::guideline_statement,
];

/// What every rule reads: the consultation, the visit kind it is judged as, the drugs resolved
/// once against the drug master, and the time of evaluation.
pub(crate) struct Facts<'a> {
    pub c: &'a Consultation,
    /// The recorded kind, or an online first visit (the strictest) when none was recorded.
    pub kind: VisitKind,
    pub prescriptions: Vec<Line<'a>>,
    pub current: Vec<Line<'a>>,
    pub drugs: &'a dyn DrugLookup,
    pub now: Instant,
}

/// A prescription line or current medication with its drug-master entry.
pub(crate) struct Line<'a> {
    /// The prescription line; `None` for a current medication.
    pub line: Option<&'a PrescriptionLine>,
    /// The normalised code, when one was given.
    pub code: Option<String>,
    pub info: Option<DrugInfo>,
}

impl Line<'_> {
    /// The name for messages: the master's, else as written, else the code.
    pub fn label(&self) -> String {
        if let Some(info) = &self.info {
            return info.name.clone();
        }
        if let Some(name) = self.line.and_then(|l| l.name.as_deref())
            && !name.trim().is_empty()
        {
            return name.trim().to_string();
        }
        match &self.code {
            Some(code) => code.clone(),
            None => "(コードなし / no code)".to_string(),
        }
    }

    /// The id of the prescription line, for findings about it.
    pub fn id(&self) -> Option<&str> {
        self.line.and_then(|l| l.id.as_deref())
    }

    pub fn is_emergency_contraception(&self) -> bool {
        self.line.and_then(|l| l.emergency_contraception) == Some(true)
    }
}

impl<'a> Facts<'a> {
    fn new(c: &'a Consultation, drugs: &'a dyn DrugLookup, now: Instant) -> Facts<'a> {
        let resolve = |code: Option<&String>| {
            let code = code.map(|c| nfkc(c)).filter(|c| !c.is_empty());
            let info = code.as_deref().and_then(|c| drugs.drug(c));
            (code, info)
        };
        let prescriptions = c
            .prescriptions
            .iter()
            .map(|line| {
                let (code, info) = resolve(line.drug.as_ref());
                Line {
                    line: Some(line),
                    code,
                    info,
                }
            })
            .collect();
        let current = c
            .patient
            .current_medications
            .iter()
            .flatten()
            .map(|code| {
                let (code, info) = resolve(Some(code));
                Line {
                    line: None,
                    code,
                    info,
                }
            })
            .collect();
        Facts {
            c,
            kind: c.visit.unwrap_or(VisitKind::OnlineInitial),
            prescriptions,
            current,
            drugs,
            now,
        }
    }

    /// Any online contact, pre-consults included.
    pub fn online(&self) -> bool {
        self.kind.is_online()
    }

    /// Online care proper: online, and not a pre-consult.
    pub fn online_care(&self) -> bool {
        self.kind.is_online() && self.kind != VisitKind::PreConsult
    }

    /// An online first visit.
    pub fn initial(&self) -> bool {
        self.kind == VisitKind::OnlineInitial
    }

    /// Visits that run under a care plan naming its doctors. An online first visit precedes
    /// the plan (its next steps are explained instead); at D to P with D the plan is the
    /// 主治医's.
    pub fn under_care_plan(&self) -> bool {
        matches!(self.kind, VisitKind::OnlineFollowup | VisitKind::DToPWithN)
    }

    /// Visits whose agreement must include the care plan's rules: those under a care plan, and
    /// an online first visit too. 指針 V.1(3)②ⅱ spares care that starts online the plan drawn up
    /// after an in-person assessment, but V.1(1)② makes the plan's concrete rules of online care
    /// part of what doctor and patient agree before consulting online at all, so Enkaku asks for
    /// them up front. The one-off emergency-contraception visit of V.1(2)②ⅸ, which carries
    /// conditions of its own, is the exception.
    pub fn plan_agreed_before(&self) -> bool {
        self.under_care_plan() || (self.initial() && self.c.emergency_contraception.is_none())
    }

    /// Today in Japan: training dates are clinic (JST) days, whatever offset `now` carries.
    pub fn today(&self) -> Date {
        self.now.to_offset(time::macros::offset!(+9)).date()
    }
}

/// The finding of a rule when `condition` holds.
pub(crate) fn when(condition: bool, finding: impl FnOnce() -> Finding) -> Vec<Finding> {
    if condition {
        vec![finding()]
    } else {
        Vec::new()
    }
}

/// A required confirmation: true only when recorded as true.
pub(crate) fn confirmed(fact: Option<bool>) -> bool {
    fact == Some(true)
}

/// A problem fact: true only when recorded as true.
pub(crate) fn reported(fact: Option<bool>) -> bool {
    fact == Some(true)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A drug master that knows no drug.
    pub(crate) struct NoDrugs;

    impl DrugLookup for NoDrugs {
        fn drug(&self, _code: &str) -> Option<DrugInfo> {
            None
        }
        fn pde5_conflict(&self, _: &DrugInfo, _: &DrugInfo) -> Option<(String, String)> {
            None
        }
    }

    #[test]
    fn every_finding_of_an_empty_case_is_in_the_catalogue() {
        for visit in VisitKind::ALL.map(Some).into_iter().chain([None]) {
            let c = Consultation {
                visit,
                ..Default::default()
            };
            for f in evaluate(&c, &NoDrugs, time::OffsetDateTime::UNIX_EPOCH) {
                let info =
                    rule_info(f.rule).unwrap_or_else(|| panic!("{} not in catalogue", f.rule));
                assert_eq!(info.clause, f.clause);
                assert_eq!(info.severity, f.severity);
            }
        }
    }

    #[test]
    fn rules_and_catalogue_have_the_same_length() {
        // One function per catalogue entry, in the same order.
        assert_eq!(RULES.len(), catalogue().len());
    }

    #[test]
    fn findings_are_sorted_blocks_first() {
        let c = Consultation::default();
        let findings = evaluate(&c, &NoDrugs, time::OffsetDateTime::UNIX_EPOCH);
        assert!(findings.windows(2).all(|w| w[0].severity <= w[1].severity));
        assert_eq!(findings.first().map(|f| f.severity), Some(Severity::Block));
    }
}
