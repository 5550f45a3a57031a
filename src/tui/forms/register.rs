//! Registering a new patient at the front desk (新規患者登録): names, date of birth, sex,
//! contact, insurance, かかりつけ, care team, proxy and the clinic's patient number, turned into
//! the patient record the store validates and registers.

use super::{Author, Choice, FieldEdit, FieldView, Fields, FormError, Text, Toggle};
use crate::domain::{
    CareTeam, Demographics, Insurance, InsuranceKind, Patient, Proxy, Sex, is_kana, nfkc,
    parse_date,
};
use crate::tui::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct RegisterForm {
    pub name_kanji: Text,
    pub name_kana: Text,
    /// `YYYY-MM-DD`; full-width digits from an input method are accepted.
    pub date_of_birth: Text,
    pub sex: Choice<Sex>,
    pub phone: Text,
    pub address: Text,
    /// `None`: no insurance on file yet.
    pub insurance: Choice<Option<InsuranceKind>>,
    /// 保険者番号.
    pub insurer_number: Text,
    /// 記号・番号.
    pub member_symbol_number: Text,
    /// 負担割合 (%).
    pub copay: Choice<u8>,
    /// This clinic is the patient's かかりつけ (指針 V.1(2)).
    pub kakaritsuke: Toggle,
    pub care_team: Choice<Option<String>>,
    /// Optional: someone who speaks and agrees for the patient (指針 V.1(1)).
    pub proxy_name: Text,
    pub proxy_relationship: Text,
    pub proxy_phone: Text,
    /// Optional: 診察券番号 / the レセコン's 患者番号.
    pub patient_number: Text,
    /// The save asked of the worker (its generation) and the patient it registers, while the
    /// answer has not come: the form stays open for a duplicate or a refusal.
    pub saving: Option<(u64, Box<Patient>)>,
}

/// The fields in the order shown, by the name the store's refusals give them.
const FIELD_NAMES: [&str; 16] = [
    "name_kanji",
    "name_kana",
    "date_of_birth",
    "sex",
    "phone",
    "address",
    "insurance",
    "insurer_number",
    "member_symbol_number",
    "copay_percent",
    "kakaritsuke",
    "care_team",
    "proxy",
    "proxy_relationship",
    "proxy_phone",
    "patient_number",
];

