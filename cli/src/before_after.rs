//! `spur before` / `spur after LOG ACTIVITY`: what precedes / follows every occurrence of an
//! activity (spur-core's `toolkit::before_after`).
//!
//! The two commands take the same flags and run the same query; `--where`, `--entity` and
//! `--other-cases` apply to the side the command is named after, `--previous-where` and
//! `--next-where` to either side explicitly. `--json` prints the whole result (both sides, the
//! shape documented in `spur_core::toolkit::before_after`); the human output shows the named side.

use crate::convert::parse_options;
use spur_core::text::pct_compact as pct;
use spur_core::toolkit::before_after::Quantiles;
use spur_core::toolkit::before_after::{
    before_after, BeforeAfter, Block, By, Condition, Preceded, Query, Scope, SideResult,
};
use spur_core::toolkit::Distribution;
use std::fmt::Write as _;
use std::process::ExitCode;

const HELP: &str = "usage: spur before|after LOG ACTIVITY [options] [--json]
  before: the previous event of every ACTIVITY within its case (or on its entity);
  after:  the next event, within the case or on the entity (the next booking on the machine).
options (--where/--entity/--other-cases apply to the command's side):
  --where ATTR=VALUE        only events with this own value count as neighbours
  --previous-where A=V      the same, for the previous event (both commands)
  --next-where A=V          the same, for the next event (both commands)
  --entity ATTR             look along the entity's timeline (e.g. machine), across cases
  --other-cases             with --entity: only events of another case (the next booking)
  --same-as FIELD           share where the neighbour's FIELD equals ACTIVITY's (customer, resource)
  --by FIELD|@previous|@next
                            one block per value of ACTIVITY's FIELD, or per previous/next activity
  --describe FIELD          show the distribution of ACTIVITY's FIELD (repeatable)
  --preceded-by ACT --within DURATION
                            count occurrences with ACT at most DURATION earlier (30s, 10m, 2h, 1d),
                            on the --entity if given, else in the case
  --top N                   rows per distribution (default 8)
  --case C --activity A --timestamp T --resource R   column roles of the log";

struct Args {
    before: bool,
    path: String,
    query: Query,
    json: bool,
    top: usize,
}

fn condition(flag: &str, v: &str) -> Result<Condition, String> {
    let (a, b) = v
        .split_once('=')
        .ok_or_else(|| format!("{flag} takes ATTR=VALUE, got `{v}`"))?;
    Ok(Condition {
        attribute: a.to_string(),
        value: b.to_string(),
    })
}

fn parse_args(command: &str, args: &[String]) -> Result<Args, String> {
    let before = command == "before";
    let mut q = Query::default();
    let (mut json, mut top) = (false, 8usize);
    let (mut entity, mut other_cases) = (None, false);
    let (mut preceded, mut within) = (None, None);
    let mut free = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--json" => json = true,
            "--other-cases" | "--next-case" => other_cases = true,
            "--where" => {
                let c = condition(a, &value()?)?;
                if before {
                    q.before.only = Some(c);
                } else {
                    q.after.only = Some(c);
                }
            }
            "--previous-where" => q.before.only = Some(condition(a, &value()?)?),
            "--next-where" => q.after.only = Some(condition(a, &value()?)?),
            "--entity" => entity = Some(value()?),
            "--same-as" => q.same_as = Some(value()?),
            "--by" => {
                q.by = Some(match value()?.as_str() {
                    "@previous" => By::Previous,
                    "@next" => By::Next,
                    f => By::Attribute(f.to_string()),
                })
            }
            "--describe" => q.describe.push(value()?),
            "--preceded-by" => preceded = Some(value()?),
            // A bare number is seconds.
            "--within" => within = Some(spur_core::duration::parse_or(&value()?, 1000)?),
            "--top" => {
                top = value()?
                    .parse()
                    .map_err(|_| "--top takes a number".to_string())?
            }
            s if s.starts_with("--") => return Err(format!("unknown option `{s}`")),
            s => free.push(s.to_string()),
        }
    }
    if other_cases && entity.is_none() {
        return Err("--other-cases needs --entity ATTR".into());
    }
    let scope = match &entity {
        Some(attribute) => Scope::Entity {
            attribute: attribute.clone(),
            other_cases,
        },
        None => Scope::Case,
    };
    q.preceded_by = match (preceded, within) {
        (Some(activity), Some(within_ms)) => Some(Preceded::new(activity, within_ms, &scope)),
        (None, None) => None,
        _ => return Err("--preceded-by and --within go together".into()),
    };
    if before {
        q.before.scope = scope;
    } else {
        q.after.scope = scope;
    }
    let [path, activity] = free.as_slice() else {
        return Err(format!(
            "{command} takes LOG and ACTIVITY (got {} arguments)",
            free.len()
        ));
    };
    q.activity = activity.clone();
    Ok(Args {
        before,
        path: path.clone(),
        query: q,
        json,
        top,
    })
}

