//! The browser's view of who is logged in, shared by every page through context.

use leptos::either::Either;
use leptos::prelude::*;

use super::api::{Login, Logout};
use super::first_frame::provide_first_frame;
use super::{AppError, CurrentUser, Role};
use crate::i18n::{t, use_i18n};

/// Login and logout actions plus the current user.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    /// Who is logged in: the server's answer when it rendered the page, then whatever the last
    /// login or logout in this tab made of it. Known at once, so no page waits for it.
    pub user: ReadSignal<Option<CurrentUser>>,
}

/// Creates the session context once, at the top of the app.
pub fn provide_session_context() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let (user, set_user) = signal(provide_first_frame().user);
    let change_to = move |next: Option<CurrentUser>| {
        // Setting the same account again would rebuild every page that depends on it.
        if user.with_untracked(|now| *now != next) {
            set_user.set(next);
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(signed_in)) = login.value().get() {
            change_to(Some(signed_in));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            change_to(None);
        }
    });
    provide_context(SessionContext {
        login,
        logout,
        user,
    });
}

/// The session context; panics only if the app shell forgot to provide it.
pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// Shows `children` only to a logged-in user of `role`; everyone else gets a sentence and a link.
#[component]
pub fn RequireRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let access = Memo::new(move |_| match session.user.get() {
        Some(user) if user.role == role => Ok(()),
        Some(_) => Err(AppError::WrongRole(role)),
        None => Err(AppError::NotLoggedIn),
    });
    move || match access.get() {
        Ok(()) => Either::Left(children()),
        Err(error) => Either::Right(view! { <Refusal error /> }),
    }
}

/// A refusal shown in place of a page, with the way out.
#[component]
fn Refusal(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card refusal" role="alert">
            <p>{move || error.in_language(i18n.get_locale())}</p>
            <a class="button" href="/login">
                {t!(i18n, common.log_in)}
            </a>
        </section>
    }
}

/// The logged-in user (inside [`RequireRole`] there always is one).
pub fn signed_in_user() -> Option<CurrentUser> {
    use_session().user.get_untracked()
}
