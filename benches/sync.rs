//! Sync benchmark: bytes on the wire (both directions, HTTP headers included) and round trips of
//! Enkaku's own client (`enkaku::sync::client`, real stores) against a real sync server on
//! 127.0.0.1, through an in-process TCP proxy that counts every byte it forwards.
//!
//! Time on a 64 kbps / 600 ms round-trip link is emulated in-process, not by delaying packets:
//! `round trips × 0.6 s + wire bytes × 8 / 64,000 s`. The real loopback time is printed beside it.
//!
//! Cases (issue 5):
//! (a) one field edited on one patient of 1,000 already in sync — target ≤ 600 B, 1 round trip;
//! (b) an idle check-in with 1,000 documents in scope — target ≤ 1 KB, 1 request;
//! (c) a field visit: the nurse's records of 10 visits across 10 patients, written with the
//!     store calls her screens make, then the sync that uploads them and pulls — target 1 round
//!     trip, ≤ 2× floor, ≤ 5 s on the link;
//! (d) a fresh nurse device provisioning a 300-patient caseload — target ≤ 1.25× floor in a few
//!     round trips.
//!
//! Floors: the Automerge changes that had to move (a, c), the documents saved compactly (d).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use enkaku::domain::{ChartNote, NursingVisit, Role, Vital};
use enkaku::store::{DocId, Store};
use enkaku::sync::client::{Device, Http, SyncReport, enroll, sync_once};
use enkaku_sync_server::admin;
use enkaku_sync_server::storage::SqliteStorage;
use enkaku_sync_server::testing::TestServer;

/// The emulated link.
const RTT_SECS: f64 = 0.6;
const LINK_BPS: f64 = 64_000.0;

// ---------------------------------------------------------------------------------------------
// The counting proxy: every byte between client and server, both directions, headers included.

#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
    connections: AtomicU64,
    recording: AtomicBool,
    recorded_up: Mutex<Vec<u8>>,
    recorded_down: Mutex<Vec<u8>>,
}

struct Proxy {
    url: String,
    counters: Arc<Counters>,
}

impl Proxy {
    fn start(target_port: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        let port = listener.local_addr().expect("proxy address").port();
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", target_port)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                c.connections.fetch_add(1, Ordering::SeqCst);
                let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else {
                    continue;
                };
                let up = c.clone();
                thread::spawn(move || pump(client, server, &up, true));
                let down = c.clone();
                thread::spawn(move || pump(server2, client2, &down, false));
            }
        });
        Proxy {
            url: format!("http://127.0.0.1:{port}"),
            counters,
        }
    }

    fn reset(&self) {
        let c = &self.counters;
        c.up.store(0, Ordering::SeqCst);
        c.down.store(0, Ordering::SeqCst);
        c.connections.store(0, Ordering::SeqCst);
    }

    /// Starts (clearing what was kept) or stops keeping the bytes that pass.
    fn record(&self, on: bool) {
        let c = &self.counters;
        if on {
            c.recorded_up.lock().unwrap().clear();
            c.recorded_down.lock().unwrap().clear();
        }
        c.recording.store(on, Ordering::SeqCst);
    }
}

