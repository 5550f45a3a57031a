//! A member of staff as the administrator adds or edits them: name and kana, role, licence
//! number, 医籍登録年, HPKI card, the MHLW-designated online-care training (指針 V.3(1)) and the
//! emergency-contraception training (指針 V.1(2)), OB/GYN, photo ID seen, care team and PIN.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::{Clinic, Role, Staff, parse_date};
use crate::tui::i18n::Lang;
use crate::tui::state::Write;

#[derive(Debug, Clone, PartialEq)]
pub struct StaffForm {
    /// The record the form opened on; `None` when adding.
    pub original: Option<Staff>,
    /// Only when adding: empty takes a fresh id with the role's prefix.
    pub id: Text,
    pub name: Text,
    pub kana: Text,
    pub role: Choice<Role>,
    pub licence: Text,
    pub registration_year: Text,
    pub hpki: Text,
    pub online_training: Text,
    pub ec_training: Text,
    pub obgyn: Toggle,
    pub photo_id: Toggle,
    pub care_team: Choice<Option<String>>,
    /// Empty keeps the PIN as it is (none, for someone new).
    pub pin: Text,
    /// The clinic's other members (id, role, licence number), so that a taken id or licence
    /// number is named in the form, which stays open, rather than refused by the store after
    /// the form has closed on everything typed.
    pub others: Vec<(String, Role, Option<String>)>,
}

fn role_name(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::FrontDesk => lang.tr("受付", "front desk"),
        Role::Doctor => lang.tr("医師", "doctor"),
        Role::Nurse => lang.tr("看護師", "nurse"),
        Role::Admin => lang.tr("管理者", "admin"),
    }
}

fn date_text(d: Option<crate::domain::Date>) -> String {
    d.map(crate::domain::format_date).unwrap_or_default()
}

impl StaffForm {
    /// The form for a new member (`editing` = `None`) or for editing one, in `clinic`.
    pub fn new(lang: Lang, clinic: &Clinic, editing: Option<&Staff>) -> StaffForm {
        let s = editing;
        let roles: Vec<(Role, String)> = Role::ALL
            .iter()
            .map(|r| (*r, role_name(lang, *r).to_string()))
            .collect();
        let role = s.map_or(Role::Doctor, |s| s.role);
        let mut teams: Vec<(Option<String>, String)> =
            vec![(None, lang.tr("なし", "none").to_string())];
        teams.extend(
            clinic
                .care_teams
                .values()
                .map(|t| (Some(t.id.clone()), t.name.clone())),
        );
        let team = teams
            .iter()
            .position(|(id, _)| *id == s.and_then(|s| s.care_team.clone()))
            .unwrap_or(0);
        let text = |v: Option<&String>| v.map(String::as_str).unwrap_or_default().to_string();
        StaffForm {
            original: s.cloned(),
            id: Text::new(lang.tr("ID (空欄で自動)", "id (empty: automatic)"), ""),
            name: Text::new(
                lang.tr("氏名 (漢字)", "name (kanji)"),
                &text(s.map(|s| &s.name)),
            ),
            kana: Text::new(lang.tr("カナ", "kana"), &text(s.map(|s| &s.name_kana))),
            role: Choice::new(
                lang.tr("役割", "role"),
                roles,
                Role::ALL.iter().position(|r| *r == role).unwrap_or(0),
            ),
            licence: Text::new(
                lang.tr("免許番号 (医籍・看護師籍)", "licence number"),
                &text(s.and_then(|s| s.licence_number.as_ref())),
            ),
            registration_year: Text::new(
                lang.tr("医籍登録年 (西暦)", "医籍登録年 (year)"),
                &s.and_then(|s| s.registration_year)
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
            ),
            hpki: Text::new(
                lang.tr("HPKI カード", "HPKI card"),
                &text(s.and_then(|s| s.hpki_card.as_ref())),
            ),
            online_training: Text::new(
                lang.tr(
                    "オンライン診療研修 修了日 YYYY-MM-DD (指針 V.3(1))",
                    "online-care training YYYY-MM-DD (指針 V.3(1))",
                ),
                &date_text(s.and_then(|s| s.online_training_completed)),
            ),
            ec_training: Text::new(
                lang.tr(
                    "緊急避妊研修 修了日 YYYY-MM-DD",
                    "emergency-contraception training YYYY-MM-DD",
                ),
                &date_text(s.and_then(|s| s.emergency_contraception_training)),
            ),
            obgyn: Toggle::new(lang.tr("産婦人科", "OB/GYN"), s.is_some_and(|s| s.obgyn)),
            photo_id: Toggle::new(
                lang.tr("顔写真付き身分証を確認済", "photo ID checked"),
                s.is_some_and(|s| s.photo_id_on_file),
            ),
            care_team: Choice::new(lang.tr("訪問チーム", "care team"), teams, team),
            others: clinic
                .staff
                .values()
                .filter(|o| s.is_none_or(|s| s.id != o.id))
                .map(|o| (o.id.clone(), o.role, o.licence_number.clone()))
                .collect(),
            pin: Text::masked(if s.is_some() {
                lang.tr("新しい PIN (空欄で変更なし)", "new PIN (empty: unchanged)")
            } else {
                lang.tr("PIN (数字 4〜12 桁)", "PIN (4 to 12 digits)")
            }),
        }
    }

