//! The model artifact: versioned, checksummed bytes that carry a trained model from where it
//! was trained (browser, CLI) to where it scores (edge worker, browser, CLI).
//!
//! Layout (all integers little-endian), format version 1:
//!
//! ```text
//! 0   8   magic  b"SPURMODL"
//! 8   2   format version (1)
//! 10  2   model kind (1 = leads, 2 = recommender, reserved)
//! 12  8   created-at, ms since the epoch (i64, given by the caller: core reads no clock)
//! 20  4   summary length S
//! 24  S   training summary, JSON (readable without decoding the body)
//! ..  8   body length B
//! ..  B   body: the model, postcard-encoded (compact, deterministic)
//! ..  32  SHA-256 of every byte before it (header and body)
//! ```
//!
//! Decoding checks, in this order: size limit, magic, version, completeness, checksum, kind,
//! then decodes and validates the model, so a bad artifact is refused with a typed
//! [`ArtifactError`] (stable [`ArtifactError::code`]) and never half-loaded; the caller keeps
//! serving the previous model. Encoding the same model with the same `created_at_ms` gives the
//! same bytes.

mod format;

use crate::leads::ranking::LeadModel;
use serde::{Deserialize, Serialize};

pub use format::{FORMAT_VERSION, MAGIC, MAX_ARTIFACT_BYTES};

/// Which model a artifact holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Leads,
    /// The shop recommender (`crate::reco`); `"reco"` on the wire.
    #[serde(rename = "reco")]
    Recommender,
}

impl ModelKind {
    pub fn code(self) -> u16 {
        match self {
            ModelKind::Leads => 1,
            ModelKind::Recommender => 2,
        }
    }

    /// Every kind, for adapters that keep one slot per kind (the edge's model store).
    pub const ALL: [ModelKind; 2] = [ModelKind::Leads, ModelKind::Recommender];

    /// Stable name, used in KV keys and in JSON (`"leads"`); never Rust's `Debug` output.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Leads => "leads",
            ModelKind::Recommender => "reco",
        }
    }

    pub fn from_code(code: u16) -> Option<ModelKind> {
        match code {
            1 => Some(ModelKind::Leads),
            2 => Some(ModelKind::Recommender),
            _ => None,
        }
    }
}

/// A decoded model.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Leads(LeadModel),
    Reco(Box<crate::reco::RecoModel>),
}

impl Model {
    pub fn kind(&self) -> ModelKind {
        match self {
            Model::Leads(_) => ModelKind::Leads,
            Model::Reco(_) => ModelKind::Recommender,
        }
    }

    fn summary(&self) -> serde_json::Value {
        match self {
            Model::Leads(m) => serde_json::to_value(m.summary()).unwrap_or(serde_json::Value::Null),
            Model::Reco(m) => serde_json::to_value(m.summary()).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// The header of an artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub version: u16,
    pub kind: ModelKind,
    pub created_at_ms: i64,
    /// Training summary (JSON object; for leads, `leads::ranking::TrainingSummary`).
    pub summary: serde_json::Value,
    pub body_bytes: u64,
    /// SHA-256 of header and body, lowercase hex.
    pub sha256: String,
}

/// A decoded artifact: its header and its model.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    pub header: Header,
    pub model: Model,
}

/// Why an artifact was refused. Every variant is the bytes' fault (a 4xx for an upload).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArtifactError {
    #[error("the artifact is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("not a Spur model artifact (wrong magic bytes)")]
    BadMagic,
    #[error(
        "artifact format version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("the artifact is truncated: {needed} bytes needed, {got} present")]
    Truncated { needed: usize, got: usize },
    #[error("checksum mismatch: the artifact is damaged")]
    ChecksumMismatch,
    #[error("unknown model kind {kind}")]
    UnknownKind { kind: u16 },
    #[error("this build cannot load {} models", .kind.name())]
    UnsupportedKind { kind: ModelKind },
    #[error("expected a {} model, the artifact holds a {} model", .expected.name(), .found.name())]
    WrongKind {
        expected: ModelKind,
        found: ModelKind,
    },
    #[error("the artifact's {part} is invalid: {reason}")]
    Corrupt { part: &'static str, reason: String },
}

impl ArtifactError {
    /// Stable code for `{"error":{"code":...}}`.
    pub fn code(&self) -> &'static str {
        match self {
            ArtifactError::TooLarge { .. } => "artifact_too_large",
            ArtifactError::BadMagic => "artifact_bad_magic",
            ArtifactError::UnsupportedVersion { .. } => "artifact_unsupported_version",
            ArtifactError::Truncated { .. } => "artifact_truncated",
            ArtifactError::ChecksumMismatch => "artifact_checksum_mismatch",
            ArtifactError::UnknownKind { .. } => "artifact_unknown_kind",
            ArtifactError::UnsupportedKind { .. } => "artifact_unsupported_kind",
            ArtifactError::WrongKind { .. } => "artifact_wrong_kind",
            ArtifactError::Corrupt { .. } => "artifact_corrupt",
        }
    }

