//! Builds the application from settings: validates them, binds the listener (port 0 works: tests
//! read the real port back), opens the log, bootstraps a fresh database and assembles the HTTP
//! app; then runs every role under the [`Supervisor`].

use std::future::Future;
use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use dispatcher::{Engine, HooksApi, TargetPolicy};
use domain::secrets::SecretBox;
use eventlog::{EventStore, StorageError};
use ingest::Ingest;
use projection::Projector;
use tokio::sync::watch;

use crate::auth::{self, AdminSetup, Authenticator};
use crate::console::ConsoleState;
use crate::http::{bounds, commands, conventions, health, metrics, query_params, users};
use crate::settings::{Fault, Settings};
use crate::supervisor::{Ending, Roles, Supervisor, panic_message};
use crate::{bootstrap, database, migrations};

/// A built, bound, not yet running application.
pub struct Application {
    port: u16,
    public_url: String,
    log: EventStore,
    ingest: web::Data<Ingest>,
    projector: Projector,
    dispatcher: Engine,
    settings: Settings,
    roles: Roles,
    server: Option<Server>,
}

/// Opens (creating when missing) the database at the configured path and applies every migration.
pub fn open_log(settings: &Settings) -> anyhow::Result<EventStore> {
    database::open_or_create(settings)
}

/// How long `/ready` answers 503 after a role died, before the process exits.
const UNREADY_GRACE: Duration = Duration::from_secs(3);
/// How long roles get to finish their work after the stop signal.
const STOP_GRACE: Duration = Duration::from_secs(10);

impl Application {
    /// Checks the whole configuration, binds, then opens and bootstraps what the settings ask
    /// for: a configuration or address that cannot work leaves no file, key or user behind.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.validate()?;
        let listener = TcpListener::bind(settings.server.listen_addr()?)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.server.listen))?;
        metrics::recorder();
        let log = open_log(&settings)?;
        let bound = listener.local_addr()?;
        let public_url = settings.server.public_url(bound);
        database::require_master_key(&log, &settings)?;
        let ingest = web::Data::new(Ingest::new(log.clone(), settings.ingest.clone(), public_url.clone())?);
        ingest::key_check::verify(&log, &ingest.secrets).await?;
        seal_hook_secrets(&log, &ingest.secrets).await?;
        bootstrap_admin(&log, &settings).await?;
        let bootstrapped = bootstrap::ensure_default_pipeline(&log).await?;
        tracing::info!(address = %bound, %public_url, "listening");
        let targets = TargetPolicy { allow_private: settings.webhooks.allow_private_targets };
        let changes = std::sync::Arc::new(tokio::sync::Notify::new());
        let secrets = ingest.secrets.clone();
        let hooks = web::Data::new(HooksApi { log: log.clone(), targets, secrets, changes: changes.clone() });
        let dispatcher =
            web::Data::new(dispatcher_engine(&log, &settings, &ingest.secrets, public_url.clone(), changes)?);
        let roles = Roles::default();
        let projector =
            Projector::new(log.clone()).with_lease(std::time::Duration::from_secs(settings.roles.lease_seconds.max(1)));
        let leases = if settings.roles.projector { vec![projector.lease().clone()] } else { Vec::new() };
        let dispatching = settings.roles.dispatcher.then(|| dispatcher.lease_owner().to_owned());
        let readiness = health::Readiness {
            log: log.clone(),
            migrations: migrations::all(),
            roles: roles.clone(),
            leases,
            dispatcher: dispatching,
        };
        let server = if settings.roles.http {
            Some(http_server(listener, &settings, &log, &ingest, &hooks, &dispatcher, readiness)?)
        } else {
            None
        };
        if bootstrapped && settings.roles.projector {
            // A fresh database answers its first GET with the default pipeline in the read models.
            catch_up(&projector).await?;
        }
        let dispatcher = dispatcher.get_ref().clone();
        Ok(Self { port: bound.port(), public_url, log, ingest, projector, dispatcher, settings, roles, server })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base of URLs shown to users.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The event log this application runs on.
    pub fn log(&self) -> &EventStore {
        &self.log
    }

    /// The command side.
    pub fn ingest(&self) -> &Ingest {
        &self.ingest
    }

    /// The command side, shared (tests keep it to drive its housekeeping, e.g.
    /// `prune_request_log`).
    pub fn ingest_handle(&self) -> web::Data<Ingest> {
        self.ingest.clone()
    }

    /// The projector (tests drive it with `step()`).
    pub fn projector(&self) -> &Projector {
        &self.projector
    }

    /// The delivery engine (tests drive it with `step()`).
    pub fn dispatcher(&self) -> &Engine {
        &self.dispatcher
    }

    /// Runs the HTTP server and the background roles under one supervisor until SIGINT or
    /// SIGTERM (`Ok`), or until a role dies (`Err` naming it, after a grace of 503s on `/ready`).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop = Stop::default();
        let mut supervisor = Supervisor::new(self.roles.clone());
        let server = self.server.as_ref().map(Server::handle);
        self.spawn_roles(&mut supervisor, &stop)?;
        let outcome = tokio::select! {
            ending = supervisor.next_ending() => died(ending).await,
            stopped = stop_signal() => stopped,
        };
        stop.signal();
        if let Some(server) = server {
            server.stop(true).await;
        }
        // The dispatcher stops at its next await point; its leases expire if a send was cut short.
        if tokio::time::timeout(STOP_GRACE, supervisor.wait_all()).await.is_err() {
            supervisor.abort_all();
        }
        outcome
    }

    /// Starts every role this process runs under `supervisor`; each ends at `stop`.
    fn spawn_roles(self, supervisor: &mut Supervisor, stop: &Stop) -> anyhow::Result<()> {
        if let Some(server) = self.server {
            supervisor.spawn("http", async move { Ok(server.await?) });
        }
        let (ingest, stopped) = (self.ingest.clone(), stop.stopped());
        supervisor.spawn("housekeeping", async move {
            tokio::select! {
                _ = async { tokio::join!(maintain(ingest), metrics::run_upkeep()) } => {}
                () = stopped => {}
            }
            Ok(())
        });
        if self.settings.roles.projector {
            let (projector, fault, stopped) = (self.projector.clone(), self.settings.testing.fault, stop.stopped());
            supervisor.spawn("projector", async move {
                if fault == Some(Fault::ProjectorPanic) {
                    projector.inject_panic();
                }
                projector.run(stopped).await;
                Ok(())
            });
        }
        if self.settings.roles.dispatcher {
            let thread = self.dispatcher.clone().run_on_own_thread(stop.stopped())?;
            supervisor.spawn("dispatcher", async move {
                let joined = tokio::task::spawn_blocking(move || thread.join()).await?;
                joined.map_err(|panic| anyhow::anyhow!("it panicked: {}", panic_message(panic.as_ref())))
            });
        }
        Ok(())
    }
}

