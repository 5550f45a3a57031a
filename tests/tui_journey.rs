//! The journey of one first-visit patient through the workstation, driven by key events over a
//! real temporary store: front desk checks in with one photo ID, the doctor consults, the
//! guideline gates each step, the workstation restarts mid-consultation and keeps what was
//! confirmed, a video program that fails records nothing, overrides name their line and go
//! with it, a signed record takes only addenda, and the exported record, `check --encounter`
//! and the audit log hold what happened.

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

fn open_blocks(app: &App) -> Vec<String> {
    enkaku::tui::update::open_blocks(app.state.consult.as_ref().unwrap())
        .map(|f| f.rule.to_string())
        .collect()
}

fn status(app: &App) -> (String, bool) {
    let s = app.state.status.as_ref().expect("a status line");
    (s.text.clone(), s.error)
}

/// The rule ids `enkaku check --encounter` gives for a stored encounter, from the binary.
fn check_encounter(dir: &std::path::Path, id: &str) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(["check", "--encounter", id, "--json"])
        .env_remove("ENKAKU_CONFIG")
        .env("HOME", dir)
        .output()
        .expect("run enkaku");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("findings JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

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
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n",
            args_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // A quoted argument with a space in it must reach the program as one word.
    let video = format!(
        "{} 'https://meet.example/{{room}}' 'Dr Sato (Enkaku)'",
        script.display()
    );
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

    // Confirm the per-consultation items of the checklist (the medications later, with the
    // patient), and write the chief complaint.
    let ticked_first = |i: usize| i != SessionChecks::MEDICATIONS;
    for i in (0..SessionChecks::COUNT).filter(|i| ticked_first(*i)) {
        app.state.consult.as_mut().unwrap().selected = i;
        app.key(KeyCode::Char(' '));
    }
    // A red flag in the complaint blocks an online first visit (指針 V.1(2)).
    app.key(KeyCode::Char('k'));
    app.type_text("突然の激しい胸痛");
    app.key(KeyCode::Enter);
    assert!(
        blocks(&app).contains(&"eligibility.red_flag".to_string()),
        "{:?}",
        blocks(&app)
    );
    app.key(KeyCode::Char('k'));
    for _ in "突然の激しい胸痛".chars() {
        app.key(KeyCode::Backspace);
    }
    app.type_text("くしゃみと鼻水");
    app.key(KeyCode::Enter);
    assert!(!blocks(&app).contains(&"eligibility.red_flag".to_string()));
    // The subjective part of the note, before anything else.
    app.key(KeyCode::Char('e'));
    app.type_text("くしゃみと鼻汁が続く");
    app.key(KeyCode::Esc);
    let encounter_id = app.state.consult.as_ref().unwrap().encounter.id.clone();

    // The workstation restarts mid-consultation: every tick, the complaint and the note are
    // still there.
    drop(app);
    let mut app = App::reopen(dir.path(), Lang::En, &video);
    app.sign_in("dr-sato");
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Consult);
    let c = app.state.consult.as_ref().unwrap();
    assert_eq!(c.encounter.id, encounter_id);
    for i in 0..SessionChecks::COUNT {
        assert_eq!(c.encounter.checks.get(i), ticked_first(i), "item {i}");
    }
    assert_eq!(c.encounter.chief_complaint, "くしゃみと鼻水");
    assert_eq!(c.note.part(0).text(), "くしゃみと鼻汁が続く");
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
    let (text, error) = status(&app);
    assert!(error && text.contains("consent.agreement"), "{text}");

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

    // The workstation comes back with a video command that cannot start: the error is on the
    // screen, and no start, room or session is recorded.
    drop(app);
    let mut app = App::reopen(dir.path(), Lang::En, "/nonexistent/video-program {room}");
    app.sign_in("dr-sato");
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('c'));
    app.key(KeyCode::Char('v'));
    let (text, error) = status(&app);
    assert!(error && text.starts_with("Video not started"), "{text}");
    assert!(app.render(100, 30).contains("Video not started"));
    let e = &app.state.consult.as_ref().unwrap().encounter;
    assert!(e.started_at.is_none() && e.video_room.is_none());
    let stored = app.worker.store.patient(PATIENT).unwrap();
    assert!(stored.encounters[&encounter_id].started_at.is_none());
    assert!(
        !app.worker
            .store
            .audit_entries(None)
            .unwrap()
            .iter()
            .any(|a| a.action == "encounter.start")
    );

    // Start video with the configured command: it runs with an unguessable room, and the
    // quoted argument arrives as one word.
    drop(app);
    let mut app = App::reopen(dir.path(), Lang::En, &video);
    app.sign_in("dr-sato");
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('c'));
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
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        vec![
            format!("https://meet.example/{room}").as_str(),
            "Dr Sato (Enkaku)"
        ]
    );

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
    // A first-visit prohibition has no override: `o` on its line offers only what resolves it.
    app.keys(&[KeyCode::Tab, KeyCode::Tab]);
    assert_eq!(
        app.state.consult.as_ref().unwrap().focus,
        enkaku::tui::state::ConsultFocus::Prescriptions
    );
    app.key(KeyCode::Char('o'));
    assert!(app.state.overlay.is_none(), "no override form");
    let (text, error) = status(&app);
    assert!(error, "{text}");
    assert!(text.contains("cannot be overridden"), "{text}");
    assert!(
        text.contains("remove the line") && text.contains("switch to in-person care"),
        "{text}"
    );
    assert!(
        app.state
            .consult
            .as_ref()
            .unwrap()
            .encounter
            .overrides
            .is_empty()
    );
    // It goes.
    app.key(KeyCode::Delete);

    // A PDE5 inhibitor before the current medications are confirmed: a block on its line that
    // the doctor may override with a reason (指針 V.1(5)④ⅱ). The override names the line;
    // deleting the line withdraws it.
    app.key(KeyCode::Char('r'));
    app.type_text("シルデナフィル");
    app.keys(&[KeyCode::Tab]);
    app.type_text("1回1錠 1日3回");
    app.keys(&[KeyCode::Tab]);
    app.type_text("7");
    app.key(KeyCode::Enter);
    assert!(
        open_blocks(&app).contains(&"rx.pde5.unverified".to_string()),
        "{:?}",
        open_blocks(&app)
    );
    let (line, drug) = app
        .state
        .consult
        .as_ref()
        .unwrap()
        .encounter
        .prescriptions
        .values()
        .next()
        .map(|rx| (rx.id.clone(), rx.drug_name.clone()))
        .expect("the sildenafil line");
    app.state.consult.as_mut().unwrap().rx_selected = 0;
    app.key(KeyCode::Char('o'));
    {
        let Some(enkaku::tui::state::Overlay::Form(form)) = &app.state.overlay else {
            panic!("the override form: {:?}", app.state.status)
        };
        let about = form.about(Lang::En).join("\n");
        assert!(about.contains("rx.pde5.unverified"), "{about}");
        assert!(about.contains(&format!("prescription: {drug}")), "{about}");
    }
    app.type_text("循環器内科で硝酸薬なしを確認済み");
    app.key(KeyCode::Enter);
    app.key(KeyCode::Char('y'));
    let c = app.state.consult.as_ref().unwrap();
    let overrides: Vec<_> = c.encounter.overrides.values().collect();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].finding.rule, "rx.pde5.unverified");
    assert_eq!(overrides[0].finding.line.as_ref(), Some(&line));
    assert!(!open_blocks(&app).contains(&"rx.pde5.unverified".to_string()));
    assert!(app.render(100, 30).contains("overridden 1"));
    app.key(KeyCode::Delete);
    let c = app.state.consult.as_ref().unwrap();
    assert!(c.encounter.prescriptions.is_empty());
    assert!(c.encounter.overrides.is_empty(), "withdrawn with its line");
    let (text, _) = status(&app);
    assert!(text.contains("override withdrawn"), "{text}");
    let stored = app.worker.store.patient(PATIENT).unwrap();
    assert!(stored.encounters[&encounter_id].overrides.is_empty());

    // The current medications, confirmed with the patient; a non-psychotropic for 7 days passes.
    app.key(KeyCode::Tab);
    app.state.consult.as_mut().unwrap().selected = SessionChecks::MEDICATIONS;
    app.key(KeyCode::Char(' '));
    assert!(
        app.state
            .consult
            .as_ref()
            .unwrap()
            .encounter
            .checks
            .medications_confirmed
    );
    app.keys(&[KeyCode::Tab, KeyCode::Tab]);
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

    // The rest of the SOAP note, typed in Japanese (S was written before the restart).
    app.key(KeyCode::Char('e'));
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
    // What the screen shows is what `check --encounter` says of the stored encounter.
    let on_screen: Vec<String> = app
        .state
        .consult
        .as_ref()
        .unwrap()
        .findings
        .iter()
        .map(|f| f.rule.to_string())
        .collect();
    let id = format!("{PATIENT}/{encounter_id}");
    assert_eq!(check_encounter(dir.path(), &id), on_screen, "{id}");
    app.key(KeyCode::Char('s'));
    app.key(KeyCode::Char('y'));
    assert!(app.state.consult.is_none());
    let signed = app.worker.store.patient(PATIENT).unwrap().encounters[&encounter_id].clone();
    assert!(signed.signed_at.is_some());

    // After signing, the visit on the board opens the signed record, where `e` writes an
    // addendum beside it; the record stays as signed.
    app.key(KeyCode::Esc);
    assert_eq!(app.state.screen, Screen::Queue);
    app.select_visit(PATIENT);
    app.key(KeyCode::Char('c'));
    assert_eq!(app.state.screen, Screen::Consult);
    assert_eq!(
        app.state.consult.as_ref().unwrap().encounter.id,
        encounter_id
    );
    app.key(KeyCode::Char('k'));
    assert!(app.state.overlay.is_none());
    assert!(status(&app).0.contains("addendum"), "{:?}", status(&app));
    app.key(KeyCode::Char('e'));
    app.type_text("電話で再確認");
    app.key(KeyCode::Tab);
    app.type_text("夜間の咳は軽快");
    app.key(KeyCode::Enter);
    assert!(app.state.overlay.is_none(), "{:?}", app.state.overlay);
    let after = app.worker.store.patient(PATIENT).unwrap().encounters[&encounter_id].clone();
    assert_eq!(after.addenda.len(), 1);
    let addendum = after.addenda.values().next().unwrap();
    assert_eq!(addendum.author, "dr-sato");
    assert_eq!(addendum.text, "夜間の咳は軽快");
    assert_eq!(after.notes, signed.notes);
    assert_eq!(after.prescriptions, signed.prescriptions);
    assert_eq!(after.signed_at, signed.signed_at);
    app.key(KeyCode::Esc);

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
        ("dr-sato", "encounter.complaint"),
        ("dr-sato", "encounter.check"),
        ("dr-sato", "block.override"),
        ("dr-sato", "prescription.remove.override_withdrawn"),
        ("dr-sato", "encounter.addendum"),
        ("dr-sato", "queue.status.in_session"),
        ("dr-sato", "queue.status.done"),
    ] {
        assert!(has(staff, action), "audit lacks {staff} {action}");
    }
    assert!(app.worker.store.verify_audit().unwrap().is_ok());
}
