//! The browser's view of who is logged in, shared by every page through context.

use leptos::either::Either;
use leptos::prelude::*;

use super::api::{LeaveBaedal, LogOutEverywhere, Login, Logout, SetNewPassword, SignUp};
use super::first_frame::provide_first_frame;
use super::{AppError, CurrentUser, Role};
use crate::i18n::{t, use_i18n};

/// Login and logout actions plus the current user.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    /// Ending every session of the account, this browser's too (from the account page).
    pub log_out_everywhere: ServerAction<LogOutEverywhere>,
    /// Leaving Baedal for good, which ends every session.
    pub leave: ServerAction<LeaveBaedal>,
    pub sign_up: ServerAction<SignUp>,
    /// Setting a new password through a reset step, which logs the browser in.
    pub set_new_password: ServerAction<SetNewPassword>,
    /// Who is logged in: the server's answer when it rendered the page, then whatever the last
    /// login or logout in this tab made of it. Known at once, so no page waits for it.
    pub user: ReadSignal<Option<CurrentUser>>,
}

/// Creates the session context once, at the top of the app.
pub fn provide_session_context() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let log_out_everywhere = ServerAction::<LogOutEverywhere>::new();
    let leave = ServerAction::<LeaveBaedal>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let set_new_password = ServerAction::<SetNewPassword>::new();
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
        if let Some(Ok(signed_up)) = sign_up.value().get() {
            change_to(Some(signed_up));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(back_in)) = set_new_password.value().get() {
            change_to(Some(back_in));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            change_to(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = log_out_everywhere.value().get() {
            change_to(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = leave.value().get() {
            change_to(None);
        }
    });
    // A session ended elsewhere (a password change, "log out everywhere" in another browser, an
    // operator's suspension) reaches this tab as the live socket's close code: the tab shows the
    // person logged out rather than pages whose every action the server would now refuse.
    Effect::new(move |_| {
        let ended = use_context::<super::live::LiveLink>()
            .is_some_and(|link| link.state.get() == super::live::LinkState::SessionEnded);
        if ended {
            change_to(None);
        }
    });
    provide_context(SessionContext {
        login,
        logout,
        log_out_everywhere,
        leave,
        sign_up,
        set_new_password,
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

/// A refusal shown in place of a page, with the way out: logging in, or for someone without an
/// account, creating one; either brings them back to this page.
#[component]
fn Refusal(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let back = come_back_to(
        &leptos_router::hooks::use_location()
            .pathname
            .get_untracked(),
    );
    let sign_up = (error == AppError::NotLoggedIn).then(|| {
        view! {
            <a class="button" href=format!("/signup{back}")>
                {t!(i18n, common.sign_up)}
            </a>
        }
    });
    view! {
        <section class="card refusal" role="alert">
            <p>{move || error.in_language(i18n.get_locale())}</p>
            <div class="row">
                <a class="button primary" href=format!("/login{back}")>
                    {t!(i18n, common.log_in)}
                </a>
                {sign_up}
            </div>
        </section>
    }
}

/// `next` if it is a page of this site to go to after logging in or signing up: a path of ours,
/// never another site (`//evil.example`, `/\\evil.example` and `https://…` are refused), so a
/// link cannot use our login to send people elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    let ours = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 200
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ours.then_some(next)
}

/// `?next=` for a link to the login or sign-up page from `path`, so the person comes back to it.
pub fn come_back_to(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // A path's slashes may stay as they are in a query value; everything else but the unreserved
    // characters is escaped.
    const QUERY_PATH: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    match local_path(path) {
        Some(path) if path != "/" => format!("?next={}", utf8_percent_encode(path, QUERY_PATH)),
        _ => String::new(),
    }
}

/// Where a login or sign-up sends the browser: `next` when it is a page of ours, else the role's
/// home.
#[cfg(feature = "ssr")]
pub fn go_on_after_login(next: Option<&str>, role: Role) {
    leptos_axum::redirect(next.and_then(local_path).unwrap_or(role.home_path()));
}

/// The logged-in user (inside [`RequireRole`] there always is one).
pub fn signed_in_user() -> Option<CurrentUser> {
    use_session().user.get_untracked()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_gone_to_after_a_login() {
        assert_eq!(local_path("/cart"), Some("/cart"));
        assert_eq!(local_path("/orders/5f0c?x=1"), Some("/orders/5f0c?x=1"));
        for elsewhere in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "cart",
            "",
            "/ cart",
            "/\ncart",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere:?}");
        }
    }

    #[test]
    fn a_link_to_the_login_brings_back_to_the_page_it_came_from() {
        assert_eq!(come_back_to("/cart"), "?next=/cart");
        assert_eq!(come_back_to("/"), "");
        assert_eq!(come_back_to("/가게"), "?next=/%EA%B0%80%EA%B2%8C");
    }
}
