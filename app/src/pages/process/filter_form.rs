//! The guided filter form: pick a kind, fill its inputs (activity pickers from the loaded log),
//! see the filter in text form, add it as a recipe step. Every toolkit filter kind is offered;
//! durations and times are read by core's filter syntax, so the form accepts what `spur filter`
//! accepts and reports the same errors.

use super::ProcessCtx;
use leptos::prelude::*;
use spur_core::toolkit::filter::{Filter, Level};
use wasm_bindgen::JsCast;

/// The kinds the picker offers: (value, label).
const KINDS: &[(&str, &str)] = &[
    ("has", "cases with an activity"),
    ("start", "cases starting with"),
    ("end", "cases ending with"),
    ("df", "B directly follows A"),
    ("ef", "B eventually follows A"),
    ("between", "events from A to the next B"),
    ("time", "time range"),
    ("duration", "case duration"),
    ("size", "events per case"),
    ("case-attr", "case attribute"),
    ("event-attr", "cases with an event attribute"),
    ("events", "events with an attribute"),
    ("variants-top", "top variants"),
    ("variants-cover", "variants covering a share of cases"),
];

/// What the form holds (all text, read when the filter is built).
#[derive(Clone, Default, PartialEq)]
struct Form {
    kind: String,
    negate: bool,
    activities: Vec<String>,
    from: String,
    to: String,
    gap: String,
    time_mode: String,
    attribute: String,
    attr_op: String,
    values: String,
    min: String,
    max: String,
    number: String,
}

/// The filter the form describes, or what is missing.
fn build(f: &Form) -> Result<Filter, String> {
    let keep = !f.negate;
    let need = |v: &str, what: &str| {
        if v.trim().is_empty() {
            Err(format!("choose {what}"))
        } else {
            Ok(v.trim().to_string())
        }
    };
    let activities = || {
        if f.activities.is_empty() {
            Err("choose one or more activities".to_string())
        } else {
            Ok(f.activities.clone())
        }
    };
    let syntax = |text: String| text.parse::<Filter>().map_err(|e| e.message);
    let negated = |filter: Filter| {
        if keep {
            filter
        } else {
            Filter::Not {
                filter: Box::new(filter),
            }
        }
    };
    let number = |v: &str, what: &str| -> Result<Option<f64>, String> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{what} `{v}` is not a number"))
    };
    Ok(match f.kind.as_str() {
        "has" => Filter::HasActivity {
            activities: activities()?,
            keep,
        },
        "start" => Filter::StartActivities {
            activities: activities()?,
            keep,
        },
        "end" => Filter::EndActivities {
            activities: activities()?,
            keep,
        },
        "df" => Filter::DirectlyFollows {
            from: need(&f.from, "activity A")?,
            to: need(&f.to, "activity B")?,
            keep,
        },
        "ef" => {
            let max_gap_ms = match f.gap.trim() {
                "" => None,
                gap => match syntax(format!("duration:{gap}.."))? {
                    Filter::CaseDuration { min_ms, .. } => min_ms,
                    _ => None,
                },
            };
            Filter::EventuallyFollows {
                from: need(&f.from, "activity A")?,
                to: need(&f.to, "activity B")?,
                max_gap_ms,
                keep,
            }
        }
        "between" => negated(Filter::Between {
            from: need(&f.from, "activity A")?,
            to: need(&f.to, "activity B")?,
        }),
        "time" => {
            let from = need(&f.min, "the start (an ISO date, e.g. 2024-01-01)")?;
            let to = need(&f.max, "the end (an ISO date, e.g. 2024-02-01)")?;
            negated(syntax(format!("time:{from}..{to}:{}", f.time_mode))?)
        }
        "duration" => negated(syntax(format!(
            "duration:{}..{}",
            f.min.trim(),
            f.max.trim()
        ))?),
        "size" => negated(syntax(format!("size:{}..{}", f.min.trim(), f.max.trim()))?),
        "case-attr" | "event-attr" | "events" => {
            let attribute = need(&f.attribute, "an attribute name")?;
            let level = (f.kind == "events").then_some(Level::Events);
            let range = f.attr_op == "range";
            let values: Vec<String> = f
                .values
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
                .collect();
            if !range && values.is_empty() {
                return Err("type one or more values, separated by commas".into());
            }
            let (min, max) = (number(&f.min, "min")?, number(&f.max, "max")?);
            let keep = f.attr_op != "ne";
            let filter = match (f.kind.as_str(), range) {
                ("case-attr", false) => Filter::CaseAttribute {
                    attribute,
                    values,
                    keep,
                },
                ("case-attr", true) => Filter::CaseAttributeRange {
                    attribute,
                    min,
                    max,
                },
                (_, false) => Filter::EventAttribute {
                    attribute,
                    values,
                    keep,
                    level: level.unwrap_or_default(),
                },
                (_, true) => Filter::EventAttributeRange {
                    attribute,
                    min,
                    max,
                    level: level.unwrap_or_default(),
                },
            };
            negated(filter)
        }
        "variants-top" => {
            let k = f.number.trim();
            let top_k = k
                .parse::<usize>()
                .map_err(|_| format!("top `{k}` is not a whole number"))?;
            negated(Filter::VariantsTopK { top_k })
        }
        "variants-cover" => {
            let coverage = number(&f.number, "share")?.ok_or("type a share, e.g. 0.8")?;
            negated(Filter::VariantsCoverage { coverage })
        }
        other => return Err(format!("unknown kind `{other}`")),
    })
}

