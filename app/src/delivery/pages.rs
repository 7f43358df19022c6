//! The rider's screens.

use leptos::prelude::*;

use super::api::{my_duty, SetDuty};
use crate::platform::{geo::format_distance, pages::ErrorNote, session::RequireRole, Role};

/// The rider's home: duty status and the switch.
#[component]
pub fn RiderHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Rider>
            <RiderDuty />
        </RequireRole>
    }
}

#[component]
fn RiderDuty() -> impl IntoView {
    let set_duty = ServerAction::<SetDuty>::new();
    let status = Resource::new(move || set_duty.version().get(), |_| my_duty());
    view! {
        <h1>"Rider"</h1>
        {move || {
            set_duty.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => {
                        let on_duty = status.on_duty;
                        view! {
                            <section class="card duty" class:on=on_duty>
                                <p class="duty-state" data-testid="duty-state">
                                    {if on_duty { "On duty" } else { "Off duty" }}
                                </p>
                                <p class="muted">
                                    {format!(
                                        "You take deliveries from stores within {}.",
                                        format_distance(f64::from(status.range_m)),
                                    )}
                                </p>
                                <ActionForm action=set_duty>
                                    <input type="hidden" name="on_duty" value=(!on_duty).to_string() />
                                    <button
                                        type="submit"
                                        class="big"
                                        class:primary=!on_duty
                                        disabled=set_duty.pending()
                                    >
                                        {if on_duty { "Go off duty" } else { "Go on duty" }}
                                    </button>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
