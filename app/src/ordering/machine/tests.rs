//! Every status × every command, plus the refusals people will actually meet.

use super::*;
use chrono::TimeZone;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const CUSTOMER: AccountId = AccountId(Uuid::from_u128(1));
const OTHER_CUSTOMER: AccountId = AccountId(Uuid::from_u128(2));
const STORE: StoreId = StoreId(Uuid::from_u128(10));
const OTHER_STORE: StoreId = StoreId(Uuid::from_u128(11));
const RIDER: AccountId = AccountId(Uuid::from_u128(20));
const OTHER_RIDER: AccountId = AccountId(Uuid::from_u128(21));

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .single()
        .expect("valid time")
}

fn reason(text: &str) -> Reason {
    Reason::new(text).expect("valid reason")
}

/// An order in `status`, with deadlines five and ten minutes after t0 and, once claimed, RIDER.
fn order_in(status: OrderStatus) -> Order {
    let claimed = matches!(
        status,
        OrderStatus::RiderAssigned
            | OrderStatus::PickedUp
            | OrderStatus::Delivered
            | OrderStatus::DeliveryFailed
            | OrderStatus::Completed
    );
    Order {
        order_id: OrderId(id(100)),
        customer_id: CUSTOMER,
        store_id: STORE,
        status,
        accept_by: Some(t0() + Duration::minutes(5)),
        pay_by: Some(t0() + Duration::minutes(10)),
        ready_by: None,
        rider_id: claimed.then_some(RIDER),
    }
}

/// Each command with the actor who normally issues it and a moment at which its deadline allows it.
fn every_command() -> Vec<(Command, Actor, Timestamp)> {
    let later = t0() + Duration::hours(1);
    vec![
        (
            Command::ApprovePayment {
                accept_by: t0() + Duration::minutes(5),
            },
            Actor::Payment,
            t0(),
        ),
        (
            Command::DeferPayment {
                pay_by: t0() + Duration::minutes(10),
            },
            Actor::Payment,
            t0(),
        ),
        (Command::ClosePaymentWindow, Actor::Scheduler, later),
        (
            Command::AcceptOrder {
                prep: PrepMinutes::new(20).expect("valid"),
            },
            Actor::StoreOwner { store_id: STORE },
            t0(),
        ),
        (
            Command::RejectOrder {
                reason: reason("Out of chicken"),
            },
            Actor::StoreOwner { store_id: STORE },
            t0(),
        ),
        (Command::ExpireOrder, Actor::Scheduler, later),
        (
            Command::StartCook,
            Actor::StoreOwner { store_id: STORE },
            t0(),
        ),
        (
            Command::FinishCook,
            Actor::StoreOwner { store_id: STORE },
            t0(),
        ),
        (Command::ClaimDelivery, Actor::Rider(RIDER), t0()),
        (Command::PickUp, Actor::Rider(RIDER), t0()),
        (Command::Deliver, Actor::Rider(RIDER), t0()),
        (
            Command::ReportFailure {
                reason: reason("Nobody at the door"),
            },
            Actor::Rider(RIDER),
            t0(),
        ),
        (Command::RetryDelivery, Actor::Operator, t0()),
        (Command::ConfirmDelivery, Actor::Rider(RIDER), t0()),
        (
            Command::CancelOrder {
                reason: reason("Ordered by mistake"),
            },
            Actor::Customer(CUSTOMER),
            t0(),
        ),
    ]
}

