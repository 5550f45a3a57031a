//! Workstation benchmark over 10,000 synthetic patients and a 200-entry queue: prints the time from
//! start to the first frame, the render time of the queue board, and key-press-to-frame latency
//! (Down on the queue board; Enter opening a chart; a character typed into patient search), each
//! with its target (issue 4):
//! start <= 300 ms, frame <= 2 ms, key-press-to-frame p99 <= 8 ms.
//!
//! Effects run through the real `Worker` on the same thread, as the tests drive it, so the
//! figures are the work done per key, not the event loop's wait for the next poll.

use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

use enkaku::domain::{Date, QueueEntry, QueueStatus, VisitKind, parse_date};
use enkaku::drugs::DrugMaster;
use enkaku::store::Store;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Action, AppState, Effect, Screen};
use enkaku::tui::update::update;
use enkaku::tui::view::render;
use enkaku::tui::worker::Worker;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const PATIENTS: usize = 10_000;
const QUEUE: usize = 200;
const DOCTOR: &str = "dr-sato";
const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

fn day() -> Date {
    parse_date("2026-11-21").expect("date")
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .expect("instant")
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "OVER TARGET" }
}

/// The demo clinic, 10,000 synthetic patients and a 200-entry queue on the test day: the demo's
/// 15 visits plus 185 synthetic patients in every status, at five-minute slots from 08:00.
fn prepare(dir: &Path) -> usize {
    let mut store = Store::open_dir(dir).expect("open store");
    enkaku::demo::seed(&mut store, day()).expect("seed demo");
    enkaku::demo::add_synthetic(&mut store, PATIENTS).expect("synthetic patients");
    let clinic = store.clinic().expect("clinic").expect("a clinic");
    let kinds = [
        VisitKind::OnlineFollowup,
        VisitKind::OnlineInitial,
        VisitKind::InPerson,
        VisitKind::PreConsult,
        VisitKind::DToPWithN,
    ];
    let doctors = [Some("dr-sato"), Some("dr-tanaka"), Some("dr-kimura"), None];
    let existing = store.queue_rows(day()).expect("queue").len();
    for n in 0..QUEUE.saturating_sub(existing) {
        let minutes = 8 * 60 + 5 * n;
        let entry = QueueEntry {
            id: format!("qb-{n:03}"),
            patient_id: format!("s-{:06}", 1 + (n * 53) % PATIENTS),
            time: format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60),
            visit: kinds[n % kinds.len()],
            status: QueueStatus::ALL[n % QueueStatus::ALL.len()],
            doctor: doctors[n % doctors.len()].map(str::to_string),
            pre_consult_done: n % 11 == 0,
            identity_check: None,
            source: "bench".into(),
            memo: String::new(),
            cancel_reason: None,
            signed_at: None,
            payment: None,
            history: Default::default(),
            route_order: None,
            consult_request: None,
        };
        store
            .add_queue_entry("bench", &clinic.id, day(), &entry)
            .expect("queue entry");
    }
    let mut drugs = DrugMaster::open_dir(dir).expect("drug master");
    drugs.ensure_demo().expect("demo drugs");
    store.queue_rows(day()).expect("queue").len()
}

/// The workstation as the event loop holds it: state, worker, terminal.
struct Workstation {
    state: AppState,
    worker: Worker,
    terminal: Terminal<TestBackend>,
}

impl Workstation {
    /// Runs effects until none are left, feeding every action back into `update`.
    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            for action in self.worker.run(effect) {
                queue.extend(update(&mut self.state, action));
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        let effects = update(
            &mut self.state,
            Action::key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.run(effects);
    }

    fn ctrl(&mut self, c: char) {
        let effects = update(
            &mut self.state,
            Action::key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        );
        self.run(effects);
    }

    fn draw(&mut self) {
        let state = &self.state;
        self.terminal
            .draw(|f| render(state, f))
            .expect("draw a frame");
    }
}

/// Opens the store and the drug master, loads the clinic and a signed-in doctor's queue through
/// the worker, and draws the first frame of the queue board.
fn start(dir: &Path) -> Workstation {
    let store = Store::open_dir(dir).expect("open store");
    let mut drugs = DrugMaster::open_dir(dir).expect("drug master");
    drugs.ensure_demo().expect("demo drugs");
    let worker = Worker {
        store,
        drugs,
        clinic_id: String::new(),
        video_command: "true {room}".into(),
    };
    let mut ws = Workstation {
        state: AppState::new(Lang::Ja, now(), day()),
        worker,
        terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal"),
    };
    ws.run(vec![Effect::LoadClinic]);
    // Signed in already (the PIN check is not what is measured; its audit write would be).
    let doctor = ws
        .state
        .clinic
        .as_ref()
        .and_then(|c| c.staff.get(DOCTOR))
        .cloned()
        .expect("the doctor");
    ws.state.user = Some(doctor);
    ws.state.screen = Screen::Queue;
    ws.run(vec![Effect::LoadQueue { day: day() }]);
    ws.draw();
    ws
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let setup = Instant::now();
    let rows = prepare(dir.path());
    println!(
        "setup: {PATIENTS} synthetic patients + demo clinic, {rows}-entry queue on {} ({:.1} s, not measured)",
        enkaku::domain::format_date(day()),
        setup.elapsed().as_secs_f64()
    );
    assert_eq!(rows, QUEUE, "the queue has {QUEUE} entries");

    // Start to first frame: the first run finds a cold SQLite page cache in this process.
    let mut starts = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let ws = start(dir.path());
        starts.push(t.elapsed());
        assert_eq!(ws.state.queue.rows.len(), QUEUE);
    }
    let first = starts[0];
    let worst = *starts.iter().max().expect("runs");
    println!(
        "start to first frame (open store + drug master, LoadClinic, LoadQueue, draw {WIDTH}x{HEIGHT}):"
    );
    println!(
        "    first {}  median {}  max {}   (n=10; target <= 300 ms: {})",
        ms(first),
        ms(percentile(&mut starts, 0.5)),
        ms(worst),
        verdict(worst <= Duration::from_millis(300))
    );

