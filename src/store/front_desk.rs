//! The front desk's day on the queue (受付): booking a reservation or a walk-in, moving it,
//! marking the patient waiting, cancelling with a reason, recording the payment (会計), and the
//! doctor's signature landing on the visit together with the encounter. Each operation is one
//! audited transaction; a refusal names the field and writes nothing.

use serde_json::Value as Json;

use super::persist::{Editor, Writing};
use super::records::{put_status, require_entry};
use super::{DocId, Store, StoreError};
use crate::domain::{
    Date, Encounter, Instant, InvalidField, Payment, QueueEntry, QueueStatus, Role, Staff,
};

/// A refusal that names the field, in the form every store refusal of bad input takes.
fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Rejected(InvalidField::new(field, reason).to_string())
}

/// Whether `time` is a time of day written `HH:MM`.
pub fn check_time(time: &str) -> Result<(), InvalidField> {
    let b = time.as_bytes();
    let digit = |i: usize| u32::from(b[i] - b'0');
    let ok = b.len() == 5
        && b[2] == b':'
        && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
        && digit(0) * 10 + digit(1) < 24
        && digit(3) * 10 + digit(4) < 60;
    if ok {
        Ok(())
    } else {
        Err(InvalidField::new(
            "time",
            format!("{time:?} is not a time of day (HH:MM)"),
        ))
    }
}

/// The staff member `doctor` as the clinic document holds it, refused unless an active doctor.
/// Read inside the caller's transaction (an edit that changes nothing stores and audits
/// nothing), so that the check and the write it guards see the same clinic.
pub(super) fn require_doctor(
    w: &mut Writing,
    staff: &str,
    doctor: &str,
) -> Result<Staff, StoreError> {
    let member: Option<Staff> = w.edit(&DocId::clinic(), staff, "clinic.read", |e| {
        e.get(&["staff", doctor])
    })?;
    match member {
        Some(s) if s.role == Role::Doctor && s.active => Ok(s),
        Some(s) if s.role == Role::Doctor => Err(invalid(
            "doctor",
            format!("{doctor} ({}) is no longer active", s.name),
        )),
        Some(s) => Err(invalid(
            "doctor",
            format!("{doctor} ({}) is not a doctor", s.name),
        )),
        None => Err(invalid(
            "doctor",
            format!("{doctor} is not a member of the clinic's staff"),
        )),
    }
}

/// The queue document of `day` a new entry of `patient_id` goes on: the day's queue of the
/// patient's care team, which that team's devices receive, else the clinic's; opened (created)
/// in this transaction when nothing was queued that day yet.
fn open_day(
    w: &mut Writing,
    staff: &str,
    clinic: &str,
    day: Date,
    patient_id: &str,
) -> Result<DocId, StoreError> {
    let team = w.care_team_of(patient_id)?;
    let id = match &team {
        Some(team) => DocId::team_queue(clinic, day, team)?,
        None => DocId::queue(clinic, day)?,
    };
    if !w.exists(&id)? {
        w.create(&id, staff, "queue.open_day", |e| {
            e.put(&["clinic"], clinic)?;
            e.put(&["date"], &day)?;
            match &team {
                Some(team) => e.put(&["care_team"], team),
                None => Ok(()),
            }
        })?;
    }
    Ok(id)
}

/// Refuses unless the entry is in one of `allowed`, naming what it is.
fn require_status(
    entry: &QueueEntry,
    allowed: &[QueueStatus],
    doing: &str,
) -> Result<(), StoreError> {
    if allowed.contains(&entry.status) {
        return Ok(());
    }
    Err(invalid(
        "status",
        format!(
            "queue entry {} is {} and cannot be {doing}",
            entry.id,
            entry.status.as_str()
        ),
    ))
}

impl Store {
    /// Books a visit on `day`'s queue: a reservation (by phone, on the web) or a walk-in
    /// (`source` `walk_in`, today, now). Refuses a time that is not `HH:MM`, a patient the store
    /// does not hold and an entry id already on that day's queue.
    pub fn book_visit(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry: &QueueEntry,
    ) -> Result<(), StoreError> {
        check_time(&entry.time).map_err(|e| StoreError::Rejected(e.to_string()))?;
        let action = if entry.source == "walk_in" {
            "queue.walk_in"
        } else {
            "queue.reserve"
        };
        self.write(|w| {
            if !w.exists(&DocId::patient(&entry.patient_id)?)? {
                return Err(invalid(
                    "patient",
                    format!("no patient {}", entry.patient_id),
                ));
            }
            let id = open_day(w, staff, clinic, day, &entry.patient_id)?;
            w.edit(&id, staff, action, |e| {
                if e.get::<Json>(&["entries", &entry.id])?.is_some() {
                    return Err(invalid(
                        "entry",
                        format!("{} is already on the queue", entry.id),
                    ));
                }
                e.put(&["entries", &entry.id], entry)
            })
        })
    }