    pub fn title(lang: Lang, adding: bool) -> &'static str {
        if adding {
            lang.tr("職員の追加", "Add a member of staff")
        } else {
            lang.tr("職員情報の編集", "Edit a member of staff")
        }
    }

    fn optional(t: &Text) -> Option<String> {
        let v = t.value();
        (!v.is_empty()).then_some(v)
    }

    fn date(t: &Text, error: FormError) -> Result<Option<crate::domain::Date>, FormError> {
        match Self::optional(t) {
            None => Ok(None),
            Some(v) => parse_date(&v).map(Some).map_err(|_| error),
        }
    }

    /// The record as the fields say, checked as the store will check it.
    pub fn submit(&self, by: &Author) -> Result<Write, FormError> {
        let role = self.role.value().copied().unwrap_or(Role::FrontDesk);
        let id = match (&self.original, Self::optional(&self.id)) {
            (Some(o), _) => o.id.clone(),
            (None, Some(id)) => {
                let ok = id.len() <= 64
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !ok {
                    return Err(FormError::StaffId);
                }
                id
            }
            (None, None) => by.fresh.id(match role {
                Role::Doctor => "dr",
                Role::FrontDesk => "fd",
                Role::Nurse => "ns",
                Role::Admin => "admin",
            }),
        };
        let registration_year = match Self::optional(&self.registration_year) {
            None => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| FormError::RegistrationYear)?),
        };
        let pin = self.pin.value();
        let pin_hash = if pin.is_empty() {
            self.original.as_ref().and_then(|o| o.pin_hash.clone())
        } else {
            if pin.len() < 4 || pin.len() > 12 || !pin.chars().all(|c| c.is_ascii_digit()) {
                return Err(FormError::PinFormat);
            }
            Some(Staff::hash_pin(&format!("{:032x}", by.fresh.0), &pin))
        };
        let staff = Staff {
            id,
            name: self.name.value(),
            name_kana: self.kana.value(),
            role,
            licence_number: Self::optional(&self.licence),
            registration_year,
            hpki_card: Self::optional(&self.hpki),
            photo_id_on_file: self.photo_id.on,
            online_training_completed: Self::date(&self.online_training, FormError::TrainingDate)?,
            emergency_contraception_training: Self::date(
                &self.ec_training,
                FormError::EcTrainingDate,
            )?,
            obgyn: self.obgyn.on,
            care_team: self.care_team.value().cloned().flatten(),
            pin_hash,
            active: self.original.as_ref().is_none_or(|o| o.active),
        };
        staff.check(by.today).map_err(|e| match e.field {
            "name" => FormError::StaffName,
            "kana" => FormError::StaffKana,
            "licence_number" => FormError::Licence,
            "registration_year" => FormError::RegistrationYear,
            "online_training" => FormError::TrainingDate,
            "ec_training" => FormError::EcTrainingDate,
            _ => FormError::StaffId,
        })?;
        if self.original.is_none() && self.others.iter().any(|(id, _, _)| *id == staff.id) {
            return Err(FormError::StaffIdTaken);
        }
        // A doctor's 医籍 and a nurse's 看護師籍 are separate registers, as the store checks.
        if staff.licence_number.is_some()
            && self
                .others
                .iter()
                .any(|(_, r, l)| *r == staff.role && *l == staff.licence_number)
        {
            return Err(FormError::LicenceTaken);
        }
        Ok(match &self.original {
            None => Write::AddStaff {
                staff: Box::new(staff),
            },
            Some(original) => Write::EditStaff {
                original: Box::new(original.clone()),
                edited: Box::new(staff),
            },
        })
    }

    /// The fields' positions, for an update that puts the cursor on the field refused.
    pub fn field_of(&self, error: FormError) -> Option<usize> {
        let shift = usize::from(self.original.is_none());
        let i = match error {
            FormError::StaffId | FormError::StaffIdTaken => return (shift == 1).then_some(0),
            FormError::StaffName => 0,
            FormError::StaffKana => 1,
            FormError::Licence | FormError::LicenceTaken => 3,
            FormError::RegistrationYear => 4,
            FormError::TrainingDate => 6,
            FormError::EcTrainingDate => 7,
            FormError::PinFormat => 11,
            _ => return None,
        };
        Some(i + shift)
    }
}

