//! Exit codes, chosen in one place. Subcommands return [`Outcome`]; only `main` prints a
//! [`Failure`] (as `spur: MESSAGE` on stderr) and turns it into the process's exit code.
//!
//! | code | name          | when                                                                 |
//! |------|---------------|----------------------------------------------------------------------|
//! | 0    | success       | the command did what it was asked                                    |
//! | 1    | [`REFUSED`]   | the input was refused: a log, model, recipe or artifact that cannot  |
//! |      |               | be read or does not fit the question (the message names the file,    |
//! |      |               | line, field or limit); also a batch where some inputs failed         |
//! | 2    | [`USAGE`]     | usage or I/O trouble: an unknown flag, a missing or malformed value  |
//! |      |               | (clap's own errors exit 2 too), a file that cannot be read/written   |
//!
//! `spur --help` and `spur SUB --help` print to stdout and exit 0.

use std::fmt;
use std::process::ExitCode;

/// The input was refused (exit code 1).
pub const REFUSED: u8 = 1;
/// Usage or I/O trouble (exit code 2; clap's usage errors use the same code).
pub const USAGE: u8 = 2;

/// What a subcommand returns.
pub type Outcome = Result<(), Failure>;

/// Why a command failed: the exit code and the message `main` prints after `spur: `. An empty
/// message means the details are already on stderr (a batch reporting each failed input).
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// The input was refused: exit code 1.
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure {
            code: REFUSED,
            message: message.into(),
        }
    }

    /// A wrong flag or value, or a file that cannot be read or written: exit code 2.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// Exit with `code`, the messages having been printed already (one per failed input).
    pub fn reported(code: u8) -> Failure {
        Failure {
            code,
            message: String::new(),
        }
    }

    /// Print the message (if any) and give the exit code: the one place a failure ends.
    pub fn report(self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("spur: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

/// I/O trouble met with `?` (`cannot read FILE: …`) is usage/I/O trouble, exit code 2.
impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::usage(format!("{e:#}"))
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        Failure::usage(format!("cannot write JSON: {e}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::usage(e.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// `usage!("…", args)`: return a usage failure (exit code 2) from a function whose error type
/// a [`Failure`] converts into (an [`Outcome`], or `anyhow::Result`).
macro_rules! usage {
    ($($t:tt)*) => {
        return Err($crate::exit::Failure::usage(format!($($t)*)).into())
    };
}
pub(crate) use usage;
