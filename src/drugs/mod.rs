//! Drug master (医薬品マスタ): the MHLW 薬価基準収載品目リスト imported into its own SQLite file,
//! each drug classified by the tables of `fixtures/drugs/` (向精神薬, 薬剤管理指導料「1」,
//! misuse-watch, PDE5) for the prescribing rules of 指針 V.1(5).

mod edition;
mod master;
mod tables;

use std::path::PathBuf;

pub use edition::{COLUMNS, DuplicateRow, ParsedEdition, PriceListRow, RejectedRow, parse_edition};
pub use master::{
    DEMO_DRUGS_CSV, DEMO_SOURCE, DRUGS_DB_FILE, DrugMaster, DrugRecord, Edition, ImportReport,
};
pub use tables::{
    Category, Classification, ClassificationTables, PSYCHOTROPICS_GROUP, Pde5Conflict,
    Pde5Severity, Route, TableSource, TableTexts,
};

/// What can go wrong with the drug master. Every variant about a file names it, and the line
/// where there is one.
#[derive(Debug, thiserror::Error)]
pub enum DrugError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: cannot make the file owner-only (0600): {source}", path.display())]
    Private {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: cannot create the data directory: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: not an Enkaku drug master ({reason})", path.display())]
    NotADrugMaster { path: PathBuf, reason: String },
    #[error("{file}: not an edition of the MHLW price list: {reason}")]
    BadHeader { file: String, reason: String },
    #[error("{file}{}: cannot read the CSV: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Read {
        file: String,
        line: Option<u64>,
        reason: String,
    },
    #[error("{file}: no valid drug row ({rejected} rows rejected); the master was left as it was")]
    NoRows { file: String, rejected: usize },
    /// More than half the rows are malformed: the file is more likely the wrong file or a
    /// damaged one than an edition, so the edition in the master is kept.
    #[error(
        "{file}: {} of {rows_read} rows rejected (more than half); nothing was imported and the master keeps {kept}{}",
        rejected.len(),
        rejected.iter().map(|r| format!("\n  line {}: {}", r.line, r.reason)).collect::<String>()
    )]
    MostRejected {
        file: String,
        rows_read: usize,
        rejected: Vec<RejectedRow>,
        /// What the master still holds, in words.
        kept: String,
    },
    #[error("{file}: {reason}")]
    Table { file: &'static str, reason: String },
}
