//! Lambda's estimated cost, from a price table kept in the core: of one invocation
//! ([`estimate_cost`], from its REPORT line, for invoke) and of a function over a time
//! range ([`estimate_range_cost`], from its CloudWatch metrics, for the Monitor tab). A
//! lower module shared by both capabilities.
//!
//! Prices change and differ by region, so the table names its source and date, every
//! estimate carries them, and a region missing from the table is priced at us-east-1's
//! rates with `region_in_table: false` so the UI can say so. Figures are on-demand list
//! prices of the first duration tier, without the free tier (1 million requests and
//! 400,000 GB-seconds a month), Savings Plans, Provisioned Concurrency, SnapStart cache
//! and restore charges, or data transfer: estimates, not a bill.

use serde::{Deserialize, Serialize};

/// Where the prices come from.
pub const PRICES_SOURCE: &str = "AWS Lambda pricing page, https://aws.amazon.com/lambda/pricing/ \
(regional rates as listed by the AWS Pricing Calculator, \
https://calculator.aws/pricing/2.0/meteredUnitMaps/lambda/USD/current/lambda.json)";

/// When the table was last checked against its source.
pub const PRICES_AS_OF: &str = "2026-11";

/// The region whose rates price a region that is not in the table.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Ephemeral storage up to this size is included in the price of every function.
const FREE_EPHEMERAL_STORAGE_MB: u32 = 512;

/// One region's on-demand rates, in USD.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RegionPrices {
    region: &'static str,
    /// Duration, first tier, per GB-second, x86_64.
    x86_64_gb_second: f64,
    /// Duration, first tier, per GB-second, arm64.
    arm64_gb_second: f64,
    /// Per million requests (the same for both architectures in every listed region).
    requests_per_million: f64,
    /// Ephemeral storage above 512 MB, per GB-second (the same for both architectures).
    ephemeral_storage_gb_second: f64,
}

const fn region(
    region: &'static str,
    x86_64_gb_second: f64,
    arm64_gb_second: f64,
    requests_per_million: f64,
    ephemeral_storage_gb_second: f64,
) -> RegionPrices {
    RegionPrices { region, x86_64_gb_second, arm64_gb_second, requests_per_million, ephemeral_storage_gb_second }
}

