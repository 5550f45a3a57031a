//! A multi-line text editor for notes and forms: cursor by character, so that Japanese text
//! typed through an input method (one `Char` event per character, or a bracketed paste) arrives
//! intact and edits correctly.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextEditor {
    lines: Vec<String>,
    row: usize,
    /// Cursor column in characters.
    col: usize,
    pub multiline: bool,
}

impl TextEditor {
    pub fn new(multiline: bool) -> TextEditor {
        TextEditor {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            multiline,
        }
    }

    pub fn with_text(text: &str, multiline: bool) -> TextEditor {
        let mut e = TextEditor::new(multiline);
        e.insert_str(text);
        e
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.is_empty())
    }

    fn byte_at(line: &str, col: usize) -> usize {
        line.char_indices()
            .nth(col)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    }

    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' || c == '\r' {
                if self.multiline {
                    self.newline();
                }
            } else if !c.is_control() {
                self.insert_char(c);
            }
        }
    }

    fn insert_char(&mut self, c: char) {
        let line = &mut self.lines[self.row];
        let at = Self::byte_at(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        let line = &mut self.lines[self.row];
        let at = Self::byte_at(line, self.col);
        let rest = line.split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    /// Applies a key; returns false when the key is not an editing key.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        match key.code {
            KeyCode::Char(c) => self.insert_char(c),
            KeyCode::Enter if self.multiline => self.newline(),
            KeyCode::Backspace => {
                if self.col > 0 {
                    let line = &mut self.lines[self.row];
                    let at = Self::byte_at(line, self.col - 1);
                    line.remove(at);
                    self.col -= 1;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.lines[self.row].chars().count();
                    self.lines[self.row].push_str(&line);
                }
            }
            KeyCode::Delete => {
                let len = self.lines[self.row].chars().count();
                if self.col < len {
                    let line = &mut self.lines[self.row];
                    let at = Self::byte_at(line, self.col);
                    line.remove(at);
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].push_str(&next);
                }
            }
            KeyCode::Left => self.col = self.col.saturating_sub(1),
            KeyCode::Right => self.col = (self.col + 1).min(self.lines[self.row].chars().count()),
            KeyCode::Up if self.multiline && self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.lines[self.row].chars().count());
            }
            KeyCode::Down if self.multiline && self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.lines[self.row].chars().count());
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.lines[self.row].chars().count(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn japanese_characters_insert_and_delete_whole() {
        let mut e = TextEditor::new(true);
        for c in "頭痛が続く".chars() {
            e.handle(key(KeyCode::Char(c)));
        }
        e.handle(key(KeyCode::Backspace));
        e.handle(key(KeyCode::Left));
        e.handle(key(KeyCode::Char('は')));
        assert_eq!(e.text(), "頭痛がは続");
        e.handle(key(KeyCode::End));
        e.handle(key(KeyCode::Enter));
        e.insert_str("二行目\n三行目");
        assert_eq!(e.text(), "頭痛がは続\n二行目\n三行目");
        assert_eq!(e.cursor(), (2, 3));
    }

    #[test]
    fn a_single_line_field_ignores_newlines() {
        let mut e = TextEditor::new(false);
        e.insert_str("a\nb");
        assert!(!e.handle(key(KeyCode::Enter)));
        assert_eq!(e.text(), "ab");
    }
}
