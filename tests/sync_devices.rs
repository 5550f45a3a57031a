//! Three real devices of one clinic — front desk, doctor, and a home-care nurse of team-kita —
//! edit offline (the same field of the same patient included) and sync through a real server in
//! random orders. Whatever the schedule, they converge, every encounter arrives, and the nurse
//! never holds a document outside her team.

use std::collections::BTreeMap;
use std::time::Duration;

use enkaku::domain::{Encounter, Role, VisitKind};
use enkaku::store::{DocId, DocKind, Store};
use enkaku::sync::client::{Device, Http, enroll, sync_once};
use enkaku_sync_server::testing::{Admin, TestServer};

/// xorshift: schedules that are the same on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Peer {
    _dir: tempfile::TempDir,
    store: Store,
    device: Device,
    /// Patients this device may edit.
    patients: Vec<&'static str>,
}

/// A team-kita patient that all three devices see, and one only the clinic devices see.
const SHARED: &str = "p-0022";
const CLINIC_ONLY: &str = "p-0001";

fn export(store: &mut Store) -> BTreeMap<String, serde_json::Value> {
    store
        .doc_ids()
        .unwrap()
        .into_iter()
        .map(|id| (id.to_string(), store.read_json(&id, &[]).unwrap()))
        .collect()
}

fn run_schedule(seed: u64) {
    let server_dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(server_dir.path());
    let clinic = admin.clinic("遠隔ファミリークリニック");
    let server = TestServer::start(server_dir.path());
    let mut http = Http::new(Duration::from_secs(30)).expect("HTTP transport");

    let mut peer =
        |role: Role, team: Option<&str>, seed_demo: bool, patients: Vec<&'static str>| {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open_dir(dir.path()).unwrap();
            if seed_demo {
                enkaku::demo::seed(
                    &mut store,
                    enkaku::domain::parse_date("2026-11-21").unwrap(),
                )
                .unwrap();
            }
            let code = admin.code(&clinic, role, team);
            let device = enroll(&store, dir.path(), &server.url, &code, &mut http).unwrap();
            sync_once(&mut store, &device, &mut http).unwrap();
            Peer {
                _dir: dir,
                store,
                device,
                patients,
            }
        };
    let mut peers = vec![
        peer(Role::FrontDesk, None, true, vec![SHARED, CLINIC_ONLY]),
        peer(Role::Doctor, None, false, vec![SHARED, CLINIC_ONLY]),
        peer(Role::Nurse, Some("team-kita"), false, vec![SHARED]),
    ];

    let mut rng = Rng(seed);
    let mut encounters: Vec<(&'static str, String)> = Vec::new();
    for step in 0..24 {
        let who = rng.below(3) as usize;
        let p = &mut peers[who];
        match rng.below(4) {
            0 | 1 => {
                let patient = p.patients[rng.below(p.patients.len() as u64) as usize];
                let field = ["phone", "address"][rng.below(2) as usize];
                let value = format!("{who}-{step}");
                p.store
                    .update_demographics(&format!("staff-{who}"), patient, |d| match field {
                        "phone" => d.phone = value.clone(),
                        _ => d.address = value.clone(),
                    })
                    .unwrap();
            }
            2 => {
                let patient = p.patients[rng.below(p.patients.len() as u64) as usize];
                let id = format!("en-{seed}-{step}");
                let mut e = Encounter::new(&id, VisitKind::DToPWithN);
                e.chief_complaint = format!("訪問 {step}");
                p.store
                    .save_encounter(&format!("staff-{who}"), patient, &e)
                    .unwrap();
                encounters.push((patient, id));
            }
            _ => {
                sync_once(&mut p.store, &p.device, &mut http).unwrap();
            }
        }
    }
    // Everyone syncs until the server has nothing new for anyone.
    for _ in 0..3 {
        for p in &mut peers {
            sync_once(&mut p.store, &p.device, &mut http).unwrap();
        }
    }

    let desk = export(&mut peers[0].store);
    let doctor = export(&mut peers[1].store);
    assert_eq!(desk, doctor, "seed {seed}: front desk and doctor differ");
    let nurse = export(&mut peers[2].store);
    assert!(!nurse.is_empty(), "seed {seed}: the nurse received nothing");
    for (id, json) in &nurse {
        let doc = DocId::parse(id).unwrap();
        assert_ne!(
            doc.kind(),
            DocKind::Clinic,
            "seed {seed}: nurse holds the clinic document"
        );
        assert_eq!(
            json["care_team"], "team-kita",
            "seed {seed}: nurse holds {id} of another team"
        );
        assert_eq!(
            Some(json),
            desk.get(id),
            "seed {seed}: nurse's {id} differs"
        );
    }
    let team_docs = desk
        .values()
        .filter(|d| d["care_team"] == "team-kita")
        .count();
    assert_eq!(
        nurse.len(),
        team_docs,
        "seed {seed}: nurse lacks some of her team's documents"
    );
    // Her team's visits of the day reach her; the rest of the clinic's queue does not.
    let team_queue = &nurse["queue/demo-clinic/2026-11-21/team-kita"]["entries"];
    let visits: Vec<&str> = team_queue
        .as_object()
        .unwrap()
        .values()
        .map(|e| e["patient_id"].as_str().unwrap())
        .collect();
    assert!(
        visits.contains(&"p-0022") && visits.contains(&"p-0024"),
        "seed {seed}: {visits:?}"
    );
    assert!(
        !nurse.contains_key("queue/demo-clinic/2026-11-21"),
        "seed {seed}: nurse holds the clinic's queue"
    );
    let clinic_queue = &desk["queue/demo-clinic/2026-11-21"]["entries"];
    assert!(
        clinic_queue
            .as_object()
            .unwrap()
            .values()
            .all(|e| e["patient_id"] != "p-0022")
    );
    for (patient, id) in &encounters {
        for (name, export) in [("desk", &desk), ("doctor", &doctor)] {
            let doc = &export[&format!("patient/{patient}")];
            assert!(
                doc["encounters"].get(id).is_some(),
                "seed {seed}: {name} lacks {id}"
            );
        }
        if *patient == SHARED {
            assert!(
                nurse[&format!("patient/{SHARED}")]["encounters"]
                    .get(id)
                    .is_some(),
                "seed {seed}: nurse lacks {id}"
            );
        }
    }
    for (i, p) in peers.iter().enumerate() {
        assert!(
            p.store.dirty_docs().unwrap().is_empty(),
            "seed {seed}: device {i} still has unsent changes"
        );
    }
    server.stop();
}

#[test]
fn three_devices_converge_whatever_the_schedule() {
    for seed in 1..=8u64 {
        run_schedule(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    }
}
