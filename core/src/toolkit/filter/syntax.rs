//! The compact text form of a [`Filter`] (for the CLI and for people): `has:reset`,
//! `ef:a->b<=2h`, `time:2024-01-01..2024-02-01:contained`, … ([`FORMS`] lists them all).
//!
//! `Display` writes the form `FromStr` reads, so every filter round-trips. Names and values are
//! written bare unless they contain a character the syntax uses (`, | ; ( ) " \ = !` or `->`,
//! `<=`, `..`), are empty or have outer spaces: then they are double-quoted with `\"` and `\\`
//! escapes. Durations take the units `ms s m h d w`; times are ISO 8601 (a date alone means
//! midnight UTC).

use super::{Filter, Level, TimeMode};
use crate::import::timestamp::{format_iso, parse_any};
use std::fmt;
use std::str::FromStr;

/// Every accepted text form, one per line (shown with parse errors).
pub const FORMS: &str =
    "accepted filter forms (quote a name with \"…\" when it contains , | ; ( ) = ! -> <= ..):
  has:A[,B…]          not-has:A[,B…]        cases with (without) any of the activities
  start:A[,B…]        not-start:A[,B…]      cases starting with one of them
  end:A[,B…]          not-end:A[,B…]        cases ending with one of them
  df:A->B             not-df:A->B           B directly follows A
  ef:A->B[<=GAP]      not-ef:A->B[<=GAP]    B eventually follows A (within GAP, e.g. 2h)
  between:A->B                              the events from each A to the next B
  time:FROM..TO[:MODE]                      MODE: contained (default), intersecting, started_in,
                                            completed_in, events; FROM, TO: ISO dates/times
  case-attr:NAME=V[,V…]   case-attr:NAME!=V[,V…]   case-attr:NAME=[MIN]..[MAX]
  event-attr:NAME=V[,V…]  event-attr:NAME!=V[,V…]  event-attr:NAME=[MIN]..[MAX]
                                            cases having (not having) such an event
  events:NAME=V[,V…]      events:NAME!=V[,V…]      events:NAME=[MIN]..[MAX]
                                            only the matching (other) events
  variants:top=K   variants:cover=SHARE   variants:A,B,C[|A,C…]   not-variants:A,B,C[|…]
  duration:[MIN]..[MAX]                     case duration, units ms s m h d w (e.g. 1h..2d)
  size:[MIN]..[MAX]                         events per case
  not:FILTER                                the cases a case filter drops
  all(FILTER; FILTER; …)                    filters in order";

/// A filter text that does not parse: what is wrong, then the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read filter `{input}`: {message}\n{FORMS}")]
pub struct FilterParseError {
    pub input: String,
    pub message: String,
}

impl FromStr for Filter {
    type Err = FilterParseError;

    fn from_str(s: &str) -> Result<Filter, FilterParseError> {
        parse(s.trim()).map_err(|message| FilterParseError {
            input: s.to_string(),
            message,
        })
    }
}

