//! Drug master benchmark: prints the full import of the MHLW price list (when
//! `../shared/data/` is present, otherwise the demo list), opening the master, and the time to
//! look up and cross-check a 10-line prescription through `DrugLookup`, and the time to check a
//! 10-line prescription through the guideline rules engine (`rules::evaluate`).
//! Targets (issue 3): import <= 2 s, 10-line prescription <= 1 ms.

use std::path::Path;
use std::time::{Duration, Instant};

use enkaku::domain::{DrugInfo, DrugLookup};
use enkaku::drugs::{DrugError, DrugMaster};
use enkaku::rules::{Consultation, PrescriptionLine, Severity, evaluate, parse_case};

const FULL_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/mhlw_price_20250716.csv"
);

/// A plausible 10-line prescription for an elderly patient, by code (all in the demo list too):
/// zolpidem, etizolam, amlodipine, nicorandil, sildenafil, warfarin, metformin, tacrolimus,
/// heparinoid cream, loxoprofen.
const PRESCRIPTION: [&str; 10] = [
    "1129009F1025",
    "1179025F1026",
    "2171022F2025",
    "2171017F2024",
    "2590018F2026",
    "3332001F1130",
    "3962002F3023",
    "3999014M1022",
    "3339950N1035",
    "1149019F1560",
];

const RUNS: usize = 1000;

/// The scenario whose case (a first online visit) the rules-engine check starts from.
const CASE_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/scenarios/zolpidem_14_days_first_online_visit.json"
);

/// The 10 lines checked through the rules engine, found in the master by ingredient:
/// (成分名 to search for, 区分, 投与日数).
const RULES_PRESCRIPTION: [(&str, &str, u32); 10] = [
    ("ゾルピデム", "内用薬", 14),
    ("エチゾラム", "内用薬", 14),
    ("フェキソフェナジン", "内用薬", 14),
    ("アムロジピン", "内用薬", 30),
    ("メトホルミン", "内用薬", 30),
    ("ワルファリン", "内用薬", 30),
    ("シルデナフィル", "内用薬", 4),
    ("タクロリムス", "内用薬", 30),
    ("ロキソプロフェン", "内用薬", 7),
    ("ヘパリン類似物質", "外用薬", 30),
];

/// What the patient already takes (nitrate-like, against the PDE5 inhibitor above).
const CURRENT_MEDICATIONS: [(&str, &str); 1] = [("ニコランジル", "内用薬")];

fn or_exit<T>(what: &str, result: Result<T, DrugError>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{what}: {e}");
            std::process::exit(1);
        }
    }
}

fn exit_with(message: String) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

/// The first drug of `route` whose 成分名 starts with `ingredient` and names no other ingredient
/// (not a 配合剤), else the first of `route` that mentions it, as `master.search` orders them.
fn find_drug(master: &DrugMaster, ingredient: &str, route: &str) -> DrugInfo {
    let hits = or_exit("search", master.search(ingredient, 500));
    hits.iter()
        .find(|d| {
            d.route == route && d.ingredient.starts_with(ingredient) && !d.ingredient.contains('・')
        })
        .or_else(|| hits.iter().find(|d| d.route == route))
        .cloned()
        .unwrap_or_else(|| exit_with(format!("no {route} drug found for {ingredient}")))
}

