//! The text forms shared by the CLI and the browser: durations (`500ms 30s 10m 1h 2d`),
//! windows (`tumbling:10m`, `tumbling:1h+15m` with an offset, `sliding:10m/1m`,
//! `session:30m`), aggregates (`count,sum:price,min:COL,max:COL,mean:COL,distinct:COL,
//! approx_distinct:COL,topk:COL:5,dfg` — `dfg` reads the activity field given to the parser,
//! `dfg:COL` another one) and modes (`event`, `micro-batch:1s`).

use super::agg::AggSpec;
use super::runner::Mode;
use super::window::WindowSpec;

/// Durations: core's one syntax ([`crate::duration`]), re-exported for the window specs.
pub use crate::duration::parse as parse_duration;

/// Parse a window.
pub fn parse_window(text: &str) -> Result<WindowSpec, String> {
    let (kind, rest) = text.split_once(':').ok_or_else(|| {
        format!("window `{text}`: expected tumbling:SIZE, sliding:SIZE/SLIDE or session:GAP")
    })?;
    let (body, offset) = match rest.split_once('+') {
        Some((b, o)) => (b, parse_duration(o)?),
        None => (rest, 0),
    };
    let spec = match kind {
        "tumbling" => WindowSpec::Tumbling {
            size: parse_duration(body)?,
            offset,
        },
        "sliding" | "hopping" => {
            let (size, slide) = body
                .split_once('/')
                .ok_or_else(|| format!("window `{text}`: sliding needs SIZE/SLIDE"))?;
            WindowSpec::Sliding {
                size: parse_duration(size)?,
                slide: parse_duration(slide)?,
                offset,
            }
        }
        "session" if offset == 0 => WindowSpec::Session {
            gap: parse_duration(body)?,
        },
        _ => {
            return Err(format!(
                "window `{text}`: unknown kind `{kind}` (tumbling, sliding, session)"
            ))
        }
    };
    spec.validate()
        .map_err(|e| format!("window `{text}`: {e}"))?;
    Ok(spec)
}

/// Parse an execution mode.
pub fn parse_mode(text: &str) -> Result<Mode, String> {
    match text {
        "event" | "per-event" => Ok(Mode::PerEvent),
        _ => match text.strip_prefix("micro-batch:") {
            Some(d) => {
                let interval = parse_duration(d)?;
                if interval == 0 {
                    return Err("the batch interval must be positive".into());
                }
                Ok(Mode::MicroBatch { interval })
            }
            None => Err(format!(
                "mode `{text}`: expected event or micro-batch:INTERVAL"
            )),
        },
    }
}

/// Parsed `--agg` list: the label of each aggregate (as written), the field names they
/// read (in [`super::Event::values`] order) and the specs.
#[derive(Debug, Clone, PartialEq)]
pub struct AggList {
    pub labels: Vec<String>,
    pub fields: Vec<String>,
    pub aggs: Vec<AggSpec>,
}

/// Parse an aggregate list; `activity` is the field a bare `dfg` reads.
pub fn parse_aggs(text: &str, activity: &str) -> Result<AggList, String> {
    let mut list = AggList {
        labels: Vec::new(),
        fields: Vec::new(),
        aggs: Vec::new(),
    };
    let field = |name: &str, fields: &mut Vec<String>| -> Result<usize, String> {
        if name.is_empty() {
            return Err("an aggregate names an empty field".into());
        }
        Ok(match fields.iter().position(|f| f == name) {
            Some(i) => i,
            None => {
                fields.push(name.to_string());
                fields.len() - 1
            }
        })
    };
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let parts: Vec<&str> = item.split(':').collect();
        let f = &mut list.fields;
        let spec = match parts.as_slice() {
            ["count"] => AggSpec::Count,
            ["sum", c] => AggSpec::Sum {
                field: field(c, f)?,
            },
            ["min", c] => AggSpec::Min {
                field: field(c, f)?,
            },
            ["max", c] => AggSpec::Max {
                field: field(c, f)?,
            },
            ["mean", c] | ["avg", c] => AggSpec::Mean {
                field: field(c, f)?,
            },
            ["distinct", c] => AggSpec::Distinct {
                field: field(c, f)?,
            },
            ["approx_distinct", c] => AggSpec::ApproxDistinct {
                field: field(c, f)?,
            },
            ["topk", c, k] => AggSpec::TopK {
                field: field(c, f)?,
                k: k.parse()
                    .ok()
                    .filter(|k| (1..=10_000).contains(k))
                    .ok_or_else(|| format!("aggregate `{item}`: k must be 1..=10000"))?,
            },
            ["dfg"] => AggSpec::Dfg {
                activity: field(activity, f)?,
                case: None,
            },
            ["dfg", c] => AggSpec::Dfg {
                activity: field(c, f)?,
                case: None,
            },
            _ => {
                return Err(format!(
                    "aggregate `{item}`: expected count, sum:COL, min:COL, max:COL, mean:COL, \
                     distinct:COL, approx_distinct:COL, topk:COL:K or dfg[:COL]"
                ))
            }
        };
        if list.labels.iter().any(|l| l == item) {
            return Err(format!("aggregate `{item}` is listed twice"));
        }
        list.labels.push(item.to_string());
        list.aggs.push(spec);
    }
    if list.aggs.is_empty() {
        return Err("no aggregate given (e.g. --agg count)".into());
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_windows_modes() {
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5s"), Ok(1500));
        assert_eq!(parse_duration("10m"), Ok(600_000));
        assert_eq!(parse_duration("2d"), Ok(172_800_000));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("10y").is_err());
        assert!(parse_duration("0.5ms").is_err());
        assert_eq!(
            parse_window("sliding:10m/1m"),
            Ok(WindowSpec::Sliding {
                size: 600_000,
                slide: 60_000,
                offset: 0
            })
        );
        assert_eq!(
            parse_window("tumbling:1h+15m"),
            Ok(WindowSpec::Tumbling {
                size: 3_600_000,
                offset: 900_000
            })
        );
        assert_eq!(
            parse_window("session:30m"),
            Ok(WindowSpec::Session { gap: 1_800_000 })
        );
        assert!(parse_window("session:0s").is_err());
        assert!(parse_window("cubic:1m").is_err());
        assert_eq!(
            parse_mode("micro-batch:1s"),
            Ok(Mode::MicroBatch { interval: 1000 })
        );
        assert!(parse_mode("micro-batch:0s").is_err());
    }

    #[test]
    fn aggregate_lists() {
        let l = parse_aggs("count,sum:price,topk:item:5,distinct:item,dfg", "activity").unwrap();
        assert_eq!(
            l.labels,
            ["count", "sum:price", "topk:item:5", "distinct:item", "dfg"]
        );
        assert_eq!(l.fields, ["price", "item", "activity"]);
        assert_eq!(l.aggs[2], AggSpec::TopK { field: 1, k: 5 });
        assert!(parse_aggs("count,count", "a").is_err());
        assert!(parse_aggs("median:x", "a").is_err());
        assert!(parse_aggs("topk:x:0", "a").is_err());
        assert!(parse_aggs("", "a").is_err());
    }
}
