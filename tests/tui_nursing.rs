//! The home-care nurse's day, driven by key events over a real temporary store: her team's
//! visits in route order, a whole visit record (arrive, vitals with a value past the doctor's
//! limit flagged, observations in Japanese, medications, a photo's file name, leave), her
//! request for a D to P with N that the doctor's board then shows, and all of it kept across a
//! restart. Snapshots at 80×24 and 100×30 in both languages.

mod common;

use std::collections::BTreeMap;

use common::app::{App, test_day, test_now};
use enkaku::domain::{Limits, NursingInstructions, QueueStatus, VisitKind, Vital};
use enkaku::store::Store;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::Screen;
use ratatui::crossterm::event::KeyCode;

const NURSE: &str = "ns-ito";
/// 石川 トメ (team-kita), visit q-07 at 11:00.
const PATIENT: &str = "p-0022";
const ENTRY: &str = "q-07";

/// The doctor's instructions for 石川 トメ: report an SpO2 under 95 %.
fn instructions(dir: &std::path::Path) {
    let mut store = Store::open_dir(dir).unwrap();
    let day = test_day();
    let i = NursingInstructions {
        id: "ni-1".into(),
        doctor: "dr-sato".into(),
        valid_from: day,
        valid_to: day.next_day().unwrap(),
        observe: "下腿浮腫、体重、呼吸状態".into(),
        report: "SpO2 95% 未満、体重 2kg 以上の増加".into(),
        thresholds: BTreeMap::from([(
            Vital::Spo2,
            Limits {
                min: Some(95.0),
                max: None,
            },
        )]),
        written_at: test_now(),
    };
    store
        .save_nursing_instructions("dr-sato", PATIENT, &i)
        .unwrap();
}

fn nurse(dir: &std::path::Path, lang: Lang) -> App {
    let mut a = App::reopen(dir, lang, "true https://meet.example/{room}");
    a.sign_in(NURSE);
    assert_eq!(
        a.state.screen,
        Screen::Visits,
        "a team nurse starts on her visits"
    );
    a
}

fn select(a: &mut App, patient: &str) {
    let i = a
        .state
        .nursing
        .visits
        .iter()
        .position(|v| v.patient.id == patient)
        .expect("the visit is on the team's day");
    a.state.nursing.selected = 0;
    for _ in 0..i {
        a.key(KeyCode::Down);
    }
}

fn record_the_visit(a: &mut App) {
    select(a, PATIENT);
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Visit);
    a.key(KeyCode::Char('a'));
    a.key(KeyCode::Char('b'));
    for (i, value) in ["１４２", "86", "78", "36.9", "93"].iter().enumerate() {
        if i > 0 {
            a.key(KeyCode::Down);
        }
        a.type_text(value);
    }
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
    a.key(KeyCode::Char('e'));
    a.type_text("両下腿に圧痕性浮腫 (+)。呼吸音清。清拭と更衣を実施");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('m'));
    // The first medication: taken; the second: missed.
    a.key(KeyCode::Down);
    a.key(KeyCode::Right);
    a.key(KeyCode::Up);
    a.key(KeyCode::Right);
    a.key(KeyCode::Down);
    a.key(KeyCode::Right);
    a.key(KeyCode::Right);
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
    a.key(KeyCode::Char('p'));
    a.type_text("浮腫_下腿_1121.jpg");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('r'));
    a.type_text("SpO2 93% に低下、浮腫増悪。医師の診察を依頼");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('l'));
    assert!(
        !a.state.status.as_ref().is_some_and(|s| s.error),
        "{:?}",
        a.state.status
    );
}

