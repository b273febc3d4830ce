//! Byte-search helpers every text importer shares (CSV records, the XES tokenizer, format
//! detection), so there is one tuned copy of each.
//!
//! The searches start with a plain loop over the first bytes because the distance to the next
//! delimiter or `<` is usually short, where a `memchr` call costs more than it saves; past that
//! they hand over to `memchr`. Nothing here allocates except [`latin1`].

use memchr::{memchr, memchr3};

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Position of `b` in `hay`: a plain loop over the first 48 bytes (the usual distance between
/// XES tokens and inside attribute values), then memchr.
pub(crate) fn find_byte(hay: &[u8], b: u8) -> Option<usize> {
    const SHORT: usize = 48;
    let head = &hay[..hay.len().min(SHORT)];
    match head.iter().position(|&c| c == b) {
        Some(p) => Some(p),
        None if hay.len() > SHORT => memchr(b, &hay[SHORT..]).map(|p| p + SHORT),
        None => None,
    }
}

/// Position of the first of `a`, `b`, `c` in `hay`: a plain loop over the first 32 bytes
/// (CSV fields are short), then memchr3.
pub(crate) fn find_byte3(hay: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    const SHORT: usize = 32;
    let head = &hay[..hay.len().min(SHORT)];
    match head.iter().position(|&x| x == a || x == b || x == c) {
        Some(p) => Some(p),
        None if hay.len() > SHORT => memchr3(a, b, c, &hay[SHORT..]).map(|p| p + SHORT),
        None => None,
    }
}

/// Number of `\n` bytes in `b`.
pub(crate) fn count_newlines(b: &[u8]) -> u64 {
    // Eight bytes at a time (SWAR): a byte of `x` is zero exactly where `b` holds '\n'.
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut n = 0u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a) ^ 0x0a0a_0a0a_0a0a_0a0a;
        let nonzero = (((x & LOW7) + LOW7) | x) & !LOW7;
        n += 8 - nonzero.count_ones() as u64;
    }
    n + words.remainder().iter().filter(|&&c| c == b'\n').count() as u64
}

/// `bytes` read as ISO-8859-1: every byte is the character of the same number.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_counted_exactly() {
        for text in [
            "",
            "\n",
            "a\nb\n\n",
            "0123456\n89\n\n\n\n\n\n\nx\x7f\x0b\x09\n",
            "\u{10a}\n\u{a0a}",
        ] {
            assert_eq!(
                count_newlines(text.as_bytes()),
                text.matches('\n').count() as u64,
                "{text:?}"
            );
        }
        let all: Vec<u8> = (0..=255).cycle().take(4096).collect();
        assert_eq!(count_newlines(&all), 16);
    }

    #[test]
    fn searches_cross_the_short_loop() {
        let mut hay = vec![b'x'; 100];
        hay[70] = b'<';
        assert_eq!(find_byte(&hay, b'<'), Some(70));
        assert_eq!(find_byte(&hay[71..], b'<'), None);
        hay[40] = b'\r';
        assert_eq!(find_byte3(&hay, b',', b'\n', b'\r'), Some(40));
        assert_eq!(find_byte3(&hay[..40], b',', b'\n', b'\r'), None);
        assert_eq!(strip_bom(b"\xEF\xBB\xBFa"), b"a");
        assert_eq!(latin1(b"caf\xe9"), "café");
    }
}
