//! The phone customers and riders call a store on: typed once in the owner's application, changed
//! on the store's setup page.

use super::readiness::StoreProblem;

/// A store's phone as typed (`02-123-4567`, `010 1234 5678`), kept as digits: a Korean number of
/// 9 to 11 digits with its area or mobile prefix.
pub fn store_phone(typed: &str) -> Result<String, StoreProblem> {
    let digits: String = typed
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '(' | ')'))
        .collect();
    let well_formed = (9..=11).contains(&digits.len())
        && digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit());
    if well_formed {
        Ok(digits)
    } else {
        Err(StoreProblem::PhoneMalformed)
    }
}

/// A phone kept as digits as people write it: `02-466-1234`, `031-123-4567`, `010-1234-5678`.
pub fn phone_shown(digits: &str) -> String {
    let prefix = if digits.starts_with("02") { 2 } else { 3 };
    if digits.len() < prefix + 5 || !digits.is_ascii() {
        return digits.to_owned();
    }
    let (area, rest) = digits.split_at(prefix);
    let (middle, last) = rest.split_at(rest.len() - 4);
    format!("{area}-{middle}-{last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_phones_take_area_codes_and_mobiles_only() {
        assert_eq!(store_phone("02-466-1234").as_deref(), Ok("024661234"));
        assert_eq!(store_phone("010 1234 5678").as_deref(), Ok("01012345678"));
        assert_eq!(store_phone("(031) 123-4567").as_deref(), Ok("0311234567"));
        for typed in [
            "",
            "466-1234",
            "+82 2 466 1234",
            "02-466-12345678",
            "02-466-12a4",
        ] {
            assert_eq!(
                store_phone(typed),
                Err(StoreProblem::PhoneMalformed),
                "{typed}"
            );
        }
    }

    #[test]
    fn store_phones_are_shown_as_people_write_them() {
        assert_eq!(phone_shown("024661234"), "02-466-1234");
        assert_eq!(phone_shown("0234661234"), "02-3466-1234");
        assert_eq!(phone_shown("0311234567"), "031-123-4567");
        assert_eq!(phone_shown("01012345678"), "010-1234-5678");
    }
}
