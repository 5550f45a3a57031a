//! Turns a stored patient, the encounter being prepared, the clinic, the doctor and the doctor's
//! per-session confirmations (the pre-flight checklist) into the [`Consultation`] case the rules
//! evaluate. Which consent and which care plan are in force is decided here, once, for the rules
//! and for the screens that show them.

use crate::domain::{
    Agreement, CarePlan, Clinic, Consent, ConsentTopic, Date, Encounter, Outcome, Patient,
    SessionChecks, Staff,
};

use super::{
    AttendeeFacts, CarePlanFacts, CarePlanItems, Consultation, ExplainedTopic, Method,
    PrescriptionLine,
};

/// Everything the case is built from: the records as stored plus what only the consultation
/// itself knows.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub patient: &'a Patient,
    /// The encounter being prepared, saved or not.
    pub encounter: &'a Encounter,
    pub clinic: Option<&'a Clinic>,
    /// The doctor holding the consultation.
    pub doctor: &'a Staff,
    /// The consultation's day (ages, how recent the medication check is).
    pub day: Date,
    pub checks: &'a SessionChecks,
    /// The queue entry records a pre-consultation (診療前相談).
    pub pre_consult_done: bool,
    /// The doctor has another patient in session right now (指針 V.1(6)).
    pub doctor_in_other_session: bool,
    /// A SOAP note is being written but not yet saved: it counts as the record's content.
    pub note_drafted: bool,
}

/// The consent in force: the latest one not withdrawn.
pub fn consent_in_force(patient: &Patient) -> Option<&Consent> {
    patient
        .consents
        .values()
        .filter(|x| x.withdrawn_at.is_none())
        .max_by_key(|x| x.agreed_at)
}

/// The care plan in force: the latest agreed one still in online care, else the latest drawn up.
pub fn care_plan_in_force(patient: &Patient) -> Option<&CarePlan> {
    let open = patient
        .care_plans
        .values()
        .filter(|p| p.online_care_ended_on.is_none());
    open.max_by_key(|p| (p.agreed_on.is_some(), p.agreed_on, p.id.clone()))
}

fn topic(t: ConsentTopic) -> ExplainedTopic {
    match t {
        ConsentTopic::BenefitsAndRisks => ExplainedTopic::BenefitsAndRisks,
        ConsentTopic::CarePlan => ExplainedTopic::CarePlan,
        ConsentTopic::SwitchToInPerson => ExplainedTopic::SwitchToInPerson,
        ConsentTopic::SecurityRisks => ExplainedTopic::SecurityRisks,
        ConsentTopic::Fees => ExplainedTopic::Fees,
    }
}

/// A checklist tick as a fact: ticked is a confirmation; unticked records nothing (`None`), never
/// the opposite. An unticked 「十分な情報が得られた」 is not a judgement that the information was
/// insufficient, so the rules must say "not recorded" rather than state a fact nobody recorded.
fn ticked(tick: bool) -> Option<bool> {
    tick.then_some(true)
}