/// The scenario's case with its prescription replaced by `RULES_PRESCRIPTION` and its current
/// medications by `CURRENT_MEDICATIONS`, all as codes from `master`.
fn rules_consultation(master: &DrugMaster) -> (Consultation, Vec<DrugInfo>) {
    let text = std::fs::read_to_string(CASE_FILE)
        .unwrap_or_else(|e| exit_with(format!("{CASE_FILE}: {e}")));
    let scenario: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| exit_with(format!("{CASE_FILE}: {e}")));
    let case = scenario
        .get("case")
        .unwrap_or_else(|| exit_with(format!("{CASE_FILE}: no \"case\" object")));
    let mut consultation = parse_case(&case.to_string())
        .unwrap_or_else(|e| exit_with(format!("{CASE_FILE}: case invalid: {e}")));

    let lines: Vec<DrugInfo> = RULES_PRESCRIPTION
        .iter()
        .map(|(ingredient, route, _)| find_drug(master, ingredient, route))
        .collect();
    consultation.prescriptions = lines
        .iter()
        .zip(RULES_PRESCRIPTION)
        .map(|(drug, (_, _, days))| PrescriptionLine {
            drug: Some(drug.code.clone()),
            name: Some(drug.name.clone()),
            days: Some(days),
            ..PrescriptionLine::default()
        })
        .collect();
    consultation.patient.current_medications = Some(
        CURRENT_MEDICATIONS
            .iter()
            .map(|(ingredient, route)| find_drug(master, ingredient, route).code)
            .collect(),
    );
    (consultation, lines)
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn p99(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[(samples.len() * 99) / 100]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// What a prescription check asks of the drug master: every line by code, then every PDE5
/// inhibitor line against every other line. Returns how many findings it would raise, so the
/// work cannot be optimised away.
fn check_prescription(master: &DrugMaster) -> usize {
    let drugs: Vec<DrugInfo> = PRESCRIPTION.iter().filter_map(|c| master.drug(c)).collect();
    let mut findings = drugs
        .iter()
        .filter(|d| {
            d.narcotic
                || d.psychotropic_class.is_some()
                || d.high_risk_category.is_some()
                || d.misuse_watch.is_some()
        })
        .count();
    for inhibitor in drugs.iter().filter(|d| d.pde5_inhibitor) {
        for other in drugs.iter().filter(|d| d.code != inhibitor.code) {
            if master.pde5_conflict(inhibitor, other).is_some() {
                findings += 1;
            }
        }
    }
    findings
}

fn main() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("temp dir: {e}");
            std::process::exit(1);
        }
    };
    let full = Path::new(FULL_LIST);

    // Import, three times into fresh files: the first run also pays for parsing the tables.
    let mut imports = Vec::new();
    let mut kept = None;
    for run in 0..3 {
        let sub = dir.path().join(format!("run{run}"));
        let mut master = or_exit("open", DrugMaster::open_dir(&sub));
        let started = Instant::now();
        let report = if full.is_file() {
            or_exit("import", master.import_csv(full))
        } else {
            or_exit(
                "demo import",
                master.import_str(enkaku::drugs::DEMO_SOURCE, enkaku::drugs::DEMO_DRUGS_CSV),
            )
        };
        imports.push(started.elapsed());
        if run == 0 {
            println!(
                "import {}: {} drugs, {} rejected",
                report.file,
                report.imported,
                report.rejected.len()
            );
        }
        kept = Some((sub, master));
    }
    let Some((sub, master)) = kept else { return };
    if !full.is_file() {
        println!("note: {FULL_LIST} absent; imported the demo list instead");
    }
    let mut sorted = imports.clone();
    println!(
        "full import (parse, classify, one transaction): median {:.3} s, runs {:?}  (target <= 2 s)",
        median(&mut sorted).as_secs_f64(),
        imports
            .iter()
            .map(|d| format!("{:.3} s", d.as_secs_f64()))
            .collect::<Vec<_>>()
    );

    // Re-import of the same file: parse + hash, no write.
    let mut master = master;
    let again = Instant::now();
    let source = if full.is_file() {
        or_exit("re-import", master.import_csv(full))
    } else {
        or_exit(
            "re-import",
            master.import_str(enkaku::drugs::DEMO_SOURCE, enkaku::drugs::DEMO_DRUGS_CSV),
        )
    };
    println!(
        "re-import of the same edition (unchanged = {}): {:.3} s",
        source.unchanged,
        again.elapsed().as_secs_f64()
    );
    drop(master);

    let opened = Instant::now();
    let mut master = or_exit("reopen", DrugMaster::open_dir(&sub));
    println!(
        "open the master: {:.2} ms",
        opened.elapsed().as_secs_f64() * 1e3
    );

    // Warm up the statement cache and the page cache.
    let findings = check_prescription(&master);
    let mut checks = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let n = check_prescription(&master);
        checks.push(t.elapsed());
        assert_eq!(n, findings);
    }
    println!(
        "10-line prescription via DrugLookup ({findings} findings): median {}, p99 {}  (target <= 1000 µs)",
        us(median(&mut checks)),
        us(p99(&mut checks))
    );

    let mut lookups = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let code = PRESCRIPTION[i % PRESCRIPTION.len()];
        let t = Instant::now();
        let d = master.drug(code);
        lookups.push(t.elapsed());
        assert!(d.is_some());
    }
    println!("one drug() lookup: median {}", us(median(&mut lookups)));

    let mut searches = Vec::with_capacity(100);
    for _ in 0..100 {
        let t = Instant::now();
        let hits = or_exit("search", master.search("ぞるぴでむ", 50));
        searches.push(t.elapsed());
        assert!(!hits.is_empty());
    }
    println!(
        "search by ingredient (hiragana, full scan): median {}",
        us(median(&mut searches))
    );

    // The same kind of prescription through the real rules engine, as `enkaku check` runs it.
    if !full.is_file() {
        or_exit("demo list", master.ensure_demo());
    }
    let (consultation, lines) = rules_consultation(&master);
    println!(
        "rules-engine prescription ({} lines, current medication {}): {}",
        lines.len(),
        consultation
            .patient
            .current_medications
            .as_deref()
            .unwrap_or_default()
            .join(", "),
        lines
            .iter()
            .map(|d| format!("{} {}", d.code, d.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let now = time::macros::datetime!(2025-07-20 12:00 +09:00);
    // Warm up, as above.
    let findings = evaluate(&consultation, &master, now);
    let mut evaluations = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let n = evaluate(&consultation, &master, now).len();
        evaluations.push(t.elapsed());
        assert_eq!(n, findings.len());
    }
    println!(
        "check a 10-line prescription (rules::evaluate): median {}  p99 {}  (target <= 1 ms)",
        us(median(&mut evaluations)),
        us(p99(&mut evaluations))
    );
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    println!(
        "  {} findings ({} block, {} warn, {} info): {}",
        findings.len(),
        count(Severity::Block),
        count(Severity::Warn),
        count(Severity::Info),
        findings
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>()
            .join(", ")
    );
}
