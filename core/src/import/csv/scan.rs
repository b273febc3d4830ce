//! The record cutter's block classifier: 64 input bytes at a time → one bit per byte for the
//! delimiter, `\n`, the bytes that need the state machine (`"`, `\r`) and the bytes the row
//! reader must look at again (NUL, non-ASCII), so a plain line is cut with a few compares and
//! bit scans instead of one search call per field.
//!
//! SSE2 on x86-64 (always present there), `simd128` on wasm32 when the build enables it (see
//! `.cargo/config.toml`), a scalar loop elsewhere; all three give the same masks (tested).

/// The classes of the bytes of one block: bit `i` is byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Masks {
    pub(super) delim: u64,
    pub(super) newline: u64,
    /// `"` or `\r`: the line needs the state machine (unless it is a `\r\n` line end).
    pub(super) stop: u64,
    /// NUL or a byte ≥ 0x80: the row reader checks the record itself.
    pub(super) dirty: u64,
}

impl Masks {
    /// The masks of the bytes from `shift` on (bit 0 = byte `shift`).
    fn shifted(self, shift: u32) -> Masks {
        Masks {
            delim: self.delim >> shift,
            newline: self.newline >> shift,
            stop: self.stop >> shift,
            dirty: self.dirty >> shift,
        }
    }
}

/// Bytes per block.
pub(super) const BLOCK: usize = 64;

/// Walks `data` in 64-byte blocks, classifying each block once.
pub(super) struct Scanner<'d> {
    data: &'d [u8],
    delim: u8,
    /// Start of the classified block, and its masks (bits past the data are clear).
    at: usize,
    masks: Masks,
    valid: bool,
}

impl<'d> Scanner<'d> {
    pub(super) fn new(data: &'d [u8], delim: u8) -> Self {
        Scanner {
            data,
            delim,
            at: 0,
            masks: Masks::default(),
            valid: false,
        }
    }

    /// The masks of the bytes from `pos` on, and how many bytes they cover (≥ 1 when `pos`
    /// is inside the data; bits past the data are clear).
    pub(super) fn masks_at(&mut self, pos: usize) -> (Masks, usize) {
        if !(self.valid && pos >= self.at && pos < self.at + BLOCK) {
            self.at = pos;
            self.masks = classify_at(self.data, pos, self.delim);
            self.valid = true;
        }
        let shift = pos - self.at;
        let covered = (self.at + BLOCK).min(self.data.len()).saturating_sub(pos);
        (self.masks.shifted(shift as u32), covered)
    }
}

/// The masks of `data[pos..pos + 64]` (a short tail is padded; its padding bits are clear).
fn classify_at(data: &[u8], pos: usize, delim: u8) -> Masks {
    let rest = data.get(pos..).unwrap_or_default();
    if let Some(block) = rest.first_chunk::<BLOCK>() {
        return classify(block, delim);
    }
    let mut block = [b' '; BLOCK];
    block[..rest.len()].copy_from_slice(rest);
    let m = classify(&block, delim);
    let keep = if rest.len() >= BLOCK {
        u64::MAX
    } else {
        (1u64 << rest.len()) - 1
    };
    Masks {
        delim: m.delim & keep,
        newline: m.newline & keep,
        stop: m.stop & keep,
        dirty: m.dirty & keep,
    }
}

