//! The keymap: one table per mode (each screen, each overlay, the note editor, the help) that
//! dispatches every key and generates the key-hint bar and the help overlay, so what is shown is
//! always what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the keyboard is talking to: the screen, or the overlay or editor in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    SignIn,
    Queue,
    Chart,
    Consult,
    /// Writing the SOAP note on the consultation screen.
    NoteEditor,
    /// The help overlay.
    Help,
    /// Patient search.
    Search,
    /// Drug search and the prescription line being written.
    Drugs,
    /// A form, by the kind of its selected field: Space toggles a box, ←/→ turn a choice, and
    /// in a text field every key types.
    Form(FieldKind),
    /// The confirm step of a clinical-risk action.
    Confirm,
}

/// The kinds of form field, as far as keys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Toggle,
    Choice,
    Text,
}

impl Mode {
    pub const ALL: [Mode; 12] = [
        Mode::SignIn,
        Mode::Queue,
        Mode::Chart,
        Mode::Consult,
        Mode::NoteEditor,
        Mode::Help,
        Mode::Search,
        Mode::Drugs,
        Mode::Form(FieldKind::Toggle),
        Mode::Form(FieldKind::Choice),
        Mode::Form(FieldKind::Text),
        Mode::Confirm,
    ];
}

/// What a key asks for, before the state decides what it means.
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
    CancelVisit,
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
    /// A digit of the PIN.
    PinDigit,
    PinErase,
    /// Any key the text editor takes: characters, Backspace, Delete, the cursor keys.
    Type,
    NextField,
    PrevField,
    NextOption,
    PrevOption,
    /// Submit the form or the prescription line.
    Save,
    /// Close the overlay without doing anything.
    Dismiss,
    /// Leave the note editor, saving the note.
    SaveNote,
    /// Confirm the clinical-risk action.
    Yes,
    No,
    CloseHelp,
}

/// Which keys a binding takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// One key, without Ctrl.
    Key(KeyCode),
    /// Ctrl and a letter.
    Ctrl(char),
    /// 0 to 9.
    Digit,
    /// What the text editor takes: characters (Japanese from an input method too), Enter,
    /// Backspace, Delete, arrows, Home, End.
    Text,
    /// Every key.
    Any,
}

impl Keys {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match self {
            Keys::Key(code) => !ctrl && key.code == code,
            Keys::Ctrl(c) => {
                ctrl && matches!(key.code, KeyCode::Char(k) if k.to_ascii_lowercase() == c)
            }
            Keys::Digit => {
                !ctrl && !alt && matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
            }
            Keys::Text => {
                !ctrl
                    && !alt
                    && matches!(
                        key.code,
                        KeyCode::Char(_)
                            | KeyCode::Enter
                            | KeyCode::Backspace
                            | KeyCode::Delete
                            | KeyCode::Left
                            | KeyCode::Right
                            | KeyCode::Up
                            | KeyCode::Down
                            | KeyCode::Home
                            | KeyCode::End
                    )
            }
            Keys::Any => true,
        }
    }

    /// A key this binding takes, for tests and for the help.
    pub fn example(self) -> KeyEvent {
        match self {
            Keys::Key(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Keys::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Keys::Digit => KeyEvent::new(KeyCode::Char('7'), KeyModifiers::NONE),
            Keys::Text => KeyEvent::new(KeyCode::Char('あ'), KeyModifiers::NONE),
            Keys::Any => KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
        }
    }
}

/// One entry of a mode's keymap.
pub struct Binding {
    pub keys: Keys,
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
    on(Keys::Key(key), label, command, ja, en, hint)
}

const fn on(
    keys: Keys,
    label: &'static str,
    command: Command,
    ja: &'static str,
    en: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        keys,
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
    on(Keys::Ctrl(c), label, command, ja, en, hint)
}

const HELP: Binding = b(KeyCode::F(1), "F1", Command::Help, "ヘルプ", "help", true);

