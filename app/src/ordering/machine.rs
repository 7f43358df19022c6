//! The order state machine: one pure function that decides what a command does to an order.
//!
//! The server calls [`decide`] to act; pages call it to know which buttons to show. It does no
//! I/O and reads no clock: the caller passes `now`, and facts owned by other contexts (is the
//! rider on duty and near, does this owner own the store) are checked by the caller beforehand.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::{OrderId, OrderStatus};
use crate::i18n::{td_string, Locale};
use crate::platform::text::{Field, TextProblem, TextRule};
use crate::platform::AccountId;
use crate::store::StoreId;

/// A moment in time, always UTC.
pub type Timestamp = DateTime<Utc>;

/// What the state machine needs to know about an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub order_id: OrderId,
    pub customer_id: AccountId,
    pub store_id: StoreId,
    pub status: OrderStatus,
    /// The store must accept before this moment; set when the order is paid.
    pub accept_by: Option<Timestamp>,
    /// A deferred payment must succeed before this moment.
    pub pay_by: Option<Timestamp>,
    /// When the store said the food will be ready.
    pub ready_by: Option<Timestamp>,
    /// The rider who claimed the delivery.
    pub rider_id: Option<AccountId>,
}

/// Minutes a store needs to cook, between 5 and 120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepMinutes(u16);

impl PrepMinutes {
    pub const MIN: u16 = 5;
    pub const MAX: u16 = 120;

