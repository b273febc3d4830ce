//! One case's timeline as a standalone SVG (the cases table's detail panel, issue 6).
//!
//! Two parts, so that both "when" and "what" read at a glance whatever the case's time span:
//! - an **axis** from the first to the last timestamp with one tick per event at its true
//!   position (bursts show as clusters), the start, end and total duration written under it;
//! - an **event list**, one row per event in log order: time, a dot on a vertical line, the
//!   activity and the resource; between two rows the waiting time (`+2.3 h`, via
//!   [`human_duration`]), the longest wait of the case emphasised.
//!
//! Hooks for tests and styling: `g.timeline-event` (with `data-index`, `data-activity`,
//! `data-resource`, `data-ts`), `line.timeline-tick`, `text.timeline-gap` (with
//! `data-seconds`; the longest also has class `longest`). All text is XML-escaped.

use super::{FONT, WIDTH};
use crate::cases::CaseDetail;
use crate::import::timestamp::format_iso;
use crate::map::svg::esc;
use crate::map::{format_count, human_duration};
use std::fmt::Write as _;

const LEFT: f64 = 20.0;
const RIGHT: f64 = WIDTH - 20.0;
const AXIS_Y: f64 = 56.0;
const FIRST_ROW: f64 = 112.0;
const ROW: f64 = 30.0;
const DOT_X: f64 = 170.0;
const LINE: &str = "#8896a4";
const MUTED: &str = "#5b6b7a";
const LONGEST: &str = "#c05621";

