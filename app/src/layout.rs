//! The layout every page sits in: the header with the signed-in person, their role's links and
//! the language switch. It is the one piece of UI that names several contexts (the cart, the
//! inbox), so it sits above them, beside the routes, and not in `platform`.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::notification::pages::InboxLink;
use crate::ordering::saved_cart::use_cart;
use crate::platform::live::LiveIndicator;
use crate::platform::pages::role_label;
use crate::platform::session::use_session;
use crate::platform::{first_frame, language, CurrentUser, Role};
use leptos_i18n::Locale as _;

/// Header with the signed-in user and the page below it.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    // Tests and people alike can tell when the page has become interactive: once its screen's
    // chunk has arrived and the screen is hydrated too.
    Effect::new(move |_| {
        if !first_frame::page_hydrated() {
            return;
        }
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
            <nav aria-label=move || t_string!(i18n, nav.account)>
                {move || match session.user.get() {
                    Some(user) => Either::Left(view! {
                        <RoleLinks user=user.clone() />
                        <A href="/account" attr:class="who">
                            {user.display_name.clone()}
                            <span class="role-tag">
                                {move || role_label(i18n.get_locale(), user.role)}
                            </span>
                        </A>
                        <ActionForm action=session.logout attr:class="inline">
                            <button type="submit" class="link">
                                {t!(i18n, common.log_out)}
                            </button>
                        </ActionForm>
                    }),
                    None => Either::Right(view! { <A href="/login">{t!(i18n, common.log_in)}</A> }),
                }}
                <LanguageSwitch />
            </nav>
        </header>
        <main class="page">{children()}</main>
    }
}

/// The header links of one role, the inbox with its unread count, and the live indicator.
#[component]
fn RoleLinks(user: CurrentUser) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let links = match user.role {
        Role::Customer => view! {
            <A href="/orders">{t!(i18n, nav.my_orders)}</A>
            <A href="/cart" attr:class="cart-link">
                {t!(i18n, nav.cart)}
                {move || {
                    let count = cart.with(|c| c.count());
                    (count > 0).then(|| view! { <span class="count" data-testid="cart-count">{count}</span> })
                }}
            </A>
        }
        .into_any(),
        Role::Owner => view! { <A href=Role::Owner.home_path()>{t!(i18n, nav.kitchen)}</A> }.into_any(),
        Role::Rider => view! { <A href=Role::Rider.home_path()>{t!(i18n, nav.deliveries)}</A> }.into_any(),
        Role::Operator => view! { <A href=Role::Operator.home_path()>{t!(i18n, nav.console)}</A> }.into_any(),
    };
    view! {
        <LiveIndicator />
        {links}
        <InboxLink user />
    }
}

/// One button that flips between Korean and English; the choice is kept in a cookie
/// (`platform::language`).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = move || match i18n.get_locale() {
        Locale::ko => Locale::en,
        Locale::en => Locale::ko,
    };
    view! {
        <button
            type="button"
            class="link language"
            lang=move || other().as_str()
            aria-label=move || t_string!(i18n, nav.switch_label)
            data-testid="language-switch"
            on:click=move |_| {
                let chosen = other();
                i18n.set_locale(chosen);
                language::remember_in_browser(chosen);
            }
        >
            {t!(i18n, nav.switch_to)}
        </button>
    }
}
