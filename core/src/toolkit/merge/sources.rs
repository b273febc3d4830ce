//! How each source of a merge is read — the decisions `spur merge` and the browser's Load screen
//! share, so that both read the same files into the same logs.
//!
//! - A source is named by its file name without extension ([`source_name`]): the `source`
//!   attribute of the merged events.
//! - The first source is the primary; every further source is a secondary whose case column is
//!   the entity column unless the user mapped another one ([`source_options`]).
//! - Role overrides are written `case=COL,activity=COL,…` ([`parse_roles`], [`apply_roles`]),
//!   as on the command line (`states.csv:case=booking,activity=state`).

use crate::import::{ImportOptions, Mapping};

/// The role keys an override may name.
pub const ROLE_KEYS: [&str; 5] = [
    "case",
    "activity",
    "timestamp",
    "resource",
    "start_timestamp",
];

/// The source name of a file: its name without folders and without its last extension (and a
/// `.gz` before it): `logs/states.csv` → `states`, `a.xes.gz` → `a`.
pub fn source_name(file_name: &str) -> &str {
    let file = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match file.strip_suffix(".gz").unwrap_or(file).rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file,
    }
}

/// Parse `case=COL,activity=COL,…` into `(role, column)` pairs; the error names the bad part.
pub fn parse_roles(spec: &str) -> Result<Vec<(String, String)>, String> {
    let mut roles = Vec::new();
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("`{part}` is not ROLE=COLUMN"));
        };
        let k = k.trim();
        if !ROLE_KEYS.contains(&k) {
            return Err(format!("unknown role `{k}`: use {}", ROLE_KEYS.join(", ")));
        }
        if v.is_empty() {
            return Err(format!("role `{k}` names no column"));
        }
        roles.push((k.to_string(), v.to_string()));
    }
    Ok(roles)
}

/// Set the roles parsed by [`parse_roles`] on `mapping`.
pub fn apply_roles(mapping: &mut Mapping, roles: &[(String, String)]) {
    for (role, column) in roles {
        let slot = match role.as_str() {
            "case" => &mut mapping.case,
            "activity" => &mut mapping.activity,
            "timestamp" => &mut mapping.timestamp,
            "start_timestamp" => &mut mapping.start_timestamp,
            _ => &mut mapping.resource,
        };
        *slot = Some(column.clone());
    }
}

/// The options source number `index` (0 = the primary) is read with: `options` as given, and
/// for a secondary without a mapped case column, the entity column as its case.
pub fn source_options(index: usize, options: &ImportOptions, entity: &str) -> ImportOptions {
    let mut o = options.clone();
    if index > 0 && o.mapping.case.is_none() && !entity.is_empty() {
        o.mapping.case = Some(entity.to_string());
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_stems() {
        assert_eq!(source_name("out/laundry/states.csv"), "states");
        assert_eq!(source_name("C:\\x\\log.xes.gz"), "log");
        assert_eq!(source_name("plain"), "plain");
        assert_eq!(source_name(".csv"), ".csv");
    }

    #[test]
    fn roles_parse_and_apply() {
        let roles = parse_roles("case=booking,activity=state").unwrap();
        let mut m = Mapping::default();
        apply_roles(&mut m, &roles);
        assert_eq!(m.case.as_deref(), Some("booking"));
        assert_eq!(m.activity.as_deref(), Some("state"));
        assert!(parse_roles("colour=red")
            .unwrap_err()
            .contains("unknown role"));
        assert!(parse_roles("case").unwrap_err().contains("ROLE=COLUMN"));
        assert!(parse_roles("case=")
            .unwrap_err()
            .contains("names no column"));
    }

    #[test]
    fn secondaries_read_the_entity_as_case() {
        let o = ImportOptions::default();
        assert_eq!(source_options(0, &o, "machine").mapping.case, None);
        assert_eq!(
            source_options(1, &o, "machine").mapping.case.as_deref(),
            Some("machine")
        );
        let mut mapped = o.clone();
        mapped.mapping.case = Some("m".into());
        assert_eq!(
            source_options(2, &mapped, "machine")
                .mapping
                .case
                .as_deref(),
            Some("m")
        );
    }
}
