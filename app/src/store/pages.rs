//! The store owner's dashboard.

use leptos::prelude::*;

use super::api::{my_stores, SetStoreOpen};
use super::OwnedStore;
use crate::platform::{pages::ErrorNote, session::RequireRole, Role};

/// The owner's stores with their switch, hours and menu at a glance.
#[component]
pub fn OwnerHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Owner>
            <OwnerStores />
        </RequireRole>
    }
}

#[component]
fn OwnerStores() -> impl IntoView {
    let switch = ServerAction::<SetStoreOpen>::new();
    let stores = Resource::new(move || switch.version().get(), |_| my_stores());
    view! {
        <h1>"My stores"</h1>
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
                        view! {
                            <ul class="cards">
                                {list
                                    .into_iter()
                                    .map(|store| view! { <OwnedStoreCard store switch /> })
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
            <p class="muted">{store.category.clone()} " · " {store.address.clone()}</p>
            <dl class="facts">
                <dt>"Today"</dt>
                <dd>{store.hours_today.clone()}</dd>
                <dt>"Menu"</dt>
                <dd>{format!("{} items, {} sold out", store.menu_items, store.sold_out_items)}</dd>
                <dt>"Delivers"</dt>
                <dd>
                    {format!(
                        "within {:.1} km · minimum {} · fee {}",
                        f64::from(store.delivery_radius_m) / 1000.0,
                        store.minimum_order,
                        store.delivery_fee,
                    )}
                </dd>
            </dl>
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
