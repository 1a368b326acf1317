//! The dispatch benchmark's table: one row per variant (mode and `maxInFlight`) with the medians
//! of its runs, a JSON line each, and the ratios of each variant's rate to the first variant's,
//! measured in the same run.

use serde_json::json;

use crate::stats::median;

/// What every variant shares.
pub struct Setup {
    pub events: usize,
    pub runs: usize,
    /// Offered events/s (0: unpaced).
    pub rate: f64,
    pub receiver_delay_ms: f64,
}

/// One variant as the table names it.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub mode: &'static str,
    pub max_in_flight: u8,
    pub batch_limit: u32,
}

/// What one run of one variant came to.
pub struct RunFigures {
    pub events_per_s: f64,
    pub requests_per_s: f64,
    pub latency: Option<(f64, f64, f64)>,
    /// The most requests the receiver saw at once.
    pub most_in_flight: usize,
}

/// Prints the table and the JSON lines for `runs[i]`, the runs of `variants[i]`.
pub fn report(setup: &Setup, variants: &[Row], runs: &[Vec<RunFigures>]) {
    println!(
        "{:>10} {:>6} {:>10} {:>10} {:>12} {:>8} {:>8} {:>8} {:>9}",
        "mode", "flight", "events", "events/s", "requests/s", "p50 ms", "p90 ms", "p99 ms", "at once"
    );
    let mut rates = Vec::new();
    for (variant, runs) in variants.iter().zip(runs) {
        rates.push(row(setup, *variant, runs));
    }
    let Some(first) = rates.first().copied().filter(|rate| *rate > 0.0) else { return };
    for (variant, rate) in variants.iter().zip(&rates).skip(1) {
        println!(
            "{}",
            json!({ "scenario": "dispatch-ratio", "variant": name(*variant), "baseline": name(variants[0]),
                "ratio": (rate / first * 100.0).round() / 100.0 })
        );
    }
}

/// One variant's row and JSON line; answers its median events/s.
fn row(setup: &Setup, variant: Row, runs: &[RunFigures]) -> f64 {
    let pick = |f: &dyn Fn(&RunFigures) -> f64| (median(&runs.iter().map(f).collect::<Vec<_>>()) * 10.0).round() / 10.0;
    let (events, requests) = (pick(&|r| r.events_per_s).round(), pick(&|r| r.requests_per_s).round());
    let at_once = pick(&|r| r.most_in_flight as f64);
    let latency = runs.iter().all(|r| r.latency.is_some()).then(|| {
        let at = |i: usize| pick(&|r| r.latency.map_or(0.0, |l| [l.0, l.1, l.2][i]));
        (at(0), at(1), at(2))
    });
    let (p50, p90, p99) =
        latency.map_or(("-".into(), "-".into(), "-".into()), |(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    println!(
        "{:>10} {:>6} {:>10} {events:>10} {requests:>12} {p50:>8} {p90:>8} {p99:>8} {at_once:>9}",
        variant.mode, variant.max_in_flight, setup.events
    );
    println!(
        "{}",
        json!({ "scenario": "dispatch", "mode": variant.mode, "max_in_flight": variant.max_in_flight,
            "events": setup.events, "runs": setup.runs, "batch_limit": variant.batch_limit,
            "offered_events_per_s": setup.rate, "receiver_delay_ms": setup.receiver_delay_ms,
            "events_per_s": events, "requests_per_s": requests,
            "latency_ms": latency.map(|(p50, p90, p99)| json!({ "p50": p50, "p90": p90, "p99": p99 })),
            "most_in_flight": at_once,
            "runs_events_per_s": runs.iter().map(|r| r.events_per_s.round()).collect::<Vec<_>>() })
    );
    events
}

fn name(variant: Row) -> String {
    format!("{} maxInFlight {}", variant.mode, variant.max_in_flight)
}
