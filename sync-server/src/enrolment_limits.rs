//! Limits on failed enrolment attempts, so that guessing one-time codes is noticed and slowed:
//! per source address, and across all sources.
//!
//! Only failures count (unknown, expired or used codes); a good code never does. A code is kept
//! only as its hash, so a bad code names no clinic: the budget that a per-clinic limit would give
//! is instead one for the whole server.
//!
//! - A source that failed [`Limits::per_source`] times within [`Limits::window`] is refused
//!   (429, with when to try again) before its code is looked at, until its oldest failure in the
//!   window is older than the window.
//! - Once the whole server saw [`Limits::global`] failures within the window, a source that
//!   failed at all in the window is refused the same way, while a source with no failure still
//!   has its code checked. Under a guessing run from many addresses each address then gets one
//!   guess per window, and a person enrolling a device with a good code from anywhere else still
//!   enrols.
//!
//! The counts live in memory (a restart forgets them, and each server process counts its own);
//! every failure is also recorded in storage with its source and time (never the code, see
//! [`crate::storage::Storage::record_enrolment_failure`]), and a source crossing its limit is
//! logged once per window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many failures are allowed, and over how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_source: usize,
    pub global: usize,
    pub window: Duration,
}

impl Default for Limits {
    /// Ten mistyped codes from one place in ten minutes are a person having trouble; more are
    /// guessing. A thousand across the server in ten minutes is an attack.
    fn default() -> Self {
        Limits {
            per_source: 10,
            global: 1000,
            window: Duration::from_secs(600),
        }
    }
}

/// Why an attempt is refused before its code is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// This source failed too often.
    Source { retry_after: Duration },
    /// The server failed too often, and this source failed at least once.
    Global { retry_after: Duration },
}

impl Throttled {
    pub fn retry_after(self) -> Duration {
        match self {
            Throttled::Source { retry_after } | Throttled::Global { retry_after } => retry_after,
        }
    }
}

/// At most this many sources are remembered; when more failed within one window, the oldest
/// are forgotten first (the global budget still holds).
const MAX_SOURCES: usize = 100_000;

#[derive(Default)]
struct Counts {
    /// Failure times per source within the window, oldest first.
    sources: HashMap<IpAddr, VecDeque<Instant>>,
    /// Failure times across the server within the window, oldest first, at most `global`.
    all: VecDeque<Instant>,
    /// Sources already logged as over their limit in this window.
    logged: HashMap<IpAddr, Instant>,
}

/// The failure counts of one server process.
pub struct EnrolmentLimiter {
    limits: Limits,
    counts: Mutex<Counts>,
}

impl EnrolmentLimiter {
    pub fn new(limits: Limits) -> EnrolmentLimiter {
        EnrolmentLimiter {
            limits,
            counts: Mutex::new(Counts::default()),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether an attempt from `source` at `now` may have its code checked.
    pub fn check(&self, source: IpAddr, now: Instant) -> Result<(), Throttled> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let window = self.limits.window;
        let counts = &mut *counts;
        forget_before(&mut counts.all, now, window);
        let Some(failures) = counts.sources.get_mut(&source) else {
            return Ok(());
        };
        forget_before(failures, now, window);
        let Some(oldest) = failures.front().copied() else {
            counts.sources.remove(&source);
            return Ok(());
        };
        let until_oldest_expires = (oldest + window).saturating_duration_since(now);
        if failures.len() >= self.limits.per_source {
            if counts
                .logged
                .get(&source)
                .is_none_or(|at| now.duration_since(*at) >= window)
            {
                if counts.logged.len() >= MAX_SOURCES {
                    counts
                        .logged
                        .retain(|_, at| now.duration_since(*at) < window);
                }
                counts.logged.insert(source, now);
                tracing::warn!(
                    %source,
                    failures = failures.len(),
                    window_secs = window.as_secs(),
                    "enrolment attempts from this source refused: too many invalid codes"
                );
            }
            return Err(Throttled::Source {
                retry_after: until_oldest_expires,
            });
        }
        if counts.all.len() >= self.limits.global {
            let server_recovers = counts.all.front().map_or(Duration::ZERO, |at| {
                (*at + window).saturating_duration_since(now)
            });
            return Err(Throttled::Global {
                retry_after: server_recovers.min(until_oldest_expires),
            });
        }
        Ok(())
    }

    /// Counts a failed attempt from `source` at `now`.
    pub fn failed(&self, source: IpAddr, now: Instant) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let window = self.limits.window;
        forget_before(&mut counts.all, now, window);
        counts.all.push_back(now);
        if counts.all.len() == self.limits.global {
            tracing::warn!(
                failures = counts.all.len(),
                window_secs = window.as_secs(),
                "invalid enrolment codes from many sources: each source now gets one attempt \
                 per window"
            );
        }
        while counts.all.len() > self.limits.global {
            counts.all.pop_front();
        }
        if !counts.sources.contains_key(&source) && counts.sources.len() >= MAX_SOURCES {
            counts.sources.retain(|_, failures| {
                forget_before(failures, now, window);
                !failures.is_empty()
            });
            counts
                .logged
                .retain(|_, at| now.duration_since(*at) < window);
            if counts.sources.len() >= MAX_SOURCES
                && let Some(oldest) = counts
                    .sources
                    .iter()
                    .min_by_key(|(_, f)| f.back().copied())
                    .map(|(s, _)| *s)
            {
                counts.sources.remove(&oldest);
            }
        }
        let failures = counts.sources.entry(source).or_default();
        forget_before(failures, now, window);
        failures.push_back(now);
        while failures.len() > self.limits.per_source {
            failures.pop_front();
        }
    }
}

fn forget_before(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|at| now.duration_since(*at) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_source_is_refused_after_its_limit_until_its_oldest_failure_ages_out() {
        let limiter = EnrolmentLimiter::new(Limits {
            per_source: 3,
            global: 100,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check(ip(1), t0 + Duration::from_secs(i)), Ok(()));
            limiter.failed(ip(1), t0 + Duration::from_secs(i));
        }
        assert_eq!(
            limiter.check(ip(1), t0 + Duration::from_secs(10)),
            Err(Throttled::Source {
                retry_after: Duration::from_secs(50)
            })
        );
        assert_eq!(limiter.check(ip(2), t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.check(ip(1), t0 + Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn once_the_server_is_over_budget_only_sources_without_failures_are_checked() {
        let limiter = EnrolmentLimiter::new(Limits {
            per_source: 10,
            global: 4,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for source in 1..=4 {
            limiter.failed(ip(source), t0);
        }
        assert!(matches!(
            limiter.check(ip(1), t0 + Duration::from_secs(1)),
            Err(Throttled::Global { .. })
        ));
        assert_eq!(limiter.check(ip(9), t0 + Duration::from_secs(1)), Ok(()));
        limiter.failed(ip(9), t0 + Duration::from_secs(1));
        assert!(limiter.check(ip(9), t0 + Duration::from_secs(2)).is_err());
        assert_eq!(limiter.check(ip(1), t0 + Duration::from_secs(61)), Ok(()));
    }
}