    /// Moves a visit to another time, and to another day when `to_day` differs: the entry
    /// keeps its id and history and leaves the old day's queue in the same transaction as it
    /// joins the new one. Only a reservation changes day; a patient already checked in or
    /// waiting may change time.
    pub fn move_visit(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        to_day: Date,
        to_time: &str,
    ) -> Result<(), StoreError> {
        check_time(to_time).map_err(|e| StoreError::Rejected(e.to_string()))?;
        self.write(|w| {
            let from = w.queue_doc(clinic, day, entry_id)?;
            if to_day == day {
                return w.edit(&from, staff, "queue.move", |e| {
                    let entry = require_entry(e, entry_id)?;
                    require_status(
                        &entry,
                        &[
                            QueueStatus::Reserved,
                            QueueStatus::CheckedIn,
                            QueueStatus::Waiting,
                        ],
                        "moved",
                    )?;
                    e.put(&["entries", entry_id, "time"], to_time)
                });
            }
            let mut entry = w.edit(&from, staff, "queue.move.out", |e| {
                let entry = require_entry(e, entry_id)?;
                require_status(&entry, &[QueueStatus::Reserved], "moved to another day")?;
                e.delete(&["entries", entry_id])?;
                Ok(entry)
            })?;
            entry.time = to_time.to_string();
            let to = open_day(w, staff, clinic, to_day, &entry.patient_id)?;
            w.edit(&to, staff, "queue.move.in", |e| {
                if e.get::<Json>(&["entries", entry_id])?.is_some() {
                    return Err(invalid(
                        "day",
                        format!("{entry_id} is already on that day's queue"),
                    ));
                }
                e.put(&["entries", entry_id], &entry)
            })
        })
    }

    /// Marks a checked-in patient as waiting (待機中: connected and waiting for the doctor).
    pub fn mark_waiting(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        at: Instant,
    ) -> Result<(), StoreError> {
        self.on_entry(staff, clinic, day, entry_id, "queue.status.waiting", |e| {
            let entry = require_entry(e, entry_id)?;
            if entry.status == QueueStatus::Reserved {
                return Err(invalid(
                    "status",
                    format!("queue entry {entry_id} is not checked in: check the patient in first"),
                ));
            }
            require_status(&entry, &[QueueStatus::CheckedIn], "set waiting")?;
            put_status(e, entry_id, QueueStatus::Waiting, staff, at)
        })
    }

    /// Cancels a visit that has not begun, keeping the reason the front desk wrote.
    pub fn cancel_visit(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        reason: &str,
        at: Instant,
    ) -> Result<(), StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(invalid("cancel_reason", "write why the visit is cancelled"));
        }
        self.on_entry(staff, clinic, day, entry_id, "queue.cancel", |e| {
            let entry = require_entry(e, entry_id)?;
            require_status(
                &entry,
                &[
                    QueueStatus::Reserved,
                    QueueStatus::CheckedIn,
                    QueueStatus::Waiting,
                ],
                "cancelled",
            )?;
            e.put(&["entries", entry_id, "cancel_reason"], reason)?;
            put_status(e, entry_id, QueueStatus::Cancelled, staff, at)
        })
    }

    /// Records what the patient owes for a signed visit and whether it is paid (会計). Enkaku
    /// records the state only; it does not process payments. A visit not yet signed is not
    /// billable and is refused.
    pub fn record_payment(
        &mut self,
        staff: &str,
        clinic: &str,
        day: Date,
        entry_id: &str,
        payment: &Payment,
    ) -> Result<(), StoreError> {
        self.on_entry(staff, clinic, day, entry_id, "queue.payment", |e| {
            let entry = require_entry(e, entry_id)?;
            if entry.signed_at.is_none() {
                return Err(invalid(
                    "payment",
                    format!("queue entry {entry_id} is not signed yet: nothing to bill"),
                ));
            }
            e.put(&["entries", entry_id, "payment"], payment)
        })
    }

    /// Signs an encounter: the signed encounter is written on the patient and, for a visit on
    /// the queue, the entry's `signed_at` is set, in one transaction, so that the front desk
    /// never sees a visit signed whose record is not, nor the reverse.
    pub fn sign_encounter(
        &mut self,
        staff: &str,
        clinic: &str,
        patient_id: &str,
        encounter: &Encounter,
        visit: Option<(Date, &str)>,
    ) -> Result<(), StoreError> {
        let Some(signed_at) = encounter.signed_at else {
            return Err(invalid(
                "signed_at",
                format!("encounter {} carries no signature", encounter.id),
            ));
        };
        let patient = DocId::patient(patient_id)?;
        self.write(|w| {
            w.edit(&patient, staff, "encounter.sign", |e| {
                // A signature is given once: what was signed is the record (診療録).
                super::facts::refuse_signed(e, &encounter.id)?;
                e.put(&["encounters", &encounter.id], encounter)
            })?;
            let Some((day, entry_id)) = visit else {
                return Ok(());
            };
            let queue = w.queue_doc(clinic, day, entry_id)?;
            w.edit(&queue, staff, "queue.signed", |e| {
                let entry = require_entry(e, entry_id)?;
                if entry.patient_id != patient_id {
                    return Err(invalid(
                        "entry",
                        format!(
                            "queue entry {entry_id} is for patient {}, not {patient_id}",
                            entry.patient_id
                        ),
                    ));
                }
                // As the entry's own field is written: RFC 3339 text.
                let text = signed_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .map_err(|e| invalid("signed_at", e.to_string()))?;
                e.put(&["entries", entry_id, "signed_at"], &text)
            })
        })
    }

    /// One edit of a queue entry on the document that holds it.
    fn on_entry(
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
            w.edit(&id, staff, action, change)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_time;

    #[test]
    fn times_of_day_are_hh_mm() {
        for ok in ["00:00", "09:15", "23:59"] {
            assert!(check_time(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "9:15", "24:00", "12:60", "12-30", "+1:30", "ab:cd", "12:3０",
        ] {
            let e = check_time(bad).unwrap_err();
            assert_eq!(e.field, "time", "{bad}");
        }
    }
}
