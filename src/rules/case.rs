//! The JSON face of the rules for `enkaku check` and `enkaku rules`: reading a case file into a
//! [`Consultation`] with errors that name the field, writing findings and the catalogue as JSON,
//! and the exit code a check ends with.

use serde_json::{Value, json};

use super::catalogue::catalogue;
use super::consultation::Consultation;
use super::consultation::strict::Strict;
use super::finding::{Finding, Severity};

/// Exit code: no finding blocks.
pub const EXIT_CLEAR: u8 = 0;
/// Exit code: at least one finding blocks.
pub const EXIT_BLOCKED: u8 = 1;
/// Exit code: the case file is invalid.
pub const EXIT_INVALID_CASE: u8 = 2;

/// Why a case file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// Not JSON at all, or cut short.
    #[error("not valid JSON at line {line} column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but a field has the wrong type, an unknown value, or is not part of the format.
    #[error("{path}: {message}")]
    Field { path: String, message: String },
}

/// Reads a case file (format: `docs/case-format.md`). A field left out is a fact not recorded;
/// a field of the wrong type, an unknown value or an unknown field makes the file invalid, and
/// the error names the field's path (e.g. `patient.age`).
pub fn parse_case(text: &str) -> Result<Consultation, CaseError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<Strict<Consultation>, _> = serde_path_to_error::deserialize(&mut de);
    let consultation = match parsed {
        Ok(c) => c.0,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            return Err(classify(path, &inner));
        }
    };
    // Trailing garbage after the object is as invalid as a missing brace.
    de.end().map_err(|e| classify(String::new(), &e))?;
    Ok(consultation)
}

fn classify(path: String, e: &serde_json::Error) -> CaseError {
    use serde_json::error::Category;
    let message = strip_position(&e.to_string());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => CaseError::Syntax {
            line: e.line(),
            column: e.column(),
            message,
        },
        Category::Data => CaseError::Field {
            path: if path.is_empty() || path == "." {
                "(top level)".to_string()
            } else {
                path
            },
            message: format!("{message} (line {} column {})", e.line(), e.column()),
        },
    }
}

/// serde_json appends " at line L column C"; the error carries them separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// `{"findings":[{"rule","clause","severity","message_ja","message_en","resolve_ja","resolve_en"}]}`
/// with severity as `"block"`, `"warn"` or `"info"`.
pub fn findings_json(findings: &[Finding]) -> Value {
    let list: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "clause": f.clause,
                "severity": f.severity.as_str(),
                "message_ja": f.message_ja,
                "message_en": f.message_en,
                "resolve_ja": f.resolve_ja,
                "resolve_en": f.resolve_en,
                "overridable": f.overridable,
                "resolutions": f.resolutions.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "line": f.line,
            })
        })
        .collect();
    json!({ "findings": list })
}

/// `{"rules":[{"id","clause","severity","summary_ja","summary_en"}]}`, in guideline order.
pub fn catalogue_json() -> Value {
    let list: Vec<Value> = catalogue()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "clause": r.clause,
                "severity": r.severity.as_str(),
                "summary_ja": r.summary_ja,
                "summary_en": r.summary_en,
                "overridable": r.overridable,
                "resolutions": r.resolutions.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "rules": list })
}

/// Findings for a terminal, one block per finding: severity, rule and clause, then the message
/// and what would resolve it, in Japanese then English. "No findings" when there are none.
pub fn findings_text(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "指摘事項なし / no findings\n".to_string();
    }
    let mut out = String::new();
    for f in findings {
        let label = match f.severity {
            Severity::Block => "BLOCK",
            Severity::Warn => "WARN ",
            Severity::Info => "INFO ",
        };
        out.push_str(&format!("{label} {}  {}\n", f.rule, f.clause));
        out.push_str(&format!("      {}\n      {}\n", f.message_ja, f.message_en));
        out.push_str(&format!(
            "      → {}\n      → {}\n",
            f.resolve_ja, f.resolve_en
        ));
        if let Some(line) = &f.line {
            out.push_str(&format!("      処方 / line: {line}\n"));
        }
        if !f.overridable {
            let (ja, en): (Vec<&str>, Vec<&str>) = f.resolutions.iter().map(|r| r.label()).unzip();
            out.push_str(&format!(
                "      override不可: {}\n      not overridable: {}\n",
                ja.join("、"),
                en.join("; ")
            ));
        }
    }
    out
}

