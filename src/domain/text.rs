//! Folding Japanese text for matching: NFKC (full-width digits and letters become ASCII,
//! half-width kana become full-width), katakana to hiragana, lower case, no spaces.

use unicode_normalization::UnicodeNormalization;

/// The form in which names are stored for search and in which queries are compared.
pub fn fold_for_search(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace() && *c != '・')
        .map(|c| match c {
            // Katakana ァ..ヶ map onto hiragana ぁ..ゖ at a fixed offset.
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// NFKC and trimmed, for codes and names read from files.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_kana_and_case() {
        assert_eq!(fold_for_search("ヤマダ　タロウ"), "やまだたろう");
        assert_eq!(fold_for_search("ﾔﾏﾀﾞ"), "やまだ");
        assert_eq!(fold_for_search("山田 太郎"), "山田太郎");
        assert_eq!(fold_for_search("ＡＢＣ１２"), "abc12");
    }
}
