//! Roles and resources: who does what, who hands work to whom, and how long each waits.
//!
//! In the laundry hunt the question "which role sends the resets?" is an activity × role
//! matrix over the `sender_role` attribute; "who picks up after whom" is the handover network.
//! [`roles`] computes, in one pass over the events:
//!
//! - the **activity × resource** matrix (event counts) and, given a role field, the
//!   **activity × role** matrix; rows and columns by total descending, ties by name; events
//!   without a value count in a `(none)` column;
//! - the **handover-of-work network** with pm4py's semantics (`discover_handover_of_work_network`,
//!   `beta = 0`): every pair of consecutive events of a case counts once for (resource of the
//!   first, resource of the second), *self-handovers A → A included*, and `value` is that count
//!   divided by the number of counted pairs (pm4py's normalised metric); pairs where either event
//!   has no resource are not counted (the chain is broken there, nothing is bridged). Spur adds
//!   the mean time of each handover (seconds, over pairs with both timestamps). Given a role
//!   field, the same network between roles;
//! - per resource (and per role): events, cases, and the time from the previous event of the case
//!   to each of its events ([`Quantiles`], seconds; a case's first event has none).
//!
//! Role values are each event's own value (a state change has no sender role; it does not inherit
//! its case's). JSON shape of [`Roles`]:
//! ```text
//! { "activity_resource": MATRIX, "activity_role": null | MATRIX,
//!   "handover": HANDOVER, "role_handover": null | HANDOVER,
//!   "resources": [ACTOR], "roles": null | [ACTOR] }
//! MATRIX   = { "attribute", "rows": [activity], "columns": [value], "counts": [[u64]] }
//! HANDOVER = { "attribute", "pairs", "edges": [ { "from", "to", "count", "value",
//!                                                 "mean_seconds": null | f64 } ] }
//! ACTOR    = { "name", "events", "cases", "seconds_since_previous": null | QUANTILES }
//! ```

use crate::log::EventLog;
use crate::toolkit::before_after::{Field, FieldError, Quantiles, MISSING};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// Column label of events without a value.
pub const NO_VALUE: &str = "(none)";

/// Everything [`roles`] computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roles {
    pub activity_resource: Matrix,
    pub activity_role: Option<Matrix>,
    pub handover: Handover,
    pub role_handover: Option<Handover>,
    /// By events descending, ties by name.
    pub resources: Vec<Actor>,
    pub roles: Option<Vec<Actor>>,
}

/// Event counts per (activity, value): `counts[row][column]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// `resource` or the role field's name.
    pub attribute: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub counts: Vec<Vec<u64>>,
}

/// The handover-of-work network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub attribute: String,
    /// Consecutive pairs counted (the divisor of `value`).
    pub pairs: u64,
    /// By count descending, ties by (from, to).
    pub edges: Vec<HandoverEdge>,
}

/// Work passed from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverEdge {
    pub from: String,
    pub to: String,
    pub count: u64,
    /// `count / pairs`: pm4py's handover metric.
    pub value: f64,
    pub mean_seconds: Option<f64>,
}

/// One resource or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub events: u64,
    /// Cases with at least one of its events.
    pub cases: u64,
    /// Time from the previous event of the case to each of its events.
    pub seconds_since_previous: Option<Quantiles>,
}

/// Matrices, handovers and per-actor figures of `log`, by resource and, with `role` (a field
/// name as in [`Field::resolve`]), by role.
pub fn roles(log: &EventLog, role: Option<&str>) -> Result<Roles, FieldError> {
    let resource = Field::resolve(log, "resource")?;
    let role = role.map(|r| Field::resolve(log, r)).transpose()?;
    Ok(Roles {
        activity_resource: matrix(log, &resource),
        activity_role: role.as_ref().map(|f| matrix(log, f)),
        handover: handover(log, &resource),
        role_handover: role.as_ref().map(|f| handover(log, f)),
        resources: actors(log, &resource),
        roles: role.as_ref().map(|f| actors(log, f)),
    })
}

/// Codes `0..n` plus [`MISSING`] as `n`.
fn slot(code: u32, n: usize) -> usize {
    if code == MISSING {
        n
    } else {
        (code as usize).min(n)
    }
}

