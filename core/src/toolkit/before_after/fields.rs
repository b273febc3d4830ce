//! Named fields of events as dense codes, and "did you mean" suggestions for names.
//!
//! Analyses that break down or compare by an attribute need, per event, a small integer for its
//! value, not a string: [`Field::resolve`] turns a name into per-event codes once (string
//! columns reuse their dictionary codes; numbers, booleans and timestamps are coded by their bits,
//! so no string is built per event). A name means, in this order: the roles `activity` /
//! `concept:name` and `resource` / `org:resource`; then an event attribute; then a case
//! attribute. The value of a field for an event is its own value, or with
//! [`Field::value_or_case`] the first non-null value in its case (a remote command without a
//! customer belongs to a booking whose customer is on its state events).

use crate::log::{ColumnData, EventLog, Value, NO_RESOURCE};
use hashbrown::HashMap;

/// The code of a missing value.
pub const MISSING: u32 = u32::MAX;

/// A name that is not in the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("the log has no activity `{activity}`{}", did_you_mean(close))]
    UnknownActivity {
        activity: String,
        /// Activities with a similar name, closest first.
        close: Vec<String>,
    },
    #[error("the log has no attribute `{attribute}`{}; its attributes are: {}", did_you_mean(close), known.join(", "))]
    UnknownAttribute {
        attribute: String,
        close: Vec<String>,
        /// Every name [`Field::resolve`] accepts for this log.
        known: Vec<String>,
    },
    #[error(
        "attribute `{attribute}` never has the value `{value}`{}",
        did_you_mean(close)
    )]
    UnknownValue {
        attribute: String,
        value: String,
        close: Vec<String>,
    },
}

fn did_you_mean(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", quoted(close))
    }
}

fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    q.join(", ")
}

