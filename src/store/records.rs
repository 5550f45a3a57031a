//! The store's operations in the clinic's words: register a patient, update their details,
//! check them in, record a consent, a care plan, an encounter, a note or a prescription, put a
//! reservation on a day's queue, assign its doctor and move it through its statuses. Each is one
//! durable, audited SQLite transaction, however many documents it changes, writing at the
//! smallest path.

use serde_json::Value as Json;

use super::persist::Editor;
use super::{DocId, Store, StoreError, check_id};
use crate::domain::{
    CarePlan, ChartNote, Clinic, Consent, Date, Demographics, Encounter, IdentityCheck, Instant,
    Patient, Prescription, QueueDay, QueueEntry, QueueStatus, StatusChange,
};

impl Store {
    /// Creates the clinic document, or brings it in line with `clinic` field by field.
    pub fn save_clinic(&mut self, staff: &str, clinic: &Clinic) -> Result<(), StoreError> {
        let id = DocId::clinic();
        let exists = self.exists(&id)?;
        self.write(|w| {
            if exists {
                w.edit(&id, staff, "clinic.update", |e| e.put_root(clinic))?;
            } else {
                w.create(&id, staff, "clinic.create", |e| e.put_root(clinic))?;
            }
            super::staff::write_rosters(w, staff)
        })
    }

    pub fn clinic(&mut self) -> Result<Option<Clinic>, StoreError> {
        self.read_view(&DocId::clinic())
    }

    /// The clinic as this device knows it for signing in: the clinic document, or on a care
    /// team's device (which never receives it) what the team's roster says.
    pub fn clinic_for_sign_in(&mut self) -> Result<Option<Clinic>, StoreError> {
        if let Some(clinic) = self.clinic()? {
            return Ok(Some(clinic));
        }
        let rosters: Vec<DocId> = self
            .doc_ids()?
            .into_iter()
            .filter(|id| id.kind() == crate::protocol::DocKind::Team)
            .collect();
        for id in rosters {
            if let Some(roster) = self.read_view::<crate::domain::TeamRoster>(&id)? {
                return Ok(Some(roster.as_clinic()));
            }
        }
        Ok(None)
    }

    /// Stores a staff member's PIN hash (never the PIN). A new PIN ends a lockout on this
    /// device: the wrong PINs were tries at the old one.
    pub fn set_staff_pin_hash(
        &mut self,
        by: &str,
        staff_id: &str,
        pin_hash: &str,
    ) -> Result<(), StoreError> {
        self.edit_clinic(by, "staff.set_pin", |e| {
            require(e, &["staff", staff_id], "staff member")?;
            e.put(&["staff", staff_id, "pin_hash"], pin_hash)
        })?;
        self.clear_pin_failures(staff_id)
    }

    /// Registers a new patient (one new document).
    pub fn add_patient(&mut self, staff: &str, patient: &Patient) -> Result<(), StoreError> {
        let id = DocId::patient(&patient.id)?;
        self.create(&id, staff, "patient.register", |e| e.put_root(patient))
    }

    /// Registers a patient someone entered (the front desk's registration form): refuses
    /// demographics that cannot be right on `today` and a patient number another patient
    /// already carries, naming the field. The caller does the duplicate check on kana name and
    /// date of birth, since a twin or a namesake can be genuine.
    pub fn register_patient(
        &mut self,
        staff: &str,
        patient: &Patient,
        today: Date,
    ) -> Result<(), StoreError> {
        patient
            .demographics
            .check(today)
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        if let Some(number) = &patient.patient_number
            && let Some(other) = self.find_patient_by_number(number)?
        {
            return Err(StoreError::Rejected(format!(
                "patient_number: {number} is already {} ({})",
                other.patient_id, other.name_kanji
            )));
        }
        self.add_patient(staff, patient)
    }

