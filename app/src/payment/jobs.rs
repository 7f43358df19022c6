//! Payment's jobs, one per outside effect: charge an order, refund it, close its pay-later
//! window. Each calls the provider with the order's idempotency key, so a retry (the queue's, or
//! the customer's "pay now") never moves money twice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::db;
use super::gateway::GatewayError;
use super::PaymentRefusal;
use crate::ordering::commands::{execute_in, execute_many_in, CommandError};
use crate::ordering::machine::{Actor, Command};
use crate::ordering::{self as orders, OrderId, OrderStatus};
use crate::platform::error::Missing;
use crate::platform::events::Event;
use crate::platform::money::Won;
use crate::platform::state::AppState;
use crate::platform::{event_log, jobs, AppError};

/// What one attempt to charge an order came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Approved: the order is PAID and on its way to the store.
    Paid,
    /// The provider is busy: the order waits as PAYMENT_DEFERRED and the job retries.
    Deferred,
    /// The order no longer wants paying (cancelled, or its window closed); any money the provider
    /// took anyway is being refunded.
    NotPayable,
}

/// Why a charge could not even be tried or recorded; the job retries.
#[derive(Debug, thiserror::Error)]
pub enum ChargeError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Provider(GatewayError),
    #[error("the order changed while paying")]
    Conflict,
}

/// Tries to take the order's money once.
pub async fn charge(
    state: &AppState,
    order_id: OrderId,
    amount: Won,
) -> Result<ChargeOutcome, ChargeError> {
    charge_many(state, vec![Charge { order_id, amount }])
        .await?
        .pop()
        .map_or(Ok(ChargeOutcome::NotPayable), |(_, outcome)| outcome)
}

/// Tries to take each order's money once: a few provider calls at a time, then every approval
/// recorded in one transaction. Each order gets its own outcome; an error for all of them means
/// the database failed before any was recorded.
async fn charge_many(
    state: &AppState,
    charges: Vec<Charge>,
) -> Result<Vec<(Charge, Result<ChargeOutcome, ChargeError>)>, ChargeError> {
    let order_ids: Vec<OrderId> = charges.iter().map(|c| c.order_id).collect();
    let statuses: HashMap<OrderId, OrderStatus> = orders::load_many(&state.pool, &order_ids)
        .await?
        .into_iter()
        .map(|(order, _)| (order.order_id, order.status))
        .collect();
    let mut outcomes = Vec::with_capacity(charges.len());
    let mut payable = Vec::new();
    let mut ended_unpaid = Vec::new();
    for wanted in charges {
        match statuses.get(&wanted.order_id) {
            Some(status @ (OrderStatus::Placed | OrderStatus::PaymentDeferred)) => {
                payable.push((wanted, *status))
            }
            status => {
                // An earlier attempt may have recorded an approval and stopped before it could
                // ask for the money back (see `record_approvals`). Only a cancellation ends an
                // order that was never paid; rejected and expired ones were paid, and the
                // payment consumer refunds those.
                if status == Some(&OrderStatus::Cancelled) {
                    ended_unpaid.push(wanted.order_id);
                }
                outcomes.push((wanted, Ok(ChargeOutcome::NotPayable)))
            }
        }
    }
    refund_unwanted(state, &ended_unpaid).await?;
    let answers = jobs::each_at_most(payable, CHARGES_IN_FLIGHT, |(wanted, status)| async move {
        let answer = state.payments.approve(wanted.order_id, wanted.amount).await;
        Some((wanted, status, answer))
    })
    .await;
    let mut approved = Vec::new();
    for (wanted, status, answer) in answers {
        match answer {
            Ok(payment) => approved.push((wanted, payment.payment_key)),
            Err(GatewayError::Busy(reason)) => {
                tracing::info!(order_id = %wanted.order_id.0, %reason, "payment provider busy; the customer may pay later");
                let deferred = if status == OrderStatus::Placed {
                    defer(state, wanted.order_id).await
                } else {
                    Ok(())
                };
                outcomes.push((wanted, deferred.map(|()| ChargeOutcome::Deferred)));
            }
            Err(refused) => outcomes.push((wanted, Err(ChargeError::Provider(refused)))),
        }
    }
    if !approved.is_empty() {
        outcomes.extend(record_approvals(state, approved).await?);
    }
    Ok(outcomes)
}

