//! The keymap's tables: every mode's bindings, with the key as printed, the command and the
//! hint in Japanese and English.

use ratatui::crossterm::event::KeyCode;

use super::{Binding, Command, Keys};

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
        only_for: None,
    }
}

/// A binding shown only to administrators.
const fn admin_only(binding: Binding) -> Binding {
    Binding {
        only_for: Some(crate::domain::Role::Admin),
        ..binding
    }
}

/// A binding shown only to nurses: the home-care team's own screens.
const fn nurse_only(binding: Binding) -> Binding {
    Binding {
        only_for: Some(crate::domain::Role::Nurse),
        ..binding
    }
}

/// A binding shown only to doctors: only a doctor consults.
const fn doctor_only(binding: Binding) -> Binding {
    Binding {
        only_for: Some(crate::domain::Role::Doctor),
        ..binding
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

pub(super) const HELP: Binding = b(KeyCode::F(1), "F1", Command::Help, "ヘルプ", "help", true);

/// The key that turns the hint bar to its next page, in every mode whose keys can overflow an
/// 80-column bar. A function key, so that no text field takes it, next to the help's F1.
pub(super) const MORE: Binding = b(
    KeyCode::F(2),
    "F2",
    Command::MoreHints,
    "他のキー",
    "more keys",
    false,
);

/// The screens' first keys: help first so that the hint bar never loses it on a narrow
/// terminal, and the more key (which the bar shows last, when the keys do not fit).
pub(super) const SCREEN_HEAD: &[Binding] = &[HELP, MORE];

/// The screens' keys besides their own, after the screen's own.
pub(super) const SCREEN_TAIL: &[Binding] = &[
    b(
        KeyCode::Char('?'),
        "?",
        Command::Help,
        "ヘルプ",
        "help",
        false,
    ),
    ctrl('f', "^F", Command::Search, "患者検索", "find patient", true),
    b(
        KeyCode::F(5),
        "F5",
        Command::SyncNow,
        "今すぐ同期",
        "sync now",
        false,
    ),
    ctrl('q', "^Q", Command::Quit, "終了", "quit", true),
];

pub(super) const SIGN_IN: &[Binding] = &[
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

pub(super) const QUEUE: &[Binding] = &[
    // First, so that an administrator's narrow hint bar still shows it.
    admin_only(b(
        KeyCode::Char('A'),
        "A",
        Command::OpenAdmin,
        "職員管理",
        "staff admin",
        true,
    )),
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    // The chart and the consultation before the front desk's keys, so that a doctor's hint
    // bar still shows them on an 80-column terminal.
    b(
        KeyCode::Enter,
        "Enter",
        Command::OpenChart,
        "カルテ",
        "chart",
        true,
    ),
    doctor_only(b(
        KeyCode::Char('c'),
        "c",
        Command::Consult,
        "診察開始",
        "consult",
        true,
    )),
    b(
        KeyCode::Char('i'),
        "i",
        Command::CheckIn,
        "受付・本人確認",
        "check in / ID",
        true,
    ),
    b(
        KeyCode::Char('n'),
        "n",
        Command::Register,
        "新規登録",
        "register",
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
        KeyCode::Char('a'),
        "a",
        Command::AddReservation,
        "予約追加",
        "reservation",
        true,
    ),
    b(
        KeyCode::Char('w'),
        "w",
        Command::WalkIn,
        "当日受付",
        "walk-in",
        true,
    ),
    b(
        KeyCode::Char('k'),
        "k",
        Command::Payment,
        "会計",
        "payment",
        false,
    ),
    b(
        KeyCode::Char('m'),
        "m",
        Command::MoveVisit,
        "日時変更",
        "move visit",
        false,
    ),
    b(
        KeyCode::Char('h'),
        "h",
        Command::SetWaiting,
        "待機中にする",
        "set waiting",
        false,
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
        KeyCode::Char('y'),
        "y",
        Command::CopyRoomLink,
        "ビデオ室リンク",
        "room link",
        false,
    ),
    b(
        KeyCode::Char('u'),
        "u",
        Command::OwesFilter,
        "未会計のみ",
        "unpaid only",
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
    nurse_only(b(
        KeyCode::Char('V'),
        "V",
        Command::OpenVisits,
        "チームの訪問予定",
        "team's visits",
        false,
    )),
];

pub(super) const CHART: &[Binding] = &[
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

/// The overview tab: the chart's keys with the facts the rules read, which a doctor or nurse
/// records here. The facts come before the other chart keys so that the hint bar shows them.
pub(super) const CHART_OVERVIEW: &[Binding] = &[
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
        KeyCode::Char('g'),
        "g",
        Command::AddAllergy,
        "アレルギー",
        "allergy",
        true,
    ),
    b(
        KeyCode::Char('m'),
        "m",
        Command::AddMedication,
        "服用薬",
        "medication",
        true,
    ),
    b(
        KeyCode::Char('M'),
        "M",
        Command::WriteMedication,
        "服用薬 (手入力)",
        "medication (written)",
        false,
    ),
    b(
        KeyCode::Char('k'),
        "k",
        Command::ConfirmMedications,
        "本日服薬確認",
        "meds confirmed",
        true,
    ),
    b(
        KeyCode::Char('h'),
        "h",
        Command::EditHistory,
        "既往",
        "history",
        true,
    ),
    b(
        KeyCode::Char('p'),
        "p",
        Command::EditProxy,
        "代理人",
        "proxy",
        false,
    ),
    b(
        KeyCode::Char('K'),
        "K",
        Command::ToggleKakaritsuke,
        "かかりつけ切替",
        "regular patient on/off",
        false,
    ),
    doctor_only(b(
        KeyCode::Char('H'),
        "H",
        Command::ToggleHomeVisits,
        "訪問診療 (自分) 切替",
        "my home visits on/off",
        false,
    )),
    b(
        KeyCode::Char('i'),
        "i",
        Command::IdentitySeen,
        "画面で本人確認",
        "ID seen on video",
        false,
    ),
    b(
        KeyCode::Enter,
        "Enter",
        Command::EditFact,
        "選択項目を編集",
        "edit selected",
        false,
    ),
    b(
        KeyCode::Delete,
        "Del",
        Command::RemoveFact,
        "選択項目を削除",
        "remove selected",
        false,
    ),
    b(
        KeyCode::Char('a'),
        "a",
        Command::RecordConsent,
        "同意を記録",
        "record consent",
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
        KeyCode::Char('c'),
        "c",
        Command::Consult,
        "診察開始",
        "consult",
        true,
    ),
    b(KeyCode::Esc, "Esc", Command::Back, "戻る", "back", true),
    doctor_only(b(
        KeyCode::Char('I'),
        "I",
        Command::EditInstructions,
        "訪問看護指示書",
        "nursing instructions",
        false,
    )),
];

pub(super) const CONSULT: &[Binding] = &[
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
        KeyCode::Char('k'),
        "k",
        Command::EditComplaint,
        "主訴",
        "complaint",
        // The field itself names its key; the bar keeps room for prescribing.
        false,
    ),
    b(
        KeyCode::Char('l'),
        "l",
        Command::EditLocation,
        "医師の所在",
        "doctor's place",
        false,
    ),
    b(
        KeyCode::Char('w'),
        "w",
        Command::EditAttendees,
        "同席者",
        "others present",
        false,
    ),
    b(
        KeyCode::Char('y'),
        "y",
        Command::CopyRoomLink,
        "リンクをコピー",
        "copy room link",
        false,
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
    doctor_only(b(
        KeyCode::Char('d'),
        "d",
        Command::RecordOrder,
        "看護師への指示",
        "order to the nurse",
        false,
    )),
];

pub(super) const ADMIN: &[Binding] = &[
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Char('a'),
        "a",
        Command::AddStaff,
        "職員を追加",
        "add staff",
        true,
    ),
    b(
        KeyCode::Char('e'),
        "e",
        Command::EditStaff,
        "編集",
        "edit",
        true,
    ),
    b(
        KeyCode::Enter,
        "Enter",
        Command::EditStaff,
        "編集",
        "edit",
        false,
    ),
    b(
        KeyCode::Char('x'),
        "x",
        Command::DeactivateStaff,
        "無効化",
        "deactivate",
        true,
    ),
    b(KeyCode::Esc, "Esc", Command::Back, "戻る", "back", true),
];

pub(super) const NOTE_EDITOR: &[Binding] = &[
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

pub(super) const HELP_KEYS: &[Binding] = &[on(
    Keys::Any,
    "*",
    Command::CloseHelp,
    "どのキーでも閉じる",
    "any key closes",
    true,
)];

pub(super) const SEARCH: &[Binding] = &[
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

pub(super) const DRUGS: &[Binding] = &[
    HELP,
    MORE,
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
pub(super) const FORM_COMMON: &[Binding] = &[
    HELP,
    MORE,
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

pub(super) const FORM_TOGGLE: &[Binding] = &[b(
    KeyCode::Char(' '),
    "Space",
    Command::Toggle,
    "切替",
    "toggle",
    true,
)];

pub(super) const FORM_CHOICE: &[Binding] = &[
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

pub(super) const FORM_TEXT: &[Binding] =
    &[on(Keys::Text, "文字", Command::Type, "記載", "type", false)];

pub(super) const CONFIRM: &[Binding] = &[
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

pub(super) const DUPLICATES: &[Binding] = &[
    HELP,
    MORE,
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", false),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", false),
    b(
        KeyCode::Enter,
        "Enter",
        Command::Select,
        "既存の患者を開く",
        "open existing",
        true,
    ),
    b(
        KeyCode::Char('y'),
        "y",
        Command::Yes,
        "別人として登録",
        "register anyway",
        true,
    ),
    b(
        KeyCode::Esc,
        "Esc",
        Command::Dismiss,
        "フォームに戻る",
        "back to form",
        true,
    ),
];

/// The home-care team's visits of the day.
pub(super) const VISITS: &[Binding] = &[
    b(
        KeyCode::Enter,
        "Enter",
        Command::Select,
        "訪問記録",
        "visit record",
        true,
    ),
    b(KeyCode::Up, "↑", Command::Up, "前へ", "previous", true),
    b(KeyCode::Down, "↓", Command::Down, "次へ", "next", true),
    b(
        KeyCode::Char('K'),
        "K",
        Command::RouteUp,
        "順路を前へ",
        "earlier in route",
        true,
    ),
    b(
        KeyCode::Char('J'),
        "J",
        Command::RouteDown,
        "順路を後へ",
        "later in route",
        true,
    ),
    b(
        KeyCode::Left,
        "←",
        Command::PrevDay,
        "前日",
        "previous day",
        false,
    ),
    b(
        KeyCode::Right,
        "→",
        Command::NextDay,
        "翌日",
        "next day",
        false,
    ),
    b(
        KeyCode::Char('t'),
        "t",
        Command::Today,
        "今日",
        "today",
        false,
    ),
    b(
        KeyCode::Char('Q'),
        "Q",
        Command::OpenQueue,
        "受付一覧",
        "queue board",
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

/// The nurse's record of one visit.
pub(super) const VISIT: &[Binding] = &[
    b(
        KeyCode::Char('a'),
        "a",
        Command::Arrive,
        "到着",
        "arrive",
        true,
    ),
    b(
        KeyCode::Char('b'),
        "b",
        Command::RecordVitals,
        "バイタル",
        "vitals",
        true,
    ),
    b(
        KeyCode::Char('e'),
        "e",
        Command::NursingNote,
        "観察・ケア",
        "observations",
        true,
    ),
    b(
        KeyCode::Char('m'),
        "m",
        Command::MedicationsTaken,
        "服薬",
        "medications",
        true,
    ),
    b(
        KeyCode::Char('p'),
        "p",
        Command::AddPhoto,
        "写真",
        "photo",
        false,
    ),
    b(
        KeyCode::Char('r'),
        "r",
        Command::RequestConsult,
        "医師に依頼 (D to P with N)",
        "ask the doctor (D to P with N)",
        true,
    ),
    b(
        KeyCode::Char('v'),
        "v",
        Command::StartVideo,
        "ビデオ参加",
        "join video",
        false,
    ),
    b(
        KeyCode::Char('y'),
        "y",
        Command::CopyRoomLink,
        "リンクをコピー",
        "copy room link",
        false,
    ),
    b(
        KeyCode::Char('l'),
        "l",
        Command::Leave,
        "退出",
        "leave",
        true,
    ),
    b(
        KeyCode::Esc,
        "Esc",
        Command::Back,
        "一覧へ",
        "back to list",
        true,
    ),
];
