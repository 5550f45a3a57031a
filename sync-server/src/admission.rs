//! What the server admits at once: exchanges in progress per device, and bytes a request holds
//! while it is read and decoded (its body, then the frame as it inflates), per device and
//! across the server. A request over a limit is refused with 429 (the device's own limit) or
//! 503 (the server's), with `Retry-After`, and what it held is released when it ends. Refusals
//! are logged at most once a minute, with how many there were since the last line.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

/// The limits; see [`Admission`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLimits {
    /// Exchanges one device may have in progress at once (a device syncs one at a time; two
    /// leave room for a retry while a lost request is still being served).
    pub exchanges_per_device: usize,
    /// Bytes one device's requests may hold at once.
    pub device_bytes: usize,
    /// Bytes all requests may hold at once.
    pub server_bytes: usize,
}

impl Default for AdmissionLimits {
    fn default() -> Self {
        AdmissionLimits {
            exchanges_per_device: 2,
            device_bytes: 24 * 1024 * 1024,
            server_bytes: 128 * 1024 * 1024,
        }
    }
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this device already has {0} exchanges in progress; sync again shortly")]
    DeviceExchanges(usize),
    #[error("this device's requests hold too many bytes at once; sync again shortly")]
    DeviceBytes,
    #[error("the server holds too many bytes of requests at once; sync again shortly")]
    ServerBytes,
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::DeviceExchanges(_) | Refusal::DeviceBytes => StatusCode::TOO_MANY_REQUESTS,
            Refusal::ServerBytes => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn retry_after(&self) -> Duration {
        match self {
            Refusal::DeviceExchanges(_) | Refusal::DeviceBytes => Duration::from_secs(1),
            Refusal::ServerBytes => Duration::from_secs(2),
        }
    }
}

#[derive(Default)]
struct Load {
    exchanges: usize,
    bytes: usize,
}

#[derive(Default)]
struct Books {
    devices: HashMap<String, Load>,
    server_bytes: usize,
}

/// Refusals are logged at most once in this interval.
const WARN_EVERY: Duration = Duration::from_secs(60);

struct Inner {
    limits: AdmissionLimits,
    books: Mutex<Books>,
    /// Refusals since the last warning, and when that was.
    refusals: Mutex<(usize, Option<Instant>)>,
}

impl Inner {
    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn refused(&self, refusal: Refusal, device: &str) -> Refusal {
        let now = Instant::now();
        let mut refusals = self.refusals.lock().unwrap_or_else(PoisonError::into_inner);
        refusals.0 += 1;
        if refusals
            .1
            .is_none_or(|at| now.duration_since(at) >= WARN_EVERY)
        {
            tracing::warn!(
                device,
                %refusal,
                refused = refusals.0,
                "requests refused over the admission limits (logged at most once a minute)"
            );
            *refusals = (0, Some(now));
        }
        refusal
    }
}

/// The server's books of exchanges and bytes in flight.
#[derive(Clone)]
pub struct Admission {
    inner: Arc<Inner>,
}

impl Admission {
    pub fn new(limits: AdmissionLimits) -> Admission {
        Admission {
            inner: Arc::new(Inner {
                limits,
                books: Mutex::new(Books::default()),
                refusals: Mutex::new((0, None)),
            }),
        }
    }

    /// Admits one exchange of `device`, or refuses it when the device has as many in progress
    /// as it may. The exchange ends when the returned slot (and every clone) is dropped.
    pub fn enter(&self, device: &str) -> Result<Slot, Refusal> {
        let limit = self.inner.limits.exchanges_per_device;
        let mut books = self.inner.books();
        let load = books.devices.entry(device.to_string()).or_default();
        if load.exchanges >= limit {
            let refusal = Refusal::DeviceExchanges(load.exchanges);
            drop(books);
            return Err(self.inner.refused(refusal, device));
        }
        load.exchanges += 1;
        Ok(Slot {
            inner: Arc::new(SlotInner {
                admission: self.inner.clone(),
                device: device.to_string(),
                charged: AtomicUsize::new(0),
            }),
        })
    }

    /// Bytes held by requests now, across the server.
    pub fn server_bytes(&self) -> usize {
        self.inner.books().server_bytes
    }
}

/// One admitted exchange; it is charged for the bytes its request holds, and gives back its
/// place and its bytes when dropped.
#[derive(Clone)]
pub struct Slot {
    inner: Arc<SlotInner>,
}

struct SlotInner {
    admission: Arc<Inner>,
    device: String,
    charged: AtomicUsize,
}

impl Slot {
    /// Charges `bytes` to the device and the server, or refuses when either would go over
    /// its limit (nothing is charged then).
    pub fn charge(&self, bytes: usize) -> Result<(), Refusal> {
        let limits = self.inner.admission.limits;
        let mut books = self.inner.admission.books();
        let server = books.server_bytes.saturating_add(bytes);
        let load = books.devices.entry(self.inner.device.clone()).or_default();
        let device = load.bytes.saturating_add(bytes);
        let refusal = if device > limits.device_bytes {
            Some(Refusal::DeviceBytes)
        } else if server > limits.server_bytes {
            Some(Refusal::ServerBytes)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            drop(books);
            return Err(self.inner.admission.refused(refusal, &self.inner.device));
        }
        load.bytes = device;
        books.server_bytes = server;
        self.inner.charged.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for SlotInner {
    fn drop(&mut self) {
        let charged = *self.charged.get_mut();
        let mut books = self.admission.books();
        books.server_bytes = books.server_bytes.saturating_sub(charged);
        if let Some(load) = books.devices.get_mut(&self.device) {
            load.exchanges = load.exchanges.saturating_sub(1);
            load.bytes = load.bytes.saturating_sub(charged);
            if load.exchanges == 0 && load.bytes == 0 {
                books.devices.remove(&self.device);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_and_bytes_are_given_back_when_the_slot_drops() {
        let admission = Admission::new(AdmissionLimits {
            exchanges_per_device: 2,
            device_bytes: 100,
            server_bytes: 140,
        });
        let a = admission.enter("d1").unwrap();
        let b = admission.enter("d1").unwrap();
        assert_eq!(
            admission.enter("d1").err(),
            Some(Refusal::DeviceExchanges(2))
        );
        a.charge(60).unwrap();
        assert_eq!(b.charge(60), Err(Refusal::DeviceBytes));
        let other = admission.enter("d2").unwrap();
        assert_eq!(other.charge(90), Err(Refusal::ServerBytes));
        other.charge(80).unwrap();
        drop(a);
        assert_eq!(admission.server_bytes(), 80);
        b.charge(60).unwrap();
        let c = admission.enter("d1").unwrap();
        drop((b, c, other));
        assert_eq!(admission.server_bytes(), 0);
        assert!(admission.inner.books().devices.is_empty());
    }
}
