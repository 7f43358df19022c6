//! A payment-gateway simulator: stands in for the Korean payment provider in development, tests
//! and benchmarks.
//!
//! Its HTTP API has the shape of a real PG's: approve (`POST /v1/payments/confirm`), cancel
//! (`POST /v1/payments/{payment_key}/cancel`) and query (`GET /v1/payments/orders/{order_id}`),
//! each write carrying an `Idempotency-Key` header. A repeated key gets the first answer again and
//! moves no money; a new key is a new charge, even for an order already paid, exactly as a card
//! network would treat it — so only the client's discipline prevents a double charge, and the
//! ledger (`GET /ledger`) shows whether it did.
//!
//! Switches, at start-up (flags) and at run time (`PUT /control`): latency, failure rate, a count of
//! calls to fail next, and "overloaded" (slow and failing). The work of a call finishes even when
//! the caller has given up waiting, as at a real provider: a timed-out approval may have gone through.
//!
//! The `payment-gateway-sim` binary serves it on its own port; `server` starts one in-process when
//! no provider is configured, so `make run` works out of the box.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::simulators::serve_in_process;
/// With `Served`, `/control` (its switches) and `/ledger` (every charge and refund).
pub use crate::simulators::TestControls;

/// How an overloaded provider behaves: slow, and failing every other call.
const OVERLOADED_LATENCY: Duration = Duration::from_millis(2_000);
const OVERLOADED_FAILURE_RATE: f64 = 0.5;

/// The run-time switches.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Switches {
    /// Added to every payment call before it is decided.
    pub latency_ms: u64,
    /// The share of calls (0.0–1.0) that fail with a 500 and move no money.
    pub failure_rate: f64,
    /// This many of the next calls fail, whatever the rate (for "fails twice, then succeeds").
    pub fail_next: u32,
    /// Slow (2 s) and failing half the calls with 503s, whatever the other switches say.
    pub overloaded: bool,
}

/// One approval: money taken from the customer.
#[derive(Debug, Clone, Serialize)]
struct Approval {
    payment_key: String,
    order_id: String,
    amount: i64,
    idempotency_key: String,
    approved_at: DateTime<Utc>,
}

/// One refund: money given back.
#[derive(Debug, Clone, Serialize)]
struct Refund {
    payment_key: String,
    order_id: String,
    amount: i64,
    reason: String,
    idempotency_key: String,
    refunded_at: DateTime<Utc>,
}

/// A stored answer, replayed for a repeated idempotency key.
#[derive(Debug, Clone)]
struct Answer {
    status: StatusCode,
    body: serde_json::Value,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

#[derive(Debug, Default)]
struct Gateway {
    switches: Switches,
    /// Bresenham-style accumulator: failures come out at exactly the configured rate, with no
    /// randomness, so a test or a benchmark sees the same sequence every run.
    failure_debt: f64,
    approvals: Vec<Approval>,
    refunds: Vec<Refund>,
    answers: HashMap<String, Answer>,
    /// Keys whose first request is still being worked on: a duplicate meanwhile gets a 409,
    /// as at a real provider, rather than a second charge.
    in_flight: HashSet<String>,
    calls: u64,
}

impl Gateway {
    fn latency(&self) -> Duration {
        if self.switches.overloaded {
            OVERLOADED_LATENCY
        } else {
            Duration::from_millis(self.switches.latency_ms)
        }
    }

    /// Decides whether this call fails, and how.
    fn next_failure(&mut self) -> Option<Answer> {
        self.calls += 1;
        if self.switches.fail_next > 0 {
            self.switches.fail_next -= 1;
            return Some(failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                "FAILED_INTERNAL_SYSTEM_PROCESSING",
                "The provider failed to process the request.",
            ));
        }
        let rate = if self.switches.overloaded {
            OVERLOADED_FAILURE_RATE
        } else {
            self.switches.failure_rate
        };
        self.failure_debt += rate.clamp(0.0, 1.0);
        if self.failure_debt < 1.0 {
            return None;
        }
        self.failure_debt -= 1.0;
        Some(if self.switches.overloaded {
            failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "PROVIDER_OVERLOADED",
                "The provider is overloaded; try again later.",
            )
        } else {
            failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                "FAILED_INTERNAL_SYSTEM_PROCESSING",
                "The provider failed to process the request.",
            )
        })
    }

    fn approval_of(&self, order_id: &str) -> Option<&Approval> {
        self.approvals.iter().find(|a| a.order_id == order_id)
    }

    fn payment_body(&self, approval: &Approval) -> serde_json::Value {
        let refunded: i64 = self
            .refunds
            .iter()
            .filter(|r| r.payment_key == approval.payment_key)
            .map(|r| r.amount)
            .sum();
        json!({
            "paymentKey": approval.payment_key,
            "orderId": approval.order_id,
            "status": if refunded >= approval.amount { "CANCELED" } else { "DONE" },
            "totalAmount": approval.amount,
            "balanceAmount": approval.amount - refunded,
            "approvedAt": approval.approved_at,
        })
    }
}