/// Builds the case the rules evaluate for `visit`.
pub fn consultation(visit: &Visit) -> Consultation {
    let p = visit.patient;
    let e = visit.encounter;
    let checks = visit.checks;
    let doctor = visit.doctor;
    let clinic = visit.clinic;
    let today = visit.day;
    let mut ctx = Consultation {
        visit: Some(e.kind),
        ..Consultation::default()
    };

    ctx.patient.kakaritsuke_here = Some(p.kakaritsuke);
    ctx.patient.history_known = Some(p.history.known);
    ctx.patient.history_sources = Some(p.history.sources.clone());
    // What the patient says and what the doctor sees are screened for red flags (指針
    // V.1(2)②): the chief complaint and the subjective and objective parts of the saved notes.
    let symptoms: Vec<String> = std::iter::once(e.chief_complaint.as_str())
        .chain(
            e.notes
                .values()
                .flat_map(|n| [n.subjective.as_str(), n.objective.as_str()]),
        )
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if !symptoms.is_empty() {
        ctx.patient.symptoms = Some(symptoms);
    }
    ctx.patient.age = u32::try_from(p.demographics.age_on(today)).ok();
    ctx.patient.sex = Some(p.demographics.sex);
    let confirmed_lately = p.medications_confirmed_at.is_some_and(|at| {
        (e.started_at.unwrap_or(at) - at).whole_days() <= 30 && at.date() <= today
    });
    ctx.patient.current_medications_confirmed =
        ticked(checks.medications_confirmed || confirmed_lately);
    ctx.patient.current_medications = Some(
        p.medications
            .values()
            .filter_map(|m| m.drug_code.clone())
            .collect(),
    );

    match consent_in_force(p) {
        Some(consent) => {
            ctx.consent.patient_requested = Some(consent.patient_requested);
            ctx.consent.explained = Some(consent.explained.iter().copied().map(topic).collect());
            ctx.consent.agreed = Some(true);
            ctx.consent.by_proxy = Some(matches!(consent.agreed_by, Agreement::Proxy { .. }));
            ctx.consent.recording_agreed = Some(consent.recording_agreed);
        }
        None => ctx.consent.agreed = Some(false),
    }
    ctx.consent.proxy_needed = Some(p.proxy.is_some());
    ctx.consent.recording_planned = Some(false);

    ctx.care_plan = match care_plan_in_force(p) {
        Some(plan) => {
            let items = plan.items();
            let has = |i: usize| Some(items[i].2);
            CarePlanFacts {
                present: Some(true),
                items: CarePlanItems {
                    care_content: has(0),
                    in_person_schedule: has(1),
                    consultation_hours: has(2),
                    method: has(3),
                    stop_conditions: has(4),
                    patient_cooperation: has(5),
                    emergency_plan: has(6),
                    doctors: has(7),
                    security_responsibility: has(8),
                },
                agreed: Some(plan.agreed_on.is_some()),
                doctors: Some(plan.doctors.clone()),
                online_care_ended_on: plan.online_care_ended_on,
                keep_until: plan.retain_until(),
                next_steps_explained: ticked(checks.next_steps_explained),
                ..CarePlanFacts::default()
            }
        }
        None => CarePlanFacts {
            present: Some(false),
            next_steps_explained: ticked(checks.next_steps_explained),
            ..CarePlanFacts::default()
        },
    };

    let latest_check = p.identity_checks.values().max_by_key(|x| x.checked_at);
    ctx.identity.patient_documents = Some(
        latest_check
            .map(|x| x.documents.clone())
            .unwrap_or_default(),
    );
    ctx.identity.patient_known_to_doctor = ticked(checks.patient_identity_confirmed);
    ctx.identity.doctor_photo_id_shown = ticked(checks.doctor_id_shown && doctor.photo_id_on_file);
    ctx.identity.doctor_registration_year_shown =
        ticked(checks.doctor_id_shown && doctor.registration_year.is_some());
    ctx.identity.doctor_licence_shown =
        ticked(checks.doctor_id_shown && doctor.licence_number.is_some());
    ctx.identity.doctor_hpki_shown = ticked(checks.doctor_id_shown && doctor.hpki_card.is_some());
    ctx.identity.doctor_known_to_patient = Some(p.kakaritsuke);
    // The video runs in an external, general-purpose program: the stricter identity rules apply.
    ctx.identity.general_purpose_video = Some(true);

    ctx.prescriptions = e
        .prescriptions
        .values()
        .map(|rx| PrescriptionLine {
            id: Some(rx.id.clone()),
            drug: Some(rx.drug_code.clone()),
            name: Some(rx.drug_name.clone()),
            days: Some(rx.days),
            ..PrescriptionLine::default()
        })
        .collect();
    ctx.attendees = e
        .attendees
        .values()
        .map(|a| AttendeeFacts {
            name: Some(a.name.clone()),
            role: Some(a.role.clone()),
            consented: Some(a.patient_consented),
        })
        .collect();

    ctx.doctor.id = Some(doctor.id.clone());
    ctx.doctor.trained_on = doctor.online_training_completed;
    // Recorded on the chart by the doctor (H); nothing recorded says nothing.
    ctx.doctor.regular_home_visits = p
        .home_visit_doctors
        .get(&doctor.id)
        .is_some_and(|since| *since <= today)
        .then_some(true);
    ctx.doctor.emergency_contraception_trained_on = doctor.emergency_contraception_training;
    ctx.doctor.in_other_session = Some(visit.doctor_in_other_session);
    // Without the clinic's record, affiliation is unknown rather than denied.
    ctx.doctor.affiliated = clinic.map(|cl| cl.staff.contains_key(&doctor.id));
    let location = e.doctor_location.as_ref();
    ctx.doctor.location.in_clinic = Some(location.is_none_or(|l| l.in_clinic));
    ctx.doctor.location.description = location
        .map(|l| l.description.clone())
        .filter(|d| !d.is_empty());
    ctx.doctor.location.private = ticked(checks.doctor_place_private);
    // The one tick vouches for a quiet, private place; no tick records nothing about noise.
    ctx.doctor.location.suitable = ticked(checks.doctor_place_private);
    // The chart is open in front of the doctor.
    ctx.doctor.location.records_accessible = Some(true);

    nurse_facts(&mut ctx, visit);

    ctx.security.privacy_confirmed = ticked(checks.patient_privacy);
    ctx.security.no_third_party_confirmed = ticked(checks.no_third_party);
    ctx.security.no_unagreed_recording_confirmed = ticked(checks.no_unagreed_recording);
    ctx.security.patient_logged_in_before_connecting = ticked(checks.patient_logged_in);

    ctx.session.method = checks.video_and_audio.then_some(Method::VideoAndAudio);
    ctx.session.started_at = e.started_at;
    ctx.session.ended_at = e.ended_at;
    ctx.session.information_sufficient = ticked(checks.information_sufficient);
    ctx.session.switched_to_in_person = Some(matches!(
        e.outcome,
        Some(Outcome::SwitchedToInPerson { .. })
    ));

    let note_written = e.notes.values().any(|n| {
        !(n.subjective.is_empty()
            && n.objective.is_empty()
            && n.assessment.is_empty()
            && n.plan.is_empty())
    }) || visit.note_drafted;
    ctx.billing_record.content = Some(note_written);
    ctx.billing_record.date = Some(e.started_at.is_some());
    ctx.billing_record.time = Some(e.started_at.is_some() && e.ended_at.is_some());
    ctx.billing_record.place =
        Some(location.is_none_or(|l| l.in_clinic || !l.description.is_empty()));
    ctx.billing_record.emergency_arrangement =
        Some(care_plan_in_force(p).is_some_and(|p| !p.emergency_plan.trim().is_empty()));
    ctx.billing_record.guideline_statement = ticked(checks.guideline_followed);

    ctx.pre_consult.done = Some(visit.pre_consult_done);
    ctx
}

