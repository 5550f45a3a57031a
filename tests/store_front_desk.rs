//! The front desk's store operations over a real SQLite file seeded with the demo clinic:
//! booking, moving, waiting, cancelling, payment, signing and the check-in that assigns the
//! doctor — each one audited transaction, and a refusal that names the field and leaves
//! nothing written.

use enkaku::domain::{
    Date, Encounter, IdentityCheck, IdentityDocument, Instant, Payment, PaymentMethod, QueueEntry,
    QueueStatus, VerificationMethod, VisitKind, parse_date,
};
use enkaku::store::{DocId, Store};

const CLINIC: &str = "demo-clinic";
const FD: &str = "fd-suzuki";

fn day() -> Date {
    parse_date("2026-11-21").unwrap()
}

fn now() -> Instant {
    time::OffsetDateTime::parse(
        "2026-11-21T01:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    enkaku::demo::seed(&mut store, day()).unwrap();
    (dir, store)
}

fn entry(id: &str, patient: &str, time: &str, source: &str) -> QueueEntry {
    QueueEntry {
        id: id.into(),
        patient_id: patient.into(),
        time: time.into(),
        visit: VisitKind::OnlineFollowup,
        status: QueueStatus::Reserved,
        doctor: None,
        pre_consult_done: false,
        identity_check: None,
        source: source.into(),
        memo: "咳".into(),
        cancel_reason: None,
        signed_at: None,
        payment: None,
        history: Default::default(),
        route_order: None,
        consult_request: None,
    }
}

fn check(id: &str) -> IdentityCheck {
    IdentityCheck {
        id: id.into(),
        documents: vec![IdentityDocument::MyNumberCard],
        checked_by: FD.into(),
        checked_at: now(),
        method: VerificationMethod::InPerson,
    }
}

fn queued(store: &mut Store, day: Date, id: &str) -> Option<QueueEntry> {
    store
        .queue_day(CLINIC, day)
        .unwrap()
        .and_then(|q| q.entries.get(id).cloned())
}

fn audited(store: &Store, staff: &str, action: &str) -> usize {
    store
        .audit_entries(None)
        .unwrap()
        .iter()
        .filter(|a| a.staff_id == staff && a.action == action)
        .count()
}

/// Everything a refused operation must leave as it was.
fn footprint(store: &mut Store) -> impl PartialEq + std::fmt::Debug + use<> {
    let next = day().next_day().unwrap();
    (
        store.queue_day(CLINIC, day()).unwrap(),
        store.queue_day(CLINIC, next).unwrap(),
        store.queue_rows(day()).unwrap(),
        store.patient("p-0018").unwrap(),
        store.audit_entries(None).unwrap().len(),
    )
}

fn refused(err: enkaku::store::StoreError, field: &str) {
    let text = err.to_string();
    assert!(text.starts_with(&format!("{field}: ")), "{text}");
}

#[test]
fn a_reservation_and_a_walk_in_are_booked_and_bad_ones_refused_naming_the_field() {
    let (_dir, mut store) = seeded();
    let before = footprint(&mut store);
    let cases = [
        (entry("q-new", "p-0018", "25:00", "phone"), "time"),
        (entry("q-new", "p-9999", "10:00", "phone"), "patient"),
        (entry("q-01", "p-0018", "10:00", "phone"), "entry"),
    ];
    for (e, field) in cases {
        refused(store.book_visit(FD, CLINIC, day(), &e).unwrap_err(), field);
        assert_eq!(footprint(&mut store), before, "{field}");
    }

    store
        .book_visit(
            FD,
            CLINIC,
            day(),
            &entry("q-res", "p-0018", "15:45", "phone"),
        )
        .unwrap();
    store
        .book_visit(
            FD,
            CLINIC,
            day(),
            &entry("q-walk", "p-0020", "10:05", "walk_in"),
        )
        .unwrap();
    assert_eq!(queued(&mut store, day(), "q-res").unwrap().memo, "咳");
    assert_eq!(
        queued(&mut store, day(), "q-walk").unwrap().source,
        "walk_in"
    );
    assert_eq!(audited(&store, FD, "queue.reserve"), 1);
    assert_eq!(audited(&store, FD, "queue.walk_in"), 1);
    // A reservation on a day nothing was queued yet opens that day.
    let later = parse_date("2026-12-01").unwrap();
    store
        .book_visit(
            FD,
            CLINIC,
            later,
            &entry("q-later", "p-0018", "09:00", "web"),
        )
        .unwrap();
    assert_eq!(store.queue_rows(later).unwrap().len(), 1);
}

#[test]
fn a_visit_moves_in_time_and_a_reservation_to_another_day_keeping_its_id() {
    let (_dir, mut store) = seeded();
    let next = day().next_day().unwrap();
    // q-05 is reserved.
    store
        .move_visit(FD, CLINIC, day(), "q-05", day(), "10:20")
        .unwrap();
    assert_eq!(queued(&mut store, day(), "q-05").unwrap().time, "10:20");
    store
        .move_visit(FD, CLINIC, day(), "q-05", next, "11:40")
        .unwrap();
    assert!(queued(&mut store, day(), "q-05").is_none());
    let moved = queued(&mut store, next, "q-05").unwrap();
    assert_eq!(
        (moved.time.as_str(), moved.patient_id.as_str()),
        ("11:40", "p-0018")
    );
    assert!(
        store
            .queue_rows(day())
            .unwrap()
            .iter()
            .all(|r| r.entry_id != "q-05")
    );
    assert_eq!(store.queue_rows(next).unwrap()[0].entry_id, "q-05");
    for action in ["queue.move", "queue.move.out", "queue.move.in"] {
        assert_eq!(audited(&store, FD, action), 1, "{action}");
    }

    let before = footprint(&mut store);
    // Over (q-01 done), begun (q-03 checked in changes time only), a bad time.
    refused(
        store
            .move_visit(FD, CLINIC, day(), "q-01", day(), "12:00")
            .unwrap_err(),
        "status",
    );
    refused(
        store
            .move_visit(FD, CLINIC, day(), "q-03", next, "12:00")
            .unwrap_err(),
        "status",
    );
    refused(
        store
            .move_visit(FD, CLINIC, day(), "q-06", next, "noon")
            .unwrap_err(),
        "time",
    );
    assert_eq!(footprint(&mut store), before);
    store
        .move_visit(FD, CLINIC, day(), "q-03", day(), "09:40")
        .unwrap();
}

#[test]
fn waiting_needs_a_check_in_and_a_cancellation_needs_a_reason() {
    let (_dir, mut store) = seeded();
    let before = footprint(&mut store);
    refused(
        store
            .mark_waiting(FD, CLINIC, day(), "q-05", now())
            .unwrap_err(),
        "status",
    );
    refused(
        store
            .cancel_visit(FD, CLINIC, day(), "q-05", "  ", now())
            .unwrap_err(),
        "cancel_reason",
    );
    refused(
        store
            .cancel_visit(FD, CLINIC, day(), "q-01", "体調不良", now())
            .unwrap_err(),
        "status",
    );
    assert_eq!(footprint(&mut store), before);

    store
        .mark_waiting(FD, CLINIC, day(), "q-03", now())
        .unwrap();
    assert_eq!(
        queued(&mut store, day(), "q-03").unwrap().status,
        QueueStatus::Waiting
    );
    store
        .cancel_visit(FD, CLINIC, day(), "q-05", " 体調不良のため ", now())
        .unwrap();
    let e = queued(&mut store, day(), "q-05").unwrap();
    assert_eq!(e.status, QueueStatus::Cancelled);
    assert_eq!(e.cancel_reason.as_deref(), Some("体調不良のため"));
    assert!(
        e.history
            .values()
            .any(|c| c.to == QueueStatus::Cancelled && c.by == FD)
    );
    assert_eq!(audited(&store, FD, "queue.cancel"), 1);
    assert_eq!(audited(&store, FD, "queue.status.waiting"), 1);
}

fn signed_encounter(entry: &str) -> Encounter {
    let mut e = Encounter::new("en-1", VisitKind::OnlineFollowup);
    e.doctor = Some("dr-sato".into());
    e.queue_entry = Some(entry.into());
    e.signed_by = Some("dr-sato".into());
    e.signed_at = Some(now());
    e
}

#[test]
fn signing_marks_the_visit_signed_together_with_the_encounter_and_then_it_can_be_paid() {
    let (_dir, mut store) = seeded();
    let payment = Payment {
        amount_yen: 1500,
        method: PaymentMethod::Card,
        paid: false,
        recorded_by: FD.into(),
        recorded_at: now(),
    };
    // Not signed: nothing to bill.
    refused(
        store
            .record_payment(FD, CLINIC, day(), "q-01", &payment)
            .unwrap_err(),
        "payment",
    );
    // The visit is another patient's: the encounter is not signed either.
    let before = footprint(&mut store);
    let err = store
        .sign_encounter(
            "dr-sato",
            CLINIC,
            "p-0018",
            &signed_encounter("q-01"),
            Some((day(), "q-01")),
        )
        .unwrap_err();
    refused(err, "entry");
    assert_eq!(footprint(&mut store), before);
    assert!(store.patient("p-0018").unwrap().encounters.is_empty());

    store
        .sign_encounter(
            "dr-sato",
            CLINIC,
            "p-0001",
            &signed_encounter("q-01"),
            Some((day(), "q-01")),
        )
        .unwrap();
    let p = store.patient("p-0001").unwrap();
    assert_eq!(p.encounters["en-1"].signed_at, Some(now()));
    assert_eq!(
        queued(&mut store, day(), "q-01").unwrap().signed_at,
        Some(now())
    );
    let row = |store: &Store| {
        store
            .queue_rows(day())
            .unwrap()
            .into_iter()
            .find(|r| r.entry_id == "q-01")
            .unwrap()
    };
    assert_eq!(row(&store).signed_at, Some(now()));
    assert!(row(&store).owes(), "signed and not paid");
    assert_eq!(audited(&store, "dr-sato", "encounter.sign"), 1);
    assert_eq!(audited(&store, "dr-sato", "queue.signed"), 1);

    // Signed once: a second signature over it is refused and changes nothing.
    let before = footprint(&mut store);
    let mut again = signed_encounter("q-01");
    again.signed_by = Some("dr-tanaka".into());
    let err = store
        .sign_encounter("dr-tanaka", CLINIC, "p-0001", &again, Some((day(), "q-01")))
        .unwrap_err();
    assert!(err.to_string().contains("is signed"), "{err}");
    assert_eq!(footprint(&mut store), before);

    store
        .record_payment(FD, CLINIC, day(), "q-01", &payment)
        .unwrap();
    let r = row(&store).payment.unwrap();
    assert_eq!(
        (r.amount_yen, r.method, r.paid),
        (1500, PaymentMethod::Card, false)
    );
    assert!(row(&store).owes(), "a recorded but unpaid bill still owes");
    let paid = Payment {
        paid: true,
        method: PaymentMethod::Cash,
        ..payment
    };
    store
        .record_payment(FD, CLINIC, day(), "q-01", &paid)
        .unwrap();
    assert!(!row(&store).owes());
    assert_eq!(
        queued(&mut store, day(), "q-01").unwrap().payment,
        Some(paid)
    );
    assert_eq!(audited(&store, FD, "queue.payment"), 2);
}

#[test]
fn check_in_lands_status_identity_and_doctor_together_or_not_at_all() {
    let (_dir, mut store) = seeded();
    // q-06 (p-0020) is reserved with no doctor.
    let footprint = |store: &mut Store| {
        let id = DocId::patient("p-0020").unwrap();
        (
            store.patient("p-0020").unwrap().identity_checks,
            store.heads(&id).unwrap(),
            store.queue_day(CLINIC, day()).unwrap(),
            store.queue_rows(day()).unwrap(),
            store.audit_entries(None).unwrap().len(),
        )
    };
    let before = footprint(&mut store);
    for (doctor, says) in [
        ("dr-nobody", "is not a member"),
        ("fd-suzuki", "is not a doctor"),
    ] {
        let err = store
            .check_in(
                FD,
                CLINIC,
                day(),
                "q-06",
                "p-0020",
                &check("ic-1"),
                Some(doctor),
                now(),
            )
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("doctor: ") && err.contains(says), "{err}");
        assert_eq!(footprint(&mut store), before, "{doctor}");
    }

    // The database refuses the queue's change after the patient's identity check is written
    // in the same transaction: neither the status, nor the identity check, nor the doctor.
    let db = rusqlite::Connection::open(store.path()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_queue BEFORE INSERT ON changes WHEN NEW.doc_id LIKE 'queue/%'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    let err = store
        .check_in(
            FD,
            CLINIC,
            day(),
            "q-06",
            "p-0020",
            &check("ic-1"),
            Some("dr-tanaka"),
            now(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(footprint(&mut store), before);
    db.execute_batch("DROP TRIGGER refuse_queue").unwrap();

    store
        .check_in(
            FD,
            CLINIC,
            day(),
            "q-06",
            "p-0020",
            &check("ic-1"),
            Some("dr-tanaka"),
            now(),
        )
        .unwrap();
    let e = queued(&mut store, day(), "q-06").unwrap();
    assert_eq!(e.status, QueueStatus::CheckedIn);
    assert_eq!(e.doctor.as_deref(), Some("dr-tanaka"));
    assert_eq!(e.identity_check.as_deref(), Some("ic-1"));
    assert!(
        store
            .patient("p-0020")
            .unwrap()
            .identity_checks
            .contains_key("ic-1")
    );
    let row = store
        .queue_rows(day())
        .unwrap()
        .into_iter()
        .find(|r| r.entry_id == "q-06")
        .unwrap();
    assert_eq!(row.checked_in_at, Some(now()));
    assert_eq!(row.doctor.as_deref(), Some("dr-tanaka"));
    // The board's age and sex come from the patient index.
    assert!(!row.date_of_birth.is_empty() && !row.sex.is_empty());
}

#[test]
fn a_store_from_before_version_5_fills_the_board_columns_from_its_entries() {
    let (dir, mut store) = seeded();
    store
        .check_in(
            FD,
            CLINIC,
            day(),
            "q-06",
            "p-0020",
            &check("ic-1"),
            None,
            now(),
        )
        .unwrap();
    store
        .sign_encounter(
            "dr-sato",
            CLINIC,
            "p-0001",
            &signed_encounter("q-01"),
            Some((day(), "q-01")),
        )
        .unwrap();
    let payment = Payment {
        amount_yen: 800,
        method: PaymentMethod::Deferred,
        paid: false,
        recorded_by: FD.into(),
        recorded_at: now(),
    };
    store
        .record_payment(FD, CLINIC, day(), "q-01", &payment)
        .unwrap();
    let rows = store.queue_rows(day()).unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    // As a version-4 file had it: no such columns (nor those of later versions).
    let db = rusqlite::Connection::open(&path).unwrap();
    for column in [
        "checked_in_at",
        "signed_at",
        "payment_amount",
        "payment_method",
        "payment_paid",
        "request_by",
        "request_at",
        "request_reason",
    ] {
        db.execute_batch(&format!("ALTER TABLE queue_index DROP COLUMN {column}"))
            .unwrap();
    }
    db.pragma_update(None, "user_version", 4).unwrap();
    drop(db);
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.queue_rows(day()).unwrap(), rows);
}
