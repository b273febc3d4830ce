//! What mining a sales-activity log found (issue 19), drawn from core's `ActivityFindings` as
//! it is: the join (how many leads and cases matched), the outcome markers set aside, the funnel
//! (core's `chart::funnel` SVG and its table), the findings as core's sentences with their
//! numbers and a small chart each (core's `chart::win_rates`), the most frequent variants, and
//! the buttons that open the activity log in the process screen for won or lost leads or with
//! the won-vs-lost comparison. Every number carries a `data-*` hook so the browser test can
//! compare it with `spur leads activities --json`.

use crate::protocol::activities::{ActivitiesMined, OpenLeads};
use leptos::prelude::*;
use spur_core::leads::activities::{Finding, FindingKind, OutcomeMarker, Stage};
use spur_core::text::pct;

fn kind_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::OutcomeMarker => "outcome_marker",
        FindingKind::Stage => "stage",
        FindingKind::Action => "action",
        FindingKind::NoDifference => "no_difference",
    }
}

fn kind_label(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::OutcomeMarker => "outcome marker",
        FindingKind::Stage => "stage effect",
        FindingKind::Action => "action",
        FindingKind::NoDifference => "no difference",
    }
}

/// `p < 0.001`-style text of a p-value (core's wording).
fn p(p: f64) -> String {
    spur_core::leads::activities::findings::p_text(p)
}

fn stage_row(s: &Stage) -> impl IntoView {
    view! {
        <tr class="stage" data-activity=s.activity.clone() data-reached=s.reached.to_string()
            data-won=s.won.to_string() data-won-rate=s.won_rate.to_string()>
            <td>{s.activity.clone()}</td>
            <td class="n">{s.reached}</td>
            <td class="n">{pct(s.reached_share)}</td>
            <td class="n">{pct(s.won_rate)}</td>
            <td class="n">{s.drop_off.map(pct).unwrap_or_default()}</td>
            <td class="n">{s.lost_stopped}</td>
        </tr>
    }
}

fn marker_item(m: &OutcomeMarker) -> impl IntoView {
    view! {
        <li class="marker" data-activity=m.activity.clone()>
            {format!(
                "`{}` marks {} leads: in {} of won and {} of lost leads; left out of the analysis.",
                m.activity,
                if m.marks == spur_core::leads::activities::Outcome::Won { "won" } else { "lost" },
                pct(m.share_won),
                pct(m.share_lost),
            )}
        </li>
    }
}

/// The numbers under a sentence: the raw test, and the stage-adjusted comparison.
fn numbers(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let (Some(pv), Some(v)) = (f.p_value, f.effect) {
        parts.push(format!("all leads: χ² {}, Cramér's V {v:.3}", p(pv)));
    }
    if let (Some(h), Some(l)) = (&f.high, &f.low) {
        parts.push(format!(
            "`{}` {} of {} vs `{}` {} of {}",
            h.label,
            pct(h.win_rate),
            h.leads,
            l.label,
            pct(l.win_rate),
            l.leads
        ));
    }
    if let Some(a) = &f.adjusted {
        parts.push(format!(
            "same stage: `{}` {} ({} leads) vs the rest {} ({} leads), odds ratio {:.2}, CMH {}",
            a.bucket,
            pct(a.rate_bucket),
            a.leads_bucket,
            pct(a.rate_rest),
            a.leads_rest,
            a.odds_ratio,
            p(a.p_value)
        ));
    }
    parts.join(" · ")
}

fn finding_item(i: usize, f: &Finding, svg: Option<String>) -> impl IntoView {
    let adjusted = f.adjusted.clone();
    let high = f.high.clone();
    let low = f.low.clone();
    view! {
        <li class="finding" data-index=i.to_string() data-finding-kind=kind_name(f.kind)
            data-activity=f.activity.clone() data-feature=f.feature.clone().unwrap_or_default()
            data-adjusted-for=f.adjusted_for.join(",")
            data-p-value=f.p_value.map(|v| v.to_string()).unwrap_or_default()
            data-effect=f.effect.map(|v| v.to_string()).unwrap_or_default()
            data-high-label=high.as_ref().map(|b| b.label.clone()).unwrap_or_default()
            data-high-rate=high.as_ref().map(|b| b.win_rate.to_string()).unwrap_or_default()
            data-high-leads=high.as_ref().map(|b| b.leads.to_string()).unwrap_or_default()
            data-low-label=low.as_ref().map(|b| b.label.clone()).unwrap_or_default()
            data-low-rate=low.as_ref().map(|b| b.win_rate.to_string()).unwrap_or_default()
            data-low-leads=low.as_ref().map(|b| b.leads.to_string()).unwrap_or_default()
            data-bucket=adjusted.as_ref().map(|a| a.bucket.clone()).unwrap_or_default()
            data-rate-bucket=adjusted.as_ref().map(|a| a.rate_bucket.to_string()).unwrap_or_default()
            data-rate-rest=adjusted.as_ref().map(|a| a.rate_rest.to_string()).unwrap_or_default()
            data-odds-ratio=adjusted.as_ref().map(|a| a.odds_ratio.to_string()).unwrap_or_default()
            data-adjusted-p=adjusted.as_ref().map(|a| a.p_value.to_string()).unwrap_or_default()>
            <span class=format!("tag {}", kind_name(f.kind))>{kind_label(f.kind)}</span>
            " "
            <span class="sentence">{f.text.clone()}</span>
            <div class="status numbers">{numbers(f)}</div>
            {svg.map(|svg| view! { <div class="finding-chart" inner_html=svg></div> })}
        </li>
    }
}

