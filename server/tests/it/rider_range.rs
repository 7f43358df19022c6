//! Riders see only what is theirs to take: the open list and the live topic are cut to each
//! rider's range on the server, and a position that jumps across the city is refused.

use crate::common::*;
use app::delivery::{OpenDelivery, RiderRefusal};
use app::platform::AppError;

#[tokio::test]
async fn a_rider_out_of_range_never_learns_of_the_delivery() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    move_rider_to_gangnam(&app.pool, OTHER_RIDER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, _owner) = cooked_order(&app, &customer).await;

    let near = app.logged_in(RIDER).await;
    eventually("the delivery opens to the rider nearby", || async {
        let open: Vec<OpenDelivery> = near.call("open_deliveries", &[]).await.ok()?;
        open.iter().any(|d| d.order_id == order).then_some(())
    })
    .await;
    let far = app.logged_in(OTHER_RIDER).await;
    let open: Vec<OpenDelivery> = far.call("open_deliveries", &[]).await.expect("a list");
    assert!(
        open.iter().all(|d| d.order_id != order),
        "a rider six kilometres away with a three-kilometre range sees nothing: {open:?}"
    );

    // Who the live topic tells: the riders in range, never the one in Gangnam.
    let audience = app::delivery::audience_of_deliveries(&app.pool, &[order.0])
        .await
        .expect("audience");
    let told = &audience[&order.0];
    assert!(
        told.contains(&account_of(&app.pool, RIDER).await),
        "{told:?}"
    );
    assert!(
        !told.contains(&account_of(&app.pool, OTHER_RIDER).await),
        "{told:?}"
    );

    // Once the nearby rider has claimed it (and the delivery view shows the claim, which is
    // when the live topic is told), the claimant hears of it wherever they ride.
    near.call::<()>("claim_delivery", &[("order_id", &order.0.to_string())])
        .await
        .expect("claimed");
    move_rider_to_gangnam(&app.pool, RIDER).await;
    let me = account_of(&app.pool, RIDER).await;
    eventually(
        "the claimant is told of their delivery from afar",
        || async {
            let audience = app::delivery::audience_of_deliveries(&app.pool, &[order.0])
                .await
                .ok()?;
            audience[&order.0].contains(&me).then_some(())
        },
    )
    .await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_position_that_jumps_across_the_country_is_refused() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let rider = app.logged_in(RIDER).await;
    let at = |lat: &'static str, lng: &'static str| [("lat", lat), ("lng", lng)];

    rider
        .call::<()>("set_position", &at("37.5446", "127.0557"))
        .await
        .expect("a first report near Seongsu station");
    rider
        .call::<()>("set_position", &at("37.5460", "127.0570"))
        .await
        .expect("two hundred metres on");

    let busan = rider
        .call::<()>("set_position", &at("35.1796", "129.0756"))
        .await;
    assert!(
        matches!(&busan, Err(AppError::Rider(RiderRefusal::ImplausibleJump { distance_m, .. })) if *distance_m > 300_000.0),
        "{busan:?}"
    );
    let kept: (f64, f64) =
        sqlx::query_as("SELECT lat, lng FROM delivery.riders WHERE rider_id = $1")
            .bind(account_of(&app.pool, RIDER).await.0)
            .fetch_one(&app.pool)
            .await
            .expect("position");
    assert_eq!(
        kept,
        (37.5460, 127.0570),
        "the refused report changed nothing"
    );

    // Six kilometres at once is a jump; after half an hour it is a ride to Gangnam.
    let gangnam = at("37.4979", "127.0276");
    assert!(rider.call::<()>("set_position", &gangnam).await.is_err());
    sqlx::query(
        "UPDATE delivery.riders SET position_at = now() - interval '30 minutes'
         WHERE rider_id = $1",
    )
    .bind(account_of(&app.pool, RIDER).await.0)
    .execute(&app.pool)
    .await
    .expect("time passes");
    rider
        .call::<()>("set_position", &gangnam)
        .await
        .expect("a ride to Gangnam in half an hour");
    app.shutdown().await;
}
