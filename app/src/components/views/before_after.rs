//! The before/after view: for every occurrence of an activity, what came before and what came
//! after (side by side, as bar rows with count and share), the time in between as quantiles,
//! the "same as" share, the "preceded by" count, the described attributes, and the breakdown
//! groups — everything `spur before|after --json` holds.

use super::{distribution, pct, quantiles, secs};
use leptos::prelude::*;
use spur_core::toolkit::before_after::{BeforeAfter, Block, SideResult};

/// Rows per distribution.
const TOP: usize = 10;
/// Rows per distribution inside a breakdown group.
const TOP_GROUP: usize = 6;

pub fn view(id: &str, r: &BeforeAfter) -> impl IntoView {
    let groups = r.by.as_ref().map(|by| {
        let attribute = match by.attribute.as_str() {
            "@previous" => "previous activity".to_string(),
            "@next" => "next activity".to_string(),
            a => a.to_string(),
        };
        let items = by
            .groups
            .iter()
            .map(|g| {
                view! {
                    <details class="ba-group" data-value=g.value.clone() data-occurrences=g.block.occurrences>
                        <summary>
                            <b>{g.value.clone()}</b>
                            {format!(": {} occurrences ({})", g.block.occurrences, pct(g.share))}
                        </summary>
                        {block(&g.block, TOP_GROUP)}
                    </details>
                }
            })
            .collect_view();
        view! {
            <div class="ba-breakdown" data-by=by.attribute.clone()>
                <h4>{format!("by {attribute} ({} groups)", by.groups.len())}</h4>
                {items}
            </div>
        }
    });
    view! {
        <div class="view-before-after" data-step=id.to_string() data-activity=r.activity.clone() data-occurrences=r.occurrences>
            <p class="ba-head">
                <b class="ba-occurrences">{r.occurrences}</b>" occurrences of "
                <b>{r.activity.clone()}</b>
            </p>
            {block(&r.overall, TOP)}
            {groups}
        </div>
    }
}

/// One block: the two sides, then the attributes of X and the "preceded by" count.
fn block(b: &Block, top: usize) -> impl IntoView {
    let preceded = b.preceded_by.as_ref().map(|p| {
        view! {
            <p class="ba-preceded" data-count=p.count data-share=p.share>
                {format!(
                    "preceded by `{}` within {}: {} of {} ({})",
                    p.activity,
                    secs(p.within_seconds),
                    p.count,
                    b.occurrences,
                    pct(p.share)
                )}
            </p>
        }
    });
    let described = b
        .describe
        .iter()
        .map(|d| distribution(d.attribute.clone(), &d.distribution, top))
        .collect_view();
    view! {
        <div class="ba-block">
            <div class="ba-sides">
                {side("before", "previous event", "time since previous", &b.before, top)}
                {side("after", "next event", "time to next", &b.after, top)}
            </div>
            {preceded}
            {(!b.describe.is_empty()).then(|| view! { <div class="ba-describe">{described}</div> })}
        </div>
    }
}

fn side(
    key: &'static str,
    title: &'static str,
    since: &'static str,
    s: &SideResult,
    top: usize,
) -> impl IntoView {
    let same = s.same.as_ref().map(|same| {
        let share = if same.compared == 0 { 0.0 } else { same.share };
        view! {
            <div class="ba-same" data-equal=same.equal data-compared=same.compared>
                <p>{format!("same {}: {} of {} ({})", same.attribute, same.equal, same.compared, pct(share))}</p>
                {same.seconds_when_equal.as_ref().map(|q| quantiles("when same", q))}
                {same.seconds_when_different.as_ref().map(|q| quantiles("when different", q))}
            </div>
        }
    });
    view! {
        <div class="ba-side" data-side=key>
            {distribution(title.to_string(), &s.distribution, top)}
            {s.seconds.as_ref().map(|q| quantiles(since, q))}
            {same}
        </div>
    }
}