/// The lifecycle of PRODUCT.md §3, written out by hand: (from, command, to).
fn allowed(status: OrderStatus, command: &Command) -> Option<OrderStatus> {
    use Command as C;
    use OrderStatus as S;
    match (status, command) {
        (S::Placed, C::ApprovePayment { .. }) => Some(S::Paid),
        (S::Placed, C::DeferPayment { .. }) => Some(S::PaymentDeferred),
        (S::Placed, C::CancelOrder { .. }) => Some(S::Cancelled),
        (S::PaymentDeferred, C::ApprovePayment { .. }) => Some(S::Paid),
        (S::PaymentDeferred, C::ClosePaymentWindow) => Some(S::Cancelled),
        (S::PaymentDeferred, C::CancelOrder { .. }) => Some(S::Cancelled),
        (S::Paid, C::AcceptOrder { .. }) => Some(S::Accepted),
        (S::Paid, C::RejectOrder { .. }) => Some(S::Rejected),
        (S::Paid, C::ExpireOrder) => Some(S::Expired),
        (S::Paid, C::CancelOrder { .. }) => Some(S::Cancelled),
        (S::Accepted, C::StartCook) => Some(S::Cooking),
        (S::Accepted, C::CancelOrder { .. }) => Some(S::Cancelled),
        (S::Cooking, C::FinishCook) => Some(S::Cooked),
        (S::Cooked, C::ClaimDelivery) => Some(S::RiderAssigned),
        (S::RiderAssigned, C::PickUp) => Some(S::PickedUp),
        (S::PickedUp, C::Deliver) => Some(S::Delivered),
        (S::PickedUp, C::ReportFailure { .. }) => Some(S::DeliveryFailed),
        (S::DeliveryFailed, C::RetryDelivery) => Some(S::Cooked),
        (S::Delivered, C::ConfirmDelivery) => Some(S::Completed),
        _ => None,
    }
}

