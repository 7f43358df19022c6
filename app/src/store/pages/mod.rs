//! The store owner's dashboard: the open switch, and the kitchen board that fills itself live.

mod setup;

pub use setup::StoreSetupPage;

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{
    kitchen_orders, my_stores, AcceptOrder, FinishCook, RejectOrder, SetStoreOpen, StartCook,
};
use super::{done_for_the_kitchen, KitchenOrder, OwnedStore};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::ordering::machine::{open_steps, Party, PrepMinutes, Reason, Standing, Verb};
use crate::ordering::OrderStatus;
use crate::platform::clock::{countdown, ticking_now, time_of_day};
use crate::platform::live::{follow, Topic};
use crate::platform::{pages::ErrorNote, session::RequireRole, AppError, Role};

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
    let actions = KitchenActions {
        accept: ServerAction::new(),
        reject: ServerAction::new(),
        start: ServerAction::new(),
        finish: ServerAction::new(),
    };
    // Bumped by the board whenever one of its stores changes live. The orders are loaded here,
    // beside the stores and not inside the board, so that both resources exist before any
    // Suspense waits (see "What a page may read before hydration" in the README).
    let kitchen_changed = RwSignal::new(0u64);
    let orders = Resource::new(
        move || {
            let acted = actions.accept.version().get()
                + actions.reject.version().get()
                + actions.start.version().get()
                + actions.finish.version().get();
            (kitchen_changed.get(), acted)
        },
        |_| kitchen_orders(),
    );
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, kitchen.title)}</h1>
        {move || {
            switch.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
        }}
        <Transition fallback=move || {
            view! { <p class="muted">{t!(i18n, kitchen.loading_stores)}</p> }
        }>
            {move || Suspend::new(async move {
                match stores.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p>{t!(i18n, kitchen.no_stores)}</p>
                            <p>
                                <A href="/partner/apply">{t!(i18n, kitchen.apply_for_store)}</A>
                            </p>
                        }
                            .into_any()
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
                            <KitchenBoard store_ids=ids actions orders kitchen_changed />
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
    let open_now = store.open_now;
    let i18n = use_i18n();
    let (live, suspended) = (store.live, store.suspended);
    let state_label = move || match (live, suspended, accepting, open_now) {
        (false, _, _, _) => t_string!(i18n, kitchen.not_live),
        (_, true, _, _) => t_string!(i18n, kitchen.suspended),
        (_, _, true, true) => t_string!(i18n, kitchen.open_now),
        (_, _, true, false) => t_string!(i18n, kitchen.outside_hours),
        (_, _, false, _) => t_string!(i18n, kitchen.closed_by_you),
    };
    let (items, sold_out) = (store.menu_items, store.sold_out_items);
    view! {
        <li class="card store-card" class:closed=!store.open_now>
            <div class="row spread">
                <h2>{store.name.clone()}</h2>
                <span class="badge" class:ok=store.open_now>
                    {state_label}
                </span>
            </div>
            <p class="muted">
                {store.category.clone()} " · " {move || store.hours_today.in_language(i18n.get_locale())} " · "
                {move || t_string!(i18n, kitchen.menu_counts, items, sold_out)}
            </p>
            <A href=format!("/store/{}/setup", store.store_id.0) attr:class="button">
                {move || match live {
                    true => t_string!(i18n, kitchen.manage),
                    false => t_string!(i18n, kitchen.set_up_to_go_live),
                }}
            </A>
            // The switch waits until the store is live: the setup page takes it live.
            <ActionForm action=switch attr:hidden=!live>
                <input type="hidden" name="store_id" value=store.store_id.0.to_string() />
                <input type="hidden" name="open" value=(!accepting).to_string() />
                <button type="submit" class:primary=!accepting disabled=switch.pending()>
                    {move || {
                        if accepting {
                            t_string!(i18n, kitchen.stop)
                        } else {
                            t_string!(i18n, kitchen.start)
                        }
                    }}
                </button>
            </ActionForm>
        </li>
    }
}

/// The board's columns: a stable name (for tests and styles) and the kitchen statuses it shows.
const COLUMNS: [(&str, &[OrderStatus]); 5] = [
    ("New", &[OrderStatus::Paid]),
    ("Accepted", &[OrderStatus::Accepted]),
    ("Cooking", &[OrderStatus::Cooking]),
    ("Ready", &[OrderStatus::Cooked, OrderStatus::RiderAssigned]),
    ("Out", &[OrderStatus::PickedUp]),
];

fn column_title(locale: Locale, column: &str) -> &'static str {
    match column {
        "New" => td_string!(locale, kitchen.col_new),
        "Accepted" => td_string!(locale, kitchen.col_accepted),
        "Cooking" => td_string!(locale, kitchen.col_cooking),
        "Ready" => td_string!(locale, kitchen.col_ready),
        _ => td_string!(locale, kitchen.col_out),
    }
}

