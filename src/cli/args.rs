//! The command line's grammar: global options and the subcommands, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "enkaku",
    version,
    about = "Online-consultation workstation for clinics (オンライン診療)"
)]
pub struct Cli {
    /// Data directory holding the store and the log [default: the platform data directory]
    #[arg(long, env = "ENKAKU_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Config file [default: config.toml in the platform config directory]
    #[arg(long, env = "ENKAKU_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Interface language [default: the config file, else the locale]
    #[arg(long, global = true, value_parser = ["ja", "en"])]
    pub lang: Option<String>,
    /// Staff id recorded in the audit log for changes made from the command line
    #[arg(
        long,
        env = "ENKAKU_STAFF",
        global = true,
        default_value = "system:cli"
    )]
    pub staff: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Seed the demo clinic (idempotent), and optionally add synthetic patients
    Demo {
        /// Add this many deterministic synthetic patients with histories
        #[arg(long)]
        patients: Option<usize>,
    },
    /// Print every document (clinic, patients, queue days) as JSON
    Export {
        #[arg(long)]
        json: bool,
    },
    /// The day's queue
    #[command(subcommand)]
    Queue(QueueCommand),
    /// The audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Reports over the stored encounters
    #[command(subcommand)]
    Report(ReportCommand),
    /// The guideline rules: id, clause, severity and summary of each
    Rules {
        #[arg(long)]
        json: bool,
    },
    /// Evaluate one consultation: a JSON case file (docs/case-format.md), or a stored encounter
    /// as the consultation screen sees it. Exit 0: no block; 1: at least one block; 2: the case
    /// file or the encounter id is invalid
    Check {
        #[arg(
            long,
            required_unless_present = "encounter",
            conflicts_with = "encounter"
        )]
        case: Option<PathBuf>,
        /// PATIENT_ID/ENCOUNTER_ID of a stored encounter
        #[arg(long, value_name = "PATIENT_ID/ENCOUNTER_ID")]
        encounter: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The drug master (薬価基準収載品目リスト)
    #[command(subcommand)]
    Drugs(DrugsCommand),
    /// Staff administration
    #[command(subcommand)]
    Staff(Box<StaffCommand>),
    /// The clinic itself
    #[command(subcommand)]
    Clinic(ClinicCommand),
    /// Patients: import a list from a レセコン or 電子カルテ, list them, show one
    #[command(subcommand)]
    Patients(PatientsCommand),
    /// Enrol this data directory with a sync server, using a one-time code from its admin
    Enroll {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
    },
    /// Run one sync with the server and print what moved
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Encryption of the store at rest
    #[command(subcommand)]
    Store(StoreCommand),
}

/// `enkaku store ...`. Passphrases are read from `ENKAKU_PASSPHRASE` (the current one) and
/// `ENKAKU_NEW_PASSPHRASE` (a new one), or asked for on the terminal; at least 12 characters.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Encrypt the clear store (SQLCipher) under a new random key, wrapped under a new
    /// passphrase in `enkaku.key`; the clear store is replaced only once the copy checks out
    Encrypt,
    /// Wrap the store's key under a new passphrase (the store itself is not rewritten)
    Passphrase,
    /// Say whether the store is encrypted
    Status,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Set a staff member's sign-in PIN, read from standard input (digits only; at least
    /// `pin.min_length` of the config file)
    SetPin { staff_id: String },
    /// Add a member of staff
    Add {
        /// The staff id [default: a fresh one with the role's prefix, e.g. dr-…]
        #[arg(long)]
        id: Option<String>,
        /// front_desk, doctor, nurse or admin
        #[arg(long)]
        role: String,
        #[command(flatten)]
        fields: StaffFields,
        #[arg(long)]
        json: bool,
    },
    /// Change a member of staff's record: only the fields given change (an empty value clears
    /// an optional one)
    Edit {
        staff_id: String,
        /// front_desk, doctor, nurse or admin
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        fields: StaffFields,
        #[arg(long)]
        json: bool,
    },
    /// Every member of staff, active and inactive; doctors without the MHLW-designated
    /// online-care training are marked
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop a member of staff from signing in; their record and history stay
    Deactivate {
        staff_id: String,
        #[arg(long)]
        json: bool,
    },
}

/// The fields of a staff record, as `staff add` and `staff edit` take them.
#[derive(Debug, Args)]
pub struct StaffFields {
    /// Name in kanji
    #[arg(long)]
    pub name: Option<String>,
    /// Name in kana (カタカナ)
    #[arg(long)]
    pub kana: Option<String>,
    /// 医籍登録番号 (or 看護師籍 for a nurse)
    #[arg(long)]
    pub licence: Option<String>,
    /// 医籍登録年, e.g. 2008
    #[arg(long)]
    pub registration_year: Option<String>,
    /// HPKI card serial
    #[arg(long)]
    pub hpki: Option<String>,
    /// Date the MHLW-designated online-care training was completed (YYYY-MM-DD)
    #[arg(long)]
    pub online_training: Option<String>,
    /// Date the emergency-contraception training was completed (YYYY-MM-DD)
    #[arg(long)]
    pub ec_training: Option<String>,
    /// 産婦人科 (OB/GYN): `--obgyn` or `--obgyn false`
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub obgyn: Option<bool>,
    /// The photo ID has been checked: `--photo-id` or `--photo-id false`
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub photo_id: Option<bool>,
    /// Care team id (must exist in the clinic)
    #[arg(long)]
    pub care_team: Option<String>,
    /// Read the sign-in PIN from standard input (never from the command line)
    #[arg(long)]
    pub pin_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum ClinicCommand {
    /// Set up a real clinic on an empty data directory: questions on a terminal, or a TOML
    /// file (facility, 医療機関コード, partner hospitals, care teams, first administrator, staff)
    Init {
        /// The clinic as a TOML file (its format is in the README) instead of questions
        #[arg(long, value_name = "FILE.toml")]
        from: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PatientsCommand {
    /// Import patients from a CSV (UTF-8 or Shift_JIS; English or Japanese headers). Patients
    /// are matched by patient number: a re-import updates what changed and adds nothing twice
    Import { file: PathBuf },
    /// List every patient
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one patient, by id or patient number
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DrugsCommand {
    /// Import an edition of the MHLW list (CSV), replacing the previous edition atomically
    Import { file: PathBuf },
    /// Find drugs by code, product name or ingredient, with their classification
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// List a day's queue
    List {
        /// YYYY-MM-DD [default: today in Japan]
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import reservations from a booking-system CSV
    Import {
        file: PathBuf,
        /// Day for rows that carry no date [default: today in Japan]
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Every online encounter of the period (JST days, inclusive) judged again by the rules:
    /// visit kind, doctor, signed or not, open blocks, overrides with reasons, missing billing
    /// record items; totals per doctor and per rule
    Compliance {
        /// First day, YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exit 1 naming the first entry that does not verify
    Verify,
    /// Print the audit log
    Log {
        /// Only entries about this document (e.g. patient/p-0001)
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
}
