//! The scenario table of `tests/scenarios/*.json`, run through the same code as `enkaku check`
//! (`parse_case` then `evaluate`) against the real drug master (a SQLite file in a temp dir,
//! loaded with the demo drug list), plus the catalogue's coverage and the case-file errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use enkaku::drugs::DrugMaster;
use enkaku::rules::{
    CaseError, EXIT_BLOCKED, EXIT_CLEAR, Finding, Severity, catalogue, evaluate, exit_code,
    findings_json, parse_case, rule_info,
};

/// One row of the scenario table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    /// The clause the scenario exercises; it must be (part of) the clause of one of its rules.
    clause: String,
    /// A case file, exactly as `enkaku check --case` reads it.
    case: serde_json::Value,
    expect_fire: Vec<String>,
    expect_not_fire: Vec<String>,
    /// When true, the rules that fire are exactly `expect_fire`.
    #[serde(default)]
    expect_exactly: bool,
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2025-07-20 12:00 +09:00)
}

fn master(dir: &Path) -> DrugMaster {
    let mut master = DrugMaster::open_dir(dir).expect("open drug master");
    master.ensure_demo().expect("load demo drugs");
    master
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).expect("read scenario");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs a case file's text the way `enkaku check` does.
fn check(case_text: &str, master: &DrugMaster) -> Vec<Finding> {
    let consultation = parse_case(case_text).unwrap_or_else(|e| panic!("case invalid: {e}"));
    evaluate(&consultation, master, now())
}