impl RegisterForm {
    pub fn new<'a>(lang: Lang, teams: impl IntoIterator<Item = &'a CareTeam>) -> RegisterForm {
        let l = lang;
        let mut care_teams = vec![(None, l.tr("なし", "none").to_string())];
        care_teams.extend(
            teams
                .into_iter()
                .map(|t| (Some(t.id.clone()), t.name.clone())),
        );
        RegisterForm {
            name_kanji: Text::new(l.tr("氏名 (漢字)", "name (kanji)"), ""),
            name_kana: Text::new(l.tr("氏名 (カナ)", "name (kana)"), ""),
            date_of_birth: Text::new(
                l.tr("生年月日 (YYYY-MM-DD)", "date of birth (YYYY-MM-DD)"),
                "",
            ),
            sex: Choice::new(
                l.tr("性別", "sex"),
                vec![
                    (Sex::Female, l.tr("女", "female").into()),
                    (Sex::Male, l.tr("男", "male").into()),
                    (Sex::Other, l.tr("その他", "other").into()),
                ],
                0,
            ),
            phone: Text::new(l.tr("電話", "phone"), ""),
            address: Text::new(l.tr("住所", "address"), ""),
            insurance: Choice::new(
                l.tr("保険種別", "insurance"),
                vec![
                    (None, l.tr("未登録", "not on file").into()),
                    (
                        Some(InsuranceKind::Employee),
                        l.tr("社保 (協会けんぽ・組合)", "employee (shakai hoken)")
                            .into(),
                    ),
                    (
                        Some(InsuranceKind::National),
                        l.tr("国民健康保険", "national health insurance").into(),
                    ),
                    (
                        Some(InsuranceKind::LateElderly),
                        l.tr("後期高齢者医療", "late-stage elderly").into(),
                    ),
                    (
                        Some(InsuranceKind::PublicAssistance),
                        l.tr("生活保護 (医療扶助)", "public assistance").into(),
                    ),
                    (
                        Some(InsuranceKind::SelfPay),
                        l.tr("自費", "self-pay").into(),
                    ),
                ],
                0,
            ),
            insurer_number: Text::new(l.tr("保険者番号", "insurer number"), ""),
            member_symbol_number: Text::new(l.tr("記号・番号", "symbol and number"), ""),
            copay: Choice::new(
                l.tr("負担割合", "copayment"),
                [30u8, 20, 10, 0, 100]
                    .into_iter()
                    .map(|p| (p, format!("{p}%")))
                    .collect(),
                0,
            ),
            kakaritsuke: Toggle::new(l.tr("かかりつけ", "regular doctor (kakaritsuke)"), false),
            care_team: Choice::new(l.tr("訪問チーム", "care team"), care_teams, 0),
            proxy_name: Text::new(l.tr("代理人 氏名 (任意)", "proxy name (optional)"), ""),
            proxy_relationship: Text::new(l.tr("代理人 続柄", "proxy relationship"), ""),
            proxy_phone: Text::new(l.tr("代理人 電話", "proxy phone"), ""),
            patient_number: Text::new(l.tr("患者番号 (任意)", "patient number (optional)"), ""),
            saving: None,
        }
    }

    pub fn title(lang: Lang) -> &'static str {
        lang.tr("新規患者登録", "Register a new patient")
    }

    /// Which field a refusal naming `field` (`date_of_birth: …`) is about.
    pub fn field_index(field: &str) -> Option<usize> {
        FIELD_NAMES.iter().position(|f| *f == field)
    }

    /// The patient to register. What only the store can judge (names present, a date of birth
    /// that is not in the future, a patient number nobody else has) it judges, naming the field.
    pub fn submit(&self, by: &Author) -> Result<Patient, FormError> {
        // Checked here, in the order of the fields, so that the form names the first one to
        // fix in the interface language rather than passing the store's refusal on.
        if self.name_kanji.value().trim().is_empty() {
            return Err(FormError::PatientName);
        }
        if !is_kana(&self.name_kana.value()) {
            return Err(FormError::PatientKana);
        }
        let date_of_birth =
            parse_date(&nfkc(&self.date_of_birth.value())).map_err(|_| FormError::DateOfBirth)?;
        let insurance = match self.insurance.value().copied().flatten() {
            None => None,
            Some(kind) => {
                let insurer_number = nfkc(&self.insurer_number.value());
                if insurer_number.is_empty() && kind != InsuranceKind::SelfPay {
                    return Err(FormError::NoInsurerNumber);
                }
                Some(Insurance {
                    kind,
                    insurer_number,
                    member_symbol_number: nfkc(&self.member_symbol_number.value()),
                    valid_until: None,
                    copay_percent: self.copay.value().copied().unwrap_or(30),
                })
            }
        };
        let proxy_name = self.proxy_name.value();
        let proxy = if proxy_name.is_empty() {
            None
        } else {
            let relationship = self.proxy_relationship.value();
            if relationship.is_empty() {
                return Err(FormError::ProxyRelationship);
            }
            Some(Proxy {
                name: proxy_name,
                relationship,
                phone: nfkc(&self.proxy_phone.value()),
                reason: String::new(),
            })
        };
        let number = nfkc(&self.patient_number.value());
        Ok(Patient {
            id: by.fresh.id("p"),
            patient_number: (!number.is_empty()).then_some(number),
            demographics: Demographics {
                name_kanji: self.name_kanji.value(),
                // Half-width kana (ﾔﾏﾀﾞ), as some keyboards and レセコン give it, become
                // full-width, as `patients import` stores them.
                name_kana: nfkc(&self.name_kana.value()),
                date_of_birth,
                sex: self.sex.value().copied().unwrap_or(Sex::Other),
                phone: nfkc(&self.phone.value()),
                address: self.address.value(),
            },
            insurance,
            kakaritsuke: self.kakaritsuke.on,
            history: Default::default(),
            care_team: self.care_team.value().cloned().flatten(),
            proxy,
            allergies: Default::default(),
            medications: Default::default(),
            medications_confirmed_at: None,
            identity_checks: Default::default(),
            consents: Default::default(),
            care_plans: Default::default(),
            encounters: Default::default(),
            nursing_instructions: Default::default(),
            home_visit_doctors: Default::default(),
            nursing_visits: Default::default(),
        })
    }
}

