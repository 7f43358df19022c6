//! Long lists come a page at a time: a customer's orders and inbox are read newest first, 50
//! to a page, with a link to the older ones, and nobody pages through someone else's.

use crate::common::*;
use app::notification::Notification;
use app::ordering::{OrderId, OrderStatus};
use app::tracking::OrderView;

const ORDERS: usize = 53;

async fn orders_page(customer: &Browser, before: Option<OrderId>) -> Vec<OrderView> {
    let before = before.map(|o| o.0.to_string());
    let args: Vec<(&str, &str)> = before.iter().map(|b| ("before", b.as_str())).collect();
    customer
        .call("my_orders", &args)
        .await
        .expect("a page of orders")
}

async fn inbox_page(customer: &Browser, before: Option<uuid::Uuid>) -> Vec<Notification> {
    let before = before.map(|n| n.to_string());
    let args: Vec<(&str, &str)> = before.iter().map(|b| ("before", b.as_str())).collect();
    customer
        .call("my_notifications", &args)
        .await
        .expect("a page of the inbox")
}

#[tokio::test]
async fn orders_and_messages_come_fifty_to_a_page() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let mut placed = Vec::new();
    for _ in 0..ORDERS {
        placed.push(place(&app, &customer).await);
    }
    let last = *placed.last().expect("orders");
    tracked(&customer, last, OrderStatus::Paid).await;
    eventually("every order is in the customer's list", || async {
        let views: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM tracking.order_views v JOIN platform.accounts a
               ON a.account_id = v.customer_id WHERE a.email = $1",
        )
        .bind(CUSTOMER)
        .fetch_one(&app.pool)
        .await
        .ok()?;
        (views == ORDERS as i64).then_some(())
    })
    .await;

    let first = orders_page(&customer, None).await;
    assert_eq!(first.len(), 50);
    let second = orders_page(&customer, first.last().map(|o| o.order_id)).await;
    assert_eq!(second.len(), ORDERS - 50);
    let mut seen: Vec<OrderId> = first.iter().chain(&second).map(|o| o.order_id).collect();
    let newest_first = first
        .iter()
        .chain(&second)
        .zip(first.iter().chain(&second).skip(1))
        .all(|(a, b)| a.placed_at >= b.placed_at);
    assert!(newest_first, "newest first across pages");
    seen.sort_by_key(|o| o.0);
    seen.dedup();
    placed.sort_by_key(|o| o.0);
    assert_eq!(seen, placed, "every order once, on one page or the other");

    // The page links to the older orders, and the older page back to the newest.
    let html = customer.page("/orders").await;
    let older = format!("/orders?before={}", first[49].order_id.0);
    assert!(html.contains(&older), "a link to {older}");
    assert!(
        !html.contains("data-testid=\"newest-page\""),
        "the newest page is this one"
    );
    let html = customer.page(&older).await;
    let number = |order: &OrderView| format!("#{}", order.order_id.number());
    assert!(
        html.contains(&number(&second[0])),
        "the older page shows the older orders"
    );
    assert!(!html.contains(&number(&first[0])), "and not the newest");
    assert!(
        html.contains("data-testid=\"newest-page\""),
        "a link to the newest orders"
    );
    assert!(
        !html.contains("data-testid=\"older-page\""),
        "nothing older than the oldest"
    );

    // Another customer's order as the cursor pages nothing of theirs and nothing of ours.
    let other = app.logged_in(OTHER_CUSTOMER).await;
    assert!(orders_page(&other, Some(first[0].order_id))
        .await
        .is_empty());

    // Each order brought the customer two messages: placed and paid.
    let inbox_count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM notification.inbox n JOIN platform.accounts a
               ON a.account_id = n.recipient_id WHERE a.email = $1",
        )
        .bind(CUSTOMER)
        .fetch_one(&app.pool)
        .await
        .expect("inbox")
    };
    eventually("every message is in the inbox", || async {
        (inbox_count().await == 2 * ORDERS as i64).then_some(())
    })
    .await;
    let first = inbox_page(&customer, None).await;
    assert_eq!(first.len(), 50);
    let mut all = first.clone();
    let mut before = first.last().map(|n| n.notification_id);
    while let Some(cursor) = before {
        let page = inbox_page(&customer, Some(cursor)).await;
        assert!(page.len() <= 50);
        before = (page.len() == 50).then(|| page[49].notification_id);
        all.extend(page);
    }
    let stored = inbox_count().await;
    let mut ids: Vec<uuid::Uuid> = all.iter().map(|n| n.notification_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len() as i64,
        stored,
        "every message once across the pages"
    );
    let html = customer.page("/inbox").await;
    assert!(html.contains(&format!("/inbox?before={}", first[49].notification_id)));
    assert!(inbox_page(&other, Some(first[0].notification_id))
        .await
        .is_empty());
    app.shutdown().await;
}
