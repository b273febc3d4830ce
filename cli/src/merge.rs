//! `spur merge`: several source files become one event log (see `spur_core::toolkit::merge`).
//!
//! The first file is the primary (grouped by case, naming the entity in an event attribute);
//! every further file is a secondary read with its entity column as the case column. Each file
//! may carry its own role overrides after a colon (`commands.csv:activity=command`), and its
//! source name is the file name without extension. The merged log is written in the format
//! OUT's name asks for; the report goes to stdout (a table, or JSON with `--json`).

use crate::args::ImportArgs;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::export::{self, ExportFormat};
use spur_core::import::ImportOptions;
use spur_core::log::EventLog;
use spur_core::toolkit::merge::{merge, sources, MergeOptions, MergeReport, MergeSource};
use std::fmt::Write as _;

/// `spur merge --entity ATTR PRIMARY [SECONDARY…] -o OUT`: merge source files into one log by
/// entity and time.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "PRIMARY:   the case-grouped log (e.g. machine states, case = booking) whose events name their
           entity in the event attribute ATTR. The role flags apply to it.
SECONDARY: logs whose ATTR column is the entity (read as their case column), e.g. commands.
Each file may carry role overrides: PATH:case=COL,activity=COL,timestamp=COL,resource=COL,
           start_timestamp=COL
OUT: .csv .tsv .xes .xes.gz .parquet .arrow .ipc .feather"
)]
pub struct MergeArgs {
    /// PRIMARY [SECONDARY…], each optionally PATH:ROLE=COL,….
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// The event attribute (in PRIMARY) or column (in the others) naming the entity.
    #[arg(long, value_name = "ATTR")]
    pub entity: Option<String>,
    /// An activity that ends a case (repeatable); other cases stay open until the next case on
    /// their entity starts.
    #[arg(long, value_name = "ACT")]
    pub closes: Vec<String>,
    /// The merged log to write (format from the name).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

struct FileArg {
    path: String,
    name: String,
    roles: Vec<(String, String)>,
}

struct Args {
    files: Vec<FileArg>,
    output: String,
    json: bool,
    opts: MergeOptions,
    primary: ImportOptions,
}

/// `PATH[:k=v,...]`; the suffix counts only when it holds a `=` (see `merge::sources`).
fn file_arg(arg: &str) -> Result<FileArg, String> {
    let (path, roles) = match arg.rsplit_once(':') {
        Some((path, suffix)) if !path.is_empty() && suffix.contains('=') => {
            let roles = sources::parse_roles(suffix).map_err(|e| format!("{e} (in `{arg}`)"))?;
            (path, roles)
        }
        _ => (arg, Vec::new()),
    };
    Ok(FileArg {
        path: path.to_string(),
        name: sources::source_name(path).to_string(),
        roles,
    })
}

fn parse_args(a: MergeArgs) -> Result<Args, Failure> {
    let primary = a.import.options()?;
    let Some(entity) = a.entity else {
        usage!("name the entity attribute with --entity ATTR");
    };
    let Some(output) = a.output else {
        usage!("name the output file with -o OUT");
    };
    if a.files.is_empty() {
        usage!("name at least the PRIMARY file");
    }
    let files = a
        .files
        .iter()
        .map(|f| file_arg(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::usage)?;
    Ok(Args {
        files,
        output,
        json: a.json,
        opts: MergeOptions {
            entity,
            closes: a.closes,
        },
        primary,
    })
}

pub fn run(args: MergeArgs) -> Outcome {
    let args = parse_args(args)?;
    let Some(format) = ExportFormat::from_file_name(&args.output) else {
        usage!(
            "cannot tell the output format from the name `{}`: end it with one of {}",
            args.output,
            ExportFormat::EXTENSIONS
        );
    };
    let mut logs: Vec<EventLog> = Vec::new();
    for (k, f) in args.files.iter().enumerate() {
        let mut options = if k == 0 {
            args.primary.clone()
        } else {
            ImportOptions {
                csv: args.primary.csv.clone(),
                ..ImportOptions::default()
            }
        };
        sources::apply_roles(&mut options.mapping, &f.roles);
        let options = sources::source_options(k, &options, &args.opts.entity);
        let log = crate::convert::open_log(&f.path, &options)?;
        logs.push(log);
    }
    let sources: Vec<MergeSource<'_>> = args
        .files
        .iter()
        .zip(&logs)
        .map(|(f, log)| MergeSource { name: &f.name, log })
        .collect();
    let (merged, report) = match merge(sources[0], &sources[1..], &args.opts) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("merge: {e}")));
        }
    };
    let out = match export::export(&merged, format) {
        Ok(out) => out,
        Err(e) => {
            return Err(Failure::refused(format!(
                "cannot write {}: {e}",
                args.output
            )));
        }
    };
    std::fs::write(&args.output, &out).with_context(|| format!("cannot write {}", args.output))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&report, &args.output));
    }
    Ok(())
}

fn human(r: &MergeReport, output: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "merged {} sources on `{}` into {output}: {} events, {} cases + {} entity-level cases",
        r.sources.len(),
        r.entity,
        r.events,
        r.cases,
        r.entity_cases
    );
    let width = r
        .sources
        .iter()
        .map(|x| x.name.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let _ = writeln!(
        s,
        "{:width$}  {:9}  {:>9}  {:>9}  {:>12}  {:>8}",
        "source", "role", "events", "attached", "entity-level", "unplaced"
    );
    for x in &r.sources {
        let _ = writeln!(
            s,
            "{:width$}  {:9}  {:>9}  {:>9}  {:>12}  {:>8}",
            x.name, x.role, x.events, x.attached, x.entity_level, x.unplaced
        );
    }
    let _ = writeln!(
        s,
        "cases: {} closed by an end activity, {} open until the next case on their entity",
        r.closed_cases,
        r.cases.saturating_sub(r.closed_cases)
    );
    let notes = [
        (
            r.multi_entity_cases,
            "cases name several entities (the first is used)",
        ),
        (r.cases_without_entity, "cases name no entity"),
        (r.cases_without_time, "cases have no timestamp"),
        (
            r.unknown_entities,
            "entities appear only in secondary sources",
        ),
    ];
    for (n, what) in notes {
        if n > 0 {
            let _ = writeln!(s, "note: {n} {what}");
        }
    }
    if let Some(u) = &r.first_unplaced {
        let _ = writeln!(
            s,
            "note: {} events without a timestamp kept entity-level (first: source `{}`, entity `{}`, activity `{}`, event {})",
            r.unplaced, u.source, u.entity, u.activity, u.event
        );
    }
    s
}
