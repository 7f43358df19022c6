//! The customer's orders and the live tracking screen of one order.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use super::api::{my_orders, order_status};
use super::OrderView;
use crate::notification::order_number;
use crate::ordering::api::{CancelOrder, ConfirmReceipt};
use crate::ordering::machine::{decide, Actor, Command, Order, Reason};
use crate::ordering::{OrderId, OrderStatus};
use crate::platform::clock::{ticking_now, time_of_day};
use crate::platform::live::{follow, Topic};
use crate::platform::pages::{action_feedback, ErrorNote};
use crate::platform::session::{signed_in_user, RequireRole};
use crate::platform::{AppError, Role};

/// `/orders`: the customer's orders, newest first, each moving live.
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    view! {
        <h1>"My orders"</h1>
        <RequireRole role=Role::Customer>
            <OrderList />
        </RequireRole>
    }
}

#[component]
fn OrderList() -> impl IntoView {
    let changes = signed_in_user().map(|me| follow(Topic::Account(me.account_id)));
    let orders = Resource::new(move || changes.map(|c| c.get()), |_| my_orders());
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading your orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p>
                                "You have not ordered yet. " <A href="/">"Find a store"</A>
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="cards" aria-label="Orders">
                                {list
                                    .into_iter()
                                    .map(|order| {
                                        view! {
                                            <li class="card order-card">
                                                <div class="row spread">
                                                    <A href=format!(
                                                        "/orders/{}",
                                                        order.order_id.0,
                                                    )>{order.store_name.clone()}</A>
                                                    <StatusBadge status=order.status />
                                                </div>
                                                <p class="muted">
                                                    {format!(
                                                        "#{} · {} · {}",
                                                        order_number(order.order_id),
                                                        time_of_day(order.placed_at),
                                                        order.total,
                                                    )}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A status as a short coloured label.
#[component]
pub fn StatusBadge(status: OrderStatus) -> impl IntoView {
    let tone = match status {
        OrderStatus::Completed | OrderStatus::Delivered => "ok",
        OrderStatus::Rejected
        | OrderStatus::Expired
        | OrderStatus::Cancelled
        | OrderStatus::DeliveryFailed => "bad",
        _ => "busy",
    };
    view! {
        <span class=format!("badge {tone}") data-testid="order-status">
            {status_label(status)}
        </span>
    }
}

/// How the customer reads a status.
pub fn status_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Placed => "Placed",
        OrderStatus::PaymentDeferred => "Payment delayed",
        OrderStatus::Paid => "Paid",
        OrderStatus::Accepted => "Accepted",
        OrderStatus::Cooking => "Cooking",
        OrderStatus::Cooked => "Cooked",
        OrderStatus::RiderAssigned => "Rider assigned",
        OrderStatus::PickedUp => "Picked up",
        OrderStatus::Delivered => "Delivered",
        OrderStatus::DeliveryFailed => "Delivery failed",
        OrderStatus::Completed => "Completed",
        OrderStatus::Rejected => "Rejected",
        OrderStatus::Expired => "Expired",
        OrderStatus::Cancelled => "Cancelled",
    }
}

/// `/orders/:id`: one order, moving live.
#[component]
pub fn TrackOrderPage() -> impl IntoView {
    view! {
        <RequireRole role=Role::Customer>
            <TrackOrder />
        </RequireRole>
    }
}

#[component]
fn TrackOrder() -> impl IntoView {
    let params = use_params_map();
    let order_id = params
        .read_untracked()
        .get("id")
        .and_then(|id| Uuid::parse_str(&id).ok())
        .map(OrderId);
    let Some(order_id) = order_id else {
        return view! { <ErrorNote error=AppError::NotFound("That order does not exist.".into()) /> }
            .into_any();
    };
    let changes = follow(Topic::Order(order_id));
    let cancel = ServerAction::<CancelOrder>::new();
    let confirm = ServerAction::<ConfirmReceipt>::new();
    let view = Resource::new(
        move || {
            (
                changes.get(),
                cancel.version().get(),
                confirm.version().get(),
            )
        },
        move |_| order_status(order_id),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading your order…"</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(order) => view! { <Tracking order cancel confirm /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
        {action_feedback(cancel.pending(), cancel.value(), "Your order is cancelled.")}
        {action_feedback(confirm.pending(), confirm.value(), "Thank you! Enjoy your meal.")}
    }
    .into_any()
}

/// The steps of an order that goes well, with the event that marks each.
const STEPS: [(&str, &str); 9] = [
    ("OrderPlaced", "Placed"),
    ("Paid", "Paid"),
    ("OrderAccepted", "Accepted"),
    ("CookStarted", "Cooking"),
    ("CookFinished", "Cooked"),
    ("RiderAssigned", "Rider assigned"),
    ("Picked", "Picked up"),
    ("Delivered", "Delivered"),
    ("OrderCompleted", "Completed"),
];

/// The state machine's view of the order, so the buttons shown are the ones it would allow.
fn as_order(view: &OrderView) -> Order {
    Order {
        order_id: view.order_id,
        customer_id: view.customer_id,
        store_id: view.store_id,
        status: view.status,
        accept_by: view.accept_by,
        pay_by: None,
        ready_by: view.ready_by,
        rider_id: view.rider_id,
    }
}

#[component]
fn Tracking(
    order: OrderView,
    cancel: ServerAction<CancelOrder>,
    confirm: ServerAction<ConfirmReceipt>,
) -> impl IntoView {
    let now = ticking_now();
    let machine_order = as_order(&order);
    let customer = Actor::Customer(order.customer_id);
    let may_cancel = move || {
        let probe = Command::CancelOrder {
            reason: Reason::new("checking").expect("a short reason is valid"),
        };
        decide(&machine_order, &customer, &probe, now.get()).is_ok()
    };
    let may_confirm = decide(
        &as_order(&order),
        &customer,
        &Command::ConfirmDelivery,
        chrono::Utc::now(),
    )
    .is_ok();
    let reached = |event: &str| {
        order
            .timeline
            .iter()
            .find(|step| step.event == event)
            .map(|s| s.at)
    };
    let current = STEPS
        .iter()
        .rposition(|(event, _)| reached(event).is_some())
        .unwrap_or(0);
    let steps = STEPS
        .iter()
        .enumerate()
        .map(|(index, (event, label))| {
            let at = reached(event);
            let detail = match *event {
                "OrderAccepted" => order
                    .ready_by
                    .filter(|_| at.is_some())
                    .map(|ready| format!(" · ready by {}", time_of_day(ready))),
                _ => None,
            };
            view! {
                <li
                    class="step"
                    class:done=at.is_some()
                    class:current=index == current && !order.status.is_closed()
                    aria-current=(index == current).then_some("step")
                >
                    <span class="step-label">{*label}</span>
                    <span class="muted">{at.map(time_of_day)} {detail}</span>
                </li>
            }
        })
        .collect_view();
    let ending = match order.status {
        OrderStatus::Rejected
        | OrderStatus::Expired
        | OrderStatus::Cancelled
        | OrderStatus::DeliveryFailed => {
            let what = match order.status {
                OrderStatus::Rejected => "The store could not take this order.",
                OrderStatus::Expired => "The store did not answer in time.",
                OrderStatus::Cancelled => "This order is cancelled.",
                _ => "The delivery could not be made. Our team will sort it out.",
            };
            Some(view! {
                <section class="card notice" role="status">
                    <p>
                        <strong>{what}</strong>
                    </p>
                    {order.reason.clone().map(|reason| view! { <p>"Reason: " {reason}</p> })}
                    {order
                        .refunded
                        .map(|amount| view! { <p>{format!("{amount} has been refunded.")}</p> })}
                </section>
            })
        }
        _ => None,
    };
    let order_id = order.order_id;
    let eta = order.eta.filter(|_| !order.status.is_closed()).map(
        |eta| view! { <p class="eta">"Arrives around " <strong>{time_of_day(eta)}</strong></p> },
    );
    view! {
        <section class="card">
            <div class="row spread">
                <h1>{order.store_name.clone()}</h1>
                <StatusBadge status=order.status />
            </div>
            <p class="muted">
                {format!("Order #{} · {}", order_number(order.order_id), order.delivery_address)}
            </p>
            {eta}
        </section>
        {ending}
        <section class="card">
            <h2>"Progress"</h2>
            <ol class="timeline" aria-label="Order progress">
                {steps}
            </ol>
        </section>
        <section class="card">
            <h2>"What you ordered"</h2>
            <ul class="cart-lines">
                {order
                    .lines
                    .iter()
                    .map(|line| {
                        view! {
                            <li class="cart-line">
                                <span>{format!("{} × {}", line.name, line.quantity)}</span>
                                <span class="price">{line.line_total.to_string()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <dl class="facts totals">
                <dt>"Delivery"</dt>
                <dd>{order.delivery_fee.to_string()}</dd>
                <dt>"Total"</dt>
                <dd>
                    <strong>{order.total.to_string()}</strong>
                </dd>
            </dl>
        </section>
        {may_confirm
            .then(|| {
                view! {
                    <ActionForm action=confirm>
                        <input type="hidden" name="order_id" value=order_id.0.to_string() />
                        <button type="submit" class="primary big" disabled=confirm.pending()>
                            "I got my food"
                        </button>
                    </ActionForm>
                }
            })}
        {move || may_cancel().then(|| view! { <CancelForm order_id cancel /> })}
    }
}

/// The cancel button, which asks for a reason before it sends anything.
#[component]
fn CancelForm(order_id: OrderId, cancel: ServerAction<CancelOrder>) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <section class="card">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button type="button" class="danger" on:click=move |_| asking.set(true)>
                            "Cancel order"
                        </button>
                    }
                }
            >
                <ActionForm action=cancel attr:class="stack">
                    <input type="hidden" name="order_id" value=order_id.0.to_string() />
                    <label>
                        "Why are you cancelling?"
                        <textarea name="reason" required maxlength="200" rows="2"></textarea>
                    </label>
                    <div class="row">
                        <button type="submit" class="danger" disabled=cancel.pending()>
                            "Cancel the order"
                        </button>
                        <button type="button" on:click=move |_| asking.set(false)>
                            "Keep it"
                        </button>
                    </div>
                </ActionForm>
            </Show>
        </section>
    }
}
