//! Joining on a phone: `/partner/apply` for store owners and `/rider/apply` for riders (an
//! account, a proven phone, the application and where it stands), and `/ops/applications`, the
//! operators' queue.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{
    application_queue, my_application, ApplyAsOwner, ApplyAsRider, DecideApplication,
};
use super::{
    Application, ApplicationDetails, ApplicationForReview, ApplicationKind, ApplicationStatus,
    Decision, OwnerDetails, RiderDetails, Vehicle, MESSAGE_MAX_CHARS,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::places::pages::PlaceSearch;
use crate::places::Place;
use crate::platform::account_pages::{PhoneCard, SignUpForm};
use crate::platform::clock::date_and_time;
use crate::platform::pages::{action_failure, ErrorNote};
use crate::platform::phone::MobileNumber;
use crate::platform::session::{use_session, RequireRole};
use crate::platform::Role;
use crate::store::phone::phone_shown;

/// `/partner/apply`: a store owner's way in.
#[component]
pub fn OwnerApplyPage() -> impl IntoView {
    view! { <ApplyPage kind=ApplicationKind::Owner /> }
}

/// `/rider/apply`: a rider's way in.
#[component]
pub fn RiderApplyPage() -> impl IntoView {
    view! { <ApplyPage kind=ApplicationKind::Rider /> }
}

/// The path of the application page of `kind`.
pub fn apply_path(kind: ApplicationKind) -> &'static str {
    match kind {
        ApplicationKind::Owner => "/partner/apply",
        ApplicationKind::Rider => "/rider/apply",
    }
}

/// The three steps on one page: an account of the right role (made here by signing up), a
/// proven phone, then the application and where it stands.
#[component]
fn ApplyPage(kind: ApplicationKind) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let (role, path) = match kind {
        ApplicationKind::Owner => (Role::Owner, apply_path(kind)),
        ApplicationKind::Rider => (Role::Rider, apply_path(kind)),
    };
    let title = move || match kind {
        ApplicationKind::Owner => t_string!(i18n, joining.owner_title),
        ApplicationKind::Rider => t_string!(i18n, joining.rider_title),
    };
    let intro = move || match kind {
        ApplicationKind::Owner => t_string!(i18n, joining.owner_intro),
        ApplicationKind::Rider => t_string!(i18n, joining.rider_intro),
    };
    let step = move || match session.user.get() {
        None => view! {
            <section class="card narrow">
                <h2>{t!(i18n, joining.step_account)}</h2>
                <SignUpForm next=Signal::stored(Some(path.to_owned())) joining_as=kind.as_str() />
            </section>
        }
        .into_any(),
        Some(user) if user.role == role => view! {
            <PhoneCard come_back=path />
            <YourApplication kind />
        }
        .into_any(),
        Some(_) => view! {
            <section class="card">
                <p>{t!(i18n, joining.other_role)}</p>
            </section>
        }
        .into_any(),
    };
    view! {
        <h1>{title}</h1>
        <p class="muted">{intro}</p>
        {step}
    }
}

/// Whether the applicant may send an application of `kind` now, given their newest one: a first
/// one, the changes asked for, a new one after a rejection, or an owner's next store.
fn may_send(kind: ApplicationKind, newest: Option<&Application>) -> bool {
    match newest.map(|application| application.status) {
        None | Some(ApplicationStatus::ChangesAsked | ApplicationStatus::Rejected) => true,
        Some(ApplicationStatus::Submitted) => false,
        Some(ApplicationStatus::Approved) => kind == ApplicationKind::Owner,
    }
}