/// Up to five `candidates` close to `name`, closest first: those equal ignoring case if any,
/// else those containing it (or contained in it) or within an edit distance of a third of its
/// length (at least 2).
pub fn close_matches<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let target: Vec<char> = name.to_lowercase().chars().collect();
    let limit = (target.len() / 3).max(2);
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .filter_map(|c| {
            let cl = c.to_lowercase();
            let d = edit_distance(&target, &cl.chars().collect::<Vec<_>>());
            let contains = !lower.is_empty() && (cl.contains(&lower) || lower.contains(&cl));
            (d <= limit || contains).then(|| (d, c.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    if scored.first().is_some_and(|(d, _)| *d == 0) {
        scored.retain(|(d, _)| *d == 0);
    }
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// The activity code of `name`, or an error naming close activities.
pub fn activity_code(log: &EventLog, name: &str) -> Result<u32, FieldError> {
    log.activities()
        .lookup(name)
        .ok_or_else(|| FieldError::UnknownActivity {
            activity: name.to_string(),
            close: close_matches(name, log.activities().iter()),
        })
}

/// Every name [`Field::resolve`] accepts for `log`, in resolution order.
pub fn field_names(log: &EventLog) -> Vec<String> {
    let mut names = vec!["activity".to_string()];
    if !log.resources().is_empty() {
        names.push("resource".to_string());
    }
    for c in log.event_attributes().iter().chain(log.case_attributes()) {
        if !names.iter().any(|n| n == c.name()) {
            names.push(c.name().to_string());
        }
    }
    names
}

/// A field of every event as a dense code (see the module documentation).
#[derive(Debug, Clone)]
pub struct Field {
    /// The name the field was resolved from.
    pub name: String,
    /// Per event, its own value's code or [`MISSING`].
    pub own: Vec<u32>,
    /// Per case, the code of the first non-null value among its events, or [`MISSING`].
    pub case_first: Vec<u32>,
    /// Value text by code.
    pub labels: Vec<String>,
}

impl Field {
    /// Code the field `name` of `log` (see the module documentation for what names mean).
    pub fn resolve(log: &EventLog, name: &str) -> Result<Field, FieldError> {
        let (own, labels) = match name {
            "activity" | "concept:name" => (
                log.activity_codes().to_vec(),
                log.activities().iter().map(str::to_string).collect(),
            ),
            "resource" | "org:resource" => (
                log.resource_codes()
                    .iter()
                    .map(|&r| if r == NO_RESOURCE { MISSING } else { r })
                    .collect(),
                log.resources().iter().map(str::to_string).collect(),
            ),
            _ => {
                if let Some(col) = log.event_attribute(name) {
                    code_column(col, log.num_events(), |i| i)
                } else if let Some(col) = log.case_attribute(name) {
                    let cases = log.case_codes();
                    code_column(col, log.num_events(), |i| cases[i] as usize)
                } else {
                    let known = field_names(log);
                    return Err(FieldError::UnknownAttribute {
                        attribute: name.to_string(),
                        close: close_matches(name, known.iter().map(String::as_str)),
                        known,
                    });
                }
            }
        };
        let mut case_first = vec![MISSING; log.num_cases()];
        for (c, w) in log.case_starts().windows(2).enumerate() {
            case_first[c] = own[w[0] as usize..w[1] as usize]
                .iter()
                .copied()
                .find(|&v| v != MISSING)
                .unwrap_or(MISSING);
        }
        Ok(Field {
            name: name.to_string(),
            own,
            case_first,
            labels,
        })
    }

    /// The code of `value`, or an error naming close values.
    pub fn code_of(&self, value: &str) -> Result<u32, FieldError> {
        match self.labels.iter().position(|l| l == value) {
            Some(p) if self.own.contains(&(p as u32)) => Ok(p as u32),
            _ => {
                let mut used = vec![false; self.labels.len()];
                for &c in &self.own {
                    if let Some(u) = used.get_mut(c as usize) {
                        *u = true;
                    }
                }
                let present = self
                    .labels
                    .iter()
                    .zip(&used)
                    .filter(|(_, &u)| u)
                    .map(|(l, _)| l.as_str());
                Err(FieldError::UnknownValue {
                    attribute: self.name.clone(),
                    value: value.to_string(),
                    close: close_matches(value, present),
                })
            }
        }
    }

    /// Event `i`'s own value, else the first non-null value of its case ([`MISSING`] if none).
    pub fn value_or_case(&self, log: &EventLog, i: usize) -> u32 {
        match self.own.get(i) {
            Some(&v) if v != MISSING => v,
            Some(_) => log
                .case_codes()
                .get(i)
                .and_then(|&c| self.case_first.get(c as usize))
                .copied()
                .unwrap_or(MISSING),
            None => MISSING,
        }
    }

    /// The text of `code` (`(null)` for [`MISSING`]).
    pub fn label(&self, code: u32) -> &str {
        self.labels
            .get(code as usize)
            .map_or("(null)", String::as_str)
    }
}

/// Per event, the code of `col`'s value at row `row(i)`; labels by code.
fn code_column(
    col: &crate::log::Column,
    events: usize,
    row: impl Fn(usize) -> usize,
) -> (Vec<u32>, Vec<String>) {
    let valid = col.validity();
    if let ColumnData::Str { codes, dict } = col.data() {
        let own = (0..events)
            .map(|i| {
                let r = row(i);
                if valid.get(r) {
                    codes[r]
                } else {
                    MISSING
                }
            })
            .collect();
        return (own, dict.iter().map(str::to_string).collect());
    }
    let mut by_bits: HashMap<u64, u32> = HashMap::new();
    let mut labels = Vec::new();
    let own = (0..events)
        .map(|i| {
            let Some(v) = col.get(row(i)) else {
                return MISSING;
            };
            let bits = match v {
                Value::Int(x) | Value::Timestamp(x) => x as u64,
                Value::Float(x) => x.to_bits(),
                Value::Bool(b) => u64::from(b),
                Value::Str(_) => 0,
            };
            *by_bits.entry(bits).or_insert_with(|| {
                labels.push(v.to_string());
                labels.len() as u32 - 1
            })
        })
        .collect();
    (own, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_matches_by_case_containment_and_edits() {
        let names = ["reset", "Reserved", "start booking", "finish booking", "x"];
        assert_eq!(close_matches("resett", names), ["reset"]);
        assert_eq!(
            close_matches("booking", names),
            ["start booking", "finish booking"]
        );
        assert_eq!(close_matches("RESERVED", names), ["Reserved"]);
        assert!(close_matches("zzzzzzzz", names).is_empty());
    }

    #[test]
    fn fields_resolve_roles_event_and_case_attributes_with_case_fallback() {
        let csv = "case,activity,timestamp,resource,customer,n\nb1,a,2024-01-01 10:00,r1,,1\nb1,b,2024-01-01 10:01,,c7,2\nb2,a,2024-01-01 10:02,r2,,1\n";
        let (log, _) = crate::import::import_bytes(
            "t.csv",
            csv.as_bytes(),
            &crate::import::ImportOptions::default(),
        )
        .expect("ok");
        let f = Field::resolve(&log, "customer").expect("customer");
        assert_eq!(f.own[0], MISSING);
        assert_eq!(f.label(f.value_or_case(&log, 0)), "c7");
        assert_eq!(f.label(f.value_or_case(&log, 2)), "(null)");
        let n = Field::resolve(&log, "n").expect("n");
        assert_eq!(n.label(n.own[1]), "2");
        assert_eq!(n.own[0], n.own[2]);
        let r = Field::resolve(&log, "resource").expect("resource");
        assert_eq!(r.own[1], MISSING);
        assert!(r.code_of("r2").is_ok());
        assert!(matches!(
            r.code_of("r3"),
            Err(FieldError::UnknownValue { close, .. }) if close == ["r1", "r2"]
        ));
        let e = Field::resolve(&log, "custmer").expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "the log has no attribute `custmer` (did you mean `customer`?); its attributes are: activity, resource, n, customer"
        );
        let e = activity_code(&log, "A").expect_err("case matters");
        assert_eq!(
            e.to_string(),
            "the log has no activity `A` (did you mean `a`?)"
        );
    }
}
