//! A page of the cases table as compact little-endian bytes: what the browser's worker sends to
//! the UI thread for the rows on screen (a transferred `ArrayBuffer`, never JSON).
//!
//! Layout (all little-endian; `n` = rows):
//! ```text
//! b"SPC1"            magic and version
//! u32 n
//! i64 start_ms × n   i64::MIN = no timestamp
//! i64 end_ms × n     i64::MIN = no timestamp
//! u32 events × n
//! u32 variant × n
//! u32 id_bytes × n   length of each case id in bytes
//! u8 ids…            the UTF-8 case ids, concatenated
//! ```
//! The fixed-width columns come first and are 8-byte aligned, so a JS reader could view them as
//! typed arrays; lengths rather than separators keep ids with any character intact. Decoding
//! checks every length and the UTF-8, and never panics on hostile bytes.

use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 4] = b"SPC1";
const NONE: i64 = i64::MIN;

/// One row of the cases table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: String,
    pub events: u32,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// 1-based variant rank.
    pub variant: u32,
}

impl CaseRow {
    /// End − start in ms, `None` without timestamps.
    pub fn duration_ms(&self) -> Option<i64> {
        self.end_ms?.checked_sub(self.start_ms?)
    }
}

/// Consecutive rows of the cases table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
}

/// Why bytes are not a [`CasePage`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("not a cases page (bad magic or version)")]
    Magic,
    #[error("cases page truncated: {need} bytes needed, {have} present")]
    Truncated { need: usize, have: usize },
    #[error("cases page has {0} trailing bytes")]
    Trailing(usize),
    #[error("case id of row {0} is not UTF-8")]
    Utf8(usize),
}

impl CasePage {
    /// The page as bytes (see the module documentation for the layout).
    pub fn encode(&self) -> Vec<u8> {
        let n = self.rows.len();
        let ids: usize = self.rows.iter().map(|r| r.id.len()).sum();
        let mut out = Vec::with_capacity(8 + n * 28 + ids);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(n as u32).to_le_bytes());
        for r in &self.rows {
            out.extend_from_slice(&r.start_ms.unwrap_or(NONE).to_le_bytes());
        }
        for r in &self.rows {
            out.extend_from_slice(&r.end_ms.unwrap_or(NONE).to_le_bytes());
        }
        for r in &self.rows {
            out.extend_from_slice(&r.events.to_le_bytes());
        }
        for r in &self.rows {
            out.extend_from_slice(&r.variant.to_le_bytes());
        }
        for r in &self.rows {
            out.extend_from_slice(&(r.id.len() as u32).to_le_bytes());
        }
        for r in &self.rows {
            out.extend_from_slice(r.id.as_bytes());
        }
        out
    }

    /// Read bytes written by [`CasePage::encode`].
    pub fn decode(bytes: &[u8]) -> Result<CasePage, PageError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(PageError::Magic);
        }
        let n = r.u32()? as usize;
        // Each row needs at least 28 bytes: refuse an impossible count before allocating.
        r.need(n.saturating_mul(28))?;
        let mut col_i64 = || -> Result<Vec<Option<i64>>, PageError> {
            (0..n)
                .map(|_| {
                    let v = i64::from_le_bytes(r.array()?);
                    Ok((v != NONE).then_some(v))
                })
                .collect()
        };
        let start = col_i64()?;
        let end = col_i64()?;
        let mut col_u32 = || -> Result<Vec<u32>, PageError> { (0..n).map(|_| r.u32()).collect() };
        let events = col_u32()?;
        let variant = col_u32()?;
        let lens = col_u32()?;
        let mut rows = Vec::with_capacity(n);
        for (i, len) in lens.into_iter().enumerate() {
            let id = std::str::from_utf8(r.take(len as usize)?).map_err(|_| PageError::Utf8(i))?;
            rows.push(CaseRow {
                id: id.to_string(),
                events: events[i],
                start_ms: start[i],
                end_ms: end[i],
                variant: variant[i],
            });
        }
        if r.at != bytes.len() {
            return Err(PageError::Trailing(bytes.len() - r.at));
        }
        Ok(CasePage { rows })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn need(&self, k: usize) -> Result<(), PageError> {
        let need = self.at.saturating_add(k);
        if need > self.bytes.len() {
            return Err(PageError::Truncated {
                need,
                have: self.bytes.len(),
            });
        }
        Ok(())
    }

    fn take(&mut self, k: usize) -> Result<&'a [u8], PageError> {
        self.need(k)?;
        let s = &self.bytes[self.at..self.at + k];
        self.at += k;
        Ok(s)
    }

    fn array<const K: usize>(&mut self) -> Result<[u8; K], PageError> {
        let mut a = [0u8; K];
        a.copy_from_slice(self.take(K)?);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, PageError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}
