//! What the server knew when it rendered a page: who was logged in, and the time.
//!
//! Hydration replays the server's render in the browser and must build exactly the same first
//! frame, node for node. Anything a page shows in that frame must therefore come from the server:
//! this value (read synchronously, so no `Suspense` waits on it) or a `Resource` created in a
//! component body and read inside `<Suspense/>`/`<Transition/>`. The rules every page follows are
//! in the README ("What a page may read before hydration").

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::CurrentUser;

/// The caller and the clock, as the server saw them while rendering the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstFrame {
    pub user: Option<CurrentUser>,
    pub rendered_at: DateTime<Utc>,
}

/// The caller of one page request, found by the server before it renders the page (the render
/// itself cannot wait for the session store without making the page's shape depend on timing).
/// It travels in that request's extensions; server functions called over HTTP never have one.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct PageCaller(pub Option<CurrentUser>);

/// The caller of the page this code renders, if it renders one.
///
/// Read from the request's own `Parts`, never from a context of its own: leptos_axum gives each
/// server function an owner whose parent is whatever owner the thread last entered, so a
/// context value can come from another visitor's page render on the same thread (the test
/// `a_page_rendered_for_someone_else_never_answers_for_a_server_function` shows it). Each
/// request provides its own `Parts` in its own owner, and the nearest one is this request's.
#[cfg(feature = "ssr")]
pub fn page_caller() -> Option<PageCaller> {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageCaller>().cloned())
}

/// Creates the first frame once, at the top of the app: on the server from the request's
/// [`PageCaller`], in the browser from what the server serialized into the page.
pub fn provide_first_frame() -> FirstFrame {
    let frame = SharedValue::new(|| FirstFrame {
        #[cfg(feature = "ssr")]
        user: page_caller().and_then(|caller| caller.0),
        #[cfg(not(feature = "ssr"))]
        user: None,
        rendered_at: Utc::now(),
    })
    .into_inner();
    provide_context(frame.clone());
    frame
}

/// The time to show now: the server's render time while the browser replays the first frame,
/// the browser's own clock afterwards.
pub fn now_for_this_frame() -> DateTime<Utc> {
    let replaying = cfg!(feature = "ssr")
        || Owner::current_shared_context().is_some_and(|context| context.during_hydration());
    match use_context::<FirstFrame>() {
        Some(frame) if replaying => frame.rendered_at,
        _ => Utc::now(),
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static HYDRATED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Whether the browser has finished hydrating the page, the chunk of its screen included
/// (`app::routes`). The browser fetches that chunk while the rest of the app already runs, and
/// effects run meanwhile: one that changes what the screen shows (the cart from local storage)
/// waits for this, or the screen's replay would no longer match the server's render. Read in an
/// effect, it runs the effect again once the page is live. Never true on the server.
pub fn page_hydrated() -> bool {
    #[cfg(feature = "hydrate")]
    {
        HYDRATED.with(|hydrated| hydrated.get())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Like [`page_hydrated`], without making the caller depend on it.
pub fn page_hydrated_untracked() -> bool {
    #[cfg(feature = "hydrate")]
    {
        HYDRATED.with(|hydrated| hydrated.get_untracked())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Called by the browser entry point once the whole page is hydrated.
#[cfg(feature = "hydrate")]
pub fn finish_hydration() {
    HYDRATED.with(|hydrated| hydrated.set(true));
}
