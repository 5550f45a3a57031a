//! The front desk's day driven by key events over a real temporary store seeded with the demo
//! clinic: registering a patient (with and without a duplicate, and a date of birth refused
//! naming the field), the walk-in straight after, reservations added, moved, set waiting and
//! cancelled with a reason, the payment of a signed visit, and check-in with its doctor — plus
//! ja/en snapshots of the new screens at 100×30 and 80×24.

mod common;

use common::app::{App, test_day, test_now};
use enkaku::domain::{
    Encounter, IdentityCheck, IdentityDocument, PaymentMethod, QueueStatus, VerificationMethod,
    VisitKind,
};
use enkaku::store::QueueRow;
use enkaku::tui::forms::FormKind;
use enkaku::tui::i18n::Lang;
use enkaku::tui::keymap::Mode;
use enkaku::tui::state::{Confirm, Effect, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

const FD: &str = "fd-suzuki";
const CLINIC: &str = "demo-clinic";
const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];
const SIZES: [(u16, u16, &str); 2] = [(100, 30, ""), (80, 24, "_80x24")];

fn front_desk(dir: &std::path::Path, lang: Lang) -> App {
    let mut a = App::new(dir, lang, "true");
    a.sign_in(FD);
    a
}

fn row<'a>(a: &'a App, entry_id: &str) -> &'a QueueRow {
    a.state
        .queue
        .rows
        .iter()
        .find(|r| r.entry_id == entry_id)
        .unwrap_or_else(|| panic!("{entry_id} on the board"))
}

fn status_text(a: &App) -> String {
    a.state
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn status_is_error(a: &App) -> bool {
    a.state.status.as_ref().is_some_and(|s| s.error)
}

/// Fills the registration form's first three fields (names and date of birth).
fn register_keys(a: &mut App, kanji: &str, kana: &str, dob: &str) {
    a.key(KeyCode::Char('n'));
    assert!(matches!(
        &a.state.overlay,
        Some(Overlay::Form(f)) if matches!(f.kind, FormKind::Register(_))
    ));
    for text in [kanji, kana, dob] {
        a.type_text(text);
        a.key(KeyCode::Down);
    }
}

fn patients_named(a: &mut App, kana: &str) -> usize {
    let dob = enkaku::domain::parse_date("1990-06-15").unwrap();
    a.worker
        .store
        .find_patient_by_name_dob(kana, dob)
        .unwrap()
        .len()
}

fn audited(a: &App, action: &str) -> usize {
    a.worker
        .store
        .audit_entries(None)
        .unwrap()
        .iter()
        .filter(|e| e.staff_id == FD && e.action == action)
        .count()
}

#[test]
fn a_new_patient_is_registered_and_goes_straight_on_to_the_walk_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::En);
    let before = a.state.queue.rows.len();
    register_keys(&mut a, "高橋　花子", "タカハシ　ハナコ", "1990-06-15");
    // Sex, phone, address, insurance: national health insurance with its insurer number.
    a.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Down]);
    a.keys(&[KeyCode::Right, KeyCode::Right, KeyCode::Down]);
    a.type_text("138012");
    a.key(KeyCode::Enter);
    assert_eq!(patients_named(&mut a, "タカハシ　ハナコ"), 1);
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("the walk-in form opens: {:?}", a.state.overlay)
    };
    let FormKind::BookVisit(walk_in) = &form.kind else {
        panic!("{:?}", form.kind)
    };
    assert!(walk_in.walk_in);
    let patient_id = walk_in.patient.value().cloned().unwrap();
    assert!(
        status_text(&a).contains("高橋　花子"),
        "{}",
        status_text(&a)
    );
    let p = a.worker.store.patient(&patient_id).unwrap();
    assert_eq!(p.insurance.unwrap().insurer_number, "138012");
    assert_eq!(audited(&a, "patient.register"), 1);

    // The walk-in: today, now (10:00 in Japan), from the counter.
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none());
    assert_eq!(a.state.queue.rows.len(), before + 1);
    let r = a
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.patient_id == patient_id)
        .unwrap();
    assert_eq!(
        (r.time.as_str(), r.status, r.visit_kind),
        ("10:00", QueueStatus::Reserved, VisitKind::InPerson)
    );
    let day = a
        .worker
        .store
        .queue_day(CLINIC, test_day())
        .unwrap()
        .unwrap();
    assert_eq!(day.entries[&r.entry_id].source, "walk_in");
    assert_eq!(audited(&a, "queue.walk_in"), 1);
}