fn label(field: &Field, slot: usize) -> &str {
    field.labels.get(slot).map_or(NO_VALUE, String::as_str)
}

/// Indices with a non-zero total, by total descending, ties by name.
fn order(totals: &[u64], name: impl Fn(usize) -> String) -> Vec<(usize, String)> {
    let mut keep: Vec<(usize, String)> = (0..totals.len())
        .filter(|&i| totals[i] > 0)
        .map(|i| (i, name(i)))
        .collect();
    keep.sort_by(|a, b| totals[b.0].cmp(&totals[a.0]).then_with(|| a.1.cmp(&b.1)));
    keep
}

fn matrix(log: &EventLog, field: &Field) -> Matrix {
    let n_act = log.activities().len();
    let n_val = field.labels.len() + 1;
    let mut counts = vec![0u64; n_act * n_val];
    for (&a, &v) in log.activity_codes().iter().zip(&field.own) {
        if let Some(c) = counts.get_mut(a as usize * n_val + slot(v, n_val - 1)) {
            *c += 1;
        }
    }
    let mut row_tot = vec![0u64; n_act];
    let mut col_tot = vec![0u64; n_val];
    for a in 0..n_act {
        for v in 0..n_val {
            row_tot[a] += counts[a * n_val + v];
            col_tot[v] += counts[a * n_val + v];
        }
    }
    let rows = order(&row_tot, |a| log.activities().resolve(a as u32).to_string());
    let cols = order(&col_tot, |v| label(field, v).to_string());
    Matrix {
        attribute: field.name.clone(),
        counts: rows
            .iter()
            .map(|(a, _)| cols.iter().map(|(v, _)| counts[a * n_val + v]).collect())
            .collect(),
        rows: rows.into_iter().map(|(_, n)| n).collect(),
        columns: cols.into_iter().map(|(_, n)| n).collect(),
    }
}

fn handover(log: &EventLog, field: &Field) -> Handover {
    // (from, to) → (count, summed ms, timed pairs); dense when the square is small.
    let n_val = field.labels.len();
    let dense = n_val.checked_mul(n_val).filter(|&c| c <= 1 << 16);
    let mut cells = vec![(0u64, 0i64, 0u64); dense.unwrap_or(0)];
    let mut sparse: HashMap<(u32, u32), (u64, i64, u64)> = HashMap::new();
    let mut pairs = 0u64;
    let ts = log.timestamps();
    for w in log.case_starts().windows(2) {
        for i in w[0] as usize + 1..w[1] as usize {
            let (a, b) = (field.own[i - 1], field.own[i]);
            if a == MISSING || b == MISSING {
                continue;
            }
            pairs += 1;
            let cell = match dense {
                Some(_) => cells.get_mut(a as usize * n_val + b as usize),
                None => Some(sparse.entry((a, b)).or_default()),
            };
            let Some(e) = cell else { continue };
            e.0 += 1;
            if let Some((t, valid)) = ts {
                if valid.get(i - 1) && valid.get(i) {
                    e.1 += t[i] - t[i - 1];
                    e.2 += 1;
                }
            }
        }
    }
    let edges = cells
        .into_iter()
        .enumerate()
        .filter(|(_, c)| c.0 > 0)
        .map(|(k, c)| (((k / n_val.max(1)) as u32, (k % n_val.max(1)) as u32), c))
        .chain(sparse);
    let mut edges: Vec<HandoverEdge> = edges
        .map(|((a, b), (count, ms, timed))| HandoverEdge {
            from: field.label(a).to_string(),
            to: field.label(b).to_string(),
            count,
            value: count as f64 / pairs as f64,
            mean_seconds: (timed > 0).then(|| ms as f64 / timed as f64 / 1000.0),
        })
        .collect();
    edges.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    Handover {
        attribute: field.name.clone(),
        pairs,
        edges,
    }
}

