//! The journey of one first-visit patient through the workstation, driven by key events over a
//! real temporary store: front desk checks in with one photo ID, the doctor consults, the
//! guideline gates each step, and the exported record and audit log hold what happened.

mod common;

use common::app::App;
use enkaku::domain::SessionChecks;
use enkaku::domain::{QueueStatus, VisitKind};
use enkaku::rules::Severity;
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::Screen;
use ratatui::crossterm::event::KeyCode;

/// 清水 大輔: first online visit today at 17:30, history known from a referral letter, one photo
/// ID (driving licence) to show.
const PATIENT: &str = "p-0013";

fn blocks(app: &App) -> Vec<String> {
    app.state
        .consult
        .as_ref()
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Block)
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn first_visit_journey_is_gated_by_the_guideline_and_fully_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("video-args");
    let script = dir.path().join("video.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" > {}\n", args_file.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let video = format!("{} https://meet.example/{{room}}", script.display());
    let mut app = App::new(dir.path(), Lang::En, &video);

    // The front desk checks the patient in with one photo ID.
    app.sign_in("fd-suzuki");
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('i'));
    app.keys(&[KeyCode::Down, KeyCode::Char(' '), KeyCode::Enter]); // driving licence
    let row = app
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.patient_id == PATIENT)
        .unwrap();
    assert_eq!(row.status, QueueStatus::CheckedIn);
    // Front desk cannot consult.
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Queue);
    assert!(app.state.status.as_ref().unwrap().error);
    app.ctrl('o');

    // The doctor opens the consultation.
    app.sign_in("dr-sato");
    app.select_visit(PATIENT);
    // `c` on the board opens the consultation itself, not the chart.
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Consult);
    assert_eq!(
        app.state.consult.as_ref().unwrap().encounter.kind,
        VisitKind::OnlineInitial
    );

    // Confirm the per-consultation items of the checklist, and write the chief complaint.
    for i in 0..SessionChecks::COUNT {
        app.state.consult.as_mut().unwrap().selected = i;
        app.key(KeyCode::Char(' '));
    }
    app.key(KeyCode::Char('k'));
    app.type_text("くしゃみと鼻水");
    app.key(KeyCode::Enter);
    let encounter_id = app.state.consult.as_ref().unwrap().encounter.id.clone();

    // The workstation restarts mid-consultation: every tick and the complaint are still there.
    drop(app);
    let mut app = App::reopen(dir.path(), Lang::En, &video);
    app.sign_in("dr-sato");
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Consult);
    let c = app.state.consult.as_ref().unwrap();
    assert_eq!(c.encounter.id, encounter_id);
    assert!((0..SessionChecks::COUNT).all(|i| c.encounter.checks.get(i)));
    assert_eq!(c.encounter.chief_complaint, "くしゃみと鼻水");
    // Without consent and a care plan, the video cannot start.
    let before = blocks(&app);
    assert!(
        before.contains(&"consent.agreement".to_string()),
        "{before:?}"
    );
    assert!(
        before.contains(&"care_plan.missing".to_string()),
        "{before:?}"
    );
    app.key(KeyCode::Char('v'));
    assert!(
        app.state
            .consult
            .as_ref()
            .unwrap()
            .encounter
            .started_at
            .is_none()
    );
    let status = app.state.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("consent.agreement"),
        "{status:?}"
    );

    // Consent: the patient asked, everything explained, recording agreed.
    app.key(KeyCode::Char('a'));
    for _ in 0..7 {
        app.key(KeyCode::Char(' '));
        app.key(KeyCode::Down);
    }
    app.key(KeyCode::Enter);
    // Care plan: the nine items, agreed today.
    app.key(KeyCode::Char('n'));
    for text in [
        "花粉症の薬物療法",
        "3か月ごとに対面診療",
        "予約制 平日9-17時",
        "Enkaku Video",
        "症状増悪時・通信障害時は対面",
        "症状を正確に伝える",
        "急変時は救急要請",
    ] {
        app.type_text(text);
        app.key(KeyCode::Down);
    }
    app.key(KeyCode::Char(' ')); // emergency hospital: the first partner hospital
    app.keys(&[KeyCode::Down, KeyCode::Down]); // doctors: dr-sato already
    app.keys(&[KeyCode::Down]);
    app.type_text("医療情報は暗号化して院内で管理");
    app.key(KeyCode::Down);
    app.key(KeyCode::Char(' '));
    app.key(KeyCode::Enter);
    assert!(app.state.overlay.is_none(), "{:?}", app.state.overlay);
    let now_blocks = blocks(&app);
    assert!(
        !now_blocks
            .iter()
            .any(|r| r.starts_with("consent.") || r.starts_with("care_plan.missing")),
        "{now_blocks:?}"
    );
    assert!(
        !now_blocks.iter().any(|r| enkaku::rules::gates_start(r)),
        "still blocked before video: {now_blocks:?}"
    );

    // Start video: the configured command runs with an unguessable room.
    app.key(KeyCode::Char('v'));
    let encounter = &app.state.consult.as_ref().unwrap().encounter;
    let room = encounter.video_room.clone().expect("room");
    assert!(encounter.started_at.is_some());
    assert!(room.len() > 30);
    let mut args = String::new();
    for _ in 0..100 {
        args = std::fs::read_to_string(&args_file).unwrap_or_default();
        if !args.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(args.trim(), format!("https://meet.example/{room}"));

    // Zolpidem for 14 days is blocked with its clause.
    app.key(KeyCode::Char('r'));
    app.type_text("ゾルピデム");
    app.keys(&[KeyCode::Tab]);
    app.type_text("1回1錠 就寝前");
    app.keys(&[KeyCode::Tab]);
    app.type_text("14");
    app.key(KeyCode::Enter);
    let psychotropic = app
        .state
        .consult
        .as_ref()
        .unwrap()
        .findings
        .iter()
        .find(|f| f.rule == "rx.initial.psychotropic")
        .cloned();
    let psychotropic = psychotropic.expect("zolpidem is blocked");
    assert_eq!(psychotropic.severity, Severity::Block);
    assert!(psychotropic.clause.starts_with("指針 V.1(5)"));
    // It goes; a non-psychotropic for 7 days passes.
    app.keys(&[KeyCode::Tab, KeyCode::Tab]);
    assert_eq!(
        app.state.consult.as_ref().unwrap().focus,
        enkaku::tui::state::ConsultFocus::Prescriptions
    );
    app.key(KeyCode::Delete);
    app.key(KeyCode::Char('r'));
    app.type_text("フェキソフェナジン");
    app.keys(&[KeyCode::Tab]);
    app.type_text("1回1錠 1日2回");
    app.keys(&[KeyCode::Tab]);
    app.type_text("7");
    app.key(KeyCode::Enter);
    let rx_blocks: Vec<String> = blocks(&app)
        .into_iter()
        .filter(|r| r.starts_with("rx."))
        .collect();
    assert!(rx_blocks.is_empty(), "{rx_blocks:?}");

    // The SOAP note, typed in Japanese.
    app.key(KeyCode::Char('e'));
    app.type_text("くしゃみと鼻汁が続く");
    app.key(KeyCode::Tab);
    app.type_text("映像上、鼻閉感あり");
    app.key(KeyCode::Tab);
    app.type_text("アレルギー性鼻炎");
    app.key(KeyCode::Tab);
    app.type_text("抗ヒスタミン薬7日分、増悪時は対面受診");
    app.key(KeyCode::Esc);

    // End the session, then sign through the confirm step.
    app.key(KeyCode::Char('s'));
    assert!(
        app.state.overlay.is_none(),
        "signing before the end is refused"
    );
    app.key(KeyCode::Char('z'));
    app.key(KeyCode::Enter);
    let left = blocks(&app);
    assert!(left.is_empty(), "blocks left at signing: {left:?}");
    app.key(KeyCode::Char('s'));
    app.key(KeyCode::Char('y'));
    assert!(app.state.consult.is_none());

    // The queue shows the patient done.
    app.key(KeyCode::Esc);
    let row = app
        .state
        .queue
        .rows
        .iter()
        .find(|r| r.patient_id == PATIENT)
        .unwrap();
    assert_eq!(row.status, QueueStatus::Done);

    // The record holds it all.
    let p = app.worker.store.patient(PATIENT).unwrap();
    let e = p
        .encounters
        .values()
        .find(|e| e.signed_at.is_some() && e.kind == VisitKind::OnlineInitial)
        .expect("signed encounter");
    assert_eq!(e.signed_by.as_deref(), Some("dr-sato"));
    assert!(e.started_at.is_some() && e.ended_at.is_some());
    assert_eq!(e.prescriptions.len(), 1);
    let rx = e.prescriptions.values().next().unwrap();
    assert!(
        rx.drug_name.contains("アレグラ") || rx.drug_name.contains("フェキソフェナジン"),
        "{rx:?}"
    );
    assert_eq!(rx.days, 7);
    assert_eq!(
        e.notes.values().next().unwrap().subjective,
        "くしゃみと鼻汁が続く"
    );
    assert_eq!(p.consents.len(), 1);
    assert!(
        p.care_plans
            .values()
            .any(|c| c.agreed_on.is_some() && c.items().iter().all(|i| i.2))
    );
    assert!(
        p.identity_checks
            .values()
            .any(|c| c.checked_by == "fd-suzuki" && c.photo_documents() == 1)
    );

    // The audit log holds each step with the staff id.
    let audit = app.worker.store.audit_entries(None).unwrap();
    let has = |staff: &str, action: &str| {
        audit
            .iter()
            .any(|a| a.staff_id == staff && a.action == action)
    };
    for (staff, action) in [
        ("fd-suzuki", "staff.sign_in"),
        ("fd-suzuki", "identity.check"),
        ("fd-suzuki", "queue.status.checked_in"),
        ("dr-sato", "staff.sign_in"),
        ("dr-sato", "consent.record"),
        ("dr-sato", "care_plan.save"),
        ("dr-sato", "encounter.open"),
        ("dr-sato", "encounter.start"),
        ("dr-sato", "prescription.add"),
        ("dr-sato", "prescription.remove"),
        ("dr-sato", "note.save"),
        ("dr-sato", "encounter.end"),
        ("dr-sato", "encounter.sign"),
        ("dr-sato", "queue.status.in_session"),
        ("dr-sato", "queue.status.done"),
    ] {
        assert!(has(staff, action), "audit lacks {staff} {action}");
    }
    assert!(app.worker.store.verify_audit().unwrap().is_ok());
}
