//! The rider's screen: duty, position, deliveries open nearby (live), and the rider's own.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{
    my_deliveries, my_duty, open_deliveries, ClaimDelivery, ConfirmDelivery, Deliver, PickUp,
    ReportFailure, SetDuty, SetPosition,
};
use super::outbox::{Outbox, RiderTap};
use super::{DeliveryStatus, OpenDelivery, RiderDelivery};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::ordering::machine::{open_steps, Party, Standing, Verb};
use crate::ordering::OrderId;
use crate::places::pages::PlaceSearch;
use crate::platform::clock::time_of_day;
use crate::platform::error::Missing;
use crate::platform::first_frame::now_for_this_frame;
use crate::platform::live::{follow, Topic};
use crate::platform::pages::{action_feedback, ErrorNote};
use crate::platform::session::{use_session, RequireRole};
use crate::platform::{geo::format_distance, AppError, Role};

/// `/rider`.
#[component]
pub fn RiderHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Rider>
            <RiderScreen />
        </RequireRole>
    }
}

/// The rider's commands, shared by every card. Picked up, Delivered and a failure go through the
/// outbox, so that a tap without a connection is kept and sent later.
#[derive(Clone, Copy)]
struct RiderActions {
    claim: ServerAction<ClaimDelivery>,
    confirm: ServerAction<ConfirmDelivery>,
    outbox: Outbox,
}

impl RiderActions {
    fn version(&self) -> usize {
        self.claim.version().get() + self.confirm.version().get() + self.outbox.answered.get()
    }
}