    /// Accepts 5 to 120 minutes; anything else is a slip of the finger.
    pub fn new(minutes: u16) -> Result<PrepMinutes, Refusal> {
        if (Self::MIN..=Self::MAX).contains(&minutes) {
            Ok(PrepMinutes(minutes))
        } else {
            Err(Refusal::PrepTimeOutOfRange)
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// A reason a person typed: 1 to 200 characters once trimmed and normalised; it may run over
/// several lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason(String);

impl Reason {
    pub const MAX_CHARS: usize = 200;
    const RULE: TextRule = TextRule::line(Field::Reason, Self::MAX_CHARS).multi_line();

    /// Trims the text and checks it says something, briefly.
    pub fn new(text: &str) -> Result<Reason, Refusal> {
        match Self::RULE.check(text) {
            Ok(kept) => Ok(Reason(kept)),
            Err(TextProblem::Missing { .. }) => Err(Refusal::ReasonMissing),
            Err(TextProblem::TooLong { .. }) => Err(Refusal::ReasonTooLong),
            Err(TextProblem::LineBreak { .. } | TextProblem::ControlCharacter { .. }) => {
                Err(Refusal::ReasonNotText)
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who is asking. Callers establish identity (and store ownership) before building this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer(AccountId),
    /// The owner of `store_id`, already checked against the store's records.
    StoreOwner {
        store_id: StoreId,
    },
    Rider(AccountId),
    /// The payment context reporting what the gateway said.
    Payment,
    /// Timers: acceptance deadline, pay-later window, automatic confirmation.
    Scheduler,
    Operator,
}

impl Actor {
    /// How the event log records who acted: "customer:<id>", "payment", …
    pub fn label(&self) -> String {
        match self {
            Actor::Customer(id) => format!("customer:{}", id.0),
            Actor::StoreOwner { store_id } => format!("store:{}", store_id.0),
            Actor::Rider(id) => format!("rider:{}", id.0),
            Actor::Payment => "payment".to_owned(),
            Actor::Scheduler => "scheduler".to_owned(),
            Actor::Operator => "operator".to_owned(),
        }
    }
}

/// Everything that can be asked of an existing order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// The gateway approved the payment; the store must accept before `accept_by`.
    ApprovePayment {
        accept_by: Timestamp,
    },
    /// The gateway is busy; the customer may pay until `pay_by`.
    DeferPayment {
        pay_by: Timestamp,
    },
    /// The pay-later window is over.
    ClosePaymentWindow,
    AcceptOrder {
        prep: PrepMinutes,
    },
    RejectOrder {
        reason: Reason,
    },
    /// The acceptance deadline is over.
    ExpireOrder,
    StartCook,
    FinishCook,
    ClaimDelivery,
    PickUp,
    Deliver,
    ReportFailure {
        reason: Reason,
    },
    /// The operator sends a failed delivery back to riders.
    RetryDelivery,
    ConfirmDelivery,
    CancelOrder {
        reason: Reason,
    },
}

impl Command {
    /// What the command does, for sentences ("You cannot {verb} an order that is …"), logs and
    /// the rider's tap receipts.
    pub fn verb(&self) -> Verb {
        match self {
            Command::ApprovePayment { .. } => Verb::TakePayment,
            Command::DeferPayment { .. } => Verb::DeferPayment,
            Command::ClosePaymentWindow => Verb::ClosePaymentWindow,
            Command::AcceptOrder { .. } => Verb::Accept,
            Command::RejectOrder { .. } => Verb::Reject,
            Command::ExpireOrder => Verb::Expire,
            Command::StartCook => Verb::StartCooking,
            Command::FinishCook => Verb::FinishCooking,
            Command::ClaimDelivery => Verb::Claim,
            Command::PickUp => Verb::PickUp,
            Command::Deliver => Verb::Deliver,
            Command::ReportFailure { .. } => Verb::ReportFailure,
            Command::RetryDelivery => Verb::RetryDelivery,
            Command::ConfirmDelivery => Verb::ConfirmDelivery,
            Command::CancelOrder { .. } => Verb::Cancel,
        }
    }
}

/// What a command does to an order, without its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    TakePayment,
    DeferPayment,
    ClosePaymentWindow,
    Accept,
    Reject,
    Expire,
    StartCooking,
    FinishCooking,
    Claim,
    PickUp,
    Deliver,
    ReportFailure,
    RetryDelivery,
    ConfirmDelivery,
    Cancel,
}

impl Verb {
    /// The name logs and the rider's tap receipts keep.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::TakePayment => "take_payment",
            Verb::DeferPayment => "defer_payment",
            Verb::ClosePaymentWindow => "close_payment_window",
            Verb::Accept => "accept",
            Verb::Reject => "reject",
            Verb::Expire => "expire",
            Verb::StartCooking => "start_cooking",
            Verb::FinishCooking => "finish_cooking",
            Verb::Claim => "claim",
            Verb::PickUp => "pick_up",
            Verb::Deliver => "deliver",
            Verb::ReportFailure => "report_failure",
            Verb::RetryDelivery => "retry_delivery",
            Verb::ConfirmDelivery => "confirm_delivery",
            Verb::Cancel => "cancel",
        }
    }

    /// The verb phrase inside a sentence in `locale`: "start cooking", "조리 시작".
    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Verb::TakePayment => td_string!(locale, verb.take_payment),
            Verb::DeferPayment => td_string!(locale, verb.defer_payment),
            Verb::ClosePaymentWindow => td_string!(locale, verb.close_payment_window),
            Verb::Accept => td_string!(locale, verb.accept),
            Verb::Reject => td_string!(locale, verb.reject),
            Verb::Expire => td_string!(locale, verb.expire),
            Verb::StartCooking => td_string!(locale, verb.start_cooking),
            Verb::FinishCooking => td_string!(locale, verb.finish_cooking),
            Verb::Claim => td_string!(locale, verb.claim),
            Verb::PickUp => td_string!(locale, verb.pick_up),
            Verb::Deliver => td_string!(locale, verb.deliver),
            Verb::ReportFailure => td_string!(locale, verb.report_failure),
            Verb::RetryDelivery => td_string!(locale, verb.retry_delivery),
            Verb::ConfirmDelivery => td_string!(locale, verb.confirm_delivery),
            Verb::Cancel => td_string!(locale, verb.cancel),
        }
    }
}

