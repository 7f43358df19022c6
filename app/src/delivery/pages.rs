//! The rider's screen: duty, position, deliveries open nearby (live), and the rider's own.

use leptos::prelude::*;

use super::api::{
    my_deliveries, my_duty, open_deliveries, ClaimDelivery, ConfirmDelivery, Deliver, PickUp,
    ReportFailure, SetDuty, SetPosition,
};
use super::{DeliveryStatus, OpenDelivery, RiderDelivery};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::notification::order_number;
use crate::platform::clock::time_of_day;
use crate::platform::live::{follow, Topic};
use crate::platform::pages::{action_feedback, ErrorNote};
use crate::platform::{geo::format_distance, session::RequireRole, Role};

/// `/rider`.
#[component]
pub fn RiderHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Rider>
            <RiderScreen />
        </RequireRole>
    }
}

/// The rider's commands, shared by every card.
#[derive(Clone, Copy)]
struct RiderActions {
    claim: ServerAction<ClaimDelivery>,
    pick_up: ServerAction<PickUp>,
    deliver: ServerAction<Deliver>,
    confirm: ServerAction<ConfirmDelivery>,
    fail: ServerAction<ReportFailure>,
}

impl RiderActions {
    fn version(&self) -> usize {
        self.claim.version().get()
            + self.pick_up.version().get()
            + self.deliver.version().get()
            + self.confirm.version().get()
            + self.fail.version().get()
    }
}

