//! Recording the payment (会計) of a signed visit: the amount in yen, how it is paid, and
//! whether it is paid. Enkaku records the state; it does not process cards.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::{Date, Payment, PaymentMethod, nfkc};
use crate::store::PaymentRow;
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentForm {
    pub day: Date,
    pub entry_id: String,
    /// 請求額 (yen); `1,500` and full-width digits are accepted.
    pub amount: Text,
    pub method: Choice<PaymentMethod>,
    pub paid: Toggle,
}

/// How the payment methods are shown.
pub fn method_label(lang: Lang, method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Card => lang.tr("クレジットカード", "card"),
        PaymentMethod::Cash => lang.tr("現金", "cash"),
        PaymentMethod::BankTransfer => lang.tr("銀行振込", "bank transfer"),
        PaymentMethod::Deferred => lang.tr("後日払い", "deferred"),
    }
}

impl PaymentForm {
    /// The form for a visit, filled with what was recorded before, if anything.
    pub fn new(
        lang: Lang,
        day: Date,
        entry_id: String,
        recorded: Option<&PaymentRow>,
    ) -> PaymentForm {
        let methods: Vec<(PaymentMethod, String)> = PaymentMethod::ALL
            .into_iter()
            .map(|m| (m, method_label(lang, m).to_string()))
            .collect();
        let selected = recorded
            .and_then(|r| methods.iter().position(|(m, _)| *m == r.method))
            .unwrap_or(0);
        PaymentForm {
            day,
            entry_id,
            amount: Text::new(
                lang.tr("請求額 (円)", "amount (yen)"),
                &recorded
                    .map(|r| r.amount_yen.to_string())
                    .unwrap_or_default(),
            ),
            method: Choice::new(lang.tr("支払方法", "method"), methods, selected),
            paid: Toggle::new(lang.tr("支払済", "paid"), recorded.is_some_and(|r| r.paid)),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("会計", "Payment")
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let text: String = nfkc(&self.amount.value())
            .chars()
            .filter(|c| *c != ',' && *c != '円')
            .collect();
        let amount_yen: u32 = text.trim().parse().map_err(|_| FormError::Amount)?;
        Ok(Write::RecordPayment {
            day: self.day,
            entry_id: self.entry_id.clone(),
            payment: Payment {
                amount_yen,
                method: self.method.value().copied().unwrap_or(PaymentMethod::Cash),
                paid: self.paid.on,
                recorded_by: by.staff.clone(),
                recorded_at: by.now,
            },
        })
    }
}

impl Fields for PaymentForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.amount).into(),
            (&self.method).into(),
            (&self.paid).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.amount).into()),
            1 => Some((&mut self.method).into()),
            2 => Some((&mut self.paid).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{author, day};
    use super::*;

    #[test]
    fn the_amount_is_whole_yen() {
        let by = author();
        let mut f = PaymentForm::new(Lang::Ja, day(), "q-01".into(), None);
        for (typed, want) in [
            ("1500", Ok(1500)),
            ("１，５００円", Ok(1500)),
            ("1,500", Ok(1500)),
            ("", Err(FormError::Amount)),
            ("-10", Err(FormError::Amount)),
            ("15.5", Err(FormError::Amount)),
        ] {
            f.amount = Text::new("", typed);
            let got = f.submit(&by).map(|w| match w {
                Write::RecordPayment { payment, .. } => payment.amount_yen,
                _ => unreachable!(),
            });
            assert_eq!(got, want, "{typed:?}");
        }
        f.amount = Text::new("", "800");
        f.method.selected = 3;
        f.paid.on = false;
        let Ok(Write::RecordPayment { payment, .. }) = f.submit(&by) else {
            panic!()
        };
        assert_eq!(
            (payment.method, payment.paid, payment.recorded_by.as_str()),
            (PaymentMethod::Deferred, false, "dr-sato")
        );
    }
}
