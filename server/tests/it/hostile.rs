//! Every server function, called as an attacker would call it: without a session, with each other
//! role's session, with another customer's, owner's or rider's ids, and with malformed input one
//! field at a time. Every call must get a 4xx with a sentence, and every table (but sessions and
//! the job queue) must be exactly as it was.
//!
//! The list of server functions comes from server_fn's registry: a new endpoint without a row here
//! fails the first test.

use std::collections::BTreeSet;

use crate::common::*;
use app::i18n::Locale;
use app::ordering::OrderId;
use app::platform::{AppError, Role};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Who may call a server function.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    /// Anyone, logged in or not (logging in, the stores near a point, a menu).
    Anyone,
    /// Any logged-in account (the inbox).
    AnyAccount,
    Only(Role),
    /// A store owner or a rider: someone who applies to sell or to ride.
    Applicant,
}

impl Caller {
    /// Whether an account of `role` may make the call.
    fn allows(self, role: Role) -> bool {
        match self {
            Caller::Anyone | Caller::AnyAccount => true,
            Caller::Only(only) => role == only,
            Caller::Applicant => matches!(role, Role::Owner | Role::Rider),
        }
    }
}

/// What a form field holds, which decides the malformed values tried in it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Text,
    /// An existing id of the rightful caller's (an unknown one is tried too).
    Id,
    /// An id that may be left out: an idempotency key (any fresh UUID is valid) or a filter
    /// (the operator's history of one order, or else the newest 200 events). Only non-UUIDs are
    /// tried.
    OptionalId,
    Flag,
    /// A field a browser may leave out (an unticked box, the page to go back to after a
    /// login): only values that are not text are tried.
    Optional,
    /// A count or an amount: negative makes no sense.
    Count,
    Coordinate,
}

