//! The payment-gateway simulator as its own process, for tests that need a provider to talk to.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};

/// A running simulator; killed when dropped.
pub struct Simulator {
    process: Child,
    pub base: String,
    pub http: reqwest::Client,
}

impl Simulator {
    /// Starts the simulator on a free port with these start-up flags.
    pub fn start(flags: &[&str]) -> Simulator {
        let mut process = Command::new(env!("CARGO_BIN_EXE_payment-gateway-sim"))
            .args(["--port", "0", "--test-controls"])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the simulator starts");
        let stdout = process.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the simulator prints its address");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Simulator {
            process,
            base,
            http: reqwest::Client::new(),
        }
    }

    pub async fn confirm(&self, key: &str, order_id: &str, amount: i64) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/v1/payments/confirm", self.base))
            .header("Idempotency-Key", key)
            .json(&json!({ "orderId": order_id, "amount": amount }))
            .send()
            .await
            .expect("the simulator answers");
        (response.status(), response.json().await.expect("JSON"))
    }

    pub async fn cancel(&self, key: &str, payment_key: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/v1/payments/{payment_key}/cancel", self.base))
            .header("Idempotency-Key", key)
            .json(&json!({ "cancelReason": "OrderRejected" }))
            .send()
            .await
            .expect("the simulator answers");
        (response.status(), response.json().await.expect("JSON"))
    }

    pub async fn switch(&self, switches: Value) {
        let response = self
            .http
            .put(format!("{}/control", self.base))
            .json(&switches)
            .send()
            .await
            .expect("the simulator answers");
        assert_eq!(response.status(), StatusCode::OK);
    }

    pub async fn ledger(&self) -> Value {
        self.http
            .get(format!("{}/ledger", self.base))
            .send()
            .await
            .expect("the simulator answers")
            .json()
            .await
            .expect("JSON")
    }

    /// How many times the provider took money for `order_id`.
    pub async fn approvals_of(&self, order_id: &str) -> usize {
        self.ledger().await["approvals"]
            .as_array()
            .expect("a list")
            .iter()
            .filter(|a| a["order_id"] == order_id)
            .count()
    }

    /// How many times the provider gave money back for `order_id`.
    pub async fn refunds_of(&self, order_id: &str) -> usize {
        self.ledger().await["refunds"]
            .as_array()
            .expect("a list")
            .iter()
            .filter(|r| r["order_id"] == order_id)
            .count()
    }

    /// Calls the provider has received so far.
    pub async fn calls(&self) -> u64 {
        self.ledger().await["calls"].as_u64().expect("a count")
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
