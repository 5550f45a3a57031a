//! Patient lists exported from a レセコン or 電子カルテ: decoding the file (UTF-8 or Shift_JIS),
//! reading its columns under English or Japanese headers, checking each row field by field, and
//! deciding against the store which rows are new patients, which update a patient already
//! there (matched by the clinic's patient number) and which must be looked at by a person.
//!
//! Decisions a clinic should know:
//! - The patient number (患者番号) is required: it is what makes a re-import an update.
//! - An empty cell, or a column the file lacks, leaves what is stored as it is; it never erases.
//! - A row whose number is new but whose kana name and date of birth match a patient who has no
//!   number yet (registered at the desk before the list was imported) is held back and reported:
//!   it may be the same person or a namesake, and only the clinic can tell. Such rows count as
//!   rejected.
//! - When more than half the rows are rejected the file is probably not the list it claims to
//!   be: nothing is imported.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::domain::{
    Date, Demographics, Insurance, InsuranceKind, Patient, Sex, format_date, nfkc,
};
use crate::store::{PatientUpdate, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PatientImportError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: neither UTF-8 nor Shift_JIS text (invalid byte sequence near offset {offset})", path.display())]
    Encoding { path: PathBuf, offset: usize },
    #[error("{}: line 1: {reason}", path.display())]
    Header { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How the file was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    ShiftJis,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::ShiftJis => "Shift_JIS",
        }
    }
}

/// A row that is not imported: its line, the field at fault and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: &'static str,
    pub reason: String,
}

/// One good row, every field checked. `None` means the file says nothing about that field.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedPatient {
    pub line: u64,
    pub patient_number: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub date_of_birth: Date,
    pub sex: Sex,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub insurance: Option<Insurance>,
}

/// The whole file, read and checked row by row; no store involved.
#[derive(Debug, Clone)]
pub struct ParsedList {
    pub encoding: TextEncoding,
    /// Data rows in the file (header excluded).
    pub rows_read: usize,
    pub rows: Vec<ImportedPatient>,
    pub rejected: Vec<RowError>,
    /// Header names that are none of the known columns; their cells are not read.
    pub ignored_columns: Vec<String>,
}

/// What an import did, or would have done when it was refused.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub encoding: Option<TextEncoding>,
    pub rows_read: usize,
    /// New patients registered: (line, patient id, number).
    pub added: Vec<(u64, String, String)>,
    /// Patients whose stored details changed: (line, patient id, the fields that changed).
    pub updated: Vec<(u64, String, Vec<String>)>,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// Rows not imported (bad fields, duplicates, held for a person to decide), by line.
    pub rejected: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    /// More than half the rows were rejected: nothing was written.
    pub refused: bool,
}

/// A column and the header names (English or Japanese, compared after NFKC, without blanks, in
/// lower case) it may appear under.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "patient_number",
        &[
            "patient_number",
            "patient_no",
            "患者番号",
            "カルテ番号",
            "カルテno",
            "診察券番号",
            "患者コード",
            "患者no",
        ],
    ),
    (
        "name_kanji",
        &[
            "name",
            "name_kanji",
            "氏名",
            "患者氏名",
            "漢字氏名",
            "氏名(漢字)",
            "患者名",
        ],
    ),
    (
        "name_kana",
        &[
            "kana",
            "name_kana",
            "カナ氏名",
            "氏名カナ",
            "氏名(カナ)",
            "フリガナ",
            "ふりがな",
            "カナ",
            "患者カナ氏名",
            "カナ名",
        ],
    ),
    (
        "date_of_birth",
        &["date_of_birth", "dob", "birth_date", "birthday", "生年月日"],
    ),
    ("sex", &["sex", "gender", "性別"]),
    (
        "phone",
        &["phone", "tel", "telephone", "電話番号", "電話", "連絡先"],
    ),
    ("address", &["address", "住所"]),
    (
        "insurance_kind",
        &[
            "insurance_kind",
            "insurance",
            "保険種別",
            "保険区分",
            "保険種類",
            "保険",
        ],
    ),
    ("insurer_number", &["insurer_number", "保険者番号"]),
    (
        "member_symbol_number",
        &[
            "member_symbol_number",
            "symbol_number",
            "記号・番号",
            "記号番号",
            "記号/番号",
            "被保険者証記号番号",
        ],
    ),
    (
        "member_symbol",
        &["member_symbol", "symbol", "記号", "被保険者証記号"],
    ),
    (
        "member_number",
        &["member_number", "番号", "被保険者証番号"],
    ),
    (
        "copay",
        &[
            "copay",
            "copay_percent",
            "負担割合",
            "負担率",
            "自己負担割合",
        ],
    ),
];

