//! 指針 V.3(1): the doctor's MHLW-designated online-care training.

use super::catalogue::TRAINING_DOCTOR;
use super::{Facts, Finding, when};

/// 指針 V.3(1)②: since April 2020 a doctor who consults online has completed the training the
/// MHLW designates. A completion date after today is treated as not yet completed.
pub(super) fn doctor(f: &Facts) -> Vec<Finding> {
    let today = f.now.date();
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
