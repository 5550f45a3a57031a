//! The server end to end on port 0: health, enrolment, tokens, sync between devices, paging,
//! scope (clinic and care team), restart, TLS and the admin CLI.

mod common;

use std::process::Command;

use automerge::sync::{Message, SyncDoc};
use common::{Admin, Client, Device, TestServer, stored_heads};
use enkaku::domain::Role;
use enkaku::protocol::{DocMessage, HEALTH_PATH, SYNC_PATH, SyncRequest};

#[test]
fn health_answers_ok() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path());
    let reply = Client::new(&server.url).get(HEALTH_PATH);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, b"ok");
    assert_eq!(Client::new(&server.url).get("/nothing").status, 404);
    assert_eq!(Client::new(&server.url).get(SYNC_PATH).status, 405);
    server.stop();
}

#[test]
fn an_enrolment_code_works_once_and_binds_the_actor() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("遠隔クリニック");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);

    let code = admin.code(&clinic, Role::Nurse, Some("north"));
    // Retyped in lower case with spaces: the same code.
    let retyped = code.to_lowercase().replace('-', " ");
    let device = Device::enroll(&client, &retyped, 1);
    assert_eq!(device.enrolled.clinic_id, clinic);
    assert_eq!(device.enrolled.role, "nurse");
    assert_eq!(device.enrolled.care_team.as_deref(), Some("north"));
    assert_eq!(device.token.len(), 43);

    // Used once: the same code again is refused, for any actor.
    let again = client.enroll_raw(&code, &"22".repeat(16));
    assert_eq!(again.status, 403);
    assert!(!String::from_utf8_lossy(&again.body).contains("token"));
    assert_eq!(
        client
            .enroll_raw("0000-0000-0000-0000", &"22".repeat(16))
            .status,
        403
    );

    // Only the hash of the token is stored.
    let devices = admin.storage_devices();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].actor, "01".repeat(16));
    assert_ne!(hex::encode(devices[0].token_hash), device.token);

    // Another device cannot take the same actor while the first holds it.
    let second = admin.code(&clinic, Role::Doctor, None);
    assert_eq!(client.enroll_raw(&second, &"01".repeat(16)).status, 409);
    // Malformed requests and the reserved genesis actor are refused and leave the code usable.
    assert_eq!(client.enroll_raw(&second, "not hex").status, 400);
    assert_eq!(client.enroll_raw(&second, &"00".repeat(16)).status, 400);
    assert_eq!(
        client
            .post("/v1/enroll", &[("content-type", "application/json")], b"{")
            .status,
        400
    );
    let doctor = Device::enroll(&client, &second, 2);
    assert_eq!(doctor.enrolled.care_team, None);
    server.stop();
}

#[test]
fn missing_wrong_and_revoked_tokens_get_401() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let device = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    let idle = SyncRequest::default();

    assert_eq!(client.sync_raw(&device.token, &idle).status, 200);
    let last = if device.token.ends_with('A') {
        'B'
    } else {
        'A'
    };
    let wrong = format!("{}{last}", &device.token[..42]);
    assert_eq!(client.sync_raw(&wrong, &idle).status, 401);
    assert_eq!(client.sync_raw("", &idle).status, 401);
    let frame = idle.encode();
    let no_auth = client.post(
        SYNC_PATH,
        &[("content-type", enkaku::protocol::FRAME_CONTENT_TYPE)],
        &frame,
    );
    assert_eq!(no_auth.status, 401);
    assert_eq!(no_auth.header("www-authenticate"), Some("Bearer"));
    let basic = format!("Basic {}", device.token);
    let basic = client.post(
        SYNC_PATH,
        &[
            ("authorization", basic.as_str()),
            ("content-type", enkaku::protocol::FRAME_CONTENT_TYPE),
        ],
        &frame,
    );
    assert_eq!(basic.status, 401);

    enkaku_sync_server::admin::revoke_device(&admin.storage, &device.enrolled.device_id, 1)
        .unwrap();
    assert_eq!(client.sync_raw(&device.token, &idle).status, 401);
    server.stop();
}

