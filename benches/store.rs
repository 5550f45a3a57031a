//! Store benchmark: prints durable one-field edit p50/p95, opening a patient with 1,000
//! encounters, searching 10,000 patients by name and kana, and seeding 10,000 patients.
//! Targets on a 2-core machine: edit p95 <= 5 ms, open <= 10 ms, search <= 5 ms, seed <= 30 s.

use std::time::{Duration, Instant};

use enkaku::demo::synthetic_patient;
use enkaku::domain::{ChartNote, Encounter, Prescription, VisitKind};
use enkaku::store::Store;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_dir(dir.path()).expect("open store");

    // Seeding 10,000 patients with histories.
    let started = Instant::now();
    let added = enkaku::demo::add_synthetic(&mut store, 10_000).expect("seed");
    let seed = started.elapsed();
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "seed {added} patients:                 {:.2} s  (target <= 30 s; file {:.1} MB)",
        seed.as_secs_f64(),
        size as f64 / 1e6
    );

    // Durable one-field edits on patients spread over the store.
    let mut edits = Vec::new();
    for i in 0..600u64 {
        let id = format!("s-{:06}", 1 + (i * 7919) % 10_000);
        let t = Instant::now();
        store
            .update_demographics("fd-bench", &id, |d| d.phone = format!("03-{i:04}"))
            .expect("edit");
        edits.push(t.elapsed());
    }
    println!(
        "durable one-field edit (n={}):        p50 {}  p95 {}  (target p95 <= 5 ms)",
        edits.len(),
        ms(percentile(&mut edits, 0.5)),
        ms(percentile(&mut edits, 0.95))
    );

    // A patient with 1,000 encounters, each with a note and a prescription, built edit by edit.
    let mut big = synthetic_patient(999_999);
    big.id = "p-big".into();
    big.encounters.clear();
    store.add_patient("dr-bench", &big).expect("add");
    for n in 0..1000 {
        let mut e = Encounter::new(format!("en-{n}"), VisitKind::OnlineFollowup);
        e.doctor = Some("dr-sato".into());
        e.chief_complaint = "高血圧症の定期受診".into();
        e.started_at = Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(n));
        e.notes.insert(
            format!("nt-{n}"),
            ChartNote {
                id: format!("nt-{n}"),
                author: "dr-sato".into(),
                written_at: time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(n),
                subjective: "家庭血圧は130台で安定".into(),
                objective: "家庭血圧 132/84 mmHg、脈拍 72".into(),
                assessment: "高血圧症、コントロール良好".into(),
                plan: "現処方継続。3か月後に対面で採血".into(),
            },
        );
        e.prescriptions.insert(
            format!("rx-{n}"),
            Prescription {
                id: format!("rx-{n}"),
                drug_code: "2171022F2025".into(),
                drug_name: "ノルバスク錠5mg".into(),
                dose: "1回1錠 1日1回 朝食後".into(),
                days: 28,
                prescribed_by: "dr-sato".into(),
            },
        );
        store
            .save_encounter("dr-bench", "p-big", &e)
            .expect("encounter");
    }
    let path = store.path().to_path_buf();
    drop(store);
    let mut opens = Vec::new();
    for _ in 0..20 {
        let mut cold = Store::open(&path).expect("reopen");
        let t = Instant::now();
        let p = cold.patient("p-big").expect("open patient");
        opens.push(t.elapsed());
        assert_eq!(p.encounters.len(), 1000);
    }
    let mut loads = Vec::new();
    for _ in 0..5 {
        let mut cold = Store::open(&path).expect("reopen");
        let id = enkaku::store::DocId::patient("p-big").expect("id");
        let t = Instant::now();
        cold.read_json(&id, &[]).expect("load document");
        loads.push(t.elapsed());
    }
    println!(
        "  (for comparison: loading that document's Automerge history and walking it: p50 {})",
        ms(percentile(&mut loads, 0.5))
    );
    println!(
        "open a patient with 1,000 encounters:  p50 {}  max {}  (cold cache, read model; target <= 10 ms)",
        ms(percentile(&mut opens, 0.5)),
        ms(*opens.iter().max().unwrap_or(&Duration::ZERO))
    );

    // Searching 10,000 patients by kanji and kana.
    let mut store = Store::open(&path).expect("reopen");
    let t = Instant::now();
    store.search_patients("山田", 50).expect("search");
    println!(
        "first search after opening (loads the folded keys): {}",
        ms(t.elapsed())
    );
    let queries = [
        "山田",
        "やまだ",
        "ヤマダ",
        "ｻﾄｳ",
        "鈴木 花子",
        "たなか",
        "美咲",
        "ハセガワ",
        "s-00042",
        "森",
    ];
    let mut searches = Vec::new();
    let mut hits = 0;
    for _ in 0..30 {
        for q in queries {
            let t = Instant::now();
            hits += store.search_patients(q, 50).expect("search").len();
            searches.push(t.elapsed());
        }
    }
    println!(
        "search 10,000 patients (n={}):         p50 {}  p95 {}  ({} hits; target <= 5 ms)",
        searches.len(),
        ms(percentile(&mut searches, 0.5)),
        ms(percentile(&mut searches, 0.95)),
        hits
    );
}