fn actors(log: &EventLog, field: &Field) -> Vec<Actor> {
    let n_val = field.labels.len() + 1;
    let mut events = vec![0u64; n_val];
    let mut cases = vec![0u64; n_val];
    let mut last_case = vec![u32::MAX; n_val];
    let mut gaps: Vec<Vec<f64>> = vec![Vec::new(); n_val];
    let case = log.case_codes();
    let ts = log.timestamps();
    for (i, &v) in field.own.iter().enumerate() {
        let s = slot(v, n_val - 1);
        events[s] += 1;
        if last_case[s] != case[i] {
            last_case[s] = case[i];
            cases[s] += 1;
        }
        if let Some((t, valid)) = ts {
            if i > 0 && case[i - 1] == case[i] && valid.get(i - 1) && valid.get(i) {
                gaps[s].push((t[i] - t[i - 1]) as f64 / 1000.0);
            }
        }
    }
    order(&events, |s| label(field, s).to_string())
        .into_iter()
        .map(|(s, name)| Actor {
            name,
            events: events[s],
            cases: cases[s],
            seconds_since_previous: Quantiles::of(&mut gaps[s]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions};
    use expect_test::expect;

    const LOG: &str = "\
case,activity,timestamp,resource,sender_role
b1,reserved,2024-01-01 10:00,,
b1,reset,2024-01-01 10:05,ann,hotline
b1,reset,2024-01-01 10:06,ann,hotline
b1,start booking,2024-01-01 10:10,olaf,object manager
b2,reset,2024-01-01 12:00,olaf,object manager
b2,start booking,2024-01-01 12:30,ann,hotline
";

    #[test]
    fn matrices_handovers_and_actors_of_a_small_log() {
        let (log, _) =
            import_bytes("t.csv", LOG.as_bytes(), &ImportOptions::default()).expect("imports");
        let r = roles(&log, Some("sender_role")).expect("roles");
        let mut o = String::new();
        for m in [
            &r.activity_resource,
            r.activity_role.as_ref().expect("role"),
        ] {
            o += &format!("{}: {}\n", m.attribute, m.columns.join(" | "));
            for (row, counts) in m.rows.iter().zip(&m.counts) {
                o += &format!("  {row}: {counts:?}\n");
            }
        }
        for h in [&r.handover, r.role_handover.as_ref().expect("role")] {
            o += &format!("handover {} ({} pairs):\n", h.attribute, h.pairs);
            for e in &h.edges {
                o += &format!(
                    "  {} -> {}: {} ({:.3}) mean {:?}s\n",
                    e.from, e.to, e.count, e.value, e.mean_seconds
                );
            }
        }
        for a in r.resources.iter().chain(r.roles.iter().flatten()) {
            let q = a.seconds_since_previous.as_ref();
            o += &format!(
                "{}: {} events, {} cases, since previous mean {:?} median {:?}\n",
                a.name,
                a.events,
                a.cases,
                q.map(|q| q.mean),
                q.map(|q| q.median)
            );
        }
        expect![[r#"
            resource: ann | olaf | (none)
              reset: [2, 1, 0]
              start booking: [1, 1, 0]
              reserved: [0, 0, 1]
            sender_role: hotline | object manager | (none)
              reset: [2, 1, 0]
              start booking: [1, 1, 0]
              reserved: [0, 0, 1]
            handover resource (3 pairs):
              ann -> ann: 1 (0.333) mean Some(60.0)s
              ann -> olaf: 1 (0.333) mean Some(240.0)s
              olaf -> ann: 1 (0.333) mean Some(1800.0)s
            handover sender_role (3 pairs):
              hotline -> hotline: 1 (0.333) mean Some(60.0)s
              hotline -> object manager: 1 (0.333) mean Some(240.0)s
              object manager -> hotline: 1 (0.333) mean Some(1800.0)s
            ann: 3 events, 2 cases, since previous mean Some(720.0) median Some(300.0)
            olaf: 2 events, 2 cases, since previous mean Some(240.0) median Some(240.0)
            (none): 1 events, 1 cases, since previous mean None median None
            hotline: 3 events, 2 cases, since previous mean Some(720.0) median Some(300.0)
            object manager: 2 events, 2 cases, since previous mean Some(240.0) median Some(240.0)
            (none): 1 events, 1 cases, since previous mean None median None
        "#]]
        .assert_eq(&o);
        assert!(matches!(
            roles(&log, Some("role")),
            Err(FieldError::UnknownAttribute { .. })
        ));
    }
}
