//! Moving a visit on the queue: another time the same day, or another day (a reservation only).

use super::{FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{Date, format_date, nfkc, parse_date};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct MoveVisitForm {
    /// The day the visit is on now.
    pub from: Date,
    pub entry_id: String,
    pub day: Text,
    pub time: Text,
    /// The patient has checked in (or is waiting): they are here today, so the visit may take
    /// another time today but not another day, as the store holds.
    pub arrived: bool,
}

impl MoveVisitForm {
    pub fn new(
        lang: Lang,
        from: Date,
        entry_id: String,
        time: &str,
        arrived: bool,
    ) -> MoveVisitForm {
        MoveVisitForm {
            arrived,
            from,
            entry_id,
            day: Text::new(
                lang.tr("日付 (YYYY-MM-DD)", "day (YYYY-MM-DD)"),
                &format_date(from),
            ),
            time: Text::new(lang.tr("時刻 (HH:MM)", "time (HH:MM)"), time),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("予約の変更: 日時", "Move a visit: day and time")
    }

    /// `today`: a visit is not moved to a day that has passed (it may be moved from one, a
    /// reservation left over from yesterday).
    pub fn submit(&self, today: Date) -> Result<Write, FormError> {
        let to_day = parse_date(&nfkc(&self.day.value())).map_err(|_| FormError::Day)?;
        if to_day < today {
            return Err(FormError::DayPast);
        }
        if self.arrived && to_day != self.from {
            return Err(FormError::ArrivedStays);
        }
        let to_time = nfkc(&self.time.value());
        crate::store::check_time(&to_time).map_err(|_| FormError::Time)?;
        Ok(Write::MoveVisit {
            day: self.from,
            entry_id: self.entry_id.clone(),
            to_day,
            to_time,
        })
    }
}

impl Fields for MoveVisitForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![(&self.day).into(), (&self.time).into()]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.day).into()),
            1 => Some((&mut self.time).into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::day;
    use super::*;

    #[test]
    fn a_move_names_the_day_and_time_or_the_field_that_is_wrong() {
        let today = day();
        let mut f = MoveVisitForm::new(Lang::En, day(), "q-05".into(), "10:00", false);
        assert_eq!(
            f.submit(today),
            Ok(Write::MoveVisit {
                day: day(),
                entry_id: "q-05".into(),
                to_day: day(),
                to_time: "10:00".into(),
            })
        );
        f.day = Text::new("", "2026-11-22");
        f.time = Text::new("", "9:30");
        assert_eq!(f.submit(today), Err(FormError::Time));
        f.time = Text::new("", "09:30");
        assert!(matches!(f.submit(today), Ok(Write::MoveVisit { to_day, .. }) if to_day != day()));
        f.day = Text::new("", "tomorrow");
        assert_eq!(f.submit(today), Err(FormError::Day));
        f.day = Text::new("", "2020-11-22");
        assert_eq!(f.submit(today), Err(FormError::DayPast));
        // A visit left on a past day may still move to today.
        let mut f = MoveVisitForm::new(
            Lang::En,
            parse_date("2026-11-20").unwrap(),
            "q-05".into(),
            "10:00",
            false,
        );
        f.day = Text::new("", "2026-11-21");
        assert!(f.submit(today).is_ok());
        // A patient who has checked in moves within the day, not to another.
        let mut f = MoveVisitForm::new(Lang::En, day(), "q-05".into(), "10:00", true);
        f.time = Text::new("", "11:15");
        assert!(matches!(f.submit(today), Ok(Write::MoveVisit { to_day, .. }) if to_day == day()));
        f.day = Text::new("", "2026-11-22");
        assert_eq!(f.submit(today), Err(FormError::ArrivedStays));
    }
}
