//! The queue board: a day's visits in time order with their status, filterable by status. A
//! visit a home-care nurse asked the doctor to join (D to P with N) says so on its row, and the
//! request itself is shown under the board while the visit is selected.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::{fit, hhmm};
use crate::domain::{Date, Instant, QueueStatus, format_date, parse_date};
use crate::store::QueueRow;
use crate::tui::i18n::Lang;
use crate::tui::state::{AppState, row_is, status_label, visit_label};
use crate::tui::theme::{Role, style};

/// Minutes of waiting from which the board marks a wait as long.
const LONG_WAIT: i64 = 30;

/// A visit's state as the front desk reads it: a finished visit is "ended, not signed" until
/// the doctor signs, and only then billable.
fn board_status(l: Lang, r: &QueueRow) -> (&'static str, Role) {
    match r.status {
        // The nurse is at the patient's side and waits for the doctor.
        QueueStatus::Waiting if r.consult_request.is_some() => {
            (l.tr("依頼・待機中", "req. waiting"), Role::Danger)
        }
        QueueStatus::Done if r.signed_at.is_some() => (l.tr("署名済", "signed"), Role::Ok),
        QueueStatus::Done => (l.tr("終了・未署名", "unsigned"), Role::Warning),
        s => (status_label(l, s.as_str()), status_role(s.as_str())),
    }
}

/// How long a checked-in patient has been waiting, by the state's clock; `None` once the
/// consultation has begun or before check-in.
fn minutes_waiting(r: &QueueRow, now: Instant) -> Option<i64> {
    if !matches!(r.status, QueueStatus::CheckedIn | QueueStatus::Waiting) {
        return None;
    }
    r.checked_in_at.map(|at| (now - at).whole_minutes().max(0))
}

/// `45 女` / `45 F`: age on `today` and sex.
fn age_sex(l: Lang, r: &QueueRow, today: Date) -> String {
    let Ok(dob) = parse_date(&r.date_of_birth) else {
        return String::new();
    };
    let mut age = today.year() - dob.year();
    if (today.month() as u8, today.day()) < (dob.month() as u8, dob.day()) {
        age -= 1;
    }
    let sex = match r.sex.as_str() {
        "female" => l.tr("女", "F"),
        "male" => l.tr("男", "M"),
        _ => l.tr("他", "X"),
    };
    format!("{age} {sex}")
}

/// The visit kind; on a narrow board, where the pre-consult column does not fit, a first online
/// visit whose pre-consult (診療前相談, 指針 V.1(2)) was held says so itself.
fn visit_text(l: Lang, r: &QueueRow, wide: bool) -> &'static str {
    if !wide && r.pre_consult_done && r.visit_kind == crate::domain::VisitKind::OnlineInitial {
        return l.tr("初診・相談済", "first (pre-c.)");
    }
    visit_label(l, r.visit_kind.as_str())
}

/// 済 when paid; 未収 when the signed visit still has to be paid for.
fn payment_cell(l: Lang, r: &QueueRow) -> Cell<'static> {
    if r.payment.as_ref().is_some_and(|p| p.paid) {
        Cell::from(Line::styled(l.tr("済", "paid"), style(Role::Ok)))
    } else if r.owes() {
        Cell::from(Line::styled(l.tr("未収", "due"), style(Role::Danger)))
    } else {
        Cell::from("")
    }
}

/// The family name of a name written `姓　名` (or `Family Given`).
fn family_name(name: &str) -> &str {
    name.split(['　', ' ']).next().unwrap_or(name)
}

fn status_role(status: &str) -> Role {
    match QueueStatus::parse(status) {
        Some(QueueStatus::Waiting | QueueStatus::CheckedIn) => Role::Guidance,
        Some(QueueStatus::InSession) => Role::Warning,
        Some(QueueStatus::Done) => Role::Ok,
        Some(QueueStatus::Cancelled) => Role::Muted,
        Some(QueueStatus::SwitchedToInPerson) => Role::Danger,
        _ => Role::Normal,
    }
}

