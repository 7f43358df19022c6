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

/// Makes the record of a rider an operator has just approved, inside the caller's transaction:
/// off duty, with no position until their phone sends one, and the usual range. Approving the
/// same rider twice keeps the first record.
pub async fn enrol_rider(db: impl PgExecutor<'_>, rider: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delivery.riders (rider_id, on_duty) VALUES ($1, false)
         ON CONFLICT (rider_id) DO NOTHING",
    )
    .bind(rider.0)
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

/// A rider on duty with a known position, and how far they will ride to a pickup.
struct RiderOnDuty {
    rider_id: uuid::Uuid,
    at: Position,
    range_m: i32,
}

impl RiderOnDuty {
    fn reaches(&self, pickup: Position) -> bool {
        self.at.distance_m(pickup) <= f64::from(self.range_m)
    }
}

async fn riders_on_duty(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<RiderOnDuty>> {
    let rows: Vec<(uuid::Uuid, f64, f64, i32)> = sqlx::query_as(
        "SELECT rider_id, lat, lng, range_m FROM delivery.riders
         WHERE on_duty AND lat IS NOT NULL AND lng IS NOT NULL",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(rider_id, lat, lng, range_m)| RiderOnDuty {
            rider_id,
            at: Position { lat, lng },
            range_m,
        })
        .collect())
}

/// Riders on duty whose range reaches `pickup`.
pub async fn riders_on_duty_near(
    db: impl PgExecutor<'_>,
    pickup: Position,
) -> sqlx::Result<Vec<AccountId>> {
    Ok(riders_on_duty(db)
        .await?
        .into_iter()
        .filter(|rider| rider.reaches(pickup))
        .map(|rider| AccountId(rider.rider_id))
        .collect())
}

/// What a claim needs to know of the rider.
#[derive(sqlx::FromRow)]
pub struct ClaimingRider {
    pub on_duty: bool,
    lat: Option<f64>,
    lng: Option<f64>,
    pub range_m: i32,
}

impl ClaimingRider {
    /// The rider's last known position.
    pub fn position(&self) -> Option<Position> {
        self.lat
            .zip(self.lng)
            .map(|(lat, lng)| Position { lat, lng })
    }
}

/// Reads a rider's duty, position and range.
pub async fn claiming_rider(
    db: impl PgExecutor<'_>,
    rider: AccountId,
) -> sqlx::Result<Option<ClaimingRider>> {
    sqlx::query_as("SELECT on_duty, lat, lng, range_m FROM delivery.riders WHERE rider_id = $1")
        .bind(rider.0)
        .fetch_optional(db)
        .await
}

/// A delivery as stored.
#[derive(sqlx::FromRow)]
pub struct DeliveryRow {
    pub order_id: uuid::Uuid,
    pub store_name: String,
    pub pickup_lat: f64,
    pub pickup_lng: f64,
    pub dropoff_lat: f64,
    pub dropoff_lng: f64,
}

/// One delivery.
pub async fn delivery(
    db: impl PgExecutor<'_>,
    order_id: uuid::Uuid,
) -> sqlx::Result<Option<DeliveryRow>> {
    sqlx::query_as(
        "SELECT order_id, store_name, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng
         FROM delivery.deliveries WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_optional(db)
    .await
}

/// Every delivery open to riders.
pub async fn open_deliveries_near(
    db: impl PgExecutor<'_>,
    here: Position,
    range_m: u32,
    limit: i64,
) -> sqlx::Result<Vec<DeliveryRow>> {
    let square = here.bounding_box(f64::from(range_m));
    sqlx::query_as(
        "SELECT order_id, store_name, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng
         FROM delivery.deliveries
         WHERE status = 'OPEN'
           AND pickup_lat BETWEEN $1 AND $2 AND pickup_lng BETWEEN $3 AND $4
         ORDER BY (pickup_lat - $5) ^ 2 + ((pickup_lng - $6) * $7) ^ 2
         LIMIT $8",
    )
    .bind(square.min_lat)
    .bind(square.max_lat)
    .bind(square.min_lng)
    .bind(square.max_lng)
    .bind(here.lat)
    .bind(here.lng)
    .bind(here.lat.to_radians().cos())
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Who may hear of a change to each of these deliveries: the riders on duty whose range reaches
/// its pickup, and the rider who has it. Deliveries not in the table have nobody.
pub async fn audience_of_deliveries(
    db: &sqlx::PgPool,
    order_ids: &[uuid::Uuid],
) -> sqlx::Result<std::collections::HashMap<uuid::Uuid, std::collections::HashSet<AccountId>>> {
    let deliveries: Vec<(uuid::Uuid, f64, f64, Option<uuid::Uuid>)> = sqlx::query_as(
        "SELECT order_id, pickup_lat, pickup_lng, rider_id FROM delivery.deliveries
         WHERE order_id = ANY($1)",
    )
    .bind(order_ids)
    .fetch_all(db)
    .await?;
    let riders = riders_on_duty(db).await?;
    Ok(deliveries
        .into_iter()
        .map(|(order_id, lat, lng, assigned)| {
            let pickup = Position { lat, lng };
            let mut audience: std::collections::HashSet<AccountId> = riders
                .iter()
                .filter(|rider| rider.reaches(pickup))
                .map(|rider| AccountId(rider.rider_id))
                .collect();
            audience.extend(assigned.map(AccountId));
            (order_id, audience)
        })
        .collect())
}

/// The rider's deliveries, most recently changed first.
pub async fn deliveries_of_rider(
    db: impl PgExecutor<'_>,
    rider: AccountId,
    limit: i64,
) -> sqlx::Result<Vec<super::RiderDelivery>> {
    type Row = (
        uuid::Uuid,
        String,
        String,
        String,
        String,
        String,
        f64,
        f64,
        f64,
        f64,
        chrono::DateTime<chrono::Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT order_id, store_name, store_address, dropoff_address, rider_note, status,
                pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, updated_at
         FROM delivery.deliveries WHERE rider_id = $1 ORDER BY updated_at DESC LIMIT $2",
    )
    .bind(rider.0)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(
            |(
                order_id,
                store_name,
                store_address,
                dropoff_address,
                rider_note,
                status,
                plat,
                plng,
                dlat,
                dlng,
                updated_at,
            )| {
                let status = super::DeliveryStatus::parse(&status).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown delivery status {status}").into())
                })?;
                let pickup = Position {
                    lat: plat,
                    lng: plng,
                };
                let dropoff = Position {
                    lat: dlat,
                    lng: dlng,
                };
                Ok(super::RiderDelivery {
                    order_id: crate::ordering::OrderId(order_id),
                    store_name,
                    store_address,
                    dropoff_address,
                    rider_note,
                    status,
                    ride_m: pickup.distance_m(dropoff),
                    updated_at,
                })
            },
        )
        .collect()
}

