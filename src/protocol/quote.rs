//! Bounded quoting of text that came from outside (a document id, a device name, a header): what
//! goes into an error answer or a log line is at most its first [`QUOTE_CHARS`] characters,
//! escaped, with the full length said, never the whole input.

use std::fmt;

/// Characters of outside text kept in a quotation.
pub const QUOTE_CHARS: usize = 64;

/// Displays as `"first 64 characters…" (N bytes)` for long text and as `"text"` for short,
/// with control characters and quotes escaped as Rust's `{:?}` escapes them.
#[derive(Clone, Copy)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars().take(QUOTE_CHARS) {
            write!(f, "{}", c.escape_debug())?;
        }
        if self.0.chars().nth(QUOTE_CHARS).is_some() {
            write!(f, "…\" ({} bytes)", self.0.len())
        } else {
            f.write_str("\"")
        }
    }
}

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `text` quoted and bounded, as a string.
pub fn quote(text: &str) -> String {
    Quoted(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_is_cut_with_its_length() {
        assert_eq!(quote("patient/p1"), "\"patient/p1\"");
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
        let long = "é".repeat(10_000);
        let quoted = quote(&long);
        assert!(quoted.ends_with("…\" (20000 bytes)"), "{quoted}");
        assert_eq!(quoted.chars().filter(|c| *c == 'é').count(), QUOTE_CHARS);
        assert_eq!(quote(&"x".repeat(QUOTE_CHARS)).len(), QUOTE_CHARS + 2);
    }
}
