//! Opening hours: when a store takes orders, in Korea's time zone.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// Korea Standard Time; Korea keeps no daylight saving, so a fixed offset is exact.
pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Minutes in a day; a closing time of 1440 means midnight at the end of the day.
pub const DAY_MINUTES: u16 = 24 * 60;

/// One day's hours. `closes < opens` means the store closes after midnight (e.g. 16:00–02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub opens: u16,
    pub closes: u16,
}

impl DayHours {
    fn is_all_day(self) -> bool {
        self.opens == 0 && self.closes == DAY_MINUTES
    }

    fn runs_past_midnight(self) -> bool {
        self.closes < self.opens
    }

    /// "10:00–22:00", or "Open 24 hours".
    pub fn label(self) -> String {
        if self.is_all_day() {
            return "Open 24 hours".to_owned();
        }
        let clock = |m: u16| format!("{:02}:{:02}", (m / 60) % 24, m % 60);
        format!("{}–{}", clock(self.opens), clock(self.closes))
    }
}

/// Whether a store with `week` hours is open at `now`.
pub fn is_open_at(week: &[DayHours], now: DateTime<Utc>) -> bool {
    let local = now.with_timezone(&kst());
    let today = local.weekday().num_days_from_monday() as u8;
    let yesterday = (today + 6) % 7;
    let minute = (local.hour() * 60 + local.minute()) as u16;
    week.iter().any(|day| {
        if day.weekday == today {
            if day.runs_past_midnight() {
                minute >= day.opens
            } else {
                (day.opens..day.closes).contains(&minute)
            }
        } else {
            // Last night's late shift still running after midnight.
            day.weekday == yesterday && day.runs_past_midnight() && minute < day.closes
        }
    })
}

/// Today's hours as shown to people, or "Closed today".
pub fn label_for_today(week: &[DayHours], now: DateTime<Utc>) -> String {
    let today = now.with_timezone(&kst()).weekday().num_days_from_monday() as u8;
    week.iter()
        .find(|day| day.weekday == today)
        .map(|day| day.label())
        .unwrap_or_else(|| "Closed today".to_owned())
}

/// Parses "10:00-22:00" (or "24h") into the same hours for every day of the week.
pub fn every_day(spec: &str) -> Option<Vec<DayHours>> {
    let (opens, closes) = if spec == "24h" {
        (0, DAY_MINUTES)
    } else {
        let (open, close) = spec.split_once('-')?;
        (parse_clock(open)?, parse_clock(close)?)
    };
    if opens == closes {
        return None;
    }
    Some(
        (0..7)
            .map(|weekday| DayHours {
                weekday,
                opens,
                closes,
            })
            .collect(),
    )
}

fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// 2026-11-24 is a Tuesday (weekday 1).
    fn kst_time(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        kst()
            .with_ymd_and_hms(2026, 11, day, h, m, 0)
            .single()
            .expect("valid time")
            .with_timezone(&Utc)
    }

    #[test]
    fn daytime_store_is_open_between_its_hours_only() {
        let week = every_day("10:00-22:00").expect("valid");
        assert!(!is_open_at(&week, kst_time(24, 9, 59)));
        assert!(is_open_at(&week, kst_time(24, 10, 0)));
        assert!(is_open_at(&week, kst_time(24, 21, 59)));
        assert!(!is_open_at(&week, kst_time(24, 22, 0)));
    }

    #[test]
    fn late_night_store_stays_open_past_midnight() {
        let week = every_day("16:00-02:00").expect("valid");
        assert!(is_open_at(&week, kst_time(24, 23, 30)));
        assert!(is_open_at(&week, kst_time(25, 1, 59)));
        assert!(!is_open_at(&week, kst_time(25, 2, 0)));
        assert!(!is_open_at(&week, kst_time(25, 15, 59)));
    }

    #[test]
    fn late_shift_after_midnight_needs_last_nights_hours() {
        // Open only on Tuesday night: Wednesday 01:00 is still Tuesday's shift, Tuesday 01:00 is not.
        let week = vec![DayHours {
            weekday: 1,
            opens: 16 * 60,
            closes: 2 * 60,
        }];
        assert!(is_open_at(&week, kst_time(25, 1, 0)));
        assert!(!is_open_at(&week, kst_time(24, 1, 0)));
    }

    #[test]
    fn all_day_store_is_always_open() {
        let week = every_day("24h").expect("valid");
        for hour in 0..24 {
            assert!(is_open_at(&week, kst_time(24, hour, 30)), "at {hour}:30");
        }
        assert_eq!(label_for_today(&week, kst_time(24, 3, 0)), "Open 24 hours");
    }

    #[test]
    fn labels_show_korean_local_time() {
        let week = every_day("11:30-21:00").expect("valid");
        assert_eq!(label_for_today(&week, kst_time(24, 12, 0)), "11:30–21:00");
        assert_eq!(label_for_today(&[], kst_time(24, 12, 0)), "Closed today");
    }

    #[test]
    fn malformed_hours_are_rejected() {
        assert!(every_day("25:00-02:00").is_none());
        assert!(every_day("10:00").is_none());
        assert!(every_day("10:00-10:00").is_none());
    }
}
