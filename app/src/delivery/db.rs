//! The `delivery` schema: riders.

use sqlx::PgExecutor;

use super::RiderDuty;
use crate::platform::{geo::Position, AccountId};

/// A rider's status; `None` if the account has no rider record.
pub async fn rider_status(
    db: impl PgExecutor<'_>,
    rider: AccountId,
) -> sqlx::Result<Option<RiderDuty>> {
    let row: Option<(bool, Option<f64>, Option<f64>, i32)> = sqlx::query_as(
        "SELECT on_duty, lat, lng, range_m FROM delivery.riders WHERE rider_id = $1",
    )
    .bind(rider.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(on_duty, lat, lng, range_m)| RiderDuty {
        on_duty,
        position: lat.zip(lng).map(|(lat, lng)| Position { lat, lng }),
        range_m: range_m as u32,
    }))
}

/// Registers a rider (or updates them), e.g. when demo data loads.
pub async fn upsert_rider(
    db: impl PgExecutor<'_>,
    rider: AccountId,
    on_duty: bool,
    position: Option<Position>,
    range_m: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delivery.riders (rider_id, on_duty, lat, lng, range_m)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (rider_id) DO UPDATE
           SET on_duty = EXCLUDED.on_duty, lat = EXCLUDED.lat, lng = EXCLUDED.lng,
               range_m = EXCLUDED.range_m, updated_at = now()",
    )
    .bind(rider.0)
    .bind(on_duty)
    .bind(position.map(|p| p.lat))
    .bind(position.map(|p| p.lng))
    .bind(range_m)
    .execute(db)
    .await?;
    Ok(())
}

/// Sets a rider on or off duty; returns false for an account with no rider record.
pub async fn set_on_duty(
    db: impl PgExecutor<'_>,
    rider: AccountId,
    on_duty: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE delivery.riders SET on_duty = $2, updated_at = now() WHERE rider_id = $1",
    )
    .bind(rider.0)
    .bind(on_duty)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Riders on duty right now, for the operator.
pub async fn count_on_duty(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM delivery.riders WHERE on_duty")
        .fetch_one(db)
        .await
}
