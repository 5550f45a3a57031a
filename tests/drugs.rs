//! Drug master over a real SQLite file in a temp dir: import of the full MHLW price list (when
//! `../shared/data/` is present) with the spot checks of issue 3, idempotent and atomic
//! re-import, malformed files, and search.

use std::path::{Path, PathBuf};

use enkaku::domain::{DrugInfo, DrugLookup};
use enkaku::drugs::{COLUMNS, DEMO_DRUGS_CSV, DRUGS_DB_FILE, DrugError, DrugMaster, DrugRecord};

const FULL_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/mhlw_price_20250716.csv"
);

fn full_list() -> Option<PathBuf> {
    let path = PathBuf::from(FULL_LIST);
    if path.is_file() {
        Some(path)
    } else {
        println!("note: {FULL_LIST} is absent; the full-list checks are skipped");
        None
    }
}

fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a temp dir: {e}"),
    }
}

fn ok<T>(result: Result<T, DrugError>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

fn open(dir: &Path) -> DrugMaster {
    ok(DrugMaster::open_dir(dir))
}

fn demo_master(dir: &Path) -> DrugMaster {
    let mut master = open(dir);
    let report = ok(master.ensure_demo());
    let Some(report) = report else {
        panic!("ensure_demo did not import into an empty master");
    };
    assert!(report.rejected.is_empty(), "{report}");
    master
}

/// Every drug a search finds (the limit is far above any result set); never empty.
fn found(master: &DrugMaster, query: &str) -> Vec<DrugRecord> {
    let hits = ok(master.search_records(query, 100_000));
    assert!(!hits.is_empty(), "search {query:?} found nothing");
    hits
}

/// The rows of `hits` that satisfy `keep`; never empty.
fn only(hits: Vec<DrugRecord>, what: &str, keep: impl Fn(&DrugRecord) -> bool) -> Vec<DrugRecord> {
    let kept: Vec<DrugRecord> = hits.into_iter().filter(|r| keep(r)).collect();
    assert!(!kept.is_empty(), "no row is {what}");
    kept
}

fn assert_all(rows: &[DrugRecord], what: &str, claim: impl Fn(&DrugRecord) -> bool) {
    let wrong: Vec<String> = rows
        .iter()
        .filter(|r| !claim(r))
        .map(|r| {
            format!(
                "{} {} {} [{}]",
                r.info.code, r.info.name, r.info.ingredient, r.info.route
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{what}: {} of {} rows wrong, e.g. {:?}",
        wrong.len(),
        rows.len(),
        &wrong[..wrong.len().min(5)]
    );
}

fn high_risk(r: &DrugRecord, id: &str) -> bool {
    r.high_risk_categories.iter().any(|c| c == id)
}

fn first_drug(master: &DrugMaster, query: &str, keep: impl Fn(&DrugRecord) -> bool) -> DrugInfo {
    let hits = only(found(master, query), query, keep);
    // Through the lookup the rules use, not the search row.
    match master.drug(&hits[0].info.code) {
        Some(d) => d,
        None => panic!("drug({}) is None", hits[0].info.code),
    }
}

#[test]
fn full_price_list_imports_and_classifies() {
    let Some(csv) = full_list() else { return };
    let dir = temp_dir();
    let mut master = open(dir.path());
    let report = ok(master.import_csv(&csv));
    assert!(report.rejected.is_empty(), "rejected rows: {report}");
    assert!(report.duplicates.is_empty(), "duplicates: {report}");
    assert_eq!(report.rows_read, 12434);
    assert_eq!(report.imported, 12434);
    assert!(!report.unchanged);
    assert!(report.previous.is_none());
    let edition = ok(master.edition()).unwrap_or_else(|| panic!("no edition recorded"));
    assert_eq!(edition.file_name, "mhlw_price_20250716.csv");
    assert_eq!(edition.row_count, 12434);
    assert_eq!(edition.sha256, report.sha256);

    // 向精神薬
    let zolpidem = found(&master, "ゾルピデム");
    assert_all(&zolpidem, "zolpidem 第三種", |r| {
        r.info.psychotropic_class == Some(3)
    });
    assert_all(&zolpidem, "zolpidem misuse-watch", |r| {
        r.info.misuse_watch.is_some()
    });
    let mph = found(&master, "メチルフェニデート");
    assert_all(&mph, "methylphenidate 第一種", |r| {
        r.info.psychotropic_class == Some(1)
    });
    let fnz = found(&master, "フルニトラゼパム");
    assert_all(&fnz, "flunitrazepam 第二種", |r| {
        r.info.psychotropic_class == Some(2)
    });
    let eszopiclone = found(&master, "エスゾピクロン");
    assert_all(&eszopiclone, "eszopiclone not psychotropic", |r| {
        r.info.psychotropic_class.is_none()
    });
    assert_all(&eszopiclone, "eszopiclone is a hypnotic", |r| {
        r.misuse_watch_groups.iter().any(|g| g == "hypnotics")
    });
    let etizolam = found(&master, "エチゾラム");
    assert_all(&etizolam, "etizolam 第三種", |r| {
        r.info.psychotropic_class == Some(3)
    });

    // 麻薬, from the list's own column
    let oxycodone = found(&master, "オキシコドン");
    assert_all(&oxycodone, "oxycodone narcotic", |r| r.info.narcotic);
    let codeine = found(&master, "コデインリン酸塩");
    let codeine_1 = only(codeine.clone(), "codeine phosphate 1%", |r| {
        r.info.ingredient.starts_with("コデインリン酸塩") && r.strength.starts_with("1%")
    });
    assert_all(&codeine_1, "codeine phosphate 1% not narcotic", |r| {
        !r.info.narcotic
    });
    let codeine_10 = only(codeine, "codeine phosphate 10%", |r| {
        r.info.ingredient.starts_with("コデインリン酸塩") && r.strength.starts_with("10%")
    });
    assert_all(&codeine_10, "codeine phosphate 10% narcotic", |r| {
        r.info.narcotic
    });

    // 薬剤管理指導料「1」
    for query in ["ワルファリン", "アピキサバン"] {
        assert_all(&found(&master, query), query, |r| {
            r.info.high_risk_category.as_deref() == Some("anticoagulants")
        });
    }
    let tacrolimus = found(&master, "タクロリムス");
    let oral = only(tacrolimus.clone(), "oral tacrolimus", |r| {
        r.info.route == "内用薬"
    });
    assert_all(&oral, "oral tacrolimus immunosuppressant", |r| {
        r.info.high_risk_category.as_deref() == Some("immunosuppressants")
    });
    let topical = only(tacrolimus, "topical tacrolimus", |r| {
        r.info.route == "外用薬"
    });
    assert_all(&topical, "topical tacrolimus not high-risk", |r| {
        r.info.high_risk_category.is_none()
    });
    assert_all(
        &found(&master, "アレンドロン酸"),
        "alendronate not high-risk",
        |r| r.info.high_risk_category.is_none(),
    );
    let glargine = only(
        found(&master, "インスリングラルギン"),
        "plain glargine",
        |r| !r.info.ingredient.contains('・'),
    );
    assert_all(&glargine, "insulin glargine pancreatic hormone", |r| {
        r.info.high_risk_category.as_deref() == Some("pancreatic_hormones")
    });
    let metformin = found(&master, "メトホルミン");
    assert_all(&metformin, "metformin antidiabetic", |r| {
        high_risk(r, "antidiabetics")
    });
    assert_all(&metformin, "metformin misuse-watch", |r| {
        r.info.misuse_watch.as_deref() == Some("antidiabetics_weight_loss")
    });
    assert_all(
        &found(&master, "ラルテグラビル"),
        "raltegravir anti-HIV",
        |r| r.info.high_risk_category.as_deref() == Some("anti_hiv"),
    );
    let kcl = only(found(&master, "塩化カリウム"), "plain KCl", |r| {
        r.info.ingredient == "塩化カリウム"
    });
    let kcl_iv = only(kcl.clone(), "KCl injection", |r| r.info.route == "注射薬");
    assert_all(&kcl_iv, "KCl injection high-risk", |r| {
        r.info.high_risk_category.as_deref() == Some("potassium_injection")
    });
    let kcl_po = only(kcl, "oral KCl", |r| r.info.route == "内用薬");
    assert_all(&kcl_po, "oral KCl not high-risk", |r| {
        r.info.high_risk_category.is_none()
    });
    assert_all(
        &found(&master, "グルコン酸カリウム"),
        "oral K gluconate",
        |r| r.info.high_risk_category.is_none(),
    );
    let heparinoid = found(&master, "ヘパリン類似物質");
    assert_all(&heparinoid, "heparinoid not high-risk", |r| {
        r.info.high_risk_category.is_none()
    });
    assert_all(&heparinoid, "heparinoid misuse-watch", |r| {
        r.info.misuse_watch.as_deref() == Some("moisturisers_cosmetic")
    });

    // PDE5
    let sildenafil = first_drug(&master, "シルデナフィル", |_| true);
    let tadalafil = first_drug(&master, "タダラフィル", |_| true);
    assert!(sildenafil.pde5_inhibitor && tadalafil.pde5_inhibitor);
    assert_all(
        &found(&master, "シルデナフィル"),
        "sildenafil inhibitor",
        |r| r.info.pde5_inhibitor,
    );
    let amlodipine = found(&master, "アムロジピン");
    assert_all(&amlodipine, "amlodipine not contraindicated", |r| {
        !r.info.pde5_contraindicated
    });
    assert_all(&amlodipine, "amlodipine no conflict", |r| {
        master.pde5_conflict(&sildenafil, &r.info).is_none()
    });
    let nicorandil = found(&master, "ニコランジル");
    assert_all(&nicorandil, "nicorandil contraindicated", |r| {
        r.info.pde5_contraindicated
    });
    assert_all(&nicorandil, "sildenafil × nicorandil", |r| {
        master.pde5_conflict(&sildenafil, &r.info).is_some()
    });
    let amiodarone = found(&master, "アミオダロン");
    assert_all(&amiodarone, "tadalafil × amiodarone allowed", |r| {
        master.pde5_conflict(&tadalafil, &r.info).is_none()
    });
    assert_all(&amiodarone, "sildenafil × amiodarone", |r| {
        master.pde5_conflict(&sildenafil, &r.info).is_some()
    });
    let nitro = first_drug(&master, "ニトログリセリン", |_| true);
    let conflict = master.pde5_conflict(&tadalafil, &nitro);
    assert!(
        conflict
            .as_ref()
            .is_some_and(|(ja, en)| ja.contains("併用禁忌") && !en.is_empty()),
        "{conflict:?}"
    );

    // Re-importing the same file changes nothing.
    let again = ok(master.import_csv(&csv));
    assert!(again.unchanged, "{again}");
    assert_eq!(again.imported, 12434);
    assert_eq!(ok(master.edition()), Some(edition.clone()));
    drop(master);

    // And it is all on disk.
    let reopened = open(dir.path());
    assert_eq!(ok(reopened.len()), 12434);
    assert_eq!(ok(reopened.edition()), Some(edition));
    assert!(dir.path().join(DRUGS_DB_FILE).is_file());
}

#[test]
fn demo_list_is_imported_once_and_classified() {
    let dir = temp_dir();
    let mut master = demo_master(dir.path());
    let n = ok(master.len());
    assert_eq!(n, DEMO_DRUGS_CSV.lines().count() - 1);
    assert!(
        ok(master.ensure_demo()).is_none(),
        "second ensure_demo imported again"
    );
    let again = ok(master.import_str(enkaku::drugs::DEMO_SOURCE, DEMO_DRUGS_CSV));
    assert!(again.unchanged);
    assert_eq!(ok(master.len()), n);

    let zolpidem = master.drug("1129009F1025");
    assert_eq!(
        zolpidem.as_ref().map(|d| d.psychotropic_class),
        Some(Some(3))
    );
    // Full-width and lower-case codes are the same drug.
    assert_eq!(master.drug("１１２９００９ｆ１０２５"), zolpidem);
    assert_eq!(master.drug("0000000X0000"), None);
    assert_eq!(master.drug("not a code"), None);
}

#[test]
fn an_in_memory_master_holds_the_demo_list() {
    let mut master = ok(DrugMaster::open_in_memory());
    assert!(ok(master.is_empty()));
    assert!(ok(master.ensure_demo()).is_some());
    assert!(
        master
            .drug("2590018F2026")
            .is_some_and(|d| d.pde5_inhibitor)
    );
}

#[test]
fn json_shape_of_a_search_result() {
    let dir = temp_dir();
    let master = demo_master(dir.path());
    let hits = ok(master.search("1129009F1025", 5));
    let json = serde_json::to_value(&hits[0]).unwrap_or_default();
    for key in [
        "code",
        "name",
        "ingredient",
        "route",
        "narcotic",
        "psychotropic_class",
        "high_risk_category",
        "misuse_watch",
        "pde5_inhibitor",
        "pde5_contraindicated",
    ] {
        assert!(json.get(key).is_some(), "missing {key} in {json}");
    }
    assert_eq!(json["psychotropic_class"], 3);
    assert_eq!(json["high_risk_category"], serde_json::Value::Null);
    assert_eq!(json["misuse_watch"], "psychotropics");
}

#[test]
fn search_by_code_name_and_ingredient() {
    let dir = temp_dir();
    let master = demo_master(dir.path());

    // Exact code first, then by name.
    let by_code = ok(master.search("1129009F1025", 10));
    assert_eq!(
        by_code.first().map(|d| d.code.as_str()),
        Some("1129009F1025")
    );
    let by_prefix = ok(master.search("1129009", 10));
    assert_eq!(by_prefix.len(), 2);
    assert!(by_prefix.iter().all(|d| d.code.starts_with("1129009")));
    let full_width_code = ok(master.search("１１２９００９Ｆ１０２５", 10));
    assert_eq!(
        full_width_code.first().map(|d| d.code.as_str()),
        Some("1129009F1025")
    );

    // Product name, full-width input against the NFKC-normalised 品名.
    let by_name = ok(master.search("マイスリー錠５ｍｇ", 10));
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].name, "マイスリー錠5mg");
    let half_width = ok(master.search("ﾏｲｽﾘｰ", 10));
    assert_eq!(half_width.len(), 2);

    // Ingredient in katakana or hiragana.
    let katakana = ok(master.search("ゾルピデム", 10));
    let hiragana = ok(master.search("ぞるぴでむ", 10));
    assert_eq!(katakana.len(), 2);
    assert_eq!(katakana, hiragana);
    assert!(
        katakana
            .iter()
            .all(|d| d.ingredient.starts_with("ゾルピデム"))
    );

    // Limits and nonsense.
    assert_eq!(ok(master.search("ゾルピデム", 1)).len(), 1);
    assert!(ok(master.search("", 10)).is_empty());
    // A wildcard of LIKE is a plain character here.
    let percent = ok(master.search("%", 100));
    assert!(!percent.is_empty() && percent.iter().all(|d| d.name.contains('%')));
    assert!(ok(master.search("存在しない薬", 10)).is_empty());
}

fn demo_lines() -> Vec<&'static str> {
    DEMO_DRUGS_CSV.lines().skip(1).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

#[test]
fn malformed_rows_are_reported_by_line_and_good_rows_imported() {
    let dir = temp_dir();
    let rows = demo_lines();
    let text = format!(
        "{header}\n{r0}\n{bad_code}\n{r1}\n{short}\n{r2}\n{bad_route}\n",
        header = COLUMNS.join(","),
        r0 = rows[0],
        bad_code = rows[3].replacen("1179025F2022", "1179025F20", 1),
        r1 = rows[1],
        short = "内用薬,1124007F1020,トリアゾラム",
        r2 = rows[2],
        bad_route = rows[4].replacen("内用薬", "内服", 1),
    );
    let path = write(dir.path(), "edition.csv", &text);
    let mut master = open(dir.path());
    let report = ok(master.import_csv(&path));
    assert_eq!(report.rows_read, 6);
    assert_eq!(report.imported, 3);
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 5, 7], "{report}");
    assert!(report.rejected[0].reason.contains("12"), "{report}");
    assert!(report.rejected[1].reason.contains("fields"), "{report}");
    assert!(report.rejected[2].reason.contains("区分"), "{report}");
    let shown = report.to_string();
    assert!(shown.contains("line 5"), "{shown}");
    assert_eq!(ok(master.edition()).map(|e| e.rejected_count), Some(3));
}

