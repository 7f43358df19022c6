//! The cart and checkout: lines with quantities, the totals the server will charge, the address.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};

use crate::i18n::{t, t_string, use_i18n};
use crate::ordering::api::PlaceOrder;
use crate::ordering::cart::{items_total, price_cart};
use crate::ordering::saved_cart::use_cart;
use crate::ordering::PlaceOrderRequest;
use crate::platform::{
    api::my_addresses, pages::ErrorNote, session::RequireRole, AppError, Role, SavedAddress,
};
use crate::store::{api::store_menu, StoreMenu};

/// `/cart`.
#[component]
pub fn CartPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, cart.title)}</h1>
        <RequireRole role=Role::Customer>
            <Checkout />
        </RequireRole>
    }
}

#[component]
fn Checkout() -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let store_id = Memo::new(move |_| cart.with(|c| c.store.as_ref().map(|(id, _)| *id)));
    // Created here, beside the menu, so that no resource is born inside a Suspense.
    let addresses = Resource::new(|| (), |_| my_addresses());
    let menu = Resource::new(
        move || store_id.get(),
        |id| async move {
            match id {
                Some(id) => store_menu(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, cart.loading)}</p> }>
            {move || Suspend::new(async move {
                match menu.await {
                    Ok(Some(menu)) => view! { <CartLines menu addresses /> }.into_any(),
                    Ok(None) => {
                        view! {
                            <section class="card">
                                <p>{t!(i18n, cart.empty)}</p>
                                <A href="/" attr:class="button primary">
                                    {t!(i18n, common.find_store)}
                                </A>
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

#[component]
fn CartLines(
    menu: StoreMenu,
    addresses: Resource<Result<Vec<SavedAddress>, AppError>>,
) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let menu = StoredValue::new(menu);
    let priced = Memo::new(move |_| {
        let lines = cart.with(|c| c.lines.clone());
        menu.with_value(|m| price_cart(&m.items, &lines))
    });
    let lines_view = move || {
        match priced.get() {
        Ok(lines) => lines
            .into_iter()
            .enumerate()
            .map(|(index, line)| {
                let quantity = line.quantity as i32;
                let options = line.options_summary();
                let name = StoredValue::new(line.name.clone());
                view! {
                    <li class="cart-line">
                        <div>
                            <strong>{line.name.clone()}</strong>
                            {(!options.is_empty()).then(|| view! { <p class="muted">{options}</p> })}
                        </div>
                        <div class="row">
                            <button
                                type="button"
                                aria-label=move || name.with_value(|name| t_string!(i18n, cart.one_less, name))
                                on:click=move |_| cart.update(|c| c.set_quantity(index, quantity - 1))
                            >
                                "−"
                            </button>
                            <span class="quantity" aria-label=move || t_string!(i18n, cart.quantity)>
                                {quantity}
                            </span>
                            <button
                                type="button"
                                aria-label=move || name.with_value(|name| t_string!(i18n, cart.one_more, name))
                                on:click=move |_| cart.update(|c| c.set_quantity(index, quantity + 1))
                            >
                                "+"
                            </button>
                            <span class="price">{line.line_total.to_string()}</span>
                        </div>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
        Err(problem) => view! {
            <li class="error" role="alert">
                {move || problem.in_language(i18n.get_locale())}
                " "
                <button type="button" class="link" on:click=move |_| cart.update(|c| c.clear())>
                    {t!(i18n, cart.empty_it)}
                </button>
            </li>
        }
        .into_any(),
    }
    };
    let totals = move || {
        let lines = priced.get().ok()?;
        let items = items_total(&lines);
        let (fee, minimum) = menu.with_value(|m| (m.delivery_fee, m.minimum_order));
        let short = (items < minimum).then(|| {
            view! {
                <p class="notice" role="status">
                    {move || t_string!(i18n, cart.minimum, minimum)}
                </p>
            }
        });
        Some(view! {
            <dl class="facts totals">
                <dt>{t!(i18n, common.food)}</dt>
                <dd>{items.to_string()}</dd>
                <dt>{t!(i18n, common.delivery_fee)}</dt>
                <dd>{fee.to_string()}</dd>
                <dt>{t!(i18n, common.total)}</dt>
                <dd data-testid="cart-total">
                    <strong>{(items + fee).to_string()}</strong>
                </dd>
            </dl>
            {short}
        })
    };
    view! {
        <section class="card">
            <h2>{menu.with_value(|m| m.name.clone())}</h2>
            <ul class="cart-lines">{lines_view}</ul>
            {totals}
        </section>
        <PlaceOrderForm menu addresses />
    }
}

#[component]
fn PlaceOrderForm(
    menu: StoredValue<StoreMenu>,
    addresses: Resource<Result<Vec<SavedAddress>, AppError>>,
) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let place = ServerAction::<PlaceOrder>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(order_id)) = place.value().get() {
            cart.update(|c| c.clear());
            navigate(&format!("/orders/{}", order_id.0), Default::default());
        }
    });
    let submit = move |_| {
        let Some(address_id) = cart.with_untracked(|c| c.address_id) else {
            return;
        };
        let lines = cart.with_untracked(|c| c.lines.clone());
        place.dispatch(PlaceOrder {
            order: PlaceOrderRequest {
                store_id: menu.with_value(|m| m.store_id),
                address_id,
                lines,
            },
        });
    };
    view! {
        <section class="card stack">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match addresses.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="notice">
                                    {t!(i18n, cart.address_first)} " "
                                    <A href="/">{t!(i18n, cart.go_to_list)}</A>
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            if cart.with_untracked(|c| c.address_id.is_none()) {
                                let first = list[0].address_id;
                                cart.update(|c| c.address_id = Some(first));
                            }
                            view! {
                                <label>
                                    {t!(i18n, common.deliver_to)}
                                    <select on:change=move |ev| {
                                        let id = uuid::Uuid::parse_str(&event_target_value(&ev)).ok();
                                        cart.update(|c| c.address_id = id);
                                    }>
                                        {list
                                            .into_iter()
                                            .map(|a| {
                                                let id = a.address_id;
                                                view! {
                                                    <option
                                                        value=id.to_string()
                                                        selected=move || cart.with(|c| c.address_id == Some(id))
                                                    >
                                                        {format!("{} · {}", a.label, a.line)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            <button
                type="button"
                class="primary big"
                on:click=submit
                disabled=move || {
                    place.pending().get() || cart.with(|c| c.lines.is_empty() || c.address_id.is_none())
                }
            >
                {move || {
                    if place.pending().get() {
                        t_string!(i18n, cart.placing)
                    } else {
                        t_string!(i18n, cart.place)
                    }
                }}
            </button>
            {move || {
                place.value().get().and_then(Result::err).map(|error| view! { <ErrorNote error /> })
            }}
        </section>
    }
}
