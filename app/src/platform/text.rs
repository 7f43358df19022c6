//! Text that people type, made fit to keep: trimmed, NFC-normalised (so "가" typed on a phone and
//! "가" pasted from a PC are the same name), one line unless the field is meant to hold several,
//! and measured in characters, never bytes.
//!
//! Control characters never get this far: the API edge refuses a request holding one, naming the
//! field. The check here is the same rule again for text that arrives another way.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::i18n::{td_string, Locale};

/// A field people type into, as a sentence names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    AddressName,
    Address,
    Reason,
    DishName,
    MenuSection,
    Description,
    OptionGroupName,
    OptionName,
    Price,
    ExtraPrice,
    SearchQuery,
    Unit,
    RiderNote,
    Building,
    DisplayName,
    BusinessName,
    StoreName,
    StoreCategory,
    ReviewMessage,
}

impl Field {
    /// "dish name" or "메뉴 이름": how a sentence in `locale` calls the field.
    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Field::AddressName => td_string!(locale, field.address_name),
            Field::Address => td_string!(locale, field.address),
            Field::Reason => td_string!(locale, field.reason),
            Field::DishName => td_string!(locale, field.dish_name),
            Field::MenuSection => td_string!(locale, field.menu_section),
            Field::Description => td_string!(locale, field.description),
            Field::OptionGroupName => td_string!(locale, field.option_group_name),
            Field::OptionName => td_string!(locale, field.option_name),
            Field::Price => td_string!(locale, field.price),
            Field::ExtraPrice => td_string!(locale, field.extra_price),
            Field::SearchQuery => td_string!(locale, field.search_query),
            Field::Unit => td_string!(locale, field.unit),
            Field::RiderNote => td_string!(locale, field.rider_note),
            Field::Building => td_string!(locale, field.building),
            Field::DisplayName => td_string!(locale, field.display_name),
            Field::BusinessName => td_string!(locale, field.business_name),
            Field::StoreName => td_string!(locale, field.store_name),
            Field::StoreCategory => td_string!(locale, field.store_category),
            Field::ReviewMessage => td_string!(locale, field.review_message),
        }
    }
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// The field, as a sentence to the person names it.
    pub label: Field,
    pub max_chars: usize,
    pub required: bool,
    /// Whether line breaks and tabs belong in it (a description does; a name does not).
    pub multi_line: bool,
}

impl TextRule {
    /// A required one-line field of at most `max_chars` characters.
    pub const fn line(label: Field, max_chars: usize) -> Self {
        TextRule {
            label,
            max_chars,
            required: true,
            multi_line: false,
        }
    }

    /// The same field, which may be left empty.
    pub const fn optional(self) -> Self {
        TextRule {
            required: false,
            ..self
        }
    }

    /// The same field, which may hold several lines.
    pub const fn multi_line(self) -> Self {
        TextRule {
            multi_line: true,
            ..self
        }
    }

    /// The text as it will be kept, or what is wrong with it.
    pub fn check(&self, typed: &str) -> Result<String, TextProblem> {
        let label = self.label;
        if let Some(bad) = typed.chars().find(|c| !allowed(*c, self.multi_line)) {
            return Err(if is_line_break(bad) {
                TextProblem::LineBreak { label }
            } else {
                TextProblem::ControlCharacter { label }
            });
        }
        let kept: String = typed.trim().nfc().collect();
        if self.required && kept.is_empty() {
            return Err(TextProblem::Missing { label });
        }
        if kept.chars().count() > self.max_chars {
            return Err(TextProblem::TooLong {
                label,
                max_chars: self.max_chars,
            });
        }
        Ok(kept)
    }
}

/// Whether `c` may appear in text that people type: anything printable, and line breaks and tabs
/// where the field holds several lines.
pub fn allowed(c: char, multi_line: bool) -> bool {
    !c.is_control() || (multi_line && is_line_break(c))
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t')
}

/// Why typed text was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextProblem {
    Missing { label: Field },
    TooLong { label: Field, max_chars: usize },
    LineBreak { label: Field },
    ControlCharacter { label: Field },
}

impl TextProblem {
    /// The sentence for the person who typed it, in `locale`, naming the field.
    pub fn in_language(&self, locale: Locale) -> String {
        match *self {
            TextProblem::Missing { label } => {
                td_string!(
                    locale,
                    error.text_missing,
                    field = label.in_language(locale)
                )
            }
            TextProblem::TooLong { label, max_chars } => td_string!(
                locale,
                error.text_too_long,
                field = label.in_language(locale),
                max_chars
            ),
            TextProblem::LineBreak { label } => {
                td_string!(
                    locale,
                    error.text_line_break,
                    field = label.in_language(locale)
                )
            }
            TextProblem::ControlCharacter { label } => td_string!(
                locale,
                error.text_control_character,
                field = label.in_language(locale)
            ),
        }
    }
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

impl From<TextProblem> for super::AppError {
    fn from(problem: TextProblem) -> Self {
        super::AppError::Text(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: TextRule = TextRule::line(Field::DishName, 5);

    #[test]
    fn typed_text_is_trimmed_and_normalised() {
        // "가" as two jamo (a phone keyboard) and as one syllable (a PC) keep as the same name.
        let decomposed = "  \u{1100}\u{1161}나 ";
        assert_eq!(NAME.check(decomposed), Ok("가나".to_owned()));
        assert_eq!(NAME.check("가나"), Ok("가나".to_owned()));
    }

    #[test]
    fn length_is_counted_in_characters_after_normalising() {
        // Five syllables are fifteen bytes and ten jamo before normalising: still five characters.
        let jamo = "\u{1100}\u{1161}".repeat(5);
        assert_eq!(NAME.check(&jamo), Ok("가".repeat(5)));
        assert_eq!(
            NAME.check("가나다라마바"),
            Err(TextProblem::TooLong {
                label: Field::DishName,
                max_chars: 5
            })
        );
    }

    #[test]
    fn a_required_field_left_blank_is_refused() {
        assert_eq!(
            NAME.check("   "),
            Err(TextProblem::Missing {
                label: Field::DishName
            })
        );
        assert_eq!(NAME.optional().check("  "), Ok(String::new()));
    }

    #[test]
    fn line_breaks_belong_only_in_multi_line_fields() {
        assert_eq!(
            NAME.check("a\nb"),
            Err(TextProblem::LineBreak {
                label: Field::DishName
            })
        );
        let description = TextRule::line(Field::Description, 50).multi_line();
        assert_eq!(
            description.check("맵게\n\t덜 짜게"),
            Ok("맵게\n\t덜 짜게".into())
        );
    }

    #[test]
    fn control_characters_are_refused_everywhere() {
        let description = TextRule::line(Field::Description, 50).multi_line();
        for typed in ["a\0b", "a\u{7}b", "a\u{1b}[31m", "a\u{85}b"] {
            assert_eq!(
                description.check(typed),
                Err(TextProblem::ControlCharacter {
                    label: Field::Description
                }),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn the_sentence_names_the_field() {
        assert_eq!(
            NAME.check("a\0").unwrap_err().to_string(),
            "The dish name holds a character that cannot be typed. Remove it and try again."
        );
        assert_eq!(
            NAME.check("a\0").unwrap_err().in_language(Locale::ko),
            "메뉴 이름 항목에 입력할 수 없는 문자가 있습니다. 지우고 다시 시도해 주세요."
        );
    }
}