/// The screens' keys besides their own: help first so that the hint bar never loses it on a
/// narrow terminal, then the rest after the screen's own.
const SCREEN_TAIL: &[Binding] = &[
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
    on(
        Keys::Digit,
        "0-9",
        Command::PinDigit,
        "PIN 入力",
        "type PIN",
        false,
    ),
    b(
        KeyCode::Backspace,
        "BS",
        Command::PinErase,
        "PIN を1字消す",
        "erase a digit",
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
        Command::CancelVisit,
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

const NOTE_EDITOR: &[Binding] = &[
    HELP,
    b(
        KeyCode::Tab,
        "Tab",
        Command::NextField,
        "次の欄",
        "next field",
        true,
    ),
    b(
        KeyCode::BackTab,
        "S-Tab",
        Command::PrevField,
        "前の欄",
        "previous field",
        false,
    ),
    b(
        KeyCode::Esc,
        "Esc",
        Command::SaveNote,
        "保存して終了",
        "save and stop",
        true,
    ),
    on(Keys::Text, "文字", Command::Type, "記載", "type", false),
];

const HELP_KEYS: &[Binding] = &[on(
    Keys::Any,
    "Any",
    Command::CloseHelp,
    "キーで閉じる",
    "key closes",
    true,
)];

const SEARCH: &[Binding] = &[
    HELP,
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Enter,
        "Enter",
        Command::Select,
        "開く",
        "open",
        true,
    ),
    b(
        KeyCode::Esc,
        "Esc",
        Command::Dismiss,
        "閉じる",
        "close",
        true,
    ),
    on(
        Keys::Text,
        "文字",
        Command::Type,
        "氏名・カナ・ID",
        "name, kana or id",
        false,
    ),
];

const DRUGS: &[Binding] = &[
    HELP,
    b(
        KeyCode::Tab,
        "Tab",
        Command::NextField,
        "次の欄",
        "next field",
        true,
    ),
    b(
        KeyCode::BackTab,
        "S-Tab",
        Command::PrevField,
        "前の欄",
        "previous field",
        false,
    ),
    b(
        KeyCode::Up,
        "↑",
        Command::Up,
        "前の薬剤",
        "previous drug",
        false,
    ),
    b(
        KeyCode::Down,
        "↓",
        Command::Down,
        "次の薬剤",
        "next drug",
        false,
    ),
    b(KeyCode::Enter, "Enter", Command::Save, "追加", "add", true),
    b(
        KeyCode::Esc,
        "Esc",
        Command::Dismiss,
        "取消",
        "cancel",
        true,
    ),
    on(Keys::Text, "文字", Command::Type, "入力", "type", false),
];

/// The keys every form takes, whatever field is selected.
const FORM_COMMON: &[Binding] = &[
    HELP,
    b(
        KeyCode::Down,
        "↓",
        Command::NextField,
        "次の項目",
        "next field",
        true,
    ),
    b(
        KeyCode::Up,
        "↑",
        Command::PrevField,
        "前の項目",
        "previous field",
        false,
    ),
    b(
        KeyCode::Tab,
        "Tab",
        Command::NextField,
        "次の項目",
        "next field",
        false,
    ),
    b(
        KeyCode::BackTab,
        "S-Tab",
        Command::PrevField,
        "前の項目",
        "previous field",
        false,
    ),
    b(KeyCode::Enter, "Enter", Command::Save, "保存", "save", true),
    ctrl('s', "^S", Command::Save, "保存", "save", false),
    b(
        KeyCode::Esc,
        "Esc",
        Command::Dismiss,
        "取消",
        "cancel",
        true,
    ),
];

const FORM_TOGGLE: &[Binding] = &[b(
    KeyCode::Char(' '),
    "Space",
    Command::Toggle,
    "切替",
    "toggle",
    true,
)];

const FORM_CHOICE: &[Binding] = &[
    b(
        KeyCode::Char(' '),
        "Space",
        Command::NextOption,
        "次の選択肢",
        "next option",
        true,
    ),
    b(
        KeyCode::Right,
        "→",
        Command::NextOption,
        "次の選択肢",
        "next option",
        false,
    ),
    b(
        KeyCode::Left,
        "←",
        Command::PrevOption,
        "前の選択肢",
        "previous option",
        false,
    ),
];

const FORM_TEXT: &[Binding] = &[on(Keys::Text, "文字", Command::Type, "記載", "type", false)];

const CONFIRM: &[Binding] = &[
    b(
        KeyCode::Char('y'),
        "y",
        Command::Yes,
        "確定",
        "confirm",
        true,
    ),
    b(
        KeyCode::Enter,
        "Enter",
        Command::Yes,
        "確定",
        "confirm",
        false,
    ),
    b(KeyCode::Char('n'), "n", Command::No, "取消", "cancel", true),
    b(KeyCode::Esc, "Esc", Command::No, "取消", "cancel", false),
];

/// The bindings of a mode, in the order the hint bar and the help show them; the first one a
/// key matches is what it means.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    let (head, own, tail): (&[Binding], &[Binding], &[Binding]) = match mode {
        Mode::SignIn => (std::slice::from_ref(&HELP), SIGN_IN, SCREEN_TAIL),
        Mode::Queue => (std::slice::from_ref(&HELP), QUEUE, SCREEN_TAIL),
        Mode::Chart => (std::slice::from_ref(&HELP), CHART, SCREEN_TAIL),
        Mode::Consult => (std::slice::from_ref(&HELP), CONSULT, SCREEN_TAIL),
        Mode::NoteEditor => (NOTE_EDITOR, &[], &[]),
        Mode::Help => (HELP_KEYS, &[], &[]),
        Mode::Search => (SEARCH, &[], &[]),
        Mode::Drugs => (DRUGS, &[], &[]),
        Mode::Form(FieldKind::Toggle) => (FORM_COMMON, FORM_TOGGLE, &[]),
        Mode::Form(FieldKind::Choice) => (FORM_COMMON, FORM_CHOICE, &[]),
        Mode::Form(FieldKind::Text) => (FORM_COMMON, FORM_TEXT, &[]),
        Mode::Confirm => (CONFIRM, &[], &[]),
    };
    head.iter().chain(own.iter()).chain(tail.iter())
}

