//! The integrity of the server's data: the check at start (and `enkaku-sync-server check`) that
//! runs SQLite's structural check and loads every stored document once, and the set of damaged
//! documents that exchanges skip while the rest are served.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};

use automerge::Automerge;
use enkaku::protocol::{DocId, quote};

use crate::storage::{Storage, StorageError};

/// A stored document that cannot be served, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedDoc {
    pub clinic_id: String,
    /// The id as stored (quoted and cut when it is not a valid id).
    pub doc: String,
    pub reason: String,
}

/// What the integrity check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// SQLite's `quick_check` findings (at most 100); empty when the file is sound.
    pub structural: Vec<String>,
    pub damaged: Vec<DamagedDoc>,
    /// Documents checked, damaged or not.
    pub checked: usize,
}

impl Report {
    pub fn is_sound(&self) -> bool {
        self.structural.is_empty() && self.damaged.is_empty()
    }
}

/// Why the stored bytes of a document do not load, if they do not.
pub fn load_failure(bytes: &[u8]) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(|| Automerge::load(bytes))) {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some("Automerge panicked while loading it".into()),
    }
}

/// Runs the structural check and loads every document once. Fails only when the list of
/// documents itself cannot be read; a document that cannot be read or loaded is reported.
pub fn check(storage: &dyn Storage) -> Result<Report, StorageError> {
    let structural = storage.structural_problems()?;
    let keys = storage.document_keys()?;
    let mut damaged = Vec::new();
    for (clinic_id, raw) in &keys {
        let reason = match DocId::parse(raw) {
            Err(_) => Some("the stored id is not a valid document id".to_string()),
            Ok(doc) => match storage.document(clinic_id, &doc) {
                Ok(Some(stored)) => load_failure(&stored.bytes),
                Ok(None) => None,
                Err(e) => Some(format!("cannot be read: {e}")),
            },
        };
        if let Some(reason) = reason {
            damaged.push(DamagedDoc {
                clinic_id: clinic_id.clone(),
                doc: if DocId::parse(raw).is_ok() {
                    raw.clone()
                } else {
                    quote(raw)
                },
                reason,
            });
        }
    }
    Ok(Report {
        structural,
        damaged,
        checked: keys.len(),
    })
}

/// Documents the server does not serve because their stored bytes are damaged: found by the
/// check at start, and by an exchange whose load of a document failed. Shared by every request.
#[derive(Debug, Default)]
pub struct Damaged {
    docs: Mutex<BTreeSet<(String, String)>>,
    /// Whether the structural check at start found problems.
    structural: bool,
}

impl Damaged {
    pub fn from_report(report: &Report) -> Damaged {
        Damaged {
            docs: Mutex::new(
                report
                    .damaged
                    .iter()
                    .map(|d| (d.clinic_id.clone(), d.doc.clone()))
                    .collect(),
            ),
            structural: !report.structural.is_empty(),
        }
    }

    pub fn contains(&self, clinic_id: &str, doc: &DocId) -> bool {
        self.lock()
            .contains(&(clinic_id.to_string(), doc.to_string()))
    }

    /// Records a document found damaged while serving; logs it the first time.
    pub fn insert(&self, clinic_id: &str, doc: &DocId, reason: &str) {
        if self.lock().insert((clinic_id.to_string(), doc.to_string())) {
            tracing::error!(
                clinic = clinic_id,
                %doc,
                reason,
                "stored document is damaged; exchanges skip it until it is restored"
            );
        }
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// `None` when nothing is damaged, else what `/healthz` says.
    pub fn health(&self) -> Option<String> {
        let n = self.len();
        if n == 0 && !self.structural {
            return None;
        }
        let mut said = format!(
            "degraded: {n} damaged document{}",
            if n == 1 { "" } else { "s" }
        );
        if self.structural {
            said.push_str("; the database failed its structural check");
        }
        said.push_str(" (enkaku-sync-server check lists them)");
        Some(said)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<(String, String)>> {
        self.docs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Logs what the check at start found: each damaged document by id, and the structural
/// findings.
pub fn log_report(report: &Report) {
    for problem in &report.structural {
        tracing::error!(problem = %quote(problem), "database structural check");
    }
    for d in &report.damaged {
        tracing::error!(
            clinic = %d.clinic_id,
            doc = %d.doc,
            reason = %quote(&d.reason),
            "stored document is damaged; exchanges skip it until it is restored"
        );
    }
    if report.is_sound() {
        tracing::info!(documents = report.checked, "integrity check passed");
    } else {
        tracing::error!(
            documents = report.checked,
            damaged = report.damaged.len(),
            structural_problems = report.structural.len(),
            "integrity check failed; serving the rest"
        );
    }
}
