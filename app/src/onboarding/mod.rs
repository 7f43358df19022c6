//! Joining Baedal as a store owner or a rider: the application, what it must hold, and the
//! operator's review. The applicant's account exists from sign-up; selling or riding waits for an
//! operator's approval, which makes the owner's store (not yet live) or the rider's record.

pub mod api;
pub mod business_number;
pub mod pages;

#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod review;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{td_string, Locale};
use crate::platform::geo::Position;
use crate::platform::text::{Field, TextRule};
use crate::platform::{AccountId, AppError, Role};
use business_number::BusinessNumber;

/// Identifies an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApplicationId(pub Uuid);

/// Who is applying to do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationKind {
    /// A store owner, for one store.
    Owner,
    Rider,
}

impl ApplicationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationKind::Owner => "owner",
            ApplicationKind::Rider => "rider",
        }
    }

    /// The kind of application an account of `role` makes, if any.
    pub fn of_role(role: Role) -> Option<ApplicationKind> {
        match role {
            Role::Owner => Some(ApplicationKind::Owner),
            Role::Rider => Some(ApplicationKind::Rider),
            Role::Customer | Role::Operator => None,
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationStatus {
    /// Waiting in the operators' queue.
    Submitted,
    /// An operator asked for changes; the applicant changes it and sends it again.
    ChangesAsked,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::ChangesAsked => "changes_asked",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<ApplicationStatus> {
        [
            ApplicationStatus::Submitted,
            ApplicationStatus::ChangesAsked,
            ApplicationStatus::Approved,
            ApplicationStatus::Rejected,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }

    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            ApplicationStatus::Submitted => td_string!(locale, joining.status_submitted),
            ApplicationStatus::ChangesAsked => td_string!(locale, joining.status_changes_asked),
            ApplicationStatus::Approved => td_string!(locale, joining.status_approved),
            ApplicationStatus::Rejected => td_string!(locale, joining.status_rejected),
        }
    }
}

/// What a rider rides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vehicle {
    Bicycle,
    Motorbike,
    Car,
    OnFoot,
}

impl Vehicle {
    pub const ALL: [Vehicle; 4] = [
        Vehicle::Motorbike,
        Vehicle::Bicycle,
        Vehicle::Car,
        Vehicle::OnFoot,
    ];

    /// The form's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Vehicle::Bicycle => "bicycle",
            Vehicle::Motorbike => "motorbike",
            Vehicle::Car => "car",
            Vehicle::OnFoot => "on_foot",
        }
    }

    pub fn parse(value: &str) -> Option<Vehicle> {
        Vehicle::ALL.into_iter().find(|v| v.as_str() == value)
    }

    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Vehicle::Bicycle => td_string!(locale, joining.vehicle_bicycle),
            Vehicle::Motorbike => td_string!(locale, joining.vehicle_motorbike),
            Vehicle::Car => td_string!(locale, joining.vehicle_car),
            Vehicle::OnFoot => td_string!(locale, joining.vehicle_on_foot),
        }
    }
}

/// What a store owner applies with: the business, and the store to open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerDetails {
    pub business_name: String,
    pub business_number: BusinessNumber,
    pub store_name: String,
    /// The kind of food, as customers see it beside the name (`분식`). Applications sent before
    /// it was asked have none.
    #[serde(default)]
    pub store_category: String,
    /// Digits only.
    pub store_phone: String,
    /// The provider's address of the store, as found by search.
    pub store_address: String,
    pub store_position: Position,
}

/// What a rider applies with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiderDetails {
    pub vehicle: Vehicle,
    /// The place the rider wants to ride around, as the provider names it.
    pub area: String,
    pub area_position: Position,
}

/// What an application holds, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ApplicationDetails {
    Owner(OwnerDetails),
    Rider(RiderDetails),
}

impl ApplicationDetails {
    pub fn kind(&self) -> ApplicationKind {
        match self {
            ApplicationDetails::Owner(_) => ApplicationKind::Owner,
            ApplicationDetails::Rider(_) => ApplicationKind::Rider,
        }
    }
}

/// An operator's decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject,
    AskChanges,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
            Decision::AskChanges => "changes_asked",
        }
    }

    pub fn parse(value: &str) -> Option<Decision> {
        [Decision::Approve, Decision::Reject, Decision::AskChanges]
            .into_iter()
            .find(|d| d.as_str() == value)
    }

    /// Where the application stands after this decision.
    pub fn leaves(self) -> ApplicationStatus {
        match self {
            Decision::Approve => ApplicationStatus::Approved,
            Decision::Reject => ApplicationStatus::Rejected,
            Decision::AskChanges => ApplicationStatus::ChangesAsked,
        }
    }

    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Decision::Approve => td_string!(locale, joining.decision_approved),
            Decision::Reject => td_string!(locale, joining.decision_rejected),
            Decision::AskChanges => td_string!(locale, joining.decision_changes_asked),
        }
    }
}

/// The longest reason or request an operator writes to an applicant.
pub const MESSAGE_MAX_CHARS: usize = 500;