#[test]
fn a_duplicate_is_shown_and_the_user_opens_it_or_registers_anyway() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::Ja);
    // 山田 太郎 (p-0001), as the demo has him, typed with half-width kana.
    register_keys(&mut a, "山田　太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "1958-03-14");
    a.key(KeyCode::Enter);
    let Some(Overlay::Duplicates(d)) = &a.state.overlay else {
        panic!("{:?}", a.state.overlay)
    };
    assert_eq!(d.matches.len(), 1);
    assert_eq!(d.matches[0].patient_id, "p-0001");
    assert_eq!(a.state.mode(), Mode::Duplicates);
    let registered = a.worker.store.search_patients("", 1000).unwrap().len();

    // Esc goes back to the form as it was; Enter opens the existing patient.
    a.key(KeyCode::Esc);
    assert!(matches!(&a.state.overlay, Some(Overlay::Form(_))));
    a.key(KeyCode::Enter);
    assert!(matches!(&a.state.overlay, Some(Overlay::Duplicates(_))));
    a.key(KeyCode::Enter);
    assert_eq!(a.state.screen, Screen::Chart);
    assert_eq!(a.state.chart.as_ref().unwrap().patient.id, "p-0001");
    assert_eq!(
        a.worker.store.search_patients("", 1000).unwrap().len(),
        registered
    );

    // A namesake born the same day: registered anyway through the confirm.
    a.key(KeyCode::Esc);
    register_keys(&mut a, "山田　太郎", "ヤマダ　タロウ", "1958-03-14");
    a.key(KeyCode::Enter);
    assert!(matches!(&a.state.overlay, Some(Overlay::Duplicates(_))));
    a.key(KeyCode::Char('y'));
    let dob = enkaku::domain::parse_date("1958-03-14").unwrap();
    let same = a
        .worker
        .store
        .find_patient_by_name_dob("ヤマダ　タロウ", dob)
        .unwrap();
    assert_eq!(same.len(), 2);
    assert!(matches!(
        &a.state.overlay,
        Some(Overlay::Form(f)) if matches!(f.kind, FormKind::BookVisit(_))
    ));
}

#[test]
fn an_impossible_date_of_birth_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::En);
    let registered = a.worker.store.search_patients("", 1000).unwrap().len();
    // Not a date: the form refuses.
    register_keys(&mut a, "高橋　花子", "タカハシ　ハナコ", "1990-02-30");
    a.key(KeyCode::Enter);
    let Some(Overlay::Form(f)) = &a.state.overlay else {
        panic!()
    };
    assert_eq!(
        f.error.map(|e| e.to_string()),
        Some("date_of_birth: write the date of birth as YYYY-MM-DD".into())
    );
    a.key(KeyCode::Esc);
    // In the future: the store refuses, naming the field, and the form selects it.
    register_keys(&mut a, "高橋　花子", "タカハシ　ハナコ", "2099-01-01");
    a.key(KeyCode::Down);
    a.key(KeyCode::Enter);
    assert!(status_is_error(&a));
    assert!(
        status_text(&a).contains("date_of_birth: 2099-01-01 is in the future"),
        "{}",
        status_text(&a)
    );
    let Some(Overlay::Form(f)) = &a.state.overlay else {
        panic!("the form stays open")
    };
    assert_eq!(f.selected, 2);
    assert_eq!(
        a.worker.store.search_patients("", 1000).unwrap().len(),
        registered
    );
}

