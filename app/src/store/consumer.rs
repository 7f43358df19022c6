//! The store's consumer: paid orders reach the kitchen; later events keep the kitchen's copy current.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::ordering::machine::{CancelReason, OrderEvent};
use crate::ordering::OrderStatus;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::privacy;

/// The kitchen's copy of an order: where it stands, why it ended so, and since when.
#[derive(Debug, Clone, PartialEq)]
pub struct KitchenCopy {
    pub status: OrderStatus,
    pub outcome_reason: Option<String>,
    pub since: DateTime<Utc>,
}

/// The kitchen's copy of an order after these events, if it has reached the kitchen at all: from
/// `Paid` on, each event leaves the order in the status the state machine says it does.
/// Folding the whole log makes the result the same whatever order the jobs ran in.
pub fn kitchen_copy(events: &[StoredEvent]) -> Option<KitchenCopy> {
    let mut copy: Option<KitchenCopy> = None;
    for stored in events {
        let Event::Order(event) = &stored.event else {
            continue;
        };
        if copy.is_none() && !matches!(event, OrderEvent::Paid { .. }) {
            continue;
        }
        copy = Some(KitchenCopy {
            status: event.resulting_status(),
            outcome_reason: reason_given(event),
            since: stored.occurred_at,
        });
    }
    copy
}

/// The reason someone gave with an event that ends or stops an order.
fn reason_given(event: &OrderEvent) -> Option<String> {
    let reason = match event {
        OrderEvent::OrderRejected { reason } | OrderEvent::DeliveryFailed { reason } => reason,
        OrderEvent::OrderCancelled {
            reason: CancelReason::Customer(reason) | CancelReason::Operator(reason),
            ..
        } => reason,
        _ => return None,
    };
    Some(reason.as_str().to_owned())
}

/// Brings `store.store_orders` up to date with every order in the batch, in one statement.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let histories = event_log::histories_of(&mut *tx, &event_log::orders_of(events)).await?;
    let mut rows = KitchenRows::default();
    for history in &histories {
        let Some(copy) = kitchen_copy(history) else {
            continue;
        };
        let placed = event_log::placed_in(history)
            .ok_or_else(|| ConsumeError::Failed("the order has no OrderPlaced event".into()))?;
        let accept_by = history.iter().find_map(|e| match &e.event {
            Event::Order(OrderEvent::Paid { accept_by }) => Some(*accept_by),
            _ => None,
        });
        rows.order_ids.push(history[0].order_id.0);
        rows.store_ids.push(placed.store_id.0);
        rows.statuses.push(copy.status.as_str());
        rows.outcome_reasons.push(copy.outcome_reason);
        rows.status_sinces.push(copy.since);
        rows.lines.push(
            serde_json::to_string(&placed.lines)
                .map_err(|e| ConsumeError::Failed(e.to_string()))?,
        );
        rows.totals.push(placed.total.0);
        rows.accept_bys.push(accept_by);
        let (address, note) = privacy::kept_for_partners(
            &placed.delivery_address,
            &placed.rider_note,
            super::done_for_the_kitchen(copy.status),
        );
        rows.delivery_addresses.push(address);
        rows.rider_notes.push(note);
    }
    if rows.order_ids.is_empty() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO store.store_orders
             (order_id, store_id, status, lines, total_krw, accept_by, outcome_reason, status_since,
              delivery_address, rider_note)
         SELECT o, s, st, l::jsonb, t, a, why, since, addr, note
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[],
                     $6::timestamptz[], $7::text[], $8::timestamptz[], $9::text[], $10::text[])
             AS r(o, s, st, l, t, a, why, since, addr, note)
         ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status,
             outcome_reason = EXCLUDED.outcome_reason, status_since = EXCLUDED.status_since,
             delivery_address = EXCLUDED.delivery_address, rider_note = EXCLUDED.rider_note,
             updated_at = clock_timestamp()",
    )
    .bind(&rows.order_ids)
    .bind(&rows.store_ids)
    .bind(&rows.statuses)
    .bind(&rows.lines)
    .bind(&rows.totals)
    .bind(&rows.accept_bys)
    .bind(&rows.outcome_reasons)
    .bind(&rows.status_sinces)
    .bind(&rows.delivery_addresses)
    .bind(&rows.rider_notes)
    .execute(&mut *tx)
    .await?;
    Ok(false)
}

/// The kitchen's copies of a batch's orders, column by column for one `unnest` insert.
#[derive(Default)]
struct KitchenRows {
    order_ids: Vec<Uuid>,
    store_ids: Vec<Uuid>,
    statuses: Vec<&'static str>,
    lines: Vec<String>,
    totals: Vec<i64>,
    accept_bys: Vec<Option<DateTime<Utc>>>,
    outcome_reasons: Vec<Option<String>>,
    status_sinces: Vec<DateTime<Utc>>,
    delivery_addresses: Vec<String>,
    rider_notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ordering::machine::Reason;
    use crate::ordering::OrderId;
    use crate::platform::AccountId;

    fn reason(text: &str) -> Reason {
        Reason::new(text).expect("a short reason")
    }

    /// The events as the log holds them, a minute apart.
    fn history(events: &[OrderEvent]) -> Vec<StoredEvent> {
        let order_id = OrderId(Uuid::from_u128(7));
        let start = Utc.with_ymd_and_hms(2026, 12, 5, 18, 0, 0).unwrap();
        events
            .iter()
            .enumerate()
            .map(|(at, event)| StoredEvent {
                seq: at as i64 + 1,
                event_id: Uuid::from_u128(at as u128 + 100),
                order_id,
                event: Event::Order(event.clone()),
                actor: "test".into(),
                occurred_at: start + chrono::Duration::minutes(at as i64),
            })
            .collect()
    }