/// The rider's last reported position and how many seconds ago it came, locked until the
/// transaction ends so two reports at once are checked one after the other. `None` for an account
/// with no rider record; an inner `None` for a rider who never reported one.
pub async fn lock_last_position(
    conn: &mut sqlx::PgConnection,
    rider: AccountId,
) -> sqlx::Result<Option<Option<(Position, f64)>>> {
    let row: Option<(Option<f64>, Option<f64>, Option<f64>)> = sqlx::query_as(
        "SELECT lat, lng, extract(epoch FROM now() - position_at)::float8
         FROM delivery.riders WHERE rider_id = $1 FOR UPDATE",
    )
    .bind(rider.0)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(lat, lng, age_s)| match (lat, lng, age_s) {
        (Some(lat), Some(lng), Some(age_s)) => Some((Position { lat, lng }, age_s)),
        _ => None,
    }))
}

/// Records where the rider is; returns false for an account with no rider record.
pub async fn set_position(
    db: impl PgExecutor<'_>,
    rider: AccountId,
    at: Position,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE delivery.riders SET lat = $2, lng = $3, position_at = now(), updated_at = now()
         WHERE rider_id = $1",
    )
    .bind(rider.0)
    .bind(at.lat)
    .bind(at.lng)
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// The answer already given to this rider's `request_key`, if the key was used before. Inside a
/// transaction that goes on to run the command, a repeat of the same key arriving meanwhile waits
/// here until the first one commits, then reads its answer.
pub async fn reserve_receipt(
    conn: &mut sqlx::PgConnection,
    rider: AccountId,
    request_key: uuid::Uuid,
) -> sqlx::Result<Option<(uuid::Uuid, String, serde_json::Value)>> {
    // The lock on the key is taken by the advisory lock, not by a row: a row inserted now could
    // only be inserted with its answer, which is not known yet.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text || $2::text, 0))")
        .bind(rider.0)
        .bind(request_key)
        .execute(&mut *conn)
        .await?;
    sqlx::query_as(
        "SELECT order_id, command, answer FROM delivery.rider_receipts
         WHERE rider_id = $1 AND request_key = $2",
    )
    .bind(rider.0)
    .bind(request_key)
    .fetch_optional(&mut *conn)
    .await
}

/// Keeps the answer to a rider's `request_key`, and forgets this rider's answers from over a
/// week ago (a phone sends its queue again within hours).
pub async fn save_receipt(
    conn: &mut sqlx::PgConnection,
    rider: AccountId,
    request_key: uuid::Uuid,
    order_id: uuid::Uuid,
    command: &str,
    answer: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO delivery.rider_receipts (rider_id, request_key, order_id, command, answer)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(rider.0)
    .bind(request_key)
    .bind(order_id)
    .bind(command)
    .bind(answer)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM delivery.rider_receipts
         WHERE rider_id = $1 AND answered_at < now() - interval '7 days'",
    )
    .bind(rider.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
