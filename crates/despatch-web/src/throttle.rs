//! Sign-in throttling: after [`MAX_FAILURES`] failed attempts for a user name within
//! [`WINDOW`], further attempts for that name are refused until the window has passed, whatever
//! the password. Kept in memory, per process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per user name within the window.
pub(crate) const MAX_FAILURES: usize = 5;
/// How long failures are remembered.
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most user names remembered; beyond this the oldest memories are dropped wholesale.
const MAX_NAMES: usize = 10_000;

/// Recent failed sign-ins by user name.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    fn key(name: &str) -> String {
        name.trim().to_lowercase()
    }

    /// Whether sign-in for this name is refused for now.
    pub(crate) fn is_blocked(&self, name: &str, now: Instant) -> bool {
        let Ok(failures) = self.failures.lock() else { return false };
        failures
            .get(&Throttle::key(name))
            .is_some_and(|times| times.iter().filter(|t| now.duration_since(**t) < WINDOW).count() >= MAX_FAILURES)
    }

    /// Records a failed attempt.
    pub(crate) fn failed(&self, name: &str, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else { return };
        if failures.len() >= MAX_NAMES {
            failures.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < WINDOW));
            if failures.len() >= MAX_NAMES {
                failures.clear();
            }
        }
        let times = failures.entry(Throttle::key(name)).or_default();
        times.retain(|t| now.duration_since(*t) < WINDOW);
        times.push(now);
    }

    /// Forgets the failures of a name after a successful sign-in.
    pub(crate) fn succeeded(&self, name: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&Throttle::key(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_blocked_after_five_failures_until_the_window_passes() {
        let throttle = Throttle::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed("Ada", start);
        }
        assert!(!throttle.is_blocked("ada", start), "four failures are allowed");
        throttle.failed("ada ", start);
        assert!(throttle.is_blocked("ADA", start), "the fifth blocks, whatever the case or spacing");
        assert!(!throttle.is_blocked("bob", start), "other names are unaffected");
        assert!(!throttle.is_blocked("ada", start + WINDOW), "the block lifts when the window has passed");
        throttle.succeeded("ada");
        assert!(!throttle.is_blocked("ada", start));
    }
}
