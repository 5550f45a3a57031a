//! The consultation: opening it (a D to P with N one on the nurse's record of the visit), the
//! pre-flight checklist, asking the rules for findings, the video, the SOAP note editor,
//! prescription lines, the doctor's orders to the nurse, ending, overriding and signing.

use super::queue::doctor_busy;
use super::{Press, author, chart, doctor_only, is_doctor, message, staff_id, write};
use crate::domain::{
    Encounter, Outcome, Override, Patient, Prescription, QueueStatus, SessionChecks, VisitKind,
};
use crate::rules::facts::{self, Visit};
use crate::rules::{Consultation, Finding, Severity, gates_start};
use crate::store::QueueRow;
use crate::tui::forms::{
    AddendumForm, AttendeeForm, ComplaintForm, DrugSearch, EndSessionForm, Form, FormKind, Fresh,
    LocationForm, OrderForm, OverrideForm, SoapNote,
};
use crate::tui::keymap::Command;
use crate::tui::state::*;

/// Opens the consultation of `patient_id` (from its chart), for the visit `row` if there is one.
pub(super) fn start(
    state: &mut AppState,
    fresh: Fresh,
    patient_id: String,
    row: Option<QueueRow>,
) -> Vec<Effect> {
    if !doctor_only(state) {
        return Vec::new();
    }
    let Some(patient) = state
        .chart
        .as_ref()
        .map(|c| c.patient.clone())
        .filter(|p| p.id == patient_id)
    else {
        // The record is read first; the consultation opens as soon as it is here.
        state.pending_consult = Some(PendingConsult {
            patient_id: patient_id.clone(),
            row,
            fresh,
        });
        return vec![Effect::LoadChart { patient_id }];
    };
    let me = staff_id(state);
    let kind = row
        .as_ref()
        .map(|r| r.visit_kind)
        .unwrap_or(VisitKind::OnlineFollowup);
    let entry_id = row.as_ref().map(|r| r.entry_id.clone());
    // Reopen today's unsigned encounter of this patient and visit, or begin a new one.
    let open = patient
        .encounters
        .values()
        .filter(|e| {
            e.signed_at.is_none()
                && e.queue_entry == entry_id
                && e.doctor.as_deref() == Some(me.as_str())
        })
        .max_by_key(|e| e.id.clone())
        .cloned()
        // A visit already signed opens as signed: what is added now is an addendum.
        .or_else(|| {
            entry_id.as_ref()?;
            patient
                .encounters
                .values()
                .filter(|e| e.signed_at.is_some() && e.queue_entry == entry_id)
                .max_by_key(|e| e.signed_at)
                .cloned()
        });
    let mut encounter = open.unwrap_or_else(|| {
        let mut e = Encounter::new(fresh.id("en"), kind);
        e.doctor = Some(me.clone());
        e.queue_entry = entry_id.clone();
        e
    });
    if encounter.signed_at.is_none() {
        join_nurse(&mut encounter, &patient, row.as_ref());
    }
    let note = SoapNote::of(encounter.notes.values().next());
    let busy = doctor_busy(&state.queue.rows, Some(me.as_str()), entry_id.as_ref());
    state.consult = Some(ConsultState {
        patient,
        day: state.queue.day,
        entry_id,
        encounter: encounter.clone(),
        findings: Vec::new(),
        focus: ConsultFocus::Checklist,
        selected: 0,
        note,
        note_field: 0,
        editing_note: false,
        rx_selected: 0,
        drugs: Vec::new(),
        pre_consult_done: row.as_ref().is_some_and(|r| r.pre_consult_done),
        doctor_busy: busy,
        eval_generation: 0,
    });
    state.screen = Screen::Consult;
    // A signed encounter is not written again: it stays as it was signed.
    let mut effects = Vec::new();
    if encounter.signed_at.is_none() {
        effects.push(write(
            state,
            Write::Encounter {
                patient_id,
                encounter: Box::new(encounter),
                action: "encounter.open",
            },
        ));
    }
    effects.extend(evaluate(state));
    effects
}

