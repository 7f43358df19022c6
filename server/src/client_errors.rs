//! `POST /client-errors`: what a browser reports when its WebAssembly failed
//! (`app::platform::crash`). Each distinct report is logged once an hour, and no more than a
//! few lines a minute in all, so a broken release or a hostile client cannot flood the log.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::platform::crash::MAX_REPORT_BYTES;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;

/// How long a report already logged stays quiet.
const REPEAT_AFTER: Duration = Duration::from_secs(3600);
/// At most this many lines in one minute, whatever the reports say.
const LINES_PER_MINUTE: u32 = 20;
/// Distinct reports remembered at once; past this the memory starts afresh.
const REMEMBERED: usize = 1_000;

/// Which reports were logged lately.
#[derive(Clone)]
pub struct ClientErrorLog(Arc<Mutex<Seen>>);

struct Seen {
    since: Instant,
    reports: HashSet<String>,
    minute_started: Instant,
    lines_this_minute: u32,
}

impl ClientErrorLog {
    pub fn new(now: Instant) -> ClientErrorLog {
        ClientErrorLog(Arc::new(Mutex::new(Seen {
            since: now,
            reports: HashSet::new(),
            minute_started: now,
            lines_this_minute: 0,
        })))
    }

    /// Whether `report`, arriving at `now`, gets a line in the log.
    pub fn should_log(&self, report: &str, now: Instant) -> bool {
        let mut seen = match self.0.lock() {
            Ok(seen) => seen,
            Err(poisoned) => poisoned.into_inner(),
        };
        if now.duration_since(seen.since) >= REPEAT_AFTER || seen.reports.len() >= REMEMBERED {
            seen.since = now;
            seen.reports.clear();
        }
        if now.duration_since(seen.minute_started) >= Duration::from_secs(60) {
            seen.minute_started = now;
            seen.lines_this_minute = 0;
        }
        if seen.lines_this_minute >= LINES_PER_MINUTE || seen.reports.contains(report) {
            return false;
        }
        seen.reports.insert(report.to_owned());
        seen.lines_this_minute += 1;
        true
    }
}

/// Logs a browser's failure report; the browser does not wait for or read the answer.
pub async fn receive(State(log): State<ClientErrorLog>, body: Bytes) -> StatusCode {
    if body.len() > MAX_REPORT_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let Ok(report) = std::str::from_utf8(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let report: String = report
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if log.should_log(&report, Instant::now()) {
        tracing::error!(report = %report, "the browser app failed");
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_report_is_logged_once_an_hour() {
        let start = Instant::now();
        let log = ClientErrorLog::new(start);
        assert!(log.should_log("/orders: hydration error", start));
        assert!(!log.should_log(
            "/orders: hydration error",
            start + Duration::from_secs(59 * 60)
        ));
        assert!(log.should_log(
            "/orders: hydration error",
            start + Duration::from_secs(3600)
        ));
    }

    #[test]
    fn distinct_reports_are_capped_per_minute() {
        let start = Instant::now();
        let log = ClientErrorLog::new(start);
        let logged = (0..50)
            .filter(|n| log.should_log(&format!("error {n}"), start))
            .count();
        assert_eq!(logged, LINES_PER_MINUTE as usize);
        assert!(log.should_log("error 51", start + Duration::from_secs(60)));
    }
}