/// Records what the provider took, then moves the approved orders to PAID, then asks back the
/// money of those that no longer wanted paying (cancelled or out of time while the provider
/// approved): three short transactions, the middle one holding only the orders and their events.
/// The payments are recorded first so that a crash between any two leaves a record a retry can
/// settle: the order is paid on the next attempt, or found not payable and refunded then.
async fn record_approvals(
    state: &AppState,
    approved: Vec<(Charge, String)>,
) -> Result<Vec<(Charge, Result<ChargeOutcome, ChargeError>)>, ChargeError> {
    let taken: Vec<(OrderId, Won, Option<String>)> = approved
        .iter()
        .map(|(c, payment_key)| (c.order_id, c.amount, Some(payment_key.clone())))
        .collect();
    db::record_payments(&state.pool, &taken).await?;

    let command = Command::ApprovePayment {
        accept_by: Utc::now() + state.acceptance_window,
    };
    let order_ids: Vec<OrderId> = approved.iter().map(|(c, _)| c.order_id).collect();
    let mut tx = state.pool.begin().await?;
    let mut decided: HashMap<OrderId, Result<_, CommandError>> =
        execute_many_in(&mut tx, &order_ids, &Actor::Payment, &command)
            .await?
            .into_iter()
            .collect();
    tx.commit().await?;
    state.wake_dispatcher();

    let mut paid = 0;
    let mut unwanted = Vec::new();
    let mut outcomes = Vec::with_capacity(approved.len());
    for (wanted, _) in approved {
        let outcome = match decided.remove(&wanted.order_id) {
            Some(Ok(_)) => {
                paid += 1;
                Ok(ChargeOutcome::Paid)
            }
            Some(Err(CommandError::Refused(refusal))) => {
                tracing::warn!(order_id = %wanted.order_id.0, %refusal, "approved for an order that no longer wants paying");
                unwanted.push(wanted.order_id);
                Ok(ChargeOutcome::NotPayable)
            }
            // Changed meanwhile: the next attempt asks the provider again with the same key and
            // is answered with this same payment.
            Some(Err(CommandError::Conflict)) => Err(ChargeError::Conflict),
            Some(Err(CommandError::NotFound)) | None => Ok(ChargeOutcome::NotPayable),
            Some(Err(CommandError::Db(e))) => Err(ChargeError::Db(e)),
        };
        outcomes.push((wanted, outcome));
    }
    refund_unwanted(state, &unwanted).await?;
    tracing::info!(orders = paid, "payments approved");
    Ok(outcomes)
}

/// Asks back whatever the provider took for orders that ended without being paid. An order with
/// no recorded payment has nothing to give back, so this is safe to run again and again.
async fn refund_unwanted(state: &AppState, order_ids: &[OrderId]) -> Result<(), ChargeError> {
    if order_ids.is_empty() {
        return Ok(());
    }
    let mut tx = state.pool.begin().await?;
    for &order_id in order_ids {
        queue_refund(&mut tx, order_id, "NotPayable").await?;
    }
    tx.commit().await?;
    Ok(())
}

/// PLACED → PAYMENT_DEFERRED. The job that closes the window at its end is queued by the
/// payment consumer when it sees PaymentDeferred, not here: a command's transaction holds only
/// the order and its events.
async fn defer(state: &AppState, order_id: OrderId) -> Result<(), ChargeError> {
    let pay_by = Utc::now() + state.pay_later_window;
    let mut tx = state.pool.begin().await?;
    match execute_in(
        &mut tx,
        order_id,
        &Actor::Payment,
        &Command::DeferPayment { pay_by },
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            state.wake_dispatcher();
            Ok(())
        }
        // Deferred or cancelled meanwhile: nothing more to do here.
        Err(CommandError::Refused(_)) | Err(CommandError::NotFound) => Ok(()),
        Err(CommandError::Conflict) => Err(ChargeError::Conflict),
        Err(CommandError::Db(e)) => Err(e.into()),
    }
}