#[test]
fn scenario_table() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let master = master(tmp.path());
    let files = scenario_files();
    assert!(files.len() >= 90, "only {} scenarios", files.len());

    let mut failures = Vec::new();
    let mut expected_fire: BTreeSet<String> = BTreeSet::new();
    let mut expected_quiet: BTreeSet<String> = BTreeSet::new();
    let mut observed_fire: BTreeSet<&'static str> = BTreeSet::new();
    let mut observed_quiet: BTreeMap<&'static str, usize> = BTreeMap::new();

    for path in &files {
        let s = load(path);
        let label = format!(
            "{} ({})",
            path.file_name().unwrap_or_default().to_string_lossy(),
            s.name
        );
        let findings = check(&s.case.to_string(), &master);
        let fired: BTreeSet<&'static str> = findings.iter().map(|f| f.rule).collect();

        for f in &findings {
            match rule_info(f.rule) {
                None => failures.push(format!(
                    "{label}: emitted {} which is not in the catalogue",
                    f.rule
                )),
                Some(info) if info.clause != f.clause || info.severity != f.severity => failures
                    .push(format!(
                        "{label}: {} disagrees with its catalogue entry",
                        f.rule
                    )),
                Some(_) => {}
            }
            if f.message_ja.is_empty()
                || f.message_en.is_empty()
                || f.resolve_ja.is_empty()
                || f.resolve_en.is_empty()
            {
                failures.push(format!("{label}: {} has an empty message", f.rule));
            }
        }
        let named: Vec<&String> = s.expect_fire.iter().chain(&s.expect_not_fire).collect();
        for id in &named {
            if rule_info(id).is_none() {
                failures.push(format!("{label}: names unknown rule {id}"));
            }
        }
        if !named
            .iter()
            .any(|id| rule_info(id).is_some_and(|r| r.clause.contains(s.clause.as_str())))
        {
            failures.push(format!(
                "{label}: clause {} is not the clause of any of its rules",
                s.clause
            ));
        }
        for id in &s.expect_fire {
            if !fired.contains(id.as_str()) {
                failures.push(format!("{label}: expected {id} to fire; fired {fired:?}"));
            }
        }
        for id in &s.expect_not_fire {
            if fired.contains(id.as_str()) {
                let f = findings.iter().find(|f| f.rule == id);
                failures.push(format!(
                    "{label}: expected {id} not to fire; it said {:?}",
                    f.map(|f| &f.message_en)
                ));
            }
        }
        if s.expect_exactly {
            let expected: BTreeSet<&str> = s.expect_fire.iter().map(String::as_str).collect();
            if fired != expected {
                failures.push(format!(
                    "{label}: fired exactly {fired:?}, expected {expected:?}"
                ));
            }
        }
        expected_fire.extend(s.expect_fire.iter().cloned());
        expected_quiet.extend(s.expect_not_fire.iter().cloned());
        observed_fire.extend(fired.iter().copied());
        for r in catalogue() {
            if !fired.contains(r.id) {
                *observed_quiet.entry(r.id).or_default() += 1;
            }
        }
    }

    for r in catalogue() {
        if !expected_fire.contains(r.id) {
            failures.push(format!("no scenario expects {} to fire", r.id));
        }
        if !expected_quiet.contains(r.id) {
            failures.push(format!("no scenario expects {} not to fire", r.id));
        }
        if !observed_fire.contains(r.id) {
            failures.push(format!("{} never fired in any scenario", r.id));
        }
        if !observed_quiet.contains_key(r.id) {
            failures.push(format!("{} fired in every scenario", r.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The case that must always hold: zolpidem for 14 days to a first-time online patient (not
/// かかりつけ, history unknown) is blocked by 指針 V.1(5); an antihistamine for 7 days to the same
/// patient, everything else recorded, is not blocked.
#[test]
fn zolpidem_blocked_antihistamine_clear() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let master = master(tmp.path());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let clean = load(&dir.join("clean_online_initial_antihistamine_7_days.json"));
    let case = &clean.case;
    assert_eq!(case["visit"], "online_initial");
    assert_eq!(case["patient"]["kakaritsuke_here"], false);
    assert_eq!(case["patient"]["history_known"], false);

    let findings = check(&case.to_string(), &master);
    assert_eq!(exit_code(&findings), EXIT_CLEAR, "{findings:#?}");
    assert!(findings.iter().all(|f| f.severity != Severity::Block));

    let mut zolpidem = case.clone();
    zolpidem["prescriptions"] = serde_json::json!([{"drug": "1129009F1025", "days": 14}]);
    let findings = check(&zolpidem.to_string(), &master);
    assert_eq!(exit_code(&findings), EXIT_BLOCKED);
    let psychotropic = findings
        .iter()
        .find(|f| f.rule == "rx.initial.psychotropic")
        .expect("zolpidem must be blocked as a psychotropic");
    assert_eq!(psychotropic.severity, Severity::Block);
    assert!(
        psychotropic.clause.starts_with("指針 V.1(5)"),
        "{}",
        psychotropic.clause
    );
    assert!(psychotropic.message_ja.contains("向精神薬"));
    assert!(psychotropic.message_ja.contains("マイスリー"));
    // Blocks come first, and --json carries rule, clause and lowercase severity.
    assert_eq!(findings[0].severity, Severity::Block);
    let json = findings_json(&findings);
    let first = &json["findings"][0];
    assert_eq!(first["severity"], "block");
    assert!(
        first["clause"]
            .as_str()
            .is_some_and(|c| c.starts_with("指針 V."))
    );
    assert!(json["findings"].as_array().is_some_and(|a| {
        a.iter()
            .any(|f| f["rule"] == "rx.initial.psychotropic" && f["message_en"].is_string())
    }));
}

#[test]
fn invalid_case_files_name_the_field() {
    let cases = [
        (
            r#"{"patient": {"age": "x"}}"#,
            "patient.age",
            r#"invalid type: string "x", expected u32"#,
        ),
        (
            r#"{"visit": "video_call"}"#,
            "visit",
            "unknown variant `video_call`",
        ),
        (
            r#"{"prescriptions": [{"drug": "1129009F1025", "days": "14"}]}"#,
            "prescriptions[0].days",
            "invalid type",
        ),
        (
            r#"{"patient": {"history_sources": ["gossip"]}}"#,
            "patient.history_sources[0]",
            "unknown variant `gossip`",
        ),
        (
            r#"{"identity": {"patient_documents": ["library_card"]}}"#,
            "identity.patient_documents[0]",
            "unknown variant",
        ),
        (
            r#"{"session": {"started_at": "yesterday"}}"#,
            "session.started_at",
            "",
        ),
        (
            r#"{"care_plan": {"items": {"care_content": "yes"}}}"#,
            "care_plan.items.care_content",
            "invalid type",
        ),
        (
            r#"{"attendees": [{"role": "family", "consent": true}]}"#,
            "attendees[0]",
            "unknown field `consent`",
        ),
        (
            r#"{"billing_recrod": {}}"#,
            "billing_recrod",
            "unknown field `billing_recrod`",
        ),
    ];
    for (text, path, message) in cases {
        match parse_case(text) {
            Err(CaseError::Field {
                path: p,
                message: m,
            }) => {
                assert!(p.starts_with(path), "{text}: path {p}, expected {path}");
                assert!(m.contains(message), "{text}: message {m}");
                let shown = CaseError::Field {
                    path: p.clone(),
                    message: m.clone(),
                }
                .to_string();
                assert!(shown.starts_with(&format!("{p}: ")), "{shown}");
            }
            other => panic!("{text}: expected a field error, got {other:?}"),
        }
    }
    assert!(matches!(
        parse_case("{\"visit\": "),
        Err(CaseError::Syntax { .. })
    ));
    assert!(matches!(parse_case("[]"), Err(CaseError::Field { .. })));
}

#[test]
fn catalogue_is_complete_and_consistent() {
    let ids: BTreeSet<&str> = catalogue().iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), catalogue().len(), "duplicate ids");
    for r in catalogue() {
        // 最低限遵守する事項 (②) block; 推奨される事項 (③) never do.
        if r.clause.contains('③') {
            assert_ne!(
                r.severity,
                Severity::Block,
                "{} blocks on a recommendation",
                r.id
            );
        }
    }
    for id in [
        "rx.initial.psychotropic",
        "rx.initial.narcotic",
        "rx.initial.high_risk",
        "rx.initial.long_course",
        "rx.current_medications",
        "rx.pde5.unverified",
        "rx.pde5.contraindicated",
        // 指針 V.1(2)②ⅸ 注 sits among the 最低限遵守する事項.
        "ec.safeguarding",
    ] {
        assert_eq!(
            rule_info(id).map(|r| r.severity),
            Some(Severity::Block),
            "{id}"
        );
    }
    for id in ["rx.misuse_watch", "rx.duplicate_ingredient"] {
        assert_eq!(
            rule_info(id).map(|r| r.severity),
            Some(Severity::Warn),
            "{id}"
        );
    }
}

/// The example in `docs/case-format.md` is valid, clear, and blocks with zolpidem as it says.
#[test]
fn documented_example_behaves_as_documented() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/case-format.md"))
            .expect("docs/case-format.md");
    let start = doc.find("```json\n{\n  \"visit\"").expect("example block") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("end of example");
    let example = &doc[start..end];

    let tmp = tempfile::tempdir().expect("temp dir");
    let master = master(tmp.path());
    let findings = check(example, &master);
    assert!(findings.is_empty(), "{findings:#?}");

    let mut case: serde_json::Value = serde_json::from_str(example).expect("example is JSON");
    case["prescriptions"] = serde_json::json!([{"drug": "1129009F1025", "days": 14}]);
    let findings = check(&case.to_string(), &master);
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule).collect();
    let expected: BTreeSet<&str> = [
        "rx.initial.psychotropic",
        "rx.initial.long_course",
        "rx.misuse_watch",
    ]
    .into();
    assert_eq!(fired, expected);
    assert_eq!(exit_code(&findings), EXIT_BLOCKED);
}

