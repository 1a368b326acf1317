//! `serve`'s roles (HTTP, projector, dispatcher, housekeeping) under one supervisor. A role that
//! ends or panics while the process is not stopping is dead: the supervisor marks it stopped (so
//! `/ready` answers 503), logs which role and why, and `serve` exits non-zero after a short grace
//! rather than serving on with, say, a dead projector.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use serde_json::{Map, Value, json};
use tokio::task::JoinSet;

/// The roles this process runs and whether each still runs; `/ready` reads it. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Roles {
    states: Arc<Mutex<BTreeMap<&'static str, Option<String>>>>,
}

impl Roles {
    fn set(&self, role: &'static str, stopped: Option<String>) {
        self.states.lock().unwrap_or_else(|p| p.into_inner()).insert(role, stopped);
    }

    /// Whether every role started is still running.
    pub fn all_running(&self) -> bool {
        self.states.lock().unwrap_or_else(|p| p.into_inner()).values().all(Option::is_none)
    }

    /// `{"projector": "running", "dispatcher": "stopped: …"}`.
    pub fn report(&self) -> Value {
        let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        let report: Map<String, Value> = states
            .iter()
            .map(|(role, stopped)| {
                let state = stopped.as_ref().map_or_else(|| "running".to_owned(), |why| format!("stopped: {why}"));
                ((*role).to_owned(), json!(state))
            })
            .collect();
        Value::Object(report)
    }
}

/// How a role ended: why, as text (an error's cause chain or a panic's message).
pub type Ending = (&'static str, String);

/// Runs roles as tasks and reports the first that ends.
#[derive(Default)]
pub struct Supervisor {
    tasks: JoinSet<Ending>,
    roles: Roles,
}

impl Supervisor {
    /// A supervisor that records its roles' states in `roles`.
    pub fn new(roles: Roles) -> Self {
        Self { tasks: JoinSet::new(), roles }
    }

    /// Starts `role`; it is expected to run until the process stops.
    pub fn spawn(&mut self, role: &'static str, task: impl Future<Output = anyhow::Result<()>> + Send + 'static) {
        self.roles.set(role, None);
        self.tasks.spawn(async move {
            let why = match AssertUnwindSafe(task).catch_unwind().await {
                Ok(Ok(())) => "it returned".to_owned(),
                Ok(Err(error)) => format!("{error:#}"),
                Err(panic) => format!("it panicked: {}", panic_message(panic.as_ref())),
            };
            (role, why)
        });
    }

    /// The first role to end, marked stopped; `None` when no role runs.
    pub async fn next_ending(&mut self) -> Option<Ending> {
        let (role, why) = match self.tasks.join_next().await? {
            Ok(ending) => ending,
            // Panics are caught inside the task; only an abort gets here.
            Err(error) => ("a role", error.to_string()),
        };
        self.roles.set(role, Some(why.clone()));
        Some((role, why))
    }

    /// Waits for every role to end (after the stop signal was given to them).
    pub async fn wait_all(&mut self) {
        while let Some(ending) = self.tasks.join_next().await {
            if let Ok((role, _)) = ending {
                self.roles.set(role, Some("stopped".into()));
            }
        }
    }

    /// Ends every role at its next await point.
    pub fn abort_all(&mut self) {
        self.tasks.abort_all();
    }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_role_is_named_and_marked_stopped() {
        let roles = Roles::default();
        let mut supervisor = Supervisor::new(roles.clone());
        supervisor.spawn("steady", std::future::pending());
        supervisor.spawn("projector", async { panic!("boom") });
        let (role, why) = supervisor.next_ending().await.unwrap();
        assert_eq!(role, "projector");
        assert!(why.contains("panicked: boom"), "{why}");
        assert!(!roles.all_running());
        assert_eq!(roles.report()["steady"], "running");
        assert!(roles.report()["projector"].as_str().unwrap().starts_with("stopped"));
    }

    #[tokio::test]
    async fn a_role_that_fails_reports_its_cause_chain() {
        let mut supervisor = Supervisor::new(Roles::default());
        supervisor.spawn("dispatcher", async { Err(anyhow::anyhow!("disk full").context("cannot settle")) });
        let (_, why) = supervisor.next_ending().await.unwrap();
        assert_eq!(why, "cannot settle: disk full");
    }
}