/// A D to P with N visit the home-care nurse asked the doctor to join (or recorded herself):
/// the encounter names her and her record of the visit, which stays hers (指針 V.2(3)). An
/// encounter that already names a nurse keeps her.
fn join_nurse(encounter: &mut Encounter, patient: &Patient, row: Option<&QueueRow>) {
    let Some(row) = row.filter(|r| r.visit_kind == VisitKind::DToPWithN) else {
        return;
    };
    let record = patient.visit_for_entry(&row.entry_id);
    let nurse = row
        .consult_request
        .as_ref()
        .map(|r| r.by.clone())
        .or_else(|| record.map(|v| v.nurse.clone()));
    if encounter.nurse.is_none() {
        encounter.nurse = nurse;
    }
    if encounter.nursing_visit.is_none() {
        encounter.nursing_visit = record.map(|v| v.id.clone());
    }
    encounter.kind = VisitKind::DToPWithN;
}

/// The case the rules read for the consultation as it stands.
fn case(state: &AppState) -> Option<Consultation> {
    let (Some(c), Some(user)) = (&state.consult, &state.user) else {
        return None;
    };
    Some(facts::consultation(&Visit {
        patient: &c.patient,
        encounter: &c.encounter,
        clinic: state.clinic.as_ref(),
        doctor: user,
        day: c.day,
        checks: &c.encounter.checks,
        pre_consult_done: c.pre_consult_done,
        doctor_in_other_session: c.doctor_busy,
        note_drafted: c.note.is_drafted(),
    }))
    .map(|mut case| {
        screen_note(c, &mut case);
        case
    })
}

/// The fact model screens the complaint and the saved notes for red flags; the subjective and
/// objective parts of the note being written join them here, as the screen alone has them.
fn screen_note(c: &ConsultState, case: &mut Consultation) {
    let texts: Vec<String> = [c.note.part(0).text(), c.note.part(1).text()]
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if texts.is_empty() {
        return;
    }
    let symptoms = case.patient.symptoms.get_or_insert_with(Vec::new);
    for t in texts {
        if !symptoms.contains(&t) {
            symptoms.push(t);
        }
    }
}

/// Asks the rules for the findings of the consultation as it stands.
pub(super) fn evaluate(state: &mut AppState) -> Vec<Effect> {
    let Some(consultation) = case(state) else {
        return Vec::new();
    };
    let generation = state.next_generation();
    let now = state.now;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    c.eval_generation = generation;
    let codes = c
        .encounter
        .prescriptions
        .values()
        .map(|rx| rx.drug_code.clone())
        .collect();
    vec![Effect::Evaluate {
        generation,
        consultation: Box::new(consultation),
        codes,
        now,
    }]
}

pub(super) fn evaluated(
    state: &mut AppState,
    generation: u64,
    findings: Vec<Finding>,
    drugs: Vec<crate::domain::DrugInfo>,
) -> Vec<Effect> {
    if let Some(c) = &mut state.consult
        && c.eval_generation == generation
    {
        c.findings = findings;
        c.drugs = drugs;
        state.dirty = true;
    }
    Vec::new()
}

/// The patient's record arrived again during the consultation: keep the encounter being
/// prepared, take everything else from the record, and ask the rules again only when what they
/// read has changed.
pub(super) fn record_loaded(state: &mut AppState, patient: Patient) -> Vec<Effect> {
    let before = case(state);
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    if let Some(stored) = patient.encounters.get(&c.encounter.id)
        && stored.signed_at.is_some()
    {
        c.encounter = stored.clone();
    }
    // The chart behind the consultation shows the same record, so Esc returns to it current.
    if let Some(chart) = &mut state.chart
        && chart.patient.id == patient.id
    {
        chart.patient = patient.clone();
    }
    c.patient = patient;
    if case(state) == before {
        return Vec::new();
    }
    evaluate(state)
}

