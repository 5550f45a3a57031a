//! The drug master file `drugs.sqlite3`: one edition of the price list with its classification
//! precomputed, replaced atomically by each import, searched by code, name and ingredient, and
//! looked up by code for the prescribing rules.
//!
//! One file past 600 lines: the import, the searches and the lookup share one schema and its
//! statements, and splitting them would spread that schema over several files.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::DrugError;
use super::edition::{DuplicateRow, RejectedRow, code_problem, parse_edition};
use super::tables::ClassificationTables;
use crate::domain::{DrugInfo, DrugLookup, fold_for_search, nfkc};

/// The file name of the drug master inside a data directory.
pub const DRUGS_DB_FILE: &str = "drugs.sqlite3";

/// The demo clinic's drug list: rows of the MHLW list chosen by the team, same columns.
pub const DEMO_DRUGS_CSV: &str = include_str!("../../fixtures/demo/drugs.csv");

/// How the demo list is named in edition records.
pub const DEMO_SOURCE: &str = "fixtures/demo/drugs.csv";

/// `PRAGMA application_id` of a drug master ("EnkD"), so that no other SQLite file is taken
/// for one.
const APPLICATION_ID: i64 = 0x456e_6b44;

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE drug (
    code TEXT PRIMARY KEY,
    route TEXT NOT NULL,
    ingredient TEXT NOT NULL,
    strength TEXT NOT NULL,
    pharmacopoeia TEXT NOT NULL,
    narcotic_column TEXT NOT NULL,
    maker_note TEXT NOT NULL,
    name TEXT NOT NULL,
    maker TEXT NOT NULL,
    generic_addon TEXT NOT NULL,
    originator TEXT NOT NULL,
    originator_with_generic TEXT NOT NULL,
    price TEXT NOT NULL,
    transitional_until TEXT NOT NULL,
    remarks TEXT NOT NULL,
    line INTEGER NOT NULL,
    narcotic INTEGER NOT NULL,
    psychotropic_class INTEGER,
    high_risk TEXT NOT NULL,
    misuse_watch TEXT NOT NULL,
    pde5_inhibitor INTEGER NOT NULL,
    pde5_contraindicated INTEGER NOT NULL,
    name_key TEXT NOT NULL,
    ingredient_key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX drug_by_name ON drug(name_key);
CREATE TABLE edition (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    rejected_count INTEGER NOT NULL,
    duplicate_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    tables_sha256 TEXT NOT NULL
);
";

/// The columns a `DrugRecord` is read from, in `record_from_row` order.
const RECORD_COLUMNS: &str = "code, name, ingredient, route, narcotic, psychotropic_class, \
     high_risk, misuse_watch, pde5_inhibitor, pde5_contraindicated, strength, maker, price";

/// The meta key under which the fingerprint of the tables that classified the rows is kept.
const TABLES_KEY: &str = "tables_sha256";

/// One imported edition of the price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edition {
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Drugs imported from it.
    pub row_count: usize,
    pub rejected_count: usize,
    pub duplicate_count: usize,
    /// RFC 3339, UTC.
    pub imported_at: String,
    /// Fingerprint of the classification tables used at import.
    pub tables_sha256: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The file as given.
    pub file: String,
    pub sha256: String,
    /// Data rows in the file.
    pub rows_read: usize,
    /// Drugs in the master after the import.
    pub imported: usize,
    pub rejected: Vec<RejectedRow>,
    /// Later rows that repeat a code with different contents (the first row is kept).
    pub duplicates: Vec<DuplicateRow>,
    /// Later rows identical to an earlier one, dropped.
    pub identical_duplicates: usize,
    /// The file is the edition already in the master: nothing was written.
    pub unchanged: bool,
    /// The edition that was in the master before.
    pub previous: Option<Edition>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unchanged {
            write!(
                f,
                "{}: unchanged, the master already holds this edition ({} drugs)",
                self.file, self.imported
            )?;
        } else {
            write!(
                f,
                "{}: {} drugs imported from {} rows",
                self.file, self.imported, self.rows_read
            )?;
            if let Some(previous) = &self.previous {
                write!(
                    f,
                    ", replacing {} ({} drugs)",
                    previous.file_name, previous.row_count
                )?;
            }
        }
        write!(
            f,
            "; {} rejected, {} conflicting duplicates",
            self.rejected.len(),
            self.duplicates.len()
        )?;
        for r in &self.rejected {
            write!(f, "\n  line {}: {}", r.line, r.reason)?;
        }
        for d in &self.duplicates {
            write!(
                f,
                "\n  line {}: code {} repeats line {} with different contents (the first is kept)",
                d.line, d.code, d.first_line
            )?;
        }
        Ok(())
    }
}

