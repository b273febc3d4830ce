//! An engine's process with a time limit (`--engine-timeout`): run it to the end and collect
//! its output, or kill it — with every process it started — when the limit passes.
//!
//! The child runs in a process group of its own, so the kill reaches what it started too (a
//! wrapper script's `sleep`, PySpark's JVM); otherwise a grandchild could keep the pipes open
//! and the wait would go on after the limit.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Why [`output`] has no output.
pub enum Failure {
    /// The program could not be started.
    Spawn(std::io::Error),
    /// It ran past the limit and was killed.
    TimedOut,
}

/// Start `command` in a process group of its own (Unix), stdout and stderr piped.
pub fn spawn(mut command: Command) -> std::io::Result<Child> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
}

/// Kill `child` and its process group, and reap it.
pub fn kill(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on the group this module created for the child (its pid); no memory
        // is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Run `command` to the end within `timeout` and return what it printed.
pub fn output(command: Command, timeout: Duration) -> Result<Output, Failure> {
    let mut child = spawn(command).map_err(Failure::Spawn)?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                kill(&mut child);
                return Err(Failure::TimedOut);
            }
            Ok(None) => {
                std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => {
                kill(&mut child);
                return Err(Failure::Spawn(e));
            }
        }
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}
