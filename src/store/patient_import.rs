//! Applying an imported patient list (from a レセコン or 電子カルテ): every new patient and every
//! changed field of a known one in one transaction, and the patient list the import is checked
//! against and the `patients list` command prints.

use serde_json::Value as Json;

use super::index::{self, PatientSummary};
use super::{DocId, Store, StoreError};
use crate::domain::Patient;

/// The fields of one stored patient that an import changes: each written at its own path, so
/// that an edit made meanwhile on another device to another field survives the merge.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientUpdate {
    pub patient_id: String,
    /// (path of map keys, new value).
    pub fields: Vec<(Vec<String>, Json)>,
}

impl Store {
    /// Registers `new` and applies `updates` in one transaction, audited as `patient.import`
    /// and `patient.import.update`: when this returns `Ok` all of it is stored, else none.
    /// `progress(done, total)` is called after each patient.
    pub fn import_patients(
        &mut self,
        staff: &str,
        new: &[Patient],
        updates: &[PatientUpdate],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(), StoreError> {
        let total = new.len() + updates.len();
        self.write(|w| {
            let mut done = 0;
            for patient in new {
                let id = DocId::patient(&patient.id)?;
                w.register(&id, staff, "patient.import", patient)?;
                done += 1;
                progress(done, total);
            }
            for update in updates {
                let id = DocId::patient(&update.patient_id)?;
                w.edit(&id, staff, "patient.import.update", |e| {
                    for (path, value) in &update.fields {
                        let path: Vec<&str> = path.iter().map(String::as_str).collect();
                        e.put(&path, value)?;
                    }
                    Ok(())
                })?;
                done += 1;
                progress(done, total);
            }
            Ok(())
        })
    }

    /// Whether a patient document with this id is in the index.
    pub fn patient_summary_exists(&self, patient_id: &str) -> Result<bool, StoreError> {
        Ok(index::patient_summary(&self.conn, &self.path, patient_id)?.is_some())
    }

    /// Every patient's index row, in kana order.
    pub fn patient_summaries(&self) -> Result<Vec<PatientSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT patient_id FROM patient_index ORDER BY name_kana, patient_id")
            .map_err(self.sql_err())?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql_err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql_err())?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = index::patient_summary(&self.conn, &self.path, &id)? {
                out.push(s);
            }
        }
        Ok(out)
    }
}