/// Queues the delayed job that cancels the order if it is still unpaid at `pay_by`. Keyed by the
/// order, so a consumer's rerun queues it once.
pub async fn queue_window_close(
    tx: &mut PgConnection,
    order_id: OrderId,
    pay_by: DateTime<Utc>,
) -> sqlx::Result<()> {
    jobs::enqueue(
        &mut *tx,
        &ClosePaymentWindow { order_id },
        Some(format!("close-payment:{}", order_id.0)),
        Some(pay_by),
    )
    .await
}

/// Asks for the order's refund and queues the job that gets it from the provider.
pub async fn queue_refund(
    tx: &mut PgConnection,
    order_id: OrderId,
    reason: &str,
) -> sqlx::Result<bool> {
    if db::request_refund(&mut *tx, order_id, reason)
        .await?
        .is_none()
    {
        return Ok(false);
    }
    jobs::enqueue(
        &mut *tx,
        &RefundPayment { order_id },
        Some(format!("refund:{}", order_id.0)),
        None,
    )
    .await?;
    Ok(true)
}

/// One order to charge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Charge {
    pub order_id: OrderId,
    pub amount: Won,
}

/// Calls to the provider one charge job keeps in flight: enough to drain a lunch peak, few
/// enough that an overloaded provider sees at most this many of our calls per job.
const CHARGES_IN_FLIGHT: usize = 8;

/// How soon the orders a job could not settle are tried again when others in it went through.
const PARTIAL_RETRY_DELAY: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// The job: charge newly placed orders. Those the provider was too busy for wait as
/// PAYMENT_DEFERRED and are tried again: by the queue's backoff when none went through, or by a
/// smaller job a moment later when some did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChargeOrders {
    pub charges: Vec<Charge>,
}

impl TaskHandler for ChargeOrders {
    const IDENTIFIER: &'static str = "charge_orders";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = jobs::app_state(&ctx)?;
        let tried = self.charges.len();
        let unsettled = charge_all(&state, self.charges)
            .await
            .map_err(|e| format!("charging {tried} orders: {e}"))?;
        if unsettled.is_empty() {
            return Ok(());
        }
        if unsettled.len() == tried {
            return Err(format!(
                "none of {tried} charges went through (the provider is busy); retrying"
            ));
        }
        let key = format!("charge:{}", unsettled[0].order_id.0);
        let retry = ChargeOrders { charges: unsettled };
        jobs::enqueue(
            &state.pool,
            &retry,
            Some(key),
            Some(Utc::now() + PARTIAL_RETRY_DELAY),
        )
        .await
        .map_err(|e| format!("queueing the charges to retry: {e}"))
    }
}

/// Charges every order; returns those neither paid nor past wanting payment.
async fn charge_all(state: &AppState, charges: Vec<Charge>) -> Result<Vec<Charge>, ChargeError> {
    Ok(charge_many(state, charges)
        .await?
        .into_iter()
        .filter_map(|(wanted, outcome)| match outcome {
            Ok(ChargeOutcome::Paid | ChargeOutcome::NotPayable) => None,
            Ok(ChargeOutcome::Deferred) => Some(wanted),
            Err(error) => {
                tracing::warn!(order_id = %wanted.order_id.0, %error, "charge failed; retrying");
                Some(wanted)
            }
        })
        .collect())
}

/// The job: get a pending refund paid by the provider, then record PaymentCancelled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundPayment {
    pub order_id: OrderId,
}

impl TaskHandler for RefundPayment {
    const IDENTIFIER: &'static str = "refund_payment";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = jobs::app_state(&ctx)?;
        refund(&state, self.order_id)
            .await
            .map_err(|e| e.to_string())
    }
}

