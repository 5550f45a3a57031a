//! The clinic file of `enkaku clinic init --from FILE.toml`: its format, read strictly (an
//! unknown key or a wrong value is an error naming the key and its line), and the clinic it
//! describes, with its first administrator and staff.
//!
//! ```toml
//! id = "c-3f9a0b1c2d3e4f50"          # optional: the id `enkaku-sync-server clinic add` printed
//! name = "医療法人社団 例 みなみクリニック"
//! institution_code = "1310345671"    # 医療機関コード, 10 digits
//! address = "東京都北区王子本町1-2-3"
//! phone = "03-0000-0000"
//!
//! [[partner_hospitals]]
//! name = "東京中央総合病院"
//! phone = "03-3905-1101"
//! accepts = "内科・循環器の救急 (24時間)"
//! emergency_agreement = true
//!
//! [[care_teams]]
//! id = "team-kita"
//! name = "北訪問チーム"
//!
//! [admin]                            # the first administrator, who signs in first
//! name = "渡辺 誠"
//! kana = "ワタナベ マコト"
//! pin = "4821"
//!
//! [[staff]]
//! name = "佐藤 健一"
//! kana = "サトウ ケンイチ"
//! role = "doctor"
//! licence_number = "512384"
//! registration_year = 2008
//! online_training = 2024-04-15
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::clinic::{ClinicPlan, NewStaff, PIN_MAX};
use crate::domain::{CareTeam, Date, PartnerHospital, Role, parse_date, parse_institution_code};

/// Why a clinic file cannot be used: where (file, line, key) and what.
#[derive(Debug, thiserror::Error)]
pub enum ClinicFileError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: key `{key}`: {reason}", path.display())]
    Key {
        path: PathBuf,
        line: usize,
        key: String,
        reason: String,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClinicFile {
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(deserialize_with = "institution_code")]
    institution_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    partner_hospitals: Vec<HospitalEntry>,
    #[serde(default)]
    care_teams: Vec<TeamEntry>,
    admin: toml::Spanned<AdminEntry>,
    #[serde(default)]
    staff: Vec<toml::Spanned<StaffEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HospitalEntry {
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    accepts: String,
    #[serde(default)]
    emergency_agreement: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamEntry {
    #[serde(deserialize_with = "spanned_id")]
    id: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdminEntry {
    #[serde(default)]
    id: Option<String>,
    name: String,
    kana: String,
    #[serde(deserialize_with = "pin")]
    pin: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffEntry {
    #[serde(default)]
    id: Option<String>,
    name: String,
    kana: String,
    #[serde(deserialize_with = "role")]
    role: Role,
    #[serde(default)]
    licence_number: Option<String>,
    #[serde(default)]
    registration_year: Option<i32>,
    #[serde(default)]
    hpki_card: Option<String>,
    #[serde(default)]
    photo_id_on_file: bool,
    #[serde(default, deserialize_with = "date")]
    online_training: Option<Date>,
    #[serde(default, deserialize_with = "date")]
    ec_training: Option<Date>,
    #[serde(default)]
    obgyn: bool,
    #[serde(default)]
    care_team: Option<String>,
    #[serde(default, deserialize_with = "optional_pin")]
    pin: Option<String>,
}

fn institution_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    parse_institution_code(&text).map_err(|e| serde::de::Error::custom(e.reason))
}

fn role<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
    let text = String::deserialize(d)?;
    Role::parse(&text).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "{text:?} is not a role: front_desk, doctor, nurse or admin"
        ))
    })
}

/// A date written as a TOML date (`2024-04-15`) or a string (`"2024-04-15"`).
fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text = match toml::Value::deserialize(d)? {
        toml::Value::Datetime(t) => t.to_string(),
        toml::Value::String(s) => s,
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a date YYYY-MM-DD, found {}",
                other.type_str()
            )));
        }
    };
    parse_date(&text)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a date (YYYY-MM-DD)")))
}

/// A care team's id, which queue documents of the team will carry.
fn spanned_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    crate::store::check_id(&id)
        .map(|_| id.clone())
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "{id:?} is not an id: use letters, digits, '-' and '_'"
            ))
        })
}

fn pin<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    super::clinic::check_pin(&text, super::clinic::PIN_MIN).map_err(serde::de::Error::custom)?;
    Ok(text)
}

fn optional_pin<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    pin(d).map(Some)
}

/// The line (from 1) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Reads the clinic file at `path`.
pub fn read(path: &Path, pin_min: usize, today: Date) -> Result<ClinicPlan, ClinicFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ClinicFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, pin_min, today)
}

