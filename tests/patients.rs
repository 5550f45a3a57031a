//! `enkaku patients import | list | show` over the real binary and a real store: a Shift_JIS
//! list with Japanese headers and 和暦 dates, a UTF-8 (BOM) list with English headers, bad rows
//! reported by line, re-import that adds nothing and updates only what changed, the refusal of a
//! list that rejects most of its rows, the patient held back as a possible duplicate, and output
//! piped into `head`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn enkaku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enkaku"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ENKAKU_CONFIG")
        .env("HOME", dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run enkaku: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A data directory holding a clinic (patients are imported into a clinic that has been set
/// up), with the front-desk clerk `fd-clerk` the imports are recorded under.
fn temp_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"));
    let file = write(
        &dir.path().join("clinic.toml"),
        r#"
name = "みなみクリニック"
institution_code = "1310345671"

[admin]
id = "admin-mori"
name = "森 誠"
kana = "モリ マコト"
pin = "4821"

[[staff]]
id = "fd-clerk"
name = "鈴木 明美"
kana = "スズキ アケミ"
role = "front_desk"
"#
        .as_bytes(),
    );
    let init = enkaku(
        dir.path(),
        &["clinic", "init", "--from", &file.display().to_string()],
    );
    assert!(init.status.success(), "{}", stderr(&init));
    dir
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path.to_path_buf()
}

const SURNAMES: [(&str, &str); 10] = [
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
];
const GIVEN: [(&str, &str); 5] = [
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("美咲", "ミサキ"),
    ("健", "ケン"),
    ("恵子", "ケイコ"),
];

/// A レセコン export of `n` patients with Japanese headers, dates in several forms (和暦 among
/// them), 記号 and 番号 apart and 負担割合 as 割.
fn japanese_list(n: usize, phone_of: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        "患者番号,氏名,カナ氏名,生年月日,性別,電話番号,住所,保険種別,保険者番号,記号,番号,負担割合,郵便番号\r\n",
    );
    for i in 0..n {
        let (s, sk) = SURNAMES[i % SURNAMES.len()];
        let (g, gk) = GIVEN[(i / SURNAMES.len()) % GIVEN.len()];
        let dob = match i % 4 {
            0 => format!("S{}.{}.{}", 20 + i % 40, 1 + i % 12, 1 + i % 28),
            1 => format!("昭和{}年{}月{}日", 30 + i % 30, 1 + i % 12, 1 + i % 28),
            2 => format!("H{}.{}.{}", 2 + i % 20, 1 + i % 12, 1 + i % 28),
            _ => format!("{}/{:02}/{:02}", 1950 + i % 50, 1 + i % 12, 1 + i % 28),
        };
        let sex = if i % 2 == 0 { "女" } else { "男" };
        let (kind, insurer) = if i % 3 == 0 {
            ("国保", "138057".to_string())
        } else {
            ("社保", format!("0613{:04}", i))
        };
        text.push_str(&format!(
            "{number},{s} {g},{sk} {gk},{dob},{sex},{phone},東京都千代田区{i}-1,{kind},{insurer},{sym},{num},{copay}割,100-0001\r\n",
            number = 10_000 + i,
            phone = phone_of(i),
            sym = 100 + i,
            num = i,
            copay = 1 + i % 3,
        ));
    }
    text
}

fn shift_jis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "the test list has a character Shift_JIS lacks");
    bytes.into_owned()
}

fn phone(i: usize) -> String {
    format!("03-1234-{:04}", i)
}

