//! The `enkaku` command line: where the data and config live, logging to a file, and the
//! scripting and administration subcommands, one function per command family.

/// Prints one line of a command's output. A reader that has gone (`enkaku queue list | head`)
/// ends the command quietly, as Unix tools do: what the command did is already committed, and
/// a panic's "failed printing to stdout" would only alarm.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::cli::output_failed(e);
        }
    }};
}

mod args;
mod clinic;
mod clinic_file;
mod clinic_prompt;
mod error;
mod staff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde_json::{Map, Value as Json};

pub use self::args::{
    AuditCommand, Cli, ClinicCommand, Command, DrugsCommand, PatientsCommand, QueueCommand,
    ReportCommand, StaffCommand, StoreCommand,
};
pub use self::clinic::ClinicPlan;
use self::error::json;
pub use self::error::{
    AuditError, CheckError, CliError, ClinicInitError, DemoCommandError, DrugsError, ExportError,
    OutputError, PatientsError, QueueError, SetupError, StaffError, SyncCommandError,
};
use crate::config::Config;
use crate::domain::{Date, format_date, parse_date};
use crate::store::Store;

/// Today in Japan, whatever the machine's time zone: clinic days are JST days.
pub fn today_jst() -> Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+9))
        .date()
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("jp", "Enkaku", "enkaku")
}

/// The data directory: `--data-dir`, `ENKAKU_DATA_DIR`, or the platform's.
pub fn data_dir(cli: &Cli) -> Result<PathBuf, SetupError> {
    cli.data_dir
        .clone()
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .ok_or(SetupError::NoDataDir)
}

fn load_config(cli: &Cli) -> Result<Config, SetupError> {
    let config = match &cli.config {
        Some(path) => Config::load(path, true)?,
        None => match project_dirs() {
            Some(d) => Config::load(&d.config_dir().join("config.toml"), false)?,
            None => Config::default(),
        },
    };
    Ok(config)
}

/// Logs go to `enkaku.log` in the data directory, never to the terminal.
fn init_logging(dir: &Path, level: &str) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // The directory and the log file are the owner's alone before anything is written; what
    // had to be tightened is logged once the log is open.
    let mut tightened: Vec<PathBuf> = crate::private_files::private_dir(dir)
        .ok()?
        .into_iter()
        .collect();
    tightened.extend(crate::private_files::private_file(&dir.join("enkaku.log")).ok()?);
    let appender = tracing_appender::rolling::never(dir, "enkaku.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    crate::store::log_tightened(tightened);
    Some(guard)
}

fn parse_day(text: Option<&str>) -> Result<Date, QueueError> {
    match text {
        None => Ok(today_jst()),
        Some(t) => parse_date(t).map_err(|_| QueueError::BadDate { text: t.into() }),
    }
}

/// Runs the command line; the process exit code is returned. Errors are reported here, once.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            let report = e.report();
            tracing::error!("{report}");
            eprintln!("enkaku: {report}");
            e.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    let config = load_config(cli)?;
    let dir = data_dir(cli)?;
    let _log = init_logging(&dir, &config.log_level);

    // The guideline and the drug master need no store: they work before one exists.
    match &cli.command {
        Some(Command::Rules { json }) => return Ok(rules(*json)?),
        Some(Command::Check {
            case: Some(case),
            json,
            ..
        }) => return Ok(check(&dir, case, *json)?),
        Some(Command::Drugs(command)) => return Ok(drugs(&dir, command)?),
        Some(Command::Store(command)) => return Ok(store_command(&dir, command)?),
        _ => {}
    }
    // An encrypted store is unlocked once, here; staff then switch by PIN.
    if crate::store::at_rest::is_encrypted(&dir) {
        let passphrase = passphrase(PASSPHRASE_VAR, "Store passphrase: ")?;
        if let Some(key) =
            crate::store::at_rest::unlock(&dir, &passphrase).map_err(SetupError::from)?
        {
            crate::store::key::set_unlocked(key);
        }
    }
    let mut store = Store::open_dir(&dir).map_err(SetupError::from)?;
    tracing::info!(data_dir = %dir.display(), "store opened");
    if records_changes_as_staff(cli.command.as_ref()) {
        check_cli_staff(&mut store, &cli.staff)?;
    }

    Ok(match &cli.command {
        Some(
            Command::Rules { .. }
            | Command::Check {
                encounter: None, ..
            }
            | Command::Drugs(_)
            | Command::Store(_),
        ) => ExitCode::SUCCESS,
        None => workstation(cli, &config, store, &dir)?,
        Some(Command::Demo { patients }) => demo(&mut store, *patients)?,
        Some(Command::Export { json: _ }) => export(&mut store)?,
        Some(Command::Queue(command)) => queue(cli, &mut store, command)?,
        Some(Command::Enroll { server, code }) => enroll(&config, &store, &dir, server, code)?,
        Some(Command::Sync { json }) => sync(&config, &mut store, &dir, *json)?,
        Some(Command::Staff(command)) => staff(cli, &config, &mut store, command)?,
        Some(Command::Clinic(ClinicCommand::Init { from })) => {
            clinic_init(cli, &config, &mut store, &dir, from.as_deref())?
        }
        Some(Command::Audit(command)) => audit(&store, command)?,
        Some(Command::Patients(command)) => patients(cli, &mut store, command)?,
        Some(Command::Check {
            encounter: Some(id),
            json,
            ..
        }) => check_encounter(&dir, &mut store, id, *json)?,
        Some(Command::Report(ReportCommand::Compliance { from, to, json })) => {
            report_compliance(&dir, &mut store, from, to, *json)?
        }
    })
}