fn failure(status: StatusCode, code: &str, message: &str) -> Answer {
    Answer {
        status,
        body: json!({ "code": code, "message": message }),
    }
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Gateway>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Gateway> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmRequest {
    order_id: String,
    amount: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelRequest {
    cancel_reason: String,
    cancel_amount: Option<i64>,
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, Answer> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 300)
        .map(str::to_owned)
        .ok_or_else(|| {
            failure(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "An Idempotency-Key header is required.",
            )
        })
}

/// Runs `decide` after the configured latency, in its own task: the caller may hang up, the
/// provider still finishes the work (and remembers the answer under the idempotency key).
async fn after_latency(
    gateway: Shared,
    key: String,
    decide: impl FnOnce(&mut Gateway) -> Answer + Send + 'static,
) -> Answer {
    let latency = {
        let mut state = gateway.lock();
        if let Some(answer) = state.answers.get(&key) {
            return answer.clone();
        }
        if !state.in_flight.insert(key.clone()) {
            return failure(
                StatusCode::CONFLICT,
                "ALREADY_PROCESSING_REQUEST",
                "A request with this Idempotency-Key is still being processed.",
            );
        }
        state.latency()
    };
    let work = tokio::spawn(async move {
        tokio::time::sleep(latency).await;
        let mut state = gateway.lock();
        state.in_flight.remove(&key);
        if let Some(failed) = state.next_failure() {
            // Failures are not remembered: a retry with the same key is a fresh attempt.
            return failed;
        }
        let answer = decide(&mut state);
        state.answers.insert(key, answer.clone());
        answer
    });
    work.await.unwrap_or_else(|_| {
        failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "FAILED_INTERNAL_SYSTEM_PROCESSING",
            "The simulator failed.",
        )
    })
}

async fn confirm(
    State(gateway): State<Shared>,
    headers: HeaderMap,
    Json(request): Json<ConfirmRequest>,
) -> Answer {
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(answer) => return answer,
    };
    if request.amount <= 0 || request.order_id.is_empty() {
        return failure(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "orderId and a positive amount are required.",
        );
    }
    let idempotency_key = key.clone();
    after_latency(gateway, key, move |state| {
        let approval = Approval {
            payment_key: format!("sim_{}", uuid::Uuid::new_v4().simple()),
            order_id: request.order_id,
            amount: request.amount,
            idempotency_key,
            approved_at: Utc::now(),
        };
        let body = state.payment_body(&approval);
        state.approvals.push(approval);
        Answer {
            status: StatusCode::OK,
            body,
        }
    })
    .await
}

async fn cancel(
    State(gateway): State<Shared>,
    Path(payment_key): Path<String>,
    headers: HeaderMap,
    Json(request): Json<CancelRequest>,
) -> Answer {
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(answer) => return answer,
    };
    let idempotency_key = key.clone();
    after_latency(gateway, key, move |state| {
        let Some(approval) = state
            .approvals
            .iter()
            .find(|a| a.payment_key == payment_key)
            .cloned()
        else {
            return failure(
                StatusCode::NOT_FOUND,
                "NOT_FOUND_PAYMENT",
                "No payment has that key.",
            );
        };
        let refunded: i64 = state
            .refunds
            .iter()
            .filter(|r| r.payment_key == payment_key)
            .map(|r| r.amount)
            .sum();
        let balance = approval.amount - refunded;
        let amount = request.cancel_amount.unwrap_or(balance);
        if balance == 0 {
            return failure(
                StatusCode::BAD_REQUEST,
                "ALREADY_CANCELED_PAYMENT",
                "The payment has already been cancelled.",
            );
        }
        if amount <= 0 || amount > balance {
            return failure(
                StatusCode::BAD_REQUEST,
                "INVALID_CANCEL_AMOUNT",
                "The amount to cancel is more than what is left of the payment.",
            );
        }
        state.refunds.push(Refund {
            payment_key,
            order_id: approval.order_id.clone(),
            amount,
            reason: request.cancel_reason,
            idempotency_key,
            refunded_at: Utc::now(),
        });
        Answer {
            status: StatusCode::OK,
            body: state.payment_body(&approval),
        }
    })
    .await
}

