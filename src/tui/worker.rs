//! The effects: store reads and writes, patient and drug search, rule evaluation and launching
//! the video program, run on a blocking thread away from the event loop and answered with
//! actions.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::state::{Action, Effect, PinCheck, Registration, Saved, TeamVisit, Write};
use crate::domain::{Date, DrugInfo, DrugLookup, Staff};
use crate::drugs::DrugMaster;
use crate::store::{DocId, Store, StoreError};

/// Owns the store and the drug master for the workstation.
pub struct Worker {
    pub store: Store,
    pub drugs: DrugMaster,
    pub clinic_id: String,
    /// Command template for the video program; `{room}` is replaced by the room name.
    pub video_command: String,
}

impl Worker {
    /// Runs one effect and returns what it produced.
    pub fn run(&mut self, effect: Effect) -> Vec<Action> {
        match effect {
            Effect::VerifyPin { staff, pin } => match self.verify_pin(&staff, &pin) {
                Ok(check) => vec![Action::PinChecked { staff, check }],
                Err(e) => vec![failed(e)],
            },
            Effect::LoadClinic => match self.store.clinic_for_sign_in() {
                Ok(Some(clinic)) => {
                    self.clinic_id = clinic.id.clone();
                    vec![Action::ClinicLoaded(Box::new(clinic))]
                }
                Ok(None) => vec![Action::Failed {
                    message: "the store has no clinic".into(),
                }],
                Err(e) => vec![failed(e)],
            },
            Effect::LoadQueue { day } => match self.store.queue_rows(day) {
                Ok(rows) => vec![Action::QueueLoaded { day, rows }],
                Err(e) => vec![failed(e)],
            },
            Effect::LoadChart { patient_id } => {
                let patient = self.store.patient(&patient_id);
                let history = self.chart_history(&patient_id);
                match (patient, history) {
                    (Ok(patient), Ok(history)) => vec![Action::ChartLoaded {
                        patient: Box::new(patient),
                        history,
                    }],
                    (Err(e), _) | (_, Err(e)) => vec![failed(e)],
                }
            }
            Effect::SearchPatients { generation, query } => {
                match self.store.search_patients(&query, 30) {
                    Ok(results) => vec![Action::PatientsFound {
                        generation,
                        results,
                    }],
                    Err(e) => vec![failed(e)],
                }
            }
            Effect::SearchDrugs { generation, query } => {
                let results = if query.trim().is_empty() {
                    Ok(Vec::new())
                } else {
                    self.drugs.search(&query, 30)
                };
                match results {
                    Ok(results) => vec![Action::DrugsFound {
                        generation,
                        results,
                    }],
                    Err(e) => vec![Action::Failed {
                        message: e.to_string(),
                    }],
                }
            }
            Effect::Evaluate {
                generation,
                consultation,
                codes,
                now,
            } => {
                let findings = crate::rules::evaluate(&consultation, &self.drugs, now);
                let drugs: Vec<DrugInfo> =
                    codes.iter().filter_map(|c| self.drugs.drug(c)).collect();
                vec![Action::Evaluated {
                    generation,
                    findings,
                    drugs,
                }]
            }
            Effect::Write { staff, write } => match self.write(&staff, write) {
                Ok(what) => vec![Action::Saved { what }],
                Err(e) => vec![failed(e)],
            },
            // The event loop hands this to the sync task; a worker never sees it.
            Effect::SyncNow => Vec::new(),
            Effect::Register {
                generation,
                staff,
                patient,
                today,
                anyway,
            } => {
                let outcome = match self.register(&staff, &patient, today, anyway) {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        tracing::warn!("registration refused: {e}");
                        Registration::Refused(e.to_string())
                    }
                };
                vec![Action::Registered {
                    generation,
                    outcome,
                }]
            }
            Effect::LaunchVideo {
                patient_id,
                encounter_id,
                room,
                relaunch,
            } => match crate::video::launch(&self.video_command, &room) {
                Ok(()) => {
                    tracing::info!(%encounter_id, relaunch, "video program launched");
                    vec![Action::VideoLaunched {
                        patient_id,
                        encounter_id,
                        room,
                        relaunch,
                    }]
                }
                Err(e) => {
                    tracing::warn!(%encounter_id, error = %e, "video launch failed");
                    vec![Action::VideoFailed {
                        message: e.to_string(),
                    }]
                }
            },
            Effect::JoinVideo { room } => match crate::video::launch(&self.video_command, &room) {
                Ok(()) => {
                    tracing::info!("video program joined the doctor's room");
                    vec![Action::VideoJoined]
                }
                Err(e) => {
                    tracing::warn!(error = %e, "video join failed");
                    vec![Action::VideoFailed {
                        message: e.to_string(),
                    }]
                }
            },
            Effect::LoadTeamDay { day, team } => match self.team_day(day, &team) {
                Ok(visits) => vec![Action::TeamDayLoaded { day, visits }],
                Err(e) => vec![failed(e)],
            },
            Effect::FindRoom {
                patient_id,
                entry_id,
            } => match self.store.patient(&patient_id) {
                Ok(patient) => {
                    let room = patient
                        .encounters
                        .values()
                        .filter(|e| e.queue_entry.as_deref() == Some(entry_id.as_str()))
                        .find_map(|e| e.video_room.clone());
                    vec![Action::RoomFound { room }]
                }
                Err(e) => vec![failed(e)],
            },
            // The event loop writes to the terminal it owns; a worker never sees it.
            Effect::CopyToClipboard { .. } => Vec::new(),
        }
    }

    /// Checks a PIN under the lockout: a member locked out is refused without looking at the
    /// PIN; a wrong PIN is counted (the fifth in a row locks them out); a right one clears the
    /// count. The count lives in the store, so a restart does not reset it.
    fn verify_pin(&mut self, staff: &str, pin: &str) -> Result<PinCheck, StoreError> {
        let now = time::OffsetDateTime::now_utc();
        // A team's device knows its members from the team's roster.
        let clinic = self.store.clinic_for_sign_in()?;
        let Some(record) = clinic.as_ref().and_then(|c| c.staff.get(staff)) else {
            return Ok(PinCheck::Wrong);
        };
        if !record.active {
            return Ok(PinCheck::Inactive);
        }
        if let Some(until) = self.store.locked_until(staff, now)? {
            self.store.record_locked_attempt(staff)?;
            return Ok(PinCheck::Locked { until });
        }
        let check = check_pin(record, pin);
        match check {
            PinCheck::Accepted => {
                self.store.clear_pin_failures(staff)?;
                if record.pin_needs_rehash() {
                    // The sign-in stands whether or not the stronger hash could be stored; the
                    // old one is tried again at the next sign-in.
                    match self.store.rehash_staff_pin(staff, pin) {
                        Ok(true) => tracing::info!(staff, "PIN hash upgraded to Argon2id"),
                        Ok(false) => {}
                        Err(e) => tracing::warn!(staff, "PIN hash not upgraded: {e}"),
                    }
                }
            }
            PinCheck::Wrong => {
                if let Some(until) = self.store.record_pin_failure(staff, now)?.locked_until {
                    return Ok(PinCheck::Locked { until });
                }
            }
            _ => {}
        }
        Ok(check)
    }

    /// Who changed the patient's record and how: from the document's own changes, so that
    /// edits made on other devices (the nurse's laptop, the doctor's workstation) show with
    /// their authors, with what this device audited that changed no document.
    fn chart_history(
        &mut self,
        patient_id: &str,
    ) -> Result<Vec<crate::store::AuditEntry>, StoreError> {
        let doc = DocId::patient(patient_id)?;
        let mut history = self.store.document_history(&doc)?;
        history.extend(
            self.store
                .audit_entries(Some(doc.as_str()))?
                .into_iter()
                .filter(|e| e.change_hash.is_empty()),
        );
        history.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(history)
    }

    /// The team's visits of `day` in route order (the nurse's, then by time), each with its
    /// patient's record.
    fn team_day(&mut self, day: Date, team: &str) -> Result<Vec<TeamVisit>, StoreError> {
        let Some(queue) = self.store.team_day(&self.clinic_id, day, team)? else {
            return Ok(Vec::new());
        };
        let mut entries: Vec<_> = queue
            .entries
            .into_values()
            .filter(|e| e.status != crate::domain::QueueStatus::Cancelled)
            .collect();
        entries.sort_by(|a, b| {
            (a.route_order.unwrap_or(u32::MAX), &a.time, &a.id).cmp(&(
                b.route_order.unwrap_or(u32::MAX),
                &b.time,
                &b.id,
            ))
        });
        entries
            .into_iter()
            .map(|entry| {
                let patient = self.store.patient(&entry.patient_id)?;
                Ok(TeamVisit {
                    entry,
                    patient: Box::new(patient),
                })
            })
            .collect()
    }

    fn write(&mut self, staff: &str, write: Write) -> Result<Saved, StoreError> {
        let clinic = self.clinic_id.clone();
        let now = time::OffsetDateTime::now_utc();
        match write {
            Write::NursingVisit {
                patient_id,
                visit,
                action,
            } => {
                self.store
                    .save_nursing_visit(staff, &patient_id, &visit, action)?;
                Ok(Saved::Nursing(action))
            }
            Write::RouteOrder { day, team, entries } => {
                self.store
                    .set_route_order(staff, &clinic, day, &team, &entries)?;
                Ok(Saved::Nursing("queue.route"))
            }
            Write::ConsultRequest {
                day,
                entry_id,
                patient_id,
                visit,
            } => {
                self.store.request_consult(
                    staff,
                    &clinic,
                    day,
                    &entry_id,
                    &patient_id,
                    &visit,
                    now,
                )?;
                Ok(Saved::Nursing("nursing.request"))
            }
            Write::SignedIn => {
                self.store.record_sign_in(staff)?;
                Ok(Saved::SignedIn)
            }
            Write::CheckIn {
                day,
                entry_id,
                patient_id,
                check,
                doctor,
            } => {
                self.store.check_in(
                    staff,
                    &clinic,
                    day,
                    &entry_id,
                    &patient_id,
                    &check,
                    Some(&doctor),
                    now,
                )?;
                Ok(Saved::CheckedIn)
            }
            Write::AssignDoctor {
                day,
                entry_id,
                doctor,
            } => {
                self.store
                    .assign_doctor(staff, &clinic, day, &entry_id, &doctor)?;
                Ok(Saved::DoctorAssigned)
            }
            Write::PreConsultDone { day, entry_id } => {
                self.store
                    .mark_pre_consult(staff, &clinic, day, &entry_id)?;
                Ok(Saved::PreConsult)
            }
            Write::QueueStatus {
                day,
                entry_id,
                status,
            } => {
                self.store
                    .set_queue_status(staff, &clinic, day, &entry_id, status, now)?;
                Ok(Saved::Status(status))
            }
            Write::Consent {
                patient_id,
                consent,
            } => {
                self.store.record_consent(staff, &patient_id, &consent)?;
                Ok(Saved::Consent)
            }
            Write::CarePlan { patient_id, plan } => {
                self.store.save_care_plan(staff, &patient_id, &plan)?;
                Ok(Saved::CarePlan)
            }
            Write::Encounter {
                patient_id,
                encounter,
                action,
            } => {
                self.store
                    .save_encounter_as(staff, &patient_id, &encounter, action)?;
                Ok(Saved::Encounter(action))
            }
            Write::AddStaff { staff: member } => {
                self.store.add_staff(staff, &member, today_jst(now))?;
                Ok(Saved::StaffAdded)
            }
            Write::EditStaff { original, edited } => {
                self.store
                    .edit_staff(staff, &original.id, today_jst(now), |current| {
                        crate::store::apply_changes(current, &original, &edited)
                    })?;
                Ok(Saved::StaffSaved)
            }
            Write::DeactivateStaff { staff_id } => {
                self.store.deactivate_staff(staff, &staff_id)?;
                Ok(Saved::StaffDeactivated)
            }
            Write::Fact { patient_id, edit } => {
                self.store.edit_fact(staff, &patient_id, &edit)?;
                Ok(Saved::Fact(edit.action()))
            }
            Write::Addendum {
                patient_id,
                encounter_id,
                addendum,
            } => {
                self.store
                    .add_addendum(staff, &patient_id, &encounter_id, &addendum)?;
                Ok(Saved::Encounter("encounter.addendum"))
            }
            Write::EncounterChecks {
                patient_id,
                encounter,
                action,
                medications_confirmed,
            } => {
                self.store.save_encounter_checks(
                    staff,
                    &patient_id,
                    &encounter,
                    action,
                    medications_confirmed,
                )?;
                Ok(Saved::Encounter(action))
            }
            Write::SignEncounter {
                patient_id,
                encounter,
                visit,
            } => {
                let visit = visit.as_ref().map(|(day, entry)| (*day, entry.as_str()));
                self.store
                    .sign_encounter(staff, &clinic, &patient_id, &encounter, visit)?;
                Ok(Saved::Signed)
            }
            Write::BookVisit { day, entry } => {
                self.store.book_visit(staff, &clinic, day, &entry)?;
                Ok(Saved::Booked {
                    walk_in: entry.source == "walk_in",
                    day,
                })
            }
            Write::MoveVisit {
                day,
                entry_id,
                to_day,
                to_time,
            } => {
                self.store
                    .move_visit(staff, &clinic, day, &entry_id, to_day, &to_time)?;
                Ok(Saved::Moved { day: to_day })
            }
            Write::MarkWaiting { day, entry_id } => {
                self.store
                    .mark_waiting(staff, &clinic, day, &entry_id, now)?;
                Ok(Saved::Waiting)
            }
            Write::CancelVisit {
                day,
                entry_id,
                reason,
            } => {
                self.store
                    .cancel_visit(staff, &clinic, day, &entry_id, &reason, now)?;
                Ok(Saved::VisitCancelled)
            }
            Write::RecordPayment {
                day,
                entry_id,
                payment,
            } => {
                self.store
                    .record_payment(staff, &clinic, day, &entry_id, &payment)?;
                Ok(Saved::Payment)
            }
            Write::NursingInstructions {
                patient_id,
                instructions,
            } => {
                self.store
                    .save_nursing_instructions(staff, &patient_id, &instructions)?;
                Ok(Saved::Fact("nursing.instructions"))
            }
        }
    }

    /// The registration form's save: unless the user already chose to register anyway, the
    /// duplicate check on kana name and date of birth, then `register_patient`, which
    /// validates and names the field it refuses.
    fn register(
        &mut self,
        staff: &str,
        patient: &crate::domain::Patient,
        today: crate::domain::Date,
        anyway: bool,
    ) -> Result<Registration, StoreError> {
        let d = &patient.demographics;
        if !anyway {
            let matches = self
                .store
                .find_patient_by_name_dob(&d.name_kana, d.date_of_birth)?;
            if !matches.is_empty() {
                return Ok(Registration::Duplicates(matches));
            }
        }
        self.store.register_patient(staff, patient, today)?;
        tracing::info!(patient = %patient.id, %staff, "patient registered");
        Ok(Registration::Registered {
            patient_id: patient.id.clone(),
            name_kanji: d.name_kanji.clone(),
        })
    }
}

/// The day in Japan at `now`: training dates and years are checked against it.
fn today_jst(now: time::OffsetDateTime) -> crate::domain::Date {
    now.to_offset(time::macros::offset!(+9)).date()
}

/// Checks `pin` against the stored hash of `staff` (which takes a hash, so not on the UI thread).
/// A deactivated member is refused whatever the PIN.
pub fn check_pin(staff: &Staff, pin: &str) -> PinCheck {
    if !staff.active {
        PinCheck::Inactive
    } else if staff.pin_hash.is_none() {
        PinCheck::NotSet
    } else if staff.verify_pin(pin) {
        PinCheck::Accepted
    } else {
        PinCheck::Wrong
    }
}

fn failed(e: StoreError) -> Action {
    tracing::warn!("{e}");
    Action::Failed {
        message: e.to_string(),
    }
}

/// Runs effects one after another until the channel closes: the loop hands this to a blocking
/// thread, so store and rule work never holds up the terminal.
pub fn serve(
    mut worker: Worker,
    mut effects: UnboundedReceiver<Effect>,
    actions: UnboundedSender<Action>,
) {
    while let Some(effect) = effects.blocking_recv() {
        for action in worker.run(effect) {
            if actions.send(action).is_err() {
                return;
            }
        }
    }
}
