//! The owner's store setup: opening hours and the menu (dishes, option groups, choices, prices,
//! sold-out switches). Every change goes to the server, which checks it and the owner again.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::places::pages::{PlaceLines, PlaceSearch};
use crate::places::Place;
use crate::platform::clock::date_and_time;
use crate::platform::pages::{action_failure, action_feedback, ErrorNote};
use crate::platform::{session::RequireRole, AppError, Role};
use crate::store::api::{
    store_setup, AddMenuItem, AddMenuOption, AddOptionGroup, EditMenuItem, EditMenuOption,
    SetItemSoldOut, SetOpeningHours, SetOptionSoldOut, SetStorePhone, SetStorePlace, SetStoreTerms,
    TakeStoreLive,
};
use crate::store::hours::{weekday_name, DayForm};
use crate::store::phone::phone_shown;
use crate::store::readiness::{DeliveryTerms, ReadinessItem, StoreProblem, Term};
use crate::store::{MenuItem, MenuOption, OptionGroup, StoreId, StoreSetup};

/// `/store/:id/setup`.
#[component]
pub fn StoreSetupPage() -> impl IntoView {
    view! {
        <RequireRole role=Role::Owner>
            <Setup />
        </RequireRole>
    }
}

/// The owner's menu commands; every editor shares them so one answer shows at a time.
#[derive(Clone, Copy)]
struct MenuActions {
    add_item: ServerAction<AddMenuItem>,
    edit_item: ServerAction<EditMenuItem>,
    item_sold_out: ServerAction<SetItemSoldOut>,
    add_group: ServerAction<AddOptionGroup>,
    add_option: ServerAction<AddMenuOption>,
    edit_option: ServerAction<EditMenuOption>,
    option_sold_out: ServerAction<SetOptionSoldOut>,
}