    fn paid() -> OrderEvent {
        OrderEvent::Paid {
            accept_by: Utc.with_ymd_and_hms(2026, 12, 5, 18, 5, 0).unwrap(),
        }
    }

    fn accepted() -> OrderEvent {
        OrderEvent::OrderAccepted {
            prep_minutes: 15,
            ready_by: Utc.with_ymd_and_hms(2026, 12, 5, 18, 20, 0).unwrap(),
        }
    }

    fn assigned() -> OrderEvent {
        OrderEvent::RiderAssigned {
            rider_id: AccountId(Uuid::from_u128(3)),
        }
    }

    /// Every path the order machine allows through the kitchen, and where the kitchen's copy
    /// ends: its status and the reason it shows.
    #[test]
    fn every_path_ends_where_the_owner_expects() {
        use OrderStatus as K;
        let cooked = vec![
            paid(),
            accepted(),
            OrderEvent::CookStarted,
            OrderEvent::CookFinished,
        ];
        let picked = [cooked.clone(), vec![assigned(), OrderEvent::Picked]].concat();
        let failed = [
            picked.clone(),
            vec![OrderEvent::DeliveryFailed {
                reason: reason("Nobody at the door"),
            }],
        ]
        .concat();
        let cases: Vec<(&str, Vec<OrderEvent>, K, Option<&str>)> = vec![
            ("paid", vec![paid()], K::Paid, None),
            ("accepted", vec![paid(), accepted()], K::Accepted, None),
            (
                "cooking",
                vec![paid(), accepted(), OrderEvent::CookStarted],
                K::Cooking,
                None,
            ),
            ("cooked", cooked.clone(), K::Cooked, None),
            (
                "rider on the way",
                [cooked.clone(), vec![assigned()]].concat(),
                K::RiderAssigned,
                None,
            ),
            ("picked up", picked.clone(), K::PickedUp, None),
            (
                "delivered",
                [picked.clone(), vec![OrderEvent::Delivered]].concat(),
                K::Delivered,
                None,
            ),
            (
                "completed",
                [
                    picked.clone(),
                    vec![OrderEvent::Delivered, OrderEvent::OrderCompleted],
                ]
                .concat(),
                K::Completed,
                None,
            ),
            (
                "delivery failed",
                failed.clone(),
                K::DeliveryFailed,
                Some("Nobody at the door"),
            ),
            (
                "failed, sent back to riders",
                [failed.clone(), vec![OrderEvent::DeliveryRetried]].concat(),
                K::Cooked,
                None,
            ),
            (
                "failed, retried and delivered",
                [
                    failed.clone(),
                    vec![
                        OrderEvent::DeliveryRetried,
                        assigned(),
                        OrderEvent::Picked,
                        OrderEvent::Delivered,
                        OrderEvent::OrderCompleted,
                    ],
                ]
                .concat(),
                K::Completed,
                None,
            ),
            (
                "failed and cancelled by the operator",
                [
                    failed.clone(),
                    vec![OrderEvent::OrderCancelled {
                        reason: CancelReason::Operator(reason("Customer unreachable")),
                        refund: true,
                    }],
                ]
                .concat(),
                K::Cancelled,
                Some("Customer unreachable"),
            ),
            (
                "rejected",
                vec![
                    paid(),
                    OrderEvent::OrderRejected {
                        reason: reason("Out of rice cakes"),
                    },
                ],
                K::Rejected,
                Some("Out of rice cakes"),
            ),
            (
                "expired",
                vec![paid(), OrderEvent::OrderExpired],
                K::Expired,
                None,
            ),
            (
                "cancelled before acceptance",
                vec![
                    paid(),
                    OrderEvent::OrderCancelled {
                        reason: CancelReason::Customer(reason("Ordered twice")),
                        refund: true,
                    },
                ],
                K::Cancelled,
                Some("Ordered twice"),
            ),
            (
                "cancelled after acceptance",
                vec![
                    paid(),
                    accepted(),
                    OrderEvent::OrderCancelled {
                        reason: CancelReason::Customer(reason("Wrong address")),
                        refund: true,
                    },
                ],
                K::Cancelled,
                Some("Wrong address"),
            ),
            (
                "paid late, then accepted",
                vec![
                    OrderEvent::PaymentDeferred {
                        pay_by: Utc.with_ymd_and_hms(2026, 12, 5, 18, 10, 0).unwrap(),
                    },
                    paid(),
                    accepted(),
                ],
                K::Accepted,
                None,
            ),
        ];
        for (name, events, status, reason) in cases {
            let log = history(&events);
            let copy = kitchen_copy(&log).unwrap_or_else(|| panic!("{name}: no kitchen copy"));
            assert_eq!(copy.status, status, "{name}");
            assert_eq!(copy.outcome_reason.as_deref(), reason, "{name}");
            let last = log.last().expect("events").occurred_at;
            assert_eq!(copy.since, last, "{name}: since its last step");
        }
    }

    #[test]
    fn an_order_that_was_never_paid_never_reaches_the_kitchen() {
        let unpaid = [
            vec![OrderEvent::PaymentDeferred {
                pay_by: Utc.with_ymd_and_hms(2026, 12, 5, 18, 10, 0).unwrap(),
            }],
            vec![
                OrderEvent::PaymentDeferred {
                    pay_by: Utc.with_ymd_and_hms(2026, 12, 5, 18, 10, 0).unwrap(),
                },
                OrderEvent::OrderCancelled {
                    reason: CancelReason::PaymentTimeout,
                    refund: false,
                },
            ],
        ];
        for events in unpaid {
            assert_eq!(kitchen_copy(&history(&events)), None, "{events:?}");
        }
    }
}
