//! Customer profiles (the feature store's records): preferred categories that boost
//! recommendations. Parsed from JSON, one object per profile or NDJSON lines, validated.

use super::RecoError;
use serde::{Deserialize, Serialize};

/// Longest customer id, category name (bytes), most categories per profile.
pub const MAX_ID_BYTES: usize = 128;
pub const MAX_CATEGORIES: usize = 32;
/// Largest profile JSON accepted.
pub const MAX_PROFILE_BYTES: usize = 16 << 10;

/// What the shop knows about a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerProfile {
    pub customer_id: String,
    /// Most preferred first.
    #[serde(default)]
    pub preferred_categories: Vec<String>,
}

impl CustomerProfile {
    /// Check the bounds (ids and names non-empty, short; not too many categories).
    pub fn validate(&self) -> Result<(), RecoError> {
        let bad = |field: &str, reason: String| RecoError::Invalid {
            field: field.to_string(),
            reason,
        };
        if self.customer_id.is_empty() || self.customer_id.len() > MAX_ID_BYTES {
            return Err(bad(
                "customer_id",
                format!("must be 1 to {MAX_ID_BYTES} bytes"),
            ));
        }
        if self.preferred_categories.len() > MAX_CATEGORIES {
            return Err(bad(
                "preferred_categories",
                format!(
                    "{} categories; at most {MAX_CATEGORIES}",
                    self.preferred_categories.len()
                ),
            ));
        }
        for (i, c) in self.preferred_categories.iter().enumerate() {
            if c.is_empty() || c.len() > MAX_ID_BYTES {
                return Err(bad(
                    &format!("preferred_categories[{i}]"),
                    format!("must be 1 to {MAX_ID_BYTES} bytes"),
                ));
            }
        }
        Ok(())
    }
}

/// Parse and validate one profile (a JSON object).
pub fn parse_profile(bytes: &[u8]) -> Result<CustomerProfile, RecoError> {
    if bytes.len() > MAX_PROFILE_BYTES {
        return Err(RecoError::Limit {
            what: "the profile's size in bytes",
            got: bytes.len(),
            limit: MAX_PROFILE_BYTES,
        });
    }
    // serde reads a struct from an array too (`["c1"]`): only an object is a profile.
    if bytes.trim_ascii_start().first() == Some(&b'[') {
        return Err(RecoError::Invalid {
            field: ".".into(),
            reason: "an array; a profile is a JSON object".into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let p: CustomerProfile =
        serde_path_to_error::deserialize(&mut de).map_err(|e| RecoError::Invalid {
            field: e.path().to_string(),
            reason: e.inner().to_string(),
        })?;
    de.end().map_err(|e| RecoError::Invalid {
        field: ".".into(),
        reason: e.to_string(),
    })?;
    p.validate()?;
    Ok(p)
}

/// Parse NDJSON profiles: the accepted ones, and (1-based line, error) for each refused line.
/// Blank lines are skipped.
pub fn parse_profiles_ndjson(bytes: &[u8]) -> (Vec<CustomerProfile>, Vec<(usize, RecoError)>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match parse_profile(line) {
            Ok(p) => ok.push(p),
            Err(e) => bad.push((n + 1, e)),
        }
    }
    (ok, bad)
}