#[test]
fn duplicate_codes_keep_the_first_row() {
    let dir = temp_dir();
    let rows = demo_lines();
    let changed = rows[0].replacen("17.5", "18.0", 1);
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        COLUMNS.join(","),
        rows[0],
        rows[1],
        rows[0],
        changed
    );
    let mut master = open(dir.path());
    let report = ok(master.import_str("dup.csv", &text));
    assert_eq!(report.imported, 2);
    assert!(report.rejected.is_empty());
    assert_eq!(report.identical_duplicates, 1);
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(
        (report.duplicates[0].line, report.duplicates[0].first_line),
        (5, 2)
    );
    let kept = ok(master.record("1129009F1025")).map(|r| r.price);
    assert_eq!(kept.as_deref(), Some("17.5"));
}

#[test]
fn failed_imports_leave_the_previous_edition() {
    let dir = temp_dir();
    let mut master = demo_master(dir.path());
    let before = ok(master.edition());
    let count = ok(master.len());

    // A header that is not the price list's: an error naming the file and column.
    let bad_header = write(
        dir.path(),
        "bad_header.csv",
        &format!(
            "{}\n{}\n",
            COLUMNS.join(",").replace("成分名", "一般名"),
            demo_lines()[0]
        ),
    );
    let err = master.import_csv(&bad_header).err().map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("bad_header.csv") && e.contains("column 3")),
        "{err:?}"
    );

    // Not a CSV at all.
    let binary = write(dir.path(), "price.xlsx", "PK\u{3}\u{4}\u{14}\0\0\0");
    let err = master.import_csv(&binary).err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("price.xlsx")),
        "{err:?}"
    );

    // Every row malformed: nothing to replace the edition with.
    let all_bad = write(
        dir.path(),
        "all_bad.csv",
        &format!("{}\n内用薬,short\n", COLUMNS.join(",")),
    );
    let err = master.import_csv(&all_bad).err();
    assert!(
        matches!(&err, Some(DrugError::NoRows { file, rejected: 1 }) if file.contains("all_bad.csv")),
        "{err:?}"
    );

    // A missing file.
    let missing = dir.path().join("missing.csv");
    let err = master.import_csv(&missing).err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("missing.csv")),
        "{err:?}"
    );

    assert_eq!(ok(master.edition()), before);
    assert_eq!(ok(master.len()), count);
    drop(master);
    let reopened = open(dir.path());
    assert_eq!(ok(reopened.len()), count);
    assert!(reopened.drug("1129009F1025").is_some());
}

