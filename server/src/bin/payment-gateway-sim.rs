//! The payment-gateway simulator as its own process (see `server::payment_gateway_sim`).
//!
//! Usage: `payment-gateway-sim [--port N] [--latency-ms N] [--failure-rate F] [--overloaded]
//! [--test-controls]`. `--test-controls` serves `/control` and `/ledger`, for tests to switch
//! failures on and read what was charged. It prints `listening on http://ADDRESS` once it accepts connections (port 0 picks a free one).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{bail, Context, Result};
use server::payment_gateway_sim::{router, Switches, TestControls};
use server::simulators::serve_standalone;

/// Start-up flags.
fn parse_args(args: impl Iterator<Item = String>) -> Result<(u16, Switches, TestControls)> {
    let mut port = 4010;
    let mut switches = Switches::default();
    let mut controls = TestControls::Absent;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => port = value("--port")?.parse().context("--port is a number")?,
            "--latency-ms" => {
                switches.latency_ms = value("--latency-ms")?
                    .parse()
                    .context("--latency-ms is a number of milliseconds")?
            }
            "--failure-rate" => {
                switches.failure_rate = value("--failure-rate")?
                    .parse()
                    .context("--failure-rate is a share between 0.0 and 1.0")?
            }
            "--overloaded" => switches.overloaded = true,
            "--test-controls" => controls = TestControls::Served,
            other => bail!(
                "unknown argument {other}; usage: payment-gateway-sim [--port N] [--latency-ms N] \
                 [--failure-rate F] [--overloaded] [--test-controls]"
            ),
        }
    }
    if !(0.0..=1.0).contains(&switches.failure_rate) {
        bail!("--failure-rate is a share between 0.0 and 1.0");
    }
    Ok((port, switches, controls))
}

#[tokio::main]
async fn main() -> Result<()> {
    let (port, switches, controls) = parse_args(std::env::args().skip(1))?;
    serve_standalone(port, router(switches, controls)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_set_the_switches_and_bad_flags_say_why() {
        let args = ["--port", "0", "--latency-ms", "50", "--failure-rate", "0.1"];
        let (port, switches, controls) =
            parse_args(args.iter().map(|s| s.to_string())).expect("valid");
        assert_eq!(
            controls,
            TestControls::Absent,
            "controls only when asked for"
        );
        let (.., controls) =
            parse_args(["--test-controls"].iter().map(|s| s.to_string())).expect("valid");
        assert_eq!(controls, TestControls::Served);
        assert_eq!(port, 0);
        assert_eq!(switches.latency_ms, 50);
        assert_eq!(switches.failure_rate, 0.1);
        let error = parse_args(["--failure-rate", "2"].iter().map(|s| s.to_string()))
            .expect_err("a rate above 1");
        assert!(error.to_string().contains("between 0.0 and 1.0"));
        assert!(parse_args(["--fast"].iter().map(|s| s.to_string())).is_err());
    }
}
