//! How the home-care records read on the doctor's screens: the 訪問看護指示書 in force on the
//! chart's overview, the nurse's record of the visit beside a D to P with N consultation (each
//! vital with its unit, those past the instructions' limits flagged), and the doctor's orders to
//! the nurse on the consultation and in the chart's history.

use ratatui::text::Line;

use super::{hhmm, wrap};
use crate::domain::{
    Date, Encounter, Limits, NursingInstructions, NursingVisit, Patient, Vital, format_date,
};
use crate::tui::i18n::Lang;
use crate::tui::state::AppState;
use crate::tui::theme::{Role, style};

/// A staff member's name, or their id when the clinic does not know it.
pub(super) fn staff_name(state: &AppState, id: &str) -> String {
    state
        .clinic
        .as_ref()
        .and_then(|c| c.staff.get(id))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| id.to_string())
}

use crate::tui::forms::vitals::shown as number;

fn name(l: Lang, vital: Vital) -> &'static str {
    let (ja, en) = vital.label();
    l.tr(ja, en)
}

/// `≥90%`, `60–120/min`: the range the limits of one vital allow.
pub(super) fn range_text(vital: Vital, limits: &Limits) -> String {
    let unit = vital.unit();
    match (limits.min, limits.max) {
        (Some(lo), Some(hi)) => format!("{}–{}{unit}", number(lo), number(hi)),
        (Some(lo), None) => format!("≥{}{unit}", number(lo)),
        (None, Some(hi)) => format!("≤{}{unit}", number(hi)),
        (None, None) => "-".into(),
    }
}

/// `SpO2 ≥90%`, `pulse 60–120/min`: the limits of one vital.
fn limits_text(l: Lang, vital: Vital, limits: &Limits) -> String {
    format!("{} {}", name(l, vital), range_text(vital, limits))
}

/// The 訪問看護指示書 section of the chart's overview: the instructions in force on `day`, or
/// that none is (with the period of the latest, if one ended). `key` names the key that writes
/// them, for a doctor.
pub(super) fn instructions_lines(
    state: &AppState,
    p: &Patient,
    day: Date,
    key: bool,
) -> Vec<Line<'static>> {
    let l = state.lang;
    let mut title = l
        .tr(" 訪問看護指示書", " Visiting-nurse instructions")
        .to_string();
    if key {
        title.push_str(" (I)");
    }
    let mut lines = vec![Line::styled(title, style(Role::Title))];
    let Some(i) = p.instructions_on(day) else {
        let mut text = l.tr("  有効なものなし", "  none in force").to_string();
        if let Some(last) = p.nursing_instructions.values().max_by_key(|i| i.valid_to) {
            text.push_str(&format!(
                " ({} {}〜{})",
                l.tr("直近", "latest"),
                format_date(last.valid_from),
                format_date(last.valid_to)
            ));
        }
        lines.push(Line::styled(text, style(Role::Muted)));
        return lines;
    };
    lines.push(Line::raw(format!(
        "  {}〜{} · {}",
        format_date(i.valid_from),
        format_date(i.valid_to),
        staff_name(state, &i.doctor)
    )));
    lines.push(Line::raw(format!(
        "  {}: {}",
        l.tr("観察", "observe"),
        i.observe
    )));
    if !i.report.is_empty() {
        lines.push(Line::raw(format!(
            "  {}: {}",
            l.tr("報告", "report"),
            i.report
        )));
    }
    lines.push(Line::raw(format!(
        "  {}: {}",
        l.tr("上下限", "limits"),
        limits_of(l, i)
    )));
    lines
}

