//! Opening hours: when a store takes orders, in Korea's time zone.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::clock::kst;

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

    /// What these hours look like on screen.
    pub fn shown(self) -> ShownHours {
        if self.is_all_day() {
            ShownHours::AllDay
        } else {
            ShownHours::Between {
                opens: self.opens,
                closes: self.closes,
            }
        }
    }
}

/// One day's hours as people read them; the page words them in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShownHours {
    AllDay,
    Between { opens: u16, closes: u16 },
    Closed,
}

impl ShownHours {
    /// "10:00–22:00", "Open 24 hours" or "24시간 영업", "Closed today" or "오늘 휴무".
    pub fn in_language(self, locale: Locale) -> String {
        match self {
            ShownHours::AllDay => td_string!(locale, hours.all_day).to_owned(),
            ShownHours::Closed => td_string!(locale, hours.closed_today).to_owned(),
            ShownHours::Between { opens, closes } => format!("{}–{}", clock(opens), clock(closes)),
        }
    }
}

impl std::fmt::Display for ShownHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

/// When the kitchen's working day that holds `now` began: 04:00 in Korea. A late shift's orders
/// after midnight belong to the evening they started in, not to a new day.
pub fn working_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    const DAY_STARTS_AT_HOUR: u32 = 4;
    let local = now.with_timezone(&kst());
    let date = if local.hour() < DAY_STARTS_AT_HOUR {
        local.date_naive() - chrono::Days::new(1)
    } else {
        local.date_naive()
    };
    date.and_hms_opt(DAY_STARTS_AT_HOUR, 0, 0)
        .and_then(|start| start.and_local_timezone(kst()).single())
        .map_or(now, |start| start.with_timezone(&Utc))
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

/// Today's hours as shown to people, or closed today.
pub fn label_for_today(week: &[DayHours], now: DateTime<Utc>) -> ShownHours {
    let today = now.with_timezone(&kst()).weekday().num_days_from_monday() as u8;
    week.iter()
        .find(|day| day.weekday == today)
        .map_or(ShownHours::Closed, |day| day.shown())
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

/// Minutes after midnight as "HH:MM"; the end of the day (1440) reads "00:00".
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", (minutes / 60) % 24, minutes % 60)
}

/// A weekday's name (0 = Monday) in `locale`.
pub fn weekday_name(locale: Locale, weekday: u8) -> &'static str {
    match weekday {
        0 => td_string!(locale, setup.mon),
        1 => td_string!(locale, setup.tue),
        2 => td_string!(locale, setup.wed),
        3 => td_string!(locale, setup.thu),
        4 => td_string!(locale, setup.fri),
        5 => td_string!(locale, setup.sat),
        _ => td_string!(locale, setup.sun),
    }
}

/// Why the owner's hours form cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoursProblem {
    NoSuchWeekday {
        weekday: u8,
    },
    DayTwice {
        weekday: u8,
    },
    NotATime {
        weekday: u8,
        closing: bool,
        typed: String,
    },
}

impl HoursProblem {
    /// The sentence for the owner, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            HoursProblem::NoSuchWeekday { weekday } => {
                td_string!(locale, error.no_such_weekday, weekday = *weekday)
            }
            HoursProblem::DayTwice { weekday } => td_string!(
                locale,
                error.day_twice,
                day = weekday_name(locale, *weekday)
            ),
            HoursProblem::NotATime {
                weekday,
                closing,
                typed,
            } => {
                let day = weekday_name(locale, *weekday);
                let typed = typed.clone();
                if *closing {
                    td_string!(locale, error.closing_not_a_time, day, typed)
                } else {
                    td_string!(locale, error.opening_not_a_time, day, typed)
                }
            }
        }
    }
}

impl std::fmt::Display for HoursProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

/// One day as the owner's hours form sends it: open or not, and two "HH:MM" clock times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayForm {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub open: bool,
    pub opens: String,
    pub closes: String,
}

impl DayForm {
    /// The form as it starts for a day with `hours` (closed when `None`).
    pub fn from_hours(weekday: u8, hours: Option<DayHours>) -> Self {
        match hours {
            Some(day) => DayForm {
                weekday,
                open: true,
                opens: clock(day.opens),
                closes: clock(day.closes),
            },
            None => DayForm {
                weekday,
                open: false,
                opens: "10:00".into(),
                closes: "22:00".into(),
            },
        }
    }
}

