//! Money in Korean won. KRW has no minor unit, so amounts are whole numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Korean won.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Won(pub i64);

impl fmt::Display for Won {
    /// "₩12,000", grouping thousands as Korean receipts do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}₩{grouped}")
    }
}

impl std::ops::Add for Won {
    type Output = Won;
    fn add(self, rhs: Won) -> Won {
        Won(self.0 + rhs.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Won;

    #[test]
    fn won_groups_thousands() {
        assert_eq!(Won(0).to_string(), "₩0");
        assert_eq!(Won(900).to_string(), "₩900");
        assert_eq!(Won(12_000).to_string(), "₩12,000");
        assert_eq!(Won(1_234_567).to_string(), "₩1,234,567");
        assert_eq!(Won(-3_000).to_string(), "-₩3,000");
    }
}
