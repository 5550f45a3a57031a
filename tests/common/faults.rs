//! A fault-injecting TCP proxy for HTTP/1.1 between Enkaku's real client and the real server:
//! it passes, cuts the request, cuts the response or slows an exchange down, on a seeded
//! schedule, and counts what it did. Shared by the sync tests that need a bad link.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Randomness

/// A tiny xorshift64*: the same schedule for the same seed.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Never zero, and well mixed even for small seeds.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

// ---------------------------------------------------------------------------------------------
// The fault-injecting proxy

/// What the proxy does to one HTTP exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwards the request and the response untouched.
    Pass,
    /// Forwards a strict prefix of the request (possibly empty), then closes both sides.
    CutRequest,
    /// Forwards the whole request, then a strict prefix of the server's whole response, then
    /// closes both sides: the server has done its work, the client never learns it.
    CutResponse,
    /// Forwards both in small pieces with a few milliseconds between them.
    Delay,
}

pub const FAULTS: [Fault; 4] = [
    Fault::Pass,
    Fault::CutRequest,
    Fault::CutResponse,
    Fault::Delay,
];

struct ProxyShared {
    upstream: SocketAddr,
    rng: Mutex<Rng>,
    faulty: AtomicBool,
    /// How many exchanges got each fault, in the order of [`FAULTS`].
    counts: Mutex<[usize; 4]>,
}

impl ProxyShared {
    /// The fault for the next exchange, and a generator for its details.
    fn pick(&self) -> (Fault, Rng) {
        let mut rng = self.rng.lock().unwrap();
        let detail = Rng::new(rng.next());
        let fault = if !self.faulty.load(Ordering::SeqCst) {
            Fault::Pass
        } else {
            match rng.below(100) {
                0..40 => Fault::Pass,
                40..60 => Fault::CutRequest,
                60..80 => Fault::CutResponse,
                _ => Fault::Delay,
            }
        };
        let i = FAULTS.iter().position(|f| *f == fault).unwrap();
        self.counts.lock().unwrap()[i] += 1;
        (fault, detail)
    }
}

/// A TCP proxy on 127.0.0.1:<random port> in front of `upstream`, one thread per connection.
pub struct Proxy {
    pub url: String,
    shared: Arc<ProxyShared>,
}

impl Proxy {
    pub fn start(upstream: SocketAddr, seed: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(ProxyShared {
            upstream,
            rng: Mutex::new(Rng::new(seed)),
            faulty: AtomicBool::new(true),
            counts: Mutex::new([0; 4]),
        });
        let accepting = shared.clone();
        // The accept loop lives as long as the test binary; idle connections end when the
        // client's agent is dropped.
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let shared = accepting.clone();
                thread::spawn(move || {
                    let _ = relay(client, &shared);
                });
            }
        });
        Proxy { url, shared }
    }

    pub fn set_faulty(&self, on: bool) {
        self.shared.faulty.store(on, Ordering::SeqCst);
    }

    pub fn counts(&self) -> BTreeMap<String, usize> {
        let counts = *self.shared.counts.lock().unwrap();
        FAULTS
            .iter()
            .zip(counts)
            .map(|(f, n)| (format!("{f:?}"), n))
            .collect()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one whole HTTP/1.1 message: the head and a `Content-Length` body. `None` on a clean
/// end of stream before its first byte (an idle keep-alive connection closed by its owner).
fn read_message(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let mut length = 0usize;
    for line in head.lines() {
        if let Some((name, value)) = line.split_once(':') {
            match name.trim() {
                "content-length" => length = value.trim().parse().expect("content-length"),
                "transfer-encoding" => panic!("the proxy does not relay chunked bodies: {head}"),
                "expect" => panic!("the proxy does not relay Expect: {head}"),
                _ => {}
            }
        }
    }
    let total = head_end + length;
    while buf.len() < total {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(buf.len(), total, "HTTP pipelining is not expected");
    Ok(Some(buf))
}

/// Writes `bytes` in a few random pieces, sleeping 1–5 ms between pieces when `slow`.
fn write_pieces(stream: &mut TcpStream, bytes: &[u8], rng: &mut Rng, slow: bool) -> io::Result<()> {
    let mut at = 0;
    while at < bytes.len() {
        // At most ~16 pieces per message, so that a large body is not slowed to a crawl.
        let piece = (rng.range(1, 1500) as usize).max(bytes.len() / 16);
        let end = (at + piece).min(bytes.len());
        stream.write_all(&bytes[at..end])?;
        stream.flush()?;
        at = end;
        if slow && at < bytes.len() {
            thread::sleep(Duration::from_millis(rng.range(1, 5)));
        }
    }
    Ok(())
}

fn cut(a: &TcpStream, b: &TcpStream) {
    let _ = a.shutdown(Shutdown::Both);
    let _ = b.shutdown(Shutdown::Both);
}

/// Relays one client connection, exchange by exchange (the client does not pipeline).
fn relay(mut client: TcpStream, shared: &ProxyShared) -> io::Result<()> {
    let mut server = TcpStream::connect(shared.upstream)?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    loop {
        let Some(request) = read_message(&mut client)? else {
            cut(&client, &server);
            return Ok(());
        };
        let (fault, mut rng) = shared.pick();
        match fault {
            Fault::CutRequest => {
                let n = rng.below(request.len());
                write_pieces(&mut server, &request[..n], &mut rng, false)?;
                // Let the server read what it got before the connection goes.
                thread::sleep(Duration::from_millis(2));
                cut(&client, &server);
                return Ok(());
            }
            Fault::Pass | Fault::CutResponse | Fault::Delay => {
                write_pieces(&mut server, &request, &mut rng, fault == Fault::Delay)?;
                let Some(response) = read_message(&mut server)? else {
                    cut(&client, &server);
                    return Ok(());
                };
                if fault == Fault::CutResponse {
                    let n = rng.below(response.len());
                    write_pieces(&mut client, &response[..n], &mut rng, false)?;
                    thread::sleep(Duration::from_millis(2));
                    cut(&client, &server);
                    return Ok(());
                }
                write_pieces(&mut client, &response, &mut rng, fault == Fault::Delay)?;
            }
        }
    }
}
