//! CSV records: a resumable, quote-aware state machine that cuts pushed chunks into records
//! and fields, with no knowledge of columns, roles or types (that is `rows`).
//!
//! Quoted fields may hold delimiters, `""` and newlines; `\n`, `\r\n` and `\r` end records, so
//! chunks can split anywhere. A line without quotes or lone `\r` is cut in place (no copy),
//! its delimiters found 64 bytes at a time by `scan`; anything else goes through the state
//! machine into a reused buffer. A record longer than the limit stops the read as soon as the
//! limit is crossed, before the rest of a runaway line is read. Lines are counted so every record says where it starts.

use super::scan::Scanner;
use crate::import::bytes::{count_newlines, find_byte3};
use crate::import::ImportError;
use memchr::memchr;

/// One record cut by [`RecordReader`].
pub(crate) struct Record<'a> {
    pub(crate) bytes: &'a [u8],
    /// Byte range of each field in `bytes`.
    spans: &'a [(usize, usize)],
    /// Line where the record starts.
    pub(crate) line: u64,
    /// `bytes` as text, when the cutter already knows it is UTF-8.
    pub(crate) text: Option<&'a str>,
    /// The cutter saw no NUL byte in `bytes`.
    pub(crate) nul_free: bool,
}

impl<'a> Record<'a> {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        let &(start, end) = self.spans.get(i)?;
        self.bytes.get(start..end)
    }
    /// Byte range of field `i` in `bytes`.
    pub(crate) fn span(&self, i: usize) -> (usize, usize) {
        self.spans.get(i).copied().unwrap_or((0, 0))
    }

    pub(crate) fn fields(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
    AfterCr,
}

/// Resumable, quote-aware record cutter.
pub(crate) struct RecordReader {
    delim: u8,
    state: St,
    record: Vec<u8>,
    ends: Vec<usize>,
    /// The line reached: 1 + the newlines read.
    pub(crate) line: u64,
    record_line: u64,
    quote_line: u64,
    max: usize,
    /// Records handed to the sink so far.
    pub(crate) emitted: u64,
    spans: Vec<(usize, usize)>,
}

pub(crate) type Sink<'s> = dyn FnMut(Record<'_>) -> Result<(), ImportError> + 's;

impl RecordReader {
    pub(crate) fn new(delim: u8, max: usize) -> Self {
        RecordReader {
            delim,
            state: St::FieldStart,
            record: Vec::new(),
            ends: Vec::new(),
            line: 1,
            record_line: 1,
            quote_line: 1,
            max,
            emitted: 0,
            spans: Vec::new(),
        }
    }

    fn end_field(&mut self) {
        self.ends.push(self.record.len());
    }

    fn emit(&mut self, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        self.end_field();
        let blank = self.ends.len() == 1 && self.record.is_empty();
        if !blank {
            self.emitted += 1;
            self.spans.clear();
            let mut start = 0;
            for &end in &self.ends {
                self.spans.push((start, end));
                start = end;
            }
            sink(Record {
                bytes: &self.record,
                spans: &self.spans,
                line: self.record_line,
                text: None,
                nul_free: false,
            })?;
        }
        self.record.clear();
        self.ends.clear();
        Ok(())
    }

    fn check(&self) -> Result<(), ImportError> {
        if self.record.len() > self.max {
            return Err(ImportError::TooLong {
                line: self.record_line,
                what: "CSV row",
                limit: self.max,
            });
        }
        Ok(())
    }