/// The nurse at a D to P with N consultation (指針 V.2(3)), from what is stored: the nurse named
/// on the encounter (her request brought her there), the 訪問看護指示書 in force on the day, and
/// the clinic's staff list. What nothing records stays `None`, so that a finding says it is not
/// recorded rather than stating that it is not so.
fn nurse_facts(ctx: &mut Consultation, visit: &Visit) {
    let e = visit.encounter;
    let instructions = visit.patient.instructions_on(visit.day);
    ctx.nurse.present = ticked(e.nurse.is_some());
    // ② The care she gives follows the instructions under the care plan and the 指示書: what
    // it asks her to observe is what the doctor instructed.
    ctx.nurse.instructions = instructions
        .map(|i| i.observe.trim().to_string())
        .filter(|t| !t.is_empty());
    // ③ A nurse of the same clinic, or one working under this doctor's 指示書.
    ctx.nurse.same_clinic = match (&e.nurse, visit.clinic) {
        (Some(nurse), Some(clinic)) => Some(clinic.staff.contains_key(nurse)),
        _ => None,
    };
    ctx.nurse.visiting_nurse_order = instructions.map(|i| i.doctor == visit.doctor.id);
}

/// Why a stored encounter cannot be turned into a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoredError {
    #[error("encounter {patient}/{encounter}: no such encounter in the patient's record")]
    NoSuchEncounter { patient: String, encounter: String },
    #[error("encounter {patient}/{encounter}: no doctor is recorded on it")]
    NoDoctor { patient: String, encounter: String },
    #[error("encounter {patient}/{encounter}: its doctor {doctor} is not on the clinic's staff")]
    UnknownDoctor {
        patient: String,
        encounter: String,
        doctor: String,
    },
}

