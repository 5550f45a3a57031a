//! Why a command failed: one error type per command family, each variant naming what and where
//! (file, line, id), and the one report `main` prints for any of them.

use std::error::Error as _;
use std::path::PathBuf;
use std::process::ExitCode;

pub use super::clinic::ClinicInitError;
use crate::config::ConfigError;
use crate::demo::DemoError;
use crate::drugs::DrugError;
use crate::reservations::ImportError;
use crate::rules::CaseError;
use crate::store::{AuditFailure, StoreError};
use crate::sync::client::SyncError;

/// Any failed command. Each family is boxed: a store or config error is large, and this
/// travels up every command's call chain.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Setup(Box<SetupError>),
    #[error(transparent)]
    Queue(Box<QueueError>),
    #[error(transparent)]
    Staff(Box<StaffError>),
    #[error(transparent)]
    Drugs(Box<DrugsError>),
    #[error(transparent)]
    Audit(Box<AuditError>),
    #[error(transparent)]
    Sync(Box<SyncCommandError>),
    #[error(transparent)]
    Check(Box<CheckError>),
    #[error(transparent)]
    Export(Box<ExportError>),
    #[error(transparent)]
    Demo(Box<DemoCommandError>),
    #[error(transparent)]
    ClinicInit(Box<ClinicInitError>),
    #[error(transparent)]
    Patients(Box<PatientsError>),
}

macro_rules! family {
    ($($variant:ident($family:ty)),* $(,)?) => {
        $(impl From<$family> for CliError {
            fn from(e: $family) -> CliError {
                CliError::$variant(Box::new(e))
            }
        })*
    };
}

family!(
    Setup(SetupError),
    Queue(QueueError),
    Staff(StaffError),
    Drugs(DrugsError),
    Audit(AuditError),
    Sync(SyncCommandError),
    Check(CheckError),
    Export(ExportError),
    Demo(DemoCommandError),
    ClinicInit(ClinicInitError),
    Patients(PatientsError),
);

