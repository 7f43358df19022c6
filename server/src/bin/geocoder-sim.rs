//! The geocoding simulator as its own process (see `server::geocoder_sim`).
//!
//! Usage: `geocoder-sim [--port N] [--key KEY] [--latency-ms N] [--failing] [--test-controls]`.
//! The key defaults to `BAEDAL_GEOCODER_KEY`, else `demo-key`. It prints
//! `listening on http://ADDRESS` once it accepts connections (port 0 picks a free one).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{bail, Context, Result};
use server::geocoder_sim::{router, Switches, TestControls};
use server::simulators::serve_standalone;

struct Flags {
    port: u16,
    key: String,
    switches: Switches,
    controls: TestControls,
}

fn parse_args(args: impl Iterator<Item = String>, default_key: String) -> Result<Flags> {
    let mut flags = Flags {
        port: 4020,
        key: default_key,
        switches: Switches::default(),
        controls: TestControls::Absent,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => flags.port = value("--port")?.parse().context("--port is a number")?,
            "--key" => flags.key = value("--key")?,
            "--latency-ms" => {
                flags.switches.latency_ms = value("--latency-ms")?
                    .parse()
                    .context("--latency-ms is a number of milliseconds")?
            }
            "--failing" => flags.switches.failing = true,
            "--test-controls" => flags.controls = TestControls::Served,
            other => bail!(
                "unknown argument {other}; usage: geocoder-sim [--port N] [--key KEY] \
                 [--latency-ms N] [--failing] [--test-controls]"
            ),
        }
    }
    if flags.key.trim().is_empty() {
        bail!("--key must not be empty");
    }
    Ok(flags)
}

#[tokio::main]
async fn main() -> Result<()> {
    let default_key = std::env::var("BAEDAL_GEOCODER_KEY").unwrap_or_else(|_| "demo-key".into());
    let flags = parse_args(std::env::args().skip(1), default_key)?;
    serve_standalone(
        flags.port,
        router(&flags.key, flags.switches, flags.controls),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Flags> {
        parse_args(args.iter().map(|s| s.to_string()), "k".into())
    }

    #[test]
    fn flags_set_the_switches_and_bad_flags_say_why() {
        let flags = parse(&["--port", "0", "--key", "secret", "--failing"]).expect("valid");
        assert_eq!((flags.port, flags.key.as_str()), (0, "secret"));
        assert!(flags.switches.failing);
        assert_eq!(flags.controls, TestControls::Absent);
        assert!(parse(&["--key", " "]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