    /// Registers many new patients in one transaction (seeding, migration from another system).
    pub fn add_patients(&mut self, staff: &str, patients: &[Patient]) -> Result<usize, StoreError> {
        let docs = patients
            .iter()
            .map(|p| DocId::patient(&p.id).map(|id| (id, p)))
            .collect::<Result<Vec<_>, _>>()?;
        self.create_many(staff, "patient.register", docs)
    }

    /// The whole patient record.
    pub fn patient(&mut self, patient_id: &str) -> Result<Patient, StoreError> {
        let id = DocId::patient(patient_id)?;
        self.read_view(&id)?
            .ok_or_else(|| StoreError::NoSuchDocument(id.to_string()))
    }

    /// Updates a patient's demographics (name, date of birth, sex, phone, address) as
    /// `change` says, reading them inside the write so that a concurrent edit is not lost. Only
    /// the fields that differ are written, so that two devices changing different fields merge.
    pub fn update_demographics(
        &mut self,
        staff: &str,
        patient_id: &str,
        change: impl FnOnce(&mut Demographics),
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "patient.demographics", |e| {
            let mut demographics: Demographics = e
                .get(&["demographics"])?
                .ok_or_else(|| StoreError::Rejected(format!("{id} has no demographics")))?;
            change(&mut demographics);
            e.put(&["demographics"], &demographics)
        })
    }

    /// Puts a patient under a home-care team (訪問診療チーム), or none. The patient's later
    /// visits go on that team's queue, and the team's devices receive the record. The visits
    /// from `from` on that have not begun move with the patient to the new team's queue (or the
    /// clinic's), in the same transaction; returns how many moved.
    pub fn assign_care_team(
        &mut self,
        staff: &str,
        patient_id: &str,
        team: Option<&str>,
        from: Date,
    ) -> Result<usize, StoreError> {
        let id = DocId::patient(patient_id)?;
        if let Some(team) = team {
            check_id(team)?;
        }
        self.write(|w| {
            w.edit(&id, staff, "patient.care_team", |e| match team {
                Some(team) => e.put(&["care_team"], team),
                None => e.delete(&["care_team"]),
            })?;
            let mut moved = 0;
            for (day, entry_id, doc) in w.open_visits_from(patient_id, from)? {
                let clinic = queue_clinic(&doc)?;
                let target = match team {
                    Some(team) => DocId::team_queue(&clinic, day, team)?,
                    None => DocId::queue(&clinic, day)?,
                };
                if target == doc {
                    continue;
                }
                let entry = w.edit(&doc, staff, "queue.move_team", |e| {
                    let entry = require_entry(e, &entry_id)?;
                    e.delete(&["entries", &entry_id])?;
                    Ok(entry)
                })?;
                open_day(w, staff, &target, &clinic, day, team)?;
                w.edit(&target, staff, "queue.move_team", |e| {
                    e.put(&["entries", &entry_id], &entry)
                })?;
                moved += 1;
            }
            Ok(moved)
        })
    }

    /// Checks a patient in at the front desk (受付): the identity check is recorded on the
    /// patient, linked from the queue entry, the doctor who will see them is assigned (when
    /// given) and the entry moves to checked-in — in one transaction, so that a check-in is
    /// either wholly stored or not at all and no patient carries an identity check that no visit
    /// refers to, nor a visit a status without its doctor.
    #[allow(clippy::too_many_arguments)]
    pub fn check_in(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        patient_id: &str,
        check: &IdentityCheck,
        doctor: Option<&str>,
        at: Instant,
    ) -> Result<(), StoreError> {
        let patient = DocId::patient(patient_id)?;
        self.write(|w| {
            if let Some(doctor) = doctor {
                super::front_desk::require_doctor(w, staff, doctor)?;
            }
            let queue = w.queue_doc(clinic, day, entry_id)?;
            w.edit(&patient, staff, "identity.check", |e| {
                e.put(&["identity_checks", &check.id], check)
            })?;
            w.edit(&queue, staff, "queue.status.checked_in", |e| {
                let entry = require_entry(e, entry_id)?;
                // The identity seen must be recorded on the patient the entry is for.
                if entry.patient_id != patient_id {
                    return Err(StoreError::Rejected(format!(
                        "queue entry {entry_id} is for patient {}, not {patient_id}",
                        entry.patient_id
                    )));
                }
                e.put(&["entries", entry_id, "identity_check"], &check.id)?;
                if let Some(doctor) = doctor {
                    e.put(&["entries", entry_id, "doctor"], doctor)?;
                }
                put_status(e, entry_id, QueueStatus::CheckedIn, staff, at)
            })
        })
    }

    pub fn record_consent(
        &mut self,
        staff: &str,
        patient_id: &str,
        consent: &Consent,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "consent.record", |e| {
            e.put(&["consents", &consent.id], consent)
        })
    }

    pub fn save_care_plan(
        &mut self,
        staff: &str,
        patient_id: &str,
        plan: &CarePlan,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "care_plan.save", |e| {
            e.put(&["care_plans", &plan.id], plan)
        })
    }

    pub fn save_encounter(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter: &Encounter,
    ) -> Result<(), StoreError> {
        self.save_encounter_as(staff, patient_id, encounter, "encounter.save")
    }

    /// Saves an encounter, naming the step in the audit log (`encounter.start`, `encounter.sign`,
    /// `block.override` ...). Only what differs from the stored encounter is written.
    pub fn save_encounter_as(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter: &Encounter,
        action: &str,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, action, |e| {
            super::facts::refuse_signed(e, &encounter.id)?;
            e.put(&["encounters", &encounter.id], encounter)
        })
    }

    /// Discards an encounter that was never signed (a draft opened by mistake). A signed
    /// encounter is part of the medical record (診療録) and is kept. Discarding one that is not
    /// there changes nothing.
    pub fn discard_encounter(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter_id: &str,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "encounter.discard", |e| {
            let path = ["encounters", encounter_id];
            match e.get::<Encounter>(&path)? {
                None => Ok(()),
                Some(enc) if enc.signed_at.is_some() => Err(StoreError::Rejected(format!(
                    "encounter {encounter_id} is signed and cannot be discarded"
                ))),
                Some(_) => e.delete(&path),
            }
        })
    }

    pub fn save_note(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter_id: &str,
        note: &ChartNote,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "note.save", |e| {
            require(e, &["encounters", encounter_id], "encounter")?;
            e.put(&["encounters", encounter_id, "notes", &note.id], note)
        })
    }

    pub fn save_prescription(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter_id: &str,
        rx: &Prescription,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "prescription.save", |e| {
            require(e, &["encounters", encounter_id], "encounter")?;
            e.put(&["encounters", encounter_id, "prescriptions", &rx.id], rx)
        })
    }

    /// A clinic-day's queue, if anything was ever queued that day.
    pub fn queue_day(&mut self, clinic: &str, day: Date) -> Result<Option<QueueDay>, StoreError> {
        self.read_view(&DocId::queue(clinic, day)?)
    }

    /// Puts a reservation on a day's queue. Returns `false`, changing nothing, when an entry with
    /// the same id is already there: importing the same reservation twice adds it once.
    pub fn add_queue_entry(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry: &QueueEntry,
    ) -> Result<bool, StoreError> {
        // A home-care patient's visits go on the day's queue of the patient's care team, which
        // that team's devices receive; everyone else's on the clinic's. Opening the day and
        // adding the entry are one transaction.
        self.write(|w| {
            let team = w.care_team_of(&entry.patient_id)?;
            let id = match &team {
                Some(team) => DocId::team_queue(clinic, day, team)?,
                None => DocId::queue(clinic, day)?,
            };
            open_day(w, staff, &id, clinic, day, team.as_deref())?;
            w.edit(&id, staff, "queue.add", |e| {
                if e.get::<Json>(&["entries", &entry.id])?.is_some() {
                    return Ok(false);
                }
                e.put(&["entries", &entry.id], entry)?;
                Ok(true)
            })
        })
    }

    /// Moves a queue entry to `status`, keeping the change in its history.
    pub fn set_queue_status(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        status: QueueStatus,
        at: Instant,
    ) -> Result<(), StoreError> {
        let action = format!("queue.status.{}", status.as_str());
        self.write(|w| {
            let id = w.queue_doc(clinic, day, entry_id)?;
            w.edit(&id, staff, &action, |e| {
                require_entry(e, entry_id)?;
                put_status(e, entry_id, status, staff, at)
            })
        })
    }

    /// Assigns the doctor who will see a queue entry.
    pub fn assign_doctor(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        doctor: &str,
    ) -> Result<(), StoreError> {
        self.edit_entry(staff, clinic, day, entry_id, "queue.set.doctor", |e| {
            e.put(&["entries", entry_id, "doctor"], doctor)
        })
    }

    /// Records that the pre-consult (診療前相談) before this visit was held (指針 V.1(2)).
    pub fn mark_pre_consult(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
    ) -> Result<(), StoreError> {
        self.edit_entry(
            staff,
            clinic,
            day,
            entry_id,
            "queue.set.pre_consult_done",
            |e| e.put(&["entries", entry_id, "pre_consult_done"], &true),
        )
    }

    /// One edit of a queue entry that must exist, on the queue document that holds it.
    fn edit_entry(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        action: &str,
        change: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|w| {
            let id = w.queue_doc(clinic, day, entry_id)?;
            w.edit(&id, staff, action, |e| {
                require_entry(e, entry_id)?;
                change(e)
            })
        })
    }
}

