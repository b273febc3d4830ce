//! `spur stats FILE`: the counts every shell shows first.

use anyhow::Context;
use std::process::ExitCode;

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [path] = files.as_slice() else {
        anyhow::bail!("stats takes exactly one FILE (got {}); try `spur stats log.csv`", files.len());
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    match spur_core::summary::summarize(path, &bytes) {
        Ok(s) if json => {
            println!("{}", serde_json::to_string_pretty(&s)?);
            Ok(ExitCode::SUCCESS)
        }
        Ok(s) => {
            println!("{path}: {} events, {} cases, {} activities", s.events, s.cases, s.activities.len());
            for a in &s.activities {
                println!("  {:>8}  {}", a.count, a.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
