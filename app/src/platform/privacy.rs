//! What a store and a rider may keep of a customer's address once the order is over.
//!
//! Korean delivery platforms agreed with the privacy regulator (2023) that after delivery the
//! partners no longer see the customer's unit, phone or note, and the rider's history keeps only
//! the neighbourhood. The full address stays with the order itself, which the customer owns,
//! until the customer leaves Baedal: then the order, too, keeps only the neighbourhood.

use super::events::OrderPlaced;
use super::geo::Position;

/// The administrative area an address lies in: the first word (the city or province) and the
/// districts after it (시, 군, 구, 읍, 면, 동 and 동N가), up to the road or the lot number.
/// "서울 성동구 왕십리로 16 (트리마제), 101동 1203호" becomes "서울 성동구".
pub fn neighbourhood(address: &str) -> String {
    let mut words = address.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let mut kept = vec![first];
    kept.extend(words.take_while(|word| is_district(word)));
    kept.join(" ")
}

/// Whether a word names an administrative district: Hangul, ending in a district's suffix.
fn is_district(word: &str) -> bool {
    let starts_in_hangul = word.chars().next().is_some_and(is_hangul_syllable);
    if !starts_in_hangul {
        return false;
    }
    if ["시", "군", "구", "읍", "면", "동"]
        .iter()
        .any(|suffix| word.ends_with(suffix))
    {
        return true;
    }
    // 성수동2가: a numbered part of a 동.
    word.strip_suffix('가')
        .map(|rest| rest.trim_end_matches(|c: char| c.is_ascii_digit()))
        .is_some_and(|rest| rest.len() < word.len() - '가'.len_utf8() && rest.ends_with('동'))
}

fn is_hangul_syllable(c: char) -> bool {
    ('가'..='힣').contains(&c)
}

/// The address and rider note a partner keeps of an order: all of it while the order is theirs
/// to serve, only the neighbourhood and no note once it is `over`.
pub fn kept_for_partners(address: &str, rider_note: &str, over: bool) -> (String, String) {
    if over {
        (neighbourhood(address), String::new())
    } else {
        (address.to_owned(), rider_note.to_owned())
    }
}

/// Where an order went, once the rider is done with it or its customer has left: about a
/// kilometre's square around the door (two decimals of a degree), enough for the operator's
/// figures and no more.
pub fn vicinity(at: Position) -> Position {
    let two_decimals = |degrees: f64| (degrees * 100.0).round() / 100.0;
    Position {
        lat: two_decimals(at.lat),
        lng: two_decimals(at.lng),
    }
}

/// What an order's snapshot keeps once its customer has left: the neighbourhood and the vicinity
/// of the door, and no note for the rider.
pub fn forget_the_door(placed: &mut OrderPlaced) {
    placed.delivery_address = neighbourhood(&placed.delivery_address);
    placed.rider_note.clear();
    placed.dropoff = vicinity(placed.dropoff);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vicinity_of_a_door_is_a_kilometre_square() {
        let door = Position {
            lat: 37.544_612,
            lng: 127.055_749,
        };
        assert_eq!(
            vicinity(door),
            Position {
                lat: 37.54,
                lng: 127.06
            }
        );
        assert!(door.distance_m(vicinity(door)) < 1_000.0);
    }

    #[test]
    fn a_road_address_keeps_its_city_and_district() {
        assert_eq!(
            neighbourhood("서울 성동구 왕십리로 16 (트리마제), 101동 1203호"),
            "서울 성동구"
        );
        assert_eq!(
            neighbourhood("경기 성남시 분당구 판교역로 235"),
            "경기 성남시 분당구"
        );
    }

    #[test]
    fn a_lot_address_keeps_its_dong_and_numbered_ga() {
        assert_eq!(
            neighbourhood("서울 성동구 성수동2가 280-3, 2층"),
            "서울 성동구 성수동2가"
        );
        assert_eq!(
            neighbourhood("강원 평창군 대관령면 횡계리 1"),
            "강원 평창군 대관령면"
        );
    }

    #[test]
    fn a_unit_or_building_named_like_a_district_is_never_kept() {
        // "101동" is a building of a complex, not a neighbourhood: it starts with a digit.
        assert_eq!(neighbourhood("서울 마포구 101동 1203호"), "서울 마포구");
        // A road's name after the districts stops the neighbourhood even if a 동 follows.
        assert_eq!(
            neighbourhood("서울 성동구 왕십리로 16 행당동"),
            "서울 성동구"
        );
        assert_eq!(neighbourhood("서울 성동구 1가"), "서울 성동구");
    }

    #[test]
    fn a_hand_typed_address_keeps_only_its_first_word() {
        assert_eq!(neighbourhood("Seoul, somewhere 12"), "Seoul,");
        assert_eq!(neighbourhood("   "), "");
    }

    #[test]
    fn partners_keep_everything_while_the_order_is_theirs_and_the_area_after() {
        let address = "서울 성동구 왕십리로 16 (트리마제), 101동 1203호";
        let note = "경비실에 맡겨 주세요";
        assert_eq!(
            kept_for_partners(address, note, false),
            (address.to_owned(), note.to_owned())
        );
        assert_eq!(
            kept_for_partners(address, note, true),
            ("서울 성동구".to_owned(), String::new())
        );
    }
}
