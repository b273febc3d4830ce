//! `--engine spark`: core's `Dialect::Spark` plan run by Apache Spark through PySpark (issue 18).
//!
//! One driver process per `spur` invocation: the small Python program `spark_driver.py`
//! (embedded, run with `python -c`) starts the JVM once — locally (`--master local[*]`) or
//! against a cluster (`spark://host:port`) — then answers requests, one JSON line each way,
//! for as many datasets as the command reads. The JVM's start costs seconds; the queries on a
//! small log cost less, so the session is kept for the whole command.
//!
//! PySpark comes from PyPI (`pyspark`, into `.tools/spark-venv` by `scripts/setup.sh`) and needs
//! Java 17 or newer (Debian's `openjdk-17-jre-headless`). Every failure — no PySpark, no Java,
//! an unreachable master, a query Spark refuses — becomes a message saying what is missing.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The driver, run as `python -c DRIVER MASTER`.
const DRIVER: &str = include_str!("spark_driver.py");

/// How to install Spark, for the errors that need it.
pub const INSTALL: &str = "install it with `bash scripts/setup.sh` (PySpark into .tools/spark-venv, and OpenJDK 17 with apt when `java` is missing) or `pip install pyspark==4.3.0` with Java 17+ (Debian: `apt-get install openjdk-17-jre-headless`), or point SPUR_SPARK_PYTHON at a Python that has PySpark";

/// The master when `--master` is not given.
pub const DEFAULT_MASTER: &str = "local[*]";

/// Lines of the driver's stderr kept for an error message.
const STDERR_KEPT: usize = 12;

/// The Python that has PySpark: `$SPUR_SPARK_PYTHON`, else `.tools/spark-venv/bin/python` in
/// this directory or above it, or above the `spur` binary (a build inside the project).
pub fn find_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SPUR_SPARK_PYTHON") {
        return Some(PathBuf::from(p));
    }
    super::project_roots()
        .iter()
        .flat_map(|r| r.ancestors())
        .map(|d| d.join(".tools/spark-venv/bin/python"))
        .find(|p| p.is_file())
}

/// A dataset's columns (`(name, type)` as Spark types them) and the start-timestamp column its
/// Parquet metadata names.
pub type Description = (Vec<(String, String)>, Option<String>);

/// A running driver: the JVM with a Spark session, ready for requests.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The driver's answer lines, read by a thread so a wait can end at `timeout`.
    lines: Receiver<String>,
    stderr: Arc<Mutex<Vec<String>>>,
    master: String,
    /// The longest wait for one answer (`--engine-timeout`); then the driver and its JVM are
    /// killed.
    timeout: Duration,
    /// Why the driver is gone (a timeout), for the requests after it.
    stopped: Option<String>,
}

