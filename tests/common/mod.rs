//! Helpers shared by the integration tests: a small patient, and exchanging every document
//! between two stores the way a sync round would.
#![allow(dead_code)]

use std::collections::BTreeMap;

use enkaku::domain::{Demographics, HistoryKnowledge, Patient, Sex, parse_date};
use enkaku::store::Store;

pub fn patient(id: &str) -> Patient {
    Patient {
        id: id.into(),
        patient_number: None,
        demographics: Demographics {
            name_kanji: "山田 太郎".into(),
            name_kana: "ヤマダ タロウ".into(),
            date_of_birth: parse_date("1960-04-01").unwrap(),
            sex: Sex::Male,
            phone: "03-0000-0000".into(),
            address: "東京都".into(),
        },
        insurance: None,
        kakaritsuke: true,
        history: HistoryKnowledge {
            known: true,
            sources: vec![],
            summary: String::new(),
        },
        care_team: None,
        proxy: None,
        allergies: BTreeMap::new(),
        medications: BTreeMap::new(),
        medications_confirmed_at: None,
        identity_checks: BTreeMap::new(),
        consents: BTreeMap::new(),
        care_plans: BTreeMap::new(),
        encounters: BTreeMap::new(),
        nursing_instructions: Default::default(),
        home_visit_doctors: Default::default(),
        nursing_visits: Default::default(),
    }
}

/// Sends every document of `from` to `to`.
pub fn push(from: &mut Store, to: &mut Store) {
    for id in from.doc_ids().unwrap() {
        let bytes = from.save_doc(&id).unwrap();
        to.merge(&id, &bytes).unwrap();
    }
}

/// Both directions, so the two stores hold the same changes.
pub fn exchange(a: &mut Store, b: &mut Store) {
    push(a, b);
    push(b, a);
}

/// Every document as JSON, keyed by id: what `enkaku export --json` prints.
pub fn export(store: &mut Store) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for id in store.doc_ids().unwrap() {
        out.insert(id.to_string(), store.read_json(&id, &[]).unwrap());
    }
    out
}
pub mod app;
