//! The questions `enkaku clinic init` asks on a terminal, one line each, in Japanese and
//! English: an answer that cannot be used is explained and asked again, so that the clinic
//! that comes out is one the store accepts. The PIN is not echoed.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

use super::clinic::{ClinicPlan, NewStaff, check_pin, clinic_id_for, read_line};
use crate::domain::{CareTeam, Date, PartnerHospital, Role, parse_institution_code};
use crate::sync::client::Device;

/// Asks on `out` and reads the answers from `input`.
pub struct Prompter<R, W> {
    input: R,
    out: W,
    pin_min: usize,
    today: Date,
    /// Read the PIN with echo off (a real terminal); else as a plain line (tests, pipes).
    hide_pin: bool,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, out: W, pin_min: usize, today: Date) -> Prompter<R, W> {
        use std::io::IsTerminal;
        Prompter {
            input,
            out,
            pin_min,
            today,
            hide_pin: std::io::stdin().is_terminal(),
        }
    }

    #[cfg(test)]
    /// For tests: every answer, the PIN included, is a plain line of `input`.
    pub fn scripted(input: R, out: W, pin_min: usize, today: Date) -> Prompter<R, W> {
        Prompter {
            input,
            out,
            pin_min,
            today,
            hide_pin: false,
        }
    }

    /// Asks until `check` accepts the answer.
    fn ask<T>(
        &mut self,
        question: &str,
        check: impl Fn(&str) -> Result<T, String>,
    ) -> io::Result<T> {
        loop {
            write!(self.out, "{question}: ")?;
            self.out.flush()?;
            let answer = read_line(&mut self.input)?;
            match check(&answer) {
                Ok(v) => return Ok(v),
                Err(why) => writeln!(self.out, "  ✗ {why} — もう一度 / try again")?,
            }
        }
    }

    fn text(&mut self, question: &str, required: bool) -> io::Result<String> {
        self.ask(question, |a| {
            if required && a.is_empty() {
                Err("入力が必要です / an answer is needed".into())
            } else {
                Ok(a.to_string())
            }
        })
    }

    fn yes_no(&mut self, question: &str, default: bool) -> io::Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        self.ask(&format!("{question} {hint}"), |a| {
            match a.to_lowercase().as_str() {
                "" => Ok(default),
                "y" | "yes" | "はい" => Ok(true),
                "n" | "no" | "いいえ" => Ok(false),
                _ => Err("y か n / y or n".into()),
            }
        })
    }

    /// A PIN typed twice, not echoed on a terminal.
    fn pin(&mut self, question: &str) -> io::Result<String> {
        loop {
            let first = self.secret(question)?;
            if let Err(why) = check_pin(&first, self.pin_min) {
                writeln!(self.out, "  ✗ {why} — もう一度 / try again")?;
                continue;
            }
            let again = self.secret("PIN (確認 / again)")?;
            if again == first {
                return Ok(first);
            }
            writeln!(
                self.out,
                "  ✗ 2回の PIN が違います / the two PINs differ — もう一度 / try again"
            )?;
        }
    }

    fn secret(&mut self, question: &str) -> io::Result<String> {
        write!(self.out, "{question}: ")?;
        self.out.flush()?;
        if !self.hide_pin {
            return read_line(&mut self.input);
        }
        let pin = read_hidden();
        writeln!(self.out)?;
        pin
    }

    /// The whole clinic, question by question, and a last confirmation.
    pub fn clinic(&mut self, enrolled: Option<&Device>) -> io::Result<ClinicPlan> {
        writeln!(
            self.out,
            "新しいクリニックを設定します / Setting up a new clinic (Ctrl-D cancels; nothing is written until the end)"
        )?;
        let id = match enrolled {
            Some(d) => {
                writeln!(
                    self.out,
                    "クリニックID / clinic id: {} (同期サーバーの登録から / from this directory's enrolment)",
                    d.clinic_id
                )?;
                None
            }
            None => self.ask(
                "クリニックID / clinic id [Enter: 新規 new; 同期サーバーの `clinic add` が表示した ID / or the id the sync server's `clinic add` printed]",
                |a| {
                    if a.is_empty() {
                        return Ok(None);
                    }
                    clinic_id_for(Some(a), None)
                        .map(Some)
                        .map_err(|e| e.to_string())
                },
            )?,
        };
        let name = self.text("施設名 / facility name", true)?;
        let institution_code = self.ask(
            "医療機関コード / institution code (10桁 digits)",
            |a| parse_institution_code(a).map_err(|e| e.reason),
        )?;
        let address = self.text("所在地 / address", false)?;
        let phone = self.text("電話番号 / phone", false)?;
        let mut partner_hospitals = BTreeMap::new();
        while self.yes_no(
            "救急時の連携病院を追加しますか / add a partner hospital for emergencies?",
            partner_hospitals.is_empty(),
        )? {
            let n = partner_hospitals.len() + 1;
            let id = format!("ph-{n}");
            let hospital = PartnerHospital {
                id: id.clone(),
                name: self.text("  病院名 / hospital name", true)?,
                phone: self.text("  電話番号 / phone", false)?,
                address: self.text("  所在地 / address", false)?,
                accepts: self.text(
                    "  受け入れ内容 / what they take (例: 内科救急 24時間)",
                    false,
                )?,
                emergency_agreement: self.yes_no(
                    "  救急受け入れの合意あり / agreed to take emergencies?",
                    true,
                )?,
            };
            partner_hospitals.insert(id, hospital);
        }
        let mut care_teams: BTreeMap<String, CareTeam> = BTreeMap::new();
        while self.yes_no(
            "訪問診療チームを追加しますか / add a home-care team?",
            false,
        )? {
            let taken: Vec<String> = care_teams.keys().cloned().collect();
            let id = self.ask("  チームID / team id (例 team-kita)", |a| {
                if crate::store::check_id(a).is_err() {
                    Err("英数字・'-'・'_' / letters, digits, '-' and '_'".into())
                } else if taken.iter().any(|t| t == a) {
                    Err(format!("{a} は既にあります / {a} is already a team"))
                } else {
                    Ok(a.to_string())
                }
            })?;
            let name = self.text("  チーム名 / team name", true)?;
            care_teams.insert(id.clone(), CareTeam { id, name });
        }
        writeln!(
            self.out,
            "最初の管理者 (この人がサインインして職員を登録します) / The first administrator, who signs in and adds the staff:"
        )?;
        let today = self.today;
        let admin_name = self.ask("  氏名 / name (漢字)", |a| {
            field_ok(&admin_named(a, "カンリシャ"), today, "name").map(|_| a.to_string())
        })?;
        let kana = self.ask("  カナ / kana", |a| {
            field_ok(&admin_named("管理者", a), today, "kana").map(|_| a.to_string())
        })?;
        let pin = self.pin("  PIN (数字 / digits)")?;
        let admin = NewStaff {
            pin: Some(pin),
            ..admin_named(&admin_name, &kana)
        };
        writeln!(
            self.out,
            "\n{name} ({institution_code}) · 連携病院 partner hospitals {} · チーム care teams {} · 管理者 admin {}",
            partner_hospitals.len(),
            care_teams.len(),
            admin.name
        )?;
        if !self.yes_no("この内容で作成しますか / create this clinic?", true)? {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(ClinicPlan {
            id,
            name,
            institution_code,
            address,
            phone,
            care_teams,
            partner_hospitals,
            staff: vec![admin],
        })
    }
}