/// The binding a key means in a mode, if any.
pub fn binding_for(mode: Mode, key: &KeyEvent) -> Option<&'static Binding> {
    bindings(mode).find(|b| b.keys.matches(key))
}

/// The command a key means in a mode.
pub fn command_for(mode: Mode, key: &KeyEvent) -> Option<Command> {
    binding_for(mode, key).map(|b| b.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_binding_is_hidden_behind_an_earlier_one() {
        for mode in Mode::ALL {
            for binding in bindings(mode) {
                let key = binding.keys.example();
                let found = binding_for(mode, &key).map(|b| b.label);
                assert_eq!(
                    found,
                    Some(binding.label),
                    "{mode:?}: {} is shadowed",
                    binding.label
                );
            }
        }
    }

    #[test]
    fn dispatch_uses_the_same_table() {
        let k = KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE);
        assert_eq!(command_for(Mode::Queue, &k), Some(Command::CheckIn));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(command_for(Mode::Consult, &q), Some(Command::Quit));
        assert_eq!(command_for(Mode::SignIn, &k), None);
        // While writing, letters are text and Esc saves.
        assert_eq!(command_for(Mode::NoteEditor, &k), Some(Command::Type));
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(command_for(Mode::NoteEditor, &esc), Some(Command::SaveNote));
        let space = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE);
        assert_eq!(
            command_for(Mode::Form(FieldKind::Toggle), &space),
            Some(Command::Toggle)
        );
        assert_eq!(
            command_for(Mode::Form(FieldKind::Text), &space),
            Some(Command::Type)
        );
    }
}
