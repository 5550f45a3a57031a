//! The SOAP note (診療録) of the encounter, written in place on the consultation screen: one
//! note per encounter, saved whenever the doctor leaves the editor.

use super::Author;
use crate::domain::{ChartNote, Encounter};
use crate::tui::editor::TextEditor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapNote {
    pub subjective: TextEditor,
    pub objective: TextEditor,
    pub assessment: TextEditor,
    pub plan: TextEditor,
}

impl SoapNote {
    /// The parts in the order Tab walks them, with their tags.
    pub const TAGS: [&'static str; 4] = ["S", "O", "A", "P"];

    pub fn new() -> SoapNote {
        SoapNote::of(None)
    }

    /// The editors over the encounter's note, if it has one.
    pub fn of(note: Option<&ChartNote>) -> SoapNote {
        let part = |f: fn(&ChartNote) -> &String| {
            TextEditor::with_text(note.map(f).map(String::as_str).unwrap_or(""), true)
        };
        SoapNote {
            subjective: part(|n| &n.subjective),
            objective: part(|n| &n.objective),
            assessment: part(|n| &n.assessment),
            plan: part(|n| &n.plan),
        }
    }

    /// Part `i` in Tab order (the plan past the end).
    pub fn part(&self, i: usize) -> &TextEditor {
        match i {
            0 => &self.subjective,
            1 => &self.objective,
            2 => &self.assessment,
            _ => &self.plan,
        }
    }

    pub fn part_mut(&mut self, i: usize) -> &mut TextEditor {
        match i {
            0 => &mut self.subjective,
            1 => &mut self.objective,
            2 => &mut self.assessment,
            _ => &mut self.plan,
        }
    }

    /// Something is written in any part.
    pub fn is_drafted(&self) -> bool {
        (0..Self::TAGS.len()).any(|i| !self.part(i).is_empty())
    }

    /// The note of `encounter` as written now; a note saved before keeps its first time.
    pub fn submit(&self, encounter: &Encounter, by: &Author) -> ChartNote {
        let id = format!("nt-{}", encounter.id);
        let written_at = encounter
            .notes
            .get(&id)
            .map(|n| n.written_at)
            .unwrap_or(by.now);
        ChartNote {
            id,
            author: by.staff.to_string(),
            written_at,
            subjective: self.subjective.text(),
            objective: self.objective.text(),
            assessment: self.assessment.text(),
            plan: self.plan.text(),
        }
    }
}

impl Default for SoapNote {
    fn default() -> SoapNote {
        SoapNote::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;
    use crate::domain::VisitKind;

    #[test]
    fn the_note_keeps_its_id_and_first_time() {
        let by = author();
        let mut e = Encounter::new("en-1", VisitKind::OnlineInitial);
        let mut note = SoapNote::new();
        assert!(!note.is_drafted());
        note.subjective.insert_str("咳が続く");
        note.objective.insert_str("映像上\n異常なし");
        assert!(note.is_drafted());
        let first = note.submit(&e, &by);
        assert_eq!(first.id, "nt-en-1");
        assert_eq!(first.author, "dr-sato");
        assert_eq!(first.written_at, by.now);
        assert_eq!(
            (first.subjective.as_str(), first.objective.as_str()),
            ("咳が続く", "映像上\n異常なし")
        );
        e.notes.insert(first.id.clone(), first.clone());
        let later = Author {
            now: by.now + time::Duration::minutes(5),
            ..by.clone()
        };
        note.plan.insert_str("7日分");
        let second = note.submit(&e, &later);
        assert_eq!(second.written_at, by.now, "first written time kept");
        assert_eq!(second.plan, "7日分");
        assert_eq!(SoapNote::of(Some(&second)), note);
    }
}
