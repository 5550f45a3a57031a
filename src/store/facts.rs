//! The facts about a patient that the guideline's rules read, as the chart records them: allergies,
//! current medications and when they were last confirmed with the patient, whether the
//! underlying conditions are known and from where, かかりつけ, the proxy, and identity
//! documents a doctor saw on screen. Each edit is one audited transaction written at the
//! smallest path (an allergy at `allergies/<id>`), so that two devices editing different facts
//! merge.

use serde_json::Value as Json;

use super::persist::Editor;
use super::{DocId, Store, StoreError, check_id};
use crate::domain::{
    Allergy, HistoryKnowledge, IdentityCheck, Instant, Medication, Proxy, VerificationMethod,
};

/// One edit of what the rules read, as the chart's forms submit it.
#[derive(Debug, Clone, PartialEq)]
pub enum FactEdit {
    /// Adds or replaces the allergy `id`; `None` removes it.
    Allergy {
        id: String,
        allergy: Option<Allergy>,
    },
    /// Adds or replaces the current medication `id`; `None` removes it.
    Medication {
        id: String,
        medication: Option<Medication>,
    },
    /// The current medications were gone through with the patient at `at` (指針 V.1(5)).
    MedicationsConfirmed { at: Instant },
    /// Whether the underlying conditions are known, from which sources (指針 V.1(2)).
    History(HistoryKnowledge),
    /// This clinic is the patient's かかりつけ.
    Kakaritsuke(bool),
    /// The proxy who speaks for the patient, or none (指針 V.1(1)).
    Proxy(Option<Proxy>),
    /// Identity documents the doctor saw held up to the camera (指針 V.1(4)).
    IdentitySeen(IdentityCheck),
    /// The doctor `doctor` makes regular home visits to the patient (recorded on `since`), or
    /// no longer does.
    HomeVisits {
        doctor: String,
        since: Option<crate::domain::Date>,
    },
}

impl FactEdit {
    /// The action the audit log records.
    pub fn action(&self) -> &'static str {
        match self {
            FactEdit::Allergy {
                allergy: Some(_), ..
            } => "patient.allergies",
            FactEdit::Allergy { allergy: None, .. } => "patient.allergies.remove",
            FactEdit::Medication {
                medication: Some(_),
                ..
            } => "patient.medications",
            FactEdit::Medication {
                medication: None, ..
            } => "patient.medications.remove",
            FactEdit::MedicationsConfirmed { .. } => "patient.medications.confirmed",
            FactEdit::History(_) => "patient.history",
            FactEdit::Kakaritsuke(_) => "patient.kakaritsuke",
            FactEdit::Proxy(_) => "patient.proxy",
            FactEdit::IdentitySeen(_) => "identity.check.on_video",
            FactEdit::HomeVisits { .. } => "patient.home_visits",
        }
    }
}

fn refuse(field: &str, reason: &str) -> StoreError {
    StoreError::Rejected(format!("{field}: {reason}"))
}

/// Refuses a fact that cannot be right, naming the field, before anything is written.
fn check(edit: &FactEdit) -> Result<(), StoreError> {
    match edit {
        FactEdit::Allergy { id, allergy } => {
            check_id(id)?;
            if allergy
                .as_ref()
                .is_some_and(|a| a.substance.trim().is_empty())
            {
                return Err(refuse("substance", "name the substance"));
            }
        }
        FactEdit::Medication { id, medication } => {
            check_id(id)?;
            if medication
                .as_ref()
                .is_some_and(|m| m.name.trim().is_empty())
            {
                return Err(refuse("name", "name the medication"));
            }
        }
        FactEdit::MedicationsConfirmed { .. } | FactEdit::Kakaritsuke(_) => {}
        FactEdit::History(h) => {
            if h.known && h.sources.is_empty() {
                return Err(refuse(
                    "sources",
                    "say where the underlying conditions are known from",
                ));
            }
        }
        FactEdit::Proxy(Some(p)) => {
            if p.name.trim().is_empty() {
                return Err(refuse("name", "name the proxy"));
            }
            if p.relationship.trim().is_empty() {
                return Err(refuse("relationship", "say how the proxy is related"));
            }
        }
        FactEdit::Proxy(None) => {}
        FactEdit::HomeVisits { doctor, .. } => check_id(doctor)?,
        FactEdit::IdentitySeen(c) => {
            check_id(&c.id)?;
            if c.documents.is_empty() {
                return Err(refuse("documents", "choose at least one document seen"));
            }
            if c.method != VerificationMethod::OnVideo {
                return Err(refuse(
                    "method",
                    "documents seen on screen are seen on video",
                ));
            }
        }
    }
    Ok(())
}