/// Turns the owner's hours form into a week. The same opening and closing time means open all
/// day; a closing time before the opening time means the store closes after midnight.
pub fn week_from_form(days: &[DayForm]) -> Result<Vec<DayHours>, HoursProblem> {
    let mut seen = [false; 7];
    let mut week = Vec::new();
    for day in days {
        let weekday = day.weekday;
        let Some(seen) = seen.get_mut(usize::from(weekday)) else {
            return Err(HoursProblem::NoSuchWeekday { weekday });
        };
        if std::mem::replace(seen, true) {
            return Err(HoursProblem::DayTwice { weekday });
        }
        if !day.open {
            continue;
        }
        let read = |typed: &str, closing: bool| {
            parse_clock(typed).ok_or_else(|| HoursProblem::NotATime {
                weekday,
                closing,
                typed: typed.to_owned(),
            })
        };
        let (opens, closes) = (read(&day.opens, false)?, read(&day.closes, true)?);
        let (opens, closes) = match (opens, closes) {
            _ if opens == closes => (0, DAY_MINUTES),
            // "until 00:00" is the end of this day, not a shift past midnight.
            (opens, 0) => (opens, DAY_MINUTES),
            other => other,
        };
        week.push(DayHours {
            weekday: day.weekday,
            opens,
            closes,
        });
    }
    Ok(week)
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

    #[test]
    fn the_working_day_starts_at_four_in_the_morning_in_korea() {
        let kst_time = |day: u32, hour: u32, minute: u32| {
            kst()
                .with_ymd_and_hms(2026, 12, day, hour, minute, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        for (now, start) in [
            (kst_time(5, 18, 30), kst_time(5, 4, 0)),
            (kst_time(5, 4, 0), kst_time(5, 4, 0)),
            (kst_time(6, 1, 15), kst_time(5, 4, 0)),
            (kst_time(6, 3, 59), kst_time(5, 4, 0)),
        ] {
            assert_eq!(working_day_start(now), start, "at {now}");
        }
    }

    fn form(weekday: u8, open: bool, opens: &str, closes: &str) -> DayForm {
        DayForm {
            weekday,
            open,
            opens: opens.into(),
            closes: closes.into(),
        }
    }

    #[test]
    fn the_hours_form_becomes_a_week() {
        let week = week_from_form(&[
            form(0, true, "10:00", "22:00"),
            form(1, false, "10:00", "22:00"),
            form(4, true, "16:00", "02:00"),
            form(6, true, "00:00", "00:00"),
        ])
        .expect("valid hours");
        assert_eq!(
            week,
            vec![
                DayHours {
                    weekday: 0,
                    opens: 600,
                    closes: 1320
                },
                DayHours {
                    weekday: 4,
                    opens: 960,
                    closes: 120
                },
                DayHours {
                    weekday: 6,
                    opens: 0,
                    closes: DAY_MINUTES
                },
            ]
        );
        assert_eq!(week[2].shown().to_string(), "Open 24 hours");
    }

    #[test]
    fn the_hours_form_refuses_nonsense() {
        assert_eq!(
            week_from_form(&[form(2, true, "25:00", "22:00")])
                .unwrap_err()
                .to_string(),
            "Wednesday's opening time \"25:00\" is not a time of day. Use HH:MM, e.g. 10:30."
        );
        assert_eq!(
            week_from_form(&[form(2, true, "10:00", "9시")])
                .unwrap_err()
                .in_language(Locale::ko),
            "수요일 마감 시간 \"9시\"은(는) 시각이 아닙니다. 10:30처럼 HH:MM으로 써 주세요."
        );
        assert!(week_from_form(&[form(7, true, "10:00", "22:00")]).is_err());
        assert!(
            week_from_form(&[form(1, true, "10:00", "22:00"), form(1, false, "", "")]).is_err()
        );
        // A closed day's times are not read at all.
        assert_eq!(week_from_form(&[form(3, false, "", "junk")]), Ok(vec![]));
    }

    #[test]
    fn a_saved_week_fills_the_form_back() {
        let day = DayHours {
            weekday: 5,
            opens: 690,
            closes: DAY_MINUTES,
        };
        let filled = DayForm::from_hours(5, Some(day));
        assert_eq!(
            (filled.opens.as_str(), filled.closes.as_str()),
            ("11:30", "00:00")
        );
        assert_eq!(week_from_form(&[filled]), Ok(vec![day]));
    }

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
        assert_eq!(
            label_for_today(&week, kst_time(24, 3, 0)),
            ShownHours::AllDay
        );
        assert_eq!(ShownHours::AllDay.in_language(Locale::ko), "24시간 영업");
        assert_eq!(ShownHours::AllDay.in_language(Locale::en), "Open 24 hours");
    }

    #[test]
    fn labels_show_korean_local_time() {
        let week = every_day("11:30-21:00").expect("valid");
        assert_eq!(
            label_for_today(&week, kst_time(24, 12, 0)).to_string(),
            "11:30–21:00"
        );
        assert_eq!(
            label_for_today(&[], kst_time(24, 12, 0)),
            ShownHours::Closed
        );
    }

    #[test]
    fn malformed_hours_are_rejected() {
        assert!(every_day("25:00-02:00").is_none());
        assert!(every_day("10:00").is_none());
        assert!(every_day("10:00-10:00").is_none());
    }
}
