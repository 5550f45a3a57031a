//! Reservations from a web booking system: a CSV of time, patient (id, or name and date of
//! birth) and visit kind, checked row by row and put on the clinic-day queues exactly once.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::{Date, QueueEntry, QueueStatus, VisitKind, format_date, parse_date};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Header { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A row that could not be imported, with its line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub added: Vec<(u64, Date, QueueEntry)>,
    pub already_queued: usize,
    pub rejected: Vec<RowError>,
}

/// A column and the header names (English or Japanese) it may appear under.
const COLUMNS: &[(&str, &[&str])] = &[
    ("date", &["date", "予約日", "日付"]),
    (
        "time",
        &["time", "datetime", "時刻", "予約時刻", "予約日時"],
    ),
    ("patient_id", &["patient_id", "患者id", "患者番号"]),
    ("name", &["name", "name_kana", "氏名", "氏名カナ", "カナ"]),
    ("date_of_birth", &["date_of_birth", "dob", "生年月日"]),
    ("visit", &["visit", "visit_kind", "診療区分"]),
    ("memo", &["memo", "備考"]),
];

fn column_of(header: &str) -> Option<&'static str> {
    let h = crate::domain::nfkc(header).to_lowercase();
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// The id of a reservation: the same booking always gets the same id, so re-importing a file
/// adds nothing.
fn entry_id(day: Date, time: &str, patient_id: &str, visit: VisitKind) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "{}|{time}|{patient_id}|{}",
        format_date(day),
        visit.as_str()
    ));
    format!("r-{}", &hex::encode(h.finalize())[..16])
}

fn parse_time(text: &str) -> Option<(Option<Date>, String)> {
    let text = text.trim().replace('T', " ");
    let (day, hm) = match text.split_once(' ') {
        Some((d, t)) => (Some(parse_date(d).ok()?), t.trim().to_string()),
        None => (None, text),
    };
    let (h, m) = hm.split_once(':')?;
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.get(..2).unwrap_or(m).parse().ok()?;
    (h < 24 && m < 60).then(|| (day, format!("{h:02}:{m:02}")))
}

/// Imports `file` into `clinic`'s queues. Rows without a date go on `default_day`. Good rows are
/// imported even when others are rejected; every rejected row is reported with its line.
pub fn import(
    store: &mut Store,
    staff: &str,
    clinic: &str,
    file: &Path,
    default_day: Date,
) -> Result<ImportReport, ImportError> {
    let bytes = std::fs::read(file).map_err(|source| ImportError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ImportError::Header {
        path: file.to_path_buf(),
        reason: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Header {
            path: file.to_path_buf(),
            reason: e.to_string(),
        })?
        .clone();
    let mut columns: Vec<Option<&str>> = Vec::new();
    for h in headers.iter() {
        let c = column_of(h);
        if c.is_none() && !h.is_empty() {
            return Err(ImportError::Header {
                path: file.to_path_buf(),
                reason: format!(
                    "line 1: unknown column {h:?} (expected date, time, patient_id, name, date_of_birth, visit, memo)"
                ),
            });
        }
        columns.push(c);
    }
    for required in ["time", "visit"] {
        if !columns.contains(&Some(required)) {
            return Err(ImportError::Header {
                path: file.to_path_buf(),
                reason: format!("line 1: the column {required:?} is missing"),
            });
        }
    }
    let by_id = columns.contains(&Some("patient_id"));
    let by_name = columns.contains(&Some("name")) && columns.contains(&Some("date_of_birth"));
    if !by_id && !by_name {
        return Err(ImportError::Header {
            path: file.to_path_buf(),
            reason: "line 1: a patient_id column, or name and date_of_birth columns, are needed"
                .into(),
        });
    }

    let mut report = ImportReport::default();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.rejected.push(RowError {
                    line,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let row = Row(columns
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.map(|c| (c, v.to_string())))
            .collect());
        match row_entry(store, default_day, &row) {
            Err(reason) => report.rejected.push(RowError { line, reason }),
            Ok((day, entry)) => {
                if store.add_queue_entry(staff, clinic, day, &entry)? {
                    report.added.push((line, day, entry));
                } else {
                    report.already_queued += 1;
                }
            }
        }
    }
    Ok(report)
}

/// One CSV row by column name.
struct Row(Vec<(&'static str, String)>);

impl Row {
    fn get(&self, column: &str) -> &str {
        self.0
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

fn row_entry(store: &Store, default_day: Date, row: &Row) -> Result<(Date, QueueEntry), String> {
    let field = |c| row.get(c);
    let (mut day, time) = parse_time(field("time"))
        .ok_or_else(|| format!("time {:?} is not HH:MM", field("time")))?;
    if !field("date").is_empty() {
        day = Some(
            parse_date(field("date"))
                .map_err(|_| format!("date {:?} is not YYYY-MM-DD", field("date")))?,
        );
    }
    let visit = VisitKind::parse(field("visit")).ok_or_else(|| {
        let kinds: Vec<&str> = VisitKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "visit {:?} is not one of {}",
            field("visit"),
            kinds.join(", ")
        )
    })?;
    let patient_id = if !field("patient_id").is_empty() {
        let id = field("patient_id");
        match store.patient_summary(id) {
            Ok(Some(_)) => id.to_string(),
            Ok(None) => return Err(format!("no patient with id {id:?}")),
            Err(e) => return Err(e.to_string()),
        }
    } else {
        let name = field("name");
        let dob = parse_date(field("date_of_birth")).map_err(|_| {
            format!(
                "date_of_birth {:?} is not YYYY-MM-DD",
                field("date_of_birth")
            )
        })?;
        if name.is_empty() {
            return Err("neither patient_id nor name is given".into());
        }
        let found = store
            .find_patient_by_name_dob(name, dob)
            .map_err(|e| e.to_string())?;
        match found.as_slice() {
            [one] => one.patient_id.clone(),
            [] => {
                return Err(format!(
                    "no patient named {name:?} born {}",
                    format_date(dob)
                ));
            }
            _ => {
                return Err(format!(
                    "{} patients named {name:?} born {}: give the patient_id",
                    found.len(),
                    format_date(dob)
                ));
            }
        }
    };
    let day = day.unwrap_or(default_day);
    let id = entry_id(day, &time, &patient_id, visit);
    Ok((
        day,
        QueueEntry {
            id,
            patient_id,
            time,
            visit,
            status: QueueStatus::Reserved,
            doctor: None,
            pre_consult_done: false,
            identity_check: None,
            source: "web".into(),
            memo: field("memo").to_string(),
            cancel_reason: None,
            signed_at: None,
            payment: None,
            history: Default::default(),
            route_order: None,
            consult_request: None,
        },
    ))
}
