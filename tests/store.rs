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
            severity: Default::default(),
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
    a.update_demographics("fd", "p-1", |d| d.phone = "090-1111-1111".into())
        .unwrap();
    b.update_demographics("ns", "p-1", |d| d.address = "大阪府".into())
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
    a.update_demographics("fd", "p-1", |d| d.phone = "A".into())
        .unwrap();
    b.update_demographics("fd", "p-1", |d| d.phone = "B".into())
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
        cancel_reason: None,
        signed_at: None,
        payment: None,
        history: Default::default(),
        route_order: None,
        consult_request: None,
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
    one.update_demographics("fd", "p-1", |d| d.phone = "1".into())
        .unwrap();
    two.update_demographics("fd", "p-1", |d| d.address = "2".into())
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
                    s.update_demographics("x", "p-1", |d| d.phone = format!("{value}")).unwrap();
                }
                Op::SetAddress { on_b, value } => {
                    let s = if on_b { &mut b } else { &mut a };
                    s.update_demographics("x", "p-1", |d| d.address = format!("{value}")).unwrap();
                }
                Op::AddEncounter { on_b, n } => {
                    let s = if on_b { &mut b } else { &mut a };
                    s.save_encounter("x", "p-1", &Encounter::new(format!("en-{n}"), VisitKind::OnlineFollowup)).unwrap();
                }
                Op::SetComplaint { on_b, n, value } => {
                    let s = if on_b { &mut b } else { &mut a };
                    // Only an encounter this store has can have its complaint changed.
                    let mut p = s.patient("p-1").unwrap();
                    if let Some(mut e) = p.encounters.remove(&format!("en-{n}")) {
                        e.chief_complaint = format!("c{value}");
                        s.save_encounter("x", "p-1", &e).unwrap();
                    }
                }
                Op::DeleteEncounter { on_b, n } => {
                    let s = if on_b { &mut b } else { &mut a };
                    s.discard_encounter("x", "p-1", &format!("en-{n}")).unwrap();
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
    one.update_demographics("fd", "p-1", |d| d.name_kana = "サトウ タロウ".into())
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
        .update_demographics("fd", "p-1", |d| d.phone = "1".into())
        .unwrap();
    assert_eq!(store.dirty_docs().unwrap(), vec![p1]);
    // A state saved for a document this store does not hold is kept, but not marked to send.
    let absent = DocId::patient("p-404").unwrap();
    store
        .save_sync_state(&absent, &automerge::sync::State::new())
        .unwrap();
    assert!(!store.dirty_docs().unwrap().contains(&absent));
}

fn queue_entry(id: &str, patient: &str) -> enkaku::domain::QueueEntry {
    enkaku::domain::QueueEntry {
        id: id.into(),
        patient_id: patient.into(),
        time: "09:00".into(),
        visit: VisitKind::OnlineFollowup,
        status: enkaku::domain::QueueStatus::Reserved,
        doctor: None,
        pre_consult_done: false,
        identity_check: None,
        source: "phone".into(),
        memo: String::new(),
        cancel_reason: None,
        signed_at: None,
        payment: None,
        history: Default::default(),
        route_order: None,
        consult_request: None,
    }
}

fn identity_check(id: &str) -> enkaku::domain::IdentityCheck {
    enkaku::domain::IdentityCheck {
        id: id.into(),
        documents: vec![enkaku::domain::IdentityDocument::MyNumberCard],
        checked_by: "fd".into(),
        checked_at: time::OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap(),
        method: enkaku::domain::VerificationMethod::InPerson,
    }
}

/// What a failed check-in must leave exactly as it was: the patient's record as charts read it
/// and as the document holds it (in memory too), the queue, the audit log and the sync marks.
fn check_in_footprint(
    store: &mut Store,
    day: time::Date,
) -> impl PartialEq + std::fmt::Debug + use<> {
    let id = DocId::patient("p-1").unwrap();
    (
        store.patient("p-1").unwrap().identity_checks,
        store.read_json(&id, &["identity_checks"]).unwrap(),
        store.heads(&id).unwrap(),
        store.queue_day("c1", day).unwrap(),
        store.audit_entries(None).unwrap().len(),
        store.dirty_docs().unwrap(),
    )
}

