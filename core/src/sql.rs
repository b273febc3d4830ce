//! Log statistics pushed down to an SQL engine (issue 18): logs too big for one machine stay in
//! Parquet, an engine (DuckDB, later Spark) computes the summaries, and Spur gets back the same
//! structs — with the same numbers — as its in-memory `mining`.
//!
//! Pure and sans-IO like the rest of core: [`resolve`] finds the role columns in a dataset's
//! schema (the names `spur convert` writes, else the usual alternatives, as the Parquet reader
//! does) and refuses wrong types with a message naming the column; [`stats_queries`] compiles
//! the queries for a [`Dialect`]; the shell runs them and hands the JSON rows to
//! [`assemble::stats`], which sorts exactly as `mining` does. [`summary`] does the same for
//! the log summary file (`mining::LogSummary`).
//!
//! Semantics equal `mining` (and pm4py): a case's events are ordered by start timestamp when the
//! dataset names one, else by timestamp, nulls last, ties by [`ROW_COLUMN`] (the log's order,
//! written by `spur convert`); durations are integer milliseconds, summed exactly and divided
//! once; medians take the two middle values (numpy's mean of them for an even count). Rows
//! without a case or an activity are not events (the reader rejects them).
//!
//! `filter` compiles the toolkit's case filters and the event time range. Both dialects are
//! checked against `mining` on the shared logs by the CLI's tests (DuckDB 1.5, Spark 4.3 with
//! ANSI mode on). Spark's plan caches the events table once (`CACHE TABLE`): its views are
//! plans that every query would otherwise sort again. Every filter form of the toolkit
//! compiles.

pub mod assemble;
pub mod attributes;
pub mod filter;
pub mod summary;

use crate::arrow::{ACTIVITY_ALTERNATIVES, CASE_ALTERNATIVES, ROW_COLUMN, TIMESTAMP_ALTERNATIVES};
use crate::import::Mapping;

/// The SQL dialect the queries are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB (≥ 1.0).
    DuckDb,
    /// Apache Spark SQL (≥ 3.1; tested on 4.3): `unix_millis`, `min_by`, `collect_list` sorted
    /// by position, `parquet.\`PATH\`` sources.
    Spark,
}

/// The columns of a dataset that play the log's roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles {
    pub case: String,
    pub activity: String,
    pub timestamp: Option<String>,
    /// Start timestamps of interval events: when set, they order a case's events (pm4py).
    pub start_timestamp: Option<String>,
    /// The row-number column; `None` = the engine's own file row number (DuckDB only).
    pub row: Option<String>,
}

/// Why a dataset cannot be summarised by SQL: always names the column and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    #[error("no {role} column: looked for {candidates} among the columns [{columns}]; map one explicitly")]
    MissingColumn {
        role: &'static str,
        candidates: String,
        columns: String,
    },
    #[error("column `{column}` ({role}) has type {data_type}; {role} needs {needs}{hint}")]
    WrongType {
        column: String,
        role: &'static str,
        data_type: String,
        needs: &'static str,
        hint: &'static str,
    },
    #[error("the dataset has no `{ROW_COLUMN}` column, which {dialect} needs to keep ties in time in file order; write it with `spur convert LOG OUT.parquet`")]
    NoRowColumn { dialect: &'static str },
    #[error("the filter `{filter}` {why}: compute it in memory (without --engine)")]
    Unsupported { filter: String, why: String },
    /// A filter the toolkit refuses in memory (unknown activity, no timestamps): the message.
    #[error("{0}")]
    Filter(String),
    #[error("the engine's answer to `{query}` is not what Spur asked for: {message}")]
    BadAnswer { query: String, message: String },
}

const CONVERT_HINT: &str = " (write the dataset with `spur convert LOG OUT.parquet`)";

fn is_text(ty: &str) -> bool {
    let t = ty.to_ascii_uppercase();
    t.starts_with("VARCHAR")
        || t.starts_with("STRING")
        || t == "TEXT"
        || is_integer(&t)
        || t.starts_with("ENUM")
}

fn is_integer(t: &str) -> bool {
    let t = t.to_ascii_uppercase();
    [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "INT",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "HUGEINT",
        "LONG",
        "SHORT",
        "BYTE",
    ]
    .contains(&t.as_str())
}

fn is_time(ty: &str) -> bool {
    let t = ty.to_ascii_uppercase();
    t.starts_with("TIMESTAMP") || t == "DATE"
}

