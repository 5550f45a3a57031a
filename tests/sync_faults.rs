//! Faults between Enkaku's real client and the real server: a proxy that cuts connections
//! mid-request and mid-response and delays packets, and a server killed (SIGKILL) and restarted
//! mid-sync. Nothing may be lost: every edit arrives, the stores converge, and the server keeps
//! serving.
//!
//! Both tests are driven by seeded xorshift generators; set `FAULTS_SEED` to replay or explore
//! another schedule (the seed in use is printed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use automerge::{ChangeHash, ReadDoc};
use enkaku::domain::{Patient, Role};
use enkaku::store::{DocId, Store};
use enkaku::sync::client::{
    Answer, Device, Http, SyncError, SyncReport, Transport, enroll, sync_once,
};
use enkaku_sync_server::testing::{Admin, TestServer, stored_heads};

#[path = "common/faults.rs"]
mod faults;

use faults::{Proxy, Rng};

fn seed(default: u64) -> u64 {
    match std::env::var("FAULTS_SEED") {
        Ok(s) => s.trim().parse().expect("FAULTS_SEED must be an integer"),
        Err(_) => default,
    }
}

// ---------------------------------------------------------------------------------------------
// Devices and what they hold

/// A real store, enrolled, with its own HTTP agent.
struct Dev {
    name: &'static str,
    _dir: tempfile::TempDir,
    store: Store,
    device: Device,
    http: Http,
}

impl Dev {
    /// Opens a store (seeded with the demo clinic when `demo`) and enrols it directly with the
    /// server; sessions name the address they go through.
    fn enroll(
        name: &'static str,
        admin: &Admin,
        clinic: &str,
        role: Role,
        server: &str,
        demo: bool,
    ) -> Dev {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_dir(dir.path()).unwrap();
        if demo {
            let day = enkaku::domain::parse_date("2026-11-21").unwrap();
            enkaku::demo::seed(&mut store, day).unwrap();
        }
        let mut http = Http::new(Duration::from_secs(20)).expect("HTTP transport");
        let code = admin.code(clinic, role, None);
        let device = enroll(&store, dir.path(), server, &code, &mut http).expect("enrol");
        Dev {
            name,
            _dir: dir,
            store,
            device,
            http,
        }
    }

    /// This device's credentials with another server address (a proxy, a restarted server).
    fn via(&self, url: &str) -> Device {
        Device {
            server: url.to_string(),
            ..self.device.clone()
        }
    }

    fn sync_via(&mut self, url: &str) -> Result<SyncReport, SyncError> {
        let device = self.via(url);
        sync_once(&mut self.store, &device, &mut self.http)
    }

    /// Every document as JSON.
    fn export(&mut self) -> BTreeMap<String, serde_json::Value> {
        let ids = self.store.doc_ids().unwrap();
        ids.iter()
            .map(|id| (id.to_string(), self.store.read_json(id, &[]).unwrap()))
            .collect()
    }

    fn all_heads(&mut self) -> BTreeMap<String, Vec<ChangeHash>> {
        let ids = self.store.doc_ids().unwrap();
        ids.iter()
            .map(|id| {
                let mut heads = self.store.heads(id).unwrap();
                heads.sort();
                (id.to_string(), heads)
            })
            .collect()
    }
}

/// The first document whose value differs between two exports, for a readable failure.
fn first_difference(
    a: &BTreeMap<String, serde_json::Value>,
    b: &BTreeMap<String, serde_json::Value>,
) -> String {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        if a.get(k) != b.get(k) {
            return format!(
                "{k}:\n  {}\n  {}",
                a.get(k).map_or("absent".into(), |v| v.to_string()),
                b.get(k).map_or("absent".into(), |v| v.to_string())
            );
        }
    }
    "none".into()
}

/// `GET /healthz` over a plain socket: the body when the server answers 200 within 2 s.
fn healthz(url: &str) -> Option<String> {
    let addr: SocketAddr = url.strip_prefix("http://")?.parse().ok()?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_string())
}

// ---------------------------------------------------------------------------------------------
// 1. Through a fault-injecting proxy

/// One edit a device made, and the change that carries it.
#[derive(Debug, Clone)]
struct Edit {
    device: usize,
    doc: DocId,
    path: Vec<&'static str>,
    value: String,
    change: ChangeHash,
    /// The field every device writes (same patient, same field).
    contested: bool,
}

