//! A trained lead model's held-out evaluation: Spur's ranking next to the best single-attribute
//! rule and the plain-cluster ranking, the segments of the model, and the calibration table.

use crate::protocol::leads::LeadsTrained;
use leptos::prelude::*;
use spur_core::text::pct;

/// One ranking's held-out numbers as a card of the side-by-side comparison.
fn ranking_card(
    id: &'static str,
    title: String,
    auc: f64,
    lift_at_10: f64,
    lift_at_20: f64,
    best: bool,
) -> impl IntoView {
    view! {
        <div class="count" class:best=best>
            <span>{title}</span>
            <b id=id data-value=auc.to_string()>{format!("{auc:.3}")}</b>
            <span>"held-out AUC"</span>
            <div class="lifts">
                {format!("lift ×{lift_at_10:.2} in the top 10 %, ×{lift_at_20:.2} in the top 20 %")}
            </div>
        </div>
    }
}

#[component]
pub fn TrainedView(result: LeadsTrained, wall_seconds: f64) -> impl IntoView {
    let e = &result.evaluation;
    let b = &e.baseline_rule;
    let c = &e.cluster_rank;
    let s = &e.segments_only;
    let cards = view! {
        <div class="counts">
            {ranking_card("leads-auc", "Spur: segments + scorer".into(), e.auc, e.lift_at_10, e.lift_at_20, true)}
            {ranking_card("leads-baseline-auc", format!("best single rule: {}", b.column), b.auc, b.lift_at_10, b.lift_at_20, false)}
            {ranking_card("leads-cluster-auc", format!("plain k-means clusters (k = {})", c.k), c.auc, c.lift_at_10, c.lift_at_20, false)}
        </div>
    };
    let mut segments = result.segments.clone();
    segments.sort_by(|a, b| b.win_rate.total_cmp(&a.win_rate).then(a.id.cmp(&b.id)));
    let max_rate = segments
        .first()
        .map(|s| s.win_rate)
        .unwrap_or(1.0)
        .max(1e-9);
    let segment_rows = segments
        .iter()
        .map(|s| {
            let width = format!("width:{:.1}%", 100.0 * s.win_rate / max_rate);
            view! {
                <tr data-segment=s.id>
                    <td>{s.rule.clone()}</td>
                    <td class="n">{s.size}</td>
                    <td class="n" data-value=s.win_rate.to_string()>{pct(s.win_rate)}</td>
                    <td class="n">{s.mean_won_value.map(|v| format!("{v:.0}")).unwrap_or_default()}</td>
                    <td style="width:20%"><div class="bar" style=width></div></td>
                </tr>
            }
        })
        .collect_view();
    let calibration = (!e.calibration.is_empty()).then(|| {
        let rows = e
            .calibration
            .iter()
            .map(|bin| {
                view! {
                    <tr>
                        <td class="n">{bin.rows}</td>
                        <td class="n">{pct(bin.mean_predicted)}</td>
                        <td class="n">{pct(bin.observed)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>"Calibration on held-out leads"</h2>
                <p class="status">"Held-out leads in ten groups by score: does a predicted 30 % win about 30 % of the time?"</p>
                <table id="leads-calibration">
                    <thead><tr><th class="n">"leads"</th><th class="n">"predicted"</th><th class="n">"observed"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    let leaks = (!e.leaks.is_empty()).then(|| {
        let lines = e
            .leaks
            .iter()
            .map(|l| {
                let state = if l.included {
                    "used because you included it"
                } else {
                    "left out of every ranking above"
                };
                view! {
                    <li data-leak=l.column.clone()>
                        {format!("{}: {} (AUC {:.3} alone on the training part); {state}.", l.column, l.reason, l.auc)}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="error" id="leads-leak-warning"><ul>{lines}</ul></div>
        }
    });
    view! {
        <section class="card" id="leads-results">
            <h2>"Ranking on held-out leads"</h2>
            <p class="status" id="leads-split">
                {format!(
                    "{} leads: {} to train, {} held out (split: {}); held-out win rate {}. Top 10 % win {}, top 20 % win {}.",
                    e.rows, e.train_rows, e.test_rows, e.split, pct(e.test_win_rate),
                    pct(e.win_rate_at_10), pct(e.win_rate_at_20)
                )}
            </p>
            {cards}
            <p class="status">
                <span id="leads-lift-10" data-value=e.lift_at_10.to_string()>{format!("Spur's lift: ×{:.2} in the top 10 %", e.lift_at_10)}</span>
                ", "
                <span id="leads-lift-20" data-value=e.lift_at_20.to_string()>{format!("×{:.2} in the top 20 %", e.lift_at_20)}</span>
                {format!("; segments alone: AUC {:.3}, lift ×{:.2} / ×{:.2}.", s.auc, s.lift_at_10, s.lift_at_20)}
            </p>
            {leaks}
            <p class="status" id="leads-train-time" data-seconds=(result.evaluate_seconds + result.train_seconds).to_string()>
                {format!(
                    "In the worker: held-out evaluation {:.2} s, model on all {} leads {:.2} s ({:.2} s from click to result).",
                    result.evaluate_seconds, result.training_rows, result.train_seconds, wall_seconds
                )}
            </p>
        </section>
        <section class="card">
            <h2>"Segments of the model"</h2>
            <p class="status">{format!("Learnt from all {} leads; each new lead falls into one and shows its rule.", result.training_rows)}</p>
            <table id="leads-segments">
                <thead><tr><th>"rule"</th><th class="n">"leads"</th><th class="n">"win rate"</th><th class="n">"mean won value"</th><th></th></tr></thead>
                <tbody>{segment_rows}</tbody>
            </table>
        </section>
        {calibration}
    }
}
