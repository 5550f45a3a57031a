//! The clinic (医療機関) itself: facility, staff and their qualifications, care teams and the
//! partner hospitals that take emergencies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Date, InvalidField, format_date};

/// The clinic document: one per clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clinic {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    /// 医療機関コード, printed on claims.
    #[serde(default)]
    pub institution_code: String,
    #[serde(default)]
    pub staff: BTreeMap<String, Staff>,
    #[serde(default)]
    pub care_teams: BTreeMap<String, CareTeam>,
    /// Hospitals that agreed to take this clinic's patients when they deteriorate (指針 V.1(3)②ⅳ).
    #[serde(default)]
    pub partner_hospitals: BTreeMap<String, PartnerHospital>,
    #[serde(default)]
    pub settings: ClinicSettings,
}

/// What a member of staff may do is decided by their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 受付: reservations, check-in, identity documents.
    FrontDesk,
    /// 医師: the only role that examines, prescribes, signs and overrides.
    Doctor,
    /// 看護師: home-care visits, D to P with N.
    Nurse,
    /// 管理者: staff, devices, audit.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::FrontDesk, Role::Doctor, Role::Nurse, Role::Admin];

    /// The role spelled as `as_str` spells it (`front_desk`, `doctor`, `nurse`, `admin`).
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FrontDesk => "front_desk",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Admin => "admin",
        }
    }
}

/// A member of staff with the qualifications the guideline asks about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub name_kana: String,
    pub role: Role,
    /// 医籍登録番号 / 看護師籍登録番号.
    #[serde(default)]
    pub licence_number: Option<String>,
    /// 医籍登録年: shown to the patient with the doctor's photo ID (指針 V.1(4)①).
    #[serde(default)]
    pub registration_year: Option<i32>,
    /// HPKI card serial: lets the patient verify the doctor's licence online.
    #[serde(default)]
    pub hpki_card: Option<String>,
    /// The doctor's photo ID has been checked and can be shown at a consultation.
    #[serde(default)]
    pub photo_id_on_file: bool,
    /// Completion of the MHLW-designated online-care training (指針 V.3(1)).
    #[serde(default)]
    pub online_training_completed: Option<Date>,
    /// Training for prescribing emergency contraception online (指針 V.1(2)).
    #[serde(default)]
    pub emergency_contraception_training: Option<Date>,
    /// 産婦人科 (obstetrics and gynaecology): with the training above, may prescribe emergency
    /// contraception online (指針 V.1(2)).
    #[serde(default)]
    pub obgyn: bool,
    #[serde(default)]
    pub care_team: Option<String>,
    /// Salted hash of the sign-in PIN (`salt$hex`); never the PIN itself.
    #[serde(default)]
    pub pin_hash: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A home-care team (訪問診療チーム): the unit a nurse's device is scoped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareTeam {
    pub id: String,
    pub name: String,
}

/// A home-care team's roster (`team/<team>`): what its devices, which never receive the clinic
/// document, need to let the team sign in — the clinic's name and the team's members with their
/// sign-in records. The clinic writes it whenever its staff change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRoster {
    /// The team, at the root: the sync server's scope reads it there.
    pub care_team: String,
    pub team_name: String,
    pub clinic_id: String,
    pub clinic_name: String,
    #[serde(default)]
    pub members: BTreeMap<String, Staff>,
    /// The clinic's doctors by id, with their names: who wrote an instruction, who is asked.
    #[serde(default)]
    pub doctors: BTreeMap<String, String>,
}

impl TeamRoster {
    /// The roster of `team` as the clinic's record has it.
    pub fn of(clinic: &Clinic, team: &CareTeam) -> TeamRoster {
        TeamRoster {
            care_team: team.id.clone(),
            team_name: team.name.clone(),
            clinic_id: clinic.id.clone(),
            clinic_name: clinic.name.clone(),
            members: clinic
                .staff
                .values()
                .filter(|s| s.care_team.as_deref() == Some(team.id.as_str()))
                .map(|s| (s.id.clone(), s.clone()))
                .collect(),
            doctors: clinic
                .staff
                .values()
                .filter(|s| s.role == Role::Doctor && s.active)
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
        }
    }

    /// The clinic as a team device knows it: its name, the team and the team's members; no
    /// address, partner hospitals or other staff.
    pub fn as_clinic(&self) -> Clinic {
        Clinic {
            id: self.clinic_id.clone(),
            name: self.clinic_name.clone(),
            address: String::new(),
            phone: String::new(),
            institution_code: String::new(),
            staff: self.members.clone(),
            care_teams: BTreeMap::from([(
                self.care_team.clone(),
                CareTeam {
                    id: self.care_team.clone(),
                    name: self.team_name.clone(),
                },
            )]),
            partner_hospitals: BTreeMap::new(),
            settings: ClinicSettings::default(),
        }
    }
}