const PHONE: [&str; 2] = ["demographics", "phone"];
const ADDRESS: [&str; 2] = ["demographics", "address"];
/// The patient whose address all three devices edit.
const CONTESTED: &str = "p-0020";

/// The only change at the head of `doc` right after this device's edit: the edit itself.
fn last_change(store: &mut Store, doc: &DocId) -> ChangeHash {
    let heads = store.heads(doc).unwrap();
    assert_eq!(heads.len(), 1, "a local edit leaves a single head");
    heads[0]
}

#[derive(Clone, Copy, Debug)]
enum EditKind {
    /// The phone of one of the device's own patients: device d edits p-(5d+1) .. p-(5d+5).
    Own,
    /// The address of the patient everyone edits.
    Contested,
    /// A new patient registered on this device.
    Register,
}

impl EditKind {
    fn random(rng: &mut Rng) -> EditKind {
        match rng.below(10) {
            0..5 => EditKind::Own,
            5..8 => EditKind::Contested,
            _ => EditKind::Register,
        }
    }
}

/// Makes one edit of `kind` on device `d`; `None` when it does not hold the patient yet.
fn make_edit(
    devs: &mut [Dev],
    d: usize,
    kind: EditKind,
    rng: &mut Rng,
    counter: &mut usize,
    demo: &[Patient],
) -> Option<Edit> {
    *counter += 1;
    let dev = &mut devs[d];
    let value = format!("{}-{}", dev.name, counter);
    let staff = format!("staff-{}", dev.name);
    match kind {
        EditKind::Own => {
            let patient = &demo[5 * d + rng.below(5)];
            let doc = DocId::patient(&patient.id).unwrap();
            if !dev.store.exists(&doc).unwrap() {
                return None;
            }
            dev.store
                .update_demographics(&staff, &patient.id, |d| d.phone = value.clone())
                .unwrap();
            Some(Edit {
                device: d,
                change: last_change(&mut dev.store, &doc),
                doc,
                path: PHONE.to_vec(),
                value,
                contested: false,
            })
        }
        EditKind::Contested => {
            let doc = DocId::patient(CONTESTED).unwrap();
            if !dev.store.exists(&doc).unwrap() {
                return None;
            }
            dev.store
                .update_demographics(&staff, CONTESTED, |d| d.address = value.clone())
                .unwrap();
            Some(Edit {
                device: d,
                change: last_change(&mut dev.store, &doc),
                doc,
                path: ADDRESS.to_vec(),
                value,
                contested: true,
            })
        }
        EditKind::Register => {
            let mut patient = demo[rng.below(demo.len())].clone();
            patient.id = format!("p-{}-{}", dev.name, counter);
            patient.demographics.phone = value.clone();
            dev.store.add_patient(&staff, &patient).unwrap();
            let doc = DocId::patient(&patient.id).unwrap();
            Some(Edit {
                device: d,
                change: last_change(&mut dev.store, &doc),
                doc,
                path: PHONE.to_vec(),
                value,
                contested: false,
            })
        }
    }
}

