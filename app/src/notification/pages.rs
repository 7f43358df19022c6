//! The inbox: every message about the caller's orders, and the unread count in the header.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{my_notifications, MarkNotificationsRead, NOTIFICATIONS_PER_PAGE};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::platform::clock::time_of_day;
use crate::platform::live::{follow, Topic};
use crate::platform::pages::{use_page_cursor, ErrorNote, PageLinkWords, PageLinks};
use crate::platform::session::signed_in_user;
use crate::platform::{AppError, CurrentUser};

/// The header's link to the inbox, with the unread count kept live.
#[component]
pub fn InboxLink(user: CurrentUser) -> impl IntoView {
    let changes = follow(Topic::Account(user.account_id));
    // The newest page is where unread messages are; a count of 50+ reads as "many" anyway.
    let inbox = Resource::new(move || changes.get(), |_| my_notifications(None));
    let i18n = use_i18n();
    view! {
        <A href="/inbox" attr:class="inbox-link">
            {t!(i18n, nav.inbox)}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let count = inbox
                        .await
                        .map(|list| list.iter().filter(|n| !n.read).count())
                        .unwrap_or(0);
                    (count > 0)
                        .then(|| {
                            view! {
                                <span
                                    class="count"
                                    data-testid="unread-count"
                                    aria-label=move || t_string!(i18n, nav.unread, count)
                                >
                                    {count}
                                </span>
                            }
                        })
                })}
            </Transition>
        </A>
    }
}

/// `/inbox`: newest first; opening it marks everything read.
#[component]
pub fn InboxPage() -> impl IntoView {
    let mark_read = ServerAction::<MarkNotificationsRead>::new();
    let changes = signed_in_user().map(|me| follow(Topic::Account(me.account_id)));
    let before = use_page_cursor();
    let inbox = Resource::new(
        move || (changes.map(|c| c.get()), before.get()),
        |(_, before)| my_notifications(before),
    );
    let words = PageLinkWords {
        pages: |l| td_string!(l, inbox.pages),
        older: |l| td_string!(l, inbox.older),
        newest: |l| td_string!(l, inbox.newest),
    };
    Effect::new(move |_| {
        if inbox
            .get()
            .and_then(Result::ok)
            .is_some_and(|l| l.iter().any(|n| !n.read))
        {
            mark_read.dispatch(MarkNotificationsRead {});
        }
    });
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, inbox.title)}</h1>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p>{t!(i18n, inbox.empty)}</p> }
                            .into_any()
                    }
                    Ok(list) => {
                        let older_than = (list.len() == NOTIFICATIONS_PER_PAGE)
                            .then(|| list.last().map(|n| n.notification_id))
                            .flatten();
                        let paged = before.get_untracked().is_some();
                        view! {
                            <ul class="inbox" aria-label=move || t_string!(i18n, inbox.list)>
                                {list
                                    .into_iter()
                                    .map(|n| {
                                        let about = match n.order_id {
                                            Some(order) => format!(
                                                "#{} · {}",
                                                order.number(),
                                                time_of_day(n.created_at),
                                            ),
                                            None => time_of_day(n.created_at),
                                        };
                                        let unread = !n.read;
                                        view! {
                                            <li class="card" class:unread=unread>
                                                <p>{move || n.in_language(i18n.get_locale())}</p>
                                                <p class="muted">{about}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <PageLinks path="/inbox" older_than paged words />
                        }
                            .into_any()
                    }
                    Err(AppError::NotLoggedIn) => {
                        view! {
                            <p>
                                {t!(i18n, inbox.log_in)}
                                <A href="/login">{t!(i18n, common.log_in)}</A>
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
