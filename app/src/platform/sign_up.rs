//! Becoming a customer: what the sign-up form must hold, checked on the server whoever sends it.
//! The page asks the same in its fields' attributes, so a person usually hears of a mistake
//! before sending; the server's sentence is the one that counts.

use serde::{Deserialize, Serialize};

use super::error::AccountProblem;
use super::text::{Field, TextRule};
use super::{AppError, Role};

/// Passwords: long enough to resist guessing, short enough that hashing one costs what it
/// should (NIST SP 800-63B asks for at least 8 and allowing at least 64).
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// The wording of the terms and the privacy notice a new customer agrees to, recorded with
/// each consent: when the wording changes, what each person agreed to stays known.
pub const CONSENT_WORDING: &str = "2026-12";

const DISPLAY_NAME: TextRule = TextRule::line(Field::DisplayName, 50);
const EMAIL_MAX_CHARS: usize = 200;

/// What a person agrees to at sign-up. The first three are required; refusing marketing
/// messages never blocks sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Consent {
    /// Korean law (PIPA art. 22) asks a guardian's consent below 14, which we do not collect.
    Age14,
    Terms,
    Privacy,
    Marketing,
    /// A rider's consent, given when applying, to their position being sent while on duty.
    LocationOnDuty,
}

impl Consent {
    /// The name stored in `platform.consents`.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Age14 => "age_14",
            Consent::Terms => "terms",
            Consent::Privacy => "privacy",
            Consent::Marketing => "marketing",
            Consent::LocationOnDuty => "location_on_duty",
        }
    }
}

/// The sign-up form as it was sent.
#[derive(Debug, Clone, Default)]
pub struct SignUpForm {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub over_14: bool,
    pub terms: bool,
    pub privacy: bool,
    pub marketing: bool,
    /// `owner` or `rider` when the form is the first step of an application; a customer
    /// otherwise.
    pub joining_as: Option<String>,
}

/// A form that holds together: the account to create, before its password is hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    /// A customer, or an owner or rider about to apply; never an operator.
    pub role: Role,
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub consents: Vec<Consent>,
}

impl SignUpForm {
    /// The account this form asks for, or the first thing wrong with it, in the form's order.
    pub fn check(self) -> Result<NewAccount, AppError> {
        let role = match self.joining_as.as_deref().map(str::trim) {
            None | Some("") => Role::Customer,
            Some("owner") => Role::Owner,
            Some("rider") => Role::Rider,
            Some(_) => return Err(AccountProblem::JoiningAsUnknown.into()),
        };
        let email = checked_email(&self.email)?;
        let display_name = DISPLAY_NAME.check(&self.display_name)?;
        check_password_length(&self.password)?;
        let required = [
            (self.over_14, Consent::Age14, AccountProblem::UnderFourteen),
            (self.terms, Consent::Terms, AccountProblem::TermsNotAccepted),
            (
                self.privacy,
                Consent::Privacy,
                AccountProblem::PrivacyNotAccepted,
            ),
        ];
        let mut consents = Vec::with_capacity(4);
        for (given, consent, refusal) in required {
            if !given {
                return Err(refusal.into());
            }
            consents.push(consent);
        }
        if self.marketing {
            consents.push(Consent::Marketing);
        }
        Ok(NewAccount {
            role,
            email,
            display_name,
            password: self.password,
            consents,
        })
    }
}

/// A new password's length, whichever form sets it (sign-up, a reset, a change).
pub fn check_password_length(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(AccountProblem::PasswordTooShort {
            least: PASSWORD_MIN_CHARS,
        }
        .into());
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(AccountProblem::PasswordTooLong {
            most: PASSWORD_MAX_CHARS,
        }
        .into());
    }
    Ok(())
}

/// The address as it will be kept (trimmed), if it can receive mail: one `@`, something before
/// it, and a domain of dotted labels after it. Whether anyone reads it is not ours to know.
pub fn checked_email(typed: &str) -> Result<String, AppError> {
    let email = typed.trim();
    let malformed = || AppError::from(AccountProblem::EmailMalformed);
    if email.chars().count() > EMAIL_MAX_CHARS
        || email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c))
    {
        return Err(malformed());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(malformed());
    };
    let labels: Vec<&str> = domain.split('.').collect();
    if local.is_empty()
        || domain.contains('@')
        || labels.len() < 2
        || labels.iter().any(|label| label.is_empty())
    {
        return Err(malformed());
    }
    Ok(email.to_owned())
}

/// Whether a password is too easy to guess for the person with this email and name: it holds
/// their email's name part or their name (`hanakim2026` for `hana.kim@…`), or zxcvbn rates it 0
/// or 1 — among the common passwords it knows (its lists ship with the crate: 30,000 leaked
/// passwords, names, words), a keyboard row, a date, a repeat, or built of the person's words and
/// ours. Scores 0 and 1 mean fewer than a million guesses, which our login throttles would let
/// through within a few years; 2 and up do not.
#[cfg(feature = "ssr")]
pub fn is_guessable(password: &str, email: &str, display_name: &str) -> bool {
    let local = email.split('@').next().unwrap_or_default();
    let typed = letters_and_digits(password);
    // zxcvbn weighs a password of several known parts as strong; holding one's own name is
    // refused outright.
    let holds_own_name = [local, display_name]
        .iter()
        .map(|word| letters_and_digits(word))
        .any(|word| word.chars().count() >= 3 && typed.contains(&word));
    let mut words = vec![email, local, display_name, "baedal", "배달"];
    words.extend(
        local
            .split(|c: char| !c.is_alphanumeric())
            .filter(|part| part.chars().count() >= 3),
    );
    let score: u8 = zxcvbn::zxcvbn(password, &words).score().into();
    holds_own_name || score < 2
}