/// Every limit of `i`, or that none is set.
fn limits_of(l: Lang, i: &NursingInstructions) -> String {
    if i.thresholds.is_empty() {
        return l.tr("設定なし", "none set").to_string();
    }
    i.thresholds
        .iter()
        .map(|(v, lim)| limits_text(l, *v, lim))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One reading: `SpO2 89%`; flagged, with the limit it passed: `SpO2 89% (min 90)`.
fn reading(l: Lang, vital: Vital, value: f64, limits: Option<&Limits>) -> String {
    let mut text = format!("{} {}{}", name(l, vital), number(value), vital.unit());
    let passed = limits.and_then(|lim| match (lim.min, lim.max) {
        (Some(lo), _) if value < lo => Some((l.tr("下限", "min"), lo)),
        (_, Some(hi)) if value > hi => Some((l.tr("上限", "max"), hi)),
        _ => None,
    });
    if let Some((bound, at)) = passed {
        text.push_str(&format!(" ({bound} {})", number(at)));
    }
    text
}

/// The vitals of `visit`: those past the limits of `instructions` on a line of their own,
/// marked, and the others after them. Blood pressure reads as one value when neither half is
/// flagged.
fn vitals(
    l: Lang,
    visit: &NursingVisit,
    instructions: Option<&NursingInstructions>,
) -> (Vec<String>, Vec<String>) {
    let flagged: Vec<Vital> = visit.flags(instructions).into_iter().map(|f| f.0).collect();
    let limits = |v: &Vital| instructions.and_then(|i| i.thresholds.get(v));
    let mut out_of_range = Vec::new();
    let mut others = Vec::new();
    let bp = (
        visit.vitals.get(&Vital::SystolicBp),
        visit.vitals.get(&Vital::DiastolicBp),
    );
    let bp_together = matches!(bp, (Some(_), Some(_)))
        && !flagged.contains(&Vital::SystolicBp)
        && !flagged.contains(&Vital::DiastolicBp);
    for (vital, value) in &visit.vitals {
        if bp_together && matches!(vital, Vital::SystolicBp | Vital::DiastolicBp) {
            if let (Vital::SystolicBp, (Some(sys), Some(dia))) = (vital, bp) {
                others.push(format!(
                    "{} {}/{}{}",
                    l.tr("血圧", "BP"),
                    number(*sys),
                    number(*dia),
                    vital.unit()
                ));
            }
            continue;
        }
        let text = reading(l, *vital, *value, limits(vital));
        if flagged.contains(vital) {
            out_of_range.push(text);
        } else {
            others.push(text);
        }
    }
    (out_of_range, others)
}

/// `head` and then `items` joined by ` · `, in lines of at most `width` columns that break
/// between items (a reading is never cut from its unit), continuation lines indented by two.
fn item_lines(head: &str, items: &[String], width: usize) -> Vec<String> {
    let w = |t: &str| unicode_width::UnicodeWidthStr::width(t);
    let mut lines: Vec<String> = Vec::new();
    let mut line = head.to_string();
    let mut first = true;
    for item in items {
        let sep = if first { "" } else { " · " };
        if !first && w(&line) + w(sep) + w(item) > width {
            lines.push(line);
            line = format!("  {item}");
        } else {
            line.push_str(sep);
            line.push_str(item);
        }
        first = false;
    }
    lines.push(line);
    // An item wider than the line on its own is wrapped where it must be.
    lines.iter().flat_map(|l| wrap(l, width, 2)).collect()
}

/// The nurse's record of the visit, as the doctor reads it during a D to P with N
/// consultation, in lines of at most `width` columns.
pub(super) fn nurse_record_lines(
    state: &AppState,
    p: &Patient,
    visit: &NursingVisit,
    day: Date,
    width: usize,
) -> Vec<Line<'static>> {
    let l = state.lang;
    let mut lines = Vec::new();
    let mut push = |texts: Vec<String>, role: Role| {
        lines.extend(texts.into_iter().map(|t| Line::styled(t, style(role))));
    };
    let text = |t: String| wrap(&t, width, 2);
    // Most pressing first, for a small terminal cuts the last: why she called, what passed
    // the doctor's limits, the other readings, the doses missed, then her note.
    if let Some(r) = &visit.request {
        let request = format!(" {} {}: {}", l.tr("依頼", "request"), hhmm(r.at), r.reason);
        push(text(request), Role::Warning);
    }
    let instructions = p.instructions_on(day);
    let (flagged, others) = vitals(l, visit, instructions);
    if !flagged.is_empty() {
        let head = format!(" ⚠ {}: ", l.tr("上下限外", "past the limits"));
        push(item_lines(&head, &flagged, width), Role::Danger);
    }
    if !others.is_empty() {
        push(item_lines(" ", &others, width), Role::Normal);
    }
    if visit.vitals.is_empty() {
        let none = format!(" {}", l.tr("バイタル記録なし", "no vitals recorded"));
        push(text(none), Role::Muted);
    } else if instructions.is_none() {
        let none = format!(
            " {}",
            l.tr(
                "有効な指示書がなく上下限は未設定",
                "no instructions in force: no limits to flag",
            )
        );
        push(text(none), Role::Muted);
    }
    let missed: Vec<String> = visit
        .medications
        .iter()
        .filter(|(_, m)| !m.taken)
        .map(|(id, m)| {
            let drug = p
                .medications
                .get(id)
                .map_or(id.as_str(), |d| d.name.as_str());
            if m.note.trim().is_empty() {
                drug.to_string()
            } else {
                format!("{drug} ({})", m.note.trim())
            }
        })
        .collect();
    if !missed.is_empty() {
        let head = format!(" {}: ", l.tr("飲み忘れ", "missed"));
        push(item_lines(&head, &missed, width), Role::Warning);
    } else if !visit.medications.is_empty() {
        let all = format!(" {}", l.tr("服薬: すべて服用", "medications: all taken"));
        push(text(all), Role::Normal);
    }
    if !visit.note.trim().is_empty() {
        let note = format!(
            " {}: {}",
            l.tr("記録", "note"),
            visit.note.trim().replace('\n', " / ")
        );
        push(text(note), Role::Normal);
    }
    if !visit.photos.is_empty() {
        let head = format!(" {}: ", l.tr("写真", "photos"));
        push(item_lines(&head, &visit.photos, width), Role::Muted);
    }
    lines
}

/// When the nurse arrived (and left), for the title of her record.
pub(super) fn visit_times(l: Lang, visit: &NursingVisit) -> String {
    let mut times = visit
        .arrived_at
        .map(|at| format!("{} {}", l.tr("到着", "arrived"), hhmm(at)))
        .unwrap_or_else(|| l.tr("到着未記録", "arrival not recorded").to_string());
    if let Some(left) = visit.left_at {
        times.push_str(&format!(" · {} {}", l.tr("退出", "left"), hhmm(left)));
    }
    times
}

/// The doctor's orders to the nurse on `e`, in the order they were given; `by` names who gave
/// each (the chart's history; on the consultation it is the doctor at the screen).
pub(super) fn order_lines(
    state: &AppState,
    e: &Encounter,
    indent: &str,
    by: bool,
) -> Vec<(String, Role)> {
    let l = state.lang;
    let mut orders: Vec<_> = e.orders.values().collect();
    orders.sort_by_key(|o| o.at);
    orders
        .into_iter()
        .map(|o| {
            let author = if by {
                format!(" ({})", staff_name(state, &o.by))
            } else {
                String::new()
            };
            (
                format!(
                    "{indent}{} {} {}{author}",
                    l.tr("指示", "order"),
                    hhmm(o.at),
                    o.text
                ),
                Role::Guidance,
            )
        })
        .collect()
}