#[test]
fn devices_converge_and_an_idle_check_in_is_a_few_dozen_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut desk = Device::enroll(&client, &admin.code(&clinic, Role::FrontDesk, None), 1);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);

    desk.create("clinic", &[("name", "遠隔クリニック")]);
    desk.create("patient/p1", &[("name", "山田")]);
    desk.create("queue/c1/2026-11-21", &[("note", "am")]);
    desk.sync(&client);
    doctor.sync(&client);
    for doc in ["clinic", "patient/p1", "queue/c1/2026-11-21"] {
        assert_eq!(doctor.heads(doc), desk.heads(doc), "{doc}");
    }
    assert_eq!(doctor.field("patient/p1", "name").as_deref(), Some("山田"));

    // The same field edited on both devices at once: both converge on one value.
    desk.edit("patient/p1", &[("name", "山田 太郎")]);
    doctor.edit(
        "patient/p1",
        &[("name", "山田 花子"), ("allergy", "ペニシリン")],
    );
    desk.sync(&client);
    doctor.sync(&client);
    desk.sync(&client);
    assert_eq!(desk.heads("patient/p1"), doctor.heads("patient/p1"));
    assert_eq!(
        desk.field("patient/p1", "name"),
        doctor.field("patient/p1", "name")
    );
    assert_eq!(
        desk.field("patient/p1", "allergy").as_deref(),
        Some("ペニシリン")
    );

    // In sync: an idle check-in is one tiny request and one tiny response.
    let idle = SyncRequest {
        cursor: desk.cursor,
        messages: vec![],
    };
    let reply = client.sync_raw(&desk.token, &idle);
    let response = reply.sync_response();
    assert!(response.messages.is_empty() && !response.more);
    assert_eq!(response.cursor, desk.cursor);
    assert!(idle.encode().len() <= 16, "{}", idle.encode().len());
    assert!(reply.body.len() <= 16, "{}", reply.body.len());
    server.stop();
}

#[test]
fn an_edit_reaches_a_device_that_acknowledged_as_one_change_not_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 1);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);
    nurse.create("patient/p1", &[("name", "山田"), ("note", "初診")]);
    nurse.sync(&client);
    doctor.sync(&client);

    nurse.edit("patient/p1", &[("note", "再診")]);
    nurse.sync(&client);
    // The doctor's next check-in carries exactly the one new change, in one request.
    let response = doctor.exchange(&client);
    assert_eq!(response.messages.len(), 1);
    let message = Message::decode(&response.messages[0].message).unwrap();
    assert_eq!(message.changes.len(), 1);
    assert!(!common::carries_whole_document(
        &response.messages[0].message
    ));
    assert_eq!(doctor.field("patient/p1", "note").as_deref(), Some("再診"));
    assert_eq!(doctor.heads("patient/p1"), nurse.heads("patient/p1"));
    server.stop();
}

#[test]
fn concurrent_writers_to_one_document_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut first = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    first.create("patient/p1", &[("name", "山田")]);
    first.sync(&client);
    let writers: Vec<_> = (2..6u8)
        .map(|actor| {
            let mut device =
                Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), actor);
            let client = client.clone();
            std::thread::spawn(move || {
                device.sync(&client);
                for round in 0..8 {
                    let key = format!("k{actor}-{round}");
                    device.edit("patient/p1", &[(key.as_str(), "x")]);
                    device.exchange(&client);
                }
                device
            })
        })
        .collect();
    let mut devices: Vec<Device> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    devices.push(first);
    for device in &mut devices {
        device.sync(&client);
    }
    for device in &mut devices {
        device.sync(&client);
    }
    for device in &devices {
        assert_eq!(device.heads("patient/p1"), devices[0].heads("patient/p1"));
        for actor in 2..6 {
            for round in 0..8 {
                let key = format!("k{actor}-{round}");
                assert_eq!(
                    device.field("patient/p1", &key).as_deref(),
                    Some("x"),
                    "{key}"
                );
            }
        }
    }
    let stored = admin.document(&clinic, "patient/p1").unwrap();
    assert_eq!(stored_heads(&stored), devices[0].heads("patient/p1"));
    server.stop();
}

#[test]
fn a_device_that_only_presents_its_cursor_gets_only_new_changes() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 1);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);
    nurse.create("patient/p1", &[("name", "山田"), ("note", "初診")]);
    nurse.sync(&client);

    // The doctor never answers a message: its cursor is its acknowledgement.
    let first = doctor.check_in(&client);
    assert!(common::carries_whole_document(&first.messages[0].message));
    nurse.edit("patient/p1", &[("note", "再診")]);
    nurse.sync(&client);
    let second = doctor.check_in(&client);
    assert_eq!(second.messages.len(), 1);
    assert!(!common::carries_whole_document(&second.messages[0].message));
    assert_eq!(doctor.heads("patient/p1"), nurse.heads("patient/p1"));

    // A response that never arrived is not acknowledged: the same cursor gets it again.
    nurse.edit("patient/p1", &[("note", "往診")]);
    nurse.sync(&client);
    let lost = SyncRequest {
        cursor: doctor.cursor,
        messages: vec![],
    };
    let _ = client.sync_raw(&doctor.token, &lost).sync_response();
    let again = doctor.check_in(&client);
    assert_eq!(again.messages.len(), 1);
    assert_eq!(doctor.field("patient/p1", "note").as_deref(), Some("往診"));
    assert!(doctor.check_in(&client).messages.is_empty());
    server.stop();
}

