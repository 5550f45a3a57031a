//! Sync that no one document and no size of clinic can stop, between the real client and the
//! real server on port 0: a document the device cannot read is set aside and the rest syncs on.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use automerge::ActorId;
use automerge::transaction::Transactable;
use enkaku::domain::Role;
use enkaku::protocol::{DocKind, genesis};
use enkaku::store::{DocId, Store};
use enkaku::sync::client::{Device, Http, enroll, sync_once};
use enkaku_sync_server::testing::{Admin, TestServer};

const DAY: &str = "2026-11-21";

fn enkaku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run enkaku")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every document of a store as JSON, by id.
fn export(store: &mut Store) -> BTreeMap<String, serde_json::Value> {
    store
        .doc_ids()
        .unwrap()
        .into_iter()
        .map(|id| (id.to_string(), store.read_json(&id, &[]).unwrap()))
        .collect()
}

/// A store in `dir`, enrolled with the server (and seeded with the demo clinic when `demo`).
fn device(dir: &Path, admin: &Admin, clinic: &str, role: Role, url: &str, demo: bool) -> Device {
    let mut store = Store::open_dir(dir).unwrap();
    if demo {
        enkaku::demo::seed(&mut store, enkaku::domain::parse_date(DAY).unwrap()).unwrap();
    }
    let mut http = Http::new(Duration::from_secs(60)).expect("HTTP transport");
    let code = admin.code(clinic, role, None);
    enroll(&store, dir, url, &code, &mut http).expect("enrol")
}

#[test]
fn a_document_the_device_cannot_read_is_set_aside_and_the_rest_syncs_on() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔クリニック");
    let server = TestServer::start(server_dir.path());

    // A server without the shape check accepted a nurse's `patient/poison`.
    let mut poison = genesis(DocKind::Patient, &ActorId::from(&[7u8; 16][..])).unwrap();
    poison
        .transact(|tx| tx.put(automerge::ROOT, "demographics", 42))
        .unwrap();
    admin.seed_document(&clinic, "patient/poison", poison.save(), None);

    // The front desk uploads the clinic.
    let desk_dir = tempfile::tempdir().unwrap();
    let desk = device(
        desk_dir.path(),
        &admin,
        &clinic,
        Role::FrontDesk,
        &server.url,
        true,
    );
    let mut desk_store = Store::open_dir(desk_dir.path()).unwrap();
    let mut http = Http::new(Duration::from_secs(60)).unwrap();
    sync_once(&mut desk_store, &desk, &mut http).unwrap();

    // A doctor's first sync: it succeeds, says what it set aside, and brings the rest.
    let doctor_dir = tempfile::tempdir().unwrap();
    device(
        doctor_dir.path(),
        &admin,
        &clinic,
        Role::Doctor,
        &server.url,
        false,
    );
    let out = enkaku(doctor_dir.path(), &["sync"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let said = text(&out.stdout);
    assert!(
        said.contains("set aside 1 documents that cannot be read: patient/poison"),
        "{said}"
    );
    let mut doctor_store = Store::open_dir(doctor_dir.path()).unwrap();
    let set_aside = doctor_store.quarantined().unwrap();
    assert_eq!(set_aside.len(), 1);
    assert_eq!(set_aside[0].doc_id, "patient/poison");
    assert!(
        set_aside[0].reason.contains("demographics"),
        "{set_aside:?}"
    );
    let kept = doctor_store
        .quarantined_bytes(&DocId::parse("patient/poison").unwrap())
        .unwrap()
        .expect("the bytes are kept");
    assert_eq!(
        automerge::Automerge::load(&kept).unwrap().get_heads(),
        poison.get_heads()
    );
    assert!(
        !doctor_store
            .exists(&DocId::parse("patient/poison").unwrap())
            .unwrap()
    );
    assert_eq!(export(&mut doctor_store), export(&mut desk_store));
    drop(doctor_store);

    // The next sync advances: an edit at the front desk arrives.
    desk_store
        .update_demographics("staff-desk", "p-0001", |d| d.phone = "03-0000-0001".into())
        .unwrap();
    sync_once(&mut desk_store, &desk, &mut http).unwrap();
    let out = enkaku(doctor_dir.path(), &["sync"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut doctor_store = Store::open_dir(doctor_dir.path()).unwrap();
    assert_eq!(export(&mut doctor_store), export(&mut desk_store));
    server.stop();
}

/// Synthetic patients on top of the demo clinic: enough that the first upload, in one request,
/// was refused (413) and that a first download took more than one session.
const LARGE_CLINIC: usize = 6_500;

#[test]
fn a_first_sync_of_a_large_clinic_goes_in_batches_up_and_down() {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔クリニック");
    let server = TestServer::start(server_dir.path());

    let desk_dir = tempfile::tempdir().unwrap();
    device(
        desk_dir.path(),
        &admin,
        &clinic,
        Role::FrontDesk,
        &server.url,
        true,
    );
    {
        let mut store = Store::open_dir(desk_dir.path()).unwrap();
        enkaku::demo::add_synthetic(&mut store, LARGE_CLINIC).unwrap();
    }
    let out = enkaku(desk_dir.path(), &["sync"]);
    assert!(
        out.status.success(),
        "upload: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let mut desk_store = Store::open_dir(desk_dir.path()).unwrap();
    assert!(
        desk_store.dirty_docs().unwrap().is_empty(),
        "everything went up"
    );

    let doctor_dir = tempfile::tempdir().unwrap();
    device(
        doctor_dir.path(),
        &admin,
        &clinic,
        Role::Doctor,
        &server.url,
        false,
    );
    let out = enkaku(doctor_dir.path(), &["sync"]);
    assert!(
        out.status.success(),
        "download: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("syncing more…"),
        "progress is shown: {}",
        text(&out.stderr)
    );
    let mut doctor_store = Store::open_dir(doctor_dir.path()).unwrap();
    let desk = export(&mut desk_store);
    assert!(desk.len() > LARGE_CLINIC, "{} documents", desk.len());
    assert_eq!(export(&mut doctor_store), desk);
    server.stop();
}
