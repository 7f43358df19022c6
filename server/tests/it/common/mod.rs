//! Drives the real HTTP application, on its own port and its own database, as a browser would.

#![allow(dead_code)]

mod database;
pub use database::demo_database;
pub mod processes;
pub mod simulator;
pub mod socket;

use app::ordering::OrderId;
use app::payment::gateway::{GatewaySettings, PaymentGateway};
use app::platform::throttle::{ThrottleLimits, Throttles};
use app::platform::{state::AppState, AppError};
use leptos::config::LeptosOptions;
use serde::de::DeserializeOwned;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "baedal-demo";
pub const CUSTOMER: &str = "minji@baedal.test";
pub const OWNER: &str = "owner.halmae@baedal.test";
pub const OTHER_OWNER: &str = "owner.ttukseom@baedal.test";
pub const RIDER: &str = "rider.dohyun@baedal.test";
pub const OPERATOR: &str = "ops@baedal.test";
pub const OTHER_CUSTOMER: &str = "junho@baedal.test";
pub const OTHER_RIDER: &str = "rider.jiwoo@baedal.test";
pub const OFF_DUTY_RIDER: &str = "rider.hyunwoo@baedal.test";
/// The key the test geocoding simulator answers to.
pub const GEOCODER_KEY: &str = "test-geocoder-key";
/// How long the test server waits for the geocoder: short, so a slow provider's test is quick.
pub const GEOCODER_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// A running server, with its dispatcher and job workers, on its own database.
pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    pub state: AppState,
    /// The payment provider: the simulator, as its own process.
    pub provider: simulator::Simulator,
    /// The geocoding simulator's address (with `/control`), answering to `GEOCODER_KEY`.
    pub geocoder: String,
    background: Option<server::workers::Background>,
}

impl TestApp {
    /// Loads the demo data into `pool` and serves the app on a free port.
    pub async fn with_demo(pool: PgPool) -> TestApp {
        Self::with_acceptance_window(pool, chrono::Duration::minutes(5)).await
    }

    /// Like `with_demo`, with a shorter time for stores to accept paid orders.
    pub async fn with_acceptance_window(pool: PgPool, window: chrono::Duration) -> TestApp {
        Self::with_windows(pool, window, chrono::Duration::minutes(10)).await
    }

    /// Like `with_demo`, with the given times to accept a paid order and to pay a deferred one.
    pub async fn with_windows(
        pool: PgPool,
        acceptance_window: chrono::Duration,
        pay_later_window: chrono::Duration,
    ) -> TestApp {
        server::demo::load_if_empty(&pool)
            .await
            .expect("demo data loads");
        Self::serve(
            pool,
            acceptance_window,
            pay_later_window,
            None,
            test_limits(),
        )
        .await
    }

    /// Like `with_demo`, with the login and call limits a public deployment has.
    pub async fn with_production_limits(pool: PgPool) -> TestApp {
        Self::with_limits(pool, ThrottleLimits::default()).await
    }

    /// Like `with_demo`, with these limits on logins and calls.
    pub async fn with_limits(pool: PgPool, limits: ThrottleLimits) -> TestApp {
        server::demo::load_if_empty(&pool)
            .await
            .expect("demo data loads");
        Self::serve(
            pool,
            chrono::Duration::minutes(5),
            chrono::Duration::minutes(10),
            None,
            limits,
        )
        .await
    }

    /// Like `with_demo`, sending KakaoTalk messages to `url`.
    pub async fn with_kakao(pool: PgPool, url: String) -> TestApp {
        server::demo::load_if_empty(&pool)
            .await
            .expect("demo data loads");
        let kakao = app::notification::kakao::KakaoSettings {
            url,
            sender_key: "test-sender-key".into(),
            api_key: "test-api-key".into(),
            timeout: std::time::Duration::from_secs(5),
        };
        Self::serve(
            pool,
            chrono::Duration::minutes(5),
            chrono::Duration::minutes(10),
            Some(kakao),
            test_limits(),
        )
        .await
    }

    /// Like `with_demo`, on a server with no geocoding provider configured (address search off).
    pub async fn without_geocoder(pool: PgPool) -> TestApp {
        Self::demo_as(server::config::Role::All, false, pool).await
    }