/// A signed encounter is immutable: later changes are addenda ([`Store::add_addendum`]).
pub(super) fn refuse_signed(e: &Editor, encounter_id: &str) -> Result<(), StoreError> {
    let stored = e.get::<crate::domain::Encounter>(&["encounters", encounter_id])?;
    if stored.is_some_and(|s| s.signed_at.is_some()) {
        return Err(StoreError::Rejected(format!(
            "encounter {encounter_id} is signed: add an addendum instead"
        )));
    }
    Ok(())
}

fn require(e: &Editor, path: &[&str], what: &str) -> Result<(), StoreError> {
    if e.get::<Json>(path)?.is_none() {
        return Err(StoreError::Rejected(format!(
            "no {what} {}",
            path.last().copied().unwrap_or_default()
        )));
    }
    Ok(())
}

impl Store {
    /// Records one fact about a patient as `staff`, in one transaction audited under
    /// [`FactEdit::action`]. Writing what is already there changes and audits nothing.
    pub fn edit_fact(
        &mut self,
        staff: &str,
        patient_id: &str,
        edit: &FactEdit,
    ) -> Result<(), StoreError> {
        check(edit)?;
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, edit.action(), |e| match edit {
            FactEdit::Allergy {
                id,
                allergy: Some(a),
            } => e.put(&["allergies", id], a),
            FactEdit::Allergy { id, allergy: None } => {
                require(e, &["allergies", id], "allergy")?;
                e.delete(&["allergies", id])
            }
            FactEdit::Medication {
                id,
                medication: Some(m),
            } => e.put(&["medications", id], m),
            FactEdit::Medication {
                id,
                medication: None,
            } => {
                require(e, &["medications", id], "medication")?;
                e.delete(&["medications", id])
            }
            FactEdit::MedicationsConfirmed { at } => e.put(
                &["medications_confirmed_at"],
                &at.format(&time::format_description::well_known::Rfc3339)
                    .map_err(|err| StoreError::InvalidPath(err.to_string()))?,
            ),
            FactEdit::History(h) => {
                e.put(&["history", "known"], &h.known)?;
                e.put(&["history", "sources"], &h.sources)?;
                e.put(&["history", "summary"], &h.summary)
            }
            FactEdit::Kakaritsuke(on) => e.put(&["kakaritsuke"], on),
            FactEdit::Proxy(Some(p)) => e.put(&["proxy"], p),
            FactEdit::Proxy(None) => e.delete(&["proxy"]),
            FactEdit::IdentitySeen(c) => e.put(&["identity_checks", &c.id], c),
            FactEdit::HomeVisits { doctor, since } => {
                if e.get::<Json>(&["home_visit_doctors"])?.is_none() {
                    e.put(&["home_visit_doctors"], &serde_json::Map::new())?;
                }
                match since {
                    Some(day) => e.put(&["home_visit_doctors", doctor], day),
                    None => e.delete(&["home_visit_doctors", doctor]),
                }
            }
        })
    }

    /// Adds or replaces an allergy (`patient.allergies`).
    pub fn put_allergy(
        &mut self,
        staff: &str,
        patient_id: &str,
        allergy_id: &str,
        allergy: &Allergy,
    ) -> Result<(), StoreError> {
        let edit = FactEdit::Allergy {
            id: allergy_id.into(),
            allergy: Some(allergy.clone()),
        };
        self.edit_fact(staff, patient_id, &edit)
    }

    /// Removes an allergy recorded in error (`patient.allergies.remove`).
    pub fn remove_allergy(
        &mut self,
        staff: &str,
        patient_id: &str,
        allergy_id: &str,
    ) -> Result<(), StoreError> {
        let edit = FactEdit::Allergy {
            id: allergy_id.into(),
            allergy: None,
        };
        self.edit_fact(staff, patient_id, &edit)
    }

    /// Adds or replaces a current medication (`patient.medications`).
    pub fn put_medication(
        &mut self,
        staff: &str,
        patient_id: &str,
        medication_id: &str,
        medication: &Medication,
    ) -> Result<(), StoreError> {
        let edit = FactEdit::Medication {
            id: medication_id.into(),
            medication: Some(medication.clone()),
        };
        self.edit_fact(staff, patient_id, &edit)
    }

    /// Removes a medication the patient no longer takes (`patient.medications.remove`).
    pub fn remove_medication(
        &mut self,
        staff: &str,
        patient_id: &str,
        medication_id: &str,
    ) -> Result<(), StoreError> {
        let edit = FactEdit::Medication {
            id: medication_id.into(),
            medication: None,
        };
        self.edit_fact(staff, patient_id, &edit)
    }

    /// Records that the current medications were confirmed with the patient at `at`.
    pub fn confirm_medications(
        &mut self,
        staff: &str,
        patient_id: &str,
        at: Instant,
    ) -> Result<(), StoreError> {
        self.edit_fact(staff, patient_id, &FactEdit::MedicationsConfirmed { at })
    }

    /// Saves the encounter being prepared as `staff` under `action` and, when the doctor has
    /// just confirmed the current medications with the patient, records `medications_confirmed`
    /// as the patient's `medications_confirmed_at` in the same transaction, so the tick and
    /// the fact the rules read next time never disagree (指針 V.1(5)②ⅱ).
    pub fn save_encounter_checks(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter: &crate::domain::Encounter,
        action: &str,
        medications_confirmed: Option<Instant>,
    ) -> Result<(), StoreError> {
        check_id(&encounter.id)?;
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, action, |e| {
            refuse_signed(e, &encounter.id)?;
            e.put(&["encounters", &encounter.id], encounter)?;
            if let Some(at) = medications_confirmed {
                e.put(
                    &["medications_confirmed_at"],
                    &at.format(&time::format_description::well_known::Rfc3339)
                        .map_err(|err| StoreError::InvalidPath(err.to_string()))?,
                )?;
            }
            Ok(())
        })
    }

    /// Adds `addendum` beside the signed encounter `encounter_id` (`encounter.addendum`): the
    /// signed record is left as it was signed. An encounter not yet signed is edited, not
    /// amended, so it is refused; so is an empty reason or text.
    pub fn add_addendum(
        &mut self,
        staff: &str,
        patient_id: &str,
        encounter_id: &str,
        addendum: &crate::domain::Addendum,
    ) -> Result<(), StoreError> {
        check_id(encounter_id)?;
        check_id(&addendum.id)?;
        if addendum.reason.trim().is_empty() {
            return Err(refuse("reason", "say why the signed record is amended"));
        }
        if addendum.text.trim().is_empty() {
            return Err(refuse("text", "write the addendum"));
        }
        let id = DocId::patient(patient_id)?;
        self.edit(&id, staff, "encounter.addendum", |e| {
            let signed = e
                .get::<crate::domain::Encounter>(&["encounters", encounter_id])?
                .ok_or_else(|| StoreError::Rejected(format!("no encounter {encounter_id}")))?
                .signed_at
                .is_some();
            if !signed {
                return Err(StoreError::Rejected(format!(
                    "encounter {encounter_id} is not signed: edit it instead of amending it"
                )));
            }
            e.put(
                &["encounters", encounter_id, "addenda", &addendum.id],
                addendum,
            )
        })
    }

    /// Records what is known of the underlying conditions and from where.
    pub fn set_history(
        &mut self,
        staff: &str,
        patient_id: &str,
        history: &HistoryKnowledge,
    ) -> Result<(), StoreError> {
        self.edit_fact(staff, patient_id, &FactEdit::History(history.clone()))
    }

    pub fn set_kakaritsuke(
        &mut self,
        staff: &str,
        patient_id: &str,
        on: bool,
    ) -> Result<(), StoreError> {
        self.edit_fact(staff, patient_id, &FactEdit::Kakaritsuke(on))
    }

    /// Records the proxy, or that there is none.
    pub fn set_proxy(
        &mut self,
        staff: &str,
        patient_id: &str,
        proxy: Option<&Proxy>,
    ) -> Result<(), StoreError> {
        self.edit_fact(staff, patient_id, &FactEdit::Proxy(proxy.cloned()))
    }

    /// Records identity documents the doctor saw on screen (method `OnVideo`).
    pub fn record_identity_seen(
        &mut self,
        staff: &str,
        patient_id: &str,
        check: &IdentityCheck,
    ) -> Result<(), StoreError> {
        self.edit_fact(staff, patient_id, &FactEdit::IdentitySeen(check.clone()))
    }
}