impl Fields for StaffForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        let mut fields: Vec<FieldView> = Vec::new();
        if self.original.is_none() {
            fields.push((&self.id).into());
        }
        fields.extend([
            (&self.name).into(),
            (&self.kana).into(),
            (&self.role).into(),
            (&self.licence).into(),
            (&self.registration_year).into(),
            (&self.hpki).into(),
            (&self.online_training).into(),
            (&self.ec_training).into(),
            (&self.obgyn).into(),
            (&self.photo_id).into(),
            (&self.care_team).into(),
            FieldView::from(&self.pin),
        ]);
        fields
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        let i = if self.original.is_none() {
            if i == 0 {
                return Some((&mut self.id).into());
            }
            i - 1
        } else {
            i
        };
        Some(match i {
            0 => (&mut self.name).into(),
            1 => (&mut self.kana).into(),
            2 => (&mut self.role).into(),
            3 => (&mut self.licence).into(),
            4 => (&mut self.registration_year).into(),
            5 => (&mut self.hpki).into(),
            6 => (&mut self.online_training).into(),
            7 => (&mut self.ec_training).into(),
            8 => (&mut self.obgyn).into(),
            9 => (&mut self.photo_id).into(),
            10 => (&mut self.care_team).into(),
            11 => (&mut self.pin).into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn typed(t: &mut Text, text: &str) {
        *t = Text {
            editor: crate::tui::editor::TextEditor::with_text(text, false),
            ..t.clone()
        };
    }

    #[test]
    fn submit_refuses_each_bad_field_by_name() {
        let clinic = crate::demo::clinic().unwrap();
        type Case = (&'static str, fn(&mut StaffForm), Option<FormError>);
        let cases: [Case; 11] = [
            ("complete", |_| {}, None),
            (
                "dr-sato's licence number",
                |f| typed(&mut f.licence, "512384"),
                Some(FormError::LicenceTaken),
            ),
            (
                "a nurse's number, on the doctors' register",
                |f| typed(&mut f.licence, "1128746"),
                None,
            ),
            (
                "dr-sato's id",
                |f| typed(&mut f.id, "dr-sato"),
                Some(FormError::StaffIdTaken),
            ),
            (
                "no name",
                |f| typed(&mut f.name, " "),
                Some(FormError::StaffName),
            ),
            (
                "kana in romaji",
                |f| typed(&mut f.kana, "sato"),
                Some(FormError::StaffKana),
            ),
            (
                "letters in the licence",
                |f| typed(&mut f.licence, "A12"),
                Some(FormError::Licence),
            ),
            (
                "year 1850",
                |f| typed(&mut f.registration_year, "1850"),
                Some(FormError::RegistrationYear),
            ),
            (
                "year in words",
                |f| typed(&mut f.registration_year, "平成20"),
                Some(FormError::RegistrationYear),
            ),
            (
                "training not a date",
                |f| typed(&mut f.online_training, "2024/4/1"),
                Some(FormError::TrainingDate),
            ),
            (
                "a short PIN",
                |f| typed(&mut f.pin, "12"),
                Some(FormError::PinFormat),
            ),
        ];
        for (what, change, expected) in cases {
            let mut f = StaffForm::new(Lang::En, &clinic, None);
            typed(&mut f.name, "高橋 一郎");
            typed(&mut f.kana, "タカハシ イチロウ");
            typed(&mut f.licence, "700001");
            typed(&mut f.registration_year, "2019");
            typed(&mut f.online_training, "2025-06-01");
            typed(&mut f.pin, "2468");
            change(&mut f);
            let got = f.submit(&author());
            match (got, expected) {
                (Ok(Write::AddStaff { staff }), None) => {
                    assert_eq!(staff.role, Role::Doctor, "{what}");
                    assert!(staff.id.starts_with("dr-"), "{what}: {}", staff.id);
                    assert!(staff.verify_pin("2468"), "{what}");
                    assert_eq!(staff.registration_year, Some(2019));
                }
                (Err(e), Some(want)) => {
                    assert_eq!(e, want, "{what}");
                    assert!(f.field_of(e).is_some(), "{what}: the cursor can go there");
                }
                (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn editing_keeps_the_id_and_an_untouched_pin() {
        let clinic = crate::demo::clinic().unwrap();
        let mut kimura = clinic.staff["dr-kimura"].clone();
        kimura.pin_hash = Some(Staff::hash_pin("s", "0000"));
        let mut f = StaffForm::new(Lang::Ja, &clinic, Some(&kimura));
        assert_eq!(f.fields().len(), 12, "no id field when editing");
        typed(&mut f.online_training, "2026-11-01");
        let Ok(Write::EditStaff { original, edited }) = f.submit(&author()) else {
            panic!("edit");
        };
        assert_eq!(*original, kimura);
        assert_eq!(edited.id, "dr-kimura");
        assert_eq!(edited.pin_hash, kimura.pin_hash);
        // Their own licence number is not another member's.
        let sato = &clinic.staff["dr-sato"];
        let f = StaffForm::new(Lang::Ja, &clinic, Some(sato));
        assert!(f.submit(&author()).is_ok());
        assert_eq!(
            edited.online_training_completed,
            Some(parse_date("2026-11-01").unwrap())
        );
    }
}