    /// Like `with_demo`, as a web process only: the dispatcher and the jobs are left to job
    /// worker processes that the test starts itself.
    pub async fn web_only(pool: PgPool) -> TestApp {
        Self::demo_as(server::config::Role::Web, true, pool).await
    }

    async fn demo_as(role: server::config::Role, geocoding: bool, pool: PgPool) -> TestApp {
        server::demo::load_if_empty(&pool)
            .await
            .expect("demo data loads");
        Self::serve_as(
            role,
            geocoding,
            pool,
            chrono::Duration::minutes(5),
            chrono::Duration::minutes(10),
            None,
            test_limits(),
        )
        .await
    }

    async fn serve(
        pool: PgPool,
        acceptance_window: chrono::Duration,
        pay_later_window: chrono::Duration,
        kakao: Option<app::notification::kakao::KakaoSettings>,
        limits: ThrottleLimits,
    ) -> TestApp {
        Self::serve_as(
            server::config::Role::All,
            true,
            pool,
            acceptance_window,
            pay_later_window,
            kakao,
            limits,
        )
        .await
    }

    async fn serve_as(
        role: server::config::Role,
        geocoding: bool,
        pool: PgPool,
        acceptance_window: chrono::Duration,
        pay_later_window: chrono::Duration,
        kakao: Option<app::notification::kakao::KakaoSettings>,
        limits: ThrottleLimits,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let addr = listener.local_addr().expect("bound address");
        let options = LeptosOptions::builder()
            .output_name("baedal")
            .site_addr(addr)
            .build();
        let provider = simulator::Simulator::start(&[]);
        // A breaker that opens after a handful of failed calls and tries again within a second,
        // so tests see it open and close quickly.
        let payments = PaymentGateway::new(&GatewaySettings {
            timeout: std::time::Duration::from_millis(300),
            window: std::time::Duration::from_secs(5),
            minimum_calls: 3,
            open_for: std::time::Duration::from_millis(700),
            trial_calls: 2,
            ..GatewaySettings::new(provider.base.clone())
        })
        .expect("a payment client");
        let mut state = AppState::new(
            pool.clone(),
            Some(DEMO_PASSWORD.to_owned()),
            payments,
            app::contexts::HOOKS,
        );
        state.acceptance_window = acceptance_window;
        state.pay_later_window = pay_later_window;
        state.throttles = Throttles::new(limits);
        state.kakao =
            kakao.map(|k| app::notification::kakao::KakaoChannel::new(k).expect("a client"));
        let geocoder = server::geocoder_sim::start_in_process(
            GEOCODER_KEY,
            Default::default(),
            server::geocoder_sim::TestControls::Served,
        )
        .await
        .expect("the geocoding simulator starts");
        state.geocoder = geocoding.then(|| {
            app::places::geocoder::Geocoder::new(app::places::geocoder::GeocoderSettings {
                timeout: GEOCODER_TIMEOUT,
                ..app::places::geocoder::GeocoderSettings::new(geocoder.clone(), GEOCODER_KEY)
            })
            .expect("a geocoding client")
        });
        let background = server::workers::start(state.clone(), role)
            .await
            .expect("workers start");
        let router = server::routes::app(options, state.clone(), &Default::default());
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .expect("server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            pool,
            state,
            provider,
            geocoder,
            background: Some(background),
        }
    }

    /// Stops the dispatcher and workers, so the test's database can be dropped cleanly.
    pub async fn shutdown(mut self) {
        if let Some(background) = self.background.take() {
            background.stop().await;
        }
    }