#[test]
fn a_fresh_device_pages_through_many_documents() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut first = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    for i in 0..250 {
        first.create(&format!("patient/p{i:03}"), &[("name", "患者")]);
    }
    first.sync(&client);

    let mut fresh = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);
    let page = fresh.exchange(&client);
    assert!(page.more);
    assert_eq!(page.messages.len(), 200);
    let page = fresh.exchange(&client);
    assert!(!page.more);
    assert_eq!(fresh.docs.len(), 250);
    fresh.sync(&client);
    for (id, doc) in &first.docs {
        assert_eq!(fresh.heads(id), doc.get_heads(), "{id}");
    }
    server.stop();
}

#[test]
fn a_device_of_another_clinic_learns_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic_a = admin.clinic("A");
    let clinic_b = admin.clinic("B");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut a = Device::enroll(&client, &admin.code(&clinic_a, Role::Doctor, None), 1);
    let mut b = Device::enroll(&client, &admin.code(&clinic_b, Role::Doctor, None), 2);
    a.create("clinic", &[("name", "A")]);
    a.create("patient/p1", &[("name", "秘密")]);
    a.sync(&client);
    let before = admin.document(&clinic_a, "patient/p1").unwrap();

    // Guessing: the same opening message for an id that exists in A and one that exists nowhere.
    let hello = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap()
        .encode();
    let ask = |doc: &str| SyncRequest {
        cursor: 0,
        messages: vec![DocMessage {
            doc: doc.into(),
            message: hello.clone(),
        }],
    };
    let existing = client.sync_raw(&b.token, &ask("patient/p1"));
    let absent = client.sync_raw(&b.token, &ask("patient/p-nobody"));
    assert_eq!(existing.status, absent.status);
    let (existing, absent) = (existing.sync_response(), absent.sync_response());
    assert_eq!(existing.cursor, absent.cursor);
    assert_eq!(existing.more, absent.more);
    assert_eq!(existing.messages.len(), 1);
    assert_eq!(existing.messages[0].message, absent.messages[0].message);

    // B writing to "patient/p1" writes B's own document, never A's.
    b.create("patient/p1", &[("name", "B's")]);
    b.sync(&client);
    assert!(b.docs.keys().all(|d| d == "patient/p1"));
    assert_eq!(b.field("patient/p1", "name").as_deref(), Some("B's"));
    let after = admin.document(&clinic_a, "patient/p1").unwrap();
    assert_eq!(after, before);
    a.sync(&client);
    assert_eq!(a.field("patient/p1", "name").as_deref(), Some("秘密"));
    assert_eq!(a.docs.len(), 2);
    server.stop();
}

