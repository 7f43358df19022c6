//! The shell every page sits in, the login page and shared UI pieces.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::list_demo_logins;
use super::live::LiveIndicator;
use super::session::use_session;
use super::{AppError, CurrentUser, Role};
use crate::notification::pages::InboxLink;
use crate::ordering::saved_cart::use_cart;

/// Header with the signed-in user and the page below it.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    // Tests and people alike can tell when the page has become interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                "Baedal"
                <span class="brand-sub">" 배달"</span>
            </A>
            <nav aria-label="Account">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match session.user.await {
                            Ok(Some(user)) => {
                                view! {
                                    <RoleLinks user=user.clone() />
                                    <A href=user.role.home_path() attr:class="who">
                                        {user.display_name.clone()}
                                        <span class="role-tag">{user.role.label()}</span>
                                    </A>
                                    <ActionForm action=session.logout attr:class="inline">
                                        <button type="submit" class="link">"Log out"</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            _ => view! { <A href="/login">"Log in"</A> }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
        <main class="page">{children()}</main>
    }
}

/// The header links of one role, the inbox with its unread count, and the live indicator.
#[component]
fn RoleLinks(user: CurrentUser) -> impl IntoView {
    let cart = use_cart();
    let links = match user.role {
        Role::Customer => view! {
            <A href="/orders">"My orders"</A>
            <A href="/cart" attr:class="cart-link">
                "Cart"
                {move || {
                    let count = cart.with(|c| c.count());
                    (count > 0).then(|| view! { <span class="count" data-testid="cart-count">{count}</span> })
                }}
            </A>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <LiveIndicator />
        {links}
        <InboxLink user />
    }
}

/// Email and password, the server's answer, and the demo accounts when there are any.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
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

    view! {
        <section class="card narrow">
            <h1>"Log in"</h1>
            <ActionForm action=session.login attr:class="stack">
                <label>
                    "Email" <input type="email" name="email" autocomplete="username" required />
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { "Logging in…" } else { "Log in" }}
                </button>
            </ActionForm>
            {failure}
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await
                    .ok()
                    .flatten()
                    .map(|logins| {
                        view! {
                            <section class="card narrow demo-accounts">
                                <h2>"Demo accounts"</h2>
                                <p class="muted">
                                    "Every demo account uses the password "
                                    <code>{logins.password.clone()}</code>
                                </p>
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {logins
                                            .accounts
                                            .into_iter()
                                            .map(|account| {
                                                view! {
                                                    <tr>
                                                        <td>{account.role.label()}</td>
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

/// What an action is doing: progress while it runs, then `done` or the server's sentence.
pub fn action_feedback<T>(
    pending: Memo<bool>,
    result: MappedSignal<Option<Result<T, AppError>>>,
    done: &'static str,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    move || {
        if pending.get() {
            return view! {
                <p class="progress" role="status">
                    "Working…"
                </p>
            }
            .into_any();
        }
        result.with(|result| match result {
            Some(Ok(_)) => view! {
                <p class="success" role="status">
                    {done}
                </p>
            }
            .into_any(),
            Some(Err(error)) => view! { <ErrorNote error=error.clone() /> }.into_any(),
            None => ().into_any(),
        })
    }
}

/// A server error, shown as the sentence it carries.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    view! {
        <p class="error" role="alert">
            {error.to_string()}
        </p>
    }
}

/// The page for addresses that lead nowhere.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <A href="/">"Go to the store list"</A></p>
        </section>
    }
}
