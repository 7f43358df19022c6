//! A store's page: its facts and its menu, with options and sold-out dishes greyed out.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use crate::i18n::{t, t_string, use_i18n};
use crate::ordering::cart::{items_total, price_cart, CartLine, CartProblem};
use crate::ordering::saved_cart::use_cart;
use crate::platform::{pages::ErrorNote, AppError};
use crate::store::{api::store_menu, MenuItem, OptionGroup, StoreId, StoreMenu};

/// `/stores/:id`.
#[component]
pub fn StorePage() -> impl IntoView {
    let params = use_params_map();
    let i18n = use_i18n();
    let store_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| Uuid::parse_str(&id).ok())
            .map(StoreId)
    };
    let menu = Resource::new(store_id, |id| async move {
        match id {
            Some(id) => store_menu(id).await,
            None => Err(AppError::NotFound(crate::platform::error::Missing::Store)),
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, menu.loading)}</p> }>
            {move || Suspend::new(async move {
                match menu.await {
                    Ok(menu) => view! { <Menu menu /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Menu(menu: StoreMenu) -> impl IntoView {
    let items = StoredValue::new(menu.items.clone());
    let store_id = menu.store_id;
    let store_name = StoredValue::new(menu.name.clone());
    let i18n = use_i18n();
    let (fee, minimum, minutes) = (menu.delivery_fee, menu.minimum_order, menu.prep_minutes);
    view! {
        <section class="store-head">
            <h1>{menu.name.clone()}</h1>
            <p class="muted">{menu.category.clone()} " · " {move || menu.hours_today.in_language(i18n.get_locale())}</p>
            <p class="facts-line">
                {move || t_string!(i18n, common.store_facts, fee, minimum, minutes)}
            </p>
            {(!menu.open_now)
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            {t!(i18n, menu.closed_notice)}
                        </p>
                    }
                })}
        </section>
        <ul class="menu" aria-label=move || t_string!(i18n, menu.list)>
            {menu
                .items
                .into_iter()
                .map(|item| {
                    view! {
                        <MenuItemCard
                            item
                            store_id
                            store_name=store_name.get_value()
                            orderable=menu.open_now
                        />
                    }
                })
                .collect_view()}
        </ul>
        <CartBar store_id items />
    }
}

/// The options a dish starts with: the first available one of each required single choice.
fn default_choices(item: &MenuItem) -> Vec<Uuid> {
    item.groups
        .iter()
        .filter(|group| group.min >= 1 && group.max == 1)
        .filter_map(|group| group.options.iter().find(|o| !o.sold_out))
        .map(|option| option.option_id)
        .collect()
}

#[component]
fn MenuItemCard(
    item: MenuItem,
    store_id: StoreId,
    store_name: String,
    orderable: bool,
) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    let chosen = RwSignal::new(default_choices(&item));
    let problem = RwSignal::new(None::<CartProblem>);
    let added = RwSignal::new(false);
    let item = StoredValue::new(item);
    let sold_out = item.with_value(|i| i.sold_out);

    let add = move |_| {
        let line = CartLine {
            item_id: item.with_value(|i| i.item_id),
            quantity: 1,
            option_ids: chosen.get_untracked(),
        };
        match item.with_value(|i| price_cart(std::slice::from_ref(i), std::slice::from_ref(&line)))
        {
            Ok(_) => {
                problem.set(None);
                cart.update(|c| c.add(store_id, &store_name, line));
                added.set(true);
            }
            Err(why) => {
                problem.set(Some(why));
                added.set(false);
            }
        }
    };

    view! {
        <li class="card menu-item" class:sold-out=sold_out>
            <div class="row spread">
                <h2>{item.with_value(|i| i.name.clone())}</h2>
                <span class="price">{item.with_value(|i| i.price.to_string())}</span>
            </div>
            {sold_out.then(|| view! { <span class="badge">{t!(i18n, menu.sold_out)}</span> })}
            {(!sold_out)
                .then(|| {
                    item.with_value(|i| {
                        i.groups
                            .iter()
                            .cloned()
                            .map(|group| view! { <OptionChooser group chosen /> })
                            .collect_view()
                    })
                })}
            <button
                type="button"
                class="primary"
                disabled=sold_out || !orderable
                on:click=add
                aria-label=move || {
                    let name = item.with_value(|i| i.name.clone());
                    t_string!(i18n, menu.add_named, name)
                }
            >
                {t!(i18n, menu.add)}
            </button>
            {move || {
                problem
                    .get()
                    .map(|why| {
                        view! {
                            <p class="error" role="alert">
                                {why.in_language(i18n.get_locale())}
                            </p>
                        }
                    })
            }}
            {move || {
                added
                    .get()
                    .then(|| {
                        view! {
                            <p class="success" role="status">
                                {t!(i18n, menu.added)}
                            </p>
                        }
                    })
            }}
        </li>
    }
}

/// One option group: radio buttons for a single choice, checkboxes otherwise.
#[component]
fn OptionChooser(group: OptionGroup, chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let single = group.max == 1;
    let i18n = use_i18n();
    let (min, max) = (group.min, group.max);
    let rule = move || match (min, max) {
        (1, 1) => t_string!(i18n, menu.choose_one).to_owned(),
        (0, 1) => t_string!(i18n, menu.optional).to_owned(),
        (0, max) => t_string!(i18n, menu.up_to, max),
        (n, max) if n == max => t_string!(i18n, menu.choose_n, n),
        (min, max) => t_string!(i18n, menu.choose_range, min, max),
    };
    let siblings = StoredValue::new(
        group
            .options
            .iter()
            .map(|o| o.option_id)
            .collect::<Vec<_>>(),
    );
    let name = format!("group-{}", group.group_id);
    view! {
        <fieldset class="options">
            <legend>{group.name.clone()} " " <span class="muted">"(" {rule} ")"</span></legend>
            {group
                .options
                .into_iter()
                .map(|option| {
                    let id = option.option_id;
                    let toggle = move |_| {
                        chosen
                            .update(|c| {
                                if single {
                                    c.retain(|o| !siblings.with_value(|s| s.contains(o)));
                                    c.push(id);
                                } else if c.contains(&id) {
                                    c.retain(|o| *o != id);
                                } else {
                                    c.push(id);
                                }
                            })
                    };
                    let delta = (option.price_delta.0 != 0)
                        .then(|| format!(" +{}", option.price_delta));
                    view! {
                        <label class="option" class:sold-out=option.sold_out>
                            <input
                                type=if single { "radio" } else { "checkbox" }
                                name=name.clone()
                                disabled=option.sold_out
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=toggle
                            />
                            {option.name}
                            {delta}
                            {option.sold_out.then_some(t!(i18n, menu.option_sold_out))}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The cart at the bottom of a store's page, with the total the server will charge for the food.
#[component]
fn CartBar(store_id: StoreId, items: StoredValue<Vec<MenuItem>>) -> impl IntoView {
    let cart = use_cart();
    let i18n = use_i18n();
    move || {
        let saved = cart.get();
        if saved.lines.is_empty() {
            return None;
        }
        let here = saved.store.as_ref().map(|(id, _)| *id) == Some(store_id);
        let count = saved.count();
        let label = if here {
            match items.with_value(|menu| price_cart(menu, &saved.lines)) {
                Ok(lines) => {
                    let total = items_total(&lines);
                    t_string!(i18n, menu.view_cart_priced, count, total)
                }
                Err(_) => t_string!(i18n, menu.view_cart, count),
            }
        } else {
            let store = saved
                .store
                .as_ref()
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            t_string!(i18n, menu.other_store, count, store)
        };
        Some(view! {
            <div class="cart-bar">
                <A href="/cart" attr:class="button primary big">
                    {label}
                </A>
            </div>
        })
    }
}
