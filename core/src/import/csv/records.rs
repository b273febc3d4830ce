//! CSV records: a resumable, quote-aware state machine that cuts pushed chunks into records
//! and fields, with no knowledge of columns, roles or types (that is `rows`).
//!
//! Quoted fields may hold delimiters, `""` and newlines; `\n`, `\r\n` and `\r` end records, so
//! chunks can split anywhere. A line without quotes or lone `\r` is cut in place (no copy);
//! anything else goes through the state machine into a reused buffer. A record longer than
//! the limit stops the read as soon as the limit is crossed, before the rest of a runaway line
//! is read. Lines are counted so every record says where it starts.

use crate::import::bytes::{count_newlines, find_byte3};
use crate::import::ImportError;
use memchr::{memchr, memchr3};

/// One record cut by [`RecordReader`].
pub(crate) struct Record<'a> {
    pub(crate) bytes: &'a [u8],
    /// Byte range of each field in `bytes`.
    spans: &'a [(usize, usize)],
    /// Line where the record starts.
    pub(crate) line: u64,
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
        while i < data.len() {
            if self.state == St::FieldStart && self.record.is_empty() && self.ends.is_empty() {
                if let Some(n) = self.fast_line(&data[i..], sink)? {
                    i += n;
                    continue;
                }
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

    /// Fast path: a whole line of `rest` without quotes or lone `\r` is cut in place (no copy).
    /// `None` when the line is not complete in `rest` or needs the state machine.
    fn fast_line(
        &mut self,
        rest: &[u8],
        sink: &mut Sink<'_>,
    ) -> Result<Option<usize>, ImportError> {
        // One pass finds the line end, or the quote or lone CR that needs the state machine.
        let Some(p) = memchr3(b'\n', b'"', b'\r', rest) else {
            return Ok(None);
        };
        let (line, consumed) = match rest[p] {
            b'\n' => (&rest[..p], p + 1),
            b'\r' if rest.get(p + 1) == Some(&b'\n') => (&rest[..p], p + 2),
            _ => return Ok(None),
        };
        if line.len() > self.max {
            return Err(ImportError::TooLong {
                line: self.line,
                what: "CSV row",
                limit: self.max,
            });
        }
        self.spans.clear();
        let mut start = 0;
        for j in memchr::memchr_iter(self.delim, line) {
            self.spans.push((start, j));
            start = j + 1;
        }
        self.spans.push((start, line.len()));
        if !line.is_empty() {
            self.emitted += 1;
            sink(Record {
                bytes: line,
                spans: &self.spans,
                line: self.line,
            })?;
        }
        self.line += 1;
        self.record_line = self.line;
        Ok(Some(consumed))
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

    fn cut(input: &str, chunk: usize) -> Vec<(u64, Vec<String>)> {
        let mut r = RecordReader::new(b',', 1 << 20);
        let mut out = Vec::new();
        let mut sink = |rec: Record<'_>| {
            out.push((
                rec.line,
                rec.fields()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
            Ok(())
        };
        for c in input.as_bytes().chunks(chunk) {
            r.feed(c, &mut sink).expect("feed");
        }
        r.finish(&mut sink).expect("finish");
        out
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
