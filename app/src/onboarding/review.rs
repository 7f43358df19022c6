//! An operator's decision on an application, and what it sets going: the rider's record or the
//! owner's store (not yet live) on approval, and the applicant's message either way, all in the
//! transaction that records the decision.

use super::{
    db, ApplicationDetails, ApplicationId, ApplicationKind, ApplicationProblem, ApplicationStatus,
    Decision,
};
use crate::notification::{applicants, ApplicantNews, AppliedAs};
use crate::platform::error::Missing;
use crate::platform::{state::AppState, AccountId, AppError};

/// Decides `application` for `operator`. Only an application waiting for review is decided: a
/// second operator deciding the same one a moment later is told it has been decided.
pub async fn decide(
    state: &AppState,
    operator: AccountId,
    application: ApplicationId,
    decision: Decision,
    message: &str,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    let locked = db::lock(&mut tx, application)
        .await?
        .ok_or(AppError::NotFound(Missing::Application))?;
    if locked.status != ApplicationStatus::Submitted {
        return Err(ApplicationProblem::NotAwaitingReview.into());
    }
    let decision_id =
        db::record_decision(&mut tx, application, decision, message, operator).await?;
    if decision == Decision::Approve {
        match &locked.details {
            ApplicationDetails::Rider(_) => {
                crate::delivery::enrol_rider(&mut *tx, locked.applicant).await?;
            }
            ApplicationDetails::Owner(owner) => {
                crate::store::insert_unlisted_store(
                    &mut tx,
                    locked.applicant,
                    &owner.store_name,
                    &owner.store_category,
                    &owner.store_phone,
                    &owner.store_address,
                    owner.store_position,
                )
                .await?;
            }
        }
    }
    let news = match decision {
        Decision::Approve => ApplicantNews::Approved(match locked.details.kind() {
            ApplicationKind::Owner => AppliedAs::Owner,
            ApplicationKind::Rider => AppliedAs::Rider,
        }),
        Decision::Reject => ApplicantNews::Rejected { reason: message },
        Decision::AskChanges => ApplicantNews::ChangesAsked { request: message },
    };
    applicants::tell_of_decision(&mut tx, state, decision_id, locked.applicant, news).await?;
    tx.commit().await?;
    tracing::info!(
        application_id = %application.0,
        operator = %operator.0,
        decision = decision.as_str(),
        "application decided"
    );
    Ok(())
}
