//! The home-care team's field day over a real server on port 0: the nurse's laptop is enrolled
//! for her team and signs her in from the team's roster (it never receives the clinic
//! document); with the server stopped she records ten visits with vitals and notes and one
//! request for a D to P with N through her screens; when the link returns one sync through the
//! fault-injecting proxy carries the day up; the doctor's store shows the records and the
//! request; the doctor signs; the nurse's next sync brings the signature; both stores hold the
//! same team documents.

mod common;

#[path = "common/faults.rs"]
mod faults;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use common::app::{App, test_day, test_now};
use enkaku::domain::{Encounter, QueueEntry, QueueStatus, Role, VisitKind};
use enkaku::store::{DocId, Store};
use enkaku::sync::client::{Device, Http, enroll, sync_once};
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::Screen;
use enkaku_sync_server::testing::{Admin, TestServer};
use faults::Proxy;
use ratatui::crossterm::event::KeyCode;

const NURSE: &str = "ns-ito";
const TEAM: &str = "team-kita";

/// Syncs until the session goes through; a link that cuts exchanges may take a few tries, and
/// none of them may lose anything.
fn sync_through(store: &mut Store, device: &Device, http: &mut Http, tries: usize) -> usize {
    for attempt in 1..=tries {
        match sync_once(store, device, http) {
            Ok(_) => return attempt,
            Err(e) => eprintln!("sync attempt {attempt}: {e}"),
        }
    }
    panic!("no sync went through in {tries} attempts");
}

/// The team's documents, as JSON, from a store.
fn team_docs(store: &mut Store) -> BTreeMap<String, serde_json::Value> {
    store
        .doc_ids()
        .unwrap()
        .into_iter()
        .filter(|id| {
            let s = id.as_str();
            s.starts_with("team/") || s.ends_with(&format!("/{TEAM}")) || s.starts_with("patient/")
        })
        .map(|id| (id.to_string(), store.read_json(&id, &[]).unwrap()))
        .collect()
}

/// Seven more of the team's visits today, so that the day has ten.
fn more_visits(store: &mut Store) {
    let patients = [
        "p-0022", "p-0023", "p-0024", "p-0025", "p-0026", "p-0023", "p-0026",
    ];
    for (i, patient) in patients.iter().enumerate() {
        let entry: QueueEntry = serde_json::from_value(serde_json::json!({
            "id": format!("q-hc-{i}"), "patient_id": patient,
            "time": format!("{:02}:00", 13 + i / 2), "visit": "home_nursing",
            "status": "reserved", "source": "phone"
        }))
        .unwrap();
        assert!(
            store
                .add_queue_entry("fd-suzuki", "demo-clinic", test_day(), &entry)
                .unwrap()
        );
    }
}

fn record_visit(a: &mut App, i: usize) {
    a.state.nursing.selected = 0;
    for _ in 0..i {
        a.key(KeyCode::Down);
    }
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Visit);
    a.key(KeyCode::Char('a'));
    a.key(KeyCode::Char('b'));
    for (n, value) in ["128", "74", &format!("{}", 70 + i), "36.6", "96"]
        .iter()
        .enumerate()
    {
        if n > 0 {
            a.key(KeyCode::Down);
        }
        a.type_text(value);
    }
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('e'));
    a.type_text(&format!("訪問{}件目: 全身状態安定、清拭実施", i + 1));
    a.key(KeyCode::Enter);
    if i == 0 {
        a.key(KeyCode::Char('r'));
        a.type_text("下腿浮腫の増悪、医師の診察を依頼");
        a.key(KeyCode::Enter);
    }
    a.key(KeyCode::Char('l'));
    let status = a.state.status.clone().expect("a status");
    assert!(!status.error, "visit {i}: {}", status.text);
    a.key(KeyCode::Esc);
}

