//! Durability under SIGKILL: a child process commits edits in a loop and reports each one after
//! its call returns; it is killed at random moments, and every reported edit must be in the
//! store when it is reopened, with the file and the audit chain intact.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use enkaku::domain::{Encounter, VisitKind};
use enkaku::store::Store;

const CHILD_ENV: &str = "ENKAKU_CRASH_CHILD_DIR";

/// Runs only as the child: edits until killed, printing `committed N` after each edit returns.
#[test]
fn crash_child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return; // not the child: nothing to do
    };
    let start: u64 = std::env::var("ENKAKU_CRASH_START")
        .unwrap()
        .parse()
        .unwrap();
    let mut store = Store::open_dir(std::path::Path::new(&dir)).unwrap();
    let mut out = std::io::stdout().lock();
    for n in start.. {
        let mut e = Encounter::new(format!("en-{n}"), VisitKind::OnlineFollowup);
        e.chief_complaint = format!("edit {n}");
        store.save_encounter("dr-crash", "p-1", &e).unwrap();
        store
            .update_demographics("dr-crash", "p-1", |d| d.phone = n.to_string())
            .unwrap();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

/// xorshift: random kill moments that are the same on every run.
struct Moments(u64);
impl Moments {
    fn next_ms(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        5 + self.0 % 120
    }
}

#[test]
fn every_reported_edit_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    Store::open_dir(dir.path())
        .unwrap()
        .add_patient("fd", &common::patient("p-1"))
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut moments = Moments(0x5eed_1234_abcd_0001);
    let mut next = 0u64;
    let mut total_reported = 0;
    for round in 0..60 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .env("ENKAKU_CRASH_START", next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(moments.next_ms()));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let reported: Vec<u64> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("committed ").and_then(|n| n.parse().ok()))
            .collect();
        total_reported += reported.len();

        let mut store = Store::open_dir(dir.path()).unwrap();
        store.integrity_check().unwrap();
        let p = store.patient("p-1").unwrap();
        let id = enkaku::store::DocId::patient("p-1").unwrap();
        let from_doc: enkaku::domain::Patient = store.read(&id, &[]).unwrap().unwrap();
        assert_eq!(
            p, from_doc,
            "round {round}: read model and document disagree"
        );
        for n in &reported {
            let e = p.encounters.get(&format!("en-{n}"));
            assert!(
                e.is_some(),
                "round {round}: edit {n} was reported committed but is missing"
            );
            assert_eq!(e.unwrap().chief_complaint, format!("edit {n}"));
        }
        if let Some(last) = reported.last() {
            // The kill may land after the next phone edit committed but before it was reported.
            let phone: u64 = p.demographics.phone.parse().unwrap();
            assert!(
                phone == *last || phone == last + 1,
                "round {round}: phone {phone}, last reported {last}"
            );
        }
        assert!(
            store.verify_audit().unwrap().is_ok(),
            "round {round}: audit chain broken"
        );
        // The next child continues after everything that may have landed, reported or not.
        next = p.encounters.len() as u64 + 1_000_000 * (round + 1);
    }
    assert!(
        total_reported > 50,
        "the children committed too little to test anything: {total_reported}"
    );
}
