//! The customer's orders and the live tracking screen of one order.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use super::api::{my_orders, order_status, ORDERS_PER_PAGE};
use super::OrderView;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::ordering::api::{CancelOrder, ConfirmReceipt};
use crate::ordering::machine::{open_steps, Party, Standing, Verb};
use crate::ordering::{OrderId, OrderStatus};
use crate::payment::api::PayNow;
use crate::platform::clock::{ticking_now, time_of_day};
use crate::platform::live::{follow, Topic};
use crate::platform::pages::{
    action_feedback, use_page_cursor, ErrorNote, PageLinkWords, PageLinks,
};
use crate::platform::session::{signed_in_user, RequireRole};
use crate::platform::{AppError, Role};

/// `/orders`: the customer's orders, newest first, each moving live.
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, orders.title)}</h1>
        <RequireRole role=Role::Customer>
            <OrderList />
        </RequireRole>
    }
}

#[component]
fn OrderList() -> impl IntoView {
    let changes = signed_in_user().map(|me| follow(Topic::Account(me.account_id)));
    let before = use_page_cursor();
    let orders = Resource::new(
        move || (changes.map(|c| c.get()), before.get()),
        |(_, before)| my_orders(before.map(OrderId)),
    );
    let words = PageLinkWords {
        pages: |l| td_string!(l, orders.pages),
        older: |l| td_string!(l, orders.older),
        newest: |l| td_string!(l, orders.newest),
    };
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, orders.loading)}</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p>
                                {t!(i18n, orders.none)}
                                <A href="/">{t!(i18n, common.find_store)}</A>
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        let older_than = (list.len() == ORDERS_PER_PAGE)
                            .then(|| list.last().map(|o| o.order_id.0))
                            .flatten();
                        let paged = before.get_untracked().is_some();
                        view! {
                            <ul class="cards" aria-label=move || t_string!(i18n, orders.list)>
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
                                                        order.order_id.number(),
                                                        time_of_day(order.placed_at),
                                                        order.total,
                                                    )}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <PageLinks path="/orders" older_than paged words />
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
    let i18n = use_i18n();
    view! {
        <span class=format!("badge {tone}") data-testid="order-status">
            {move || status.label_in_language(i18n.get_locale())}
        </span>
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
        return view! { <ErrorNote error=AppError::NotFound(crate::platform::error::Missing::Order) /> }
            .into_any();
    };
    let changes = follow(Topic::Order(order_id));
    let cancel = ServerAction::<CancelOrder>::new();
    let confirm = ServerAction::<ConfirmReceipt>::new();
    let pay = ServerAction::<PayNow>::new();
    // Outlives each re-render of the order, so a change that arrives while the customer writes a
    // reason neither loses the text nor hides the form without a word.
    let draft = CancelDraft {
        asking: RwSignal::new(false),
        reason: RwSignal::new(String::new()),
    };
    let view = Resource::new(
        move || {
            (
                changes.get(),
                cancel.version().get(),
                confirm.version().get(),
                pay.version().get(),
            )
        },
        move |_| order_status(order_id),
    );
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, track.loading)}</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(order) => view! { <Tracking order cancel confirm pay draft /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
        {action_feedback(cancel.pending(), cancel.value(), |l| td_string!(l, track.cancelled_done))}
        {action_feedback(confirm.pending(), confirm.value(), |l| td_string!(l, track.thanks))}
        {action_feedback(pay.pending(), pay.value(), |l| td_string!(l, track.paid_now))}
    }
    .into_any()
}

/// The steps of an order that goes well: the event that marks each and the status it leads to.
const STEPS: [(&str, OrderStatus); 9] = [
    ("OrderPlaced", OrderStatus::Placed),
    ("Paid", OrderStatus::Paid),
    ("OrderAccepted", OrderStatus::Accepted),
    ("CookStarted", OrderStatus::Cooking),
    ("CookFinished", OrderStatus::Cooked),
    ("RiderAssigned", OrderStatus::RiderAssigned),
    ("Picked", OrderStatus::PickedUp),
    ("Delivered", OrderStatus::Delivered),
    ("OrderCompleted", OrderStatus::Completed),
];

