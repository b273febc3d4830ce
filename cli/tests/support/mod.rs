//! The harness every `cli/tests` file shares: run the built `spur` from the crate's folder (so
//! fixture paths read `tests/data/…`) and keep its exit code and output; scratch paths that
//! never collide between test binaries or runs.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one `spur` run said: exit code (-1 if killed by a signal), stdout and stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `spur ARGS…` in `cli/` and waits for it.
pub fn spur(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("spur runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// `spur` as `(code, stdout, stderr)`, for tests that destructure.
pub fn spur_parts(args: &[&str]) -> (i32, String, String) {
    let r = spur(args);
    (r.code, r.stdout, r.stderr)
}

/// A path `name` inside this test binary's own temporary folder (created on first use).
pub fn scratch(name: &str) -> PathBuf {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "cli".into());
    let dir = std::env::temp_dir().join(format!("spur-{binary}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// A fresh, empty folder for one test under Cargo's per-target scratch space.
pub fn fresh_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

/// A path as the `&str` an argument list wants (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
