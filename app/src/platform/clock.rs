//! The time as pages show it: Korean time of day, and a clock that ticks in the browser.

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;

/// Korea Standard Time; Korea keeps no daylight saving, so a fixed offset is exact.
pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// "14:05", in Korean time.
pub fn time_of_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&kst()).format("%H:%M").to_string()
}

/// "2026-12-06 14:05", in Korean time: a day and a time that read the same in either language.
pub fn date_and_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&kst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "4:05" or "0:30" left until `deadline`; "0:00" once it has passed.
pub fn countdown(now: DateTime<Utc>, deadline: DateTime<Utc>) -> String {
    let seconds = (deadline - now).num_seconds().max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The current time, updated every second in the browser. It starts at the server's render time
/// while the browser replays the server's first frame, so a countdown or a time-bound button
/// hydrates exactly as the server rendered it.
///
/// Reference-counted rather than owned by the component that asks: a view being redrawn may run
/// a queued update of its closures once more after its component is gone, and a clock owned by
/// that component would then be read after its disposal (a panic seen once on the kitchen board).
/// Whoever still holds the clock can read it; the ticking stops with the component.
pub fn ticking_now() -> ArcReadSignal<DateTime<Utc>> {
    let now = ArcRwSignal::new(super::first_frame::now_for_this_frame());
    #[cfg(feature = "hydrate")]
    {
        let ticking = now.clone();
        if let Ok(handle) = set_interval_with_handle(
            move || ticking.set(Utc::now()),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    now.read_only()
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
        assert_eq!(date_and_time(at), "2026-11-24 14:05");
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
