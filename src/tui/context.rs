//! The encounter being prepared, turned into the facts the rules read: what the records hold
//! (consent, care plan, identity checks, prescriptions) plus what the doctor confirmed in the
//! pre-flight checklist.

use crate::domain::{Agreement, CarePlan, Clinic, Consent, ConsentTopic, Outcome, Staff};
use crate::rules::{
    AttendeeFacts, CarePlanFacts, CarePlanItems, Consultation, ExplainedTopic, Method,
    PrescriptionLine,
};

use super::state::ConsultState;

/// The consent in force: the latest one not withdrawn.
pub fn consent_in_force(c: &ConsultState) -> Option<&Consent> {
    c.patient
        .consents
        .values()
        .filter(|x| x.withdrawn_at.is_none())
        .max_by_key(|x| x.agreed_at)
}

/// The care plan in force: the latest agreed one still in online care, else the latest drawn up.
pub fn care_plan_in_force(c: &ConsultState) -> Option<&CarePlan> {
    let open = c
        .patient
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

/// Builds the rules' view of the consultation `c`, held by `doctor` of `clinic`.
pub fn consultation(c: &ConsultState, clinic: Option<&Clinic>, doctor: &Staff) -> Consultation {
    let p = &c.patient;
    let e = &c.encounter;
    let checks = &c.checks;
    let today = c.day;
    let mut ctx = Consultation {
        visit: Some(e.kind),
        ..Consultation::default()
    };

    ctx.patient.kakaritsuke_here = Some(p.kakaritsuke);
    ctx.patient.history_known = Some(p.history.known);
    ctx.patient.history_sources = Some(p.history.sources.clone());
    if !e.chief_complaint.trim().is_empty() {
        ctx.patient.symptoms = Some(vec![e.chief_complaint.clone()]);
    }
    ctx.patient.age = u32::try_from(p.demographics.age_on(today)).ok();
    ctx.patient.sex = Some(p.demographics.sex);
    let confirmed_lately = p.medications_confirmed_at.is_some_and(|at| {
        (c.encounter.started_at.unwrap_or(at) - at).whole_days() <= 30 && at.date() <= today
    });
    ctx.patient.current_medications_confirmed =
        Some(checks.medications_confirmed || confirmed_lately);
    ctx.patient.current_medications = Some(
        p.medications
            .values()
            .filter_map(|m| m.drug_code.clone())
            .collect(),
    );

    match consent_in_force(c) {
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

    ctx.care_plan = match care_plan_in_force(c) {
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
                next_steps_explained: Some(checks.next_steps_explained),
                ..CarePlanFacts::default()
            }
        }
        None => CarePlanFacts {
            present: Some(false),
            next_steps_explained: Some(checks.next_steps_explained),
            ..CarePlanFacts::default()
        },
    };

    let latest_check = p.identity_checks.values().max_by_key(|x| x.checked_at);
    ctx.identity.patient_documents = Some(
        latest_check
            .map(|x| x.documents.clone())
            .unwrap_or_default(),
    );
    ctx.identity.patient_known_to_doctor = Some(checks.patient_identity_confirmed);
    ctx.identity.doctor_photo_id_shown = Some(checks.doctor_id_shown && doctor.photo_id_on_file);
    ctx.identity.doctor_registration_year_shown =
        Some(checks.doctor_id_shown && doctor.registration_year.is_some());
    ctx.identity.doctor_licence_shown =
        Some(checks.doctor_id_shown && doctor.licence_number.is_some());
    ctx.identity.doctor_hpki_shown = Some(checks.doctor_id_shown && doctor.hpki_card.is_some());
    ctx.identity.doctor_known_to_patient = Some(p.kakaritsuke);
    // The video runs in an external, general-purpose program: the stricter identity rules apply.
    ctx.identity.general_purpose_video = Some(true);

    ctx.prescriptions = e
        .prescriptions
        .values()
        .map(|rx| PrescriptionLine {
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
    ctx.doctor.emergency_contraception_trained_on = doctor.emergency_contraception_training;
    ctx.doctor.in_other_session = Some(c.doctor_busy);
    ctx.doctor.affiliated = Some(clinic.is_some_and(|cl| cl.staff.contains_key(&doctor.id)));
    let location = e.doctor_location.as_ref();
    ctx.doctor.location.in_clinic = Some(location.is_none_or(|l| l.in_clinic));
    ctx.doctor.location.description = location
        .map(|l| l.description.clone())
        .filter(|d| !d.is_empty());
    ctx.doctor.location.private = Some(checks.doctor_place_private);
    ctx.doctor.location.suitable = Some(checks.doctor_place_private);
    // The chart is open in front of the doctor.
    ctx.doctor.location.records_accessible = Some(true);

    ctx.nurse.present = Some(e.nurse.is_some());

    ctx.security.privacy_confirmed = Some(checks.patient_privacy);
    ctx.security.no_third_party_confirmed = Some(checks.no_third_party);
    ctx.security.no_unagreed_recording_confirmed = Some(checks.no_unagreed_recording);
    ctx.security.patient_logged_in_before_connecting = Some(checks.patient_logged_in);

    ctx.session.method = checks.video_and_audio.then_some(Method::VideoAndAudio);
    ctx.session.started_at = e.started_at;
    ctx.session.ended_at = e.ended_at;
    ctx.session.information_sufficient = Some(checks.information_sufficient);
    ctx.session.switched_to_in_person = Some(matches!(
        e.outcome,
        Some(Outcome::SwitchedToInPerson { .. })
    ));

    let note_written = e.notes.values().any(|n| {
        !(n.subjective.is_empty()
            && n.objective.is_empty()
            && n.assessment.is_empty()
            && n.plan.is_empty())
    }) || c.note.iter().any(|f| !f.is_empty());
    ctx.billing_record.content = Some(note_written);
    ctx.billing_record.date = Some(e.started_at.is_some());
    ctx.billing_record.time = Some(e.started_at.is_some() && e.ended_at.is_some());
    ctx.billing_record.place =
        Some(location.is_none_or(|l| l.in_clinic || !l.description.is_empty()));
    ctx.billing_record.emergency_arrangement =
        Some(care_plan_in_force(c).is_some_and(|p| !p.emergency_plan.trim().is_empty()));
    ctx.billing_record.guideline_statement = Some(checks.guideline_followed);

    ctx.pre_consult.done = Some(c.pre_consult_done);
    ctx
}

/// Rule ids whose blocks must be cleared before the video starts: everything but what can only
/// be settled during or after the consultation (prescriptions, billing records, next steps).
pub fn gates_start(rule: &str) -> bool {
    !(rule.starts_with("rx.")
        || rule.starts_with("billing.")
        || rule == "care_plan.next_steps"
        || rule == "method.session_times")
}
