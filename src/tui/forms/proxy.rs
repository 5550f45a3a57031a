//! The proxy (代理人) who speaks and agrees for a patient who cannot (指針 V.1(1)): name,
//! relationship, phone and why; an empty name records that there is none.

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::Proxy;
use crate::store::FactEdit;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct ProxyForm {
    pub patient_id: String,
    pub name: Text,
    pub relationship: Text,
    pub phone: Text,
    pub reason: Text,
}

impl ProxyForm {
    pub fn new(lang: Lang, patient_id: String, now: Option<&Proxy>) -> ProxyForm {
        let get = |f: fn(&Proxy) -> &str| now.map_or("", f);
        ProxyForm {
            patient_id,
            name: Text::new(
                lang.tr("氏名 (空欄で代理人なし)", "name (empty: none)"),
                get(|p| &p.name),
            ),
            relationship: Text::new(lang.tr("続柄", "relationship"), get(|p| &p.relationship)),
            phone: Text::new(lang.tr("電話", "phone"), get(|p| &p.phone)),
            reason: Text::new(lang.tr("理由", "reason"), get(|p| &p.reason)),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("代理人", "Proxy")
    }

    pub fn submit(&self) -> Result<Write, FormError> {
        let name = self.name.value();
        let proxy = if name.is_empty() {
            None
        } else {
            let relationship = self.relationship.value();
            if relationship.is_empty() {
                return Err(FormError::NoRelationship);
            }
            Some(Proxy {
                name,
                relationship,
                phone: self.phone.value(),
                reason: self.reason.value(),
            })
        };
        Ok(Write::Fact {
            patient_id: self.patient_id.clone(),
            edit: FactEdit::Proxy(proxy),
        })
    }
}

impl Fields for ProxyForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.name).into(),
            (&self.relationship).into(),
            (&self.phone).into(),
            (&self.reason).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.name).into()),
            1 => Some((&mut self.relationship).into()),
            2 => Some((&mut self.phone).into()),
            3 => Some((&mut self.reason).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_name_is_no_proxy_and_a_name_needs_a_relationship() {
        let mut f = ProxyForm::new(Lang::En, "p-1".into(), None);
        assert_eq!(
            f.submit(),
            Ok(Write::Fact {
                patient_id: "p-1".into(),
                edit: FactEdit::Proxy(None)
            })
        );
        f.name = Text::new("n", "新井 一郎");
        assert_eq!(f.submit(), Err(FormError::NoRelationship));
    }
}
