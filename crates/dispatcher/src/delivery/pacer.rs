//! Each hook's `rateLimit`: a GCRA limiter per hook (the `governor` crate), kept across turns so
//! that the rate holds over a run, and rebuilt when the hook's limit changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use domain::ids::HookId;
use governor::{DefaultDirectRateLimiter, Quota};

use crate::hooks::RateLimit;

/// A hook's limiter, shared by the requests of its turns.
pub type Limiter = Arc<DefaultDirectRateLimiter>;

/// The limiters of the hooks that have a `rateLimit`.
#[derive(Default)]
pub struct Pacers {
    limiters: Mutex<HashMap<HookId, (RateLimit, Limiter)>>,
}

impl Pacers {
    /// The limiter for `hook` at `limit` (none: unlimited). A burst of one request: the rate holds
    /// from the first second on.
    pub fn limiter(&self, hook: HookId, limit: Option<RateLimit>) -> Option<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(limit) = limit else {
            limiters.remove(&hook);
            return None;
        };
        let entry = limiters.entry(hook).or_insert_with(|| (limit, new_limiter(limit)));
        if entry.0 != limit {
            *entry = (limit, new_limiter(limit));
        }
        Some(entry.1.clone())
    }
}

fn new_limiter(limit: RateLimit) -> Limiter {
    let quota = Quota::per_second(limit.per_second()).allow_burst(std::num::NonZeroU32::MIN);
    Arc::new(DefaultDirectRateLimiter::direct(quota))
}
