//! `spur before` / `spur after LOG ACTIVITY`: what precedes / follows every occurrence of an
//! activity (spur-core's `toolkit::before_after`).
//!
//! The two commands take the same flags and run the same query; `--where`, `--entity` and
//! `--other-cases` apply to the side the command is named after, `--previous-where` and
//! `--next-where` to either side explicitly. `--json` prints the whole result (both sides, the
//! shape documented in `spur_core::toolkit::before_after`); the human output shows the named side.

use crate::args::ImportArgs;
use crate::exit::{Failure, Outcome};
use spur_core::text::pct_compact as pct;
use spur_core::toolkit::before_after::Quantiles;
use spur_core::toolkit::before_after::{
    before_after, BeforeAfter, Block, By, Condition, Preceded, Query, Scope, SideResult,
};
use spur_core::toolkit::Distribution;
use std::fmt::Write as _;

/// `spur before|after LOG ACTIVITY`: what precedes / follows every ACTIVITY. `--where`,
/// `--entity` and `--other-cases` apply to the command's side.
#[derive(clap::Args, Debug)]
pub struct BeforeAfterArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// The activity whose neighbours are counted.
    #[arg(id = "target", value_name = "ACTIVITY")]
    pub target: String,
    /// Only events with this own value count as neighbours.
    #[arg(long = "where", value_name = "ATTR=VALUE")]
    pub only: Option<String>,
    /// The same as --where, for the previous event (both commands).
    #[arg(long, value_name = "A=V")]
    pub previous_where: Option<String>,
    /// The same as --where, for the next event (both commands).
    #[arg(long, value_name = "A=V")]
    pub next_where: Option<String>,
    /// Look along the entity's timeline (e.g. machine), across cases.
    #[arg(long, value_name = "ATTR")]
    pub entity: Option<String>,
    /// With --entity: only events of another case (the next booking).
    #[arg(long, alias = "next-case")]
    pub other_cases: bool,
    /// Share where the neighbour's FIELD equals ACTIVITY's (customer, resource).
    #[arg(long, value_name = "FIELD")]
    pub same_as: Option<String>,
    /// One block per value of ACTIVITY's FIELD, or per previous/next activity.
    #[arg(long, value_name = "FIELD|@previous|@next")]
    pub by: Option<String>,
    /// Show the distribution of ACTIVITY's FIELD (repeatable).
    #[arg(long, value_name = "FIELD")]
    pub describe: Vec<String>,
    /// Count occurrences with ACT at most --within earlier (on the --entity if given, else in
    /// the case).
    #[arg(long, value_name = "ACT")]
    pub preceded_by: Option<String>,
    /// The window of --preceded-by: 30s, 10m, 2h, 1d (a bare number is seconds).
    #[arg(long, value_name = "DURATION")]
    pub within: Option<String>,
    /// Rows per distribution.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub top: usize,
    /// Print the whole result (both sides) as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

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

fn parse_args(before: bool, a: &BeforeAfterArgs) -> Result<Args, String> {
    let mut q = Query::default();
    let (json, top) = (a.json, a.top);
    let (entity, other_cases) = (a.entity.clone(), a.other_cases);
    let preceded = a.preceded_by.clone();
    // A bare number is seconds.
    let within = match &a.within {
        Some(w) => Some(spur_core::duration::parse_or(w, 1000)?),
        None => None,
    };
    if let Some(w) = &a.only {
        let c = condition("--where", w)?;
        if before {
            q.before.only = Some(c);
        } else {
            q.after.only = Some(c);
        }
    }
    if let Some(w) = &a.previous_where {
        q.before.only = Some(condition("--previous-where", w)?);
    }
    if let Some(w) = &a.next_where {
        q.after.only = Some(condition("--next-where", w)?);
    }
    q.same_as = a.same_as.clone();
    q.by = a.by.as_deref().map(|by| match by {
        "@previous" => By::Previous,
        "@next" => By::Next,
        f => By::Attribute(f.to_string()),
    });
    q.describe = a.describe.clone();
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
    q.activity = a.target.clone();
    Ok(Args {
        before,
        path: a.path.clone(),
        query: q,
        json,
        top,
    })
}

/// `spur before` (`before` true) or `spur after`.
pub fn run(before: bool, args: BeforeAfterArgs) -> Outcome {
    let options = args.import.options()?;
    let args = parse_args(before, &args).map_err(Failure::usage)?;
    let path = &args.path;
    let log = crate::convert::open_log(path, &options)?;
    let result = match before_after(&log, &args.query) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render(&args, &result));
    }
    Ok(())
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
