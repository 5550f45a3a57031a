//! Care-team scope over a real server on port 0 and real stores: who a document belongs to
//! follows from its id and the server's own record, never from what a device writes into it. A
//! team device cannot claim the clinic's queue of a day nor another team's, and cannot move a
//! patient to another team; the front desk and the doctors can.

mod common;

use std::path::Path;
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{ActorId, ROOT};
use enkaku::domain::{Date, Role, parse_date};
use enkaku::protocol::{DocKind, genesis};
use enkaku::store::{DocId, Store};
use enkaku::sync::client::{Device, Http, SyncReport, enroll, sync_once};
use enkaku_sync_server::testing::{Admin, TestServer};

const CLINIC: &str = "demo-clinic";

fn day() -> Date {
    parse_date("2026-12-03").unwrap()
}

/// A store enrolled with `role` (and `team`), synced once.
fn device(
    admin: &Admin,
    clinic: &str,
    server: &TestServer,
    dir: &Path,
    role: Role,
    team: Option<&str>,
) -> (Store, Device, Http) {
    let mut store = Store::open_dir(dir).unwrap();
    let mut http = Http::new(Duration::from_secs(20)).unwrap();
    let code = admin.code(clinic, role, team);
    let device = enroll(&store, dir, &server.url, &code, &mut http).unwrap();
    sync_once(&mut store, &device, &mut http).unwrap();
    (store, device, http)
}

fn sync(store: &mut Store, device: &Device, http: &mut Http) -> SyncReport {
    sync_once(store, device, http).unwrap()
}

/// A queue document of `day` made by the device's own actor (as the server bound it at
/// enrolment) whose root claims `team`, merged into its store as a hostile device would make
/// it, ready to upload.
fn squat(admin: &Admin, device: &Device, store: &mut Store, id: &DocId, team: &str) {
    let enrolled = admin
        .storage_devices()
        .into_iter()
        .find(|d| d.id == device.device_id)
        .expect("the device on the server");
    let actor = ActorId::from(hex::decode(enrolled.actor).unwrap());
    let mut doc = genesis(DocKind::Queue, &actor).unwrap();
    doc.transact(|tx| {
        tx.put(ROOT, "clinic", CLINIC)?;
        tx.put(ROOT, "date", "2026-12-03")?;
        tx.put(ROOT, "care_team", team)
    })
    .unwrap();
    store.merge(id, &doc.save()).unwrap();
}