/// Find the role columns among `columns` (`(name, engine type)`, as DuckDB's `DESCRIBE` or
/// Spark's schema gives them). `mapping` names columns explicitly, as for `spur stats LOG`;
/// `start_timestamp` is the column the dataset's metadata names (`spur:start_timestamp`).
pub fn resolve(
    columns: &[(String, String)],
    mapping: &Mapping,
    start_timestamp: Option<&str>,
) -> Result<Roles, SqlError> {
    let listed = || {
        columns
            .iter()
            .map(|(n, _)| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |role: &'static str,
                explicit: &Option<String>,
                alternatives: &[&str]|
     -> Result<Option<&(String, String)>, SqlError> {
        if let Some(name) = explicit {
            return match columns.iter().find(|(n, _)| n == name) {
                Some(c) => Ok(Some(c)),
                None => Err(SqlError::MissingColumn {
                    role,
                    candidates: format!("`{name}` (as mapped)"),
                    columns: listed(),
                }),
            };
        }
        Ok(alternatives.iter().find_map(|alt| {
            columns
                .iter()
                .find(|(n, _)| n == alt)
                .or_else(|| columns.iter().find(|(n, _)| n.eq_ignore_ascii_case(alt)))
        }))
    };
    let required = |role: &'static str, explicit: &Option<String>, alternatives: &[&str]| {
        find(role, explicit, alternatives)?.ok_or_else(|| SqlError::MissingColumn {
            role,
            candidates: alternatives
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", "),
            columns: listed(),
        })
    };
    let text = |role: &'static str, (name, ty): &(String, String)| {
        if is_text(ty) {
            Ok(name.clone())
        } else {
            Err(SqlError::WrongType {
                column: name.clone(),
                role,
                data_type: ty.clone(),
                needs: "text or integers",
                hint: "",
            })
        }
    };
    let time = |role: &'static str, (name, ty): &(String, String)| {
        if is_time(ty) {
            Ok(name.clone())
        } else {
            Err(SqlError::WrongType {
                column: name.clone(),
                role,
                data_type: ty.clone(),
                needs: "a TIMESTAMP or DATE type",
                hint: CONVERT_HINT,
            })
        }
    };
    let case = text("case", required("case", &mapping.case, CASE_ALTERNATIVES)?)?;
    let activity = required("activity", &mapping.activity, ACTIVITY_ALTERNATIVES)?;
    if activity.0 == case {
        return Err(SqlError::MissingColumn {
            role: "activity",
            candidates: "a column other than the case column".into(),
            columns: listed(),
        });
    }
    let activity = text("activity", activity)?;
    let timestamp = find("timestamp", &mapping.timestamp, TIMESTAMP_ALTERNATIVES)?
        .map(|c| time("timestamp", c))
        .transpose()?;
    let start_name = mapping
        .start_timestamp
        .clone()
        .or(start_timestamp.map(str::to_string));
    let start = match &start_name {
        Some(name) => match columns.iter().find(|(n, _)| n == name) {
            Some(c) => Some(time("start timestamp", c)?),
            None if mapping.start_timestamp.is_some() => {
                return Err(SqlError::MissingColumn {
                    role: "start timestamp",
                    candidates: format!("`{name}` (as mapped)"),
                    columns: listed(),
                })
            }
            None => None,
        },
        None => None,
    };
    let row = match columns.iter().find(|(n, _)| n == ROW_COLUMN) {
        Some((name, ty)) if is_integer(ty) => Some(name.clone()),
        Some((name, ty)) => {
            return Err(SqlError::WrongType {
                column: name.clone(),
                role: "row number",
                data_type: ty.clone(),
                needs: "integers",
                hint: CONVERT_HINT,
            })
        }
        None => None,
    };
    Ok(Roles {
        case,
        activity,
        timestamp,
        start_timestamp: start,
        row,
    })
}

