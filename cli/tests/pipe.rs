//! `spur … | head`: when the reader of stdout goes away, `spur` stops quietly (killed by
//! SIGPIPE, as `cat` and `grep` are), never with a panic message.

mod support;

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_spur_without_a_panic() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    // 20,000 distinct activities: the JSON is far larger than a pipe's buffer.
    let mut csv = String::from("case,activity,timestamp\n");
    for i in 0..20_000 {
        csv.push_str(&format!("c{i},activity number {i},2024-01-01 10:00\n"));
    }
    let path = support::scratch("wide.csv");
    std::fs::write(&path, csv).expect("written");
    let mut child = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(["stats", support::s(&path), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spur runs");
    // Read a little, as `head -c 10` would, then hang up.
    let mut out = child.stdout.take().expect("piped");
    let mut first = [0u8; 10];
    out.read_exact(&mut first).expect("some output");
    drop(out);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("exits");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.signal(), Some(libc_sigpipe()), "{status:?} {stderr}");
}

/// SIGPIPE's number on the Unix targets Spur is built for (13 on Linux and macOS).
#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13
}