#[component]
fn Tracking(
    order: OrderView,
    cancel: ServerAction<CancelOrder>,
    confirm: ServerAction<ConfirmReceipt>,
    pay: ServerAction<PayNow>,
    draft: CancelDraft,
) -> impl IntoView {
    let now = ticking_now();
    let i18n = use_i18n();
    let standing = Standing {
        status: order.status,
        accept_by: order.accept_by,
        pay_by: None,
    };
    let ticking = now.clone();
    // The buttons the server would accept from the customer.
    let may =
        move |step: Verb| open_steps(Party::Customer, standing, ticking.get()).contains(&step);
    let may_cancel = move || may(Verb::Cancel);
    // Said while the food is on its way to the customer; a refused, expired or cancelled order
    // says so itself, and a delivered one needs no word about cancelling.
    let too_late_to_cancel = matches!(
        order.status,
        OrderStatus::Cooking
            | OrderStatus::Cooked
            | OrderStatus::RiderAssigned
            | OrderStatus::PickedUp
    );
    let may_confirm =
        open_steps(Party::Customer, standing, now.get_untracked()).contains(&Verb::ConfirmDelivery);
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
        .map(|(index, (event, status))| {
            let at = reached(event);
            let status = *status;
            let detail = match *event {
                "OrderAccepted" => order.ready_by.filter(|_| at.is_some()).map(|ready| {
                    let time = time_of_day(ready);
                    move || t_string!(i18n, track.ready_by, time = time.clone())
                }),
                _ => None,
            };
            view! {
                <li
                    class="step"
                    class:done=at.is_some()
                    class:current=index == current && !order.status.is_closed()
                    aria-current=(index == current).then_some("step")
                >
                    <span class="step-label">{move || status.label_in_language(i18n.get_locale())}</span>
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
            let status = order.status;
            let what = move || match status {
                OrderStatus::Rejected => t_string!(i18n, track.rejected),
                OrderStatus::Expired => t_string!(i18n, track.expired),
                OrderStatus::Cancelled => t_string!(i18n, track.cancelled),
                _ => t_string!(i18n, track.failed),
            };
            Some(view! {
                <section class="card notice" role="status">
                    <p>
                        <strong>{what}</strong>
                    </p>
                    {order
                        .reason
                        .clone()
                        .map(|reason| {
                            view! { <p>{move || t_string!(i18n, track.reason, reason = reason.clone())}</p> }
                        })}
                    {order
                        .refunded
                        .map(|amount| view! { <p>{move || t_string!(i18n, track.refunded, amount)}</p> })}
                </section>
            })
        }
        _ => None,
    };
    let order_id = order.order_id;
    let eta = order.eta.filter(|_| !order.status.is_closed()).map(
        |eta| view! { <p class="eta">{t!(i18n, track.arrives)} <strong>{time_of_day(eta)}</strong></p> },
    );
    view! {
        <section class="card">
            <div class="row spread">
                <h1>{order.store_name.clone()}</h1>
                <StatusBadge status=order.status />
            </div>
            <p class="muted">
                {
                    let number = order.order_id.number();
                    let address = order.delivery_address.clone();
                    move || t_string!(i18n, track.order_line, number = number.clone(), address = address.clone())
                }
            </p>
            {eta}
        </section>
        {(order.status == OrderStatus::PaymentDeferred)
            .then(|| {
                view! {
                    <section class="card notice" role="status" data-testid="pay-later">
                        <p>{t!(i18n, track.pay_later)}</p>
                        <ActionForm action=pay>
                            <input type="hidden" name="order_id" value=order.order_id.0.to_string() />
                            <button type="submit" class="primary" disabled=pay.pending()>
                                {t!(i18n, track.pay_now)}
                            </button>
                        </ActionForm>
                    </section>
                }
            })}
        {ending}
        <section class="card">
            <h2>{t!(i18n, track.progress)}</h2>
            <ol class="timeline" aria-label=move || t_string!(i18n, track.progress)>
                {steps}
            </ol>
        </section>
        <section class="card">
            <h2>{t!(i18n, track.what_ordered)}</h2>
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
                <dt>{t!(i18n, common.delivery_fee)}</dt>
                <dd>{order.delivery_fee.to_string()}</dd>
                <dt>{t!(i18n, common.total)}</dt>
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
                            {t!(i18n, track.got_food)}
                        </button>
                    </ActionForm>
                }
            })}
        {move || {
            if may_cancel() {
                Some(view! { <CancelForm order_id cancel draft /> }.into_any())
            } else if draft.asking.get() && too_late_to_cancel {
                Some(
                    view! {
                        <p class="error" role="alert">
                            {t!(i18n, track.too_late_to_cancel)}
                        </p>
                    }
                        .into_any(),
                )
            } else {
                None
            }
        }}
    }
}

/// A cancellation the customer has started: whether the form is open, and the reason so far.
#[derive(Clone, Copy)]
struct CancelDraft {
    asking: RwSignal<bool>,
    reason: RwSignal<String>,
}

/// The cancel button, which asks for a reason before it sends anything.
#[component]
fn CancelForm(
    order_id: OrderId,
    cancel: ServerAction<CancelOrder>,
    draft: CancelDraft,
) -> impl IntoView {
    let CancelDraft { asking, reason } = draft;
    let i18n = use_i18n();
    view! {
        <section class="card">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button type="button" class="danger" on:click=move |_| asking.set(true)>
                            {t!(i18n, track.cancel_order)}
                        </button>
                    }
                }
            >
                <ActionForm action=cancel attr:class="stack">
                    <input type="hidden" name="order_id" value=order_id.0.to_string() />
                    <label>
                        {t!(i18n, track.why_cancel)}
                        <textarea
                            name="reason"
                            required
                            maxlength="200"
                            rows="2"
                            bind:value=reason
                        ></textarea>
                    </label>
                    <div class="row">
                        <button type="submit" class="danger" disabled=cancel.pending()>
                            {t!(i18n, track.cancel_confirm)}
                        </button>
                        <button type="button" on:click=move |_| asking.set(false)>
                            {t!(i18n, track.keep)}
                        </button>
                    </div>
                </ActionForm>
            </Show>
        </section>
    }
}
