//! Booking a visit on the queue for a patient chosen in the patient search: a reservation (a
//! day, a time, how it came in) or a walk-in (today, now, `walk_in`), with its visit kind and a
//! memo.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{Date, QueueEntry, QueueStatus, VisitKind, format_date, nfkc, parse_date};
use crate::tui::i18n::Lang;
use crate::tui::state::{Write, visit_label};

#[derive(Debug, Clone, PartialEq)]
pub struct BookVisitForm {
    pub walk_in: bool,
    /// The patient, shown as a choice of one so that the form says whom it books.
    pub patient: Choice<String>,
    /// The day of a reservation; a walk-in is today's and has no such field.
    pub day: Text,
    pub time: Text,
    pub visit: Choice<VisitKind>,
    /// How a reservation came in; a walk-in's source is `walk_in`.
    pub source: Choice<&'static str>,
    pub memo: Text,
}

impl BookVisitForm {
    /// A reservation for `day`.
    pub fn reservation(lang: Lang, patient_id: &str, patient: &str, day: Date) -> BookVisitForm {
        BookVisitForm::new(lang, false, patient_id, patient, day, "")
    }

    /// A walk-in: today, at `now` (`HH:MM` in Japan).
    pub fn walk_in(
        lang: Lang,
        patient_id: &str,
        patient: &str,
        today: Date,
        now: &str,
    ) -> BookVisitForm {
        BookVisitForm::new(lang, true, patient_id, patient, today, now)
    }

    fn new(
        lang: Lang,
        walk_in: bool,
        patient_id: &str,
        patient: &str,
        day: Date,
        time: &str,
    ) -> BookVisitForm {
        let l = lang;
        let kinds: Vec<(VisitKind, String)> = VisitKind::ALL
            .into_iter()
            .map(|k| (k, visit_label(l, k.as_str()).to_string()))
            .collect();
        // A walk-in is at the counter; a reservation is most often an online follow-up.
        let default = if walk_in {
            VisitKind::InPerson
        } else {
            VisitKind::OnlineFollowup
        };
        let selected = kinds.iter().position(|(k, _)| *k == default).unwrap_or(0);
        BookVisitForm {
            walk_in,
            patient: Choice::new(
                l.tr("患者", "patient"),
                vec![(patient_id.to_string(), format!("{patient} ({patient_id})"))],
                0,
            ),
            day: Text::new(
                l.tr("日付 (YYYY-MM-DD)", "day (YYYY-MM-DD)"),
                &format_date(day),
            ),
            time: Text::new(l.tr("時刻 (HH:MM)", "time (HH:MM)"), time),
            visit: Choice::new(l.tr("種別", "visit"), kinds, selected),
            source: Choice::new(
                l.tr("予約経路", "booked by"),
                vec![
                    ("phone", l.tr("電話", "phone").into()),
                    ("web", l.tr("Web", "web").into()),
                ],
                0,
            ),
            memo: Text::new(l.tr("メモ", "memo"), ""),
        }
    }

    pub fn title(lang: Lang, walk_in: bool) -> &'static str {
        if walk_in {
            lang.tr("当日受付 (ウォークイン)", "Add a walk-in")
        } else {
            lang.tr("予約の追加", "Add a reservation")
        }
    }

    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let day = if self.walk_in {
            by.today
        } else {
            let day = parse_date(&nfkc(&self.day.value())).map_err(|_| FormError::Day)?;
            // A day gone by is a typo (2020 for 2026): nobody books a visit that cannot come.
            if day < by.today {
                return Err(FormError::DayPast);
            }
            day
        };
        let time = nfkc(&self.time.value());
        crate::store::check_time(&time).map_err(|_| FormError::Time)?;
        let source = if self.walk_in {
            "walk_in"
        } else {
            self.source.value().copied().unwrap_or("phone")
        };
        let entry = QueueEntry {
            id: by.fresh.id("q"),
            patient_id: self.patient.value().cloned().unwrap_or_default(),
            time,
            visit: self
                .visit
                .value()
                .copied()
                .unwrap_or(VisitKind::OnlineFollowup),
            status: QueueStatus::Reserved,
            doctor: None,
            pre_consult_done: false,
            identity_check: None,
            source: source.to_string(),
            memo: self.memo.value(),
            cancel_reason: None,
            signed_at: None,
            payment: None,
            history: Default::default(),
            route_order: None,
            consult_request: None,
        };
        Ok(Write::BookVisit {
            day,
            entry: Box::new(entry),
        })
    }
}

impl Fields for BookVisitForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = vec![(&self.patient).into()];
        if !self.walk_in {
            fields.push((&self.day).into());
        }
        fields.push((&self.time).into());
        fields.push((&self.visit).into());
        if !self.walk_in {
            fields.push((&self.source).into());
        }
        fields.push((&self.memo).into());
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        // A walk-in has neither the day nor the source.
        let order: &[u8] = if self.walk_in {
            &[0, 2, 3, 5]
        } else {
            &[0, 1, 2, 3, 4, 5]
        };
        Some(match order.get(i)? {
            0 => (&mut self.patient).into(),
            1 => (&mut self.day).into(),
            2 => (&mut self.time).into(),
            3 => (&mut self.visit).into(),
            4 => (&mut self.source).into(),
            _ => (&mut self.memo).into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{author, day};
    use super::*;

    #[test]
    fn a_walk_in_is_today_now_and_from_the_counter() {
        let by = author();
        let mut f = BookVisitForm::walk_in(Lang::Ja, "p-0020", "高橋　花子", by.today, "10:05");
        assert_eq!(f.fields().len(), 4);
        assert!(f.field_mut(4).is_none());
        let Ok(Write::BookVisit { day: d, entry }) = f.submit(&by) else {
            panic!()
        };
        assert_eq!(d, by.today);
        assert_eq!(
            (entry.time.as_str(), entry.source.as_str(), entry.visit),
            ("10:05", "walk_in", VisitKind::InPerson)
        );
        assert_eq!(entry.patient_id, "p-0020");
        assert_eq!(entry.status, QueueStatus::Reserved);
        f.time = Text::new("", "10時");
        assert_eq!(f.submit(&by), Err(FormError::Time));
    }

    #[test]
    fn a_reservation_takes_its_day_time_and_source() {
        let by = author();
        let mut f = BookVisitForm::reservation(Lang::En, "p-0020", "高橋　花子", day());
        assert_eq!(f.fields().len(), 6);
        f.day = Text::new("", "2026-11-24");
        f.time = Text::new("", "１４：３０");
        f.source.selected = 1;
        f.memo = Text::new("", "咳");
        let Ok(Write::BookVisit { day: d, entry }) = f.submit(&by) else {
            panic!()
        };
        assert_eq!(format_date(d), "2026-11-24");
        assert_eq!(
            (
                entry.time.as_str(),
                entry.source.as_str(),
                entry.memo.as_str()
            ),
            ("14:30", "web", "咳")
        );
        f.day = Text::new("", "11/24");
        assert_eq!(f.submit(&by), Err(FormError::Day));
        f.day = Text::new("", "2020-11-24");
        assert_eq!(f.submit(&by), Err(FormError::DayPast));
        f.day = Text::new("", "2026-11-20");
        assert_eq!(f.submit(&by), Err(FormError::DayPast), "yesterday");
        f.day = Text::new("", "2026-11-21");
        assert!(f.submit(&by).is_ok(), "today");
    }
}
