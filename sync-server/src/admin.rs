//! Administration: adding clinics, issuing one-time enrolment codes, revoking devices — the
//! operations behind the admin CLI, checked here so that any front end gets the same rules.

use enkaku::domain::Role;

use crate::secrets::{self, RandomError};
use crate::storage::{Clinic, NewEnrolmentCode, Storage, StorageError};

/// How long an enrolment code may wait to be redeemed.
pub const CODE_LIFETIME_SECS: i64 = 24 * 60 * 60;
const MAX_CLINIC_NAME: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("clinic name must be 1 to {MAX_CLINIC_NAME} characters")]
    ClinicName,
    #[error("no clinic {0}; `clinic list` shows them")]
    NoClinic(String),
    #[error("care team {0:?} must be 1 to 64 letters, digits, '-' or '_'")]
    CareTeam(String),
    #[error("no device {0}; `device list` shows them")]
    NoDevice(String),
}

/// Parses a staff role as Enkaku spells it (`front_desk`, `doctor`, `nurse`, `admin`).
pub fn parse_role(text: &str) -> Result<Role, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("unknown role {text:?}; one of front_desk, doctor, nurse, admin"))
}

pub fn add_clinic(storage: &dyn Storage, name: &str, now: i64) -> Result<Clinic, AdminError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_CLINIC_NAME {
        return Err(AdminError::ClinicName);
    }
    Ok(storage.add_clinic(&secrets::new_id("c-")?, name, now)?)
}

/// An enrolment code as shown to the administrator, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: i64,
}

/// Issues a one-time code that enrols one device into `clinic_id` with `role` (and
/// `care_team`); only its hash is stored.
pub fn issue_enrolment_code(
    storage: &dyn Storage,
    clinic_id: &str,
    role: Role,
    care_team: Option<&str>,
    now: i64,
) -> Result<IssuedCode, AdminError> {
    if let Some(team) = care_team
        && enkaku::protocol::check_id(team).is_err()
    {
        return Err(AdminError::CareTeam(team.to_string()));
    }
    if storage.clinic(clinic_id)?.is_none() {
        return Err(AdminError::NoClinic(clinic_id.to_string()));
    }
    let code = secrets::new_enrolment_code()?;
    let expires_at = now + CODE_LIFETIME_SECS;
    storage.add_enrolment_code(&NewEnrolmentCode {
        code_hash: secrets::code_hash(&code),
        clinic_id: clinic_id.to_string(),
        role: role.as_str().to_string(),
        care_team: care_team.map(str::to_string),
        created_at: now,
        expires_at,
    })?;
    Ok(IssuedCode { code, expires_at })
}

pub fn revoke_device(storage: &dyn Storage, id: &str, now: i64) -> Result<(), AdminError> {
    if storage.revoke_device(id, now)? {
        Ok(())
    } else {
        Err(AdminError::NoDevice(id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteStorage;

    #[test]
    fn codes_need_a_real_clinic_and_a_sane_team() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path()).unwrap();
        let clinic = add_clinic(&s, " 遠隔クリニック ", 5).unwrap();
        assert_eq!(clinic.name, "遠隔クリニック");
        assert!(matches!(
            add_clinic(&s, "  ", 5),
            Err(AdminError::ClinicName)
        ));
        let issued = issue_enrolment_code(&s, &clinic.id, Role::Nurse, Some("north"), 5).unwrap();
        assert_eq!(issued.expires_at, 5 + CODE_LIFETIME_SECS);
        assert!(matches!(
            issue_enrolment_code(&s, "c-nope", Role::Nurse, None, 5),
            Err(AdminError::NoClinic(_))
        ));
        assert!(matches!(
            issue_enrolment_code(&s, &clinic.id, Role::Nurse, Some("a b"), 5),
            Err(AdminError::CareTeam(_))
        ));
        assert_eq!(parse_role("front_desk"), Ok(Role::FrontDesk));
        assert!(parse_role("janitor").is_err());
        assert!(matches!(
            revoke_device(&s, "d-nope", 5),
            Err(AdminError::NoDevice(_))
        ));
    }
}
