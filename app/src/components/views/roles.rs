//! The roles view: the activity × resource (and × role) matrix as a heat map, the
//! handover-of-work list with each pair's share of the consecutive pairs and mean time, and the
//! resources (roles) with events, cases and time since the previous event — `spur roles --json`.

use super::{pct, secs};
use leptos::prelude::*;
use spur_core::toolkit::roles::{Actor, Handover, Matrix, Roles};

/// Columns and rows of a heat map.
const COLUMNS: usize = 14;
const ROWS: usize = 30;
/// Handover pairs and actors listed.
const PAIRS: usize = 15;
const ACTORS: usize = 12;

pub fn view(id: &str, r: &Roles) -> impl IntoView {
    let role_name = r
        .activity_role
        .as_ref()
        .map_or("role".to_string(), |m| m.attribute.clone());
    view! {
        <div class="view-roles" data-step=id.to_string() data-resources=r.resources.len() data-pairs=r.handover.pairs>
            {heat_map(&r.activity_resource)}
            {r.activity_role.as_ref().map(heat_map)}
            <div class="roles-lists">
                {handover(&r.handover)}
                {r.role_handover.as_ref().map(handover)}
            </div>
            {actors("resource", &r.resources)}
            {r.roles.as_ref().map(|a| actors(&role_name, a))}
        </div>
    }
}

fn heat_map(m: &Matrix) -> impl IntoView {
    let max = m.counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let cols: Vec<&String> = m.columns.iter().take(COLUMNS).collect();
    let head = cols
        .iter()
        .map(|c| view! { <th class="n" title=c.to_string()>{c.to_string()}</th> })
        .collect_view();
    let rows = m
        .rows
        .iter()
        .zip(&m.counts)
        .take(ROWS)
        .map(|(activity, counts)| {
            let cells = counts
                .iter()
                .take(COLUMNS)
                .zip(&cols)
                .map(|(&n, col)| {
                    let t = (n as f64 / max).sqrt();
                    let style = if n == 0 {
                        String::new()
                    } else {
                        format!(
                            "background:rgba(30,90,150,{:.2});color:{}",
                            0.08 + 0.85 * t,
                            if t > 0.55 { "#fff" } else { "#1d2a36" }
                        )
                    };
                    view! {
                        <td class="n heat" style=style data-column=col.to_string() data-count=n>
                            {if n == 0 { String::new() } else { n.to_string() }}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr data-activity=activity.clone()><th>{activity.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let more = {
        let (rows, cols) = (
            m.rows.len().saturating_sub(ROWS),
            m.columns.len().saturating_sub(COLUMNS),
        );
        (rows + cols > 0).then(|| {
            view! { <p class="status">{format!("… {cols} more columns, {rows} more activities (the most frequent are shown)")}</p> }
        })
    };
    view! {
        <div class="heat-map" data-attribute=m.attribute.clone() data-columns=m.columns.len()>
            <h4>{format!("activity × {} (events)", m.attribute)}</h4>
            <div class="scroll-x">
                <table class="heat">
                    <thead><tr><th>"activity"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {more}
        </div>
    }
}

fn handover(h: &Handover) -> impl IntoView {
    let max = h.edges.first().map_or(1, |e| e.count.max(1)) as f64;
    let rows = h
        .edges
        .iter()
        .take(PAIRS)
        .map(|e| {
            view! {
                <div class="dist-row handover" data-from=e.from.clone() data-to=e.to.clone() data-count=e.count data-value=format!("{} -> {}", e.from, e.to)>
                    <span class="dist-label">{format!("{} → {}", e.from, e.to)}</span>
                    <span class="dist-bar"><span style=format!("width:{:.1}%", 100.0 * e.count as f64 / max)></span></span>
                    <span class="n">{e.count}</span>
                    <span class="n share">{pct(e.value)}</span>
                    <span class="n">{e.mean_seconds.map_or("–".to_string(), |s| format!("mean {}", secs(s)))}</span>
                </div>
            }
        })
        .collect_view();
    let more = (h.edges.len() > PAIRS).then(
        || view! { <p class="status">{format!("… {} more pairs", h.edges.len() - PAIRS)}</p> },
    );
    view! {
        <div class="dist handover-list" data-attribute=h.attribute.clone()>
            <h4>{format!("handover of work by {} ({} consecutive pairs)", h.attribute, h.pairs)}</h4>
            {rows}
            {more}
        </div>
    }
}

fn actors(name: &str, list: &[Actor]) -> impl IntoView {
    let rows = list
        .iter()
        .take(ACTORS)
        .map(|a| {
            let t = a.seconds_since_previous.as_ref().map_or("–".to_string(), |q| {
                format!("mean {}, median {}", secs(q.mean), secs(q.median))
            });
            view! {
                <tr class="actor" data-name=a.name.clone() data-events=a.events data-cases=a.cases>
                    <td>{a.name.clone()}</td><td class="n">{a.events}</td><td class="n">{a.cases}</td><td>{t}</td>
                </tr>
            }
        })
        .collect_view();
    let more = (list.len() > ACTORS)
        .then(|| view! { <p class="status">{format!("… {} more", list.len() - ACTORS)}</p> });
    view! {
        <div class="actors">
            <table>
                <thead><tr><th>{name.to_string()}</th><th class="n">"events"</th><th class="n">"cases"</th><th>"time since the previous event"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {more}
        </div>
    }
}
