//! The command line: `serve`, and the admin commands that work directly on the data directory
//! (safe while the server runs: SQLite in WAL mode takes one writer at a time).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use enkaku::domain::Role;
use serde::Serialize;

use crate::admin::{self, AdminError};
use crate::integrity;
use crate::storage::{Device, SqliteStorage, Storage, StorageError};
use enkaku::protocol::quote;

#[derive(Debug, Parser)]
#[command(name = "enkaku-sync-server", version, about = "Enkaku's sync server")]
pub struct Cli {
    /// The directory holding the server's database.
    #[arg(long, global = true, env = "ENKAKU_SYNC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve enrolment and sync until SIGINT or SIGTERM.
    Serve {
        /// Address to listen on; port 0 takes a free port. The bound address is printed on
        /// stdout as `listening on http://ADDR`.
        #[arg(long, env = "ENKAKU_SYNC_LISTEN", default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// PEM certificate chain: serve HTTPS (TLS 1.2+).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key of the certificate.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Connections open at once; more are closed at once. Default: the open-file limit
        /// less 64 (at most 4096).
        #[arg(long, env = "ENKAKU_SYNC_MAX_CONNECTIONS")]
        max_connections: Option<usize>,
        /// Seconds a connection may take to send a request head.
        #[arg(long, default_value_t = 10)]
        header_read_timeout: u64,
    },
    /// Clinics.
    Clinic {
        #[command(subcommand)]
        command: ClinicCommand,
    },
    /// Print a one-time code (valid 24 hours) that enrols one device.
    Enroll {
        /// The clinic the device joins.
        #[arg(long)]
        clinic: String,
        /// front_desk, doctor, nurse or admin.
        #[arg(long, value_parser = admin::parse_role)]
        role: Role,
        /// Limit the device to this care team's patients.
        #[arg(long)]
        care_team: Option<String>,
    },
    /// Failed enrolment attempts (unknown, expired or used codes): when and from where.
    EnrollFailures {
        /// Those of the last this many hours.
        #[arg(long, default_value_t = 24)]
        hours: u32,
    },
    /// Enrolled devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Check the database: SQLite's structural check, and every stored document loaded once.
    /// Prints the damaged documents by clinic and id; exits non-zero when anything is damaged.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum ClinicCommand {
    /// Add a clinic and print its id.
    Add { name: String },
    /// List clinics.
    List,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// List devices.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its token stops working at once.
    Revoke { id: String },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("--data-dir (or ENKAKU_SYNC_DATA_DIR) is required")]
    NoDataDir,
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error(
        "the database is damaged: {documents} damaged documents, {structural} structural problems"
    )]
    Damaged { documents: usize, structural: usize },
}

fn timestamp(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

#[derive(Serialize)]
struct DeviceRow<'a> {
    id: &'a str,
    clinic: &'a str,
    role: &'a str,
    care_team: Option<&'a str>,
    name: &'a str,
    actor: &'a str,
    enrolled: String,
    revoked: Option<String>,
}

impl<'a> From<&'a Device> for DeviceRow<'a> {
    fn from(d: &'a Device) -> Self {
        DeviceRow {
            id: &d.id,
            clinic: &d.clinic_id,
            role: &d.role,
            care_team: d.care_team.as_deref(),
            name: &d.name,
            actor: &d.actor,
            enrolled: timestamp(d.enrolled_at),
            revoked: d.revoked_at.map(timestamp),
        }
    }
}

/// Failed enrolment attempts listed at most by one command.
const MAX_FAILURES_LISTED: usize = 10_000;

