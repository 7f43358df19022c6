//! Drives the real HTTP application, on its own port and its own database, as a browser would.

#![allow(dead_code)]

use app::platform::{state::AppState, AppError};
use leptos::config::LeptosOptions;
use serde::de::DeserializeOwned;
use sqlx::PgPool;

pub const DEMO_PASSWORD: &str = "baedal-demo";
pub const CUSTOMER: &str = "minji@baedal.test";
pub const OWNER: &str = "owner.halmae@baedal.test";
pub const OTHER_OWNER: &str = "owner.ttukseom@baedal.test";
pub const RIDER: &str = "rider.dohyun@baedal.test";
pub const OPERATOR: &str = "ops@baedal.test";

/// A running server and a browser-like client with its own cookie jar.
pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
}

impl TestApp {
    /// Loads the demo data into `pool` and serves the app on a free port.
    pub async fn with_demo(pool: PgPool) -> TestApp {
        server::demo::load_if_empty(&pool)
            .await
            .expect("demo data loads");
        Self::serve(pool).await
    }

    pub async fn serve(pool: PgPool) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let addr = listener.local_addr().expect("bound address");
        let options = LeptosOptions::builder()
            .output_name("baedal")
            .site_addr(addr)
            .build();
        let state = AppState {
            pool: pool.clone(),
            demo_password: Some(DEMO_PASSWORD.to_owned()),
        };
        let router = server::routes::app(options, state, false);
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            pool,
        }
    }

    /// A new visitor with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
        }
    }

    /// A visitor already logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        browser
            .call::<serde_json::Value>("login", &[("email", email), ("password", DEMO_PASSWORD)])
            .await
            .expect("demo login works");
        browser
    }
}

pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
}

impl Browser {
    /// Calls the server function at `/api/{endpoint}` the way the generated client does:
    /// form-encoded arguments in, JSON out, and on failure the typed `AppError`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Accept", "application/json")
            .form(args)
            .send()
            .await
            .expect("request reaches the server");
        let ok = response.status().is_success() || response.status().is_redirection();
        let body = response.bytes().await.expect("response body");
        if ok {
            Ok(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: unexpected body {:?}: {e}",
                    String::from_utf8_lossy(&body)
                )
            }))
        } else {
            Err(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: error body {:?} is not an AppError: {e}",
                    String::from_utf8_lossy(&body)
                )
            }))
        }
    }

    /// Fetches a page as HTML, fully rendered (the streamed chunks included).
    pub async fn page(&self, path: &str) -> String {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("page loads")
            .text()
            .await
            .expect("page body")
    }
}
