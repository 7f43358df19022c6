//! Whether a store has what a customer needs before it goes live, and the delivery terms its owner
//! sets within the platform's limits.

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::AppError;

/// One thing a store needs before it goes live, in the order the setup page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadinessItem {
    /// A position, from an address the provider found.
    Place,
    /// A phone customers and riders can call.
    Phone,
    /// Opening hours on at least one day.
    Hours,
    /// At least one dish on the menu.
    Dish,
    /// The delivery radius, minimum order and delivery fee, confirmed by the owner.
    Terms,
}

impl ReadinessItem {
    pub const ALL: [ReadinessItem; 5] = [
        ReadinessItem::Place,
        ReadinessItem::Phone,
        ReadinessItem::Hours,
        ReadinessItem::Dish,
        ReadinessItem::Terms,
    ];

    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            ReadinessItem::Place => td_string!(locale, readiness.place),
            ReadinessItem::Phone => td_string!(locale, readiness.phone),
            ReadinessItem::Hours => td_string!(locale, readiness.hours),
            ReadinessItem::Dish => td_string!(locale, readiness.dish),
            ReadinessItem::Terms => td_string!(locale, readiness.terms),
        }
    }
}

/// What a store has of what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Readiness {
    pub place: bool,
    pub phone: bool,
    pub hours: bool,
    pub dish: bool,
    pub terms: bool,
}

impl Readiness {
    pub fn has(&self, item: ReadinessItem) -> bool {
        match item {
            ReadinessItem::Place => self.place,
            ReadinessItem::Phone => self.phone,
            ReadinessItem::Hours => self.hours,
            ReadinessItem::Dish => self.dish,
            ReadinessItem::Terms => self.terms,
        }
    }

    /// What the store still lacks, in the checklist's order; empty when it may go live.
    pub fn missing(&self) -> Vec<ReadinessItem> {
        ReadinessItem::ALL
            .into_iter()
            .filter(|item| !self.has(*item))
            .collect()
    }
}

/// The delivery terms an owner may set: each between the platform's least and most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTerms {
    pub radius_m: u32,
    pub minimum_order_krw: i64,
    pub delivery_fee_krw: i64,
    pub prep_minutes: u16,
}

/// A delivery term, as a sentence names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    Radius,
    MinimumOrder,
    DeliveryFee,
    PrepMinutes,
}

impl Term {
    /// The least and the most the term may be.
    pub const fn limits(self) -> (i64, i64) {
        match self {
            // The schema holds the radius to these too; the store list searches by the most.
            Term::Radius => (100, 10_000),
            Term::MinimumOrder => (0, 100_000),
            Term::DeliveryFee => (0, 10_000),
            Term::PrepMinutes => (5, 120),
        }
    }

    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Term::Radius => td_string!(locale, readiness.term_radius),
            Term::MinimumOrder => td_string!(locale, readiness.term_minimum_order),
            Term::DeliveryFee => td_string!(locale, readiness.term_delivery_fee),
            Term::PrepMinutes => td_string!(locale, readiness.term_prep_minutes),
        }
    }
}

/// Why a store's setup or its going live is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoreProblem {
    /// The store lacks these, named in the sentence.
    NotReady {
        missing: Vec<ReadinessItem>,
    },
    AlreadyLive,
    /// The open/closed switch waits until the store is live.
    NotLiveYet,
    TermOutOfRange {
        term: Term,
        least: i64,
        most: i64,
    },
    /// An operator's suspension, lifted only by an operator.
    Suspended,
    /// The store is not suspended, so there is nothing to lift.
    NotSuspended,
    /// Not a Korean phone number with its area or mobile prefix.
    PhoneMalformed,
}

impl From<StoreProblem> for AppError {
    fn from(problem: StoreProblem) -> Self {
        AppError::Store(problem)
    }
}

impl StoreProblem {
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            StoreProblem::NotReady { missing } => {
                let missing = missing
                    .iter()
                    .map(|item| item.in_language(locale))
                    .collect::<Vec<_>>()
                    .join(", ");
                td_string!(locale, error.store_not_ready, missing)
            }
            StoreProblem::AlreadyLive => td_string!(locale, error.store_already_live).to_owned(),
            StoreProblem::NotLiveYet => td_string!(locale, error.store_not_live_yet).to_owned(),
            StoreProblem::TermOutOfRange { term, least, most } => td_string!(
                locale,
                error.term_out_of_range,
                term = term.in_language(locale),
                least = *least,
                most = *most
            ),
            StoreProblem::Suspended => td_string!(locale, error.store_suspended).to_owned(),
            StoreProblem::NotSuspended => td_string!(locale, error.store_not_suspended).to_owned(),
            StoreProblem::PhoneMalformed => {
                td_string!(locale, error.store_phone_malformed).to_owned()
            }
        }
    }

    /// Whether the refusal is about where the store stands rather than what was typed.
    pub fn is_conflict(&self) -> bool {
        !matches!(
            self,
            StoreProblem::TermOutOfRange { .. } | StoreProblem::PhoneMalformed
        )
    }
}

impl DeliveryTerms {
    /// The terms, if each lies within its limits; else the first that does not.
    pub fn check(self) -> Result<DeliveryTerms, StoreProblem> {
        let values = [
            (Term::Radius, i64::from(self.radius_m)),
            (Term::MinimumOrder, self.minimum_order_krw),
            (Term::DeliveryFee, self.delivery_fee_krw),
            (Term::PrepMinutes, i64::from(self.prep_minutes)),
        ];
        for (term, value) in values {
            let (least, most) = term.limits();
            if !(least..=most).contains(&value) {
                return Err(StoreProblem::TermOutOfRange { term, least, most });
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_with_everything_misses_nothing() {
        let ready = Readiness {
            place: true,
            phone: true,
            hours: true,
            dish: true,
            terms: true,
        };
        assert!(ready.missing().is_empty());
    }

    #[test]
    fn what_is_missing_is_named_in_the_checklist_order() {
        let new_store = Readiness {
            place: true,
            phone: true,
            ..Readiness::default()
        };
        assert_eq!(
            new_store.missing(),
            [
                ReadinessItem::Hours,
                ReadinessItem::Dish,
                ReadinessItem::Terms
            ]
        );
        assert_eq!(Readiness::default().missing(), ReadinessItem::ALL);
    }

    #[test]
    fn terms_outside_the_limits_are_refused_naming_the_term_and_its_limits() {
        let terms = DeliveryTerms {
            radius_m: 2_000,
            minimum_order_krw: 12_000,
            delivery_fee_krw: 3_000,
            prep_minutes: 20,
        };
        assert_eq!(terms.check(), Ok(terms));
        let cases = [
            (
                DeliveryTerms {
                    radius_m: 50,
                    ..terms
                },
                Term::Radius,
            ),
            (
                DeliveryTerms {
                    radius_m: 10_001,
                    ..terms
                },
                Term::Radius,
            ),
            (
                DeliveryTerms {
                    minimum_order_krw: -1,
                    ..terms
                },
                Term::MinimumOrder,
            ),
            (
                DeliveryTerms {
                    delivery_fee_krw: 10_001,
                    ..terms
                },
                Term::DeliveryFee,
            ),
            (
                DeliveryTerms {
                    prep_minutes: 4,
                    ..terms
                },
                Term::PrepMinutes,
            ),
        ];
        for (terms, term) in cases {
            let (least, most) = term.limits();
            assert_eq!(
                terms.check(),
                Err(StoreProblem::TermOutOfRange { term, least, most })
            );
        }
    }
}