/// The unresolved blocks: blocks the doctor has not overridden.
pub fn open_blocks(c: &ConsultState) -> impl Iterator<Item = &Finding> {
    c.findings.iter().filter(|f| f.is_open_block(&c.encounter))
}

/// Saves the encounter being prepared; `action` names the step in the audit log.
fn save_encounter(state: &AppState, action: &'static str) -> Vec<Effect> {
    let Some(c) = &state.consult else {
        return Vec::new();
    };
    vec![write(
        state,
        Write::Encounter {
            patient_id: c.patient.id.clone(),
            encounter: Box::new(c.encounter.clone()),
            action,
        },
    )]
}

/// Saves the encounter and asks the rules again.
fn save_and_evaluate(state: &mut AppState, action: &'static str) -> Vec<Effect> {
    let mut effects = save_encounter(state, action);
    effects.extend(evaluate(state));
    effects
}

/// The video program is running for `room`: the first launch records the room, the start and
/// the visit in session; a relaunch after a drop is counted and audited as its own step.
pub(super) fn video_launched(
    state: &mut AppState,
    patient_id: &str,
    encounter_id: &str,
    room: String,
    relaunch: bool,
) -> Vec<Effect> {
    let lang = state.lang;
    let now = state.now;
    let Some(c) = state
        .consult
        .as_mut()
        .filter(|c| c.patient.id == patient_id && c.encounter.id == encounter_id)
    else {
        // The consultation was left while the program started; the record was not changed.
        tracing::warn!(%encounter_id, "video launched for a consultation no longer open");
        return Vec::new();
    };
    state.dirty = true;
    if relaunch {
        c.encounter.video_relaunches += 1;
        message(
            state,
            lang.tr(
                "同じビデオ室に再接続しました",
                "Reconnected to the same room",
            ),
            false,
        );
        return save_encounter(state, "encounter.video.relaunch");
    }
    c.encounter.video_room = Some(room);
    c.encounter.started_at = Some(now);
    let mut effects = save_encounter(state, "encounter.start");
    if let Some(c) = &state.consult
        && let Some(entry) = &c.entry_id
    {
        effects.push(write(
            state,
            Write::QueueStatus {
                day: c.day,
                entry_id: entry.clone(),
                status: QueueStatus::InSession,
            },
        ));
    }
    effects.extend(evaluate(state));
    effects
}

/// The doctor wrote the chief complaint: it is saved and the rules screen it for red flags.
/// A part of the encounter a form writes, saved (and audited) as soon as it is made.
#[derive(Debug, Clone, PartialEq)]
pub enum EncounterEdit {
    Complaint(String),
    Location(crate::domain::DoctorLocation),
    Attendees(std::collections::BTreeMap<String, crate::domain::Attendee>),
    /// An order to the nurse, under its new id.
    Order {
        id: String,
        order: crate::domain::Order,
    },
}

pub(super) fn edit_encounter(state: &mut AppState, edit: EncounterEdit) -> Vec<Effect> {
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    if c.encounter.signed_at.is_some() {
        return Vec::new();
    }
    let action = match edit {
        EncounterEdit::Complaint(text) => {
            c.encounter.chief_complaint = text;
            "encounter.complaint"
        }
        EncounterEdit::Location(place) => {
            c.encounter.doctor_location = Some(place);
            "encounter.doctor_location"
        }
        EncounterEdit::Attendees(people) => {
            c.encounter.attendees = people;
            "encounter.attendees"
        }
        EncounterEdit::Order { id, order } => {
            c.encounter.orders.insert(id, order);
            "encounter.order"
        }
    };
    save_and_evaluate(state, action)
}

