//! The payment provider over HTTP: approve, refund and look up payments with idempotency keys,
//! behind a timeout and a circuit breaker. A slow or failing provider costs a customer at most one
//! timeout; once the breaker opens, calls fail at once (and the order waits to pay later) until a
//! few trial calls find the provider healthy again.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tower::util::BoxCloneSyncService;
use tower::{service_fn, Layer, ServiceExt};
use tower_resilience_circuitbreaker::{
    CircuitBreakerError, CircuitBreakerHandle, CircuitBreakerLayer, CircuitState, SlidingWindowType,
};

use super::BreakerView;
use crate::ordering::OrderId;
use crate::platform::money::Won;

/// Where the provider is and how patient to be with it.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// The provider's base address, e.g. `http://127.0.0.1:4010`.
    pub base_url: String,
    /// Longest wait for one call; the sample's provider answered well inside 610 ms when healthy.
    pub timeout: Duration,
    /// Share of failed calls (timeouts, 5xx, refused connections) in the window that opens it.
    pub failure_rate: f64,
    /// How far back the failure rate looks. A time window, not a count: the crate's count-based
    /// window never forgets a call until the state changes, so after a busy healthy hour a
    /// provider that stops answering could not reach the failure rate at all.
    pub window: Duration,
    /// No verdict on fewer calls than this within the window, so one early failure does not
    /// open it.
    pub minimum_calls: usize,
    /// How long it stays open before letting trial calls through.
    pub open_for: Duration,
    /// Trial calls in the half-open state that decide between closing and reopening.
    pub trial_calls: usize,
}

impl GatewaySettings {
    /// The defaults for a provider at `base_url`.
    pub fn new(base_url: impl Into<String>) -> GatewaySettings {
        GatewaySettings {
            base_url: base_url.into(),
            timeout: Duration::from_millis(610),
            failure_rate: 0.5,
            window: Duration::from_secs(5),
            minimum_calls: 10,
            open_for: Duration::from_secs(10),
            trial_calls: 3,
        }
    }
}

/// What the provider says about one payment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderPayment {
    pub payment_key: String,
    pub order_id: String,
    /// `DONE` (approved) or `CANCELED` (fully refunded).
    pub status: String,
    pub total_amount: i64,
    pub balance_amount: i64,
}

/// Why a call to the provider did not give an answer to act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Not now: the breaker is open, the call timed out, or the provider is overloaded or
    /// failing. Try again later with the same idempotency key. After a timeout the money may
    /// have moved, which the same key (or a look-up) settles.
    #[error("the payment provider is busy ({0})")]
    Busy(String),
    /// The provider understood and refused; the same request will be refused again.
    #[error("the payment provider refused: {code}: {message}")]
    Refused { code: String, message: String },
}

/// One request to the provider.
#[derive(Debug, Clone)]
enum GatewayCall {
    Approve {
        order_id: OrderId,
        amount: Won,
    },
    Refund {
        order_id: OrderId,
        payment_key: String,
        amount: Won,
        reason: String,
    },
    Find {
        order_id: OrderId,
    },
}

type GatewayService =
    BoxCloneSyncService<GatewayCall, Option<ProviderPayment>, CircuitBreakerError<GatewayError>>;

/// The provider behind its breaker; cheap to clone, one breaker shared by every clone.
#[derive(Clone)]
pub struct PaymentGateway {
    service: GatewayService,
    breaker: CircuitBreakerHandle<BreakerClassifier>,
}

type BreakerClassifier = tower_resilience_circuitbreaker::FnClassifier<
    fn(&Result<Option<ProviderPayment>, GatewayError>) -> bool,
>;

impl std::fmt::Debug for PaymentGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentGateway")
            .field("breaker", &self.breaker.state())
            .finish_non_exhaustive()
    }
}

/// Only a provider that is not answering counts against it; a refusal is a healthy answer.
fn counts_as_failure(result: &Result<Option<ProviderPayment>, GatewayError>) -> bool {
    matches!(result, Err(GatewayError::Busy(_)))
}