fn parse(s: &str) -> Result<Filter, String> {
    if let Some(rest) = s.strip_prefix("all(") {
        let inner = rest.strip_suffix(')').ok_or("`all(` needs a closing `)`")?;
        let filters = split_top(inner, ';', true)?
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| parse(p.trim()))
            .collect::<Result<_, _>>()?;
        return Ok(Filter::And { filters });
    }
    let (head, body) = s.split_once(':').ok_or("expected KIND:…, e.g. has:reset")?;
    let (keep, kind) = match head.strip_prefix("not-") {
        Some(k) => (false, k),
        None => (true, head),
    };
    let only_positive = |f: Filter| {
        if keep {
            Ok(f)
        } else {
            Err(format!("`{kind}` has no `not-` form; write not:{kind}:…"))
        }
    };
    match kind {
        "not" if keep => Ok(Filter::Not {
            filter: Box::new(parse(body.trim())?),
        }),
        "has" => Ok(Filter::HasActivity {
            activities: names(body)?,
            keep,
        }),
        "start" => Ok(Filter::StartActivities {
            activities: names(body)?,
            keep,
        }),
        "end" => Ok(Filter::EndActivities {
            activities: names(body)?,
            keep,
        }),
        "df" => {
            let (from, to) = arrow(body)?;
            Ok(Filter::DirectlyFollows { from, to, keep })
        }
        "ef" => {
            let (pair, max_gap_ms) = match find_top(body, "<=") {
                Some(i) => (&body[..i], Some(duration(&body[i + 2..])?)),
                None => (body, None),
            };
            let (from, to) = arrow(pair)?;
            Ok(Filter::EventuallyFollows {
                from,
                to,
                max_gap_ms,
                keep,
            })
        }
        "between" => {
            let (from, to) = arrow(body)?;
            only_positive(Filter::Between { from, to })
        }
        "time" => only_positive(time(body)?),
        "case-attr" => only_positive(attribute(body, None)?),
        "event-attr" => only_positive(attribute(body, Some(Level::Cases))?),
        "events" => only_positive(attribute(body, Some(Level::Events))?),
        "variants" => variants(body, keep),
        "duration" => {
            let (a, b) = range(body, duration)?;
            only_positive(Filter::CaseDuration {
                min_ms: a,
                max_ms: b,
            })
        }
        "size" => {
            let (min, max) = range(body, |t| {
                t.parse::<usize>()
                    .map_err(|_| format!("`{t}` is not a number of events"))
            })?;
            only_positive(Filter::CaseSize { min, max })
        }
        _ => Err(format!("unknown filter kind `{head}`")),
    }
}

fn time(body: &str) -> Result<Filter, String> {
    let (span, mode) = match body.rsplit_once(':').map(|(l, r)| (l, mode(r.trim()))) {
        Some((l, Some(m))) => (l, m),
        _ => (body, TimeMode::Contained),
    };
    let i = find_top(span, "..").ok_or("expected time:FROM..TO[:MODE]")?;
    let at = |t: &str| {
        parse_any(t.trim()).map(|(ms, _)| ms).ok_or_else(|| {
            format!(
                "`{}` is not a date or time (use e.g. 2024-01-31 or 2024-01-31T12:00:00Z)",
                t.trim()
            )
        })
    };
    Ok(Filter::TimeRange {
        from: at(&span[..i])?,
        to: at(&span[i + 2..])?,
        mode,
    })
}

fn mode(s: &str) -> Option<TimeMode> {
    Some(match s {
        "contained" => TimeMode::Contained,
        "intersecting" => TimeMode::Intersecting,
        "started_in" | "started" => TimeMode::StartedIn,
        "completed_in" | "completed" => TimeMode::CompletedIn,
        "events" => TimeMode::Events,
        _ => return None,
    })
}

fn mode_name(m: TimeMode) -> &'static str {
    match m {
        TimeMode::Contained => "contained",
        TimeMode::Intersecting => "intersecting",
        TimeMode::StartedIn => "started_in",
        TimeMode::CompletedIn => "completed_in",
        TimeMode::Events => "events",
    }
}

/// `NAME=V,…`, `NAME!=V,…` or `NAME=MIN..MAX`; `level` None = case attribute.
fn attribute(body: &str, level: Option<Level>) -> Result<Filter, String> {
    let i = find_top(body, "=").ok_or("expected NAME=VALUE[,VALUE…] or NAME=MIN..MAX")?;
    let (mut name, value) = (body[..i].trim_end(), &body[i + 1..]);
    let keep = match name.strip_suffix('!') {
        Some(n) => {
            name = n;
            false
        }
        None => true,
    };
    let attribute = unquote(name)?;
    if attribute.is_empty() {
        return Err("the attribute name is empty".into());
    }
    if find_top(value, "..").is_some() {
        if !keep {
            return Err("`!=` takes values, not a range; write not:…=MIN..MAX".into());
        }
        let (min, max) = range(value, |t| {
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("`{t}` is not a number (quote the value to match text)"))
        })?;
        return Ok(match level {
            None => Filter::CaseAttributeRange {
                attribute,
                min,
                max,
            },
            Some(level) => Filter::EventAttributeRange {
                attribute,
                min,
                max,
                level,
            },
        });
    }
    let values = names(value)?;
    Ok(match level {
        None => Filter::CaseAttribute {
            attribute,
            values,
            keep,
        },
        Some(level) => Filter::EventAttribute {
            attribute,
            values,
            keep,
            level,
        },
    })
}