/// The owner's commands, shared by every card so the board shows one answer at a time.
#[derive(Clone, Copy)]
struct KitchenActions {
    accept: ServerAction<AcceptOrder>,
    reject: ServerAction<RejectOrder>,
    start: ServerAction<StartCook>,
    finish: ServerAction<FinishCook>,
}

#[component]
fn KitchenBoard(
    store_ids: Vec<super::StoreId>,
    actions: KitchenActions,
    orders: Resource<Result<Vec<KitchenOrder>, AppError>>,
    kitchen_changed: RwSignal<u64>,
) -> impl IntoView {
    let changes: Vec<Signal<u64>> = store_ids
        .into_iter()
        .map(|id| follow(Topic::Store(id)))
        .collect();
    Effect::watch(
        move || changes.iter().map(|c| c.get()).sum::<u64>(),
        move |_, _, _| kitchen_changed.update(|n| *n += 1),
        false,
    );
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
    let i18n = use_i18n();
    view! {
        <OrderAlarm orders />
        {failure}
        {move || {
            busy().then(|| view! { <p class="progress" role="status">{t!(i18n, common.sending)}</p> })
        }}
        <Transition fallback=move || {
            view! { <p class="muted">{t!(i18n, kitchen.loading_orders)}</p> }
        }>
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
    let i18n = use_i18n();
    view! {
        <div class="board">
            {COLUMNS
                .iter()
                .map(|(title, statuses)| {
                    let orders: Vec<KitchenOrder> = list
                        .with_value(|all| {
                            all.iter()
                                .filter(|o| statuses.contains(&o.status))
                                .cloned()
                                .collect()
                        });
                    let count = orders.len();
                    view! {
                        <section
                            class="column"
                            aria-label=move || column_title(i18n.get_locale(), title)
                            data-column=*title
                        >
                            <h2>
                                {move || column_title(i18n.get_locale(), title)} " "
                                <span class="count">{count}</span>
                            </h2>
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
        <DoneToday list=list.get_value() />
    }
}

/// The orders finished this working day, out of the board's way: each with how it ended and,
/// when someone said, why.
#[component]
fn DoneToday(list: Vec<KitchenOrder>) -> impl IntoView {
    let i18n = use_i18n();
    let mut done: Vec<KitchenOrder> = list
        .into_iter()
        .filter(|order| done_for_the_kitchen(order.status))
        .collect();
    done.sort_by_key(|order| std::cmp::Reverse(order.status_since));
    let count = done.len();
    view! {
        <section
            class="card done-today"
            aria-label=move || t_string!(i18n, kitchen.done_today)
            data-column="Done"
        >
            <h2>{t!(i18n, kitchen.done_today)} " " <span class="count">{count}</span></h2>
            {done.is_empty().then(|| view! { <p class="muted">{t!(i18n, kitchen.done_none)}</p> })}
            <ul class="plain">
                {done
                    .into_iter()
                    .map(|order| {
                        let status = order.status;
                        view! {
                            <li
                                class="done-order row spread"
                                data-order=order.order_id.number()
                                data-outcome=status.as_str()
                            >
                                <span>
                                    <strong>{format!("#{}", order.order_id.number())}</strong>
                                    " · "
                                    <span class="muted">{time_of_day(order.status_since)}</span>
                                </span>
                                <span class="outcome">
                                    {move || status.label_in_language(i18n.get_locale())}
                                    {order.outcome_reason.map(|why| format!(": {why}"))}
                                </span>
                                <span>{order.total.to_string()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn KitchenCard(order: KitchenOrder, actions: KitchenActions) -> impl IntoView {
    let now = ticking_now();
    let i18n = use_i18n();
    let id = order.order_id.0.to_string();
    let deadline = order.accept_by;
    let standing = Standing {
        status: order.status,
        accept_by: order.accept_by,
        pay_by: None,
    };
    let clock = now.clone();
    // The buttons the server would accept; shared, not owned, for the same reason as the clock.
    let steps = ArcMemo::new(move |_| open_steps(Party::StoreOwner, standing, clock.get()));
    let status = order.status;
    let buttons = move || {
        let steps = steps.get();
        if steps.is_empty() {
            return match status {
                OrderStatus::Cooked => {
                    view! { <p class="muted">{t!(i18n, kitchen.waiting_rider)}</p> }.into_any()
                }
                OrderStatus::RiderAssigned => {
                    view! { <p class="muted">{t!(i18n, kitchen.rider_coming)}</p> }.into_any()
                }
                OrderStatus::PickedUp => {
                    view! { <p class="muted">{t!(i18n, kitchen.on_its_way)}</p> }.into_any()
                }
                other => view! {
                    <p class="muted">{move || other.label_in_language(i18n.get_locale())}</p>
                }
                .into_any(),
            };
        }
        let too_late_to_accept = status == OrderStatus::Paid && !steps.contains(&Verb::Accept);
        let deadline_note = too_late_to_accept.then(|| {
            view! { <p class="countdown" role="timer">{t!(i18n, kitchen.accept_too_late)}</p> }
        });
        let forms = steps
            .into_iter()
            .map(|step| kitchen_step(step, &id, deadline, now.clone(), actions))
            .collect_view();
        view! {
            {deadline_note}
            {forms}
        }
        .into_any()
    };
    view! {
        <li class="card kitchen-card" data-order=order.order_id.number()>
            <div class="row spread">
                <strong>{format!("#{}", order.order_id.number())}</strong>
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
            <p class="muted" data-testid="kitchen-address">{order.delivery_address.clone()}</p>
            {(!order.rider_note.is_empty())
                .then(|| {
                    view! { <p class="note" data-testid="kitchen-note">{order.rider_note.clone()}</p> }
                })}
            {buttons}
        </li>
    }
}

/// The form for one step the owner may take on an order; `deadline` is when accepting closes.
fn kitchen_step(
    step: Verb,
    order_id: &str,
    deadline: Option<chrono::DateTime<chrono::Utc>>,
    now: ArcReadSignal<chrono::DateTime<chrono::Utc>>,
    actions: KitchenActions,
) -> AnyView {
    let i18n = use_i18n();
    let order_id = order_id.to_owned();
    match step {
        Verb::Accept => view! {
            <p class="countdown" role="timer">
                {move || {
                    let left = deadline.map(|d| countdown(now.get(), d)).unwrap_or_default();
                    t_string!(i18n, kitchen.accept_within, left)
                }}
            </p>
            <ActionForm action=actions.accept attr:class="row">
                <input type="hidden" name="order_id" value=order_id />
                <label class="inline">
                    {t!(i18n, kitchen.ready_in)}
                    <input
                        type="number"
                        name="prep_minutes"
                        value="20"
                        min=PrepMinutes::MIN
                        max=PrepMinutes::MAX
                        required
                        class="minutes"
                    />
                    {t!(i18n, kitchen.minutes)}
                </label>
                <button type="submit" class="primary">
                    {t!(i18n, kitchen.accept)}
                </button>
            </ActionForm>
        }
        .into_any(),
        Verb::Reject => view! {
            <details>
                <summary>{t!(i18n, kitchen.reject)}</summary>
                <ActionForm action=actions.reject attr:class="stack">
                    <input type="hidden" name="order_id" value=order_id />
                    <label>
                        {t!(i18n, kitchen.reject_reason)}
                        <input
                            name="reason"
                            required
                            maxlength=Reason::MAX_CHARS
                            placeholder=move || t_string!(i18n, kitchen.reject_placeholder)
                        />
                    </label>
                    <button type="submit" class="danger">
                        {t!(i18n, kitchen.reject_order)}
                    </button>
                </ActionForm>
            </details>
        }
        .into_any(),
        Verb::StartCooking => view! {
            <ActionForm action=actions.start>
                <input type="hidden" name="order_id" value=order_id />
                <button type="submit" class="primary">
                    {t!(i18n, kitchen.start_cooking)}
                </button>
            </ActionForm>
        }
        .into_any(),
        Verb::FinishCooking => view! {
            <ActionForm action=actions.finish>
                <input type="hidden" name="order_id" value=order_id />
                <button type="submit" class="primary">
                    {t!(i18n, kitchen.food_ready)}
                </button>
            </ActionForm>
        }
        .into_any(),
        // `open_steps` offers an owner only the four steps above.
        _ => ().into_any(),
    }
}

/// Rings while a new order waits. Browsers allow sound only after a click on the page, so the
/// owner turns it on once, visibly.
#[component]
fn OrderAlarm(orders: Resource<Result<Vec<KitchenOrder>, AppError>>) -> impl IntoView {
    fn any_new(list: &[KitchenOrder]) -> bool {
        list.iter().any(|order| order.status == OrderStatus::Paid)
    }
    let sound_on = RwSignal::new(false);
    let i18n = use_i18n();
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
        let has_new = orders
            .get()
            .and_then(Result::ok)
            .is_some_and(|list| any_new(&list));
        if !(sound_on.get() && has_new) {
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
    // Whether an order waits is read inside the Transition, so the server renders it with the
    // orders it loaded and the browser's first frame agrees.
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let has_new = orders.await.is_ok_and(|list| any_new(&list));
                view! {
                    <div class="alarm" class:ringing=has_new role="status">
                        <span>
                            {move || match (has_new, sound_on.get()) {
                                (true, true) => t_string!(i18n, kitchen.alarm_ringing),
                                (true, false) => t_string!(i18n, kitchen.alarm_waiting),
                                (false, true) => t_string!(i18n, kitchen.alarm_on),
                                (false, false) => t_string!(i18n, kitchen.alarm_off),
                            }}
                        </span>
                        <Show when=move || !sound_on.get()>
                            <button type="button" on:click=turn_on>
                                {t!(i18n, kitchen.sound_on)}
                            </button>
                        </Show>
                    </div>
                }
            })}
        </Transition>
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