/// The signal that tells every role to stop.
struct Stop {
    sender: watch::Sender<bool>,
}

impl Default for Stop {
    fn default() -> Self {
        Self { sender: watch::channel(false).0 }
    }
}

impl Stop {
    /// Resolves once [`Stop::signal`] was called.
    fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut receiver = self.sender.subscribe();
        async move {
            let _ = receiver.wait_for(|stop| *stop).await;
        }
    }

    fn signal(&self) {
        self.sender.send_replace(true);
    }
}

/// A role ended while the process was not stopping: logged, `/ready` answers 503 for
/// [`UNREADY_GRACE`], then the process is to exit non-zero.
async fn died(ending: Option<Ending>) -> anyhow::Result<()> {
    let Some((role, why)) = ending else { return Ok(()) };
    tracing::error!(role, cause = %why, "a role stopped; /ready answers 503 and the process exits");
    tokio::time::sleep(UNREADY_GRACE).await;
    Err(anyhow::anyhow!("the {role} role stopped: {why}"))
}

/// Projects every event committed so far.
async fn catch_up(projector: &Projector) -> anyhow::Result<()> {
    while !matches!(projector.step().await?, projection::Step::Idle { .. }) {}
    Ok(())
}

/// Resolves at SIGINT or SIGTERM.
async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            stopped = tokio::signal::ctrl_c() => stopped?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    tracing::info!("stopping");
    Ok(())
}

/// Creates user `admin` on a fresh database; says when a configured password was not used.
async fn bootstrap_admin(log: &EventStore, settings: &Settings) -> anyhow::Result<()> {
    match auth::ensure_admin(log, settings.auth.admin_password.as_ref()).await? {
        AdminSetup::Created { generated: Some(password) } => println!(
            "Created user 'admin' with password: {password}\n(shown only this once; change it with `dealflow users passwd admin`)"
        ),
        AdminSetup::Created { generated: None } => tracing::info!("created user 'admin' with the configured password"),
        AdminSetup::Existed { password_ignored: true } => tracing::warn!(
            "DEALFLOW_ADMIN_PASSWORD (auth.admin_password) was ignored: it only sets the first admin's password, \
             and this database already has users; change a password with `dealflow users passwd admin`"
        ),
        AdminSetup::Existed { password_ignored: false } => {}
    }
    Ok(())
}

