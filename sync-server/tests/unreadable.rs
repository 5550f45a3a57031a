//! One device's unreadable document never reaches the others: a change that leaves a document
//! in a shape the clinic's devices cannot read is refused whole, with 422 naming the document,
//! and every other device's sync goes on.

mod common;

use automerge::transaction::Transactable;
use common::{Admin, Client, Device, TestServer, genesis};
use enkaku::domain::Role;
use enkaku::protocol::{DocKind, SyncRequest};

#[test]
fn a_patient_whose_demographics_are_a_number_is_refused_with_422_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("遠隔クリニック");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 1);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);

    doctor.create("patient/p-1", &[("note", "first")]);
    doctor.sync(&client);
    nurse.sync(&client);
    assert!(nurse.docs.contains_key("patient/p-1"));

    // The nurse's request holds a well-formed new patient and the poisoned one.
    nurse.create("patient/fine", &[("note", "fine")]);
    let mut poison = genesis(DocKind::Patient);
    poison.set_actor(nurse.actor.clone());
    poison
        .transact(|tx| tx.put(automerge::ROOT, "demographics", 42))
        .unwrap();
    nurse.docs.insert("patient/poison".into(), poison);
    // The first round only compares heads; the changes travel once the server asks for them.
    let mut reply = None;
    for _ in 0..10 {
        let request = SyncRequest {
            cursor: nurse.cursor,
            messages: nurse.outgoing(),
        };
        let answer = client.sync_raw(&nurse.token, &request);
        if answer.status != 200 {
            reply = Some(answer);
            break;
        }
        nurse.absorb(&answer.sync_response());
    }
    let reply = reply.expect("the poisoned change is refused within 10 rounds");
    let body = String::from_utf8_lossy(&reply.body).into_owned();
    assert_eq!(reply.status, 422, "{body}");
    assert!(body.contains("patient/poison"), "{body}");
    assert!(body.contains("demographics"), "{body}");
    assert!(body.len() < 512, "a bounded message: {body}");

    // Nothing of the request is stored: not the poison, not the good document beside it.
    assert!(admin.document(&clinic, "patient/poison").is_none());
    assert!(admin.document(&clinic, "patient/fine").is_none());

    // The other devices sync on: the doctor writes and a new device receives what is readable.
    doctor.edit("patient/p-1", &[("note", "second")]);
    doctor.sync(&client);
    let mut front = Device::enroll(&client, &admin.code(&clinic, Role::FrontDesk, None), 3);
    front.sync(&client);
    assert_eq!(
        front.field("patient/p-1", "note").as_deref(),
        Some("second")
    );
    assert!(!front.docs.contains_key("patient/poison"));

    // The nurse, once the poison is gone from her requests, syncs as before (from fresh sync
    // states: those of the refused session remember changes as sent that the server never kept).
    nurse.docs.remove("patient/poison");
    nurse.states.clear();
    nurse.sync(&client);
    assert!(admin.document(&clinic, "patient/fine").is_some());
    assert_eq!(
        nurse.field("patient/p-1", "note").as_deref(),
        Some("second")
    );
    server.stop();
}