/// What a fresh data directory opened on a terminal is to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstStart {
    SetUpClinic,
    OpenDemo,
    Quit,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    /// Asks whether to set up a clinic or open the demo, in a directory without a clinic.
    pub fn first_start(&mut self, dir: &std::path::Path) -> io::Result<FirstStart> {
        writeln!(
            self.out,
            "{} にはまだクリニックがありません / There is no clinic in {} yet.",
            dir.display(),
            dir.display()
        )?;
        writeln!(
            self.out,
            "  1) クリニックを設定する / set up a clinic (enkaku clinic init)"
        )?;
        writeln!(
            self.out,
            "  2) デモクリニックを開く / open the demo clinic (enkaku demo)"
        )?;
        writeln!(self.out, "  q) 終了 / quit")?;
        self.ask("選択 / choose [1/2/q]", |a| match a {
            "1" => Ok(FirstStart::SetUpClinic),
            "2" => Ok(FirstStart::OpenDemo),
            "q" | "Q" => Ok(FirstStart::Quit),
            _ => Err("1, 2 か q / 1, 2 or q".into()),
        })
    }
}

fn admin_named(name: &str, kana: &str) -> NewStaff {
    NewStaff {
        id: None,
        name: name.to_string(),
        kana: kana.to_string(),
        role: Role::Admin,
        licence_number: None,
        registration_year: None,
        hpki_card: None,
        photo_id_on_file: false,
        online_training: None,
        ec_training: None,
        obgyn: false,
        care_team: None,
        pin: None,
    }
}

