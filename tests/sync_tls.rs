//! A clinic that runs its own CA: the `enkaku` binary enrols and syncs with a sync server whose
//! certificate chains to that CA only when the CA is trusted — through `sync.ca_file` in the
//! config or the system store (`SSL_CERT_FILE`) — and a pinned key that does not match refuses
//! the server even though its chain is good.

use std::path::Path;
use std::process::{Command, Output};

use enkaku::domain::Role;
use enkaku_sync_server::server::{Settings, TlsFiles};
use enkaku_sync_server::testing::{Admin, TestServer};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

/// A CA and a server certificate for 127.0.0.1 signed by it, written as PEM files in `dir`.
struct Pki {
    ca: std::path::PathBuf,
    other_ca: std::path::PathBuf,
    server_pin: String,
}

fn make_pki(dir: &Path) -> (Pki, TlsFiles) {
    let ca = clinic_ca("遠隔クリニック CA");
    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
        .expect("server params");
    let server_cert = server_params.signed_by(&server_key, &ca).unwrap();
    let pin = enkaku::sync::tls::pin_of(server_cert.der()).unwrap();
    let other = clinic_ca("another CA");

    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let pki = Pki {
        ca: write("ca.pem", ca.pem()),
        other_ca: write("other-ca.pem", other.pem()),
        server_pin: hex::encode(pin),
    };
    let files = TlsFiles {
        cert: write("server.pem", server_cert.pem()),
        key: write("server.key", server_key.serialize_pem()),
    };
    (pki, files)
}

fn clinic_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// `enkaku` with its own data directory and config file, and no inherited certificate settings.
fn enkaku(data: &Path, config: &Path, args: &[&str], cert_file: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_enkaku"));
    command
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("ENKAKU_DATA_DIR")
        .env_remove("ENKAKU_CONFIG")
        .env_remove("SSL_CERT_DIR")
        .env_remove("SSL_CERT_FILE");
    if let Some(file) = cert_file {
        command.env("SSL_CERT_FILE", file);
    }
    command.output().expect("run enkaku")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_server_certified_by_the_clinic_ca_is_trusted_only_when_the_ca_is() {
    let work = tempfile::tempdir().unwrap();
    let server_dir = work.path().join("server");
    std::fs::create_dir(&server_dir).unwrap();
    let (pki, tls) = make_pki(work.path());
    let admin = Admin::open(&server_dir);
    let clinic = admin.clinic("遠隔クリニック");
    let mut settings = Settings::new(&server_dir);
    settings.tls = Some(tls);
    let server = TestServer::start_with(settings, "https");

    let config = |name: &str, body: &str| {
        let path = work.path().join(name);
        std::fs::write(&path, body).unwrap();
        path
    };
    let plain = config("plain.toml", "");
    let with_ca = config("with-ca.toml", "[sync]\nca_file = \"ca.pem\"\n");
    let with_other_ca = config("other-ca.toml", "[sync]\nca_file = \"other-ca.pem\"\n");

    // Without the clinic's CA the server is refused, with a hint, and nothing is enrolled.
    let desk = work.path().join("desk");
    let code = admin.code(&clinic, Role::FrontDesk, None);
    let out = enkaku(
        &desk,
        &plain,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("certificate") && stderr.contains("sync.ca_file"),
        "{}",
        text(&out)
    );
    assert!(!desk.join("device.toml").exists());

    // Another CA in sync.ca_file does not help.
    let out = enkaku(
        &desk,
        &with_other_ca,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(!desk.join("device.toml").exists());

    // The clinic's CA in sync.ca_file: enrolment and sync go through.
    let out = enkaku(
        &desk,
        &with_ca,
        &["enroll", "--server", &server.url, "--code", &code],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = enkaku(&desk, &with_ca, &["sync"], None);
    assert!(out.status.success(), "{}", text(&out));
    // The same device without the CA cannot sync.
    let out = enkaku(&desk, &plain, &["sync"], None);
    assert!(!out.status.success(), "{}", text(&out));

    // The system store: the CA given as SSL_CERT_FILE is trusted without any config.
    let doctor = work.path().join("doctor");
    let code = admin.code(&clinic, Role::Doctor, None);
    let out = enkaku(
        &doctor,
        &plain,
        &["enroll", "--server", &server.url, "--code", &code],
        Some(&pki.ca),
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = enkaku(&doctor, &plain, &["sync"], Some(&pki.ca));
    assert!(out.status.success(), "{}", text(&out));
    let out = enkaku(&doctor, &plain, &["sync"], Some(&pki.other_ca));
    assert!(!out.status.success(), "{}", text(&out));

    // Pinning: the server's own key passes; another key is refused although the chain is good.
    let pinned = config(
        "pinned.toml",
        &format!(
            "[sync]\nca_file = \"ca.pem\"\npin_sha256 = [\"{}\"]\n",
            pki.server_pin
        ),
    );
    let out = enkaku(&desk, &pinned, &["sync"], None);
    assert!(out.status.success(), "{}", text(&out));
    let wrong = config(
        "wrong-pin.toml",
        &format!(
            "[sync]\nca_file = \"ca.pem\"\npin_sha256 = \"{}\"\n",
            "00".repeat(32)
        ),
    );
    let out = enkaku(&desk, &wrong, &["sync"], None);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sync.pin_sha256"),
        "{}",
        text(&out)
    );

    // A CA file that is not there is named.
    let missing = config("missing.toml", "[sync]\nca_file = \"nowhere.pem\"\n");
    let out = enkaku(&desk, &missing, &["sync"], None);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nowhere.pem"),
        "{}",
        text(&out)
    );
    server.stop();
}
