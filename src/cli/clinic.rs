//! `enkaku clinic init`: a real clinic set up on an empty data directory — what it is made of
//! (a [`ClinicPlan`], from a file or from questions on the terminal), how its id and its staff
//! ids are chosen, and the one store transaction that creates it.
//!
//! The clinic id. Queue documents are named `queue/<clinic id>/<day>`, so every device of a
//! clinic must use the same id, and it should be the id the sync server knows the clinic by
//! (`enkaku-sync-server clinic add` prints it, `c-` and 16 hex digits), so that a document id,
//! a server log line and `clinic list` all name the clinic the same way. Hence: the id given in
//! the file (or typed at the prompt); else, on a data directory already enrolled, the clinic id
//! the enrolment gave; else a fresh id of the server's shape, to be used with the server later
//! as the clinic's name for its documents. An id that contradicts the enrolment is refused, and
//! the demo's id is reserved for the demo.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use super::clinic_file::{self, ClinicFileError};
use crate::domain::{CareTeam, Clinic, ClinicSettings, Date, PartnerHospital, Role, Staff};
use crate::store::{Store, StoreError};
use crate::sync::client::Device;

/// The shortest PIN any policy allows; `pin.min_length` may ask for more.
pub const PIN_MIN: usize = 4;
/// The longest PIN.
pub const PIN_MAX: usize = 12;

/// Why `enkaku clinic init` did not set up a clinic. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ClinicInitError {
    #[error(transparent)]
    File(#[from] ClinicFileError),
    #[error("{0}")]
    Invalid(String),
    #[error("clinic init: {0}")]
    Refused(#[source] StoreError),
    #[error(
        "no clinic file and no terminal to ask on: run `enkaku clinic init --from FILE.toml` (or `enkaku demo` for the demo clinic)"
    )]
    NotATerminal,
    #[error("reading the answers from the terminal")]
    Terminal(#[source] std::io::Error),
    #[error("clinic init cancelled; nothing was written")]
    Cancelled,
    #[error(transparent)]
    Enrolment(#[from] crate::sync::client::SyncError),
}

/// A member of staff as entered, before an id is chosen and the PIN hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStaff {
    pub id: Option<String>,
    pub name: String,
    pub kana: String,
    pub role: Role,
    pub licence_number: Option<String>,
    pub registration_year: Option<i32>,
    pub hpki_card: Option<String>,
    pub photo_id_on_file: bool,
    pub online_training: Option<Date>,
    pub ec_training: Option<Date>,
    pub obgyn: bool,
    pub care_team: Option<String>,
    /// Only its salted hash is stored.
    pub pin: Option<String>,
}

impl NewStaff {
    /// The staff record: the id given, else a fresh one with the role's prefix; the PIN as a
    /// salted hash.
    pub fn into_staff(self) -> Staff {
        let id = self.id.unwrap_or_else(|| new_staff_id(self.role));
        Staff {
            id,
            name: self.name.trim().to_string(),
            name_kana: self.kana.trim().to_string(),
            role: self.role,
            licence_number: self.licence_number,
            registration_year: self.registration_year,
            hpki_card: self.hpki_card,
            photo_id_on_file: self.photo_id_on_file,
            online_training_completed: self.online_training,
            emergency_contraception_training: self.ec_training,
            obgyn: self.obgyn,
            care_team: self.care_team,
            pin_hash: self.pin.as_deref().map(hash_pin),
            active: true,
        }
    }
}

/// A fresh staff id: the role's prefix (as the demo's `dr-sato`, `fd-suzuki`) and 16 random hex
/// digits, so that two offline devices adding staff never pick the same one.
pub fn new_staff_id(role: Role) -> String {
    crate::domain::new_id(match role {
        Role::Doctor => "dr",
        Role::FrontDesk => "fd",
        Role::Nurse => "ns",
        Role::Admin => "admin",
    })
}

/// A PIN's stored form, with a fresh salt.
pub fn hash_pin(pin: &str) -> String {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    Staff::hash_pin(&salt, pin)
}

/// Whether `pin` is `min` to 12 digits.
pub fn check_pin(pin: &str, min: usize) -> Result<(), String> {
    if pin.len() < min || pin.len() > PIN_MAX || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("the PIN must be {min} to {PIN_MAX} digits"));
    }
    Ok(())
}