#[test]
fn a_care_team_device_sees_and_writes_only_its_teams_patients() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    doctor.create("clinic", &[("name", "A")]);
    doctor.create("queue/c1/2026-11-21", &[("note", "am")]);
    doctor.create("patient/n1", &[("name", "北"), ("care_team", "north")]);
    doctor.create("patient/s1", &[("name", "南"), ("care_team", "south")]);
    doctor.create("patient/u1", &[("name", "無所属")]);
    doctor.sync(&client);

    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, Some("north")), 2);
    nurse.sync(&client);
    assert_eq!(nurse.docs.keys().collect::<Vec<_>>(), vec!["patient/n1"]);

    // Asking for another team's patient is the same as asking for nobody.
    let hello = automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap()
        .encode();
    let ask = |doc: &str| SyncRequest {
        cursor: nurse.cursor,
        messages: vec![DocMessage {
            doc: doc.into(),
            message: hello.clone(),
        }],
    };
    let south = client
        .sync_raw(&nurse.token, &ask("patient/s1"))
        .sync_response();
    let nobody = client
        .sync_raw(&nurse.token, &ask("patient/nobody"))
        .sync_response();
    assert_eq!(south, {
        let mut n = nobody.clone();
        n.messages[0].doc = "patient/s1".into();
        n
    });
    let clinic_doc = client
        .sync_raw(&nurse.token, &ask("clinic"))
        .sync_response();
    assert_eq!(clinic_doc.messages[0].message, nobody.messages[0].message);

    // Writing into another team's patient: no reply, no trace.
    let before = admin.document(&clinic, "patient/s1").unwrap();
    let mut forged = common::genesis(enkaku::protocol::DocKind::Patient);
    forged.set_actor(nurse.actor.clone());
    forged
        .transact(|tx| {
            automerge::transaction::Transactable::put(tx, automerge::ROOT, "care_team", "north")
        })
        .unwrap();
    let push = |doc: &automerge::Automerge, id: &str, cursor: u64| {
        let mut state = automerge::sync::State::new();
        // A first message carries no changes; pretend the server asked for everything.
        state.their_heads = Some(vec![]);
        state.their_need = Some(vec![]);
        state.their_have = Some(vec![automerge::sync::Have::default()]);
        SyncRequest {
            cursor,
            messages: vec![DocMessage {
                doc: id.into(),
                message: doc.generate_sync_message(&mut state).unwrap().encode(),
            }],
        }
    };
    let reply = client
        .sync_raw(&nurse.token, &push(&forged, "patient/s1", nurse.cursor))
        .sync_response();
    assert!(reply.messages.iter().all(|m| m.doc != "patient/s1"));
    assert_eq!(admin.document(&clinic, "patient/s1").unwrap(), before);

    // Creating a patient for another team (or none) is dropped the same way.
    let mut other_team = common::genesis(enkaku::protocol::DocKind::Patient);
    other_team.set_actor(nurse.actor.clone());
    other_team
        .transact(|tx| {
            automerge::transaction::Transactable::put(tx, automerge::ROOT, "care_team", "south")
        })
        .unwrap();
    let reply = client
        .sync_raw(&nurse.token, &push(&other_team, "patient/s2", nurse.cursor))
        .sync_response();
    assert!(reply.messages.is_empty());
    assert!(admin.document(&clinic, "patient/s2").is_none());

    // Its own team's new patient is kept, and reaches the clinic-wide doctor.
    nurse.create("patient/n2", &[("name", "新患"), ("care_team", "north")]);
    nurse.sync(&client);
    assert_eq!(
        admin
            .document(&clinic, "patient/n2")
            .unwrap()
            .care_team
            .as_deref(),
        Some("north")
    );
    doctor.sync(&client);
    assert_eq!(doctor.field("patient/n2", "name").as_deref(), Some("新患"));

    // A later edit of another team's patient never reaches the nurse.
    doctor.edit("patient/s1", &[("note", "south only")]);
    doctor.edit("patient/n1", &[("note", "north")]);
    doctor.sync(&client);
    nurse.sync(&client);
    assert_eq!(
        nurse.docs.keys().collect::<Vec<_>>(),
        vec!["patient/n1", "patient/n2"]
    );
    assert_eq!(nurse.field("patient/n1", "note").as_deref(), Some("north"));

    // The team's roster reaches the team's device, not another team's; the device cannot
    // write it (its changes are dropped without a trace).
    doctor.create("team/north", &[("care_team", "north"), ("team_name", "北")]);
    doctor.create("team/south", &[("care_team", "south"), ("team_name", "南")]);
    doctor.sync(&client);
    nurse.sync(&client);
    assert!(nurse.docs.contains_key("team/north"));
    assert!(!nurse.docs.contains_key("team/south"));
    let before = admin.document(&clinic, "team/north").unwrap();
    nurse.edit("team/north", &[("team_name", "乗っ取り")]);
    nurse.sync(&client);
    assert_eq!(admin.document(&clinic, "team/north").unwrap(), before);
    doctor.sync(&client);
    assert_eq!(
        doctor.field("team/north", "team_name").as_deref(),
        Some("北")
    );
    server.stop();
}

#[test]
fn a_restarted_server_keeps_documents_tokens_and_sync_state() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 1);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);
    nurse.create("patient/p1", &[("name", "山田"), ("note", "初診")]);
    nurse.sync(&client);
    doctor.sync(&client);
    let stored = admin.document(&clinic, "patient/p1").unwrap();
    server.stop();

    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    assert_eq!(
        stored_heads(&admin.document(&clinic, "patient/p1").unwrap()),
        stored_heads(&stored)
    );
    nurse.edit("patient/p1", &[("note", "再診")]);
    nurse.sync(&client);
    // The doctor's acknowledged state survived: one change moves, not the document.
    let response = doctor.exchange(&client);
    assert_eq!(response.messages.len(), 1);
    assert_eq!(
        Message::decode(&response.messages[0].message)
            .unwrap()
            .changes
            .len(),
        1
    );
    assert!(!common::carries_whole_document(
        &response.messages[0].message
    ));
    assert_eq!(doctor.heads("patient/p1"), nurse.heads("patient/p1"));
    server.stop();
}

