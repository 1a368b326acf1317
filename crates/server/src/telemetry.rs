//! Structured logs with `tracing`, filtered by `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber once; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}

/// The end-to-end tests' logs: quiet unless `TEST_LOG` is set, then filtered by its value
/// (`TEST_LOG=1` shows `info`, `TEST_LOG=debug` or any `RUST_LOG`-style filter works too) and
/// written through the test harness, so that a passing test's logs stay hidden.
pub fn init_for_tests() {
    let Ok(wanted) = std::env::var("TEST_LOG") else { return };
    let filter = match wanted.trim() {
        "" | "1" | "true" => EnvFilter::new("info"),
        other => EnvFilter::try_new(other).unwrap_or_else(|_| EnvFilter::new("info")),
    };
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
}