/// The current passphrase of an encrypted store, and a new one.
const PASSPHRASE_VAR: &str = "ENKAKU_PASSPHRASE";
const NEW_PASSPHRASE_VAR: &str = "ENKAKU_NEW_PASSPHRASE";

/// A passphrase from the environment variable `var`, or asked for on the terminal without echo.
fn passphrase(var: &'static str, prompt: &str) -> Result<zeroize::Zeroizing<String>, SetupError> {
    use std::io::IsTerminal as _;
    if let Ok(value) = std::env::var(var) {
        return Ok(zeroize::Zeroizing::new(value));
    }
    if !std::io::stdin().is_terminal() {
        return Err(SetupError::NoPassphrase { var });
    }
    rpassword::prompt_password(prompt)
        .map(zeroize::Zeroizing::new)
        .map_err(SetupError::Terminal)
}

/// A new passphrase: from `ENKAKU_NEW_PASSPHRASE`, or asked for twice on the terminal.
fn new_passphrase() -> Result<zeroize::Zeroizing<String>, SetupError> {
    if std::env::var_os(NEW_PASSPHRASE_VAR).is_some() {
        return passphrase(NEW_PASSPHRASE_VAR, "");
    }
    let first = passphrase(
        NEW_PASSPHRASE_VAR,
        "New passphrase (12 characters or more): ",
    )?;
    crate::store::key::check_passphrase(&first).map_err(crate::store::StoreError::from)?;
    let again = passphrase(NEW_PASSPHRASE_VAR, "The new passphrase again: ")?;
    if *first != *again {
        return Err(SetupError::PassphraseMismatch);
    }
    Ok(first)
}

