//! The `enkaku` command line: where the data and config live, logging to a file, and the
//! scripting and administration subcommands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::{Map, Value as Json};

use crate::config::Config;
use crate::domain::{Date, format_date, parse_date};
use crate::store::Store;

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
    /// The guideline rules: id, clause, severity and summary of each
    Rules {
        #[arg(long)]
        json: bool,
    },
    /// Evaluate one consultation described in a JSON case file (docs/case-format.md).
    /// Exit 0: no block; 1: at least one block; 2: the case file is invalid
    Check {
        #[arg(long)]
        case: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The drug master (薬価基準収載品目リスト)
    #[command(subcommand)]
    Drugs(DrugsCommand),
    /// Staff administration
    #[command(subcommand)]
    Staff(StaffCommand),
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
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Set a staff member's sign-in PIN, read from standard input (digits only; at least
    /// `pin.min_length` of the config file)
    SetPin { staff_id: String },
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
pub fn data_dir(cli: &Cli) -> Result<PathBuf, String> {
    cli.data_dir
        .clone()
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .ok_or_else(|| "no home directory to put the data in: pass --data-dir DIR".to_string())
}

fn load_config(cli: &Cli) -> Result<Config, String> {
    match &cli.config {
        Some(path) => Config::load(path, true).map_err(|e| e.to_string()),
        None => match project_dirs() {
            Some(d) => {
                Config::load(&d.config_dir().join("config.toml"), false).map_err(|e| e.to_string())
            }
            None => Ok(Config::default()),
        },
    }
}

/// Logs go to `enkaku.log` in the data directory, never to the terminal.
fn init_logging(dir: &Path, level: &str) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
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
    Some(guard)
}

fn parse_day(text: Option<&str>) -> Result<Date, String> {
    match text {
        None => Ok(today_jst()),
        Some(t) => parse_date(t).map_err(|_| format!("--date {t:?}: expected YYYY-MM-DD")),
    }
}