fn column_of(header: &str) -> Option<&'static str> {
    let h: String = nfkc(header)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// Decodes the file: valid UTF-8 (with or without a BOM) is UTF-8; anything else must be
/// Shift_JIS (CP932, as Windows レセコン write it) without a single invalid sequence.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, TextEncoding), PatientImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_string(), TextEncoding::Utf8Bom)),
            Err(e) => Err(PatientImportError::Encoding {
                path: path.to_path_buf(),
                offset: e.valid_up_to() + 3,
            }),
        };
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok((text.to_string(), TextEncoding::Utf8)),
        Err(e) => e,
    };
    match encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), TextEncoding::ShiftJis)),
        None => Err(PatientImportError::Encoding {
            path: path.to_path_buf(),
            offset: utf8_error.valid_up_to(),
        }),
    }
}

/// The eras a レセコン writes dates of birth in, with their letter, the year before their first
/// year, and their first and last day.
/// An era: its name, letter and one-character form, the year before its first, and its first
/// and last day.
type Era = (
    &'static str,
    char,
    &'static str,
    i32,
    (i32, u8, u8),
    (i32, u8, u8),
);

const ERAS: [Era; 5] = [
    ("明治", 'M', "明", 1867, (1868, 1, 25), (1912, 7, 29)),
    ("大正", 'T', "大", 1911, (1912, 7, 30), (1926, 12, 24)),
    ("昭和", 'S', "昭", 1925, (1926, 12, 25), (1989, 1, 7)),
    ("平成", 'H', "平", 1988, (1989, 1, 8), (2019, 4, 30)),
    ("令和", 'R', "令", 2018, (2019, 5, 1), (9999, 12, 31)),
];

fn ymd(y: i32, m: u8, d: u8) -> Option<Date> {
    let month = time::Month::try_from(m).ok()?;
    Date::from_calendar_date(y, month, d).ok()
}

