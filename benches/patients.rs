//! Patient-list benchmark: imports 10,000 patients from a generated Shift_JIS レセコン export
//! (Japanese headers, 和暦 dates, insurance columns) into a fresh store, then imports the same
//! file again (nothing changes, nothing is written), and prints the seconds of each.
//! Target on a 2-core machine: each <= 20 s.

use std::time::Instant;

const ROWS: usize = 10_000;

fn list() -> Vec<u8> {
    const SURNAMES: [(&str, &str); 8] = [
        ("山田", "ヤマダ"),
        ("佐藤", "サトウ"),
        ("鈴木", "スズキ"),
        ("高橋", "タカハシ"),
        ("田中", "タナカ"),
        ("渡辺", "ワタナベ"),
        ("伊藤", "イトウ"),
        ("中村", "ナカムラ"),
    ];
    const GIVEN: [(&str, &str); 6] = [
        ("花子", "ハナコ"),
        ("太郎", "タロウ"),
        ("美咲", "ミサキ"),
        ("健", "ケン"),
        ("恵子", "ケイコ"),
        ("翔", "ショウ"),
    ];
    let mut text = String::from(
        "患者番号,氏名,カナ氏名,生年月日,性別,電話番号,住所,保険者番号,記号,番号,負担割合\r\n",
    );
    for i in 0..ROWS {
        let (s, sk) = SURNAMES[i % SURNAMES.len()];
        let (g, gk) = GIVEN[(i / SURNAMES.len()) % GIVEN.len()];
        let dob = if i % 2 == 0 {
            format!("S{}.{}.{}", 10 + i % 50, 1 + i % 12, 1 + i % 28)
        } else {
            format!("H{}.{}.{}", 1 + i % 25, 1 + i % 12, 1 + i % 28)
        };
        text.push_str(&format!(
            "{},{s} {g},{sk} {gk},{dob},{},03-{:04}-{:04},東京都新宿区{}-{},{},{},{},{}割\r\n",
            100_000 + i,
            if i % 2 == 0 { "女" } else { "男" },
            i % 10_000,
            (i * 7) % 10_000,
            1 + i % 9,
            1 + i % 30,
            if i % 3 == 0 {
                "138057".to_string()
            } else {
                format!("06{:06}", i % 1_000_000)
            },
            1000 + i % 9000,
            i,
            1 + i % 3
        ));
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("rececon.csv");
    std::fs::write(&file, list()).expect("write the list");
    let mut store = enkaku::store::Store::open_dir(dir.path()).expect("open store");
    let today = enkaku::cli::today_jst();
    let mut quiet = |_: usize, _: usize| {};

    let started = Instant::now();
    let first = enkaku::patients_import::import(&mut store, "bench", &file, today, &mut quiet)
        .expect("import");
    let import = started.elapsed();
    assert_eq!(
        first.added.len(),
        ROWS,
        "rejected: {:?}",
        first.rejected.first()
    );
    println!(
        "import {ROWS} patients (Shift_JIS):     {:.2} s  (target <= 20 s)",
        import.as_secs_f64()
    );

    let started = Instant::now();
    let again = enkaku::patients_import::import(&mut store, "bench", &file, today, &mut quiet)
        .expect("re-import");
    let reimport = started.elapsed();
    assert_eq!(again.unchanged, ROWS);
    assert!(again.added.is_empty() && again.updated.is_empty());
    println!(
        "re-import, nothing changed:           {:.2} s  (target <= 20 s)",
        reimport.as_secs_f64()
    );
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "store file:                           {:.1} MB",
        size as f64 / 1e6
    );
}
