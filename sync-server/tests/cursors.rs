//! Cursors over a real server on port 0: a device of one clinic learns nothing of the writes of
//! another from the cursors it is given or from the cursors it presents, and a cursor the server
//! did not give it (one of an older server, another device's, a guess) costs a full and correct
//! resync, never an error.

mod common;

use std::collections::HashMap;

use common::{Admin, Client, Device, TestServer};
use enkaku::domain::Role;
use enkaku::protocol::{SyncRequest, SyncResponse};
use enkaku_sync_server::Storage;

/// What a device can tell from a response: which documents it brought, whether more wait, and
/// the cursor — by which earlier cursor it equals (the values themselves are the server's to
/// choose, and a test run cannot make random ones agree).
#[derive(Debug, Default)]
struct Observer {
    seen: HashMap<u64, usize>,
    log: Vec<String>,
}

impl Observer {
    fn name(&mut self, cursor: u64) -> String {
        if cursor == 0 {
            return "0".into();
        }
        let next = self.seen.len();
        format!("#{}", self.seen.entry(cursor).or_insert(next))
    }

    fn record(&mut self, what: &str, presented: u64, response: &SyncResponse) {
        let mut docs: Vec<&str> = response.messages.iter().map(|m| m.doc.as_str()).collect();
        docs.sort();
        let cursor = if response.cursor == presented && presented != 0 {
            "same as presented".to_string()
        } else {
            self.name(response.cursor)
        };
        self.log.push(format!(
            "{what}: cursor {cursor}, more {}, docs {docs:?}",
            response.more
        ));
    }
}

/// One device's view of a day on which another clinic on the same server writes `other_writes`
/// documents before, between and after this clinic's own writes; probing included.
fn observe(other_writes: usize) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic_a = admin.clinic("A");
    let clinic_b = admin.clinic("B");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut a = Device::enroll(&client, &admin.code(&clinic_a, Role::FrontDesk, None), 1);
    let mut b = Device::enroll(&client, &admin.code(&clinic_b, Role::FrontDesk, None), 2);
    let mut seen = Observer::default();
    let b_writes = |b: &mut Device, round: usize| {
        for i in 0..other_writes {
            b.create(
                &format!("patient/b{round}-{i}"),
                &[("name", "other clinic")],
            );
        }
        b.sync(&client);
    };

    b_writes(&mut b, 0);
    let first = a.exchange(&client);
    seen.record("first exchange", 0, &first);
    a.create("patient/a1", &[("name", "一")]);
    a.create("patient/a2", &[("name", "二")]);
    let presented = a.cursor;
    let wrote = a.exchange(&client);
    seen.record("own writes", presented, &wrote);
    b_writes(&mut b, 1);
    let presented = a.cursor;
    let idle = a.check_in(&client);
    seen.record("idle check-in", presented, &idle);
    let mut other = Device::enroll(&client, &admin.code(&clinic_a, Role::Doctor, None), 3);
    other.create("patient/a3", &[("name", "三")]);
    other.sync(&client);
    b_writes(&mut b, 2);
    let presented = a.cursor;
    let news = a.check_in(&client);
    seen.record("another device's write", presented, &news);
    let kept = a.cursor;

    // Probing: cursors the device was not given, small and large, and its own moved by one. A
    // fresh device of the clinic probes too, so that what it is sent shows.
    let mut probes: Vec<u64> = (1..=12).collect();
    probes.extend([
        50,
        100,
        1 << 20,
        u64::MAX,
        kept.wrapping_sub(1),
        kept.wrapping_add(1),
    ]);
    for probe in probes {
        let fresh = Device::enroll(&client, &admin.code(&clinic_a, Role::Doctor, None), 9);
        let request = SyncRequest {
            cursor: probe,
            messages: vec![],
        };
        let reply = client.sync_raw(&fresh.token, &request);
        assert_eq!(reply.status, 200, "probe {probe}");
        seen.record("probe by a fresh device", probe, &reply.sync_response());
        let reply = client.sync_raw(&a.token, &request);
        assert_eq!(reply.status, 200, "probe {probe}");
        seen.record("probe", probe, &reply.sync_response());
        // The device's stored cursor still works after any probe.
        let request = SyncRequest {
            cursor: kept,
            messages: vec![],
        };
        let reply = client.sync_raw(&a.token, &request).sync_response();
        seen.record("own cursor after a probe", kept, &reply);
        admin
            .storage
            .revoke_device(&fresh.enrolled.device_id, 1)
            .unwrap();
    }
    server.stop();
    seen.log
}

#[test]
fn a_device_learns_nothing_of_another_clinics_writes_from_cursors() {
    let quiet = observe(0);
    let busy = observe(13);
    for (i, (q, b)) in quiet.iter().zip(&busy).enumerate() {
        assert_eq!(
            q, b,
            "observation {i} differs with the other clinic's writes"
        );
    }
    assert_eq!(quiet.len(), busy.len());
}

#[test]
fn a_cursor_the_server_never_gave_costs_a_full_correct_resync() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut desk = Device::enroll(&client, &admin.code(&clinic, Role::FrontDesk, None), 1);
    for i in 0..5 {
        desk.create(&format!("patient/p{i}"), &[("name", "患者")]);
    }
    desk.sync(&client);
    // A device that kept a cursor of an older server (a sequence number), or another device's.
    for stale in [3, desk.cursor] {
        let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 2);
        doctor.cursor = stale;
        doctor.sync(&client);
        assert_eq!(doctor.docs.len(), 5, "stale cursor {stale}");
        for i in 0..5 {
            let id = format!("patient/p{i}");
            assert_eq!(doctor.heads(&id), desk.heads(&id), "{id}");
        }
        admin
            .storage
            .revoke_device(&doctor.enrolled.device_id, 1)
            .unwrap();
    }
    server.stop();
}
