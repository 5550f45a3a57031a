//! `enkaku staff add | edit | list | deactivate | set-pin`: the clinic's staff from the command
//! line. Values are read and checked here, each error naming its field; the store checks the
//! record against the clinic (unique licence numbers, existing care teams) in the transaction
//! that writes it. A PIN comes from standard input, never from the command line, where other
//! users could read it in the process list.

use std::process::ExitCode;

use serde::Serialize;

use super::args::{StaffCommand, StaffFields};
use super::clinic::{NewStaff, check_pin, hash_pin};
use super::error::{StaffError, json};
use crate::domain::{Date, InvalidField, Role, Staff, parse_date};
use crate::store::Store;

/// A staff record as `staff list --json` and the other commands print it: everything but the
/// PIN hash, and whether the member is a doctor not yet allowed to practise online care.
#[derive(Debug, Serialize)]
pub struct StaffView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub name_kana: &'a str,
    pub role: Role,
    pub licence_number: Option<&'a str>,
    pub registration_year: Option<i32>,
    pub hpki_card: Option<&'a str>,
    pub photo_id_on_file: bool,
    pub online_training_completed: Option<Date>,
    pub emergency_contraception_training: Option<Date>,
    pub obgyn: bool,
    pub care_team: Option<&'a str>,
    pub pin_set: bool,
    pub active: bool,
    /// A doctor without the MHLW-designated online-care training (指針 V.3(1)).
    pub lacks_online_training: bool,
}

