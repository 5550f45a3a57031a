//! Reading one edition of the MHLW 薬価基準収載品目リスト (price list) from CSV: the header, NFKC
//! normalisation, and which rows are malformed or duplicated, reported by line. No database here.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::DrugError;
use super::tables::Route;
use crate::domain::nfkc;

/// The header of the price list, in order.
pub const COLUMNS: [&str; 15] = [
    "区分",
    "薬価基準収載医薬品コード",
    "成分名",
    "規格",
    "日本薬局方",
    "麻薬",
    "業者名追記",
    "品名",
    "メーカー名",
    "診療報酬において加算等の算定対象となる後発医薬品",
    "先発医薬品",
    "同一剤形・規格の後発医薬品がある先発医薬品",
    "薬価",
    "経過措置による使用期限",
    "備考",
];

/// Column positions in `COLUMNS`.
pub(crate) mod col {
    pub const ROUTE: usize = 0;
    pub const CODE: usize = 1;
    pub const INGREDIENT: usize = 2;
    pub const NARCOTIC: usize = 5;
    pub const NAME: usize = 7;
    pub const PRICE: usize = 12;
}

/// One valid row, every field NFKC-normalised and trimmed; the code is upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListRow {
    /// Line of the file where the row starts (the header is line 1).
    pub line: u64,
    pub fields: [String; 15],
}

impl PriceListRow {
    pub fn code(&self) -> &str {
        &self.fields[col::CODE]
    }
    pub fn route(&self) -> &str {
        &self.fields[col::ROUTE]
    }
    pub fn ingredient(&self) -> &str {
        &self.fields[col::INGREDIENT]
    }
    pub fn name(&self) -> &str {
        &self.fields[col::NAME]
    }
    pub fn narcotic_column(&self) -> &str {
        &self.fields[col::NARCOTIC]
    }
}

/// A row left out of the import, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    pub line: u64,
    /// The code as read (normalised), when there was one.
    pub code: Option<String>,
    pub reason: String,
}

/// A later row with the code of an earlier one but different contents; the first one is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateRow {
    pub line: u64,
    pub code: String,
    pub first_line: u64,
}

/// A whole file, read and checked.
#[derive(Debug, Clone)]
pub struct ParsedEdition {
    /// Valid rows, first occurrence of each code, in file order.
    pub rows: Vec<PriceListRow>,
    /// Data rows in the file (header excluded).
    pub rows_read: usize,
    pub rejected: Vec<RejectedRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Later rows identical to an earlier one with the same code, dropped silently.
    pub identical_duplicates: usize,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

fn bad_header(file: &str, reason: String) -> DrugError {
    DrugError::BadHeader {
        file: file.to_string(),
        reason,
    }
}

/// The reason a code is not a 薬価基準収載医薬品コード, if it is not.
pub(crate) fn code_problem(code: &str) -> Option<String> {
    if code.is_empty() {
        return Some("薬価基準収載医薬品コード is empty".into());
    }
    if code.chars().count() != 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "薬価基準収載医薬品コード {code:?} is not 12 letters and digits"
        ));
    }
    if !code.bytes().take(4).all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "薬価基準収載医薬品コード {code:?} does not start with a 4-digit 薬効分類"
        ));
    }
    None
}

fn is_price(text: &str) -> bool {
    let mut parts = text.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks one record; `Err` is the reason it is rejected.
fn read_row(record: &csv::ByteRecord, line: u64) -> Result<PriceListRow, RejectedRow> {
    let reject = |code: Option<String>, reason: String| RejectedRow { line, code, reason };
    if record.len() != COLUMNS.len() {
        return Err(reject(
            None,
            format!("expected {} fields, found {}", COLUMNS.len(), record.len()),
        ));
    }
    let mut fields: [String; 15] = Default::default();
    for (i, raw) in record.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(reject(
                None,
                format!("column {} 「{}」 is not valid UTF-8", i + 1, COLUMNS[i]),
            ));
        };
        fields[i] = nfkc(text);
    }
    fields[col::CODE] = fields[col::CODE].to_ascii_uppercase();
    let code = fields[col::CODE].clone();
    if let Some(reason) = code_problem(&code) {
        return Err(reject((!code.is_empty()).then_some(code), reason));
    }
    let code = Some(code);
    if Route::parse(&fields[col::ROUTE]).is_none() {
        return Err(reject(
            code,
            format!(
                "区分 {:?} is not one of 内用薬, 注射薬, 外用薬, 歯科用薬剤",
                fields[col::ROUTE]
            ),
        ));
    }
    if fields[col::INGREDIENT].is_empty() {
        return Err(reject(code, "成分名 is empty".into()));
    }
    if fields[col::NAME].is_empty() {
        return Err(reject(code, "品名 is empty".into()));
    }
    if !matches!(fields[col::NARCOTIC].as_str(), "" | "麻") {
        return Err(reject(
            code,
            format!(
                "麻薬 {:?} is neither empty nor 「麻」",
                fields[col::NARCOTIC]
            ),
        ));
    }
    if !is_price(&fields[col::PRICE]) {
        return Err(reject(
            code,
            format!("薬価 {:?} is not a price in yen", fields[col::PRICE]),
        ));
    }
    Ok(PriceListRow { line, fields })
}