/// The applicant's newest application with the reviewer's word, and the form when they may send.
#[component]
fn YourApplication(kind: ApplicationKind) -> impl IntoView {
    let i18n = use_i18n();
    let as_owner = ServerAction::<ApplyAsOwner>::new();
    let as_rider = ServerAction::<ApplyAsRider>::new();
    // Read again once an application has gone through: a refusal leaves the form as it was
    // typed, the place picked included, for the applicant to correct.
    let sent = RwSignal::new(0_u32);
    Effect::new(move |_| {
        let owner_sent = matches!(as_owner.value().get(), Some(Ok(_)));
        let rider_sent = matches!(as_rider.value().get(), Some(Ok(_)));
        if owner_sent || rider_sent {
            sent.update(|count| *count += 1);
        }
    });
    let newest = Resource::new(move || sent.get(), |_| my_application());
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match newest.await {
                    Ok(newest) => {
                        let form = may_send(kind, newest.as_ref()).then(|| {
                            let details = newest.as_ref().map(|a| a.details.clone());
                            let again = newest
                                .as_ref()
                                .is_some_and(|a| a.status == ApplicationStatus::Approved);
                            match details {
                                Some(ApplicationDetails::Rider(before)) => {
                                    view! { <RiderFormCard send=as_rider before=Some(before) /> }
                                        .into_any()
                                }
                                Some(ApplicationDetails::Owner(before)) => {
                                    view! { <OwnerFormCard send=as_owner before=Some(before) again /> }
                                        .into_any()
                                }
                                None if kind == ApplicationKind::Rider => {
                                    view! { <RiderFormCard send=as_rider before=None /> }.into_any()
                                }
                                None => {
                                    view! { <OwnerFormCard send=as_owner before=None again=false /> }
                                        .into_any()
                                }
                            }
                        });
                        view! {
                            {newest.map(|application| view! { <Standing application /> })}
                            {form}
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Where the application stands, the reviewer's newest word, and the next step once approved.
#[component]
fn Standing(application: Application) -> impl IntoView {
    let i18n = use_i18n();
    let status = application.status;
    let sent = date_and_time(application.submitted_at);
    let word = application.last_decision().cloned().map(|decision| {
        let message = decision.message.clone();
        let at = date_and_time(decision.decided_at);
        let said = move || match decision.decision {
            Decision::Approve => t_string!(i18n, joining.approved_at, at = at.clone()),
            Decision::Reject => {
                t_string!(
                    i18n,
                    joining.rejected_because,
                    reason = message.clone(),
                    at = at.clone()
                )
            }
            Decision::AskChanges => {
                t_string!(
                    i18n,
                    joining.changes_asked,
                    request = message.clone(),
                    at = at.clone()
                )
            }
        };
        view! { <p data-testid="reviewer-word">{said}</p> }
    });
    let next_step = (status == ApplicationStatus::Approved).then(|| match application.details {
        ApplicationDetails::Owner(_) => {
            view! { <A href="/store" attr:class="button primary">{t!(i18n, joining.to_store)}</A> }
                .into_any()
        }
        ApplicationDetails::Rider(_) => {
            view! { <A href="/rider" attr:class="button primary">{t!(i18n, joining.to_riding)}</A> }
                .into_any()
        }
    });
    let waiting = (status == ApplicationStatus::Submitted)
        .then(|| view! { <p class="muted">{t!(i18n, joining.waiting)}</p> });
    view! {
        <section class="card stack" aria-labelledby="application-heading" data-testid="application">
            <h2 id="application-heading">{t!(i18n, joining.your_application)}</h2>
            <p>
                <span class="badge" data-testid="application-status">
                    {move || status.in_language(i18n.get_locale())}
                </span>
                " "
                <span class="muted">{move || t_string!(i18n, joining.sent_at, at = sent.clone())}</span>
            </p>
            {word}
            {waiting}
            <DetailsFacts details=application.details />
            {next_step}
        </section>
    }
}

/// What an application holds, as a list of facts.
#[component]
fn DetailsFacts(details: ApplicationDetails) -> impl IntoView {
    let i18n = use_i18n();
    match details {
        ApplicationDetails::Owner(owner) => view! {
            <dl class="facts">
                <dt>{t!(i18n, joining.business_name)}</dt>
                <dd>{owner.business_name}</dd>
                <dt>{t!(i18n, joining.business_number)}</dt>
                <dd>{owner.business_number.shown()}</dd>
                <dt>{t!(i18n, joining.store_name)}</dt>
                <dd>{owner.store_name}</dd>
                <dt>{t!(i18n, joining.store_category)}</dt>
                <dd>{owner.store_category}</dd>
                <dt>{t!(i18n, joining.store_phone)}</dt>
                <dd>{phone_shown(&owner.store_phone)}</dd>
                <dt>{t!(i18n, joining.store_address)}</dt>
                <dd>{owner.store_address}</dd>
            </dl>
        }
        .into_any(),
        ApplicationDetails::Rider(rider) => {
            let vehicle = rider.vehicle;
            view! {
                <dl class="facts">
                    <dt>{t!(i18n, joining.vehicle)}</dt>
                    <dd>{move || vehicle.in_language(i18n.get_locale())}</dd>
                    <dt>{t!(i18n, joining.area)}</dt>
                    <dd>{rider.area}</dd>
                </dl>
            }
            .into_any()
        }
    }
}

/// A place picked by search for a form: the address shown with a way to pick another, or the
/// search. The address goes with the form as `name`; the server asks the provider for its point.
#[component]
fn PickedPlace(
    name: &'static str,
    /// Whose place: a store's address or a rider's area.
    kind: ApplicationKind,
    before: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let address = RwSignal::new(before.unwrap_or_default());
    let picked = RwSignal::new(None::<Place>);
    Effect::new(move |_| {
        if let Some(place) = picked.get() {
            address.set(place.address().to_owned());
        }
    });
    let label = move || match kind {
        ApplicationKind::Rider => t_string!(i18n, joining.area),
        ApplicationKind::Owner => t_string!(i18n, joining.store_address),
    };
    view! {
        <fieldset class="picked-place">
            <legend>{label}</legend>
            <input type="hidden" name=name value=address />
            {move || match address.get() {
                chosen if chosen.is_empty() => view! { <PlaceSearch picked /> }.into_any(),
                chosen => view! {
                    <p class="row">
                        <strong data-testid="picked-place">{chosen}</strong>
                        <button
                            type="button"
                            on:click=move |_| {
                                picked.set(None);
                                address.set(String::new());
                            }
                        >
                            {t!(i18n, address.other_place)}
                        </button>
                    </p>
                }
                .into_any(),
            }}
        </fieldset>
    }
}

/// The store owner's form, filled with what they sent before when they are changing it.
#[component]
fn OwnerFormCard(
    send: ServerAction<ApplyAsOwner>,
    before: Option<OwnerDetails>,
    /// An approved owner applying for another store.
    again: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = |read: fn(&OwnerDetails) -> String| before.as_ref().map(read).unwrap_or_default();
    let business_name = value(|b| b.business_name.clone());
    let business_number = value(|b| b.business_number.shown());
    // A new store has its own name, phone and place.
    let (store_name, store_category, store_phone, store_address) = match again {
        true => (String::new(), String::new(), String::new(), None),
        false => (
            value(|b| b.store_name.clone()),
            value(|b| b.store_category.clone()),
            value(|b| phone_shown(&b.store_phone)),
            before.as_ref().map(|b| b.store_address.clone()),
        ),
    };
    let heading = move || match again {
        true => t_string!(i18n, joining.another_store),
        false => t_string!(i18n, joining.application_form),
    };
    view! {
        <section class="card narrow" aria-labelledby="form-heading">
            <h2 id="form-heading">{heading}</h2>
            <ActionForm action=send attr:class="stack application-form">
                <label>
                    {t!(i18n, joining.business_name)}
                    <input name="business_name" maxlength="100" value=business_name required />
                </label>
                <label>
                    {t!(i18n, joining.business_number)}
                    <input
                        name="business_number"
                        inputmode="numeric"
                        maxlength="12"
                        placeholder="000-00-00000"
                        value=business_number
                        required
                        aria-describedby="business-number-hint"
                    />
                </label>
                <small id="business-number-hint" class="muted hint">
                    {t!(i18n, joining.business_number_hint)}
                </small>
                <label>
                    {t!(i18n, joining.store_name)}
                    <input name="store_name" maxlength="100" value=store_name required />
                </label>
                <label>
                    {t!(i18n, joining.store_category)}
                    <input
                        name="store_category"
                        maxlength="30"
                        placeholder="분식"
                        value=store_category
                        required
                    />
                </label>
                <label>
                    {t!(i18n, joining.store_phone)}
                    <input
                        name="store_phone"
                        type="tel"
                        inputmode="tel"
                        maxlength="20"
                        placeholder="02-123-4567"
                        value=store_phone
                        required
                    />
                </label>
                <PickedPlace name="store_address" kind=ApplicationKind::Owner before=store_address />
                <button type="submit" class="primary" disabled=send.pending()>
                    {t!(i18n, joining.send)}
                </button>
            </ActionForm>
            {move || action_failure(send.value().get())}
        </section>
    }
}

/// The rider's form, filled with what they sent before when they are changing it.
#[component]
fn RiderFormCard(send: ServerAction<ApplyAsRider>, before: Option<RiderDetails>) -> impl IntoView {
    let i18n = use_i18n();
    let vehicle_before = before.as_ref().map(|b| b.vehicle);
    let area_before = before.map(|b| b.area);
    let vehicles = Vehicle::ALL
        .into_iter()
        .map(|vehicle| {
            view! {
                <label class="inline">
                    <input
                        type="radio"
                        name="vehicle"
                        value=vehicle.as_str()
                        checked=vehicle_before == Some(vehicle)
                        required
                    />
                    {move || vehicle.in_language(i18n.get_locale())}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card narrow" aria-labelledby="form-heading">
            <h2 id="form-heading">{t!(i18n, joining.application_form)}</h2>
            <ActionForm action=send attr:class="stack application-form">
                <fieldset>
                    <legend>{t!(i18n, joining.vehicle)}</legend>
                    {vehicles}
                </fieldset>
                <PickedPlace name="area" kind=ApplicationKind::Rider before=area_before />
                <fieldset class="consents">
                    <legend>{t!(i18n, joining.location_title)}</legend>
                    <p class="small">{t!(i18n, joining.location_plainly)}</p>
                    <label class="inline">
                        <input type="checkbox" name="location_consent" value="yes" required />
                        {t!(i18n, joining.location_consent)}
                    </label>
                </fieldset>
                <button type="submit" class="primary" disabled=send.pending()>
                    {t!(i18n, joining.send)}
                </button>
            </ActionForm>
            {move || action_failure(send.value().get())}
        </section>
    }
}

/// `/ops/applications`: the applications waiting for review, the longest waiting first.
#[component]
pub fn ApplicationsReviewPage() -> impl IntoView {
    view! {
        <RequireRole role=Role::Operator>
            <ReviewQueue />
        </RequireRole>
    }
}

#[component]
fn ReviewQueue() -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideApplication>::new();
    // Read again after a decision went through; a refusal keeps what the operator typed.
    let decisions = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if matches!(decide.value().get(), Some(Ok(()))) {
            decisions.update(|count| *count += 1);
        }
    });
    let queue = Resource::new(move || decisions.get(), |_| application_queue());
    let decided = move || {
        decide.value().get().and_then(Result::ok).map(
            |_| view! { <p role="status" class="success">{t!(i18n, joining.decision_sent)}</p> },
        )
    };
    view! {
        <h1>{t!(i18n, joining.review_title)}</h1>
        <p class="muted">{t!(i18n, joining.review_intro)}</p>
        {decided}
        {move || action_failure(decide.value().get())}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(waiting) if waiting.is_empty() => {
                        view! { <p class="card">{t!(i18n, joining.queue_empty)}</p> }.into_any()
                    }
                    Ok(waiting) => view! {
                        <ul class="plain" aria-label=move || t_string!(i18n, joining.queue)>
                            {waiting
                                .into_iter()
                                .map(|item| view! { <ReviewCard item decide /> })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One application to decide: who sent it, what it holds, what was decided on it before, and the
/// decision with its message.
#[component]
fn ReviewCard(
    item: ApplicationForReview,
    decide: ServerAction<DecideApplication>,
) -> impl IntoView {
    let i18n = use_i18n();
    let application = item.application;
    let id = application.application_id.0.to_string();
    let kind = application.details.kind();
    let sent = date_and_time(application.submitted_at);
    let phone = item
        .applicant_phone
        .map(|digits| MobileNumber::stored(digits).shown());
    let earlier = application
        .decisions
        .into_iter()
        .map(|decision| {
            let at = date_and_time(decision.decided_at);
            let what = decision.decision;
            view! {
                <li>
                    {move || what.in_language(i18n.get_locale())} " · " {at} " · "
                    {decision.message}
                </li>
            }
        })
        .collect_view();
    let kind_label = move || match kind {
        ApplicationKind::Owner => t_string!(i18n, joining.kind_owner),
        ApplicationKind::Rider => t_string!(i18n, joining.kind_rider),
    };
    view! {
        <li class="card stack" data-testid="review">
            <h2>
                <span class="badge">{kind_label}</span> " " {item.applicant_name}
            </h2>
            <p class="muted small">
                {item.applicant_email} {phone.map(|phone| view! { " · " {phone} })} " · "
                {move || t_string!(i18n, joining.sent_at, at = sent.clone())}
            </p>
            <DetailsFacts details=application.details />
            <ul class="small muted">{earlier}</ul>
            <ActionForm action=decide attr:class="stack">
                <input type="hidden" name="application_id" value=id />
                <fieldset>
                    <legend>{t!(i18n, joining.decision)}</legend>
                    {[Decision::Approve, Decision::AskChanges, Decision::Reject]
                        .into_iter()
                        .map(|decision| {
                            view! {
                                <label class="inline">
                                    <input type="radio" name="decision" value=decision.as_str() required />
                                    {move || decision.in_language(i18n.get_locale())}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label>
                    {t!(i18n, joining.message)}
                    <textarea
                        name="message"
                        rows="3"
                        maxlength=MESSAGE_MAX_CHARS.to_string()
                        aria-describedby="message-hint"
                    ></textarea>
                </label>
                <small id="message-hint" class="muted hint">{t!(i18n, joining.message_hint)}</small>
                <button type="submit" class="primary" disabled=decide.pending()>
                    {t!(i18n, joining.send_decision)}
                </button>
            </ActionForm>
        </li>
    }
}
