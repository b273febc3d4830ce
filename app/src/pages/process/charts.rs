//! The statistics card: events over time, the case duration histogram and activity frequencies
//! of the filtered log, drawn as SVG by `spur_core::chart` in the worker.

use super::ProcessCtx;
use crate::latest::Latest;
use crate::protocol::{Charts, ErrorDto};
use crate::worker_client::process as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::map::human_duration;

#[component]
pub fn ChartsCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let charts = RwSignal::new(None::<Charts>);
    let error = RwSignal::new(None::<ErrorDto>);
    let requested = Latest::new();
    Effect::new(move |_| {
        if ctx.revision.get() == 0 {
            return;
        }
        let n = requested.next();
        spawn_local(async move {
            let result = worker::charts().await;
            if !n.is_current() {
                return;
            }
            match result {
                Ok(c) => {
                    error.set(None);
                    charts.set(Some(c));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let body = move || {
        charts.get().map(|c| {
            let durations = match (c.median_case_s, c.mean_case_s) {
                (Some(m), Some(a)) => format!(
                    "case duration: median {}, mean {}",
                    human_duration(m),
                    human_duration(a)
                ),
                _ => "the log has no timestamps".to_string(),
            };
            view! {
                <p class="status" id="charts-info">{durations}</p>
                <div class="charts">
                    {c.events_over_time.map(|svg| view! { <div class="chart" id="chart-events" inner_html=svg></div> })}
                    <div class="chart" id="chart-durations" inner_html=c.case_durations></div>
                    <div class="chart" id="chart-activities" inner_html=c.activities></div>
                </div>
            }
        })
    };
    view! {
        <section class="card" id="statistics">
            <h2>"Statistics"</h2>
            {move || error.get().map(|e| view! { <p class="error">{e.message}</p> })}
            {body}
        </section>
    }
}