    pub(crate) fn feed(&mut self, data: &[u8], sink: &mut Sink<'_>) -> Result<(), ImportError> {
        const Q: u8 = b'"';
        let mut i = 0;
        let mut scan = Scanner::new(data, self.delim);
        // The UTF-8 prefix of the chunk, checked once: records cut in place are read from it.
        let text = match std::str::from_utf8(data) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
        };
        while i < data.len() {
            if self.state == St::FieldStart && self.record.is_empty() && self.ends.is_empty() {
                let to = self.fast_lines(data, i, text, &mut scan, sink)?;
                if to >= data.len() {
                    break;
                }
                // The line at `to` needs the state machine (it runs to that line's end).
                i = to;
            }
            match self.state {
                St::FieldStart => {
                    if data[i] == Q {
                        self.state = St::Quoted;
                        self.quote_line = self.line;
                        i += 1;
                    } else {
                        self.state = St::Unquoted;
                    }
                }
                St::Unquoted => match find_byte3(&data[i..], self.delim, b'\n', b'\r') {
                    None => {
                        self.record.extend_from_slice(&data[i..]);
                        i = data.len();
                        self.check()?;
                    }
                    Some(o) => {
                        self.record.extend_from_slice(&data[i..i + o]);
                        self.check()?;
                        let b = data[i + o];
                        i += o + 1;
                        self.after_field(b, sink)?;
                    }
                },
                St::Quoted => match memchr(Q, &data[i..]) {
                    None => {
                        self.line += count_newlines(&data[i..]);
                        self.record.extend_from_slice(&data[i..]);
                        i = data.len();
                        self.check()?;
                    }
                    Some(o) => {
                        self.line += count_newlines(&data[i..i + o]);
                        self.record.extend_from_slice(&data[i..i + o]);
                        self.check()?;
                        i += o + 1;
                        self.state = St::QuoteInQuoted;
                    }
                },
                St::QuoteInQuoted => {
                    let b = data[i];
                    if b == Q {
                        self.record.push(Q);
                        self.state = St::Quoted;
                        i += 1;
                    } else if b == self.delim || b == b'\n' || b == b'\r' {
                        i += 1;
                        self.after_field(b, sink)?;
                    } else {
                        // `"ab"c`: text after the closing quote is kept (as Python's csv does).
                        self.state = St::Unquoted;
                    }
                }
                St::AfterCr => {
                    if data[i] == b'\n' {
                        i += 1;
                    }
                    self.line += 1;
                    self.record_line = self.line;
                    self.state = St::FieldStart;
                }
            }
        }
        Ok(())
    }

    /// Fast path: the whole lines from `data[start..]` without quotes or lone `\r` are cut in
    /// place (no copy), 64 bytes at a time by the [`Scanner`]. Returns where it stopped: at a
    /// line that is not complete in `data` or that needs the state machine.
    fn fast_lines(
        &mut self,
        data: &[u8],
        start: usize,
        text: &str,
        scan: &mut Scanner<'_>,
        sink: &mut Sink<'_>,
    ) -> Result<usize, ImportError> {
        let mut pos = start;
        'lines: while pos < data.len() {
            self.spans.clear();
            let mut field = pos;
            let mut dirty = 0u64;
            let mut at = pos;
            // The end of the line (the `\n`, `\r` or `"` that stops it).
            let end = loop {
                if at >= data.len() {
                    break 'lines;
                }
                let (m, n) = scan.masks_at(at);
                let stops = m.newline | m.stop;
                let before = if stops == 0 {
                    u64::MAX
                } else {
                    (1u64 << stops.trailing_zeros()) - 1
                };
                let mut d = m.delim & before;
                while d != 0 {
                    let j = at + d.trailing_zeros() as usize;
                    self.spans.push((field - pos, j - pos));
                    field = j + 1;
                    d &= d - 1;
                }
                dirty |= m.dirty & before;
                if stops != 0 {
                    break at + stops.trailing_zeros() as usize;
                }
                at += n;
            };
            let consumed = match (data[end], data.get(end + 1)) {
                (b'\n', _) => end + 1,
                (b'\r', Some(b'\n')) => end + 2,
                _ => break,
            };
            if end - pos > self.max {
                return Err(ImportError::TooLong {
                    line: self.line,
                    what: "CSV row",
                    limit: self.max,
                });
            }
            self.spans.push((field - pos, end - pos));
            if end > pos {
                self.emitted += 1;
                sink(Record {
                    bytes: &data[pos..end],
                    spans: &self.spans,
                    line: self.line,
                    text: text.get(pos..end),
                    nul_free: dirty == 0,
                })?;
            }
            self.line += 1;
            self.record_line = self.line;
            pos = consumed;
        }
        Ok(pos)
    }

    fn after_field(&mut self, b: u8, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        if b == self.delim {
            self.end_field();
            self.state = St::FieldStart;
        } else if b == b'\n' {
            self.emit(sink)?;
            self.line += 1;
            self.record_line = self.line;
            self.state = St::FieldStart;
        } else {
            self.emit(sink)?;
            self.state = St::AfterCr;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        match self.state {
            St::Quoted => Err(ImportError::Malformed {
                line: self.quote_line,
                column: None,
                message: "a quoted field opened on this line is never closed".into(),
            }),
            St::AfterCr => Ok(()),
            _ if self.record.is_empty() && self.ends.is_empty() => Ok(()),
            _ => self.emit(sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cut(input: &str, chunk: usize) -> Vec<(u64, Vec<String>)> {
        cut_bytes(input.as_bytes(), chunk)
            .expect("cut")
            .into_iter()
            .map(|(line, fields)| {
                let text = fields.iter().map(|f| String::from_utf8_lossy(f).into());
                (line, text.collect())
            })
            .collect()
    }

    type Cut = Vec<(u64, Vec<Vec<u8>>)>;

    /// The records of `input` fed in chunks of `chunk` bytes, checking what the cutter says
    /// about each record (its text is its bytes; NUL-free means no NUL).
    fn cut_bytes(input: &[u8], chunk: usize) -> Result<Cut, ImportError> {
        let mut r = RecordReader::new(b',', 1 << 20);
        let mut out = Vec::new();
        let mut sink = |rec: Record<'_>| {
            if let Some(t) = rec.text {
                assert_eq!(t.as_bytes(), rec.bytes);
            }
            assert!(!rec.nul_free || !rec.bytes.contains(&0));
            out.push((rec.line, rec.fields().map(<[u8]>::to_vec).collect()));
            Ok(())
        };
        for c in input.chunks(chunk) {
            r.feed(c, &mut sink)?;
        }
        r.finish(&mut sink)?;
        Ok(out)
    }

    proptest::proptest! {
        /// Lines cut in place 64 bytes at a time give what the state machine gives, byte by
        /// byte (1-byte chunks never hold a whole line), errors included.
        #[test]
        fn block_cutting_equals_the_state_machine(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        ",", "\n", "\r\n", "\r", "\"", "\"\"", "a", "é", "\0",
                    ]).prop_map(|s: &str| s.as_bytes().to_vec()),
                    (0usize..150).prop_map(|n| vec![b'x'; n]),
                    (0u8..=255).prop_map(|b| vec![b]),
                ],
                0..60,
            ),
            chunk in 2usize..300,
        ) {
            let input: Vec<u8> = parts.concat();
            let whole = cut_bytes(&input, input.len().max(1));
            let bytewise = cut_bytes(&input, 1);
            let chunked = cut_bytes(&input, chunk);
            prop_assert_eq!(format!("{whole:?}"), format!("{bytewise:?}"));
            prop_assert_eq!(format!("{whole:?}"), format!("{chunked:?}"));
        }
    }

    #[test]
    fn records_survive_any_chunking() {
        let input = "a,\"b,\"\"c\"\"\nd\"\r\n\r\nx,y\rlast,\"\"";
        let want = cut(input, 1000);
        assert_eq!(
            want,
            vec![
                (1, vec!["a".to_string(), "b,\"c\"\nd".into()]),
                (4, vec!["x".into(), "y".into()]),
                (5, vec!["last".into(), "".into()]),
            ]
        );
        for n in 1..input.len() {
            assert_eq!(cut(input, n), want, "chunk size {n}");
        }
    }
}
