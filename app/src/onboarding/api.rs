//! Server functions of joining: an owner's or a rider's own application, and the operators'
//! review of them.

use leptos::prelude::*;

use super::{Application, ApplicationForReview, ApplicationId};
use crate::platform::AppError;

/// The most applications the review page lists at once, the longest waiting first.
pub const QUEUE_SHOWN: i64 = 50;

/// The caller's newest application, if they have made one: an owner's or a rider's own only.
#[server(endpoint = "my_application")]
pub async fn my_application() -> Result<Option<Application>, AppError> {
    use crate::platform::state::AppState;
    let (applicant, kind) = applicant().await?;
    Ok(super::db::newest_of(&AppState::get()?.pool, applicant.account_id, kind).await?)
}

/// The calling owner's application for a store: the business, its registration number, and the
/// store's name, kind of food, phone and address (one the provider found; its point comes from the provider).
/// A first application, or the changed one a reviewer asked for.
#[server(endpoint = "apply_as_owner")]
pub async fn apply_as_owner(
    business_name: String,
    business_number: String,
    store_name: String,
    store_category: String,
    store_phone: String,
    store_address: String,
) -> Result<Application, AppError> {
    use super::{ApplicationDetails, ApplicationKind, OwnerForm};
    use crate::platform::{auth, Role};
    let owner = auth::require(Role::Owner).await?;
    let checked = OwnerForm {
        business_name,
        business_number,
        store_name,
        store_category,
        store_phone,
        store_address,
    }
    .check()?;
    let state = phone_proven(owner.account_id).await?;
    let place = crate::places::api::confirmed_place(&checked.store_address).await?;
    let details = ApplicationDetails::Owner(checked.at(place.address().to_owned(), place.position));
    let mut tx = state.pool.begin().await?;
    super::db::submit(&mut tx, owner.account_id, &details).await?;
    tx.commit().await?;
    submitted(&state, owner.account_id, ApplicationKind::Owner).await
}

/// The calling rider's application: what they ride, where they want to ride (a place the provider
/// found), and their consent to their position being sent while on duty, which riding needs.
#[server(endpoint = "apply_as_rider")]
pub async fn apply_as_rider(
    vehicle: String,
    area: String,
    location_consent: Option<String>,
) -> Result<Application, AppError> {
    use super::{ApplicationDetails, ApplicationKind, RiderForm};
    use crate::platform::sign_up::Consent;
    use crate::platform::{auth, Role};
    let rider = auth::require(Role::Rider).await?;
    let checked = RiderForm {
        vehicle,
        area,
        location_consent: location_consent.is_some(),
    }
    .check()?;
    let state = phone_proven(rider.account_id).await?;
    let place = crate::places::api::confirmed_place(&checked.area).await?;
    let details = ApplicationDetails::Rider(checked.at(place.address().to_owned(), place.position));
    let mut tx = state.pool.begin().await?;
    super::db::submit(&mut tx, rider.account_id, &details).await?;
    crate::platform::give_consent(&mut *tx, rider.account_id, Consent::LocationOnDuty).await?;
    tx.commit().await?;
    submitted(&state, rider.account_id, ApplicationKind::Rider).await
}

/// Applications waiting for review, the longest waiting first; operators only.
#[server(endpoint = "application_queue")]
pub async fn application_queue() -> Result<Vec<ApplicationForReview>, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    Ok(super::db::queue(&AppState::get()?.pool, QUEUE_SHOWN).await?)
}

/// An operator's decision on an application: `approved`, `rejected` with the reason, or
/// `changes_asked` with what to change. The applicant is told in their inbox and over KakaoTalk.
#[server(endpoint = "decide_application")]
pub async fn decide_application(
    application_id: ApplicationId,
    decision: String,
    message: String,
) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let operator = auth::require(Role::Operator).await?;
    let (decision, message) = super::checked_decision(&decision, &message)?;
    super::review::decide(
        &AppState::get()?,
        operator.account_id,
        application_id,
        decision,
        &message,
    )
    .await
}

/// The caller, if they are an owner or a rider, with the kind of application they make.
#[cfg(feature = "ssr")]
async fn applicant() -> Result<(crate::platform::CurrentUser, super::ApplicationKind), AppError> {
    use crate::platform::{auth, Role};
    let user = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    match super::ApplicationKind::of_role(user.role) {
        Some(kind) => Ok((user, kind)),
        None => Err(AppError::WrongRole(Role::Owner)),
    }
}

/// The server's state, once the applicant's phone is proven: messages about the application go
/// there.
#[cfg(feature = "ssr")]
async fn phone_proven(
    applicant: crate::platform::AccountId,
) -> Result<crate::platform::state::AppState, AppError> {
    let state = crate::platform::state::AppState::get()?;
    if !crate::platform::phone_of(&state.pool, applicant)
        .await?
        .proven
    {
        return Err(super::ApplicationProblem::PhoneNotProven.into());
    }
    Ok(state)
}

/// The application as it stands after sending it.
#[cfg(feature = "ssr")]
async fn submitted(
    state: &crate::platform::state::AppState,
    applicant: crate::platform::AccountId,
    kind: super::ApplicationKind,
) -> Result<Application, AppError> {
    super::db::newest_of(&state.pool, applicant, kind)
        .await?
        .ok_or(AppError::Internal)
}