fn variants(body: &str, keep: bool) -> Result<Filter, String> {
    let t = body.trim();
    if let Some(k) = t.strip_prefix("top=") {
        let top_k = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a count of variants"))?;
        return if keep {
            Ok(Filter::VariantsTopK { top_k })
        } else {
            Err("write not:variants:top=K".into())
        };
    }
    if let Some(c) = t.strip_prefix("cover=") {
        let coverage = c
            .trim()
            .parse()
            .map_err(|_| format!("`{c}` is not a share (e.g. 0.8)"))?;
        return if keep {
            Ok(Filter::VariantsCoverage { coverage })
        } else {
            Err("write not:variants:cover=SHARE".into())
        };
    }
    let variants = split_top(body, '|', false)?
        .into_iter()
        .map(names)
        .collect::<Result<_, _>>()?;
    Ok(Filter::Variants { variants, keep })
}

/// `[MIN]..[MAX]`, each side parsed by `one` unless empty.
fn range<T>(
    body: &str,
    one: impl Fn(&str) -> Result<T, String>,
) -> Result<(Option<T>, Option<T>), String> {
    let i = find_top(body, "..").ok_or("expected [MIN]..[MAX]")?;
    let side = |t: &str| {
        let t = t.trim();
        if t.is_empty() {
            Ok(None)
        } else {
            one(t).map(Some)
        }
    };
    Ok((side(&body[..i])?, side(&body[i + 2..])?))
}

/// A duration in a filter: core's one duration syntax.
fn duration(t: &str) -> Result<i64, String> {
    crate::duration::parse(t)
}

fn show_duration(ms: i64) -> String {
    crate::duration::show(ms)
}

fn show_time(ms: i64) -> String {
    let iso = format_iso(ms);
    if ms.rem_euclid(86_400_000) == 0 {
        if let Some((date, _)) = iso.split_once('T') {
            return date.to_string();
        }
    }
    iso
}

/// A comma-separated list of names (at least one).
fn names(body: &str) -> Result<Vec<String>, String> {
    let out = split_top(body, ',', false)?
        .into_iter()
        .map(unquote)
        .collect::<Result<Vec<_>, _>>()?;
    if out.len() == 1 && out[0].is_empty() && !body.contains('"') {
        return Err("expected at least one name".into());
    }
    Ok(out)
}

/// `A->B`.
fn arrow(body: &str) -> Result<(String, String), String> {
    let i = find_top(body, "->").ok_or("expected FROM->TO")?;
    let (a, b) = (unquote(&body[..i])?, unquote(&body[i + 2..])?);
    if a.is_empty() || b.is_empty() {
        return Err("expected FROM->TO with two activity names".into());
    }
    Ok((a, b))
}

/// Byte offsets of the characters of `s` that are outside quotes (and, with `parens`,
/// outside parentheses), or an error for an unterminated quote.
fn top_level(s: &str, parens: bool) -> Result<Vec<usize>, String> {
    let (mut out, mut quoted, mut escaped, mut depth) = (Vec::new(), false, false, 0usize);
    for (i, c) in s.char_indices() {
        if quoted {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '(' if parens => depth += 1,
            ')' if parens => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(i),
            _ => {}
        }
    }
    if quoted {
        return Err(format!("unterminated quote in `{s}`"));
    }
    Ok(out)
}

fn split_top(s: &str, sep: char, parens: bool) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in top_level(s, parens)? {
        if s[i..].starts_with(sep) {
            parts.push(&s[start..i]);
            start = i + sep.len_utf8();
        }
    }
    parts.push(&s[start..]);
    Ok(parts)
}

/// The first top-level occurrence of `pat` (outside quotes).
fn find_top(s: &str, pat: &str) -> Option<usize> {
    top_level(s, false)
        .ok()?
        .into_iter()
        .find(|&i| s[i..].starts_with(pat))
}