/// A stored encounter, looked up in its patient's record, with its doctor from the clinic's
/// staff: what `enkaku check --encounter` and the compliance report evaluate. Only what the store
/// holds counts — the checklist as stored with the encounter, no unsaved note, the doctor not
/// known to be in another session — and it goes through [`consultation`], the same mapping the
/// consultation screen uses, so the findings agree.
pub fn stored_case(
    patient: &Patient,
    encounter_id: &str,
    clinic: Option<&Clinic>,
    day: Date,
    pre_consult_done: bool,
) -> Result<Consultation, StoredError> {
    let encounter = patient
        .encounters
        .get(encounter_id)
        .or_else(|| patient.encounters.values().find(|e| e.id == encounter_id))
        .ok_or_else(|| StoredError::NoSuchEncounter {
            patient: patient.id.clone(),
            encounter: encounter_id.to_string(),
        })?;
    let doctor_id = encounter
        .doctor
        .as_deref()
        .ok_or_else(|| StoredError::NoDoctor {
            patient: patient.id.clone(),
            encounter: encounter_id.to_string(),
        })?;
    let doctor =
        clinic
            .and_then(|c| c.staff.get(doctor_id))
            .ok_or_else(|| StoredError::UnknownDoctor {
                patient: patient.id.clone(),
                encounter: encounter_id.to_string(),
                doctor: doctor_id.to_string(),
            })?;
    // The checklist as the doctor ticked it, kept with the encounter.
    let checks = encounter.checks;
    Ok(consultation(&Visit {
        patient,
        encounter,
        clinic,
        doctor,
        day,
        checks: &checks,
        pre_consult_done,
        doctor_in_other_session: false,
        note_drafted: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Encounter, Prescription, VisitKind};

    fn patient(id: &str) -> Patient {
        crate::demo::patients()
            .unwrap()
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    }

    fn day() -> Date {
        crate::domain::parse_date("2026-11-21").unwrap()
    }

    fn at(text: &str) -> crate::domain::Instant {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    }

    fn consent(id: &str, agreed_at: &str, withdrawn: bool) -> Consent {
        Consent {
            id: id.into(),
            patient_requested: true,
            explained: vec![ConsentTopic::BenefitsAndRisks],
            agreed_by: Agreement::Patient,
            agreed_at: at(agreed_at),
            recorded_by: "dr-sato".into(),
            recording_agreed: false,
            care_plan: None,
            withdrawn_at: withdrawn.then(|| at("2026-11-20T00:00:00Z")),
        }
    }

    fn plan(id: &str, agreed_on: Option<&str>, ended: bool) -> CarePlan {
        CarePlan {
            id: id.into(),
            agreed_on: agreed_on.map(|d| crate::domain::parse_date(d).unwrap()),
            online_care_ended_on: ended.then(day),
            ..CarePlan::default()
        }
    }

    #[test]
    fn the_consent_in_force_is_the_latest_not_withdrawn() {
        // (consents as (id, agreed at, withdrawn), expected)
        type Consents = &'static [(&'static str, &'static str, bool)];
        let cases: [(Consents, Option<&str>); 4] = [
            (&[], None),
            (&[("cs-a", "2026-01-01T00:00:00Z", false)], Some("cs-a")),
            (
                &[
                    ("cs-a", "2026-01-01T00:00:00Z", false),
                    ("cs-b", "2026-06-01T00:00:00Z", false),
                ],
                Some("cs-b"),
            ),
            (
                &[
                    ("cs-a", "2026-01-01T00:00:00Z", false),
                    ("cs-b", "2026-06-01T00:00:00Z", true),
                ],
                Some("cs-a"),
            ),
        ];
        for (consents, expected) in cases {
            let mut p = patient("p-0013");
            p.consents = consents
                .iter()
                .map(|(id, at, w)| (id.to_string(), consent(id, at, *w)))
                .collect();
            assert_eq!(
                consent_in_force(&p).map(|c| c.id.as_str()),
                expected,
                "{consents:?}"
            );
        }
    }

    #[test]
    fn the_care_plan_in_force_prefers_an_agreed_open_plan() {
        // (plans as (id, agreed on, online care ended), expected)
        type Plans = &'static [(&'static str, Option<&'static str>, bool)];
        let cases: [(Plans, Option<&str>); 5] = [
            (&[], None),
            (&[("cp-a", None, false)], Some("cp-a")),
            (
                &[("cp-a", Some("2026-01-01"), false), ("cp-b", None, false)],
                Some("cp-a"),
            ),
            (
                &[
                    ("cp-a", Some("2026-01-01"), false),
                    ("cp-b", Some("2026-05-01"), false),
                ],
                Some("cp-b"),
            ),
            (
                &[
                    ("cp-a", Some("2026-01-01"), false),
                    ("cp-b", Some("2026-05-01"), true),
                ],
                Some("cp-a"),
            ),
        ];
        for (plans, expected) in cases {
            let mut p = patient("p-0013");
            p.care_plans = plans
                .iter()
                .map(|(id, agreed, ended)| (id.to_string(), plan(id, *agreed, *ended)))
                .collect();
            assert_eq!(
                care_plan_in_force(&p).map(|c| c.id.as_str()),
                expected,
                "{plans:?}"
            );
        }
    }

    fn case_of(p: &Patient, e: &Encounter, checks: &SessionChecks) -> Consultation {
        let clinic = crate::demo::clinic().unwrap();
        let doctor = clinic.staff.get("dr-sato").unwrap().clone();
        consultation(&Visit {
            patient: p,
            encounter: e,
            clinic: Some(&clinic),
            doctor: &doctor,
            day: day(),
            checks,
            pre_consult_done: false,
            doctor_in_other_session: false,
            note_drafted: false,
        })
    }

    /// With nothing ticked, no finding may state a fact: the unticked checklist records nothing,
    /// so a rule that fires only on a recorded problem (a noisy place, information judged
    /// insufficient) stays silent, and the others say what is not recorded.
    #[test]
    fn nothing_ticked_states_no_fact() {
        for kind in [
            VisitKind::OnlineInitial,
            VisitKind::OnlineFollowup,
            VisitKind::DToPWithN,
        ] {
            let p = patient("p-0013");
            let e = Encounter::new("en-1", kind);
            let case = case_of(&p, &e, &SessionChecks::default());
            assert_eq!(case.doctor.location.suitable, None);
            assert_eq!(case.session.information_sufficient, None);
            let findings = crate::rules::evaluate(
                &case,
                &crate::rules::tests::NoDrugs,
                time::OffsetDateTime::UNIX_EPOCH,
            );
            for rule in ["place.doctor_unsuitable", "method.insufficient_information"] {
                assert!(findings.iter().all(|f| f.rule != rule), "{rule} fired");
            }
            for f in &findings {
                assert!(
                    !f.message_en
                        .replace("not recorded as", "")
                        .contains("recorded as")
                        && !f.message_ja.contains("と記録されています"),
                    "{}: {}",
                    f.rule,
                    f.message_en
                );
            }
        }
    }

    #[test]
    fn a_first_visit_without_consent_or_plan_says_so() {
        let p = patient("p-0013");
        assert!(p.consents.is_empty() && p.care_plans.is_empty());
        let e = Encounter::new("en-1", VisitKind::OnlineInitial);
        let case = case_of(&p, &e, &SessionChecks::default());
        assert_eq!(case.visit, Some(VisitKind::OnlineInitial));
        assert_eq!(case.consent.agreed, Some(false));
        assert_eq!(case.consent.explained, None);
        assert_eq!(case.care_plan.present, Some(false));
        assert_eq!(case.identity.patient_known_to_doctor, None);
        assert_eq!(case.session.method, None);
        assert!(case.prescriptions.is_empty());
        assert_eq!(case.doctor.id.as_deref(), Some("dr-sato"));
        assert_eq!(case.doctor.affiliated, Some(true));
    }

    #[test]
    fn a_regular_patient_brings_consent_and_plan_and_the_checks_count() {
        let p = patient("p-0001");
        let consent = consent_in_force(&p).expect("demo consent");
        let e = Encounter::new("en-1", VisitKind::OnlineFollowup);
        let checks = SessionChecks {
            patient_identity_confirmed: true,
            video_and_audio: true,
            next_steps_explained: true,
            ..SessionChecks::default()
        };
        let case = case_of(&p, &e, &checks);
        assert_eq!(case.consent.agreed, Some(true));
        assert_eq!(
            case.consent.patient_requested,
            Some(consent.patient_requested)
        );
        assert_eq!(case.care_plan.present, Some(true));
        assert_eq!(case.care_plan.next_steps_explained, Some(true));
        assert_eq!(case.identity.patient_known_to_doctor, Some(true));
        assert_eq!(case.session.method, Some(Method::VideoAndAudio));
        assert_eq!(case.patient.kakaritsuke_here, Some(p.kakaritsuke));
    }

    #[test]
    fn prescriptions_become_lines_of_the_case() {
        let p = patient("p-0013");
        let mut e = Encounter::new("en-1", VisitKind::OnlineInitial);
        e.prescriptions.insert(
            "rx-1".into(),
            Prescription {
                id: "rx-1".into(),
                drug_code: "1129009F1025".into(),
                drug_name: "ゾルピデム酒石酸塩錠5mg".into(),
                dose: "1回1錠".into(),
                days: 14,
                prescribed_by: "dr-sato".into(),
            },
        );
        let case = case_of(&p, &e, &SessionChecks::default());
        assert_eq!(case.prescriptions.len(), 1);
        assert_eq!(case.prescriptions[0].drug.as_deref(), Some("1129009F1025"));
        assert_eq!(case.prescriptions[0].days, Some(14));
    }

    /// 指針 V.2(3) from what is stored: a nurse named on the encounter, the 指示書 in force on
    /// the day and who wrote it, the clinic's staff. Nothing recorded is `None`, not `false`.
    #[test]
    fn the_nurse_facts_come_from_the_record() {
        let mut p = patient("p-0022");
        let mut e = Encounter::new("en-1", VisitKind::DToPWithN);
        let case = case_of(&p, &e, &SessionChecks::default());
        assert_eq!(case.nurse, super::super::NurseFacts::default());

        e.nurse = Some("ns-ito".into());
        let instructions = |doctor: &str, observe: &str| crate::domain::NursingInstructions {
            id: format!("ni-{doctor}"),
            doctor: doctor.into(),
            valid_from: crate::domain::parse_date("2026-11-01").unwrap(),
            valid_to: crate::domain::parse_date("2026-11-30").unwrap(),
            observe: observe.into(),
            report: String::new(),
            thresholds: Default::default(),
            written_at: at("2026-11-01T00:00:00Z"),
        };
        p.nursing_instructions
            .insert("ni-dr-sato".into(), instructions("dr-sato", " 呼吸状態 "));
        let case = case_of(&p, &e, &SessionChecks::default());
        assert_eq!(case.nurse.present, Some(true));
        assert_eq!(case.nurse.instructions.as_deref(), Some("呼吸状態"));
        assert_eq!(case.nurse.same_clinic, Some(true));
        assert_eq!(case.nurse.visiting_nurse_order, Some(true));

        // Another doctor's instructions, with nothing to observe; a nurse the clinic does not
        // employ.
        p.nursing_instructions = [("ni-dr-kimura".to_string(), instructions("dr-kimura", " "))]
            .into_iter()
            .collect();
        e.nurse = Some("ns-elsewhere".into());
        let case = case_of(&p, &e, &SessionChecks::default());
        assert_eq!(case.nurse.instructions, None);
        assert_eq!(case.nurse.same_clinic, Some(false));
        assert_eq!(case.nurse.visiting_nurse_order, Some(false));
    }

    #[test]
    fn a_drafted_note_counts_as_the_records_content() {
        let p = patient("p-0013");
        let e = Encounter::new("en-1", VisitKind::OnlineInitial);
        let clinic = crate::demo::clinic().unwrap();
        let doctor = clinic.staff.get("dr-sato").unwrap().clone();
        let checks = SessionChecks::default();
        let mut visit = Visit {
            patient: &p,
            encounter: &e,
            clinic: Some(&clinic),
            doctor: &doctor,
            day: day(),
            checks: &checks,
            pre_consult_done: true,
            doctor_in_other_session: true,
            note_drafted: false,
        };
        assert_eq!(consultation(&visit).billing_record.content, Some(false));
        visit.note_drafted = true;
        let case = consultation(&visit);
        assert_eq!(case.billing_record.content, Some(true));
        assert_eq!(case.pre_consult.done, Some(true));
        assert_eq!(case.doctor.in_other_session, Some(true));
    }
}
