//! The owner's menu edits, checked before anything is written: names, prices, option rules.

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::money::Won;
use crate::platform::text::{Field, TextProblem, TextRule};

/// The most a dish may cost; anything above is taken for a typing slip.
pub const MAX_DISH_PRICE: Won = Won(1_000_000);
/// The most an option may add to a dish.
pub const MAX_OPTION_PRICE: Won = Won(100_000);

/// The most dishes one store's menu holds: a long menu is a few hundred, and every customer who
/// opens it reads them all.
pub const MAX_DISHES: i64 = 300;
/// The most option groups ("Size", "Spice", "Extras") one dish has.
pub const MAX_GROUPS_PER_DISH: i64 = 10;
/// The most choices in one option group.
pub const MAX_OPTIONS_PER_GROUP: i64 = 30;

/// A dish as the owner describes it, trimmed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dish {
    pub name: String,
    pub category: String,
    pub description: String,
    pub price: Won,
}

/// What is wrong with an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EditProblem {
    Text(TextProblem),
    Hours(super::hours::HoursProblem),
    NegativePrice { field: Field },
    PriceAboveMost { field: Field, most: Won },
    MostChoicesOutOfRange,
    LeastChoicesOutOfRange,
}

impl EditProblem {
    /// The sentence for the owner, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            EditProblem::Text(problem) => problem.in_language(locale),
            EditProblem::Hours(problem) => problem.in_language(locale),
            EditProblem::NegativePrice { field } => td_string!(
                locale,
                error.negative_price,
                field = field.in_language(locale)
            ),
            EditProblem::PriceAboveMost { field, most } => td_string!(
                locale,
                error.price_above_most,
                field = field.in_language(locale),
                most = *most
            ),
            EditProblem::MostChoicesOutOfRange => {
                td_string!(locale, error.most_choices_out_of_range).to_owned()
            }
            EditProblem::LeastChoicesOutOfRange => {
                td_string!(locale, error.least_choices_out_of_range).to_owned()
            }
        }
    }
}

impl std::fmt::Display for EditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

fn text(rule: TextRule, value: &str) -> Result<String, EditProblem> {
    rule.check(value).map_err(EditProblem::Text)
}

fn price(field: Field, krw: i64, most: Won) -> Result<Won, EditProblem> {
    if krw < 0 {
        return Err(EditProblem::NegativePrice { field });
    }
    if krw > most.0 {
        return Err(EditProblem::PriceAboveMost { field, most });
    }
    Ok(Won(krw))
}

/// Checks a dish before it is added or changed.
pub fn dish(
    name: &str,
    category: &str,
    description: &str,
    price_krw: i64,
) -> Result<Dish, EditProblem> {
    Ok(Dish {
        name: text(TextRule::line(Field::DishName, 100), name)?,
        category: text(TextRule::line(Field::MenuSection, 40), category)?,
        description: text(
            TextRule::line(Field::Description, 500)
                .optional()
                .multi_line(),
            description,
        )?,
        price: price(Field::Price, price_krw, MAX_DISH_PRICE)?,
    })
}

/// An option group such as "Size": its name and how many choices a customer makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    pub name: String,
    pub min: i16,
    pub max: i16,
}

/// Checks a new option group: at least `min`, at most `max` choices, `max` between 1 and 20.
pub fn option_group(name: &str, min: i16, max: i16) -> Result<GroupRule, EditProblem> {
    let name = text(TextRule::line(Field::OptionGroupName, 60), name)?;
    if !(1..=20).contains(&max) {
        return Err(EditProblem::MostChoicesOutOfRange);
    }
    if !(0..=max).contains(&min) {
        return Err(EditProblem::LeastChoicesOutOfRange);
    }
    Ok(GroupRule { name, min, max })
}

/// Checks one option: its name and what it adds to the price.
pub fn option(name: &str, price_delta_krw: i64) -> Result<(String, Won), EditProblem> {
    Ok((
        text(TextRule::line(Field::OptionName, 60), name)?,
        price(Field::ExtraPrice, price_delta_krw, MAX_OPTION_PRICE)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dish_is_trimmed_and_kept() {
        let checked = dish("  라볶이 ", "분식", "", 6000).expect("valid dish");
        assert_eq!(checked.name, "라볶이");
        assert_eq!(checked.category, "분식");
        assert_eq!(checked.price, Won(6000));
    }

    #[test]
    fn a_dish_needs_a_name_and_a_section() {
        assert_eq!(
            dish(" ", "분식", "", 1000).unwrap_err().to_string(),
            "Give the dish name."
        );
        assert_eq!(
            dish("라볶이", "", "", 1000).unwrap_err().to_string(),
            "Give the menu section."
        );
        assert_eq!(
            dish("라볶이", "", "", 1000)
                .unwrap_err()
                .in_language(Locale::ko),
            "메뉴 분류 항목을 입력해 주세요."
        );
    }

    #[test]
    fn prices_must_be_sane() {
        assert!(dish("라볶이", "분식", "", -1).is_err());
        assert!(dish("라볶이", "분식", "", 1_000_001).is_err());
        assert!(dish("라볶이", "분식", "", 0).is_ok());
        assert!(option("치즈", -500).is_err());
        assert!(option("치즈", 100_001).is_err());
        assert_eq!(option(" 치즈 ", 500), Ok(("치즈".into(), Won(500))));
    }

    #[test]
    fn long_text_is_refused_by_characters_not_bytes() {
        let hundred_hangul = "가".repeat(100);
        assert!(dish(&hundred_hangul, "분식", "", 1000).is_ok());
        let too_long = "가".repeat(101);
        assert!(dish(&too_long, "분식", "", 1000).is_err());
        assert!(dish("라볶이", "분식", &"x".repeat(501), 1000).is_err());
    }

    #[test]
    fn a_name_is_one_line_and_a_description_may_be_several() {
        assert_eq!(
            dish("라\n볶이", "분식", "", 1000).unwrap_err().to_string(),
            "The dish name must fit on one line."
        );
        let checked = dish("라볶이", "분식", "맵습니다.\n치즈 추가 가능", 1000).expect("valid");
        assert_eq!(checked.description, "맵습니다.\n치즈 추가 가능");
    }

    #[test]
    fn group_rules_need_min_at_most_max() {
        assert!(option_group("맵기", 1, 1).is_ok());
        assert!(option_group("토핑", 0, 3).is_ok());
        assert!(option_group("토핑", 2, 1).is_err());
        assert!(option_group("토핑", -1, 1).is_err());
        assert!(option_group("토핑", 0, 0).is_err());
        assert!(option_group("토핑", 0, 21).is_err());
        assert!(option_group("", 0, 1).is_err());
    }
}
