//! `spur stats DATASET --engine duckdb|spark`: the statistics of a Parquet dataset computed by
//! an SQL engine instead of in memory (issue 18), for logs bigger than this machine's memory.
//!
//! Core's `sql` module writes the queries and reads the answers; this adapter only moves text
//! between it and the engine: it asks the engine for the dataset's schema and metadata, then
//! runs the whole plan and hands the JSON rows back to core. DuckDB runs as its CLI (`duckdb
//! -json`, from the PyPI package `duckdb-cli` that `scripts/setup.sh` installs into `.tools/`),
//! one process per script; Spark runs in one PySpark driver per command (`engine/spark.rs`).

use spur_core::import::Mapping;
use spur_core::mining::{Dfg, Stats};
use spur_core::sql::{self, assemble::Answers, Dialect};
use spur_core::toolkit::filter::Filter;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod child;
pub mod spark;

/// The engines `--engine` accepts.
pub const ENGINES: &str = "duckdb, spark";

/// How long Spur waits for one answer of an engine (the Spark session's start, a dataset's
/// description, its whole plan) when `--engine-timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Which engine, as the command line names it (`--engine`, `--master`, `--engine-timeout`).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub kind: Kind,
    /// The longest wait for one answer; then the engine's process is killed.
    pub timeout: Duration,
}

/// The engine itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    DuckDb,
    /// Spark on a master URL (`local[*]`, `spark://host:port`, …).
    Spark {
        master: String,
    },
}

impl Choice {
    /// DuckDB with the default timeout.
    #[cfg(test)]
    pub fn duckdb() -> Choice {
        Choice {
            kind: Kind::DuckDb,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// `--engine NAME` with `--master` (Spark only); the message is the usage error.
    pub fn parse(name: &str, master: Option<String>) -> Result<Choice, String> {
        let kind = match (name, master) {
            ("duckdb", None) => Kind::DuckDb,
            ("duckdb", Some(_)) => return Err("--master is for --engine spark".into()),
            ("spark", master) => Kind::Spark {
                master: master.unwrap_or_else(|| spark::DEFAULT_MASTER.to_string()),
            },
            (other, _) => return Err(format!("--engine takes one of: {ENGINES} (got `{other}`)")),
        };
        Ok(Choice {
            kind,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The engine the flags name, if any: `--engine`, `--master` and `--engine-timeout` as
    /// given (the last two need the first); the message is the usage error.
    pub fn from_flags(
        engine: Option<String>,
        master: Option<String>,
        timeout: Option<String>,
    ) -> Result<Option<Choice>, String> {
        let Some(name) = engine else {
            return match (master, timeout) {
                (Some(_), _) => Err("--master needs --engine spark".into()),
                (None, Some(_)) => Err("--engine-timeout needs --engine duckdb|spark".into()),
                (None, None) => Ok(None),
            };
        };
        let mut choice = Choice::parse(&name, master)?;
        if let Some(t) = timeout {
            choice.timeout = parse_timeout(&t)?;
        }
        Ok(Some(choice))
    }
}

/// `--engine-timeout SECONDS`: a positive number of seconds (fractions allowed), at most a week.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 604_800.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!(
                "--engine-timeout takes a number of seconds above 0 (at most 604800), got `{text}`"
            )
        })
}

/// The error when `engine` gave no answer within `limit` (its process has been killed).
pub fn timed_out(engine: &str, limit: Duration, waiting_for: &str) -> String {
    format!(
        "{engine} gave no answer within {} s ({waiting_for}), so Spur stopped it; raise the limit with --engine-timeout SECONDS (default {} s)",
        limit.as_secs_f64(),
        DEFAULT_TIMEOUT.as_secs()
    )
}

/// How to install DuckDB, for the error when it is missing.
const INSTALL: &str = "install it with `bash scripts/setup.sh` (into .tools/) or `pip install duckdb-cli`, or point SPUR_DUCKDB at a duckdb binary";

/// Where a project's `.tools/` may be: this directory and the `spur` binary's (and above).
fn project_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(d) = std::env::current_dir() {
        roots.push(d);
    }
    if let Some(d) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        roots.push(d);
    }
    roots
}

/// The DuckDB CLI: `$SPUR_DUCKDB`, else `duckdb` on PATH, else `.tools/bin/duckdb` in this
/// directory or above it, or above the `spur` binary (a build inside the project).
pub fn find_duckdb() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SPUR_DUCKDB") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(p) = std::env::split_paths(&path)
        .map(|d| d.join("duckdb"))
        .find(|p| p.is_file())
    {
        return Some(p);
    }
    project_roots()
        .iter()
        .flat_map(|r| r.ancestors())
        .map(|d| d.join(".tools/bin/duckdb"))
        .find(|p| p.is_file())
}