impl<'a> StaffView<'a> {
    pub fn new(s: &'a Staff, today: Date) -> StaffView<'a> {
        StaffView {
            id: &s.id,
            name: &s.name,
            name_kana: &s.name_kana,
            role: s.role,
            licence_number: s.licence_number.as_deref(),
            registration_year: s.registration_year,
            hpki_card: s.hpki_card.as_deref(),
            photo_id_on_file: s.photo_id_on_file,
            online_training_completed: s.online_training_completed,
            emergency_contraception_training: s.emergency_contraception_training,
            obgyn: s.obgyn,
            care_team: s.care_team.as_deref(),
            pin_set: s.pin_hash.is_some(),
            active: s.active,
            lacks_online_training: s.lacks_online_training(today),
        }
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> StaffError {
    StaffError::Invalid(InvalidField::new(field, reason))
}

/// An optional text flag: absent leaves the field alone, empty clears it.
fn text_change(value: &Option<String>) -> Option<Option<String>> {
    value.as_ref().map(|v| {
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

fn date_change(
    field: &'static str,
    value: &Option<String>,
) -> Result<Option<Option<Date>>, StaffError> {
    match text_change(value) {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(t)) => parse_date(&t)
            .map(|d| Some(Some(d)))
            .map_err(|_| invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)"))),
    }
}

fn year_change(value: &Option<String>) -> Result<Option<Option<i32>>, StaffError> {
    match text_change(value) {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(t)) => t
            .parse::<i32>()
            .map(|y| Some(Some(y)))
            .map_err(|_| invalid("registration_year", format!("{t:?} is not a year"))),
    }
}

fn role(text: &str) -> Result<Role, StaffError> {
    Role::parse(text).ok_or_else(|| {
        invalid(
            "role",
            format!("{text:?} is not a role: front_desk, doctor, nurse or admin"),
        )
    })
}

/// The values of the flags, read and checked one by one.
struct Changes {
    name: Option<String>,
    kana: Option<String>,
    role: Option<Role>,
    licence: Option<Option<String>>,
    registration_year: Option<Option<i32>>,
    hpki: Option<Option<String>>,
    online_training: Option<Option<Date>>,
    ec_training: Option<Option<Date>>,
    obgyn: Option<bool>,
    photo_id: Option<bool>,
    care_team: Option<Option<String>>,
    pin_hash: Option<String>,
}

impl Changes {
    fn read(
        role_text: Option<&str>,
        f: &StaffFields,
        pin_min: usize,
    ) -> Result<Changes, StaffError> {
        let pin_hash = if f.pin_stdin {
            Some(hash_pin(&read_pin(pin_min)?))
        } else {
            None
        };
        Ok(Changes {
            name: text_change(&f.name).map(Option::unwrap_or_default),
            kana: text_change(&f.kana).map(Option::unwrap_or_default),
            role: role_text.map(role).transpose()?,
            licence: text_change(&f.licence),
            registration_year: year_change(&f.registration_year)?,
            hpki: text_change(&f.hpki),
            online_training: date_change("online_training", &f.online_training)?,
            ec_training: date_change("ec_training", &f.ec_training)?,
            obgyn: f.obgyn,
            photo_id: f.photo_id,
            care_team: text_change(&f.care_team),
            pin_hash,
        })
    }

    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.kana.is_none()
            && self.role.is_none()
            && self.licence.is_none()
            && self.registration_year.is_none()
            && self.hpki.is_none()
            && self.online_training.is_none()
            && self.ec_training.is_none()
            && self.obgyn.is_none()
            && self.photo_id.is_none()
            && self.care_team.is_none()
            && self.pin_hash.is_none()
    }

    fn apply(self, s: &mut Staff) {
        if let Some(v) = self.name {
            s.name = v;
        }
        if let Some(v) = self.kana {
            s.name_kana = v;
        }
        if let Some(v) = self.role {
            s.role = v;
        }
        if let Some(v) = self.licence {
            s.licence_number = v;
        }
        if let Some(v) = self.registration_year {
            s.registration_year = v;
        }
        if let Some(v) = self.hpki {
            s.hpki_card = v;
        }
        if let Some(v) = self.online_training {
            s.online_training_completed = v;
        }
        if let Some(v) = self.ec_training {
            s.emergency_contraception_training = v;
        }
        if let Some(v) = self.obgyn {
            s.obgyn = v;
        }
        if let Some(v) = self.photo_id {
            s.photo_id_on_file = v;
        }
        if let Some(v) = self.care_team {
            s.care_team = v;
        }
        if let Some(v) = self.pin_hash {
            s.pin_hash = Some(v);
        }
    }
}

/// A PIN read from standard input under the PIN policy.
pub fn read_pin(pin_min: usize) -> Result<String, StaffError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(StaffError::ReadPin)?;
    let pin = line.trim().to_string();
    check_pin(&pin, pin_min).map_err(|_| StaffError::PinPolicy { min: pin_min })?;
    Ok(pin)
}

fn print(s: &Staff, today: Date, as_json: bool, what: &str) -> Result<(), StaffError> {
    if as_json {
        say!("{}", json(&StaffView::new(s, today))?);
    } else {
        say!(
            "{what} {} ({}) {}{}",
            s.id,
            s.role.as_str(),
            s.name,
            if s.lacks_online_training(today) {
                "  [no MHLW-designated online-care training: 指針 V.3(1)]"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// `staff add | edit | list | deactivate` (set-pin is the older command beside it).
pub fn run(
    by: &str,
    pin_min: usize,
    store: &mut Store,
    command: &StaffCommand,
    today: Date,
) -> Result<ExitCode, StaffError> {
    let refused = |action: &'static str, staff_id: &str| {
        let staff_id = staff_id.to_string();
        move |source| StaffError::Refused {
            action,
            staff_id,
            source: Box::new(source),
        }
    };
    match command {
        StaffCommand::SetPin { .. } => {}
        StaffCommand::Add {
            id,
            role: role_text,
            fields,
            json: as_json,
        } => {
            let changes = Changes::read(Some(role_text), fields, pin_min)?;
            let name = changes
                .name
                .clone()
                .ok_or_else(|| invalid("name", "--name is required"))?;
            let kana = changes
                .kana
                .clone()
                .ok_or_else(|| invalid("kana", "--kana is required"))?;
            let role = changes.role.unwrap_or(Role::FrontDesk);
            let mut staff = NewStaff {
                id: id.clone(),
                name,
                kana,
                role,
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
            .into_staff();
            changes.apply(&mut staff);
            store
                .add_staff(by, &staff, today)
                .map_err(refused("add", &staff.id))?;
            print(&staff, today, *as_json, "added")?;
        }
        StaffCommand::Edit {
            staff_id,
            role: role_text,
            fields,
            json: as_json,
        } => {
            let changes = Changes::read(role_text.as_deref(), fields, pin_min)?;
            if changes.is_empty() {
                return Err(invalid(
                    "fields",
                    "nothing to change: give at least one field (see `enkaku staff edit --help`)",
                ));
            }
            let changed = store
                .edit_staff(by, staff_id, today, |s| changes.apply(s))
                .map_err(refused("edit", staff_id))?;
            let clinic = store
                .clinic()
                .map_err(refused("edit", staff_id))?
                .ok_or(StaffError::NoClinic)?;
            if let Some(s) = clinic.staff.get(staff_id) {
                let what = if changed.is_empty() {
                    "unchanged".to_string()
                } else {
                    format!("changed {} of", changed.join(", "))
                };
                print(s, today, *as_json, &what)?;
            }
        }
        StaffCommand::Deactivate {
            staff_id,
            json: as_json,
        } => {
            store
                .deactivate_staff(by, staff_id)
                .map_err(refused("deactivate", staff_id))?;
            let clinic = store
                .clinic()
                .map_err(refused("deactivate", staff_id))?
                .ok_or(StaffError::NoClinic)?;
            if let Some(s) = clinic.staff.get(staff_id) {
                print(s, today, *as_json, "deactivated")?;
            }
        }
        StaffCommand::List { json: as_json } => {
            let clinic = store
                .clinic()
                .map_err(refused("list", ""))?
                .ok_or(StaffError::NoClinic)?;
            if *as_json {
                let all: Vec<StaffView> = clinic
                    .staff
                    .values()
                    .map(|s| StaffView::new(s, today))
                    .collect();
                say!("{}", json(&all)?);
                return Ok(ExitCode::SUCCESS);
            }
            let mut rows = vec![
                [
                    "ID",
                    "ROLE",
                    "NAME",
                    "LICENCE",
                    "REG",
                    "ONLINE TRAINING",
                    "EC",
                    "OBGYN",
                    "TEAM",
                    "PIN",
                    "STATUS",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for s in clinic.staff.values() {
                let training = match (s.online_training_completed, s.lacks_online_training(today)) {
                    (_, true) => "NONE ! 指針 V.3(1)".to_string(),
                    (Some(d), false) => crate::domain::format_date(d),
                    (None, false) => "-".into(),
                };
                rows.push(vec![
                    s.id.clone(),
                    s.role.as_str().into(),
                    s.name.clone(),
                    s.licence_number.clone().unwrap_or_else(|| "-".into()),
                    s.registration_year.map_or("-".into(), |y| y.to_string()),
                    training,
                    s.emergency_contraception_training
                        .map_or("-".into(), crate::domain::format_date),
                    if s.obgyn { "yes" } else { "-" }.into(),
                    s.care_team.clone().unwrap_or_else(|| "-".into()),
                    if s.pin_hash.is_some() { "set" } else { "none" }.into(),
                    if s.active { "active" } else { "inactive" }.into(),
                ]);
            }
            for line in table(&rows) {
                say!("{line}");
            }
            let unmarked = clinic
                .staff
                .values()
                .filter(|s| s.active && s.lacks_online_training(today))
                .count();
            if unmarked > 0 {
                say!(
                    "{unmarked} active doctor(s) without the MHLW-designated online-care training may not practise online care (指針 V.3(1))"
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Left-aligned columns two spaces apart, by display width (kanji count two).
fn table(rows: &[Vec<String>]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |t| t.width()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < columns {
                    let pad = widths[c].saturating_sub(cell.width()) + 2;
                    line.push_str(&" ".repeat(pad));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}