#[test]
fn a_check_in_is_stored_whole_or_not_at_all() {
    use enkaku::domain::QueueStatus;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let day = parse_date("2026-11-21").unwrap();
    store.add_patient("fd", &patient("p-1")).unwrap();
    store.add_patient("fd", &patient("p-2")).unwrap();
    store
        .add_queue_entry("fd", "c1", day, &queue_entry("q-1", "p-1"))
        .unwrap();
    store
        .add_queue_entry("fd", "c1", day, &queue_entry("q-2", "p-2"))
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let check = identity_check("ic-1");
    let before = check_in_footprint(&mut store, day);

    // The patient's part is written first; the queue entry does not exist.
    let err = store
        .check_in("fd", "c1", day, "q-404", "p-1", &check, None, now)
        .unwrap_err();
    assert!(err.to_string().contains("no queue entry q-404"), "{err}");
    assert_eq!(check_in_footprint(&mut store, day), before);

    // The entry is another patient's: the identity seen is not recorded on either.
    let err = store
        .check_in("fd", "c1", day, "q-2", "p-1", &check, None, now)
        .unwrap_err();
    assert!(err.to_string().contains("is for patient p-2"), "{err}");
    assert_eq!(check_in_footprint(&mut store, day), before);

    // The database refuses the queue's change after the patient's is written in the same
    // transaction: nothing of either is on disk, nor left in memory.
    let db = rusqlite::Connection::open(store.path()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_queue BEFORE INSERT ON changes WHEN NEW.doc_id LIKE 'queue/%'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    let err = store
        .check_in("fd", "c1", day, "q-1", "p-1", &check, None, now)
        .unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(check_in_footprint(&mut store, day), before);
    db.execute_batch("DROP TRIGGER refuse_queue").unwrap();

    store
        .check_in("fd", "c1", day, "q-1", "p-1", &check, None, now)
        .unwrap();
    let p = store.patient("p-1").unwrap();
    assert_eq!(p.identity_checks.get("ic-1"), Some(&check));
    let entry = &store.queue_day("c1", day).unwrap().unwrap().entries["q-1"];
    assert_eq!(entry.identity_check.as_deref(), Some("ic-1"));
    assert_eq!(entry.status, QueueStatus::CheckedIn);
    assert_eq!(entry.history.len(), 1);
    let row = store.queue_rows(day).unwrap();
    assert_eq!(row[0].status, QueueStatus::CheckedIn);
    let actions: Vec<String> = store
        .audit_entries(None)
        .unwrap()
        .into_iter()
        .rev()
        .take(2)
        .map(|a| format!("{} {}", a.doc_id, a.action))
        .collect();
    assert_eq!(
        actions,
        vec![
            "queue/c1/2026-11-21 queue.status.checked_in",
            "patient/p-1 identity.check"
        ]
    );
    assert_eq!(store.verify_audit().unwrap(), Ok(7));
    // What is on disk is what the open store holds.
    let mut reopened = Store::open_dir(dir.path()).unwrap();
    assert_eq!(
        check_in_footprint(&mut reopened, day),
        check_in_footprint(&mut store, day)
    );
}

#[test]
fn a_queue_index_row_with_an_unknown_status_is_an_error_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let day = parse_date("2026-11-21").unwrap();
    store.add_patient("fd", &patient("p-1")).unwrap();
    store
        .add_queue_entry("fd", "c1", day, &queue_entry("q-1", "p-1"))
        .unwrap();
    let db = rusqlite::Connection::open(store.path()).unwrap();
    db.execute("UPDATE queue_index SET status = 'teleported'", [])
        .unwrap();
    let err = store.queue_rows(day).unwrap_err().to_string();
    assert!(
        err.contains("queue entry q-1 of 2026-11-21")
            && err.contains("\"teleported\"")
            && err.contains(&store.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn a_signed_encounter_cannot_be_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    store.add_patient("dr", &patient("p-1")).unwrap();
    let mut draft = Encounter::new("en-1", VisitKind::OnlineFollowup);
    store.save_encounter("dr", "p-1", &draft).unwrap();
    store.discard_encounter("dr", "p-1", "en-1").unwrap();
    assert!(store.patient("p-1").unwrap().encounters.is_empty());
    draft.signed_by = Some("dr".into());
    draft.signed_at = Some(time::OffsetDateTime::now_utc());
    store.save_encounter("dr", "p-1", &draft).unwrap();
    let err = store.discard_encounter("dr", "p-1", "en-1").unwrap_err();
    assert!(err.to_string().contains("is signed"), "{err}");
    assert_eq!(store.patient("p-1").unwrap().encounters.len(), 1);
}
