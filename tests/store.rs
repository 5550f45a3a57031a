//! The store over real SQLite files: round trips, concurrent edits that converge, index rows.

mod common;

use common::{exchange, export, patient};
use enkaku::domain::{Allergy, ChartNote, Encounter, VisitKind, parse_date};
use enkaku::store::{DocId, Store};
use proptest::prelude::*;

#[test]
fn a_patient_survives_reopen_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = patient("p-1");
    p.allergies.insert(
        "al-1".into(),
        Allergy {
            substance: "ペニシリン".into(),
            reaction: "発疹".into(),
        },
    );
    {
        let mut store = Store::open_dir(dir.path()).unwrap();
        store.add_patient("dr-a", &p).unwrap();
        let mut e = Encounter::new("en-1", VisitKind::OnlineFollowup);
        e.doctor = Some("dr-a".into());
        store.save_encounter("dr-a", "p-1", &e).unwrap();
        let note = ChartNote {
            id: "nt-1".into(),
            author: "dr-a".into(),
            written_at: time::OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap(),
            subjective: "頭痛が続く".into(),
            objective: String::new(),
            assessment: "緊張型頭痛".into(),
            plan: "経過観察".into(),
        };
        store.save_note("dr-a", "p-1", "en-1", &note).unwrap();
        p.encounters.insert("en-1".into(), e);
        p.encounters
            .get_mut("en-1")
            .unwrap()
            .notes
            .insert("nt-1".into(), note);
    }
    let mut store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.patient("p-1").unwrap(), p);
    let hits = store.search_patients("やまだ", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].patient_id, "p-1");
    assert_eq!(
        store.search_patients("ﾀﾛｳ", 10).unwrap().len(),
        1,
        "half-width kana finds the patient"
    );
    assert!(store.search_patients("すずき", 10).unwrap().is_empty());
    assert_eq!(store.verify_audit().unwrap(), Ok(3));
}

#[test]
fn a_note_on_a_missing_encounter_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    store.add_patient("dr-a", &patient("p-1")).unwrap();
    let note = ChartNote {
        id: "nt-1".into(),
        author: "dr-a".into(),
        written_at: time::OffsetDateTime::UNIX_EPOCH,
        subjective: "x".into(),
        objective: String::new(),
        assessment: String::new(),
        plan: String::new(),
    };
    let err = store.save_note("dr-a", "p-1", "en-404", &note).unwrap_err();
    assert!(err.to_string().contains("no encounter en-404"), "{err}");
    assert_eq!(store.audit_entries(None).unwrap().len(), 1);
    assert!(store.patient("p-1").unwrap().encounters.is_empty());
}

#[test]
fn concurrent_edits_of_different_fields_both_survive() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Store::open_dir(da.path()).unwrap();
    let mut b = Store::open_dir(db.path()).unwrap();
    a.add_patient("fd", &patient("p-1")).unwrap();
    exchange(&mut a, &mut b);
    a.set_patient_field("fd", "p-1", &["demographics", "phone"], &"090-1111-1111")
        .unwrap();
    b.set_patient_field("ns", "p-1", &["demographics", "address"], &"大阪府")
        .unwrap();
    exchange(&mut a, &mut b);
    let pa = a.patient("p-1").unwrap();
    assert_eq!(pa.demographics.phone, "090-1111-1111");
    assert_eq!(pa.demographics.address, "大阪府");
    assert_eq!(export(&mut a), export(&mut b));
}

#[test]
fn concurrent_edits_of_the_same_field_converge_on_one_value() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Store::open_dir(da.path()).unwrap();
    let mut b = Store::open_dir(db.path()).unwrap();
    a.add_patient("fd", &patient("p-1")).unwrap();
    exchange(&mut a, &mut b);
    a.set_patient_field("fd", "p-1", &["demographics", "phone"], &"A")
        .unwrap();
    b.set_patient_field("fd", "p-1", &["demographics", "phone"], &"B")
        .unwrap();
    exchange(&mut a, &mut b);
    let phone = a.patient("p-1").unwrap().demographics.phone;
    assert!(phone == "A" || phone == "B");
    assert_eq!(b.patient("p-1").unwrap().demographics.phone, phone);
    assert_eq!(export(&mut a), export(&mut b));
    // The index follows the merged document on both sides.
    assert_eq!(
        a.search_patients("山田", 5).unwrap(),
        b.search_patients("山田", 5).unwrap()
    );
}