#[tracing::instrument(skip(state), fields(order_id = %order_id.0))]
async fn refund(state: &AppState, order_id: OrderId) -> Result<(), ChargeError> {
    let Some(pending) = db::pending_refund(&state.pool, order_id).await? else {
        return Ok(());
    };
    if let Some(payment_key) = &pending.payment_key {
        match state
            .payments
            .refund(order_id, payment_key, pending.amount, &pending.reason)
            .await
        {
            Ok(_) => {}
            // Refunded by an earlier attempt whose answer we never saw.
            Err(GatewayError::Refused { code, .. }) if code == "ALREADY_CANCELED_PAYMENT" => {}
            Err(error) => return Err(ChargeError::Provider(error)),
        }
    }
    let mut tx = state.pool.begin().await?;
    if db::complete_refund(&mut *tx, order_id).await? {
        event_log::append(
            &mut tx,
            order_id,
            &Event::PaymentCancelled {
                amount: pending.amount,
            },
            "payment",
        )
        .await?;
    }
    tx.commit().await?;
    state.wake_dispatcher();
    tracing::info!(amount = %pending.amount, "payment refunded");
    Ok(())
}

/// The delayed job at the end of the pay-later window: cancel an order still unpaid. A late
/// approval (a timed-out call that went through) is looked up first and refunded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClosePaymentWindow {
    pub order_id: OrderId,
}

impl TaskHandler for ClosePaymentWindow {
    const IDENTIFIER: &'static str = "close_payment_window";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = jobs::app_state(&ctx)?;
        close_window(&state, self.order_id)
            .await
            .map_err(|e| e.to_string())
    }
}

#[tracing::instrument(skip(state), fields(order_id = %order_id.0))]
async fn close_window(state: &AppState, order_id: OrderId) -> Result<(), ChargeError> {
    let Some((order, _)) = orders::load(&state.pool, order_id).await? else {
        return Ok(());
    };
    match order.status {
        OrderStatus::PaymentDeferred => {
            let mut tx = state.pool.begin().await?;
            match execute_in(
                &mut tx,
                order_id,
                &Actor::Scheduler,
                &Command::ClosePaymentWindow,
            )
            .await
            {
                Ok(_) => {}
                Err(CommandError::Refused(_)) | Err(CommandError::NotFound) => return Ok(()),
                Err(CommandError::Conflict) => return Err(ChargeError::Conflict),
                Err(CommandError::Db(e)) => return Err(e.into()),
            }
            tx.commit().await?;
            state.wake_dispatcher();
            tracing::info!("pay-later window closed; order cancelled");
        }
        // Cancelled while deferred (by the customer or an earlier run of this job): still settle.
        OrderStatus::Cancelled => {}
        _ => return Ok(()),
    }
    // A call that timed out may have been approved after all. Ask the provider (retrying while
    // it is unreachable) and give back anything it took.
    let late_payment = state
        .payments
        .find(order_id)
        .await
        .map_err(ChargeError::Provider)?
        .filter(|payment| payment.status == "DONE");
    if let Some(payment) = late_payment {
        tracing::warn!("a late approval for an unpaid order; refunding it");
        let mut tx = state.pool.begin().await?;
        let amount = Won(payment.total_amount);
        db::record_payment(&mut *tx, order_id, amount, Some(&payment.payment_key)).await?;
        queue_refund(&mut tx, order_id, "PaymentTimeout").await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The customer's "pay now": one attempt at once, answered in a sentence.
pub async fn pay_now(state: &AppState, order_id: OrderId) -> Result<(), AppError> {
    let amount = orders::total(&state.pool, order_id)
        .await?
        .ok_or(AppError::NotFound(Missing::Order))?;
    match charge(state, order_id, amount).await {
        Ok(ChargeOutcome::Paid) => Ok(()),
        Ok(ChargeOutcome::Deferred) => Err(AppError::Payment(PaymentRefusal::StillBusy)),
        Ok(ChargeOutcome::NotPayable) => {
            Err(AppError::Payment(PaymentRefusal::NoLongerNeedsPaying))
        }
        Err(ChargeError::Conflict) => Err(AppError::Busy),
        Err(ChargeError::Db(e)) => Err(e.into()),
        Err(ChargeError::Provider(error)) => {
            tracing::error!(%error, "the provider refused a payment");
            Err(AppError::Internal)
        }
    }
}
