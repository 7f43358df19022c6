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
        Role::Customer => crate::platform::addresses_of(&state.pool, caller.account_id)
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
    use crate::platform::text::{Field, TextRule};
    let (customer, details) = AddressDetails::check(&label, &unit, &rider_note).await?;
    let address = TextRule::line(Field::Address, 200).check(&address)?;
    let building = TextRule::line(Field::Building, 100)
        .optional()
        .check(&building)?;
    let place = confirmed_place(&address).await?;
    // The building the customer picked (a keyword match names it) before the provider's own.
    let building = Some(building)
        .filter(|name| !name.is_empty())
        .or(place.building.clone());
    details
        .save_for(
            customer,
            place.address().to_owned(),
            Some(&place.lot_address),
            building,
            place.position,
        )
        .await
}

/// Saves the phone's own position with the address its customer typed, for a server with no
/// geocoding provider, where "use my location" is the only way to a point. With a provider the
/// typed text could disagree with the point, so it is refused there: search and pick instead.
#[server(endpoint = "add_located_address")]
pub async fn add_located_address(
    label: String,
    line: String,
    lat: f64,
    lng: f64,
    unit: String,
    rider_note: String,
) -> Result<SavedAddress, AppError> {
    use super::{in_korea, SearchRefusal};
    use crate::platform::error::Problem;
    use crate::platform::geo::Position;
    use crate::platform::state::AppState;
    use crate::platform::text::{Field, TextRule};
    let (customer, details) = AddressDetails::check(&label, &unit, &rider_note).await?;
    let line = TextRule::line(Field::Address, 200).check(&line)?;
    let position = Position::new(lat, lng).ok_or(AppError::Invalid(Problem::AddressOffMap))?;
    if !in_korea(position) {
        return Err(AppError::Search(SearchRefusal::OutsideKorea));
    }
    if AppState::get()?.geocoder.is_some() {
        return Err(AppError::Search(SearchRefusal::SearchIsOn));
    }
    details.save_for(customer, line, None, None, position).await
}

/// What only the customer knows about an address, however it was found: its name, the unit
/// (동/호) and the note for the rider, checked.
#[cfg(feature = "ssr")]
struct AddressDetails {
    label: String,
    unit: String,
    rider_note: String,
}

#[cfg(feature = "ssr")]
impl AddressDetails {
    /// The calling customer and their details, or why either is refused.
    async fn check(
        label: &str,
        unit: &str,
        rider_note: &str,
    ) -> Result<(crate::platform::AccountId, AddressDetails), AppError> {
        use crate::platform::text::{Field, TextRule};
        use crate::platform::{auth, Role};
        let customer = auth::require(Role::Customer).await?;
        let details = AddressDetails {
            label: TextRule::line(Field::AddressName, 40).check(label)?,
            unit: TextRule::line(Field::Unit, 40).optional().check(unit)?,
            rider_note: TextRule::line(Field::RiderNote, 200)
                .optional()
                .check(rider_note)?,
        };
        Ok((customer.account_id, details))
    }

    /// Saves the address for `customer` unless they keep the most addresses already.
    async fn save_for(
        self,
        customer: crate::platform::AccountId,
        line: String,
        lot_address: Option<&str>,
        building: Option<String>,
        position: crate::platform::geo::Position,
    ) -> Result<SavedAddress, AppError> {
        use crate::platform::api::MAX_SAVED_ADDRESSES;
        use crate::platform::error::Limit;
        use crate::platform::{insert_address, NewAddress};
        let state = crate::platform::state::AppState::get()?;
        let mut tx = state.pool.begin().await?;
        let most = MAX_SAVED_ADDRESSES as i64;
        let new = NewAddress {
            label: &self.label,
            line: &line,
            lot_address,
            building: building.as_deref(),
            unit: &self.unit,
            rider_note: &self.rider_note,
            position,
        };
        let address_id = insert_address(&mut tx, customer, new, most)
            .await?
            .ok_or(AppError::LimitReached(Limit::Addresses { most }))?;
        tx.commit().await?;
        Ok(SavedAddress {
            address_id,
            label: self.label,
            line,
            building,
            unit: self.unit,
            rider_note: self.rider_note,
            position,
        })
    }
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