async fn payment_of_order(State(gateway): State<Shared>, Path(order_id): Path<String>) -> Answer {
    let latency = gateway.lock().latency();
    tokio::time::sleep(latency).await;
    let mut state = gateway.lock();
    if let Some(failed) = state.next_failure() {
        return failed;
    }
    match state.approval_of(&order_id) {
        Some(approval) => Answer {
            status: StatusCode::OK,
            body: state.payment_body(approval),
        },
        None => failure(
            StatusCode::NOT_FOUND,
            "NOT_FOUND_PAYMENT",
            "No payment for that order.",
        ),
    }
}

async fn read_switches(State(gateway): State<Shared>) -> Json<Switches> {
    Json(gateway.lock().switches.clone())
}

async fn set_switches(
    State(gateway): State<Shared>,
    Json(switches): Json<Switches>,
) -> Result<Json<Switches>, Answer> {
    if !(0.0..=1.0).contains(&switches.failure_rate) {
        return Err(failure(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "failure_rate is a share between 0.0 and 1.0.",
        ));
    }
    let mut state = gateway.lock();
    state.switches = switches;
    state.failure_debt = 0.0;
    tracing::info!(switches = ?state.switches, "switches changed");
    Ok(Json(state.switches.clone()))
}

async fn ledger(State(gateway): State<Shared>) -> Json<serde_json::Value> {
    let state = gateway.lock();
    Json(json!({
        "approvals": state.approvals,
        "refunds": state.refunds,
        "calls": state.calls,
    }))
}

/// The simulator's routes, starting with `switches`.
pub fn router(switches: Switches, controls: TestControls) -> Router {
    let gateway = Shared::default();
    gateway.lock().switches = switches;
    let provider = Router::new()
        .route("/v1/payments/confirm", post(confirm))
        .route("/v1/payments/{payment_key}/cancel", post(cancel))
        .route("/v1/payments/orders/{order_id}", get(payment_of_order));
    let routes = match controls {
        TestControls::Served => provider
            .route("/control", get(read_switches).put(set_switches))
            .route("/ledger", get(ledger)),
        TestControls::Absent => provider,
    };
    routes.with_state(gateway)
}

/// Serves a simulator inside this process on a free local port; returns its base address.
pub async fn start_in_process(
    switches: Switches,
    controls: TestControls,
) -> std::io::Result<String> {
    serve_in_process("payment simulator", router(switches, controls)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_come_out_at_exactly_the_configured_rate() {
        let mut gateway = Gateway::default();
        gateway.switches.failure_rate = 0.25;
        let failed = (0..100)
            .filter(|_| gateway.next_failure().is_some())
            .count();
        assert_eq!(failed, 25);
    }

    #[test]
    fn fail_next_fails_that_many_calls_then_stops() {
        let mut gateway = Gateway::default();
        gateway.switches.fail_next = 2;
        let outcomes: Vec<bool> = (0..4).map(|_| gateway.next_failure().is_some()).collect();
        assert_eq!(outcomes, [true, true, false, false]);
    }

    #[test]
    fn overloaded_is_slow_and_answers_503() {
        let mut gateway = Gateway::default();
        gateway.switches.overloaded = true;
        assert_eq!(gateway.latency(), OVERLOADED_LATENCY);
        let statuses: Vec<_> = (0..4)
            .filter_map(|_| gateway.next_failure().map(|a| a.status))
            .collect();
        assert_eq!(statuses, [StatusCode::SERVICE_UNAVAILABLE; 2]);
    }
}