/// The request of the selected visit, while the nurse waits for the doctor: who asked, when
/// and why, and the key that answers it.
fn request_line(state: &AppState, r: &QueueRow, width: usize) -> Option<Line<'static>> {
    let l = state.lang;
    let request = r
        .consult_request
        .as_ref()
        .filter(|_| r.status == QueueStatus::Waiting)?;
    let nurse = state
        .clinic
        .as_ref()
        .and_then(|c| c.staff.get(&request.by))
        .map_or(request.by.clone(), |s| s.name.clone());
    let doctor = state
        .user
        .as_ref()
        .is_some_and(|u| u.role == crate::domain::Role::Doctor);
    let answer = if doctor {
        l.tr(" — c で診察開始", " — c to consult")
    } else {
        ""
    };
    let text = format!(
        " {} {} {}: {}{answer}",
        l.tr("D to P with N 依頼", "D to P with N request"),
        nurse,
        hhmm(request.at),
        request.reason
    );
    Some(Line::styled(fit(&text, width), style(Role::Warning)))
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let q = &state.queue;
    let visible = q.visible();
    let request = q
        .current()
        .and_then(|r| request_line(state, r, area.width as usize));
    let [area, request_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(request.is_some())),
    ])
    .areas(area);
    if let Some(line) = request {
        frame.render_widget(Paragraph::new(line), request_area);
    }
    let counts: Vec<String> = QueueStatus::ALL
        .iter()
        .filter_map(|s| {
            let n = q.rows.iter().filter(|r| row_is(r, *s)).count();
            (n > 0).then(|| format!("{} {n}", status_label(l, s.as_str())))
        })
        .collect();
    let filter = q
        .filter
        .map(|f| {
            format!(
                " [{}: {}]",
                l.tr("絞込", "filter"),
                status_label(l, f.as_str())
            )
        })
        .unwrap_or_default();
    let owing = q.rows.iter().filter(|r| r.owes()).count();
    let mut counts = counts;
    if owing > 0 {
        counts.push(format!("{} {owing}", l.tr("未会計", "unpaid")));
    }
    let filter = if q.owes_only {
        format!("{filter} [{}]", l.tr("未会計のみ", "unpaid only"))
    } else {
        filter
    };
    let title = format!(
        " {}{} — {} ",
        format_date(q.day),
        filter,
        counts.join(" · ")
    );
    // At 100 columns and more the kana and the doctors' full names fit; at 80 the patient's
    // name stays whole and the doctor is shown by family name.
    let wide = area.width >= 100;
    let doctor_name = |id: &Option<String>| -> String {
        id.as_ref()
            .map(|id| {
                let name = state
                    .clinic
                    .as_ref()
                    .and_then(|c| c.staff.get(id))
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| id.clone());
                if wide {
                    name
                } else {
                    family_name(&name).to_string()
                }
            })
            .unwrap_or_default()
    };
    // オンライン再診 is 14 columns; a longer English label ends in an ellipsis.
    let visit_width: usize = 14;
    let rows: Vec<Row> = visible
        .iter()
        .map(|r| {
            let (status, role) = board_status(l, r);
            let waited = minutes_waiting(r, state.now);
            let mut cells = vec![
                Cell::from(r.time.clone()),
                Cell::from(Line::styled(status, style(role))),
                Cell::from(r.name_kanji.clone()),
            ];
            if wide {
                cells.push(Cell::from(r.name_kana.clone()));
            }
            cells.extend([
                Cell::from(age_sex(l, r, state.today)),
                Cell::from(fit(visit_text(l, r, wide), visit_width)),
                Cell::from(r.checked_in_at.map(hhmm).unwrap_or_default()),
                Cell::from(Line::styled(
                    waited
                        .map(|m| format!("{m}{}", l.tr("分", "m")))
                        .unwrap_or_default(),
                    style(if waited.is_some_and(|m| m >= LONG_WAIT) {
                        Role::Warning
                    } else {
                        Role::Normal
                    }),
                )),
                Cell::from(doctor_name(&r.doctor)),
                payment_cell(l, r),
            ]);
            if wide {
                cells.push(Cell::from(if r.pre_consult_done {
                    l.tr("相談済", "pre-c.")
                } else {
                    ""
                }));
            }
            Row::new(cells)
        })
        .collect();
    let mut labels = vec![
        l.tr("時刻", "Time"),
        l.tr("状態", "Status"),
        l.tr("氏名", "Name"),
    ];
    if wide {
        labels.push(l.tr("カナ", "Kana"));
    }
    labels.extend([
        l.tr("年齢", "Age"),
        l.tr("種別", "Visit"),
        l.tr("受付", "In"),
        l.tr("待ち", "Wait"),
        l.tr("担当医", "Doctor"),
        l.tr("会計", "Pay"),
    ]);
    if wide {
        labels.push(l.tr("相談", "Pre"));
    }
    let header = Row::new(labels).style(style(Role::Title));
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(12),
        Constraint::Length(14),
    ];
    if wide {
        widths.push(Constraint::Min(8));
    }
    widths.extend([
        Constraint::Length(5),
        Constraint::Length(visit_width as u16),
        Constraint::Length(5),
        Constraint::Length(if wide { 5 } else { 4 }),
        Constraint::Length(if wide { 10 } else { 6 }),
        Constraint::Length(4),
    ]);
    if wide {
        widths.push(Constraint::Length(6));
    }
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(Role::Selected))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(fit(&title, area.width.saturating_sub(2) as usize)),
        );
    let mut ts = TableState::default().with_selected((!empty).then_some(q.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}
