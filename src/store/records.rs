//! The store's operations in the clinic's words: register a patient, record an identity check,
//! a consent, a care plan, an encounter, a note or a prescription, put a reservation on a day's
//! queue and move it through its statuses. Each is one durable, audited edit at the smallest path.

use serde::Serialize;
use serde_json::Value as Json;

use super::docs::Editor;
use super::{DocId, Store, StoreError};
use crate::domain::{
    CarePlan, ChartNote, Clinic, Consent, Date, Encounter, IdentityCheck, Instant, Patient,
    Prescription, QueueDay, QueueEntry, QueueStatus, StatusChange,
};

impl Store {
    /// Creates the clinic document, or brings it in line with `clinic` field by field.
    pub fn save_clinic(&mut self, staff: &str, clinic: &Clinic) -> Result<(), StoreError> {
        let id = DocId::clinic();
        if self.exists(&id)? {
            self.edit(&id, staff, "clinic.update", |e| e.put_root(clinic))
        } else {
            self.create(&id, staff, "clinic.create", |e| e.put_root(clinic))
        }
    }

    pub fn clinic(&mut self) -> Result<Option<Clinic>, StoreError> {
        self.read_view(&DocId::clinic())
    }

    /// Stores a staff member's PIN hash (never the PIN).
    pub fn set_staff_pin_hash(
        &mut self,
        by: &str,
        staff_id: &str,
        pin_hash: &str,
    ) -> Result<(), StoreError> {
        self.edit(&DocId::clinic(), by, "staff.set_pin", |e| {
            require(e, &["staff", staff_id], "staff member")?;
            e.put(&["staff", staff_id, "pin_hash"], pin_hash)
        })
    }

    /// Registers a new patient (one new document).
    pub fn add_patient(&mut self, staff: &str, patient: &Patient) -> Result<(), StoreError> {
        let id = DocId::patient(&patient.id)?;
        self.create(&id, staff, "patient.register", |e| e.put_root(patient))
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

    /// Sets one field (or sub-record) of a patient's record, e.g. `["demographics", "phone"]`.
    pub fn set_patient_field<T: Serialize>(
        &mut self,
        staff: &str,
        patient_id: &str,
        path: &[&str],
        value: &T,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        let action = format!("patient.set.{}", path.join("."));
        self.edit(&id, staff, &action, |e| e.put(path, value))
    }

    pub fn record_identity_check(
        &mut self,
        staff: &str,
        patient_id: &str,
        check: &IdentityCheck,
    ) -> Result<(), StoreError> {
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "identity.check", |e| {
            e.put(&["identity_checks", &check.id], check)
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
            e.put(&["encounters", &encounter.id], encounter)
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
        // that team's devices receive; everyone else's on the clinic's.
        let team = self
            .patient_summary(&entry.patient_id)?
            .and_then(|p| p.care_team);
        let id = match &team {
            Some(team) => DocId::team_queue(clinic, day, team)?,
            None => DocId::queue(clinic, day)?,
        };
        if !self.exists(&id)? {
            let header = QueueDay {
                clinic: clinic.to_string(),
                date: day,
                entries: Default::default(),
            };
            match self.create(&id, staff, "queue.open_day", |e| {
                e.put(&["clinic"], &header.clinic)?;
                e.put(&["date"], &header.date)?;
                match &team {
                    Some(team) => e.put(&["care_team"], team),
                    None => Ok(()),
                }
            }) {
                Ok(()) | Err(StoreError::DocumentExists(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.edit(&id, staff, "queue.add", |e| {
            if e.get::<Json>(&["entries", &entry.id])?.is_some() {
                return Ok(false);
            }
            e.put(&["entries", &entry.id], entry)?;
            Ok(true)
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
        let id = self.queue_doc(clinic, day, entry_id)?;
        let action = format!("queue.status.{}", status.as_str());
        self.edit(&id, staff, &action, |e| {
            require(e, &["entries", entry_id], "queue entry")?;
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
        })
    }

    /// Sets one field of a queue entry (doctor, pre-consult flag, identity check, memo).
    pub fn set_queue_field<T: Serialize>(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        field: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let id = self.queue_doc(clinic, day, entry_id)?;
        let action = format!("queue.set.{field}");
        self.edit(&id, staff, &action, |e| {
            require(e, &["entries", entry_id], "queue entry")?;
            e.put(&["entries", entry_id, field], value)
        })
    }
}

impl Store {
    /// The queue document holding an entry: the team queue it was filed on, else the clinic's.
    fn queue_doc(&self, clinic: &str, day: Date, entry_id: &str) -> Result<DocId, StoreError> {
        match self.queue_doc_of(day, entry_id)? {
            Some(id) => Ok(id),
            None => Ok(DocId::queue(clinic, day)?),
        }
    }
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