/// A clinic as entered, before its id is settled.
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicPlan {
    pub id: Option<String>,
    pub name: String,
    pub institution_code: String,
    pub address: String,
    pub phone: String,
    pub care_teams: BTreeMap<String, CareTeam>,
    pub partner_hospitals: BTreeMap<String, PartnerHospital>,
    /// The first administrator first.
    pub staff: Vec<NewStaff>,
}

/// The clinic id, as the module's doc comment explains.
pub fn clinic_id_for(
    given: Option<&str>,
    enrolled: Option<&Device>,
) -> Result<String, ClinicInitError> {
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    if let Some(id) = given {
        if crate::store::check_id(id).is_err() {
            return Err(ClinicInitError::Invalid(format!(
                "id: {id:?} is not a clinic id: use letters, digits, '-' and '_'"
            )));
        }
        if id == crate::demo::DEMO_CLINIC_ID {
            return Err(ClinicInitError::Invalid(format!(
                "id: {id:?} is the demo clinic's id; a real clinic takes another"
            )));
        }
    }
    match (given, enrolled) {
        (Some(id), Some(device)) if id != device.clinic_id => {
            Err(ClinicInitError::Invalid(format!(
                "id: this data directory is enrolled with clinic {} of the sync server, not {id}; leave the id out to use {}",
                device.clinic_id, device.clinic_id
            )))
        }
        (Some(id), _) => Ok(id.to_string()),
        (None, Some(device)) => Ok(device.clinic_id.clone()),
        (None, None) => Ok(crate::domain::new_id("c")),
    }
}

impl ClinicPlan {
    /// The clinic document.
    pub fn into_clinic(self, id: String) -> Clinic {
        Clinic {
            id,
            name: self.name.trim().to_string(),
            address: self.address.trim().to_string(),
            phone: self.phone.trim().to_string(),
            institution_code: self.institution_code,
            staff: self
                .staff
                .into_iter()
                .map(NewStaff::into_staff)
                .map(|s| (s.id.clone(), s))
                .collect(),
            care_teams: self.care_teams,
            partner_hospitals: self.partner_hospitals,
            settings: ClinicSettings::default(),
        }
    }
}

/// `enkaku clinic init [--from FILE]`: the clinic from the file, or asked for on the terminal;
/// then created in one transaction. Refuses, changing nothing, a store that already holds a
/// clinic (the demo's or a real one) or any other document.
pub fn init(
    store: &mut Store,
    dir: &Path,
    by: &str,
    from: Option<&Path>,
    pin_min: usize,
    today: Date,
) -> Result<Clinic, ClinicInitError> {
    refuse_existing(store)?;
    let enrolled = Device::load(dir)?;
    let (plan, interactive) = match from {
        Some(path) => (clinic_file::read(path, pin_min, today)?, false),
        None => {
            use std::io::IsTerminal;
            if !std::io::stdin().is_terminal() {
                return Err(ClinicInitError::NotATerminal);
            }
            let stdin = std::io::stdin();
            let mut ask = super::clinic_prompt::Prompter::new(
                stdin.lock(),
                std::io::stderr(),
                pin_min,
                today,
            );
            (ask.clinic(enrolled.as_ref()).map_err(prompt_error)?, true)
        }
    };
    let id = clinic_id_for(plan.id.as_deref(), enrolled.as_ref())?;
    let clinic = plan.into_clinic(id);
    store
        .init_clinic(by, &clinic, today)
        .map_err(ClinicInitError::Refused)?;
    tracing::info!(clinic = %clinic.id, interactive, "clinic set up");
    Ok(clinic)
}

