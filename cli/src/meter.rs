//! A progress line on a terminal for long CLI work (training, alignments): shown at most ten
//! times a second on stderr, and nothing at all when stderr is a file or a pipe, so logs and
//! transcripts stay clean.

use std::io::IsTerminal;

/// A progress line on a terminal (nothing when stderr is a file or pipe).
pub struct Meter {
    on: bool,
    last: Option<std::time::Instant>,
}

impl Meter {
    pub fn new() -> Self {
        Meter {
            on: std::io::stderr().is_terminal(),
            last: None,
        }
    }
    pub fn show(&mut self, what: &str, done: u64, total: u64) {
        if !self.on || self.last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        self.last = Some(std::time::Instant::now());
        let pct = 100.0 * done as f64 / total.max(1) as f64;
        eprint!("\r{what} {pct:5.1} %   ");
    }
    pub fn done(&self) {
        if self.on && self.last.is_some() {
            eprint!("\r{:40}\r", "");
        }
    }
}
