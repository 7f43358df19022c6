//! The operator console: platform counts, the consumer switches ("store system down") and the
//! per-event consumption history.

use leptos::prelude::*;

use super::api::{
    consumer_states, consumption_history, ops_counts, FindAccounts, FindStores, IssueResetLink,
    LiftStoreSuspension, PauseConsumer, ReinstateAccount, ResumeConsumer, SuspendAccount,
    SuspendStore,
};
use super::PlatformCounts;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::ordering::OrderStatus;
use crate::payment::{api::payment_breaker, BreakerView};
use crate::platform::administration::AccountRecord;
use crate::platform::clock::{date_and_time, time_of_day};
use crate::platform::events::{Consumer, Consumption, EventHistory};
use crate::platform::pages::{action_failure, action_feedback, role_label, ErrorNote};
use crate::platform::{session::RequireRole, AppError, Role};

/// `/ops`.
#[component]
pub fn OpsHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Operator>
            <InBrowser>
                <Console />
            </InBrowser>
        </RequireRole>
    }
}

/// Renders its children only once the page runs in the browser. The console is live
/// operational state read in the browser; rendering none of it on the server means hydration has
/// nothing to disagree about.
#[component]
fn InBrowser(children: ChildrenFn) -> impl IntoView {
    let in_browser = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| in_browser.set(true));
    move || in_browser.get().then(|| children())
}

// Everything on the console is read in the browser (LocalResource): it is live operational state,
// stale by the time a server-rendered copy would become interactive, and reading it only in the
// browser keeps the server render and hydration identical.
#[component]
fn Console() -> impl IntoView {
    let i18n = use_i18n();
    let pause = ServerAction::<PauseConsumer>::new();
    let resume = ServerAction::<ResumeConsumer>::new();
    let refresh_history = RwSignal::new(0_u32);
    let refresh_breaker = RwSignal::new(0_u32);
    let counts = LocalResource::new(ops_counts);
    let breaker = LocalResource::new(move || {
        refresh_breaker.track();
        payment_breaker()
    });
    let states = LocalResource::new(move || {
        pause.version().track();
        resume.version().track();
        consumer_states()
    });
    let history = LocalResource::new(move || {
        pause.version().track();
        resume.version().track();
        refresh_history.track();
        consumption_history(None)
    });
    // The cards appear together, once each has its first answer: a card that filled in after
    // the others were drawn would push every card below it down the screen. Later refreshes
    // change one card in place.
    let shown = Memo::new(move |was_shown: Option<&bool>| {
        was_shown == Some(&true)
            || (counts.with(Option::is_some)
                && breaker.with(Option::is_some)
                && states.with(Option::is_some)
                && history.with(Option::is_some))
    });
    view! {
        <h1>{t!(i18n, ops.title)}</h1>
        <p>
            <a href="/ops/applications">{t!(i18n, ops.applications_link)}</a>
        </p>
        <Show
            when=move || shown.get()
            fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }
        >
            <Overview counts />
            <PaymentBreaker breaker refresh=refresh_breaker />
            <Consumers states pause resume />
            <History history refresh=refresh_history />
            <Accounts />
            <Stores />
        </Show>
    }
}

