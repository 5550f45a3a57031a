//! 指針 V.3(1): the doctor's MHLW-designated online-care training.

use super::catalogue::TRAINING_DOCTOR;
use super::{Facts, Finding, when};

/// 指針 V.3(1)②: since April 2020 a doctor who consults online has completed the training the
/// MHLW designates. A completion date after today is treated as not yet completed.
pub(super) fn doctor(f: &Facts) -> Vec<Finding> {
    let today = f.today();
    let trained = f.c.doctor.trained_on.is_some_and(|d| d <= today);
    when(f.online() && !trained, || {
        let (ja, en) = match f.c.doctor.trained_on {
            Some(d) => (
                format!(
                    "医師の研修修了日 {} は本日より後です。",
                    crate::domain::format_date(d)
                ),
                format!(
                    "The doctor's training completion date {} is after today.",
                    crate::domain::format_date(d)
                ),
            ),
            None => (
                "医師の厚生労働省指定研修の修了が記録されていません。".to_string(),
                "The doctor's completion of the MHLW-designated training is not recorded."
                    .to_string(),
            ),
        };
        TRAINING_DOCTOR.finding(
            (ja, en),
            (
                "研修 (https://telemed-training.jp/) を修了し、修了日を職員情報に記録してください。".into(),
                "Complete the training (https://telemed-training.jp/) and record the date in the staff record.".into(),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Consultation;
    use crate::rules::tests::NoDrugs;

    #[test]
    fn training_dates_are_japanese_days() {
        let mut c = Consultation {
            visit: Some(crate::domain::VisitKind::OnlineFollowup),
            ..Default::default()
        };
        c.doctor.trained_on = Some(time::macros::date!(2025 - 07 - 20));
        // 00:30 on 20 July in Japan is still 19 July in UTC.
        let now = time::macros::datetime!(2025-07-19 15:30 UTC);
        let fired = |now| doctor(&Facts::new(&c, &NoDrugs, now)).len();
        assert_eq!(fired(now), 0);
        assert_eq!(fired(now - time::Duration::hours(1)), 1);
    }
}
