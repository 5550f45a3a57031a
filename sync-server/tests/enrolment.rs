//! Guessing enrolment codes over a real server on port 0: failed attempts from one source are
//! limited (429 with Retry-After), a good code from another source still enrols during the
//! flood, and every failed attempt is recorded with its source and time, never the code.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::{Admin, TestServer};
use enkaku::domain::Role;
use enkaku::protocol::ENROLL_PATH;

/// An HTTP/1.1 enrolment request from a loopback address of our choice (the whole of
/// 127.0.0.0/8 is the loopback interface); the status and the headers, lower-cased.
fn enroll_from(source: [u8; 4], port: u16, code: &str, actor_byte: u8) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::from((source, 0)))
            .expect("bind a loopback source");
        socket
            .connect(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap()
            .into_std()
            .unwrap()
    });
    stream.set_nonblocking(false).unwrap();
    let mut stream: TcpStream = stream;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = serde_json::json!({
        "code": code,
        "actor": hex::encode([actor_byte; 16]),
        "device_name": "guesser",
    })
    .to_string();
    write!(
        stream,
        "POST {ENROLL_PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_lowercase();
    (status, head)
}

#[test]
fn a_flood_of_bad_codes_is_limited_and_recorded_and_a_good_code_still_enrols() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let port = server.port();
    let guesser = [127, 0, 0, 2];

    // The default limit is ten failures per source in ten minutes.
    let mut statuses = Vec::new();
    for i in 0..25u32 {
        let (status, head) = enroll_from(guesser, port, &format!("AAAA-BBBB-CCCC-{i:04}"), 7);
        if status == 429 {
            let retry_after: u64 = head
                .lines()
                .find_map(|l| l.strip_prefix("retry-after:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("429 carries Retry-After in seconds");
            assert!((1..=600).contains(&retry_after), "{retry_after}");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..10], [403; 10], "{statuses:?}");
    assert_eq!(statuses[10..], [429; 15], "{statuses:?}");

    // During the flood, a good code from another source enrols; the guesser's own good code
    // waits (its attempts are refused before the code is looked at).
    let good = admin.code(&clinic, Role::Nurse, Some("team-kita"));
    let (status, _) = enroll_from(guesser, port, &good, 8);
    assert_eq!(status, 429);
    let (status, head) = enroll_from([127, 0, 0, 3], port, &good, 8);
    assert_eq!(status, 200, "{head}");
    assert_eq!(admin.storage_devices().len(), 1);

    // Each checked failure is recorded with its source and time; the codes tried are not.
    let db = rusqlite::Connection::open(dir.path().join("enkaku-sync.sqlite3")).unwrap();
    let rows: Vec<(i64, String)> = db
        .prepare("SELECT at, source FROM enrolment_failures ORDER BY at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 10, "{rows:?}");
    let now = enkaku_sync_server::now();
    for (at, source) in &rows {
        assert_eq!(source, "127.0.0.2");
        assert!((now - 600..=now).contains(at), "{at}");
    }
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('enrolment_failures')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["at", "source"]);

    // The administrator lists them.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_enkaku-sync-server"))
        .args(["enroll-failures", "--hours", "1", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(listed.lines().count(), 11, "{listed}");
    assert!(
        listed.lines().skip(1).all(|l| l.ends_with("127.0.0.2")),
        "{listed}"
    );
    server.stop();
}
