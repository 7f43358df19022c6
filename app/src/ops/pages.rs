//! The operator console.

use leptos::prelude::*;

use super::api::ops_counts;
use crate::ordering::OrderStatus;
use crate::platform::{pages::ErrorNote, session::RequireRole, Role};

/// The operator's overview.
#[component]
pub fn OpsHome() -> impl IntoView {
    view! {
        <RequireRole role=Role::Operator>
            <Overview />
        </RequireRole>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let counts = Resource::new(|| (), |_| ops_counts());
    view! {
        <h1>"Operations"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(counts) => {
                        let accounts = Role::ALL.map(|role| {
                            let n = counts
                                .accounts
                                .iter()
                                .find(|(r, _)| *r == role)
                                .map_or(0, |(_, n)| *n);
                            (role.label(), n)
                        });
                        let orders: Vec<(OrderStatus, i64)> = OrderStatus::ALL
                            .into_iter()
                            .map(|status| {
                                let n = counts
                                    .orders
                                    .iter()
                                    .find(|(s, _)| *s == status)
                                    .map_or(0, |(_, n)| *n);
                                (status, n)
                            })
                            .collect();
                        view! {
                            <section class="card">
                                <h2>"Platform"</h2>
                                <dl class="facts" data-testid="platform-counts">
                                    <dt>"Stores"</dt>
                                    <dd data-testid="stores">{counts.stores}</dd>
                                    <dt>"Taking orders"</dt>
                                    <dd>{counts.stores_accepting_orders}</dd>
                                    <dt>"Menu items"</dt>
                                    <dd>{counts.menu_items}</dd>
                                    <dt>"Riders on duty"</dt>
                                    <dd>{counts.riders_on_duty}</dd>
                                </dl>
                            </section>
                            <section class="card">
                                <h2>"Accounts"</h2>
                                <dl class="facts">
                                    {accounts
                                        .into_iter()
                                        .map(|(label, n)| view! { <dt>{label}</dt><dd>{n}</dd> })
                                        .collect_view()}
                                </dl>
                            </section>
                            <section class="card">
                                <h2>"Orders by status"</h2>
                                <dl class="facts">
                                    {orders
                                        .into_iter()
                                        .map(|(status, n)| {
                                            view! { <dt>{status.as_str()}</dt><dd>{n}</dd> }
                                        })
                                        .collect_view()}
                                </dl>
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
