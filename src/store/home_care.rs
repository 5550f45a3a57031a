//! The home-care team's day in the store: the team's queue of visits in the nurse's route
//! order, her visit records, the doctor's 訪問看護指示書, and her request that the doctor join a
//! visit on video (D to P with N). Each operation is one audited transaction that a team device
//! can make offline; a refusal names the field and writes nothing.

use super::persist::Editor;
use super::records::{put_status, require_entry};
use super::{DocId, Store, StoreError};
use crate::domain::{
    Date, Instant, InvalidField, NursingInstructions, NursingVisit, QueueDay, QueueEntry,
    QueueStatus, VisitKind,
};

fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Rejected(InvalidField::new(field, reason).to_string())
}

/// A visit record the store accepts: every vital a reading (in range or confirmed, the form's
/// business; impossible values never), times in order, photos named not embedded.
fn check_visit(visit: &NursingVisit) -> Result<(), StoreError> {
    for (vital, value) in &visit.vitals {
        if !vital.possible(*value) {
            return Err(invalid(
                "vitals",
                format!("{}: {value} is not a reading", vital.as_str()),
            ));
        }
    }
    if let (Some(arrived), Some(left)) = (visit.arrived_at, visit.left_at)
        && left < arrived
    {
        return Err(invalid("left_at", "leaving before arriving"));
    }
    for photo in &visit.photos {
        let name = photo.trim();
        if name.is_empty() || name.len() > 255 || name.contains(['/', '\\', '\0']) {
            return Err(invalid(
                "photos",
                format!("{photo:?} is not a file name (no folders, at most 255 bytes)"),
            ));
        }
    }
    Ok(())
}

/// A patient written before the home-care collections existed lacks their map: the first
/// record made for them creates it.
fn ensure_map(e: &mut Editor, key: &str) -> Result<(), StoreError> {
    if e.get::<serde_json::Value>(&[key])?.is_none() {
        e.put(&[key], &serde_json::Map::new())?;
    }
    Ok(())
}

impl Store {
    /// A team's day: the queue document of `team` for `day`, if anything was filed on it.
    pub fn team_day(
        &mut self,
        clinic: &str,
        day: Date,
        team: &str,
    ) -> Result<Option<QueueDay>, StoreError> {
        self.read_view(&DocId::team_queue(clinic, day, team)?)
    }

    /// Saves the nurse's record of a visit under `action` (`nursing.arrive`, `nursing.vitals`,
    /// `nursing.note`, ...). Only the record's own path changes, so that the doctor's edits to
    /// the same patient meanwhile merge with it.
    pub fn save_nursing_visit(
        &mut self,
        staff: &str,
        patient_id: &str,
        visit: &NursingVisit,
        action: &str,
    ) -> Result<(), StoreError> {
        crate::protocol::check_id(&visit.id)?;
        check_visit(visit)?;
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, action, |e| {
            ensure_map(e, "nursing_visits")?;
            e.put(&["nursing_visits", &visit.id], visit)
        })
    }

    /// Saves a 訪問看護指示書, audited `nursing.instructions`.
    pub fn save_nursing_instructions(
        &mut self,
        staff: &str,
        patient_id: &str,
        instructions: &NursingInstructions,
    ) -> Result<(), StoreError> {
        crate::protocol::check_id(&instructions.id)?;
        if instructions.valid_to < instructions.valid_from {
            return Err(invalid("valid_to", "the period ends before it begins"));
        }
        for (vital, limits) in &instructions.thresholds {
            if let (Some(lo), Some(hi)) = (limits.min, limits.max)
                && hi < lo
            {
                return Err(invalid(
                    "thresholds",
                    format!("{}: the upper limit is below the lower", vital.as_str()),
                ));
            }
        }
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "nursing.instructions", |e| {
            ensure_map(e, "nursing_instructions")?;
            e.put(&["nursing_instructions", &instructions.id], instructions)
        })
    }

    /// Puts the team's visits of `day` in the route order the nurse chose: `entries` first to
    /// last. Entries not named keep their place after them.
    pub fn set_route_order(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        team: &str,
        entries: &[String],
    ) -> Result<(), StoreError> {
        let id = DocId::team_queue(clinic, day, team)?;
        self.write(|w| {
            w.edit(&id, staff, "queue.route", |e| {
                for (i, entry) in entries.iter().enumerate() {
                    require_entry(e, entry)?;
                    let place = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    e.put(&["entries", entry, "route_order"], &place)?;
                }
                Ok(())
            })
        })
    }

    /// The nurse asks the doctor to join the visit on video (D to P with N, 指針 V.2(3)): her
    /// record with the request, and the visit on the team's queue as a D to P with N waiting
    /// for the doctor with the request on it — in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn request_consult(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        patient_id: &str,
        visit: &NursingVisit,
        at: Instant,
    ) -> Result<(), StoreError> {
        let Some(request) = &visit.request else {
            return Err(invalid("request", "the visit carries no request"));
        };
        if request.reason.trim().is_empty() {
            return Err(invalid("reason", "say why the doctor is needed"));
        }
        check_visit(visit)?;
        let patient = DocId::patient(patient_id)?;
        self.write(|w| {
            let queue = w.queue_doc(clinic, day, entry_id)?;
            w.edit(&patient, staff, "nursing.request", |e| {
                ensure_map(e, "nursing_visits")?;
                e.put(&["nursing_visits", &visit.id], visit)
            })?;
            w.edit(&queue, staff, "queue.request.d_to_p_with_n", |e| {
                let entry: QueueEntry = require_entry(e, entry_id)?;
                if entry.patient_id != patient_id {
                    return Err(StoreError::Rejected(format!(
                        "queue entry {entry_id} is for patient {}, not {patient_id}",
                        entry.patient_id
                    )));
                }
                if matches!(entry.status, QueueStatus::Done | QueueStatus::Cancelled) {
                    return Err(invalid("status", "the visit is already closed"));
                }
                e.put(&["entries", entry_id, "consult_request"], request)?;
                e.put(
                    &["entries", entry_id, "visit"],
                    VisitKind::DToPWithN.as_str(),
                )?;
                put_status(e, entry_id, QueueStatus::Waiting, staff, at)
            })
        })
    }
}
