//! `spur run RECIPE LOG`: replay a recipe (the browser's exported cell list) on a log, with the
//! same core code as the browser, so the numbers agree. The recipe's `import` step maps the
//! roles when the log is read; role flags given here override it. Output: one line per step, or
//! with `--json` the whole replay (`{steps:[{index, id, kind, enabled, cases, events, output}]}`,
//! `output` exactly what the matching command's `--json` prints).

use crate::args::ImportArgs;
use crate::convert;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::import::Mapping;
use spur_core::recipe::{replay, Output, Recipe, StepResult};

/// `spur run RECIPE.json LOG`: replay a recipe (import mapping, filters, views) on LOG. Role
/// flags override the recipe's import mapping.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The recipe the browser exported.
    #[arg(value_name = "RECIPE.json")]
    pub recipe: String,
    /// The event log.
    #[arg(value_name = "LOG")]
    pub log: String,
    /// Print the whole replay as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(args: RunArgs) -> Outcome {
    let flags = args.import.options()?;
    let json = args.json;
    let (recipe_path, log_path) = (&args.recipe, &args.log);
    let text = std::fs::read_to_string(recipe_path)
        .with_context(|| format!("cannot read {recipe_path}"))?;
    let recipe = match Recipe::from_json(&text) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{recipe_path}: {e}")));
        }
    };
    let mut options = flags.clone();
    options.mapping = overridden(recipe.import_mapping(), &flags.mapping);
    let bytes = std::fs::read(log_path).with_context(|| format!("cannot read {log_path}"))?;
    let read = match convert::read_log(log_path, &bytes, &options) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{log_path}: {e}")));
        }
    };
    for note in &read.notes {
        eprintln!("spur: {log_path}: {note}");
    }
    let replayed = match replay(&recipe, &read.log) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{recipe_path}: {e}")));
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&replayed)?);
    } else {
        let title = if recipe.name.is_empty() {
            recipe_path.as_str()
        } else {
            recipe.name.as_str()
        };
        println!(
            "{title}: {} steps on {log_path} ({} cases, {} events)",
            replayed.steps.len(),
            read.log.num_cases(),
            read.log.num_events()
        );
        for step in &replayed.steps {
            println!("{}", summary(step));
        }
    }
    Ok(())
}

/// The recipe's mapping with every role flag given on the command line put over it.
fn overridden(recipe: Option<&Mapping>, flags: &Mapping) -> Mapping {
    let mut m = recipe.cloned().unwrap_or_default();
    let pick = |flag: &Option<String>, base: &mut Option<String>| {
        if flag.is_some() {
            base.clone_from(flag);
        }
    };
    pick(&flags.case, &mut m.case);
    pick(&flags.activity, &mut m.activity);
    pick(&flags.timestamp, &mut m.timestamp);
    pick(&flags.resource, &mut m.resource);
    pick(&flags.start_timestamp, &mut m.start_timestamp);
    m.timestamp_formats.extend(flags.timestamp_formats.clone());
    m
}

/// `#index id (kind): cases, events — what the step found`.
fn summary(s: &StepResult) -> String {
    let what = match &s.output {
        None => "disabled".to_string(),
        Some(Output::Import(m)) => {
            let roles = [
                ("case", &m.case),
                ("activity", &m.activity),
                ("timestamp", &m.timestamp),
                ("resource", &m.resource),
            ];
            let set: Vec<String> = roles
                .iter()
                .filter_map(|(role, v)| v.as_ref().map(|v| format!("{role}={v}")))
                .collect();
            format!(
                "roles {}",
                if set.is_empty() {
                    "detected".into()
                } else {
                    set.join(" ")
                }
            )
        }
        Some(Output::Filter(f)) => format!(
            "{}: cases {} → {}, events {} → {}",
            f.filter, f.cases_before, f.cases_after, f.events_before, f.events_after
        ),
        Some(Output::Stats(st)) => format!(
            "{} activities, {} variants",
            st.activities.len(),
            st.variants.len()
        ),
        Some(Output::Map(m)) => format!(
            "{} nodes, {} edges ({} of {} activities)",
            m.nodes, m.edges, m.map.activities_shown, m.map.activities_total
        ),
        Some(Output::Variants(v)) => {
            let top = v.top.first().map_or(String::new(), |r| {
                format!(
                    "; top: {} ({:.1}%)",
                    r.activities.join(" → "),
                    r.share * 100.0
                )
            });
            format!("{} variants{top}", v.variants)
        }
        Some(Output::BeforeAfter(b)) => {
            let first = |side: &spur_core::toolkit::Distribution| {
                side.0.first().map_or("-".to_string(), |d| {
                    format!("{} ({:.1}%)", d.value, d.share * 100.0)
                })
            };
            format!(
                "{} occurrences of `{}`; most often before: {}, after: {}",
                b.occurrences,
                b.activity,
                first(&b.overall.before.distribution),
                first(&b.overall.after.distribution)
            )
        }
        Some(Output::Compare(c)) => {
            let informative: Vec<&str> = c
                .attributes
                .iter()
                .filter(|a| a.informative)
                .take(3)
                .map(|a| a.name.as_str())
                .collect();
            format!(
                "A {} cases vs B {}; differ most in: {}",
                c.cases_a,
                c.cases_b,
                if informative.is_empty() {
                    "nothing significant".into()
                } else {
                    informative.join(", ")
                }
            )
        }
        Some(Output::Roles(r)) => format!("{} resources", r.resources.len()),
        Some(Output::Discover(d)) => format!(
            "{}; net {} places, {} transitions",
            d.tree, d.places, d.transitions
        ),
        Some(Output::Conformance(c)) => {
            let mut parts = Vec::new();
            if let Some(t) = &c.tbr {
                parts.push(format!(
                    "token replay fitness {:.4}, precision {:.4}",
                    t.log_fitness, t.precision
                ));
            }
            if let Some(a) = &c.alignments {
                parts.push(format!("alignment fitness {:.4}", a.log_fitness));
            }
            parts.join(", ")
        }
    };
    format!(
        "#{} {} ({}): {} cases, {} events — {what}",
        s.index, s.id, s.kind, s.cases, s.events
    )
}