#[test]
fn edits_arrive_and_stores_converge_through_a_proxy_that_cuts_and_delays() {
    let started = Instant::now();
    let seed = seed(0x5EED_F00D);
    eprintln!("proxy test seed {seed} (FAULTS_SEED to replay)");
    let mut rng = Rng::new(seed);

    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("障害クリニック");
    let server = TestServer::start(server_dir.path());
    let upstream: SocketAddr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = Proxy::start(upstream, seed ^ 0xA5A5_A5A5);
    let demo = enkaku::demo::patients().unwrap();
    assert!(demo.len() >= 20);

    // The front desk holds the demo clinic and enrols first; the doctors start empty.
    let mut devs = vec![Dev::enroll(
        "desk",
        &admin,
        &clinic,
        Role::FrontDesk,
        &server.url,
        true,
    )];
    devs.push(Dev::enroll(
        "doctor",
        &admin,
        &clinic,
        Role::Doctor,
        &server.url,
        false,
    ));
    devs.push(Dev::enroll(
        "doctor2",
        &admin,
        &clinic,
        Role::Doctor,
        &server.url,
        false,
    ));

    let mut edits: Vec<Edit> = Vec::new();
    let mut counter = 0;
    // Before anything syncs, each doctor registers a patient offline.
    for d in 1..devs.len() {
        let edit = make_edit(
            &mut devs,
            d,
            EditKind::Register,
            &mut rng,
            &mut counter,
            &demo,
        )
        .expect("a new patient");
        edits.push(edit);
    }
    let mut retry: Option<usize> = None;
    let (mut ok, mut failed) = (0, 0);
    // The desk's first session (its upload) goes through the faults like any other.
    let mut next = Some(0);
    for session in 0..50 {
        if session == 20 || session == 35 {
            // Everyone edits the contested field and one of their own patients at the same
            // time, before any of them syncs again.
            for d in 0..devs.len() {
                for kind in [EditKind::Own, EditKind::Contested] {
                    if let Some(edit) = make_edit(&mut devs, d, kind, &mut rng, &mut counter, &demo)
                    {
                        edits.push(edit);
                    }
                }
            }
        }
        let d = match retry.take().or(next.take()) {
            Some(d) => d,
            None => {
                let d = rng.below(devs.len());
                for _ in 0..rng.range(0, 2) {
                    let kind = EditKind::random(&mut rng);
                    if let Some(edit) = make_edit(&mut devs, d, kind, &mut rng, &mut counter, &demo)
                    {
                        edits.push(edit);
                    }
                }
                d
            }
        };
        match devs[d].sync_via(&proxy.url) {
            Ok(report) => {
                ok += 1;
                eprintln!("session {session} {}: ok {report:?}", devs[d].name);
            }
            Err(e) => {
                failed += 1;
                eprintln!("session {session} {}: {e}", devs[d].name);
                assert!(
                    matches!(e, SyncError::Unreachable(_)),
                    "a cut connection must look like an unreachable server, not {e:?} (seed {seed})"
                );
                // Try again at once, as the background sync does after its backoff.
                retry = Some(d);
            }
        }
    }
    let counts = proxy.counts();
    eprintln!(
        "{ok} sessions succeeded, {failed} failed; faults {counts:?}; {} edits",
        edits.len()
    );
    assert!(
        failed >= 5,
        "the proxy must have broken sessions: {counts:?}"
    );
    assert!(ok >= 5, "some sessions must have succeeded: {counts:?}");
    for fault in ["CutRequest", "CutResponse", "Delay"] {
        assert!(counts[fault] >= 1, "no {fault}: {counts:?} (seed {seed})");
    }
    assert!(
        counts["CutRequest"] + counts["CutResponse"] >= 10,
        "too few cuts: {counts:?} (seed {seed})"
    );
    assert!(
        edits.len() >= 10,
        "too few edits were made: {}",
        edits.len()
    );
    for (d, dev) in devs.iter().enumerate() {
        assert!(
            edits.iter().any(|e| e.device == d),
            "{} made no edit (seed {seed})",
            dev.name
        );
    }
    assert!(
        edits
            .iter()
            .filter(|e| e.contested)
            .map(|e| e.device)
            .collect::<BTreeSet<_>>()
            .len()
            >= 2,
        "at least two devices must have edited the contested field (seed {seed})"
    );

    // Then a clean link: every device syncs until a whole round moves nothing.
    proxy.set_faulty(false);
    let mut quiet = false;
    for round in 1..=4 {
        let mut moved = false;
        for dev in devs.iter_mut() {
            let report = dev
                .sync_via(&proxy.url)
                .unwrap_or_else(|e| panic!("{} on a clean link: {e}", dev.name));
            eprintln!("clean round {round} {}: {report:?}", dev.name);
            moved |= report.docs_sent > 0 || report.changes_received > 0;
        }
        if !moved {
            quiet = true;
            break;
        }
    }
    assert!(
        quiet,
        "the devices did not go quiet in 3 rounds on a clean link (seed {seed})"
    );

    // Every change each device made is in every store; each device's own fields hold the last
    // value it wrote; the contested field holds one written value, the same everywhere.
    for edit in &edits {
        for dev in devs.iter_mut() {
            assert!(
                dev.store.exists(&edit.doc).unwrap(),
                "{} lacks {} ({edit:?}, seed {seed})",
                dev.name,
                edit.doc
            );
            let doc = dev.store.doc(&edit.doc).unwrap();
            assert!(
                doc.get_change_by_hash(&edit.change).is_some(),
                "{} lacks the change of {edit:?} (seed {seed})",
                dev.name
            );
        }
    }
    let mut last: BTreeMap<(DocId, Vec<&str>), &Edit> = BTreeMap::new();
    for edit in edits.iter().filter(|e| !e.contested) {
        last.insert((edit.doc.clone(), edit.path.clone()), edit);
    }
    for ((doc, path), edit) in &last {
        for dev in devs.iter_mut() {
            let value = dev.store.read_json(doc, path).unwrap();
            assert_eq!(
                value,
                serde_json::Value::String(edit.value.clone()),
                "{} holds the wrong {doc} {path:?} (seed {seed})",
                dev.name
            );
        }
    }
    let contested = DocId::patient(CONTESTED).unwrap();
    let written: BTreeSet<String> = edits
        .iter()
        .filter(|e| e.contested)
        .map(|e| e.value.clone())
        .collect();
    let mut winners = BTreeSet::new();
    for dev in devs.iter_mut() {
        let value = dev.store.read_json(&contested, &ADDRESS).unwrap();
        let value = value.as_str().expect("a string address").to_string();
        assert!(
            written.contains(&value),
            "{} holds {value:?}, never written",
            dev.name
        );
        winners.insert(value);
    }
    assert_eq!(
        winners.len(),
        1,
        "the contested field differs: {winners:?} (seed {seed})"
    );

    // Identical exports and heads, nothing left to send.
    let exports: Vec<_> = devs.iter_mut().map(|d| d.export()).collect();
    let heads: Vec<_> = devs.iter_mut().map(|d| d.all_heads()).collect();
    assert!(exports[0].len() >= 32, "the demo clinic is there");
    for i in 1..devs.len() {
        assert_eq!(
            exports[0].keys().collect::<Vec<_>>(),
            exports[i].keys().collect::<Vec<_>>(),
            "{} and {} hold different documents (seed {seed})",
            devs[0].name,
            devs[i].name
        );
        assert!(
            exports[0] == exports[i],
            "{} and {} export differently (seed {seed}): {}",
            devs[0].name,
            devs[i].name,
            first_difference(&exports[0], &exports[i])
        );
        assert_eq!(heads[0], heads[i], "heads differ (seed {seed})");
    }
    for dev in devs.iter_mut() {
        assert_eq!(
            dev.store.dirty_docs().unwrap(),
            Vec::<DocId>::new(),
            "{} still dirty",
            dev.name
        );
    }

    assert_eq!(
        healthz(&server.url).as_deref(),
        Some("ok"),
        "the server still answers"
    );
    drop(devs);
    server.stop();
    eprintln!("proxy test took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// 2. The server killed and restarted mid-sync

/// Where [`server_process_for_the_kill_test`] finds its data directory.
const SERVE_DIR: &str = "ENKAKU_TEST_SERVE_DIR";

/// The body of the server process [`ServerProcess`] starts and kills: this test binary run
/// again with only this function selected. It serves until killed; on its own (no data
/// directory given) it refuses to run, hence `ignore`.
#[test]
#[ignore = "the server process of the kill test; started by it"]
fn server_process_for_the_kill_test() {
    let dir = std::env::var_os(SERVE_DIR).expect("run by the kill test, which sets the data dir");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            // Straight to the process's stdout: the harness captures `println!`.
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on http://{}", listener.local_addr()?)?;
            out.flush()?;
            drop(out);
            enkaku_sync_server::launch_with_listener(
                enkaku_sync_server::Settings::new(std::path::PathBuf::from(dir)),
                listener,
                std::future::pending(),
            )
            .await
        })
        .expect("server");
}