#[test]
fn every_status_and_command_follows_the_lifecycle_table() {
    let mut checked = 0;
    for status in OrderStatus::ALL {
        for (command, actor, now) in every_command() {
            let order = order_in(status);
            let outcome = decide(&order, &actor, &command, now);
            match (allowed(status, &command), outcome) {
                (Some(expected), Ok(events)) => {
                    let mut after = order.clone();
                    events.iter().for_each(|event| after.apply(event));
                    assert_eq!(
                        after.status, expected,
                        "{command:?} from {status:?} should lead to {expected:?}"
                    );
                    assert_eq!(events.len(), 1, "{command:?} from {status:?}");
                }
                (Some(expected), Err(refusal)) => {
                    panic!("{command:?} from {status:?} should lead to {expected:?}, was refused: {refusal}")
                }
                (None, Ok(events)) => {
                    panic!("{command:?} from {status:?} should be refused, produced {events:?}")
                }
                (None, Err(refusal)) => {
                    if status.is_closed() {
                        assert_eq!(refusal, Refusal::Closed(status));
                    }
                    assert!(!refusal.to_string().is_empty());
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, OrderStatus::ALL.len() * 15);
}

#[test]
fn refusals_in_open_states_name_the_command_and_the_status() {
    let order = order_in(OrderStatus::Placed);
    let refusal = decide(
        &order,
        &Actor::StoreOwner { store_id: STORE },
        &Command::StartCook,
        t0(),
    )
    .expect_err("cannot cook an unpaid order");
    assert_eq!(
        refusal,
        Refusal::NotNow {
            verb: Verb::StartCooking,
            status: OrderStatus::Placed
        }
    );
    assert_eq!(
        refusal.to_string(),
        "You cannot start cooking an order that is waiting for payment."
    );
}

#[test]
fn cancel_is_refused_once_cooking_started() {
    for status in [
        OrderStatus::Cooking,
        OrderStatus::Cooked,
        OrderStatus::RiderAssigned,
        OrderStatus::PickedUp,
        OrderStatus::Delivered,
        OrderStatus::DeliveryFailed,
    ] {
        let refusal = decide(
            &order_in(status),
            &Actor::Customer(CUSTOMER),
            &Command::CancelOrder {
                reason: reason("Too slow"),
            },
            t0(),
        )
        .expect_err("too late to cancel");
        assert_eq!(refusal, Refusal::CookingStarted, "from {status:?}");
        assert_eq!(
            refusal.to_string(),
            "Cooking has started, so the order can no longer be cancelled."
        );
    }
}

#[test]
fn cancel_refunds_only_when_money_was_taken() {
    let cancel = Command::CancelOrder {
        reason: reason("Changed my mind"),
    };
    for (status, refund) in [
        (OrderStatus::Placed, false),
        (OrderStatus::PaymentDeferred, false),
        (OrderStatus::Paid, true),
        (OrderStatus::Accepted, true),
    ] {
        let events = decide(&order_in(status), &Actor::Customer(CUSTOMER), &cancel, t0())
            .expect("cancel allowed before cooking");
        assert_eq!(
            events,
            vec![OrderEvent::OrderCancelled {
                reason: CancelReason::Customer(reason("Changed my mind")),
                refund
            }],
            "from {status:?}"
        );
    }
}

#[test]
fn another_customers_order_is_not_yours() {
    let refusal = decide(
        &order_in(OrderStatus::Paid),
        &Actor::Customer(OTHER_CUSTOMER),
        &Command::CancelOrder {
            reason: reason("Mine now"),
        },
        t0(),
    )
    .expect_err("not their order");
    assert_eq!(refusal, Refusal::NotYourOrder);
}

#[test]
fn another_stores_owner_cannot_accept() {
    let refusal = decide(
        &order_in(OrderStatus::Paid),
        &Actor::StoreOwner {
            store_id: OTHER_STORE,
        },
        &Command::AcceptOrder {
            prep: PrepMinutes::new(15).expect("valid"),
        },
        t0(),
    )
    .expect_err("not their store");
    assert_eq!(refusal, Refusal::NotYourOrder);
}

#[test]
fn only_the_assigned_rider_moves_a_delivery() {
    for (status, command) in [
        (OrderStatus::RiderAssigned, Command::PickUp),
        (OrderStatus::PickedUp, Command::Deliver),
        (
            OrderStatus::PickedUp,
            Command::ReportFailure {
                reason: reason("Flat tyre"),
            },
        ),
        (OrderStatus::Delivered, Command::ConfirmDelivery),
    ] {
        let refusal = decide(
            &order_in(status),
            &Actor::Rider(OTHER_RIDER),
            &command,
            t0(),
        )
        .expect_err("another rider's delivery");
        assert_eq!(refusal, Refusal::NotYourDelivery, "{command:?}");
    }
}

#[test]
fn second_rider_to_claim_is_told_it_is_taken() {
    let mut order = order_in(OrderStatus::Cooked);
    let events = decide(&order, &Actor::Rider(RIDER), &Command::ClaimDelivery, t0())
        .expect("first claim wins");
    events.iter().for_each(|event| order.apply(event));
    assert_eq!(order.rider_id, Some(RIDER));
    let refusal = decide(
        &order,
        &Actor::Rider(OTHER_RIDER),
        &Command::ClaimDelivery,
        t0(),
    )
    .expect_err("second claim loses");
    assert_eq!(refusal, Refusal::AlreadyClaimed);
}

#[test]
fn roles_cannot_issue_each_others_commands() {
    let cases = [
        (Actor::Customer(CUSTOMER), Command::StartCook),
        (Actor::Rider(RIDER), Command::FinishCook),
        (
            Actor::StoreOwner { store_id: STORE },
            Command::ClaimDelivery,
        ),
        (Actor::Customer(CUSTOMER), Command::ExpireOrder),
        (
            Actor::Customer(CUSTOMER),
            Command::ApprovePayment { accept_by: t0() },
        ),
        (Actor::Rider(RIDER), Command::RetryDelivery),
        (
            Actor::StoreOwner { store_id: STORE },
            Command::CancelOrder {
                reason: reason("Too busy"),
            },
        ),
    ];
    for (actor, command) in cases {
        for status in OrderStatus::ALL {
            let refusal = decide(&order_in(status), &actor, &command, t0())
                .expect_err("wrong role is always refused");
            assert_eq!(
                refusal,
                Refusal::NotYourRole {
                    verb: command.verb()
                },
                "{actor:?} {command:?} in {status:?}"
            );
        }
    }
}

#[test]
fn accepting_sets_ready_by_from_prep_time() {
    let events = decide(
        &order_in(OrderStatus::Paid),
        &Actor::StoreOwner { store_id: STORE },
        &Command::AcceptOrder {
            prep: PrepMinutes::new(25).expect("valid"),
        },
        t0(),
    )
    .expect("accept in time");
    assert_eq!(
        events,
        vec![OrderEvent::OrderAccepted {
            prep_minutes: 25,
            ready_by: t0() + Duration::minutes(25)
        }]
    );
}

#[test]
fn accepting_after_the_deadline_is_refused() {
    let refusal = decide(
        &order_in(OrderStatus::Paid),
        &Actor::StoreOwner { store_id: STORE },
        &Command::AcceptOrder {
            prep: PrepMinutes::new(25).expect("valid"),
        },
        t0() + Duration::minutes(6),
    )
    .expect_err("too late");
    assert_eq!(refusal, Refusal::AcceptanceDeadlinePassed);
}

#[test]
fn timers_do_not_fire_before_their_deadline() {
    let early = t0() + Duration::minutes(1);
    let expire = decide(
        &order_in(OrderStatus::Paid),
        &Actor::Scheduler,
        &Command::ExpireOrder,
        early,
    );
    assert_eq!(expire, Err(Refusal::TooEarly));
    let close = decide(
        &order_in(OrderStatus::PaymentDeferred),
        &Actor::Scheduler,
        &Command::ClosePaymentWindow,
        early,
    );
    assert_eq!(close, Err(Refusal::TooEarly));
}

#[test]
fn payment_window_timeout_cancels_without_refund() {
    let events = decide(
        &order_in(OrderStatus::PaymentDeferred),
        &Actor::Scheduler,
        &Command::ClosePaymentWindow,
        t0() + Duration::minutes(11),
    )
    .expect("window over");
    assert_eq!(
        events,
        vec![OrderEvent::OrderCancelled {
            reason: CancelReason::PaymentTimeout,
            refund: false
        }]
    );
}

#[test]
fn payment_after_the_window_closed_is_refused() {
    let refusal = decide(
        &order_in(OrderStatus::PaymentDeferred),
        &Actor::Payment,
        &Command::ApprovePayment {
            accept_by: t0() + Duration::minutes(20),
        },
        t0() + Duration::minutes(11),
    )
    .expect_err("too late to pay");
    assert_eq!(refusal, Refusal::PaymentWindowClosed);
}

#[test]
fn customer_and_scheduler_can_also_confirm_delivery() {
    for actor in [Actor::Customer(CUSTOMER), Actor::Scheduler] {
        let events = decide(
            &order_in(OrderStatus::Delivered),
            &actor,
            &Command::ConfirmDelivery,
            t0(),
        )
        .expect("confirm allowed");
        assert_eq!(events, vec![OrderEvent::OrderCompleted], "{actor:?}");
    }
}

#[test]
fn operator_cancels_a_failed_delivery_with_a_refund() {
    let events = decide(
        &order_in(OrderStatus::DeliveryFailed),
        &Actor::Operator,
        &Command::CancelOrder {
            reason: reason("Customer unreachable"),
        },
        t0(),
    )
    .expect("operator decides");
    assert_eq!(
        events,
        vec![OrderEvent::OrderCancelled {
            reason: CancelReason::Operator(reason("Customer unreachable")),
            refund: true
        }]
    );
}

#[test]
fn retried_delivery_is_open_to_riders_again() {
    let mut order = order_in(OrderStatus::DeliveryFailed);
    let events = decide(&order, &Actor::Operator, &Command::RetryDelivery, t0()).expect("retry");
    events.iter().for_each(|event| order.apply(event));
    assert_eq!(order.status, OrderStatus::Cooked);
    assert_eq!(order.rider_id, None);
}

#[test]
fn prep_minutes_must_be_between_5_and_120() {
    assert_eq!(PrepMinutes::new(4), Err(Refusal::PrepTimeOutOfRange));
    assert_eq!(PrepMinutes::new(121), Err(Refusal::PrepTimeOutOfRange));
    assert_eq!(PrepMinutes::new(5).map(PrepMinutes::get), Ok(5));
    assert_eq!(PrepMinutes::new(120).map(PrepMinutes::get), Ok(120));
}

#[test]
fn reasons_are_trimmed_and_bounded() {
    assert_eq!(Reason::new("   "), Err(Refusal::ReasonMissing));
    assert_eq!(Reason::new(&"가".repeat(201)), Err(Refusal::ReasonTooLong));
    assert_eq!(
        Reason::new("  품절  ").map(|r| r.as_str().to_owned()),
        Ok("품절".to_owned())
    );
}

fn standing_in(status: OrderStatus) -> Standing {
    let order = order_in(status);
    Standing {
        status,
        accept_by: order.accept_by,
        pay_by: order.pay_by,
    }
}

/// The buttons each party's screen shows in every status before any deadline: the lifecycle as
/// people see it, written out so that a change to `decide` shows here as a change of screen.
#[test]
fn each_party_is_offered_the_steps_decide_accepts_in_every_status() {
    use OrderStatus as S;
    use Verb as V;
    let expected = |party: Party, status: OrderStatus| -> Vec<Verb> {
        match (party, status) {
            (Party::Customer, S::Placed | S::PaymentDeferred | S::Paid | S::Accepted) => {
                vec![V::Cancel]
            }
            (Party::Customer, S::Delivered) => vec![V::ConfirmDelivery],
            (Party::StoreOwner, S::Paid) => vec![V::Accept, V::Reject],
            (Party::StoreOwner, S::Accepted) => vec![V::StartCooking],
            (Party::StoreOwner, S::Cooking) => vec![V::FinishCooking],
            (Party::Rider, S::Cooked) => vec![V::Claim],
            (Party::Rider, S::RiderAssigned) => vec![V::PickUp],
            (Party::Rider, S::PickedUp) => vec![V::Deliver, V::ReportFailure],
            (Party::Rider, S::Delivered) => vec![V::ConfirmDelivery],
            _ => vec![],
        }
    };
    for party in [Party::Customer, Party::StoreOwner, Party::Rider] {
        for status in OrderStatus::ALL {
            assert_eq!(
                open_steps(party, standing_in(status), t0()),
                expected(party, status),
                "{party:?} looking at an order {status:?}"
            );
        }
    }
}

#[test]
fn the_kitchen_is_no_longer_offered_accept_once_the_deadline_passed() {
    let paid = standing_in(OrderStatus::Paid);
    let deadline = paid.accept_by.expect("a paid order has a deadline");
    assert_eq!(
        open_steps(Party::StoreOwner, paid, deadline),
        vec![Verb::Accept, Verb::Reject]
    );
    assert_eq!(
        open_steps(Party::StoreOwner, paid, deadline + Duration::seconds(1)),
        vec![Verb::Reject]
    );
}

/// `open_steps` asks `decide` with stand-in arguments; that is only sound while no argument a
/// screen's command carries changes the answer.
#[test]
fn no_screen_command_is_decided_by_its_arguments() {
    let variants = |command: &Command| -> Vec<Command> {
        match command {
            Command::AcceptOrder { .. } => [PrepMinutes::MIN, 20, PrepMinutes::MAX]
                .map(|minutes| Command::AcceptOrder {
                    prep: PrepMinutes::new(minutes).expect("valid"),
                })
                .to_vec(),
            Command::RejectOrder { .. } => vec![Command::RejectOrder {
                reason: reason("Out of chicken"),
            }],
            Command::ReportFailure { .. } => vec![Command::ReportFailure {
                reason: reason("Nobody at the door"),
            }],
            Command::CancelOrder { .. } => vec![Command::CancelOrder {
                reason: reason("Ordered twice"),
            }],
            other => vec![other.clone()],
        }
    };
    for party in [Party::Customer, Party::StoreOwner, Party::Rider] {
        let actor = match party {
            Party::Customer => Actor::Customer(CUSTOMER),
            Party::StoreOwner => Actor::StoreOwner { store_id: STORE },
            Party::Rider => Actor::Rider(RIDER),
        };
        for command in party.screen_commands() {
            for status in OrderStatus::ALL {
                let order = order_in(status);
                let stand_in = decide(&order, &actor, &command, t0()).is_ok();
                for variant in variants(&command) {
                    assert_eq!(
                        decide(&order, &actor, &variant, t0()).is_ok(),
                        stand_in,
                        "{variant:?} by {party:?} in {status:?}"
                    );
                }
            }
        }
    }
}