#[test]
fn tls_serves_with_the_given_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut settings = enkaku_sync_server::Settings::new(dir.path());
    settings.tls = Some(enkaku_sync_server::TlsFiles {
        cert: fixtures.join("server.pem"),
        key: fixtures.join("server.key"),
    });
    let server = TestServer::start_with(settings, "https");
    let ca = std::fs::read(fixtures.join("ca.pem")).unwrap();
    let ca = ureq::tls::Certificate::from_pem(&ca).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]))
                .build(),
        )
        .build()
        .into();
    let reply = Client::with_agent(&server.url, agent).get(HEALTH_PATH);
    assert_eq!(reply.status, 200);
    // Plain HTTP to the TLS port gets no answer.
    let plain = format!("http://127.0.0.1:{}{HEALTH_PATH}", server.port());
    assert!(
        ureq::Agent::new_with_defaults()
            .get(&plain)
            .call()
            .map(|r| r.status() != 200)
            .unwrap_or(true)
    );
    server.stop();

    let mut bad = enkaku_sync_server::Settings::new(dir.path());
    bad.tls = Some(enkaku_sync_server::TlsFiles {
        cert: fixtures.join("missing.pem"),
        key: fixtures.join("server.key"),
    });
    let error = enkaku_sync_server::server::tls_config(bad.tls.as_ref().unwrap()).unwrap_err();
    assert!(error.to_string().contains("missing.pem"), "{error}");
}

fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_enkaku-sync-server"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim().to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn the_admin_cli_adds_clinics_issues_codes_lists_and_revokes_devices() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, clinic, _) = cli(dir.path(), &["clinic", "add", "遠隔クリニック"]);
    assert!(ok);
    assert!(clinic.starts_with("c-"), "{clinic}");
    let (ok, code, stderr) = cli(
        dir.path(),
        &[
            "enroll",
            "--clinic",
            &clinic,
            "--role",
            "nurse",
            "--care-team",
            "north",
        ],
    );
    assert!(ok, "{stderr}");
    assert_eq!(code.len(), 19, "{code}");
    assert!(stderr.contains("expires"), "{stderr}");
    let (ok, _, stderr) = cli(
        dir.path(),
        &["enroll", "--clinic", &clinic, "--role", "janitor"],
    );
    assert!(!ok && stderr.contains("unknown role"), "{stderr}");
    let (ok, _, stderr) = cli(
        dir.path(),
        &["enroll", "--clinic", "c-nope", "--role", "doctor"],
    );
    assert!(!ok && stderr.contains("no clinic"), "{stderr}");

    let server = TestServer::start(dir.path());
    let device = Device::enroll(&Client::new(&server.url), &code, 7);
    let id = device.enrolled.device_id.clone();
    let (ok, list, _) = cli(dir.path(), &["device", "list"]);
    assert!(ok);
    assert!(list.contains(&id) && list.contains("north") && list.contains(&"07".repeat(16)));
    assert!(!list.contains(&device.token));
    let (ok, out, _) = cli(dir.path(), &["device", "revoke", &id]);
    assert!(ok, "{out}");
    let (_, json, _) = cli(dir.path(), &["device", "list", "--json"]);
    let row: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(row["id"], id.as_str());
    assert!(row["revoked"].is_string());
    assert_eq!(
        Client::new(&server.url)
            .sync_raw(&device.token, &SyncRequest::default())
            .status,
        401
    );
    let (ok, _, stderr) = cli(dir.path(), &["device", "revoke", "d-nope"]);
    assert!(!ok && stderr.contains("no device"), "{stderr}");
    server.stop();
}

#[test]
fn the_binary_logs_json_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_enkaku-sync-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The server says which free port it bound.
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let url = format!("{base}{HEALTH_PATH}");
    let up = (0..100).any(|_| {
        let ok = ureq::get(&url).call().is_ok_and(|r| r.status() == 200);
        if !ok {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        ok
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(up, "server never answered: {stderr}");
    assert!(killed.success());
    assert!(output.status.success(), "{stderr}");
    let messages: Vec<String> = stderr
        .lines()
        .map(|line| {
            let json: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            json["fields"]["message"].as_str().unwrap_or("").to_string()
        })
        .collect();
    for expected in ["serving", "shutting down", "stopped"] {
        assert!(
            messages.iter().any(|m| m == expected),
            "{expected}: {stderr}"
        );
    }
    assert!(dir.path().join("enkaku-sync.sqlite3").exists());
}
