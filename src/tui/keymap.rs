//! The keymap: one table per screen that both dispatches keys and generates the key-hint bar and
//! the help overlay, so what is shown is always what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::Screen;

/// What a key asks for, before the screen's state decides what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Search,
    Up,
    Down,
    Select,
    Back,
    PrevDay,
    NextDay,
    Today,
    Filter,
    CheckIn,
    AssignDoctor,
    PreConsult,
    OpenChart,
    Consult,
    Cancel,
    NextTab,
    PrevTab,
    RecordConsent,
    NewCarePlan,
    Toggle,
    FocusNext,
    StartVideo,
    EditNote,
    AddPrescription,
    RemovePrescription,
    Override,
    EndSession,
    Sign,
    SignOut,
}

/// One entry of a screen's keymap.
pub struct Binding {
    pub key: KeyCode,
    pub ctrl: bool,
    /// The key as printed in hints.
    pub label: &'static str,
    pub command: Command,
    pub ja: &'static str,
    pub en: &'static str,
    /// Shown in the bottom hint bar (all bindings are in the help overlay).
    pub hint: bool,
}

const fn b(
    key: KeyCode,
    label: &'static str,
    command: Command,
    ja: &'static str,
    en: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        key,
        ctrl: false,
        label,
        command,
        ja,
        en,
        hint,
    }
}

const fn ctrl(
    c: char,
    label: &'static str,
    command: Command,
    ja: &'static str,
    en: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        key: KeyCode::Char(c),
        ctrl: true,
        label,
        command,
        ja,
        en,
        hint,
    }
}

const GLOBAL: &[Binding] = &[
    b(KeyCode::F(1), "F1", Command::Help, "ヘルプ", "help", true),
    b(
        KeyCode::Char('?'),
        "?",
        Command::Help,
        "ヘルプ",
        "help",
        false,
    ),
    ctrl('f', "^F", Command::Search, "患者検索", "find patient", true),
    ctrl('q', "^Q", Command::Quit, "終了", "quit", true),
];

const SIGN_IN: &[Binding] = &[
    b(
        KeyCode::Up,
        "↑",
        Command::Up,
        "前の職員",
        "previous staff",
        false,
    ),
    b(
        KeyCode::Down,
        "↓",
        Command::Down,
        "次の職員",
        "next staff",
        false,
    ),
    b(
        KeyCode::Enter,
        "Enter",
        Command::Select,
        "サインイン",
        "sign in",
        true,
    ),
];

const QUEUE: &[Binding] = &[
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Char('i'),
        "i",
        Command::CheckIn,
        "受付・本人確認",
        "check in / ID",
        true,
    ),
    b(
        KeyCode::Char('d'),
        "d",
        Command::AssignDoctor,
        "担当医",
        "assign doctor",
        true,
    ),
    b(
        KeyCode::Char('p'),
        "p",
        Command::PreConsult,
        "診療前相談済",
        "pre-consult done",
        true,
    ),
    b(
        KeyCode::Enter,
        "Enter",
        Command::OpenChart,
        "カルテ",
        "chart",
        true,
    ),
    b(
        KeyCode::Char('c'),
        "c",
        Command::Consult,
        "診察開始",
        "consult",
        true,
    ),
    b(
        KeyCode::Char('x'),
        "x",
        Command::Cancel,
        "取消",
        "cancel visit",
        false,
    ),
    b(
        KeyCode::Char('f'),
        "f",
        Command::Filter,
        "状態で絞込",
        "filter status",
        true,
    ),
    b(
        KeyCode::Left,
        "←",
        Command::PrevDay,
        "前日",
        "previous day",
        true,
    ),
    b(
        KeyCode::Right,
        "→",
        Command::NextDay,
        "翌日",
        "next day",
        true,
    ),
    b(
        KeyCode::Char('t'),
        "t",
        Command::Today,
        "今日",
        "today",
        false,
    ),
    ctrl(
        'o',
        "^O",
        Command::SignOut,
        "サインアウト",
        "sign out",
        false,
    ),
];