/// The timeline of `case` (see the module documentation).
pub fn case_timeline(case: &CaseDetail) -> String {
    let n = case.events.len();
    let height = FIRST_ROW + ROW * n.max(1) as f64 - ROW / 2.0 + 8.0;
    let timed: Vec<i64> = case.events.iter().filter_map(|e| e.timestamp_ms).collect();
    let span = timed.iter().min().zip(timed.iter().max());
    let duration = span.map(|(a, b)| b.saturating_sub(*a) as f64 / 1000.0);
    let mut title = format!(
        "Case {} · {} event{}",
        case.id,
        format_count(n as u64),
        if n == 1 { "" } else { "s" }
    );
    if let Some(d) = duration {
        let _ = write!(title, " · {}", human_duration(d));
    }
    if case.variant > 0 {
        let _ = write!(title, " · variant #{}", case.variant);
    }
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spur-chart spur-timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="{FONT}" font-size="11" role="img" aria-label="{t}">
<rect width="{WIDTH}" height="{height}" fill="#ffffff"/><text x="8" y="18" font-size="13" font-weight="600">{t}</text>
"##,
        t = esc(&title)
    );

    // The axis: one tick per timed event at its position in time.
    let _ = writeln!(
        s,
        r#"<line class="timeline-axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{RIGHT}" y2="{AXIS_Y}" stroke="{LINE}"/>"#
    );
    match span {
        Some((&t0, &t1)) => {
            let width = t1.saturating_sub(t0).max(1) as f64;
            for e in &case.events {
                let Some(t) = e.timestamp_ms else { continue };
                let x = LEFT + (RIGHT - LEFT) * t.saturating_sub(t0) as f64 / width;
                let _ = writeln!(
                    s,
                    r#"<line class="timeline-tick" x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{y2}" stroke="{c}" stroke-width="2" opacity="0.75"><title>{a} · {when}</title></line>"#,
                    y1 = AXIS_Y - 9.0,
                    y2 = AXIS_Y + 9.0,
                    c = colour(&e.activity),
                    a = esc(&e.activity),
                    when = when(t),
                );
            }
            let _ = writeln!(
                s,
                r#"<text x="{LEFT}" y="{y}" fill="{MUTED}">{a}</text><text x="{mid}" y="{y}" text-anchor="middle" font-weight="600">{d}</text><text x="{RIGHT}" y="{y}" text-anchor="end" fill="{MUTED}">{b}</text>"#,
                y = AXIS_Y + 24.0,
                mid = (LEFT + RIGHT) / 2.0,
                a = when(t0),
                b = when(t1),
                d = human_duration(t1.saturating_sub(t0) as f64 / 1000.0),
            );
        }
        None => {
            let _ = writeln!(
                s,
                r#"<text x="{LEFT}" y="{y}" fill="{MUTED}">no timestamps: events in log order</text>"#,
                y = AXIS_Y + 24.0
            );
        }
    }

    // The waits between consecutive timed events, and the longest.
    let gaps: Vec<Option<f64>> = (0..n)
        .map(|i| {
            let prev = case.events.get(i.checked_sub(1)?)?.timestamp_ms?;
            Some(case.events[i].timestamp_ms?.saturating_sub(prev) as f64 / 1000.0)
        })
        .collect();
    let longest = gaps
        .iter()
        .enumerate()
        .filter_map(|(i, g)| Some((i, (*g)?)))
        .filter(|&(_, g)| g > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);

    let row_y = |i: usize| FIRST_ROW + ROW * i as f64;
    if n > 1 {
        let _ = writeln!(
            s,
            r#"<line x1="{DOT_X}" y1="{a}" x2="{DOT_X}" y2="{b}" stroke="{LINE}" stroke-width="2"/>"#,
            a = row_y(0),
            b = row_y(n - 1),
        );
    }
    for (i, gap) in gaps.iter().enumerate() {
        let Some(g) = gap else { continue };
        let long = longest == Some(i);
        let _ = writeln!(
            s,
            r#"<text class="timeline-gap{cls}" data-seconds="{g}" x="{x}" y="{y:.1}" text-anchor="end" font-size="10" fill="{c}"{w}>+{d}</text>"#,
            cls = if long { " longest" } else { "" },
            x = DOT_X - 12.0,
            y = row_y(i) - ROW / 2.0 + 4.0,
            c = if long { LONGEST } else { MUTED },
            w = if long { r#" font-weight="700""# } else { "" },
            d = human_duration(*g),
        );
    }
    for (i, e) in case.events.iter().enumerate() {
        let y = row_y(i);
        let resource = e.resource.as_deref().unwrap_or("");
        let _ = write!(
            s,
            r#"<g class="timeline-event" data-index="{i}" data-activity="{a}" data-resource="{r}" data-ts="{ts}"><text x="{tx}" y="{ty}" text-anchor="end"{muted}>{when}</text><circle cx="{DOT_X}" cy="{y}" r="5" fill="{c}"/><text x="{ax}" y="{ty}" font-weight="600">{shown}</text>"#,
            a = esc(&e.activity),
            r = esc(resource),
            ts = e.timestamp_ms.map(|t| t.to_string()).unwrap_or_default(),
            tx = DOT_X - 12.0,
            ty = y + 4.0,
            muted = if e.timestamp_ms.is_none() {
                format!(r#" fill="{MUTED}""#)
            } else {
                String::new()
            },
            when = e.timestamp_ms.map_or_else(|| "no timestamp".into(), when),
            c = colour(&e.activity),
            ax = DOT_X + 12.0,
            shown = esc(&clip(&e.activity, 44)),
        );
        if !resource.is_empty() {
            let _ = write!(
                s,
                r#"<text x="{RIGHT}" y="{ty}" text-anchor="end" fill="{MUTED}">{r}</text>"#,
                ty = y + 4.0,
                r = esc(&clip(resource, 22)),
            );
        }
        s.push_str("</g>\n");
    }
    if n == 0 {
        let _ = writeln!(
            s,
            r#"<text x="{LEFT}" y="{FIRST_ROW}" fill="{MUTED}">this case has no events</text>"#
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `2011-10-01 11:08:36` (milliseconds only when not zero).
fn when(ms: i64) -> String {
    let iso = format_iso(ms);
    let (date, rest) = iso.split_once('T').unwrap_or((&iso, ""));
    let time = rest.trim_end_matches('Z').trim_end_matches(".000");
    format!("{date} {time}")
}

/// A stable colour per activity name (FNV-1a hash onto the golden-angle hue circle).
fn colour(activity: &str) -> String {
    let h = activity.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!(
        "hsl({},50%,42%)",
        (f64::from(h % 1000) * 137.508 % 360.0) as u32
    )
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).chain(['\u{2026}']).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseEvent;

    fn event(activity: &str, ts: Option<i64>, resource: Option<&str>) -> CaseEvent {
        CaseEvent {
            activity: activity.into(),
            timestamp_ms: ts,
            resource: resource.map(str::to_string),
            attributes: Vec::new(),
        }
    }

    fn count(svg: &str, needle: &str) -> usize {
        svg.matches(needle).count()
    }

    #[test]
    fn one_mark_per_event_and_gaps_in_human_units() {
        let h = 3_600_000;
        let case = CaseDetail {
            id: "c<1>".into(),
            variant: 2,
            attributes: Vec::new(),
            events: vec![
                event("register", Some(0), Some("ann")),
                event("check & fix", Some(90_000), None),
                event("wait", Some(90_000 + 26 * h), Some("bob")),
                event("note", None, Some("bob")),
                event("close", Some(90_000 + 27 * h), Some("ann")),
            ],
        };
        let svg = case_timeline(&case);
        assert_eq!(count(&svg, r#"<g class="timeline-event""#), 5);
        assert_eq!(
            count(&svg, r#"class="timeline-tick""#),
            4,
            "ticks: timed events only"
        );
        let gaps: Vec<&str> = svg
            .split(r#"class="timeline-gap"#)
            .skip(1)
            .filter_map(|g| g.split('>').nth(1)?.split('<').next())
            .collect();
        assert_eq!(
            gaps,
            ["+1.5 min", "+1.1 d"],
            "no gap next to the untimed event"
        );
        assert_eq!(count(&svg, "timeline-gap longest"), 1);
        assert!(svg.contains(r#"data-seconds="93600" x"#), "{svg}");
        assert!(svg.contains("Case c&lt;1&gt; · 5 events · 1.1 d · variant #2"));
        assert!(svg.contains(">check &amp; fix</text>"));
        assert!(svg.contains(">no timestamp</text>"));
        assert!(svg.contains(r#"data-resource="bob""#));
    }

    #[test]
    fn untimed_and_empty_cases_still_draw() {
        let case = CaseDetail {
            id: "x".into(),
            variant: 0,
            attributes: Vec::new(),
            events: vec![event("a", None, None)],
        };
        let svg = case_timeline(&case);
        assert!(svg.contains("no timestamps: events in log order"));
        assert_eq!(count(&svg, "timeline-tick"), 0);
        let empty = case_timeline(&CaseDetail {
            events: Vec::new(),
            ..case
        });
        assert!(empty.contains("this case has no events") && empty.ends_with("</svg>\n"));
    }

    #[test]
    fn times_drop_zero_milliseconds() {
        assert_eq!(when(0), "1970-01-01 00:00:00");
        assert_eq!(when(1_500), "1970-01-01 00:00:01.500");
    }
}
