//! Notifications: the in-app inbox of every party an order change concerns.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod applicants;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of notification's tables; the rest of `db` is notification's own.
#[cfg(feature = "ssr")]
pub use db::{forget_recipient, recipients_of};
#[cfg(feature = "ssr")]
pub mod kakao;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{td_string, Locale};
use crate::ordering::OrderId;
use crate::platform::money::Won;

/// A KakaoTalk message as the demo's stand-in for KakaoTalk received it: what the phone's owner
/// would read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveredMessage {
    /// Digits only, as sent.
    pub phone: String,
    pub template_code: String,
    pub content: String,
    pub received_at: DateTime<Utc>,
}

/// One message in someone's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub notification_id: Uuid,
    /// The order the message is about; none for a message about an application.
    pub order_id: Option<OrderId>,
    /// What happened, worded at read time in the reader's language; `None` only for messages
    /// stored before messages were kept this way.
    pub text: Option<InboxText>,
    /// The English sentence stored with the message (what older messages have alone).
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl Notification {
    /// The message in the reader's language.
    pub fn in_language(&self, locale: Locale) -> String {
        match &self.text {
            Some(text) => text.in_language(
                locale,
                &self.order_id.map(OrderId::number).unwrap_or_default(),
            ),
            None => self.message.clone(),
        }
    }
}

/// What an applicant applied to be, as their messages name it. The onboarding context says
/// which when it tells of a decision; kept here so that telling needs nothing of onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppliedAs {
    Owner,
    Rider,
}

/// An operator's decision on an application, as the applicant is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantNews<'a> {
    Approved(AppliedAs),
    Rejected { reason: &'a str },
    ChangesAsked { request: &'a str },
}

/// What an inbox message says, kept as the event's facts rather than a sentence, so that each
/// reader gets it in their own language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InboxText {
    Placed,
    Paid,
    NewOrderForStore,
    PaymentDeferred,
    Accepted {
        prep_minutes: u16,
    },
    Rejected {
        reason: String,
    },
    Expired,
    ExpiredForStore,
    Cooking,
    Cooked,
    DeliveryNearby,
    RiderAssigned,
    RiderComingToStore,
    PickedUp,
    Delivered,
    DeliveryFailed {
        reason: String,
    },
    Completed,
    Cancelled,
    CancelledForStore,
    Refunded {
        amount: Won,
    },
    /// An operator approved the reader's application to sell or to ride.
    ApplicationApproved {
        kind: AppliedAs,
    },
    ApplicationRejected {
        reason: String,
    },
    ApplicationChangesAsked {
        request: String,
    },
}

impl InboxText {
    /// The sentence about order `number` in `locale`.
    pub fn in_language(&self, locale: Locale, number: &str) -> String {
        use InboxText::*;
        let number = number.to_owned();
        match self {
            Placed => td_string!(locale, inbox_text.placed, number),
            Paid => td_string!(locale, inbox_text.paid, number),
            NewOrderForStore => td_string!(locale, inbox_text.new_order_for_store, number),
            PaymentDeferred => td_string!(locale, inbox_text.payment_deferred, number),
            Accepted { prep_minutes } => {
                td_string!(locale, inbox_text.accepted, number, minutes = *prep_minutes)
            }
            Rejected { reason } => {
                td_string!(locale, inbox_text.rejected, number, reason = reason.clone())
            }
            Expired => td_string!(locale, inbox_text.expired, number),
            ExpiredForStore => td_string!(locale, inbox_text.expired_for_store, number),
            Cooking => td_string!(locale, inbox_text.cooking, number),
            Cooked => td_string!(locale, inbox_text.cooked, number),
            DeliveryNearby => td_string!(locale, inbox_text.delivery_nearby, number),
            RiderAssigned => td_string!(locale, inbox_text.rider_assigned, number),
            RiderComingToStore => td_string!(locale, inbox_text.rider_coming_to_store, number),
            PickedUp => td_string!(locale, inbox_text.picked_up, number),
            Delivered => td_string!(locale, inbox_text.delivered, number),
            DeliveryFailed { reason } => {
                td_string!(
                    locale,
                    inbox_text.delivery_failed,
                    number,
                    reason = reason.clone()
                )
            }
            Completed => td_string!(locale, inbox_text.completed, number),
            Cancelled => td_string!(locale, inbox_text.cancelled, number),
            CancelledForStore => td_string!(locale, inbox_text.cancelled_for_store, number),
            Refunded { amount } => {
                td_string!(
                    locale,
                    inbox_text.refunded,
                    number,
                    amount = amount.to_string()
                )
            }
            ApplicationApproved {
                kind: AppliedAs::Owner,
            } => td_string!(locale, inbox_text.owner_approved).to_owned(),
            ApplicationApproved {
                kind: AppliedAs::Rider,
            } => td_string!(locale, inbox_text.rider_approved).to_owned(),
            ApplicationRejected { reason } => {
                td_string!(
                    locale,
                    inbox_text.application_rejected,
                    reason = reason.clone()
                )
            }
            ApplicationChangesAsked { request } => {
                td_string!(
                    locale,
                    inbox_text.application_changes_asked,
                    request = request.clone()
                )
            }
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_in_the_readers_language() {
        let accepted = InboxText::Accepted { prep_minutes: 25 };
        assert_eq!(
            accepted.in_language(Locale::en, "A1155710"),
            "The store accepted order A1155710. It will be ready in about 25 minutes."
        );
        assert_eq!(
            accepted.in_language(Locale::ko, "A1155710"),
            "가게에서 주문 A1155710을(를) 접수했어요. 약 25분 뒤 준비돼요."
        );
    }
}
