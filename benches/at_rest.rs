//! At-rest benchmark: durable one-field edit p50/p95 and opening a patient with 1,000
//! encounters (cold: a fresh store and connection each time), on a clear store and on the same
//! store encrypted with SQLCipher; unlocking the key file (Argon2id, 64 MiB, t=3); hashing and
//! verifying a staff PIN (Argon2id, 19 MiB, t=2). Targets on a 2-core machine: edit p95 <= 5 ms,
//! open <= 10 ms, with or without encryption.

use std::path::Path;
use std::time::{Duration, Instant};

use enkaku::demo::synthetic_patient;
use enkaku::domain::{ChartNote, Encounter, Prescription, Staff, VisitKind};
use enkaku::store::key::{DataKey, KeyFile};
use enkaku::store::{DB_FILE, Store};

const PASSPHRASE: &str = "correct horse battery staple";

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// 2,000 synthetic patients and one with 1,000 encounters, each with a note and a prescription.
fn build(dir: &Path) {
    let mut store = Store::open_dir(dir).expect("open store");
    enkaku::demo::add_synthetic(&mut store, 2_000).expect("seed");
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
}

fn measure(label: &str, path: &Path, key: Option<&DataKey>) {
    let mut store = Store::open_with_key(path, key).expect("open");
    let mut edits = Vec::new();
    for i in 0..300u64 {
        let id = format!("s-{:06}", 1 + (i * 7919) % 2_000);
        let t = Instant::now();
        store
            .update_demographics("fd-bench", &id, |d| d.phone = format!("03-{i:04}"))
            .expect("edit");
        edits.push(t.elapsed());
    }
    drop(store);
    println!(
        "{label}: durable one-field edit (n={}):   p50 {}  p95 {}  (target p95 <= 5 ms)",
        edits.len(),
        ms(percentile(&mut edits, 0.5)),
        ms(percentile(&mut edits, 0.95))
    );
    let mut connects = Vec::new();
    let mut opens = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut cold = Store::open_with_key(path, key).expect("reopen");
        connects.push(t.elapsed());
        let t = Instant::now();
        let p = cold.patient("p-big").expect("open patient");
        opens.push(t.elapsed());
        assert_eq!(p.encounters.len(), 1000);
    }
    println!(
        "{label}: open a patient with 1,000 encounters: p50 {}  max {}  (cold; target <= 10 ms)",
        ms(percentile(&mut opens, 0.5)),
        ms(*opens.iter().max().unwrap_or(&Duration::ZERO))
    );
    println!(
        "{label}:   (opening the store itself first: p50 {})",
        ms(percentile(&mut connects, 0.5))
    );
}

fn main() {
    let clear = tempfile::tempdir().expect("temp dir");
    build(clear.path());
    let encrypted = tempfile::tempdir().expect("temp dir");
    std::fs::copy(clear.path().join(DB_FILE), encrypted.path().join(DB_FILE)).expect("copy");
    let t = Instant::now();
    enkaku::store::at_rest::encrypt(encrypted.path(), PASSPHRASE).expect("encrypt");
    println!(
        "encrypt the store (sqlcipher_export, checked): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let mut unlocks = Vec::new();
    let mut key = None;
    for _ in 0..5 {
        let t = Instant::now();
        key = enkaku::store::at_rest::unlock(encrypted.path(), PASSPHRASE).expect("unlock");
        unlocks.push(t.elapsed());
    }
    let key = key.expect("encrypted");
    println!(
        "unlock the key file (Argon2id 64 MiB, t=3): p50 {}",
        ms(percentile(&mut unlocks, 0.5))
    );
    let t = Instant::now();
    KeyFile::wrap(&key, PASSPHRASE).expect("wrap");
    println!("wrap the key under a new passphrase: {}", ms(t.elapsed()));

    measure("clear    ", &clear.path().join(DB_FILE), None);
    measure("encrypted", &encrypted.path().join(DB_FILE), Some(&key));

    let mut hashes = Vec::new();
    let mut verifies = Vec::new();
    for i in 0..10 {
        let t = Instant::now();
        let h = Staff::hash_pin(&format!("salt-{i}"), "2468");
        hashes.push(t.elapsed());
        let t = Instant::now();
        assert!(enkaku::domain::pin::verify(&h, "2468"));
        verifies.push(t.elapsed());
    }
    println!(
        "PIN hash (Argon2id 19 MiB, t=2): p50 {}  verify: p50 {}",
        ms(percentile(&mut hashes, 0.5)),
        ms(percentile(&mut verifies, 0.5))
    );
}
