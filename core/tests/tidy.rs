//! Repository hygiene, enforced by `cargo test`: core stays sans-IO and wasm-clean, every Rust
//! file opens with a `//!` header that says what it does, and no test is hidden behind a
//! should-panic or ignore attribute; the app's components never import its pages; the shells
//! open logs only through core's one entry (`spur_core::open`).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "core/src",
        "core/tests",
        "app/src",
        "worker/src",
        "cli/src",
        "cli/tests",
    ] {
        rust_files(&workspace().join(dir), &mut files);
    }
    assert!(
        files.len() > 20,
        "found only {} Rust files: is the workspace layout intact?",
        files.len()
    );
    files
}

#[test]
fn core_has_no_adapter_dependencies() {
    let manifest =
        std::fs::read_to_string(workspace().join("core/Cargo.toml")).expect("core/Cargo.toml");
    let deps = manifest
        .split("\n[")
        .filter(|section| section.starts_with("dependencies]"))
        .collect::<String>();
    for banned in [
        "wasm-bindgen",
        "web-sys",
        "js-sys",
        "worker",
        "tokio",
        "leptos",
        "gloo",
    ] {
        let hit = deps
            .lines()
            .any(|l| l.split(['=', ' ', '.']).next() == Some(banned));
        assert!(
            !hit,
            "spur-core must not depend on `{banned}`: it is sans-IO and shell-agnostic"
        );
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let missing: Vec<_> = sources()
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header saying what they do: {missing:?}"
    );
}

#[test]
fn no_test_is_hidden() {
    let patterns = [concat!("should", "_panic"), concat!("#[", "ignore", "]")];
    let offenders: Vec<_> = sources()
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            patterns.iter().any(|pat| text.contains(pat))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "assert wrong behaviour instead of hiding tests: {offenders:?}"
    );
}

/// The app's layers point one way: pages use components, components never reach into a page
/// (a component that needs a page's state takes it as a prop or owns the type itself).
#[test]
fn app_components_do_not_import_pages() {
    let mut files = Vec::new();
    rust_files(&workspace().join("app/src/components"), &mut files);
    assert!(!files.is_empty(), "app/src/components holds no Rust files");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .is_ok_and(|s| s.contains("crate::pages") || s.contains("super::super::pages"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "components import from pages (move the type into the component, or pass it in): {offenders:?}"
    );
}

/// One way to open a log (issue 16): the shells call `spur_core::open`, they do not pick a log
/// format themselves from magic bytes or call the readers below it.
#[test]
fn shells_do_not_detect_log_formats() {
    let mut files = Vec::new();
    for dir in ["app/src", "cli/src", "worker/src"] {
        rust_files(&workspace().join(dir), &mut files);
    }
    let signs = [
        "b\"PAR1\"",
        "b\"ARROW1\"",
        "detect_format(",
        "import_bytes(",
        "parquet::read(",
        "ipc::read(",
    ];
    let offenders: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            let found: Vec<&str> = signs.iter().copied().filter(|s| text.contains(s)).collect();
            (!found.is_empty()).then(|| format!("{} ({})", f.display(), found.join(", ")))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "a shell detects or reads a log format itself (call spur_core::open instead): {offenders:?}"
    );
}