/// Whether `entry` passes the staff checks as far as `field` is concerned.
fn field_ok(entry: &NewStaff, today: Date, field: &str) -> Result<(), String> {
    match entry.clone().into_staff().check(today) {
        Err(e) if e.field == field => Err(e.reason),
        _ => Ok(()),
    }
}

/// A line read from the terminal with echo off.
#[cfg(feature = "tui")]
fn read_hidden() -> io::Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode()?;
    let mut pin = String::new();
    let outcome = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Backspace => {
                    pin.pop();
                }
                KeyCode::Char('c' | 'd') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                }
                KeyCode::Char(c) => pin.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(e),
        }
    };
    crossterm::terminal::disable_raw_mode()?;
    outcome.map(|()| pin)
}

/// Without the terminal library the PIN is read as a line (echoed).
#[cfg(not(feature = "tui"))]
fn read_hidden() -> io::Result<String> {
    read_line(&mut io::stdin().lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_answers_are_explained_and_asked_again() {
        let today = crate::domain::parse_date("2026-11-21").unwrap();
        let answers = [
            "", // clinic id: a new one
            "", // name: required, asked again
            "みなみクリニック",
            "1310345672", // wrong check digit, asked again
            "1310345671",
            "東京都北区",
            "03-0000-0000",
            "y", // a partner hospital
            "東京中央総合病院",
            "03-3905-1101",
            "",
            "内科救急",
            "",          // agreement: yes by default
            "n",         // no more hospitals
            "y",         // a care team
            "team kita", // not an id, asked again
            "team-kita",
            "北訪問チーム",
            "n",
            "渡辺 誠",
            "watanabe", // not kana, asked again
            "ワタナベ マコト",
            "12", // too short, asked again
            "4821",
            "4822", // differs, both asked again
            "4821",
            "4821",
            "", // create: yes
        ]
        .join("\n")
            + "\n";
        let mut out = Vec::new();
        let plan = Prompter::scripted(answers.as_bytes(), &mut out, 4, today)
            .clinic(None)
            .unwrap();
        let said = String::from_utf8(out).unwrap();
        assert_eq!(said.matches("try again").count(), 6, "{said}");
        assert_eq!(plan.name, "みなみクリニック");
        assert_eq!(plan.institution_code, "1310345671");
        assert_eq!(plan.partner_hospitals["ph-1"].accepts, "内科救急");
        assert!(plan.partner_hospitals["ph-1"].emergency_agreement);
        assert_eq!(plan.care_teams["team-kita"].name, "北訪問チーム");
        assert_eq!(plan.staff.len(), 1);
        assert_eq!(plan.staff[0].role, Role::Admin);
        assert_eq!(plan.staff[0].pin.as_deref(), Some("4821"));
    }

    #[test]
    fn the_end_of_input_cancels() {
        let today = crate::domain::parse_date("2026-11-21").unwrap();
        let e = Prompter::scripted("\nみなみ\n".as_bytes(), Vec::new(), 4, today)
            .clinic(None)
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