fn unquote(tok: &str) -> Result<String, String> {
    let t = tok.trim();
    let Some(rest) = t.strip_prefix('"') else {
        if t.contains('"') {
            return Err(format!("stray quote in `{t}`"));
        }
        return Ok(t.to_string());
    };
    let (mut out, mut chars) = (String::new(), rest.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().ok_or("a quoted name ends with `\\`")?),
            '"' => {
                return if chars.as_str().is_empty() {
                    Ok(out)
                } else {
                    Err(format!("text after the closing quote in `{t}`"))
                };
            }
            c => out.push(c),
        }
    }
    Err(format!("unterminated quote in `{t}`"))
}

/// `s` bare when the syntax allows, else quoted.
fn q(s: &str) -> String {
    let special = s.is_empty()
        || s.trim() != s
        || s.contains([',', '|', ';', '(', ')', '"', '\\', '=', '!'])
        || ["->", "<=", ".."].iter().any(|p| s.contains(p));
    if !special {
        return s.to_string();
    }
    let mut out = String::from('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| q(s)).collect::<Vec<_>>().join(",")
}

fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = |keep: bool| if keep { "" } else { "not-" };
        let ne = |keep: bool| if keep { "" } else { "!" };
        let level_kind = |l: &Level| match l {
            Level::Cases => "event-attr",
            Level::Events => "events",
        };
        match self {
            Filter::TimeRange { from, to, mode } => write!(
                f,
                "time:{}..{}:{}",
                show_time(*from),
                show_time(*to),
                mode_name(*mode)
            ),
            Filter::CaseAttribute {
                attribute,
                values,
                keep,
            } => write!(
                f,
                "case-attr:{}{}={}",
                q(attribute),
                ne(*keep),
                list(values)
            ),
            Filter::CaseAttributeRange {
                attribute,
                min,
                max,
            } => write!(f, "case-attr:{}={}..{}", q(attribute), opt(min), opt(max)),
            Filter::EventAttribute {
                attribute,
                values,
                keep,
                level,
            } => write!(
                f,
                "{}:{}{}={}",
                level_kind(level),
                q(attribute),
                ne(*keep),
                list(values)
            ),
            Filter::EventAttributeRange {
                attribute,
                min,
                max,
                level,
            } => write!(
                f,
                "{}:{}={}..{}",
                level_kind(level),
                q(attribute),
                opt(min),
                opt(max)
            ),
            Filter::VariantsTopK { top_k } => write!(f, "variants:top={top_k}"),
            Filter::VariantsCoverage { coverage } => write!(f, "variants:cover={coverage}"),
            Filter::Variants { variants, keep } => {
                let vs: Vec<String> = variants.iter().map(|v| list(v)).collect();
                write!(f, "{}variants:{}", not(*keep), vs.join("|"))
            }
            Filter::HasActivity { activities, keep } => {
                write!(f, "{}has:{}", not(*keep), list(activities))
            }
            Filter::DirectlyFollows { from, to, keep } => {
                write!(f, "{}df:{}->{}", not(*keep), q(from), q(to))
            }
            Filter::EventuallyFollows {
                from,
                to,
                max_gap_ms,
                keep,
            } => {
                write!(f, "{}ef:{}->{}", not(*keep), q(from), q(to))?;
                match max_gap_ms {
                    Some(g) => write!(f, "<={}", show_duration(*g)),
                    None => Ok(()),
                }
            }
            Filter::StartActivities { activities, keep } => {
                write!(f, "{}start:{}", not(*keep), list(activities))
            }
            Filter::EndActivities { activities, keep } => {
                write!(f, "{}end:{}", not(*keep), list(activities))
            }
            Filter::CaseDuration { min_ms, max_ms } => write!(
                f,
                "duration:{}..{}",
                min_ms.map(show_duration).unwrap_or_default(),
                max_ms.map(show_duration).unwrap_or_default()
            ),
            Filter::CaseSize { min, max } => write!(f, "size:{}..{}", opt(min), opt(max)),
            Filter::Between { from, to } => write!(f, "between:{}->{}", q(from), q(to)),
            Filter::Not { filter } => write!(f, "not:{filter}"),
            Filter::And { filters } => {
                let parts: Vec<String> = filters.iter().map(Filter::to_string).collect();
                write!(f, "all({})", parts.join("; "))
            }
        }
    }
}