    /// A new visitor with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::at(&self.base)
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

/// The address of the test's own database (one per test on the cluster that
/// `DATABASE_URL` names), for processes the test starts.
pub fn url_of(pool: &PgPool) -> String {
    let cluster = std::env::var("DATABASE_URL").expect("DATABASE_URL is set (run under baedal-pg)");
    let database = pool
        .connect_options()
        .get_database()
        .expect("the test database has a name")
        .to_owned();
    let without_query = cluster.split('?').next().unwrap_or(&cluster);
    let after_scheme = without_query.find("://").expect("a URL") + 3;
    let server = match without_query[after_scheme..].find('/') {
        Some(slash) => &without_query[..after_scheme + slash],
        None => without_query,
    };
    format!("{server}/{database}")
}

/// Tests log in the same demo accounts many times a minute from one address, and the hostile
/// suite makes hundreds of calls a second in one session.
fn test_limits() -> ThrottleLimits {
    ThrottleLimits {
        logins_per_account_per_minute: 600,
        logins_per_address_per_minute: 600,
        calls_per_session_per_second: 10_000,
        calls_per_session_burst: 10_000,
        failed_logins_per_minute_before_alarm: 10_000,
        ..ThrottleLimits::default()
    }
}

#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
}

impl Browser {
    /// A new visitor of the server at `base`, with an empty cookie jar.
    pub fn at(base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                // A page or call that never answers fails its test within a minute, naming the
                // request, instead of holding the whole suite until CI gives up.
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("http client"),
        }
    }

    /// Calls the server function at `/api/{endpoint}` the way the generated client does:
    /// form-encoded arguments in, JSON out, and on failure the typed `AppError`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .form(args);
        Self::answer(endpoint, request).await
    }

    /// Calls a server function that takes JSON arguments.
    pub async fn call_json<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        args: &serde_json::Value,
    ) -> Result<T, AppError> {
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .json(args);
        Self::answer(endpoint, request).await
    }

    /// Like `call_json`, but `None` when the server could not be reached at all (its port no
    /// longer takes connections), so that the caller may go to another instance. A connection
    /// that breaks once the request was sent is a failed request, and panics.
    pub async fn try_call_json<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        args: &serde_json::Value,
    ) -> Option<Result<T, AppError>> {
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Accept", "application/json")
            .json(args);
        match request.send().await {
            Ok(response) => Some(Self::read_answer(endpoint, response).await),
            Err(error) if error.is_connect() => None,
            Err(error) => panic!("{endpoint}: the request failed: {error}"),
        }
    }

    /// Sends the call; JSON out on success, and on failure the typed `AppError`.
    async fn answer<T: DeserializeOwned>(
        endpoint: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, AppError> {
        let response = request
            .header("Accept", "application/json")
            .send()
            .await
            .expect("request reaches the server");
        Self::read_answer(endpoint, response).await
    }

    async fn read_answer<T: DeserializeOwned>(
        endpoint: &str,
        response: reqwest::Response,
    ) -> Result<T, AppError> {
        let ok = response.status().is_success() || response.status().is_redirection();
        let body = response.bytes().await.expect("response body");
        let text = || String::from_utf8_lossy(&body).into_owned();
        if ok {
            Ok(serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("{endpoint}: unexpected body {:?}: {e}", text())))
        } else {
            Err(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: error body {:?} is not an AppError: {e}",
                    text()
                )
            }))
        }
    }

    /// Fetches a page as HTML, fully rendered (the streamed chunks included).
    pub async fn page(&self, path: &str) -> String {
        self.page_in(path, "ko-KR,ko;q=0.9").await
    }

    /// Fetches a page as a browser whose languages are `accept_language` would.
    pub async fn page_in(&self, path: &str, accept_language: &str) -> String {
        self.http
            .get(format!("{}{path}", self.base))
            .header("Accept-Language", accept_language)
            .send()
            .await
            .expect("page loads")
            .text()
            .await
            .expect("page body")
    }
}

/// The session cookie of a fresh login as `email`.
pub async fn session_cookie(app: &TestApp, email: &str) -> String {
    session_cookie_at(&app.base, email).await
}

/// The session cookie of a fresh login as `email` on the server at `base`.
pub async fn session_cookie_at(base: &str, email: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .header("Accept", "application/json")
        .form(&[("email", email), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("login request");
    // Login sets the known-device cookie too; only the session's opens a socket.
    let session = format!("{}=", server::routes::SESSION_COOKIE);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&session))
        .expect("login sets the session cookie");
    cookie.split(';').next().expect("name=value").to_owned()
}

/// Waits until `check` returns `Some`, polling; panics with `what` after ten seconds.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    eventually_within(std::time::Duration::from_secs(10), what, check).await
}

