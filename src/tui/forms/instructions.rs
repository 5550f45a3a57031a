//! The doctor's 訪問看護指示書 (visiting-nurse instructions) written from the chart: the period
//! it is valid for, what the home-care team observes and reports, and the limits of each vital
//! sign past which the nurse's reading is flagged for the doctor (指針 V.2(3)②: the nurse's care
//! follows the care plan and these instructions). It opens on the instructions in force, and
//! saving issues new ones, so the earlier stay in the record as they were.

use std::collections::BTreeMap;

use super::{Author, FieldEdit, FieldView, Fields, FormError, Text};
use crate::domain::{Date, Limits, NursingInstructions, Vital, format_date, parse_date};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

/// One limit the form asks for: the vital, whether it is the upper limit, and how the field and
/// its refusal read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitField {
    pub vital: Vital,
    pub max: bool,
    pub label: (&'static str, &'static str),
    pub error: (&'static str, &'static str),
}

const fn limit(
    vital: Vital,
    max: bool,
    label: (&'static str, &'static str),
    error: (&'static str, &'static str),
) -> LimitField {
    LimitField {
        vital,
        max,
        label,
        error,
    }
}

/// The limits of the vitals that matter at home, in the order the form shows them: the low
/// ones that mean hypoxia or shock and the high ones that mean fever, crisis or pain.
pub const LIMITS: [LimitField; 10] = [
    limit(
        Vital::Spo2,
        false,
        ("SpO2 下限 (%)", "SpO2 min (%)"),
        (
            "SpO2 下限: 数値で入力してください (空欄は制限なし)",
            "SpO2 min: a number from 0 to 100, or empty for no limit",
        ),
    ),
    limit(
        Vital::Temperature,
        true,
        ("体温 上限 (℃)", "temperature max (℃)"),
        (
            "体温 上限: 数値で入力してください (空欄は制限なし)",
            "Temperature max: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::SystolicBp,
        true,
        ("収縮期血圧 上限 (mmHg)", "systolic BP max (mmHg)"),
        (
            "収縮期血圧 上限: 数値で入力してください (空欄は制限なし)",
            "Systolic BP max: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::SystolicBp,
        false,
        ("収縮期血圧 下限 (mmHg)", "systolic BP min (mmHg)"),
        (
            "収縮期血圧 下限: 数値で入力してください (空欄は制限なし)",
            "Systolic BP min: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::Pulse,
        true,
        ("脈拍 上限 (/分)", "pulse max (/min)"),
        (
            "脈拍 上限: 数値で入力してください (空欄は制限なし)",
            "Pulse max: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::Pulse,
        false,
        ("脈拍 下限 (/分)", "pulse min (/min)"),
        (
            "脈拍 下限: 数値で入力してください (空欄は制限なし)",
            "Pulse min: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::RespiratoryRate,
        true,
        ("呼吸数 上限 (/分)", "respiratory rate max (/min)"),
        (
            "呼吸数 上限: 数値で入力してください (空欄は制限なし)",
            "Respiratory rate max: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::BloodGlucose,
        true,
        ("血糖 上限 (mg/dL)", "blood glucose max (mg/dL)"),
        (
            "血糖 上限: 数値で入力してください (空欄は制限なし)",
            "Blood glucose max: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::BloodGlucose,
        false,
        ("血糖 下限 (mg/dL)", "blood glucose min (mg/dL)"),
        (
            "血糖 下限: 数値で入力してください (空欄は制限なし)",
            "Blood glucose min: a number, or empty for no limit",
        ),
    ),
    limit(
        Vital::Pain,
        true,
        ("痛み (NRS) 上限", "pain (NRS) max"),
        (
            "痛み (NRS) 上限: 0〜10 の数値で入力してください (空欄は制限なし)",
            "Pain (NRS) max: a number from 0 to 10, or empty for no limit",
        ),
    ),
];

/// The field of the limit of `vital` (`max`: the upper one).
pub fn limit_field(vital: Vital, max: bool) -> Option<&'static LimitField> {
    LIMITS.iter().find(|l| l.vital == vital && l.max == max)
}

/// The fields before the limits: valid from, valid to, what to observe, what to report.
const HEAD: usize = 4;

/// The day six months after `day` (the same day of the month, or the month's last).
pub fn six_months_after(day: Date) -> Date {
    let months = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + 6;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let Ok(month) = time::Month::try_from(month as u8) else {
        return day;
    };
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// A number as typed: half- or full-width digits, blanks around it ignored.
fn number(text: &str) -> Option<f64> {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text.nfkc().collect();
    folded.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A limit as the form shows it: `90`, `37.5`.
fn shown(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstructionsForm {
    pub patient_id: String,
    pub valid_from: Text,
    pub valid_to: Text,
    pub observe: Text,
    pub report: Text,
    /// One text per entry of [`LIMITS`], in its order.
    pub limits: Vec<Text>,
    /// The period of the instructions in force the form opened on, for its heading.
    pub in_force: Option<(Date, Date)>,
}

impl InstructionsForm {
    /// The form for `patient_id`, filled from `in_force` (the instructions in force today) or,
    /// with none, for six months from `today` with nothing else written.
    pub fn new(
        lang: Lang,
        patient_id: String,
        in_force: Option<&NursingInstructions>,
        today: Date,
    ) -> InstructionsForm {
        let (from, to) = in_force
            .map(|i| (i.valid_from, i.valid_to))
            .unwrap_or((today, six_months_after(today)));
        let limit_of = |l: &LimitField| {
            let limits = in_force.and_then(|i| i.thresholds.get(&l.vital));
            shown(limits.and_then(|x| if l.max { x.max } else { x.min }))
        };
        InstructionsForm {
            patient_id,
            valid_from: Text::new(lang.tr("有効期間 開始", "valid from"), &format_date(from)),
            valid_to: Text::new(lang.tr("有効期間 終了", "valid to"), &format_date(to)),
            observe: Text::new(
                lang.tr("観察項目", "what to observe"),
                in_force.map_or("", |i| i.observe.as_str()),
            ),
            report: Text::new(
                lang.tr("報告事項", "what to report"),
                in_force.map_or("", |i| i.report.as_str()),
            ),
            limits: LIMITS
                .iter()
                .map(|l| Text::new(lang.tr(l.label.0, l.label.1), &limit_of(l)))
                .collect(),
            in_force: in_force.map(|i| (i.valid_from, i.valid_to)),
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("訪問看護指示書", "Visiting-nurse instructions")
    }

    /// The field a refusal names, for the cursor to go to.
    pub fn field_of(&self, error: FormError) -> Option<usize> {
        match error {
            FormError::InstructionsValidFrom => Some(0),
            FormError::InstructionsValidTo
            | FormError::InstructionsPeriod
            | FormError::InstructionsEnded => Some(1),
            FormError::NoObserve => Some(2),
            FormError::Limit { vital, max } => LIMITS
                .iter()
                .position(|l| l.vital == vital && l.max == max)
                .map(|i| HEAD + i),
            FormError::LimitsCrossed(vital) => LIMITS
                .iter()
                .position(|l| l.vital == vital)
                .map(|i| HEAD + i),
            _ => None,
        }
    }

    /// New instructions by the signed-in doctor, written now, or the first field refused.
    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let valid_from =
            parse_date(&self.valid_from.value()).map_err(|_| FormError::InstructionsValidFrom)?;
        let valid_to =
            parse_date(&self.valid_to.value()).map_err(|_| FormError::InstructionsValidTo)?;
        if valid_to < valid_from {
            return Err(FormError::InstructionsPeriod);
        }
        if valid_to < by.today {
            return Err(FormError::InstructionsEnded);
        }
        let observe = self.observe.value();
        if observe.is_empty() {
            return Err(FormError::NoObserve);
        }
        let mut thresholds: BTreeMap<Vital, Limits> = BTreeMap::new();
        for (field, text) in LIMITS.iter().zip(&self.limits) {
            let typed = text.value();
            if typed.is_empty() {
                continue;
            }
            let refused = FormError::Limit {
                vital: field.vital,
                max: field.max,
            };
            let value = number(&typed)
                .filter(|v| field.vital.possible(*v))
                .ok_or(refused)?;
            let limits = thresholds.entry(field.vital).or_default();
            if field.max {
                limits.max = Some(value);
            } else {
                limits.min = Some(value);
            }
        }
        if let Some((vital, _)) = thresholds
            .iter()
            .find(|(_, l)| matches!((l.min, l.max), (Some(lo), Some(hi)) if hi < lo))
        {
            return Err(FormError::LimitsCrossed(*vital));
        }
        Ok(Write::NursingInstructions {
            patient_id: self.patient_id.clone(),
            instructions: Box::new(NursingInstructions {
                id: by.fresh.id("ni"),
                doctor: by.staff.clone(),
                valid_from,
                valid_to,
                observe,
                report: self.report.value(),
                thresholds,
                written_at: by.now,
            }),
        })
    }
}

impl Fields for InstructionsForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = vec![
            (&self.valid_from).into(),
            (&self.valid_to).into(),
            (&self.observe).into(),
            (&self.report).into(),
        ];
        fields.extend(self.limits.iter().map(FieldView::from));
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        match i {
            0 => Some((&mut self.valid_from).into()),
            1 => Some((&mut self.valid_to).into()),
            2 => Some((&mut self.observe).into()),
            3 => Some((&mut self.report).into()),
            i => self.limits.get_mut(i - HEAD).map(FieldEdit::from),
        }
    }

    fn about(&self, lang: Lang) -> Vec<String> {
        let source = match self.in_force {
            Some((from, to)) => format!(
                "{} ({}〜{})",
                lang.tr(
                    "有効な指示書から作成。保存すると新しい指示書になります",
                    "From the instructions in force; saving issues new ones",
                ),
                format_date(from),
                format_date(to)
            ),
            None => lang
                .tr(
                    "有効な指示書はありません。新しく作成します",
                    "No instructions in force: new ones",
                )
                .to_string(),
        };
        vec![
            source,
            lang.tr(
                "上下限を超えた看護師の測定値は医師に表示されます (空欄は制限なし)",
                "Readings past a limit are flagged for the doctor (empty: no limit)",
            )
            .to_string(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::forms::test_support::{author, day};

    fn limit_text(f: &mut InstructionsForm, vital: Vital, max: bool, text: &str) {
        let i = LIMITS
            .iter()
            .position(|l| l.vital == vital && l.max == max)
            .expect("a limit field");
        f.limits[i] = Text::new("limit", text);
    }

    #[test]
    fn six_months_on_keeps_the_day_or_takes_the_months_last() {
        for (from, to) in [
            ("2026-11-21", "2027-05-21"),
            ("2026-08-31", "2027-02-28"),
            ("2027-08-31", "2028-02-29"),
            ("2026-06-30", "2026-12-30"),
        ] {
            assert_eq!(
                format_date(six_months_after(parse_date(from).unwrap())),
                to,
                "{from}"
            );
        }
    }

    #[test]
    fn refusals_name_the_field_and_a_good_form_is_saved() {
        let mut f = InstructionsForm::new(Lang::En, "p-0022".into(), None, day());
        assert_eq!(f.valid_from.value(), "2026-11-21");
        assert_eq!(f.valid_to.value(), "2027-05-21");
        assert_eq!(f.fields().len(), HEAD + LIMITS.len());
        assert_eq!(f.submit(&author()), Err(FormError::NoObserve));
        f.observe = Text::new("observe", "呼吸状態、下腿浮腫");
        f.valid_from = Text::new("from", "2026/11/21");
        assert_eq!(f.submit(&author()), Err(FormError::InstructionsValidFrom));
        f.valid_from = Text::new("from", "2026-11-21");
        f.valid_to = Text::new("to", "2026-11-01");
        assert_eq!(f.submit(&author()), Err(FormError::InstructionsPeriod));
        f.valid_from = Text::new("from", "2026-10-01");
        assert_eq!(f.submit(&author()), Err(FormError::InstructionsEnded));
        f.valid_to = Text::new("to", "2027-05-20");
        for (text, vital, max) in [
            ("九十", Vital::Spo2, false),
            ("120", Vital::Spo2, false),
            ("NaN", Vital::Temperature, true),
            ("-1", Vital::Pulse, false),
            ("11", Vital::Pain, true),
        ] {
            let mut g = f.clone();
            limit_text(&mut g, vital, max, text);
            let refused = FormError::Limit { vital, max };
            assert_eq!(g.submit(&author()), Err(refused), "{text}");
            let at = g.field_of(refused).expect("a field");
            assert_eq!(g.fields()[at].label(), "limit", "{text}");
        }
        limit_text(&mut f, Vital::Pulse, true, "50");
        limit_text(&mut f, Vital::Pulse, false, "60");
        assert_eq!(
            f.submit(&author()),
            Err(FormError::LimitsCrossed(Vital::Pulse))
        );
        limit_text(&mut f, Vital::Pulse, true, "120");
        // Full-width digits from an input method count as digits.
        limit_text(&mut f, Vital::Spo2, false, "９０");
        limit_text(&mut f, Vital::Temperature, true, " 37.5 ");
        f.report = Text::new("report", "SpO2 90% 未満は直ちに電話");
        let Ok(Write::NursingInstructions {
            patient_id,
            instructions,
        }) = f.submit(&author())
        else {
            panic!("saved");
        };
        assert_eq!(patient_id, "p-0022");
        assert_eq!(instructions.doctor, "dr-sato");
        assert_eq!(instructions.id, "ni-000000000000abcd");
        assert_eq!(format_date(instructions.valid_to), "2027-05-20");
        assert_eq!(instructions.observe, "呼吸状態、下腿浮腫");
        assert_eq!(
            instructions.thresholds,
            BTreeMap::from([
                (
                    Vital::Spo2,
                    Limits {
                        min: Some(90.0),
                        max: None
                    }
                ),
                (
                    Vital::Temperature,
                    Limits {
                        min: None,
                        max: Some(37.5)
                    }
                ),
                (
                    Vital::Pulse,
                    Limits {
                        min: Some(60.0),
                        max: Some(120.0)
                    }
                ),
            ])
        );
    }

    #[test]
    fn it_opens_on_the_instructions_in_force() {
        let instructions = NursingInstructions {
            id: "ni-1".into(),
            doctor: "dr-kimura".into(),
            valid_from: parse_date("2026-11-01").unwrap(),
            valid_to: parse_date("2027-04-30").unwrap(),
            observe: "褥瘡の状態".into(),
            report: "発熱時".into(),
            thresholds: BTreeMap::from([(
                Vital::Temperature,
                Limits {
                    min: None,
                    max: Some(37.5),
                },
            )]),
            written_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let f = InstructionsForm::new(Lang::Ja, "p-0022".into(), Some(&instructions), day());
        assert_eq!(f.valid_from.value(), "2026-11-01");
        assert_eq!(f.valid_to.value(), "2027-04-30");
        assert_eq!(f.observe.value(), "褥瘡の状態");
        assert_eq!(f.report.value(), "発熱時");
        let i = LIMITS
            .iter()
            .position(|l| l.vital == Vital::Temperature)
            .unwrap();
        assert_eq!(f.limits[i].value(), "37.5");
        assert!(f.about(Lang::Ja)[0].contains("2026-11-01〜2027-04-30"));
        // Saved again, they are new instructions by the doctor who saves them.
        let Ok(Write::NursingInstructions { instructions, .. }) = f.submit(&author()) else {
            panic!("saved");
        };
        assert_ne!(instructions.id, "ni-1");
        assert_eq!(instructions.doctor, "dr-sato");
    }
}