/// A sync server in its own process on 127.0.0.1:<free port>, killed with SIGKILL.
struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    fn start(data_dir: &Path, log: &Path) -> ServerProcess {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        // This test binary again, running only `server_process_for_the_kill_test`: a real
        // server in a process of its own. Port 0: it binds a free port itself and says which,
        // so no other test can take the port between a probe and the bind.
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--ignored",
                "--exact",
                "server_process_for_the_kill_test",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(SERVE_DIR, data_dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("server process starts");
        let stdout = child.stdout.take().expect("server stdout");
        // The test harness names what it runs before the server says where it listens; a server
        // that never says is given 30 s, not forever.
        let (said, heard) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = io::BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                // The harness's "test … ... " has no newline of its own, so the address may
                // share its line.
                if let Some(at) = line.find("listening on ") {
                    let _ = said.send(line[at..].to_string());
                    // Keep the pipe open for the server's life.
                    let _ = io::copy(&mut reader, &mut io::sink());
                    return;
                }
                line.clear();
            }
        });
        let line = heard
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        let Some(url) = line
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start ({line:?}); see {}", log.display());
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if healthz(&url).as_deref() == Some("ok") {
                return ServerProcess { child, url };
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "the server exited; see {}",
                log.display()
            );
            thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not answer /healthz; see {}", log.display());
    }

    /// SIGKILL: no graceful shutdown, no flush beyond what SQLite already committed.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A transport that reports each request as it starts.