#[derive(Debug, Clone)]
enum Args {
    Form(Vec<(&'static str, String, Field)>),
    Json(serde_json::Value),
}

/// One server function and a well-formed call of it by its rightful caller, which the suite
/// spoils in every way but never sends as it is.
struct Endpoint {
    name: &'static str,
    caller: Caller,
    args: Args,
}

/// The data the calls point at: an order of the customer's at the owner's store, claimed by the
/// rider, and the owner's menu.
struct Fixture {
    order: OrderId,
    /// One of the customer's saved addresses.
    address: Uuid,
    /// The customer's account.
    customer: Uuid,
    store: Uuid,
    item: Uuid,
    group: Uuid,
    option: Uuid,
    /// A rider's application waiting for review.
    application: Uuid,
}

fn form(fields: &[(&'static str, &str, Field)]) -> Args {
    Args::Form(
        fields
            .iter()
            .map(|(name, value, kind)| (*name, (*value).to_owned(), *kind))
            .collect(),
    )
}

fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    use Caller::*;
    use Field::*;
    let order = f.order.0.to_string();
    let order = order.as_str();
    let store = f.store.to_string();
    let store = store.as_str();
    let item = f.item.to_string();
    let item = item.as_str();
    let key = Uuid::new_v4().to_string();
    let key = key.as_str();
    let address = f.address.to_string();
    let address = address.as_str();
    let customer_account = f.customer.to_string();
    let customer_account = customer_account.as_str();
    let application = f.application.to_string();
    let application = application.as_str();
    let reset_token = "5e".repeat(32);
    let reset_token = reset_token.as_str();
    let row = |name, caller, args| Endpoint { name, caller, args };
    let customer = Only(Role::Customer);
    let owner = Only(Role::Owner);
    let rider = Only(Role::Rider);
    let operator = Only(Role::Operator);
    vec![
        // Accounts
        row(
            "login",
            Anyone,
            form(&[
                ("email", CUSTOMER, Text),
                ("password", "wrong-password", Text),
                ("next", "/cart", Optional),
            ]),
        ),
        row(
            "sign_up",
            Anyone,
            form(&[
                ("email", "hana.kim@example.com", Text),
                ("display_name", "김하나", Text),
                ("password", "seongsu river walk", Text),
                ("over_14", "yes", Optional),
                ("terms", "yes", Optional),
                ("privacy", "yes", Optional),
                ("marketing", "yes", Optional),
                ("next", "/cart", Optional),
            ]),
        ),
        row("logout", Anyone, form(&[])),
        row("session_user", Anyone, form(&[])),
        row("demo_logins", Anyone, form(&[])),
        row("my_addresses", Anyone, form(&[])),
        row("my_phone", AnyAccount, form(&[])),
        row(
            "send_phone_code",
            AnyAccount,
            form(&[("phone", "010-5555-0101", Text)]),
        ),
        row("prove_phone", AnyAccount, form(&[("code", "123456", Text)])),
        row("ask_reset_code", Anyone, form(&[("email", CUSTOMER, Text)])),
        row(
            "open_reset",
            Anyone,
            form(&[("email", CUSTOMER, Text), ("code", "123456", Text)]),
        ),
        row(
            "set_new_password",
            Anyone,
            form(&[
                ("token", reset_token, Text),
                ("password", "seongsu river walk", Text),
            ]),
        ),
        row(
            "change_password",
            AnyAccount,
            form(&[
                ("current_password", DEMO_PASSWORD, Text),
                ("new_password", "persimmons in the autumn sun", Text),
            ]),
        ),
        row("my_sessions", AnyAccount, form(&[])),
        row("log_out_everywhere", AnyAccount, form(&[])),
        row(
            "set_kakao_messages",
            AnyAccount,
            form(&[("on", "false", Flag)]),
        ),
        row(
            "forget_address",
            customer,
            form(&[("address_id", address, Id)]),
        ),
        row(
            "leave_baedal",
            AnyAccount,
            form(&[("current_password", DEMO_PASSWORD, Text)]),
        ),
        row("find_accounts", operator, form(&[("query", "minji", Text)])),
        row(
            "suspend_account",
            operator,
            form(&[
                ("account_id", customer_account, Id),
                ("reason", "chargebacks under review", Text),
            ]),
        ),
        row(
            "reinstate_account",
            operator,
            form(&[("account_id", customer_account, Id)]),
        ),
        row(
            "issue_reset_link",
            operator,
            form(&[("email", CUSTOMER, Text)]),
        ),
        row(
            "demo_kakao_messages",
            Anyone,
            form(&[("phone", "010-1234-5601", Text)]),
        ),
        row(
            "add_address",
            customer,
            form(&[
                ("label", "회사", Text),
                ("address", "서울 성동구 성수이로 78", Text),
                ("building", "성수 할매떡볶이", Text),
                ("unit", "3층", Text),
                ("rider_note", "문 앞에 두세요", Text),
            ]),
        ),
        row(
            "add_located_address",
            customer,
            form(&[
                ("label", "회사", Text),
                ("line", "서울 성동구 성수이로 7", Text),
                ("lat", "37.5446", Coordinate),
                ("lng", "127.0557", Coordinate),
                ("unit", "3층", Text),
                ("rider_note", "", Text),
            ]),
        ),
        // Joining
        row("my_application", Applicant, form(&[])),
        row(
            "apply_as_owner",
            owner,
            form(&[
                ("business_name", "성수 분식 주식회사", Text),
                ("business_number", "220-81-62517", Text),
                ("store_name", "성수 분식", Text),
                ("store_category", "분식", Text),
                ("store_phone", "02-466-1234", Text),
                ("store_address", "서울 성동구 왕십리로 16", Text),
            ]),
        ),
        row(
            "apply_as_rider",
            rider,
            form(&[
                ("vehicle", "motorbike", Text),
                ("area", "서울 성동구 왕십리로 16", Text),
                ("location_consent", "yes", Optional),
            ]),
        ),
        row("application_queue", operator, form(&[])),
        row(
            "decide_application",
            operator,
            form(&[
                ("application_id", application, Id),
                ("decision", "rejected", Text),
                ("message", "사업자 정보를 확인할 수 없어요", Text),
            ]),
        ),
        // Places
        row(
            "search_places",
            AnyAccount,
            form(&[("query", "트리마제", Text), ("page", "1", Count)]),
        ),
        row(
            "place_at",
            AnyAccount,
            form(&[
                ("lat", "37.5446", Coordinate),
                ("lng", "127.0557", Coordinate),
            ]),
        ),
        // Ordering
        row(
            "place_order",
            customer,
            Args::Json(json!({ "order": {
            "store_id": f.store, "address_id": Uuid::nil(),
            "lines": [{ "item_id": f.item, "quantity": 1 }] } })),
        ),
        row(
            "cancel_order",
            customer,
            form(&[("order_id", order, Id), ("reason", "변심", Text)]),
        ),
        row(
            "confirm_receipt",
            customer,
            form(&[("order_id", order, Id)]),
        ),
        row("pay_now", customer, form(&[("order_id", order, Id)])),
        row("my_orders", customer, form(&[])),
        row("order_status", customer, form(&[("order_id", order, Id)])),
        // Stores and kitchens
        row(
            "nearby_stores",
            Anyone,
            form(&[
                ("lat", "37.5445", Coordinate),
                ("lng", "127.0560", Coordinate),
            ]),
        ),
        row("store_menu", Anyone, form(&[("store_id", store, Id)])),
        row(
            "store_reach",
            Anyone,
            form(&[
                ("store_id", store, Id),
                ("lat", "37.5445", Coordinate),
                ("lng", "127.0560", Coordinate),
            ]),
        ),
        row("my_stores", owner, form(&[])),
        row(
            "set_store_open",
            owner,
            form(&[("store_id", store, Id), ("open", "false", Flag)]),
        ),
        row(
            "accept_order",
            owner,
            form(&[("order_id", order, Id), ("prep_minutes", "15", Count)]),
        ),
        row(
            "reject_order",
            owner,
            form(&[("order_id", order, Id), ("reason", "재료 소진", Text)]),
        ),
        row("start_cook", owner, form(&[("order_id", order, Id)])),
        row("finish_cook", owner, form(&[("order_id", order, Id)])),
        row("kitchen_orders", owner, form(&[])),
        row("store_setup", owner, form(&[("store_id", store, Id)])),
        row(
            "set_store_place",
            owner,
            form(&[
                ("store_id", store, Id),
                ("address", "서울 성동구 왕십리로 16", Text),
            ]),
        ),
        row(
            "set_store_terms",
            owner,
            form(&[
                ("store_id", store, Id),
                ("radius_m", "2500", Count),
                ("minimum_order_krw", "12000", Count),
                ("delivery_fee_krw", "2500", Count),
                ("prep_minutes", "20", Count),
            ]),
        ),
        row(
            "set_store_phone",
            owner,
            form(&[("store_id", store, Id), ("phone", "02-466-1234", Text)]),
        ),
        row("take_store_live", owner, form(&[("store_id", store, Id)])),
        row(
            "set_opening_hours",
            owner,
            Args::Json(json!({ "store_id": f.store, "week": [] })),
        ),
        row(
            "add_menu_item",
            owner,
            form(&[
                ("store_id", store, Id),
                ("name", "새 메뉴", Text),
                ("category", "분식", Text),
                ("description", "", Text),
                ("price_krw", "5000", Count),
            ]),
        ),
        row(
            "edit_menu_item",
            owner,
            form(&[
                ("item_id", item, Id),
                ("name", "새 이름", Text),
                ("category", "분식", Text),
                ("description", "설명", Text),
                ("price_krw", "5000", Count),
            ]),
        ),
        row(
            "set_item_sold_out",
            owner,
            form(&[("item_id", item, Id), ("sold_out", "true", Flag)]),
        ),
        row(
            "add_option_group",
            owner,
            form(&[
                ("item_id", item, Id),
                ("name", "맵기", Text),
                ("min_select", "0", Count),
                ("max_select", "1", Count),
            ]),
        ),
        row(
            "add_menu_option",
            owner,
            form(&[
                ("group_id", &f.group.to_string(), Id),
                ("name", "치즈", Text),
                ("price_delta_krw", "500", Count),
            ]),
        ),
        row(
            "edit_menu_option",
            owner,
            form(&[
                ("option_id", &f.option.to_string(), Id),
                ("name", "치즈 추가", Text),
                ("price_delta_krw", "700", Count),
            ]),
        ),
        row(
            "set_option_sold_out",
            owner,
            form(&[
                ("option_id", &f.option.to_string(), Id),
                ("sold_out", "true", Flag),
            ]),
        ),
        // Riders
        row("my_duty", rider, form(&[])),
        row("set_duty", rider, form(&[("on_duty", "false", Flag)])),
        row("open_deliveries", rider, form(&[])),
        row("claim_delivery", rider, form(&[("order_id", order, Id)])),
        row(
            "pick_up",
            rider,
            form(&[("order_id", order, Id), ("request_key", key, OptionalId)]),
        ),
        row(
            "deliver",
            rider,
            form(&[("order_id", order, Id), ("request_key", key, OptionalId)]),
        ),
        row(
            "report_failure",
            rider,
            form(&[
                ("order_id", order, Id),
                ("reason", "문이 닫힘", Text),
                ("request_key", key, OptionalId),
            ]),
        ),
        row("confirm_delivery", rider, form(&[("order_id", order, Id)])),
        row("my_deliveries", rider, form(&[])),
        row(
            "set_position",
            rider,
            form(&[
                ("lat", "37.5446", Coordinate),
                ("lng", "127.0561", Coordinate),
            ]),
        ),
        // Notifications
        row("my_notifications", AnyAccount, form(&[])),
        row("mark_notifications_read", AnyAccount, form(&[])),
        // Operations
        row("ops_counts", operator, form(&[])),
        row("consumer_states", operator, form(&[])),
        row(
            "pause_consumer",
            operator,
            form(&[("consumer", "store", Text)]),
        ),
        row(
            "resume_consumer",
            operator,
            form(&[("consumer", "store", Text)]),
        ),
        row(
            "fault_drill",
            operator,
            form(&[("consumer", "store", Text), ("failures", "2", Count)]),
        ),
        row(
            "consumption_history",
            operator,
            form(&[("order_id", order, OptionalId)]),
        ),
        row("retry_delivery", operator, form(&[("order_id", order, Id)])),
        row(
            "cancel_failed_delivery",
            operator,
            form(&[("order_id", order, Id), ("reason", "연락 두절", Text)]),
        ),
        row("payment_breaker", operator, form(&[])),
        row("find_stores", operator, form(&[("query", "김밥", Text)])),
        row(
            "suspend_store",
            operator,
            form(&[("store_id", store, Id), ("reason", "위생 점검", Text)]),
        ),
        row(
            "lift_store_suspension",
            operator,
            form(&[("store_id", store, Id)]),
        ),
    ]
}

/// A login of each role, plus the same role's other account where the suite needs one.
struct Sessions {
    by_role: Vec<(Role, Browser)>,
    other_customer: Browser,
    other_owner: Browser,
    other_rider: Browser,
    anonymous: Browser,
}

impl Sessions {
    fn of(&self, role: Role) -> &Browser {
        &self
            .by_role
            .iter()
            .find(|(r, _)| *r == role)
            .expect("a session of every role")
            .1
    }

    /// The rightful caller of an endpoint.
    fn rightful(&self, caller: Caller) -> &Browser {
        match caller {
            Caller::Anyone => &self.anonymous,
            Caller::AnyAccount => self.of(Role::Customer),
            Caller::Only(role) => self.of(role),
            Caller::Applicant => self.of(Role::Rider),
        }
    }
}

/// Someone calling with ids that are not theirs (or a request already made): who, which server
/// function, its fields, and the status expected.
type StrangerCall<'a> = (&'a Browser, &'static str, Vec<(&'static str, &'a str)>, u16);

/// A call and what came back.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    body: String,
}

async fn send(browser: &Browser, endpoint: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let response = browser
        .http
        .post(format!("{}/api/{endpoint}", browser.base))
        .header("Content-Type", content_type)
        .header("Accept", "application/json")
        .body(body)
        .send()
        .await
        .expect("request reaches the server");
    Answer {
        status: response.status(),
        body: response.text().await.unwrap_or_default(),
    }
}

/// A form body from already-encoded values (so that raw `%FF` bytes can be sent).
fn raw_form(fields: &[(&str, String)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn encoded(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Sends `args` with the named field replaced by `value` (already encoded), or left out.
async fn send_spoiled(
    browser: &Browser,
    endpoint: &str,
    fields: &[(&'static str, String, Field)],
    spoiled: &str,
    value: Option<&str>,
) -> Answer {
    let body: Vec<(&str, String)> = fields
        .iter()
        .filter_map(|(name, good, _)| {
            if *name != spoiled {
                Some((*name, encoded(good)))
            } else {
                value.map(|bad| (*name, bad.to_owned()))
            }
        })
        .collect();
    send(
        browser,
        endpoint,
        "application/x-www-form-urlencoded",
        raw_form(&body),
    )
    .await
}

async fn send_valid(browser: &Browser, endpoint: &Endpoint) -> Answer {
    match &endpoint.args {
        Args::Form(fields) => {
            let body: Vec<(&str, String)> = fields
                .iter()
                .map(|(name, value, _)| (*name, encoded(value)))
                .collect();
            send(
                browser,
                endpoint.name,
                "application/x-www-form-urlencoded",
                raw_form(&body),
            )
            .await
        }
        Args::Json(value) => {
            send(
                browser,
                endpoint.name,
                "application/json",
                value.to_string().into_bytes(),
            )
            .await
        }
    }
}

/// The values tried in a field of `kind`, already form-encoded.
fn hostile_values(kind: Field) -> Vec<(&'static str, String)> {
    let mut values = vec![
        ("not UTF-8", "%FF%FE".to_owned()),
        ("a NUL byte", "a%00b".to_owned()),
        ("an escape sequence", "%1B%5B31m".to_owned()),
    ];
    match kind {
        Field::Text => values.push(("a 1 MB string", "x".repeat(1024 * 1024))),
        Field::Id => {
            values.push(("not an id", "not-an-id".to_owned()));
            values.push(("empty", String::new()));
            values.push(("an unknown id", Uuid::new_v4().to_string()));
        }
        Field::OptionalId => values.push(("not a key", "12345".to_owned())),
        Field::Flag => values.push(("not a yes or no", "maybe".to_owned())),
        Field::Optional => {}
        Field::Count => {
            values.push(("not a number", "abc".to_owned()));
            values.push(("empty", String::new()));
            values.push(("negative", "-1".to_owned()));
            values.push(("huge", "99999999999999999999999".to_owned()));
        }
        Field::Coordinate => {
            values.push(("not a number", "abc".to_owned()));
            values.push(("empty", String::new()));
            values.push(("off the map", "-1000".to_owned()));
            values.push(("infinite", "1e999".to_owned()));
            values.push(("not a number at all", "NaN".to_owned()));
        }
    }
    values
}

/// Checks that `answer` is a refusal a client understands: 4xx and a typed sentence.
fn assert_refused(what: &str, answer: &Answer) -> AppError {
    assert!(
        answer.status.is_client_error(),
        "{what}: answered {} {}",
        answer.status,
        answer.body
    );
    let error: AppError = serde_json::from_str(&answer.body)
        .unwrap_or_else(|e| panic!("{what}: {:?} is not a refusal: {e}", answer.body));
    assert!(!error.to_string().is_empty(), "{what}: no sentence");
    assert!(
        !error.to_string().contains("deserializing") && !error.to_string().contains("ServerFn"),
        "{what}: the framework's wording reached the caller: {error}"
    );
    // The page words the same refusal in Korean: a sentence of its own, not the English one.
    let korean = error.in_language(Locale::ko);
    assert!(
        korean.chars().any(|c| ('가'..='힣').contains(&c)),
        "{what}: no Korean sentence for {error:?}: {korean}"
    );
    error
}

/// A digest of every table a command could change: all but sessions, the job queue, the
/// migrations' own bookkeeping and the rider's request receipts (a keyed tap's refusal is kept
/// under its key on purpose, so that the tap sent again gets the same answer; it changes no order).
async fn digest(pool: &PgPool) -> Vec<(String, String)> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables
         WHERE table_type = 'BASE TABLE'
           AND table_schema NOT IN ('pg_catalog', 'information_schema', 'graphile_worker', 'public')
           AND (table_schema, table_name) NOT IN (('platform', 'sessions'), ('delivery', 'rider_receipts'))
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    assert!(tables.len() > 15, "the digest sees the schemas: {tables:?}");
    let mut digests = Vec::new();
    for (schema, table) in tables {
        // The names come from the catalogue, not from a caller.
        let sum: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {schema}.{table} t"
        )))
        .fetch_one(pool)
        .await
        .expect("digest");
        digests.push((format!("{schema}.{table}"), sum));
    }
    digests
}

/// The digest once background work (consumers, read models, notifications) has settled.
async fn settled_digest(pool: &PgPool) -> Vec<(String, String)> {
    let mut last = digest(pool).await;
    eventually("the background work settles", || {
        let pool = pool.clone();
        let previous = last.clone();
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            let now = digest(&pool).await;
            (now == previous).then_some(now)
        }
    })
    .await;
    last = digest(pool).await;
    last
}

async fn fixture(app: &TestApp) -> Fixture {
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(app, &customer).await;
    tracked(&customer, order, app::ordering::OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    let arg = order.0.to_string();
    owner
        .call::<serde_json::Value>(
            "accept_order",
            &[("order_id", &arg), ("prep_minutes", "15")],
        )
        .await
        .expect("accepted");
    for step in ["start_cook", "finish_cook"] {
        owner
            .call::<serde_json::Value>(step, &[("order_id", &arg)])
            .await
            .expect(step);
    }
    let rider = app.logged_in(RIDER).await;
    eventually("the delivery opens", || async {
        rider
            .call::<()>("claim_delivery", &[("order_id", &arg)])
            .await
            .ok()
    })
    .await;
    tracked(&customer, order, app::ordering::OrderStatus::RiderAssigned).await;
    let (item, group, option): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "SELECT i.item_id, g.group_id, o.option_id
         FROM store.menu_options o
         JOIN store.menu_option_groups g USING (group_id)
         JOIN store.menu_items i USING (item_id)
         JOIN store.stores s USING (store_id)
         JOIN platform.accounts a ON a.account_id = s.owner_id
         WHERE a.email = $1 LIMIT 1",
    )
    .bind(OWNER)
    .fetch_one(&app.pool)
    .await
    .expect("a dish with options in the owner's stores");
    let application = Uuid::new_v4();
    let details = app::onboarding::ApplicationDetails::Rider(app::onboarding::RiderDetails {
        vehicle: app::onboarding::Vehicle::Bicycle,
        area: "서울 성동구 왕십리로 16".into(),
        area_position: app::platform::geo::Position::new(37.5614, 127.0378).expect("a point"),
    });
    sqlx::query(
        "INSERT INTO onboarding.applications (application_id, applicant_id, kind, status, details)
         SELECT $1, account_id, 'rider', 'submitted', $3 FROM platform.accounts WHERE email = $2",
    )
    .bind(application)
    .bind(OFF_DUTY_RIDER)
    .bind(sqlx::types::Json(&details))
    .execute(&app.pool)
    .await
    .expect("an application waiting for review");
    Fixture {
        order,
        address: home_of(&app.pool, CUSTOMER).await,
        customer: account_of(&app.pool, CUSTOMER).await.0,
        store: store_id(&app.pool, GIMBAP).await,
        item,
        group,
        option,
        application,
    }
}

async fn sessions(app: &TestApp) -> Sessions {
    Sessions {
        by_role: vec![
            (Role::Customer, app.logged_in(CUSTOMER).await),
            (Role::Owner, app.logged_in(OWNER).await),
            (Role::Rider, app.logged_in(RIDER).await),
            (Role::Operator, app.logged_in(OPERATOR).await),
        ],
        other_customer: app.logged_in(OTHER_CUSTOMER).await,
        other_owner: app.logged_in(OTHER_OWNER).await,
        other_rider: app.logged_in(OTHER_RIDER).await,
        anonymous: app.browser(),
    }
}

#[tokio::test]
async fn every_server_function_refuses_every_hostile_call_and_nothing_changes() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let fixture = fixture(&app).await;
    let endpoints = endpoints(&fixture);

    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let listed: BTreeSet<String> = endpoints.iter().map(|e| e.name.to_owned()).collect();
    assert_eq!(
        registered, listed,
        "every registered server function has a row in this suite, and no row is stale"
    );

    let sessions = sessions(&app).await;
    use Field::{Optional, OptionalId};
    let before = settled_digest(&app.pool).await;
    let mut calls = 0;

    for endpoint in &endpoints {
        let name = endpoint.name;
        // Without a session, and with every other role's session.
        if let Caller::Only(_) | Caller::AnyAccount | Caller::Applicant = endpoint.caller {
            let answer = send_valid(&sessions.anonymous, endpoint).await;
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{name} without a session: {}",
                answer.body
            );
            assert_refused(&format!("{name} without a session"), &answer);
            calls += 1;
            if let Caller::Only(_) | Caller::Applicant = endpoint.caller {
                let others = sessions
                    .by_role
                    .iter()
                    .filter(|(role, _)| !endpoint.caller.allows(*role));
                for (other, browser) in others {
                    let answer = send_valid(browser, endpoint).await;
                    assert_eq!(
                        answer.status,
                        StatusCode::FORBIDDEN,
                        "{name} as {other:?}: {}",
                        answer.body
                    );
                    assert_refused(&format!("{name} as {other:?}"), &answer);
                    calls += 1;
                }
            }
        }

        let rightful = sessions.rightful(endpoint.caller);
        match &endpoint.args {
            Args::Form(fields) if !fields.is_empty() => {
                for (field, _, kind) in fields {
                    for (what, value) in hostile_values(*kind) {
                        let answer =
                            send_spoiled(rightful, name, fields, field, Some(&value)).await;
                        assert_refused(&format!("{name} with {field} {what}"), &answer);
                        calls += 1;
                    }
                    // Optional ids and fields may be left out; every other field is required.
                    if !matches!(kind, OptionalId | Optional) {
                        let answer = send_spoiled(rightful, name, fields, field, None).await;
                        let error = assert_refused(&format!("{name} without {field}"), &answer);
                        assert!(
                            matches!(error, AppError::Malformed(_)),
                            "{name} without {field}: {error:?}"
                        );
                        calls += 1;
                    }
                }
                let as_json = serde_json::Value::Object(
                    fields
                        .iter()
                        .map(|(name, value, _)| ((*name).to_owned(), json!(value)))
                        .collect(),
                );
                // A JSON body reads as a form without fields: refused where a field is required.
                if fields
                    .iter()
                    .any(|(_, _, kind)| !matches!(kind, OptionalId | Optional))
                {
                    let answer = send(
                        rightful,
                        name,
                        "application/json",
                        as_json.to_string().into(),
                    )
                    .await;
                    assert_refused(&format!("{name} sent as JSON"), &answer);
                    calls += 1;
                }
            }
            Args::Json(value) => {
                let spoiled = [
                    (
                        "a NUL in a string",
                        value.to_string().replacen("\":\"", "\":\"\\u0000", 1),
                    ),
                    (
                        "a replacement character for an id",
                        "{\"store_id\":\"\u{FFFD}\"}".to_owned(),
                    ),
                    ("not JSON", "{\"store_id\":".to_owned()),
                    ("the wrong shape", "[1,2,3]".to_owned()),
                ];
                for (what, body) in spoiled {
                    let answer = send(rightful, name, "application/json", body.into_bytes()).await;
                    assert_refused(&format!("{name} with {what}"), &answer);
                    calls += 1;
                }
                let answer = send(
                    rightful,
                    name,
                    "application/json",
                    b"{\"store_id\":\"\xFF\xFE\"}".to_vec(),
                )
                .await;
                assert_eq!(
                    answer.status,
                    StatusCode::BAD_REQUEST,
                    "{name} with raw bytes"
                );
                calls += 1;
                let answer = send(
                    rightful,
                    name,
                    "application/x-www-form-urlencoded",
                    b"store_id=x".to_vec(),
                )
                .await;
                assert_refused(&format!("{name} sent as a form"), &answer);
                calls += 1;
            }
            Args::Form(_) => {}
        }
        let answer = send(rightful, name, "text/plain", b"hello".to_vec()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{name} as text/plain"
        );
        assert_refused(&format!("{name} as text/plain"), &answer);
        calls += 1;
        let answer = send(
            rightful,
            name,
            "application/x-www-form-urlencoded",
            vec![b'a'; 200 * 1024],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{name} with a 200 KiB body"
        );
        calls += 1;
    }

