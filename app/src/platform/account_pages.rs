//! Joining Baedal: the sign-up page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::pages::{use_next, ErrorNote};
use super::session::{come_back_to, use_session};
use super::sign_up::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::i18n::{t, t_string, use_i18n};

/// `/signup`: email, name, password and the consents, required ones apart from the optional
/// one. The browser checks what it can before sending; the server checks everything again.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let next = use_next();
    let pending = session.sign_up.pending();
    let failure = move || {
        session
            .sign_up
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorNote error /> })
    };
    let log_in_link = move || {
        format!(
            "/login{}",
            next.get().map(|n| come_back_to(&n)).unwrap_or_default()
        )
    };
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, signup.title)}</h1>
            <ActionForm action=session.sign_up attr:class="stack sign-up">
                {move || next.get().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <label>
                    {t!(i18n, signup.email)}
                    <input type="email" name="email" autocomplete="email" maxlength="200" required />
                </label>
                <label>
                    {t!(i18n, signup.name)}
                    <input
                        name="display_name"
                        autocomplete="nickname"
                        maxlength="50"
                        required
                        aria-describedby="name-hint"
                    />
                </label>
                <small id="name-hint" class="muted hint">{t!(i18n, signup.name_hint)}</small>
                <label>
                    {t!(i18n, signup.password)}
                    <input
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        minlength=PASSWORD_MIN_CHARS.to_string()
                        maxlength=PASSWORD_MAX_CHARS.to_string()
                        required
                        aria-describedby="password-hint"
                    />
                </label>
                <small id="password-hint" class="muted hint">{t!(i18n, signup.password_hint)}</small>
                <fieldset class="consents">
                    <legend>{t!(i18n, signup.required)}</legend>
                    <Consent name="over_14" required=true>
                        {t!(i18n, signup.over_14)}
                    </Consent>
                    <Consent name="terms" required=true>
                        {t!(i18n, signup.terms)}
                    </Consent>
                    <p class="muted small">{t!(i18n, signup.terms_summary)}</p>
                    <Consent name="privacy" required=true>
                        {t!(i18n, signup.privacy)}
                    </Consent>
                    <p class="muted small">{t!(i18n, signup.privacy_summary)}</p>
                </fieldset>
                <fieldset class="consents">
                    <legend>{t!(i18n, signup.optional)}</legend>
                    <Consent name="marketing" required=false>
                        {t!(i18n, signup.marketing)}
                    </Consent>
                    <p class="muted small">{t!(i18n, signup.marketing_hint)}</p>
                </fieldset>
                <button type="submit" class="primary" disabled=pending>
                    {move || {
                        if pending.get() {
                            t_string!(i18n, signup.signing_up)
                        } else {
                            t_string!(i18n, signup.submit)
                        }
                    }}
                </button>
            </ActionForm>
            {failure}
            <p class="muted">
                {t!(i18n, signup.have_account)} " "
                <A href=log_in_link>{t!(i18n, common.log_in)}</A>
            </p>
        </section>
    }
}

/// One consent's checkbox. Ticked, the form sends its field; unticked, it sends nothing.
#[component]
fn Consent(name: &'static str, required: bool, children: Children) -> impl IntoView {
    view! {
        <label class="inline consent">
            <input type="checkbox" name=name value="yes" required=required />
            <span>{children()}</span>
        </label>
    }
}
