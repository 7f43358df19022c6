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
}

/// Formats a distance the way a person reads it: "450 m", "1.2 km".
pub fn format_distance(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", (metres / 10.0).round() as i64 * 10)
    } else {
        format!("{:.1} km", metres / 1000.0)
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
    fn distances_read_like_a_person_would_say_them() {
        assert_eq!(format_distance(448.0), "450 m");
        assert_eq!(format_distance(1_234.0), "1.2 km");
    }
}