pub fn run(command: &str, args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let args = match parse_args(command, &rest) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("spur: {msg}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
    let path = &args.path;
    let log = match crate::convert::open_log(path, &options)? {
        Ok(log) => log,
        Err(code) => return Ok(code),
    };
    let result = match before_after(&log, &args.query) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render(&args, &result));
    }
    Ok(ExitCode::SUCCESS)
}

fn render(args: &Args, r: &BeforeAfter) -> String {
    let q = &args.query;
    let side = if args.before { &q.before } else { &q.after };
    let mut o = format!(
        "{}: {} occurrences of `{}`\n",
        args.path, r.occurrences, r.activity
    );
    let mut how = match &side.scope {
        Scope::Case => "within the case".to_string(),
        Scope::Entity {
            attribute,
            other_cases: false,
        } => format!("on the same {attribute}"),
        Scope::Entity { attribute, .. } => format!("on the same {attribute}, in another case"),
    };
    if let Some(c) = &side.only {
        let _ = write!(how, ", where {}={}", c.attribute, c.value);
    }
    let what = if args.before { "previous" } else { "next" };
    let _ = writeln!(o, "{what} event ({how}):");
    block(&mut o, "", args, &r.overall, args.top);
    if let Some(by) = &r.by {
        let _ = writeln!(o, "\nby {}:", by.attribute);
        for g in &by.groups {
            let _ = writeln!(
                o,
                "\n= {}: {} occurrences ({})",
                g.value,
                g.block.occurrences,
                pct(g.share)
            );
            block(&mut o, "   ", args, &g.block, args.top.min(5));
        }
    }
    o
}

fn block(o: &mut String, indent: &str, args: &Args, b: &Block, top: usize) {
    let s: &SideResult = if args.before { &b.before } else { &b.after };
    let what = if args.before { "previous" } else { "next" };
    distribution(o, indent, what, &s.distribution, top);
    let since = if args.before {
        "time since previous"
    } else {
        "time to next"
    };
    if let Some(q) = &s.seconds {
        let _ = writeln!(o, "{indent}  {since}: {}", quantiles(q));
    }
    if let Some(same) = &s.same {
        let _ = writeln!(
            o,
            "{indent}  same {} as {what}: {} of {} ({})",
            same.attribute,
            same.equal,
            same.compared,
            pct(if same.compared == 0 { 0.0 } else { same.share })
        );
        for (label, q) in [
            ("same", &same.seconds_when_equal),
            ("different", &same.seconds_when_different),
        ] {
            if let Some(q) = q {
                let _ = writeln!(o, "{indent}    {since} when {label}: {}", quantiles(q));
            }
        }
    }
    if let Some(p) = &b.preceded_by {
        let _ = writeln!(
            o,
            "{indent}  preceded by `{}` within {}: {} ({})",
            p.activity,
            human(p.within_seconds),
            p.count,
            pct(p.share)
        );
    }
    for d in &b.describe {
        distribution(o, indent, &d.attribute, &d.distribution, top);
    }
}

fn distribution(o: &mut String, indent: &str, name: &str, d: &Distribution, top: usize) {
    let width =
        d.0.iter()
            .take(top)
            .map(|r| r.value.chars().count())
            .max()
            .unwrap_or(0)
            .max(name.len());
    let _ = writeln!(
        o,
        "{indent}  {name:<width$}  {:>7}  {:>6}",
        "count", "share"
    );
    for r in d.0.iter().take(top) {
        let _ = writeln!(
            o,
            "{indent}  {:<width$}  {:>7}  {:>6}",
            r.value,
            r.count,
            pct(r.share)
        );
    }
    if d.0.len() > top {
        let rest: u64 = d.0[top..].iter().map(|r| r.count).sum();
        let _ = writeln!(o, "{indent}  … {} more ({rest} events)", d.0.len() - top);
    }
}

fn quantiles(q: &Quantiles) -> String {
    format!(
        "n={}: median {}, p25–p75 {}–{}, p10–p90 {}–{}, min {}, max {}, mean {}",
        q.count,
        human(q.median),
        human(q.p25),
        human(q.p75),
        human(q.p10),
        human(q.p90),
        human(q.min),
        human(q.max),
        human(q.mean)
    )
}

/// Seconds as a short duration: `45s`, `12.5m`, `3.2h`, `1.5d`.
pub fn human(secs: f64) -> String {
    let a = secs.abs();
    if a < 60.0 {
        format!("{secs:.0}s")
    } else if a < 3600.0 {
        format!("{:.1}m", secs / 60.0)
    } else if a < 86_400.0 {
        format!("{:.1}h", secs / 3600.0)
    } else {
        format!("{:.1}d", secs / 86_400.0)
    }
}