#[test]
fn a_new_edition_replaces_the_old_one_entirely() {
    let dir = temp_dir();
    let mut master = demo_master(dir.path());
    let rows = demo_lines();
    let text = format!("{}\n{}\n{}\n", COLUMNS.join(","), rows[0], rows[5]);
    let report = ok(master.import_str("small.csv", &text));
    assert!(!report.unchanged);
    assert_eq!(report.imported, 2);
    assert_eq!(
        report.previous.as_ref().map(|e| e.file_name.as_str()),
        Some(enkaku::drugs::DEMO_SOURCE)
    );
    assert_eq!(ok(master.len()), 2);
    assert!(
        master.drug("1129009F2021").is_none(),
        "a drug of the old edition survived"
    );
    assert_eq!(
        ok(master.edition()).map(|e| e.file_name),
        Some("small.csv".into())
    );
}

#[test]
fn other_files_are_not_taken_for_a_drug_master() {
    let dir = temp_dir();
    let text = write(
        dir.path(),
        "notes.txt",
        "this is not a database at all, not even close",
    );
    let err = DrugMaster::open(&text).err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("notes.txt")),
        "{err:?}"
    );

    let other = dir.path().join("other.sqlite3");
    let created = rusqlite::Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE docs (id TEXT);"));
    assert!(created.is_ok(), "{created:?}");
    let err = DrugMaster::open(&other).err();
    assert!(
        matches!(err, Some(DrugError::NotADrugMaster { .. })),
        "{err:?}"
    );
}

#[test]
fn stale_classifications_are_recomputed_on_open() {
    let dir = temp_dir();
    drop(demo_master(dir.path()));
    // Simulate rows classified by older tables.
    let db = dir.path().join(DRUGS_DB_FILE);
    let tampered = rusqlite::Connection::open(&db).and_then(|c| {
        c.execute_batch(
            "UPDATE drug SET high_risk = '', psychotropic_class = NULL; \
             UPDATE meta SET value = 'old' WHERE key = 'tables_sha256';",
        )
    });
    assert!(tampered.is_ok(), "{tampered:?}");
    let master = open(dir.path());
    let warfarin = master.drug("3332001F1130");
    assert_eq!(
        warfarin.and_then(|d| d.high_risk_category).as_deref(),
        Some("anticoagulants")
    );
    assert_eq!(
        master
            .drug("1129009F1025")
            .and_then(|d| d.psychotropic_class),
        Some(3)
    );
}