/// Runs the command line; the process exit code is returned.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("enkaku: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    let config = load_config(cli)?;
    let dir = data_dir(cli)?;
    let _log = init_logging(&dir, &config.log_level);
    let err = |e: &dyn std::fmt::Display| e.to_string();

    match &cli.command {
        Some(Command::Rules { json }) => {
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&crate::rules::catalogue_json())
                        .map_err(|e| err(&e))?
                );
            } else {
                print!("{}", crate::rules::catalogue_text());
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Check { case, json }) => {
            let text =
                std::fs::read_to_string(case).map_err(|e| format!("{}: {e}", case.display()))?;
            let consultation = match crate::rules::parse_case(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("enkaku: {}: {e}", case.display());
                    return Ok(ExitCode::from(crate::rules::EXIT_INVALID_CASE));
                }
            };
            let drugs = open_drugs(&dir)?;
            let findings =
                crate::rules::evaluate(&consultation, &drugs, time::OffsetDateTime::now_utc());
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&crate::rules::findings_json(&findings))
                        .map_err(|e| err(&e))?
                );
            } else {
                print!("{}", crate::rules::findings_text(&findings));
            }
            return Ok(ExitCode::from(crate::rules::exit_code(&findings)));
        }
        Some(Command::Drugs(DrugsCommand::Import { file })) => {
            let mut drugs = crate::drugs::DrugMaster::open_dir(&dir).map_err(|e| err(&e))?;
            let report = drugs.import_csv(file).map_err(|e| err(&e))?;
            println!("{report}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Drugs(DrugsCommand::Search { text, limit, json })) => {
            let drugs = open_drugs(&dir)?;
            let found = drugs.search(text, *limit).map_err(|e| err(&e))?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&found).map_err(|e| err(&e))?
                );
            } else {
                for d in &found {
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
                    println!(
                        "{}  {}  [{}] {}  {}",
                        d.code,
                        d.name,
                        d.ingredient,
                        d.route,
                        marks.join(" ")
                    );
                }
                println!("{} found", found.len());
            }
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let mut store = Store::open_dir(&dir).map_err(|e| e.to_string())?;
    tracing::info!(data_dir = %dir.display(), "store opened");

    match &cli.command {
        Some(Command::Rules { .. } | Command::Check { .. } | Command::Drugs(_)) => {}
        None => {
            // An enrolled store gets its data from the clinic's server, never from the demo.
            let enrolled = crate::sync::client::Device::load(&dir)
                .map_err(|e| err(&e))?
                .is_some();
            if !enrolled && store.is_empty().map_err(|e| err(&e))? {
                let report = crate::demo::seed(&mut store, today_jst()).map_err(|e| err(&e))?;
                eprintln!(
                    "New store at {}: seeded the demo clinic ({} patients, {} queue entries today).",
                    store.path().display(),
                    report.patients_added,
                    report.queue_entries_added
                );
            }
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                return run_workstation(cli, &config, store, &dir);
            }
            // Not on a terminal (a script, a pipe): print today's queue instead of drawing.
            print_queue(&mut store, today_jst(), false)?;
        }
        Some(Command::Demo { patients }) => {
            let report = crate::demo::seed(&mut store, today_jst()).map_err(|e| err(&e))?;
            println!(
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
                let added = crate::demo::add_synthetic(&mut store, *n).map_err(|e| err(&e))?;
                println!(
                    "{added} synthetic patients added in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Some(Command::Export { json: _ }) => {
            let mut documents = Map::new();
            for id in store.doc_ids().map_err(|e| err(&e))? {
                let doc = store.read_json(&id, &[]).map_err(|e| err(&e))?;
                documents.insert(id.to_string(), doc);
            }
            let out = serde_json::json!({ "format": "enkaku-export/1", "documents": Json::Object(documents) });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| err(&e))?
            );
        }
        Some(Command::Queue(QueueCommand::List { date, json })) => {
            let day = parse_day(date.as_deref())?;
            print_queue(&mut store, day, *json)?;
        }
        Some(Command::Queue(QueueCommand::Import { file, date })) => {
            let day = parse_day(date.as_deref())?;
            let clinic = store.clinic().map_err(|e| err(&e))?.ok_or(
                "the store has no clinic yet: run `enkaku demo` or sync with the clinic first",
            )?;
            let report = crate::reservations::import(&mut store, &cli.staff, &clinic.id, file, day)
                .map_err(|e| err(&e))?;
            for (line, day, entry) in &report.added {
                println!(
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
            println!(
                "{} added, {} already queued, {} rejected",
                report.added.len(),
                report.already_queued,
                report.rejected.len()
            );
            if !report.rejected.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(Command::Enroll { server, code }) => {
            use crate::sync::client::{Device, Http, enroll};
            if let Some(existing) = Device::load(&dir).map_err(|e| err(&e))? {
                return Err(format!(
                    "{} is already enrolled as device {} of clinic {}",
                    dir.display(),
                    existing.device_id,
                    existing.clinic_id
                ));
            }
            let mut http = Http::new(std::time::Duration::from_secs(30)).map_err(|e| err(&e))?;
            let device = enroll(&store, &dir, server, code, &mut http).map_err(|e| err(&e))?;
            println!(
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
        }
        Some(Command::Sync { json }) => {
            use crate::sync::client::{Device, Http, SyncError, sync_once};
            let device = Device::load(&dir)
                .map_err(|e| err(&e))?
                .ok_or_else(|| SyncError::NotEnrolled.to_string())?;
            let mut http = Http::new(std::time::Duration::from_secs(60)).map_err(|e| err(&e))?;
            let report = sync_once(&mut store, &device, &mut http).map_err(|e| err(&e))?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(|e| err(&e))?
                );
            } else {
                println!(
                    "sent {} documents, received {} documents ({} changes) in {} round trips; {} B up, {} B down",
                    report.docs_sent,
                    report.docs_received,
                    report.changes_received,
                    report.round_trips,
                    report.body_bytes_up,
                    report.body_bytes_down
                );
            }
        }
        Some(Command::Staff(StaffCommand::SetPin { staff_id })) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("reading the PIN: {e}"))?;
            let pin = line.trim();
            let digits = pin.chars().all(|c| c.is_ascii_digit());
            if !digits || pin.len() < config.pin_min_length || pin.len() > 12 {
                return Err(format!(
                    "the PIN must be {} to 12 digits (pin.min_length in the config file)",
                    config.pin_min_length
                ));
            }
            let salt = uuid::Uuid::new_v4().simple().to_string();
            let hash = crate::domain::Staff::hash_pin(&salt, pin);
            store
                .set_staff_pin_hash(&cli.staff, staff_id, &hash)
                .map_err(|e| err(&e))?;
            println!("PIN set for {staff_id}");
        }
        Some(Command::Audit(AuditCommand::Verify)) => {
            match store.verify_audit().map_err(|e| err(&e))? {
                Ok(n) => println!("audit log intact: {n} entries verified"),
                Err(failure) => {
                    eprintln!("{}: {failure}", store.path().display());
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Some(Command::Audit(AuditCommand::Log { doc, json })) => {
            let entries = store.audit_entries(doc.as_deref()).map_err(|e| err(&e))?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&entries).map_err(|e| err(&e))?
                );
            } else {
                for e in entries {
                    println!(
                        "{:>6}  {}  {:<14}  {:<28}  {}",
                        e.seq, e.at, e.staff_id, e.doc_id, e.action
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
) -> Result<ExitCode, String> {
    use crate::tui::i18n::Lang;
    let lang = match (cli.lang.as_deref(), config.language) {
        (Some("en"), _) => Lang::En,
        (Some(_), _) => Lang::Ja,
        (None, Some(crate::config::Language::En)) => Lang::En,
        (None, Some(crate::config::Language::Ja)) => Lang::Ja,
        (None, None) => Lang::from_locale(),
    };
    let drugs = open_drugs(dir)?;
    let worker = crate::tui::worker::Worker {
        store,
        drugs,
        clinic_id: String::new(),
        video_command: config.video_command.clone(),
    };
    crate::tui::run::run(worker, lang, today_jst()).map_err(|e| format!("terminal: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "tui"))]
fn run_workstation(_: &Cli, _: &Config, mut store: Store, _: &Path) -> Result<ExitCode, String> {
    print_queue(&mut store, today_jst(), false)?;
    Ok(ExitCode::SUCCESS)
}

/// The drug master of this machine; the demo list until an edition of the MHLW list is imported.
fn open_drugs(dir: &Path) -> Result<crate::drugs::DrugMaster, String> {
    let mut drugs = crate::drugs::DrugMaster::open_dir(dir).map_err(|e| e.to_string())?;
    if drugs.ensure_demo().map_err(|e| e.to_string())?.is_some() {
        eprintln!(
            "note: no drug list imported yet; using the demo list (enkaku drugs import FILE)"
        );
    }
    Ok(drugs)
}

fn print_queue(store: &mut Store, day: Date, json: bool) -> Result<(), String> {
    let rows = store.queue_rows(day).map_err(|e| e.to_string())?;
    if json {
        let out = serde_json::json!({ "date": format_date(day), "entries": rows });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!("{}  {} entries", format_date(day), rows.len());
    for r in rows {
        println!(
            "{}  {:<21} {:<15} {:<8} {} ({})  {}",
            r.time,
            r.status,
            r.visit,
            r.patient_id,
            r.name_kanji,
            r.name_kana,
            r.doctor.unwrap_or_default()
        );
    }
    Ok(())
}
