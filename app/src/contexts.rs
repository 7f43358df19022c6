//! What the contexts do for the platform's machinery, in one table the server hands to
//! `AppState` (`platform::state::ContextHooks`): which context applies each consumer's events,
//! and what each forgets of a customer who leaves. It sits on the top floor, beside the routes,
//! because it names every context; the platform below runs the table without naming any.

use futures::future::BoxFuture;
use sqlx::PgConnection;

use crate::platform::consumers::{ApplyBatch, ConsumeError};
use crate::platform::events::{Consumer, StoredEvent};
use crate::platform::state::{AppState, ContextHooks};
use crate::platform::{AccountId, AppError};

/// The table every server process runs with.
pub const HOOKS: ContextHooks = ContextHooks {
    consumer: consumer_of,
    // Ordering first: its refusal (an order under way) must come before anything is forgotten.
    forget_customer: &[ordering_forgets, tracking_forgets, notification_forgets],
};

fn consumer_of(consumer: Consumer) -> ApplyBatch {
    match consumer {
        Consumer::Store => store_applies,
        Consumer::Payment => payment_applies,
        Consumer::Delivery => delivery_applies,
        Consumer::Tracking => tracking_applies,
        Consumer::Notification => notification_applies,
        Consumer::Deadlines => ordering_applies,
    }
}

type Applied<'a> = BoxFuture<'a, Result<bool, ConsumeError>>;

/// A consumer whose context needs only the transaction and the batch, as an `ApplyBatch`.
macro_rules! applies {
    ($name:ident, $apply:path) => {
        fn $name<'a>(
            tx: &'a mut PgConnection,
            _: &'a AppState,
            events: &'a [&'a StoredEvent],
        ) -> Applied<'a> {
            Box::pin($apply(tx, events))
        }
    };
}

applies!(store_applies, crate::store::consumer::apply);
applies!(payment_applies, crate::payment::consumer::apply);
applies!(delivery_applies, crate::delivery::consumer::apply);
applies!(tracking_applies, crate::tracking::consumer::apply);
applies!(ordering_applies, crate::ordering::consumer::apply);

/// Notification's consumer also sends KakaoTalk messages, through the state's channel.
fn notification_applies<'a>(
    tx: &'a mut PgConnection,
    state: &'a AppState,
    events: &'a [&'a StoredEvent],
) -> Applied<'a> {
    Box::pin(crate::notification::consumer::apply(tx, state, events))
}

type Forgotten<'a> = BoxFuture<'a, Result<(), AppError>>;

fn ordering_forgets(tx: &mut PgConnection, customer: AccountId) -> Forgotten<'_> {
    Box::pin(crate::ordering::forget_customer(tx, customer))
}

fn tracking_forgets(tx: &mut PgConnection, customer: AccountId) -> Forgotten<'_> {
    Box::pin(async move { Ok(crate::tracking::forget_customers_door(tx, customer).await?) })
}

fn notification_forgets(tx: &mut PgConnection, customer: AccountId) -> Forgotten<'_> {
    Box::pin(async move { Ok(crate::notification::forget_recipient(tx, customer).await?) })
}
