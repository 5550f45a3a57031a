//! The administrator's side of the workstation over a real temporary store: the staff screen
//! (reached only by an administrator), adding, editing and deactivating staff through the form
//! and the confirm step, the lockout after wrong PINs (surviving a restart), and the mark on a
//! doctor without the designated training wherever a doctor is chosen; with ja/en snapshots of
//! the staff screen, the staff form and the locked-out sign-in at 100×30 and 80×24.

mod common;

use common::app::App;
use enkaku::domain::Role;
use enkaku::store::Store;
use enkaku::tui::forms::FormKind;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Overlay, Screen};
use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

const ADMIN: &str = "admin-watanabe";
const VIDEO: &str = "true https://meet.example/{room}";
const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];
const SIZES: [(u16, u16); 2] = [(100, 30), (80, 24)];

fn snap(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            // The lockout's end is the wall clock plus 15 minutes.
            (r"(ロック中: |try again at )\d{2}:\d{2}", "$1[HH:MM]"),
            (r"\b(dr|fd|ns|admin)-[0-9a-f]{16}\b", "[id]"),
        ],
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// No line wider than the terminal.
fn fits(text: &str, width: u16) {
    for line in text.lines() {
        assert!(line.width() <= width as usize, "too wide: {line:?}");
    }
}

fn admin(dir: &std::path::Path, lang: Lang) -> App {
    let mut a = App::new(dir, lang, VIDEO);
    a.sign_in(ADMIN);
    a
}

fn staff_screen(a: &mut App) {
    a.key(KeyCode::Char('A'));
    assert_eq!(a.state.screen, Screen::Admin, "{:?}", a.state.status);
}

/// Chooses `staff_id` on the sign-in list and types `pin`, Enter.
fn try_pin(a: &mut App, staff_id: &str, pin: &str) {
    let i = a
        .state
        .staff()
        .iter()
        .position(|s| s.id == staff_id)
        .expect("on the sign-in list");
    a.state.sign_in.selected = 0;
    for _ in 0..i {
        a.key(KeyCode::Down);
    }
    a.type_text(pin);
    a.key(KeyCode::Enter);
}

fn stored_staff(dir: &std::path::Path) -> enkaku::domain::Clinic {
    Store::open_dir(dir).unwrap().clinic().unwrap().unwrap()
}

#[test]
fn only_an_administrator_is_shown_and_given_the_staff_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = App::new(dir.path(), Lang::En, VIDEO);
    a.sign_in("fd-suzuki");
    assert!(
        !a.render(200, 30).contains(" A staff admin "),
        "hidden from the front desk"
    );
    a.key(KeyCode::Char('A'));
    assert_eq!(a.state.screen, Screen::Queue);
    let said = a.state.status.clone().unwrap();
    assert!(
        said.error && said.text.contains("Only an administrator"),
        "{said:?}"
    );
    a.key(KeyCode::F(1));
    assert!(
        !a.render(100, 30).contains("staff admin"),
        "nor in the help"
    );
    a.key(KeyCode::Esc);

    let dir = tempfile::tempdir().unwrap();
    let mut a = admin(dir.path(), Lang::En);
    assert!(
        a.render(100, 30).contains(" A staff admin "),
        "first on the admin's bar"
    );
    assert!(a.render(80, 24).contains(" A staff admin "));
    staff_screen(&mut a);
    let screen = a.render(100, 30);
    // Every member, with the untrained doctor marked.
    for name in ["佐藤　健一", "木村　拓也", "渡辺　誠", "伊藤　由美"] {
        assert!(screen.contains(name), "{name} missing:\n{screen}");
    }
    let kimura = screen.lines().find(|l| l.contains("木村")).unwrap();
    assert!(kimura.contains("⚠ untrained"), "{kimura}");
    a.key(KeyCode::Esc);
    assert_eq!(a.state.screen, Screen::Queue);
}