#[component]
fn RiderScreen() -> impl IntoView {
    let set_duty = ServerAction::<SetDuty>::new();
    let set_position = ServerAction::<SetPosition>::new();
    // RequireRole renders this only for a logged-in rider.
    let rider = use_session()
        .user
        .get_untracked()
        .map(|user| user.account_id.0)
        .unwrap_or_default();
    let outbox = Outbox::new(rider);
    let duty = Resource::new(
        move || {
            (
                set_duty.version().get(),
                set_position.version().get(),
                outbox.answered.get(),
            )
        },
        |_| my_duty(),
    );
    let changes = follow(Topic::Deliveries);
    let actions = RiderActions {
        claim: ServerAction::new(),
        confirm: ServerAction::new(),
        outbox,
    };
    let open = Resource::new(
        move || {
            (
                changes.get(),
                set_duty.version().get(),
                set_position.version().get(),
                actions.version(),
            )
        },
        |_| open_deliveries(),
    );
    let mine = Resource::new(
        move || (changes.get(), actions.version()),
        |_| my_deliveries(),
    );
    let known_mine = StoredValue::new(None);
    let known_open = StoredValue::new(None);
    let i18n = use_i18n();
    let loading = move || view! { <p class="muted">{t!(i18n, common.loading)}</p> };

    view! {
        <h1>{t!(i18n, rider.title)}</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match duty.await {
                    Ok(status) => {
                        let on_duty = status.on_duty;
                        let range = format_distance(f64::from(status.range_m));
                        view! {
                            <section class="card duty" class:on=on_duty>
                                <p class="duty-state" data-testid="duty-state">
                                    {move || {
                                        if on_duty {
                                            t_string!(i18n, rider.on_duty)
                                        } else {
                                            t_string!(i18n, rider.off_duty)
                                        }
                                    }}
                                </p>
                                <p class="muted">
                                    {move || t_string!(i18n, rider.range, range = range.clone())}
                                </p>
                                <ActionForm action=set_duty>
                                    <input type="hidden" name="on_duty" value=(!on_duty).to_string() />
                                    <button
                                        type="submit"
                                        class="big"
                                        class:primary=!on_duty
                                        disabled=set_duty.pending()
                                    >
                                        {move || {
                                            if on_duty {
                                                t_string!(i18n, rider.go_off)
                                            } else {
                                                t_string!(i18n, rider.go_on)
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                            </section>
                            <PositionCard
                                at=status.position.map(|p| (p.lat, p.lng))
                                set_position
                                outbox
                            />
                        }
                            .into_any()
                    }
                    // A rider not approved yet has no rider record: the application says why.
                    Err(AppError::NotFound(Missing::RiderProfile)) => view! {
                        <section class="card">
                            <p>{t!(i18n, rider.not_approved)}</p>
                            <A href="/rider/apply" attr:class="button primary">
                                {t!(i18n, rider.see_application)}
                            </A>
                        </section>
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
        {move || {
            set_duty.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
        }}
        {action_feedback(actions.claim.pending(), actions.claim.value(), |l| td_string!(l, rider.claimed))}
        {action_feedback(actions.confirm.pending(), actions.confirm.value(), |l| td_string!(l, rider.confirmed))}
        {move || {
            let count = outbox.waiting_count();
            (count > 0)
                .then(|| {
                    view! {
                        <p class="notice" role="status" data-testid="outbox">
                            {move || t_string!(i18n, rider.waiting_to_send, count)}
                        </p>
                    }
                })
        }}
        {move || {
            outbox
                .last_answer
                .get()
                .map(|(tap, answer)| match answer {
                    Ok(()) => {
                        let locale = i18n.get_locale();
                        let done = match tap {
                            RiderTap::PickUp { .. } => td_string!(locale, rider.picked_up),
                            RiderTap::Deliver { .. } => td_string!(locale, rider.delivered),
                            RiderTap::ReportFailure { .. } => td_string!(locale, rider.reported),
                            RiderTap::Position { .. } => td_string!(locale, rider.position_updated),
                        };
                        view! { <p class="success" role="status">{done}</p> }.into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                })
        }}
        <section class="card">
            <h2>{t!(i18n, rider.mine)}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match last_known(mine.await, known_mine) {
                        Ok(Known { value: list, out_of_date }) => {
                            view! {
                                <OutOfDate out_of_date />
                                <MyDeliveries list actions />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, rider.nearby)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, rider.looking)}</p> }>
                {move || Suspend::new(async move {
                    match last_known(open.await, known_open) {
                        // The note above "My deliveries" already says the screen is offline.
                        Ok(Known { value: list, .. }) => {
                            view! { <OpenList list claim=actions.claim /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A list as the server last gave it, and whether reading it again failed since.
struct Known<T> {
    value: T,
    out_of_date: bool,
}

/// The list to show for `answer`. A re-read that does not get through (the rider in a lift,
/// the socket's change arriving as the signal drops) keeps the last list on the screen, so the
/// cards and their buttons stay where the rider's thumb is instead of turning into an error.
fn last_known<T: Clone + Send + Sync + 'static>(
    answer: Result<T, AppError>,
    last: StoredValue<Option<T>>,
) -> Result<Known<T>, AppError> {
    match answer {
        Ok(value) => {
            last.set_value(Some(value.clone()));
            Ok(Known {
                value,
                out_of_date: false,
            })
        }
        Err(AppError::Transport(detail)) => match last.get_value() {
            Some(value) => Ok(Known {
                value,
                out_of_date: true,
            }),
            None => Err(AppError::Transport(detail)),
        },
        Err(error) => Err(error),
    }
}

#[component]
fn OutOfDate(out_of_date: bool) -> impl IntoView {
    let i18n = use_i18n();
    out_of_date.then(|| {
        view! {
            <p class="notice" role="status" data-testid="out-of-date">
                {t!(i18n, rider.out_of_date)}
            </p>
        }
    })
}

/// Where the rider is: from the phone's location, or a place they search for when the phone has
/// no fix.
#[component]
fn PositionCard(
    at: Option<(f64, f64)>,
    set_position: ServerAction<SetPosition>,
    outbox: Outbox,
) -> impl IntoView {
    let located = RwSignal::new(None::<&'static str>);
    let i18n = use_i18n();
    // A place found by search stands for the phone's fix, and goes the same way (the outbox).
    let searched = RwSignal::new(None::<crate::places::Place>);
    Effect::new(move |_| {
        if let Some(place) = searched.get() {
            outbox.tap(RiderTap::Position {
                lat: place.position.lat,
                lng: place.position.lng,
            });
            searched.set(None);
        }
    });
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        locate_with_browser(outbox, located, i18n.get_locale_untracked());
        #[cfg(not(feature = "hydrate"))]
        let _ = outbox;
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, rider.my_position)}</h2>
            <p class="muted" data-testid="rider-position">
                {move || match at {
                    Some((lat, lng)) => format!("{lat:.4}, {lng:.4}"),
                    None => t_string!(i18n, rider.position_unknown).to_owned(),
                }}
            </p>
            <button type="button" on:click=locate disabled=set_position.pending()>
                {t!(i18n, rider.use_location)}
            </button>
            {move || located.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
            <details>
                <summary>{t!(i18n, rider.type_it)}</summary>
                <PlaceSearch picked=searched />
            </details>
            {action_feedback(
                set_position.pending(),
                set_position.value(),
                |l| td_string!(l, rider.position_updated),
            )}
        </section>
    }
}

/// Asks the browser for the rider's position and sends it (through the outbox, as the phone
/// may have a fix but no connection); explains when the browser says no.
#[cfg(feature = "hydrate")]
fn locate_with_browser(outbox: Outbox, problem: RwSignal<Option<&'static str>>, locale: Locale) {
    use crate::platform::geo::{ask_browser_position, NoPosition};
    ask_browser_position(move |answer| match answer {
        Ok(at) => {
            problem.set(None);
            outbox.tap(RiderTap::Position {
                lat: at.lat,
                lng: at.lng,
            });
        }
        Err(NoPosition::Unsupported) => problem.set(Some(td_string!(locale, rider.no_geolocation))),
        Err(NoPosition::Refused) => problem.set(Some(td_string!(locale, rider.location_refused))),
    });
}

#[component]
fn OpenList(list: Vec<OpenDelivery>, claim: ServerAction<ClaimDelivery>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{t!(i18n, rider.nothing_nearby)}</p> }.into_any();
    }
    view! {
        <ul class="plain deliveries" aria-label=move || t_string!(i18n, rider.open_list)>
            {list
                .into_iter()
                .map(|delivery| {
                    view! {
                        <li class="delivery" data-order=delivery.order_id.number()>
                            <div>
                                <strong>{delivery.store_name}</strong>
                                <p class="muted">
                                    {
                                        let number = delivery.order_id.number();
                                        let to_store = format_distance(delivery.distance_m);
                                        let ride = format_distance(delivery.ride_m);
                                        move || {
                                            t_string!(
                                                i18n, rider.offer,
                                                number = number.clone(),
                                                to_store = to_store.clone(),
                                                ride = ride.clone()
                                            )
                                        }
                                    }
                                </p>
                            </div>
                            <ActionForm action=claim>
                                <input
                                    type="hidden"
                                    name="order_id"
                                    value=delivery.order_id.0.to_string()
                                />
                                <button type="submit" class="primary" disabled=claim.pending()>
                                    {t!(i18n, rider.claim)}
                                </button>
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MyDeliveries(list: Vec<RiderDelivery>, actions: RiderActions) -> impl IntoView {
    let i18n = use_i18n();
    let (active, done): (Vec<_>, Vec<_>) = list.into_iter().partition(|d| d.status.is_active());
    let history = (!done.is_empty()).then(|| {
        view! {
            <details>
                <summary>
                    {
                        let count = done.len();
                        move || t_string!(i18n, rider.history, count)
                    }
                </summary>
                <ul class="plain">
                    {done
                        .into_iter()
                        .map(|d| {
                            view! {
                                <li>
                                    {format!("#{} · {} · ", d.order_id.number(), d.store_name)}
                                    {move || delivery_label(i18n.get_locale(), d.status)}
                                    {format!(" · {}", time_of_day(d.updated_at))}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });
    view! {
        {active.is_empty().then(|| view! { <p class="muted">{t!(i18n, rider.none_in_hand)}</p> })}
        <ul class="plain deliveries" aria-label=move || t_string!(i18n, rider.active_list)>
            {active
                .into_iter()
                .map(|delivery| view! { <ActiveDelivery delivery actions /> })
                .collect_view()}
        </ul>
        {history}
    }
}

fn delivery_label(locale: Locale, status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Open => td_string!(locale, delivery_status.open),
        DeliveryStatus::Assigned => td_string!(locale, delivery_status.assigned),
        DeliveryStatus::PickedUp => td_string!(locale, delivery_status.picked_up),
        DeliveryStatus::Delivered => td_string!(locale, delivery_status.delivered),
        DeliveryStatus::Completed => td_string!(locale, delivery_status.completed),
        DeliveryStatus::Failed => td_string!(locale, delivery_status.failed),
        DeliveryStatus::Cancelled => td_string!(locale, delivery_status.cancelled),
    }
}

#[component]
fn ActiveDelivery(delivery: RiderDelivery, actions: RiderActions) -> impl IntoView {
    let i18n = use_i18n();
    let order_id = delivery.order_id;
    let outbox = actions.outbox;
    // The server's status, moved on by the taps still on the phone.
    let shown = move || outbox.shown_status(order_id, delivery.status);
    // The steps the server would take from the rider now; no rider step has a deadline.
    let steps = move || {
        let standing = Standing::without_deadlines(shown().order_status());
        open_steps(Party::Rider, standing, now_for_this_frame())
    };
    let next = move || {
        steps().into_iter().find_map(|step| match step {
            Verb::PickUp => Some(
                view! {
                    <TapForm
                        action={<PickUp as server_fn::ServerFn>::url()}
                        order_id
                        outbox
                        tap=move || Some(RiderTap::PickUp { order_id })
                    >
                        <button type="submit" class="primary big">
                            {t!(i18n, rider.picked_up_button)}
                        </button>
                    </TapForm>
                }
                .into_any(),
            ),
            Verb::Deliver => Some(
                view! {
                    <TapForm
                        action={<Deliver as server_fn::ServerFn>::url()}
                        order_id
                        outbox
                        tap=move || Some(RiderTap::Deliver { order_id })
                    >
                        <button type="submit" class="primary big">
                            {t!(i18n, rider.delivered_button)}
                        </button>
                    </TapForm>
                }
                .into_any(),
            ),
            // Confirming before the Delivered tap has reached the server would be refused:
            // it waits for the outbox, which sends that tap first.
            Verb::ConfirmDelivery => Some(
                view! {
                    <ActionForm action=actions.confirm>
                        <input type="hidden" name="order_id" value=order_id.0.to_string() />
                        <button
                            type="submit"
                            class="primary big"
                            disabled=move || outbox.waiting(order_id)
                        >
                            {t!(i18n, rider.confirm)}
                        </button>
                    </ActionForm>
                }
                .into_any(),
            ),
            _ => None,
        })
    };
    let can_fail = move || steps().contains(&Verb::ReportFailure);
    view! {
        <li class="delivery active" data-order=delivery.order_id.number()>
            <p>
                <strong>{format!("#{} · {}", delivery.order_id.number(), delivery.store_name)}</strong>
                " "
                <span class="badge busy" data-testid="delivery-status">
                    {move || delivery_label(i18n.get_locale(), shown())}
                </span>
                {move || {
                    outbox
                        .waiting(order_id)
                        .then(|| {
                            view! {
                                " "
                                <span class="badge waiting" data-testid="delivery-waiting">
                                    {t!(i18n, rider.waiting_badge)}
                                </span>
                            }
                        })
                }}
            </p>
            <dl class="facts">
                <dt>{t!(i18n, rider.pick_up_at)}</dt>
                <dd>{delivery.store_address.clone()}</dd>
                <dt>{t!(i18n, common.deliver_to)}</dt>
                <dd data-testid="dropoff-address">{delivery.dropoff_address.clone()}</dd>
                {(!delivery.rider_note.is_empty())
                    .then(|| {
                        view! {
                            <dt>{t!(i18n, rider.note)}</dt>
                            <dd data-testid="rider-note">{delivery.rider_note.clone()}</dd>
                        }
                    })}
                <dt>{t!(i18n, rider.ride)}</dt>
                <dd>{format_distance(delivery.ride_m)}</dd>
            </dl>
            {next}
            {move || can_fail().then(|| view! { <FailureForm order_id outbox /> })}
        </li>
    }
}

/// A rider's step as a plain form (it works before the wasm has loaded, posting to the server
/// function), which the live page turns into a tap kept in the outbox. `tap` reads the form's
/// fields when it is submitted.
#[component]
fn TapForm(
    action: &'static str,
    order_id: OrderId,
    outbox: Outbox,
    tap: impl Fn() -> Option<RiderTap> + 'static,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(tap) = tap() {
            outbox.tap(tap);
        }
    };
    view! {
        <form method="post" action=action class=class on:submit=on_submit>
            <input type="hidden" name="order_id" value=order_id.0.to_string() />
            {children()}
        </form>
    }
}

#[component]
fn FailureForm(order_id: OrderId, outbox: Outbox) -> impl IntoView {
    let i18n = use_i18n();
    let reason = NodeRef::<leptos::html::Input>::new();
    let tap = move || {
        reason.get().map(|input| RiderTap::ReportFailure {
            order_id,
            reason: input.value(),
        })
    };
    view! {
        <details>
            <summary>{t!(i18n, rider.report)}</summary>
            <TapForm
                action={<ReportFailure as server_fn::ServerFn>::url()}
                order_id
                outbox
                tap
                class="stack"
            >
                <label>
                    {t!(i18n, rider.what_happened)}
                    <input
                        name="reason"
                        node_ref=reason
                        required
                        maxlength="200"
                        placeholder=move || t_string!(i18n, rider.what_placeholder)
                    />
                </label>
                <button type="submit" class="danger">
                    {t!(i18n, rider.report_failed)}
                </button>
            </TapForm>
        </details>
    }
}
