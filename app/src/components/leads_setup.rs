//! The lead table as imported (columns, inferred types, roles, suspected leaks) with the
//! controls that set up training: outcome column, value column, columns to exclude.

use crate::protocol::leads::LeadTable;
use leptos::prelude::*;
use spur_core::leads::table::{ColumnKind, Role};

fn kind_label(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Numeric => "numeric",
        ColumnKind::Categorical => "categorical",
        ColumnKind::Boolean => "boolean",
        ColumnKind::Date => "date",
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Feature => "feature",
        Role::Outcome => "outcome",
        Role::Value => "deal value",
        Role::Date => "date (split by time)",
        Role::Excluded => "excluded",
        Role::Identifier => "identifier (never used)",
        Role::Constant => "constant (never used)",
    }
}

#[component]
pub fn ColumnsForm(
    table: LeadTable,
    outcome: RwSignal<String>,
    value: RwSignal<Option<String>>,
    exclude: RwSignal<Vec<String>>,
    #[prop(into)] busy: Signal<bool>,
    on_outcome: Callback<String>,
    on_train: Callback<()>,
) -> impl IntoView {
    let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let numeric: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Numeric)
        .map(|c| c.name.clone())
        .collect();
    let outcome_options = names
        .iter()
        .map(|n| {
            let (label, m) = (n.clone(), n.clone());
            view! { <option value=n.clone() prop:selected=move || outcome.get() == m>{label}</option> }
        })
        .collect_view();
    let value_options = numeric
        .iter()
        .map(|n| {
            let (label, m) = (n.clone(), n.clone());
            view! {
                <option value=n.clone() prop:selected=move || value.get().as_deref() == Some(m.as_str())>{label}</option>
            }
        })
        .collect_view();
    let leaks = table.suspected_leaks.clone();
    let rows = table
        .columns
        .iter()
        .map(|c| {
            let name = c.name.clone();
            let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
            let leak = leaks.contains(&name).then(|| {
                view! { <span class="badge bad" title="alone it predicts the outcome almost perfectly: recorded after the fact?">"suspected leak"</span> }
            });
            let fixed = move || outcome.get() == n1 || value.get().as_deref() == Some(n1.as_str());
            view! {
                <tr data-column=name.clone()>
                    <td>{name.clone()}</td>
                    <td>{kind_label(c.kind)}</td>
                    <td class="n">{c.distinct}</td>
                    <td class="n">{c.missing}</td>
                    <td>{role_label(c.role)}" "{leak}</td>
                    <td>
                        <input
                            type="checkbox"
                            class="leads-exclude"
                            data-column=name.clone()
                            disabled=fixed
                            prop:checked=move || exclude.with(|ex| ex.contains(&n2))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let column = n3.clone();
                                exclude.update(|ex| {
                                    ex.retain(|c| *c != column);
                                    if on {
                                        ex.push(column);
                                    }
                                });
                            }
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let rejected = (table.rejected > 0).then(|| {
        let items = table
            .first_rejected
            .iter()
            .map(|r| {
                let column = r
                    .column
                    .as_deref()
                    .map(|c| format!(", column `{c}`"))
                    .unwrap_or_default();
                view! { <li>{format!("line {}{column}: {}", r.line, r.reason)}</li> }
            })
            .collect_view();
        view! {
            <div id="leads-rejected">
                <p class="status">{format!("{} rows skipped:", table.rejected)}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    view! {
        <section class="card" id="leads-table">
            <h2>{table.name.clone()}</h2>
            <p class="status" id="leads-rows">
                {format!("{} leads, {} columns; types inferred by spur-core. Identifiers and suspected leaks are excluded to start with.",
                    table.rows, table.columns.len())}
            </p>
            {rejected}
            <div class="form">
                <label>
                    "Outcome (won/lost) "
                    <select id="leads-outcome" disabled=move || busy.get() on:change=move |ev| on_outcome.run(event_target_value(&ev))>
                        {outcome_options}
                    </select>
                </label>
                <label>
                    "Deal value "
                    <select
                        id="leads-value"
                        disabled=move || busy.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            value.set((!v.is_empty()).then_some(v));
                        }
                    >
                        <option value="" prop:selected=move || value.get().is_none()>"(none)"</option>
                        {value_options}
                    </select>
                </label>
            </div>
            <table id="leads-columns">
                <thead>
                    <tr><th>"column"</th><th>"type"</th><th class="n">"distinct"</th><th class="n">"missing"</th><th>"found as"</th><th>"exclude"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="actions">
                <button id="leads-train" on:click=move |_| on_train.run(()) disabled=move || busy.get()>"Train and evaluate"</button>
                <span class="status">"held-out split by date when the table has one, else stratified"</span>
            </div>
        </section>
    }
}
