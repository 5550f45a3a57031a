//! An order (指示) the doctor gives the nurse during a D to P with N consultation: what she is
//! to do beside the patient now, care within the plan or a test for a symptom nobody foresaw
//! (指針 V.2(3)). It is the doctor's, kept on the encounter; the nurse's own record is not
//! touched.

use super::{Author, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::Order;
use crate::tui::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct OrderForm {
    pub text: Text,
}

impl OrderForm {
    pub fn new(lang: Lang) -> OrderForm {
        OrderForm {
            text: Text::new(lang.tr("指示", "order"), ""),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("看護師への指示", "Order to the nurse")
    }

    /// The order with its id, by the signed-in doctor, now.
    pub fn submit(&self, by: &Author) -> Result<(String, Order), FormError> {
        let text = self.text.value();
        if text.is_empty() {
            return Err(FormError::NoOrderText);
        }
        Ok((
            by.fresh.id("or"),
            Order {
                text,
                by: by.staff.clone(),
                at: by.now,
            },
        ))
    }
}

impl Fields for OrderForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.text).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        (i == 0).then(|| (&mut self.text).into())
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        vec![
            lang.tr(
                "診察中に看護師に行ってもらう処置・検査 (看護記録は変更されません)",
                "What the nurse is to do now: care or a test (the nurse's record is not changed)",
            )
            .to_string(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::forms::test_support::author;

    #[test]
    fn an_order_needs_its_text_and_is_the_doctors() {
        let mut f = OrderForm::new(Lang::Ja);
        assert_eq!(f.submit(&author()), Err(FormError::NoOrderText));
        f.text = Text::new("指示", "  SpO2 を 15 分後に再検  ");
        let (id, order) = f.submit(&author()).expect("an order");
        assert_eq!(id, "or-000000000000abcd");
        assert_eq!(order.text, "SpO2 を 15 分後に再検");
        assert_eq!(order.by, "dr-sato");
        assert_eq!(order.at, author().now);
    }
}
