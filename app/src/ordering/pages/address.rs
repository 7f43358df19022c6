//! A customer's new delivery address: found with the place search, then confirmed against the
//! store (how far, inside its area or not) with the unit, a note for the rider and a name.

use leptos::prelude::*;

use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::places::api::{AddAddress, AddLocatedAddress};
use crate::places::pages::{PlaceLines, PlaceSearch};
use crate::places::Place;
use crate::platform::geo::{format_distance, Position};
use crate::platform::pages::{action_feedback, ErrorNote};
use crate::platform::{AppError, SavedAddress};
use crate::store::api::{nearby_stores, store_reach};
use crate::store::{StoreDistance, StoreId};

/// The two ways a customer saves an address: a place the provider found, or (on a server
/// without address search) the phone's position with the address typed.
#[derive(Clone, Copy)]
pub struct AddressActions {
    found: ServerAction<AddAddress>,
    located: ServerAction<AddLocatedAddress>,
    /// The address saved last, by either way.
    pub last_saved: RwSignal<Option<SavedAddress>>,
}

impl Default for AddressActions {
    fn default() -> Self {
        Self::new()
    }
}

impl AddressActions {
    pub fn new() -> AddressActions {
        let found = ServerAction::<AddAddress>::new();
        let located = ServerAction::<AddLocatedAddress>::new();
        let last_saved = RwSignal::new(None);
        Effect::new(move |_| {
            if let Some(Ok(saved)) = found.value().get() {
                last_saved.set(Some(saved));
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(saved)) = located.value().get() {
                last_saved.set(Some(saved));
            }
        });
        AddressActions {
            found,
            located,
            last_saved,
        }
    }

    /// Changes whenever either way saved (or tried to save) an address.
    pub fn version(&self) -> usize {
        self.found.version().get() + self.located.version().get()
    }
}

/// The whole finder: search or locate, then confirm and save. `store` is the store whose
/// delivery area the confirmation measures (the cart's), if any.
#[component]
pub fn AddressFinder(
    add_address: AddressActions,
    #[prop(into)] store: Signal<Option<(StoreId, String)>>,
) -> impl IntoView {
    let picked = RwSignal::new(None::<Place>);
    let unnamed_spot = RwSignal::new(None::<Position>);
    // A saved address ends the finder's work: the next one starts from an empty search.
    Effect::new(move |_| {
        if add_address.last_saved.with(Option::is_some) {
            picked.set(None);
            unnamed_spot.set(None);
        }
    });
    let searching = move || picked.with(Option::is_none) && unnamed_spot.with(Option::is_none);
    // The search stays (hidden) while a pick is confirmed: "choose another place" goes back to
    // the same matches.
    view! {
        <div hidden=move || !searching()>
            <PlaceSearch picked unnamed_spot />
        </div>
        {move || {
            picked
                .get()
                .map(|place| {
                    view! { <ConfirmPlace place picked store add_address=add_address.found /> }
                })
        }}
        {move || {
            unnamed_spot
                .get()
                .map(|at| {
                    view! { <ConfirmSpot at unnamed_spot store add_located=add_address.located /> }
                })
        }}
    }
}

/// The phone's position on a server without address search: the customer types the address
/// riders should read, then the unit, the note and a name.
#[component]
fn ConfirmSpot(
    at: Position,
    unnamed_spot: RwSignal<Option<Position>>,
    store: Signal<Option<(StoreId, String)>>,
    add_located: ServerAction<AddLocatedAddress>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="stack confirm-place" aria-labelledby="confirm-spot-title">
            <h3 id="confirm-spot-title">{t!(i18n, address.located_title)}</h3>
            <p class="muted">{t!(i18n, address.located_off)}</p>
            <Reach at store />
            <ActionForm action=add_located attr:class="stack">
                <input type="hidden" name="lat" value=at.lat.to_string() />
                <input type="hidden" name="lng" value=at.lng.to_string() />
                <label>
                    {t!(i18n, address.line)}
                    <input name="line" required maxlength="200" autocomplete="street-address" />
                </label>
                <DetailFields />
                <div class="row">
                    <button type="submit" class="primary" disabled=add_located.pending()>
                        {t!(i18n, address.save)}
                    </button>
                    <button type="button" on:click=move |_| unnamed_spot.set(None)>
                        {t!(i18n, address.other_place)}
                    </button>
                </div>
            </ActionForm>
            {action_feedback(
                add_located.pending(),
                add_located.value(),
                |l| td_string!(l, address.saved),
            )}
        </section>
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
    let address = place.address().to_owned();
    let building = place.building.clone().unwrap_or_default();
    view! {
        <section class="stack confirm-place" aria-labelledby="confirm-place-title">
            <h3 id="confirm-place-title">{t!(i18n, address.confirm_title)}</h3>
            <p class="place-lines">
                <PlaceLines place />
            </p>
            <Reach at store />
            <ActionForm action=add_address attr:class="stack">
                <input type="hidden" name="address" value=address />
                <input type="hidden" name="building" value=building />
                <DetailFields />
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

/// The unit, the note for the rider and the address's name, as every way of saving asks them.
#[component]
fn DetailFields() -> impl IntoView {
    let i18n = use_i18n();
    view! {
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
    }
}

/// Who delivers to `at`: the cart's store with its distance, or how many stores do.
#[component]
fn Reach(at: Position, store: Signal<Option<(StoreId, String)>>) -> impl IntoView {
    let reach = LocalResource::new(move || {
        let store = store.get();
        async move { PlaceReach::measure(at, store.map(|(id, _)| id)).await }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match reach.await {
                    Ok(reach) => view! { <ReachLine reach /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
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