/// Run `script` with `duckdb -json` and return the JSON arrays it printed, one per statement
/// that returns rows; after `timeout` DuckDB is killed and the error says so.
fn run_duckdb(
    duckdb: &Path,
    script: &str,
    timeout: Duration,
) -> Result<Vec<Vec<serde_json::Value>>, String> {
    let mut command = Command::new(duckdb);
    command
        .args(["-no-init", "-json", "-bail", "-c", script])
        .stdin(Stdio::null());
    let out = match child::output(command, timeout) {
        Ok(out) => out,
        Err(child::Failure::Spawn(e)) => {
            return Err(format!("cannot run {} ({e}); {INSTALL}", duckdb.display()))
        }
        Err(child::Failure::TimedOut) => {
            return Err(timed_out("DuckDB", timeout, "one dataset's queries"))
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(format!("DuckDB failed: {}", stderr.trim()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::Deserializer::from_str(&text)
        .into_iter::<Vec<serde_json::Value>>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("DuckDB printed something that is not JSON rows: {e}"))
}

/// The dataset as DuckDB reads it: a file, or every Parquet file under a folder.
fn dataset_path(path: &str) -> String {
    if Path::new(path).is_dir() {
        format!("{}/**/*.parquet", path.trim_end_matches('/'))
    } else {
        path.to_string()
    }
}

/// An engine ready to answer: DuckDB's CLI, or a running Spark session (started once per
/// command, reused for every dataset).
pub enum Engine {
    /// The CLI and the longest wait for one script.
    DuckDb(PathBuf, Duration),
    Spark(Box<spark::Session>),
}

/// What a plan needs from the engine's description of a dataset.
struct Plan {
    roles: sql::Roles,
    statements: Vec<String>,
    queries: Vec<sql::Query>,
}

fn plan(
    dialect: Dialect,
    path: &str,
    (columns, start): (&[(String, String)], Option<&str>),
    mapping: &Mapping,
    filters: &[Filter],
    project: Option<&[String]>,
    mut queries: Vec<sql::Query>,
) -> Result<Plan, String> {
    let roles = sql::resolve(columns, mapping, start).map_err(|e| e.to_string())?;
    let source = sql::parquet_source(dialect, path, &roles).map_err(|e| e.to_string())?;
    let attrs =
        sql::attributes::resolve(filters, columns, &roles, mapping).map_err(|e| e.to_string())?;
    let mut statements = vec![
        dialect.session_setup().to_string(),
        sql::events_view(dialect, &source, &roles, &attrs),
    ];
    match project {
        Some(activities) => {
            if !filters.is_empty() {
                return Err("a projection on activities takes no filters".into());
            }
            statements.extend(sql::filter::project_statements(dialect, activities));
        }
        None => statements.extend(
            sql::filter::filter_statements(dialect, filters, &attrs).map_err(|e| e.to_string())?,
        ),
    }
    if !filters.is_empty() {
        queries.push(sql::filter::activities_query());
    }
    Ok(Plan {
        roles,
        statements,
        queries,
    })
}

impl Engine {
    /// Find (DuckDB) or start (Spark) the engine `choice` names.
    pub fn start(choice: &Choice) -> Result<Engine, String> {
        match &choice.kind {
            Kind::DuckDb => find_duckdb()
                .map(|d| Engine::DuckDb(d, choice.timeout))
                .ok_or_else(|| format!("DuckDB is not installed; {INSTALL}")),
            Kind::Spark { master } => spark::Session::start_with(master, &[], choice.timeout)
                .map(|s| Engine::Spark(Box::new(s))),
        }
    }

    /// The SQL dialect the engine speaks.
    pub fn dialect(&self) -> Dialect {
        match self {
            Engine::DuckDb(..) => Dialect::DuckDb,
            Engine::Spark(_) => Dialect::Spark,
        }
    }

    /// The engine's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::DuckDb(..) => "DuckDB",
            Engine::Spark(_) => "Spark",
        }
    }

    /// The answers to core's statistics plan plus `extra` queries over the Parquet dataset at
    /// `path`, and the roles found. Errors are the messages to show after `spur: PATH: `
    /// (missing engine, missing or mistyped column, engine failure).
    pub fn answers(
        &mut self,
        path: &str,
        mapping: &Mapping,
        filters: &[Filter],
        extra: Vec<sql::Query>,
    ) -> Result<(Answers, sql::Roles), String> {
        let dialect = self.dialect();
        let mut queries = sql::stats_queries(dialect);
        queries.extend(extra);
        self.query(path, mapping, filters, None, queries)
    }

    /// The answers to `queries` (and the check of `filters`) over the events `filters` keep, or
    /// (`project`, without filters) over the events of those activities only.
    pub fn query(
        &mut self,
        path: &str,
        mapping: &Mapping,
        filters: &[Filter],
        project: Option<&[String]>,
        queries: Vec<sql::Query>,
    ) -> Result<(Answers, sql::Roles), String> {
        let (plan, results) = match self {
            Engine::DuckDb(duckdb, timeout) => {
                let dialect = Dialect::DuckDb;
                let data = dataset_path(path);
                let glob = dialect.string(&data);
                let probe = format!(
                    "DESCRIBE SELECT * FROM read_parquet({glob});\n\
                     SELECT decode(value) AS v FROM parquet_kv_metadata({glob}) WHERE decode(key) = 'spur:start_timestamp';\n"
                );
                let answers = run_duckdb(duckdb, &probe, *timeout)?;
                let [schema, meta] = answers.as_slice() else {
                    return Err("DuckDB did not describe the dataset".into());
                };
                let columns: Vec<(String, String)> = schema
                    .iter()
                    .filter_map(|r| {
                        Some((
                            r.get("column_name")?.as_str()?.to_string(),
                            r.get("column_type")?.as_str()?.to_string(),
                        ))
                    })
                    .collect();
                let start = meta.first().and_then(|r| r.get("v")?.as_str());
                let plan = plan(
                    dialect,
                    &data,
                    (&columns, start),
                    mapping,
                    filters,
                    project,
                    queries,
                )?;
                let mut script = String::new();
                for s in &plan.statements {
                    script.push_str(s);
                    script.push_str(";\n");
                }
                for q in &plan.queries {
                    script.push_str(&q.sql);
                    script.push_str(";\n");
                }
                let results = run_duckdb(duckdb, &script, *timeout)?;
                (plan, results)
            }
            Engine::Spark(session) => {
                let data = spark::dataset_path(path);
                let (columns, start) = session.describe(&data)?;
                let plan = plan(
                    Dialect::Spark,
                    &data,
                    (&columns, start.as_deref()),
                    mapping,
                    filters,
                    project,
                    queries,
                )?;
                let sqls: Vec<String> = plan.queries.iter().map(|q| q.sql.clone()).collect();
                let results = session.run(&plan.statements, &sqls)?;
                (plan, results)
            }
        };
        if results.len() != plan.queries.len() {
            return Err(format!(
                "{} answered {} of {} queries",
                self.name(),
                results.len(),
                plan.queries.len()
            ));
        }
        let answers: Answers = plan
            .queries
            .iter()
            .map(|q| q.name.to_string())
            .zip(results)
            .collect();
        // What the toolkit refuses in memory is refused here, before any number is shown.
        sql::filter::check(filters, &answers, plan.roles.timestamp.is_some())
            .map_err(|e| e.to_string())?;
        Ok((answers, plan.roles))
    }

    /// The log summary file's contents (`--summary-out`) for the Parquet dataset at `path`
    /// after `filters`: the same struct, so the same bytes, as `LogSummary::of` in memory.
    pub fn summary(
        &mut self,
        path: &str,
        mapping: &Mapping,
        filters: &[Filter],
    ) -> Result<spur_core::mining::LogSummary, String> {
        let dialect = self.dialect();
        let (answers, roles) =
            self.query(path, mapping, filters, None, sql::summary::queries(dialect))?;
        sql::summary::assemble(&answers, roles.timestamp.is_some()).map_err(|e| e.to_string())
    }

    /// Statistics and the DFG with performance of the Parquet dataset at `path`; `filters`
    /// narrow the events first (the forms `sql::filter` compiles).
    pub fn stats(
        &mut self,
        path: &str,
        mapping: &Mapping,
        filters: &[Filter],
    ) -> Result<(Stats, Dfg), String> {
        let (answers, roles) = self.answers(path, mapping, filters, Vec::new())?;
        let stats =
            sql::assemble::stats(&answers, roles.timestamp.is_some()).map_err(|e| e.to_string())?;
        let dfg = sql::assemble::dfg(&answers).map_err(|e| e.to_string())?;
        Ok((stats, dfg))
    }
}

#[cfg(test)]
mod tests;
