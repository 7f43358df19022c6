//! Server functions of places: search by what a person types, and the address where they stand.

use leptos::prelude::*;

use super::{Place, PlaceMatches};
use crate::platform::{AppError, SavedAddress};

/// The longest search a person types: a full road address with a building name is about 60.
pub const MAX_QUERY_CHARS: usize = 100;
/// The provider pages no further than this.
pub const MAX_PAGE: u32 = 45;

/// Addresses, buildings and places matching `query`, page `page` (from 1); for a customer, places
/// near their first saved address come first.
#[server(endpoint = "search_places")]
pub async fn search_places(query: String, page: u32) -> Result<PlaceMatches, AppError> {
    use super::SearchRefusal;
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{auth, state::AppState, Role};
    let caller = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let query = TextRule::line(Field::SearchQuery, MAX_QUERY_CHARS).check(&query)?;
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(AppError::Search(SearchRefusal::PageOutOfRange));
    }
    let state = AppState::get()?;
    let geocoder = geocoder_of(&state)?;
    let near = match caller.role {
        Role::Customer => crate::platform::db::addresses_of(&state.pool, caller.account_id)
            .await?
            .first()
            .map(|address| address.position),
        _ => None,
    };
    geocoder
        .search(&query, near, page)
        .await
        .map_err(provider_down)
}

/// The address at a point: what "use my location" fills in.
#[server(endpoint = "place_at")]
pub async fn place_at(lat: f64, lng: f64) -> Result<Place, AppError> {
    use super::{in_korea, SearchRefusal};
    use crate::platform::{auth, error::Problem, geo::Position, state::AppState};
    auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let at = Position::new(lat, lng).ok_or(AppError::Invalid(Problem::AddressOffMap))?;
    if !in_korea(at) {
        return Err(AppError::Search(SearchRefusal::OutsideKorea));
    }
    let state = AppState::get()?;
    let geocoder = geocoder_of(&state)?;
    geocoder
        .address_at(at)
        .await
        .map_err(provider_down)?
        .ok_or(AppError::Search(SearchRefusal::NothingHere))
}

/// Saves a delivery address for the calling customer: an address the provider offered (from a
/// search or from "use my location"), the building's name, and what only the customer knows: a
/// name for it, the unit (동/호) and a note for the rider.
///
/// The point is never taken from the page. The server asks the provider for `address` again and
/// keeps the provider's text and point, so the line a rider reads and the point the radius is
/// measured from cannot disagree.
#[server(endpoint = "add_address")]
pub async fn add_address(
    label: String,
    address: String,
    building: String,
    unit: String,
    rider_note: String,
) -> Result<SavedAddress, AppError> {
    use crate::platform::api::MAX_SAVED_ADDRESSES;
    use crate::platform::db::{insert_address, NewAddress};
    use crate::platform::error::Limit;
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let label = TextRule::line(Field::AddressName, 40).check(&label)?;
    let address = TextRule::line(Field::Address, 200).check(&address)?;
    let building = TextRule::line(Field::Building, 100)
        .optional()
        .check(&building)?;
    let unit = TextRule::line(Field::Unit, 40).optional().check(&unit)?;
    let rider_note = TextRule::line(Field::RiderNote, 200)
        .optional()
        .check(&rider_note)?;
    let place = confirmed_place(&address).await?;
    // The building the customer picked (a keyword match names it) before the provider's own.
    let building = Some(building)
        .filter(|name| !name.is_empty())
        .or(place.building.clone());
    let state = AppState::get()?;
    let mut tx = state.pool.begin().await?;
    let new = NewAddress {
        label: &label,
        line: place.address(),
        lot_address: Some(&place.lot_address),
        building: building.as_deref(),
        unit: &unit,
        rider_note: &rider_note,
        position: place.position,
    };
    let address_id = insert_address(
        &mut tx,
        customer.account_id,
        new,
        MAX_SAVED_ADDRESSES as i64,
    )
    .await?
    .ok_or(AppError::LimitReached(Limit::Addresses {
        most: MAX_SAVED_ADDRESSES as i64,
    }))?;
    tx.commit().await?;
    Ok(SavedAddress {
        address_id,
        label,
        line: place.address().to_owned(),
        building,
        unit,
        rider_note,
        position: place.position,
    })
}

/// The provider's own record of `address`, a road or lot-number address it offered: its text
/// and its point. What a page sends is only the address's text; the point always comes from here.
#[cfg(feature = "ssr")]
pub async fn confirmed_place(address: &str) -> Result<Place, AppError> {
    use super::SearchRefusal;
    use crate::platform::state::AppState;
    let state = AppState::get()?;
    let geocoder = geocoder_of(&state)?;
    geocoder
        .address_search(address, 1)
        .await
        .map_err(provider_down)?
        .places
        .into_iter()
        .find(|place| {
            place.road_address.as_deref() == Some(address) || place.lot_address == address
        })
        .ok_or(AppError::Search(SearchRefusal::AddressUnknown))
}

/// The server's geocoding provider; without one, search is off.
#[cfg(feature = "ssr")]
fn geocoder_of(
    state: &crate::platform::state::AppState,
) -> Result<&super::geocoder::Geocoder, AppError> {
    state
        .geocoder
        .as_ref()
        .ok_or(AppError::Search(super::SearchRefusal::SearchOff))
}

/// The provider failed us: the person hears that search is not answering; the log says why.
#[cfg(feature = "ssr")]
fn provider_down(error: super::geocoder::GeocodeError) -> AppError {
    tracing::error!(%error, "the geocoding provider gave no usable answer");
    AppError::Search(super::SearchRefusal::NotAnswering)
}
