//! Damaged server data against a real server and real SQLite files: a document whose stored
//! bytes no longer load is reported by id (at start, on `/healthz`, by `enkaku-sync-server
//! check`) and skipped by exchanges while every other document is served; a file where the
//! database should be that is empty or not SQLite stops the server from starting instead of
//! being replaced by a new, empty one.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Admin, Client, Device, TestServer};
use enkaku::domain::Role;
use enkaku_sync_server::storage::DATABASE_FILE;
use enkaku_sync_server::{SqliteStorage, StorageError};

fn check(dir: &Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_enkaku-sync-server"))
        .arg("check")
        .arg("--data-dir")
        .arg(dir)
        .output()
        .expect("run enkaku-sync-server check");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Overwrites a stored document's bytes in the database file, as a bad disk or a bad restore
/// would leave them.
fn damage(dir: &Path, doc: &str) {
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).expect("open database");
    let changed = conn
        .execute(
            "UPDATE documents SET bytes = x'8559aa3b0000ffff' WHERE doc_id = ?1",
            [doc],
        )
        .expect("damage");
    assert_eq!(changed, 1);
}

#[test]
fn a_damaged_document_is_reported_and_every_other_document_still_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let doctor_code = admin.code(&clinic, Role::Doctor, None);
    let desk_code = admin.code(&clinic, Role::FrontDesk, None);
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &doctor_code, 1);
    doctor.create("clinic", &[("name", "A")]);
    doctor.create("patient/p1", &[("name", "一")]);
    doctor.create("patient/p2", &[("name", "二")]);
    doctor.sync(&client);
    server.stop();
    let (ok, out, _) = check(dir.path());
    assert!(ok, "a sound database passes: {out}");

    damage(dir.path(), "patient/p1");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let health = client.get("/healthz");
    let body = String::from_utf8_lossy(&health.body).into_owned();
    assert!(
        body.starts_with("degraded: 1 damaged document"),
        "{} {body}",
        health.status
    );

    // A device that never synced gets everything but the damaged document.
    let mut desk = Device::enroll(&client, &desk_code, 2);
    desk.sync(&client);
    assert_eq!(desk.field("patient/p2", "name").as_deref(), Some("二"));
    assert_eq!(desk.field("clinic", "name").as_deref(), Some("A"));
    assert!(!desk.docs.contains_key("patient/p1"));

    // A device that writes to both: the sound one is kept, the damaged one is left alone.
    doctor.edit("patient/p1", &[("phone", "1")]);
    doctor.edit("patient/p2", &[("phone", "2")]);
    doctor.sync(&client);
    desk.sync(&client);
    assert_eq!(desk.field("patient/p2", "phone").as_deref(), Some("2"));
    server.stop();

    let (ok, out, err) = check(dir.path());
    assert!(!ok, "check must fail on a damaged database: {out} {err}");
    assert!(out.contains(&clinic) && out.contains("patient/p1"), "{out}");
    assert!(!out.contains("patient/p2"), "{out}");
}

#[test]
fn an_empty_or_foreign_file_where_the_database_belongs_is_refused() {
    for content in [&b""[..], b"not a database, but notes someone saved here\n"] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(DATABASE_FILE);
        std::fs::write(&file, content).unwrap();
        match SqliteStorage::open(dir.path()) {
            Err(StorageError::NotADatabase { path, .. }) => {
                assert!(path.ends_with(DATABASE_FILE), "{path}")
            }
            Err(other) => panic!("refused, but not as NotADatabase: {other}"),
            Ok(_) => panic!("a {}-byte file was opened as a database", content.len()),
        }
        assert_eq!(
            std::fs::read(&file).unwrap(),
            content,
            "the file is untouched"
        );
        let (ok, _, err) = check(dir.path());
        assert!(!ok && err.contains("not a database"), "{err}");
    }
    // No file at all is a new server.
    let dir = tempfile::tempdir().unwrap();
    assert!(SqliteStorage::open(dir.path()).is_ok());
}
