//! The customer's screens.

use leptos::prelude::*;

use crate::platform::{
    api::my_addresses, geo::format_distance, geo::Position, pages::ErrorNote, SavedAddress,
};
use crate::store::{api::nearby_stores, StoreCard};

/// Where we look for stores before a customer has chosen an address: Seongsu Station.
const NEIGHBOURHOOD: Position = Position {
    lat: 37.5446,
    lng: 127.0557,
};

/// The customer home: choose an address, see the stores that deliver there.
#[component]
pub fn CustomerHome() -> impl IntoView {
    let addresses = Resource::new(|| (), |_| my_addresses());
    view! {
        <h1>"Order food"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match addresses.await {
                    Ok(saved) => view! { <StoresNear saved /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StoresNear(saved: Vec<SavedAddress>) -> impl IntoView {
    let chosen = RwSignal::new(0usize);
    let saved = StoredValue::new(saved);
    let position = move || {
        saved.with_value(|list| {
            list.get(chosen.get())
                .map(|address| address.position)
                .unwrap_or(NEIGHBOURHOOD)
        })
    };
    let stores = Resource::new(position, |at| nearby_stores(at.lat, at.lng));

    let picker = move || {
        saved.with_value(|list| {
            if list.is_empty() {
                view! {
                    <p class="muted">
                        "Showing stores near Seongsu Station. "
                        <a href="/login">"Log in"</a>
                        " to deliver to your address."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <label class="address-picker">
                        "Deliver to"
                        <select on:change=move |ev| {
                            if let Ok(index) = event_target_value(&ev).parse() {
                                chosen.set(index);
                            }
                        }>
                            {list
                                .iter()
                                .enumerate()
                                .map(|(index, address)| {
                                    view! {
                                        <option value=index.to_string()>
                                            {format!("{} · {}", address.label, address.line)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                }
                .into_any()
            }
        })
    };

    view! {
        {picker}
        <Transition fallback=|| view! { <p class="muted">"Finding stores…"</p> }>
            {move || Suspend::new(async move {
                match stores.await {
                    Ok(cards) => view! { <StoreList cards /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StoreList(cards: Vec<StoreCard>) -> impl IntoView {
    let (open, closed): (Vec<_>, Vec<_>) = cards.into_iter().partition(|card| card.open_now);
    let open_empty = open.is_empty();
    let closed_view = (!closed.is_empty()).then(|| {
        view! {
            <h2 class="section-title">"Closed now"</h2>
            <ul class="cards" aria-label="Closed stores">
                {closed.into_iter().map(|card| view! { <StoreCardView card /> }).collect_view()}
            </ul>
        }
    });
    view! {
        <h2 class="section-title">"Open now"</h2>
        {open_empty
            .then(|| view! { <p>"No store delivering here is open right now. Try again later."</p> })}
        <ul class="cards" aria-label="Open stores">
            {open.into_iter().map(|card| view! { <StoreCardView card /> }).collect_view()}
        </ul>
        {closed_view}
    }
}

#[component]
fn StoreCardView(card: StoreCard) -> impl IntoView {
    view! {
        <li class="card store-card" class:closed=!card.open_now>
            <div class="row spread">
                <h3>{card.name}</h3>
                <span class="muted">{format_distance(card.distance_m)}</span>
            </div>
            <p class="muted">{card.category} " · " {card.hours_today}</p>
            <p class="facts-line">
                {format!(
                    "Delivery {} · Minimum {} · about {} min",
                    card.delivery_fee,
                    card.minimum_order,
                    card.prep_minutes,
                )}
            </p>
        </li>
    }
}