impl Session {
    /// Start the driver on `master` with extra environment variables for it (its settings),
    /// and wait until Spark is up — at most `timeout`, as for every answer after it.
    pub fn start_with(
        master: &str,
        env: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<Session, String> {
        let python = find_python().ok_or_else(|| format!("Spark is not installed; {INSTALL}"))?;
        let mut command = Command::new(&python);
        command
            .args(["-u", "-c", DRIVER, master])
            .stdin(Stdio::piped())
            // The driver's own output is JSON; Python's warnings would only clutter stderr.
            .env("PYTHONWARNINGS", "ignore")
            .envs(env.iter().copied());
        if master.starts_with("local") && std::env::var_os("SPARK_LOCAL_IP").is_none() {
            // Local mode needs no network: stay on loopback (and skip the hostname warning).
            command.env("SPARK_LOCAL_IP", "127.0.0.1");
        }
        // In a process group of its own: a timeout kills the JVM PySpark started too.
        let mut child = super::child::spawn(command)
            .map_err(|e| format!("cannot run {} ({e}); {INSTALL}", python.display()))?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let kept = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if line.starts_with("spur-spark: ") {
                        eprintln!("{line}");
                        continue;
                    }
                    if let Ok(mut k) = kept.lock() {
                        k.push(line);
                        if k.len() > STDERR_KEPT {
                            k.remove(0);
                        }
                    }
                }
            });
        }
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("cannot talk to the Spark driver (no pipes)".into());
        };
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut session = Session {
            child,
            stdin: Some(stdin),
            lines,
            stderr,
            master: master.to_string(),
            timeout,
            stopped: None,
        };
        let ready = session.read("the Spark session's start")?;
        if ready.get("ready").is_none() {
            return Err(format!("Spark did not start: {ready}"));
        }
        Ok(session)
    }

    /// The last lines the driver wrote to stderr (the JVM's log), for a failure's message.
    fn stderr_tail(&self) -> String {
        // Give the reader thread a moment to drain what a dying driver wrote.
        std::thread::sleep(std::time::Duration::from_millis(200));
        self.stderr
            .lock()
            .map(|k| {
                k.iter()
                    .filter(|l| !l.trim_start().starts_with("at "))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// One answer line (`waiting_for` says what, for a timeout's message); an `{"error"}`
    /// answer becomes the message to show.
    fn read(&mut self, waiting_for: &str) -> Result<Value, String> {
        let line = match self.lines.recv_timeout(self.timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                super::child::kill(&mut self.child);
                self.stdin = None;
                let message = super::timed_out("Spark", self.timeout, waiting_for);
                self.stopped = Some(message.clone());
                return Err(message);
            }
            Err(RecvTimeoutError::Disconnected) => String::new(),
        };
        if line.is_empty() {
            let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
            return Err(format!(
                "the Spark driver (master {}) exited ({status}) without answering; {INSTALL}\n{}",
                self.master,
                self.stderr_tail()
            ));
        }
        let answer: Value = serde_json::from_str(&line)
            .map_err(|e| format!("the Spark driver printed something that is not JSON: {e}"))?;
        if let Some(message) = answer.get("error").and_then(Value::as_str) {
            let kind = answer.get("kind").and_then(Value::as_str).unwrap_or("");
            return Err(match kind {
                "no-pyspark" | "no-java" => format!("{message}; {INSTALL}"),
                "unreachable" => format!(
                    "{message}: start the cluster's master, or give a reachable one with --master spark://HOST:PORT (or --master local[*] to run on this machine)"
                ),
                "sql" if message.contains("TIMESTAMP(NANOS") => format!(
                    "Spark failed: {message}: Spark reads no nanosecond timestamps; rewrite the dataset with `spur convert IN OUT.parquet` (milliseconds)"
                ),
                "sql" => format!("Spark failed: {message}"),
                _ => message.to_string(),
            });
        }
        Ok(answer)
    }

    fn request(&mut self, request: &Value, waiting_for: &str) -> Result<Value, String> {
        if let Some(why) = &self.stopped {
            return Err(format!(
                "not asked: the Spark session was stopped before ({why})"
            ));
        }
        let stdin = self
            .stdin
            .as_mut()
            .ok_or("the Spark driver has been closed")?;
        writeln!(stdin, "{request}")
            .and_then(|_| stdin.flush())
            .map_err(|e| format!("the Spark driver stopped ({e})\n{}", self.stderr_tail()))?;
        self.read(waiting_for)
    }

    /// The dataset's columns as Spark types them, and the start-timestamp column its Parquet
    /// metadata names.
    pub fn describe(&mut self, path: &str) -> Result<Description, String> {
        let answer = self.request(
            &serde_json::json!({ "schema": path }),
            "the dataset's description",
        )?;
        let columns = answer
            .get("columns")
            .and_then(Value::as_array)
            .ok_or("Spark did not describe the dataset")?
            .iter()
            .filter_map(|c| {
                Some((
                    c.get(0)?.as_str()?.to_string(),
                    c.get(1)?.as_str()?.to_string(),
                ))
            })
            .collect();
        let start = answer
            .get("start_timestamp")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok((columns, start))
    }

    /// Run `statements`, then `queries`; the rows of each query.
    pub fn run(
        &mut self,
        statements: &[String],
        queries: &[String],
    ) -> Result<Vec<Vec<Value>>, String> {
        let answer = self.request(
            &serde_json::json!({
                "statements": statements,
                "queries": queries,
            }),
            "one dataset's queries",
        )?;
        let results = answer
            .get("results")
            .and_then(Value::as_array)
            .ok_or("Spark's answer has no results")?;
        results
            .iter()
            .map(|r| {
                r.as_array()
                    .cloned()
                    .ok_or_else(|| "Spark's answer is not rows".to_string())
            })
            .collect()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // End of input stops the driver (and its JVM) cleanly.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The dataset as Spark reads it: a file, or the Parquet files in a folder.
pub fn dataset_path(path: &str) -> String {
    if Path::new(path).is_dir() {
        format!("{}/*.parquet", path.trim_end_matches('/'))
    } else {
        path.to_string()
    }
}
