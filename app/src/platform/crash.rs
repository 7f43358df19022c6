//! When the WebAssembly fails: the page says so and offers a reload instead of looking alive,
//! and the server's log hears of it.
//!
//! A panic aborts the whole WebAssembly instance (the release build uses `panic = "abort"`), so
//! everything here runs inside the panic hook itself, synchronously, through plain DOM calls and
//! `navigator.sendBeacon`: nothing may wait for the reactive system or an async task.

use crate::i18n::{td_string, Locale};
use leptos_i18n::Locale as _;

/// Where the browser reports a failure; the server logs one line per distinct message.
pub const REPORT_PATH: &str = "/client-errors";

/// The longest report the browser sends and the server reads.
pub const MAX_REPORT_BYTES: usize = 2_000;

/// Installs the panic hook: the console gets the panic as before, the page gets a banner with a
/// reload button, and the server gets one short report.
#[cfg(feature = "hydrate")]
pub fn watch_for_panics() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let report = report_text(&info.to_string(), &current_path());
        show_banner();
        send_report(&report);
    }));
}

/// What the server is told: the page and the first lines of the panic, cut to fit.
pub fn report_text(panic: &str, path: &str) -> String {
    let mut report = format!("{path}: {panic}");
    if report.len() > MAX_REPORT_BYTES {
        let mut end = MAX_REPORT_BYTES;
        while !report.is_char_boundary(end) {
            end -= 1;
        }
        report.truncate(end);
    }
    report
}

/// The banner's sentence and button, in the language the page was shown in.
pub fn banner_text(lang: &str) -> (&'static str, &'static str) {
    let locale = Locale::get_all()
        .iter()
        .copied()
        .find(|locale| locale.as_str() == lang)
        .unwrap_or_default();
    (
        td_string!(locale, crash.message),
        td_string!(locale, crash.reload),
    )
}

#[cfg(feature = "hydrate")]
fn current_path() -> String {
    leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default()
}

#[cfg(feature = "hydrate")]
fn show_banner() {
    let document = leptos::prelude::document();
    if document.get_element_by_id("crash-banner").is_some() {
        return;
    }
    let lang = document
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .unwrap_or_default();
    let (message, reload) = banner_text(&lang);
    let (Ok(banner), Ok(sentence), Ok(button), Some(body)) = (
        document.create_element("div"),
        document.create_element("p"),
        document.create_element("button"),
        document.body(),
    ) else {
        return;
    };
    banner.set_id("crash-banner");
    banner.set_class_name("crash-banner");
    let _ = banner.set_attribute("role", "alert");
    sentence.set_text_content(Some(message));
    button.set_text_content(Some(reload));
    let _ = button.set_attribute("type", "button");
    // `public/pwa.js` reloads on a click of it, not a Rust closure: the WebAssembly that would
    // run a closure is gone, and the security policy allows no inline handler.
    let _ = button.set_attribute("data-reload", "");
    let _ = banner.append_child(&sentence);
    let _ = banner.append_child(&button);
    let _ = body.prepend_with_node_1(&banner);
    // The page below looks alive but is not; tests and people can tell.
    let _ = body.set_attribute("data-crashed", "true");
}

#[cfg(feature = "hydrate")]
fn send_report(report: &str) {
    let _ = leptos::prelude::window()
        .navigator()
        .send_beacon_with_opt_str(REPORT_PATH, Some(report));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_panic_is_cut_to_the_report_limit_on_a_character_boundary() {
        let panic = "한".repeat(1_000);
        let report = report_text(&panic, "/orders");
        assert!(report.len() <= MAX_REPORT_BYTES);
        assert!(report.starts_with("/orders: 한"));
        assert!(report.ends_with('한'));
    }

    #[test]
    fn the_banner_speaks_the_page_language_and_korean_when_unknown() {
        assert_eq!(banner_text("en").1, "Reload");
        assert_eq!(banner_text("ko").1, "새로고침");
        assert_eq!(banner_text("fr"), banner_text("ko"));
    }
}