/// Why an order was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelReason {
    Customer(Reason),
    Operator(Reason),
    PaymentTimeout,
}

/// What happened to an order. Names match PRODUCT.md §3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrderEvent {
    Paid {
        accept_by: Timestamp,
    },
    PaymentDeferred {
        pay_by: Timestamp,
    },
    OrderAccepted {
        prep_minutes: u16,
        ready_by: Timestamp,
    },
    OrderRejected {
        reason: Reason,
    },
    OrderExpired,
    CookStarted,
    CookFinished,
    /// The operator sent a failed delivery back to riders.
    DeliveryRetried,
    RiderAssigned {
        rider_id: AccountId,
    },
    Picked,
    Delivered,
    DeliveryFailed {
        reason: Reason,
    },
    OrderCompleted,
    OrderCancelled {
        reason: CancelReason,
        /// Money was taken and must go back.
        refund: bool,
    },
}

impl OrderEvent {
    /// The event's name in the event log and on the operator page.
    /// The status an order is in right after this event.
    pub fn resulting_status(&self) -> OrderStatus {
        match self {
            OrderEvent::Paid { .. } => OrderStatus::Paid,
            OrderEvent::PaymentDeferred { .. } => OrderStatus::PaymentDeferred,
            OrderEvent::OrderAccepted { .. } => OrderStatus::Accepted,
            OrderEvent::OrderRejected { .. } => OrderStatus::Rejected,
            OrderEvent::OrderExpired => OrderStatus::Expired,
            OrderEvent::CookStarted => OrderStatus::Cooking,
            OrderEvent::CookFinished | OrderEvent::DeliveryRetried => OrderStatus::Cooked,
            OrderEvent::RiderAssigned { .. } => OrderStatus::RiderAssigned,
            OrderEvent::Picked => OrderStatus::PickedUp,
            OrderEvent::Delivered => OrderStatus::Delivered,
            OrderEvent::DeliveryFailed { .. } => OrderStatus::DeliveryFailed,
            OrderEvent::OrderCompleted => OrderStatus::Completed,
            OrderEvent::OrderCancelled { .. } => OrderStatus::Cancelled,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            OrderEvent::Paid { .. } => "Paid",
            OrderEvent::PaymentDeferred { .. } => "PaymentDeferred",
            OrderEvent::OrderAccepted { .. } => "OrderAccepted",
            OrderEvent::OrderRejected { .. } => "OrderRejected",
            OrderEvent::OrderExpired => "OrderExpired",
            OrderEvent::CookStarted => "CookStarted",
            OrderEvent::CookFinished => "CookFinished",
            OrderEvent::DeliveryRetried => "DeliveryRetried",
            OrderEvent::RiderAssigned { .. } => "RiderAssigned",
            OrderEvent::Picked => "Picked",
            OrderEvent::Delivered => "Delivered",
            OrderEvent::DeliveryFailed { .. } => "DeliveryFailed",
            OrderEvent::OrderCompleted => "OrderCompleted",
            OrderEvent::OrderCancelled { .. } => "OrderCancelled",
        }
    }
}

/// Why a command was refused, worded for the person who tried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The actor's role never issues this command.
    NotYourRole {
        verb: Verb,
    },
    /// The order belongs to another customer or another store.
    NotYourOrder,
    /// The delivery belongs to another rider.
    NotYourDelivery,
    /// The order has ended; nothing changes it any more.
    Closed(OrderStatus),
    /// The customer asked to cancel after cooking started.
    CookingStarted,
    /// Another rider claimed the delivery first.
    AlreadyClaimed,
    /// The store tried to accept after the acceptance deadline.
    AcceptanceDeadlinePassed,
    /// The scheduler fired before the deadline it enforces.
    TooEarly,
    /// The payment arrived after the pay-later window closed.
    PaymentWindowClosed,
    /// The command does not apply in the order's current status.
    NotNow {
        verb: Verb,
        status: OrderStatus,
    },
    PrepTimeOutOfRange,
    ReasonMissing,
    ReasonTooLong,
    /// The reason holds a character nobody types (a control character).
    ReasonNotText,
}

