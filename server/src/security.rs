//! What every response says about itself to the browser, and which requests are the site's own.
//!
//! - A command (`POST /api/…`) or a live socket (`/ws`) sent from another site is refused with
//!   403: SameSite=Lax alone lets a sibling subdomain through, since it is the "same site".
//! - Every page carries a Content-Security-Policy that lets only this page's own scripts run:
//!   the hydration scripts carry the nonce Leptos makes for each render, everything else must
//!   come from this origin, and the WebAssembly may compile. Other responses get the same policy
//!   without a nonce, and all of them the usual headers (no sniffing, no framing, a strict
//!   referrer, geolocation for this site only, HSTS behind TLS).

use app::platform::AppError;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::prelude::use_context;
use std::sync::{Arc, OnceLock};
use tower_http::set_header::SetResponseHeaderLayer;

/// Origins besides the site's own that may send commands and open sockets, for a deployment
/// whose pages are served from another name than the API (`BAEDAL_ALLOWED_ORIGINS`).
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(pub Vec<String>);

impl AllowedOrigins {
    /// Whether a request carrying these headers comes from the site itself or an allowed origin.
    fn admit(&self, headers: &HeaderMap) -> bool {
        let text = |name: HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
        match text(header::ORIGIN) {
            Some(origin) => {
                let own = text(header::HOST).is_some_and(|host| authority(origin) == Some(host));
                own || self.0.iter().any(|allowed| allowed == origin)
            }
            // Browsers always send Origin on these requests; without one, only a client that is
            // not a browser, or a browser saying outright that another site sent it.
            None => !matches!(
                headers
                    .get("sec-fetch-site")
                    .and_then(|value| value.to_str().ok()),
                Some("cross-site" | "same-site")
            ),
        }
    }
}

/// `host[:port]` of an origin such as `https://baedal.kr:8443`.
fn authority(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    matches!(scheme, "http" | "https").then_some(rest)
}

/// Refuses commands and sockets from other sites before anything reads them.
pub async fn refuse_other_sites(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let guarded = (request.method() == Method::POST && path.starts_with("/api/")) || path == "/ws";
    if guarded && !allowed.admit(request.headers()) {
        let origin = request.headers().get(header::ORIGIN).cloned();
        tracing::warn!(?origin, %path, "refused a request from another site");
        let error = AppError::OtherSite;
        return (
            error.http_status(),
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&error).unwrap_or_default(),
        )
            .into_response();
    }
    next.run(request).await
}

/// The policy, with the nonce of a page's own inline scripts when there is one.
fn content_security_policy(nonce: Option<&str>) -> String {
    let page_scripts = nonce
        .map(|nonce| format!(" 'nonce-{nonce}'"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{page_scripts} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one page's inline scripts, handed from its render to its response.
///
/// It travels in the request rather than in Leptos' `ResponseOptions`: under the browser suite's
/// load, a page rendered whole (`SsrMode::Async`) now and then left with none of the headers its
/// render had set, and a page whose policy does not name its nonce never hydrates.
#[derive(Clone, Default)]
struct PageNonce(Arc<OnceLock<String>>);

/// Gives each request a place for its page's nonce, and names that nonce in the policy of the
/// response when a page was rendered.
pub async fn name_page_nonce(mut request: Request, next: Next) -> Response {
    let nonce = PageNonce::default();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    if let Some(nonce) = nonce.0.get() {
        match HeaderValue::from_str(&content_security_policy(Some(nonce))) {
            Ok(policy) => {
                response
                    .headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            Err(error) => tracing::error!(%error, "a nonce that is not a header value"),
        }
    }
    response
}

/// Called in every page render's context: hands the nonce Leptos gave this render's inline
/// scripts to [`name_page_nonce`].
pub fn page_policy() {
    let (Some(nonce), Some(request)) = (leptos::nonce::use_nonce(), use_context::<Parts>()) else {
        return;
    };
    if let Some(slot) = request.extensions.get::<PageNonce>() {
        // The first render of a request names the nonce; its scripts carry that one.
        let _ = slot.0.set(nonce.to_string());
    }
}

/// The headers every response carries, unless a page already set its own policy.
pub fn with_headers(router: Router, served_over_tls: bool) -> Router {
    let fixed = |value: &'static str| HeaderValue::from_static(value);
    let policy = HeaderValue::from_str(&content_security_policy(None))
        .unwrap_or_else(|_| fixed("default-src 'self'"));
    let router = router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            fixed("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            fixed("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            fixed("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            fixed("geolocation=(self), camera=(), microphone=(), payment=()"),
        ));
    if served_over_tls {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            fixed("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn the_sites_own_origin_is_admitted() {
        let none = AllowedOrigins::default();
        assert!(none.admit(&headers(&[
            ("host", "baedal.kr"),
            ("origin", "https://baedal.kr")
        ])));
        assert!(none.admit(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
    }

    #[test]
    fn another_site_and_a_sibling_subdomain_are_refused() {
        let none = AllowedOrigins::default();
        for origin in [
            "https://evil.example",
            "https://shop.baedal.kr",
            "null",
            "baedal.kr",
        ] {
            let mut map = headers(&[("host", "baedal.kr")]);
            map.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert!(!none.admit(&map), "{origin}");
        }
        assert!(!none.admit(&headers(&[
            ("host", "baedal.kr"),
            ("sec-fetch-site", "same-site")
        ])));
    }

    #[test]
    fn a_configured_origin_is_admitted() {
        let allowed = AllowedOrigins(vec!["https://app.baedal.kr".into()]);
        assert!(allowed.admit(&headers(&[
            ("host", "api.baedal.kr"),
            ("origin", "https://app.baedal.kr")
        ])));
    }

    #[test]
    fn a_client_that_is_not_a_browser_is_admitted() {
        assert!(AllowedOrigins::default().admit(&headers(&[("host", "baedal.kr")])));
    }

    #[test]
    fn a_pages_policy_names_its_nonce_and_nothing_else_runs() {
        let policy = content_security_policy(Some("abc123"));
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
