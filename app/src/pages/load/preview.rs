//! The CSV preview of one source: the first rows as core's `csv::sniff_with` read them, with the
//! delimiter, header, encoding, each column's role and each time column's format editable.
//!
//! Every edit changes the source's [`ImportOptions`] and asks the worker to sniff again with
//! them, so what is shown is always what the import will read (or the located reason it cannot).

use super::SourceRow;
use crate::protocol::sources::Preview;
use crate::worker_client::sources as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::import::csv::{ColumnInfo, Role};
use spur_core::import::timestamp::TimestampFormat;
use spur_core::import::{Encoding, ImportOptions, Mapping};

/// The roles offered per column, with their labels and `<option>` values.
const ROLES: [(Role, &str, &str); 7] = [
    (Role::Case, "case", "case"),
    (Role::Activity, "activity", "activity"),
    (Role::Timestamp, "timestamp", "timestamp"),
    (Role::Resource, "resource", "resource"),
    (Role::StartTimestamp, "start_timestamp", "start timestamp"),
    (Role::EventAttribute, "event_attribute", "event attribute"),
    (Role::CaseAttribute, "case_attribute", "case attribute"),
];

fn role_value(role: Role) -> &'static str {
    ROLES
        .iter()
        .find(|r| r.0 == role)
        .map_or("event_attribute", |r| r.1)
}

fn format_value(f: TimestampFormat) -> &'static str {
    match f {
        TimestampFormat::Iso8601 => "iso8601",
        TimestampFormat::DayMonthYear => "day_month_year",
        TimestampFormat::MonthDayYear => "month_day_year",
        TimestampFormat::EpochSeconds => "epoch_seconds",
        TimestampFormat::EpochMillis => "epoch_millis",
    }
}

/// Give column `name` the role `value` (one of [`ROLES`]' values): it is removed from every
/// other role and attribute list first, so each column has exactly one role.
pub fn set_role(m: &mut Mapping, name: &str, value: &str) {
    for slot in [
        &mut m.case,
        &mut m.activity,
        &mut m.timestamp,
        &mut m.resource,
        &mut m.start_timestamp,
    ] {
        if slot.as_deref() == Some(name) {
            *slot = None;
        }
    }
    m.case_attributes.retain(|c| c != name);
    m.event_attributes.retain(|c| c != name);
    let col = Some(name.to_string());
    match value {
        "case" => m.case = col,
        "activity" => m.activity = col,
        "timestamp" => m.timestamp = col,
        "resource" => m.resource = col,
        "start_timestamp" => m.start_timestamp = col,
        "case_attribute" => m.case_attributes.push(name.to_string()),
        _ => m.event_attributes.push(name.to_string()),
    }
}

/// Ask the worker for a fresh preview of source `k` with its current options; `entity` is the
/// merge's entity attribute (empty when the source is imported alone).
pub fn refresh(rows: RwSignal<Vec<SourceRow>>, k: usize, entity: String) {
    let Some((lane, index, options)) =
        rows.with_untracked(|r| r.get(k).map(|s| (s.lane, s.info.index, s.options.clone())))
    else {
        return;
    };
    let asked = options.clone();
    spawn_local(async move {
        let preview = match worker::preview(lane, index, options, entity).await {
            Ok(p) => p,
            Err(e) => Preview::Failed(e),
        };
        rows.update(|r| {
            // A later edit has asked again: only its answer counts.
            if let Some(s) = r.get_mut(k).filter(|s| s.options == asked) {
                s.preview = Some(preview);
            }
        });
    });
}

