//! The 日本医学会連合 「オンライン診療の初診に適さない症状」 as a screening table
//! (`fixtures/red_flag_symptoms.toml`, embedded), and matching a free-text complaint against it.
//!
//! A hit means "do not start a first visit online"; no hit proves nothing — the doctor decides
//! (指針 V.1(2)②ⅱ). Japanese terms match as substrings after folding (NFKC, katakana to
//! hiragana, no spaces); English terms match whole words. An occurrence immediately negated
//! (「胸痛なし」, "no chest pain") does not count; any other occurrence still does.

use std::sync::OnceLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::domain::fold_for_search;

const TABLE: &str = include_str!("../../fixtures/red_flag_symptoms.toml");

/// How urgently a red-flag symptom needs in-person care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 緊急性が高い: send to in-person (emergency) care at once.
    Emergency,
    /// The information or the means available online are not enough.
    InPerson,
}

/// One symptom of the table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RedFlag {
    pub id: String,
    pub ja: String,
    pub en: String,
    #[serde(default)]
    pub synonyms_ja: Vec<String>,
    #[serde(default)]
    pub synonyms_en: Vec<String>,
    pub urgency: Urgency,
    /// Every name and synonym, prepared once for matching: English terms lower-cased and matched
    /// as whole words, Japanese terms folded and matched as substrings.
    #[serde(skip)]
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Words(String),
    Folded(String),
}

#[derive(Deserialize)]
struct Table {
    symptom: Vec<RedFlag>,
}

/// The embedded table could not be read (a defect of the build, caught by the unit tests).
#[derive(Debug, Clone, thiserror::Error)]
#[error("fixtures/red_flag_symptoms.toml: {0}")]
pub struct TableError(String);

/// The embedded table, parsed once.
pub fn table() -> Result<&'static [RedFlag], TableError> {
    static PARSED: OnceLock<Result<Vec<RedFlag>, TableError>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            let mut table: Table = toml::from_str(TABLE).map_err(|e| TableError(e.to_string()))?;
            if table.symptom.is_empty() {
                return Err(TableError("no [[symptom]] entries".into()));
            }
            for flag in &mut table.symptom {
                let names = std::iter::once(&flag.ja)
                    .chain(&flag.synonyms_ja)
                    .chain(std::iter::once(&flag.en))
                    .chain(&flag.synonyms_en);
                flag.terms = names
                    .map(|term| {
                        if term.is_ascii() {
                            Term::Words(term.to_lowercase())
                        } else {
                            Term::Folded(fold_for_search(term))
                        }
                    })
                    .collect();
            }
            Ok(table.symptom)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// The symptoms of the table that `complaint` mentions, each once, in table order.
pub fn screen<'t>(table: &'t [RedFlag], complaints: &[String]) -> Vec<&'t RedFlag> {
    // Each complaint is normalised once, not once per symptom of the table.
    let prepared: Vec<(String, String)> = complaints
        .iter()
        .map(|text| {
            (
                fold_for_search(text),
                text.nfkc().collect::<String>().to_lowercase(),
            )
        })
        .collect();
    table
        .iter()
        .filter(|flag| {
            prepared
                .iter()
                .any(|(folded, words)| mentions(flag, folded, words))
        })
        .collect()
}

fn mentions(flag: &RedFlag, folded: &str, words: &str) -> bool {
    flag.terms.iter().any(|term| match term {
        Term::Words(term) => mentions_words(words, term),
        Term::Folded(term) => mentions_folded(folded, term),
    })
}

/// Substring match on folded Japanese text, skipping occurrences negated right after the term.
fn mentions_folded(folded: &str, term: &str) -> bool {
    const NEGATIONS: [&str; 8] = [
        "なし",
        "無し",
        "はない",
        "はなし",
        "はありません",
        "ではない",
        "(-)",
        "(−)",
    ];
    if term.is_empty() {
        return false;
    }
    folded.match_indices(term).any(|(at, _)| {
        let after = &folded[at + term.len()..];
        !NEGATIONS.iter().any(|n| after.starts_with(n))
    })
}

/// Whole-word match on lower-cased text, skipping occurrences preceded by a negation.
fn mentions_words(text: &str, term: &str) -> bool {
    const NEGATIONS: [&str; 5] = ["no", "not", "denies", "without", "negative for"];
    let term = term.trim();
    if term.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    text.match_indices(term).any(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + term.len()..];
        let starts_word = before.chars().next_back().is_none_or(|c| !is_word(c));
        let ends_word = after.chars().next().is_none_or(|c| !is_word(c));
        if !(starts_word && ends_word) {
            return false;
        }
        let before = before.trim_end();
        let negated = NEGATIONS.iter().any(|n| {
            before.ends_with(n)
                && before[..before.len() - n.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_word(c))
        });
        !negated
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(text: &str) -> Vec<String> {
        let table = table().unwrap();
        screen(table, &[text.to_string()])
            .into_iter()
            .map(|f| f.id.clone())
            .collect()
    }

    #[test]
    fn embedded_table_parses() {
        let table = table().unwrap();
        assert!(table.len() >= 20);
        assert!(table.iter().any(|f| f.id == "chest_pain"));
    }

    #[test]
    fn japanese_complaints_match_after_folding() {
        assert!(hits("昨夜から胸が痛い").contains(&"chest_pain".to_string()));
        assert!(hits("ｾﾞｰｾﾞｰする").contains(&"wheezing".to_string()));
        assert!(hits("ぜーぜーする").contains(&"wheezing".to_string()));
        assert!(hits("けいれん").contains(&"convulsions".to_string()));
        assert!(hits("吐血あり").contains(&"haematemesis".to_string()));
    }

    #[test]
    fn english_matches_whole_words_only() {
        assert!(hits("Chest pain since this morning").contains(&"chest_pain".to_string()));
        assert!(hits("had a fit yesterday").contains(&"convulsions".to_string()));
        // "fit" inside "benefit" is not a seizure.
        assert!(
            !hits("asking about the benefit of the cream").contains(&"convulsions".to_string())
        );
    }

    #[test]
    fn negated_mentions_do_not_count_but_others_do() {
        assert!(hits("胸痛なし").is_empty());
        assert!(hits("no chest pain").is_empty());
        assert!(hits("胸痛なし、今朝から胸痛").contains(&"chest_pain".to_string()));
    }

    #[test]
    fn ordinary_complaints_do_not_match() {
        assert!(hits("花粉症で鼻水とくしゃみ").is_empty());
        assert!(hits("itchy eyes and sneezing").is_empty());
    }
}