impl Dialect {
    /// The dialect's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Spark => "Spark",
        }
    }

    /// The statement every script starts with: the session's time zone is UTC, so casting a
    /// zoned timestamp keeps its instant (DuckDB and Spark default to the machine's zone, and a
    /// daylight-saving change would otherwise alter durations).
    pub fn session_setup(self) -> &'static str {
        match self {
            Dialect::DuckDb => "SET TimeZone = 'UTC'",
            Dialect::Spark => "SET spark.sql.session.timeZone = UTC",
        }
    }

    /// A quoted identifier.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A quoted string literal.
    pub fn string(self, s: &str) -> String {
        match self {
            Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// A timestamp expression as integer milliseconds since the epoch.
    pub(crate) fn millis(self, expr: &str) -> String {
        match self {
            Dialect::DuckDb => format!("epoch_ms(CAST({expr} AS TIMESTAMP))"),
            Dialect::Spark => format!("unix_millis(CAST({expr} AS TIMESTAMP))"),
        }
    }

    /// Integer division of non-negative integers (`/` is real division in both dialects).
    fn int_div(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("({a}) // ({b})"),
            Dialect::Spark => format!("({a}) div ({b})"),
        }
    }

    /// An exact sum of integers as decimal text (DuckDB sums BIGINT into HUGEINT; Spark's
    /// BIGINT sum would overflow, so it sums DECIMAL(38,0)).
    fn exact_sum(self, expr: &str) -> String {
        match self {
            Dialect::DuckDb => format!("CAST(sum({expr}) AS VARCHAR)"),
            Dialect::Spark => format!("CAST(sum(CAST({expr} AS DECIMAL(38,0))) AS STRING)"),
        }
    }

    /// The value of `value` at the smallest `order` in the group (nulls of `value` skipped).
    fn first_by(self, value: &str, order: &str) -> String {
        match self {
            Dialect::DuckDb => {
                format!("arg_min({value}, {order}) FILTER (WHERE {value} IS NOT NULL)")
            }
            Dialect::Spark => {
                format!("min_by({value}, {order}) FILTER (WHERE {value} IS NOT NULL)")
            }
        }
    }

    fn last_by(self, value: &str, order: &str) -> String {
        match self {
            Dialect::DuckDb => {
                format!("arg_max({value}, {order}) FILTER (WHERE {value} IS NOT NULL)")
            }
            Dialect::Spark => {
                format!("max_by({value}, {order}) FILTER (WHERE {value} IS NOT NULL)")
            }
        }
    }

    /// The group's `value`s as a list ordered by `order` (Spark's `collect_list` has no order:
    /// sort structs by position, then keep the values).
    fn ordered_list(self, value: &str, order: &str) -> String {
        match self {
            Dialect::DuckDb => format!("list({value} ORDER BY {order})"),
            Dialect::Spark => format!(
                "transform(array_sort(collect_list(struct({order} AS o, {value} AS v))), x -> x.v)"
            ),
        }
    }

    pub(crate) fn text(self) -> &'static str {
        match self {
            Dialect::DuckDb => "VARCHAR",
            Dialect::Spark => "STRING",
        }
    }
}

/// One query of a plan: its name (the key [`assemble`] reads it by) and its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub name: &'static str,
    pub sql: String,
}

/// The table expression of a Parquet dataset (`path` a file, or a glob for a partitioned one).
/// Without a row column DuckDB numbers the rows itself (`file_row_number`), per file.
pub fn parquet_source(dialect: Dialect, path: &str, roles: &Roles) -> Result<String, SqlError> {
    match (dialect, &roles.row) {
        (Dialect::DuckDb, Some(_)) => Ok(format!("read_parquet({})", dialect.string(path))),
        (Dialect::DuckDb, None) => Ok(format!(
            "read_parquet({}, filename = true, file_row_number = true)",
            dialect.string(path)
        )),
        (Dialect::Spark, Some(_)) => Ok(format!("parquet.{}", dialect.ident(path))),
        (Dialect::Spark, None) => Err(SqlError::NoRowColumn {
            dialect: dialect.name(),
        }),
    }
}