#[component]
fn RiderScreen() -> impl IntoView {
    let set_duty = ServerAction::<SetDuty>::new();
    let set_position = ServerAction::<SetPosition>::new();
    let duty = Resource::new(
        move || (set_duty.version().get(), set_position.version().get()),
        |_| my_duty(),
    );
    let changes = follow(Topic::Deliveries);
    let actions = RiderActions {
        claim: ServerAction::new(),
        pick_up: ServerAction::new(),
        deliver: ServerAction::new(),
        confirm: ServerAction::new(),
        fail: ServerAction::new(),
    };
    let open = Resource::new(
        move || {
            (
                changes.get(),
                set_duty.version().get(),
                set_position.version().get(),
                actions.version(),
            )
        },
        |_| open_deliveries(),
    );
    let mine = Resource::new(
        move || (changes.get(), actions.version()),
        |_| my_deliveries(),
    );
    let i18n = use_i18n();
    let loading = move || view! { <p class="muted">{t!(i18n, common.loading)}</p> };

    view! {
        <h1>{t!(i18n, rider.title)}</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match duty.await {
                    Ok(status) => {
                        let on_duty = status.on_duty;
                        let range = format_distance(f64::from(status.range_m));
                        view! {
                            <section class="card duty" class:on=on_duty>
                                <p class="duty-state" data-testid="duty-state">
                                    {move || {
                                        if on_duty {
                                            t_string!(i18n, rider.on_duty)
                                        } else {
                                            t_string!(i18n, rider.off_duty)
                                        }
                                    }}
                                </p>
                                <p class="muted">
                                    {move || t_string!(i18n, rider.range, range = range.clone())}
                                </p>
                                <ActionForm action=set_duty>
                                    <input type="hidden" name="on_duty" value=(!on_duty).to_string() />
                                    <button
                                        type="submit"
                                        class="big"
                                        class:primary=!on_duty
                                        disabled=set_duty.pending()
                                    >
                                        {move || {
                                            if on_duty {
                                                t_string!(i18n, rider.go_off)
                                            } else {
                                                t_string!(i18n, rider.go_on)
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                            </section>
                            <PositionCard
                                at=status.position.map(|p| (p.lat, p.lng))
                                set_position
                            />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
        {move || {
            set_duty.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
        }}
        {action_feedback(actions.claim.pending(), actions.claim.value(), |l| td_string!(l, rider.claimed))}
        {action_feedback(actions.pick_up.pending(), actions.pick_up.value(), |l| td_string!(l, rider.picked_up))}
        {action_feedback(actions.deliver.pending(), actions.deliver.value(), |l| td_string!(l, rider.delivered))}
        {action_feedback(actions.confirm.pending(), actions.confirm.value(), |l| td_string!(l, rider.confirmed))}
        {action_feedback(actions.fail.pending(), actions.fail.value(), |l| td_string!(l, rider.reported))}
        <section class="card">
            <h2>{t!(i18n, rider.mine)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(list) => view! { <MyDeliveries list actions /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, rider.nearby)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, rider.looking)}</p> }>
                {move || Suspend::new(async move {
                    match open.await {
                        Ok(list) => view! { <OpenList list claim=actions.claim /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Where the rider is: from the phone's location, or typed in when that is not available.
#[component]
fn PositionCard(at: Option<(f64, f64)>, set_position: ServerAction<SetPosition>) -> impl IntoView {
    let located = RwSignal::new(None::<&'static str>);
    let i18n = use_i18n();
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        locate_with_browser(set_position, located, i18n.get_locale_untracked());
    };
    let (lat, lng) = at.unwrap_or((37.5446, 127.0557));
    view! {
        <section class="card">
            <h2>{t!(i18n, rider.my_position)}</h2>
            <p class="muted" data-testid="rider-position">
                {move || match at {
                    Some((lat, lng)) => format!("{lat:.4}, {lng:.4}"),
                    None => t_string!(i18n, rider.position_unknown).to_owned(),
                }}
            </p>
            <button type="button" on:click=locate disabled=set_position.pending()>
                {t!(i18n, rider.use_location)}
            </button>
            {move || located.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
            <details>
                <summary>{t!(i18n, rider.type_it)}</summary>
                <ActionForm action=set_position attr:class="row">
                    <label>
                        {t!(i18n, common.latitude)}
                        <input name="lat" type="number" step="any" value=lat required />
                    </label>
                    <label>
                        {t!(i18n, common.longitude)}
                        <input name="lng" type="number" step="any" value=lng required />
                    </label>
                    <button type="submit">{t!(i18n, rider.set_position)}</button>
                </ActionForm>
            </details>
            {action_feedback(
                set_position.pending(),
                set_position.value(),
                |l| td_string!(l, rider.position_updated),
            )}
        </section>
    }
}

/// Asks the browser for the rider's position and sends it; explains when the browser says no.
#[cfg(feature = "hydrate")]
fn locate_with_browser(
    set_position: ServerAction<SetPosition>,
    problem: RwSignal<Option<&'static str>>,
    locale: Locale,
) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(geolocation) = window().navigator().geolocation() else {
        problem.set(Some(td_string!(locale, rider.no_geolocation)));
        return;
    };
    let found = Closure::once_into_js(move |position: web_sys::Position| {
        let coords = position.coords();
        problem.set(None);
        set_position.dispatch(SetPosition {
            lat: coords.latitude(),
            lng: coords.longitude(),
        });
    });
    let refused = Closure::once_into_js(move |_: wasm_bindgen::JsValue| {
        problem.set(Some(td_string!(locale, rider.location_refused)));
    });
    let asked = geolocation.get_current_position_with_error_callback(
        found.unchecked_ref(),
        Some(refused.unchecked_ref()),
    );
    if asked.is_err() {
        problem.set(Some(td_string!(locale, rider.no_geolocation)));
    }
}

#[component]
fn OpenList(list: Vec<OpenDelivery>, claim: ServerAction<ClaimDelivery>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{t!(i18n, rider.nothing_nearby)}</p> }.into_any();
    }
    view! {
        <ul class="plain deliveries" aria-label=move || t_string!(i18n, rider.open_list)>
            {list
                .into_iter()
                .map(|delivery| {
                    view! {
                        <li class="delivery" data-order=order_number(delivery.order_id)>
                            <div>
                                <strong>{delivery.store_name}</strong>
                                <p class="muted">
                                    {
                                        let number = order_number(delivery.order_id);
                                        let to_store = format_distance(delivery.distance_m);
                                        let ride = format_distance(delivery.ride_m);
                                        move || {
                                            t_string!(
                                                i18n, rider.offer,
                                                number = number.clone(),
                                                to_store = to_store.clone(),
                                                ride = ride.clone()
                                            )
                                        }
                                    }
                                </p>
                            </div>
                            <ActionForm action=claim>
                                <input
                                    type="hidden"
                                    name="order_id"
                                    value=delivery.order_id.0.to_string()
                                />
                                <button type="submit" class="primary" disabled=claim.pending()>
                                    {t!(i18n, rider.claim)}
                                </button>
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MyDeliveries(list: Vec<RiderDelivery>, actions: RiderActions) -> impl IntoView {
    let i18n = use_i18n();
    let (active, done): (Vec<_>, Vec<_>) = list.into_iter().partition(|d| d.status.is_active());
    let history = (!done.is_empty()).then(|| {
        view! {
            <details>
                <summary>
                    {
                        let count = done.len();
                        move || t_string!(i18n, rider.history, count)
                    }
                </summary>
                <ul class="plain">
                    {done
                        .into_iter()
                        .map(|d| {
                            view! {
                                <li>
                                    {format!("#{} · {} · ", order_number(d.order_id), d.store_name)}
                                    {move || delivery_label(i18n.get_locale(), d.status)}
                                    {format!(" · {}", time_of_day(d.updated_at))}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });
    view! {
        {active.is_empty().then(|| view! { <p class="muted">{t!(i18n, rider.none_in_hand)}</p> })}
        <ul class="plain deliveries" aria-label=move || t_string!(i18n, rider.active_list)>
            {active
                .into_iter()
                .map(|delivery| view! { <ActiveDelivery delivery actions /> })
                .collect_view()}
        </ul>
        {history}
    }
}

fn delivery_label(locale: Locale, status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Open => td_string!(locale, delivery_status.open),
        DeliveryStatus::Assigned => td_string!(locale, delivery_status.assigned),
        DeliveryStatus::PickedUp => td_string!(locale, delivery_status.picked_up),
        DeliveryStatus::Delivered => td_string!(locale, delivery_status.delivered),
        DeliveryStatus::Completed => td_string!(locale, delivery_status.completed),
        DeliveryStatus::Failed => td_string!(locale, delivery_status.failed),
        DeliveryStatus::Cancelled => td_string!(locale, delivery_status.cancelled),
    }
}

#[component]
fn ActiveDelivery(delivery: RiderDelivery, actions: RiderActions) -> impl IntoView {
    let i18n = use_i18n();
    let id = delivery.order_id.0.to_string();
    let failure_id = id.clone();
    let status = delivery.status;
    let next = match delivery.status {
        DeliveryStatus::Assigned => view! {
            <ActionForm action=actions.pick_up>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">{t!(i18n, rider.picked_up_button)}</button>
            </ActionForm>
        }
        .into_any(),
        DeliveryStatus::PickedUp => view! {
            <ActionForm action=actions.deliver>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">{t!(i18n, rider.delivered_button)}</button>
            </ActionForm>
        }
        .into_any(),
        _ => view! {
            <ActionForm action=actions.confirm>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">{t!(i18n, rider.confirm)}</button>
            </ActionForm>
        }
        .into_any(),
    };
    let can_fail = matches!(
        delivery.status,
        DeliveryStatus::Assigned | DeliveryStatus::PickedUp
    );
    view! {
        <li class="delivery active" data-order=order_number(delivery.order_id)>
            <p>
                <strong>{format!("#{} · {}", order_number(delivery.order_id), delivery.store_name)}</strong>
                " "
                <span class="badge busy" data-testid="delivery-status">
                    {move || delivery_label(i18n.get_locale(), status)}
                </span>
            </p>
            <dl class="facts">
                <dt>{t!(i18n, rider.pick_up_at)}</dt>
                <dd>{delivery.store_address.clone()}</dd>
                <dt>{t!(i18n, common.deliver_to)}</dt>
                <dd>{delivery.dropoff_address.clone()}</dd>
                <dt>{t!(i18n, rider.ride)}</dt>
                <dd>{format_distance(delivery.ride_m)}</dd>
            </dl>
            {next}
            {can_fail
                .then(|| {
                    view! {
                        <details>
                            <summary>{t!(i18n, rider.report)}</summary>
                            <ActionForm action=actions.fail attr:class="stack">
                                <input type="hidden" name="order_id" value=failure_id.clone() />
                                <label>
                                    {t!(i18n, rider.what_happened)}
                                    <input
                                        name="reason"
                                        required
                                        maxlength="200"
                                        placeholder=move || t_string!(i18n, rider.what_placeholder)
                                    />
                                </label>
                                <button type="submit" class="danger">
                                    {t!(i18n, rider.report_failed)}
                                </button>
                            </ActionForm>
                        </details>
                    }
                })}
        </li>
    }
}