#[test]
fn reservations_are_added_moved_set_waiting_and_cancelled_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::En);
    // Add: the patient search, then day, time, kind and memo.
    a.key(KeyCode::Char('a'));
    assert_eq!(a.state.mode(), Mode::Search);
    a.type_text("タカハシ");
    a.key(KeyCode::Enter);
    let Some(Overlay::Form(f)) = &a.state.overlay else {
        panic!("{:?}", a.state.overlay)
    };
    let FormKind::BookVisit(b) = &f.kind else {
        panic!()
    };
    assert!(!b.walk_in);
    let patient = b.patient.value().cloned().unwrap();
    a.keys(&[KeyCode::Down, KeyCode::Down]);
    a.type_text("16:45");
    a.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Down]);
    a.type_text("電話で予約");
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.overlay);
    let added = a
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.patient_id == patient && r.time == "16:45")
        .expect("the reservation is on the board")
        .entry_id
        .clone();
    assert_eq!(audited(&a, "queue.reserve"), 1);

    // Move it to the next day at 09:10.
    a.state.queue.selected = a
        .state
        .queue
        .visible()
        .iter()
        .position(|r| r.entry_id == added)
        .unwrap();
    a.key(KeyCode::Char('m'));
    a.keys(&[KeyCode::Backspace, KeyCode::Backspace]);
    a.type_text("22");
    a.key(KeyCode::Down);
    a.keys(&[KeyCode::Backspace; 5]);
    a.type_text("09:10");
    a.key(KeyCode::Enter);
    assert!(!status_is_error(&a), "{}", status_text(&a));
    assert!(a.state.queue.rows.iter().all(|r| r.entry_id != added));
    let next = test_day().next_day().unwrap();
    assert_eq!(a.worker.store.queue_rows(next).unwrap()[0].time, "09:10");

    // Waiting: only after check-in. q-05 is reserved, q-03 checked in.
    a.select_visit("p-0018");
    a.key(KeyCode::Char('h'));
    assert!(status_is_error(&a));
    assert_eq!(row(&a, "q-05").status, QueueStatus::Reserved);
    a.select_visit("p-0011");
    a.key(KeyCode::Char('h'));
    assert_eq!(row(&a, "q-03").status, QueueStatus::Waiting);

    // Cancel q-05: the reason first, then the confirm; "n" cancels nothing.
    a.select_visit("p-0018");
    a.key(KeyCode::Char('x'));
    a.key(KeyCode::Enter);
    assert!(matches!(&a.state.overlay, Some(Overlay::Form(f)) if f.error.is_some()));
    a.type_text("体調不良のため");
    a.key(KeyCode::Enter);
    assert!(matches!(
        &a.state.overlay,
        Some(Overlay::Confirm(Confirm::CancelVisit { reason, .. })) if reason == "体調不良のため"
    ));
    a.key(KeyCode::Char('n'));
    assert_eq!(row(&a, "q-05").status, QueueStatus::Reserved);
    a.key(KeyCode::Char('x'));
    a.type_text("体調不良のため");
    a.key(KeyCode::Enter);
    a.key(KeyCode::Char('y'));
    assert_eq!(row(&a, "q-05").status, QueueStatus::Cancelled);
    let day = a
        .worker
        .store
        .queue_day(CLINIC, test_day())
        .unwrap()
        .unwrap();
    assert_eq!(
        day.entries["q-05"].cancel_reason.as_deref(),
        Some("体調不良のため")
    );
    assert_eq!(audited(&a, "queue.cancel"), 1);
    // A visit that is over cannot be cancelled.
    a.select_visit("p-0001");
    a.key(KeyCode::Char('x'));
    assert!(status_is_error(&a) && a.state.overlay.is_none());
}

/// Signs q-01 (山田 太郎, done) as the doctor would, through the store, and reloads the board.
fn sign_q01(a: &mut App) {
    let mut e = Encounter::new("en-q01", VisitKind::OnlineFollowup);
    e.doctor = Some("dr-sato".into());
    e.queue_entry = Some("q-01".into());
    e.signed_by = Some("dr-sato".into());
    e.signed_at = Some(test_now());
    a.worker
        .store
        .sign_encounter("dr-sato", CLINIC, "p-0001", &e, Some((test_day(), "q-01")))
        .unwrap();
    a.run(vec![Effect::LoadQueue { day: test_day() }]);
}

