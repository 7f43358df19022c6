//! The screens the browser downloads when they are first visited, not with the first page.
//!
//! Each type here is one route whose page (and all the code only that page uses) the release
//! build splits into a WebAssembly chunk of its own (`cargo leptos build --split`). A phone opening
//! the customer's home loads the home; the menu, the kitchen, the rider's screen and the operator's
//! pages arrive when someone goes there, and [`PrefetchLikelyNext`] fetches the chunk a customer is
//! likely to need next while they read the page they are on. A page rendered by the server has its
//! chunk preloaded by that page, so hydration does not wait for a second round trip.
//!
//! The customer's home, the login page and the layout stay in the main bundle: they are what
//! nearly every first visit shows.

use leptos::prelude::*;
use leptos_router::{hooks::use_location, lazy_route, LazyRoute};

use crate::{delivery, notification, onboarding, ops, ordering, platform, store, tracking};

/// `/stores/:id`: a store's menu.
pub struct StoreMenu;

#[lazy_route]
impl LazyRoute for StoreMenu {
    fn data() -> Self {
        StoreMenu
    }

    fn view(_this: Self) -> AnyView {
        view! { <ordering::pages::StorePage /> }.into_any()
    }
}

/// `/cart`.
pub struct Cart;

#[lazy_route]
impl LazyRoute for Cart {
    fn data() -> Self {
        Cart
    }

    fn view(_this: Self) -> AnyView {
        view! { <ordering::pages::CartPage /> }.into_any()
    }
}

/// `/orders`.
pub struct MyOrders;

#[lazy_route]
impl LazyRoute for MyOrders {
    fn data() -> Self {
        MyOrders
    }

    fn view(_this: Self) -> AnyView {
        view! { <tracking::pages::MyOrdersPage /> }.into_any()
    }
}

/// `/orders/:id`: one order, followed live.
pub struct TrackOrder;

#[lazy_route]
impl LazyRoute for TrackOrder {
    fn data() -> Self {
        TrackOrder
    }

    fn view(_this: Self) -> AnyView {
        view! { <tracking::pages::TrackOrderPage /> }.into_any()
    }
}

/// `/inbox`.
pub struct Inbox;

#[lazy_route]
impl LazyRoute for Inbox {
    fn data() -> Self {
        Inbox
    }

    fn view(_this: Self) -> AnyView {
        view! { <notification::pages::InboxPage /> }.into_any()
    }
}

/// `/signup`.
pub struct SignUp;

#[lazy_route]
impl LazyRoute for SignUp {
    fn data() -> Self {
        SignUp
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::SignUpPage /> }.into_any()
    }
}

/// `/account`.
pub struct Account;

#[lazy_route]
impl LazyRoute for Account {
    fn data() -> Self {
        Account
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::AccountPage /> }.into_any()
    }
}

/// `/forgot`.
pub struct Forgot;

#[lazy_route]
impl LazyRoute for Forgot {
    fn data() -> Self {
        Forgot
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::ForgotPage /> }.into_any()
    }
}

/// `/reset`.
pub struct Reset;

#[lazy_route]
impl LazyRoute for Reset {
    fn data() -> Self {
        Reset
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::ResetPage /> }.into_any()
    }
}

/// `/goodbye`.
pub struct Goodbye;

#[lazy_route]
impl LazyRoute for Goodbye {
    fn data() -> Self {
        Goodbye
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::GoodbyePage /> }.into_any()
    }
}

/// `/demo/kakao`.
pub struct DemoKakao;

#[lazy_route]
impl LazyRoute for DemoKakao {
    fn data() -> Self {
        DemoKakao
    }

    fn view(_this: Self) -> AnyView {
        view! { <platform::account_pages::DemoKakaoPage /> }.into_any()
    }
}

/// `/store`: the owner's kitchen.
pub struct Kitchen;

#[lazy_route]
impl LazyRoute for Kitchen {
    fn data() -> Self {
        Kitchen
    }

    fn view(_this: Self) -> AnyView {
        view! { <store::pages::OwnerHome /> }.into_any()
    }
}

/// `/store/:id/setup`.
pub struct StoreSetup;

#[lazy_route]
impl LazyRoute for StoreSetup {
    fn data() -> Self {
        StoreSetup
    }

    fn view(_this: Self) -> AnyView {
        view! { <store::pages::StoreSetupPage /> }.into_any()
    }
}

/// `/rider`.
pub struct Rider;

#[lazy_route]
impl LazyRoute for Rider {
    fn data() -> Self {
        Rider
    }

    fn view(_this: Self) -> AnyView {
        view! { <delivery::pages::RiderHome /> }.into_any()
    }
}

/// `/ops`.
pub struct Ops;

#[lazy_route]
impl LazyRoute for Ops {
    fn data() -> Self {
        Ops
    }

    fn view(_this: Self) -> AnyView {
        view! { <ops::pages::OpsHome /> }.into_any()
    }
}

/// `/ops/applications`.
pub struct Applications;

#[lazy_route]
impl LazyRoute for Applications {
    fn data() -> Self {
        Applications
    }

    fn view(_this: Self) -> AnyView {
        view! { <onboarding::pages::ApplicationsReviewPage /> }.into_any()
    }
}

/// `/partner/apply`.
pub struct OwnerApply;

#[lazy_route]
impl LazyRoute for OwnerApply {
    fn data() -> Self {
        OwnerApply
    }

    fn view(_this: Self) -> AnyView {
        view! { <onboarding::pages::OwnerApplyPage /> }.into_any()
    }
}

/// `/rider/apply`.
pub struct RiderApply;

#[lazy_route]
impl LazyRoute for RiderApply {
    fn data() -> Self {
        RiderApply
    }

    fn view(_this: Self) -> AnyView {
        view! { <onboarding::pages::RiderApplyPage /> }.into_any()
    }
}

/// Fetches the chunk of the page a customer most likely opens next: a menu from the home, the
/// cart from a menu, the tracking page from the cart. The chunk is then there when they tap; a
/// chunk already loaded is not fetched again. It waits until the page is hydrated and the browser
/// is idle: each of a chunk's files is a fetch and a WebAssembly instantiation on the page's one
/// thread, and started with the hydration they made its long task longer (on the home, about
/// 27 ms of 175 unthrottled, four times that on Lighthouse's phone; BENCHMARKS.md, "Where the
/// main thread goes").
#[component]
pub fn PrefetchLikelyNext() -> impl IntoView {
    let location = use_location();
    Effect::new(move |_| {
        use leptos::task::spawn_local;
        let path = location.pathname.get();
        if !platform::first_frame::page_hydrated() {
            return;
        }
        request_idle_callback(move || {
            if path == "/" {
                spawn_local(StoreMenu::preload());
            } else if path.starts_with("/stores/") {
                spawn_local(Cart::preload());
            } else if path == "/cart" {
                spawn_local(TrackOrder::preload());
            }
        });
    });
}