    /// HTTP status an adapter should answer an upload with.
    pub fn status(&self) -> u16 {
        match self {
            ArtifactError::TooLarge { .. } => 413,
            _ => 400,
        }
    }
}

/// Encode `model` as an artifact stamped `created_at_ms`.
pub fn encode(model: &Model, created_at_ms: i64) -> Vec<u8> {
    let body = match model {
        Model::Leads(m) => postcard::to_allocvec(m).unwrap_or_default(),
        Model::Reco(m) => crate::reco::artifact::body(m),
    };
    let summary = serde_json::to_vec(&model.summary()).unwrap_or_default();
    format::write(model.kind().code(), created_at_ms, &summary, &body)
}

/// Wrap an already encoded body (`kind`'s own encoder made it) in the envelope.
pub fn encode_parts(kind: ModelKind, created_at_ms: i64, summary: &[u8], body: &[u8]) -> Vec<u8> {
    format::write(kind.code(), created_at_ms, summary, body)
}

/// Encode a lead model (shorthand for `encode(&Model::Leads(..))`).
pub fn encode_leads(model: &LeadModel, created_at_ms: i64) -> Vec<u8> {
    encode(&Model::Leads(model.clone()), created_at_ms)
}

/// Check and read the header only (magic, version, completeness and checksum are verified;
/// the body is not decoded).
pub fn read_header(bytes: &[u8]) -> Result<Header, ArtifactError> {
    format::read(bytes).map(|(header, _)| header)
}

/// Check and decode an artifact.
pub fn decode(bytes: &[u8]) -> Result<Artifact, ArtifactError> {
    let (header, body) = format::read(bytes)?;
    let model = match header.kind {
        ModelKind::Leads => {
            let m: LeadModel = postcard::from_bytes(body).map_err(|e| ArtifactError::Corrupt {
                part: "body",
                reason: e.to_string(),
            })?;
            m.validate().map_err(|reason| ArtifactError::Corrupt {
                part: "lead model",
                reason,
            })?;
            Model::Leads(m)
        }
        ModelKind::Recommender => Model::Reco(Box::new(crate::reco::artifact::decode_body(body)?)),
    };
    Ok(Artifact { header, model })
}

/// Decode an artifact that must hold a lead model.
pub fn decode_leads(bytes: &[u8]) -> Result<(Header, LeadModel), ArtifactError> {
    let header = read_header(bytes)?;
    if header.kind != ModelKind::Leads {
        return Err(ArtifactError::WrongKind {
            expected: ModelKind::Leads,
            found: header.kind,
        });
    }
    match decode(bytes)? {
        Artifact {
            header,
            model: Model::Leads(m),
        } => Ok((header, m)),
        other => Err(ArtifactError::WrongKind {
            expected: ModelKind::Leads,
            found: other.header.kind,
        }),
    }
}

#[cfg(test)]
mod tests;
