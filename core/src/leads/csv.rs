//! A small RFC 4180 CSV reader for lead tables, with every error located (line, column).
//!
//! Handles quoted fields (with `""` escapes and embedded newlines), CRLF or LF line ends, a
//! UTF-8 byte-order mark and a missing final newline. It does not guess delimiters (comma only)
//! and does not type values: that is [`super::table`]'s job. Ragged rows are returned as they
//! are so the caller can reject them as data with their line number; only input that cannot be
//! read at all (invalid UTF-8, an unterminated quote, no header) is an error.

/// One record and the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A parsed file: the header row and the data records.
#[derive(Debug, Clone, PartialEq)]
pub struct Csv {
    pub header: Vec<String>,
    pub records: Vec<Record>,
}

/// Why bytes could not be read as CSV. Always the input's fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvError {
    #[error("line {line}, column {column}: the text is not valid UTF-8")]
    InvalidUtf8 { line: usize, column: usize },
    #[error("line {line}, column {column}: a quoted field is never closed")]
    UnterminatedQuote { line: usize, column: usize },
    #[error("line {line}, column {column}: unexpected character after a closing quote")]
    AfterQuote { line: usize, column: usize },
    #[error("the file is empty: expected a header row")]
    NoHeader,
    #[error("line 1, column {column}: duplicate column name `{name}`")]
    DuplicateColumn { column: usize, name: String },
    #[error("line 1, column {column}: empty column name")]
    EmptyColumnName { column: usize },
}

/// Parse `bytes` as comma-separated values with a header row.
pub fn parse(bytes: &[u8]) -> Result<Csv, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rows = Reader {
        bytes,
        pos: 0,
        line: 1,
    };
    let header = loop {
        match rows.next_record()? {
            None => return Err(CsvError::NoHeader),
            Some(r) if r.fields.len() == 1 && r.fields[0].trim().is_empty() => continue,
            Some(r) => break r.fields,
        }
    };
    let header: Vec<String> = header.into_iter().map(|h| h.trim().to_string()).collect();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(CsvError::EmptyColumnName { column: i + 1 });
        }
        if header[..i].contains(name) {
            return Err(CsvError::DuplicateColumn {
                column: i + 1,
                name: name.clone(),
            });
        }
    }
    let mut records = Vec::new();
    while let Some(r) = rows.next_record()? {
        if r.fields.len() == 1 && r.fields[0].is_empty() {
            continue; // blank line
        }
        records.push(r);
    }
    Ok(Csv { header, records })
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Reader<'_> {
    fn next_record(&mut self) -> Result<Option<Record>, CsvError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let start_line = self.line;
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut column = 1;
        loop {
            // At the start of a field.
            if self.bytes.get(self.pos) == Some(&b'"') {
                let (quote_line, quote_col) = (self.line, column);
                self.pos += 1;
                loop {
                    match self.bytes.get(self.pos) {
                        None => {
                            return Err(CsvError::UnterminatedQuote {
                                line: quote_line,
                                column: quote_col,
                            })
                        }
                        Some(b'"') if self.bytes.get(self.pos + 1) == Some(&b'"') => {
                            field.push(b'"');
                            self.pos += 2;
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            break;
                        }
                        Some(&b) => {
                            if b == b'\n' {
                                self.line += 1;
                            }
                            field.push(b);
                            self.pos += 1;
                        }
                    }
                }
                match self.bytes.get(self.pos) {
                    None | Some(b',') | Some(b'\n') => {}
                    Some(b'\r') if matches!(self.bytes.get(self.pos + 1), None | Some(b'\n')) => {}
                    Some(_) => {
                        return Err(CsvError::AfterQuote {
                            line: self.line,
                            column,
                        })
                    }
                }
            } else {
                while let Some(&b) = self.bytes.get(self.pos) {
                    if b == b',' || b == b'\n' {
                        break;
                    }
                    if b == b'\r' && matches!(self.bytes.get(self.pos + 1), None | Some(b'\n')) {
                        break;
                    }
                    field.push(b);
                    self.pos += 1;
                }
            }
            let text = String::from_utf8(std::mem::take(&mut field)).map_err(|_| {
                CsvError::InvalidUtf8 {
                    line: self.line,
                    column,
                }
            })?;
            fields.push(text);
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    column += 1;
                }
                Some(b'\r') => {
                    self.pos += if self.bytes.get(self.pos + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    self.line += 1;
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                _ => break,
            }
        }
        Ok(Some(Record {
            line: start_line,
            fields,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let got = match parse(input.as_bytes()) {
            Ok(csv) => {
                let mut out = format!("header {:?}", csv.header);
                for r in csv.records {
                    out.push_str(&format!("\n{} {:?}", r.line, r.fields));
                }
                out
            }
            Err(e) => format!("error {e}"),
        };
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn reads_quotes_crlf_bom_and_ragged_rows() {
        check("a,b\n1,2\n", "header [\"a\", \"b\"]\n2 [\"1\", \"2\"]");
        check(
            "\u{feff}a,b\r\n\"x,\"\"y\"\"\",2\r\n3",
            "header [\"a\", \"b\"]\n2 [\"x,\\\"y\\\"\", \"2\"]\n3 [\"3\"]",
        );
        check(
            "a\n\"two\nlines\"\n\nz\n",
            "header [\"a\"]\n2 [\"two\\nlines\"]\n5 [\"z\"]",
        );
        check("a,b\n,\n", "header [\"a\", \"b\"]\n2 [\"\", \"\"]");
    }

    #[test]
    fn errors_are_located() {
        check("", "error the file is empty: expected a header row");
        check("a,a\n", "error line 1, column 2: duplicate column name `a`");
        check("a,\n", "error line 1, column 2: empty column name");
        check(
            "a,b\n1,\"open\n",
            "error line 2, column 2: a quoted field is never closed",
        );
        check(
            "a,b\n1,\"x\"y\n",
            "error line 2, column 2: unexpected character after a closing quote",
        );
        let mut bad = b"a,b\nok,ok\nok,".to_vec();
        bad.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(
            parse(&bad).unwrap_err(),
            CsvError::InvalidUtf8 { line: 3, column: 2 }
        );
    }
}