/// `Hana.Kim-1` as `hanakim1`: what is left of a word once case and separators are set aside.
#[cfg(feature = "ssr")]
fn letters_and_digits(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::text::TextProblem;

    fn form() -> SignUpForm {
        SignUpForm {
            email: " hana.kim@example.com ".into(),
            display_name: " 김하나 ".into(),
            password: "seongsu river walk".into(),
            over_14: true,
            terms: true,
            privacy: true,
            marketing: false,
            joining_as: None,
        }
    }

    #[test]
    fn a_complete_form_makes_a_customer_with_the_consents_given() {
        let customer = form().check().expect("complete");
        assert_eq!(customer.email, "hana.kim@example.com");
        assert_eq!(customer.display_name, "김하나");
        assert_eq!(
            customer.consents,
            [Consent::Age14, Consent::Terms, Consent::Privacy]
        );
        let with_offers = SignUpForm {
            marketing: true,
            ..form()
        };
        assert!(with_offers
            .check()
            .expect("complete")
            .consents
            .contains(&Consent::Marketing));
    }

    #[test]
    fn the_form_makes_an_owner_or_a_rider_about_to_apply_but_never_an_operator() {
        let as_role = |joining_as: &str| {
            SignUpForm {
                joining_as: Some(joining_as.into()),
                ..form()
            }
            .check()
            .map(|account| account.role)
        };
        assert_eq!(form().check().map(|a| a.role), Ok(Role::Customer));
        assert_eq!(as_role("owner"), Ok(Role::Owner));
        assert_eq!(as_role("rider"), Ok(Role::Rider));
        assert_eq!(
            as_role("operator"),
            Err(AppError::Account(AccountProblem::JoiningAsUnknown))
        );
    }

    #[test]
    fn each_required_consent_is_asked_for_by_name() {
        let cases = [
            (
                SignUpForm {
                    over_14: false,
                    ..form()
                },
                AccountProblem::UnderFourteen,
            ),
            (
                SignUpForm {
                    terms: false,
                    ..form()
                },
                AccountProblem::TermsNotAccepted,
            ),
            (
                SignUpForm {
                    privacy: false,
                    ..form()
                },
                AccountProblem::PrivacyNotAccepted,
            ),
        ];
        for (form, problem) in cases {
            assert_eq!(form.check(), Err(AppError::Account(problem)));
        }
    }

    #[test]
    fn passwords_are_counted_in_characters_between_8_and_128() {
        let with = |password: &str| {
            SignUpForm {
                password: password.into(),
                ..form()
            }
            .check()
            .map(|customer| customer.password)
        };
        assert_eq!(
            with("short12"),
            Err(AppError::Account(AccountProblem::PasswordTooShort {
                least: 8
            }))
        );
        // Eight Hangul syllables are 24 bytes but eight characters: long enough.
        assert_eq!(with("성수동한강산책길"), Ok("성수동한강산책길".to_owned()));
        assert!(with(&"가".repeat(128)).is_ok());
        assert_eq!(
            with(&"가".repeat(129)),
            Err(AppError::Account(AccountProblem::PasswordTooLong {
                most: 128
            }))
        );
    }

    #[test]
    fn emails_that_cannot_receive_mail_are_refused() {
        for typed in [
            "",
            "hana",
            "@example.com",
            "hana@",
            "hana@example",
            "hana@example..com",
            "hana@@example.com",
            "hana kim@example.com",
            "hana@exa mple.com",
            "<hana@example.com>",
        ] {
            let form = SignUpForm {
                email: typed.into(),
                ..form()
            };
            assert_eq!(
                form.check(),
                Err(AppError::Account(AccountProblem::EmailMalformed)),
                "{typed:?}"
            );
        }
        let long = SignUpForm {
            email: format!("{}@example.com", "a".repeat(190)),
            ..form()
        };
        assert_eq!(
            long.check(),
            Err(AppError::Account(AccountProblem::EmailMalformed))
        );
    }

    #[test]
    fn the_name_follows_the_rules_of_typed_text() {
        let blank = SignUpForm {
            display_name: "  ".into(),
            ..form()
        };
        assert_eq!(
            blank.check(),
            Err(AppError::Text(TextProblem::Missing {
                label: Field::DisplayName
            }))
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_and_ones_made_of_the_persons_own_words_are_guessable() {
        let (email, name) = ("hana.kim@example.com", "김하나");
        for common in ["password", "12345678", "qwerty123", "iloveyou1", "1q2w3e4r"] {
            assert!(is_guessable(common, email, name), "{common}");
        }
        for own in ["hanakim2026", "Hana.Kim!", "김하나사랑해"] {
            assert!(is_guessable(own, email, name), "{own}");
        }
        for strong in [
            "seongsu river walk",
            "성수동한강산책길",
            "skimming the han river",
        ] {
            assert!(!is_guessable(strong, email, name), "{strong}");
        }
    }
}
