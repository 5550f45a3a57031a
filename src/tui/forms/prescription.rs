//! A prescription line: the drug found in the drug master, the dose and the days, checked before
//! it joins the encounter (where the rules of 指針 V.1(5) judge it).

use super::{Author, FormError};
use crate::domain::{DrugInfo, Prescription};
use crate::tui::editor::TextEditor;

/// The longest prescription, in days, the form accepts.
const MOST_DAYS: u32 = 365;

/// Which field of the prescription line has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrugField {
    /// The search: drug name, ingredient or code.
    Query,
    Dose,
    Days,
}

impl DrugField {
    pub fn next(self) -> DrugField {
        match self {
            DrugField::Query => DrugField::Dose,
            DrugField::Dose => DrugField::Days,
            DrugField::Days => DrugField::Query,
        }
    }

    pub fn previous(self) -> DrugField {
        self.next().next()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrugSearch {
    pub query: TextEditor,
    pub dose: TextEditor,
    pub days: TextEditor,
    pub results: Vec<DrugInfo>,
    pub selected: usize,
    pub field: DrugField,
    /// Generation of the last search asked for; older results are dropped.
    pub generation: u64,
    pub error: Option<FormError>,
    /// Picking a current medication of this patient for the chart, not prescribing: no days.
    pub medication_for: Option<String>,
}

impl Default for DrugSearch {
    fn default() -> DrugSearch {
        DrugSearch {
            query: TextEditor::new(false),
            dose: TextEditor::new(false),
            days: TextEditor::new(false),
            results: Vec::new(),
            selected: 0,
            field: DrugField::Query,
            generation: 0,
            error: None,
            medication_for: None,
        }
    }
}

impl DrugSearch {
    /// The editor of the field that has the keys.
    pub fn editor_mut(&mut self) -> &mut TextEditor {
        match self.field {
            DrugField::Query => &mut self.query,
            DrugField::Dose => &mut self.dose,
            DrugField::Days => &mut self.days,
        }
    }

    /// The field after this one; a current medication has no days.
    pub fn step(&mut self, forward: bool) {
        loop {
            self.field = if forward {
                self.field.next()
            } else {
                self.field.previous()
            };
            if self.field != DrugField::Days || self.medication_for.is_none() {
                return;
            }
        }
    }

    /// The current medication picked from the master, for the chart.
    pub fn submit_medication(&self, by: &Author) -> Result<crate::tui::state::Write, FormError> {
        let drug = self.results.get(self.selected).ok_or(FormError::NoDrug)?;
        Ok(crate::tui::state::Write::Fact {
            patient_id: self.medication_for.clone().unwrap_or_default(),
            edit: crate::store::FactEdit::Medication {
                id: by.fresh.id("md"),
                medication: Some(crate::domain::Medication {
                    drug_code: Some(drug.code.clone()),
                    name: drug.name.clone(),
                    dose: self.dose.text().trim().to_string(),
                    source: None,
                }),
            },
        })
    }

    /// The line to add to the encounter.
    pub fn submit(&self, by: &Author) -> Result<Prescription, FormError> {
        let drug = self.results.get(self.selected).ok_or(FormError::NoDrug)?;
        let days = match self.days.text().trim().parse::<u32>() {
            Ok(d) if (1..=MOST_DAYS).contains(&d) => d,
            _ => return Err(FormError::DaysOutOfRange),
        };
        Ok(Prescription {
            id: by.fresh.id("rx"),
            drug_code: drug.code.clone(),
            drug_name: drug.name.clone(),
            dose: self.dose.text(),
            days,
            prescribed_by: by.staff.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn drug() -> DrugInfo {
        DrugInfo {
            code: "4490023F1027".into(),
            name: "アレグラ錠60mg".into(),
            ingredient: "フェキソフェナジン".into(),
            route: "内用薬".into(),
            narcotic: false,
            psychotropic_class: None,
            high_risk_category: None,
            misuse_watch: None,
            pde5_inhibitor: false,
            pde5_contraindicated: false,
        }
    }

    #[test]
    fn a_line_needs_a_drug_and_days_from_1_to_365() {
        // (drug found, days typed, expected days or error)
        let cases: [(bool, &str, Result<u32, FormError>); 7] = [
            (false, "7", Err(FormError::NoDrug)),
            (true, "", Err(FormError::DaysOutOfRange)),
            (true, "0", Err(FormError::DaysOutOfRange)),
            (true, "366", Err(FormError::DaysOutOfRange)),
            (true, "七", Err(FormError::DaysOutOfRange)),
            (true, " 7 ", Ok(7)),
            (true, "365", Ok(365)),
        ];
        for (found, days, expected) in cases {
            let s = DrugSearch {
                results: if found { vec![drug()] } else { Vec::new() },
                dose: TextEditor::with_text("1回1錠", false),
                days: TextEditor::with_text(days, false),
                ..DrugSearch::default()
            };
            let by = author();
            let want = expected.map(|days| Prescription {
                id: by.fresh.id("rx"),
                drug_code: "4490023F1027".into(),
                drug_name: "アレグラ錠60mg".into(),
                dose: "1回1錠".into(),
                days,
                prescribed_by: "dr-sato".into(),
            });
            assert_eq!(s.submit(&by), want, "{found} {days:?}");
        }
    }

    #[test]
    fn tab_walks_the_three_fields_both_ways() {
        let f = DrugField::Query;
        assert_eq!(f.next().next().next(), f);
        assert_eq!(f.previous(), DrugField::Days);
        assert_eq!(f.next().previous(), f);
    }
}
