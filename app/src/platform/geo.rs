//! Positions and distances on the ground.

use serde::{Deserialize, Serialize};

/// A WGS84 coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub lat: f64,
    pub lng: f64,
}

const EARTH_RADIUS_M: f64 = 6_371_000.0;

impl Position {
    /// Checks that the coordinate exists on Earth.
    pub fn new(lat: f64, lng: f64) -> Option<Position> {
        let valid = lat.is_finite()
            && lng.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lng);
        valid.then_some(Position { lat, lng })
    }

    /// Great-circle distance in metres (haversine): good to a few metres across a city.
    pub fn distance_m(self, other: Position) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlng = (other.lng - self.lng).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }

    /// The latitude and longitude bounds of a square around this point that holds every point
    /// within `radius_m`: a cheap first cut an index can answer, refined with `distance_m`.
    pub fn bounding_box(self, radius_m: f64) -> BoundingBox {
        // One degree of latitude is ~111 km everywhere; a degree of longitude shrinks with cos(lat).
        let dlat = radius_m / 111_000.0;
        let dlng = dlat / self.lat.to_radians().cos().max(0.01);
        BoundingBox {
            min_lat: self.lat - dlat,
            max_lat: self.lat + dlat,
            min_lng: self.lng - dlng,
            max_lng: self.lng + dlng,
        }
    }
}

/// A latitude/longitude rectangle, for `BETWEEN` in a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lng: f64,
    pub max_lng: f64,
}

/// The fastest a rider is believed to move, scooters on a clear road included (180 km/h).
pub const FASTEST_RIDER_M_PER_S: f64 = 50.0;

/// How far a phone's fix wanders while it stands still, and how far a typed position may sit from
/// the phone's: a jump within this is never refused.
pub const POSITION_SLACK_M: f64 = 1_000.0;

/// Whether a rider could have gone from `from` to `to` in `elapsed_s` seconds. A position that
/// jumps farther is a mistyped coordinate or a forged report; it would put the rider in range of
/// deliveries on the other side of the city.
pub fn plausible_move(from: Position, to: Position, elapsed_s: f64) -> bool {
    from.distance_m(to) <= POSITION_SLACK_M + elapsed_s.max(0.0) * FASTEST_RIDER_M_PER_S
}

/// Formats a distance the way a person reads it: "450 m", "1.2 km".
pub fn format_distance(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() as i64 * 10)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// Why the browser gave no position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPosition {
    /// The browser has no geolocation (or refused to be asked).
    Unsupported,
    /// The person said no, or the phone had no fix.
    Refused,
}

/// Asks the browser where it is and calls `answer` once with what it said.
#[cfg(feature = "hydrate")]
pub fn ask_browser_position(answer: impl FnOnce(Result<Position, NoPosition>) + 'static) {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(geolocation) = leptos::prelude::window().navigator().geolocation() else {
        answer(Err(NoPosition::Unsupported));
        return;
    };
    // The browser calls one of the two callbacks; both hold the one answer.
    let answer = Rc::new(RefCell::new(Some(answer)));
    let reply = {
        let answer = answer.clone();
        move |said: Result<Position, NoPosition>| {
            if let Some(answer) = answer.borrow_mut().take() {
                answer(said);
            }
        }
    };
    let on_error = reply.clone();
    let found = Closure::once_into_js(move |position: web_sys::Position| {
        let coords = position.coords();
        reply(Position::new(coords.latitude(), coords.longitude()).ok_or(NoPosition::Refused));
    });
    let refused = Closure::once_into_js(move |_: wasm_bindgen::JsValue| {
        on_error(Err(NoPosition::Refused));
    });
    let asked = geolocation.get_current_position_with_error_callback(
        found.unchecked_ref(),
        Some(refused.unchecked_ref()),
    );
    if asked.is_err() {
        if let Some(answer) = answer.borrow_mut().take() {
            answer(Err(NoPosition::Unsupported));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seongsu_station_to_gangnam_station_is_about_six_km() {
        let seongsu = Position::new(37.5446, 127.0557).expect("valid");
        let gangnam = Position::new(37.4979, 127.0276).expect("valid");
        let d = seongsu.distance_m(gangnam);
        assert!((5_700.0..6_000.0).contains(&d), "got {d}");
    }

    #[test]
    fn coordinates_off_the_globe_are_rejected() {
        assert!(Position::new(91.0, 0.0).is_none());
        assert!(Position::new(0.0, -181.0).is_none());
        assert!(Position::new(f64::NAN, 0.0).is_none());
    }

    #[test]
    fn the_bounding_box_holds_every_point_within_its_radius() {
        let seongsu = Position::new(37.5446, 127.0557).expect("valid");
        let square = seongsu.bounding_box(3_000.0);
        for bearing in 0..36 {
            let angle = f64::from(bearing * 10).to_radians();
            // A point 2.99 km away in each direction, by the same spherical approximation.
            let lat = seongsu.lat + 2_990.0 / 111_000.0 * angle.cos();
            let lng =
                seongsu.lng + 2_990.0 / 111_000.0 * angle.sin() / seongsu.lat.to_radians().cos();
            let p = Position { lat, lng };
            assert!(seongsu.distance_m(p) < 3_000.0, "bearing {bearing}");
            assert!(
                (square.min_lat..=square.max_lat).contains(&p.lat),
                "bearing {bearing}"
            );
            assert!(
                (square.min_lng..=square.max_lng).contains(&p.lng),
                "bearing {bearing}"
            );
        }
    }

    #[test]
    fn a_rider_moves_no_faster_than_a_scooter() {
        let seongsu = Position::new(37.5446, 127.0557).expect("valid");
        let gangnam = Position::new(37.4979, 127.0276).expect("valid");
        let busan = Position::new(35.1796, 129.0756).expect("valid");
        // Standing still, or the fix wandering a few hundred metres, at once: fine.
        assert!(plausible_move(seongsu, seongsu, 0.0));
        assert!(plausible_move(
            seongsu,
            Position {
                lat: 37.5480,
                ..seongsu
            },
            0.0
        ));
        // Six kilometres at once is a jump; after ten minutes it is a ride.
        assert!(!plausible_move(seongsu, gangnam, 5.0));
        assert!(plausible_move(seongsu, gangnam, 600.0));
        // Seoul to Busan in an hour is not a scooter.
        assert!(!plausible_move(seongsu, busan, 3_600.0));
        // A clock that ran backwards counts as no time at all.
        assert!(!plausible_move(seongsu, gangnam, -600.0));
    }

    #[test]
    fn distances_read_like_a_person_would_say_them() {
        assert_eq!(format_distance(448.0), "450 m");
        assert_eq!(format_distance(1_234.0), "1.2 km");
    }
}