impl Refusal {
    /// The sentence for the person who gave the command, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            Refusal::NotYourRole { verb } => {
                td_string!(locale, error.not_your_role, verb = verb.in_language(locale))
            }
            Refusal::NotYourOrder => td_string!(locale, error.not_your_order).to_owned(),
            Refusal::NotYourDelivery => td_string!(locale, error.not_your_delivery).to_owned(),
            Refusal::Closed(status) => td_string!(
                locale,
                error.order_closed,
                status = status.phrase_in_language(locale)
            ),
            Refusal::CookingStarted => td_string!(locale, error.cooking_started).to_owned(),
            Refusal::AlreadyClaimed => td_string!(locale, error.already_claimed).to_owned(),
            Refusal::AcceptanceDeadlinePassed => {
                td_string!(locale, error.acceptance_deadline_passed).to_owned()
            }
            Refusal::TooEarly => td_string!(locale, error.too_early).to_owned(),
            Refusal::PaymentWindowClosed => {
                td_string!(locale, error.payment_window_closed).to_owned()
            }
            Refusal::NotNow { verb, status } => td_string!(
                locale,
                error.not_now,
                verb = verb.in_language(locale),
                status = status.phrase_in_language(locale)
            ),
            Refusal::PrepTimeOutOfRange => td_string!(
                locale,
                error.prep_time_out_of_range,
                min = PrepMinutes::MIN,
                max = PrepMinutes::MAX
            ),
            Refusal::ReasonMissing => td_string!(locale, error.reason_missing).to_owned(),
            Refusal::ReasonTooLong => {
                td_string!(locale, error.reason_too_long, most = Reason::MAX_CHARS)
            }
            Refusal::ReasonNotText => td_string!(locale, error.reason_not_text).to_owned(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

impl std::error::Error for Refusal {}

/// Decides what `command` from `actor` does to `order` at `now`: the events to record, or why not.
pub fn decide(
    order: &Order,
    actor: &Actor,
    command: &Command,
    now: Timestamp,
) -> Result<Vec<OrderEvent>, Refusal> {
    use Command as C;
    use OrderStatus as S;

    check_actor(order, actor, command)?;
    if order.status.is_closed() {
        return Err(Refusal::Closed(order.status));
    }
    let not_now = || Refusal::NotNow {
        verb: command.verb(),
        status: order.status,
    };
    let event = match (order.status, command) {
        (S::Placed | S::PaymentDeferred, C::ApprovePayment { accept_by }) => {
            if order.status == S::PaymentDeferred && order.pay_by.is_some_and(|end| now > end) {
                return Err(Refusal::PaymentWindowClosed);
            }
            OrderEvent::Paid {
                accept_by: *accept_by,
            }
        }
        (S::Placed, C::DeferPayment { pay_by }) => OrderEvent::PaymentDeferred { pay_by: *pay_by },
        (S::PaymentDeferred, C::ClosePaymentWindow) => {
            if order.pay_by.is_some_and(|end| now < end) {
                return Err(Refusal::TooEarly);
            }
            OrderEvent::OrderCancelled {
                reason: CancelReason::PaymentTimeout,
                refund: false,
            }
        }
        (S::Paid, C::AcceptOrder { prep }) => {
            if order.accept_by.is_some_and(|deadline| now > deadline) {
                return Err(Refusal::AcceptanceDeadlinePassed);
            }
            OrderEvent::OrderAccepted {
                prep_minutes: prep.get(),
                ready_by: now + Duration::minutes(i64::from(prep.get())),
            }
        }
        (S::Paid, C::RejectOrder { reason }) => OrderEvent::OrderRejected {
            reason: reason.clone(),
        },
        (S::Paid, C::ExpireOrder) => {
            if order.accept_by.is_some_and(|deadline| now < deadline) {
                return Err(Refusal::TooEarly);
            }
            OrderEvent::OrderExpired
        }
        (S::Accepted, C::StartCook) => OrderEvent::CookStarted,
        (S::Cooking, C::FinishCook) => OrderEvent::CookFinished,
        (S::Cooked, C::ClaimDelivery) => match actor {
            Actor::Rider(rider_id) => OrderEvent::RiderAssigned {
                rider_id: *rider_id,
            },
            _ => return Err(not_now()),
        },
        (S::RiderAssigned | S::PickedUp | S::Delivered | S::DeliveryFailed, C::ClaimDelivery) => {
            return Err(Refusal::AlreadyClaimed)
        }
        (S::RiderAssigned, C::PickUp) => OrderEvent::Picked,
        (S::PickedUp, C::Deliver) => OrderEvent::Delivered,
        (S::PickedUp, C::ReportFailure { reason }) => OrderEvent::DeliveryFailed {
            reason: reason.clone(),
        },
        (S::DeliveryFailed, C::RetryDelivery) => OrderEvent::DeliveryRetried,
        (S::Delivered, C::ConfirmDelivery) => OrderEvent::OrderCompleted,
        (S::Placed | S::PaymentDeferred | S::Paid | S::Accepted, C::CancelOrder { reason })
            if matches!(actor, Actor::Customer(_)) =>
        {
            OrderEvent::OrderCancelled {
                reason: CancelReason::Customer(reason.clone()),
                refund: order.status.money_taken(),
            }
        }
        (S::DeliveryFailed, C::CancelOrder { reason }) if matches!(actor, Actor::Operator) => {
            OrderEvent::OrderCancelled {
                reason: CancelReason::Operator(reason.clone()),
                refund: true,
            }
        }
        (
            S::Cooking | S::Cooked | S::RiderAssigned | S::PickedUp | S::Delivered,
            C::CancelOrder { .. },
        )
        | (S::DeliveryFailed, C::CancelOrder { .. })
            if matches!(actor, Actor::Customer(_)) =>
        {
            return Err(Refusal::CookingStarted)
        }
        _ => return Err(not_now()),
    };
    Ok(vec![event])
}

/// Someone looking at one of their own orders on their screen. The page's list holds only the
/// viewer's orders (the server chose them by account or store), so who they are adds nothing:
/// the order's status and deadlines decide which steps are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Customer,
    StoreOwner,
    Rider,
}

