//! Telling an applicant what an operator decided on their application: in their inbox, and over
//! KakaoTalk to their proven phone, once per decision.

use std::collections::BTreeMap;

use sqlx::PgConnection;
use uuid::Uuid;

use super::kakao::{self, Template};
use super::{db, ApplicantNews, AppliedAs, InboxText};
use crate::i18n::Locale;
use crate::platform::{state::AppState, AccountId};

/// The AlimTalk templates of decisions, registered with Kakao beside the order templates; `#{사유}`
/// stands for the reviewer's reason or request.
const OWNER_APPROVED: Template = Template {
    code: "BAEDAL_OWNER_APPROVED",
    text:
        "[배달 사장님] 입점 신청이 승인됐어요. 가게 설정을 마치고 준비가 되면 영업을 시작해 주세요.",
};
const RIDER_APPROVED: Template = Template {
    code: "BAEDAL_RIDER_APPROVED",
    text: "[배달 라이더] 라이더 신청이 승인됐어요. 이제 출근할 수 있어요.",
};
const REJECTED: Template = Template {
    code: "BAEDAL_APPLICATION_REJECTED",
    text: "[배달] 신청이 승인되지 않았어요. 사유: #{사유}",
};
const CHANGES_ASKED: Template = Template {
    code: "BAEDAL_APPLICATION_CHANGES",
    text: "[배달] 신청서를 고쳐서 다시 보내 주세요. 요청: #{사유}",
};

/// Puts the decision in the applicant's inbox and records its KakaoTalk message, inside the
/// caller's transaction (the one that records the decision), so neither is lost nor sent for a
/// decision that did not stand.
pub async fn tell_of_decision(
    conn: &mut PgConnection,
    state: &AppState,
    decision_id: Uuid,
    applicant: AccountId,
    news: ApplicantNews<'_>,
) -> sqlx::Result<()> {
    let (text, template, message) = match news {
        ApplicantNews::Approved(kind) => (
            InboxText::ApplicationApproved { kind },
            match kind {
                AppliedAs::Owner => OWNER_APPROVED,
                AppliedAs::Rider => RIDER_APPROVED,
            },
            "",
        ),
        ApplicantNews::Rejected { reason } => (
            InboxText::ApplicationRejected {
                reason: reason.to_owned(),
            },
            REJECTED,
            reason,
        ),
        ApplicantNews::ChangesAsked { request } => (
            InboxText::ApplicationChangesAsked {
                request: request.to_owned(),
            },
            CHANGES_ASKED,
            request,
        ),
    };
    if state.kakao.is_some() {
        let variables = BTreeMap::from([("사유", message.to_owned())]);
        kakao::record_and_queue(&mut *conn, decision_id, applicant, template, &variables).await?;
    }
    let english = text.in_language(Locale::en, "");
    db::deliver(
        &mut *conn,
        &[db::InboxMessage {
            event_id: decision_id,
            order_id: None,
            recipient: applicant,
            text,
            english,
        }],
    )
    .await
}