#[test]
fn a_field_day_offline_then_one_sync_carries_it_up_and_the_signature_comes_back() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔ファミリークリニック");
    let server = TestServer::start(server_dir.path());

    // The clinic's workstation: the demo clinic, seven more of the team's visits today.
    let clinic_dir = tempfile::tempdir().unwrap();
    drop(App::new(clinic_dir.path(), Lang::Ja, "true {room}"));
    let mut clinic_store = Store::open_dir(clinic_dir.path()).unwrap();
    more_visits(&mut clinic_store);
    let mut clinic_http = Http::new(Duration::from_secs(20)).unwrap();
    let code = admin.code(&clinic, Role::Doctor, None);
    let clinic_device = enroll(
        &clinic_store,
        clinic_dir.path(),
        &server.url,
        &code,
        &mut clinic_http,
    )
    .unwrap();
    sync_through(&mut clinic_store, &clinic_device, &mut clinic_http, 1);

    // The nurse's laptop, enrolled for her team: it receives the team's roster, patients and
    // queues, never the clinic document.
    let nurse_dir = tempfile::tempdir().unwrap();
    let mut nurse_http = Http::new(Duration::from_secs(20)).unwrap();
    let nurse_device = {
        let mut store = Store::open_dir(nurse_dir.path()).unwrap();
        let code = admin.code(&clinic, Role::Nurse, Some(TEAM));
        let device = enroll(
            &store,
            nurse_dir.path(),
            &server.url,
            &code,
            &mut nurse_http,
        )
        .unwrap();
        sync_through(&mut store, &device, &mut nurse_http, 1);
        assert!(store.clinic().unwrap().is_none(), "no clinic document");
        assert!(store.exists(&DocId::team(TEAM).unwrap()).unwrap());
        let patients: Vec<String> = store
            .doc_ids()
            .unwrap()
            .into_iter()
            .filter_map(|id| id.patient_id().map(str::to_string))
            .collect();
        assert_eq!(
            patients,
            ["p-0022", "p-0023", "p-0024", "p-0025", "p-0026"],
            "the team's patients only"
        );
        device
    };

    // The link goes: the server stops for the whole field day.
    server.stop();

    // Meanwhile at the clinic the doctor writes new instructions for a patient the nurse is
    // visiting: a concurrent edit of the same patient document.
    let instructions = enkaku::domain::NursingInstructions {
        id: "ni-hc".into(),
        doctor: "dr-sato".into(),
        valid_from: test_day(),
        valid_to: test_day().next_day().unwrap(),
        observe: "下腿浮腫と体重".into(),
        report: "体重 2kg 以上の増加".into(),
        thresholds: BTreeMap::new(),
        written_at: test_now(),
    };
    clinic_store
        .save_nursing_instructions("dr-sato", "p-0022", &instructions)
        .unwrap();

    let mut a = App::reopen(nurse_dir.path(), Lang::Ja, "true {room}");
    a.sign_in(NURSE);
    assert_eq!(a.state.screen, Screen::Visits);
    assert_eq!(a.state.nursing.visits.len(), 10, "the team's ten visits");
    for i in 0..10 {
        record_visit(&mut a, i);
    }
    // Nothing can go up, and nothing recorded is lost for it.
    let refused = sync_once(&mut a.worker.store, &nurse_device, &mut nurse_http);
    assert!(refused.is_err(), "the server is down");
    let waiting = a.worker.store.dirty_docs().unwrap().len();
    assert!(waiting >= 6, "records wait to go up: {waiting}");
    drop(a);

    // The link returns, poor: one sync through the fault-injecting proxy carries the day up.
    let server = TestServer::start(server_dir.path());
    let upstream: SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let proxy = Proxy::start(upstream, 0x5EED);
    let via_proxy = Device {
        server: proxy.url.clone(),
        ..nurse_device.clone()
    };
    let mut nurse_store = Store::open_dir(nurse_dir.path()).unwrap();
    let tries = sync_through(&mut nurse_store, &via_proxy, &mut nurse_http, 30);
    eprintln!(
        "the day went up in {tries} attempt(s); proxy: {:?}",
        proxy.counts()
    );
    assert!(
        nurse_store.dirty_docs().unwrap().is_empty(),
        "nothing waits"
    );

    // The doctor at the clinic sees the ten records and the request.
    let clinic_device = Device {
        server: server.url.clone(),
        ..clinic_device
    };
    sync_through(&mut clinic_store, &clinic_device, &mut clinic_http, 3);
    let mut records = 0;
    let mut requested = None;
    for p in ["p-0022", "p-0023", "p-0024", "p-0025", "p-0026"] {
        let patient = clinic_store.patient(p).unwrap();
        for v in patient.nursing_visits.values() {
            assert_eq!(v.nurse, NURSE);
            assert!(v.arrived_at.is_some() && v.left_at.is_some());
            assert_eq!(v.vitals.len(), 5);
            assert!(v.note.contains("清拭実施"), "{}", v.note);
            records += 1;
            if v.request.is_some() {
                requested = Some((p, v.queue_entry.clone().unwrap(), v.id.clone()));
            }
        }
    }
    assert_eq!(records, 10, "the day's ten records");
    // Both edits of p-0022 are kept: the doctor's instructions and the nurse's records; the
    // chart's history, read from the document, names both authors on the clinic's machine.
    let p22 = clinic_store.patient("p-0022").unwrap();
    assert!(p22.nursing_instructions.contains_key("ni-hc"));
    assert!(!p22.nursing_visits.is_empty());
    let history = clinic_store
        .document_history(&DocId::patient("p-0022").unwrap())
        .unwrap();
    let by = |staff: &str, action: &str| {
        history
            .iter()
            .any(|e| e.staff_id == staff && e.action == action)
    };
    assert!(by("dr-sato", "nursing.instructions"), "{history:?}");
    assert!(
        by(NURSE, "nursing.vitals") && by(NURSE, "nursing.note"),
        "{history:?}"
    );
    let (patient_id, entry_id, visit_id) = requested.expect("the request");
    let row = clinic_store
        .queue_rows(test_day())
        .unwrap()
        .into_iter()
        .find(|r| r.entry_id == entry_id)
        .expect("the visit on the clinic's board");
    assert_eq!(row.status, QueueStatus::Waiting);
    assert_eq!(row.visit_kind, VisitKind::DToPWithN);

    // The doctor holds the D to P with N and signs it.
    let mut e = Encounter::new("en-hc-1", VisitKind::DToPWithN);
    e.doctor = Some("dr-sato".into());
    e.nurse = Some(NURSE.into());
    e.queue_entry = Some(entry_id.clone());
    e.nursing_visit = Some(visit_id);
    e.started_at = Some(test_now());
    e.ended_at = Some(test_now());
    e.signed_by = Some("dr-sato".into());
    e.signed_at = Some(test_now());
    clinic_store
        .sign_encounter(
            "dr-sato",
            "demo-clinic",
            patient_id,
            &e,
            Some((test_day(), &entry_id)),
        )
        .unwrap();
    sync_through(&mut clinic_store, &clinic_device, &mut clinic_http, 3);

    // The nurse's next sync brings the signature; both hold the same team documents.
    proxy.set_faulty(false);
    sync_through(&mut nurse_store, &via_proxy, &mut nurse_http, 3);
    assert!(
        nurse_store
            .patient("p-0022")
            .unwrap()
            .nursing_instructions
            .contains_key("ni-hc"),
        "the doctor's instructions reach the laptop"
    );
    let signed = nurse_store.patient(patient_id).unwrap().encounters["en-hc-1"].clone();
    let history = nurse_store
        .document_history(&DocId::patient(patient_id).unwrap())
        .unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.staff_id == "dr-sato" && e.action == "encounter.sign"),
        "the nurse's laptop names the doctor who signed: {history:?}"
    );
    assert_eq!(signed.signed_by.as_deref(), Some("dr-sato"));
    assert_eq!(signed.nursing_visit, e.nursing_visit);
    sync_through(&mut clinic_store, &clinic_device, &mut clinic_http, 3);
    let ours = team_docs(&mut nurse_store);
    assert!(
        !ours.contains_key("team/team-minami"),
        "another team's roster never reaches this laptop"
    );
    let theirs: BTreeMap<String, serde_json::Value> = team_docs(&mut clinic_store)
        .into_iter()
        .filter(|(id, _)| ours.contains_key(id))
        .collect();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (id, doc) in &ours {
        assert_eq!(Some(doc), theirs.get(id), "{id} differs");
    }
    server.stop();
}