/// Reads a whole edition. `file` names the file in errors. A bad header, an unreadable file
/// or a file without a single valid row is an error; a bad row is only reported.
pub fn parse_edition(file: &str, bytes: &[u8]) -> Result<ParsedEdition, DrugError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let read_error = |e: csv::Error| DrugError::Read {
        file: file.to_string(),
        line: e.position().map(|p| p.line()),
        reason: e.to_string(),
    };

    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(read_error)? {
        return Err(bad_header(file, "the file is empty".into()));
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| nfkc(&String::from_utf8_lossy(f)))
        .collect();
    if header.len() != COLUMNS.len() {
        return Err(bad_header(
            file,
            format!(
                "line 1: expected the {} columns of the MHLW price list ({}), found {}",
                COLUMNS.len(),
                COLUMNS.join(","),
                header.len()
            ),
        ));
    }
    if let Some((i, (found, expected))) = header
        .iter()
        .zip(COLUMNS)
        .enumerate()
        .find(|(_, (found, expected))| found.as_str() != *expected)
    {
        return Err(bad_header(
            file,
            format!(
                "line 1, column {}: expected 「{expected}」, found 「{found}」",
                i + 1
            ),
        ));
    }

    let mut parsed = ParsedEdition {
        rows: Vec::new(),
        rows_read: 0,
        rejected: Vec::new(),
        duplicates: Vec::new(),
        identical_duplicates: 0,
        sha256,
    };
    let mut by_code: HashMap<String, usize> = HashMap::new();
    while reader.read_byte_record(&mut record).map_err(read_error)? {
        parsed.rows_read += 1;
        let line = record.position().map_or(0, |p| p.line());
        match read_row(&record, line) {
            Err(rejected) => parsed.rejected.push(rejected),
            Ok(row) => match by_code.get(row.code()) {
                Some(&first) => {
                    let first = &parsed.rows[first];
                    if first.fields == row.fields {
                        parsed.identical_duplicates += 1;
                    } else {
                        parsed.duplicates.push(DuplicateRow {
                            line,
                            code: row.code().to_string(),
                            first_line: first.line,
                        });
                    }
                }
                None => {
                    by_code.insert(row.code().to_string(), parsed.rows.len());
                    parsed.rows.push(row);
                }
            },
        }
    }
    if parsed.rows.is_empty() {
        return Err(DrugError::NoRows {
            file: file.to_string(),
            rejected: parsed.rejected.len(),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考";

    #[test]
    fn normalises_and_reports_by_line() {
        let text = format!(
            "\u{FEFF}{HEADER}\n\
             内用薬,１１２９００９Ｆ１０２５,ゾルピデム酒石酸塩,５ｍｇ１錠,局,,,マイスリー錠５ｍｇ,アステラス製薬,,先発品,○,17.5,,\n\
             内用薬,1129009F10,ゾルピデム酒石酸塩,５ｍｇ１錠,局,,,短いコード,,,,,17.5,,\n\
             内用薬,1129009F2021,ゾルピデム酒石酸塩\n\
             内用薬,1129009F1025,ゾルピデム酒石酸塩,５ｍｇ１錠,局,,,マイスリー錠５ｍｇ,アステラス製薬,,先発品,○,17.5,,\n\
             内用薬,1129009F1025,ゾルピデム酒石酸塩,５ｍｇ１錠,局,,,別の品名,アステラス製薬,,先発品,○,17.5,,\n\
             内服薬,1129009F2021,ゾルピデム酒石酸塩,１０ｍｇ１錠,局,,,マイスリー錠１０ｍｇ,,,,,26.9,,\n"
        );
        let parsed = match parse_edition("t.csv", text.as_bytes()) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(parsed.rows_read, 6);
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].code(), "1129009F1025");
        assert_eq!(parsed.rows[0].fields[3], "5mg1錠");
        assert_eq!(parsed.rows[0].line, 2);
        let lines: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 7]);
        assert_eq!(parsed.identical_duplicates, 1);
        assert_eq!(
            parsed.duplicates,
            [DuplicateRow {
                line: 6,
                code: "1129009F1025".into(),
                first_line: 2
            }]
        );
    }

    #[test]
    fn header_is_checked_by_column() {
        let text = HEADER.replace("成分名", "成分") + "\n";
        let err = parse_edition("x.csv", text.as_bytes())
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("x.csv") && e.contains("column 3")),
            "{err:?}"
        );
        let err = parse_edition("e.csv", b"").err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("e.csv")),
            "{err:?}"
        );
    }

    #[test]
    fn prices() {
        assert!(is_price("17.5"));
        assert!(is_price("10"));
        assert!(!is_price(""));
        assert!(!is_price("1."));
        assert!(!is_price("-1"));
    }
}
