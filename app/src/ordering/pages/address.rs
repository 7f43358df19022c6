//! A customer's new delivery address: found with the place search, then confirmed against the
//! store (how far, inside its area or not) with the unit, a note for the rider and a name.

use leptos::prelude::*;

use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::places::api::AddAddress;
use crate::places::pages::{PlaceLines, PlaceSearch};
use crate::places::Place;
use crate::platform::geo::{format_distance, Position};
use crate::platform::pages::{action_feedback, ErrorNote};
use crate::platform::AppError;
use crate::store::api::{nearby_stores, store_reach};
use crate::store::{StoreDistance, StoreId};

/// The whole finder: search or locate, then confirm and save through `add_address`. `store` is
/// the store whose delivery area the confirmation measures (the cart's), if any.
#[component]
pub fn AddressFinder(
    add_address: ServerAction<AddAddress>,
    #[prop(into)] store: Signal<Option<(StoreId, String)>>,
) -> impl IntoView {
    let picked = RwSignal::new(None::<Place>);
    // A saved address ends the finder's work: the next one starts from an empty search.
    Effect::new(move |_| {
        if let Some(Ok(_)) = add_address.value().get() {
            picked.set(None);
        }
    });
    // The search stays (hidden) while a pick is confirmed: "choose another place" goes back to
    // the same matches.
    view! {
        <div hidden=move || picked.with(Option::is_some)>
            <PlaceSearch picked />
        </div>
        {move || {
            picked.get().map(|place| view! { <ConfirmPlace place picked store add_address /> })
        }}
    }
}

/// Where the picked place lies for the store, then the unit, the note and a name, and save.
#[component]
fn ConfirmPlace(
    place: Place,
    picked: RwSignal<Option<Place>>,
    store: Signal<Option<(StoreId, String)>>,
    add_address: ServerAction<AddAddress>,
) -> impl IntoView {
    let i18n = use_i18n();
    let at = place.position;
    let reach = LocalResource::new(move || {
        let store = store.get();
        async move { PlaceReach::measure(at, store.map(|(id, _)| id)).await }
    });
    let address = place.address().to_owned();
    let building = place.building.clone().unwrap_or_default();
    view! {
        <section class="stack confirm-place" aria-labelledby="confirm-place-title">
            <h3 id="confirm-place-title">{t!(i18n, address.confirm_title)}</h3>
            <p class="place-lines">
                <PlaceLines place />
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match reach.await {
                        Ok(reach) => view! { <ReachLine reach /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=add_address attr:class="stack">
                <input type="hidden" name="address" value=address />
                <input type="hidden" name="building" value=building />
                <label>
                    {t!(i18n, address.unit)}
                    <input
                        name="unit"
                        maxlength="40"
                        autocomplete="address-line2"
                        placeholder=move || t_string!(i18n, address.unit_placeholder)
                    />
                </label>
                <label>
                    {t!(i18n, address.note)}
                    <input
                        name="rider_note"
                        maxlength="200"
                        placeholder=move || t_string!(i18n, address.note_placeholder)
                    />
                </label>
                <label>
                    {t!(i18n, address.name)}
                    <input
                        name="label"
                        required
                        maxlength="40"
                        placeholder=move || t_string!(i18n, address.name_placeholder)
                    />
                </label>
                <div class="row">
                    <button type="submit" class="primary" disabled=add_address.pending()>
                        {t!(i18n, address.save)}
                    </button>
                    <button type="button" on:click=move |_| picked.set(None)>
                        {t!(i18n, address.other_place)}
                    </button>
                </div>
            </ActionForm>
            {action_feedback(
                add_address.pending(),
                add_address.value(),
                |l| td_string!(l, address.saved),
            )}
        </section>
    }
}

/// Who delivers to a place: the cart's store with its distance, or how many stores do.
#[derive(Debug, Clone, PartialEq)]
enum PlaceReach {
    Store(StoreDistance),
    Stores(usize),
}

impl PlaceReach {
    async fn measure(at: Position, store: Option<StoreId>) -> Result<PlaceReach, AppError> {
        Ok(match store {
            Some(store) => PlaceReach::Store(store_reach(store, at.lat, at.lng).await?),
            None => PlaceReach::Stores(nearby_stores(at.lat, at.lng).await?.len()),
        })
    }
}

#[component]
fn ReachLine(reach: PlaceReach) -> impl IntoView {
    let i18n = use_i18n();
    let sentence = move || match &reach {
        PlaceReach::Store(store) => {
            let (distance, name) = (format_distance(store.distance_m), store.name.clone());
            if store.delivers() {
                t_string!(i18n, address.reach_store_inside, distance, store = name).to_string()
            } else {
                let radius = format_distance(f64::from(store.delivery_radius_m));
                t_string!(
                    i18n,
                    address.reach_store_outside,
                    distance,
                    store = name,
                    radius
                )
                .to_string()
            }
        }
        PlaceReach::Stores(0) => t_string!(i18n, address.reach_none).to_string(),
        PlaceReach::Stores(stores) => {
            t_string!(i18n, address.reach_stores, stores = *stores).to_string()
        }
    };
    view! { <p class="reach" data-testid="place-reach">{sentence}</p> }
}
