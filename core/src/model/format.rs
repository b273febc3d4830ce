//! Byte layout of the artifact (see the parent module): writing, and reading with every
//! length checked before it is used. No allocation is sized from an unchecked length.

use super::{ArtifactError, Header, ModelKind};
use sha2::{Digest, Sha256};

pub const MAGIC: &[u8; 8] = b"SPURMODL";
pub const FORMAT_VERSION: u16 = 1;
/// Largest artifact accepted anywhere: the decoder refuses more, and the edge stops reading an
/// upload at this many bytes + 1 (it keeps models in KV, whose values stop at 25 MiB).
pub const MAX_ARTIFACT_BYTES: usize = 24 << 20;
const FIXED: usize = 24; // magic + version + kind + created-at + summary length
const DIGEST: usize = 32;

pub(super) fn write(kind: u16, created_at_ms: i64, summary: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED + summary.len() + 8 + body.len() + DIGEST);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&created_at_ms.to_le_bytes());
    out.extend_from_slice(&(summary.len() as u32).to_le_bytes());
    out.extend_from_slice(summary);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    out
}

fn take<const N: usize>(bytes: &[u8], at: usize) -> Result<[u8; N], ArtifactError> {
    let end = at.checked_add(N).ok_or(ArtifactError::Truncated {
        needed: usize::MAX,
        got: bytes.len(),
    })?;
    bytes
        .get(at..end)
        .and_then(|s| s.try_into().ok())
        .ok_or(ArtifactError::Truncated {
            needed: end,
            got: bytes.len(),
        })
}

/// Verify the envelope; return the header and the body bytes.
pub(super) fn read(bytes: &[u8]) -> Result<(Header, &[u8]), ArtifactError> {
    if bytes.len() > MAX_ARTIFACT_BYTES {
        return Err(ArtifactError::TooLarge {
            size: bytes.len(),
            limit: MAX_ARTIFACT_BYTES,
        });
    }
    let prefix = bytes.len().min(MAGIC.len());
    if bytes[..prefix] != MAGIC[..prefix] {
        return Err(ArtifactError::BadMagic);
    }
    let version = u16::from_le_bytes(take::<2>(bytes, 8)?);
    if version != FORMAT_VERSION {
        return Err(ArtifactError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let kind_code = u16::from_le_bytes(take::<2>(bytes, 10)?);
    let created_at_ms = i64::from_le_bytes(take::<8>(bytes, 12)?);
    let summary_len = u32::from_le_bytes(take::<4>(bytes, 20)?) as usize;
    let body_len_at = FIXED
        .checked_add(summary_len)
        .ok_or(ArtifactError::Truncated {
            needed: usize::MAX,
            got: bytes.len(),
        })?;
    let body_len = u64::from_le_bytes(take::<8>(bytes, body_len_at)?);
    let body_at = body_len_at.checked_add(8).ok_or(ArtifactError::Truncated {
        needed: usize::MAX,
        got: bytes.len(),
    })?;
    let needed = usize::try_from(body_len)
        .ok()
        .and_then(|b| body_at.checked_add(b))
        .and_then(|e| e.checked_add(DIGEST))
        .ok_or(ArtifactError::Truncated {
            needed: usize::MAX,
            got: bytes.len(),
        })?;
    if bytes.len() < needed {
        return Err(ArtifactError::Truncated {
            needed,
            got: bytes.len(),
        });
    }
    if bytes.len() > needed {
        return Err(ArtifactError::Corrupt {
            part: "envelope",
            reason: format!("{} bytes after the checksum", bytes.len() - needed),
        });
    }
    let digest_at = needed - DIGEST;
    let digest = Sha256::digest(&bytes[..digest_at]);
    if digest.as_slice() != &bytes[digest_at..] {
        return Err(ArtifactError::ChecksumMismatch);
    }
    let kind =
        ModelKind::from_code(kind_code).ok_or(ArtifactError::UnknownKind { kind: kind_code })?;
    let summary =
        serde_json::from_slice(&bytes[FIXED..body_len_at]).map_err(|e| ArtifactError::Corrupt {
            part: "summary",
            reason: e.to_string(),
        })?;
    let header = Header {
        version,
        kind,
        created_at_ms,
        summary,
        body_bytes: body_len,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
    };
    Ok((header, &bytes[body_at..digest_at]))
}
