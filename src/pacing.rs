//! Pacing of control-plane calls: one token bucket per profile and region, shared by
//! every Lambda control-plane call of this process, and the backoff used when AWS
//! throttles anyway.
//!
//! Lambda allows 15 control-plane requests per second per account and region, shared
//! with every other tool on the account (aws-facts.md). The bucket refills at 10/s with a
//! burst of 5, well under that quota.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use crate::scope::Scope;

/// Sustained control-plane rate of one profile and region, in requests per second.
pub const CONTROL_PLANE_RATE: f64 = 10.0;
/// Requests that may go at once after a quiet period.
pub const CONTROL_PLANE_BURST: f64 = 5.0;
/// CloudWatch Logs reads (FilterLogEvents) of one profile and region: the account's quota
/// is 5 requests/s shared with every other tool (aws-facts.md, "CloudWatch Logs").
pub const LOG_READ_RATE: f64 = 3.0;
pub const LOG_READ_BURST: f64 = 2.0;
/// CloudWatch metric reads (GetMetricData) of one profile and region: the quota is about
/// 50 requests/s (aws-facts.md, "CloudWatch metrics"); one call reads up to 500 series.
pub const METRIC_READ_RATE: f64 = 10.0;
pub const METRIC_READ_BURST: f64 = 5.0;

/// A token bucket: `acquire` waits until a request may go.
#[derive(Debug)]
pub struct RateLimiter {
    rate_per_second: f64,
    burst: f64,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    pub fn new(rate_per_second: f64, burst: f64) -> Self {
        RateLimiter {
            rate_per_second,
            burst,
            bucket: Mutex::new(Bucket { tokens: burst, refilled_at: Instant::now() }),
        }
    }

    /// The limiter shared by every control-plane call of `scope` in this process.
    pub fn for_scope(scope: &Scope) -> Arc<RateLimiter> {
        static LIMITERS: OnceLock<Mutex<HashMap<Scope, Arc<RateLimiter>>>> = OnceLock::new();
        let mut limiters = LIMITERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        limiters
            .entry(scope.clone())
            .or_insert_with(|| Arc::new(RateLimiter::new(CONTROL_PLANE_RATE, CONTROL_PLANE_BURST)))
            .clone()
    }

    /// The limiter shared by every CloudWatch Logs read (FilterLogEvents) of one account
    /// and region in this process: every tail and every invocation's log lookup. The
    /// quota is the account's, so two profiles of one account share a bucket. `account`
    /// is the account id, or `profile:<name>` where the account is not known.
    pub fn for_log_reads(account: &str, region: &str) -> Arc<RateLimiter> {
        type AccountAndRegion = (String, String);
        static LIMITERS: OnceLock<Mutex<HashMap<AccountAndRegion, Arc<RateLimiter>>>> = OnceLock::new();
        let mut limiters = LIMITERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        limiters
            .entry((account.to_owned(), region.to_owned()))
            .or_insert_with(|| Arc::new(RateLimiter::new(LOG_READ_RATE, LOG_READ_BURST)))
            .clone()
    }

    /// The limiter shared by every CloudWatch metric read (GetMetricData) of `scope` in
    /// this process: the Monitor tab's charts and the list's trends.
    pub fn for_metric_reads(scope: &Scope) -> Arc<RateLimiter> {
        static LIMITERS: OnceLock<Mutex<HashMap<Scope, Arc<RateLimiter>>>> = OnceLock::new();
        let mut limiters = LIMITERS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        limiters
            .entry(scope.clone())
            .or_insert_with(|| Arc::new(RateLimiter::new(METRIC_READ_RATE, METRIC_READ_BURST)))
            .clone()
    }

    /// Waits for a token (cancel-safe: dropping the future takes nothing).
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let elapsed = now.duration_since(bucket.refilled_at).as_secs_f64();
                bucket.tokens = (bucket.tokens + elapsed * self.rate_per_second).min(self.burst);
                bucket.refilled_at = now;
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate_per_second)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Exponential backoff with full jitter for throttled requests: the n-th retry waits a
/// random time up to `base · 2ⁿ`, capped, and gives up after `max_retries`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub max_retries: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_millis(500), cap: Duration::from_secs(20), max_retries: 6 }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0-based), or `None` when out of retries.
    pub fn delay(&self, retry: u32) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let ceiling = self.base.saturating_mul(1u32 << retry.min(16)).min(self.cap);
        Some(ceiling.mul_f64(jitter()))
    }
}

/// A number in [0.5, 1): enough randomness to spread retries of several clients, without
/// pulling in a random-number crate.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    0.5 + (hasher.finish() % 1000) as f64 / 2000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_bucket_allows_a_burst_then_the_sustained_rate() {
        let limiter = RateLimiter::new(10.0, 5.0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst goes at once");
        for _ in 0..10 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert!((0.95..1.05).contains(&elapsed), "10 more requests take about a second, took {elapsed}");
    }

    #[test]
    fn one_limiter_per_scope() {
        let a = Scope { profile: "p".into(), region: "eu-west-1".into() };
        let b = Scope { profile: "p".into(), region: "us-east-1".into() };
        assert!(Arc::ptr_eq(&RateLimiter::for_scope(&a), &RateLimiter::for_scope(&a)));
        assert!(!Arc::ptr_eq(&RateLimiter::for_scope(&a), &RateLimiter::for_scope(&b)));
    }

    #[test]
    fn one_metric_read_limiter_per_scope_apart_from_the_control_plane() {
        let a = Scope { profile: "metrics".into(), region: "eu-west-1".into() };
        let b = Scope { profile: "metrics".into(), region: "us-east-1".into() };
        let same = RateLimiter::for_metric_reads(&a);
        assert!(Arc::ptr_eq(&same, &RateLimiter::for_metric_reads(&a)));
        assert!(!Arc::ptr_eq(&same, &RateLimiter::for_metric_reads(&b)));
        assert!(!Arc::ptr_eq(&same, &RateLimiter::for_scope(&a)));
    }

    #[test]
    fn one_log_read_limiter_per_account_and_region() {
        let same = RateLimiter::for_log_reads("111122223333", "eu-west-1");
        assert!(Arc::ptr_eq(&same, &RateLimiter::for_log_reads("111122223333", "eu-west-1")));
        assert!(!Arc::ptr_eq(&same, &RateLimiter::for_log_reads("111122223333", "us-east-1")));
        assert!(!Arc::ptr_eq(&same, &RateLimiter::for_log_reads("444455556666", "eu-west-1")));
    }

    #[test]
    fn backoff_grows_is_capped_and_ends() {
        let backoff = Backoff { base: Duration::from_millis(100), cap: Duration::from_millis(350), max_retries: 4 };
        let delays: Vec<_> = (0..5).map(|n| backoff.delay(n)).collect();
        assert!(delays[0].unwrap() >= Duration::from_millis(50) && delays[0].unwrap() < Duration::from_millis(100));
        assert!(delays[1].unwrap() >= Duration::from_millis(100) && delays[1].unwrap() < Duration::from_millis(200));
        assert!(delays[3].unwrap() < Duration::from_millis(350), "capped");
        assert_eq!(delays[4], None);
    }
}
