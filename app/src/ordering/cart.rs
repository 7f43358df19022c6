//! Pricing a cart against the menu: pure, so the browser can show the total the server will charge.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use crate::i18n::{td_string, Locale};
use crate::platform::events::{ChosenOption, OrderLine};
use crate::platform::money::Won;
use crate::store::MenuItem;

/// The most lines one order may have.
pub const MAX_LINES: usize = 30;
/// The most of one item on a line.
pub const MAX_QUANTITY: i32 = 99;

/// One line of a cart as the customer built it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub item_id: Uuid,
    pub quantity: i32,
    #[serde(default)]
    pub option_ids: Vec<Uuid>,
}

/// Why a cart cannot be ordered as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartProblem {
    Empty,
    TooManyLines,
    BadQuantity {
        quantity: i32,
    },
    UnknownItem,
    SoldOut {
        item: String,
    },
    OptionSoldOut {
        item: String,
        option: String,
    },
    UnknownOption {
        item: String,
    },
    WrongChoiceCount {
        item: String,
        group: String,
        min: u8,
        max: u8,
    },
}

impl CartProblem {
    /// The sentence for the customer, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            CartProblem::Empty => td_string!(locale, error.cart_empty).to_owned(),
            CartProblem::TooManyLines => {
                td_string!(locale, error.cart_too_many_lines, most = MAX_LINES)
            }
            CartProblem::BadQuantity { quantity } => td_string!(
                locale,
                error.cart_bad_quantity,
                quantity = *quantity,
                most = MAX_QUANTITY
            ),
            CartProblem::UnknownItem => td_string!(locale, error.cart_unknown_item).to_owned(),
            CartProblem::SoldOut { item } => {
                td_string!(locale, error.cart_sold_out, item = item.clone())
            }
            CartProblem::OptionSoldOut { item, option } => td_string!(
                locale,
                error.cart_option_sold_out,
                item = item.clone(),
                option = option.clone()
            ),
            CartProblem::UnknownOption { item } => {
                td_string!(locale, error.cart_unknown_option, item = item.clone())
            }
            CartProblem::WrongChoiceCount {
                item,
                group,
                min,
                max,
            } => {
                if min == max {
                    td_string!(
                        locale,
                        error.cart_choose_exactly,
                        n = *min,
                        group = group.clone(),
                        item = item.clone()
                    )
                } else {
                    td_string!(
                        locale,
                        error.cart_choose_between,
                        min = *min,
                        max = *max,
                        group = group.clone(),
                        item = item.clone()
                    )
                }
            }
        }
    }
}

impl fmt::Display for CartProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

/// Prices every line of `cart` from `menu`, refusing anything the store cannot sell.
pub fn price_cart(menu: &[MenuItem], cart: &[CartLine]) -> Result<Vec<OrderLine>, CartProblem> {
    if cart.is_empty() {
        return Err(CartProblem::Empty);
    }
    if cart.len() > MAX_LINES {
        return Err(CartProblem::TooManyLines);
    }
    cart.iter().map(|line| price_line(menu, line)).collect()
}

fn price_line(menu: &[MenuItem], line: &CartLine) -> Result<OrderLine, CartProblem> {
    if !(1..=MAX_QUANTITY).contains(&line.quantity) {
        return Err(CartProblem::BadQuantity {
            quantity: line.quantity,
        });
    }
    let item = menu
        .iter()
        .find(|item| item.item_id == line.item_id)
        .ok_or(CartProblem::UnknownItem)?;
    if item.sold_out {
        return Err(CartProblem::SoldOut {
            item: item.name.clone(),
        });
    }
    let known = line.option_ids.iter().all(|id| {
        item.groups
            .iter()
            .any(|g| g.options.iter().any(|o| o.option_id == *id))
    });
    let repeated =
        (1..line.option_ids.len()).any(|i| line.option_ids[..i].contains(&line.option_ids[i]));
    if !known || repeated {
        return Err(CartProblem::UnknownOption {
            item: item.name.clone(),
        });
    }
    let mut options = Vec::new();
    for group in &item.groups {
        let chosen: Vec<_> = group
            .options
            .iter()
            .filter(|o| line.option_ids.contains(&o.option_id))
            .collect();
        if chosen.len() < usize::from(group.min) || chosen.len() > usize::from(group.max) {
            return Err(CartProblem::WrongChoiceCount {
                item: item.name.clone(),
                group: group.name.clone(),
                min: group.min,
                max: group.max,
            });
        }
        for option in chosen {
            if option.sold_out {
                return Err(CartProblem::OptionSoldOut {
                    item: item.name.clone(),
                    option: option.name.clone(),
                });
            }
            options.push(ChosenOption {
                group: group.name.clone(),
                name: option.name.clone(),
                price_delta: option.price_delta,
            });
        }
    }
    let unit_price = options
        .iter()
        .fold(item.price, |sum, option| sum + option.price_delta);
    Ok(OrderLine {
        item_id: item.item_id,
        name: item.name.clone(),
        quantity: line.quantity as u8,
        unit_price,
        options,
        line_total: Won(unit_price.0 * i64::from(line.quantity)),
    })
}