const CHART: &[Binding] = &[
    b(
        KeyCode::Tab,
        "Tab",
        Command::NextTab,
        "次のタブ",
        "next tab",
        true,
    ),
    b(
        KeyCode::BackTab,
        "S-Tab",
        Command::PrevTab,
        "前のタブ",
        "previous tab",
        false,
    ),
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Char('a'),
        "a",
        Command::RecordConsent,
        "同意を記録",
        "record consent",
        true,
    ),
    b(
        KeyCode::Char('n'),
        "n",
        Command::NewCarePlan,
        "診療計画",
        "care plan",
        true,
    ),
    b(
        KeyCode::Char('c'),
        "c",
        Command::Consult,
        "診察開始",
        "consult",
        true,
    ),
    b(KeyCode::Esc, "Esc", Command::Back, "戻る", "back", true),
];

const CONSULT: &[Binding] = &[
    b(
        KeyCode::Tab,
        "Tab",
        Command::FocusNext,
        "欄を移動",
        "next pane",
        true,
    ),
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Char(' '),
        "Space",
        Command::Toggle,
        "確認",
        "confirm item",
        true,
    ),
    b(
        KeyCode::Char('a'),
        "a",
        Command::RecordConsent,
        "同意",
        "consent",
        false,
    ),
    b(
        KeyCode::Char('n'),
        "n",
        Command::NewCarePlan,
        "診療計画",
        "care plan",
        false,
    ),
    b(
        KeyCode::Char('v'),
        "v",
        Command::StartVideo,
        "ビデオ開始",
        "start video",
        true,
    ),
    b(
        KeyCode::Char('e'),
        "e",
        Command::EditNote,
        "SOAP記載",
        "write note",
        true,
    ),
    b(
        KeyCode::Char('r'),
        "r",
        Command::AddPrescription,
        "処方追加",
        "prescribe",
        true,
    ),
    b(
        KeyCode::Delete,
        "Del",
        Command::RemovePrescription,
        "処方削除",
        "remove line",
        false,
    ),
    b(
        KeyCode::Char('o'),
        "o",
        Command::Override,
        "ブロック解除",
        "override block",
        false,
    ),
    b(
        KeyCode::Char('z'),
        "z",
        Command::EndSession,
        "診察終了",
        "end session",
        true,
    ),
    b(KeyCode::Char('s'), "s", Command::Sign, "署名", "sign", true),
    b(KeyCode::Esc, "Esc", Command::Back, "戻る", "back", true),
];

/// The bindings of a screen, its own first, then the global ones.
pub fn bindings(screen: Screen) -> impl Iterator<Item = &'static Binding> {
    let own: &'static [Binding] = match screen {
        Screen::SignIn => SIGN_IN,
        Screen::Queue => QUEUE,
        Screen::Chart => CHART,
        Screen::Consult => CONSULT,
    };
    // Help comes first so that the hint bar never loses it on a narrow terminal.
    GLOBAL[..1]
        .iter()
        .chain(own.iter())
        .chain(GLOBAL[1..].iter())
}

/// The command a key means on a screen.
pub fn command_for(screen: Screen, key: &KeyEvent) -> Option<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let code = match key.code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    bindings(screen)
        .find(|b| b.key == code && b.ctrl == ctrl)
        .map(|b| b.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_on_a_screen() {
        for screen in [
            Screen::SignIn,
            Screen::Queue,
            Screen::Chart,
            Screen::Consult,
        ] {
            let all: Vec<_> = bindings(screen).map(|b| (b.key, b.ctrl)).collect();
            for (i, k) in all.iter().enumerate() {
                assert!(!all[i + 1..].contains(k), "{screen:?}: {k:?} bound twice");
            }
        }
    }

    #[test]
    fn dispatch_uses_the_same_table() {
        let k = KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE);
        assert_eq!(command_for(Screen::Queue, &k), Some(Command::CheckIn));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(command_for(Screen::Consult, &q), Some(Command::Quit));
        assert_eq!(command_for(Screen::SignIn, &k), None);
    }
}
