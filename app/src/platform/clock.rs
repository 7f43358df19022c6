//! The time as pages show it: Korean time of day, and a clock that ticks in the browser.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::store::hours::kst;

/// "14:05", in Korean time.
pub fn time_of_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&kst()).format("%H:%M").to_string()
}

/// "4:05" or "0:30" left until `deadline`; "0:00" once it has passed.
pub fn countdown(now: DateTime<Utc>, deadline: DateTime<Utc>) -> String {
    let seconds = (deadline - now).num_seconds().max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The current time, updated every second in the browser. It starts at the server's render time
/// while the browser replays the server's first frame, so a countdown or a time-bound button
/// hydrates exactly as the server rendered it.
pub fn ticking_now() -> Signal<DateTime<Utc>> {
    let now = RwSignal::new(super::first_frame::now_for_this_frame());
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(Utc::now()),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    now.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_read_in_korean_time() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 24, 5, 5, 0)
            .single()
            .expect("valid");
        assert_eq!(time_of_day(at), "14:05");
    }

    #[test]
    fn countdown_stops_at_zero() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 24, 5, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(countdown(now, now + chrono::Duration::seconds(245)), "4:05");
        assert_eq!(countdown(now, now - chrono::Duration::seconds(5)), "0:00");
    }
}