/// The sum of the lines.
pub fn items_total(lines: &[OrderLine]) -> Won {
    lines.iter().fold(Won(0), |sum, line| sum + line.line_total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MenuOption, OptionGroup};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn chicken() -> MenuItem {
        MenuItem {
            category: "치킨".into(),
            description: String::new(),
            item_id: id(1),
            name: "Fried chicken".into(),
            price: Won(18_000),
            sold_out: false,
            groups: vec![OptionGroup {
                group_id: id(10),
                name: "cut".into(),
                min: 1,
                max: 1,
                options: vec![
                    MenuOption {
                        option_id: id(11),
                        name: "Whole".into(),
                        price_delta: Won(0),
                        sold_out: false,
                    },
                    MenuOption {
                        option_id: id(12),
                        name: "Boneless".into(),
                        price_delta: Won(2_000),
                        sold_out: false,
                    },
                ],
            }],
        }
    }

    fn cola() -> MenuItem {
        MenuItem {
            category: "치킨".into(),
            description: String::new(),
            item_id: id(2),
            name: "Cola".into(),
            price: Won(2_500),
            sold_out: false,
            groups: vec![],
        }
    }

    fn line(item: u128, quantity: i32, options: &[u128]) -> CartLine {
        CartLine {
            item_id: id(item),
            quantity,
            option_ids: options.iter().map(|o| id(*o)).collect(),
        }
    }

    #[test]
    fn lines_are_priced_with_their_options_and_quantities() {
        let menu = [chicken(), cola()];
        let lines = price_cart(&menu, &[line(1, 2, &[12]), line(2, 1, &[])]).expect("valid cart");
        assert_eq!(lines[0].unit_price, Won(20_000));
        assert_eq!(lines[0].line_total, Won(40_000));
        assert_eq!(lines[0].options[0].name, "Boneless");
        assert_eq!(items_total(&lines), Won(42_500));
    }

    #[test]
    fn empty_and_oversized_carts_are_refused() {
        assert_eq!(price_cart(&[cola()], &[]), Err(CartProblem::Empty));
        let many: Vec<_> = (0..31).map(|_| line(2, 1, &[])).collect();
        assert_eq!(price_cart(&[cola()], &many), Err(CartProblem::TooManyLines));
    }

    #[test]
    fn quantities_outside_1_to_99_are_refused() {
        for quantity in [-1, 0, 100] {
            assert_eq!(
                price_cart(&[cola()], &[line(2, quantity, &[])]),
                Err(CartProblem::BadQuantity { quantity })
            );
        }
    }

    #[test]
    fn unknown_and_sold_out_items_are_refused() {
        assert_eq!(
            price_cart(&[cola()], &[line(99, 1, &[])]),
            Err(CartProblem::UnknownItem)
        );
        let mut sold_out = cola();
        sold_out.sold_out = true;
        assert_eq!(
            price_cart(&[sold_out], &[line(2, 1, &[])]),
            Err(CartProblem::SoldOut {
                item: "Cola".into()
            })
        );
    }

    #[test]
    fn required_choices_must_be_made_exactly() {
        let problem = price_cart(&[chicken()], &[line(1, 1, &[])]).expect_err("no cut chosen");
        assert_eq!(problem.to_string(), "Choose 1 cut for Fried chicken.");
        assert!(price_cart(&[chicken()], &[line(1, 1, &[11, 12])]).is_err());
        assert_eq!(
            price_cart(&[chicken()], &[line(1, 1, &[11, 11])]),
            Err(CartProblem::UnknownOption {
                item: "Fried chicken".into()
            })
        );
    }

    #[test]
    fn options_of_another_item_are_refused() {
        assert_eq!(
            price_cart(&[chicken(), cola()], &[line(2, 1, &[12])]),
            Err(CartProblem::UnknownOption {
                item: "Cola".into()
            })
        );
    }

    #[test]
    fn sold_out_options_are_refused() {
        let mut item = chicken();
        item.groups[0].options[1].sold_out = true;
        assert_eq!(
            price_cart(&[item], &[line(1, 1, &[12])]),
            Err(CartProblem::OptionSoldOut {
                item: "Fried chicken".into(),
                option: "Boneless".into()
            })
        );
    }
}