    // Render time per frame of the 200-row queue board, the selection moving so frames differ.
    let mut ws = start(dir.path());
    let mut frames = Vec::new();
    for i in 0..500 {
        ws.state.queue.selected = (i * 7) % QUEUE;
        let t = Instant::now();
        ws.draw();
        frames.push(t.elapsed());
    }
    let p99 = percentile(&mut frames, 0.99);
    println!("queue board frame, {QUEUE} rows, {WIDTH}x{HEIGHT} (render + buffer diff, n=500):");
    println!(
        "    median {}  p99 {}  max {}   (target <= 2 ms: {})",
        ms(percentile(&mut frames, 0.5)),
        ms(p99),
        ms(*frames.last().expect("frames")),
        verdict(p99 <= Duration::from_millis(2))
    );

    // Down: key -> update -> worker effects -> frame.
    let mut downs = Vec::new();
    ws.state.queue.selected = 0;
    ws.draw();
    for _ in 0..1000 {
        if ws.state.queue.selected + 1 >= QUEUE {
            ws.state.queue.selected = 0;
            ws.draw();
        }
        let before = ws.state.queue.selected;
        let t = Instant::now();
        ws.key(KeyCode::Down);
        ws.draw();
        downs.push(t.elapsed());
        assert_eq!(ws.state.queue.selected, before + 1);
    }
    let p99 = percentile(&mut downs, 0.99);
    println!("key-press-to-frame, Down on the queue board (n=1000):");
    println!(
        "    p50 {}  p99 {}   (target p99 <= 8 ms: {})",
        ms(percentile(&mut downs, 0.5)),
        ms(p99),
        verdict(p99 <= Duration::from_millis(8))
    );

    // Enter: open the selected patient's chart (LoadChart through the worker, then the frame).
    let mut opens = Vec::new();
    for i in 0..300 {
        ws.state.queue.selected = (i * 37) % QUEUE;
        ws.draw();
        let t = Instant::now();
        ws.key(KeyCode::Enter);
        ws.draw();
        opens.push(t.elapsed());
        assert_eq!(ws.state.screen, Screen::Chart);
        ws.key(KeyCode::Esc);
        assert_eq!(ws.state.screen, Screen::Queue);
    }
    let p99 = percentile(&mut opens, 0.99);
    println!("key-press-to-frame, Enter opening a chart from the queue (n=300):");
    println!(
        "    p50 {}  p99 {}   (target p99 <= 8 ms: {})",
        ms(percentile(&mut opens, 0.5)),
        ms(p99),
        verdict(p99 <= Duration::from_millis(8))
    );

    // Patient search: each character typed searches 10,000 patients through the worker.
    let mut typed = Vec::new();
    let mut first_search = None;
    for round in 0..100 {
        ws.ctrl('f');
        let query = if round % 2 == 0 {
            "やまだ"
        } else {
            "s-0042"
        };
        for c in query.chars() {
            let t = Instant::now();
            ws.key(KeyCode::Char(c));
            ws.draw();
            let elapsed = t.elapsed();
            first_search.get_or_insert(elapsed);
            typed.push(elapsed);
        }
        match &ws.state.overlay {
            Some(enkaku::tui::state::Overlay::Search(s)) => {
                assert!(!s.results.is_empty(), "{query} finds someone")
            }
            other => panic!("the search overlay is open: {other:?}"),
        }
        ws.key(KeyCode::Esc);
    }
    let p99 = percentile(&mut typed, 0.99);
    println!(
        "key-press-to-frame, a character typed into patient search over {PATIENTS} patients (n={}):",
        typed.len()
    );
    println!(
        "    first {}  p50 {}  p99 {}   (target p99 <= 8 ms: {})",
        ms(first_search.unwrap_or_default()),
        ms(percentile(&mut typed, 0.5)),
        ms(p99),
        verdict(p99 <= Duration::from_millis(8))
    );
}