impl Fields for RegisterForm {
    fn fields(&self) -> Vec<FieldView<'_>> {
        vec![
            (&self.name_kanji).into(),
            (&self.name_kana).into(),
            (&self.date_of_birth).into(),
            (&self.sex).into(),
            (&self.phone).into(),
            (&self.address).into(),
            (&self.insurance).into(),
            (&self.insurer_number).into(),
            (&self.member_symbol_number).into(),
            (&self.copay).into(),
            (&self.kakaritsuke).into(),
            (&self.care_team).into(),
            (&self.proxy_name).into(),
            (&self.proxy_relationship).into(),
            (&self.proxy_phone).into(),
            (&self.patient_number).into(),
        ]
    }

    fn field_mut(&mut self, i: usize) -> Option<FieldEdit<'_>> {
        Some(match i {
            0 => (&mut self.name_kanji).into(),
            1 => (&mut self.name_kana).into(),
            2 => (&mut self.date_of_birth).into(),
            3 => (&mut self.sex).into(),
            4 => (&mut self.phone).into(),
            5 => (&mut self.address).into(),
            6 => (&mut self.insurance).into(),
            7 => (&mut self.insurer_number).into(),
            8 => (&mut self.member_symbol_number).into(),
            9 => (&mut self.copay).into(),
            10 => (&mut self.kakaritsuke).into(),
            11 => (&mut self.care_team).into(),
            12 => (&mut self.proxy_name).into(),
            13 => (&mut self.proxy_relationship).into(),
            14 => (&mut self.proxy_phone).into(),
            15 => (&mut self.patient_number).into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::author;
    use super::*;

    fn filled() -> RegisterForm {
        let mut f = RegisterForm::new(Lang::En, []);
        f.name_kanji = Text::new("", "高橋　花子");
        f.name_kana = Text::new("", "タカハシ　ハナコ");
        f.date_of_birth = Text::new("", "１９８０－０４－０１");
        f
    }

    #[test]
    fn the_fields_are_named_as_the_store_names_them() {
        let mut f = filled();
        assert_eq!(f.fields().len(), FIELD_NAMES.len());
        assert!(f.field_mut(FIELD_NAMES.len() - 1).is_some());
        assert!(f.field_mut(FIELD_NAMES.len()).is_none());
        assert_eq!(RegisterForm::field_index("date_of_birth"), Some(2));
        assert_eq!(RegisterForm::field_index("patient_number"), Some(15));
    }

    #[test]
    fn submit_builds_the_patient_or_names_the_field() {
        let by = author();
        let p = filled().submit(&by).unwrap();
        assert_eq!(p.id, by.fresh.id("p"));
        assert_eq!(
            p.demographics.date_of_birth,
            parse_date("1980-04-01").unwrap()
        );
        assert_eq!(p.insurance, None);
        assert_eq!(p.proxy, None);
        assert_eq!(p.patient_number, None);

        // (change, expected error)
        type Change = fn(&mut RegisterForm);
        let cases: [(Change, FormError); 8] = [
            (|f| f.name_kanji = Text::new("", ""), FormError::PatientName),
            (
                |f| f.name_kanji = Text::new("", "　 "),
                FormError::PatientName,
            ),
            (|f| f.name_kana = Text::new("", ""), FormError::PatientKana),
            (
                |f| f.name_kana = Text::new("", "takahashi hanako"),
                FormError::PatientKana,
            ),
            (
                |f| f.date_of_birth = Text::new("", "1980-02-30"),
                FormError::DateOfBirth,
            ),
            (
                |f| f.date_of_birth = Text::new("", "01/04/1980"),
                FormError::DateOfBirth,
            ),
            (|f| f.insurance.selected = 2, FormError::NoInsurerNumber),
            (
                |f| f.proxy_name = Text::new("", "高橋　一郎"),
                FormError::ProxyRelationship,
            ),
        ];
        for (change, want) in cases {
            let mut f = filled();
            change(&mut f);
            assert_eq!(f.submit(&by), Err(want));
        }

        let mut f = filled();
        f.name_kana = Text::new("", "ﾀｶﾊｼ ﾊﾅｺ");
        let p = f.submit(&by).unwrap();
        assert_eq!(p.demographics.name_kana, "タカハシ ハナコ");

        let mut f = filled();
        f.insurance.selected = 2;
        f.insurer_number = Text::new("", "１３８０１２");
        f.copay.selected = 2;
        f.proxy_name = Text::new("", "高橋　一郎");
        f.proxy_relationship = Text::new("", "夫");
        f.patient_number = Text::new("", " 10023 ");
        let p = f.submit(&by).unwrap();
        let ins = p.insurance.unwrap();
        assert_eq!(
            (ins.kind, ins.insurer_number.as_str(), ins.copay_percent),
            (InsuranceKind::National, "138012", 10)
        );
        assert_eq!(p.proxy.unwrap().relationship, "夫");
        assert_eq!(p.patient_number.as_deref(), Some("10023"));
    }
}