impl Party {
    /// Each command this party gives from a screen, in the order its buttons appear. The
    /// arguments are stand-ins: a command's arguments are checked when they are built
    /// ([`PrepMinutes`], [`Reason`]), and [`decide`]'s answer never turns on them.
    fn screen_commands(self) -> Vec<Command> {
        let reason = || Reason(String::from("-"));
        match self {
            Party::Customer => vec![
                Command::CancelOrder { reason: reason() },
                Command::ConfirmDelivery,
            ],
            Party::StoreOwner => vec![
                Command::AcceptOrder {
                    prep: PrepMinutes(PrepMinutes::MIN),
                },
                Command::RejectOrder { reason: reason() },
                Command::StartCook,
                Command::FinishCook,
            ],
            Party::Rider => vec![
                Command::ClaimDelivery,
                Command::PickUp,
                Command::Deliver,
                Command::ReportFailure { reason: reason() },
                Command::ConfirmDelivery,
            ],
        }
    }
}

/// Where an order stands, as much as a screen knows of it: its status and its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: OrderStatus,
    pub accept_by: Option<Timestamp>,
    pub pay_by: Option<Timestamp>,
}

impl Standing {
    /// An order in `status` with no deadline running: enough for the steps that have none
    /// (everything a rider does).
    pub fn without_deadlines(status: OrderStatus) -> Standing {
        Standing {
            status,
            accept_by: None,
            pay_by: None,
        }
    }
}

