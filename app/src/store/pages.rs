//! The store owner's dashboard: the open switch, and the kitchen board that fills itself live.

use leptos::prelude::*;

use super::api::{
    kitchen_orders, my_stores, AcceptOrder, FinishCook, RejectOrder, SetStoreOpen, StartCook,
};
use super::{KitchenOrder, OwnedStore};
use crate::notification::order_number;
use crate::platform::clock::{countdown, ticking_now, time_of_day};
use crate::platform::live::{follow, Topic};
use crate::platform::{pages::ErrorNote, session::RequireRole, Role};

/// `/store`.
#[component]
pub fn OwnerHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Owner>
            <Dashboard />
        </RequireRole>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let switch = ServerAction::<SetStoreOpen>::new();
    let stores = Resource::new(move || switch.version().get(), |_| my_stores());
    view! {
        <h1>"Kitchen"</h1>
        {move || {
            switch.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading your stores…"</p> }>
            {move || Suspend::new(async move {
                match stores.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p>"You have no stores yet."</p> }.into_any()
                    }
                    Ok(list) => {
                        let ids: Vec<_> = list.iter().map(|s| s.store_id).collect();
                        view! {
                            <ul class="cards store-switches">
                                {list
                                    .into_iter()
                                    .map(|store| view! { <OwnedStoreCard store switch /> })
                                    .collect_view()}
                            </ul>
                            <KitchenBoard store_ids=ids />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OwnedStoreCard(store: OwnedStore, switch: ServerAction<SetStoreOpen>) -> impl IntoView {
    let accepting = store.accepting_orders;
    let state_label = match (accepting, store.open_now) {
        (true, true) => "Open now",
        (true, false) => "Outside opening hours",
        (false, _) => "Closed by you",
    };
    view! {
        <li class="card store-card" class:closed=!store.open_now>
            <div class="row spread">
                <h2>{store.name.clone()}</h2>
                <span class="badge" class:ok=store.open_now>
                    {state_label}
                </span>
            </div>
            <p class="muted">
                {store.category.clone()} " · " {store.hours_today.clone()} " · "
                {format!("{} items, {} sold out", store.menu_items, store.sold_out_items)}
            </p>
            <ActionForm action=switch>
                <input type="hidden" name="store_id" value=store.store_id.0.to_string() />
                <input type="hidden" name="open" value=(!accepting).to_string() />
                <button type="submit" class:primary=!accepting disabled=switch.pending()>
                    {if accepting { "Stop taking orders" } else { "Start taking orders" }}
                </button>
            </ActionForm>
        </li>
    }
}

/// The board's columns: a title and the kitchen statuses it shows.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("New", &["NEW"]),
    ("Accepted", &["ACCEPTED"]),
    ("Cooking", &["COOKING"]),
    ("Ready", &["READY", "RIDER_ASSIGNED"]),
    ("Out", &["PICKED_UP"]),
];

/// The owner's commands, shared by every card so the board shows one answer at a time.
#[derive(Clone, Copy)]
struct KitchenActions {
    accept: ServerAction<AcceptOrder>,
    reject: ServerAction<RejectOrder>,
    start: ServerAction<StartCook>,
    finish: ServerAction<FinishCook>,
}

#[component]
fn KitchenBoard(store_ids: Vec<super::StoreId>) -> impl IntoView {
    let changes: Vec<Signal<u64>> = store_ids
        .into_iter()
        .map(|id| follow(Topic::Store(id)))
        .collect();
    let actions = KitchenActions {
        accept: ServerAction::new(),
        reject: ServerAction::new(),
        start: ServerAction::new(),
        finish: ServerAction::new(),
    };
    let orders = Resource::new(
        move || {
            let live: u64 = changes.iter().map(|c| c.get()).sum();
            let acted = actions.accept.version().get()
                + actions.reject.version().get()
                + actions.start.version().get()
                + actions.finish.version().get();
            (live, acted)
        },
        |_| kitchen_orders(),
    );
    let has_new = Signal::derive(move || {
        orders
            .get()
            .and_then(Result::ok)
            .is_some_and(|list| list.iter().any(|o| o.status == "NEW"))
    });
    let failure = move || {
        let errors = [
            actions.accept.value().get().and_then(Result::err),
            actions.reject.value().get().and_then(Result::err),
            actions.start.value().get().and_then(Result::err),
            actions.finish.value().get().and_then(Result::err),
        ];
        errors
            .into_iter()
            .flatten()
            .next()
            .map(|error| view! { <ErrorNote error /> })
    };
    let busy = move || {
        actions.accept.pending().get()
            || actions.reject.pending().get()
            || actions.start.pending().get()
            || actions.finish.pending().get()
    };
    view! {
        <OrderAlarm has_new />
        {failure}
        {move || busy().then(|| view! { <p class="progress" role="status">"Sending…"</p> })}
        <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) => view! { <Columns list actions /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Columns(list: Vec<KitchenOrder>, actions: KitchenActions) -> impl IntoView {
    let list = StoredValue::new(list);
    view! {
        <div class="board">
            {COLUMNS
                .iter()
                .map(|(title, statuses)| {
                    let orders: Vec<KitchenOrder> = list
                        .with_value(|all| {
                            all.iter()
                                .filter(|o| statuses.contains(&o.status.as_str()))
                                .cloned()
                                .collect()
                        });
                    let count = orders.len();
                    view! {
                        <section class="column" aria-label=*title data-column=*title>
                            <h2>{*title} " " <span class="count">{count}</span></h2>
                            <ul>
                                {orders
                                    .into_iter()
                                    .map(|order| view! { <KitchenCard order actions /> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn KitchenCard(order: KitchenOrder, actions: KitchenActions) -> impl IntoView {
    let now = ticking_now();
    let id = order.order_id.0.to_string();
    let reject_id = id.clone();
    let deadline = order.accept_by;
    let buttons = match order.status.as_str() {
        "NEW" => view! {
            <p class="countdown" role="timer">
                "Accept within "
                {move || deadline.map(|d| countdown(now.get(), d)).unwrap_or_default()}
            </p>
            <ActionForm action=actions.accept attr:class="row">
                <input type="hidden" name="order_id" value=id.clone() />
                <label class="inline">
                    "Ready in"
                    <input
                        type="number"
                        name="prep_minutes"
                        value="20"
                        min="5"
                        max="120"
                        required
                        class="minutes"
                    />
                    "min"
                </label>
                <button type="submit" class="primary">
                    "Accept"
                </button>
            </ActionForm>
            <details>
                <summary>"Reject"</summary>
                <ActionForm action=actions.reject attr:class="stack">
                    <input type="hidden" name="order_id" value=reject_id />
                    <label>
                        "Reason for the customer"
                        <input name="reason" required maxlength="200" placeholder="Out of rice cakes" />
                    </label>
                    <button type="submit" class="danger">
                        "Reject order"
                    </button>
                </ActionForm>
            </details>
        }
        .into_any(),
        "ACCEPTED" => view! {
            <ActionForm action=actions.start>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary">
                    "Start cooking"
                </button>
            </ActionForm>
        }
        .into_any(),
        "COOKING" => view! {
            <ActionForm action=actions.finish>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary">
                    "Food is ready"
                </button>
            </ActionForm>
        }
        .into_any(),
        "READY" => view! { <p class="muted">"Waiting for a rider"</p> }.into_any(),
        "RIDER_ASSIGNED" => view! { <p class="muted">"A rider is on the way"</p> }.into_any(),
        _ => view! { <p class="muted">"On its way to the customer"</p> }.into_any(),
    };
    view! {
        <li class="card kitchen-card" data-order=order_number(order.order_id)>
            <div class="row spread">
                <strong>{format!("#{}", order_number(order.order_id))}</strong>
                <span class="muted">{time_of_day(order.received_at)}</span>
            </div>
            <ul class="plain">
                {order
                    .lines
                    .iter()
                    .map(|line| {
                        let options = line.options_summary();
                        view! {
                            <li>
                                {format!("{} × {}", line.name, line.quantity)}
                                {(!options.is_empty())
                                    .then(|| view! { <span class="muted">" · " {options}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p>{order.total.to_string()}</p>
            {buttons}
        </li>
    }
}

/// Rings while a new order waits. Browsers allow sound only after a click on the page, so the
/// owner turns it on once, visibly.
#[component]
fn OrderAlarm(has_new: Signal<bool>) -> impl IntoView {
    let sound_on = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let bell = StoredValue::new_local(None::<web_sys::AudioContext>);
    let turn_on = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Ok(context) = web_sys::AudioContext::new() {
                let _ = context.resume();
                ring(&context);
                bell.set_value(Some(context));
                sound_on.set(true);
            }
        }
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |previous: Option<Option<IntervalHandle>>| {
        if let Some(Some(handle)) = previous {
            handle.clear();
        }
        if !(sound_on.get() && has_new.get()) {
            return None;
        }
        bell.with_value(|b| b.as_ref().map(ring));
        set_interval_with_handle(
            move || {
                bell.with_value(|b| b.as_ref().map(ring));
            },
            std::time::Duration::from_millis(2500),
        )
        .ok()
    });
    view! {
        <div class="alarm" class:ringing=move || has_new.get() role="status">
            <span>
                {move || match (has_new.get(), sound_on.get()) {
                    (true, true) => "New order! Ringing until you accept or reject it.",
                    (true, false) => "New order waiting. Turn the sound on to hear the next ones.",
                    (false, true) => "Sound is on: new orders ring.",
                    (false, false) => "Sound is off.",
                }}
            </span>
            <Show when=move || !sound_on.get()>
                <button type="button" on:click=turn_on>
                    "Turn on order sound"
                </button>
            </Show>
        </div>
    }
}

/// Two short beeps.
#[cfg(feature = "hydrate")]
fn ring(context: &web_sys::AudioContext) {
    let start = context.current_time();
    for offset in [0.0, 0.35] {
        let (Ok(tone), Ok(volume)) = (context.create_oscillator(), context.create_gain()) else {
            return;
        };
        tone.frequency().set_value(880.0);
        volume.gain().set_value(0.2);
        let wired = tone
            .connect_with_audio_node(&volume)
            .and_then(|_| volume.connect_with_audio_node(&context.destination()));
        if wired.is_ok() {
            let _ = tone.start_with_when(start + offset);
            let _ = tone.stop_with_when(start + offset + 0.2);
        }
    }
}
