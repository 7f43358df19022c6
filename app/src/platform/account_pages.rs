//! Joining Baedal and one's own account: the sign-up page, the account page with the phone's
//! proof, the way back in after a forgotten password, and the demo's KakaoTalk page where the
//! codes can be read.

use leptos::prelude::*;
use leptos_router::components::{Form, A};

use super::account::LoggedInSession;
use super::api::{my_addresses, my_phone, my_sessions, AskResetCode, OpenReset, ProvePhone};
use super::api::{ChangePassword, ForgetAddress, SendPhoneCode, SetKakaoMessages};
use super::clock::{date_and_time, time_of_day};
use super::pages::{action_failure, use_next, ErrorNote};
use super::phone::{MobileNumber, PhoneState};
use super::session::{come_back_to, use_session};
use super::sign_up::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use super::{AppError, Role, SavedAddress};
use crate::i18n::{t, t_string, use_i18n};
use crate::notification::api::demo_kakao_messages;
use crate::ordering::pages::{AddressActions, AddressFinder};

/// `/signup`: email, name, password and the consents, required ones apart from the optional
/// one. The browser checks what it can before sending; the server checks everything again.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let next = use_next();
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, signup.title)}</h1>
            <SignUpForm next=next.into() />
        </section>
    }
}

/// The sign-up form: a customer's, or with `joining_as` (`owner`, `rider`) the first step of an
/// application, after which the browser goes to `next`.
#[component]
pub fn SignUpForm(
    next: Signal<Option<String>>,
    #[prop(optional)] joining_as: Option<&'static str>,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let pending = session.sign_up.pending();
    let failure = move || action_failure(session.sign_up.value().get());
    let log_in_link = move || {
        format!(
            "/login{}",
            next.get().map(|n| come_back_to(&n)).unwrap_or_default()
        )
    };
    view! {
        <ActionForm action=session.sign_up attr:class="stack sign-up">
            {move || next.get().map(|next| view! { <input type="hidden" name="next" value=next /> })}
            {joining_as.map(|role| view! { <input type="hidden" name="joining_as" value=role /> })}
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
            <NewPassword>{t!(i18n, signup.password)}</NewPassword>
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
    }
}

/// A new password's field, labelled by `children`, with the rules the server holds it to.
#[component]
fn NewPassword(
    /// The form field's name.
    #[prop(default = "password")]
    name: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {children()}
            <input
                type="password"
                name=name
                autocomplete="new-password"
                minlength=PASSWORD_MIN_CHARS.to_string()
                maxlength=PASSWORD_MAX_CHARS.to_string()
                required
                aria-describedby="password-hint"
            />
        </label>
        <small id="password-hint" class="muted hint">{t!(i18n, signup.password_hint)}</small>
    }
}

/// The field the account's current password is typed into, to prove it is its owner who asks.
#[component]
fn CurrentPassword() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {t!(i18n, account.current_password)}
            <input
                type="password"
                name="current_password"
                autocomplete="current-password"
                maxlength="200"
                required
            />
        </label>
    }
}