/// A drug with the price-list details a search shows beside its classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrugRecord {
    #[serde(flatten)]
    pub info: DrugInfo,
    /// 規格, e.g. `5mg1錠`.
    pub strength: String,
    /// メーカー名.
    pub maker: String,
    /// 薬価 in yen, as written in the list.
    pub price: String,
    /// Every 薬剤管理指導料「1」 category (`info.high_risk_category` is the first).
    pub high_risk_categories: Vec<String>,
    /// Every misuse-watch group (`info.misuse_watch` is the first).
    pub misuse_watch_groups: Vec<String>,
}

/// The price list as the clinic has imported it.
pub struct DrugMaster {
    conn: Connection,
    path: PathBuf,
    tables: &'static ClassificationTables,
}

fn sqlite(path: &Path) -> impl FnOnce(rusqlite::Error) -> DrugError + '_ {
    move |source| DrugError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// Rejects a file that is not SQLite before SQLite reports it as a vague error later.
fn check_file(path: &Path) -> Result<(), DrugError> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(()); // absent: it will be created
    };
    let mut magic = [0u8; 16];
    match file.read(&mut magic) {
        Ok(0) => Ok(()),
        Ok(16) if &magic == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(DrugError::NotADrugMaster {
            path: path.to_path_buf(),
            reason: "the file is not an SQLite database".into(),
        }),
        Err(source) => Err(DrugError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Splits a stored space-separated id list.
fn ids(text: &str) -> Vec<String> {
    text.split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DrugRecord> {
    let high_risk = ids(&row.get::<_, String>(6)?);
    let misuse = ids(&row.get::<_, String>(7)?);
    let class: Option<i64> = row.get(5)?;
    Ok(DrugRecord {
        info: DrugInfo {
            code: row.get(0)?,
            name: row.get(1)?,
            ingredient: row.get(2)?,
            route: row.get(3)?,
            narcotic: row.get(4)?,
            psychotropic_class: class.and_then(|c| u8::try_from(c).ok()),
            high_risk_category: high_risk.first().cloned(),
            misuse_watch: misuse.first().cloned(),
            pde5_inhibitor: row.get(8)?,
            pde5_contraindicated: row.get(9)?,
        },
        strength: row.get(10)?,
        maker: row.get(11)?,
        price: row.get(12)?,
        high_risk_categories: high_risk,
        misuse_watch_groups: misuse,
    })
}

/// A code as a user may type it: NFKC (full-width digits), no spaces, upper case.
fn normalise_code(code: &str) -> String {
    if code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return code.to_ascii_uppercase();
    }
    nfkc(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

impl DrugMaster {
    /// Opens (creating if needed) `drugs.sqlite3` in the data directory `dir`.
    pub fn open_dir(dir: &Path) -> Result<DrugMaster, DrugError> {
        let tightened =
            crate::private_files::private_dir(dir).map_err(|source| DrugError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        crate::store::log_tightened(tightened);
        DrugMaster::open(&dir.join(DRUGS_DB_FILE))
    }

    /// Opens (creating if needed) the drug master in the SQLite file at `path`. Rows classified
    /// by other tables than the ones compiled in are reclassified.
    pub fn open(path: &Path) -> Result<DrugMaster, DrugError> {
        check_file(path)?;
        let tightened =
            crate::private_files::private_database(path).map_err(|source| DrugError::Private {
                path: path.to_path_buf(),
                source,
            })?;
        crate::store::log_tightened(tightened);
        let conn = Connection::open(path).map_err(sqlite(path))?;
        DrugMaster::prepare(conn, path)
    }

    /// A drug master that lives in memory only (tests, one-shot checks).
    pub fn open_in_memory() -> Result<DrugMaster, DrugError> {
        let path = Path::new(":memory:");
        let conn = Connection::open_in_memory().map_err(sqlite(path))?;
        DrugMaster::prepare(conn, path)
    }

    fn prepare(conn: Connection, path: &Path) -> Result<DrugMaster, DrugError> {
        let tables = ClassificationTables::embedded()?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sqlite(path))?;
        // WAL + FULL: an import is on disk when it returns, and readers never block it.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite(path))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sqlite(path))?;
        let not_master = |reason: String| DrugError::NotADrugMaster {
            path: path.to_path_buf(),
            reason,
        };
        let application_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(sqlite(path))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sqlite(path))?;
        if application_id == 0 && version == 0 {
            let objects: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(sqlite(path))?;
            if objects > 0 {
                return Err(not_master("the database already holds other tables".into()));
            }
            let tx = conn.unchecked_transaction().map_err(sqlite(path))?;
            tx.execute_batch(SCHEMA).map_err(sqlite(path))?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sqlite(path))?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sqlite(path))?;
            tx.commit().map_err(sqlite(path))?;
        } else if application_id != APPLICATION_ID {
            return Err(not_master(format!(
                "application id {application_id:#x}, expected {APPLICATION_ID:#x}"
            )));
        } else if version != SCHEMA_VERSION {
            return Err(not_master(format!(
                "schema version {version}, this program understands {SCHEMA_VERSION}"
            )));
        }
        let mut master = DrugMaster {
            conn,
            path: path.to_path_buf(),
            tables,
        };
        master.reclassify_if_stale()?;
        Ok(master)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The classification tables the master classifies with.
    pub fn tables(&self) -> &'static ClassificationTables {
        self.tables
    }

    fn sql_err(&self) -> impl FnOnce(rusqlite::Error) -> DrugError + '_ {
        sqlite(&self.path)
    }

    /// How many drugs the master holds.
    pub fn len(&self) -> Result<usize, DrugError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM drug", [], |r| r.get(0))
            .map_err(self.sql_err())?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Whether no edition has been imported yet.
    pub fn is_empty(&self) -> Result<bool, DrugError> {
        Ok(self.len()? == 0)
    }

    /// The edition in the master, if any.
    pub fn edition(&self) -> Result<Option<Edition>, DrugError> {
        self.conn
            .query_row(
                "SELECT file_name, sha256, row_count, rejected_count, duplicate_count, \
                 imported_at, tables_sha256 FROM edition ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Edition {
                        file_name: r.get(0)?,
                        sha256: r.get(1)?,
                        row_count: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        rejected_count: usize::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        duplicate_count: usize::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
                        imported_at: r.get(5)?,
                        tables_sha256: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(self.sql_err())
    }

    /// Imports an edition of the MHLW price list from a CSV file (the columns of
    /// `mhlw_price_20250716.csv`), replacing the edition in the master in one transaction.
    /// Malformed rows are reported by line and skipped; a bad header, an unreadable file, a
    /// file without a valid row or one with more than half its rows malformed is an error and
    /// leaves the master as it was. Importing the edition already in the master writes nothing
    /// and says so.
    pub fn import_csv(&mut self, path: &Path) -> Result<ImportReport, DrugError> {
        let bytes = std::fs::read(path).map_err(|source| DrugError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let label = path.display().to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| label.clone());
        self.import_bytes(&label, &file_name, &bytes)
    }

    /// Imports an edition held in memory; `source` names it in reports and errors.
    pub fn import_str(&mut self, source: &str, csv: &str) -> Result<ImportReport, DrugError> {
        self.import_bytes(source, source, csv.as_bytes())
    }

    /// Imports the demo clinic's drug list when the master holds no drug yet; `None` when it
    /// already held some.
    pub fn ensure_demo(&mut self) -> Result<Option<ImportReport>, DrugError> {
        if !self.is_empty()? {
            return Ok(None);
        }
        self.import_str(DEMO_SOURCE, DEMO_DRUGS_CSV).map(Some)
    }

    fn import_bytes(
        &mut self,
        label: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ImportReport, DrugError> {
        let parsed = parse_edition(label, bytes)?;
        let previous = self.edition()?;
        if parsed.rejected.len() * 2 > parsed.rows_read {
            let kept = match &previous {
                Some(e) => format!("{} ({} drugs)", e.file_name, e.row_count),
                None => format!("its {} drugs", self.len()?),
            };
            return Err(DrugError::MostRejected {
                file: label.to_string(),
                rows_read: parsed.rows_read,
                rejected: parsed.rejected,
                kept,
            });
        }
        // Same bytes, same rows: the classification is kept current by `open` already.
        let unchanged = previous.as_ref().is_some_and(|e| e.sha256 == parsed.sha256);
        if !unchanged {
            self.replace_edition(file_name, &parsed)?;
        }
        Ok(ImportReport {
            file: label.to_string(),
            sha256: parsed.sha256,
            rows_read: parsed.rows_read,
            imported: self.len()?,
            rejected: parsed.rejected,
            duplicates: parsed.duplicates,
            identical_duplicates: parsed.identical_duplicates,
            unchanged,
            previous,
        })
    }

    /// Deletes the old edition and inserts the new one, classified, in one transaction.
    fn replace_edition(
        &mut self,
        file_name: &str,
        parsed: &super::ParsedEdition,
    ) -> Result<(), DrugError> {
        let path = self.path.clone();
        let tables = self.tables;
        let imported_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite(&path))?;
        tx.execute("DELETE FROM drug", []).map_err(sqlite(&path))?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO drug (route, code, ingredient, strength, pharmacopoeia, \
                     narcotic_column, maker_note, name, maker, generic_addon, originator, \
                     originator_with_generic, price, transitional_until, remarks, line, \
                     narcotic, psychotropic_class, high_risk, misuse_watch, pde5_inhibitor, \
                     pde5_contraindicated, name_key, ingredient_key) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, \
                     ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
                )
                .map_err(sqlite(&path))?;
            for row in &parsed.rows {
                let c = tables.classify(
                    row.code(),
                    row.ingredient(),
                    row.route(),
                    row.narcotic_column(),
                );
                let f = &row.fields;
                insert
                    .execute(params![
                        f[0],
                        f[1],
                        f[2],
                        f[3],
                        f[4],
                        f[5],
                        f[6],
                        f[7],
                        f[8],
                        f[9],
                        f[10],
                        f[11],
                        f[12],
                        f[13],
                        f[14],
                        i64::try_from(row.line).unwrap_or(i64::MAX),
                        c.narcotic,
                        c.psychotropic_class,
                        c.high_risk_categories.join(" "),
                        c.misuse_watch_groups.join(" "),
                        c.pde5_inhibitor,
                        c.pde5_contraindicated,
                        fold_for_search(row.name()),
                        fold_for_search(row.ingredient()),
                    ])
                    .map_err(sqlite(&path))?;
            }
        }
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO edition (file_name, sha256, row_count, rejected_count, \
             duplicate_count, imported_at, tables_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                file_name,
                parsed.sha256,
                count(parsed.rows.len()),
                count(parsed.rejected.len()),
                count(parsed.duplicates.len()),
                imported_at,
                tables.fingerprint(),
            ],
        )
        .map_err(sqlite(&path))?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![TABLES_KEY, tables.fingerprint()],
        )
        .map_err(sqlite(&path))?;
        tx.commit().map_err(sqlite(&path))
    }

    /// Recomputes the stored classification when the compiled-in tables have changed since
    /// the rows were classified, so that the precomputed columns never go stale.
    fn reclassify_if_stale(&mut self) -> Result<(), DrugError> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [TABLES_KEY], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql_err())?;
        if stored.as_deref() == Some(self.tables.fingerprint()) {
            return Ok(());
        }
        let path = self.path.clone();
        let tables = self.tables;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite(&path))?;
        {
            let mut select = tx
                .prepare("SELECT code, ingredient, route, narcotic_column FROM drug")
                .map_err(sqlite(&path))?;
            let mut update = tx
                .prepare(
                    "UPDATE drug SET narcotic = ?2, psychotropic_class = ?3, high_risk = ?4, \
                     misuse_watch = ?5, pde5_inhibitor = ?6, pde5_contraindicated = ?7 \
                     WHERE code = ?1",
                )
                .map_err(sqlite(&path))?;
            let rows = select
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .map_err(sqlite(&path))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(sqlite(&path))?;
            for (code, ingredient, route, narcotic) in rows {
                let c = tables.classify(&code, &ingredient, &route, &narcotic);
                update
                    .execute(params![
                        code,
                        c.narcotic,
                        c.psychotropic_class,
                        c.high_risk_categories.join(" "),
                        c.misuse_watch_groups.join(" "),
                        c.pde5_inhibitor,
                        c.pde5_contraindicated,
                    ])
                    .map_err(sqlite(&path))?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![TABLES_KEY, tables.fingerprint()],
        )
        .map_err(sqlite(&path))?;
        tx.commit().map_err(sqlite(&path))
    }

    /// One drug by code (full-width digits and lower case accepted), with its details.
    pub fn record(&self, code: &str) -> Result<Option<DrugRecord>, DrugError> {
        let code = normalise_code(code);
        if code_problem(&code).is_some() {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM drug WHERE code = ?1"
            ))
            .map_err(self.sql_err())?;
        stmt.query_row([&code], record_from_row)
            .optional()
            .map_err(self.sql_err())
    }

    /// Finds drugs by code prefix, product name (品名) or ingredient (成分名); width, kana
    /// (katakana or hiragana), case and spaces do not matter. An exact code comes first, then
    /// by name. At most `limit` results.
    pub fn search_records(&self, text: &str, limit: usize) -> Result<Vec<DrugRecord>, DrugError> {
        let folded = fold_for_search(text);
        if folded.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let code = normalise_code(text);
        // Only a plain code-like query takes part in the code match, so LIKE sees no wildcard.
        let code = if code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            code
        } else {
            String::new()
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM drug \
                 WHERE (?1 <> '' AND code LIKE ?1 || '%') \
                    OR instr(name_key, ?2) > 0 OR instr(ingredient_key, ?2) > 0 \
                 ORDER BY code = ?1 DESC, name_key, code LIMIT ?3"
            ))
            .map_err(self.sql_err())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        stmt.query_map(params![code, folded, limit], record_from_row)
            .map_err(self.sql_err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql_err())
    }

    /// As `search_records`, as the rules and `drugs search --json` see each drug.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<DrugInfo>, DrugError> {
        Ok(self
            .search_records(text, limit)?
            .into_iter()
            .map(|r| r.info)
            .collect())
    }
}

impl DrugLookup for DrugMaster {
    /// By code, through a cached prepared statement on the primary key: a few microseconds.
    /// A database error is logged and reads as an unknown drug, which the rules report.
    fn drug(&self, code: &str) -> Option<DrugInfo> {
        match self.record(code) {
            Ok(record) => record.map(|r| r.info),
            Err(error) => {
                tracing::warn!(%error, code, "drug lookup failed");
                None
            }
        }
    }

    fn pde5_conflict(&self, inhibitor: &DrugInfo, other: &DrugInfo) -> Option<(String, String)> {
        self.tables.pde5_conflict_between(inhibitor, other)
    }
}
