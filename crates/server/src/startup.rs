//! Builds the application from settings: opens the log, bootstraps a fresh database, binds
//! the listener (port 0 works: tests read the real port back) and assembles the HTTP app.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use dispatcher::{Engine, HooksApi, TargetPolicy};
use eventlog::SqliteEventLog;
use ingest::Ingest;
use projection::Projector;
use tokio::sync::watch;

use crate::auth::{self, Authenticator};
use crate::http::{bounds, commands, conventions, health, metrics, users};
use crate::settings::Settings;
use crate::{bootstrap, migrations};

/// A built, bound, not yet running application.
pub struct Application {
    port: u16,
    public_url: String,
    log: SqliteEventLog,
    ingest: web::Data<Ingest>,
    projector: Projector,
    dispatcher: Engine,
    roles: crate::settings::RoleSettings,
    server: Option<Server>,
}

/// Opens the database at the configured path and applies every migration.
pub fn open_log(settings: &Settings) -> anyhow::Result<SqliteEventLog> {
    let path = &settings.database.path;
    SqliteEventLog::open(path, &migrations::all(), settings.database.log_settings())
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))
}

impl Application {
    /// Opens, bootstraps and binds everything the settings ask for.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        metrics::recorder();
        let log = open_log(&settings)?;
        if let Some(password) = auth::ensure_admin(&log, settings.auth.admin_password.as_ref()).await? {
            println!(
                "Created user 'admin' with password: {password}\n(shown only this once; change it with `dealflow users passwd admin`)"
            );
        }
        bootstrap::ensure_default_pipeline(&log).await?;
        let listener = TcpListener::bind(settings.server.listen_addr()?)?;
        let bound = listener.local_addr()?;
        let public_url = settings.server.public_url(bound);
        tracing::info!(address = %bound, %public_url, "listening");
        let ingest = web::Data::new(Ingest::new(log.clone(), settings.ingest.clone(), public_url.clone())?);
        let targets = TargetPolicy { allow_private: settings.webhooks.allow_private_targets };
        let changes = std::sync::Arc::new(tokio::sync::Notify::new());
        let hooks = web::Data::new(HooksApi { log: log.clone(), targets, changes: changes.clone() });
        let dispatcher = web::Data::new(dispatcher_engine(&log, &settings, public_url.clone(), changes)?);
        let server = if settings.roles.http {
            Some(http_server(listener, &settings, &log, &ingest, &hooks, &dispatcher)?)
        } else {
            None
        };
        let projector = Projector::new(log.clone());
        let dispatcher = dispatcher.get_ref().clone();
        Ok(Self {
            port: bound.port(),
            public_url,
            log,
            ingest,
            projector,
            dispatcher,
            roles: settings.roles.clone(),
            server,
        })
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
    pub fn log(&self) -> &SqliteEventLog {
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

    /// Runs the HTTP server and the background roles until SIGINT or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let until_stopped = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }
        };
        let mut background = vec![tokio::spawn(maintain(self.ingest.clone())), tokio::spawn(metrics::run_upkeep())];
        if self.roles.projector {
            background.push(tokio::spawn(self.projector.clone().run(until_stopped())));
        }
        let dispatcher = if self.roles.dispatcher {
            Some(self.dispatcher.clone().run_on_own_thread(until_stopped())?)
        } else {
            None
        };
        match self.server {
            Some(server) => server.await?,
            None => tokio::signal::ctrl_c().await?,
        }
        let _ = stop.send(true);
        for task in background {
            task.abort();
        }
        if let Some(dispatcher) = dispatcher {
            // The engine stops at the next await point; its leases expire if a send was cut short.
            let _ = tokio::task::spawn_blocking(move || dispatcher.join()).await;
        }
        Ok(())
    }
}

/// The delivery engine for the configured `[webhooks]` defaults.
pub fn dispatcher_engine(
    log: &SqliteEventLog,
    settings: &Settings,
    public_url: String,
    changes: std::sync::Arc<tokio::sync::Notify>,
) -> anyhow::Result<Engine> {
    Engine::new(log.clone(), &settings.webhooks, public_url, changes)
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
    log: &SqliteEventLog,
    ingest: &web::Data<Ingest>,
    hooks: &web::Data<HooksApi>,
    dispatcher: &web::Data<Engine>,
) -> anyhow::Result<Server> {
    let (ingest, hooks, dispatcher) = (ingest.clone(), hooks.clone(), dispatcher.clone());
    let log = web::Data::new(log.clone());
    let authenticator = web::Data::new(Authenticator::new(log.get_ref().clone()));
    let readiness = web::Data::new(health::Readiness { log: log.get_ref().clone(), migrations: migrations::all() });
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
            .service(
                web::scope("/api")
                    .wrap(from_fn(auth::authenticate))
                    .route("/users/self", web::get().to(users::current_user))
                    .configure(ingest::configure_api)
                    .configure(commands::configure)
                    .configure(projection::configure_api)
                    .configure(dispatcher::configure_api)
                    .default_service(web::to(conventions::not_found)),
            )
            .configure(ingest::configure_public)
            .default_service(web::to(conventions::not_found))
    })
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}
