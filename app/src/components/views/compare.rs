//! The compare view: group A and group B side by side (cases, events, share of the log), the
//! attributes ranked by effect size with their verdict (informative, non-informative,
//! constant) and, per attribute, the values' shares in A and B or the quantiles; then the
//! directly-follows difference as core's coloured picture (`map::dfg_diff`) and its top edges.

use super::{pct, secs};
use leptos::prelude::*;
use spur_core::map::{dfg_diff, DiffOptions};
use spur_core::recipe::Op;
use spur_core::toolkit::compare::{
    AttributeComparison, Comparison, Detail, NumericSummary, Source, Unit,
};

/// Edges listed under the picture.
const TOP_EDGES: usize = 15;

pub fn view(id: &str, c: &Comparison, log_cases: usize, op: Option<&Op>) -> impl IntoView {
    let (label_a, label_b) = labels(op);
    let events = |group: usize| -> Option<u64> {
        let x = c.attributes.iter().find(|x| x.name == "events per case")?;
        match &x.detail {
            Detail::Numeric { a, b, .. } => {
                let s = if group == 0 { a } else { b };
                Some((s.mean? * s.count as f64).round() as u64)
            }
            Detail::Categorical { .. } => None,
        }
    };
    let duration = |group: usize| -> Option<f64> {
        let x = c.attributes.iter().find(|x| x.name == "case duration")?;
        match &x.detail {
            Detail::Numeric { a, b, .. } => (if group == 0 { a } else { b }).median,
            Detail::Categorical { .. } => None,
        }
    };
    let share = |n: u64| {
        if log_cases == 0 {
            0.0
        } else {
            n as f64 / log_cases as f64
        }
    };
    let group = |key: &'static str, label: String, cases: u64, g: usize| {
        let ev = events(g);
        view! {
            <div class=format!("cmp-group cmp-{key}") data-group=key data-cases=cases data-events=ev.unwrap_or(0)>
                <h4>{format!("{}: ", key.to_uppercase())}<code>{label}</code></h4>
                <p>
                    <b class="cmp-cases">{cases}</b>" cases ("{pct(share(cases))}" of "{log_cases}")"
                    {ev.map(|e| format!(" · {e} events"))}
                </p>
                {duration(g).map(|d| view! { <p class="status">{format!("median case duration {}", secs(d))}</p> })}
            </div>
        }
    };
    let informative = c.attributes.iter().filter(|x| x.informative).count();
    let attributes = c
        .attributes
        .iter()
        .enumerate()
        .map(|(rank, x)| attribute(rank + 1, x))
        .collect_view();
    let both = (c.cases_in_both > 0).then(|| {
        view! { <p class="status">{format!("{} cases are in both groups (counted in both)", c.cases_in_both)}</p> }
    });
    view! {
        <div class="view-compare" data-step=id.to_string() data-cases-a=c.cases_a data-cases-b=c.cases_b data-in-both=c.cases_in_both data-informative=informative>
            <div class="cmp-groups">
                {group("a", label_a, c.cases_a, 0)}
                {group("b", label_b, c.cases_b, 1)}
            </div>
            {both}
            <h4>{format!("attributes ({informative} of {} differ), by effect size", c.attributes.len())}</h4>
            <div class="cmp-attrs">
                <div class="cmp-attr-head"><span>"#"</span><span>"attribute"</span><span>"verdict"</span><span>"effect"</span><span class="n">"p"</span><span>"A vs B"</span></div>
                {attributes}
            </div>
            {dfg(c)}
        </div>
    }
}