    // Another customer's, owner's and rider's ids, and a request that was already made.
    let order = fixture.order.0.to_string();
    let store = fixture.store.to_string();
    let item = fixture.item.to_string();
    let address = fixture.address.to_string();
    let strangers: Vec<StrangerCall> = vec![
        (
            &sessions.other_customer,
            "forget_address",
            vec![("address_id", &address)],
            404,
        ),
        (
            &sessions.other_customer,
            "cancel_order",
            vec![("order_id", &order), ("reason", "내 것")],
            403,
        ),
        (
            &sessions.other_customer,
            "order_status",
            vec![("order_id", &order)],
            404,
        ),
        (
            &sessions.other_customer,
            "pay_now",
            vec![("order_id", &order)],
            404,
        ),
        (
            &sessions.other_customer,
            "confirm_receipt",
            vec![("order_id", &order)],
            403,
        ),
        (
            &sessions.other_owner,
            "start_cook",
            vec![("order_id", &order)],
            403,
        ),
        (
            &sessions.other_owner,
            "reject_order",
            vec![("order_id", &order), ("reason", "no")],
            403,
        ),
        (
            &sessions.other_owner,
            "set_store_open",
            vec![("store_id", &store), ("open", "false")],
            404,
        ),
        (
            &sessions.other_owner,
            "store_setup",
            vec![("store_id", &store)],
            404,
        ),
        (
            &sessions.other_owner,
            "set_item_sold_out",
            vec![("item_id", &item), ("sold_out", "true")],
            404,
        ),
        (
            &sessions.other_rider,
            "pick_up",
            vec![("order_id", &order)],
            403,
        ),
        (
            &sessions.other_rider,
            "claim_delivery",
            vec![("order_id", &order)],
            409,
        ),
        // Already accepted, already claimed: the same request twice.
        (
            sessions.of(Role::Owner),
            "accept_order",
            vec![("order_id", &order), ("prep_minutes", "15")],
            409,
        ),
        (
            sessions.of(Role::Rider),
            "claim_delivery",
            vec![("order_id", &order)],
            409,
        ),
        (
            sessions.of(Role::Customer),
            "cancel_order",
            vec![("order_id", &order), ("reason", "변심")],
            409,
        ),
    ];
    for (browser, name, args, status) in strangers {
        let body: Vec<(&str, String)> = args.iter().map(|(n, v)| (*n, encoded(v))).collect();
        let answer = send(
            browser,
            name,
            "application/x-www-form-urlencoded",
            raw_form(&body),
        )
        .await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{name} by the wrong person: {}",
            answer.body
        );
        assert_refused(&format!("{name} by the wrong person"), &answer);
        calls += 1;
    }

    let after = settled_digest(&app.pool).await;
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| &b.0)
        .collect();
    assert!(
        changed.is_empty(),
        "{calls} hostile calls changed {changed:?}"
    );
    println!("{calls} hostile calls, all refused with a 4xx, nothing changed");
    app.shutdown().await;
}