/// A hospital that takes this clinic's patients in an emergency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerHospital {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    /// What the hospital takes (for example 「内科・循環器の救急、夜間も可」), so that whoever
    /// arranges a transfer knows where to call first.
    #[serde(default)]
    pub accepts: String,
    /// Has agreed in advance to receive emergencies (指針 V.1(3)②ⅳ).
    #[serde(default)]
    pub emergency_agreement: bool,
}

/// Clinic-wide settings that every device should share (per-machine ones live in the config file).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClinicSettings {
    /// The video service the clinic uses, as named in care plans (指針 V.1(3)②ⅰ item 4).
    #[serde(default)]
    pub video_service: String,
    /// Whether text chat with patients is allowed outside the video session.
    #[serde(default)]
    pub chat_allowed: bool,
}

impl Staff {
    /// The stored form of a PIN under `salt` (random per hash): an Argon2id PHC string.
    pub fn hash_pin(salt: &str, pin: &str) -> String {
        super::pin::hash(salt, pin)
    }

    /// Whether `pin` is this staff member's PIN. No PIN set means no sign-in.
    pub fn verify_pin(&self, pin: &str) -> bool {
        self.pin_hash
            .as_deref()
            .is_some_and(|stored| super::pin::verify(stored, pin))
    }

    /// Whether the stored PIN hash is in an older form (salted SHA-256) or made with other
    /// parameters than today's, to be replaced after the next good sign-in.
    pub fn pin_needs_rehash(&self) -> bool {
        self.pin_hash
            .as_deref()
            .is_some_and(super::pin::needs_rehash)
    }
}

/// The earliest 医籍登録年 (year of entry in the register of physicians) taken as plausible: a
/// doctor registered before it would be past ninety today. An older year is a typing mistake.
pub const EARLIEST_REGISTRATION_YEAR: i32 = 1945;

impl Staff {
    /// Whether this member of staff has completed the MHLW-designated online-care training
    /// (厚生労働省が指定する研修) by `today`. 指針 V.3(1) requires it of every doctor who
    /// practises online care; a completion date still in the future does not count yet.
    pub fn online_training_done(&self, today: Date) -> bool {
        self.online_training_completed.is_some_and(|d| d <= today)
    }

    /// A doctor who may not practise online care yet for want of the designated training
    /// (指針 V.3(1)): marked wherever a doctor is chosen.
    pub fn lacks_online_training(&self, today: Date) -> bool {
        self.role == Role::Doctor && !self.online_training_done(today)
    }

    /// What a staff record must satisfy to be recorded on `today`, naming the field that does
    /// not: a name and a kana reading, a licence number of digits, a plausible 医籍登録年 and
    /// training dates that have happened. Uniqueness and care teams depend on the clinic and are
    /// checked by the store.
    pub fn check(&self, today: Date) -> Result<(), InvalidField> {
        if self.name.trim().is_empty() {
            return Err(InvalidField::new("name", "the name is empty"));
        }
        if self.name_kana.trim().is_empty() {
            return Err(InvalidField::new("kana", "the kana reading is empty"));
        }
        if !is_kana(&self.name_kana) {
            return Err(InvalidField::new(
                "kana",
                format!(
                    "{:?} is not written in kana (カタカナ or ひらがな)",
                    self.name_kana
                ),
            ));
        }
        if let Some(n) = &self.licence_number {
            let n = n.trim();
            if n.is_empty() || n.len() > 10 || !n.chars().all(|c| c.is_ascii_digit()) {
                return Err(InvalidField::new(
                    "licence_number",
                    format!("{n:?} is not a register number (1 to 10 digits)"),
                ));
            }
        }
        if let Some(year) = self.registration_year {
            let latest = today.year();
            if !(EARLIEST_REGISTRATION_YEAR..=latest).contains(&year) {
                return Err(InvalidField::new(
                    "registration_year",
                    format!(
                        "{year} is not a plausible 医籍登録年 ({EARLIEST_REGISTRATION_YEAR} to {latest})"
                    ),
                ));
            }
        }
        if let Some(card) = &self.hpki_card
            && card.trim().is_empty()
        {
            return Err(InvalidField::new("hpki_card", "the card serial is empty"));
        }
        for (field, date) in [
            ("online_training", self.online_training_completed),
            ("ec_training", self.emergency_contraception_training),
        ] {
            if let Some(d) = date
                && d > today
            {
                return Err(InvalidField::new(
                    field,
                    format!("{} is in the future", format_date(d)),
                ));
            }
        }
        Ok(())
    }
}

/// Whether `text` is a reading in kana: katakana or hiragana (full or half width), the long
/// vowel mark, spaces and the middle dot between given and family name.
pub fn is_kana(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace()) && text.chars().all(|c| {
        c.is_whitespace()
            || matches!(c, 'ぁ'..='ゖ' | 'ァ'..='ヺ' | 'ー' | '・' | '･' | 'ｦ'..='ﾟ' | '゛' | '゜')
    })
}