#[test]
fn a_queue_day_opened_on_two_devices_offline_keeps_both_entries() {
    use enkaku::domain::{QueueEntry, QueueStatus};
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Store::open_dir(da.path()).unwrap();
    let mut b = Store::open_dir(db.path()).unwrap();
    let day = parse_date("2026-11-21").unwrap();
    let entry = |id: &str, patient: &str| QueueEntry {
        id: id.into(),
        patient_id: patient.into(),
        time: "09:00".into(),
        visit: VisitKind::OnlineFollowup,
        status: QueueStatus::Reserved,
        doctor: None,
        pre_consult_done: false,
        identity_check: None,
        source: "phone".into(),
        memo: String::new(),
        history: Default::default(),
    };
    assert!(
        a.add_queue_entry("fd1", "c1", day, &entry("q-a", "p-1"))
            .unwrap()
    );
    assert!(
        b.add_queue_entry("fd2", "c1", day, &entry("q-b", "p-2"))
            .unwrap()
    );
    exchange(&mut a, &mut b);
    let q = a.queue_day("c1", day).unwrap().unwrap();
    assert_eq!(q.entries.keys().collect::<Vec<_>>(), vec!["q-a", "q-b"]);
    assert_eq!(export(&mut a), export(&mut b));
    assert_eq!(b.queue_rows(day).unwrap().len(), 2);
}

#[test]
fn another_process_edits_are_seen_by_an_open_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut one = Store::open_dir(dir.path()).unwrap();
    let mut two = Store::open_dir(dir.path()).unwrap();
    one.add_patient("fd", &patient("p-1")).unwrap();
    assert_eq!(
        two.patient("p-1").unwrap().demographics.phone,
        "03-0000-0000"
    );
    one.set_patient_field("fd", "p-1", &["demographics", "phone"], &"1")
        .unwrap();
    two.set_patient_field("fd", "p-1", &["demographics", "address"], &"2")
        .unwrap();
    let p = one.patient("p-1").unwrap();
    assert_eq!(
        (
            p.demographics.phone.as_str(),
            p.demographics.address.as_str()
        ),
        ("1", "2")
    );
    assert_eq!(two.verify_audit().unwrap(), Ok(3));
}

#[test]
fn many_edits_compact_without_losing_history() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open_dir(dir.path()).unwrap();
        store.add_patient("fd", &patient("p-1")).unwrap();
        for i in 0..600 {
            store
                .save_encounter(
                    "dr",
                    "p-1",
                    &Encounter::new(format!("en-{i}"), VisitKind::OnlineFollowup),
                )
                .unwrap();
        }
    }
    let mut store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.patient("p-1").unwrap().encounters.len(), 600);
    assert_eq!(store.verify_audit().unwrap(), Ok(601));
    let id = DocId::patient("p-1").unwrap();
    assert!(!store.heads(&id).unwrap().is_empty());
}