/// The catalogue for a terminal: one line per rule.
pub fn catalogue_text() -> String {
    catalogue()
        .iter()
        .map(|r| {
            // The prohibitions no override clears are marked, so that a reader of the catalogue
            // knows which blocks only their resolutions lift.
            let fixed = if r.overridable {
                String::new()
            } else {
                let ways: Vec<&str> = r.resolutions.iter().map(|x| x.as_str()).collect();
                format!("  [override不可 / not overridable: {}]", ways.join(", "))
            };
            format!(
                "{:<36} {:<5} {:<28} {} / {}{fixed}\n",
                r.id,
                r.severity.as_str(),
                r.clause,
                r.summary_ja,
                r.summary_en
            )
        })
        .collect()
}

/// [`EXIT_BLOCKED`] when any finding blocks, else [`EXIT_CLEAR`].
pub fn exit_code(findings: &[Finding]) -> u8 {
    if findings.iter().any(|f| f.severity == Severity::Block) {
        EXIT_BLOCKED
    } else {
        EXIT_CLEAR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_error(text: &str) -> (String, String) {
        match parse_case(text) {
            Err(CaseError::Field { path, message }) => (path, message),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_object_is_a_valid_case_with_nothing_recorded() {
        let c = parse_case("{}").unwrap();
        assert_eq!(c, Consultation::default());
    }

    #[test]
    fn wrong_types_name_the_field() {
        let (path, message) = field_error(r#"{"patient": {"age": "x"}}"#);
        assert_eq!(path, "patient.age");
        assert!(
            message.starts_with(r#"invalid type: string "x", expected u32"#),
            "{message}"
        );
    }

    #[test]
    fn unknown_values_and_fields_are_invalid() {
        let (path, message) = field_error(r#"{"visit": "telepathy"}"#);
        assert_eq!(path, "visit");
        assert!(message.contains("unknown variant `telepathy`"), "{message}");

        let (path, message) = field_error(r#"{"patient": {"agee": 3}}"#);
        assert!(path.starts_with("patient"), "{path}");
        assert!(message.contains("unknown field `agee`"), "{message}");

        let (path, _) = field_error(r#"{"prescriptions": [{"drug": "x"}, {"days": -1}]}"#);
        assert_eq!(path, "prescriptions[1].days");

        let (path, message) = field_error(r#"{"doctor": {"trained_on": "2024-13-01"}}"#);
        assert_eq!(path, "doctor.trained_on");
        assert!(message.contains("YYYY-MM-DD"), "{message}");
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        match parse_case("{\n  \"visit\": \"in_person\",\n") {
            Err(CaseError::Syntax { line, .. }) => assert_eq!(line, 3),
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(matches!(parse_case("{} {}"), Err(CaseError::Syntax { .. })));
    }

    #[test]
    fn sections_must_be_objects() {
        assert_eq!(field_error("[]").0, "(top level)");
        let (path, message) = field_error(r#"{"patient": [true, false]}"#);
        assert_eq!(path, "patient");
        assert!(message.contains("expected an object"), "{message}");
        assert_eq!(
            field_error(r#"{"prescriptions": [["x", 7]]}"#).0,
            "prescriptions[0]"
        );
        // null is "not recorded", like a missing field.
        assert!(parse_case(r#"{"patient": null, "prescriptions": null}"#).is_ok());
    }

    #[test]
    fn symptoms_take_a_string_or_a_list() {
        let one = parse_case(r#"{"patient": {"symptoms": "胸痛"}}"#).unwrap();
        assert_eq!(one.patient.symptoms, Some(vec!["胸痛".to_string()]));
        let many = parse_case(r#"{"patient": {"symptoms": ["咳", "鼻水"]}}"#).unwrap();
        assert_eq!(many.patient.symptoms.map(|s| s.len()), Some(2));
        let (path, _) = field_error(r#"{"patient": {"symptoms": 3}}"#);
        assert_eq!(path, "patient.symptoms");
    }

    #[test]
    fn exit_codes_and_text_follow_the_findings() {
        assert_eq!(exit_code(&[]), EXIT_CLEAR);
        let block = crate::rules::catalogue::RX_INITIAL_PSYCHOTROPIC.says("ja", "en", "rja", "ren");
        let warn = crate::rules::catalogue::RX_MISUSE_WATCH.says("ja", "en", "rja", "ren");
        assert_eq!(exit_code(std::slice::from_ref(&warn)), EXIT_CLEAR);
        assert_eq!(exit_code(&[warn.clone(), block.clone()]), EXIT_BLOCKED);
        let text = findings_text(&[block, warn]);
        assert!(
            text.starts_with("BLOCK rx.initial.psychotropic  指針 V.1(5)②ⅰ\n"),
            "{text}"
        );
        assert!(text.contains("WARN  rx.misuse_watch"));
        assert_eq!(catalogue_text().lines().count(), catalogue().len());
        let json = catalogue_json();
        assert_eq!(
            json["rules"].as_array().map(Vec::len),
            Some(catalogue().len())
        );
        assert_eq!(json["rules"][0]["severity"], "block");
    }
}