/// What [`decide`] answers `party` giving `command` on their own order at `now`: for a screen
/// that knows where the order stands but not whose it is (it is the viewer's).
pub fn decide_for(
    party: Party,
    standing: Standing,
    command: &Command,
    now: Timestamp,
) -> Result<Vec<OrderEvent>, Refusal> {
    // One account is the order's customer and its rider, one store its store: the viewer's.
    let viewer = AccountId(uuid::Uuid::nil());
    let store_id = StoreId(uuid::Uuid::nil());
    let order = Order {
        order_id: OrderId(uuid::Uuid::nil()),
        customer_id: viewer,
        store_id,
        status: standing.status,
        accept_by: standing.accept_by,
        pay_by: standing.pay_by,
        ready_by: None,
        rider_id: None,
    };
    let actor = match party {
        Party::Customer => Actor::Customer(viewer),
        Party::StoreOwner => Actor::StoreOwner { store_id },
        Party::Rider => Actor::Rider(viewer),
    };
    decide(&order, &actor, command, now)
}

/// The steps `party` may take on their order at `now`: exactly the commands [`decide`] would
/// accept from them, so a screen shows these buttons and no others.
pub fn open_steps(party: Party, standing: Standing, now: Timestamp) -> Vec<Verb> {
    party
        .screen_commands()
        .into_iter()
        .filter(|command| decide_for(party, standing, command, now).is_ok())
        .map(|command| command.verb())
        .collect()
}

/// Checks that the actor's role may issue the command and that the order is theirs.
fn check_actor(order: &Order, actor: &Actor, command: &Command) -> Result<(), Refusal> {
    use Command as C;
    let role_may = match command {
        C::ApprovePayment { .. } | C::DeferPayment { .. } => matches!(actor, Actor::Payment),
        C::ClosePaymentWindow | C::ExpireOrder => matches!(actor, Actor::Scheduler),
        C::AcceptOrder { .. } | C::RejectOrder { .. } | C::StartCook | C::FinishCook => {
            matches!(actor, Actor::StoreOwner { .. })
        }
        C::ClaimDelivery | C::PickUp | C::Deliver | C::ReportFailure { .. } => {
            matches!(actor, Actor::Rider(_))
        }
        C::RetryDelivery => matches!(actor, Actor::Operator),
        C::ConfirmDelivery => matches!(
            actor,
            Actor::Rider(_) | Actor::Customer(_) | Actor::Scheduler
        ),
        C::CancelOrder { .. } => matches!(actor, Actor::Customer(_) | Actor::Operator),
    };
    if !role_may {
        return Err(Refusal::NotYourRole {
            verb: command.verb(),
        });
    }
    match actor {
        Actor::Customer(id) if *id != order.customer_id => Err(Refusal::NotYourOrder),
        Actor::StoreOwner { store_id } if *store_id != order.store_id => Err(Refusal::NotYourOrder),
        // Any rider may try to claim; every other rider command is for the assigned rider only.
        Actor::Rider(id)
            if !matches!(command, C::ClaimDelivery)
                && order.rider_id.is_some_and(|assigned| assigned != *id) =>
        {
            Err(Refusal::NotYourDelivery)
        }
        _ => Ok(()),
    }
}

impl Order {
    /// The order after `event`: the only way an order's state changes.
    pub fn apply(&mut self, event: &OrderEvent) {
        self.status = event.resulting_status();
        match event {
            OrderEvent::Paid { accept_by } => self.accept_by = Some(*accept_by),
            OrderEvent::PaymentDeferred { pay_by } => self.pay_by = Some(*pay_by),
            OrderEvent::OrderAccepted { ready_by, .. } => self.ready_by = Some(*ready_by),
            OrderEvent::DeliveryRetried => self.rider_id = None,
            OrderEvent::RiderAssigned { rider_id } => self.rider_id = Some(*rider_id),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