#[derive(Debug, Clone)]
enum Op {
    SetPhone { on_b: bool, value: u8 },
    SetAddress { on_b: bool, value: u8 },
    AddEncounter { on_b: bool, n: u8 },
    SetComplaint { on_b: bool, n: u8, value: u8 },
    DeleteEncounter { on_b: bool, n: u8 },
    Sync,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), 0u8..4).prop_map(|(on_b, value)| Op::SetPhone { on_b, value }),
        (any::<bool>(), 0u8..4).prop_map(|(on_b, value)| Op::SetAddress { on_b, value }),
        (any::<bool>(), 0u8..6).prop_map(|(on_b, n)| Op::AddEncounter { on_b, n }),
        (any::<bool>(), 0u8..6, 0u8..4).prop_map(|(on_b, n, value)| Op::SetComplaint {
            on_b,
            n,
            value
        }),
        (any::<bool>(), 0u8..6).prop_map(|(on_b, n)| Op::DeleteEncounter { on_b, n }),
        Just(Op::Sync),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Two stores apply random interleavings of edits to the same patient, with and without
    /// syncing in between; after a final exchange their exports are identical.
    #[test]
    fn random_concurrent_edit_sequences_converge(ops in proptest::collection::vec(op(), 1..40)) {
        let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut a = Store::open_dir(da.path()).unwrap();
        let mut b = Store::open_dir(db.path()).unwrap();
        a.add_patient("fd", &patient("p-1")).unwrap();
        exchange(&mut a, &mut b);
        for op in &ops {
            let pick = |on_b: bool| on_b;
            match op.clone() {
                Op::SetPhone { on_b, value } => {
                    let s = if pick(on_b) { &mut b } else { &mut a };
                    s.set_patient_field("x", "p-1", &["demographics", "phone"], &format!("{value}")).unwrap();
                }
                Op::SetAddress { on_b, value } => {
                    let s = if on_b { &mut b } else { &mut a };
                    s.set_patient_field("x", "p-1", &["demographics", "address"], &format!("{value}")).unwrap();
                }
                Op::AddEncounter { on_b, n } => {
                    let s = if on_b { &mut b } else { &mut a };
                    s.save_encounter("x", "p-1", &Encounter::new(format!("en-{n}"), VisitKind::OnlineFollowup)).unwrap();
                }
                Op::SetComplaint { on_b, n, value } => {
                    let s = if on_b { &mut b } else { &mut a };
                    let _ = s.set_patient_field("x", "p-1", &["encounters", &format!("en-{n}"), "chief_complaint"], &format!("c{value}"));
                }
                Op::DeleteEncounter { on_b, n } => {
                    let s = if on_b { &mut b } else { &mut a };
                    let id = DocId::patient("p-1").unwrap();
                    s.edit(&id, "x", "encounter.delete", |e| e.delete(&["encounters", &format!("en-{n}")])).unwrap();
                }
                Op::Sync => exchange(&mut a, &mut b),
            }
        }
        exchange(&mut a, &mut b);
        let (ea, eb) = (export(&mut a), export(&mut b));
        prop_assert_eq!(&ea, &eb);
        // Both still read as well-formed patients, the read model that charts open from equals
        // the document itself, and the index agrees.
        let id = DocId::patient("p-1").unwrap();
        let pa = a.patient("p-1").unwrap();
        let from_doc: enkaku::domain::Patient = a.read(&id, &[]).unwrap().unwrap();
        prop_assert_eq!(&pa, &from_doc);
        prop_assert_eq!(pa, b.patient("p-1").unwrap());
        prop_assert_eq!(a.search_patients("p-1", 5).unwrap(), b.search_patients("p-1", 5).unwrap());
    }
}

#[test]
fn search_sees_patients_another_process_added_or_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let mut one = Store::open_dir(dir.path()).unwrap();
    let mut two = Store::open_dir(dir.path()).unwrap();
    one.add_patient("fd", &patient("p-1")).unwrap();
    assert_eq!(two.search_patients("やまだ", 10).unwrap().len(), 1);
    let mut other = patient("p-2");
    other.demographics.name_kana = "スズキ ハナコ".into();
    other.demographics.name_kanji = "鈴木 花子".into();
    one.add_patient("fd", &other).unwrap();
    assert_eq!(
        two.search_patients("すずき", 10).unwrap()[0].patient_id,
        "p-2"
    );
    one.set_patient_field(
        "fd",
        "p-1",
        &["demographics", "name_kana"],
        &"サトウ タロウ",
    )
    .unwrap();
    // The kanji is still 山田, but no name reads やまだ any more.
    assert!(two.search_patients("やまだ", 10).unwrap().is_empty());
    assert_eq!(
        two.search_patients("さとう", 10).unwrap()[0].patient_id,
        "p-1"
    );
    // Fuzzy: the query's characters in order, after the names that contain it.
    assert_eq!(
        two.search_patients("すずはな", 10).unwrap()[0].patient_id,
        "p-2"
    );
    assert!(two.search_patients("はなすず", 10).unwrap().is_empty());
    // Ordered by kana, limited.
    let all = two.search_patients("p-", 1).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].patient_id, "p-1", "サトウ sorts before スズキ");
}

#[test]
fn sync_marks_follow_edits_and_never_name_a_document_the_store_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    store.add_patient("fd", &patient("p-1")).unwrap();
    let p1 = DocId::patient("p-1").unwrap();
    assert_eq!(store.dirty_docs().unwrap(), vec![p1.clone()]);
    // A state whose shared heads are the document's clears the mark.
    let mut state = automerge::sync::State::new();
    state.shared_heads = store.heads(&p1).unwrap();
    store.save_sync_state(&p1, &state).unwrap();
    assert!(store.dirty_docs().unwrap().is_empty());
    store
        .set_patient_field("fd", "p-1", &["demographics", "phone"], &"1")
        .unwrap();
    assert_eq!(store.dirty_docs().unwrap(), vec![p1]);
    // A state saved for a document this store does not hold is kept, but not marked to send.
    let absent = DocId::patient("p-404").unwrap();
    store
        .save_sync_state(&absent, &automerge::sync::State::new())
        .unwrap();
    assert!(!store.dirty_docs().unwrap().contains(&absent));
}
