//! The demo clinic: the fixtures in `fixtures/demo/` (a clinic, its staff, 30 patients whose
//! situations exercise the guideline, a day's queue) seeded into a store, and deterministic
//! synthetic patients for benchmarks.

mod synthetic;

use serde::Deserialize;

use crate::domain::{Clinic, Date, Patient, QueueEntry, QueueStatus, VisitKind};
use crate::store::{Store, StoreError};

pub use synthetic::synthetic_patient;

const CLINIC_JSON: &str = include_str!("../../fixtures/demo/clinic.json");
const PATIENTS_JSON: &str = include_str!("../../fixtures/demo/patients.json");
const QUEUE_JSON: &str = include_str!("../../fixtures/demo/queue.json");
/// The demo drug list: rows of the MHLW list chosen by the team for the demo clinic.
pub const DRUGS_CSV: &str = include_str!("../../fixtures/demo/drugs.csv");

/// The sign-in PIN every demo staff member starts with.
pub const DEMO_PIN: &str = "0000";

/// The staff id under which seeding is audited.
pub const SEED_STAFF: &str = "system:demo";

/// The demo clinic's id. A real clinic never takes it (`enkaku clinic init` refuses it), so a
/// store's clinic tells whether the store is the demo.
pub const DEMO_CLINIC_ID: &str = "demo-clinic";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "this store holds the clinic {id} ({name}), not the demo: the demo is never mixed into a real clinic, and nothing was written (open the demo in a data directory of its own: --data-dir DIR)"
    )]
    RealClinic { id: String, name: String },
    #[error(
        "this store holds documents but no clinic (a care-team device, or data received by sync): the demo is seeded only into an empty store, and nothing was written"
    )]
    NotEmpty,
    #[error("fixtures/demo/{file}: {reason}")]
    Fixture { file: &'static str, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A queue entry of the fixture, placed on whatever day is seeded.
#[derive(Debug, Deserialize)]
struct QueueTemplate {
    id: String,
    time: String,
    patient_id: String,
    visit: VisitKind,
    status: QueueStatus,
    #[serde(default)]
    doctor: Option<String>,
    #[serde(default)]
    pre_consult_done: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    memo: String,
}

fn fixture<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|e| DemoError::Fixture {
        file,
        reason: e.to_string(),
    })
}

/// The demo clinic as shipped.
pub fn clinic() -> Result<Clinic, DemoError> {
    fixture("clinic.json", CLINIC_JSON)
}

/// The 30 demo patients as shipped.
pub fn patients() -> Result<Vec<Patient>, DemoError> {
    fixture("patients.json", PATIENTS_JSON)
}

/// What seeding did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub clinic_created: bool,
    pub patients_added: usize,
    pub queue_entries_added: usize,
}

/// Whether `clinic` is the demo clinic.
pub fn is_demo(clinic: &Clinic) -> bool {
    clinic.id == DEMO_CLINIC_ID
}

/// Seeds the demo clinic with `day`'s queue. Idempotent: what is already there is left alone.
/// Only into an empty store or the demo's own: a real clinic's store is refused before anything
/// is written.
pub fn seed(store: &mut Store, day: Date) -> Result<SeedReport, DemoError> {
    let mut report = SeedReport::default();
    let mut clinic = clinic()?;
    let existing = store.clinic()?;
    match &existing {
        Some(c) if !is_demo(c) => {
            return Err(DemoError::RealClinic {
                id: c.id.clone(),
                name: c.name.clone(),
            });
        }
        None if !store.is_empty()? => return Err(DemoError::NotEmpty),
        _ => {}
    }
    if existing.is_none() {
        for staff in clinic.staff.values_mut() {
            if staff.pin_hash.is_none() {
                let salt = uuid::Uuid::new_v4().simple().to_string();
                staff.pin_hash = Some(crate::domain::Staff::hash_pin(&salt, DEMO_PIN));
            }
        }
        store.save_clinic(SEED_STAFF, &clinic)?;
        report.clinic_created = true;
    }
    let missing: Vec<Patient> = patients()?
        .into_iter()
        .filter(|p| matches!(store.patient_summary(&p.id), Ok(None)))
        .collect();
    report.patients_added = store.add_patients(SEED_STAFF, &missing)?;
    let templates: Vec<QueueTemplate> = fixture("queue.json", QUEUE_JSON)?;
    for t in templates {
        let entry = QueueEntry {
            id: t.id,
            patient_id: t.patient_id,
            time: t.time,
            visit: t.visit,
            status: t.status,
            doctor: t.doctor,
            pre_consult_done: t.pre_consult_done,
            identity_check: None,
            source: if t.source.is_empty() {
                "demo".into()
            } else {
                t.source
            },
            memo: t.memo,
            cancel_reason: None,
            signed_at: None,
            payment: None,
            history: Default::default(),
            route_order: None,
            consult_request: None,
        };
        if store.add_queue_entry(SEED_STAFF, &clinic.id, day, &entry)? {
            report.queue_entries_added += 1;
        }
    }
    Ok(report)
}

/// Adds `count` synthetic patients after those already there (`s-000001`, `s-000002`, ...).
/// Patient number k always has the same record, whatever store it is generated in.
pub fn add_synthetic(store: &mut Store, count: usize) -> Result<usize, DemoError> {
    if let Some(c) = store.clinic()?
        && !is_demo(&c)
    {
        return Err(DemoError::RealClinic {
            id: c.id,
            name: c.name,
        });
    }
    let start = store.count_patients_with_prefix("s-")? + 1;
    let mut added = 0;
    let mut batch = Vec::with_capacity(500);
    for k in start..start + count {
        batch.push(synthetic_patient(k as u64));
        if batch.len() == 500 {
            added += store.add_patients(SEED_STAFF, &batch)?;
            batch.clear();
        }
    }
    added += store.add_patients(SEED_STAFF, &batch)?;
    Ok(added)
}
