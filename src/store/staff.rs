//! Staff administration in the store: adding a member of staff, editing their record field by
//! field, deactivating them, and creating a real clinic with its first staff. Each is one
//! audited transaction on the clinic document, checked against the clinic it changes: unique
//! licence numbers, care teams that exist, and an administrator left to sign in.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::persist::{Editor, Writing};
use super::{DocId, Store, StoreError, check_id};
use crate::domain::{Clinic, Date, InvalidField, Role, Staff, TeamRoster, parse_institution_code};

fn rejected(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Rejected(InvalidField::new(field, reason).to_string())
}

/// The clinic's staff, care teams and the rest, read inside an edit of the clinic document.
fn clinic_in(e: &Editor) -> Result<Clinic, StoreError> {
    e.get::<Clinic>(&[])?.ok_or_else(|| {
        StoreError::Rejected(
            "the store has no clinic yet: run `enkaku clinic init` first".to_string(),
        )
    })
}

/// Whether `staff` may stand in `clinic` beside the others: its own checks, then an existing
/// care team and a licence number no other member of the same register carries (a doctor's
/// 医籍 and a nurse's 看護師籍 are separate registers, each numbered on its own).
fn check_in_clinic(clinic: &Clinic, staff: &Staff, today: Date) -> Result<(), StoreError> {
    check_id(&staff.id).map_err(|_| {
        rejected(
            "id",
            format!(
                "{:?} is not an id: use letters, digits, '-' and '_'",
                staff.id
            ),
        )
    })?;
    staff
        .check(today)
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
    if let Some(team) = &staff.care_team
        && !clinic.care_teams.contains_key(team)
    {
        let known: Vec<&str> = clinic.care_teams.keys().map(String::as_str).collect();
        return Err(rejected(
            "care_team",
            format!(
                "no care team {team:?} in this clinic (it has: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        ));
    }
    if let Some(number) = &staff.licence_number
        && let Some(other) = clinic.staff.values().find(|o| {
            o.id != staff.id && o.role == staff.role && o.licence_number.as_ref() == Some(number)
        })
    {
        return Err(rejected(
            "licence_number",
            format!(
                "{number} is already the licence number of {} ({})",
                other.id, other.name
            ),
        ));
    }
    Ok(())
}

/// Refuses a change that leaves a clinic which had an active administrator without one: nobody
/// could then add staff or set a PIN from the workstation.
fn keeps_an_admin(before: &BTreeMap<String, Staff>, after: &Staff) -> Result<(), StoreError> {
    let active_admin = |s: &Staff| s.active && s.role == Role::Admin;
    let others = before
        .values()
        .filter(|s| s.id != after.id && active_admin(s))
        .count();
    let was = before.get(&after.id).is_some_and(active_admin);
    if was && others == 0 && !active_admin(after) {
        let field = if after.active { "role" } else { "active" };
        return Err(rejected(
            field,
            format!(
                "{} is the clinic's last active administrator: add another admin first",
                after.id
            ),
        ));
    }
    Ok(())
}

/// The top-level fields in which two staff records differ, as JSON.
fn changed_fields(before: &Staff, after: &Staff) -> Result<Vec<(String, Json)>, StoreError> {
    let to_map = |s: &Staff| match serde_json::to_value(s) {
        Ok(Json::Object(m)) => Ok(m),
        Ok(_) => Err(StoreError::InvalidPath(
            "a staff record must be a map".into(),
        )),
        Err(e) => Err(StoreError::InvalidPath(e.to_string())),
    };
    let (before, after) = (to_map(before)?, to_map(after)?);
    Ok(after
        .into_iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .collect())
}

/// Copies onto `current` the fields in which `edited` differs from `original`: what a form that
/// opened on `original` changed, applied to the record as it is now, so that another device's
/// edit of a field the form left alone is kept.
pub fn apply_changes(current: &mut Staff, original: &Staff, edited: &Staff) {
    macro_rules! take {
        ($($field:ident),*) => {$(
            if edited.$field != original.$field {
                current.$field = edited.$field.clone();
            }
        )*};
    }
    take!(
        name,
        name_kana,
        role,
        licence_number,
        registration_year,
        hpki_card,
        photo_id_on_file,
        online_training_completed,
        emergency_contraception_training,
        obgyn,
        care_team,
        pin_hash,
        active
    );
}

impl Store {
    /// Creates a real clinic, its care teams, partner hospitals and first staff, in one
    /// transaction. Refuses a store that already holds anything (a clinic, demo or real, or
    /// documents received by sync), and a clinic nobody could sign in to: at least one active
    /// administrator with a PIN.
    pub fn init_clinic(
        &mut self,
        by: &str,
        clinic: &Clinic,
        today: Date,
    ) -> Result<(), StoreError> {
        if let Some(existing) = self.clinic()? {
            return Err(StoreError::Rejected(format!(
                "this store already holds the clinic {} ({}); nothing was changed",
                existing.id, existing.name
            )));
        }
        if !self.is_empty()? {
            return Err(StoreError::Rejected(
                "this store already holds documents (received by sync or imported); a clinic is set up on an empty data directory; nothing was changed"
                    .into(),
            ));
        }
        check_id(&clinic.id)
            .map_err(|_| rejected("id", format!("{:?} is not an id", clinic.id)))?;
        if clinic.name.trim().is_empty() {
            return Err(rejected("name", "the facility name is empty"));
        }
        parse_institution_code(&clinic.institution_code)
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        for (key, team) in &clinic.care_teams {
            if key != &team.id || check_id(key).is_err() {
                return Err(rejected(
                    "care_teams",
                    format!("{key:?} is not a care team id"),
                ));
            }
            if team.name.trim().is_empty() {
                return Err(rejected(
                    "care_teams",
                    format!("{key}: the team has no name"),
                ));
            }
        }
        for (key, hospital) in &clinic.partner_hospitals {
            if key != &hospital.id || check_id(key).is_err() {
                return Err(rejected(
                    "partner_hospitals",
                    format!("{key:?} is not a partner hospital id"),
                ));
            }
            if hospital.name.trim().is_empty() {
                return Err(rejected(
                    "partner_hospitals",
                    format!("{key}: the hospital has no name"),
                ));
            }
        }
        for (key, staff) in &clinic.staff {
            if key != &staff.id {
                return Err(rejected(
                    "staff",
                    format!("{key:?} holds the record of {}", staff.id),
                ));
            }
            check_in_clinic(clinic, staff, today)?;
        }
        let can_sign_in = clinic
            .staff
            .values()
            .any(|s| s.active && s.role == Role::Admin && s.pin_hash.is_some());
        if !can_sign_in {
            return Err(rejected(
                "staff",
                "a clinic needs an active administrator with a PIN, or nobody can sign in",
            ));
        }
        self.write(|w| {
            w.create(&DocId::clinic(), by, "clinic.init", |e| e.put_root(clinic))?;
            write_rosters(w, by)
        })
    }

    /// Adds a member of staff to the clinic, audited as `staff.add`. Refuses an id already in
    /// use, a care team the clinic does not have and a licence number someone else carries,
    /// naming the field.
    pub fn add_staff(&mut self, by: &str, staff: &Staff, today: Date) -> Result<(), StoreError> {
        self.edit_clinic(by, "staff.add", |e| {
            let clinic = clinic_in(e)?;
            if let Some(existing) = clinic.staff.get(&staff.id) {
                return Err(rejected(
                    "id",
                    format!(
                        "{} is already {} ({})",
                        staff.id,
                        existing.name,
                        existing.role.as_str()
                    ),
                ));
            }
            check_in_clinic(&clinic, staff, today)?;
            e.put(&["staff", &staff.id], staff)
        })
    }

    /// Edits a member of staff as `change` says, reading the record inside the write, and
    /// stores only the fields that differ so that edits of different fields on two devices
    /// merge. Audited as `staff.edit`; returns the names of the fields changed (none: nothing is
    /// written). The id cannot change. A new PIN ends a lockout on this device, as
    /// [`Store::set_staff_pin_hash`] does.
    pub fn edit_staff(
        &mut self,
        by: &str,
        staff_id: &str,
        today: Date,
        change: impl FnOnce(&mut Staff),
    ) -> Result<Vec<String>, StoreError> {
        let changed = self.edit_clinic(by, "staff.edit", |e| {
            let clinic = clinic_in(e)?;
            let before = clinic
                .staff
                .get(staff_id)
                .ok_or_else(|| rejected("staff_id", format!("no staff member {staff_id}")))?;
            let mut after = before.clone();
            change(&mut after);
            after.id = before.id.clone();
            check_in_clinic(&clinic, &after, today)?;
            keeps_an_admin(&clinic.staff, &after)?;
            let changed = changed_fields(before, &after)?;
            for (field, value) in &changed {
                e.put(&["staff", staff_id, field], value)?;
            }
            Ok(changed.into_iter().map(|(k, _)| k).collect::<Vec<String>>())
        })?;
        if changed.iter().any(|f| f == "pin_hash") {
            self.clear_pin_failures(staff_id)?;
        }
        Ok(changed)
    }

    /// After a sign-in that proved `pin`, replaces the member's PIN hash if it is in an older
    /// form (salted SHA-256, or Argon2id with other parameters) by today's, audited as
    /// `staff.pin_rehash` under the member's own id. Returns whether it did: nothing is written
    /// when the hash is current, when `pin` does not match it (it changed in between), or on a
    /// care team's device, which holds the roster but not the clinic document (the clinic's
    /// workstation rehashes at the member's next sign-in there). The lockout count is untouched.
    pub fn rehash_staff_pin(&mut self, staff_id: &str, pin: &str) -> Result<bool, StoreError> {
        if self.clinic()?.is_none() {
            return Ok(false);
        }
        let salt = uuid::Uuid::new_v4().simple().to_string();
        let fresh = Staff::hash_pin(&salt, pin);
        self.edit_clinic(staff_id, "staff.pin_rehash", |e| {
            let clinic = clinic_in(e)?;
            let Some(member) = clinic.staff.get(staff_id) else {
                return Ok(false);
            };
            if !member.pin_needs_rehash() || !member.verify_pin(pin) {
                return Ok(false);
            }
            e.put(&["staff", staff_id, "pin_hash"], &fresh)?;
            Ok(true)
        })
    }

    /// Deactivates a member of staff, audited as `staff.deactivate`: the record and everything
    /// they did stay (their name still stands on the notes they signed), but they can no longer
    /// sign in. Refuses the clinic's last active administrator.
    pub fn deactivate_staff(&mut self, by: &str, staff_id: &str) -> Result<(), StoreError> {
        self.edit_clinic(by, "staff.deactivate", |e| {
            let clinic = clinic_in(e)?;
            let before = clinic
                .staff
                .get(staff_id)
                .ok_or_else(|| rejected("staff_id", format!("no staff member {staff_id}")))?;
            let mut after = before.clone();
            after.active = false;
            keeps_an_admin(&clinic.staff, &after)?;
            e.put(&["staff", staff_id, "active"], &false)
        })
    }
}

impl Store {
    /// Edits the clinic document and, in the same transaction, every care team's roster, so
    /// that a team device never holds sign-in records the clinic has changed.
    pub(super) fn edit_clinic<T>(
        &mut self,
        by: &str,
        action: &str,
        change: impl FnOnce(&mut Editor) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write(|w| {
            let out = w.edit(&DocId::clinic(), by, action, change)?;
            write_rosters(w, by)?;
            Ok(out)
        })
    }
}

/// Brings each care team's roster (`team/<team>`) in line with the clinic document as this
/// transaction sees it: the team's members with their sign-in records, for its devices.
pub(super) fn write_rosters(w: &mut Writing, by: &str) -> Result<(), StoreError> {
    let clinic = w.edit(&DocId::clinic(), by, "clinic.read", |e| clinic_in(e))?;
    for team in clinic.care_teams.values() {
        let id = DocId::team(&team.id)?;
        let roster = TeamRoster::of(&clinic, team);
        if w.exists(&id)? {
            w.edit(&id, by, "team.roster", |e| e.put_root(&roster))?;
        } else {
            w.create(&id, by, "team.roster", |e| e.put_root(&roster))?;
        }
    }
    Ok(())
}