/// A date of birth as レセコン export it: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`, the 和暦
/// forms `S33.3.14`, `S33/03/14`, `昭和33年3月14日`, `昭33.3.14` (元年 for the first year), and
/// the numeric era code of the レセプト電算 format (`3330314`: 1 明治 … 5 令和, then YYMMDD).
pub fn parse_birth_date(text: &str) -> Option<Date> {
    let t: String = nfkc(text).chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    // 西暦: 1958-03-14, 1958/3/14, 1958.3.14, 1958年3月14日.
    let parts: Vec<&str> = t
        .split(['年', '月', '日', '.', '/', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    if let [y, m, d] = parts.as_slice()
        && y.len() == 4
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y = t[..4].parse().ok()?;
        return ymd(y, t[4..6].parse().ok()?, t[6..].parse().ok()?);
    }
    if t.len() == 7 && t.bytes().all(|b| b.is_ascii_digit()) {
        let era = ERAS.get(usize::from(t.as_bytes()[0].checked_sub(b'1')?))?;
        return in_era(
            era,
            t[1..3].parse().ok()?,
            t[3..5].parse().ok()?,
            t[5..].parse().ok()?,
        );
    }
    // 和暦: an era name or letter, then year, month and day separated by 年月日, '.', '/' or '-'.
    let upper = t.to_uppercase();
    let (era, rest) = ERAS.iter().find_map(|era| {
        let (name, letter, short, ..) = era;
        upper
            .strip_prefix(name)
            .or_else(|| upper.strip_prefix(*letter))
            .or_else(|| upper.strip_prefix(short))
            .map(|rest| (era, rest.to_string()))
    })?;
    let rest = rest.replacen('元', "1", 1);
    let parts: Vec<&str> = rest
        .split(['年', '月', '日', '.', '/', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    in_era(era, y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn in_era(era: &Era, year: i32, month: u8, day: u8) -> Option<Date> {
    let (_, _, _, base, first, last) = *era;
    if year < 1 {
        return None;
    }
    let date = ymd(base + year, month, day)?;
    let first = ymd(first.0, first.1, first.2)?;
    let last = ymd(last.0, last.1, last.2)?;
    (first..=last).contains(&date).then_some(date)
}

fn parse_sex(text: &str) -> Option<Sex> {
    match nfkc(text).to_lowercase().as_str() {
        "男" | "男性" | "m" | "male" | "1" => Some(Sex::Male),
        "女" | "女性" | "f" | "female" | "2" => Some(Sex::Female),
        "その他" | "他" | "x" | "other" | "3" | "9" => Some(Sex::Other),
        _ => None,
    }
}

fn parse_kind(text: &str) -> Option<InsuranceKind> {
    let t = nfkc(text).to_lowercase();
    let kind = match t.as_str() {
        "employee" | "社保" | "社会保険" | "協会けんぽ" | "協会" | "組合" | "健保" | "健康保険"
        | "共済" | "船員" => InsuranceKind::Employee,
        "national" | "国保" | "国民健康保険" | "国保組合" | "退職" => {
            InsuranceKind::National
        }
        "late_elderly" | "後期" | "後期高齢" | "後期高齢者" | "後期高齢者医療" => {
            InsuranceKind::LateElderly
        }
        "public_assistance" | "生保" | "生活保護" | "医療扶助" => {
            InsuranceKind::PublicAssistance
        }
        "self_pay" | "自費" | "自由診療" => InsuranceKind::SelfPay,
        _ => return None,
    };
    Some(kind)
}

/// The kind a 保険者番号 implies when the file gives none: six digits are a 国保; eight digits
/// starting with 法別番号 39 are 後期高齢者医療, 12 is 生活保護; the rest employee insurance.
fn kind_of_number(number: &str) -> InsuranceKind {
    match (number.len(), number.get(..2)) {
        (6, _) => InsuranceKind::National,
        (_, Some("39")) => InsuranceKind::LateElderly,
        (_, Some("12")) => InsuranceKind::PublicAssistance,
        _ => InsuranceKind::Employee,
    }
}

/// 負担割合 as a percentage: `30`, `3割`, `30%`.
fn parse_copay(text: &str) -> Option<u8> {
    let t = nfkc(text);
    let percent: u32 = if let Some(n) = t.strip_suffix('割') {
        n.trim().parse::<u32>().ok()? * 10
    } else {
        t.trim_end_matches('%').trim().parse().ok()?
    };
    (percent <= 100 && percent.is_multiple_of(10))
        .then(|| u8::try_from(percent).ok())
        .flatten()
}

/// One CSV row by column name.
struct Row<'a> {
    cells: Vec<(&'static str, &'a str)>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }
}

fn bad(line: u64, field: &'static str, reason: impl Into<String>) -> RowError {
    RowError {
        line,
        field,
        reason: reason.into(),
    }
}

fn read_row(row: &Row, line: u64, today: Date) -> Result<ImportedPatient, RowError> {
    let number = nfkc(row.get("patient_number"));
    if number.is_empty() {
        return Err(bad(line, "patient_number", "is empty"));
    }
    if number.chars().count() > 32 || number.chars().any(char::is_control) {
        return Err(bad(
            line,
            "patient_number",
            format!("{number:?} is not a patient number"),
        ));
    }
    let name_kanji = row.get("name_kanji").to_string();
    // Half-width kana (ﾔﾏﾀﾞ) become full-width.
    let name_kana = nfkc(row.get("name_kana"));
    let dob_text = row.get("date_of_birth");
    let date_of_birth = parse_birth_date(dob_text).ok_or_else(|| {
        bad(
            line,
            "date_of_birth",
            format!(
                "{dob_text:?} is not a date (YYYY-MM-DD, YYYY/MM/DD, S33.3.14, 昭和33年3月14日)"
            ),
        )
    })?;
    let sex_text = row.get("sex");
    let sex = parse_sex(sex_text).ok_or_else(|| {
        bad(
            line,
            "sex",
            format!("{sex_text:?} is not one of 男, 女, M, F, 1, 2"),
        )
    })?;
    let demographics = Demographics {
        name_kanji: name_kanji.clone(),
        name_kana: name_kana.clone(),
        date_of_birth,
        sex,
        phone: String::new(),
        address: String::new(),
    };
    demographics
        .check(today)
        .map_err(|e| bad(line, e.field, e.reason))?;
    let phone = nfkc(row.get("phone"));
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | '+' | ' '))
        || (!phone.is_empty() && !phone.chars().any(|c| c.is_ascii_digit()))
    {
        return Err(bad(
            line,
            "phone",
            format!("{phone:?} is not a phone number"),
        ));
    }
    let address = row.get("address").to_string();
    Ok(ImportedPatient {
        line,
        patient_number: number,
        name_kanji,
        name_kana,
        date_of_birth,
        sex,
        phone: (!phone.is_empty()).then_some(phone),
        address: (!address.is_empty()).then_some(address),
        insurance: read_insurance(row, line)?,
    })
}

fn read_insurance(row: &Row, line: u64) -> Result<Option<Insurance>, RowError> {
    let kind_text = row.get("insurance_kind");
    let insurer = nfkc(row.get("insurer_number"));
    let symbol_number = nfkc(row.get("member_symbol_number"));
    let (symbol, number) = (
        nfkc(row.get("member_symbol")),
        nfkc(row.get("member_number")),
    );
    let copay_text = row.get("copay");
    if [
        kind_text,
        &insurer,
        &symbol_number,
        &symbol,
        &number,
        copay_text,
    ]
    .iter()
    .all(|t| t.is_empty())
    {
        return Ok(None);
    }
    let kind = match kind_text {
        "" => None,
        t => Some(parse_kind(t).ok_or_else(|| {
            bad(
                line,
                "insurance_kind",
                format!("{t:?} is not one of 社保, 国保, 後期高齢, 生保, 自費"),
            )
        })?),
    };
    if kind != Some(InsuranceKind::SelfPay) {
        if insurer.is_empty() {
            return Err(bad(line, "insurer_number", "is empty"));
        }
        if !matches!(insurer.len(), 6 | 8) || !insurer.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(
                line,
                "insurer_number",
                format!("{insurer:?} is not 6 or 8 digits"),
            ));
        }
    }
    let member_symbol_number = match (
        symbol_number.is_empty(),
        symbol.is_empty(),
        number.is_empty(),
    ) {
        (false, _, _) => symbol_number,
        (true, false, false) => format!("{symbol}・{number}"),
        (true, false, true) => symbol,
        (true, true, _) => number,
    };
    let copay_percent = match copay_text {
        "" => 0,
        t => parse_copay(t).ok_or_else(|| {
            bad(
                line,
                "copay",
                format!("{t:?} is not 10, 20 or 30 (or 1割, 2割, 3割)"),
            )
        })?,
    };
    Ok(Some(Insurance {
        kind: kind.unwrap_or_else(|| kind_of_number(&insurer)),
        insurer_number: insurer,
        member_symbol_number,
        valid_until: None,
        copay_percent,
    }))
}

