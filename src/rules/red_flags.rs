//! The 日本医学会連合 「オンライン診療の初診に適さない症状」 as a screening table
//! (`fixtures/red_flag_symptoms.toml`, embedded), and matching a free-text complaint against it.
//!
//! A hit means "do not start a first visit online"; no hit proves nothing — the doctor decides
//! (指針 V.1(2)②ⅱ). Japanese terms match as substrings after folding (NFKC, katakana to
//! hiragana, no spaces); English terms match whole words. An occurrence immediately negated
//! (「胸痛なし」, "no chest pain") does not count; any other occurrence still does.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
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
}

#[derive(Deserialize)]
struct Table {
    symptom: Vec<RedFlag>,
}

/// The table with every name and synonym prepared for matching in one pass over a text:
/// English terms lower-cased and matched as whole words, Japanese terms folded and matched as
/// substrings, each automaton's pattern `i` belonging to the symptom `*_flag[i]`.
struct Prepared {
    symptoms: Vec<RedFlag>,
    folded: AhoCorasick,
    folded_flag: Vec<usize>,
    words: AhoCorasick,
    words_flag: Vec<usize>,
}

/// The embedded table could not be read (a defect of the build, caught by the unit tests).
#[derive(Debug, Clone, thiserror::Error)]
#[error("fixtures/red_flag_symptoms.toml: {0}")]
pub struct TableError(String);

fn prepared() -> Result<&'static Prepared, TableError> {
    static PARSED: OnceLock<Result<Prepared, TableError>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            let table: Table = toml::from_str(TABLE).map_err(|e| TableError(e.to_string()))?;
            if table.symptom.is_empty() {
                return Err(TableError("no [[symptom]] entries".into()));
            }
            let (mut folded, mut folded_flag, mut words, mut words_flag) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (i, flag) in table.symptom.iter().enumerate() {
                let names = std::iter::once(&flag.ja)
                    .chain(&flag.synonyms_ja)
                    .chain(std::iter::once(&flag.en))
                    .chain(&flag.synonyms_en);
                for term in names {
                    if term.is_ascii() {
                        let term = term.trim().to_lowercase();
                        if !term.is_empty() {
                            words.push(term);
                            words_flag.push(i);
                        }
                    } else {
                        let term = fold_for_search(term);
                        if !term.is_empty() {
                            folded.push(term);
                            folded_flag.push(i);
                        }
                    }
                }
            }
            let build = |patterns: &[String]| {
                AhoCorasick::new(patterns).map_err(|e| TableError(e.to_string()))
            };
            Ok(Prepared {
                folded: build(&folded)?,
                words: build(&words)?,
                symptoms: table.symptom,
                folded_flag,
                words_flag,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The embedded table, parsed once.
pub fn table() -> Result<&'static [RedFlag], TableError> {
    prepared().map(|p| p.symptoms.as_slice())
}

/// The symptoms of the table that `complaints` mention, each once, in table order. `table` is
/// the embedded one ([`table`]); each text is read once whatever the size of the table.
pub fn screen<'t>(table: &'t [RedFlag], complaints: &[String]) -> Vec<&'t RedFlag> {
    let Ok(p) = prepared() else {
        return Vec::new();
    };
    let mut hit = vec![false; p.symptoms.len()];
    for text in complaints.iter().filter(|t| !t.trim().is_empty()) {
        let folded = fold_for_search(text);
        for m in p.folded.find_overlapping_iter(&folded) {
            if !negated_after(&folded[m.end()..]) {
                hit[p.folded_flag[m.pattern().as_usize()]] = true;
            }
        }
        let words = text.nfkc().collect::<String>().to_lowercase();
        for m in p.words.find_overlapping_iter(&words) {
            if whole_word_not_negated(&words, m.start(), m.end()) {
                hit[p.words_flag[m.pattern().as_usize()]] = true;
            }
        }
    }
    table
        .iter()
        .enumerate()
        .filter(|(i, _)| hit.get(*i).copied().unwrap_or(false))
        .map(|(_, f)| f)
        .collect()
}

/// A Japanese term's occurrence negated right after it (「胸痛なし」).
fn negated_after(after: &str) -> bool {
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
    NEGATIONS.iter().any(|n| after.starts_with(n))
}

/// An English term's occurrence at `start..end` of the lower-cased text: a whole word, not
/// preceded by a negation ("no chest pain").
fn whole_word_not_negated(text: &str, start: usize, end: usize) -> bool {
    const NEGATIONS: [&str; 5] = ["no", "not", "denies", "without", "negative for"];
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    let before = &text[..start];
    let after = &text[end..];
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