/// Copies one direction, counting each chunk before it is forwarded (so the count is complete by
/// the time the other end has read it).
fn pump(mut from: TcpStream, mut to: TcpStream, counters: &Counters, upward: bool) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => {
                let (counter, recorded) = if upward {
                    (&counters.up, &counters.recorded_up)
                } else {
                    (&counters.down, &counters.recorded_down)
                };
                counter.fetch_add(n as u64, Ordering::SeqCst);
                if counters.recording.load(Ordering::SeqCst) {
                    recorded.lock().unwrap().extend_from_slice(&buf[..n]);
                }
                if to.write_all(&buf[..n]).is_err() {
                    let _ = from.shutdown(Shutdown::Both);
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement.

#[derive(Debug, Default)]
struct Measure {
    up: u64,
    down: u64,
    round_trips: usize,
    body_up: usize,
    body_down: usize,
    connections: u64,
    docs_sent: usize,
    docs_received: usize,
    sessions: usize,
    loopback: Duration,
}

impl Measure {
    fn total(&self) -> u64 {
        self.up + self.down
    }

    fn emulated(&self) -> f64 {
        self.round_trips as f64 * RTT_SECS + self.total() as f64 * 8.0 / LINK_BPS
    }

    fn add(&mut self, r: &SyncReport) {
        self.round_trips += r.round_trips;
        self.body_up += r.body_bytes_up;
        self.body_down += r.body_bytes_down;
        self.docs_sent += r.docs_sent;
        self.docs_received += r.docs_received;
        self.sessions += 1;
    }
}

/// Runs `sessions` (one or more sync sessions) with the proxy's counters reset first.
fn measure(proxy: &Proxy, sessions: impl FnOnce(&mut Measure)) -> Measure {
    proxy.reset();
    let mut m = Measure::default();
    let started = Instant::now();
    sessions(&mut m);
    m.loopback = started.elapsed();
    let c = &proxy.counters;
    m.up = c.up.load(Ordering::SeqCst);
    m.down = c.down.load(Ordering::SeqCst);
    m.connections = c.connections.load(Ordering::SeqCst);
    m
}

fn bytes(n: u64) -> String {
    if n >= 10_000 {
        format!("{:.1} KB", n as f64 / 1000.0)
    } else {
        format!("{n} B")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "MISSED" }
}

fn print_case(name: &str, m: &Measure, floor: Option<u64>, target: &str, ok: bool) {
    let ratio = match floor {
        Some(f) if f > 0 => format!("{:.2}×", m.total() as f64 / f as f64),
        _ => "n/a".into(),
    };
    let floor = match floor {
        Some(f) => bytes(f),
        None => "0 B (nothing to move)".into(),
    };
    println!(
        "{name}: wire up {} / down {} / total {} | {} round trip(s) | emulated {:.2} s (loopback {:.0} ms) | floor {} | ratio {} | target {} → {}",
        bytes(m.up),
        bytes(m.down),
        bytes(m.total()),
        m.round_trips,
        m.emulated(),
        m.loopback.as_secs_f64() * 1000.0,
        floor,
        ratio,
        target,
        verdict(ok),
    );
    println!(
        "      bodies up {} / down {} (so HTTP/1.1 headers {}), {} session(s), {} new TCP connection(s){}, docs sent {} / received {}",
        bytes(m.body_up as u64),
        bytes(m.body_down as u64),
        bytes(m.total().saturating_sub((m.body_up + m.body_down) as u64)),
        m.sessions,
        m.connections,
        if m.connections > 0 {
            " (a TCP handshake would add one more RTT on the link; not counted above)"
        } else {
            ""
        },
        m.docs_sent,
        m.docs_received,
    );
}

/// The HTTP header blocks in a recorded stream, one per message.
fn header_blocks(stream: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stream);
    let mut blocks = Vec::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find("HTTP/1.1") {
        // A request line starts before "HTTP/1.1" (POST /v1/sync HTTP/1.1); a status line at it.
        let start = rest[..at].rfind("\r\n").map(|i| i + 2).unwrap_or(0);
        let start = if rest[at..].starts_with("HTTP/1.1 ") && !rest[start..at].contains(' ') {
            at
        } else {
            start
        };
        let Some(end) = rest[at..].find("\r\n\r\n") else {
            break;
        };
        blocks.push(rest[start..at + end + 4].to_string());
        rest = &rest[at + end + 4..];
    }
    blocks
}

/// Prints the HTTP header blocks the proxy recorded (the token redacted).
fn print_heads(proxy: &Proxy) {
    let c = &proxy.counters;
    for h in header_blocks(&c.recorded_up.lock().unwrap()) {
        println!("      request head  {} B: {}", h.len(), redact(&h));
    }
    for h in header_blocks(&c.recorded_down.lock().unwrap()) {
        println!("      response head {} B: {}", h.len(), redact(&h));
    }
}

fn redact(block: &str) -> String {
    block
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("authorization:") {
                let len = l.len();
                format!("authorization: Bearer <token> ({len} bytes with the name)")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

// ---------------------------------------------------------------------------------------------
// Devices and data.

struct Client {
    store: Store,
    device: Device,
    http: Http,
    _dir: tempfile::TempDir,
}

impl Client {
    fn enrol(store: Store, dir: tempfile::TempDir, proxy: &Proxy, code: &str) -> Client {
        let mut http = Http::new(Duration::from_secs(300)).expect("HTTP transport");
        let device = enroll(&store, dir.path(), &proxy.url, code, &mut http).expect("enrol");
        Client {
            store,
            device,
            http,
            _dir: dir,
        }
    }

    fn sync(&mut self) -> SyncReport {
        sync_once(&mut self.store, &self.device, &mut self.http).expect("sync")
    }

    /// Syncs until a session moves nothing (setup only, not measured).
    fn settle(&mut self) -> usize {
        let mut trips = 0;
        for _ in 0..50 {
            let r = self.sync();
            trips += r.round_trips;
            if r.docs_sent == 0 && r.docs_received == 0 {
                return trips;
            }
        }
        panic!("sync did not settle in 50 sessions");
    }
}

fn new_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_dir(dir.path()).expect("open store");
    (store, dir)
}

fn synthetic(k: usize) -> String {
    format!("s-{k:06}")
}

/// A home-visit SOAP note of about 200 characters, different for each visit.
fn soap(i: usize) -> ChartNote {
    const SYMPTOMS: [&str; 10] = [
        "夜間の咳が増えて眠りが浅いと本人より訴えあり",
        "ここ数日食欲がなく水分摂取も少なめと家族より報告",
        "右膝の痛みで歩行時にふらつきがあると訴えあり",
        "便秘が4日続き腹部の張りを気にしている",
        "朝方に軽いめまいがあり立ち上がりに時間がかかる",
        "息切れが坂道で強くなったと本人が話す",
        "皮膚のかゆみで夜間に掻きむしる様子があると家族より",
        "物忘れが増え服薬の飲み忘れが週2回程度ある",
        "下肢のむくみが夕方に強くなると訴えあり",
        "最近転倒しかけたことが2回あったと本人より",
    ];
    const FINDINGS: [&str; 10] = [
        "肺雑音なし、SpO2 95%",
        "口腔内乾燥あり、皮膚ツルゴール低下",
        "右膝に軽度腫脹、熱感なし",
        "腸蠕動音やや減弱、圧痛なし",
        "起立時に収縮期血圧が18mmHg低下",
        "労作後SpO2 92%、安静で96%に回復",
        "体幹に掻破痕、発赤なし",
        "長谷川式 21点、前回より2点低下",
        "両下腿に圧痕性浮腫 2+",
        "室内の動線に段差とコード類あり",
    ];
    let bp_sys = 118 + (i * 7) % 30;
    let bp_dia = 68 + (i * 5) % 20;
    let pulse = 64 + (i * 3) % 20;
    let temp = 36.2 + (i % 6) as f64 * 0.1;
    let written_at = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_800 + i as i64);
    ChartNote {
        id: format!("nt-visit-{i:02}"),
        author: "ns-ito".into(),
        written_at,
        subjective: format!(
            "{}。前回訪問以降、大きな変化はないとのこと。",
            SYMPTOMS[i % 10]
        ),
        objective: format!(
            "血圧 {bp_sys}/{bp_dia} mmHg、脈拍 {pulse} 整、体温 {temp:.1}℃。{}。",
            FINDINGS[i % 10]
        ),
        assessment: format!(
            "慢性疾患は概ね安定。{}について経過観察が必要。医師とオンラインで共有済み。",
            [
                "症状",
                "脱水",
                "疼痛",
                "排便",
                "起立性低血圧",
                "呼吸状態",
                "皮膚症状",
                "認知機能",
                "浮腫",
                "転倒リスク"
            ][i % 10]
        ),
        plan: format!(
            "現処方継続。家族に水分と食事の記録を依頼。{}日後に再訪問し、悪化時は早めに連絡するよう説明した。",
            7 + i % 7
        ),
    }
}

/// The day in Japan of an instant: the day a visit is on.
fn jst_day(at: time::OffsetDateTime) -> time::Date {
    at.to_offset(time::macros::offset!(+9)).date()
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let wall = Instant::now();
    println!(
        "sync benchmark: enkaku client + enkaku-sync-server on 127.0.0.1 through a counting TCP proxy"
    );
    println!(
        "link 64 kbps / 600 ms RTT is EMULATED in-process (time = round trips × 0.6 s + wire bytes × 8 / 64,000 s); no delay is applied, the loopback time is real"
    );
    println!(
        "wire bytes = every TCP payload byte through the proxy, both directions, HTTP/1.1 headers included (no TLS, no TCP/IP headers)"
    );

    let server_dir = tempfile::tempdir().expect("temp dir");
    let storage = SqliteStorage::open(server_dir.path()).expect("server storage");
    let clinic = admin::add_clinic(&storage, "遠隔ベンチクリニック", enkaku_sync_server::now())
        .expect("clinic")
        .id;
    let code = |role: Role, team: Option<&str>| {
        admin::issue_enrolment_code(&storage, &clinic, role, team, enkaku_sync_server::now())
            .expect("code")
            .code
    };
    let server = TestServer::start(server_dir.path());
    let proxy = Proxy::start(server.port());

    // Device A: the front desk, first device of the clinic, uploads the demo clinic + 1,000.
    let t = Instant::now();
    let (mut a_store, a_dir) = new_store();
    let day = enkaku::domain::parse_date("2026-11-21").expect("date");
    enkaku::demo::seed(&mut a_store, day).expect("seed");
    enkaku::demo::add_synthetic(&mut a_store, 1000).expect("synthetic");
    let docs_a = a_store.doc_ids().expect("ids").len();
    let mut a = Client::enrol(a_store, a_dir, &proxy, &code(Role::FrontDesk, None));
    let trips = a.settle();
    println!(
        "setup: device A (front desk) uploaded {docs_a} documents in {trips} round trips ({:.1} s)",
        t.elapsed().as_secs_f64()
    );

    // Device B: a doctor's terminal on the weak link, enrolled into the clinic, fully synced.
    let t = Instant::now();
    let (b_store, b_dir) = new_store();
    let mut b = Client::enrol(b_store, b_dir, &proxy, &code(Role::Doctor, None));
    let trips = b.settle();
    let docs_b = b.store.doc_ids().expect("ids").len();
    assert_eq!(docs_b, docs_a, "B holds what A uploaded");
    println!(
        "setup: device B (doctor) received {docs_b} documents in {trips} round trips ({:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let patients_in_scope = b
        .store
        .doc_ids()
        .expect("ids")
        .iter()
        .filter(|id| id.patient_id().is_some())
        .count();
    println!();

    // (a) One field on one patient.
    let edited = synthetic(500);
    let doc = DocId::patient(&edited).expect("doc id");
    let heads_before = b.store.heads(&doc).expect("heads");
    b.store
        .update_demographics("dr-sato", &edited, |d| d.phone = "080-1234-5678".into())
        .expect("edit");
    let floor_a = b
        .store
        .changes_since(&doc, &heads_before)
        .expect("changes")
        .len() as u64;
    proxy.record(true);
    let ma = measure(&proxy, |m| m.add(&b.sync()));
    proxy.record(false);
    let ok_a = ma.total() <= 600 && ma.round_trips == 1;
    print_case(
        &format!("(a) one field on 1 of {patients_in_scope} patients"),
        &ma,
        Some(floor_a),
        "≤ 600 B in 1 round trip",
        ok_a,
    );
    print_heads(&proxy);

    // (b) Idle check-ins: nothing changed anywhere.
    proxy.record(true);
    let mb = measure(&proxy, |m| m.add(&b.sync()));
    proxy.record(false);
    let ok_b = mb.total() <= 1000 && mb.round_trips == 1;
    print_case(
        &format!("(b) idle check-in, {docs_b} docs in scope"),
        &mb,
        None,
        "≤ 1 KB in 1 request",
        ok_b,
    );
    print_heads(&proxy);
    let mb2 = measure(&proxy, |m| m.add(&b.sync()));
    print_case(
        "(b) second idle check-in",
        &mb2,
        None,
        "≤ 1 KB in 1 request",
        mb2.total() <= 1000 && mb2.round_trips == 1,
    );

    // (c) A field visit: the nurse records 10 visits across 10 patients with the store calls
    // her screens make (arrive, vitals, observations, leave: four saves a visit), then one sync.
    let mut floor_c = 0u64;
    let mut note_chars = 0usize;
    let visited: Vec<String> = (0..10).map(|i| synthetic(37 + 97 * i)).collect();
    for (i, patient) in visited.iter().enumerate() {
        let doc = DocId::patient(patient).expect("doc id");
        let heads_before = b.store.heads(&doc).expect("heads");
        let note = soap(i);
        let mut record = NursingVisit::new(
            format!("nv-visit-{i:02}"),
            jst_day(note.written_at),
            "ns-ito",
        );
        record.arrived_at = Some(note.written_at - time::Duration::minutes(40));
        let mut save = |record: &NursingVisit, action: &str| {
            b.store
                .save_nursing_visit("ns-ito", patient, record, action)
                .expect("visit record");
        };
        save(&record, "nursing.arrive");
        record.vitals = [
            (Vital::SystolicBp, 120.0 + i as f64),
            (Vital::DiastolicBp, 72.0),
            (Vital::Pulse, 68.0 + i as f64),
            (Vital::Temperature, 36.5),
            (Vital::Spo2, 97.0),
        ]
        .into_iter()
        .collect();
        save(&record, "nursing.vitals");
        record.note = format!("{} {}", note.subjective, note.objective);
        note_chars += record.note.chars().count();
        save(&record, "nursing.note");
        record.left_at = Some(note.written_at);
        save(&record, "nursing.leave");
        floor_c += b
            .store
            .changes_since(&doc, &heads_before)
            .expect("changes")
            .len() as u64;
    }
    let mc = measure(&proxy, |m| m.add(&b.sync()));
    let ok_c = mc.round_trips == 1 && mc.total() <= 2 * floor_c && mc.emulated() <= 5.0;
    print_case(
        &format!(
            "(c) field visit, 10 nurse's visit records (notes avg {} chars)",
            note_chars / 10
        ),
        &mc,
        Some(floor_c),
        "1 round trip, ≤ 2× floor, ≤ 5 s",
        ok_c,
    );

    // (d) A fresh nurse device provisioning a 300-patient caseload. The demo clinic already has
    // patients in team-kita; synthetic patients are assigned until the team has exactly 300.
    let t = Instant::now();
    let demo_in_team = enkaku::demo::patients()
        .expect("demo patients")
        .iter()
        .filter(|p| p.care_team.as_deref() == Some("team-kita"))
        .count();
    let assigned: Vec<String> = (1..=300 - demo_in_team).map(synthetic).collect();
    for p in &assigned {
        a.store
            .assign_care_team(
                "fd-suzuki",
                p,
                Some("team-kita"),
                jst_day(time::OffsetDateTime::now_utc()),
            )
            .expect("assign");
    }
    let trips = a.settle();
    let mut caseload = Vec::new();
    for id in a.store.doc_ids().expect("ids") {
        if let Some(pid) = id.patient_id()
            && a.store.patient(pid).expect("patient").care_team.as_deref() == Some("team-kita")
        {
            caseload.push(pid.to_string());
        }
    }
    println!(
        "setup (d): A assigned {} synthetic patients to team-kita (the demo clinic has {demo_in_team} there already: caseload {}) and synced ({trips} round trips, {:.1} s)",
        assigned.len(),
        caseload.len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(caseload.len(), 300, "team-kita's caseload on A");
    // What the team's device must receive: its patients and its queues of the day, each
    // naming the team at its root.
    let mut team_docs = std::collections::BTreeSet::new();
    for id in a.store.doc_ids().expect("ids") {
        if a.store.read_json(&id, &["care_team"]).expect("read") == "team-kita" {
            team_docs.insert(id.to_string());
        }
    }
    let mut floor_d = 0u64;
    for id in &team_docs {
        let doc = DocId::parse(id).expect("doc id");
        floor_d += a.store.save_doc(&doc).expect("save").len() as u64;
    }
    let (c_store, c_dir) = new_store();
    let mut c = Client::enrol(
        c_store,
        c_dir,
        &proxy,
        &code(Role::Nurse, Some("team-kita")),
    );
    let md = measure(&proxy, |m| {
        for _ in 0..20 {
            let r = c.sync();
            let received = r.docs_received;
            m.add(&r);
            if received == 0 || c.store.doc_ids().expect("ids").len() >= team_docs.len() {
                break;
            }
        }
    });
    let c_ids = c.store.doc_ids().expect("ids");
    let expected = team_docs.clone();
    let got: std::collections::BTreeSet<String> = c_ids.iter().map(|d| d.to_string()).collect();
    let exact = got == expected;
    let mut same_heads = true;
    for id in &c_ids {
        if c.store.heads(id).expect("heads") != a.store.heads(id).expect("heads") {
            same_heads = false;
        }
    }
    let ok_d = exact && md.total() as f64 <= 1.25 * floor_d as f64 && md.round_trips <= 5;
    print_case(
        "(d) fresh nurse device, 300-patient caseload",
        &md,
        Some(floor_d),
        "≤ 1.25× floor in a few (≤ 5) round trips",
        ok_d,
    );
    println!(
        "      C received {} documents: {} (expected exactly team-kita's {} patients and its queue, {} documents, nothing else); heads equal A's: {}",
        c_ids.len(),
        if exact {
            "exactly the caseload, nothing else"
        } else {
            "MISMATCH"
        },
        caseload.len(),
        expected.len(),
        same_heads
    );
    assert!(exact, "C must hold exactly its team's patients and queues");
    assert!(same_heads, "C's documents must equal A's");

    // Convergence of (a) and (c) on A (A pulled them during the (d) setup).
    let phone = a
        .store
        .patient(&edited)
        .expect("patient")
        .demographics
        .phone;
    assert_eq!(phone, "080-1234-5678", "(a)'s edit reached A");
    for (i, p) in visited.iter().enumerate() {
        let patient = a.store.patient(p).expect("patient");
        let record = patient.nursing_visits.get(&format!("nv-visit-{i:02}"));
        assert!(
            record.is_some_and(|r| r.left_at.is_some() && r.vitals.len() == 5),
            "(c)'s visit record on {p} reached A whole"
        );
    }
    println!("      check: (a)'s edit and (c)'s 10 visit records reached device A");

    println!();
    println!(
        "for scale, CouchDB/PouchDB replication (issue 5, ~5 KB patient docs): (a) 12.9 KB, (b) 5.5 KB, (c) 72 KB, (d) 249 KB"
    );
    println!(
        "this run:                                                          (a) {}, (b) {}, (c) {}, (d) {}",
        bytes(ma.total()),
        bytes(mb.total()),
        bytes(mc.total()),
        bytes(md.total())
    );
    println!(
        "targets: (a) {} (b) {} (c) {} (d) {}   [total bench time {:.1} s]",
        verdict(ok_a),
        verdict(ok_b),
        verdict(ok_c),
        verdict(ok_d),
        wall.elapsed().as_secs_f64()
    );
    server.stop();
}