/// The queue entry `entry_id`, or a refusal naming it.
pub(super) fn require_entry(e: &Editor, entry_id: &str) -> Result<QueueEntry, StoreError> {
    e.get::<QueueEntry>(&["entries", entry_id])?
        .ok_or_else(|| StoreError::Rejected(format!("no queue entry {entry_id}")))
}

/// Moves a queue entry to `status`, adding the change to its history under a key of its own
/// so that changes made on two devices both survive a merge.
pub(super) fn put_status(
    e: &mut Editor,
    entry_id: &str,
    status: QueueStatus,
    staff: &str,
    at: Instant,
) -> Result<(), StoreError> {
    let change = StatusChange {
        to: status,
        by: staff.to_string(),
        at,
    };
    let key = format!(
        "{}-{}",
        at.unix_timestamp_nanos(),
        crate::domain::new_id("s")
    );
    e.put(&["entries", entry_id, "status"], &status)?;
    e.put(&["entries", entry_id, "history", &key], &change)
}

fn require(e: &Editor, path: &[&str], what: &str) -> Result<(), StoreError> {
    if e.get::<Json>(path)?.is_none() {
        return Err(StoreError::Rejected(format!(
            "no {what} {}",
            path.last().copied().unwrap_or_default()
        )));
    }
    Ok(())
}

/// Opens the queue document `id` of `day` (a team's when `team` is given) unless it exists.
fn open_day(
    w: &mut super::persist::Writing,
    staff: &str,
    id: &DocId,
    clinic: &str,
    day: Date,
    team: Option<&str>,
) -> Result<(), StoreError> {
    if w.exists(id)? {
        return Ok(());
    }
    w.create(id, staff, "queue.open_day", |e| {
        e.put(&["clinic"], clinic)?;
        e.put(&["date"], &day)?;
        match team {
            Some(team) => e.put(&["care_team"], team),
            None => Ok(()),
        }
    })
}

/// The clinic a queue document's id names (`queue/<clinic>/<day>[/<team>]`).
fn queue_clinic(doc: &DocId) -> Result<String, StoreError> {
    doc.as_str()
        .split('/')
        .nth(1)
        .filter(|_| doc.kind() == crate::protocol::DocKind::Queue)
        .map(str::to_string)
        .ok_or_else(|| StoreError::Rejected(format!("{doc} is not a queue document")))
}
