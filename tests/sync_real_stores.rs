//! The server with Enkaku's own client and stores: a demo store uploads its clinic, a second
//! store enrolled into the same clinic receives all of it, and an edit moves in a few hundred
//! bytes.

use std::time::Duration;

use enkaku::domain::Role;
use enkaku::store::Store;
use enkaku::sync::client::{Http, enroll, sync_once};
use enkaku_sync_server::testing::{Admin, TestServer};

#[test]
fn enkaku_stores_converge_through_the_server() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔クリニック");
    let server = TestServer::start(server_dir.path());
    let mut http = Http::new(Duration::from_secs(30)).expect("HTTP transport");

    let desk_dir = tempfile::tempdir().unwrap();
    let mut desk = Store::open_dir(desk_dir.path()).unwrap();
    let day = enkaku::domain::parse_date("2026-11-21").unwrap();
    enkaku::demo::seed(&mut desk, day).unwrap();
    let code = admin.code(&clinic, Role::FrontDesk, None);
    let desk_device = enroll(&desk, desk_dir.path(), &server.url, &code, &mut http).unwrap();
    let up = sync_once(&mut desk, &desk_device, &mut http).unwrap();
    eprintln!("upload: {up:?}");

    let doctor_dir = tempfile::tempdir().unwrap();
    let mut doctor = Store::open_dir(doctor_dir.path()).unwrap();
    let code = admin.code(&clinic, Role::Doctor, None);
    let doctor_device = enroll(&doctor, doctor_dir.path(), &server.url, &code, &mut http).unwrap();
    let down = sync_once(&mut doctor, &doctor_device, &mut http).unwrap();
    eprintln!("provision: {down:?}");

    let ids = desk.doc_ids().unwrap();
    assert!(!ids.is_empty());
    assert_eq!(doctor.doc_ids().unwrap(), ids);
    for id in &ids {
        assert_eq!(doctor.heads(id).unwrap(), desk.heads(id).unwrap(), "{id}");
    }

    // One field on one patient.
    let patient = ids
        .iter()
        .find(|id| id.patient_id().is_some())
        .unwrap()
        .clone();
    let patient_id = patient.patient_id().unwrap().to_string();
    desk.assign_care_team(
        "",
        &patient_id,
        Some("north"),
        enkaku::domain::parse_date("2026-11-21").unwrap(),
    )
    .unwrap();
    let edit_up = sync_once(&mut desk, &desk_device, &mut http).unwrap();
    let edit_down = sync_once(&mut doctor, &doctor_device, &mut http).unwrap();
    eprintln!("edit up: {edit_up:?}\nedit down: {edit_down:?}");
    assert_eq!(
        doctor.heads(&patient).unwrap(),
        desk.heads(&patient).unwrap()
    );
    assert_eq!(
        edit_up.round_trips, 1,
        "an edit goes up in one round trip: {edit_up:?}"
    );
    assert!(edit_up.body_bytes_up < 600, "{edit_up:?}");
    assert_eq!(edit_down.round_trips, 1);
    assert!(edit_down.body_bytes_down < 600, "{edit_down:?}");
    let idle = sync_once(&mut doctor, &doctor_device, &mut http).unwrap();
    eprintln!("idle: {idle:?}");
    assert!(idle.body_bytes_up + idle.body_bytes_down < 64, "{idle:?}");
    server.stop();
}

/// The device's HTTP client reports the status a refusal carried, even while it was still
/// sending a large body, never "the server cannot be reached"; `sync_once` turns 401 into
/// "enrol again".
#[test]
fn the_client_reports_the_refusal_it_was_given() {
    use enkaku::sync::client::{Device, SyncError, Transport};
    let server_dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(server_dir.path());
    let mut http = Http::new(Duration::from_secs(30)).expect("HTTP transport");
    let url = format!("{}{}", server.url, enkaku::protocol::SYNC_PATH);
    let unknown = format!("Bearer {}", "0".repeat(64));
    for size in [1, 1024 * 1024, 4 * 1024 * 1024] {
        let answer = http
            .post(&url, &[("authorization", unknown.clone())], vec![7; size])
            .unwrap_or_else(|e| panic!("{size} bytes: {e}"));
        assert_eq!(answer.status, 401, "{size} bytes");
    }
    let store_dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(store_dir.path()).unwrap();
    let day = enkaku::domain::parse_date("2026-11-21").unwrap();
    enkaku::demo::seed(&mut store, day).unwrap();
    let stranger = Device {
        server: server.url.clone(),
        token: "0".repeat(64),
        device_id: "d-nobody".into(),
        clinic_id: "c-nobody".into(),
        role: "doctor".into(),
        care_team: None,
    };
    // The whole demo clinic goes up in the first request, and is refused as a whole.
    assert!(matches!(
        sync_once(&mut store, &stranger, &mut http),
        Err(SyncError::Unauthorized)
    ));
    server.stop();
}
