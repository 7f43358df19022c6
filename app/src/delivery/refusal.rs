//! Why a rider's request does not fit where the rider is or what they are doing, worded in the
//! rider's language on the page.

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::geo::format_distance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RiderRefusal {
    OffDuty,
    FinishCurrentDelivery,
    SharePosition,
    BeyondRange {
        store: String,
        distance_m: f64,
        range_m: f64,
    },
    PositionOffMap,
    /// A reported position farther from the last one than a ride could have gone meanwhile.
    ImplausibleJump {
        distance_m: f64,
        seconds: u64,
    },
    /// An offline tap's key was first sent for another step.
    TapReused,
}

impl RiderRefusal {
    /// The sentence for the rider, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            RiderRefusal::OffDuty => td_string!(locale, error.rider_off_duty).to_owned(),
            RiderRefusal::FinishCurrentDelivery => {
                td_string!(locale, error.rider_finish_current).to_owned()
            }
            RiderRefusal::SharePosition => {
                td_string!(locale, error.rider_share_position).to_owned()
            }
            RiderRefusal::BeyondRange {
                store,
                distance_m,
                range_m,
            } => td_string!(
                locale,
                error.rider_beyond_range,
                store = store.clone(),
                distance = format_distance(*distance_m),
                range = format_distance(*range_m)
            ),
            RiderRefusal::PositionOffMap => {
                td_string!(locale, error.rider_position_off_map).to_owned()
            }
            RiderRefusal::ImplausibleJump {
                distance_m,
                seconds,
            } => td_string!(
                locale,
                error.rider_implausible_jump,
                distance = format_distance(*distance_m),
                ago = duration_in_words(locale, *seconds)
            ),
            RiderRefusal::TapReused => td_string!(locale, error.rider_tap_reused).to_owned(),
        }
    }
}

impl std::fmt::Display for RiderRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

/// "45 seconds", "12 minutes", "3 hours": as long ago as a person would round it.
fn duration_in_words(locale: Locale, seconds: u64) -> String {
    match seconds {
        0..=119 => td_string!(locale, error.seconds, n = seconds),
        120..=7199 => td_string!(locale, error.minutes, n = seconds / 60),
        _ => td_string!(locale, error.hours, n = seconds / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jump_is_told_in_the_riders_words_and_units() {
        let jump = RiderRefusal::ImplausibleJump {
            distance_m: 320_000.0,
            seconds: 600,
        };
        assert_eq!(
            jump.to_string(),
            "That position is 320.0 km from where you were 10 minutes ago, farther than a ride \
             could go. Check the numbers, or let the phone find your location."
        );
        assert_eq!(
            jump.in_language(Locale::ko),
            "10분 전 위치에서 320.0 km 떨어진 곳이라 이동할 수 없는 거리입니다. 숫자를 확인하거나 \
             휴대폰이 위치를 찾게 해 주세요."
        );
    }
}
