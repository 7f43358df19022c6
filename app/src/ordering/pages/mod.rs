//! The customer's screens: stores near an address, a store's menu, the cart and checkout.

mod address;
mod checkout;
mod menu;

pub use address::{AddressActions, AddressFinder};
pub use checkout::CartPage;
pub use menu::StorePage;

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::saved_cart::use_cart;
use crate::i18n::{t, t_string, use_i18n};
use crate::platform::AppError;
use crate::platform::{
    api::my_addresses, geo::format_distance, geo::Position, pages::ErrorNote, session::use_session,
    Role, SavedAddress,
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
    let add_address = AddressActions::new();
    let addresses = Resource::new(move || add_address.version(), |_| my_addresses());
    let cart = use_cart();
    let wanted = Memo::new(move |_| cart.with(|c| c.address_id));
    // The stores near the chosen address. Created here and not in the component that shows
    // them, so every resource of the page exists before any Suspense waits (see "What a page may
    // read before hydration" in the README); it waits for the addresses above instead.
    let stores = Resource::new(
        move || (add_address.version(), wanted.get()),
        move |(_, wanted)| async move {
            let saved = addresses.await?;
            let at = chosen_address(&saved, wanted).map_or(NEIGHBOURHOOD, |a| a.position);
            nearby_stores(at.lat, at.lng).await
        },
    );
    let i18n = use_i18n();
    // The cart remembers the chosen address; a new address becomes the chosen one.
    Effect::new(move |_| {
        if let Some(added) = add_address.last_saved.get() {
            cart.update(|c| c.address_id = Some(added.address_id));
        }
    });
    view! {
        <h1>{t!(i18n, home.title)}</h1>
        // Said here, not beside the form: the list of addresses (and the finder with it) is
        // drawn again with the new one chosen.
        {move || {
            add_address.last_saved.with(Option::is_some)
                .then(|| {
                    view! {
                        <p class="success" role="status">
                            {t!(i18n, address.saved)}
                        </p>
                    }
                })
        }}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match addresses.await {
                    Ok(saved) => view! { <StoresNear saved stores add_address /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The saved address the cart names, else the first one.
fn chosen_address(saved: &[SavedAddress], wanted: Option<Uuid>) -> Option<&SavedAddress> {
    saved
        .iter()
        .find(|a| Some(a.address_id) == wanted)
        .or_else(|| saved.first())
}

#[component]
fn StoresNear(
    saved: Vec<SavedAddress>,
    stores: Resource<Result<Vec<StoreCard>, AppError>>,
    add_address: AddressActions,
) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let session = use_session();
    let is_customer = move || {
        session
            .user
            .with(|user| user.as_ref().is_some_and(|u| u.role == Role::Customer))
    };
    let saved = StoredValue::new(saved);
    let chosen = move || {
        let wanted = cart.with(|c| c.address_id);
        saved.with_value(|list| {
            list.iter()
                .position(|a| Some(a.address_id) == wanted)
                .unwrap_or(0)
        })
    };

    let picker = move || {
        saved.with_value(|list| {
            if list.is_empty() && is_customer() {
                // A customer without addresses yet: the finder below is the way in.
                ().into_any()
            } else if list.is_empty() {
                view! {
                    <p class="muted">
                        {t!(i18n, home.near_station)}
                        <a href="/login">{t!(i18n, common.log_in)}</a>
                        {t!(i18n, home.log_in_for_address)}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <label class="address-picker">
                        {t!(i18n, common.deliver_to)}
                        <select on:change=move |ev| {
                            if let Ok(index) = event_target_value(&ev).parse::<usize>() {
                                let id = saved.with_value(|l| l.get(index).map(|a| a.address_id));
                                cart.update(|c| c.address_id = id);
                            }
                        }>
                            {list
                                .iter()
                                .enumerate()
                                .map(|(index, address)| {
                                    view! {
                                        <option
                                            value=index.to_string()
                                            selected=move || chosen() == index
                                        >
                                            {format!("{} · {}", address.label, address.for_rider())}
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
        {move || is_customer().then(|| view! { <NewAddress add_address /> })}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.finding)}</p> }>
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
    let i18n = use_i18n();
    let (open, closed): (Vec<_>, Vec<_>) = cards.into_iter().partition(|card| card.open_now);
    let open_empty = open.is_empty();
    let closed_view = (!closed.is_empty()).then(|| {
        view! {
            <h2 class="section-title">{t!(i18n, home.closed_now)}</h2>
            <ul class="cards" aria-label=move || t_string!(i18n, home.closed_list)>
                {closed.into_iter().map(|card| view! { <StoreCardView card /> }).collect_view()}
            </ul>
        }
    });
    view! {
        <h2 class="section-title">{t!(i18n, home.open_now)}</h2>
        {open_empty.then(|| view! { <p>{t!(i18n, home.none_open)}</p> })}
        <ul class="cards" aria-label=move || t_string!(i18n, home.open_list)>
            {open.into_iter().map(|card| view! { <StoreCardView card /> }).collect_view()}
        </ul>
        {closed_view}
    }
}

#[component]
fn StoreCardView(card: StoreCard) -> impl IntoView {
    let i18n = use_i18n();
    let (fee, minimum, minutes) = (card.delivery_fee, card.minimum_order, card.prep_minutes);
    view! {
        <li class="card store-card" class:closed=!card.open_now>
            <div class="row spread">
                <h3>
                    <A href=format!("/stores/{}", card.store_id.0)>{card.name}</A>
                </h3>
                <span class="muted">{format_distance(card.distance_m)}</span>
            </div>
            <p class="muted">{card.category} " · " {move || card.hours_today.in_language(i18n.get_locale())}</p>
            <p class="facts-line">
                {move || t_string!(i18n, common.store_facts, fee, minimum, minutes)}
            </p>
        </li>
    }
}

/// A new delivery address, found by search or by the phone's location.
#[component]
fn NewAddress(add_address: AddressActions) -> impl IntoView {
    let i18n = use_i18n();
    let cart = use_cart();
    let store = Signal::derive(move || cart.with(|c| c.store.clone()));
    view! {
        <details class="card new-address">
            <summary>{t!(i18n, address.summary)}</summary>
            <AddressFinder add_address store />
        </details>
    }
}