struct Watched {
    inner: Http,
    started: mpsc::Sender<()>,
}

impl Transport for Watched {
    fn post(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SyncError> {
        let _ = self.started.send(());
        self.inner.post(url, headers, body)
    }
}

/// Runs one session of `dev` against `server` while another thread kills the server a random
/// few milliseconds after the session's `nth` request started (or after the session ended, when
/// it made fewer). Returns the session's outcome and how long it ran after that request
/// started.
fn sync_while_killed(
    dev: &mut Dev,
    server: &mut ServerProcess,
    nth: usize,
    delay: Duration,
) -> (Result<SyncReport, SyncError>, Duration) {
    let device = dev.via(&server.url);
    let (started, requests) = mpsc::channel();
    let mut transport = Watched {
        inner: Http::new(Duration::from_secs(30)).expect("HTTP transport"),
        started,
    };
    let store = &mut dev.store;
    thread::scope(|s| {
        let session = s.spawn(move || {
            let result = sync_once(store, &device, &mut transport);
            (result, Instant::now())
        });
        for _ in 0..=nth {
            if requests.recv_timeout(Duration::from_secs(30)).is_err() {
                break;
            }
        }
        let watched = Instant::now();
        thread::sleep(delay);
        server.kill();
        let (result, ended) = session.join().expect("the session thread");
        (result, ended.saturating_duration_since(watched))
    })
}

/// Syncs until a session sends and receives nothing; every session must succeed.
fn sync_until_quiet(dev: &mut Dev, url: &str, what: &str) -> Vec<SyncReport> {
    let mut reports = Vec::new();
    for _ in 0..8 {
        let report = dev
            .sync_via(url)
            .unwrap_or_else(|e| panic!("{what}: {} after the restart: {e}", dev.name));
        let quiet = report.docs_sent == 0 && report.changes_received == 0;
        reports.push(report);
        if quiet {
            return reports;
        }
    }
    panic!("{what}: {} did not go quiet: {reports:?}", dev.name);
}

#[test]
fn a_server_killed_mid_sync_and_restarted_loses_nothing() {
    let started = Instant::now();
    let seed = seed(0xC0FF_EE00);
    eprintln!("kill test seed {seed} (FAULTS_SEED to replay)");
    let mut rng = Rng::new(seed);

    let server_dir = tempfile::tempdir().unwrap();
    let data_dir = server_dir.path().join("data");
    let log = server_dir.path().join("server.log");
    let admin = Admin::open(&data_dir);
    let clinic = admin.clinic("再起動クリニック");
    let mut server = ServerProcess::start(&data_dir, &log);

    // The desk: the demo clinic plus 300 synthetic patients, all dirty.
    let mut desk = Dev::enroll("desk", &admin, &clinic, Role::FrontDesk, &server.url, true);
    let added = enkaku::demo::add_synthetic(&mut desk.store, 300).unwrap();
    assert_eq!(added, 300);
    let dirty = desk.store.dirty_docs().unwrap().len();
    assert!(dirty >= 330, "{dirty} dirty documents");

    // Each cycle: more local work, a session, the server killed under it, a restart.
    let mut interrupted = 0;
    // How long an uninterrupted session runs after its first request starts, measured when
    // one finishes first.
    let mut expected = Duration::from_millis(2000);
    for cycle in 0..4 {
        if cycle > 0 {
            let ids: Vec<DocId> = desk.store.doc_ids().unwrap();
            let patients: Vec<&DocId> = ids.iter().filter(|id| id.patient_id().is_some()).collect();
            for k in 0..40 {
                let id = patients[rng.below(patients.len())]
                    .patient_id()
                    .unwrap()
                    .to_string();
                desk.store
                    .update_demographics("staff-desk", &id, |d| {
                        d.phone = format!("cycle-{cycle}-{k}")
                    })
                    .unwrap();
            }
            enkaku::demo::add_synthetic(&mut desk.store, 30).unwrap();
        }
        // The kill lands anywhere in the session: before the server has read the first
        // request, while it applies and commits a few hundred documents, while the client
        // applies the answer, or in a later round.
        let nth = 0;
        let delay = if cycle == 3 && interrupted == 0 {
            // Every kill so far came too late: this one comes as the request leaves.
            Duration::ZERO
        } else {
            Duration::from_millis(rng.range(0, expected.as_millis() as u64 * 9 / 10))
        };
        let (result, took) = sync_while_killed(&mut desk, &mut server, nth, delay);
        match &result {
            Ok(report) => {
                expected = took;
                eprintln!(
                    "cycle {cycle}: kill after request {nth} + {delay:?}; finished first in {took:?}: {report:?}"
                )
            }
            Err(e) => {
                interrupted += 1;
                eprintln!(
                    "cycle {cycle}: kill after request {nth} + {delay:?}; interrupted after {took:?}: {e}"
                );
                assert!(matches!(e, SyncError::Unreachable(_)), "{e:?}");
            }
        }
        server = ServerProcess::start(&data_dir, &log);
    }
    assert!(
        interrupted >= 1,
        "no session was interrupted: the kill never landed mid-sync (seed {seed})"
    );

    // A doctor enrolled now is killed in the middle of provisioning too, then resumes.
    let mut doctor = Dev::enroll("doctor", &admin, &clinic, Role::Doctor, &server.url, false);
    let nth = rng.below(3);
    let delay = Duration::from_millis(rng.range(0, 300));
    let (result, took) = sync_while_killed(&mut doctor, &mut server, nth, delay);
    eprintln!("doctor provisioning killed after request {nth} + {delay:?} ({took:?}): {result:?}");
    if let Err(e) = &result {
        assert!(matches!(e, SyncError::Unreachable(_)), "{e:?}");
    }
    server = ServerProcess::start(&data_dir, &log);

    // After the restart both sync until quiet; the desk has nothing left to send.
    let desk_reports = sync_until_quiet(&mut desk, &server.url, "desk");
    eprintln!("desk after restarts: {desk_reports:?}");
    assert_eq!(
        desk.store.dirty_docs().unwrap(),
        Vec::<DocId>::new(),
        "the desk still has dirty documents"
    );
    let doctor_reports = sync_until_quiet(&mut doctor, &server.url, "doctor");
    eprintln!("doctor after restart: {doctor_reports:?}");

    // The server holds every document at the desk's heads.
    let desk_heads = desk.all_heads();
    assert!(
        desk_heads.len() >= 32 + 300 + 90,
        "{} documents",
        desk_heads.len()
    );
    let check_admin = Admin::open(&data_dir);
    for (id, heads) in &desk_heads {
        let stored = check_admin
            .document(&clinic, id)
            .unwrap_or_else(|| panic!("the server lost {id} (seed {seed})"));
        let mut stored = stored_heads(&stored);
        stored.sort();
        assert_eq!(
            &stored, heads,
            "the server holds {id} at other heads (seed {seed})"
        );
    }

    // A fresh device enrolled now receives every document with identical heads, as does the
    // doctor whose provisioning was killed.
    let mut fresh = Dev::enroll("fresh", &admin, &clinic, Role::Doctor, &server.url, false);
    let fresh_reports = sync_until_quiet(&mut fresh, &server.url, "fresh");
    eprintln!("fresh: {fresh_reports:?}");
    for other in [&mut fresh, &mut doctor] {
        let heads = other.all_heads();
        assert_eq!(
            heads.keys().collect::<Vec<_>>(),
            desk_heads.keys().collect::<Vec<_>>(),
            "{} holds other documents than the desk (seed {seed})",
            other.name
        );
        for (id, h) in &desk_heads {
            assert_eq!(
                &heads[id], h,
                "{} holds {id} at other heads (seed {seed})",
                other.name
            );
        }
    }
    let desk_export = desk.export();
    let fresh_export = fresh.export();
    assert!(
        desk_export == fresh_export,
        "exports differ: {}",
        first_difference(&desk_export, &fresh_export)
    );
    assert_eq!(healthz(&server.url).as_deref(), Some("ok"));
    drop(server);
    // Killed and restarted, the server never panicked nor found its database damaged.
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("\"ERROR\"")).collect();
    for line in &errors {
        eprintln!("server error: {line}");
    }
    assert!(!log.contains("panic"), "the server panicked (seed {seed})");
    assert!(
        errors.is_empty(),
        "the server logged {} errors (seed {seed})",
        errors.len()
    );
    eprintln!("kill test took {:?}", started.elapsed());
}