#[cfg(target_arch = "x86_64")]
pub(super) fn classify(block: &[u8; BLOCK], delim: u8) -> Masks {
    // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
    unsafe { classify_sse2(block, delim) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; BLOCK], delim: u8) -> Masks {
    use std::arch::x86_64::*;
    // A vector is built from two little-endian words (no pointer reads); the compiler turns
    // that into one unaligned load.
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&block[i..i + 8]);
        i64::from_le_bytes(w)
    };
    let (d, nl, q, cr, zero) = (
        _mm_set1_epi8(delim as i8),
        _mm_set1_epi8(b'\n' as i8),
        _mm_set1_epi8(b'"' as i8),
        _mm_set1_epi8(b'\r' as i8),
        _mm_setzero_si128(),
    );
    let mut m = Masks::default();
    for k in 0..BLOCK / 16 {
        let v = _mm_set_epi64x(word(k * 16 + 8), word(k * 16));
        let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64 & 0xffff) << (k * 16);
        m.delim |= bits(_mm_cmpeq_epi8(v, d));
        m.newline |= bits(_mm_cmpeq_epi8(v, nl));
        m.stop |= bits(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, cr)));
        // The top bit of a byte ≥ 0x80 is set; movemask reads exactly the top bits.
        m.dirty |= bits(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
    }
    m
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) fn classify(block: &[u8; BLOCK], delim: u8) -> Masks {
    // wasm32's SIMD intrinsics are safe functions (a module either validates with them or not).
    use std::arch::wasm32::*;
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&block[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let (d, nl, q, cr, zero) = (
        u8x16_splat(delim),
        u8x16_splat(b'\n'),
        u8x16_splat(b'"'),
        u8x16_splat(b'\r'),
        u8x16_splat(0),
    );
    let mut m = Masks::default();
    for k in 0..BLOCK / 16 {
        let v = u64x2(word(k * 16), word(k * 16 + 8));
        let bits = |x: v128| (u8x16_bitmask(x) as u64) << (k * 16);
        m.delim |= bits(u8x16_eq(v, d));
        m.newline |= bits(u8x16_eq(v, nl));
        m.stop |= bits(v128_or(u8x16_eq(v, q), u8x16_eq(v, cr)));
        m.dirty |= bits(v128_or(v, u8x16_eq(v, zero)));
    }
    m
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
pub(super) fn classify(block: &[u8; BLOCK], delim: u8) -> Masks {
    classify_scalar(block, delim)
}

/// The reference classifier (and the fallback without SIMD).
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
pub(super) fn classify_scalar(block: &[u8; BLOCK], delim: u8) -> Masks {
    let mut m = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        if b == delim {
            m.delim |= bit;
        }
        if b == b'\n' {
            m.newline |= bit;
        }
        if b == b'"' || b == b'\r' {
            m.stop |= bit;
        }
        if b == 0 || b >= 0x80 {
            m.dirty |= bit;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simd_masks_equal_the_scalar_ones() {
        // Every byte value at every position, for a few delimiters.
        for delim in [b',', b';', b'\t', b'|'] {
            for start in 0..=255u8 {
                let mut block = [0u8; BLOCK];
                for (i, b) in block.iter_mut().enumerate() {
                    *b = start.wrapping_add((i as u8).wrapping_mul(37));
                }
                assert_eq!(
                    classify(&block, delim),
                    classify_scalar(&block, delim),
                    "{delim} {start}"
                );
            }
        }
    }

    #[test]
    fn the_scanner_covers_tails_and_reuses_blocks() {
        let data = b"a,b\r\nccc,\"d\"\n\x00,\xe9\n";
        let mut s = Scanner::new(data, b',');
        let (m, n) = s.masks_at(0);
        assert_eq!(n, data.len());
        assert_eq!(m.delim, 1 << 1 | 1 << 8 | 1 << 14);
        assert_eq!(m.newline, 1 << 4 | 1 << 12 | 1 << 16);
        assert_eq!(m.stop, 1 << 3 | 1 << 9 | 1 << 11);
        assert_eq!(m.dirty, 1 << 13 | 1 << 15);
        let (m5, n5) = s.masks_at(5);
        assert_eq!((m5, n5), (m.shifted(5), data.len() - 5));
        let long = vec![b'x'; 200];
        let mut s = Scanner::new(&long, b',');
        assert_eq!(s.masks_at(10).1, 64);
        assert_eq!(s.masks_at(74).1, 64);
        assert_eq!(s.masks_at(190).1, 10);
    }
}
