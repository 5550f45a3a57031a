//! Who else is present at the consultation (指針 V.1(6)②ⅳ): each person with their role and
//! the patient's consent to their presence. One form adds a person, or, with a recorded person
//! chosen, changes their consent or role or records that they left.

use std::collections::BTreeMap;

use super::{Choice, FieldEdit, FieldView, Fields, FormError, Fresh, Text, Toggle};
use crate::domain::Attendee;
use crate::tui::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct AttendeeForm {
    /// `None`: a new person; otherwise the id of a recorded one.
    pub who: Choice<Option<String>>,
    pub name: Text,
    pub role: Text,
    pub consented: Toggle,
    pub left: Toggle,
    /// The people recorded when the form opened.
    pub recorded: BTreeMap<String, Attendee>,
    /// The option of `who` whose values the fields hold.
    loaded: usize,
}

impl AttendeeForm {
    pub fn new(lang: Lang, recorded: &BTreeMap<String, Attendee>) -> AttendeeForm {
        let mut options = vec![(None, lang.tr("新しい同席者", "someone new").to_string())];
        options.extend(
            recorded
                .iter()
                .map(|(id, a)| (Some(id.clone()), format!("{} ({})", a.name, a.role))),
        );
        AttendeeForm {
            who: Choice::new(lang.tr("同席者", "who"), options, 0),
            name: Text::new(lang.tr("氏名", "name"), ""),
            role: Text::new(lang.tr("続柄・役割", "relationship or role"), ""),
            consented: Toggle::new(
                lang.tr("同席に患者が同意した", "patient consents to their presence"),
                false,
            ),
            left: Toggle::new(
                lang.tr("退席した (記録から外す)", "has left (remove)"),
                false,
            ),
            recorded: recorded.clone(),
            loaded: 0,
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr(
            "同席者と患者の同意",
            "Others present and the patient's consent",
        )
    }

    /// The people present after the submission.
    pub fn submit(&self, fresh: Fresh) -> Result<BTreeMap<String, Attendee>, FormError> {
        let mut people = self.recorded.clone();
        let name = self.name.value();
        let role = self.role.value();
        match self.who.value().cloned().flatten() {
            Some(id) if self.left.on => {
                people.remove(&id);
            }
            Some(id) => {
                let Some(a) = people.get_mut(&id) else {
                    return Err(FormError::AttendeeName);
                };
                if !name.is_empty() {
                    a.name = name;
                }
                if !role.is_empty() {
                    a.role = role;
                }
                a.patient_consented = self.consented.on;
            }
            None => {
                if name.is_empty() {
                    return Err(FormError::AttendeeName);
                }
                if role.is_empty() {
                    return Err(FormError::AttendeeRole);
                }
                people.insert(
                    fresh.id("at"),
                    Attendee {
                        name,
                        role,
                        patient_consented: self.consented.on,
                    },
                );
            }
        }
        Ok(people)
    }
}

impl Fields for AttendeeForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.who).into(),
            (&self.name).into(),
            (&self.role).into(),
            (&self.consented).into(),
            (&self.left).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.who).into()),
            1 => Some((&mut self.name).into()),
            2 => Some((&mut self.role).into()),
            3 => Some((&mut self.consented).into()),
            4 => Some((&mut self.left).into()),
            _ => None,
        }
    }

    /// Choosing a recorded person fills the fields with what is recorded of them.
    fn edited(&mut self) {
        if self.who.selected == self.loaded {
            return;
        }
        self.loaded = self.who.selected;
        let person = self
            .who
            .value()
            .cloned()
            .flatten()
            .and_then(|id| self.recorded.get(&id).cloned());
        let (name, role, consented) = person
            .map(|a| (a.name, a.role, a.patient_consented))
            .unwrap_or_default();
        self.name = Text::new(self.name.label, &name);
        self.role = Text::new(self.role.label, &role);
        self.consented.on = consented;
        self.left.on = false;
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        if self.recorded.is_empty() {
            return vec![
                lang.tr("同席者の記録なし", "nobody else recorded")
                    .to_string(),
            ];
        }
        self.recorded
            .values()
            .map(|a| {
                let consent = if a.patient_consented {
                    lang.tr("同意あり", "consented")
                } else {
                    lang.tr("同意未記録", "consent not recorded")
                };
                format!("{} ({}) · {consent}", a.name, a.role)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daughter() -> BTreeMap<String, Attendee> {
        BTreeMap::from([(
            "at-1".to_string(),
            Attendee {
                name: "田中 花子".into(),
                role: "娘".into(),
                patient_consented: false,
            },
        )])
    }

    #[test]
    fn someone_new_needs_a_name_and_a_role() {
        let mut f = AttendeeForm::new(Lang::Ja, &BTreeMap::new());
        assert_eq!(f.submit(Fresh(1)), Err(FormError::AttendeeName));
        f.name = Text::new("氏名", "鈴木 一郎");
        assert_eq!(f.submit(Fresh(1)), Err(FormError::AttendeeRole));
        f.role = Text::new("続柄", "通訳");
        f.consented.on = true;
        let people = f.submit(Fresh(1)).expect("added");
        let a = people.values().next().expect("one person");
        assert_eq!((a.name.as_str(), a.role.as_str()), ("鈴木 一郎", "通訳"));
        assert!(a.patient_consented);
    }

    #[test]
    fn a_recorded_person_is_loaded_changed_and_removed() {
        let mut f = AttendeeForm::new(Lang::En, &daughter());
        f.who.selected = 1;
        f.edited();
        assert_eq!(f.name.value(), "田中 花子");
        assert_eq!(f.role.value(), "娘");
        assert!(!f.consented.on);
        f.consented.on = true;
        let people = f.submit(Fresh(2)).expect("changed");
        assert_eq!(people.len(), 1);
        assert!(people["at-1"].patient_consented);
        f.left.on = true;
        assert!(f.submit(Fresh(2)).expect("removed").is_empty());
        // Back to someone new: the fields are empty again.
        f.who.selected = 0;
        f.edited();
        assert_eq!(f.name.value(), "");
        assert!(!f.left.on);
    }
}