/// The field a code sent by KakaoTalk is typed into, labelled by `children`: six digits, spaces
/// allowed, and the phone may fill it in from the message.
#[component]
fn CodeField(children: Children) -> impl IntoView {
    view! {
        <label>
            {children()}
            <input
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                maxlength="7"
                required
            />
        </label>
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

/// `/account`: who the caller is; their phone, which they prove with a code sent to it over
/// KakaoTalk before any KakaoTalk message goes to it, and whether messages come at all; their
/// password; a customer's saved addresses; and the browsers logged in, which can all be logged
/// out at once.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let change_password = ServerAction::<ChangePassword>::new();
    let is_customer = move || {
        session
            .user
            .with(|user| user.as_ref().is_some_and(|u| u.role == Role::Customer))
    };
    view! {
        <h1>{t!(i18n, account.title)}</h1>
        {move || {
            session
                .user
                .get()
                .map(|user| {
                    view! {
                        <section class="card">
                            <dl class="facts">
                                <dt>{t!(i18n, account.name)}</dt>
                                <dd>{user.display_name}</dd>
                                <dt>{t!(i18n, account.email)}</dt>
                                <dd>{user.email}</dd>
                            </dl>
                        </section>
                    }
                })
        }}
        <PhoneCard come_back="/account" />
        {move || {
            session
                .user
                .with(Option::is_some)
                .then(|| {
                    view! {
                        <PasswordChange change=change_password />
                        {is_customer().then(|| view! { <SavedAddresses /> })}
                        <LoggedInSessions change_password />
                        <Leaving is_customer=is_customer() />
                    }
                })
        }}
    }
}

/// The card of the caller's mobile number: its state, proving it with a code, and the
/// KakaoTalk switch. `come_back` is the page a logged-out reader returns to after logging in.
#[component]
pub fn PhoneCard(come_back: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let send_code = ServerAction::<SendPhoneCode>::new();
    let prove = ServerAction::<ProvePhone>::new();
    let switch_kakao = ServerAction::<SetKakaoMessages>::new();
    let phone = Resource::new(
        move || {
            (
                send_code.version().get(),
                prove.version().get(),
                switch_kakao.version().get(),
            )
        },
        |_| my_phone(),
    );
    view! {
        <section class="card" aria-labelledby="phone-heading">
            <h2 id="phone-heading">{t!(i18n, account.phone)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match phone.await {
                        Ok(state) => {
                            view! { <PhoneProof state send_code prove switch_kakao /> }.into_any()
                        }
                        Err(AppError::NotLoggedIn) => {
                            view! {
                                <p>
                                    {t!(i18n, account.log_in)} " "
                                    <A href=format!("/login{}", come_back_to(come_back))>
                                        {t!(i18n, common.log_in)}
                                    </A>
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The phone's state, the form that sends a code to a number, and, while a code waits, the
/// form that takes it.
#[component]
fn PhoneProof(
    state: PhoneState,
    send_code: ServerAction<SendPhoneCode>,
    prove: ServerAction<ProvePhone>,
    switch_kakao: ServerAction<SetKakaoMessages>,
) -> impl IntoView {
    let i18n = use_i18n();
    let proven = state.proven;
    let standing = match state.phone.as_ref().map(MobileNumber::shown) {
        Some(phone) => view! {
            <p data-testid="phone-standing">
                <strong>{phone}</strong>
                " · "
                {move || match proven {
                    true => t_string!(i18n, account.phone_proven),
                    false => t_string!(i18n, account.phone_unproven),
                }}
            </p>
        }
        .into_any(),
        None => {
            view! { <p data-testid="phone-standing">{t!(i18n, account.phone_none)}</p> }.into_any()
        }
    };
    let typed_number = state
        .waiting_for_code
        .as_ref()
        .or(state.phone.as_ref())
        .map(MobileNumber::shown)
        .unwrap_or_default();
    let waiting = state.waiting_for_code.clone().map(|number| {
        let demo_link = state.kakao_stand_in.then(|| {
            view! {
                <p class="small">
                    <A href=format!("/demo/kakao?phone={}", number.digits())>
                        {t!(i18n, account.read_in_demo)}
                    </A>
                </p>
            }
        });
        let sent_to = number.shown();
        view! {
            <p role="status">{move || t_string!(i18n, account.code_sent, phone = sent_to.clone())}</p>
            {demo_link}
            <ActionForm action=prove attr:class="stack">
                <CodeField>{t!(i18n, account.code)}</CodeField>
                <button type="submit" class="primary" disabled=prove.pending()>
                    {t!(i18n, account.prove)}
                </button>
            </ActionForm>
        }
    });
    let has_waiting = state.waiting_for_code.is_some();
    let proven_now =
        move || {
            prove.value().get().and_then(Result::ok).map(
                |_| view! { <p role="status" class="success">{t!(i18n, account.proven_now)}</p> },
            )
        };
    view! {
        {standing}
        {(!state.kakao_on).then(|| view! { <p class="muted">{t!(i18n, account.kakao_off_here)}</p> })}
        {proven_now}
        <KakaoSwitch wanted=state.messages_wanted switch=switch_kakao />
        <ActionForm action=send_code attr:class="stack">
            <label>
                {t!(i18n, account.mobile_number)}
                <input
                    name="phone"
                    type="tel"
                    inputmode="tel"
                    autocomplete="tel-national"
                    maxlength="30"
                    placeholder="010-1234-5678"
                    value=typed_number
                    required
                />
            </label>
            <button type="submit" disabled=send_code.pending()>
                {move || match has_waiting {
                    true => t_string!(i18n, account.send_new_code),
                    false => t_string!(i18n, account.send_code),
                }}
            </button>
        </ActionForm>
        {move || action_failure(send_code.value().get())}
        {waiting}
        {move || action_failure(prove.value().get())}
    }
}

/// Whether KakaoTalk messages about orders come at all, and the button that turns them the
/// other way. Codes the person asks for come regardless.
#[component]
fn KakaoSwitch(wanted: bool, switch: ServerAction<SetKakaoMessages>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=switch attr:class="row spread kakao-switch">
            <input type="hidden" name="on" value=(!wanted).to_string() />
            <span data-testid="kakao-messages">
                {move || match wanted {
                    true => t_string!(i18n, account.kakao_wanted),
                    false => t_string!(i18n, account.kakao_unwanted),
                }}
            </span>
            <button type="submit" disabled=switch.pending()>
                {move || match wanted {
                    true => t_string!(i18n, account.kakao_turn_off),
                    false => t_string!(i18n, account.kakao_turn_on),
                }}
            </button>
        </ActionForm>
        {move || action_failure(switch.value().get())}
    }
}

/// The password change: the current password, then the new one. Once changed, the form gives
/// way to what the change did.
#[component]
fn PasswordChange(change: ServerAction<ChangePassword>) -> impl IntoView {
    let i18n = use_i18n();
    let pending = change.pending();
    let form_or_done = move || match change.value().get() {
        Some(Ok(changed)) => {
            let others = changed.other_sessions_ended;
            view! {
                <p role="status" class="success">
                    {move || t_string!(i18n, account.password_changed, others)}
                </p>
            }
            .into_any()
        }
        _ => view! {
            <ActionForm action=change attr:class="stack">
                <CurrentPassword />
                <NewPassword name="new_password">{t!(i18n, account.new_password)}</NewPassword>
                <button type="submit" disabled=pending>
                    {move || match pending.get() {
                        true => t_string!(i18n, account.changing_password),
                        false => t_string!(i18n, account.change_password),
                    }}
                </button>
            </ActionForm>
            {move || action_failure(change.value().get())}
        }
        .into_any(),
    };
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">{t!(i18n, account.password)}</h2>
            <p class="muted small">{t!(i18n, account.password_intro)}</p>
            {form_or_done}
        </section>
    }
}

/// A customer's saved delivery addresses, each with a button that forgets it, and the finder
/// that adds one.
#[component]
fn SavedAddresses() -> impl IntoView {
    let i18n = use_i18n();
    let forget = ServerAction::<ForgetAddress>::new();
    let add_address = AddressActions::new();
    let addresses = Resource::new(
        move || (forget.version().get(), add_address.version()),
        |_| my_addresses(),
    );
    view! {
        <section class="card" aria-labelledby="addresses-heading">
            <h2 id="addresses-heading">{t!(i18n, account.addresses)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match addresses.await {
                        Ok(saved) if saved.is_empty() => {
                            view! { <p class="muted">{t!(i18n, account.no_addresses)}</p> }
                                .into_any()
                        }
                        Ok(saved) => {
                            view! {
                                <ul class="plain saved-addresses">
                                    {saved
                                        .into_iter()
                                        .map(|address| view! { <SavedAddressLine address forget /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || action_failure(forget.value().get())}
            <details class="new-address">
                <summary>{t!(i18n, address.summary)}</summary>
                <AddressFinder add_address store=Signal::stored(None) />
            </details>
        </section>
    }
}

#[component]
fn SavedAddressLine(address: SavedAddress, forget: ServerAction<ForgetAddress>) -> impl IntoView {
    let i18n = use_i18n();
    let label = address.label.clone();
    let unit =
        (!address.unit.is_empty()).then(|| view! { <span class="muted">" " {address.unit}</span> });
    view! {
        <li class="row spread">
            <span>
                <strong>{address.label}</strong> " · " {address.line} {unit}
            </span>
            <ActionForm action=forget>
                <input type="hidden" name="address_id" value=address.address_id.to_string() />
                <button
                    type="submit"
                    class="small"
                    disabled=forget.pending()
                    aria-label=move || t_string!(i18n, account.forget_address_named, label = label.clone())
                >
                    {t!(i18n, account.forget_address)}
                </button>
            </ActionForm>
        </li>
    }
}

/// The browsers logged into the account, this one first, and "log out everywhere". The list
/// is read again after a password change, which logs the others out.
#[component]
fn LoggedInSessions(change_password: ServerAction<ChangePassword>) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let sessions = Resource::new(move || change_password.version().get(), |_| my_sessions());
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t!(i18n, account.sessions)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => {
                            view! {
                                <ul class="plain sessions">
                                    {list
                                        .into_iter()
                                        .map(|logged_in| view! { <SessionLine logged_in /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=session.log_out_everywhere>
                <button type="submit" class="danger" disabled=session.log_out_everywhere.pending()>
                    {t!(i18n, account.log_out_everywhere)}
                </button>
            </ActionForm>
            <p class="muted small">{t!(i18n, account.log_out_everywhere_hint)}</p>
            {move || action_failure(session.log_out_everywhere.value().get())}
        </section>
    }
}

#[component]
fn SessionLine(logged_in: LoggedInSession) -> impl IntoView {
    let i18n = use_i18n();
    let device = logged_in.device;
    let since = date_and_time(logged_in.logged_in_at);
    let last = date_and_time(logged_in.last_seen);
    view! {
        <li data-testid="session">
            <strong>
                {move || match device.is_empty() {
                    true => t_string!(i18n, account.unnamed_device).to_owned(),
                    false => device.clone(),
                }}
            </strong>
            {logged_in
                .this_browser
                .then(|| view! { " " <span class="badge ok">{t!(i18n, account.this_browser)}</span> })}
            <br />
            <small class="muted">
                {move || t_string!(i18n, account.session_times, since = since.clone(), last = last.clone())}
            </small>
        </li>
    }
}

/// Leaving Baedal for good (회원탈퇴): what goes and what stays, the password, and a box that
/// says the person understands. Owners and riders are told to ask support, which hands over
/// their store or deliveries first.
#[component]
fn Leaving(is_customer: bool) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let leave = session.leave;
    let form = is_customer.then(|| {
        view! {
            <p>{t!(i18n, account.leave_erased)}</p>
            <p class="muted small">{t!(i18n, account.leave_kept)}</p>
            <ActionForm action=leave attr:class="stack">
                <CurrentPassword />
                <label class="inline consent">
                    <input type="checkbox" required />
                    <span>{t!(i18n, account.leave_understood)}</span>
                </label>
                <button type="submit" class="danger" disabled=leave.pending()>
                    {t!(i18n, account.leave_submit)}
                </button>
            </ActionForm>
            {move || action_failure(leave.value().get())}
        }
    });
    view! {
        <section class="card" aria-labelledby="leave-heading">
            <h2 id="leave-heading">{t!(i18n, account.leave)}</h2>
            {match form {
                Some(form) => form.into_any(),
                None => view! { <p class="muted">{t!(i18n, account.leave_through_support)}</p> }.into_any(),
            }}
        </section>
    }
}

/// `/goodbye`: where a person who has just left lands, told what was erased and what is kept.
#[component]
pub fn GoodbyePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, goodbye.title)}</h1>
            <p>{t!(i18n, goodbye.erased)}</p>
            <p class="muted">{t!(i18n, account.leave_kept)}</p>
            <p><A href="/">{t!(i18n, goodbye.home)}</A></p>
        </section>
    }
}

/// `/forgot`: the email of the account, which gets a code by KakaoTalk on its proven phone, then
/// the code, which opens the step where a new password is set. The page says the same whether
/// or not the email has an account, and where to turn without a proven phone.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let ask = ServerAction::<AskResetCode>::new();
    let open = ServerAction::<OpenReset>::new();
    let email = RwSignal::new(String::new());
    let asked = move || {
        ask.value().get().and_then(Result::ok).map(|answer| {
            let asked_for = email.get_untracked();
            let demo_link = answer.kakao_stand_in.then(|| {
                view! {
                    <p class="small">
                        // A tab of its own, as a phone's KakaoTalk is an app of its own: this
                        // page keeps the form the code goes into.
                        <a href="/demo/kakao" target="_blank">
                            {t!(i18n, forgot.read_in_demo)}
                        </a>
                    </p>
                }
            });
            view! {
                <p role="status">{move || t_string!(i18n, forgot.asked, email = asked_for.clone())}</p>
                {demo_link}
                <ActionForm action=open attr:class="stack">
                    <input type="hidden" name="email" value=move || email.get() />
                    <CodeField>{t!(i18n, forgot.code)}</CodeField>
                    <button type="submit" class="primary" disabled=open.pending()>
                        {move || match open.pending().get() {
                            true => t_string!(i18n, forgot.opening),
                            false => t_string!(i18n, forgot.open),
                        }}
                    </button>
                </ActionForm>
                {move || action_failure(open.value().get())}
            }
        })
    };
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, forgot.title)}</h1>
            <p class="muted">{t!(i18n, forgot.intro)}</p>
            <ActionForm action=ask attr:class="stack">
                <label>
                    {t!(i18n, forgot.email)}
                    <input
                        type="email"
                        name="email"
                        autocomplete="username"
                        maxlength="200"
                        required
                        bind:value=email
                    />
                </label>
                <button type="submit" disabled=ask.pending()>
                    {move || match ask.pending().get() {
                        true => t_string!(i18n, forgot.sending),
                        false => t_string!(i18n, forgot.send_code),
                    }}
                </button>
            </ActionForm>
            {move || action_failure(ask.value().get())}
            {asked}
            <p class="muted small">{t!(i18n, forgot.no_phone)}</p>
        </section>
    }
}

/// `/reset?token=…`: the step a reset code or an operator's link opened, where the new password
/// is set; setting it ends every other session of the account and logs this browser in.
#[component]
pub fn ResetPage() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let token = Memo::new(move |_| query.with(|q| q.get("token")).unwrap_or_default());
    let pending = session.set_new_password.pending();
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, reset.title)}</h1>
            {move || match token.get().is_empty() {
                true => view! {
                    <p>{t!(i18n, reset.no_token)}</p>
                    <p><A href="/forgot">{t!(i18n, reset.ask_again)}</A></p>
                }
                .into_any(),
                false => view! {
                    <p class="muted">{t!(i18n, reset.intro)}</p>
                    <ActionForm action=session.set_new_password attr:class="stack">
                        <input type="hidden" name="token" value=move || token.get() />
                        <NewPassword>{t!(i18n, reset.password)}</NewPassword>
                        <button type="submit" class="primary" disabled=pending>
                            {move || match pending.get() {
                                true => t_string!(i18n, reset.setting),
                                false => t_string!(i18n, reset.submit),
                            }}
                        </button>
                    </ActionForm>
                    {move || action_failure(session.set_new_password.value().get())}
                    <p class="muted small"><A href="/forgot">{t!(i18n, reset.ask_again)}</A></p>
                }
                .into_any(),
            }}
        </section>
    }
}

/// `/demo/kakao`: in the demo, what its KakaoTalk stand-in received for a phone, newest first,
/// as that phone's KakaoTalk would show it. Elsewhere it says it exists only in the demo.
#[component]
pub fn DemoKakaoPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let phone = Memo::new(move |_| query.with(|q| q.get("phone")).unwrap_or_default());
    let messages = Resource::new(
        move || phone.get(),
        |phone| async move {
            match phone.trim().is_empty() {
                true => Ok(Some(Vec::new())),
                false => demo_kakao_messages(phone).await,
            }
        },
    );
    view! {
        <h1>{t!(i18n, demo_kakao.title)}</h1>
        <p class="muted">{t!(i18n, demo_kakao.intro)}</p>
        <Form method="GET" action="/demo/kakao" attr:class="stack">
            <label>
                {t!(i18n, account.mobile_number)}
                <input
                    name="phone"
                    type="tel"
                    inputmode="tel"
                    maxlength="30"
                    placeholder="010-1234-5678"
                    value=move || phone.get()
                    required
                />
            </label>
            <button type="submit">{t!(i18n, demo_kakao.show)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(None) => view! { <p>{t!(i18n, demo_kakao.only_demo)}</p> }.into_any(),
                    Ok(Some(list)) if list.is_empty() => {
                        (!phone.get_untracked().trim().is_empty())
                            .then(|| view! { <p>{t!(i18n, demo_kakao.empty)}</p> })
                            .into_any()
                    }
                    Ok(Some(list)) => {
                        view! {
                            <ul class="inbox" aria-label=move || t_string!(i18n, demo_kakao.list)>
                                {list
                                    .into_iter()
                                    .map(|message| {
                                        view! {
                                            <li class="card">
                                                <p>{message.content}</p>
                                                <p class="muted">{time_of_day(message.received_at)}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