/// The selected options of a `<select multiple>`.
fn selected(ev: &leptos::ev::Event) -> Vec<String> {
    let Some(select) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    else {
        return Vec::new();
    };
    let options = select.selected_options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
        .map(|o| o.value())
        .collect()
}

#[component]
pub fn FilterForm() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let form = RwSignal::new(Form {
        kind: "has".into(),
        time_mode: "contained".into(),
        attr_op: "eq".into(),
        ..Form::default()
    });
    let error = RwSignal::new(None::<String>);
    let built = Memo::new(move |_| form.with(build));
    let kind = move || form.with(|f| f.kind.clone());
    let shows = move |kinds: &'static [&'static str]| {
        move || form.with(|f| kinds.contains(&f.kind.as_str()))
    };
    let set = move |apply: fn(&mut Form, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|f| apply(f, v));
            error.set(None);
        }
    };
    let options = move || {
        ctx.activities
            .get()
            .into_iter()
            .map(|a| view! { <option value=a.clone()>{a.clone()}</option> })
            .collect_view()
    };
    let add = move |_| match built.get_untracked() {
        Ok(f) => {
            error.set(None);
            ctx.add(f);
        }
        Err(e) => error.set(Some(e)),
    };
    view! {
        <div class="filter-form" id="filter-form" data-kind=kind>
            <label>"Add "
                <select id="filter-kind" on:change=set(|f, v| f.kind = v)>
                    {KINDS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </label>
            <span class="field" class:hidden=move || !shows(&["has", "start", "end"])()>
                <select id="filter-activities" multiple size="4"
                    on:change=move |ev| form.update(|f| f.activities = selected(&ev))>{options}</select>
            </span>
            <span class="field" class:hidden=move || !shows(&["df", "ef", "between"])()>
                <label>"A "<select id="filter-from" on:change=set(|f, v| f.from = v)>
                    <option value="">"—"</option>{options}</select></label>
                <label>" B "<select id="filter-to" on:change=set(|f, v| f.to = v)>
                    <option value="">"—"</option>{options}</select></label>
            </span>
            <span class="field" class:hidden=move || !shows(&["ef"])()>
                <label>"within "<input id="filter-gap" type="text" size="6" placeholder="e.g. 2h"
                    on:input=set(|f, v| f.gap = v) /></label>
            </span>
            <span class="field" class:hidden=move || !shows(&["case-attr", "event-attr", "events"])()>
                <input id="filter-attr" type="text" size="12" placeholder="attribute"
                    on:input=set(|f, v| f.attribute = v) />
                <select id="filter-attr-op" on:change=set(|f, v| f.attr_op = v)>
                    <option value="eq">"is one of"</option>
                    <option value="ne">"is none of"</option>
                    <option value="range">"in range"</option>
                </select>
                <input id="filter-values" type="text" size="16" placeholder="values, comma separated"
                    class:hidden=move || form.with(|f| f.attr_op == "range")
                    on:input=set(|f, v| f.values = v) />
            </span>
            <span class="field" class:hidden=move || !(shows(&["time", "duration", "size"])()
                || form.with(|f| f.attr_op == "range" && ["case-attr", "event-attr", "events"].contains(&f.kind.as_str())))>
                <input id="filter-min" type="text" size="12"
                    placeholder=move || placeholder(&kind(), true) on:input=set(|f, v| f.min = v) />
                ".."
                <input id="filter-max" type="text" size="12"
                    placeholder=move || placeholder(&kind(), false) on:input=set(|f, v| f.max = v) />
            </span>
            <span class="field" class:hidden=move || !shows(&["time"])()>
                <select id="filter-time-mode" on:change=set(|f, v| f.time_mode = v)>
                    <option value="contained">"cases inside"</option>
                    <option value="intersecting">"cases overlapping"</option>
                    <option value="started_in">"cases started in"</option>
                    <option value="completed_in">"cases completed in"</option>
                    <option value="events">"events in"</option>
                </select>
            </span>
            <span class="field" class:hidden=move || !shows(&["variants-top", "variants-cover"])()>
                <input id="filter-number" type="text" size="6"
                    placeholder=move || if kind() == "variants-top" { "e.g. 5" } else { "e.g. 0.8" }
                    on:input=set(|f, v| f.number = v) />
            </span>
            <label class="negate"><input id="filter-negate" type="checkbox"
                on:change=move |ev| form.update(|f| f.negate = event_target_checked(&ev)) />" exclude"</label>
            <button id="filter-add" on:click=add>"Add filter"</button>
            <code class="status" id="filter-preview">{move || match built.get() {
                Ok(f) => f.to_string(),
                Err(e) => format!("({e})"),
            }}</code>
            {move || error.get().map(|e| view! { <p class="error" id="filter-form-error">{e}</p> })}
        </div>
    }
}

fn placeholder(kind: &str, low: bool) -> &'static str {
    match (kind, low) {
        ("time", true) => "from, e.g. 2024-01-01",
        ("time", false) => "to, e.g. 2024-02-01",
        ("duration", true) => "min, e.g. 1h",
        ("duration", false) => "max, e.g. 2d",
        (_, true) => "min",
        (_, false) => "max",
    }
}