#[test]
fn a_nurse_records_a_visit_and_asks_the_doctor_and_it_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    drop(App::new(dir.path(), Lang::En, "true {room}"));
    instructions(dir.path());
    let mut a = nurse(dir.path(), Lang::En);
    let names: Vec<&str> = a
        .state
        .nursing
        .visits
        .iter()
        .map(|v| v.patient.id.as_str())
        .collect();
    assert_eq!(
        names,
        ["p-0022", "p-0024", "p-0025"],
        "team-kita's day by time"
    );

    // Route: the 16:30 visit first.
    a.state.nursing.selected = 2;
    a.key(KeyCode::Char('K'));
    a.key(KeyCode::Char('K'));
    record_the_visit(&mut a);
    let screen = a.render(100, 30);
    assert!(screen.contains("⚠ SpO2 93 %"), "{screen}");
    drop(a);

    // A restart: the route and every part of the record are as she left them.
    let mut a = nurse(dir.path(), Lang::En);
    let order: Vec<&str> = a
        .state
        .nursing
        .visits
        .iter()
        .map(|v| v.patient.id.as_str())
        .collect();
    assert_eq!(order, ["p-0025", "p-0022", "p-0024"]);
    select(&mut a, PATIENT);
    let v = a.state.nursing.current().expect("the visit");
    let r = v.record().expect("her record").clone();
    assert_eq!(r.nurse, NURSE);
    assert_eq!(r.queue_entry.as_deref(), Some(ENTRY));
    assert_eq!(r.arrived_at, Some(test_now()));
    assert_eq!(r.left_at, Some(test_now()));
    assert_eq!(r.vitals.get(&Vital::SystolicBp), Some(&142.0));
    assert_eq!(r.vitals.get(&Vital::Spo2), Some(&93.0));
    assert_eq!(r.note, "両下腿に圧痕性浮腫 (+)。呼吸音清。清拭と更衣を実施");
    assert_eq!(r.photos, vec!["浮腫_下腿_1121.jpg"]);
    let taken: Vec<bool> = r.medications.values().map(|t| t.taken).collect();
    assert_eq!(taken.len(), 2, "{:?}", r.medications);
    assert!(taken.contains(&true) && taken.contains(&false));
    let flags = r.flags(v.patient.instructions_on(test_day()));
    assert_eq!(flags.iter().map(|f| f.0).collect::<Vec<_>>(), [Vital::Spo2]);
    assert_eq!(
        r.request.as_ref().map(|q| q.reason.as_str()),
        Some("SpO2 93% に低下、浮腫増悪。医師の診察を依頼")
    );
    assert!(v.entry.consult_request.is_some());
    assert_eq!(v.entry.status, QueueStatus::Waiting);
    assert_eq!(v.entry.visit, VisitKind::DToPWithN);

    // Each step is audited under her id.
    let audit = a.worker.store.audit_entries(None).unwrap();
    for action in [
        "queue.route",
        "nursing.arrive",
        "nursing.vitals",
        "nursing.note",
        "nursing.medications",
        "nursing.photo",
        "nursing.request",
        "queue.request.d_to_p_with_n",
        "nursing.leave",
    ] {
        assert!(
            audit
                .iter()
                .any(|e| e.action == action && e.staff_id == NURSE),
            "audit lacks {action}"
        );
    }
    drop(a);

    // The doctor's board shows the visit as a D to P with N waiting for him.
    let mut d = App::reopen(dir.path(), Lang::En, "true {room}");
    d.sign_in("dr-sato");
    let row = d
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.entry_id == ENTRY)
        .expect("the visit on the doctor's board");
    assert_eq!(row.status, QueueStatus::Waiting);
    assert_eq!(row.visit_kind, VisitKind::DToPWithN);
}

#[test]
fn snapshots_of_the_team_day_and_the_visit_record() {
    let dir = tempfile::tempdir().unwrap();
    drop(App::new(dir.path(), Lang::En, "true {room}"));
    instructions(dir.path());
    let mut a = nurse(dir.path(), Lang::Ja);
    record_the_visit(&mut a);
    // The last step's message was said in Japanese; the snapshots show the screens alone.
    a.state.status = None;
    for lang in [Lang::Ja, Lang::En] {
        a.state.lang = lang;
        let tag = match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        };
        for (w, h) in [(80, 24), (100, 30)] {
            a.state.screen = Screen::Visit;
            insta::assert_snapshot!(format!("visit_record_{w}x{h}_{tag}"), a.render(w, h));
            a.state.screen = Screen::Visits;
            insta::assert_snapshot!(format!("team_day_{w}x{h}_{tag}"), a.render(w, h));
        }
    }
}
