//! The form that adds a view to the recipe: before/after an activity (breakdown, scope, `only`
//! conditions, same-as, described attributes, preceded-by), compare two groups (filter texts in
//! core's syntax, B = the rest when empty), roles (optional role attribute), statistics and
//! variants. Each "Add" pushes one [`Op`] onto the recipe; the replay draws its output.
//!
//! Input errors are found here, before anything is sent, and shown under the field that has
//! them; errors only the log can reveal (an unknown attribute, an empty group) come back from
//! the replay and are shown on the step.

use super::ProcessCtx;
use leptos::prelude::*;
use spur_core::recipe::Op;
use spur_core::toolkit::before_after::{By, Condition, Preceded, Query, Scope, Side};
use spur_core::toolkit::compare::CompareOptions;
use spur_core::toolkit::filter::Filter;

/// Every field of the form, as typed.
#[derive(Clone, Copy)]
struct Fields {
    kind: RwSignal<String>,
    activity: RwSignal<String>,
    by: RwSignal<String>,
    by_attribute: RwSignal<String>,
    scope: RwSignal<String>,
    entity: RwSignal<String>,
    other_cases: RwSignal<bool>,
    before_only: RwSignal<String>,
    after_only: RwSignal<String>,
    same_as: RwSignal<String>,
    describe: RwSignal<String>,
    preceded: RwSignal<String>,
    within_min: RwSignal<String>,
    compare_a: RwSignal<String>,
    compare_b: RwSignal<String>,
    role: RwSignal<String>,
    top: RwSignal<String>,
}

/// A field's id and what is wrong with it.
type FieldError = (&'static str, String);

fn text(s: RwSignal<String>) -> String {
    s.get_untracked().trim().to_string()
}

fn condition(field: &'static str, v: &str) -> Result<Option<Condition>, FieldError> {
    if v.is_empty() {
        return Ok(None);
    }
    match v.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() => Ok(Some(Condition {
            attribute: a.trim().to_string(),
            value: b.trim().to_string(),
        })),
        _ => Err((
            field,
            format!("write ATTRIBUTE=VALUE (e.g. source=states), got `{v}`"),
        )),
    }
}

/// One group's filter text: a single case filter in core's text syntax.
fn group(field: &'static str, v: &str) -> Result<Filter, FieldError> {
    let f: Filter = v
        .parse()
        .map_err(|e: spur_core::toolkit::filter::FilterParseError| {
            (
                field,
                format!(
                    "{} — e.g. has:reset, not-has:reset, df:A->B, case-attr:NAME=V, duration:1h..",
                    e.message
                ),
            )
        })?;
    if !f.is_case_level() {
        return Err((
            field,
            format!("`{v}` selects events, not cases; a group needs a case filter such as has:A"),
        ));
    }
    Ok(f)
}