#[test]
fn an_administrator_adds_edits_and_deactivates_staff_and_the_deactivated_cannot_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = admin(dir.path(), Lang::En);
    staff_screen(&mut a);
    a.key(KeyCode::Char('a'));
    assert!(matches!(
        &a.state.overlay,
        Some(Overlay::Form(f)) if matches!(f.kind, FormKind::Staff(_))
    ));
    // id (empty: automatic), name, kana, role (doctor), licence, year, HPKI, training, EC...
    a.key(KeyCode::Down);
    a.type_text("高橋 一郎");
    a.key(KeyCode::Down);
    a.type_text("タカハシ イチロウ");
    a.key(KeyCode::Down);
    a.key(KeyCode::Down);
    a.type_text("512384"); // 佐藤's licence number
    a.key(KeyCode::Down);
    a.type_text("1850");
    a.key(KeyCode::Enter);
    // The form refuses the year and puts the cursor on it.
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(form.selected, 5, "cursor on 医籍登録年");
    assert!(a.render(100, 30).contains("医籍登録年: a year from 1945"));
    for _ in 0..4 {
        a.key(KeyCode::Backspace);
    }
    a.type_text("2019");
    for _ in 0..7 {
        a.key(KeyCode::Down);
    }
    a.type_text("2468"); // the PIN, shown as dots
    assert!(a.render(100, 30).contains("●●●●"));
    a.key(KeyCode::Enter);
    // The duplicate licence number is named in the form, which stays open with everything
    // typed, the cursor on the licence; nothing is saved.
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("the form stays open: {:?}", a.state.status);
    };
    assert_eq!(form.selected, 4, "cursor on the licence number");
    assert!(
        a.render(100, 30)
            .contains("Licence number: another member of staff already has it")
    );
    assert!(
        !stored_staff(dir.path())
            .staff
            .values()
            .any(|s| s.name == "高橋 一郎")
    );

    // Again, with a licence of his own: only that field is typed again.
    for _ in 0..6 {
        a.key(KeyCode::Backspace);
    }
    a.type_text("700001");
    a.key(KeyCode::Enter);
    assert!(a.state.overlay.is_none(), "{:?}", a.state.status);
    let clinic = stored_staff(dir.path());
    let takahashi = clinic
        .staff
        .values()
        .find(|s| s.name == "高橋 一郎")
        .expect("added")
        .clone();
    assert!(takahashi.id.starts_with("dr-") && takahashi.role == Role::Doctor);
    assert!(takahashi.verify_pin("2468"));
    assert!(
        a.state.all_staff().iter().any(|s| s.id == takahashi.id),
        "listed"
    );

    // Edit: the training date, nothing else.
    let i = a
        .state
        .all_staff()
        .iter()
        .position(|s| s.id == takahashi.id)
        .unwrap();
    a.state.admin.selected = i;
    a.key(KeyCode::Char('e'));
    for _ in 0..6 {
        a.key(KeyCode::Down);
    }
    a.type_text("2025-06-01");
    a.key(KeyCode::Enter);
    let edited = stored_staff(dir.path()).staff[&takahashi.id].clone();
    assert_eq!(
        edited.online_training_completed,
        Some(enkaku::domain::parse_date("2025-06-01").unwrap())
    );
    assert_eq!(edited.pin_hash, takahashi.pin_hash, "PIN left as it was");

    // Deactivate 鈴木 through the confirm step; `n` first changes nothing.
    let i = a
        .state
        .all_staff()
        .iter()
        .position(|s| s.id == "fd-suzuki")
        .unwrap();
    a.state.admin.selected = i;
    a.key(KeyCode::Char('x'));
    assert!(a.render(100, 30).contains("Deactivate 鈴木"));
    a.key(KeyCode::Char('n'));
    assert!(stored_staff(dir.path()).staff["fd-suzuki"].active);
    a.key(KeyCode::Char('x'));
    a.key(KeyCode::Char('y'));
    let suzuki = stored_staff(dir.path()).staff["fd-suzuki"].clone();
    assert!(!suzuki.active, "deactivated");
    assert!(a.render(100, 30).contains("inactive"), "still listed");
    // Yourself: refused.
    let me = a
        .state
        .all_staff()
        .iter()
        .position(|s| s.id == ADMIN)
        .unwrap();
    a.state.admin.selected = me;
    a.key(KeyCode::Char('x'));
    assert!(a.state.overlay.is_none());
    assert!(a.state.status.clone().unwrap().text.contains("yourself"));

    // The deactivated member is off the sign-in list, and the worker refuses their PIN too.
    a.key(KeyCode::Esc);
    a.ctrl('o');
    assert!(!a.state.staff().iter().any(|s| s.id == "fd-suzuki"));
    let check = enkaku::tui::worker::check_pin(&suzuki, enkaku::demo::DEMO_PIN);
    assert_eq!(check, enkaku::tui::state::PinCheck::Inactive);
    a.act(enkaku::tui::state::Action::PinChecked {
        staff: "fd-suzuki".into(),
        check,
    });
    assert!(a.state.user.is_none());

    let log = Store::open_dir(dir.path())
        .unwrap()
        .audit_entries(Some("clinic"))
        .unwrap();
    let by_admin: Vec<&str> = log
        .iter()
        .filter(|e| e.staff_id == ADMIN)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(by_admin, ["staff.add", "staff.edit", "staff.deactivate"]);
}