impl MenuActions {
    fn new() -> Self {
        MenuActions {
            add_item: ServerAction::new(),
            edit_item: ServerAction::new(),
            item_sold_out: ServerAction::new(),
            add_group: ServerAction::new(),
            add_option: ServerAction::new(),
            edit_option: ServerAction::new(),
            option_sold_out: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        self.add_item.version().get()
            + self.edit_item.version().get()
            + self.item_sold_out.version().get()
            + self.add_group.version().get()
            + self.add_option.version().get()
            + self.edit_option.version().get()
            + self.option_sold_out.version().get()
    }

    /// Progress, then "Saved." or the server's sentence, for whichever command ran last.
    fn feedback(&self) -> impl IntoView {
        let saved: fn(Locale) -> &'static str = |l| td_string!(l, setup.saved);
        view! {
            {action_feedback(self.add_item.pending(), self.add_item.value(), saved)}
            {action_feedback(self.edit_item.pending(), self.edit_item.value(), saved)}
            {action_feedback(self.item_sold_out.pending(), self.item_sold_out.value(), saved)}
            {action_feedback(self.add_group.pending(), self.add_group.value(), saved)}
            {action_feedback(self.add_option.pending(), self.add_option.value(), saved)}
            {action_feedback(self.edit_option.pending(), self.edit_option.value(), saved)}
            {action_feedback(self.option_sold_out.pending(), self.option_sold_out.value(), saved)}
        }
    }
}

/// The commands about the store itself; the setup is read again after each, so the checklist
/// follows.
#[derive(Clone, Copy)]
struct StoreActions {
    place: ServerAction<SetStorePlace>,
    phone: ServerAction<SetStorePhone>,
    terms: ServerAction<SetStoreTerms>,
    hours: ServerAction<SetOpeningHours>,
    go_live: ServerAction<TakeStoreLive>,
}

impl StoreActions {
    fn new() -> Self {
        StoreActions {
            place: ServerAction::new(),
            phone: ServerAction::new(),
            terms: ServerAction::new(),
            hours: ServerAction::new(),
            go_live: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        // A refused "Go live" changed nothing, and reading the setup again would redraw every
        // form under the owner's fingers (typing into the terms just after it was lost): only a
        // store that went live is read again.
        let went_live = self.go_live.value().with(|v| matches!(v, Some(Ok(_))));
        self.place.version().get()
            + self.phone.version().get()
            + self.terms.version().get()
            + self.hours.version().get()
            + usize::from(went_live)
    }
}

/// The checklist of what the store needs before customers see it, and the button that takes it
/// live; or, once live, since when, and an operator's suspension if there is one.
#[component]
fn GoLive(setup: StoreSetup, go_live: ServerAction<TakeStoreLive>) -> impl IntoView {
    let i18n = use_i18n();
    let store_id = setup.store_id;
    let readiness = setup.readiness;
    // A refusal for missing items names what is missing now: the checklist may have filled
    // since the button was pressed.
    let refusal = move || match go_live.value().get() {
        Some(Err(AppError::Store(StoreProblem::NotReady { .. }))) => {
            let missing = readiness.missing();
            (!missing.is_empty())
                .then(|| {
                    let error = AppError::Store(StoreProblem::NotReady { missing });
                    view! { <ErrorNote error /> }
                })
                .into_any()
        }
        other => action_failure(other).into_any(),
    };
    let standing = match (setup.live_since, setup.suspended_because) {
        (_, Some(reason)) => view! {
            <p class="alarm" data-testid="store-standing">
                {move || t_string!(i18n, readiness.suspended, reason = reason.clone())}
            </p>
        }
        .into_any(),
        (Some(since), None) => {
            let since = date_and_time(since);
            view! {
                <p class="success" data-testid="store-standing">
                    {move || t_string!(i18n, readiness.live_since, at = since.clone())}
                </p>
            }
            .into_any()
        }
        (None, None) => view! {
            <p data-testid="store-standing">{t!(i18n, readiness.not_live)}</p>
            <ul class="plain checklist" aria-label=move || t_string!(i18n, readiness.checklist)>
                {ReadinessItem::ALL
                    .into_iter()
                    .map(|item| {
                        let done = readiness.has(item);
                        view! {
                            <li class:done=done data-testid="checklist-item">
                                {if done { "✓ " } else { "○ " }}
                                {move || item.in_language(i18n.get_locale())}
                                {move || {
                                    if done {
                                        String::new()
                                    } else {
                                        format!(" · {}", t_string!(i18n, readiness.to_do))
                                    }
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <ActionForm action=go_live>
                <input type="hidden" name="store_id" value=store_id.0.to_string() />
                <button type="submit" class="primary" disabled=go_live.pending()>
                    {t!(i18n, readiness.go_live)}
                </button>
            </ActionForm>
            {refusal}
        }
        .into_any(),
    };
    view! {
        <section class="card stack" aria-labelledby="go-live-heading">
            <h2 id="go-live-heading">{t!(i18n, readiness.title)}</h2>
            {standing}
        </section>
    }
}

/// The phone customers and riders call the store on.
#[component]
fn StorePhone(
    store_id: StoreId,
    phone: Option<String>,
    set_phone: ServerAction<SetStorePhone>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = phone.as_deref().map(phone_shown).unwrap_or_default();
    view! {
        <section class="card stack">
            <h2>{t!(i18n, readiness.phone)}</h2>
            <ActionForm action=set_phone attr:class="row">
                <input type="hidden" name="store_id" value=store_id.0.to_string() />
                <label>
                    {t!(i18n, setup.store_phone)}
                    <input
                        name="phone"
                        type="tel"
                        inputmode="tel"
                        maxlength="20"
                        placeholder="02-123-4567"
                        value=shown
                        required
                    />
                </label>
                <button type="submit" disabled=set_phone.pending()>{t!(i18n, setup.save)}</button>
            </ActionForm>
            {action_feedback(set_phone.pending(), set_phone.value(), |l| td_string!(l, setup.saved))}
        </section>
    }
}

/// The delivery radius, minimum order, delivery fee and preparation time, within the platform's
/// limits, which the fields state.
#[component]
fn TermsEditor(
    store_id: StoreId,
    terms: DeliveryTerms,
    set_terms: ServerAction<SetStoreTerms>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = move |term: Term, name: &'static str, value: String| {
        let (least, most) = term.limits();
        view! {
            <label>
                {move || term.in_language(i18n.get_locale())}
                <input
                    name=name
                    type="number"
                    inputmode="numeric"
                    min=least.to_string()
                    max=most.to_string()
                    value=value
                    required
                />
                <small class="muted">
                    {move || t_string!(i18n, readiness.between, least = least, most = most)}
                </small>
            </label>
        }
    };
    view! {
        <section class="card stack">
            <h2>{t!(i18n, readiness.terms)}</h2>
            <ActionForm action=set_terms attr:class="stack terms">
                <input type="hidden" name="store_id" value=store_id.0.to_string() />
                {field(Term::Radius, "radius_m", terms.radius_m.to_string())}
                {field(Term::MinimumOrder, "minimum_order_krw", terms.minimum_order_krw.to_string())}
                {field(Term::DeliveryFee, "delivery_fee_krw", terms.delivery_fee_krw.to_string())}
                {field(Term::PrepMinutes, "prep_minutes", terms.prep_minutes.to_string())}
                <button type="submit" class="primary" disabled=set_terms.pending()>
                    {t!(i18n, readiness.save_terms)}
                </button>
            </ActionForm>
            {action_feedback(set_terms.pending(), set_terms.value(), |l| td_string!(l, setup.saved))}
        </section>
    }
}

#[component]
fn Setup() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let store_id = params
        .read_untracked()
        .get("id")
        .and_then(|id| Uuid::parse_str(&id).ok())
        .map(StoreId);
    let actions = MenuActions::new();
    let store_actions = StoreActions::new();
    let setup = Resource::new(
        move || (actions.version(), store_actions.version()),
        move |_| async move {
            match store_id {
                Some(id) => store_setup(id).await,
                None => Err(AppError::NotFound(
                    crate::platform::error::Missing::NotYourStore,
                )),
            }
        },
    );
    view! {
        <p>
            <A href="/store">{t!(i18n, setup.back)}</A>
        </p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(setup) => {
                        view! { <SetupSections setup actions store_actions /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SetupSections(
    setup: StoreSetup,
    actions: MenuActions,
    store_actions: StoreActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let store_id = setup.store_id;
    view! {
        <h1>{setup.name.clone()}</h1>
        <GoLive setup=setup.clone() go_live=store_actions.go_live />
        <StorePlace store_id address=setup.address set_place=store_actions.place />
        <StorePhone store_id phone=setup.phone set_phone=store_actions.phone />
        <TermsEditor store_id terms=setup.terms set_terms=store_actions.terms />
        <HoursEditor store_id week=setup.week save=store_actions.hours />
        <section class="card">
            <h2>{t!(i18n, setup.menu)}</h2>
            {actions.feedback()}
            <ul class="plain menu-editor">
                {setup
                    .items
                    .into_iter()
                    .map(|item| view! { <DishEditor item actions /> })
                    .collect_view()}
            </ul>
            <NewDish store_id actions />
        </section>
    }
}

/// Where the store is: its address, and a search to move it (the point comes with the address).
#[component]
fn StorePlace(
    store_id: StoreId,
    address: String,
    set_place: ServerAction<SetStorePlace>,
) -> impl IntoView {
    let i18n = use_i18n();
    let picked = RwSignal::new(None::<Place>);
    let confirm = move |place: Place| {
        let address = place.address().to_owned();
        view! {
            <p class="place-lines">
                <PlaceLines place />
            </p>
            <ActionForm action=set_place attr:class="row">
                <input type="hidden" name="store_id" value=store_id.0.to_string() />
                <input type="hidden" name="address" value=address />
                <button type="submit" class="primary" disabled=set_place.pending()>
                    {t!(i18n, setup.move_here)}
                </button>
                <button type="button" on:click=move |_| picked.set(None)>
                    {t!(i18n, address.other_place)}
                </button>
            </ActionForm>
        }
    };
    view! {
        <section class="card stack store-place">
            <h2>{t!(i18n, setup.place)}</h2>
            <p data-testid="store-address">{address}</p>
            {action_feedback(set_place.pending(), set_place.value(), |l| td_string!(l, setup.saved))}
            <details>
                <summary>{t!(i18n, setup.move_store)}</summary>
                <div hidden=move || picked.with(Option::is_some)>
                    <PlaceSearch picked />
                </div>
                {move || picked.get().map(confirm)}
            </details>
        </section>
    }
}

/// Seven rows, one per weekday: open or closed, and the two clock times.
#[component]
fn HoursEditor(
    store_id: StoreId,
    week: Vec<DayForm>,
    save: ServerAction<SetOpeningHours>,
) -> impl IntoView {
    let i18n = use_i18n();
    let days: Vec<RwSignal<DayForm>> = week.into_iter().map(RwSignal::new).collect();
    let days = StoredValue::new(days);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let week = days.with_value(|days| days.iter().map(|d| d.get_untracked()).collect());
        save.dispatch(SetOpeningHours { store_id, week });
    };
    let rows = days.with_value(|days| {
        days.iter()
            .map(|&day| {
                let weekday = day.with_untracked(|d| d.weekday);
                let name = move || weekday_name(i18n.get_locale(), weekday);
                view! {
                    <fieldset class="day-hours" data-weekday=weekday>
                        <legend>{name}</legend>
                        <label class="inline">
                            <input
                                type="checkbox"
                                prop:checked=move || day.with(|d| d.open)
                                on:change=move |ev| day.update(|d| d.open = event_target_checked(&ev))
                            />
                            {t!(i18n, setup.open_this_day)}
                        </label>
                        <label class="inline">
                            {t!(i18n, setup.opens)}
                            <input
                                type="time"
                                prop:value=move || day.with(|d| d.opens.clone())
                                disabled=move || day.with(|d| !d.open)
                                on:change=move |ev| day.update(|d| d.opens = event_target_value(&ev))
                            />
                        </label>
                        <label class="inline">
                            {t!(i18n, setup.closes)}
                            <input
                                type="time"
                                prop:value=move || day.with(|d| d.closes.clone())
                                disabled=move || day.with(|d| !d.open)
                                on:change=move |ev| day.update(|d| d.closes = event_target_value(&ev))
                            />
                        </label>
                    </fieldset>
                }
            })
            .collect_view()
    });
    view! {
        <section class="card">
            <h2>{t!(i18n, setup.hours)}</h2>
            <p class="muted">{t!(i18n, setup.hours_hint)}</p>
            <form class="stack" on:submit=submit>
                {rows}
                <button type="submit" class="primary" disabled=save.pending()>
                    {t!(i18n, setup.save_hours)}
                </button>
            </form>
            {action_feedback(save.pending(), save.value(), |l| td_string!(l, setup.hours_saved))}
        </section>
    }
}

/// The fields a dish is described by, filled with `item` when editing one.
#[component]
fn DishFields(item: Option<MenuItem>) -> impl IntoView {
    let i18n = use_i18n();
    let (name, category, description, price) = match item {
        Some(item) => (
            item.name,
            item.category,
            item.description,
            item.price.0.to_string(),
        ),
        None => Default::default(),
    };
    view! {
        <label>
            {t!(i18n, setup.dish_name)}
            <input name="name" required maxlength="100" value=name />
        </label>
        <label>
            {t!(i18n, setup.section)}
            <input name="category" required maxlength="40" value=category />
        </label>
        <label>
            {t!(i18n, setup.description)}
            <input name="description" maxlength="500" value=description />
        </label>
        <label>
            {t!(i18n, setup.price)}
            // Whole won as digits: a text field with the numeric keypad, as GOV.UK advises for
            // amounts (a number field's spinner and scroll-wheel changes do not suit prices).
            <input name="price_krw" inputmode="numeric" pattern="[0-9]*" maxlength="7" required value=price />
        </label>
    }
}

#[component]
fn NewDish(store_id: StoreId, actions: MenuActions) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="new-dish">
            <summary>{t!(i18n, setup.add_dish)}</summary>
            <ActionForm action=actions.add_item attr:class="stack">
                <input type="hidden" name="store_id" value=store_id.0.to_string() />
                <DishFields item=None />
                <button type="submit" class="primary">
                    {t!(i18n, setup.add_dish)}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn DishEditor(item: MenuItem, actions: MenuActions) -> impl IntoView {
    let i18n = use_i18n();
    // Children of forms are closures that take what they use, so each gets its own copy.
    let item_id = item.item_id.to_string();
    let edit_form_item_id = item_id.clone();
    let group_form_item_id = item_id.clone();
    let sold_out = item.sold_out;
    let name = item.name.clone();
    let dish_label = item.name.clone();
    let price = item.price.to_string();
    let facts = format!("{} · {}", item.category, item.description);
    let groups = item.groups.clone();
    view! {
        <li class="card dish" class:sold-out=sold_out data-dish=dish_label>
            <div class="row spread">
                <h3>{name} " " <span class="price">{price}</span></h3>
                <SoldOutSwitch
                    sold_out
                    id=item_id
                    of=SoldOutOf::Dish(actions.item_sold_out)
                />
            </div>
            <p class="muted">{facts}</p>
            <details>
                <summary>{t!(i18n, setup.edit_dish)}</summary>
                <ActionForm action=actions.edit_item attr:class="stack">
                    <input type="hidden" name="item_id" value=edit_form_item_id />
                    <DishFields item=Some(item) />
                    <button type="submit" class="primary">
                        {t!(i18n, setup.save_dish)}
                    </button>
                </ActionForm>
            </details>
            {groups
                .into_iter()
                .map(|group| view! { <GroupEditor group actions /> })
                .collect_view()}
            <details>
                <summary>{t!(i18n, setup.add_group)}</summary>
                <ActionForm action=actions.add_group attr:class="stack">
                    <input type="hidden" name="item_id" value=group_form_item_id />
                    <label>
                        {t!(i18n, setup.group_name)}
                        <input
                            name="name"
                            required
                            maxlength="60"
                            placeholder=move || t_string!(i18n, setup.group_placeholder)
                        />
                    </label>
                    <div class="row">
                        <label>
                            {t!(i18n, setup.min_select)}
                            <input name="min_select" type="number" min="0" max="20" value="0" required />
                        </label>
                        <label>
                            {t!(i18n, setup.max_select)}
                            <input name="max_select" type="number" min="1" max="20" value="1" required />
                        </label>
                    </div>
                    <button type="submit">{t!(i18n, setup.add_group)}</button>
                </ActionForm>
            </details>
        </li>
    }
}

/// Whose sold-out flag a switch flips.
#[derive(Clone, Copy)]
enum SoldOutOf {
    Dish(ServerAction<SetItemSoldOut>),
    Choice(ServerAction<SetOptionSoldOut>),
}

/// A sold-out switch for a dish or an option: one button that flips it.
#[component]
fn SoldOutSwitch(sold_out: bool, id: String, of: SoldOutOf) -> impl IntoView {
    let i18n = use_i18n();
    let fields = move |id_field: &'static str| {
        view! {
            <input type="hidden" name=id_field value=id />
            <input type="hidden" name="sold_out" value=(!sold_out).to_string() />
            <button type="submit" class:danger=!sold_out aria-pressed=sold_out.to_string()>
                {move || {
                    if sold_out {
                        t_string!(i18n, setup.back_on_sale)
                    } else {
                        t_string!(i18n, setup.mark_sold_out)
                    }
                }}
            </button>
        }
    };
    match of {
        SoldOutOf::Dish(action) => {
            view! { <ActionForm action>{fields("item_id")}</ActionForm> }.into_any()
        }
        SoldOutOf::Choice(action) => {
            view! { <ActionForm action>{fields("option_id")}</ActionForm> }.into_any()
        }
    }
}

#[component]
fn GroupEditor(group: OptionGroup, actions: MenuActions) -> impl IntoView {
    let i18n = use_i18n();
    let (min, max) = (group.min, group.max);
    view! {
        <fieldset class="options group-editor">
            <legend>
                {group.name.clone()} " "
                <span class="muted">{move || t_string!(i18n, setup.group_rule, min, max)}</span>
            </legend>
            <ul class="plain">
                {group
                    .options
                    .into_iter()
                    .map(|option| view! { <OptionEditor option actions /> })
                    .collect_view()}
            </ul>
            <ActionForm action=actions.add_option attr:class="row">
                <input type="hidden" name="group_id" value=group.group_id.to_string() />
                <label>
                    {t!(i18n, setup.option_name)}
                    <input name="name" required maxlength="60" />
                </label>
                <label>
                    {t!(i18n, setup.extra_price)}
                    <input name="price_delta_krw" inputmode="numeric" pattern="[0-9]*" maxlength="6" value="0" required />
                </label>
                <button type="submit">{t!(i18n, setup.add_option)}</button>
            </ActionForm>
        </fieldset>
    }
}

#[component]
fn OptionEditor(option: MenuOption, actions: MenuActions) -> impl IntoView {
    let i18n = use_i18n();
    let option_id = option.option_id.to_string();
    let edit_form_option_id = option_id.clone();
    view! {
        <li class="option-row" class:sold-out=option.sold_out>
            <ActionForm action=actions.edit_option attr:class="row">
                <input type="hidden" name="option_id" value=edit_form_option_id />
                <label>
                    {t!(i18n, setup.option_name)}
                    <input name="name" required maxlength="60" value=option.name.clone() />
                </label>
                <label>
                    {t!(i18n, setup.extra_price)}
                    <input
                        name="price_delta_krw"
                        inputmode="numeric"
                        pattern="[0-9]*"
                        maxlength="6"
                        required
                        value=option.price_delta.0.to_string()
                    />
                </label>
                <button type="submit">{t!(i18n, setup.save_option)}</button>
            </ActionForm>
            <SoldOutSwitch
                sold_out=option.sold_out
                id=option_id
                of=SoldOutOf::Choice(actions.option_sold_out)
            />
        </li>
    }
}
