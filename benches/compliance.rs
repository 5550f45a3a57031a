//! Compliance-report benchmark: the demo clinic plus 10,000 synthetic patients (2 to 8
//! encounters each, 5 on average, about two thirds of them online) in a fresh store, then
//! `report compliance` over the whole year, and prints the seconds it took.
//! Target on a 2-core machine: <= 2 s.

use std::time::Instant;

const PATIENTS: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = enkaku::store::Store::open_dir(dir.path()).expect("open store");
    let day = enkaku::domain::parse_date("2026-11-21").expect("date");
    enkaku::demo::seed(&mut store, day).expect("seed demo");
    let seeding = Instant::now();
    let added = enkaku::demo::add_synthetic(&mut store, PATIENTS).expect("synthetic patients");
    println!(
        "seeded {added} synthetic patients in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let mut drugs = enkaku::drugs::DrugMaster::open_dir(dir.path()).expect("drug master");
    drugs.ensure_demo().expect("demo drugs");
    let from = enkaku::domain::parse_date("2026-01-01").expect("date");
    let to = enkaku::domain::parse_date("2026-12-31").expect("date");
    let started = Instant::now();
    let report =
        enkaku::cli::compliance_report(&mut store, &drugs, from, to).expect("compliance report");
    let secs = started.elapsed().as_secs_f64();
    let blocks: usize = report.per_rule.values().sum();
    println!(
        "report compliance: {} online encounters of {} patients, {} open blocks, in {secs:.2} s (target <= 2 s)",
        report.encounters.len(),
        added + 30,
        blocks
    );
}