#[test]
fn five_wrong_pins_lock_a_member_out_across_a_restart_and_every_step_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut a = App::new(dir.path(), Lang::En, VIDEO);
        for _ in 0..3 {
            try_pin(&mut a, "dr-sato", "9999");
            assert_eq!(a.state.sign_in.error.as_deref(), Some("Wrong PIN"));
        }
    }
    // The workstation restarts: the count is in the store.
    let mut a = App::new(dir.path(), Lang::En, VIDEO);
    try_pin(&mut a, "dr-sato", "9999");
    assert_eq!(a.state.sign_in.error.as_deref(), Some("Wrong PIN"));
    try_pin(&mut a, "dr-sato", "9999");
    let said = a.state.sign_in.error.clone().unwrap();
    assert!(
        said.contains("Locked") && said.contains("try again at"),
        "{said}"
    );
    // Now even the right PIN is refused, and another member is not affected.
    try_pin(&mut a, "dr-sato", enkaku::demo::DEMO_PIN);
    assert!(a.state.user.is_none());
    assert!(a.state.sign_in.error.clone().unwrap().contains("Locked"));
    a.sign_in("dr-tanaka");

    let store = Store::open_dir(dir.path()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let until = store.locked_until("dr-sato", now).unwrap().expect("locked");
    assert!(until > now + time::Duration::minutes(14) && until <= now + enkaku::store::LOCKOUT);
    assert_eq!(
        store.locked_until("dr-sato", until).unwrap(),
        None,
        "it ends"
    );
    let entries = store.audit_entries(Some("session")).unwrap();
    let sato: Vec<&str> = entries
        .iter()
        .filter(|e| e.staff_id == "dr-sato")
        .map(|e| match e.action.as_str() {
            "sign_in.failed" => "failed",
            "sign_in.locked" => "locked",
            "sign_in.refused_locked" => "refused",
            other => other,
        })
        .collect();
    assert_eq!(
        sato,
        [
            "failed", "failed", "failed", "failed", "failed", "locked", "refused"
        ]
    );
}

#[test]
fn a_right_pin_resets_the_count_and_a_lockout_that_ran_out_starts_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let t0 = time::OffsetDateTime::now_utc();
    for _ in 0..4 {
        assert_eq!(
            store
                .record_pin_failure("dr-sato", t0)
                .unwrap()
                .locked_until,
            None
        );
    }
    store.clear_pin_failures("dr-sato").unwrap();
    drop(store);
    let mut store = Store::open_dir(dir.path()).unwrap();
    for n in 1..=4 {
        let f = store.record_pin_failure("dr-sato", t0).unwrap();
        assert_eq!((f.failures, f.locked_until), (n, None));
    }
    let fifth = store.record_pin_failure("dr-sato", t0).unwrap();
    assert_eq!(fifth.locked_until, Some(t0 + enkaku::store::LOCKOUT));
    // After the lockout a wrong PIN is the first of a new series.
    let later = t0 + enkaku::store::LOCKOUT + time::Duration::seconds(1);
    assert_eq!(store.locked_until("dr-sato", later).unwrap(), None);
    let f = store.record_pin_failure("dr-sato", later).unwrap();
    assert_eq!((f.failures, f.locked_until), (1, None));
    assert_eq!(
        store.verify_audit().unwrap(),
        Ok(4 + 5 + 1 + 1),
        "each failure and the lockout audited"
    );
}