/// The statement that prepares the ordered events (after [`Dialect::session_setup`]): a
/// temporary table `spur_events_0` with `c`
/// (case), `a` (activity), `t` (timestamp ms or NULL), the columns of the `attributes` the
/// filters read (`x0`, `x1`, …), `p` (1-based position in the case) and `len` (events in the
/// case). [`filter::filter_statements`] turns it into the view
/// `spur_events` that every query of [`stats_queries`] reads (with no filters, as it is).
pub fn events_view(
    dialect: Dialect,
    source: &str,
    roles: &Roles,
    attributes: &attributes::Attributes,
) -> String {
    let q = |n: &str| dialect.ident(n);
    let text = dialect.text();
    let t = roles
        .timestamp
        .as_ref()
        .map_or("CAST(NULL AS BIGINT)".to_string(), |c| {
            dialect.millis(&q(c))
        });
    let key = match (&roles.start_timestamp, &roles.timestamp) {
        (Some(s), Some(ts)) => format!(
            "coalesce({}, {}) NULLS LAST, ",
            dialect.millis(&q(s)),
            dialect.millis(&q(ts))
        ),
        (Some(s), None) => format!("{} NULLS LAST, ", dialect.millis(&q(s))),
        (None, Some(ts)) => format!("{} NULLS LAST, ", dialect.millis(&q(ts))),
        (None, None) => String::new(),
    };
    let row = match &roles.row {
        Some(r) => q(r),
        None => "filename, file_row_number".to_string(),
    };
    let (c, a) = (q(&roles.case), q(&roles.activity));
    let create = match dialect {
        Dialect::DuckDb => "CREATE TEMP TABLE spur_events_0 AS",
        Dialect::Spark => "CREATE OR REPLACE TEMPORARY VIEW spur_events_0 AS",
    };
    let extra: String = attributes
        .columns(dialect, roles, &row)
        .into_iter()
        .map(|(expr, alias)| format!(", {expr} AS {alias}"))
        .collect();
    format!(
        "{create}\nSELECT CAST({c} AS {text}) AS c, CAST({a} AS {text}) AS a, {t} AS t{extra},\n  \
         row_number() OVER (PARTITION BY {c} ORDER BY {key}{row}) AS p,\n  \
         count(*) OVER (PARTITION BY {c}) AS len\n\
         FROM {source}\nWHERE {c} IS NOT NULL AND {a} IS NOT NULL"
    )
}

/// The median's two middle values of `d` per group (`partition`, may be empty): columns `n`
/// (rows), `m` (rows with a `d`), `lo` and `hi` (the same for an odd count), as integer
/// milliseconds, with `min`, `max` and the exact `sum`. Rows without a `d` sort last, so the
/// first `m` positions are the measured ones, and one pass serves counts and durations alike.
/// Positions are integer divisions written portably (`/` is real division in Spark and DuckDB).
fn middle(d: &str, partition: &str, from: &str, group: &str, select: &str) -> String {
    let over = if partition.is_empty() {
        format!("ORDER BY {d} NULLS LAST")
    } else {
        format!("PARTITION BY {partition} ORDER BY {d} NULLS LAST")
    };
    let group_by = if group.is_empty() {
        String::new()
    } else {
        format!("\nGROUP BY {group}")
    };
    format!(
        "SELECT {select}count(*) AS n, count({d}) AS m, \
         max(CASE WHEN k = CAST(floor((mm + 1) / 2.0) AS BIGINT) THEN {d} END) AS lo, \
         max(CASE WHEN k = CAST(floor(mm / 2.0) AS BIGINT) + 1 THEN {d} END) AS hi, \
         min({d}) AS min, max({d}) AS max, {{sum}} AS sum\n\
         FROM (SELECT *, row_number() OVER ({over}) AS k, count({d}) OVER ({}) AS mm FROM ({from}) x) y{group_by}",
        if partition.is_empty() {
            String::new()
        } else {
            format!("PARTITION BY {partition}")
        }
    )
}

/// Each case's duration in ms (`c`, `d`; `d` NULL without timestamps): last minus first
/// timestamp in case order, as `mining::case_durations_ms`.
fn case_ms(dialect: Dialect) -> String {
    format!(
        "SELECT c, {} - {} AS d FROM spur_events GROUP BY c",
        dialect.last_by("t", "p"),
        dialect.first_by("t", "p")
    )
}

/// The queries behind [`crate::mining::Stats`] (and the DFG's performance), reading the
/// `spur_events` view of [`events_view`]: `totals`, `activities`, `start`, `end`, `dfg`,
/// `variants`, `durations`.
pub fn stats_queries(dialect: Dialect) -> Vec<Query> {
    let sum = |d: &str| dialect.exact_sum(d);
    let pairs = "SELECT a AS f, lead(a) OVER (PARTITION BY c ORDER BY p) AS g, \
                 lead(t) OVER (PARTITION BY c ORDER BY p) - t AS d FROM spur_events";
    let middle_sql = |d: &str, partition: &str, from: &str, group: &str, select: &str| {
        middle(d, partition, from, group, select).replace("{sum}", &sum(d))
    };
    let edges = format!("SELECT * FROM ({pairs}) p WHERE g IS NOT NULL");
    let dfg = middle_sql("d", "f, g", &edges, "f, g", "f, g, ");
    let case_ms = case_ms(dialect);
    vec![
        Query {
            name: "totals",
            sql: "SELECT count(*) AS events, count(DISTINCT c) AS cases FROM spur_events".into(),
        },
        Query {
            name: "activities",
            sql: "SELECT a AS k, count(*) AS n FROM spur_events GROUP BY a".into(),
        },
        Query {
            name: "start",
            sql: "SELECT a AS k, count(*) AS n FROM spur_events WHERE p = 1 GROUP BY a".into(),
        },
        Query {
            name: "end",
            sql: "SELECT a AS k, count(*) AS n FROM spur_events WHERE p = len GROUP BY a".into(),
        },
        Query {
            name: "dfg",
            sql: dfg,
        },
        Query {
            name: "variants",
            sql: format!(
                "SELECT v, count(*) AS n FROM (SELECT c, {} AS v FROM spur_events GROUP BY c) x GROUP BY v",
                dialect.ordered_list("a", "p")
            ),
        },
        Query {
            name: "durations",
            sql: middle_sql("d", "", &case_ms, "", ""),
        },
    ]
}

