//! The home-care team's records in a real store: what the store refuses of a visit record and
//! of a 訪問看護指示書, naming the field and writing nothing; and a patient moved to another
//! team taking their visits that have not begun with them.

use std::collections::BTreeMap;

use enkaku::domain::{
    Limits, NursingInstructions, NursingVisit, QueueEntry, QueueStatus, Vital, parse_date,
};
use enkaku::store::{Store, StoreError};

fn day() -> enkaku::domain::Date {
    parse_date("2026-11-21").unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    enkaku::demo::seed(&mut store, day()).unwrap();
    (dir, store)
}

fn refused(result: Result<(), StoreError>, field: &str) {
    match result {
        Err(StoreError::Rejected(text)) => assert!(text.starts_with(field), "{text}"),
        other => panic!("expected a refusal naming {field}: {other:?}"),
    }
}

#[test]
fn a_visit_record_or_instructions_that_cannot_be_right_are_refused_and_nothing_is_written() {
    let (_dir, mut store) = demo();
    let before = store.patient("p-0022").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let mut impossible = NursingVisit::new("nv-1", day(), "ns-ito");
    impossible.vitals.insert(Vital::Spo2, 101.0);
    refused(
        store.save_nursing_visit("ns-ito", "p-0022", &impossible, "nursing.vitals"),
        "vitals",
    );
    let mut backwards = NursingVisit::new("nv-1", day(), "ns-ito");
    backwards.arrived_at = Some(now);
    backwards.left_at = Some(now - time::Duration::minutes(5));
    refused(
        store.save_nursing_visit("ns-ito", "p-0022", &backwards, "nursing.leave"),
        "left_at",
    );
    let mut photo = NursingVisit::new("nv-1", day(), "ns-ito");
    photo.photos.push("../../etc/passwd".into());
    refused(
        store.save_nursing_visit("ns-ito", "p-0022", &photo, "nursing.photo"),
        "photos",
    );
    let mut instructions = NursingInstructions {
        id: "ni-1".into(),
        doctor: "dr-sato".into(),
        valid_from: day(),
        valid_to: day().previous_day().unwrap(),
        observe: "浮腫".into(),
        report: String::new(),
        thresholds: BTreeMap::new(),
        written_at: now,
    };
    refused(
        store.save_nursing_instructions("dr-sato", "p-0022", &instructions),
        "valid_to",
    );
    instructions.valid_to = day();
    instructions.thresholds.insert(
        Vital::Pulse,
        Limits {
            min: Some(100.0),
            max: Some(50.0),
        },
    );
    refused(
        store.save_nursing_instructions("dr-sato", "p-0022", &instructions),
        "thresholds",
    );
    // A request without a reason is refused before anything is written.
    let mut request = NursingVisit::new("nv-2", day(), "ns-ito");
    request.request = Some(enkaku::domain::ConsultRequest {
        by: "ns-ito".into(),
        at: now,
        reason: "  ".into(),
    });
    refused(
        store
            .request_consult(
                "ns-ito",
                "demo-clinic",
                day(),
                "q-07",
                "p-0022",
                &request,
                now,
            )
            .map(|_| ()),
        "reason",
    );
    assert_eq!(store.patient("p-0022").unwrap(), before, "nothing written");
}

#[test]
fn a_patient_moved_to_another_team_takes_the_visits_not_yet_begun() {
    let (_dir, mut store) = demo();
    let tomorrow = day().next_day().unwrap();
    let entry: QueueEntry = serde_json::from_value(serde_json::json!({
        "id": "q-next", "patient_id": "p-0022", "time": "10:00",
        "visit": "home_nursing", "status": "reserved"
    }))
    .unwrap();
    assert!(
        store
            .add_queue_entry("fd-suzuki", "demo-clinic", tomorrow, &entry)
            .unwrap()
    );
    // Yesterday's visit stays where it was held.
    let yesterday = day().previous_day().unwrap();
    let past = QueueEntry {
        id: "q-past".into(),
        ..entry.clone()
    };
    store
        .add_queue_entry("fd-suzuki", "demo-clinic", yesterday, &past)
        .unwrap();
    let team = |store: &mut Store, d, t: &str| -> Vec<String> {
        store
            .team_day("demo-clinic", d, t)
            .unwrap()
            .map(|q| {
                q.entries
                    .values()
                    .filter(|e| e.patient_id == "p-0022")
                    .map(|e| e.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(team(&mut store, day(), "team-kita"), ["q-07"]);

    let moved = store
        .assign_care_team("fd-suzuki", "p-0022", Some("team-minami"), day())
        .unwrap();
    assert_eq!(moved, 2, "today's and tomorrow's visits");
    assert!(team(&mut store, day(), "team-kita").is_empty());
    assert_eq!(team(&mut store, day(), "team-minami"), ["q-07"]);
    assert_eq!(team(&mut store, tomorrow, "team-minami"), ["q-next"]);
    assert_eq!(team(&mut store, yesterday, "team-kita"), ["q-past"]);
    // The board still finds today's visit, with its status, on its new queue.
    let row = store
        .queue_rows(day())
        .unwrap()
        .into_iter()
        .find(|r| r.entry_id == "q-07")
        .expect("the visit on the board");
    assert_eq!(row.status, QueueStatus::Reserved);
    // Back to the clinic's own queue.
    let moved = store
        .assign_care_team("fd-suzuki", "p-0022", None, day())
        .unwrap();
    assert_eq!(moved, 2);
    let clinic_day = store.queue_day("demo-clinic", day()).unwrap().unwrap();
    assert!(clinic_day.entries.contains_key("q-07"));
}
