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

/// The child of the kill test (this test binary run again with only this function selected):
/// edits until killed, printing `committed N` after each edit returns. On its own (no store
/// given) it refuses to run, hence `ignore`.
#[test]
#[ignore = "the writer process of the kill test; started by it"]
fn crash_child_writer() {
    let dir = std::env::var(CHILD_ENV).expect("run by the kill test, which sets the store");
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
                "--ignored",
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
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let committed = |line: &str| {
            line.trim()
                .strip_prefix("committed ")
                .and_then(|n| n.parse::<u64>().ok())
        };
        let mut reported: Vec<u64> = Vec::new();
        // Most kills land among the edits: the random moment counts from the child's first
        // report, so a loaded machine that is slow to start the child still tests edits. Every
        // fourth kill counts from the spawn instead, and may land while the store opens.
        let among_edits = round % 4 != 0;
        if among_edits {
            let mut line = String::new();
            while out.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(n) = committed(&line) {
                    reported.push(n);
                    break;
                }
                line.clear();
            }
            assert!(
                !reported.is_empty(),
                "round {round}: the child ended before its first edit"
            );
        }
        std::thread::sleep(Duration::from_millis(moments.next_ms()));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reported.extend(
            out.lines()
                .map_while(Result::ok)
                .filter_map(|l| committed(&l)),
        );
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
    eprintln!("{total_reported} reported edits checked over 60 kills");
}