/// The groups' filter texts, from the step in the recipe (A, B without it).
fn labels(op: Option<&Op>) -> (String, String) {
    let text = |fs: &[spur_core::toolkit::filter::Filter]| {
        fs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    match op {
        Some(Op::Compare { a, b, .. }) => (
            text(a),
            b.as_deref().map_or_else(|| "the rest".to_string(), text),
        ),
        _ => ("group A".into(), "group B".into()),
    }
}

fn verdict(x: &AttributeComparison) -> (&'static str, &'static str) {
    match (x.informative, x.constant, x.no_difference) {
        (true, _, _) => ("informative", "informative"),
        (false, true, true) => ("constant", "constant, no difference"),
        (false, true, false) => ("constant", "constant"),
        _ => ("non-informative", "no difference"),
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

fn number(unit: Unit, v: Option<f64>) -> String {
    match (v, unit) {
        (None, _) => "–".into(),
        (Some(s), Unit::Seconds) => secs(s),
        (Some(s), Unit::EpochSeconds) => {
            spur_core::import::timestamp::format_iso((s * 1000.0) as i64)
        }
        (Some(v), _) if v.fract() == 0.0 => format!("{v}"),
        (Some(v), _) => format!("{v:.2}"),
    }
}

/// A vs B in a few words: the value whose share differs most, or the medians.
fn gist(x: &AttributeComparison) -> String {
    match &x.detail {
        Detail::Categorical { values, .. } => {
            let gap = |v: &spur_core::toolkit::compare::ValueShares| (v.share_a - v.share_b).abs();
            values
                .iter()
                .min_by(|p, q| {
                    gap(q)
                        .total_cmp(&gap(p))
                        .then_with(|| (p.value == "false").cmp(&(q.value == "false")))
                        .then_with(|| p.value.cmp(&q.value))
                })
                .map_or(String::new(), |v| {
                    format!("{}: {} vs {}", v.value, pct(v.share_a), pct(v.share_b))
                })
        }
        Detail::Numeric { unit, a, b, .. } => format!(
            "median {} vs {}",
            number(*unit, a.median),
            number(*unit, b.median)
        ),
    }
}

fn attribute(rank: usize, x: &AttributeComparison) -> impl IntoView {
    let (key, text) = verdict(x);
    let source = match x.source {
        Source::Case => "case",
        Source::Event => "event",
        Source::Derived => "derived",
    };
    let effect_bar = format!("width:{:.1}%", 100.0 * x.effect.clamp(0.0, 1.0));
    let detail = match &x.detail {
        Detail::Categorical {
            chi_square,
            dof,
            values,
            ..
        } => {
            let rows = values
                .iter()
                .map(|v| {
                    view! {
                        <div class="cmp-value" data-value=v.value.clone() data-count-a=v.count_a data-count-b=v.count_b>
                            <span class="dist-label" title=v.value.clone()>{v.value.clone()}</span>
                            <span class="cmp-bars">
                                <span class="bar-a" style=format!("width:{:.1}%", 100.0 * v.share_a.clamp(0.0, 1.0))></span>
                                <span class="bar-b" style=format!("width:{:.1}%", 100.0 * v.share_b.clamp(0.0, 1.0))></span>
                            </span>
                            <span class="n">{format!("A {} ({})", v.count_a, pct(v.share_a))}</span>
                            <span class="n">{format!("B {} ({})", v.count_b, pct(v.share_b))}</span>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <p class="status">{format!("chi-square {chi_square:.2}, {dof} degrees of freedom, Cramér's V {:.3}, p {}", x.effect, p_text(x.p_value))}</p>
                {rows}
            }
            .into_any()
        }
        Detail::Numeric {
            unit,
            ks_d,
            ks_p,
            mann_whitney_u,
            mann_whitney_p,
            cliffs_delta,
            a,
            b,
        } => {
            let unit = *unit;
            let row = |g: &'static str, s: &NumericSummary| {
                view! {
                    <tr data-group=g>
                        <td>{g}</td><td class="n">{s.count}</td><td class="n">{s.missing}</td>
                        <td class="n">{number(unit, s.min)}</td><td class="n">{number(unit, s.p25)}</td>
                        <td class="n">{number(unit, s.median)}</td><td class="n">{number(unit, s.p75)}</td>
                        <td class="n">{number(unit, s.max)}</td><td class="n">{number(unit, s.mean)}</td>
                    </tr>
                }
            };
            view! {
                <p class="status">{format!(
                    "Mann–Whitney U {mann_whitney_u:.1} (p {}), Kolmogorov–Smirnov D {ks_d:.3} (p {}), Cliff's delta {cliffs_delta:+.3} ({} larger)",
                    p_text(*mann_whitney_p), p_text(*ks_p), if *cliffs_delta >= 0.0 { "A" } else { "B" }
                )}</p>
                <table class="cmp-numeric">
                    <thead><tr><th></th><th class="n">"cases"</th><th class="n">"missing"</th><th class="n">"min"</th><th class="n">"p25"</th><th class="n">"median"</th><th class="n">"p75"</th><th class="n">"max"</th><th class="n">"mean"</th></tr></thead>
                    <tbody>{row("A", a)}{row("B", b)}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <details class=format!("cmp-attr verdict-{key}") data-name=x.name.clone() data-source=source data-verdict=key data-effect=x.effect data-p=x.p_value>
            <summary>
                <span class="n">{rank}</span>
                <span class="cmp-name">{x.name.clone()}<small>{format!(" {source}")}</small></span>
                <span class=format!("badge verdict {key}")>{text}</span>
                <span class="cmp-effect"><span class="dist-bar"><span style=effect_bar></span></span>{format!("{:.3}", x.effect)}</span>
                <span class="n">{p_text(x.p_value)}</span>
                <span class="cmp-gist">{gist(x)}</span>
            </summary>
            <div class="cmp-detail">{detail}</div>
        </details>
    }
}

/// The coloured DFG difference and its top edges.
fn dfg(c: &Comparison) -> impl IntoView {
    let d = dfg_diff(&c.dfg, &DiffOptions::default());
    let left_out = (d.edges.len() < d.edges_total).then(|| {
        format!(
            " ({} of {} edges drawn: the largest differences, then the most frequent)",
            d.edges.len(),
            d.edges_total
        )
    });
    let rows = c
        .dfg
        .iter()
        .take(TOP_EDGES)
        .map(|e| {
            let mean = |m: Option<f64>| m.map_or("–".to_string(), secs);
            view! {
                <tr class="dfg-edge" data-from=e.from.clone() data-to=e.to.clone() data-share-a=e.share_a data-share-b=e.share_b data-diff=e.share_diff>
                    <td>{format!("{} → {}", e.from, e.to)}</td>
                    <td class="n">{pct(e.share_a)}</td>
                    <td class="n">{pct(e.share_b)}</td>
                    <td class=format!("n {}", if e.share_diff > 0.0 { "more-a" } else if e.share_diff < 0.0 { "more-b" } else { "" })>
                        {format!("{:+.1}", e.share_diff * 100.0)}
                    </td>
                    <td class="n">{mean(e.mean_a)}</td>
                    <td class="n">{mean(e.mean_b)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cmp-dfg">
            <h4>"directly-follows difference"{left_out}</h4>
            <p class="legend">
                <span class="swatch more-a"></span>" in more cases of A  "
                <span class="swatch more-b"></span>" in more cases of B  "
                <span class="swatch same"></span>" within 5 points; width: share of cases"
            </p>
            <div class="dfg-diff-box" data-edges=d.edges.len() data-edges-total=d.edges_total inner_html=d.svg></div>
            <table class="dfg-edges">
                <thead><tr><th>"edge"</th><th class="n">"cases A"</th><th class="n">"cases B"</th><th class="n">"Δ points"</th><th class="n">"mean A"</th><th class="n">"mean B"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
