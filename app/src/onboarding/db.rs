//! The `onboarding` schema: applications and the decisions on them.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::{
    Application, ApplicationDetails, ApplicationForReview, ApplicationId, ApplicationKind,
    ApplicationProblem, ApplicationStatus, Decision, DecisionRecord,
};
use crate::platform::{AccountId, AppError};

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    application_id: Uuid,
    status: String,
    details: Json<ApplicationDetails>,
    first_submitted_at: DateTime<Utc>,
    submitted_at: DateTime<Utc>,
    decisions: Json<Vec<DecisionRow>>,
}

#[derive(serde::Deserialize)]
struct DecisionRow {
    decision: String,
    message: String,
    decided_at: DateTime<Utc>,
}

impl ApplicationRow {
    fn into_application(self) -> sqlx::Result<Application> {
        let unreadable = |what: String| sqlx::Error::Decode(what.into());
        let status = ApplicationStatus::parse(&self.status)
            .ok_or_else(|| unreadable(format!("application status {}", self.status)))?;
        let decisions = self
            .decisions
            .0
            .into_iter()
            .map(|row| {
                Ok(DecisionRecord {
                    decision: Decision::parse(&row.decision)
                        .ok_or_else(|| unreadable(format!("decision {}", row.decision)))?,
                    message: row.message,
                    decided_at: row.decided_at,
                })
            })
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok(Application {
            application_id: ApplicationId(self.application_id),
            status,
            details: self.details.0,
            first_submitted_at: self.first_submitted_at,
            submitted_at: self.submitted_at,
            decisions,
        })
    }
}

/// The columns of an application `a` with its decisions, oldest first, as one JSON array. The
/// queries below splice in only this constant, never a caller's text.
const APPLICATION_COLUMNS: &str = "a.application_id, a.status, a.details, a.first_submitted_at,
    a.submitted_at,
    COALESCE((SELECT json_agg(json_build_object('decision', d.decision, 'message', d.message,
                                                'decided_at', d.decided_at)
                              ORDER BY d.decided_at)
              FROM onboarding.decisions d WHERE d.application_id = a.application_id),
             '[]') AS decisions";

/// The applicant's newest application of `kind`, if they have made one.
pub async fn newest_of(
    db: impl PgExecutor<'_>,
    applicant: AccountId,
    kind: ApplicationKind,
) -> sqlx::Result<Option<Application>> {
    let row: Option<ApplicationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION_COLUMNS} FROM onboarding.applications a
         WHERE a.applicant_id = $1 AND a.kind = $2
         ORDER BY a.first_submitted_at DESC LIMIT 1"
    )))
    .bind(applicant.0)
    .bind(kind.as_str())
    .fetch_optional(db)
    .await?;
    row.map(ApplicationRow::into_application).transpose()
}

/// Sends `details` for review: a first application, or the changed one an operator asked for,
/// which goes to the back of the queue. Refused while one waits for review, and for a rider
/// already approved; an owner may apply for another store once the last one is decided.
pub async fn submit(
    conn: &mut PgConnection,
    applicant: AccountId,
    details: &ApplicationDetails,
) -> Result<ApplicationId, AppError> {
    let kind = details.kind();
    let open: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT application_id, status FROM onboarding.applications
         WHERE applicant_id = $1 AND kind = $2 AND status IN ('submitted', 'changes_asked')
         FOR UPDATE",
    )
    .bind(applicant.0)
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    match open {
        Some((id, status)) if status == ApplicationStatus::ChangesAsked.as_str() => {
            sqlx::query(
                "UPDATE onboarding.applications
                 SET details = $2, status = 'submitted', submitted_at = clock_timestamp()
                 WHERE application_id = $1",
            )
            .bind(id)
            .bind(Json(details))
            .execute(&mut *conn)
            .await?;
            Ok(ApplicationId(id))
        }
        Some(_) => Err(ApplicationProblem::AlreadyUnderReview.into()),
        None => {
            if kind == ApplicationKind::Rider {
                let approved: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM onboarding.applications
                     WHERE applicant_id = $1 AND kind = 'rider' AND status = 'approved')",
                )
                .bind(applicant.0)
                .fetch_one(&mut *conn)
                .await?;
                if approved {
                    return Err(ApplicationProblem::AlreadyApproved.into());
                }
            }
            let id = Uuid::new_v4();
            // Two tabs sending at once: the unique index lets one through.
            let inserted = sqlx::query(
                "INSERT INTO onboarding.applications
                     (application_id, applicant_id, kind, status, details)
                 VALUES ($1, $2, $3, 'submitted', $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(applicant.0)
            .bind(kind.as_str())
            .bind(Json(details))
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Err(ApplicationProblem::AlreadyUnderReview.into());
            }
            Ok(ApplicationId(id))
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    #[sqlx(flatten)]
    application: ApplicationRow,
    applicant_id: Uuid,
    display_name: String,
    email: String,
    phone: Option<String>,
}

/// Applications waiting for review, the longest waiting first.
pub async fn queue(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<ApplicationForReview>> {
    let rows: Vec<ReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION_COLUMNS}, a.applicant_id, p.display_name, p.email,
                CASE WHEN p.phone_proven_at IS NOT NULL THEN p.phone END AS phone
         FROM onboarding.applications a
         JOIN platform.accounts p ON p.account_id = a.applicant_id
         WHERE a.status = 'submitted'
         ORDER BY a.submitted_at, a.application_id
         LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ApplicationForReview {
                application: row.application.into_application()?,
                applicant_id: AccountId(row.applicant_id),
                applicant_name: row.display_name,
                applicant_email: row.email,
                applicant_phone: row.phone,
            })
        })
        .collect()
}

/// An application locked for a decision: who sent it, where it stands, what it holds.
pub struct Locked {
    pub applicant: AccountId,
    pub status: ApplicationStatus,
    pub details: ApplicationDetails,
}

/// Locks the application until the caller's transaction ends, so two operators deciding at once
/// decide one after the other.
pub async fn lock(
    conn: &mut PgConnection,
    application: ApplicationId,
) -> sqlx::Result<Option<Locked>> {
    let row: Option<(Uuid, String, Json<ApplicationDetails>)> = sqlx::query_as(
        "SELECT applicant_id, status, details FROM onboarding.applications
         WHERE application_id = $1 FOR UPDATE",
    )
    .bind(application.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(applicant, status, details)| {
        Ok(Locked {
            applicant: AccountId(applicant),
            status: ApplicationStatus::parse(&status).ok_or_else(|| {
                sqlx::Error::Decode(format!("application status {status}").into())
            })?,
            details: details.0,
        })
    })
    .transpose()
}

/// Records `decision` by `operator` and moves the application on; returns the decision's id.
pub async fn record_decision(
    conn: &mut PgConnection,
    application: ApplicationId,
    decision: Decision,
    message: &str,
    operator: AccountId,
) -> sqlx::Result<Uuid> {
    let decision_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO onboarding.decisions
             (decision_id, application_id, decision, message, decided_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(decision_id)
    .bind(application.0)
    .bind(decision.as_str())
    .bind(message)
    .bind(operator.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE onboarding.applications SET status = $2 WHERE application_id = $1")
        .bind(application.0)
        .bind(decision.leaves().as_str())
        .execute(&mut *conn)
        .await?;
    Ok(decision_id)
}
