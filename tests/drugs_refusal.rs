//! A drug list that rejects most of its rows never replaces the edition in the master: the
//! library refuses with every bad line, and `enkaku drugs import` says so and exits 1. Checked
//! against the full MHLW list when `../shared/data/` holds it, and against the demo list always.

use std::path::{Path, PathBuf};
use std::process::Command;

use enkaku::drugs::{COLUMNS, DEMO_DRUGS_CSV, DrugError, DrugMaster};

const FULL_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/mhlw_price_20250716.csv"
);

fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a temp dir: {e}"),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

/// Four rows, three of them malformed: the file of the report that replaced the whole list.
fn mostly_bad(dir: &Path) -> PathBuf {
    let good = DEMO_DRUGS_CSV.lines().nth(1).unwrap_or_default();
    let text = format!(
        "{}\n{good}\n内用薬,short\n内服,1179025F2022,x,,,,,y,,,,,1,,\n内用薬,1179025F20,x,,,,,y,,,,,1,,\n",
        COLUMNS.join(",")
    );
    write(dir, "four_rows.csv", &text)
}

fn refuses_and_keeps(master: &mut DrugMaster, file: &Path) {
    let before = master.edition().ok().flatten();
    let count = master.len().unwrap_or(0);
    assert!(count > 0);
    let err = master.import_csv(file).err();
    match &err {
        Some(DrugError::MostRejected {
            rows_read,
            rejected,
            ..
        }) => {
            assert_eq!(*rows_read, 4);
            let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
            assert_eq!(lines, [3, 4, 5]);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let shown = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(shown.contains("3 of 4 rows rejected"), "{shown}");
    assert!(shown.contains("line 5"), "{shown}");
    assert_eq!(master.len().ok(), Some(count));
    assert_eq!(master.edition().ok().flatten(), before);
}

#[test]
fn the_demo_list_is_kept_when_most_rows_are_bad() {
    let dir = temp_dir();
    let mut master = DrugMaster::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = master.ensure_demo() {
        panic!("{e}");
    }
    let file = mostly_bad(dir.path());
    refuses_and_keeps(&mut master, &file);
}

#[test]
fn the_full_mhlw_list_is_kept_when_most_rows_are_bad() {
    let full = PathBuf::from(FULL_LIST);
    if !full.is_file() {
        println!("note: {FULL_LIST} is absent; the full-list refusal is skipped");
        return;
    }
    let dir = temp_dir();
    let mut master = DrugMaster::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let report = master.import_csv(&full).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.imported, 12_434);
    let file = mostly_bad(dir.path());
    refuses_and_keeps(&mut master, &file);
    assert_eq!(master.len().ok(), Some(12_434));
}

#[test]
fn the_command_refuses_names_each_line_and_exits_1() {
    let dir = temp_dir();
    let file = mostly_bad(dir.path());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_enkaku"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run enkaku: {e}"))
    };
    // The demo list is there first.
    let search = run(&["drugs", "search", "マイスリー"]);
    assert!(search.status.success());
    let file_arg = file.display().to_string();
    let out = run(&["drugs", "import", &file_arg]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 of 4 rows rejected"), "{err}");
    for line in ["line 3", "line 4", "line 5"] {
        assert!(err.contains(line), "{line}: {err}");
    }
    let after = run(&["drugs", "search", "マイスリー"]);
    let found = String::from_utf8_lossy(&after.stdout);
    assert!(found.contains("マイスリー"), "{found}");
}