/// The stores view: find a store by name, suspend it with a reason (it leaves the customers'
/// lists and takes no new orders; orders under way finish) or lift the suspension.
#[component]
fn Stores() -> impl IntoView {
    let i18n = use_i18n();
    let find = ServerAction::<FindStores>::new();
    let suspend = ServerAction::<SuspendStore>::new();
    let lift = ServerAction::<LiftStoreSuspension>::new();
    let query = RwSignal::new(String::new());
    // A suspension or its lifting runs the same search again, so the list shows it.
    Effect::new(move |_| {
        let changes = suspend.version().get() + lift.version().get();
        let again = query.get_untracked();
        if changes > 0 && !again.trim().is_empty() {
            find.dispatch(FindStores { query: again });
        }
    });
    let found = move || {
        find.value()
            .get()
            .and_then(Result::ok)
            .map(|found| match found.is_empty() {
                true => view! { <p class="muted">{t!(i18n, ops.stores_none)}</p> }.into_any(),
                false => view! {
                    <ul class="plain accounts" aria-label=move || t_string!(i18n, ops.stores_found)>
                        {found
                            .into_iter()
                            .map(|record| view! { <StoreLine record suspend lift /> })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            })
    };
    view! {
        <section class="card" aria-labelledby="stores-heading">
            <h2 id="stores-heading">{t!(i18n, ops.stores_title)}</h2>
            <ActionForm action=find attr:class="row">
                <label>
                    {t!(i18n, ops.stores_query)}
                    <input type="search" name="query" maxlength="100" required bind:value=query />
                </label>
                <button type="submit" disabled=find.pending()>{t!(i18n, ops.stores_find)}</button>
            </ActionForm>
            {move || action_failure(find.value().get())}
            {move || action_failure(suspend.value().get())}
            {move || action_failure(lift.value().get())}
            {found}
        </section>
    }
}

/// One store found: its name, owner and standing, and the suspension switch.
#[component]
fn StoreLine(
    record: crate::store::StoreRecord,
    suspend: ServerAction<SuspendStore>,
    lift: ServerAction<LiftStoreSuspension>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = record.store_id.0.to_string();
    let live = record.live;
    let standing = match record.suspended_because {
        Some(reason) => view! {
            <p class="alarm" data-testid="store-suspension">
                {move || t_string!(i18n, ops.store_suspended_because, reason = reason.clone())}
            </p>
            <ActionForm action=lift>
                <input type="hidden" name="store_id" value=id.clone() />
                <button type="submit" disabled=lift.pending()>{t!(i18n, ops.store_lift)}</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <ActionForm action=suspend attr:class="row">
                <input type="hidden" name="store_id" value=id.clone() />
                <label>
                    {t!(i18n, ops.suspend_reason)}
                    <input name="reason" maxlength="200" required />
                </label>
                <button type="submit" class="danger" disabled=suspend.pending()>
                    {t!(i18n, ops.store_suspend)}
                </button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <li class="account" data-testid="store">
            <p>
                <strong>{record.name}</strong> " · " {record.owner_email}
                {(!live).then(|| view! { " " <span class="badge">{t!(i18n, ops.store_not_live)}</span> })}
            </p>
            <p class="muted small">{record.address}</p>
            {standing}
        </li>
    }
}

/// The accounts view: find accounts by email or phone, suspend one with a reason or reinstate
/// it, and issue a one-time link that sets a new password for a person without a proven phone
/// whom support has recognised (the whole address is shown, for the operator to send as it is).
#[component]
fn Accounts() -> impl IntoView {
    let i18n = use_i18n();
    let find = ServerAction::<FindAccounts>::new();
    let suspend = ServerAction::<SuspendAccount>::new();
    let reinstate = ServerAction::<ReinstateAccount>::new();
    let issue = ServerAction::<IssueResetLink>::new();
    let query = RwSignal::new(String::new());
    // A suspension or a reinstatement runs the same search again, so the list shows it.
    Effect::new(move |_| {
        let changes = suspend.version().get() + reinstate.version().get();
        let again = query.get_untracked();
        if changes > 0 && !again.trim().is_empty() {
            find.dispatch(FindAccounts { query: again });
        }
    });
    let issued = move || {
        issue.value().get().and_then(Result::ok).map(|page| {
            let origin = window().location().origin().unwrap_or_default();
            view! {
                <p role="status" class="success">{t!(i18n, ops.reset_issued)}</p>
                <p>
                    <code data-testid="reset-link">{format!("{origin}{page}")}</code>
                </p>
            }
        })
    };
    let found =
        move || {
            find.value().get().and_then(Result::ok).map(|found| {
                match found.is_empty() {
            true => view! { <p class="muted">{t!(i18n, ops.accounts_none)}</p> }.into_any(),
            false => view! {
                <ul class="plain accounts" aria-label=move || t_string!(i18n, ops.accounts_found)>
                    {found
                        .into_iter()
                        .map(|record| view! { <AccountLine record suspend reinstate issue /> })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        }
            })
        };
    view! {
        <section class="card" aria-labelledby="accounts-heading">
            <h2 id="accounts-heading">{t!(i18n, ops.accounts_title)}</h2>
            <p class="muted">{t!(i18n, ops.accounts_intro)}</p>
            <ActionForm action=find attr:class="row">
                <label>
                    {t!(i18n, ops.accounts_query)}
                    <input type="search" name="query" maxlength="100" required bind:value=query />
                </label>
                <button type="submit" disabled=find.pending()>{t!(i18n, ops.accounts_find)}</button>
            </ActionForm>
            {move || action_failure(find.value().get())}
            {move || action_failure(suspend.value().get())}
            {move || action_failure(reinstate.value().get())}
            {move || action_failure(issue.value().get())}
            {issued}
            {found}
        </section>
    }
}

/// One account found: who it is, its phone and standing, and what an operator may do with it.
/// Operators' accounts are neither suspended nor reset from here.
#[component]
fn AccountLine(
    record: AccountRecord,
    suspend: ServerAction<SuspendAccount>,
    reinstate: ServerAction<ReinstateAccount>,
    issue: ServerAction<IssueResetLink>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = record.account_id.0.to_string();
    let role = record.role;
    let is_operator = role == Role::Operator;
    let joined = date_and_time(record.joined_at);
    let proven = record.phone_proven;
    let phone = record.phone.map(|phone| {
        view! {
            " · " {phone} " "
            {move || match proven {
                true => t_string!(i18n, ops.phone_proven),
                false => t_string!(i18n, ops.phone_unproven),
            }}
        }
    });
    let standing = match record.suspension {
        Some(suspension) => {
            let (reason, by, at) = (
                suspension.reason,
                suspension.by,
                date_and_time(suspension.at),
            );
            view! {
                <p class="alarm" data-testid="suspension">
                    {move || t_string!(i18n, ops.suspended_because, reason = reason.clone(), by = by.clone(), at = at.clone())}
                </p>
                <ActionForm action=reinstate>
                    <input type="hidden" name="account_id" value=id.clone() />
                    <button type="submit" disabled=reinstate.pending()>{t!(i18n, ops.reinstate)}</button>
                </ActionForm>
            }
            .into_any()
        }
        None if is_operator => ().into_any(),
        None => view! {
            <ActionForm action=suspend attr:class="row">
                <input type="hidden" name="account_id" value=id.clone() />
                <label>
                    {t!(i18n, ops.suspend_reason)}
                    <input name="reason" maxlength="200" required />
                </label>
                <button type="submit" class="danger" disabled=suspend.pending()>
                    {t!(i18n, ops.suspend)}
                </button>
            </ActionForm>
        }
        .into_any(),
    };
    let email = record.email.clone();
    let reset = (!is_operator).then(move || {
        view! {
            <ActionForm action=issue>
                <input type="hidden" name="email" value=email />
                <button type="submit" disabled=issue.pending()>{t!(i18n, ops.reset_issue)}</button>
            </ActionForm>
        }
    });
    view! {
        <li class="account" data-testid="account">
            <p>
                <strong>{record.display_name}</strong> " · " {record.email} " "
                <span class="badge">{move || role_label(i18n.get_locale(), role)}</span>
            </p>
            <p class="muted small">
                {move || t_string!(i18n, ops.joined, at = joined.clone())}
                {phone}
            </p>
            {standing}
            {reset}
        </li>
    }
}

/// The payment provider's circuit breaker, read on demand.
#[component]
fn PaymentBreaker(
    breaker: LocalResource<Result<BreakerView, AppError>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="payment-breaker">
            <div class="row spread">
                <h2>{t!(i18n, ops.breaker_title)}</h2>
                <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>
                    {t!(i18n, ops.refresh_breaker)}
                </button>
            </div>
            {move || match breaker.get() {
                None => view! { <p class="muted">{t!(i18n, common.loading)}</p> }.into_any(),
                Some(Ok(breaker)) => {
                    let (state, calls, failures) = (breaker.state.clone(), breaker.calls, breaker.failures);
                    view! {
                        <div>
                            <p>
                                <span
                                    class="badge"
                                    class:ok=breaker.state == "closed"
                                    class:bad=breaker.state == "open"
                                >
                                    {move || t_string!(i18n, ops.breaker_state, state = state.clone())}
                                </span>
                            </p>
                            <p class="muted">{move || t_string!(i18n, ops.breaker_counts, failures, calls)}</p>
                        </div>
                    }
                    .into_any()
                }
                Some(Err(error)) => view! { <ErrorNote error /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Overview(counts: LocalResource<Result<PlatformCounts, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(counts) => {
                        let accounts = Role::ALL.map(|role| {
                            let n = counts
                                .accounts
                                .iter()
                                .find(|(r, _)| *r == role)
                                .map_or(0, |(_, n)| *n);
                            (role, n)
                        });
                        let orders: Vec<(OrderStatus, i64)> = OrderStatus::ALL
                            .into_iter()
                            .map(|status| {
                                let n = counts
                                    .orders
                                    .iter()
                                    .find(|(s, _)| *s == status)
                                    .map_or(0, |(_, n)| *n);
                                (status, n)
                            })
                            .collect();
                        view! {
                            <section class="card">
                                <h2>{t!(i18n, ops.platform)}</h2>
                                <dl class="facts" data-testid="platform-counts">
                                    <dt>{t!(i18n, ops.stores)}</dt>
                                    <dd data-testid="stores">{counts.stores}</dd>
                                    <dt>{t!(i18n, ops.taking_orders)}</dt>
                                    <dd>{counts.stores_accepting_orders}</dd>
                                    <dt>{t!(i18n, ops.menu_items)}</dt>
                                    <dd>{counts.menu_items}</dd>
                                    <dt>{t!(i18n, ops.riders_on_duty)}</dt>
                                    <dd>{counts.riders_on_duty}</dd>
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{t!(i18n, ops.accounts)}</h2>
                                <dl class="facts">
                                    {accounts
                                        .into_iter()
                                        .map(|(role, n)| {
                                            view! {
                                                <dt>{move || role_label(i18n.get_locale(), role)}</dt>
                                                <dd>{n}</dd>
                                            }
                                        })
                                        .collect_view()}
                                </dl>
                            </section>
                            <section class="card">
                                <h2>{t!(i18n, ops.orders_by_status)}</h2>
                                <dl class="facts">
                                    {orders
                                        .into_iter()
                                        .map(|(status, n)| {
                                            view! {
                                                <dt>{move || status.label_in_language(i18n.get_locale())}</dt>
                                                <dd>{n}</dd>
                                            }
                                        })
                                        .collect_view()}
                                </dl>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One switch per consumer: pause it to play "that system is down", resume to catch up.
#[component]
fn Consumers(
    states: LocalResource<Result<Vec<(Consumer, bool)>, AppError>>,
    pause: ServerAction<PauseConsumer>,
    resume: ServerAction<ResumeConsumer>,
) -> impl IntoView {
    let i18n = use_i18n();
    let resumed = move || {
        resume.value().get().and_then(Result::ok).map(|count| {
            view! {
                <p class="success" role="status">
                    {move || t_string!(i18n, ops.resumed_done, count)}
                </p>
            }
        })
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, ops.consumers)}</h2>
            <p class="muted">{t!(i18n, ops.consumers_hint)}</p>
            {action_feedback(pause.pending(), pause.value(), |l| td_string!(l, ops.paused_done))}
            {move || resume.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })}
            {resumed}
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match states.await {
                        Ok(list) => {
                            view! {
                                <ul class="plain consumers">
                                    {list
                                        .into_iter()
                                        .map(|(consumer, paused)| {
                                            let name = consumer.name();
                                            let switch = if paused {
                                                view! {
                                                    <ActionForm action=resume>
                                                        <input type="hidden" name="consumer" value=name />
                                                        <button type="submit" class="primary">
                                                            {t!(i18n, ops.resume)}
                                                        </button>
                                                    </ActionForm>
                                                }
                                                    .into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=pause>
                                                        <input type="hidden" name="consumer" value=name />
                                                        <button type="submit" class="danger">
                                                            {t!(i18n, ops.pause)}
                                                        </button>
                                                    </ActionForm>
                                                }
                                                    .into_any()
                                            };
                                            view! {
                                                <li class="row spread consumer" data-consumer=name>
                                                    <strong>{name}</strong>
                                                    <span class="badge" class:ok=!paused class:bad=paused>
                                                        {move || {
                                                            if paused {
                                                                t_string!(i18n, ops.paused)
                                                            } else {
                                                                t_string!(i18n, ops.running)
                                                            }
                                                        }}
                                                    </span>
                                                    {switch}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The newest events, each with every interested consumer's progress.
#[component]
fn History(
    history: LocalResource<Result<Vec<EventHistory>, AppError>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    view! {
        <section class="card">
            <div class="row spread">
                <h2>{t!(i18n, ops.history)}</h2>
                <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>
                    {t!(i18n, ops.refresh)}
                </button>
            </div>
            <p class="muted">{t!(i18n, ops.history_hint)}</p>
            <label>
                {t!(i18n, ops.order_filter)}
                <input
                    type="search"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev).trim().to_uppercase())
                />
            </label>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(events) if events.is_empty() => {
                            view! { <p>{t!(i18n, ops.no_events)}</p> }.into_any()
                        }
                        Ok(events) => {
                            let events = StoredValue::new(events);
                            view! {
                                <div class="table-scroll">
                                    <table class="history">
                                        <thead>
                                            <tr>
                                                <th scope="col">"#"</th>
                                                <th scope="col">{t!(i18n, ops.order)}</th>
                                                <th scope="col">{t!(i18n, ops.event)}</th>
                                                <th scope="col">{t!(i18n, ops.at)}</th>
                                                <th scope="col">{t!(i18n, ops.progress)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {move || {
                                                let wanted = filter.get();
                                                events
                                                    .with_value(|events| {
                                                        events
                                                            .iter()
                                                            .filter(|e| {
                                                                wanted.is_empty()
                                                                    || e.order_id.number().contains(&wanted)
                                                                    || e.order_id.0.to_string().to_uppercase().contains(&wanted)
                                                            })
                                                            .cloned()
                                                            .map(|event| view! { <HistoryRow event /> })
                                                            .collect_view()
                                                    })
                                            }}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn HistoryRow(event: EventHistory) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr data-event=event.event_type.clone()>
            <td>{event.seq}</td>
            <td>
                <code>{event.order_id.number()}</code>
            </td>
            <td>{event.event_type.clone()}</td>
            <td>{time_of_day(event.occurred_at)}</td>
            <td>
                <ul class="plain chips">
                    {event
                        .consumers
                        .into_iter()
                        .map(|(consumer, progress)| {
                            let (tone, title) = match &progress {
                                Consumption::Done { .. } => ("ok", None),
                                Consumption::Pending | Consumption::Paused => ("busy", None),
                                Consumption::Retrying { last_error, .. }
                                | Consumption::Failed { last_error, .. } => ("bad", last_error.clone()),
                            };
                            let label = move || match &progress {
                                Consumption::Done { .. } => t_string!(i18n, ops.done).to_owned(),
                                Consumption::Pending => t_string!(i18n, ops.pending).to_owned(),
                                Consumption::Paused => t_string!(i18n, ops.held).to_owned(),
                                Consumption::Retrying { attempts, .. } => {
                                    let attempts = *attempts;
                                    t_string!(i18n, ops.retrying, attempts)
                                }
                                Consumption::Failed { attempts, .. } => {
                                    let attempts = *attempts;
                                    t_string!(i18n, ops.failed, attempts)
                                }
                            };
                            view! {
                                <li class=format!("badge {tone}") title=title>
                                    {consumer.name()} ": " {label}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </td>
        </tr>
    }
}