/// Seals hook secrets stored in plain text by versions before sealing.
async fn seal_hook_secrets(log: &EventStore, secrets: &SecretBox) -> anyhow::Result<()> {
    let secrets = secrets.clone();
    let sealed = log
        .write(move |tx| Ok::<_, StorageError>(dispatcher::hooks::store::seal_plaintext(tx.sql(), &secrets)?))
        .await
        .map_err(|e| anyhow::anyhow!("cannot seal the hook secrets: {e}"))?;
    if sealed > 0 {
        tracing::info!(hooks = sealed, "sealed hook secrets stored in plain text");
    }
    Ok(())
}

/// The delivery engine for the configured `[webhooks]` defaults.
pub fn dispatcher_engine(
    log: &EventStore,
    settings: &Settings,
    secrets: &SecretBox,
    public_url: String,
    changes: std::sync::Arc<tokio::sync::Notify>,
) -> anyhow::Result<Engine> {
    Engine::new(log.clone(), &settings.webhooks, public_url, changes, secrets.clone())
}

/// Hourly housekeeping: forgets expired inbound idempotency answers and prunes the request log.
async fn maintain(ingest: web::Data<Ingest>) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        match ingest.purge_expired_keys().await {
            Ok(purged) if purged > 0 => tracing::info!(purged, "forgot expired idempotency keys"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not purge expired idempotency keys"),
        }
        match ingest.prune_request_log(chrono::Utc::now()).await {
            Ok(pruned) if pruned > 0 => tracing::info!(pruned, "pruned the inbound request log"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not prune the inbound request log"),
        }
    }
}

fn http_server(
    listener: TcpListener,
    settings: &Settings,
    log: &EventStore,
    ingest: &web::Data<Ingest>,
    hooks: &web::Data<HooksApi>,
    dispatcher: &web::Data<Engine>,
    readiness: health::Readiness,
) -> anyhow::Result<Server> {
    let console = ConsoleState::new(&settings.server.public_url(listener.local_addr()?));
    let (ingest, hooks, dispatcher) = (ingest.clone(), hooks.clone(), dispatcher.clone());
    let log = web::Data::new(log.clone());
    let authenticator = web::Data::new(Authenticator::new(log.get_ref().clone()));
    let readiness = web::Data::new(readiness);
    let read_models = web::Data::new(commands::read_models(&log));
    let workers =
        settings.server.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(bounds::bound_query))
            .wrap(from_fn(metrics::record_request))
            .wrap(from_fn(conventions::apply))
            .app_data(log.clone())
            .app_data(authenticator.clone())
            .app_data(readiness.clone())
            .app_data(ingest.clone())
            .app_data(hooks.clone())
            .app_data(dispatcher.clone())
            .app_data(read_models.clone())
            .app_data(conventions::query_config())
            .app_data(conventions::path_config())
            .app_data(conventions::json_config(1 << 20))
            .route("/health", web::get().to(health::health))
            .route("/ready", web::get().to(health::ready))
            .route("/metrics", web::get().to(metrics::render))
            // Public, so it is registered before the authenticated `/api` scope, which would match first.
            .route("/api/openapi.json", web::get().to(crate::openapi::serve))
            .service(
                web::scope("/api")
                    // Runs after authentication (the last `wrap` runs first).
                    .wrap(from_fn(query_params::check_query))
                    .wrap(from_fn(auth::authenticate))
                    .route("/users/self", web::get().to(users::current_user))
                    .configure(crate::http::user_admin::configure)
                    .configure(ingest::configure_api)
                    .configure(commands::configure)
                    .configure(projection::configure_api)
                    .configure(dispatcher::configure_api)
                    .default_service(web::to(conventions::not_found)),
            )
            .configure(ingest::configure_public)
            .configure(|cfg| console.configure(cfg))
            .default_service(web::to(crate::console::not_found))
    })
    .workers(workers)
    // The supervisor handles SIGINT and SIGTERM and stops the server with the other roles.
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
