//! gzip → the inner importer: decompresses each pushed chunk and forwards the output.
//!
//! Pure Rust (flate2's miniz_oxide backend), so it runs in wasm32. Multi-member files are read
//! whole. A truncated or corrupt stream is an error naming the compressed offset; the inner
//! format is detected on the decompressed bytes.

use super::{Format, ImportError, ImportOptions, ImportReport, Importer};
use crate::log::EventLog;
use flate2::write::MultiGzDecoder;
use std::io::Write;

pub(crate) struct GzImporter {
    decoder: MultiGzDecoder<Vec<u8>>,
    inner: Importer,
    format: Format,
    compressed: u64,
}

/// Compressed bytes handed to the decoder at once (bounds the decompressed buffer).
const STEP: usize = 32 << 10;

impl GzImporter {
    pub(crate) fn new(file_name: &str, options: &ImportOptions, format: Format) -> Self {
        let inner_name = file_name.strip_suffix(".gz").unwrap_or(file_name);
        let mut inner_options = options.clone();
        inner_options.format = match options.format {
            Some(Format::XesGz) => Some(Format::Xes),
            Some(Format::CsvGz) => Some(Format::Csv),
            _ => None,
        };
        GzImporter {
            decoder: MultiGzDecoder::new(Vec::with_capacity(STEP * 4)),
            inner: Importer::new(inner_name, &inner_options),
            format,
            compressed: 0,
        }
    }

    pub(crate) fn events(&self) -> u64 {
        self.inner.progress().events
    }

    pub(crate) fn push(&mut self, chunk: &[u8], last: bool) -> Result<(), ImportError> {
        for piece in chunk.chunks(STEP) {
            self.compressed += piece.len() as u64;
            self.decoder
                .write_all(piece)
                .map_err(|e| self.gzip_error(e))?;
            self.forward()?;
        }
        if last {
            self.decoder.try_finish().map_err(|e| self.gzip_error(e))?;
            self.forward()?;
        }
        Ok(())
    }

    fn forward(&mut self) -> Result<(), ImportError> {
        let out = self.decoder.get_mut();
        if !out.is_empty() {
            let progress = self.inner.push(out);
            out.clear();
            if progress.failed {
                return Err(self.inner.take_error().unwrap_or(ImportError::Unsupported {
                    message: "the decompressed input could not be read".into(),
                }));
            }
        }
        Ok(())
    }

    fn gzip_error(&self, e: std::io::Error) -> ImportError {
        let message = match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                "the compressed stream ends early (truncated file?)".to_string()
            }
            _ if e.to_string().contains("corrupt") => {
                "the compressed stream is truncated or corrupt".to_string()
            }
            _ => e.to_string(),
        };
        ImportError::Gzip {
            offset: self.compressed,
            message,
        }
    }

    pub(crate) fn finish(self) -> Result<(EventLog, ImportReport), ImportError> {
        let (log, mut report) = self.inner.finish()?;
        report.format = match (self.format, report.format) {
            (_, Format::Csv) => Format::CsvGz,
            (_, Format::Xes) => Format::XesGz,
            (f, _) => f,
        };
        Ok((log, report))
    }
}
