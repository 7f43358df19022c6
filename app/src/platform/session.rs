//! The browser's view of who is logged in, shared by every page through context.

use leptos::prelude::*;

use super::api::{session_user, Login, Logout};
use super::{AppError, CurrentUser, Role};
use crate::i18n::{t, use_i18n};

/// Login and logout actions plus the current user, refetched whenever either action runs.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

/// Creates the session context once, at the top of the app.
pub fn provide_session_context() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(
        move || (login.version().get(), logout.version().get()),
        |_| session_user(),
    );
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
    let i18n = use_i18n();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if user.role == role => children.read_value()().into_any(),
                    Ok(Some(_)) => view! { <Refusal error=AppError::WrongRole(role) /> }.into_any(),
                    Ok(None) => view! { <Refusal error=AppError::NotLoggedIn /> }.into_any(),
                    Err(error) => view! { <Refusal error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A refusal shown in place of a page, with the way out.
#[component]
fn Refusal(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card refusal" role="alert">
            <p>{error.to_string()}</p>
            <a class="button" href="/login">
                {t!(i18n, common.log_in)}
            </a>
        </section>
    }
}

/// The logged-in user, once the session has loaded (inside [`RequireRole`] it always has).
pub fn signed_in_user() -> Option<CurrentUser> {
    use_session()
        .user
        .get_untracked()
        .and_then(Result::ok)
        .flatten()
}
