//! Registration benchmark: the front desk's registration form saved through the worker on a
//! real store holding 10,000 patients — the duplicate check on kana name and date of birth,
//! then `register_patient` (validation, patient-number check, the durable write) — as p50/p95
//! over a few hundred saves. Target on a 2-core machine: p95 <= 10 ms.

use std::time::{Duration, Instant};

use enkaku::drugs::DrugMaster;
use enkaku::store::Store;
use enkaku::tui::forms::{Author, Fresh, RegisterForm, Text};
use enkaku::tui::i18n::Lang;
use enkaku::tui::state::{Action, Effect, Registration};
use enkaku::tui::worker::Worker;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// The form as the front desk fills it for the `n`th new patient.
fn filled(n: u32, dob: &str) -> RegisterForm {
    let mut f = RegisterForm::new(Lang::Ja, []);
    f.name_kanji = Text::new("", &format!("新規　{n}郎"));
    // A reading is kana only: the number is spelt with one katakana per digit.
    let spelt: String = n
        .to_string()
        .chars()
        .filter_map(|d| d.to_digit(10))
        .filter_map(|d| "アイウエオカキクケコ".chars().nth(d as usize))
        .collect();
    f.name_kana = Text::new("", &format!("シンキ　{spelt}ロウ"));
    f.date_of_birth = Text::new("", dob);
    f.phone = Text::new("", "03-1234-5678");
    f.address = Text::new("", "東京都千代田区1-1");
    f.insurance.selected = 2;
    f.insurer_number = Text::new("", "138012");
    f.patient_number = Text::new("", &format!("B{n:06}"));
    f
}

/// One save through the worker, timed; the answer must be `expected`.
fn save(worker: &mut Worker, form: &RegisterForm, n: u32, duplicate: bool) -> Duration {
    let author = Author {
        staff: "fd-suzuki".into(),
        now: time::OffsetDateTime::now_utc(),
        today: time::OffsetDateTime::now_utc().date(),
        fresh: Fresh(0xbe9c_0000_0000 + u128::from(n)),
    };
    let patient = form.submit(&author).expect("a valid form");
    let effect = Effect::Register {
        generation: u64::from(n),
        staff: author.staff.clone(),
        patient: Box::new(patient),
        today: author.today,
        anyway: false,
    };
    let t = Instant::now();
    let answer = worker.run(effect);
    let took = t.elapsed();
    match (answer.as_slice(), duplicate) {
        (
            [
                Action::Registered {
                    outcome: Registration::Registered { .. },
                    ..
                },
            ],
            false,
        )
        | (
            [
                Action::Registered {
                    outcome: Registration::Duplicates(_),
                    ..
                },
            ],
            true,
        ) => took,
        (other, _) => panic!("save {n}: {other:?}"),
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_dir(dir.path()).expect("open store");
    let today = time::OffsetDateTime::now_utc().date();
    enkaku::demo::seed(&mut store, today).expect("demo clinic");
    let started = Instant::now();
    let added = enkaku::demo::add_synthetic(&mut store, 10_000).expect("seed");
    println!(
        "seeded {added} patients in {:.1} s (plus the demo's)",
        started.elapsed().as_secs_f64()
    );
    let mut drugs = DrugMaster::open_dir(dir.path()).expect("drug master");
    drugs.ensure_demo().expect("demo drugs");
    let mut worker = Worker {
        store,
        drugs,
        clinic_id: "demo-clinic".into(),
        video_command: "true".into(),
    };

    // New patients: the duplicate check finds nobody, the patient is registered.
    let mut saves = Vec::new();
    for n in 0..400u32 {
        let dob = format!("19{:02}-{:02}-{:02}", 40 + n % 60, 1 + n % 12, 1 + n % 28);
        saves.push(save(&mut worker, &filled(n, &dob), n, false));
    }
    println!(
        "registration form save (n={}):  p50 {}  p95 {}  max {}  (target p95 <= 10 ms)",
        saves.len(),
        ms(percentile(&mut saves, 0.5)),
        ms(percentile(&mut saves, 0.95)),
        ms(percentile(&mut saves, 1.0)),
    );

    // The same people again: the duplicate check finds them and nothing is written.
    let mut checks = Vec::new();
    for n in 0..100u32 {
        let dob = format!("19{:02}-{:02}-{:02}", 40 + n % 60, 1 + n % 12, 1 + n % 28);
        checks.push(save(&mut worker, &filled(n, &dob), 10_000 + n, true));
    }
    println!(
        "save that finds a duplicate (n={}): p50 {}  p95 {}",
        checks.len(),
        ms(percentile(&mut checks, 0.5)),
        ms(percentile(&mut checks, 0.95)),
    );
}
