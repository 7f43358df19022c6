//! The rider's screen: duty, position, deliveries open nearby (live), and the rider's own.

use leptos::prelude::*;

use super::api::{
    my_deliveries, my_duty, open_deliveries, ClaimDelivery, ConfirmDelivery, Deliver, PickUp,
    ReportFailure, SetDuty, SetPosition,
};
use super::{DeliveryStatus, OpenDelivery, RiderDelivery};
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

    view! {
        <h1>"Rider"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match duty.await {
                    Ok(status) => {
                        let on_duty = status.on_duty;
                        view! {
                            <section class="card duty" class:on=on_duty>
                                <p class="duty-state" data-testid="duty-state">
                                    {if on_duty { "On duty" } else { "Off duty" }}
                                </p>
                                <p class="muted">
                                    {format!(
                                        "You take deliveries from stores within {}.",
                                        format_distance(f64::from(status.range_m)),
                                    )}
                                </p>
                                <ActionForm action=set_duty>
                                    <input type="hidden" name="on_duty" value=(!on_duty).to_string() />
                                    <button
                                        type="submit"
                                        class="big"
                                        class:primary=!on_duty
                                        disabled=set_duty.pending()
                                    >
                                        {if on_duty { "Go off duty" } else { "Go on duty" }}
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
        {action_feedback(actions.claim.pending(), actions.claim.value(), "It is yours. Head to the store.")}
        {action_feedback(actions.pick_up.pending(), actions.pick_up.value(), "Picked up.")}
        {action_feedback(actions.deliver.pending(), actions.deliver.value(), "Delivered.")}
        {action_feedback(actions.confirm.pending(), actions.confirm.value(), "Delivery confirmed. Thank you!")}
        {action_feedback(actions.fail.pending(), actions.fail.value(), "Reported. An operator will follow up.")}
        <section class="card">
            <h2>"My deliveries"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(list) => view! { <MyDeliveries list actions /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>"Ready for pick-up nearby"</h2>
            <Transition fallback=|| view! { <p class="muted">"Looking for deliveries…"</p> }>
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
    let located = RwSignal::new(None::<String>);
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        locate_with_browser(set_position, located);
    };
    let (lat, lng) = at.unwrap_or((37.5446, 127.0557));
    view! {
        <section class="card">
            <h2>"Where you are"</h2>
            <p class="muted" data-testid="rider-position">
                {match at {
                    Some((lat, lng)) => format!("{lat:.4}, {lng:.4}"),
                    None => "Not known yet: share your location to see deliveries.".to_owned(),
                }}
            </p>
            <button type="button" on:click=locate disabled=set_position.pending()>
                "Use my location"
            </button>
            {move || located.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
            <details>
                <summary>"Type it in"</summary>
                <ActionForm action=set_position attr:class="row">
                    <label>
                        "Latitude" <input name="lat" type="number" step="any" value=lat required />
                    </label>
                    <label>
                        "Longitude" <input name="lng" type="number" step="any" value=lng required />
                    </label>
                    <button type="submit">"Set position"</button>
                </ActionForm>
            </details>
            {action_feedback(set_position.pending(), set_position.value(), "Position updated.")}
        </section>
    }
}

/// Asks the browser for the rider's position and sends it; explains when the browser says no.
#[cfg(feature = "hydrate")]
fn locate_with_browser(set_position: ServerAction<SetPosition>, problem: RwSignal<Option<String>>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(geolocation) = window().navigator().geolocation() else {
        problem.set(Some(
            "This browser cannot share its location. Type it in below.".into(),
        ));
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
        problem.set(Some(
            "Your location is not available (permission or signal). Type it in below.".into(),
        ));
    });
    let asked = geolocation.get_current_position_with_error_callback(
        found.unchecked_ref(),
        Some(refused.unchecked_ref()),
    );
    if asked.is_err() {
        problem.set(Some(
            "This browser cannot share its location. Type it in below.".into(),
        ));
    }
}

#[component]
fn OpenList(list: Vec<OpenDelivery>, claim: ServerAction<ClaimDelivery>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="muted">"Nothing to pick up near you right now. New ones appear here by themselves."</p>
        }
        .into_any();
    }
    view! {
        <ul class="plain deliveries" aria-label="Open deliveries">
            {list
                .into_iter()
                .map(|delivery| {
                    view! {
                        <li class="delivery" data-order=order_number(delivery.order_id)>
                            <div>
                                <strong>{delivery.store_name}</strong>
                                <p class="muted">
                                    {format!(
                                        "#{} · {} to the store · {} ride",
                                        order_number(delivery.order_id),
                                        format_distance(delivery.distance_m),
                                        format_distance(delivery.ride_m),
                                    )}
                                </p>
                            </div>
                            <ActionForm action=claim>
                                <input
                                    type="hidden"
                                    name="order_id"
                                    value=delivery.order_id.0.to_string()
                                />
                                <button type="submit" class="primary" disabled=claim.pending()>
                                    "Claim"
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
    let (active, done): (Vec<_>, Vec<_>) = list.into_iter().partition(|d| d.status.is_active());
    let history = (!done.is_empty()).then(|| {
        view! {
            <details>
                <summary>{format!("History ({})", done.len())}</summary>
                <ul class="plain">
                    {done
                        .into_iter()
                        .map(|d| {
                            view! {
                                <li>
                                    {format!(
                                        "#{} · {} · {} · {}",
                                        order_number(d.order_id),
                                        d.store_name,
                                        delivery_label(d.status),
                                        time_of_day(d.updated_at),
                                    )}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });
    view! {
        {active.is_empty().then(|| view! { <p class="muted">"No delivery in hand."</p> })}
        <ul class="plain deliveries" aria-label="My active deliveries">
            {active
                .into_iter()
                .map(|delivery| view! { <ActiveDelivery delivery actions /> })
                .collect_view()}
        </ul>
        {history}
    }
}

fn delivery_label(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Open => "Open",
        DeliveryStatus::Assigned => "Go to the store",
        DeliveryStatus::PickedUp => "On the way",
        DeliveryStatus::Delivered => "Handed over",
        DeliveryStatus::Completed => "Completed",
        DeliveryStatus::Failed => "Failed",
        DeliveryStatus::Cancelled => "Cancelled",
    }
}

#[component]
fn ActiveDelivery(delivery: RiderDelivery, actions: RiderActions) -> impl IntoView {
    let id = delivery.order_id.0.to_string();
    let failure_id = id.clone();
    let next = match delivery.status {
        DeliveryStatus::Assigned => view! {
            <ActionForm action=actions.pick_up>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">"Picked up"</button>
            </ActionForm>
        }
        .into_any(),
        DeliveryStatus::PickedUp => view! {
            <ActionForm action=actions.deliver>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">"Delivered"</button>
            </ActionForm>
        }
        .into_any(),
        _ => view! {
            <ActionForm action=actions.confirm>
                <input type="hidden" name="order_id" value=id.clone() />
                <button type="submit" class="primary big">"Confirm delivery"</button>
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
                <span class="badge busy" data-testid="delivery-status">{delivery_label(delivery.status)}</span>
            </p>
            <dl class="facts">
                <dt>"Pick up at"</dt>
                <dd>{delivery.store_address.clone()}</dd>
                <dt>"Deliver to"</dt>
                <dd>{delivery.dropoff_address.clone()}</dd>
                <dt>"Ride"</dt>
                <dd>{format_distance(delivery.ride_m)}</dd>
            </dl>
            {next}
            {can_fail
                .then(|| {
                    view! {
                        <details>
                            <summary>"Report a problem"</summary>
                            <ActionForm action=actions.fail attr:class="stack">
                                <input type="hidden" name="order_id" value=failure_id.clone() />
                                <label>
                                    "What happened?"
                                    <input name="reason" required maxlength="200" placeholder="Nobody at the door" />
                                </label>
                                <button type="submit" class="danger">"Report failed delivery"</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </li>
    }
}