/// A key while the SOAP note is being written.
pub(super) fn note_key(state: &mut AppState, press: Press) -> Vec<Effect> {
    let parts = SoapNote::TAGS.len();
    if press.command == Command::Help {
        state.help = Some(crate::tui::keymap::Mode::NoteEditor);
        return Vec::new();
    }
    let by = author(state, press.fresh);
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    match press.command {
        Command::SaveNote => {
            c.editing_note = false;
            let note = c.note.submit(&c.encounter, &by);
            c.encounter.notes.insert(note.id.clone(), note);
            return save_and_evaluate(state, "note.save");
        }
        Command::NextField => c.note_field = (c.note_field + 1) % parts,
        Command::PrevField => c.note_field = (c.note_field + parts - 1) % parts,
        Command::Type => {
            c.note.part_mut(c.note_field).handle(press.key);
        }
        _ => {}
    }
    Vec::new()
}

/// A prescription line passed its checks: it joins the encounter.
pub(super) fn add_prescription(state: &mut AppState, rx: Prescription) -> Vec<Effect> {
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    c.encounter.prescriptions.insert(rx.id.clone(), rx);
    save_and_evaluate(state, "prescription.add")
}

/// The session ends with `outcome`: the encounter and the visit's status are saved.
pub(super) fn end(state: &mut AppState, outcome: Outcome) -> Vec<Effect> {
    let me = staff_id(state);
    let now = state.now;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    let status = if matches!(outcome, Outcome::Completed) {
        QueueStatus::Done
    } else {
        QueueStatus::SwitchedToInPerson
    };
    c.encounter.ended_at = Some(now);
    c.encounter.outcome = Some(outcome);
    let mut effects = save_encounter(state, "encounter.end");
    if let Some(c) = &state.consult
        && let Some(entry) = &c.entry_id
    {
        effects.push(Effect::Write {
            staff: me,
            write: Write::QueueStatus {
                day: c.day,
                entry_id: entry.clone(),
                status,
            },
        });
    }
    effects.extend(evaluate(state));
    effects
}

/// A clinical-risk action passed its confirm step.
pub(super) fn confirmed(state: &mut AppState, fresh: Fresh, confirm: Confirm) -> Vec<Effect> {
    let me = staff_id(state);
    let now = state.now;
    let lang = state.lang;
    let Some(c) = &mut state.consult else {
        return Vec::new();
    };
    match confirm {
        Confirm::Override { finding, reason } => {
            c.encounter.overrides.insert(
                fresh.id("ov"),
                Override {
                    finding: *finding,
                    reason,
                    by: me,
                    at: now,
                },
            );
            save_and_evaluate(state, "block.override")
        }
        // The staff screen's and the nurse's own confirm steps; they never reach a consultation.
        Confirm::Deactivate { .. } | Confirm::Vitals { .. } => Vec::new(),
        // A cancellation is the front desk's, answered there.
        Confirm::CancelVisit { .. } | Confirm::RemoveFact { .. } => Vec::new(),
        Confirm::Sign => {
            c.encounter.signed_by = Some(me);
            c.encounter.signed_at = Some(now);
            // What the doctor signed over is part of what they signed.
            c.encounter.signed_findings = c
                .findings
                .iter()
                .map(|f| crate::domain::SignedFinding {
                    rule: f.rule.to_string(),
                    clause: f.clause.to_string(),
                    severity: f.severity.as_str().to_string(),
                })
                .collect();
            // Only the overrides the signature was given over: those naming a finding in force.
            let mut over: Vec<String> = c
                .findings
                .iter()
                .filter_map(|f| f.override_on(&c.encounter).map(|(id, _)| id.clone()))
                .collect();
            over.sort();
            over.dedup();
            c.encounter.signed_overrides = over;
            // The signature lands on the record and on the visit together.
            let sign = Write::SignEncounter {
                patient_id: c.patient.id.clone(),
                encounter: Box::new(c.encounter.clone()),
                visit: c.entry_id.clone().map(|entry| (c.day, entry)),
            };
            let effects = vec![write(state, sign)];
            message(state, lang.tr("署名しました", "Signed"), false);
            state.consult = None;
            state.screen = if state.chart.is_some() {
                Screen::Chart
            } else {
                Screen::Queue
            };
            effects
        }
    }
}

