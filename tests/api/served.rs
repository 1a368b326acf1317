//! The real `dealflow serve` binary as a child process, for tests that need a process of their
//! own: killing it, watching it exit, or reading its log.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for a log line or an exit before it fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `dealflow serve`; killed when dropped. Its stderr is read to the end on a thread of
/// its own (so the server never blocks on a full pipe) and kept line by line.
pub struct Served {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    /// Starts `dealflow serve` on a free port with one worker and an `info` log, plus `env`.
    pub fn start<K: AsRef<OsStr>, V: AsRef<OsStr>>(env: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealflow"))
            .arg("serve")
            .env("DEALFLOW_LISTEN", "127.0.0.1:0")
            .env("DEALFLOW_WORKERS", "1")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .envs(env)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dealflow starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stderr, lines) = (child.stderr.take().expect("stderr is piped"), log.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        Self { child, log }
    }

    /// `http://host:port`, once the server has logged where it listens.
    pub fn address(&self) -> String {
        let at =
            self.wait_for(|line| line.split_whitespace().find_map(|w| w.strip_prefix("address=")).map(str::to_owned));
        format!("http://{at}")
    }

    /// Waits for a log line that `find` extracts something from, and answers it.
    pub fn wait_for(&self, find: impl Fn(&str) -> Option<String>) -> String {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if let Some(found) = self.log.lock().unwrap().iter().find_map(|line| find(line)) {
                return found;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("not logged in time: {:?}", self.log.lock().unwrap());
    }

    /// Waits for a log line containing `needle`.
    pub fn wait_for_line(&self, needle: &str) -> String {
        self.wait_for(|line| line.contains(needle).then(|| line.to_owned()))
    }

    /// The whole log so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The exit status if the process exits by itself in time; `None` (and killed) otherwise.
    pub fn exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        None
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}