/// What every command needs before it runs: the data directory, the config, the store.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("no home directory to put the data in: pass --data-dir DIR")]
    NoDataDir,
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Drugs(#[from] DrugError),
    #[error(transparent)]
    Enrolment(#[from] SyncError),
    #[error(
        "{}: no clinic here yet: run `enkaku clinic init` to set one up (or `enkaku clinic init --from FILE.toml`), or `enkaku demo` to open the demo clinic",
        dir.display()
    )]
    NoClinic { dir: PathBuf },
    #[error(
        "--staff {staff_id:?}: no active member of staff with this id in the clinic (`enkaku staff list` shows them; leave --staff out to record `system:cli`)"
    )]
    UnknownStaff { staff_id: String },
    #[error("seeding the demo clinic into the new store")]
    Seed(#[source] DemoError),
    #[error("terminal: {0}")]
    Terminal(#[source] std::io::Error),
    #[error("no passphrase: set {var} or run on a terminal to be asked for it")]
    NoPassphrase { var: &'static str },
    #[error("the two passphrases differ: nothing was changed")]
    PassphraseMismatch,
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku queue list | import`.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("--date {text:?}: expected YYYY-MM-DD")]
    BadDate { text: String },
    #[error("the store has no clinic yet: run `enkaku demo` or sync with the clinic first")]
    NoClinic,
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku staff set-pin | add | edit | list | deactivate`.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Invalid(#[from] crate::domain::InvalidField),
    #[error("staff {action} {staff_id}")]
    Refused {
        action: &'static str,
        staff_id: String,
        #[source]
        source: Box<StoreError>,
    },
    #[error(
        "the store has no clinic yet: run `enkaku clinic init` (or `enkaku demo` for the demo)"
    )]
    NoClinic,
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("reading the PIN from standard input")]
    ReadPin(#[source] std::io::Error),
    #[error("the PIN must be {min} to 12 digits (pin.min_length in the config file)")]
    PinPolicy { min: usize },
    #[error("setting the PIN of {staff_id}")]
    Store {
        staff_id: String,
        #[source]
        source: Box<StoreError>,
    },
}

/// `enkaku drugs import | search`.
#[derive(Debug, thiserror::Error)]
pub enum DrugsError {
    #[error(transparent)]
    Master(#[from] DrugError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku audit verify | log`.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{}: the audit log is broken", path.display())]
    Broken {
        path: PathBuf,
        #[source]
        failure: AuditFailure,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku enroll` and `enkaku sync`.
#[derive(Debug, thiserror::Error)]
pub enum SyncCommandError {
    #[error("{} is already enrolled as device {device} of clinic {clinic}", dir.display())]
    AlreadyEnrolled {
        dir: PathBuf,
        device: String,
        clinic: String,
    },
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku check --case FILE`.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{}: cannot read the case file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    InvalidCase {
        path: PathBuf,
        #[source]
        source: CaseError,
    },
    #[error(transparent)]
    Drugs(#[from] DrugError),
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A report's date flag is not a date.
    #[error("{flag}: expected a date YYYY-MM-DD, got {given:?}")]
    BadDate { flag: &'static str, given: String },
    #[error("--from {from} is after --to {to}")]
    EmptyPeriod { from: String, to: String },
    /// `--encounter` is not `PATIENT_ID/ENCOUNTER_ID`.
    #[error("--encounter: expected PATIENT_ID/ENCOUNTER_ID, got {given:?}")]
    EncounterId { given: String },
    #[error("--encounter: no patient {patient}")]
    UnknownPatient { patient: String },
    #[error("--encounter: {0}")]
    Encounter(#[from] crate::rules::facts::StoredError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `enkaku export`.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `enkaku demo`.
#[derive(Debug, thiserror::Error)]
pub enum DemoCommandError {
    #[error(transparent)]
    Seed(#[from] DemoError),
}

/// `enkaku patients import | list | show`.
#[derive(Debug, thiserror::Error)]
pub enum PatientsError {
    #[error(transparent)]
    Import(#[from] crate::patients_import::PatientImportError),
    #[error(
        "{}: {rejected} of {rows_read} rows rejected (more than half); nothing was imported and the store is as it was",
        file.display()
    )]
    MostRejected {
        file: PathBuf,
        rows_read: usize,
        rejected: usize,
    },
    #[error("{}: {rejected} of {rows_read} rows rejected; the other rows were imported", file.display())]
    SomeRejected {
        file: PathBuf,
        rows_read: usize,
        rejected: usize,
    },
    #[error("no patient with id or patient number {0:?}")]
    NoSuchPatient(String),
    #[error(
        "{}: no clinic here yet: run `enkaku clinic init` first (a store that holds patients can no longer be set up as a clinic); nothing was imported",
        file.display()
    )]
    NoClinic { file: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Printing a result for a script to read.
#[derive(Debug, thiserror::Error)]
#[error("writing JSON to standard output")]
pub struct OutputError(#[from] serde_json::Error);

impl CliError {
    /// The process exit code: what a script branches on.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Check(e)
                if matches!(
                    **e,
                    CheckError::InvalidCase { .. }
                        | CheckError::EncounterId { .. }
                        | CheckError::UnknownPatient { .. }
                        | CheckError::Encounter(_)
                ) =>
            {
                ExitCode::from(crate::rules::EXIT_INVALID_CASE)
            }
            _ => ExitCode::FAILURE,
        }
    }

    /// The one line the user reads: this error, then each cause. Library errors often print
    /// their cause inside their own message as well, so a cause already said is not repeated.
    pub fn report(&self) -> String {
        let mut text = self.to_string();
        let mut cause = self.source();
        while let Some(e) = cause {
            let said = e.to_string();
            if !text.contains(&said) {
                text.push_str(": ");
                text.push_str(&said);
            }
            cause = e.source();
        }
        text
    }
}

/// Serialises `value` as pretty JSON for standard output.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, OutputError> {
    Ok(serde_json::to_string_pretty(value)?)
}