/// `enkaku` on a data directory without a clinic: on a terminal, the choice between setting up a
/// clinic and opening the demo (`Ok(false)`: the user chose to quit); elsewhere, what to run.
pub fn first_start(
    store: &mut Store,
    dir: &Path,
    by: &str,
    pin_min: usize,
    today: Date,
    on_terminal: bool,
) -> Result<bool, super::CliError> {
    use super::clinic_prompt::FirstStart;
    if !on_terminal {
        return Err(super::SetupError::NoClinic {
            dir: dir.to_path_buf(),
        }
        .into());
    }
    let stdin = std::io::stdin();
    let choice =
        super::clinic_prompt::Prompter::new(stdin.lock(), std::io::stderr(), pin_min, today)
            .first_start(dir)
            .map_err(prompt_error)?;
    match choice {
        FirstStart::Quit => Ok(false),
        FirstStart::OpenDemo => {
            let report = crate::demo::seed(store, today).map_err(super::SetupError::Seed)?;
            eprintln!(
                "demo clinic seeded ({} patients, {} queue entries today); every demo PIN is {}",
                report.patients_added,
                report.queue_entries_added,
                crate::demo::DEMO_PIN
            );
            Ok(true)
        }
        FirstStart::SetUpClinic => {
            let clinic = init(store, dir, by, None, pin_min, today)?;
            let mut err = std::io::stderr();
            if let Err(e) = report(&clinic, &mut err) {
                tracing::warn!("{e}");
            }
            Ok(true)
        }
    }
}

fn prompt_error(e: std::io::Error) -> ClinicInitError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ClinicInitError::Cancelled
    } else {
        ClinicInitError::Terminal(e)
    }
}

/// Refuses a store that already holds a clinic or anything else, before asking a single
/// question.
fn refuse_existing(store: &mut Store) -> Result<(), ClinicInitError> {
    let refused = |reason: String| ClinicInitError::Refused(StoreError::Rejected(reason));
    match store.clinic().map_err(ClinicInitError::Refused)? {
        Some(c) if crate::demo::is_demo(&c) => Err(refused(format!(
            "this store holds the demo clinic ({}); a real clinic is set up in a data directory of its own (--data-dir DIR), and nothing was changed",
            c.name
        ))),
        Some(c) => Err(refused(format!(
            "this store already holds the clinic {} ({}); nothing was changed",
            c.id, c.name
        ))),
        None if !store.is_empty().map_err(ClinicInitError::Refused)? => Err(refused(
            "this store already holds documents (received by sync or imported); a clinic is set up on an empty data directory, and nothing was changed".into(),
        )),
        None => Ok(()),
    }
}

/// What `clinic init` says when it is done, on standard output.
pub fn report(clinic: &Clinic, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "clinic {} ({}) set up: {} staff, {} care teams, {} partner hospitals",
        clinic.id,
        clinic.name,
        clinic.staff.len(),
        clinic.care_teams.len(),
        clinic.partner_hospitals.len()
    )?;
    for s in clinic.staff.values() {
        writeln!(out, "  {}  {}  {}", s.id, s.role.as_str(), s.name)?;
    }
    writeln!(
        out,
        "next: `enkaku staff add` for the rest of the staff, then `enkaku` to sign in"
    )
}

/// Reads one line; end of input is an error of kind `UnexpectedEof`.
pub(super) fn read_line(input: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(clinic: &str) -> Device {
        Device {
            server: "https://sync.example.jp".into(),
            token: "t".into(),
            device_id: "d-1".into(),
            clinic_id: clinic.into(),
            role: "admin".into(),
            care_team: None,
        }
    }

    #[test]
    fn the_clinic_id_is_the_one_given_else_the_enrolment_s_else_a_fresh_one_of_the_server_s_shape()
    {
        let enrolled = device("c-00112233aabbccdd");
        assert_eq!(clinic_id_for(Some("c-1"), None).unwrap(), "c-1");
        assert_eq!(
            clinic_id_for(None, Some(&enrolled)).unwrap(),
            "c-00112233aabbccdd"
        );
        assert_eq!(
            clinic_id_for(Some(" c-00112233aabbccdd "), Some(&enrolled)).unwrap(),
            "c-00112233aabbccdd"
        );
        let fresh = clinic_id_for(None, None).unwrap();
        assert!(
            fresh.len() == 18
                && fresh.starts_with("c-")
                && fresh[2..].chars().all(|c| c.is_ascii_hexdigit()),
            "{fresh}"
        );
        for (given, needle) in [
            ("c-other", "enrolled with clinic c-00112233aabbccdd"),
            ("demo-clinic", "the demo clinic's id"),
            ("c/1", "not a clinic id"),
        ] {
            let e = clinic_id_for(Some(given), Some(&enrolled)).unwrap_err();
            assert!(e.to_string().contains(needle), "{given}: {e}");
        }
    }
}