/// An administrator who sets a new PIN for a member who is locked out (`enkaku staff set-pin`,
/// `staff edit --pin-stdin`, the staff form) lets them sign in with it at once: the wrong PINs
/// were tries at the old one. An edit that leaves the PIN alone leaves the lockout alone.
#[test]
fn a_new_pin_ends_a_lockout_and_other_edits_do_not() {
    let dir = tempfile::tempdir().unwrap();
    // The demo clinic, seeded by the first start.
    drop(App::new(dir.path(), Lang::En, VIDEO));
    let mut store = Store::open_dir(dir.path()).unwrap();
    let today = enkaku::cli::today_jst();
    let lock = |store: &mut Store, id: &str| {
        let now = time::OffsetDateTime::now_utc();
        for _ in 0..enkaku::store::MAX_PIN_FAILURES {
            store.record_pin_failure(id, now).unwrap();
        }
        assert!(
            store.locked_until(id, now).unwrap().is_some(),
            "{id} locked"
        );
    };
    let locked = |store: &Store, id: &str| {
        store
            .locked_until(id, time::OffsetDateTime::now_utc())
            .unwrap()
            .is_some()
    };

    lock(&mut store, "dr-sato");
    store
        .edit_staff(ADMIN, "dr-sato", today, |s| {
            s.hpki_card = Some("HPKI-1".into())
        })
        .unwrap();
    assert!(locked(&store, "dr-sato"), "an edit of another field");
    store
        .set_staff_pin_hash(
            ADMIN,
            "dr-sato",
            &enkaku::domain::Staff::hash_pin("s", "4821"),
        )
        .unwrap();
    assert!(!locked(&store, "dr-sato"), "set-pin");

    lock(&mut store, "dr-tanaka");
    store
        .edit_staff(ADMIN, "dr-tanaka", today, |s| {
            s.pin_hash = Some(enkaku::domain::Staff::hash_pin("t", "4821"))
        })
        .unwrap();
    assert!(!locked(&store, "dr-tanaka"), "an edit of the PIN");
}

#[test]
fn a_doctor_without_the_designated_training_is_marked_where_a_doctor_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = App::new(dir.path(), Lang::Ja, VIDEO);
    let signin = a.render(100, 30);
    let kimura = signin.lines().find(|l| l.contains("木村")).unwrap();
    assert!(kimura.contains("⚠研修未修了"), "{kimura}");
    let sato = signin.lines().find(|l| l.contains("佐藤")).unwrap();
    assert!(!sato.contains("⚠"), "{sato}");
    a.sign_in("fd-suzuki");
    a.key(KeyCode::Char('d'));
    let Some(Overlay::Form(form)) = &a.state.overlay else {
        panic!("assign form");
    };
    let FormKind::AssignDoctor(f) = &form.kind else {
        panic!("assign form");
    };
    for (id, shown) in &f.doctor.options {
        let marked = shown.contains("未修了 (指針 V.3(1))");
        assert_eq!(marked, id == "dr-kimura", "{id}: {shown}");
    }
}

#[test]
fn snapshots_of_the_staff_screen_the_staff_form_and_the_locked_sign_in() {
    for (lang, tag) in LANGS {
        for (w, h) in SIZES {
            let dir = tempfile::tempdir().unwrap();
            let mut a = admin(dir.path(), lang);
            staff_screen(&mut a);
            let screen = a.render(w, h);
            fits(&screen, w);
            snap(&format!("admin_staff_{tag}_{w}x{h}"), &screen);

            a.key(KeyCode::Char('a'));
            let form = a.render(w, h);
            fits(&form, w);
            snap(&format!("admin_staff_form_{tag}_{w}x{h}"), &form);
            a.key(KeyCode::Esc);

            // Editing 木村 (no training), with a refused year.
            let i = a
                .state
                .all_staff()
                .iter()
                .position(|s| s.id == "dr-kimura")
                .unwrap();
            a.state.admin.selected = i;
            a.key(KeyCode::Char('e'));
            for _ in 0..4 {
                a.key(KeyCode::Down);
            }
            for _ in 0..4 {
                a.key(KeyCode::Backspace);
            }
            a.type_text("2999");
            a.key(KeyCode::Enter);
            let edit = a.render(w, h);
            fits(&edit, w);
            snap(&format!("admin_staff_edit_refused_{tag}_{w}x{h}"), &edit);
            a.key(KeyCode::Esc);

            a.key(KeyCode::Char('x'));
            let confirm = a.render(w, h);
            fits(&confirm, w);
            snap(&format!("admin_staff_deactivate_{tag}_{w}x{h}"), &confirm);
            a.key(KeyCode::Char('n'));

            a.key(KeyCode::Esc);
            a.ctrl('o');
            for _ in 0..5 {
                try_pin(&mut a, "dr-tanaka", "9999");
            }
            let locked = a.render(w, h);
            fits(&locked, w);
            snap(&format!("sign_in_locked_{tag}_{w}x{h}"), &locked);
        }
    }
}
