//! New leads ranked by the trained model: score, expected value, the segment's rule and the
//! strongest reasons, best first, with the full ranked CSV as a download.

use crate::protocol::leads::LeadsScored;
use leptos::prelude::*;

#[component]
pub fn ScoresView(scored: LeadsScored, on_download: Callback<()>) -> impl IntoView {
    let rows = scored
        .top
        .iter()
        .enumerate()
        .map(|(rank, s)| {
            let reasons: Vec<&str> = s.reasons.iter().map(|r| r.text.as_str()).collect();
            view! {
                <tr data-id=s.id.clone().unwrap_or_default() data-score=s.value.to_string() data-segment=s.segment_id>
                    <td class="n">{rank + 1}</td>
                    <td>{s.id.clone().unwrap_or_default()}</td>
                    <td class="n">{format!("{:.4}", s.value)}</td>
                    <td class="n">{s.expected_value.map(|v| format!("{v:.0}")).unwrap_or_default()}</td>
                    <td>{s.rule.clone()}</td>
                    <td>{reasons.join("; ")}</td>
                </tr>
            }
        })
        .collect_view();
    let shown = scored.top.len();
    let skipped = (scored.skipped > 0).then(|| {
        let lines: Vec<String> = scored
            .first_skipped
            .iter()
            .map(|r| format!("line {}: {}", r.line, r.reason))
            .collect();
        view! {
            <p class="status" id="leads-scores-skipped">
                {format!("{} rows skipped: {}", scored.skipped, lines.join("; "))}
            </p>
        }
    });
    view! {
        <section class="card" id="leads-scored">
            <h2>{format!("{} ranked", scored.name)}</h2>
            <p class="status">
                {if shown < scored.rows {
                    format!("{} leads scored; the best {shown} are shown, the download has them all.", scored.rows)
                } else {
                    format!("{} leads scored, best first.", scored.rows)
                }}
            </p>
            {skipped}
            <div class="actions">
                <button id="leads-scores-download" on:click=move |_| on_download.run(())>"Download ranked CSV"</button>
            </div>
            <table id="leads-scores">
                <thead>
                    <tr><th class="n">"rank"</th><th>"id"</th><th class="n">"score"</th><th class="n">"expected value"</th><th>"segment"</th><th>"reasons"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
