//! `spur merge`: several source files become one event log (see `spur_core::toolkit::merge`).
//!
//! The first file is the primary (grouped by case, naming the entity in an event attribute);
//! every further file is a secondary read with its entity column as the case column. Each file
//! may carry its own role overrides after a colon (`commands.csv:activity=command`), and its
//! source name is the file name without extension. The merged log is written in the format
//! OUT's name asks for; the report goes to stdout (a table, or JSON with `--json`).

use crate::convert::parse_options;
use anyhow::{bail, Context};
use spur_core::export::{self, ExportFormat};
use spur_core::import::ImportOptions;
use spur_core::log::EventLog;
use spur_core::toolkit::merge::{merge, sources, MergeOptions, MergeReport, MergeSource};
use std::fmt::Write as _;
use std::process::ExitCode;

const HELP: &str =
    "usage: spur merge --entity ATTR [--closes ACT]... PRIMARY [SECONDARY...] -o OUT [--json]
                  [--case C --activity A --timestamp T --resource R] [--delimiter D]
  PRIMARY:   the case-grouped log (e.g. machine states, case = booking) whose events name their
             entity in the event attribute ATTR. The role flags apply to it.
  SECONDARY: logs whose ATTR column is the entity (read as their case column), e.g. commands.
  Each file may carry role overrides: PATH:case=COL,activity=COL,timestamp=COL,resource=COL,
             start_timestamp=COL
  --closes ACT: an activity that ends a case (repeatable); other cases stay open until the
             next case on their entity starts.
  OUT: .csv .tsv .xes .xes.gz .parquet .arrow .ipc .feather";

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

fn parse_args(args: &[String]) -> anyhow::Result<Result<Args, String>> {
    let (primary, rest) = parse_options(args)?;
    let mut entity = None;
    let mut closes = Vec::new();
    let mut output = None;
    let mut json = false;
    let mut files = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--entity" => entity = Some(value()),
            "--closes" => closes.push(value()),
            "-o" | "--output" => output = Some(value()),
            "--json" => json = true,
            s if s.starts_with('-') && s.len() > 1 => {
                return Ok(Err(format!("unknown option `{s}` for `spur merge`")))
            }
            s => files.push(s.to_string()),
        }
    }
    let parsed = (|| {
        let entity = entity.ok_or("name the entity attribute with --entity ATTR")??;
        let output = output.ok_or("name the output file with -o OUT")??;
        let closes = closes.into_iter().collect::<Result<Vec<_>, _>>()?;
        if files.is_empty() {
            return Err("name at least the PRIMARY file".to_string());
        }
        let files = files
            .iter()
            .map(|f| file_arg(f))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Args {
            files,
            output,
            json,
            opts: MergeOptions { entity, closes },
            primary,
        })
    })();
    Ok(parsed)
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = match parse_args(args)? {
        Ok(a) => a,
        Err(e) => {
            eprintln!("spur merge: {e}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
    let Some(format) = ExportFormat::from_file_name(&args.output) else {
        bail!(
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
        let log = match crate::convert::open_log(&f.path, &options)? {
            Ok(log) => log,
            Err(code) => return Ok(code),
        };
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
            eprintln!("spur: merge: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let out = match export::export(&merged, format) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("spur: cannot write {}: {e}", args.output);
            return Ok(ExitCode::from(1));
        }
    };
    std::fs::write(&args.output, &out).with_context(|| format!("cannot write {}", args.output))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&report, &args.output));
    }
    Ok(ExitCode::SUCCESS)
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