/// Parses a clinic file's text; `path` is only for the errors.
pub fn parse(
    text: &str,
    path: &Path,
    pin_min: usize,
    today: Date,
) -> Result<ClinicPlan, ClinicFileError> {
    let syntax = |e: toml::de::Error| ClinicFileError::Syntax {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        reason: e.message().to_string(),
    };
    let de = toml::Deserializer::parse(text).map_err(syntax)?;
    let file: ClinicFile = serde_path_to_error::deserialize(de).map_err(|e| {
        // The line numbers come from `toml::Spanned`, whose private wrapper is no key.
        let key = e
            .path()
            .to_string()
            .split('.')
            .filter(|part| !part.starts_with("$__"))
            .collect::<Vec<_>>()
            .join(".");
        let inner = e.into_inner();
        ClinicFileError::Key {
            path: path.to_path_buf(),
            line: inner.span().map_or(1, |s| line_of(text, s.start)),
            key,
            reason: inner.message().to_string(),
        }
    })?;
    let key_err = |line: usize, key: String, reason: String| ClinicFileError::Key {
        path: path.to_path_buf(),
        line,
        key,
        reason,
    };
    let admin_line = line_of(text, file.admin.span().start);
    let admin = file.admin.into_inner();
    if admin.pin.len() < pin_min {
        return Err(key_err(
            admin_line,
            "admin.pin".into(),
            format!("the PIN must be {pin_min} to 12 digits (pin.min_length)"),
        ));
    }
    let mut staff = vec![(
        admin_line,
        "admin".to_string(),
        NewStaff {
            id: admin.id,
            name: admin.name,
            kana: admin.kana,
            role: Role::Admin,
            licence_number: None,
            registration_year: None,
            hpki_card: None,
            photo_id_on_file: false,
            online_training: None,
            ec_training: None,
            obgyn: false,
            care_team: None,
            pin: Some(admin.pin),
        },
    )];
    for (i, entry) in file.staff.into_iter().enumerate() {
        let line = line_of(text, entry.span().start);
        let s = entry.into_inner();
        if let Some(pin) = &s.pin
            && pin.len() < pin_min
        {
            return Err(key_err(
                line,
                format!("staff[{i}].pin"),
                format!("the PIN must be {pin_min} to {PIN_MAX} digits (pin.min_length)"),
            ));
        }
        staff.push((
            line,
            format!("staff[{i}]"),
            NewStaff {
                id: s.id,
                name: s.name,
                kana: s.kana,
                role: s.role,
                licence_number: s.licence_number,
                registration_year: s.registration_year,
                hpki_card: s.hpki_card,
                photo_id_on_file: s.photo_id_on_file,
                online_training: s.online_training,
                ec_training: s.ec_training,
                obgyn: s.obgyn,
                care_team: s.care_team,
                pin: s.pin,
            },
        ));
    }
    let teams: Vec<&str> = file.care_teams.iter().map(|t| t.id.as_str()).collect();
    // Each member as the store will check them, here with the key and line they came from.
    let mut seen: Vec<(Role, String, String)> = Vec::new();
    for (line, key, entry) in &staff {
        let record = entry.clone().into_staff();
        if let Err(e) = record.check(today) {
            return Err(key_err(*line, format!("{key}.{}", e.field), e.reason));
        }
        if let Some(team) = &entry.care_team
            && !teams.contains(&team.as_str())
        {
            return Err(key_err(
                *line,
                format!("{key}.care_team"),
                format!("no care team {team:?} in [[care_teams]]"),
            ));
        }
        if let Some(number) = &entry.licence_number {
            if let Some((_, _, other)) = seen
                .iter()
                .find(|(role, n, _)| *role == entry.role && n == number)
            {
                return Err(key_err(
                    *line,
                    format!("{key}.licence_number"),
                    format!("{number} is already the licence number of {other}"),
                ));
            }
            seen.push((entry.role, number.clone(), key.clone()));
        }
    }
    let staff: Vec<NewStaff> = staff.into_iter().map(|(_, _, s)| s).collect();
    let care_teams: BTreeMap<String, CareTeam> = file
        .care_teams
        .into_iter()
        .map(|t| {
            (
                t.id.clone(),
                CareTeam {
                    id: t.id,
                    name: t.name,
                },
            )
        })
        .collect();
    let mut partner_hospitals = BTreeMap::new();
    for (i, h) in file.partner_hospitals.into_iter().enumerate() {
        let id = h.id.unwrap_or_else(|| format!("ph-{}", i + 1));
        partner_hospitals.insert(
            id.clone(),
            PartnerHospital {
                id,
                name: h.name,
                phone: h.phone,
                address: h.address,
                accepts: h.accepts,
                emergency_agreement: h.emergency_agreement,
            },
        );
    }
    Ok(ClinicPlan {
        id: file.id,
        name: file.name,
        institution_code: file.institution_code,
        address: file.address,
        phone: file.phone,
        care_teams,
        partner_hospitals,
        staff,
    })
}