fn queue_entries(store: &mut Store, id: &DocId) -> Vec<String> {
    if !store.exists(id).unwrap() {
        return vec![];
    }
    let entries = store.read_json(id, &["entries"]).unwrap();
    let mut patients: Vec<String> = entries
        .as_object()
        .map(|m| {
            m.values()
                .filter_map(|e| e["patient_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    patients.sort();
    patients
}

/// Seeds the demo clinic into a fresh store in `dir`: the front desk's workstation.
fn seed_demo(dir: &std::path::Path) {
    let mut store = Store::open_dir(dir).unwrap();
    enkaku::demo::seed(&mut store, parse_date("2026-11-21").unwrap()).unwrap();
}

#[test]
fn a_team_device_cannot_claim_the_clinics_queue_or_another_teams() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔ファミリークリニック");
    let server = TestServer::start(server_dir.path());

    // The front desk's workstation holds the demo clinic (p-0027 is team-minami's patient,
    // p-0001 no team's).
    let desk_dir = tempfile::tempdir().unwrap();
    seed_demo(desk_dir.path());
    let (mut desk, desk_device, mut desk_http) = device(
        &admin,
        &clinic,
        &server,
        desk_dir.path(),
        Role::FrontDesk,
        None,
    );

    // A team-kita device claims the clinic's queue of a day nobody has queued yet, and
    // team-minami's, with its own team at their roots.
    let kita_dir = tempfile::tempdir().unwrap();
    let (mut kita, kita_device, mut kita_http) = device(
        &admin,
        &clinic,
        &server,
        kita_dir.path(),
        Role::Nurse,
        Some("team-kita"),
    );
    let clinic_queue = DocId::queue(CLINIC, day()).unwrap();
    let minami_queue = DocId::team_queue(CLINIC, day(), "team-minami").unwrap();
    squat(&admin, &kita_device, &mut kita, &clinic_queue, "team-kita");
    squat(&admin, &kita_device, &mut kita, &minami_queue, "team-kita");
    sync(&mut kita, &kita_device, &mut kita_http);

    // The front desk imports that day's reservations: they go on documents it opens itself.
    sync(&mut desk, &desk_device, &mut desk_http);
    let csv = desk_dir.path().join("reservations.csv");
    std::fs::write(
        &csv,
        "date,time,patient_id,visit\n\
         2026-12-03,10:00,p-0001,online_followup\n\
         2026-12-03,14:00,p-0027,home_nursing\n",
    )
    .unwrap();
    let report = enkaku::reservations::import(&mut desk, "fd-suzuki", CLINIC, &csv, day()).unwrap();
    assert_eq!(report.added.len(), 2, "{:?}", report.rejected);
    sync(&mut desk, &desk_device, &mut desk_http);
    // A new team-kita device receives neither queue; team-minami's nurse receives hers.
    let kita2_dir = tempfile::tempdir().unwrap();
    let (kita2, _, _) = device(
        &admin,
        &clinic,
        &server,
        kita2_dir.path(),
        Role::Nurse,
        Some("team-kita"),
    );
    for id in [&clinic_queue, &minami_queue] {
        assert!(
            !kita2.exists(id).unwrap(),
            "team-kita's new device got {id}"
        );
    }
    let minami_dir = tempfile::tempdir().unwrap();
    let (mut minami, _, _) = device(
        &admin,
        &clinic,
        &server,
        minami_dir.path(),
        Role::Nurse,
        Some("team-minami"),
    );
    assert_eq!(queue_entries(&mut minami, &minami_queue), ["p-0027"]);
    assert!(!minami.exists(&clinic_queue).unwrap());

    // On the server, each belongs to whom its id names.
    assert_eq!(
        admin
            .document(&clinic, minami_queue.as_str())
            .expect("team-minami's queue on the server")
            .care_team
            .as_deref(),
        Some("team-minami")
    );
    assert_eq!(
        admin
            .document(&clinic, clinic_queue.as_str())
            .expect("the clinic's queue on the server")
            .care_team,
        None
    );

    // The squatting device's later sessions still go through; it still never receives them.
    sync(&mut kita, &kita_device, &mut kita_http);
    assert!(queue_entries(&mut kita, &minami_queue).is_empty());
    assert!(queue_entries(&mut kita, &clinic_queue).is_empty());
    server.stop();
}

#[test]
fn only_a_clinic_wide_front_desk_or_doctor_moves_a_patient_to_another_team() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔ファミリークリニック");
    let server = TestServer::start(server_dir.path());
    let desk_dir = tempfile::tempdir().unwrap();
    seed_demo(desk_dir.path());
    let (mut desk, desk_device, mut desk_http) = device(
        &admin,
        &clinic,
        &server,
        desk_dir.path(),
        Role::FrontDesk,
        None,
    );
    let nurse_dir = tempfile::tempdir().unwrap();
    let (mut nurse, nurse_device, mut nurse_http) = device(
        &admin,
        &clinic,
        &server,
        nurse_dir.path(),
        Role::Nurse,
        Some("team-kita"),
    );
    let minami_dir = tempfile::tempdir().unwrap();
    let (mut minami, minami_device, mut minami_http) = device(
        &admin,
        &clinic,
        &server,
        minami_dir.path(),
        Role::Nurse,
        Some("team-minami"),
    );

    // The nurse registers a patient in her team: it is recorded as team-kita's.
    let mut patient = common::patient("p-kita-new");
    patient.care_team = Some("team-kita".into());
    nurse.add_patient("ns-ito", &patient).unwrap();
    sync(&mut nurse, &nurse_device, &mut nurse_http);
    let recorded = |admin: &Admin| {
        admin
            .document(&clinic, "patient/p-kita-new")
            .expect("the patient on the server")
            .care_team
    };
    assert_eq!(recorded(&admin).as_deref(), Some("team-kita"));

    // Then moves it to team-minami, and to the whole clinic; in the same sessions she registers
    // another patient. The moves are refused, the rest goes through.
    let before = admin.document(&clinic, "patient/p-kita-new").unwrap();
    for (target, other) in [(Some("team-minami"), "p-kita-2"), (None, "p-kita-3")] {
        nurse
            .assign_care_team("ns-ito", "p-kita-new", target, day())
            .unwrap();
        let mut other_patient = common::patient(other);
        other_patient.care_team = Some("team-kita".into());
        nurse.add_patient("ns-ito", &other_patient).unwrap();
        let report = sync(&mut nurse, &nurse_device, &mut nurse_http);
        // The refused document is not sent again and again within the session.
        assert!(report.round_trips <= 2, "{report:?}");
        assert!(
            admin.document(&clinic, "patient/p-kita-new").unwrap() == before,
            "the nurse's move to {target:?} was kept"
        );
        assert_eq!(
            admin
                .document(&clinic, &format!("patient/{other}"))
                .expect("the other patient went through")
                .care_team
                .as_deref(),
            Some("team-kita")
        );
    }
    sync(&mut minami, &minami_device, &mut minami_http);
    assert!(
        !minami
            .exists(&DocId::patient("p-kita-new").unwrap())
            .unwrap()
    );
    sync(&mut desk, &desk_device, &mut desk_http);
    assert_eq!(
        desk.read_json(&DocId::patient("p-kita-new").unwrap(), &["care_team"])
            .unwrap(),
        serde_json::json!("team-kita"),
        "the clinic sees the patient where the server recorded it"
    );

    // A clinic-wide device of a nurse may not move it either.
    let wide_dir = tempfile::tempdir().unwrap();
    let (mut wide, wide_device, mut wide_http) =
        device(&admin, &clinic, &server, wide_dir.path(), Role::Nurse, None);
    wide.assign_care_team("ns-ito", "p-kita-new", Some("team-minami"), day())
        .unwrap();
    sync(&mut wide, &wide_device, &mut wide_http);
    assert_eq!(recorded(&admin).as_deref(), Some("team-kita"));

    // The front desk moves it: the record moves, and team-minami's nurse receives the patient.
    desk.assign_care_team("fd-suzuki", "p-kita-new", Some("team-minami"), day())
        .unwrap();
    sync(&mut desk, &desk_device, &mut desk_http);
    assert_eq!(recorded(&admin).as_deref(), Some("team-minami"));
    sync(&mut minami, &minami_device, &mut minami_http);
    assert!(
        minami
            .exists(&DocId::patient("p-kita-new").unwrap())
            .unwrap()
    );
    server.stop();
}