impl Fields {
    /// The step the form describes, or the first field that is wrong.
    fn op(&self) -> Result<Op, FieldError> {
        match text(self.kind).as_str() {
            "before_after" => self.before_after(),
            "compare" => {
                let a = text(self.compare_a);
                if a.is_empty() {
                    return Err((
                        "view-compare-a",
                        "group A needs a filter, e.g. has:reset".into(),
                    ));
                }
                let a = group("view-compare-a", &a)?;
                let b = text(self.compare_b);
                let b = if b.is_empty() || b == "rest" || b == "the rest" {
                    None
                } else {
                    Some(vec![group("view-compare-b", &b)?])
                };
                Ok(Op::Compare {
                    a: vec![a],
                    b,
                    options: CompareOptions::default(),
                })
            }
            "roles" => {
                let role = text(self.role);
                Ok(Op::Roles {
                    role: (!role.is_empty()).then_some(role),
                })
            }
            "stats" => Ok(Op::Stats {}),
            "variants" => {
                let top = text(self.top);
                match top.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(Op::Variants { top: n }),
                    _ => Err(("view-top", format!("a number of variants ≥ 1, got `{top}`"))),
                }
            }
            other => Err(("view-kind", format!("unknown view `{other}`"))),
        }
    }

    fn before_after(&self) -> Result<Op, FieldError> {
        let activity = text(self.activity);
        if activity.is_empty() {
            return Err(("view-activity", "choose an activity".into()));
        }
        let scope = match text(self.scope).as_str() {
            "entity" => {
                let attribute = text(self.entity);
                if attribute.is_empty() {
                    return Err((
                        "view-entity",
                        "name the entity attribute (e.g. machine)".into(),
                    ));
                }
                Scope::Entity {
                    attribute,
                    other_cases: self.other_cases.get_untracked(),
                }
            }
            _ => Scope::Case,
        };
        let by = match text(self.by).as_str() {
            "@previous" => Some(By::Previous),
            "@next" => Some(By::Next),
            "attribute" => {
                let a = text(self.by_attribute);
                if a.is_empty() {
                    return Err((
                        "view-by-attribute",
                        "name the attribute to break down by".into(),
                    ));
                }
                Some(By::Attribute(a))
            }
            _ => None,
        };
        let preceded = text(self.preceded);
        let preceded_by = if preceded.is_empty() {
            None
        } else {
            let w = text(self.within_min);
            // Core's duration syntax (`90s`, `2h`, `1d`); a bare number is minutes.
            let within_ms = spur_core::duration::parse_or(&w, 60_000)
                .map_err(|e| ("view-within", format!("the window: {e}")))?;
            Some(Preceded::new(preceded, within_ms, &scope))
        };
        let same_as = text(self.same_as);
        Ok(Op::BeforeAfter {
            query: Query {
                activity,
                before: Side {
                    scope: scope.clone(),
                    only: condition("view-before-only", &text(self.before_only))?,
                },
                after: Side {
                    scope,
                    only: condition("view-after-only", &text(self.after_only))?,
                },
                same_as: (!same_as.is_empty()).then_some(same_as),
                by,
                describe: text(self.describe)
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                preceded_by,
            },
        })
    }
}

