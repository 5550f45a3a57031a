//! A real server for tests and benchmarks, of this crate and of the workstation: it serves a
//! data directory on 127.0.0.1, port 0, in a runtime of its own, and stops gracefully; with the
//! admin operations a test needs on the same directory. Setup failures panic with what failed,
//! as a test's setup should.

use std::path::{Path, PathBuf};
use std::time::Duration;

use automerge::Automerge;
use enkaku::domain::Role;
use enkaku::protocol::DocId;
use tokio::sync::oneshot;

use crate::storage::{Device, SqliteStorage, Storage, StoredDoc};
use crate::{LaunchError, Settings, admin, launch_with_listener};

/// A server running on 127.0.0.1:<port 0> over a data directory.
pub struct TestServer {
    pub url: String,
    runtime: tokio::runtime::Runtime,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), LaunchError>>>,
}

impl TestServer {
    pub fn start(data_dir: &Path) -> TestServer {
        Self::start_with(Settings::new(data_dir), "http")
    }

    /// `scheme` is `https` when `settings` carries TLS files.
    pub fn start_with(settings: Settings, scheme: &str) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(launch_with_listener(settings, listener, async move {
            let _ = stopped.await;
        }));
        TestServer {
            url: format!("{scheme}://127.0.0.1:{port}"),
            runtime,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }

    /// Asks for a graceful shutdown and waits for the server to return.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            self.runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(30), task).await })
                .expect("server stops within 30 s")
                .expect("server task")
                .expect("server ran cleanly");
        }
    }
}

/// Admin access to the same data directory, as the server's CLI has.
pub struct Admin {
    pub storage: SqliteStorage,
    pub dir: PathBuf,
}

impl Admin {
    pub fn open(dir: &Path) -> Admin {
        Admin {
            storage: SqliteStorage::open(dir).expect("storage"),
            dir: dir.to_path_buf(),
        }
    }

    /// Adds a clinic and returns its id.
    pub fn clinic(&self, name: &str) -> String {
        admin::add_clinic(&self.storage, name, crate::now())
            .expect("clinic")
            .id
    }

    /// A one-time enrolment code.
    pub fn code(&self, clinic: &str, role: Role, team: Option<&str>) -> String {
        admin::issue_enrolment_code(&self.storage, clinic, role, team, crate::now())
            .expect("code")
            .code
    }

    pub fn storage_devices(&self) -> Vec<Device> {
        self.storage.devices().expect("devices")
    }

    pub fn document(&self, clinic: &str, doc: &str) -> Option<StoredDoc> {
        self.storage
            .document(clinic, &DocId::parse(doc).expect("doc id"))
            .expect("document")
    }
}

impl Admin {
    /// Stores `bytes` as document `doc` of `clinic`, recorded for `care_team`, as a server
    /// without today's checks could have accepted it: how a test gets a document onto the server
    /// that no device could send now.
    pub fn seed_document(&self, clinic: &str, doc: &str, bytes: Vec<u8>, care_team: Option<&str>) {
        let doc = DocId::parse(doc).expect("doc id");
        let expected_seq = self
            .storage
            .document(clinic, &doc)
            .expect("document")
            .map(|stored| stored.seq);
        let write = crate::storage::DocWrite {
            doc,
            bytes,
            care_team: care_team.map(str::to_string),
            expected_seq,
        };
        self.storage
            .commit_exchange(clinic, "seeded-by-test", &[write], &[])
            .expect("seed document");
    }
}

/// The heads of a stored document.
pub fn stored_heads(stored: &StoredDoc) -> Vec<automerge::ChangeHash> {
    Automerge::load(&stored.bytes)
        .expect("stored document loads")
        .get_heads()
}
