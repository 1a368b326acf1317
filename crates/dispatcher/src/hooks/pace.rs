//! How fast a hook is sent to, the choice between order and speed: `maxInFlight` requests at
//! once (1, the default, keeps its events strictly in order) and an optional `rateLimit` of
//! requests per second that protects a slow receiver.

use std::num::NonZeroU32;

use serde::Serialize;

/// Requests a hook may have in flight at once, 1 to [`MaxInFlight::MAX`]. With 1 its events go
/// out strictly in order, one request after the previous one succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaxInFlight(u8);

impl MaxInFlight {
    /// One request at a time, in order (the default).
    pub const ORDERED: Self = Self(1);
    /// The most requests in flight a hook may ask for.
    pub const MAX: u64 = 64;

    /// `count` if it is 1 to [`Self::MAX`]; the error says the range.
    pub fn new(count: u64) -> Result<Self, String> {
        match u8::try_from(count) {
            Ok(count) if (1..=Self::MAX).contains(&u64::from(count)) => Ok(Self(count)),
            _ => Err(format!("must be an integer from 1 to {}", Self::MAX)),
        }
    }

    /// The stored value, read back as it was written (anything else reads as the default).
    pub fn stored(count: i64) -> Self {
        u64::try_from(count).ok().and_then(|count| Self::new(count).ok()).unwrap_or(Self::ORDERED)
    }

    /// The number of requests.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }

    /// Whether the hook is sent to in order, one request at a time.
    pub fn is_ordered(self) -> bool {
        self.0 == 1
    }
}

impl Default for MaxInFlight {
    fn default() -> Self {
        Self::ORDERED
    }
}

/// Requests per second a hook is sent at most, 1 to [`RateLimit::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RateLimit(NonZeroU32);

impl RateLimit {
    /// The highest rate a hook may be limited to.
    pub const MAX: u64 = 10_000;

    /// `per_second` if it is 1 to [`Self::MAX`]; the error says the range.
    pub fn new(per_second: u64) -> Result<Self, String> {
        let valid = (1..=Self::MAX).contains(&per_second);
        u32::try_from(per_second)
            .ok()
            .and_then(NonZeroU32::new)
            .filter(|_| valid)
            .map(Self)
            .ok_or_else(|| format!("must be an integer from 1 to {} (requests per second), or null", Self::MAX))
    }

    /// Requests per second.
    pub fn per_second(self) -> NonZeroU32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_in_flight_takes_one_to_sixty_four() {
        assert!(MaxInFlight::new(0).is_err());
        assert_eq!(MaxInFlight::new(1), Ok(MaxInFlight::ORDERED));
        assert_eq!(MaxInFlight::new(64).map(MaxInFlight::get), Ok(64));
        assert!(MaxInFlight::new(65).is_err());
        assert!(MaxInFlight::new(300).is_err());
    }

    #[test]
    fn a_stored_value_out_of_range_reads_as_ordered() {
        assert_eq!(MaxInFlight::stored(8).get(), 8);
        assert_eq!(MaxInFlight::stored(-3), MaxInFlight::ORDERED);
    }

    #[test]
    fn rate_limit_takes_one_to_ten_thousand() {
        assert!(RateLimit::new(0).is_err());
        assert_eq!(RateLimit::new(5).map(|r| r.per_second().get()), Ok(5));
        assert!(RateLimit::new(10_001).is_err());
        assert!(RateLimit::new(u64::MAX).is_err());
    }
}
