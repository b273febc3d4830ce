//! Delimited text (CSV, TSV, `;`, `|`) → EventLog, streaming, with dialect detection, in
//! layers with one job each:
//!
//! - `sniff`: the first 64 KiB → encoding (UTF-8, UTF-8 with BOM, else Latin-1), delimiter
//!   (the candidate giving the most consistent field count), header, names and a sample;
//! - `plan`: names + sample → column roles (from pm4py names first, then common names, then
//!   values), attribute types and the timestamp format of each time column;
//! - `records`: bytes → records, a resumable quote-aware state machine (chunks can split
//!   anywhere; a record past [`Limits::max_record_bytes`](super::Limits) stops the import);
//! - `rows`: records → events and the report of rejected and repaired rows;
//! - `importer`: the push loop that drives the four.
//!
//! This file holds the public shapes: the plan ([`CsvDialect`]) every shell shows and a recipe
//! pins, and the preview ([`sniff`]) the import screen shows before importing.

mod importer;
mod plan;
mod records;
mod rows;
mod scan;
mod sniff;

pub(crate) use importer::CsvImporter;
pub(crate) use records::{Record, RecordReader};
pub(crate) use sniff::detect_delimiter;

use super::timestamp::TimestampFormat;
use super::{Encoding, ImportError, ImportOptions, Mapping};
use crate::log::ColumnType;
use serde::{Deserialize, Serialize};
use sniff::{decode_lossy, Plan, SNIFF_BYTES};

/// The role a column plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Case,
    Activity,
    Timestamp,
    Resource,
    StartTimestamp,
    /// A `case:…` column: one value per case.
    CaseAttribute,
    /// Any other column: an event attribute.
    EventAttribute,
}

/// How one column is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub role: Role,
    /// The type of an attribute column (roles are strings or timestamps).
    pub column_type: ColumnType,
    /// For time columns: the detected (or given) format; `None` = not detected.
    pub timestamp_format: Option<TimestampFormat>,
}

/// The dialect and column plan of a CSV input: detected, or as overridden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvDialect {
    /// The field delimiter, as a character.
    pub delimiter: char,
    pub has_header: bool,
    pub encoding: Encoding,
    pub columns: Vec<ColumnInfo>,
}

impl CsvDialect {
    /// The column with role `role`.
    pub fn column(&self, role: Role) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.role == role)
    }

    /// This plan as an explicit [`Mapping`]: every role and time format pinned, and the
    /// attribute columns whose role differs from what their name implies listed, so that
    /// reading with it (e.g. a recipe's import step) needs no detection.
    pub fn resolved_mapping(&self) -> Mapping {
        let name = |role| self.column(role).map(|c| c.name.clone());
        let mut m = Mapping {
            case: name(Role::Case),
            activity: name(Role::Activity),
            timestamp: name(Role::Timestamp),
            resource: name(Role::Resource),
            start_timestamp: name(Role::StartTimestamp),
            ..Mapping::default()
        };
        for c in &self.columns {
            let time_role = matches!(c.role, Role::Timestamp | Role::StartTimestamp);
            if let (true, Some(f)) = (time_role, c.timestamp_format) {
                m.timestamp_formats.insert(c.name.clone(), f);
            }
            let prefixed = c.name.starts_with("case:");
            match c.role {
                Role::CaseAttribute if !prefixed => m.case_attributes.push(c.name.clone()),
                Role::EventAttribute => m.event_attributes.push(c.name.clone()),
                _ => {}
            }
        }
        m
    }
}

/// What the import screen shows before importing: the detected dialect and the first rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvPreview {
    pub dialect: CsvDialect,
    /// Up to 20 data rows as read (after the header), with their line numbers.
    pub rows: Vec<(u64, Vec<String>)>,
    /// What the import would refuse but the preview guessed (no case or activity column was
    /// recognised: the first free columns are shown in those roles). Importing with
    /// [`CsvDialect::resolved_mapping`] reads exactly the guess.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Detect the dialect, roles and timestamp formats of a CSV input from its first 64 KiB.
pub fn sniff(bytes: &[u8]) -> Result<CsvPreview, ImportError> {
    sniff_with(bytes, &ImportOptions::default())
}