fn audit_count(dir: &Path) -> usize {
    let out = enkaku(dir, &["audit", "log", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v.as_array().map_or(0, Vec::len)
}

#[test]
fn a_shift_jis_list_with_japanese_headers_imports_once_and_updates_what_changed() {
    let dir = temp_dir();
    let file = write(
        &dir.path().join("rececon.csv"),
        &shift_jis(&japanese_list(50, phone)),
    );
    let file_arg = file.display().to_string();
    let first = enkaku(
        dir.path(),
        &["--staff", "fd-clerk", "patients", "import", &file_arg],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.contains("50 rows (Shift_JIS): 50 added, 0 updated, 0 unchanged, 0 rejected"),
        "{out}"
    );
    assert!(
        stderr(&first).contains("columns not read: 郵便番号"),
        "{}",
        stderr(&first)
    );

    let list = enkaku(dir.path(), &["patients", "list", "--json"]);
    let all: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap_or_default();
    assert_eq!(all.as_array().map(Vec::len), Some(50));

    // Row 0: 山田 花子, S20.1.1 (1945-01-01), 国保, 1割.
    let show = enkaku(dir.path(), &["patients", "show", "10000", "--json"]);
    assert!(show.status.success(), "{}", stderr(&show));
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap_or_default();
    assert_eq!(p["id"], "pn-10000");
    assert_eq!(p["demographics"]["name_kanji"], "山田 花子");
    assert_eq!(p["demographics"]["name_kana"], "ヤマダ ハナコ");
    assert_eq!(p["demographics"]["date_of_birth"], "1945-01-01");
    assert_eq!(p["demographics"]["sex"], "female");
    assert_eq!(p["insurance"]["kind"], "national");
    assert_eq!(p["insurance"]["insurer_number"], "138057");
    assert_eq!(p["insurance"]["member_symbol_number"], "100・0");
    assert_eq!(p["insurance"]["copay_percent"], 10);
    // Row 1: 昭和31年2月2日.
    let show = enkaku(dir.path(), &["patients", "show", "pn-10001", "--json"]);
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap_or_default();
    assert_eq!(p["demographics"]["date_of_birth"], "1956-02-02");
    assert_eq!(p["insurance"]["kind"], "employee");

    // Each new patient is audited under the staff id that imported it.
    let log = stdout(&enkaku(dir.path(), &["audit", "log", "--json"]));
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap_or_default();
    let imports = entries
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["action"] == "patient.import" && e["staff_id"] == "fd-clerk")
                .count()
        })
        .unwrap_or(0);
    assert_eq!(imports, 50);

    // The same file again: nothing added, nothing written.
    let audited = audit_count(dir.path());
    let export = stdout(&enkaku(dir.path(), &["export", "--json"]));
    let again = enkaku(dir.path(), &["patients", "import", &file_arg]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 added, 0 updated, 50 unchanged, 0 rejected"),
        "{}",
        stdout(&again)
    );
    assert_eq!(audit_count(dir.path()), audited);
    assert_eq!(stdout(&enkaku(dir.path(), &["export", "--json"])), export);

    // Two phones changed in the レセコン: only those two fields are written.
    let changed = write(
        &dir.path().join("rececon2.csv"),
        &shift_jis(&japanese_list(50, |i| {
            if i == 7 || i == 30 {
                format!("090-0000-{i:04}")
            } else {
                phone(i)
            }
        })),
    );
    let third = enkaku(
        dir.path(),
        &[
            "--staff",
            "fd-clerk",
            "patients",
            "import",
            &changed.display().to_string(),
        ],
    );
    assert!(third.status.success(), "{}", stderr(&third));
    let out = stdout(&third);
    assert!(out.contains("0 added, 2 updated, 48 unchanged"), "{out}");
    assert!(
        out.contains("line 9: updated pn-10007 (demographics.phone)"),
        "{out}"
    );
    assert_eq!(audit_count(dir.path()), audited + 2);
    let show = enkaku(dir.path(), &["patients", "show", "10030", "--json"]);
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap_or_default();
    assert_eq!(p["demographics"]["phone"], "090-0000-0030");
    assert_eq!(p["demographics"]["name_kanji"], "山田 健");
}