/// A decision as the applicant and the operators read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub decision: Decision,
    /// The reason of a rejection or the changes asked for; empty for a plain approval.
    pub message: String,
    pub decided_at: DateTime<Utc>,
}

/// An application as its applicant sees it, with every decision on it, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub application_id: ApplicationId,
    pub status: ApplicationStatus,
    pub details: ApplicationDetails,
    pub first_submitted_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub decisions: Vec<DecisionRecord>,
}

impl Application {
    /// The decision the applicant reads first: the newest.
    pub fn last_decision(&self) -> Option<&DecisionRecord> {
        self.decisions.last()
    }
}

/// An application in the operators' queue, with who sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationForReview {
    pub application: Application,
    pub applicant_id: AccountId,
    pub applicant_name: String,
    pub applicant_email: String,
    /// The applicant's proven mobile number, digits only.
    pub applicant_phone: Option<String>,
}

/// Why an application cannot be sent or decided as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationProblem {
    BusinessNumberMalformed,
    /// Ten digits whose last one does not match the others: a digit typed wrong.
    BusinessNumberCheckDigit,
    StorePhoneMalformed,
    VehicleUnknown,
    /// A rider's position is sent while on duty; riding without agreeing to it is not possible.
    LocationConsentMissing,
    /// Messages about the application go to a proven phone, and so do a rider's and a store's
    /// customers' calls: the phone is proven before applying.
    PhoneNotProven,
    /// An application of this kind is already waiting for review; it can be changed instead.
    AlreadyUnderReview,
    /// A rider already approved needs no second application.
    AlreadyApproved,
    /// The application has been decided (or withdrawn from review) since the page was opened.
    NotAwaitingReview,
    /// A rejection says why and a request for changes says which.
    MessageMissing,
    DecisionUnknown,
}

impl From<ApplicationProblem> for AppError {
    fn from(problem: ApplicationProblem) -> Self {
        AppError::Application(problem)
    }
}

impl ApplicationProblem {
    pub fn in_language(self, locale: Locale) -> &'static str {
        use ApplicationProblem::*;
        match self {
            BusinessNumberMalformed => td_string!(locale, error.business_number_malformed),
            BusinessNumberCheckDigit => td_string!(locale, error.business_number_check_digit),
            StorePhoneMalformed => td_string!(locale, error.store_phone_malformed),
            VehicleUnknown => td_string!(locale, error.vehicle_unknown),
            LocationConsentMissing => td_string!(locale, error.location_consent_missing),
            PhoneNotProven => td_string!(locale, error.application_phone_not_proven),
            AlreadyUnderReview => td_string!(locale, error.application_under_review),
            AlreadyApproved => td_string!(locale, error.application_already_approved),
            NotAwaitingReview => td_string!(locale, error.application_not_awaiting_review),
            MessageMissing => td_string!(locale, error.decision_message_missing),
            DecisionUnknown => td_string!(locale, error.decision_unknown),
        }
    }

    /// Whether the refusal is about the application's state rather than what was typed.
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            ApplicationProblem::AlreadyUnderReview
                | ApplicationProblem::AlreadyApproved
                | ApplicationProblem::NotAwaitingReview
                | ApplicationProblem::PhoneNotProven
        )
    }
}

const BUSINESS_NAME: TextRule = TextRule::line(Field::BusinessName, 100);
const STORE_NAME: TextRule = TextRule::line(Field::StoreName, 100);
const STORE_CATEGORY: TextRule = TextRule::line(Field::StoreCategory, 30);
const PLACE: TextRule = TextRule::line(Field::Address, 200);
const MESSAGE: TextRule = TextRule::line(Field::ReviewMessage, MESSAGE_MAX_CHARS)
    .optional()
    .multi_line();

/// A store owner's form as it was sent; the store's address still to be confirmed by the
/// provider, which gives its point.
#[derive(Debug, Clone, Default)]
pub struct OwnerForm {
    pub business_name: String,
    pub business_number: String,
    pub store_name: String,
    pub store_category: String,
    pub store_phone: String,
    pub store_address: String,
}

/// The owner's form checked, waiting only for the provider's point of the address.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedOwnerForm {
    pub business_name: String,
    pub business_number: BusinessNumber,
    pub store_name: String,
    pub store_category: String,
    pub store_phone: String,
    pub store_address: String,
}

impl OwnerForm {
    /// The form's fields as they will be kept, or the first thing wrong, in the form's order.
    pub fn check(&self) -> Result<CheckedOwnerForm, AppError> {
        Ok(CheckedOwnerForm {
            business_name: BUSINESS_NAME.check(&self.business_name)?,
            business_number: BusinessNumber::parse(self.business_number.trim())?,
            store_name: STORE_NAME.check(&self.store_name)?,
            store_category: STORE_CATEGORY.check(&self.store_category)?,
            store_phone: crate::store::phone::store_phone(&self.store_phone)
                .map_err(|_| ApplicationProblem::StorePhoneMalformed)?,
            store_address: PLACE.check(&self.store_address)?,
        })
    }
}