/// The preview and dialect/role editor of source `k` of `rows`.
#[component]
pub fn CsvPreviewEditor(
    rows: RwSignal<Vec<SourceRow>>,
    k: usize,
    /// The merge's entity attribute ("" when imported alone): a secondary's case column.
    entity: Signal<String>,
) -> impl IntoView {
    let edit = move |f: Box<dyn FnOnce(&mut ImportOptions)>| {
        rows.update(|r| {
            if let Some(s) = r.get_mut(k) {
                f(&mut s.options);
            }
        });
        refresh(rows, k, entity.get_untracked());
    };
    let preview = move || rows.with(|r| r.get(k).and_then(|s| s.preview.clone()));
    let dialect = move || match preview() {
        Some(Preview::Ok(p)) => Some(p.dialect),
        _ => None,
    };
    let options = move || rows.with(|r| r.get(k).map(|s| s.options.clone()).unwrap_or_default());

    let delimiter_value = move || {
        let d = options()
            .csv
            .delimiter
            .map(char::from)
            .or_else(|| dialect().map(|d| d.delimiter));
        match d {
            Some(',') => ",".to_string(),
            Some(';') => ";".to_string(),
            Some('\t') => "tab".to_string(),
            Some('|') => "|".to_string(),
            Some(_) => "other".to_string(),
            None => ",".to_string(),
        }
    };
    let other_delimiter = move || {
        options()
            .csv
            .delimiter
            .map(char::from)
            .filter(|c| !matches!(c, ',' | ';' | '\t' | '|'))
            .map(String::from)
            .unwrap_or_default()
    };
    let (other_open, set_other_open) = signal(false);
    let on_delimiter = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let byte = match v.as_str() {
            "tab" => Some(b'\t'),
            "other" => None,
            s => s.bytes().next(),
        };
        set_other_open.set(v == "other");
        if let Some(b) = byte {
            edit(Box::new(move |o| o.csv.delimiter = Some(b)));
        }
    };
    let on_other = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let [b] = v.as_bytes() {
            let b = *b;
            edit(Box::new(move |o| o.csv.delimiter = Some(b)));
        }
    };
    let header_value = move || {
        let h = options()
            .csv
            .has_header
            .or_else(|| dialect().map(|d| d.has_header))
            .unwrap_or(true);
        if h {
            "yes"
        } else {
            "no"
        }
    };
    let on_header = move |ev: leptos::ev::Event| {
        let yes = event_target_value(&ev) == "yes";
        edit(Box::new(move |o| o.csv.has_header = Some(yes)));
    };
    let encoding_value = move || match options()
        .csv
        .encoding
        .or_else(|| dialect().map(|d| d.encoding))
    {
        Some(Encoding::Utf8Bom) => "utf8_bom",
        Some(Encoding::Latin1) => "latin1",
        _ => "utf8",
    };
    let on_encoding = move |ev: leptos::ev::Event| {
        let e = match event_target_value(&ev).as_str() {
            "utf8_bom" => Encoding::Utf8Bom,
            "latin1" => Encoding::Latin1,
            _ => Encoding::Utf8,
        };
        edit(Box::new(move |o| o.csv.encoding = Some(e)));
    };

    let column_head = move |c: usize, col: ColumnInfo| {
        let name = col.name.clone();
        let role_name = name.clone();
        let on_role = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let name = role_name.clone();
            edit(Box::new(move |o| set_role(&mut o.mapping, &name, &v)));
        };
        let is_time = matches!(col.role, Role::Timestamp | Role::StartTimestamp);
        let fmt_name = name.clone();
        let on_format = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let name = fmt_name.clone();
            let f = TimestampFormat::ALL
                .into_iter()
                .find(|f| format_value(*f) == v);
            edit(Box::new(move |o| match f {
                Some(f) => {
                    o.mapping.timestamp_formats.insert(name, f);
                }
                None => {
                    o.mapping.timestamp_formats.remove(&name);
                }
            }));
        };
        let current = role_value(col.role);
        let current_fmt = col.timestamp_format.map(format_value).unwrap_or("");
        view! {
            <th data-column=name.clone() data-role=current data-format=current_fmt>
                <span class="column-name">{name.clone()}</span>
                <select id=format!("csv-role-{k}-{c}") class="csv-role" on:change=on_role>
                    {ROLES.iter().map(|(_, value, label)| view! {
                        <option value=*value selected=*value == current>{*label}</option>
                    }).collect_view()}
                </select>
                {is_time.then(|| view! {
                    <select id=format!("csv-format-{k}-{c}") class="csv-format" on:change=on_format>
                        <option value="" selected=current_fmt.is_empty()>"detect"</option>
                        {TimestampFormat::ALL.into_iter().map(|f| view! {
                            <option value=format_value(f) selected=format_value(f) == current_fmt>{f.describe()}</option>
                        }).collect_view()}
                    </select>
                })}
            </th>
        }
    };

    view! {
        <div class="csv-preview" id=format!("csv-preview-{k}")>
            <div class="csv-dialect">
                <label>"Delimiter "
                    <select id=format!("csv-delimiter-{k}") on:change=on_delimiter>
                        <option value="," prop:selected=move || delimiter_value() == ",">", (comma)"</option>
                        <option value=";" prop:selected=move || delimiter_value() == ";">"; (semicolon)"</option>
                        <option value="tab" prop:selected=move || delimiter_value() == "tab">"tab"</option>
                        <option value="|" prop:selected=move || delimiter_value() == "|">"| (pipe)"</option>
                        <option value="other" prop:selected=move || delimiter_value() == "other">"other…"</option>
                    </select>
                </label>
                <Show when=move || other_open.get() || !other_delimiter().is_empty()>
                    <input id=format!("csv-delimiter-other-{k}") class="csv-other" maxlength="1" size="2"
                        prop:value=other_delimiter on:change=on_other />
                </Show>
                <label>"Header row "
                    <select id=format!("csv-header-{k}") on:change=on_header>
                        <option value="yes" prop:selected=move || header_value() == "yes">"yes"</option>
                        <option value="no" prop:selected=move || header_value() == "no">"no"</option>
                    </select>
                </label>
                <label>"Encoding "
                    <select id=format!("csv-encoding-{k}") on:change=on_encoding>
                        <option value="utf8" prop:selected=move || encoding_value() == "utf8">"UTF-8"</option>
                        <option value="utf8_bom" prop:selected=move || encoding_value() == "utf8_bom">"UTF-8 with BOM"</option>
                        <option value="latin1" prop:selected=move || encoding_value() == "latin1">"Latin-1"</option>
                    </select>
                </label>
            </div>
            {move || match preview() {
                None => view! { <p class="status">"Reading the first rows…"</p> }.into_any(),
                Some(Preview::Failed(e)) => view! {
                    <div class="error preview-error" id=format!("preview-error-{k}") data-code=e.code.clone()>
                        <p>{e.message.clone()}</p>
                        <p class="status">"Change the delimiter, header or a column's role above; the preview is read again."</p>
                    </div>
                }.into_any(),
                Some(Preview::Ok(p)) => view! {
                    {(!p.warnings.is_empty()).then(|| view! {
                        <div class="warning preview-warning" id=format!("preview-warning-{k}")>
                            {p.warnings.iter().map(|w| view! { <p>{w.clone()}</p> }).collect_view()}
                        </div>
                    })}
                    <div class="table-scroll">
                        <table class="csv-table" id=format!("csv-table-{k}")>
                            <thead><tr>
                                <th>"line"</th>
                                {p.dialect.columns.iter().cloned().enumerate()
                                    .map(|(c, col)| column_head(c, col)).collect_view()}
                            </tr></thead>
                            <tbody>
                                {p.rows.iter().map(|(line, cells)| view! {
                                    <tr>
                                        <td class="line">{*line}</td>
                                        {cells.iter().map(|v| view! { <td>{v.clone()}</td> }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}
