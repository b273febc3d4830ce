//! The XES tokenizer: a small hand-written XML tokenizer the push-shaped importer can resume,
//! with no knowledge of XES elements (that is `importer`).
//!
//! A pull parser would not fit the push shape: here each pushed chunk is cut into complete
//! tokens (tags, comments, processing instructions, CDATA) and an incomplete tail waits for
//! the next chunk. Start tags are framed and parsed in one pass, keeping only the `key` and
//! `value` attributes (all XES needs), read in place. It checks what XES needs (tags nest and
//! close in order, attribute values are quoted, text is UTF-8 or the declared Latin-1) and
//! nothing more: no DTDs, no namespaces, no entities beyond the five predefined ones and
//! character references.

use crate::import::bytes::{find_byte, latin1};
use memchr::{memchr, memmem};

/// Length of the complete token starting at `rest[0] == b'<'`, or `None` if it is incomplete.
pub(super) fn token_end(rest: &[u8]) -> Option<usize> {
    let find = |pat: &[u8], from: usize| -> Option<usize> {
        memmem::find(rest.get(from..)?, pat).map(|p| from + p + pat.len())
    };
    match rest.get(1)? {
        b'?' => find(b"?>", 2),
        b'!' => {
            if rest.starts_with(b"<!--") {
                find(b"-->", 4)
            } else if rest.starts_with(b"<![CDATA[") {
                find(b"]]>", 9)
            } else if rest.len() < 9
                && (b"<![CDATA[".starts_with(rest) || b"<!--".starts_with(rest))
            {
                None
            } else {
                let gt = memchr(b'>', rest)?;
                match memchr(b'[', &rest[..gt]) {
                    Some(_) => find(b"]>", 2),
                    None => Some(gt + 1),
                }
            }
        }
        _ => {
            // Tags are short: a plain loop beats a search call per quote.
            let mut i = 1;
            while let Some(&c) = rest.get(i) {
                match c {
                    b'>' => return Some(i + 1),
                    b'"' | b'\'' => i += find_byte(&rest[i + 1..], c)? + 2,
                    _ => i += 1,
                }
            }
            None
        }
    }
}

/// A start tag, framed and parsed in one pass.
pub(super) struct StartTag<'a> {
    pub(super) len: usize,
    pub(super) name: &'a [u8],
    pub(super) self_closing: bool,
    pub(super) key: Option<&'a [u8]>,
    pub(super) value: Option<&'a [u8]>,
}

/// Parse the start tag at `rest[0] == b'<'`: `Ok(None)` if it is incomplete, `Err` if it is
/// malformed. Only the `key` and `value` attributes are kept (all XES needs).
pub(super) fn start_tag(rest: &[u8]) -> Result<Option<StartTag<'_>>, &'static str> {
    let n = rest.len();
    let space = |c: u8| c.is_ascii_whitespace();
    let mut i = 1;
    while i < n && !space(rest[i]) && rest[i] != b'>' && rest[i] != b'/' {
        i += 1;
    }
    let name = &rest[1..i.min(n)];
    if name.is_empty() && i < n {
        return Err("a `<` that starts no element");
    }
    let (mut key, mut value) = (None, None);
    loop {
        while i < n && space(rest[i]) {
            i += 1;
        }
        let Some(&c) = rest.get(i) else {
            return Ok(None);
        };
        match c {
            b'>' => {
                return Ok(Some(StartTag {
                    len: i + 1,
                    name,
                    self_closing: false,
                    key,
                    value,
                }))
            }
            b'/' => {
                return match rest.get(i + 1) {
                    None => Ok(None),
                    Some(b'>') => Ok(Some(StartTag {
                        len: i + 2,
                        name,
                        self_closing: true,
                        key,
                        value,
                    })),
                    Some(_) => Err("a `/` inside a tag"),
                }
            }
            _ => {}
        }
        let a0 = i;
        while i < n && rest[i] != b'=' && !space(rest[i]) && rest[i] != b'>' && rest[i] != b'/' {
            i += 1;
        }
        let attr_name = &rest[a0..i.min(n)];
        while i < n && space(rest[i]) {
            i += 1;
        }
        match rest.get(i) {
            None => return Ok(None),
            Some(b'=') => i += 1,
            Some(_) => return Err("an attribute without `=value` in a tag"),
        }
        while i < n && space(rest[i]) {
            i += 1;
        }
        let q = match rest.get(i) {
            None => return Ok(None),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return Err("an attribute value without quotes in a tag"),
        };
        let v0 = i + 1;
        let Some(len) = find_byte(&rest[v0..], q) else {
            return Ok(None);
        };
        let v = &rest[v0..v0 + len];
        i = v0 + len + 1;
        match attr_name {
            b"key" => key = Some(v),
            b"value" => value = Some(v),
            _ => {}
        }
    }
}

