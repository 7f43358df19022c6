//! The login page and the UI pieces every context's pages share.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::list_demo_logins;
use super::session::{come_back_to, local_path, use_session};
use super::{AppError, Role};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};

/// Email and password, the server's answer, and the demo accounts when there are any.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let pending = session.login.pending();
    let failure = move || {
        session
            .login
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|error| view! { <ErrorNote error /> })
    };
    let demo = Resource::new(|| (), |_| list_demo_logins());
    let next = use_next();

    view! {
        <section class="card narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <ActionForm action=session.login attr:class="stack">
                {move || next.get().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <label>
                    {t!(i18n, login.email)} <input type="email" name="email" autocomplete="username" required />
                </label>
                <label>
                    {t!(i18n, login.password)}
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" class="primary" disabled=pending>
                    {move || {
                        if pending.get() {
                            t_string!(i18n, login.logging_in)
                        } else {
                            t_string!(i18n, login.title)
                        }
                    }}
                </button>
            </ActionForm>
            {failure}
            <p class="small">
                <A href="/forgot">{t!(i18n, login.forgot)}</A>
            </p>
            <p class="muted">
                {t!(i18n, login.new_here)} " "
                <A href=move || {
                    format!("/signup{}", next.get().map(|n| come_back_to(&n)).unwrap_or_default())
                }>{t!(i18n, common.sign_up)}</A>
            </p>
            <p class="muted small">
                {t!(i18n, login.partners)} " " <A href="/partner/apply">{t!(i18n, login.apply_to_sell)}</A>
                " · " <A href="/rider/apply">{t!(i18n, login.apply_to_ride)}</A>
            </p>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await
                    .ok()
                    .flatten()
                    .map(|logins| {
                        view! {
                            <section class="card narrow demo-accounts">
                                <h2>{t!(i18n, login.demo_title)}</h2>
                                <p class="muted">
                                    {t!(i18n, login.demo_password)}
                                    <code>{logins.password.clone()}</code>
                                </p>
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, login.role)}</th>
                                            <th scope="col">{t!(i18n, login.name)}</th>
                                            <th scope="col">{t!(i18n, login.email)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {logins
                                            .accounts
                                            .into_iter()
                                            .map(|account| {
                                                view! {
                                                    <tr>
                                                        <td>{move || role_label(i18n.get_locale(), account.role)}</td>
                                                        <td>{account.display_name}</td>
                                                        <td>
                                                            <code>{account.email}</code>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// The page to go back to after logging in or signing up, from the address's `?next=`, when it
/// is a page of ours.
pub fn use_next() -> Memo<Option<String>> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("next")
            .filter(|next| local_path(next).is_some())
    })
}

/// What an action is doing: progress while it runs, then `done` or the server's sentence.
pub fn action_feedback<T>(
    pending: Memo<bool>,
    result: MappedSignal<Option<Result<T, AppError>>>,
    done: fn(Locale) -> &'static str,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    let i18n = use_i18n();
    move || {
        if pending.get() {
            return view! {
                <p class="progress" role="status">
                    {t!(i18n, common.working)}
                </p>
            }
            .into_any();
        }
        result.with(|result| match result {
            Some(Ok(_)) => view! {
                <p class="success" role="status">
                    {done(i18n.get_locale())}
                </p>
            }
            .into_any(),
            Some(Err(error)) => view! { <ErrorNote error=error.clone() /> }.into_any(),
            None => ().into_any(),
        })
    }
}

/// The words of a paged list's links, in the reader's language.
#[derive(Clone, Copy)]
pub struct PageLinkWords {
    pub pages: fn(Locale) -> &'static str,
    pub older: fn(Locale) -> &'static str,
    pub newest: fn(Locale) -> &'static str,
}

/// Links under a list read newest first a page at a time: to the older items after the last
/// one shown when the page is full, and back to the newest when this is not the first page.
#[component]
pub fn PageLinks(
    path: &'static str,
    older_than: Option<uuid::Uuid>,
    paged: bool,
    words: PageLinkWords,
) -> impl IntoView {
    let i18n = use_i18n();
    (older_than.is_some() || paged).then(|| {
        view! {
            <nav class="row spread pages" aria-label=move || (words.pages)(i18n.get_locale())>
                {paged
                    .then(|| {
                        view! {
                            <A href=path attr:data-testid="newest-page">
                                {move || (words.newest)(i18n.get_locale())}
                            </A>
                        }
                    })}
                {older_than
                    .map(|last| {
                        view! {
                            <A href=format!("{path}?before={last}") attr:data-testid="older-page">
                                {move || (words.older)(i18n.get_locale())}
                            </A>
                        }
                    })}
            </nav>
        }
    })
}

/// The `before` cursor of a paged list's address, when it holds one.
pub fn use_page_cursor() -> Memo<Option<uuid::Uuid>> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|before| uuid::Uuid::parse_str(&before).ok())
    })
}

/// A server error, shown as its sentence in the reader's language.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="error" role="alert">
            {move || error.in_language(i18n.get_locale())}
        </p>
    }
}

/// The server's sentence when an action's last run failed; nothing otherwise.
pub fn action_failure<T>(outcome: Option<Result<T, AppError>>) -> Option<impl IntoView> {
    outcome
        .and_then(Result::err)
        .map(|error| view! { <ErrorNote error /> })
}

/// The page for addresses that lead nowhere.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.body)} <A href="/">{t!(i18n, not_found.back)}</A></p>
        </section>
    }
}

/// How a role is called on screen.
pub fn role_label(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Customer => td_string!(locale, role.customer),
        Role::Owner => td_string!(locale, role.owner),
        Role::Rider => td_string!(locale, role.rider),
        Role::Operator => td_string!(locale, role.operator),
    }
}