/// Blocks of `c` that stop a step, as the status line names them.
fn blocking(c: &ConsultState, gates: fn(&str) -> bool) -> Vec<String> {
    open_blocks(c)
        .filter(|f| gates(f.rule))
        .map(|f| format!("{} ({})", f.rule, f.clause))
        .collect()
}

pub(super) fn command(state: &mut AppState, press: Press) -> Vec<Effect> {
    let lang = state.lang;
    let now = state.now;
    let doctor = is_doctor(state);
    let Some(c) = &mut state.consult else {
        state.screen = Screen::Queue;
        return Vec::new();
    };
    let signed = c.encounter.signed_at.is_some();
    match press.command {
        Command::FocusNext => {
            c.focus = match c.focus {
                ConsultFocus::Checklist => ConsultFocus::Note,
                ConsultFocus::Note => ConsultFocus::Prescriptions,
                ConsultFocus::Prescriptions => ConsultFocus::Checklist,
            };
        }
        Command::Up => match c.focus {
            ConsultFocus::Checklist => c.selected = c.selected.saturating_sub(1),
            ConsultFocus::Note => c.note_field = c.note_field.saturating_sub(1),
            ConsultFocus::Prescriptions => c.rx_selected = c.rx_selected.saturating_sub(1),
        },
        Command::Down => match c.focus {
            ConsultFocus::Checklist => {
                c.selected = (c.selected + 1).min(SessionChecks::COUNT + c.findings.len() - 1)
            }
            ConsultFocus::Note => c.note_field = (c.note_field + 1).min(SoapNote::TAGS.len() - 1),
            ConsultFocus::Prescriptions => {
                c.rx_selected =
                    (c.rx_selected + 1).min(c.encounter.prescriptions.len().saturating_sub(1))
            }
        },
        Command::Toggle
            if c.focus == ConsultFocus::Checklist
                && c.selected < SessionChecks::COUNT
                && !signed =>
        {
            c.encounter.checks.toggle(c.selected);
            // The place's privacy is the checklist's tick; the recorded place follows it.
            let private = c.encounter.checks.doctor_place_private;
            if let Some(place) = &mut c.encounter.doctor_location {
                place.private = private;
            }
            // Ticking the medications check is the confirmation the chart records for the
            // next visits too (指針 V.1(5)②ⅱ); unticking it leaves the date as it was.
            let medications_confirmed = (c.selected == SessionChecks::MEDICATIONS
                && c.encounter.checks.medications_confirmed)
                .then_some(now);
            if let Some(at) = medications_confirmed {
                c.patient.medications_confirmed_at = Some(at);
            }
            let save = Write::EncounterChecks {
                patient_id: c.patient.id.clone(),
                encounter: Box::new(c.encounter.clone()),
                action: "encounter.check",
                medications_confirmed,
            };
            let mut effects = vec![write(state, save)];
            effects.extend(evaluate(state));
            return effects;
        }
        Command::EditComplaint
        | Command::EditLocation
        | Command::EditAttendees
        | Command::RecordOrder
            if !doctor =>
        {
            message(
                state,
                lang.tr("医師のみが行えます", "Only a doctor can do this"),
                true,
            );
        }
        Command::Toggle
        | Command::EditComplaint
        | Command::EditLocation
        | Command::EditAttendees
        | Command::RecordOrder
            if signed =>
        {
            message(
                state,
                lang.tr(
                    "署名済みの記録は変更できません (e で追記)",
                    "The record is signed: write an addendum with e",
                ),
                true,
            );
        }
        Command::EditComplaint if doctor => {
            let form = ComplaintForm::new(lang, &c.encounter.chief_complaint);
            state.overlay = Some(Overlay::Form(Form::new(
                ComplaintForm::title(lang),
                FormKind::Complaint(form),
            )));
        }
        Command::EditLocation => {
            let form = LocationForm::new(lang, c.encounter.doctor_location.as_ref());
            state.overlay = Some(Overlay::Form(Form::new(
                LocationForm::title(lang),
                FormKind::Location(form),
            )));
        }
        Command::EditAttendees => {
            let form = AttendeeForm::new(lang, &c.encounter.attendees);
            state.overlay = Some(Overlay::Form(Form::new(
                AttendeeForm::title(lang),
                FormKind::Attendee(Box::new(form)),
            )));
        }
        Command::RecordOrder if c.encounter.kind != VisitKind::DToPWithN => {
            message(
                state,
                lang.tr(
                    "看護師への指示は D to P with N の診察で記録します",
                    "Orders to the nurse are for a D to P with N consultation",
                ),
                true,
            );
        }
        Command::RecordOrder => {
            state.overlay = Some(Overlay::Form(Form::new(
                OrderForm::title(lang),
                FormKind::Order(OrderForm::new(lang)),
            )));
        }
        Command::CopyRoomLink => {
            let Some(room) = c.encounter.video_room.clone() else {
                message(
                    state,
                    lang.tr(
                        "ビデオ室はまだありません (v で開始)",
                        "No video room yet (v to start)",
                    ),
                    true,
                );
                return Vec::new();
            };
            let text = crate::video::link(&state.video_command, &room);
            let said = format!(
                "{}: {text}",
                lang.tr("リンクをコピーしました", "Link copied")
            );
            message(state, said, false);
            return vec![Effect::CopyToClipboard { text }];
        }
        Command::RecordConsent => chart::open_consent(state),
        Command::NewCarePlan => chart::open_care_plan(state),
        Command::StartVideo => {
            if c.encounter.ended_at.is_some() {
                message(
                    state,
                    lang.tr("診察は終了しています", "The session has ended"),
                    true,
                );
                return Vec::new();
            }
            // After a drop the doctor goes back into the same room.
            if let (Some(_), Some(room)) = (c.encounter.started_at, &c.encounter.video_room) {
                return vec![Effect::LaunchVideo {
                    patient_id: c.patient.id.clone(),
                    encounter_id: c.encounter.id.clone(),
                    room: room.clone(),
                    relaunch: true,
                }];
            }
            let blocking = blocking(c, gates_start);
            if !blocking.is_empty() {
                let text = format!(
                    "{}: {}",
                    lang.tr("開始できません", "Cannot start"),
                    blocking.join(", ")
                );
                message(state, text, true);
                return Vec::new();
            }
            // Nothing is recorded until the program is running (see `video_launched`).
            let room = c
                .encounter
                .video_room
                .clone()
                .unwrap_or_else(|| press.fresh.room());
            let launch = Effect::LaunchVideo {
                patient_id: c.patient.id.clone(),
                encounter_id: c.encounter.id.clone(),
                room,
                relaunch: false,
            };
            message(
                state,
                lang.tr("ビデオを起動中…", "Starting the video…"),
                false,
            );
            return vec![launch];
        }
        Command::EditNote | Command::Override if !doctor => {
            message(
                state,
                lang.tr("医師のみが行えます", "Only a doctor can do this"),
                true,
            );
        }
        Command::EditNote if !signed => {
            c.focus = ConsultFocus::Note;
            c.editing_note = true;
        }
        Command::EditNote => {
            let form = AddendumForm::new(lang, c.patient.id.clone(), c.encounter.id.clone());
            state.overlay = Some(Overlay::Form(Form::new(
                AddendumForm::title(lang),
                FormKind::Addendum(form),
            )));
        }
        Command::AddPrescription if !signed && doctor => {
            state.overlay = Some(Overlay::Drugs(DrugSearch::default()));
        }
        Command::RemovePrescription if c.focus == ConsultFocus::Prescriptions && !signed => {
            if let Some(id) = c.encounter.prescriptions.keys().nth(c.rx_selected).cloned() {
                c.encounter.prescriptions.remove(&id);
                // An override about the line goes with it: it cannot cover another drug.
                let withdrawn = c.encounter.withdraw_overrides_of_line(&id) > 0;
                c.rx_selected = c.rx_selected.saturating_sub(1);
                // The audit names the withdrawal, and so does the status line once saved.
                let action = if withdrawn {
                    PRESCRIPTION_REMOVE_WITHDRAWING
                } else {
                    "prescription.remove"
                };
                return save_and_evaluate(state, action);
            }
        }
        Command::Override if !signed => {
            // With a prescription line selected, its first block still open; otherwise the
            // finding selected in the list.
            let line = (c.focus == ConsultFocus::Prescriptions)
                .then(|| c.encounter.prescriptions.keys().nth(c.rx_selected))
                .flatten();
            let finding = match line {
                Some(id) => c
                    .findings
                    .iter()
                    .find(|f| f.line.as_deref() == Some(id) && f.is_open_block(&c.encounter)),
                None => c
                    .selected
                    .checked_sub(SessionChecks::COUNT)
                    .and_then(|i| c.findings.get(i)),
            };
            let Some(f) = finding.filter(|f| f.severity == Severity::Block) else {
                let text = if line.is_some() {
                    lang.tr(
                        "この処方行に解除するブロックはありません",
                        "No open block on this prescription line",
                    )
                } else {
                    lang.tr(
                        "解除するブロックを選択してください",
                        "Select a block to override",
                    )
                };
                message(state, text, true);
                return Vec::new();
            };
            if !f.overridable {
                // 指針 V.1(5)②ⅰ states these for a first visit without exception: no reason
                // lifts them, and the screen says what does.
                let ways: Vec<&str> = f
                    .resolutions
                    .iter()
                    .map(|r| {
                        let (ja, en) = r.label();
                        lang.tr(ja, en)
                    })
                    .collect();
                let text = format!(
                    "{} {}: {}",
                    f.rule,
                    lang.tr(
                        "は解除できません (指針 V.1(5)②ⅰ)。解消するには",
                        "cannot be overridden (指針 V.1(5)②ⅰ). To resolve it",
                    ),
                    ways.join(lang.tr("、", ", "))
                );
                message(state, text, true);
                return Vec::new();
            }
            if f.override_on(&c.encounter).is_some() {
                message(
                    state,
                    lang.tr(
                        "このブロックは解除済みです",
                        "This block is already overridden",
                    ),
                    true,
                );
                return Vec::new();
            }
            let drug = f
                .line
                .as_ref()
                .and_then(|id| c.encounter.prescriptions.get(id))
                .map(|rx| rx.drug_name.clone());
            let form = OverrideForm::new(lang, f.overridden(drug));
            state.overlay = Some(Overlay::Form(Form::new(
                OverrideForm::title(lang),
                FormKind::Override(form),
            )));
        }
        Command::EndSession if !signed => {
            if c.encounter.started_at.is_none() {
                message(
                    state,
                    lang.tr("ビデオが開始されていません", "The video has not started"),
                    true,
                );
                return Vec::new();
            }
            state.overlay = Some(Overlay::Form(Form::new(
                EndSessionForm::title(lang),
                FormKind::EndSession(EndSessionForm::new(lang)),
            )));
        }
        Command::Sign if !signed && doctor => {
            if c.encounter.ended_at.is_none() {
                message(
                    state,
                    lang.tr(
                        "診察を終了してから署名してください",
                        "End the session before signing",
                    ),
                    true,
                );
                return Vec::new();
            }
            let blocking = blocking(c, |_| true);
            if !blocking.is_empty() {
                let text = format!(
                    "{}: {}",
                    lang.tr("署名できません", "Cannot sign"),
                    blocking.join(", ")
                );
                message(state, text, true);
                return Vec::new();
            }
            state.overlay = Some(Overlay::Confirm(Confirm::Sign));
        }
        Command::Back => {
            state.screen = if state.chart.is_some() {
                Screen::Chart
            } else {
                Screen::Queue
            };
            state.consult = None;
            return vec![Effect::LoadQueue {
                day: state.queue.day,
            }];
        }
        _ => {}
    }
    Vec::new()
}