#[test]
fn a_utf8_bom_list_with_english_headers_and_bad_rows_by_line() {
    let dir = temp_dir();
    let text = "\u{feff}sex,dob,kana,name,patient_number,insurer_number,symbol_number,copay\n\
                F,1980-04-01,スズキ ハナ,鈴木 花,A-1,06139952,12・34,30\n\
                M,1975/13/01,タナカ ケン,田中 健,A-2,,,\n\
                U,1990-01-01,サトウ ミキ,佐藤 美紀,A-3,,,\n\
                F,2001-02-03,イトウ アイ,伊藤 愛,A-4,1234567,,\n\
                M,H10.10.10,カトウ ジュン,加藤 純,A-5,39131015,,10\n\
                F,1970-01-01,,名無し,A-6,,,\n\
                M,1960-06-06,オノ タロウ,小野 太郎,A-1,,,\n\
                F,1999-09-09,ノダ サキ,野田 咲,A-7,06139952,,25\n\
                M,1988-08-08,ハラ リョウ,原 亮,A-8,,,\n\
                F,1977-07-07,モリ ユイ,森 結衣,A-9,138057,,3割\n";
    let file = write(&dir.path().join("emr.csv"), text.as_bytes());
    let file_arg = file.display().to_string();
    let out = enkaku(dir.path(), &["patients", "import", &file_arg]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    for needle in [
        format!("{file_arg}: line 3: date_of_birth: \"1975/13/01\""),
        format!("{file_arg}: line 4: sex: \"U\""),
        format!("{file_arg}: line 5: insurer_number: \"1234567\" is not 6 or 8 digits"),
        format!("{file_arg}: line 7: name_kana:"),
        format!("{file_arg}: line 8: patient_number: A-1 repeats line 2"),
        format!("{file_arg}: line 9: copay: \"25\""),
        "6 of 10 rows rejected".to_string(),
    ] {
        assert!(err.contains(&needle), "stderr lacks {needle:?}: {err}");
    }
    // Six of ten is more than half: nothing was imported.
    let list = enkaku(dir.path(), &["patients", "list"]);
    assert!(stdout(&list).contains("0 patients"), "{}", stdout(&list));

    // Without the two worst rows, four of eight fail: the good ones are imported.
    let fewer: String = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 6)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let file = write(&dir.path().join("emr2.csv"), fewer.as_bytes());
    let out = enkaku(
        dir.path(),
        &["patients", "import", &file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("8 rows (UTF-8 (BOM)): 4 added, 0 updated, 0 unchanged, 4 rejected"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("the other rows were imported"),
        "{}",
        stderr(&out)
    );
    let show = enkaku(dir.path(), &["patients", "show", "A-5", "--json"]);
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap_or_default();
    assert_eq!(p["demographics"]["date_of_birth"], "1998-10-10");
    assert_eq!(p["insurance"]["kind"], "late_elderly");
    let show = enkaku(dir.path(), &["patients", "show", "A-1"]);
    assert!(
        stdout(&show).contains("鈴木 花 (スズキ ハナ)"),
        "{}",
        stdout(&show)
    );
    assert!(stdout(&show).contains("12・34"), "{}", stdout(&show));
    let missing = enkaku(dir.path(), &["patients", "show", "Z-9"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no patient with id or patient number \"Z-9\""));
}

#[test]
fn a_list_that_rejects_most_rows_keeps_what_is_there() {
    let dir = temp_dir();
    let good = write(
        &dir.path().join("good.csv"),
        &shift_jis(&japanese_list(50, phone)),
    );
    let first = enkaku(
        dir.path(),
        &["patients", "import", &good.display().to_string()],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let export = stdout(&enkaku(dir.path(), &["export", "--json"]));
    let bad = "患者番号,氏名,カナ氏名,生年月日,性別\n\
               20001,新井 一,アライ ハジメ,S40.1.1,男\n\
               20002,新井 二,アライ ジ,S40.13.1,男\n\
               20003,新井 三,アライ サン,,男\n\
               10000,山田 花子,ヤマダ ハナコ,S20.1.1,?\n";
    let file = write(&dir.path().join("bad.csv"), bad.as_bytes());
    let file_arg = file.display().to_string();
    let out = enkaku(dir.path(), &["patients", "import", &file_arg]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("3 of 4 rows rejected (more than half); nothing was imported"),
        "{err}"
    );
    for line in [
        "line 3: date_of_birth",
        "line 4: date_of_birth",
        "line 5: sex",
    ] {
        assert!(
            err.contains(&format!("{file_arg}: {line}")),
            "{line}: {err}"
        );
    }
    assert_eq!(stdout(&enkaku(dir.path(), &["export", "--json"])), export);
}

#[test]
fn a_new_number_matching_an_unnumbered_patient_is_held_back() {
    let dir = temp_dir();
    {
        let mut store =
            enkaku::store::Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let patient: enkaku::domain::Patient = serde_json::from_value(serde_json::json!({
            "id": "p-desk1",
            "demographics": {
                "name_kanji": "山田 花子", "name_kana": "ヤマダ ハナコ",
                "date_of_birth": "1945-01-01", "sex": "female"
            }
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let today = enkaku::domain::parse_date("2026-11-21").unwrap_or_else(|e| panic!("{e}"));
        store
            .register_patient("fd-clerk", &patient, today)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let file = write(
        &dir.path().join("list.csv"),
        &shift_jis(&japanese_list(3, phone)),
    );
    let out = enkaku(
        dir.path(),
        &["patients", "import", &file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("line 2: patient_number: 10000 is new, but p-desk1")
            && err.contains("held back"),
        "{err}"
    );
    assert!(stdout(&out).contains("2 added"), "{}", stdout(&out));
    let list = stdout(&enkaku(dir.path(), &["patients", "list"]));
    assert!(list.contains("3 patients"), "{list}");
}

#[test]
fn neither_utf8_nor_shift_jis_is_an_error_naming_the_file() {
    let dir = temp_dir();
    let file = write(
        &dir.path().join("latin.csv"),
        b"patient_number,name\n1,\x85\x20\xff\n",
    );
    let out = enkaku(
        dir.path(),
        &["patients", "import", &file.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("latin.csv: neither UTF-8 nor Shift_JIS"),
        "{}",
        stderr(&out)
    );
    let no_column = write(&dir.path().join("cols.csv"), "name,dob\n".as_bytes());
    let out = enkaku(
        dir.path(),
        &["patients", "import", &no_column.display().to_string()],
    );
    assert!(
        stderr(&out).contains("cols.csv: line 1: the column patient_number is missing"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn output_piped_into_head_ends_quietly() {
    let dir = temp_dir();
    let file = write(
        &dir.path().join("big.csv"),
        &shift_jis(&japanese_list(1500, phone)),
    );
    let out = enkaku(
        dir.path(),
        &["patients", "import", &file.display().to_string()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Piped: plain progress lines, no bar.
    assert!(
        stderr(&out).contains("stored 1000/1500 patients"),
        "{}",
        stderr(&out)
    );
    for args in ["patients list", "patients list --json"] {
        let shell = format!(
            "{} --data-dir {} {args} | head -n 1",
            env!("CARGO_BIN_EXE_enkaku"),
            dir.path().display()
        );
        let piped = Command::new("sh")
            .arg("-c")
            .arg(&shell)
            .env("HOME", dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(piped.status.success());
        assert_eq!(stdout(&piped).lines().count(), 1);
        assert_eq!(stderr(&piped), "", "{args}");
    }
}