/// Reads and checks a whole file. `today` bounds the dates of birth.
pub fn parse(path: &Path, bytes: &[u8], today: Date) -> Result<ParsedList, PatientImportError> {
    let (text, encoding) = decode(path, bytes)?;
    // Windows line ends would make the reader count each line twice in its positions.
    let text = text.replace("\r\n", "\n");
    let header_error = |reason: String| PatientImportError::Header {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| header_error(e.to_string()))?
        .clone();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut ignored_columns = Vec::new();
    for h in headers.iter() {
        let c = column_of(h);
        if let Some(c) = c
            && columns.contains(&Some(c))
        {
            return Err(header_error(format!(
                "the column {c} appears twice ({h:?})"
            )));
        }
        if c.is_none() && !h.trim().is_empty() {
            ignored_columns.push(h.trim().to_string());
        }
        columns.push(c);
    }
    for required in [
        "patient_number",
        "name_kanji",
        "name_kana",
        "date_of_birth",
        "sex",
    ] {
        if !columns.contains(&Some(required)) {
            let names = COLUMNS
                .iter()
                .find(|(c, _)| *c == required)
                .map(|(_, n)| n.join(", "))
                .unwrap_or_default();
            return Err(header_error(format!(
                "the column {required} is missing (headed one of: {names})"
            )));
        }
    }

    let mut parsed = ParsedList {
        encoding,
        rows_read: 0,
        rows: Vec::new(),
        rejected: Vec::new(),
        ignored_columns,
    };
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for record in reader.records() {
        parsed.rows_read += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                parsed.rejected.push(bad(line, "row", e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            // A blank line a spreadsheet left at the end is not a patient.
            parsed.rows_read -= 1;
            continue;
        }
        if record.len() > columns.len() {
            parsed.rejected.push(bad(
                line,
                "row",
                format!("{} fields, the header has {}", record.len(), columns.len()),
            ));
            continue;
        }
        let row = Row {
            cells: columns
                .iter()
                .zip(record.iter())
                .filter_map(|(c, v)| c.map(|c| (c, v)))
                .collect(),
        };
        match read_row(&row, line, today) {
            Err(e) => parsed.rejected.push(e),
            Ok(p) => {
                if let Some(first) = seen.get(&p.patient_number) {
                    parsed.rejected.push(bad(
                        line,
                        "patient_number",
                        format!("{} repeats line {first}", p.patient_number),
                    ));
                } else {
                    seen.insert(p.patient_number.clone(), line);
                    parsed.rows.push(p);
                }
            }
        }
    }
    Ok(parsed)
}

/// The id a new patient gets from the clinic's number: the same on every device that imports
/// the same list, so two offline imports merge into one patient instead of two.
fn id_for_number(number: &str) -> String {
    let plain = number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        format!("pn-{number}")
    } else {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(number.as_bytes());
        format!("pn-{}", &hex::encode(hash)[..16])
    }
}