/// Left-aligned columns, two spaces apart.
fn write_table(out: &mut impl Write, rows: &[Vec<String>]) -> std::io::Result<()> {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < columns {
                let pad = widths[c] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Runs an admin command (anything but `serve`) against the data directory.
pub fn run_admin(
    data_dir: Option<PathBuf>,
    command: Command,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let data_dir = data_dir.ok_or(CliError::NoDataDir)?;
    let storage = SqliteStorage::open(&data_dir)?;
    let now = crate::now();
    match command {
        Command::Serve { .. } => {}
        Command::Clinic {
            command: ClinicCommand::Add { name },
        } => {
            let clinic = admin::add_clinic(&storage, &name, now)?;
            writeln!(out, "{}", clinic.id)?;
        }
        Command::Clinic {
            command: ClinicCommand::List,
        } => {
            let mut rows = vec![vec!["ID".into(), "NAME".into(), "CREATED".into()]];
            for c in storage.clinics()? {
                rows.push(vec![c.id, c.name, timestamp(c.created_at)]);
            }
            write_table(out, &rows)?;
        }
        Command::Enroll {
            clinic,
            role,
            care_team,
        } => {
            let issued =
                admin::issue_enrolment_code(&storage, &clinic, role, care_team.as_deref(), now)?;
            writeln!(out, "{}", issued.code)?;
            eprintln!(
                "one-time enrolment code for clinic {clinic}, role {}{}; expires {}",
                role.as_str(),
                care_team
                    .map(|t| format!(", care team {t}"))
                    .unwrap_or_default(),
                timestamp(issued.expires_at)
            );
        }
        Command::Device {
            command: DeviceCommand::List { json },
        } => {
            let devices = storage.devices()?;
            if json {
                for d in &devices {
                    let line = serde_json::to_string(&DeviceRow::from(d))
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    writeln!(out, "{line}")?;
                }
            } else {
                let mut rows = vec![
                    [
                        "ID",
                        "CLINIC",
                        "ROLE",
                        "CARE TEAM",
                        "NAME",
                        "ACTOR",
                        "ENROLLED",
                        "REVOKED",
                    ]
                    .map(String::from)
                    .to_vec(),
                ];
                for d in &devices {
                    let r = DeviceRow::from(d);
                    rows.push(vec![
                        r.id.into(),
                        r.clinic.into(),
                        r.role.into(),
                        r.care_team.unwrap_or("-").into(),
                        if r.name.is_empty() { "-" } else { r.name }.into(),
                        r.actor.into(),
                        r.enrolled,
                        r.revoked.unwrap_or_else(|| "-".into()),
                    ]);
                }
                write_table(out, &rows)?;
            }
        }
        Command::EnrollFailures { hours } => {
            let since = now.saturating_sub(i64::from(hours) * 3600);
            let mut rows = vec![vec!["TIME".into(), "SOURCE".into()]];
            let failures = storage.enrolment_failures(since, MAX_FAILURES_LISTED + 1)?;
            let more = failures.len() > MAX_FAILURES_LISTED;
            for f in failures.into_iter().take(MAX_FAILURES_LISTED) {
                rows.push(vec![timestamp(f.at), f.source]);
            }
            write_table(out, &rows)?;
            if more {
                eprintln!("only the first {MAX_FAILURES_LISTED} are listed; give fewer --hours");
            }
        }
        Command::Device {
            command: DeviceCommand::Revoke { id },
        } => {
            admin::revoke_device(&storage, &id, now)?;
            writeln!(out, "revoked {id}")?;
        }
        Command::Check => {
            let report = integrity::check(&storage)?;
            for problem in &report.structural {
                writeln!(out, "structural: {}", quote(problem))?;
            }
            if !report.damaged.is_empty() {
                let mut rows = vec![vec!["CLINIC".into(), "DOCUMENT".into(), "REASON".into()]];
                for d in &report.damaged {
                    rows.push(vec![d.clinic_id.clone(), d.doc.clone(), quote(&d.reason)]);
                }
                write_table(out, &rows)?;
            }
            writeln!(
                out,
                "{} documents checked, {} damaged, {} structural problems",
                report.checked,
                report.damaged.len(),
                report.structural.len()
            )?;
            if !report.is_sound() {
                return Err(CliError::Damaged {
                    documents: report.damaged.len(),
                    structural: report.structural.len(),
                });
            }
        }
    }
    Ok(())
}