/// 指針 V.1(5)②ⅰ「ただし、初診の場合には以下の処方は行わないこと」: the four first-visit
/// prohibitions, and a drug the master cannot show clear of them, cannot be overridden and say what clears them; every other rule (the 「原則として」
/// ones among them, such as an emergency patient going in person) stays overridable. A finding
/// about a prescription line carries the line's id.
#[test]
fn first_visit_prohibitions_are_not_overridable_and_name_their_line() {
    use enkaku::rules::Resolution;
    let fixed: BTreeMap<&str, &[Resolution]> = catalogue()
        .iter()
        .filter(|r| !r.overridable)
        .map(|r| (r.id, r.resolutions))
        .collect();
    let expected: BTreeMap<&str, &[Resolution]> = BTreeMap::from([
        (
            "rx.initial.narcotic",
            &[Resolution::RemoveLine, Resolution::SwitchToInPerson][..],
        ),
        (
            "rx.initial.psychotropic",
            &[Resolution::RemoveLine, Resolution::SwitchToInPerson][..],
        ),
        (
            "rx.initial.high_risk",
            &[
                Resolution::RecordHistory,
                Resolution::RemoveLine,
                Resolution::SwitchToInPerson,
            ][..],
        ),
        // A drug the master does not know cannot be shown clear of the first three.
        (
            "rx.initial.unknown_drug",
            &[Resolution::RemoveLine, Resolution::SwitchToInPerson][..],
        ),
        (
            "rx.initial.long_course",
            &[
                Resolution::RecordHistory,
                Resolution::ShortenCourse,
                Resolution::RemoveLine,
                Resolution::SwitchToInPerson,
            ][..],
        ),
    ]);
    assert_eq!(fixed, expected);
    assert!(rule_info("eligibility.emergency").is_some_and(|r| r.overridable));
    for r in catalogue().iter().filter(|r| r.overridable) {
        assert!(r.resolutions.is_empty(), "{}", r.id);
    }

    let tmp = tempfile::tempdir().expect("temp dir");
    let master = master(tmp.path());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut case = load(&dir.join("clean_online_initial_antihistamine_7_days.json")).case;
    case["prescriptions"] =
        serde_json::json!([{"id": "rx-zolpidem", "drug": "1129009F1025", "days": 14}]);
    let findings = check(&case.to_string(), &master);
    for rule in ["rx.initial.psychotropic", "rx.initial.long_course"] {
        let f = findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{rule} fires"));
        assert!(!f.overridable, "{rule}");
        assert_eq!(f.line.as_deref(), Some("rx-zolpidem"), "{rule}");
        assert!(f.resolutions.contains(&Resolution::RemoveLine));
    }
    let json = findings_json(&findings);
    let psychotropic = json["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == "rx.initial.psychotropic"))
        .expect("psychotropic in json");
    assert_eq!(psychotropic["overridable"], false);
    assert_eq!(psychotropic["line"], "rx-zolpidem");
    assert_eq!(
        psychotropic["resolutions"],
        serde_json::json!(["remove_line", "switch_to_in_person"])
    );
    let catalogue_json = enkaku::rules::catalogue_json();
    assert!(catalogue_json["rules"].as_array().is_some_and(|rules| {
        rules
            .iter()
            .all(|r| r["overridable"].is_boolean() && r["resolutions"].is_array())
    }));
}
