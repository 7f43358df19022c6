//! Places: turning what people type ("성수이로 113", "트리마제", "서울숲") or where their phone is
//! into an address and a point on the map, through the geocoding provider (Kakao Local).
//! Nobody is asked for a latitude and a longitude.

pub mod api;
#[cfg(feature = "ssr")]
pub mod geocoder;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::geo::Position;

/// A place the provider knows: its addresses as the provider writes them, and its point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The road-name address (도로명 주소), when the place has one.
    pub road_address: Option<String>,
    /// The lot-number address (지번 주소), which every place has.
    pub lot_address: String,
    /// The building or place name ("트리마제", "성수역"), when there is one.
    pub building: Option<String>,
    pub position: Position,
}

impl Place {
    /// The address a rider reads first: the road address, else the lot number.
    pub fn address(&self) -> &str {
        self.road_address.as_deref().unwrap_or(&self.lot_address)
    }
}

/// One page of matches for a search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaceMatches {
    pub places: Vec<Place>,
    /// Whether another page holds more.
    pub more: bool,
}

/// Why a search or a lookup found no place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchRefusal {
    /// No geocoding provider is configured on this server.
    SearchOff,
    /// The provider is down, slow or answered something that is not an answer.
    NotAnswering,
    /// A point outside Korea, where the provider has no addresses.
    OutsideKorea,
    /// No address lies at or near the point.
    NothingHere,
    PageOutOfRange,
    /// An address to save that the provider does not know (not one it offered).
    AddressUnknown,
    /// A typed address with the phone's point, on a server whose search could check it instead.
    SearchIsOn,
}

impl SearchRefusal {
    /// The sentence for the person searching, in `locale`.
    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            SearchRefusal::SearchOff => td_string!(locale, error.search_off),
            SearchRefusal::NotAnswering => td_string!(locale, error.search_not_answering),
            SearchRefusal::OutsideKorea => td_string!(locale, error.search_outside_korea),
            SearchRefusal::NothingHere => td_string!(locale, error.search_nothing_here),
            SearchRefusal::PageOutOfRange => td_string!(locale, error.search_page_out_of_range),
            SearchRefusal::AddressUnknown => td_string!(locale, error.search_address_unknown),
            SearchRefusal::SearchIsOn => td_string!(locale, error.search_is_on),
        }
    }
}

/// Whether `at` lies in South Korea's bounding box (Mara-do to the DMZ, Baengnyeong-do to Dokdo).
pub fn in_korea(at: Position) -> bool {
    (33.0..=38.7).contains(&at.lat) && (124.5..=132.0).contains(&at.lng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korea_is_inside_and_tokyo_and_the_sea_are_not() {
        let at = |lat, lng| Position::new(lat, lng).expect("on the map");
        assert!(in_korea(at(37.5446, 127.0557)), "Seongsu");
        assert!(in_korea(at(33.2, 126.3)), "Jeju");
        assert!(!in_korea(at(35.68, 139.76)), "Tokyo");
        assert!(!in_korea(at(0.0, 0.0)));
    }

    #[test]
    fn a_place_without_a_road_address_reads_by_its_lot_number() {
        let park = Place {
            road_address: None,
            lot_address: "서울 성동구 성수동1가 678-1".into(),
            building: Some("서울숲".into()),
            position: Position {
                lat: 37.5444,
                lng: 127.0374,
            },
        };
        assert_eq!(park.address(), "서울 성동구 성수동1가 678-1");
    }
}
