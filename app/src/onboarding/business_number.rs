//! The business registration number (사업자등록번호) a store owner applies with: ten digits, the
//! last of which is a check digit over the other nine, so a number mistyped by one digit or two
//! swapped neighbours is caught before anyone reviews it.

use serde::{Deserialize, Serialize};

use super::ApplicationProblem;

/// Ten digits whose check digit holds, kept without the hyphens people type (`2208162517`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessNumber(String);

/// The weights of the first nine digits, as the National Tax Service sets them.
const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

impl BusinessNumber {
    /// The number as typed (`220-81-62517`, `220 81 62517` or `2208162517`), if it is ten digits
    /// and its check digit holds.
    pub fn parse(typed: &str) -> Result<BusinessNumber, ApplicationProblem> {
        let digits: String = typed.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApplicationProblem::BusinessNumberMalformed);
        }
        let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let weighted: u32 = values.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        // The ninth digit counts once more: the tens of its product with 5.
        let sum = weighted + values[8] * 5 / 10;
        let check = (10 - sum % 10) % 10;
        if check != values[9] {
            return Err(ApplicationProblem::BusinessNumberCheckDigit);
        }
        Ok(BusinessNumber(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// As it is printed on a registration certificate: `220-81-62517`.
    pub fn shown(&self) -> String {
        format!("{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_numbers_hold_however_they_are_typed() {
        for typed in [
            "220-81-62517",
            "2208162517",
            " 124 81 00998 ",
            "124-81-00998",
        ] {
            let number = BusinessNumber::parse(typed.trim()).expect(typed);
            assert_eq!(number.digits().len(), 10);
        }
        assert_eq!(
            BusinessNumber::parse("2208162517").unwrap().shown(),
            "220-81-62517"
        );
    }

    #[test]
    fn one_wrong_digit_is_caught_by_the_check_digit() {
        assert_eq!(
            BusinessNumber::parse("220-81-62518"),
            Err(ApplicationProblem::BusinessNumberCheckDigit)
        );
        assert_eq!(
            BusinessNumber::parse("220-81-63517"),
            Err(ApplicationProblem::BusinessNumberCheckDigit)
        );
    }

    #[test]
    fn swapped_neighbours_are_caught() {
        // 2208162517 with its 4th and 5th digits swapped.
        assert_eq!(
            BusinessNumber::parse("2201862517"),
            Err(ApplicationProblem::BusinessNumberCheckDigit)
        );
    }

    #[test]
    fn anything_but_ten_digits_is_malformed() {
        for typed in [
            "",
            "220-81-6251",
            "220-81-625170",
            "22O-81-62517",
            "220/81/62517",
        ] {
            assert_eq!(
                BusinessNumber::parse(typed),
                Err(ApplicationProblem::BusinessNumberMalformed),
                "{typed}"
            );
        }
    }
}