#[component]
pub fn ActivityResults(
    mined: ActivitiesMined,
    /// Open the activity log in the process screen for these leads.
    on_open: Callback<OpenLeads>,
    /// Save the findings as JSON (what `spur leads activities --json` prints).
    on_download: Callback<()>,
    busy: Signal<bool>,
) -> impl IntoView {
    let f = &mined.findings;
    let j = &f.join;
    let mut joined = Vec::new();
    if j.leads_without_activity > 0 {
        joined.push(format!(
            "{} leads have no activity ({} won), e.g. {}.",
            j.leads_without_activity,
            j.leads_without_activity_won,
            j.examples_leads_without_activity.join(", ")
        ));
    }
    if j.cases_without_lead > 0 {
        joined.push(format!(
            "{} cases match no lead and are left out, e.g. {}.",
            j.cases_without_lead,
            j.examples_cases_without_lead.join(", ")
        ));
    }
    if j.duplicate_leads > 0 {
        joined.push(format!(
            "{} repeated lead ids (the first row counts).",
            j.duplicate_leads
        ));
    }
    if j.cases_only_markers > 0 {
        joined.push(format!(
            "{} cases hold only outcome markers and are left out.",
            j.cases_only_markers
        ));
    }
    if mined.leads_rejected > 0 {
        joined.push(format!(
            "{} lead-table rows have no usable id or outcome and are skipped ({}).",
            mined.leads_rejected,
            mined.first_leads_rejected.join("; ")
        ));
    }
    joined.extend(mined.notes.iter().cloned());
    let adjusted = if f.adjusted_for.is_empty() {
        "actions compare all leads (no funnel stages)".to_string()
    } else {
        "actions compare leads that reached the same stage".to_string()
    };
    let source = if f.funnel.stages_given {
        "given"
    } else {
        "detected"
    };
    let stages = f.funnel.stages.iter().map(stage_row).collect_view();
    let before = (f.funnel.before_first_stage > 0).then(|| {
        format!(
            "{} leads reached no stage ({} won).",
            f.funnel.before_first_stage, f.funnel.before_first_stage_won
        )
    });
    let markers = f.outcome_markers.iter().map(marker_item).collect_view();
    let findings = f
        .findings
        .iter()
        .enumerate()
        .map(|(i, x)| finding_item(i, x, mined.finding_svgs.get(i).cloned().flatten()))
        .collect_view();
    let variants = f
        .variants
        .iter()
        .take(5)
        .map(|v| {
            view! {
                <tr>
                    <td class="n">{v.leads}</td>
                    <td class="n">{pct(v.win_rate)}</td>
                    <td>{v.activities.join(" → ")}</td>
                </tr>
            }
        })
        .collect_view();
    let open = move |which: OpenLeads| move |_| on_open.run(which);
    view! {
        <section class="card" id="activities-results" data-analysed=j.analysed.to_string()
            data-won=j.won.to_string() data-lost=j.lost.to_string() data-win-rate=f.win_rate.to_string()
            data-time-zone=f.time_zone.clone() data-adjusted-for=f.adjusted_for.join(",")>
            <h2>"What wins deals"</h2>
            <p class="status" id="activities-summary">
                {format!(
                    "{}: {} leads with activities analysed ({} won, {} lost, win rate {}); {} cases in the log, {} leads in the table. Weekday and hour in {}; {}. Mined in {:.1} s in the worker.",
                    mined.name, j.analysed, j.won, j.lost, pct(f.win_rate), j.cases, j.leads, f.time_zone, adjusted, mined.seconds,
                )}
            </p>
            {(!joined.is_empty()).then(|| view! {
                <ul class="warning" id="activities-join">{joined.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
            {(!f.outcome_markers.is_empty()).then(|| view! {
                <h3>"Outcome markers (set aside)"</h3>
                <ul id="activities-markers">{markers}</ul>
            })}
            <div class="actions">
                <button id="activities-open-won" disabled=move || busy.get() on:click=open(OpenLeads::Won)>"Open won leads in the process screen"</button>
                <button id="activities-open-lost" disabled=move || busy.get() on:click=open(OpenLeads::Lost)>"Open lost leads in the process screen"</button>
                <button id="activities-open-compare" disabled=move || busy.get() on:click=open(OpenLeads::Compare)>"Compare won vs lost (map difference)"</button>
                <button id="activities-download" on:click=move |_| on_download.run(())>"Download findings (JSON)"</button>
            </div>
        </section>
        <section class="card" id="activities-funnel" data-stages-given=f.funnel.stages_given.to_string()>
            <h2>{format!("Funnel ({source} stages)")}</h2>
            {if f.funnel.stages.is_empty() {
                view! { <p class="status">"No funnel stages (none given, none detected): findings compare all leads."</p> }.into_any()
            } else {
                view! {
                    <div class="chart" id="activities-funnel-chart" inner_html=mined.funnel_svg.clone()></div>
                    <table class="grid" id="activities-stages">
                        <thead><tr><th>"stage"</th><th>"reached"</th><th>"share"</th><th>"won rate"</th><th>"drop-off"</th><th>"lost stopped here"</th></tr></thead>
                        <tbody>{stages}</tbody>
                    </table>
                    {before.map(|b| view! { <p class="status">{b}</p> })}
                }.into_any()
            }}
        </section>
        <section class="card" id="activities-findings-card">
            <h2>"Findings"</h2>
            <p class="status">"Actions are what separates won from lost leads among leads at the same stage; stage effects say only how far leads got. Each chart: win rate per bucket (green: the same-stage comparison the sentence quotes)."</p>
            <ol id="activities-findings">{findings}</ol>
            <h3>"Most frequent variants (without outcome markers)"</h3>
            <table class="grid" id="activities-variants">
                <thead><tr><th>"leads"</th><th>"win rate"</th><th>"sequence"</th></tr></thead>
                <tbody>{variants}</tbody>
            </table>
        </section>
    }
}