/// "Add a view": the form and its inline errors.
#[component]
pub fn AddView() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let first = ctx
        .activities
        .with_untracked(|a| a.first().cloned().unwrap_or_default());
    let f = Fields {
        kind: RwSignal::new("before_after".into()),
        activity: RwSignal::new(first),
        by: RwSignal::new(String::new()),
        by_attribute: RwSignal::new(String::new()),
        scope: RwSignal::new("case".into()),
        entity: RwSignal::new(String::new()),
        other_cases: RwSignal::new(false),
        before_only: RwSignal::new(String::new()),
        after_only: RwSignal::new(String::new()),
        same_as: RwSignal::new(String::new()),
        describe: RwSignal::new(String::new()),
        preceded: RwSignal::new(String::new()),
        within_min: RwSignal::new("10".into()),
        compare_a: RwSignal::new(String::new()),
        compare_b: RwSignal::new(String::new()),
        role: RwSignal::new(String::new()),
        top: RwSignal::new("10".into()),
    };
    let error = RwSignal::new(None::<FieldError>);
    let added = RwSignal::new(None::<String>);
    let add = move |_| match f.op() {
        Ok(op) => {
            error.set(None);
            added.set(Some(ctx.push(op)));
        }
        Err(e) => {
            added.set(None);
            error.set(Some(e));
        }
    };
    // The message under the field it concerns.
    let error_at = move |field: &'static str| {
        move || {
            error.with(|e| match e {
                Some((at, message)) if *at == field => Some(view! {
                    <p class="error field-error" id=format!("{field}-error")>{message.clone()}</p>
                }),
                _ => None,
            })
        }
    };
    let invalid = move |field: &'static str| {
        move || error.with(|e| e.as_ref().is_some_and(|(at, _)| *at == field))
    };
    let input = move |id: &'static str, signal: RwSignal<String>, placeholder: &'static str| {
        view! {
            <input id=id type="text" placeholder=placeholder class:invalid=invalid(id) bind:value=signal />
            {error_at(id)}
        }
    };
    let activity_options = move |none: Option<&'static str>| {
        let none = none.map(|label| view! { <option value="">{label}</option> });
        let list = ctx
            .activities
            .get()
            .into_iter()
            .map(|a| view! { <option value=a.clone()>{a.clone()}</option> })
            .collect_view();
        view! { {none} {list} }
    };
    let is = move |k: &'static str| move || f.kind.get() == k;
    let before_after = move || {
        view! {
            <div class="view-fields" data-kind="before_after">
                <label>"Activity "
                    <select id="view-activity" prop:value=move || f.activity.get() on:change=move |ev| f.activity.set(event_target_value(&ev))>
                        {move || activity_options(None)}
                    </select>
                </label>
                <label>"Break down by "
                    <select id="view-by" prop:value=move || f.by.get() on:change=move |ev| f.by.set(event_target_value(&ev))>
                        <option value="">"nothing"</option>
                        <option value="@previous">"previous activity"</option>
                        <option value="@next">"next activity"</option>
                        <option value="attribute">"an attribute of it…"</option>
                    </select>
                </label>
                <Show when=move || f.by.get() == "attribute">
                    <label>"Attribute "{input("view-by-attribute", f.by_attribute, "e.g. sender_role")}</label>
                </Show>
                <label>"Neighbours "
                    <select id="view-scope" prop:value=move || f.scope.get() on:change=move |ev| f.scope.set(event_target_value(&ev))>
                        <option value="case">"within the case"</option>
                        <option value="entity">"along an entity's timeline"</option>
                    </select>
                </label>
                <Show when=move || f.scope.get() == "entity">
                    <label>"Entity "{input("view-entity", f.entity, "e.g. machine")}</label>
                    <label class="check"><input id="view-other-cases" type="checkbox" bind:checked=f.other_cases />" only other cases"</label>
                </Show>
                <label>"Previous only where "{input("view-before-only", f.before_only, "ATTR=VALUE (optional)")}</label>
                <label>"Next only where "{input("view-after-only", f.after_only, "ATTR=VALUE (optional)")}</label>
                <label>"Same as "{input("view-same-as", f.same_as, "field, e.g. customer (optional)")}</label>
                <label>"Describe "{input("view-describe", f.describe, "fields, comma-separated (optional)")}</label>
                <label>"Preceded by "
                    <select id="view-preceded" prop:value=move || f.preceded.get() on:change=move |ev| f.preceded.set(event_target_value(&ev))>
                        {move || activity_options(Some("—"))}
                    </select>
                </label>
                <Show when=move || !f.preceded.get().is_empty()>
                    <label title="a number of minutes, or a duration: 90s, 2h, 1d">"within (minutes) "{input("view-within", f.within_min, "10")}</label>
                </Show>
            </div>
        }
    };
    view! {
        <section class="card" id="add-view">
            <h2>"Add a view"</h2>
            <div class="view-form">
                <label>"View "
                    <select id="view-kind" prop:value=move || f.kind.get() on:change=move |ev| { error.set(None); f.kind.set(event_target_value(&ev)) }>
                        <option value="before_after">"Before / after an activity"</option>
                        <option value="compare">"Compare two groups of cases"</option>
                        <option value="roles">"Roles and handovers"</option>
                        <option value="stats">"Statistics"</option>
                        <option value="variants">"Variants"</option>
                    </select>
                </label>
                <Show when=is("before_after")>{before_after}</Show>
                <Show when=is("compare")>
                    <div class="view-fields" data-kind="compare">
                        <label>"Group A "{input("view-compare-a", f.compare_a, "a case filter, e.g. has:reset")}</label>
                        <label>"Group B "{input("view-compare-b", f.compare_b, "empty: the rest; or a filter, e.g. not-has:reset")}</label>
                    </div>
                </Show>
                <Show when=is("roles")>
                    <div class="view-fields" data-kind="roles">
                        <label>"Role attribute "{input("view-role", f.role, "optional, e.g. sender_role")}</label>
                    </div>
                </Show>
                <Show when=is("variants")>
                    <div class="view-fields" data-kind="variants">
                        <label>"Top "{input("view-top", f.top, "10")}</label>
                    </div>
                </Show>
                <button id="view-add" class="primary" on:click=add>"Add"</button>
                {error_at("view-kind")}
                {error_at("view-activity")}
                {move || added.get().map(|id| view! {
                    <p class="status" id="view-added" data-step=id.clone()>{format!("added step `{id}`: its output is drawn in the notebook")}</p>
                })}
            </div>
        </section>
    }
}
