//! Server functions of places: search by what a person types, and the address where they stand.

use leptos::prelude::*;

use super::{Place, PlaceMatches};
use crate::platform::AppError;

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
    let geocoder = state
        .geocoder
        .as_ref()
        .ok_or(AppError::Search(SearchRefusal::SearchOff))?;
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
    let geocoder = state
        .geocoder
        .as_ref()
        .ok_or(AppError::Search(SearchRefusal::SearchOff))?;
    geocoder
        .address_at(at)
        .await
        .map_err(provider_down)?
        .ok_or(AppError::Search(SearchRefusal::NothingHere))
}

/// The provider failed us: the person hears that search is not answering; the log says why.
#[cfg(feature = "ssr")]
fn provider_down(error: super::geocoder::GeocodeError) -> AppError {
    tracing::error!(%error, "the geocoding provider gave no usable answer");
    AppError::Search(super::SearchRefusal::NotAnswering)
}