/// `enkaku store encrypt | passphrase | status`.
fn store_command(dir: &Path, command: &StoreCommand) -> Result<ExitCode, SetupError> {
    use crate::store::at_rest;
    match command {
        StoreCommand::Status => {
            if at_rest::is_encrypted(dir) {
                say!("store: encrypted (SQLCipher, key in enkaku.key)");
            } else {
                say!("store: not encrypted (`enkaku store encrypt` encrypts it)");
            }
        }
        StoreCommand::Encrypt => {
            let new = new_passphrase()?;
            let docs = at_rest::encrypt(dir, &new)?;
            say!(
                "store encrypted: {docs} documents; the key is in enkaku.key, wrapped under the passphrase"
            );
        }
        StoreCommand::Passphrase => {
            let old = passphrase(PASSPHRASE_VAR, "Current passphrase: ")?;
            let new = new_passphrase()?;
            at_rest::change_passphrase(dir, &old, &new)?;
            say!("passphrase changed; the store was not rewritten");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The default `--staff`: a change made from the command line by nobody in particular.
const CLI_STAFF: &str = "system:cli";

/// Whether the command writes audit entries under `--staff`.
fn records_changes_as_staff(command: Option<&Command>) -> bool {
    matches!(
        command,
        Some(
            Command::Staff(_)
                | Command::Patients(PatientsCommand::Import { .. })
                | Command::Queue(QueueCommand::Import { .. })
        )
    )
}

/// The audit log names `--staff` as the author of what the command changes: an id that is
/// nobody in the clinic (a typo, a member who has left) would put a change on record under a
/// name that cannot be traced to a person. A store without the clinic document (before
/// `clinic init`, or a care team's device, which never receives it) has nothing to check against.
fn check_cli_staff(store: &mut Store, staff_id: &str) -> Result<(), SetupError> {
    if staff_id == CLI_STAFF {
        return Ok(());
    }
    let Some(clinic) = store.clinic()? else {
        return Ok(());
    };
    match clinic.staff.get(staff_id) {
        Some(member) if member.active => Ok(()),
        _ => Err(SetupError::UnknownStaff {
            staff_id: staff_id.to_string(),
        }),
    }
}

/// `enkaku rules`: the catalogue of guideline rules.
fn rules(as_json: bool) -> Result<ExitCode, CheckError> {
    if as_json {
        say!("{}", json(&crate::rules::catalogue_json())?);
    } else {
        print!("{}", crate::rules::catalogue_text());
    }
    Ok(ExitCode::SUCCESS)
}

/// `enkaku check`: exit 0 without a block, 1 with one, 2 for an invalid case file.
fn check(dir: &Path, case: &Path, as_json: bool) -> Result<ExitCode, CheckError> {
    let text = std::fs::read_to_string(case).map_err(|source| CheckError::Read {
        path: case.to_path_buf(),
        source,
    })?;
    let consultation =
        crate::rules::parse_case(&text).map_err(|source| CheckError::InvalidCase {
            path: case.to_path_buf(),
            source,
        })?;
    let drugs = open_drugs(dir)?;
    let findings = crate::rules::evaluate(&consultation, &drugs, time::OffsetDateTime::now_utc());
    if as_json {
        say!("{}", json(&crate::rules::findings_json(&findings))?);
    } else {
        print!("{}", crate::rules::findings_text(&findings));
    }
    Ok(ExitCode::from(crate::rules::exit_code(&findings)))
}

/// `enkaku check --encounter PATIENT_ID/ENCOUNTER_ID`: the stored encounter through the same
/// fact model as the consultation screen ([`crate::rules::facts::stored_case`]), with the exit
/// codes of `check --case`.
fn check_encounter(
    dir: &Path,
    store: &mut Store,
    id: &str,
    as_json: bool,
) -> Result<ExitCode, CheckError> {
    let Some((patient_id, encounter_id)) = id
        .split_once('/')
        .filter(|(p, e)| !p.trim().is_empty() && !e.trim().is_empty() && !e.contains('/'))
    else {
        return Err(CheckError::EncounterId {
            given: id.to_string(),
        });
    };
    let patient = match store.patient(patient_id.trim()) {
        Ok(p) => p,
        Err(
            crate::store::StoreError::NoSuchDocument(_) | crate::store::StoreError::InvalidId(_),
        ) => {
            return Err(CheckError::UnknownPatient {
                patient: patient_id.to_string(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let clinic = store.clinic()?;
    let encounter_id = encounter_id.trim();
    let (day, pre_consult_done) = stored_day(store, &patient, encounter_id)?;
    let consultation = crate::rules::facts::stored_case(
        &patient,
        encounter_id,
        clinic.as_ref(),
        day,
        pre_consult_done,
    )?;
    let drugs = open_drugs(dir)?;
    let findings = crate::rules::evaluate(&consultation, &drugs, time::OffsetDateTime::now_utc());
    if as_json {
        say!("{}", json(&crate::rules::findings_json(&findings))?);
    } else {
        print!("{}", crate::rules::findings_text(&findings));
    }
    Ok(ExitCode::from(crate::rules::exit_code(&findings)))
}

/// `enkaku report compliance --from DATE --to DATE`: every online encounter of the period,
/// judged again through the one fact model.
fn report_compliance(
    dir: &Path,
    store: &mut Store,
    from: &str,
    to: &str,
    as_json: bool,
) -> Result<ExitCode, CheckError> {
    let day = |flag: &'static str, text: &str| {
        parse_date(text.trim()).map_err(|_| CheckError::BadDate {
            flag,
            given: text.to_string(),
        })
    };
    let (from_day, to_day) = (day("--from", from)?, day("--to", to)?);
    if from_day > to_day {
        return Err(CheckError::EmptyPeriod {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    let drugs = open_drugs(dir)?;
    let report = compliance_report(store, &drugs, from_day, to_day)?;
    if as_json {
        say!("{}", json(&report)?);
    } else {
        for line in report.lines() {
            say!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The compliance report of `from..=to` (JST days) over every patient of the store, judged now:
/// the patient list and the queue days come from the index, each record from the read model.
pub fn compliance_report(
    store: &mut Store,
    drugs: &dyn crate::domain::DrugLookup,
    from: Date,
    to: Date,
) -> Result<crate::rules::compliance::ComplianceReport, crate::store::StoreError> {
    let clinic = store.clinic()?;
    let now = time::OffsetDateTime::now_utc();
    // Queue entries that record a pre-consult, read from the index once for the period.
    let mut pre_consult = std::collections::HashSet::new();
    let mut d = from;
    while d <= to {
        for row in store.queue_rows(d)? {
            if row.pre_consult_done {
                pre_consult.insert(row.entry_id);
            }
        }
        let Some(next) = d.next_day() else { break };
        d = next;
    }
    let mut report = crate::rules::compliance::ComplianceReport::new(from, to);
    for summary in store.patient_summaries()? {
        let patient = store.patient(&summary.patient_id)?;
        crate::rules::compliance::add_patient(
            &mut report,
            &patient,
            clinic.as_ref(),
            drugs,
            (from, to),
            now,
            &|entry| pre_consult.contains(entry),
        );
    }
    report.sort();
    Ok(report)
}

/// The day an encounter is judged on (its start in JST, else today, as the screen does) and
/// whether its queue entry records a pre-consult.
fn stored_day(
    store: &Store,
    patient: &crate::domain::Patient,
    encounter_id: &str,
) -> Result<(Date, bool), CheckError> {
    let encounter = patient.encounters.get(encounter_id);
    let day = encounter
        .and_then(|e| e.started_at)
        .map(|at| at.to_offset(time::macros::offset!(+9)).date())
        .unwrap_or_else(today_jst);
    let entry = encounter.and_then(|e| e.queue_entry.clone());
    let pre_consult = match entry {
        Some(entry) => store
            .queue_rows(day)?
            .iter()
            .any(|r| r.entry_id == entry && r.pre_consult_done),
        None => false,
    };
    Ok((day, pre_consult))
}

/// `enkaku drugs import | search`.
fn drugs(dir: &Path, command: &DrugsCommand) -> Result<ExitCode, DrugsError> {
    match command {
        DrugsCommand::Import { file } => {
            let mut drugs = crate::drugs::DrugMaster::open_dir(dir)?;
            say!("{}", drugs.import_csv(file)?);
        }
        DrugsCommand::Search {
            text,
            limit,
            json: as_json,
        } => {
            let drugs = open_drugs(dir)?;
            let found = drugs.search(text, *limit)?;
            if *as_json {
                say!("{}", json(&found)?);
                return Ok(ExitCode::SUCCESS);
            }
            for d in &found {
                say!(
                    "{}  {}  [{}] {}  {}",
                    d.code,
                    d.name,
                    d.ingredient,
                    d.route,
                    drug_marks(d).join(" ")
                );
            }
            say!("{} found", found.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The classifications a prescriber must see next to a drug's name.
fn drug_marks(d: &crate::domain::DrugInfo) -> Vec<String> {
    let mut marks = Vec::new();
    if d.narcotic {
        marks.push("麻薬".to_string());
    }
    if let Some(c) = d.psychotropic_class {
        marks.push(format!(
            "向精神薬第{}種",
            ["一", "二", "三"]
                .get(usize::from(c).saturating_sub(1))
                .unwrap_or(&"?")
        ));
    }
    if let Some(c) = &d.high_risk_category {
        marks.push(format!("指導料1:{c}"));
    }
    if let Some(c) = &d.misuse_watch {
        marks.push(format!("misuse:{c}"));
    }
    if d.pde5_inhibitor {
        marks.push("PDE5".into());
    }
    if d.pde5_contraindicated {
        marks.push("PDE5併用禁忌".into());
    }
    marks
}

/// `enkaku` alone: the workstation on a terminal, today's queue in a script or a pipe. A data
/// directory without a clinic is never seeded silently: on a terminal the user chooses between
/// setting up a clinic and the demo; elsewhere the command says what to run and fails. An
/// enrolled one gets its data from the clinic's server.
fn workstation(
    cli: &Cli,
    config: &Config,
    mut store: Store,
    dir: &Path,
) -> Result<ExitCode, CliError> {
    use std::io::IsTerminal;
    let on_terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let enrolled = crate::sync::client::Device::load(dir)
        .map_err(SetupError::from)?
        .is_some();
    if !enrolled && store.clinic().map_err(SetupError::from)?.is_none() {
        let go_on = self::clinic::first_start(
            &mut store,
            dir,
            &cli.staff,
            config.pin_min_length,
            today_jst(),
            on_terminal,
        )?;
        if !go_on {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if on_terminal {
        return run_workstation(cli, config, store, dir);
    }
    // Not on a terminal (a script, a pipe): print today's queue instead of drawing.
    print_queue(&store, today_jst(), false)?;
    Ok(ExitCode::SUCCESS)
}

/// `enkaku demo`: the demo clinic (idempotent), and synthetic patients on request.
fn demo(store: &mut Store, patients: Option<usize>) -> Result<ExitCode, DemoCommandError> {
    let report = crate::demo::seed(store, today_jst())?;
    say!(
        "demo clinic: {}; {} patients added; {} queue entries added for {}",
        if report.clinic_created {
            "created"
        } else {
            "already present"
        },
        report.patients_added,
        report.queue_entries_added,
        format_date(today_jst())
    );
    if let Some(n) = patients {
        let started = std::time::Instant::now();
        let added = crate::demo::add_synthetic(store, n)?;
        say!(
            "{added} synthetic patients added in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `enkaku export`: every document as JSON.
fn export(store: &mut Store) -> Result<ExitCode, ExportError> {
    let mut documents = Map::new();
    for id in store.doc_ids()? {
        let doc = store.read_json(&id, &[])?;
        documents.insert(id.to_string(), doc);
    }
    let out =
        serde_json::json!({ "format": "enkaku-export/1", "documents": Json::Object(documents) });
    say!("{}", json(&out)?);
    Ok(ExitCode::SUCCESS)
}

/// `enkaku queue list | import`. An import with rejected rows exits 1 after reporting each
/// row by line.
fn queue(cli: &Cli, store: &mut Store, command: &QueueCommand) -> Result<ExitCode, QueueError> {
    match command {
        QueueCommand::List { date, json } => {
            let day = parse_day(date.as_deref())?;
            print_queue(store, day, *json)?;
        }
        QueueCommand::Import { file, date } => {
            let day = parse_day(date.as_deref())?;
            let clinic = store.clinic()?.ok_or(QueueError::NoClinic)?;
            let report = crate::reservations::import(store, &cli.staff, &clinic.id, file, day)?;
            for (line, day, entry) in &report.added {
                say!(
                    "line {line}: queued {} {} {} ({})",
                    format_date(*day),
                    entry.time,
                    entry.patient_id,
                    entry.visit.as_str()
                );
            }
            for bad in &report.rejected {
                eprintln!("{}: line {}: {}", file.display(), bad.line, bad.reason);
            }
            say!(
                "{} added, {} already queued, {} rejected",
                report.added.len(),
                report.already_queued,
                report.rejected.len()
            );
            if !report.rejected.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `enkaku patients import | list | show`. An import with rejected rows exits 1 after
/// reporting each row by line; one that rejects most of its rows imports nothing.
fn patients(
    cli: &Cli,
    store: &mut Store,
    command: &PatientsCommand,
) -> Result<ExitCode, PatientsError> {
    match command {
        PatientsCommand::Import { file } => patients_import(cli, store, file),
        PatientsCommand::List { json: as_json } => {
            let all = store.patient_summaries()?;
            if *as_json {
                say!("{}", json(&all)?);
                return Ok(ExitCode::SUCCESS);
            }
            for p in &all {
                say!(
                    "{:<12} {:<10} {} ({})  {}  {}",
                    p.patient_id,
                    p.patient_number.as_deref().unwrap_or("-"),
                    p.name_kanji,
                    p.name_kana,
                    p.date_of_birth,
                    p.sex
                );
            }
            say!("{} patients", all.len());
            Ok(ExitCode::SUCCESS)
        }
        PatientsCommand::Show { id, json: as_json } => {
            let patient_id = if store.patient_summary_exists(id)? {
                id.clone()
            } else {
                store
                    .find_patient_by_number(id)?
                    .map(|p| p.patient_id)
                    .ok_or_else(|| PatientsError::NoSuchPatient(id.clone()))?
            };
            let patient = store.patient(&patient_id)?;
            if *as_json {
                say!("{}", json(&patient)?);
            } else {
                print_patient(&patient);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn patients_import(cli: &Cli, store: &mut Store, file: &Path) -> Result<ExitCode, PatientsError> {
    use std::io::IsTerminal;
    // `clinic init` wants an empty store: patients imported first would shut the clinic out of
    // its own data directory for good.
    if store.clinic()?.is_none() {
        return Err(PatientsError::NoClinic {
            file: file.to_path_buf(),
        });
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} patients {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut progress = |done: usize, total: usize| match &bar {
        Some(bar) => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        // Piped: a plain line every thousand patients of a large file.
        None if total >= 1000 && (done.is_multiple_of(1000) || done == total) => {
            eprintln!("stored {done}/{total} patients");
        }
        None => {}
    };
    let report =
        crate::patients_import::import(store, &cli.staff, file, today_jst(), &mut progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !report.ignored_columns.is_empty() {
        eprintln!(
            "{}: note: columns not read: {}",
            file.display(),
            report.ignored_columns.join(", ")
        );
    }
    for bad in &report.rejected {
        eprintln!(
            "{}: line {}: {}: {}",
            file.display(),
            bad.line,
            bad.field,
            bad.reason
        );
    }
    if report.refused {
        return Err(PatientsError::MostRejected {
            file: file.to_path_buf(),
            rows_read: report.rows_read,
            rejected: report.rejected.len(),
        });
    }
    for (line, id, fields) in &report.updated {
        say!("line {line}: updated {id} ({})", fields.join(", "));
    }
    say!(
        "{}: {} rows ({}): {} added, {} updated, {} unchanged, {} rejected",
        file.display(),
        report.rows_read,
        report.encoding.map(|e| e.label()).unwrap_or("-"),
        report.added.len(),
        report.updated.len(),
        report.unchanged,
        report.rejected.len()
    );
    if !report.rejected.is_empty() {
        return Err(PatientsError::SomeRejected {
            file: file.to_path_buf(),
            rows_read: report.rows_read,
            rejected: report.rejected.len(),
        });
    }
    Ok(ExitCode::SUCCESS)
}

fn print_patient(p: &crate::domain::Patient) {
    let d = &p.demographics;
    say!("id              {}", p.id);
    say!(
        "patient number  {}",
        p.patient_number.as_deref().unwrap_or("-")
    );
    say!("name            {} ({})", d.name_kanji, d.name_kana);
    say!(
        "born            {}  {:?}",
        format_date(d.date_of_birth),
        d.sex
    );
    say!("phone           {}", d.phone);
    say!("address         {}", d.address);
    match &p.insurance {
        Some(i) => say!(
            "insurance       {:?} {} {} ({}%)",
            i.kind,
            i.insurer_number,
            i.member_symbol_number,
            i.copay_percent
        ),
        None => say!("insurance       -"),
    }
    say!(
        "kakaritsuke     {}",
        if p.kakaritsuke { "yes" } else { "no" }
    );
    say!(
        "history         {} {:?} {}",
        if p.history.known { "known" } else { "unknown" },
        p.history.sources,
        p.history.summary
    );
    for a in p.allergies.values() {
        say!(
            "allergy         {} {} ({})",
            a.substance,
            a.reaction,
            a.severity.as_str()
        );
    }
    for m in p.medications.values() {
        say!(
            "medication      {} {} {}",
            m.name,
            m.dose,
            m.drug_code.as_deref().unwrap_or("")
        );
    }
    if let Some(at) = p.medications_confirmed_at {
        say!("meds confirmed  {}", format_date(at.date()));
    }
    if let Some(proxy) = &p.proxy {
        say!(
            "proxy           {} ({}) {} {}",
            proxy.name,
            proxy.relationship,
            proxy.phone,
            proxy.reason
        );
    }
}

/// `enkaku enroll`: a one-time code from the server's admin makes this data directory a device.
fn enroll(
    config: &Config,
    store: &Store,
    dir: &Path,
    server: &str,
    code: &str,
) -> Result<ExitCode, SyncCommandError> {
    use crate::sync::client::{Device, Http, enroll};
    if let Some(existing) = Device::load(dir)? {
        return Err(SyncCommandError::AlreadyEnrolled {
            dir: dir.to_path_buf(),
            device: existing.device_id,
            clinic: existing.clinic_id,
        });
    }
    let mut http = Http::trusting(std::time::Duration::from_secs(30), &config.sync_trust)?;
    let device = enroll(store, dir, server, code, &mut http)?;
    say!(
        "enrolled as device {} of clinic {} (role {}{}); run `enkaku sync`",
        device.device_id,
        device.clinic_id,
        device.role,
        device
            .care_team
            .as_deref()
            .map(|t| format!(", care team {t}"))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `enkaku sync` says of documents it set aside: how many and their ids (the first ten).
fn set_aside_line(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
    let more = match ids.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "set aside {} documents that cannot be read: {}{more} (kept on this device; the rest synced)",
        ids.len(),
        shown.join(", ")
    )
}

/// Sessions one `enkaku sync` runs at most while the server or this device has more to send.
pub const MAX_SYNC_SESSIONS: usize = 100;
/// The exit code of an `enkaku sync` that stopped with work still pending.
pub const EXIT_SYNC_PENDING: u8 = 3;

/// `enkaku sync`: sessions with the server until nothing is pending (at most
/// [`MAX_SYNC_SESSIONS`]), a progress line after each but the last, then what moved in all.
/// Work still pending at the end is said, and the exit code is [`EXIT_SYNC_PENDING`].
fn sync(
    config: &Config,
    store: &mut Store,
    dir: &Path,
    as_json: bool,
) -> Result<ExitCode, SyncCommandError> {
    use crate::sync::client::{Device, Http, SyncError, SyncReport, sync_once};
    let device = Device::load(dir)?.ok_or(SyncError::NotEnrolled)?;
    let mut http = Http::trusting(std::time::Duration::from_secs(60), &config.sync_trust)?;
    let mut total = SyncReport::default();
    for session in 1..=MAX_SYNC_SESSIONS {
        let report = sync_once(store, &device, &mut http)?;
        total.round_trips += report.round_trips;
        total.docs_sent += report.docs_sent;
        total.docs_received += report.docs_received;
        total.changes_received += report.changes_received;
        total.body_bytes_up += report.body_bytes_up;
        total.body_bytes_down += report.body_bytes_down;
        total.cursor = report.cursor;
        total.pending = report.pending;
        for id in report.quarantined {
            if !total.quarantined.contains(&id) {
                total.quarantined.push(id);
            }
        }
        if !total.pending {
            break;
        }
        if !as_json {
            eprintln!(
                "part {session}: sent {} documents, received {} so far; syncing more…",
                total.docs_sent, total.docs_received
            );
        }
    }
    if as_json {
        say!("{}", json(&total)?);
    } else {
        say!(
            "sent {} documents, received {} documents ({} changes) in {} round trips; {} B up, {} B down",
            total.docs_sent,
            total.docs_received,
            total.changes_received,
            total.round_trips,
            total.body_bytes_up,
            total.body_bytes_down
        );
        if !total.quarantined.is_empty() {
            say!("{}", set_aside_line(&total.quarantined));
        }
    }
    if total.pending {
        eprintln!(
            "more is pending after {MAX_SYNC_SESSIONS} sessions: run `enkaku sync` again to go on"
        );
        return Ok(ExitCode::from(EXIT_SYNC_PENDING));
    }
    Ok(ExitCode::SUCCESS)
}

/// `enkaku staff set-pin`: the PIN is read from standard input and only its salted hash stored.
fn staff(
    cli: &Cli,
    config: &Config,
    store: &mut Store,
    command: &StaffCommand,
) -> Result<ExitCode, StaffError> {
    let StaffCommand::SetPin { staff_id } = command else {
        return self::staff::run(
            &cli.staff,
            config.pin_min_length,
            store,
            command,
            today_jst(),
        );
    };
    let pin = self::staff::read_pin(config.pin_min_length)?;
    let hash = self::clinic::hash_pin(&pin);
    store
        .set_staff_pin_hash(&cli.staff, staff_id, &hash)
        .map_err(|source| StaffError::Store {
            staff_id: staff_id.clone(),
            source: Box::new(source),
        })?;
    say!("PIN set for {staff_id}");
    Ok(ExitCode::SUCCESS)
}

/// `enkaku clinic init`: a real clinic on an empty data directory.
fn clinic_init(
    cli: &Cli,
    config: &Config,
    store: &mut Store,
    dir: &Path,
    from: Option<&Path>,
) -> Result<ExitCode, ClinicInitError> {
    let clinic = self::clinic::init(
        store,
        dir,
        &cli.staff,
        from,
        config.pin_min_length,
        today_jst(),
    )?;
    if let Err(e) = self::clinic::report(&clinic, &mut std::io::stdout().lock()) {
        output_failed(e);
    }
    if from.is_some() {
        eprintln!(
            "note: the clinic file holds sign-in PINs; delete it, or change each PIN with `enkaku staff set-pin ID`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `enkaku audit verify | log`.
fn audit(store: &Store, command: &AuditCommand) -> Result<ExitCode, AuditError> {
    match command {
        AuditCommand::Verify => match store.verify_audit()? {
            Ok(n) => say!("audit log intact: {n} entries verified"),
            Err(failure) => {
                return Err(AuditError::Broken {
                    path: store.path().to_path_buf(),
                    failure,
                });
            }
        },
        AuditCommand::Log { doc, json: as_json } => {
            let entries = store.audit_entries(doc.as_deref())?;
            if *as_json {
                say!("{}", json(&entries)?);
            } else {
                for e in entries {
                    say!(
                        "{:>6}  {}  {:<14}  {:<28}  {}",
                        e.seq,
                        e.at,
                        e.staff_id,
                        e.doc_id,
                        e.action
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "tui")]
fn run_workstation(
    cli: &Cli,
    config: &Config,
    store: Store,
    dir: &Path,
) -> Result<ExitCode, CliError> {
    use crate::tui::i18n::Lang;
    let lang = match (cli.lang.as_deref(), config.language) {
        (Some("en"), _) => Lang::En,
        (Some(_), _) => Lang::Ja,
        (None, Some(crate::config::Language::En)) => Lang::En,
        (None, Some(crate::config::Language::Ja)) => Lang::Ja,
        (None, None) => Lang::from_locale(),
    };
    let drugs = open_drugs(dir).map_err(SetupError::from)?;
    let worker = crate::tui::worker::Worker {
        store,
        drugs,
        clinic_id: String::new(),
        video_command: config.video_command.clone(),
    };
    crate::tui::run::run(worker, lang, today_jst(), config.sync_trust.clone())
        .map_err(SetupError::Terminal)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "tui"))]
fn run_workstation(_: &Cli, _: &Config, store: Store, _: &Path) -> Result<ExitCode, CliError> {
    print_queue(&store, today_jst(), false)?;
    Ok(ExitCode::SUCCESS)
}

/// The drug master of this machine; the demo list until an edition of the MHLW list is imported.
fn open_drugs(dir: &Path) -> Result<crate::drugs::DrugMaster, crate::drugs::DrugError> {
    let mut drugs = crate::drugs::DrugMaster::open_dir(dir)?;
    if drugs.ensure_demo()?.is_some() {
        eprintln!(
            "note: no drug list imported yet; using the demo list (enkaku drugs import FILE)"
        );
    }
    Ok(drugs)
}

fn print_queue(store: &Store, day: Date, as_json: bool) -> Result<(), QueueError> {
    let rows = store.queue_rows(day)?;
    if as_json {
        let out = serde_json::json!({ "date": format_date(day), "entries": rows });
        say!("{}", json(&out)?);
        return Ok(());
    }
    say!("{}  {} entries", format_date(day), rows.len());
    for r in rows {
        say!(
            "{}  {:<21} {:<15} {:<8} {} ({})  {}",
            r.time,
            r.status.as_str(),
            r.visit_kind.as_str(),
            r.patient_id,
            r.name_kanji,
            r.name_kana,
            r.doctor.unwrap_or_default()
        );
    }
    Ok(())
}

/// Standard output cannot be written: quietly done when the reader has gone, else said.
pub(crate) fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("enkaku: cannot write the output: {e}");
    std::process::exit(1);
}
