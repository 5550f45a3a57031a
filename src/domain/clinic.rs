//! The clinic (医療機関) itself: facility, staff and their qualifications, care teams and the
//! partner hospitals that take emergencies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Date;

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

/// A hospital that takes this clinic's patients in an emergency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerHospital {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
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
    /// The stored form of a PIN: `salt$hex(sha256(salt:pin))`.
    pub fn hash_pin(salt: &str, pin: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{salt}:{pin}").as_bytes());
        format!("{salt}${}", hex::encode(digest))
    }

    /// Whether `pin` is this staff member's PIN. No PIN set means no sign-in.
    pub fn verify_pin(&self, pin: &str) -> bool {
        let Some(stored) = &self.pin_hash else {
            return false;
        };
        let Some((salt, _)) = stored.split_once('$') else {
            return false;
        };
        // Compare every byte so that the time taken does not tell how much matched.
        let candidate = Staff::hash_pin(salt, pin);
        candidate.len() == stored.len()
            && candidate
                .bytes()
                .zip(stored.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}
