//! A workstation driven by key events over a real temporary store, for the journey and snapshot
//! tests: every effect runs through the real worker, synchronously.
#![allow(dead_code)]

use std::path::Path;

use enkaku::domain::{Date, parse_date};
use enkaku::drugs::DrugMaster;
use enkaku::store::Store;
use enkaku::tui::forms::Fresh;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Action, AppState, Effect};
use enkaku::tui::update::update;
use enkaku::tui::worker::Worker;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub struct App {
    pub state: AppState,
    pub worker: Worker,
    /// The randomness of the next key press: see [`App::press`].
    fresh: u128,
}

/// The day the demo queue is seeded on in these tests, and the instant they run at (10:00 JST).
pub fn test_day() -> Date {
    parse_date("2026-11-21").unwrap()
}

pub fn test_now() -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

impl App {
    pub fn new(dir: &Path, lang: Lang, video_command: &str) -> App {
        let mut store = Store::open_dir(dir).unwrap();
        enkaku::demo::seed(&mut store, test_day()).unwrap();
        App::over(store, dir, lang, video_command)
    }

    /// The workstation over a data directory as it is, the way `enkaku` opens a real clinic's:
    /// nothing is seeded.
    pub fn open(dir: &Path, lang: Lang) -> App {
        App::over(Store::open_dir(dir).unwrap(), dir, lang, "true {room}")
    }

    /// A new workstation over `dir` as a previous one left it, with `video_command`: a restart.
    pub fn reopen(dir: &Path, lang: Lang, video_command: &str) -> App {
        App::over(Store::open_dir(dir).unwrap(), dir, lang, video_command)
    }

    fn over(store: Store, dir: &Path, lang: Lang, video_command: &str) -> App {
        let mut drugs = DrugMaster::open_dir(dir).unwrap();
        drugs.ensure_demo().unwrap();
        let worker = Worker {
            store,
            drugs,
            clinic_id: String::new(),
            video_command: video_command.into(),
        };
        // Ids are made from the low 64 bits: a random prefix per workstation (so that a restart
        // over the same store never reuses one), its top bit set so that every id sorts after
        // the demo's (`md-0013-1`), and a count of key presses below it.
        let prefix = u128::from(uuid::Uuid::new_v4().as_u128() as u32 | 0x8000_0000) << 32;
        let mut app = App {
            state: AppState::new(lang, test_now(), test_day()),
            worker,
            fresh: uuid::Uuid::new_v4().as_u128() << 64 | prefix,
        };
        app.state.video_command = video_command.into();
        app.run(vec![Effect::LoadClinic]);
        app
    }

    /// Runs effects until none are left, feeding every action back into `update`.
    pub fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            for action in self.worker.run(effect) {
                queue.extend(update(&mut self.state, action));
            }
        }
    }

    pub fn act(&mut self, action: Action) {
        let effects = update(&mut self.state, action);
        self.run(effects);
    }

    /// A key pressed at the test's instant, with fresh randomness as the terminal reader gives,
    /// except that the ids it makes increase from one press to the next: records kept in a map
    /// by id (a patient's medications, allergies) then list in the order the test made them,
    /// and a snapshot of them does not change from run to run.
    fn press(&mut self, key: KeyEvent) {
        self.fresh += 1;
        self.act(Action::Key {
            key,
            at: self.state.now,
            fresh: Fresh(self.fresh),
        });
    }

    pub fn key(&mut self, code: KeyCode) {
        self.press(KeyEvent::new(code, KeyModifiers::NONE));
    }

    pub fn ctrl(&mut self, c: char) {
        self.press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    /// Types text one character at a time, as a terminal input method delivers it.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn keys(&mut self, codes: &[KeyCode]) {
        for c in codes {
            self.key(*c);
        }
    }

    /// Signs in as `staff_id` with the demo PIN.
    pub fn sign_in(&mut self, staff_id: &str) {
        self.sign_in_with(staff_id, enkaku::demo::DEMO_PIN);
    }

    /// Signs in as `staff_id` with `pin`, from the sign-in screen.
    pub fn sign_in_with(&mut self, staff_id: &str, pin: &str) {
        let i = self
            .state
            .staff()
            .iter()
            .position(|s| s.id == staff_id)
            .expect("staff member");
        self.state.sign_in.selected = 0;
        for _ in 0..i {
            self.key(KeyCode::Down);
        }
        self.type_text(pin);
        self.key(KeyCode::Enter);
        assert_eq!(
            self.state.user.as_ref().map(|u| u.id.as_str()),
            Some(staff_id),
            "{:?}",
            self.state.sign_in.error
        );
    }

    /// Moves the queue selection to the visit of `patient_id`.
    pub fn select_visit(&mut self, patient_id: &str) {
        self.state.queue.selected = 0;
        let i = self
            .state
            .queue
            .visible()
            .iter()
            .position(|r| r.patient_id == patient_id)
            .expect("visit in the queue");
        for _ in 0..i {
            self.key(KeyCode::Down);
        }
    }

    /// The screen as text, `width` x `height`.
    pub fn render(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| enkaku::tui::view::render(&self.state, f))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..width {
                let cell = &buffer[(x, y)];
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = cell.symbol();
                line.push_str(sym);
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