/// What differs between a row and the stored patient, as (path, value) pairs written one by one.
fn changes(row: &ImportedPatient, stored: &Patient) -> Vec<(Vec<String>, Json)> {
    let mut out: Vec<(Vec<String>, Json)> = Vec::new();
    let mut field = |path: &[&str], now: Json, before: Json| {
        if now != before {
            out.push((path.iter().map(|p| p.to_string()).collect(), now));
        }
    };
    let d = &stored.demographics;
    field(
        &["demographics", "name_kanji"],
        to(&row.name_kanji),
        to(&d.name_kanji),
    );
    field(
        &["demographics", "name_kana"],
        to(&row.name_kana),
        to(&d.name_kana),
    );
    field(
        &["demographics", "date_of_birth"],
        to(&row.date_of_birth),
        to(&d.date_of_birth),
    );
    field(&["demographics", "sex"], to(&row.sex), to(&d.sex));
    if let Some(phone) = &row.phone {
        field(&["demographics", "phone"], to(phone), to(&d.phone));
    }
    if let Some(address) = &row.address {
        field(&["demographics", "address"], to(address), to(&d.address));
    }
    if let Some(ins) = &row.insurance {
        match &stored.insurance {
            None => field(&["insurance"], to(ins), Json::Null),
            Some(before) => {
                field(&["insurance", "kind"], to(&ins.kind), to(&before.kind));
                field(
                    &["insurance", "insurer_number"],
                    to(&ins.insurer_number),
                    to(&before.insurer_number),
                );
                if !ins.member_symbol_number.is_empty() {
                    field(
                        &["insurance", "member_symbol_number"],
                        to(&ins.member_symbol_number),
                        to(&before.member_symbol_number),
                    );
                }
                if ins.copay_percent != 0 || ins.kind == InsuranceKind::SelfPay {
                    field(
                        &["insurance", "copay_percent"],
                        to(&ins.copay_percent),
                        to(&before.copay_percent),
                    );
                }
            }
        }
    }
    out
}

/// A value as the document holds it. Serialising these plain domain values cannot fail; one
/// that did would compare as null and be written, and `Editor::put` would report it.
fn to<T: serde::Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