// us-east-1: the AWS Lambda pricing page ($0.0000166667 and $0.0000133334 per GB-second,
// $0.20 per million requests, $0.0000000309 per GB-second of ephemeral storage; also in the
// project's design notes, aws-facts.md "Pricing"). The other regions: the AWS Pricing
// Calculator's Lambda price list (calculator.aws/…/lambda.json: "Lambda Duration",
// "Lambda Duration-ARM", "Lambda Requests", "Lambda Storage-Duration"), as transcribed in
// remotion-dev/remotion packages/lambda-client/src/price-per-1s.ts (commit 984974ab).
// Cross-checks: that list's us-east-1 rates equal the pricing page's, and its af-south-1,
// ap-east-1, eu-south-1 and me-south-1 GB-second rates (x86_64 and arm64) equal those in
// the artillery npm package (2.0.28, lib/platform/aws-lambda/prices.js). Regions in
// neither source (me-central-1, il-central-1, ap-south-2, …) are deliberately absent and
// fall back to us-east-1 rather than carry a guessed price.
const PRICES: &[RegionPrices] = &[
    region("us-east-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000309),
    region("us-east-2", 0.0000166667, 0.0000133334, 0.20, 0.0000000309),
    region("us-west-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("us-west-2", 0.0000166667, 0.0000133334, 0.20, 0.0000000309),
    region("ca-central-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000340),
    region("sa-east-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000586),
    region("eu-west-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000340),
    region("eu-west-2", 0.0000166667, 0.0000133334, 0.20, 0.0000000358),
    region("eu-west-3", 0.0000166667, 0.0000133334, 0.20, 0.0000000358),
    region("eu-central-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000367),
    region("eu-central-2", 0.0000183334, 0.0000146667, 0.22, 0.0000000441),
    region("eu-north-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000323),
    region("eu-south-1", 0.0000195172, 0.0000156138, 0.23, 0.0000000357),
    region("me-south-1", 0.0000206667, 0.0000165334, 0.25, 0.0000000374),
    region("af-south-1", 0.0000221000, 0.0000176800, 0.27, 0.0000000404),
    region("ap-east-1", 0.0000229200, 0.0000183000, 0.28, 0.0000000407),
    region("ap-south-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000352),
    region("ap-northeast-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("ap-northeast-2", 0.0000166667, 0.0000133334, 0.20, 0.0000000352),
    region("ap-northeast-3", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("ap-southeast-1", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("ap-southeast-2", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("ap-southeast-4", 0.0000166667, 0.0000133334, 0.20, 0.0000000370),
    region("ap-southeast-5", 0.0000150000, 0.0000120000, 0.18, 0.0000000333),
];

fn prices_of(region: &str) -> Option<&'static RegionPrices> {
    PRICES.iter().find(|prices| prices.region == region)
}

/// The estimated cost of one invocation, with what it was computed from. All amounts in
/// USD; f64 because they cross to JavaScript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostEstimate {
    pub total_usd: f64,
    /// Billed duration × memory × the GB-second rate of the architecture.
    pub duration_usd: f64,
    /// One request.
    pub request_usd: f64,
    /// Ephemeral storage above 512 MB for the billed duration.
    pub ephemeral_storage_usd: f64,
    /// Billed seconds × memory in GB (1 GB = 1024 MB, as Lambda bills).
    pub gb_seconds: f64,
    /// The region whose rates were used: the function's, or us-east-1 when its region is
    /// not in the table.
    pub priced_as_region: String,
    pub region_in_table: bool,
    /// The architecture that was priced: "x86_64" or "arm64".
    pub architecture: String,
    pub source: String,
    pub as_of: String,
}

/// Estimates one invocation's on-demand cost, without the free tier: duration (first price
/// tier) plus one request plus ephemeral storage above 512 MB. `architecture` is Lambda's
/// "x86_64" or "arm64"; anything else is priced as x86_64, Lambda's default. A region not
/// in the table is priced at us-east-1's rates and the estimate says so.
pub fn estimate_cost(
    region: &str,
    architecture: &str,
    billed_duration_ms: f64,
    memory_size_mb: u32,
    ephemeral_storage_mb: u32,
) -> CostEstimate {
    let rates = Rates::of(region, architecture);
    let figures = rates.price(1.0, billed_duration_ms, memory_size_mb, ephemeral_storage_mb);
    CostEstimate {
        total_usd: figures.total_usd(),
        duration_usd: figures.duration_usd,
        request_usd: figures.request_usd,
        ephemeral_storage_usd: figures.ephemeral_storage_usd,
        gb_seconds: figures.gb_seconds,
        priced_as_region: rates.prices.region.to_owned(),
        region_in_table: rates.region_in_table,
        architecture: rates.architecture_name().to_owned(),
        source: PRICES_SOURCE.to_owned(),
        as_of: PRICES_AS_OF.to_owned(),
    }
}

/// The estimated on-demand cost of a function over a time range, with what it was computed
/// from. All amounts in USD; f64 because they cross to JavaScript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RangeCost {
    pub total_usd: f64,
    /// One request per invocation.
    pub request_usd: f64,
    /// The range's GB-seconds × the GB-second rate of the architecture.
    pub duration_usd: f64,
    /// Ephemeral storage above 512 MB for the range's duration.
    pub ephemeral_storage_usd: f64,
    /// Seconds run × memory in GB (1 GB = 1024 MB, as Lambda bills).
    pub gb_seconds: f64,
    /// The invocations priced (the Invocations metric's sum over the range).
    pub invocations: f64,
    /// The region whose rates were used: the function's, or us-east-1 when its region is
    /// not in the table.
    pub priced_as_region: String,
    pub region_in_table: bool,
    /// The architecture that was priced: "x86_64" or "arm64".
    pub architecture: String,
    pub source: String,
    pub as_of: String,
}

/// Estimates a function's on-demand cost over a range from its CloudWatch metrics: the sum
/// of Invocations (`invocations`, one request each) and the Sum statistic of Duration
/// (`duration_sum_ms`), at the function's memory, architecture and ephemeral storage.
/// Without the free tier; prices as [`estimate_cost`] does (architecture, region fallback).
///
/// An estimate, and a slight underestimate: Duration Sum only approximates the billed
/// duration. Lambda bills each invocation's duration rounded up to the next millisecond,
/// while the metric adds the unrounded durations, so the bill can be up to 1 ms per
/// invocation higher; and a cold start's billed initialization is not in the Duration
/// metric. Memory and storage are today's settings, applied to the whole range.
pub fn estimate_range_cost(
    region: &str,
    architecture: &str,
    invocations: f64,
    duration_sum_ms: f64,
    memory_size_mb: u32,
    ephemeral_storage_mb: u32,
) -> RangeCost {
    let rates = Rates::of(region, architecture);
    // `max` also turns NaN into 0: a missing figure must not poison the total.
    let invocations = invocations.max(0.0);
    let figures = rates.price(invocations, duration_sum_ms, memory_size_mb, ephemeral_storage_mb);
    RangeCost {
        total_usd: figures.total_usd(),
        request_usd: figures.request_usd,
        duration_usd: figures.duration_usd,
        ephemeral_storage_usd: figures.ephemeral_storage_usd,
        gb_seconds: figures.gb_seconds,
        invocations,
        priced_as_region: rates.prices.region.to_owned(),
        region_in_table: rates.region_in_table,
        architecture: rates.architecture_name().to_owned(),
        source: PRICES_SOURCE.to_owned(),
        as_of: PRICES_AS_OF.to_owned(),
    }
}

/// The rates that price a region and architecture.
struct Rates {
    prices: &'static RegionPrices,
    region_in_table: bool,
    arm64: bool,
}

/// What a number of requests running a total duration cost, part by part.
struct Figures {
    gb_seconds: f64,
    duration_usd: f64,
    request_usd: f64,
    ephemeral_storage_usd: f64,
}

impl Figures {
    fn total_usd(&self) -> f64 {
        self.duration_usd + self.request_usd + self.ephemeral_storage_usd
    }
}

impl Rates {
    fn of(region: &str, architecture: &str) -> Rates {
        let (prices, region_in_table) = match prices_of(region) {
            Some(prices) => (prices, true),
            None => (prices_of(FALLBACK_REGION).expect("the fallback region is in the table"), false),
        };
        Rates { prices, region_in_table, arm64: architecture == "arm64" }
    }

    fn architecture_name(&self) -> &'static str {
        if self.arm64 {
            "arm64"
        } else {
            "x86_64"
        }
    }

    /// `requests` requests that ran `duration_ms` in all.
    fn price(&self, requests: f64, duration_ms: f64, memory_size_mb: u32, ephemeral_storage_mb: u32) -> Figures {
        let gb_second_rate = if self.arm64 { self.prices.arm64_gb_second } else { self.prices.x86_64_gb_second };
        // `max` also turns NaN into 0: a missing figure must not poison the total.
        let seconds = duration_ms.max(0.0) / 1000.0;
        let gb_seconds = seconds * f64::from(memory_size_mb) / 1024.0;
        let extra_storage_gb = f64::from(ephemeral_storage_mb.saturating_sub(FREE_EPHEMERAL_STORAGE_MB)) / 1024.0;
        Figures {
            gb_seconds,
            duration_usd: gb_seconds * gb_second_rate,
            request_usd: requests.max(0.0) * self.prices.requests_per_million / 1_000_000.0,
            ephemeral_storage_usd: seconds * extra_storage_gb * self.prices.ephemeral_storage_gb_second,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal within a relative 1e-9: the figures are products of decimal rates.
    fn assert_close(actual: f64, expected: f64) {
        let tolerance = expected.abs() * 1e-9 + 1e-18;
        assert!((actual - expected).abs() <= tolerance, "{actual:e} != {expected:e}");
    }

    #[test]
    fn x86_in_us_east_1() {
        // 100 ms at 128 MB = 0.1 s × 0.125 GB = 0.0125 GB-s.
        let estimate = estimate_cost("us-east-1", "x86_64", 100.0, 128, 512);
        assert_close(estimate.gb_seconds, 0.0125);
        assert_close(estimate.duration_usd, 0.0125 * 0.0000166667); // 2.0833375e-7
        assert_close(estimate.request_usd, 2e-7);
        assert_eq!(estimate.ephemeral_storage_usd, 0.0);
        assert_close(estimate.total_usd, 2.0833375e-7 + 2e-7);
        assert_eq!(estimate.priced_as_region, "us-east-1");
        assert!(estimate.region_in_table);
        assert_eq!(estimate.architecture, "x86_64");
        assert_eq!(estimate.source, PRICES_SOURCE);
        assert_eq!(estimate.as_of, "2026-11");
    }

    #[test]
    fn arm64_is_cheaper_per_gb_second() {
        // 1,000 ms at 1,024 MB = 1 GB-s.
        let estimate = estimate_cost("us-east-1", "arm64", 1000.0, 1024, 512);
        assert_close(estimate.gb_seconds, 1.0);
        assert_close(estimate.duration_usd, 0.0000133334);
        assert_close(estimate.total_usd, 0.0000133334 + 0.0000002);
        assert_eq!(estimate.architecture, "arm64");
    }

    #[test]
    fn unknown_architecture_is_priced_as_x86() {
        let estimate = estimate_cost("us-east-1", "riscv", 1000.0, 1024, 512);
        assert_close(estimate.duration_usd, 0.0000166667);
        assert_eq!(estimate.architecture, "x86_64");
    }

    #[test]
    fn ephemeral_storage_above_512_mb_is_billed() {
        // 2,000 ms with 1,536 MB of /tmp: 1,024 MB above the free 512 = 1 GB for 2 s.
        let estimate = estimate_cost("us-east-1", "x86_64", 2000.0, 128, 1536);
        assert_close(estimate.ephemeral_storage_usd, 2.0 * 0.0000000309);
        assert_close(estimate.gb_seconds, 0.25);
        assert_close(estimate.total_usd, 0.25 * 0.0000166667 + 2e-7 + 2.0 * 0.0000000309);
        // At or below 512 MB nothing is added.
        assert_eq!(estimate_cost("us-east-1", "x86_64", 2000.0, 128, 512).ephemeral_storage_usd, 0.0);
        assert_eq!(estimate_cost("us-east-1", "x86_64", 2000.0, 128, 0).ephemeral_storage_usd, 0.0);
    }

    #[test]
    fn another_region_uses_its_own_rates() {
        // Cape Town: $0.0000221 per GB-s (x86_64), $0.27 per million requests.
        let estimate = estimate_cost("af-south-1", "x86_64", 1000.0, 1024, 512);
        assert_close(estimate.duration_usd, 0.0000221);
        assert_close(estimate.request_usd, 0.27e-6);
        assert_eq!(estimate.priced_as_region, "af-south-1");
        assert!(estimate.region_in_table);
        let arm = estimate_cost("eu-central-2", "arm64", 1000.0, 1024, 1536);
        assert_close(arm.duration_usd, 0.0000146667);
        assert_close(arm.ephemeral_storage_usd, 0.0000000441);
    }

    #[test]
    fn unknown_region_falls_back_to_us_east_1_and_says_so() {
        let estimate = estimate_cost("xx-nowhere-9", "arm64", 100.0, 128, 512);
        assert_eq!(estimate.priced_as_region, "us-east-1");
        assert!(!estimate.region_in_table);
        let us_east_1 = estimate_cost("us-east-1", "arm64", 100.0, 128, 512);
        assert_eq!(estimate, CostEstimate { region_in_table: false, ..us_east_1 });
    }

    #[test]
    fn negative_or_missing_duration_costs_only_the_request() {
        for billed in [-5.0, f64::NAN, 0.0] {
            let estimate = estimate_cost("us-east-1", "x86_64", billed, 128, 1024);
            assert_eq!(estimate.duration_usd, 0.0);
            assert_eq!(estimate.ephemeral_storage_usd, 0.0);
            assert_close(estimate.total_usd, 2e-7);
        }
    }

    #[test]
    fn a_range_costs_what_its_invocations_cost_one_by_one() {
        // 1,000 invocations of 100 ms at 128 MB: 1,000 × 0.0125 GB-s = 12.5 GB-s.
        let range = estimate_range_cost("us-east-1", "x86_64", 1000.0, 100_000.0, 128, 512);
        assert_close(range.gb_seconds, 12.5);
        assert_close(range.duration_usd, 12.5 * 0.0000166667);
        assert_close(range.request_usd, 1000.0 * 0.20 / 1_000_000.0);
        assert_eq!(range.ephemeral_storage_usd, 0.0);
        assert_close(range.total_usd, 12.5 * 0.0000166667 + 0.0002);
        assert_eq!(range.invocations, 1000.0);
        let one = estimate_cost("us-east-1", "x86_64", 100.0, 128, 512);
        assert_close(range.total_usd, 1000.0 * one.total_usd);
        assert_close(range.gb_seconds, 1000.0 * one.gb_seconds);
        assert_eq!(
            (range.priced_as_region.as_str(), range.region_in_table, range.architecture.as_str()),
            ("us-east-1", true, "x86_64")
        );
        assert_eq!((range.source.as_str(), range.as_of.as_str()), (PRICES_SOURCE, PRICES_AS_OF));
    }

    #[test]
    fn a_range_is_priced_at_its_region_architecture_and_storage() {
        // Cape Town, arm64: 2 million invocations running 4,000 s in all at 2,048 MB with
        // 1,536 MB of /tmp (1 GB above the free 512 MB).
        let range = estimate_range_cost("af-south-1", "arm64", 2_000_000.0, 4_000_000.0, 2048, 1536);
        assert_close(range.gb_seconds, 8000.0);
        assert_close(range.duration_usd, 8000.0 * 0.0000176800);
        assert_close(range.request_usd, 2.0 * 0.27);
        assert_close(range.ephemeral_storage_usd, 4000.0 * 0.0000000404);
        assert_close(range.total_usd, 8000.0 * 0.0000176800 + 0.54 + 4000.0 * 0.0000000404);
        assert_eq!(range.architecture, "arm64");

        let elsewhere = estimate_range_cost("xx-nowhere-9", "riscv", 10.0, 1000.0, 1024, 512);
        assert_eq!((elsewhere.priced_as_region.as_str(), elsewhere.region_in_table), ("us-east-1", false));
        assert_eq!(elsewhere.architecture, "x86_64");
        assert_close(elsewhere.duration_usd, 0.0000166667);
    }

    #[test]
    fn a_range_without_invocations_or_with_missing_figures_costs_nothing_extra() {
        let idle = estimate_range_cost("eu-west-1", "x86_64", 0.0, 0.0, 1024, 10_240);
        assert_eq!((idle.total_usd, idle.gb_seconds, idle.invocations), (0.0, 0.0, 0.0));
        for bad in [-5.0, f64::NAN] {
            let range = estimate_range_cost("eu-west-1", "x86_64", bad, bad, 1024, 10_240);
            assert_eq!((range.total_usd, range.invocations), (0.0, 0.0), "{bad}");
        }
        // Invocations without a duration (the Duration metric missing): only the requests.
        let requests_only = estimate_range_cost("eu-west-1", "x86_64", 5.0, f64::NAN, 1024, 512);
        assert_close(requests_only.total_usd, 5.0 * 0.2e-6);
    }

    #[test]
    fn the_table_is_well_formed() {
        assert!(prices_of(FALLBACK_REGION).is_some());
        for (i, prices) in PRICES.iter().enumerate() {
            assert!(PRICES[..i].iter().all(|other| other.region != prices.region), "{} twice", prices.region);
            assert!(
                prices.arm64_gb_second > 0.0 && prices.arm64_gb_second < prices.x86_64_gb_second,
                "{}",
                prices.region
            );
            assert!(prices.requests_per_million > 0.0 && prices.requests_per_million < 1.0, "{}", prices.region);
            assert!(prices.ephemeral_storage_gb_second > 0.0 && prices.ephemeral_storage_gb_second < 1e-6);
        }
    }
}