impl CheckedOwnerForm {
    /// The details, with the point the provider gave for the address and its own wording of it.
    pub fn at(self, address: String, position: Position) -> OwnerDetails {
        OwnerDetails {
            business_name: self.business_name,
            business_number: self.business_number,
            store_name: self.store_name,
            store_category: self.store_category,
            store_phone: self.store_phone,
            store_address: address,
            store_position: position,
        }
    }
}

/// A rider's form as it was sent.
#[derive(Debug, Clone, Default)]
pub struct RiderForm {
    pub vehicle: String,
    pub area: String,
    pub location_consent: bool,
}

/// The rider's form checked, waiting only for the provider's point of the area.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRiderForm {
    pub vehicle: Vehicle,
    pub area: String,
}

impl RiderForm {
    pub fn check(&self) -> Result<CheckedRiderForm, AppError> {
        let vehicle =
            Vehicle::parse(self.vehicle.trim()).ok_or(ApplicationProblem::VehicleUnknown)?;
        let area = PLACE.check(&self.area)?;
        if !self.location_consent {
            return Err(ApplicationProblem::LocationConsentMissing.into());
        }
        Ok(CheckedRiderForm { vehicle, area })
    }
}

impl CheckedRiderForm {
    pub fn at(self, area: String, position: Position) -> RiderDetails {
        RiderDetails {
            vehicle: self.vehicle,
            area,
            area_position: position,
        }
    }
}

/// An operator's decision as sent: the reason or request checked, required unless approving.
pub fn checked_decision(decision: &str, message: &str) -> Result<(Decision, String), AppError> {
    let decision = Decision::parse(decision).ok_or(ApplicationProblem::DecisionUnknown)?;
    let message = MESSAGE.check(message)?;
    if decision != Decision::Approve && message.is_empty() {
        return Err(ApplicationProblem::MessageMissing.into());
    }
    Ok((decision, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner_form() -> OwnerForm {
        OwnerForm {
            business_name: " 성수동 떡볶이 ".into(),
            business_number: "220-81-62517".into(),
            store_name: "성수 떡볶이".into(),
            store_category: "분식".into(),
            store_phone: "02-466-1234".into(),
            store_address: "서울 성동구 성수이로 113".into(),
        }
    }

    #[test]
    fn an_owner_form_keeps_trimmed_names_and_digits_only() {
        let checked = owner_form().check().expect("complete");
        assert_eq!(checked.business_name, "성수동 떡볶이");
        assert_eq!(checked.business_number.digits(), "2208162517");
        assert_eq!(checked.store_phone, "024661234");
    }

    #[test]
    fn an_owner_form_with_a_wrong_check_digit_is_refused() {
        let form = OwnerForm {
            business_number: "220-81-62518".into(),
            ..owner_form()
        };
        assert_eq!(
            form.check(),
            Err(AppError::Application(
                ApplicationProblem::BusinessNumberCheckDigit
            ))
        );
    }

    #[test]
    fn a_rider_must_agree_to_be_located_on_duty() {
        let form = RiderForm {
            vehicle: "motorbike".into(),
            area: "성수역".into(),
            location_consent: false,
        };
        assert_eq!(
            form.check(),
            Err(AppError::Application(
                ApplicationProblem::LocationConsentMissing
            ))
        );
        let agreed = RiderForm {
            location_consent: true,
            ..form
        };
        assert_eq!(agreed.check().expect("agreed").vehicle, Vehicle::Motorbike);
    }

    #[test]
    fn a_rider_names_a_vehicle_we_know() {
        let form = RiderForm {
            vehicle: "horse".into(),
            area: "성수역".into(),
            location_consent: true,
        };
        assert_eq!(
            form.check(),
            Err(AppError::Application(ApplicationProblem::VehicleUnknown))
        );
    }

    #[test]
    fn rejecting_or_asking_for_changes_says_why() {
        assert_eq!(
            checked_decision("rejected", "  "),
            Err(AppError::Application(ApplicationProblem::MessageMissing))
        );
        assert_eq!(
            checked_decision("changes_asked", ""),
            Err(AppError::Application(ApplicationProblem::MessageMissing))
        );
        assert_eq!(
            checked_decision("approved", ""),
            Ok((Decision::Approve, String::new()))
        );
        assert_eq!(
            checked_decision("maybe", "x"),
            Err(AppError::Application(ApplicationProblem::DecisionUnknown))
        );
    }

    #[test]
    fn details_keep_their_kind_in_the_stored_shape() {
        let details = ApplicationDetails::Rider(RiderDetails {
            vehicle: Vehicle::Bicycle,
            area: "성수역".into(),
            area_position: Position::new(37.5446, 127.0557).unwrap(),
        });
        let stored = serde_json::to_value(&details).unwrap();
        assert_eq!(stored["kind"], "Rider");
        assert_eq!(
            serde_json::from_value::<ApplicationDetails>(stored).unwrap(),
            details
        );
    }
}
