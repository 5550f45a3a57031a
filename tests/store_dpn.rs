//! The doctor's board reads a nurse's D to P with N request from the queue index, over a real
//! SQLite file seeded with the demo clinic: the request is indexed with the visit in the
//! transaction that makes it, a store written before the index had its columns (schema 5) fills
//! them from its entries when it is opened, and the doctor's 訪問看護指示書 and orders land on
//! the patient's record beside the nurse's, which they leave as she wrote it.

use enkaku::domain::{
    ConsultRequest, Date, Encounter, Instant, NursingInstructions, NursingVisit, Order,
    QueueStatus, VisitKind, Vital, parse_date,
};
use enkaku::store::Store;

const CLINIC: &str = "demo-clinic";
const NURSE: &str = "ns-ito";
const DOCTOR: &str = "dr-sato";
const PATIENT: &str = "p-0022";
const ENTRY: &str = "q-07";

fn day() -> Date {
    parse_date("2026-11-21").unwrap()
}

fn now() -> Instant {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    enkaku::demo::seed(&mut store, day()).unwrap();
    (dir, store)
}

fn requested_visit() -> NursingVisit {
    let mut v = NursingVisit::new("nv-1", day(), NURSE);
    v.queue_entry = Some(ENTRY.into());
    v.vitals.insert(Vital::Spo2, 88.0);
    v.request = Some(ConsultRequest {
        by: NURSE.into(),
        at: now(),
        reason: "SpO2 88%、息切れ".into(),
    });
    v
}

fn ask(store: &mut Store) {
    store
        .request_consult(
            NURSE,
            CLINIC,
            day(),
            ENTRY,
            PATIENT,
            &requested_visit(),
            now(),
        )
        .unwrap();
}

fn row(store: &Store) -> enkaku::store::QueueRow {
    store
        .queue_rows(day())
        .unwrap()
        .into_iter()
        .find(|r| r.entry_id == ENTRY)
        .expect("the visit")
}

#[test]
fn the_request_is_on_the_board_row_with_the_visit() {
    let (_dir, mut store) = seeded();
    assert_eq!(row(&store).consult_request, None);
    ask(&mut store);
    let r = row(&store);
    assert_eq!(r.status, QueueStatus::Waiting);
    assert_eq!(r.visit_kind, VisitKind::DToPWithN);
    assert_eq!(
        r.consult_request,
        Some(ConsultRequest {
            by: NURSE.into(),
            at: now(),
            reason: "SpO2 88%、息切れ".into(),
        })
    );
    // Every other visit of the day carries none.
    assert!(
        store
            .queue_rows(day())
            .unwrap()
            .iter()
            .filter(|r| r.entry_id != ENTRY)
            .all(|r| r.consult_request.is_none())
    );
}

#[test]
fn a_store_from_before_version_6_fills_the_request_from_its_entries() {
    let (dir, mut store) = seeded();
    ask(&mut store);
    let rows = store.queue_rows(day()).unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    // As a version-5 file had it: no request columns.
    let db = rusqlite::Connection::open(&path).unwrap();
    for column in ["request_by", "request_at", "request_reason"] {
        db.execute_batch(&format!("ALTER TABLE queue_index DROP COLUMN {column}"))
            .unwrap();
    }
    // Nor the tables of later versions.
    db.execute_batch("DROP TABLE quarantine").unwrap();
    db.pragma_update(None, "user_version", 5).unwrap();
    drop(db);
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.queue_rows(day()).unwrap(), rows);
    assert!(row(&store).consult_request.is_some());
}

#[test]
fn the_doctors_instructions_and_orders_leave_the_nurses_record_as_she_wrote_it() {
    let (_dir, mut store) = seeded();
    ask(&mut store);
    let hers = store.patient(PATIENT).unwrap().nursing_visits;
    let instructions = NursingInstructions {
        id: "ni-1".into(),
        doctor: DOCTOR.into(),
        valid_from: day(),
        valid_to: parse_date("2027-05-21").unwrap(),
        observe: "呼吸状態".into(),
        report: String::new(),
        thresholds: Default::default(),
        written_at: now(),
    };
    store
        .save_nursing_instructions(DOCTOR, PATIENT, &instructions)
        .unwrap();
    let mut e = Encounter::new("en-1", VisitKind::DToPWithN);
    e.doctor = Some(DOCTOR.into());
    e.queue_entry = Some(ENTRY.into());
    e.nurse = Some(NURSE.into());
    e.nursing_visit = Some("nv-1".into());
    e.orders.insert(
        "or-1".into(),
        Order {
            text: "SpO2 再検".into(),
            by: DOCTOR.into(),
            at: now(),
        },
    );
    store
        .save_encounter_as(DOCTOR, PATIENT, &e, "encounter.order")
        .unwrap();
    let p = store.patient(PATIENT).unwrap();
    assert_eq!(p.nursing_visits, hers);
    assert_eq!(p.encounters["en-1"].orders["or-1"].text, "SpO2 再検");
    assert_eq!(
        p.instructions_on(day()).map(|i| i.id.as_str()),
        Some("ni-1")
    );
    let audit: Vec<(String, String)> = store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .map(|a| (a.staff_id, a.action))
        .collect();
    for (who, what) in [
        (NURSE, "nursing.request"),
        (DOCTOR, "nursing.instructions"),
        (DOCTOR, "encounter.order"),
    ] {
        assert!(
            audit.contains(&(who.to_string(), what.to_string())),
            "{who} {what}: {audit:?}"
        );
    }
}