#[test]
fn the_payment_of_a_signed_visit_is_recorded_and_the_board_shows_who_still_owes() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::En);
    a.select_visit("p-0001");
    a.key(KeyCode::Char('k'));
    assert!(
        status_is_error(&a) && a.state.overlay.is_none(),
        "not signed yet"
    );
    sign_q01(&mut a);
    assert!(row(&a, "q-01").owes());
    a.key(KeyCode::Char('u'));
    assert_eq!(
        a.state.queue.visible().len(),
        1,
        "only who still has to pay"
    );

    a.key(KeyCode::Char('k'));
    a.type_text("1,530");
    a.key(KeyCode::Down);
    a.key(KeyCode::Right); // cash
    a.key(KeyCode::Down);
    a.key(KeyCode::Char(' ')); // paid
    a.key(KeyCode::Enter);
    assert!(!status_is_error(&a), "{}", status_text(&a));
    let p = row(&a, "q-01").payment.clone().unwrap();
    assert_eq!(
        (p.amount_yen, p.method, p.paid),
        (1530, PaymentMethod::Cash, true)
    );
    assert!(a.state.queue.visible().is_empty(), "nobody owes now");
    assert_eq!(audited(&a, "queue.payment"), 1);
}

#[test]
fn check_in_assigns_the_doctor_with_the_status_and_identity_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = front_desk(dir.path(), Lang::En);
    // q-06 (後藤 隆, p-0020) has no doctor. Check in with a passport, doctor 田中.
    a.select_visit("p-0020");
    a.key(KeyCode::Char('i'));
    let Some(Overlay::Form(f)) = &a.state.overlay else {
        panic!()
    };
    let FormKind::CheckIn(c) = &f.kind else {
        panic!()
    };
    let marked: Vec<&str> = c
        .doctor
        .options
        .iter()
        .filter(|(_, label)| label.contains("V.3(1)"))
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(marked, ["dr-kimura"], "the untrained doctor is marked");
    let tanaka = c
        .doctor
        .options
        .iter()
        .position(|(id, _)| id == "dr-tanaka")
        .unwrap();
    // Past the other documents and the method, to the doctor.
    let to_doctor = c.documents.len() - 2 + 1;
    a.keys(&[KeyCode::Down, KeyCode::Down, KeyCode::Char(' ')]);
    for _ in 0..to_doctor {
        a.key(KeyCode::Down);
    }
    for _ in 0..tanaka {
        a.key(KeyCode::Right);
    }
    let form = a.state.overlay.clone();

    // The database refuses the queue's half: nothing lands.
    let before = (
        a.worker.store.patient("p-0020").unwrap().identity_checks,
        row(&a, "q-06").clone(),
    );
    let db = rusqlite::Connection::open(a.worker.store.path()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_queue BEFORE INSERT ON changes WHEN NEW.doc_id LIKE 'queue/%'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    a.key(KeyCode::Enter);
    assert!(status_is_error(&a), "the failure is said");
    assert!(status_text(&a).contains("disk full"), "{}", status_text(&a));
    let after = (
        a.worker.store.patient("p-0020").unwrap().identity_checks,
        row(&a, "q-06").clone(),
    );
    assert_eq!(after, before, "neither status, identity check nor doctor");
    assert_eq!(row(&a, "q-06").doctor, None);
    db.execute_batch("DROP TRIGGER refuse_queue").unwrap();

    a.state.overlay = form;
    a.key(KeyCode::Enter);
    assert!(!status_is_error(&a), "{}", status_text(&a));
    let r = row(&a, "q-06");
    assert_eq!(r.status, QueueStatus::CheckedIn);
    assert_eq!(r.doctor.as_deref(), Some("dr-tanaka"));
    assert!(r.checked_in_at.is_some());
    let checks = a.worker.store.patient("p-0020").unwrap().identity_checks;
    assert_eq!(checks.len(), 1);
    assert_eq!(
        checks.values().next().unwrap().documents,
        [IdentityDocument::Passport]
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots

fn snap(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            (r"\b(p|q|ic)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Every line fits the terminal, counting wide characters as two.
fn assert_fits(screen: &str, width: u16) {
    for (i, line) in screen.lines().enumerate() {
        assert!(
            line.width() <= width as usize,
            "line {i} is {} columns wide: {line:?}",
            line.width()
        );
    }
}

fn shoot(a: &App, name: &str) {
    for (w, h, size) in SIZES {
        let screen = a.render(w, h);
        assert_fits(&screen, w);
        snap(&format!("{name}{size}"), &screen);
    }
}

/// A board with every front-desk state: checked in 12 minutes ago (waiting), set waiting,
/// ended and not signed, signed and owing, paid.
fn busy_board(a: &mut App) {
    let check = |id: &str| IdentityCheck {
        id: id.into(),
        documents: vec![IdentityDocument::MyNumberCard],
        checked_by: FD.into(),
        checked_at: test_now(),
        method: VerificationMethod::InPerson,
    };
    let at = test_now() - time::Duration::minutes(12);
    let store = &mut a.worker.store;
    store
        .check_in(
            FD,
            CLINIC,
            test_day(),
            "q-05",
            "p-0018",
            &check("ic-a"),
            Some("dr-sato"),
            at,
        )
        .unwrap();
    store
        .check_in(
            FD,
            CLINIC,
            test_day(),
            "q-06",
            "p-0020",
            &check("ic-b"),
            Some("dr-kimura"),
            at - time::Duration::minutes(31),
        )
        .unwrap();
    store
        .mark_waiting(FD, CLINIC, test_day(), "q-06", at)
        .unwrap();
    sign_q01(a);
}

#[test]
fn snapshots_of_the_front_desk() {
    for (lang, tag) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut a = front_desk(dir.path(), lang);
        busy_board(&mut a);
        shoot(&a, &format!("board_{tag}"));
        // The Japanese names come through whole on the 80×24 board.
        let screen = a.render(80, 24);
        for r in a.state.queue.visible().iter().take(17) {
            assert!(screen.contains(&r.name_kanji), "{tag}: {}", r.name_kanji);
        }
        // The board's help is whole on 80×24: two columns when the keys outnumber the rows.
        a.key(KeyCode::F(1));
        let help = a.render(80, 24);
        assert_fits(&help, 80);
        let role = a.state.user.as_ref().map(|u| u.role);
        for b in enkaku::tui::keymap::bindings(Mode::Queue).filter(|b| b.shown_to(role)) {
            assert!(
                help.contains(lang.tr(b.ja, b.en)),
                "{tag}: {} missing",
                b.en
            );
        }
        snap(&format!("help_queue_{tag}_80x24"), &help);
        a.key(KeyCode::Esc);
        a.key(KeyCode::Char('u'));
        shoot(&a, &format!("board_unpaid_{tag}"));
        a.key(KeyCode::Char('u'));

        register_keys(&mut a, "高橋　花子", "タカハシ　ハナコ", "1990-06-15");
        shoot(&a, &format!("register_form_{tag}"));
        a.key(KeyCode::Esc);
        register_keys(&mut a, "山田　太郎", "ヤマダ　タロウ", "1958-03-14");
        a.key(KeyCode::Enter);
        shoot(&a, &format!("register_duplicate_{tag}"));
        a.key(KeyCode::Esc);
        a.key(KeyCode::Esc);

        a.key(KeyCode::Char('a'));
        a.type_text("ゴトウ");
        a.key(KeyCode::Enter);
        a.keys(&[KeyCode::Down, KeyCode::Down]);
        a.type_text("15:30");
        shoot(&a, &format!("reservation_form_{tag}"));
        a.key(KeyCode::Esc);

        a.select_visit("p-0022");
        a.key(KeyCode::Char('x'));
        a.type_text("体調不良のため");
        a.key(KeyCode::Enter);
        shoot(&a, &format!("cancel_confirm_{tag}"));
        a.key(KeyCode::Char('n'));

        a.select_visit("p-0001");
        a.key(KeyCode::Char('k'));
        a.type_text("1530");
        shoot(&a, &format!("payment_form_{tag}"));
        a.key(KeyCode::Esc);
    }
}