/// Reads a 医療機関コード (the institution code printed on claims and prescriptions), full-width
/// digits and blanks allowed, and returns its ten digits.
///
/// The code is the ten digits 地方厚生局 assign with the designation as a 保険医療機関:
/// 都道府県番号 (2 digits, 01 to 47), 点数表番号 (1 digit: 1 医科, 3 歯科 — 4 is a pharmacy and 6
/// a visiting-nurse station, neither of which is a clinic), 郡市区番号 (2), 医療機関番号 (4) and
/// a 検証番号 (1), the check digit: Luhn (modulus 10, weights 2 and 1 from the right) over the
/// nine digits before it. The 7-digit code seen on older レセプト is the last seven of these.
pub fn parse_institution_code(text: &str) -> Result<String, InvalidField> {
    let field = "institution_code";
    let code: String = super::nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if code.len() != 10 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(InvalidField::new(
            field,
            format!("{text:?} is not 10 digits (都道府県2 + 点数表1 + 郡市区2 + 機関4 + 検証1)"),
        ));
    }
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    let prefecture = digits[0] * 10 + digits[1];
    if !(1..=47).contains(&prefecture) {
        return Err(InvalidField::new(
            field,
            format!("{code}: 都道府県番号 {prefecture:02} is not 01 to 47"),
        ));
    }
    if !matches!(digits[2], 1 | 3) {
        return Err(InvalidField::new(
            field,
            format!(
                "{code}: 点数表番号 {} is not 1 (医科) or 3 (歯科)",
                digits[2]
            ),
        ));
    }
    let check = luhn_check_digit(&digits[..9]);
    if digits[9] != check {
        return Err(InvalidField::new(
            field,
            format!("{code}: the check digit (検証番号) should be {check}; a digit is mistyped"),
        ));
    }
    Ok(code)
}

/// The Luhn check digit of `digits`: from the right, every other digit doubled (its digits
/// summed), starting with the rightmost.
fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            v / 10 + v % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        super::super::parse_date(text).unwrap()
    }

    fn doctor() -> Staff {
        Staff {
            id: "dr-x".into(),
            name: "佐藤 一郎".into(),
            name_kana: "サトウ イチロウ".into(),
            role: Role::Doctor,
            licence_number: Some("512384".into()),
            registration_year: Some(2008),
            hpki_card: None,
            photo_id_on_file: false,
            online_training_completed: None,
            emergency_contraception_training: None,
            obgyn: false,
            care_team: None,
            pin_hash: None,
            active: true,
        }
    }

    #[test]
    fn institution_codes_are_checked_by_part_and_check_digit() {
        // The example of a real code printed on a prescription, and full-width input.
        assert_eq!(parse_institution_code("0110113719").unwrap(), "0110113719");
        assert_eq!(
            parse_institution_code("１３１０３４５６７１").unwrap(),
            "1310345671"
        );
        for (text, needle) in [
            ("131034567", "not 10 digits"),
            ("13103456a1", "not 10 digits"),
            ("4810345671", "都道府県番号 48"),
            ("1340345671", "点数表番号 4"),
            ("1310345672", "check digit"),
        ] {
            let e = parse_institution_code(text).unwrap_err();
            assert_eq!(e.field, "institution_code");
            assert!(e.reason.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn the_training_predicate_counts_only_completed_training() {
        let today = day("2026-11-21");
        let mut s = doctor();
        assert!(!s.online_training_done(today) && s.lacks_online_training(today));
        s.online_training_completed = Some(day("2026-11-22"));
        assert!(!s.online_training_done(today), "a future date is not done");
        s.online_training_completed = Some(today);
        assert!(s.online_training_done(today) && !s.lacks_online_training(today));
        s.online_training_completed = None;
        s.role = Role::Nurse;
        assert!(!s.lacks_online_training(today), "only doctors are marked");
    }

    #[test]
    fn a_staff_record_names_the_field_it_fails_on() {
        let today = day("2026-11-21");
        let good = doctor();
        assert_eq!(good.check(today), Ok(()));
        type Case = (&'static str, Box<dyn Fn(&mut Staff)>);
        let cases: Vec<Case> = vec![
            ("name", Box::new(|s| s.name = " ".into())),
            ("kana", Box::new(|s| s.name_kana = String::new())),
            ("kana", Box::new(|s| s.name_kana = "佐藤".into())),
            (
                "licence_number",
                Box::new(|s| s.licence_number = Some("A-1".into())),
            ),
            (
                "registration_year",
                Box::new(|s| s.registration_year = Some(1850)),
            ),
            (
                "registration_year",
                Box::new(|s| s.registration_year = Some(2027)),
            ),
            ("hpki_card", Box::new(|s| s.hpki_card = Some(String::new()))),
            (
                "online_training",
                Box::new(|s| s.online_training_completed = Some(day("2027-01-01"))),
            ),
            (
                "ec_training",
                Box::new(|s| s.emergency_contraception_training = Some(day("2027-01-01"))),
            ),
        ];
        for (field, change) in cases {
            let mut s = good.clone();
            change(&mut s);
            assert_eq!(s.check(today).map_err(|e| e.field), Err(field));
        }
    }
}