/// Per activity, the sum over the cases that contain it of the 0-based position of its first
/// event there (`s`), and those cases (`n`): the process map's node order
/// ([`crate::map::model::first_positions`] = `s / n`), for [`assemble::positions`].
pub fn positions_query() -> Query {
    Query {
        name: "positions",
        sql: "SELECT a AS k, sum(f) AS s, count(*) AS n \
              FROM (SELECT c, a, min(p) - 1 AS f FROM spur_events GROUP BY c, a) x GROUP BY a"
            .into(),
    }
}

/// Events per time bucket of `bucket_ms` milliseconds (`b` = bucket index, `n` = events), for
/// [`assemble::events_over_time`], which widens buckets as `mining::events_over_time` does.
pub fn events_over_time_query(bucket_ms: i64) -> Query {
    let bucket = bucket_ms.max(1);
    Query {
        name: "over_time",
        // floor of a real division = Rust's div_euclid for a positive bucket, in both dialects.
        sql: format!(
            "SELECT CAST(floor(t / {bucket}.0) AS BIGINT) AS b, count(*) AS n \
             FROM spur_events WHERE t IS NOT NULL GROUP BY 1"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn roles_are_found_and_bad_ones_named() {
        let c = cols(&[
            ("case:concept:name", "VARCHAR"),
            ("concept:name", "VARCHAR"),
            ("time:timestamp", "TIMESTAMP WITH TIME ZONE"),
            ("__spur_row", "BIGINT"),
        ]);
        let r = resolve(&c, &Mapping::default(), None).expect("roles");
        assert_eq!(
            (r.case.as_str(), r.timestamp.as_deref(), r.row.as_deref()),
            (
                "case:concept:name",
                Some("time:timestamp"),
                Some("__spur_row")
            )
        );
        let e = resolve(&c[1..], &Mapping::default(), None).expect_err("no case");
        assert!(e.to_string().starts_with("no case column"), "{e}");
        let text_time = cols(&[
            ("case", "VARCHAR"),
            ("activity", "VARCHAR"),
            ("timestamp", "VARCHAR"),
        ]);
        let e = resolve(&text_time, &Mapping::default(), None).expect_err("text time");
        assert_eq!(e.to_string(), "column `timestamp` (timestamp) has type VARCHAR; timestamp needs a TIMESTAMP or DATE type (write the dataset with `spur convert LOG OUT.parquet`)");
        let double_case = cols(&[("case", "DOUBLE"), ("activity", "VARCHAR")]);
        assert!(matches!(
            resolve(&double_case, &Mapping::default(), None),
            Err(SqlError::WrongType { role: "case", .. })
        ));
        let no_row = resolve(&text_time[..2], &Mapping::default(), None).expect("roles");
        assert!(parquet_source(Dialect::Spark, "x", &no_row).is_err());
        assert!(parquet_source(Dialect::DuckDb, "x", &no_row)
            .expect("duckdb numbers rows")
            .contains("file_row_number"));
    }

    #[test]
    fn identifiers_and_strings_are_quoted_per_dialect() {
        assert_eq!(Dialect::DuckDb.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::DuckDb.string("it's"), "'it''s'");
        assert_eq!(Dialect::Spark.string("it's"), "'it\\'s'");
        let spark = stats_queries(Dialect::Spark);
        assert!(spark.iter().any(|q| q.sql.contains("collect_list")));
        assert!(spark.iter().all(|q| !q.sql.contains("list(a ORDER BY")));
    }
}