/// [`sniff`] with overrides (mapping, delimiter, header, encoding).
pub fn sniff_with(bytes: &[u8], options: &ImportOptions) -> Result<CsvPreview, ImportError> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let plan = Plan::detect(head, head.len() == bytes.len(), options, true)?;
    let rows = plan
        .sample
        .iter()
        .take(20)
        .map(|(line, fields)| {
            (
                *line,
                fields
                    .iter()
                    .map(|f| decode_lossy(f, plan.dialect.encoding))
                    .collect(),
            )
        })
        .collect();
    Ok(CsvPreview {
        dialect: plan.dialect,
        rows,
        warnings: plan.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_and_roles() {
        let p = sniff(b"Case ID;Activity;Complete Timestamp;Resource\n1;a;01.02.2020 10:00;r\n1;b;13.02.2020 10:00;s\n").expect("sniff");
        assert_eq!(p.dialect.delimiter, ';');
        let roles: Vec<Role> = p.dialect.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [Role::Case, Role::Activity, Role::Timestamp, Role::Resource]
        );
        assert_eq!(
            p.dialect.columns[2].timestamp_format,
            Some(TimestampFormat::DayMonthYear)
        );
    }

    #[test]
    fn columns_mapped_as_attributes_keep_their_role() {
        let csv = b"case,activity,user,case:kind,region\n1,a,u,x,n\n1,b,v,x,n\n2,a,u,y,s\n";
        let mut options = ImportOptions::default();
        options.mapping.event_attributes = vec!["user".into(), "case:kind".into()];
        options.mapping.case_attributes = vec!["region".into()];
        let p = sniff_with(csv, &options).expect("sniff");
        let roles: Vec<Role> = p.dialect.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                Role::Case,
                Role::Activity,
                Role::EventAttribute,
                Role::EventAttribute,
                Role::CaseAttribute
            ]
        );
        let (log, _) = crate::import::import_bytes("x.csv", csv, &options).expect("import");
        assert_eq!(log.num_events(), 3);
        assert!(log.case_attribute("region").is_some());
        assert!(log.event_attribute("user").is_some());
        assert!(log.event_attribute("case:kind").is_some());
    }

    #[test]
    fn a_resolved_mapping_reads_the_same_plan() {
        let csv =
            b"id;step;when;user;case:kind\n1;a;2024-01-01 10:00;u;x\n1;b;2024-01-02 10:00;v;x\n";
        let mut options = ImportOptions::default();
        options.mapping.case = Some("id".into());
        options.mapping.activity = Some("step".into());
        options.mapping.event_attributes = vec!["case:kind".into()];
        let p = sniff_with(csv, &options).expect("sniff");
        let m = p.dialect.resolved_mapping();
        assert_eq!(m.timestamp.as_deref(), Some("when"));
        assert_eq!(m.resource.as_deref(), Some("user"));
        assert_eq!(m.event_attributes, vec!["case:kind".to_string()]);
        let again = ImportOptions {
            mapping: m,
            ..ImportOptions::default()
        };
        assert_eq!(sniff_with(csv, &again).expect("sniff").dialect, p.dialect);
    }

    #[test]
    fn a_preview_guesses_unrecognised_roles_and_says_so() {
        let csv = b"Vorgang;Schritt;Zeitpunkt\nA;x;2024-01-01 10:00\nA;y;2024-01-02 10:00\n";
        assert!(matches!(
            crate::import::import_bytes("x.csv", csv, &ImportOptions::default()),
            Err(ImportError::MissingColumn { role: "case", .. })
        ));
        let p = sniff(csv).expect("a preview");
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("`Vorgang` is shown as the case column"));
        let options = ImportOptions {
            mapping: p.dialect.resolved_mapping(),
            ..ImportOptions::default()
        };
        let (log, _) = crate::import::import_bytes("x.csv", csv, &options).expect("reads");
        assert_eq!((log.num_cases(), log.num_events()), (1, 2));
        assert!(sniff_with(csv, &options)
            .expect("sniff")
            .warnings
            .is_empty());
    }
}
