//! Semantic theme roles: widgets ask for a meaning (danger, guidance, muted ...), never a colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Normal,
    Title,
    Muted,
    Selected,
    Danger,
    Warning,
    Ok,
    Guidance,
    Key,
}

/// The style of a role.
pub fn style(role: Role) -> Style {
    match role {
        Role::Normal => Style::new(),
        Role::Title => Style::new().add_modifier(Modifier::BOLD),
        Role::Muted => Style::new().fg(Color::DarkGray),
        Role::Selected => Style::new().add_modifier(Modifier::REVERSED),
        Role::Danger => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Role::Warning => Style::new().fg(Color::Yellow),
        Role::Ok => Style::new().fg(Color::Green),
        Role::Guidance => Style::new().fg(Color::Cyan),
        Role::Key => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    }
}
