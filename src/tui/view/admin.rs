//! The staff screen: every member of staff, active and inactive, with role, licence, 医籍登録年
//! and training, a doctor without the MHLW-designated online-care training (指針 V.3(1)) marked;
//! the selected member's other details below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::{fit, fit_line, role_label};
use crate::domain::format_date;
use crate::tui::state::AppState;
use crate::tui::theme::{Role, style};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let l = state.lang;
    let staff = state.all_staff();
    let today = state.today;
    let [list, detail] = Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(area);
    let rows: Vec<Row> = staff
        .iter()
        .map(|s| {
            let training = if s.lacks_online_training(today) {
                Cell::from(Line::styled(
                    l.tr("⚠ 研修未修了", "⚠ untrained"),
                    style(Role::Danger),
                ))
            } else {
                Cell::from(
                    s.online_training_completed
                        .map(format_date)
                        .unwrap_or_default(),
                )
            };
            let status = if s.active {
                Cell::from(l.tr("有効", "active"))
            } else {
                Cell::from(Line::styled(l.tr("無効", "inactive"), style(Role::Muted)))
            };
            let row = Row::new(vec![
                Cell::from(s.name.clone()),
                Cell::from(role_label(state, s.role)),
                Cell::from(s.licence_number.clone().unwrap_or_default()),
                Cell::from(
                    s.registration_year
                        .map(|y| y.to_string())
                        .unwrap_or_default(),
                ),
                training,
                Cell::from(
                    s.emergency_contraception_training
                        .map(format_date)
                        .unwrap_or_default(),
                ),
                status,
                Cell::from(s.id.clone()),
            ]);
            if s.active {
                row
            } else {
                row.style(style(Role::Muted))
            }
        })
        .collect();
    let header = Row::new(vec![
        l.tr("氏名", "Name"),
        l.tr("役割", "Role"),
        l.tr("免許番号", "Licence"),
        l.tr("登録年", "Reg."),
        l.tr("指定研修", "Online trn."),
        l.tr("緊急避妊", "EC trn."),
        l.tr("状態", "Status"),
        "ID",
    ])
    .style(style(Role::Title));
    let widths = [
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Min(6),
    ];
    let active = staff.iter().filter(|s| s.active).count();
    let untrained = staff
        .iter()
        .filter(|s| s.active && s.lacks_online_training(today))
        .count();
    let mut title = format!(
        " {} {} · {} {} ",
        l.tr("有効", "active"),
        active,
        l.tr("無効", "inactive"),
        staff.len() - active
    );
    if untrained > 0 {
        title.push_str(&format!(
            "· {} {untrained} ",
            l.tr(
                "研修未修了の医師 (指針 V.3(1))",
                "doctors without training (指針 V.3(1))"
            )
        ));
    }
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(Role::Selected))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(fit(&title, list.width.saturating_sub(2) as usize)),
        );
    let mut ts = TableState::default().with_selected((!empty).then_some(state.admin.selected));
    frame.render_stateful_widget(table, list, &mut ts);

    let lines = match staff.get(state.admin.selected) {
        None => vec![Line::raw(l.tr(" 職員がいません", " No staff"))],
        Some(s) => {
            let team = s
                .care_team
                .as_ref()
                .map(|t| {
                    state
                        .clinic
                        .as_ref()
                        .and_then(|c| c.care_teams.get(t))
                        .map_or(t.clone(), |t| t.name.clone())
                })
                .unwrap_or_else(|| "-".into());
            let yes_no = |b: bool| {
                if b {
                    l.tr("あり", "yes")
                } else {
                    l.tr("なし", "no")
                }
            };
            vec![
                Line::from(vec![
                    Span::styled(format!(" {} ", s.name_kana), style(Role::Title)),
                    Span::raw(format!(
                        " ID: {}  HPKI: {}  {}: {}",
                        s.id,
                        s.hpki_card.as_deref().unwrap_or("-"),
                        l.tr("チーム", "team"),
                        team
                    )),
                ]),
                Line::raw(format!(
                    " {}: {}  {}: {}  PIN: {}",
                    l.tr("産婦人科", "OB/GYN"),
                    yes_no(s.obgyn),
                    l.tr("身分証確認", "photo ID"),
                    yes_no(s.photo_id_on_file),
                    if s.pin_hash.is_some() {
                        l.tr("設定済", "set")
                    } else {
                        l.tr("未設定", "not set")
                    }
                )),
            ]
        }
    };
    let inner = detail.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = lines.into_iter().map(|l| fit_line(l, inner)).collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL)),
        detail,
    );
}