/// `name="value"` pairs of a start tag.
struct AttrIter<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<(&'a [u8], &'a [u8]), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.s;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        if self.i >= s.len() {
            return None;
        }
        let start = self.i;
        while self.i < s.len() && s[self.i] != b'=' && !s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let name = &s[start..self.i];
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        if s.get(self.i) != Some(&b'=') {
            self.i = s.len();
            return Some(Err("an attribute without `=value` in a tag"));
        }
        self.i += 1;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let q = match s.get(self.i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.i = s.len();
                return Some(Err("an attribute value without quotes in a tag"));
            }
        };
        let vstart = self.i + 1;
        let Some(len) = find_byte(&s[vstart..], q) else {
            self.i = s.len();
            return Some(Err("an attribute value whose quote is not closed"));
        };
        self.i = vstart + len + 1;
        Some(Ok((name, &s[vstart..vstart + len])))
    }
}

/// The value of attribute `name` in a tag body.
pub(super) fn find_attr<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    AttrIter { s, i: 0 }
        .filter_map(Result::ok)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Decode an attribute value: UTF-8 (Latin-1 when declared or when the bytes are not UTF-8,
/// reported by the `bool`), entities resolved. Borrows when nothing needs changing.
pub(super) fn decode<'a>(raw: &'a [u8], latin1: bool, scratch: &'a mut String) -> (&'a str, bool) {
    let mut repaired = false;
    let text: &str = if !latin1 && !raw.contains(&b'&') {
        match std::str::from_utf8(raw) {
            Ok(s) => return (s, false),
            Err(_) => {
                repaired = true;
                scratch.clear();
                scratch.extend(raw.iter().map(|&b| b as char));
                return (scratch.as_str(), repaired);
            }
        }
    } else {
        match (latin1, std::str::from_utf8(raw)) {
            (false, Ok(s)) => s,
            (false, Err(_)) => {
                repaired = true;
                return (unescape_latin1(raw, scratch), repaired);
            }
            (true, _) => return (unescape_latin1(raw, scratch), false),
        }
    };
    scratch.clear();
    unescape_into(text, scratch);
    (scratch.as_str(), repaired)
}

fn unescape_latin1<'a>(raw: &[u8], scratch: &'a mut String) -> &'a str {
    let s = latin1(raw);
    scratch.clear();
    unescape_into(&s, scratch);
    scratch.as_str()
}

/// Resolve `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`; anything else is kept as written.
pub(super) fn unescape_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(end) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let ch = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| ent.strip_prefix('#').map(|d| d.parse::<u32>()))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_framed_across_quotes_and_comments() {
        assert_eq!(token_end(b"<a b=\"x>y\"/>rest"), Some(12));
        assert_eq!(token_end(b"<a b=\"x>y"), None);
        assert_eq!(token_end(b"<!-- a > b -->x"), Some(14));
        assert_eq!(token_end(b"<!-"), None);
        assert_eq!(token_end(b"<?xml version='1.0'?>"), Some(21));
        assert_eq!(token_end(b"<"), None);
    }

    #[test]
    fn entities() {
        let mut out = String::new();
        unescape_into("a &lt;b&gt; &amp;&#65;&#x42; &bogus; & end", &mut out);
        assert_eq!(out, "a <b> &AB &bogus; & end");
        out.clear();
        unescape_into("&§233; &#1114112; &#xD800; &§§§§§§;", &mut out);
        assert_eq!(out, "&§233; &#1114112; &#xD800; &§§§§§§;");
    }
}
