//! Finding a place on a phone: type a street, a building or a place, or ask for the phone's
//! location, and pick one of the provider's matches. What happens to the pick (a customer's
//! delivery address, a store's position) is the caller's. Nobody types a coordinate.

use leptos::prelude::*;

use super::api::{place_at, search_places};
use super::{Place, PlaceMatches, SearchRefusal};
use crate::i18n::{t, t_string, use_i18n};
use crate::platform::geo::Position;
use crate::platform::pages::ErrorNote;
use crate::platform::AppError;

/// The search box, "use my location", and the list of matches; a tap on one sets `picked`.
/// On a server without address search, the phone's position goes to `unnamed_spot` when the
/// caller can take a place without an address (a customer who types it).
#[component]
pub fn PlaceSearch(
    picked: RwSignal<Option<Place>>,
    #[prop(optional)] unnamed_spot: Option<RwSignal<Option<Position>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    // What was searched and the matches so far: "more" appends the next page to them.
    let asked = RwSignal::new(None::<(String, u32)>);
    let matches = RwSignal::new(PlaceMatches::default());
    let search = Action::new(|(query, page): &(String, u32)| {
        let (query, page) = (query.clone(), *page);
        async move { search_places(query, page).await }
    });
    let locate = Action::new(|at: &Position| {
        let at = *at;
        async move { (at, place_at(at.lat, at.lng).await) }
    });
    let no_location = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(found)) = search.value().get() {
            let first_page =
                asked.with_untracked(|a| a.as_ref().is_none_or(|(_, page)| *page == 1));
            matches.update(|shown| {
                if first_page {
                    *shown = found;
                } else {
                    shown.places.extend(found.places);
                    shown.more = found.more;
                }
            });
        }
    });
    Effect::new(move |_| match locate.value().get() {
        Some((_, Ok(place))) => picked.set(Some(place)),
        Some((at, Err(AppError::Search(SearchRefusal::SearchOff)))) => {
            if let Some(spot) = unnamed_spot {
                spot.set(Some(at));
            }
        }
        _ => {}
    });

    let search_now = move || {
        let typed = query.get_untracked();
        asked.set(Some((typed.clone(), 1)));
        search.dispatch((typed, 1));
    };
    // Enter searches, as in a search form, and never sends a form the search sits in. An Enter
    // that ends a Hangul syllable's composition belongs to the keyboard, not to the search.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.is_composing() {
            ev.prevent_default();
            search_now();
        }
    };
    let more = move |_| {
        if let Some((typed, page)) = asked.get_untracked() {
            asked.set(Some((typed.clone(), page + 1)));
            search.dispatch((typed, page + 1));
        }
    };
    let use_location = move |_| {
        no_location.set(false);
        #[cfg(feature = "hydrate")]
        crate::platform::geo::ask_browser_position(move |answer| match answer {
            Ok(at) => {
                locate.dispatch(at);
            }
            Err(_) => no_location.set(true),
        });
    };

    let results = move || {
        if search.pending().get() {
            return view! { <p class="progress" role="status">{t!(i18n, address.searching)}</p> }
                .into_any();
        }
        if let Some(Err(error)) = search.value().get() {
            return view! { <ErrorNote error /> }.into_any();
        }
        let Some((typed, _)) = asked.get() else {
            return ().into_any();
        };
        let shown = matches.get();
        if shown.places.is_empty() {
            return view! {
                <p class="muted" role="status">
                    {move || t_string!(i18n, address.no_matches, query = typed.clone())}
                </p>
            }
            .into_any();
        }
        view! {
            <ul class="plain place-matches" aria-label=move || t_string!(i18n, address.matches)>
                {shown
                    .places
                    .into_iter()
                    .map(|place| view! { <PlaceMatch place picked /> })
                    .collect_view()}
            </ul>
            {shown
                .more
                .then(|| {
                    view! {
                        <button type="button" on:click=more>
                            {t!(i18n, address.more)}
                        </button>
                    }
                })}
        }
        .into_any()
    };
    let located = move || {
        if locate.pending().get() {
            return view! { <p class="progress" role="status">{t!(i18n, address.locating)}</p> }
                .into_any();
        }
        if no_location.get() {
            return view! {
                <p class="error" role="alert">{t!(i18n, address.location_refused)}</p>
            }
            .into_any();
        }
        match locate.value().get() {
            Some((_, Err(AppError::Search(SearchRefusal::SearchOff))))
                if unnamed_spot.is_some() =>
            {
                ().into_any()
            }
            Some((_, Err(error))) => view! { <ErrorNote error /> }.into_any(),
            _ => ().into_any(),
        }
    };

    view! {
        // Not a <form>: the search sits inside the forms that take its pick (an application), and
        // HTML drops a form inside a form, so the page would not match what the app draws.
        <div class="stack place-search" role="search">
            <label>
                {t!(i18n, address.search_label)}
                <input
                    type="search"
                    maxlength=super::api::MAX_QUERY_CHARS.to_string()
                    autocomplete="street-address"
                    placeholder=move || t_string!(i18n, address.search_placeholder)
                    prop:value=query
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=on_key
                />
            </label>
            <div class="row">
                <button
                    type="button"
                    class="primary"
                    on:click=move |_| search_now()
                    disabled=search.pending()
                >
                    {t!(i18n, address.search)}
                </button>
                <button type="button" on:click=use_location disabled=locate.pending()>
                    {t!(i18n, address.use_location)}
                </button>
            </div>
        </div>
        {located}
        {results}
    }
}

/// One match: its building in bold, its address, and its lot number when it differs.
#[component]
fn PlaceMatch(place: Place, picked: RwSignal<Option<Place>>) -> impl IntoView {
    let chosen = place.clone();
    view! {
        <li>
            <button type="button" class="place-match" on:click=move |_| picked.set(Some(chosen.clone()))>
                <PlaceLines place />
            </button>
        </li>
    }
}

/// A place as people read it: building, address, and lot number when there is a road address.
#[component]
pub fn PlaceLines(place: Place) -> impl IntoView {
    let i18n = use_i18n();
    let lot = place
        .road_address
        .is_some()
        .then(|| place.lot_address.clone());
    view! {
        {place.building.clone().map(|name| view! { <strong class="place-building">{name}</strong> })}
        <span class="place-address">{place.address().to_owned()}</span>
        {lot.map(|lot| {
            view! {
                <span class="muted place-lot">
                    {move || t_string!(i18n, address.lot, lot = lot.clone())}
                </span>
            }
        })}
    }
}