/// Like [`eventually`], for conditions that wait on the job queue's retry backoff.
pub async fn eventually_within<T, F, Fut>(limit: std::time::Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting until {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Waits until the customer's tracking screen shows `status`.
pub async fn tracked(
    customer: &Browser,
    order: OrderId,
    status: app::ordering::OrderStatus,
) -> app::tracking::OrderView {
    eventually(&format!("the order is {}", status.as_str()), || async {
        let view: Result<app::tracking::OrderView, _> = customer
            .call("order_status", &[("order_id", &order.0.to_string())])
            .await;
        view.ok().filter(|v| v.status == status)
    })
    .await
}

/// Runs a `SELECT count(*) … WHERE order_id = $1` for one order.
pub async fn count(pool: &PgPool, sql: &'static str, order: OrderId) -> i64 {
    sqlx::query_scalar(sql)
        .bind(order.0)
        .fetch_one(pool)
        .await
        .expect("count")
}

// Demo data the order tests share.

pub const GIMBAP: &str = "서울숲 24시 김밥";

pub async fn item(pool: &PgPool, store: &str, item: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT i.item_id FROM store.menu_items i JOIN store.stores s USING (store_id)
         WHERE s.name = $1 AND i.name = $2",
    )
    .bind(store)
    .bind(item)
    .fetch_one(pool)
    .await
    .expect("demo item")
}

pub async fn store_id(pool: &PgPool, store: &str) -> Uuid {
    sqlx::query_scalar("SELECT store_id FROM store.stores WHERE name = $1")
        .bind(store)
        .fetch_one(pool)
        .await
        .expect("demo store")
}

pub async fn home_of(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT a.address_id FROM platform.customer_addresses a JOIN platform.accounts p USING (account_id)
         WHERE p.email = $1 ORDER BY a.created_at LIMIT 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .expect("demo address")
}

/// Two pork-cutlet gimbap (₩10,000) from the all-day gimbap shop to the customer's home.
pub async fn gimbap_order(app: &TestApp, email: &str) -> serde_json::Value {
    json!({ "order": {
        "store_id": store_id(&app.pool, GIMBAP).await,
        "address_id": home_of(&app.pool, email).await,
        "lines": [{ "item_id": item(&app.pool, GIMBAP, "돈까스김밥").await, "quantity": 2 }],
    }})
}

pub async fn place(app: &TestApp, customer: &Browser) -> OrderId {
    let order = gimbap_order(app, CUSTOMER).await;
    customer
        .call_json("place_order", &order)
        .await
        .expect("order placed")
}

/// Places the demo gimbap order and has its store accept, cook and finish it, so its delivery
/// opens; returns it with the owner's browser.
pub async fn cooked_order(app: &TestApp, customer: &Browser) -> (OrderId, Browser) {
    let order = place(app, customer).await;
    let owner = cook(app, customer, order).await;
    (order, owner)
}

/// Waits until `order` is paid, then has its store accept, cook and finish it, so its delivery
/// opens; returns the owner's browser.
pub async fn cook(app: &TestApp, customer: &Browser, order: OrderId) -> Browser {
    use app::ordering::OrderStatus;
    tracked(customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    let id = order.0.to_string();
    owner
        .call::<OrderStatus>("accept_order", &[("order_id", &id), ("prep_minutes", "15")])
        .await
        .expect("accepted");
    for step in ["start_cook", "finish_cook"] {
        owner
            .call::<OrderStatus>(step, &[("order_id", &id)])
            .await
            .unwrap_or_else(|e| panic!("{step}: {e}"));
    }
    owner
}

/// The account id of a demo account.
pub async fn account_of(pool: &PgPool, email: &str) -> app::platform::AccountId {
    let id: Uuid = sqlx::query_scalar("SELECT account_id FROM platform.accounts WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .expect("a demo account");
    app::platform::AccountId(id)
}

/// Puts a rider in Gangnam, six kilometres from the demo stores of Seongsu-dong.
pub async fn move_rider_to_gangnam(pool: &PgPool, email: &str) {
    sqlx::query("UPDATE delivery.riders SET lat = 37.4979, lng = 127.0276 WHERE rider_id = $1")
        .bind(account_of(pool, email).await.0)
        .execute(pool)
        .await
        .expect("moved");
}