impl PaymentGateway {
    /// A client for the provider described by `settings`.
    pub fn new(settings: &GatewaySettings) -> Result<PaymentGateway, String> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        let base = settings.base_url.trim_end_matches('/').to_owned();
        let classify: fn(&Result<Option<ProviderPayment>, GatewayError>) -> bool =
            counts_as_failure;
        let (layer, breaker) = CircuitBreakerLayer::builder()
            .name("payment-gateway")
            .failure_rate_threshold(settings.failure_rate)
            .sliding_window_type(SlidingWindowType::TimeBased)
            .sliding_window_duration(settings.window)
            .minimum_number_of_calls(settings.minimum_calls)
            .wait_duration_in_open(settings.open_for)
            .permitted_calls_in_half_open(settings.trial_calls)
            .failure_classifier(classify)
            .on_state_transition(|from, to| {
                tracing::warn!(?from, ?to, "payment gateway circuit breaker changed state");
            })
            .build_with_handle()
            .map_err(|e| format!("configuring the circuit breaker: {e}"))?;
        let send = service_fn(move |call: GatewayCall| {
            let http = http.clone();
            let base = base.clone();
            async move { send(&http, &base, call).await }
        });
        Ok(PaymentGateway {
            service: BoxCloneSyncService::new(layer.layer(send)),
            breaker,
        })
    }

    /// Takes `amount` for the order. Every attempt for one order shares one idempotency key, so a
    /// retry after a timeout (or a customer's "pay now") can never charge twice.
    pub async fn approve(
        &self,
        order_id: OrderId,
        amount: Won,
    ) -> Result<ProviderPayment, GatewayError> {
        self.call(GatewayCall::Approve { order_id, amount })
            .await?
            .ok_or_else(|| GatewayError::Busy("the provider answered without a payment".into()))
    }

    /// Gives the order's payment back, once: every attempt shares the order's refund key.
    pub async fn refund(
        &self,
        order_id: OrderId,
        payment_key: &str,
        amount: Won,
        reason: &str,
    ) -> Result<ProviderPayment, GatewayError> {
        self.call(GatewayCall::Refund {
            order_id,
            payment_key: payment_key.to_owned(),
            amount,
            reason: reason.to_owned(),
        })
        .await?
        .ok_or_else(|| GatewayError::Busy("the provider answered without a payment".into()))
    }

    /// The provider's record of the order's payment, if it took one.
    pub async fn find(&self, order_id: OrderId) -> Result<Option<ProviderPayment>, GatewayError> {
        self.call(GatewayCall::Find { order_id }).await
    }

    /// The breaker's state and recent counts, for the operator.
    pub async fn breaker(&self) -> BreakerView {
        let metrics = self.breaker.metrics().await;
        BreakerView {
            state: match metrics.state {
                CircuitState::Closed => "closed",
                CircuitState::Open => "open",
                CircuitState::HalfOpen => "half-open",
            }
            .to_owned(),
            calls: metrics.total_calls as u32,
            failures: metrics.failure_count as u32,
            failure_rate: metrics.failure_rate,
            seconds_in_state: metrics.time_since_state_change.as_secs(),
        }
    }

    async fn call(&self, call: GatewayCall) -> Result<Option<ProviderPayment>, GatewayError> {
        match self.service.clone().oneshot(call).await {
            Ok(answer) => Ok(answer),
            Err(CircuitBreakerError::OpenCircuit) => Err(GatewayError::Busy(
                "circuit open after repeated failures".into(),
            )),
            Err(CircuitBreakerError::Inner(error)) => Err(error),
        }
    }
}

/// The provider's error body.
#[derive(Debug, Default, Deserialize, Serialize)]
struct ProviderError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    call: GatewayCall,
) -> Result<Option<ProviderPayment>, GatewayError> {
    let request = match &call {
        GatewayCall::Approve { order_id, amount } => http
            .post(format!("{base}/v1/payments/confirm"))
            .header("Idempotency-Key", format!("approve:{}", order_id.0))
            .json(&json!({ "orderId": order_id.0.to_string(), "amount": amount.0 })),
        GatewayCall::Refund {
            order_id,
            payment_key,
            amount,
            reason,
        } => http
            .post(format!("{base}/v1/payments/{payment_key}/cancel"))
            .header("Idempotency-Key", format!("refund:{}", order_id.0))
            .json(&json!({ "cancelReason": reason, "cancelAmount": amount.0 })),
        GatewayCall::Find { order_id } => {
            http.get(format!("{base}/v1/payments/orders/{}", order_id.0))
        }
    };
    let response = request.send().await.map_err(|e| {
        GatewayError::Busy(if e.is_timeout() {
            "timed out".to_owned()
        } else {
            format!("unreachable: {e}")
        })
    })?;
    let status = response.status();
    if status.is_success() {
        return response
            .json::<ProviderPayment>()
            .await
            .map(Some)
            .map_err(|e| GatewayError::Busy(format!("unreadable answer: {e}")));
    }
    let error: ProviderError = response.json().await.unwrap_or_default();
    // 409: an earlier attempt with the same key is still being processed; ask again later.
    if status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::CONFLICT
    {
        return Err(GatewayError::Busy(format!("{status}: {}", error.code)));
    }
    if matches!(call, GatewayCall::Find { .. }) && status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    Err(GatewayError::Refused {
        code: error.code,
        message: error.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unanswering_provider_counts_against_the_breaker() {
        assert!(counts_as_failure(&Err(GatewayError::Busy(
            "timed out".into()
        ))));
        assert!(!counts_as_failure(&Err(GatewayError::Refused {
            code: "INVALID_CANCEL_AMOUNT".into(),
            message: String::new(),
        })));
        assert!(!counts_as_failure(&Ok(None)));
    }
}