fn new_patient(id: String, row: &ImportedPatient) -> Patient {
    Patient {
        id,
        patient_number: Some(row.patient_number.clone()),
        demographics: Demographics {
            name_kanji: row.name_kanji.clone(),
            name_kana: row.name_kana.clone(),
            date_of_birth: row.date_of_birth,
            sex: row.sex,
            phone: row.phone.clone().unwrap_or_default(),
            address: row.address.clone().unwrap_or_default(),
        },
        insurance: row.insurance.clone(),
        kakaritsuke: false,
        history: Default::default(),
        care_team: None,
        proxy: None,
        allergies: Default::default(),
        medications: Default::default(),
        medications_confirmed_at: None,
        identity_checks: Default::default(),
        consents: Default::default(),
        care_plans: Default::default(),
        encounters: Default::default(),
        nursing_instructions: Default::default(),
        home_visit_doctors: Default::default(),
        nursing_visits: Default::default(),
    }
}

/// Imports `file` into the store as `staff`: every good row in one transaction, or nothing when
/// more than half the rows are rejected. `progress(done, total)` is called as rows are stored.
pub fn import(
    store: &mut Store,
    staff: &str,
    file: &Path,
    today: Date,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, PatientImportError> {
    let bytes = std::fs::read(file).map_err(|source| PatientImportError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let parsed = parse(file, &bytes, today)?;
    let mut report = ImportReport {
        encoding: Some(parsed.encoding),
        rows_read: parsed.rows_read,
        rejected: parsed.rejected,
        ignored_columns: parsed.ignored_columns,
        ..ImportReport::default()
    };
    let mut new_patients: Vec<Patient> = Vec::new();
    let mut updates: Vec<PatientUpdate> = Vec::new();
    let mut taken_ids = std::collections::HashSet::new();
    for row in &parsed.rows {
        if let Some(existing) = store.find_patient_by_number(&row.patient_number)? {
            let stored = store.patient(&existing.patient_id)?;
            let fields = changes(row, &stored);
            if fields.is_empty() {
                report.unchanged += 1;
            } else {
                report.updated.push((
                    row.line,
                    existing.patient_id.clone(),
                    fields.iter().map(|(p, _)| p.join(".")).collect(),
                ));
                updates.push(PatientUpdate {
                    patient_id: existing.patient_id,
                    fields,
                });
            }
            continue;
        }
        let unnumbered: Vec<_> = store
            .find_patient_by_name_dob(&row.name_kana, row.date_of_birth)?
            .into_iter()
            .filter(|p| p.patient_number.is_none())
            .collect();
        if let Some(p) = unnumbered.first() {
            report.rejected.push(bad(
                row.line,
                "patient_number",
                format!(
                    "{} is new, but {} ({} {}, born {}) has the same kana name and date of birth and no number: \
                     held back so as not to register the same person twice; if it is them, give {} the number, \
                     else register this patient at the desk",
                    row.patient_number,
                    p.patient_id,
                    p.name_kanji,
                    p.name_kana,
                    format_date(row.date_of_birth),
                    p.patient_id
                ),
            ));
            continue;
        }
        let base = id_for_number(&row.patient_number);
        let mut id = base.clone();
        let mut n = 1;
        while taken_ids.contains(&id) || store.patient_summary_exists(&id)? {
            n += 1;
            id = format!("{base}-{n}");
        }
        taken_ids.insert(id.clone());
        report
            .added
            .push((row.line, id.clone(), row.patient_number.clone()));
        new_patients.push(new_patient(id, row));
    }
    report.rejected.sort_by_key(|r| r.line);
    if report.rejected.len() * 2 > report.rows_read {
        report.refused = true;
        return Ok(report);
    }
    store.import_patients(staff, &new_patients, &updates, progress)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_date;

    fn d(text: &str) -> Option<Date> {
        parse_date(text).ok()
    }

    #[test]
    fn birth_dates_in_the_forms_a_rececon_writes() {
        let cases = [
            ("1958-03-14", d("1958-03-14")),
            ("1958/3/14", d("1958-03-14")),
            ("19580314", d("1958-03-14")),
            ("S33.3.14", d("1958-03-14")),
            ("s33/03/14", d("1958-03-14")),
            ("昭和33年3月14日", d("1958-03-14")),
            ("昭33.3.14", d("1958-03-14")),
            ("Ｓ３３．３．１４", d("1958-03-14")),
            ("3330314", d("1958-03-14")),
            ("H元.1.8", d("1989-01-08")),
            ("平成元年1月8日", d("1989-01-08")),
            ("H1.1.7", None),
            ("S64.1.7", d("1989-01-07")),
            ("R1.5.1", d("2019-05-01")),
            ("R1.4.30", None),
            ("T15.12.24", d("1926-12-24")),
            ("M45.7.29", d("1912-07-29")),
            ("S33.2.30", None),
            ("1958-02-30", None),
            ("33.3.14", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_birth_date(text), want, "{text:?}");
        }
    }

    #[test]
    fn sex_copay_and_kind() {
        assert_eq!(parse_sex("男"), Some(Sex::Male));
        assert_eq!(parse_sex("Ｆ"), Some(Sex::Female));
        assert_eq!(parse_sex("2"), Some(Sex::Female));
        assert_eq!(parse_sex("?"), None);
        assert_eq!(parse_copay("3割"), Some(30));
        assert_eq!(parse_copay("２０"), Some(20));
        assert_eq!(parse_copay("10%"), Some(10));
        assert_eq!(parse_copay("25"), None);
        assert_eq!(parse_copay("3"), None);
        assert_eq!(kind_of_number("138057"), InsuranceKind::National);
        assert_eq!(kind_of_number("39131015"), InsuranceKind::LateElderly);
        assert_eq!(kind_of_number("06139952"), InsuranceKind::Employee);
    }

    #[test]
    fn shift_jis_utf8_and_neither() {
        let path = Path::new("x.csv");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("患者番号,氏名\n");
        assert!(matches!(
            decode(path, &sjis),
            Ok((t, TextEncoding::ShiftJis)) if t.starts_with("患者番号")
        ));
        assert!(matches!(
            decode(path, "\u{feff}a,b".as_bytes()),
            Ok((t, TextEncoding::Utf8Bom)) if t == "a,b"
        ));
        assert!(matches!(decode(path, b"a,b"), Ok((_, TextEncoding::Utf8))));
        // 0x85 0x20 is neither UTF-8 nor a Shift_JIS character.
        assert!(matches!(
            decode(path, b"a,\x85\x20,\xff"),
            Err(PatientImportError::Encoding { .. })
        ));
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let today = parse_date("2026-11-21").unwrap_or(Date::MIN);
        let text = "カルテ番号,氏名,フリガナ,生年月日,性別,保険者番号,記号,番号,負担割合\n\
                    1001,山田 花子,ﾔﾏﾀﾞ ﾊﾅｺ,S33.3.14,女,06139952,1234,56,3割\n\
                    1002,佐藤 一郎,サトウ イチロウ,2030-01-01,男,,,,\n\
                    1003,鈴木 次郎,スズキ ジロウ,H2.4.1,X?,,,,\n\
                    1004,高橋 三郎,タカハシ サブロウ,H2.4.1,1,12345,,,\n\
                    1001,山田 花子,ヤマダ ハナコ,S33.3.14,女,,,,\n";
        let parsed = parse(Path::new("p.csv"), text.as_bytes(), today);
        let Ok(parsed) = parsed else {
            panic!("{:?}", parsed.err());
        };
        assert_eq!(parsed.rows_read, 5);
        assert_eq!(parsed.rows.len(), 1);
        let p = &parsed.rows[0];
        assert_eq!(p.name_kana, "ヤマダ ハナコ");
        assert_eq!(
            p.insurance.as_ref().map(|i| (
                i.kind,
                i.member_symbol_number.as_str(),
                i.copay_percent
            )),
            Some((InsuranceKind::Employee, "1234・56", 30))
        );
        let got: Vec<(u64, &str)> = parsed.rejected.iter().map(|r| (r.line, r.field)).collect();
        assert_eq!(
            got,
            [
                (3, "date_of_birth"),
                (4, "sex"),
                (5, "insurer_number"),
                (6, "patient_number")
            ]
        );
    }
}
