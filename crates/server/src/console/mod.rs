//! The web console's pages (SPEC §12), hosted at `/` beside the API. They run the very command
//! and query functions the API routes run; the `console` crate gives them templates, assets,
//! sessions, CSRF tokens and sign-in throttling.
//!
//! - [`signin`]: `GET|POST /login`, `POST /logout`, `GET /`.
//! - [`forms`]: what every page and form shares: the layout's values, CSRF-checked POSTs, and the
//!   role check through the API's own role table.
//! - [`board`]: `GET /board`, `POST /deals/{id}/stage`; [`money`]: its sums per currency.
//! - [`deals`]: `GET /deals`.
//! - [`live`]: `GET /board/live`, server-sent events that refresh an open board.
//! - [`hooks`]: the webhook pages and the webhook settings.
//! - [`sources`]: `GET /sources`, `/sources/{id}` and their writes; [`snippets`]: sender code.
//! - [`source_mapping`]: `GET|POST /sources/{id}/mapping`, `POST /sources/{id}/mapping/test`.
//! - [`events`]: `GET /events`, `GET /events/export`.
//! - [`contacts`]: `GET /contacts`, `GET /contacts/{id}`.
//! - [`deal`]: `GET /deals/{id}` (also `?asOf=`); [`deal_writes`]: its notes, tasks and edit form.
//! - [`stages`]: `GET|POST /pipelines/{id}/stages`, the board's stage editor (admins only).
//! - [`users`]: `GET /users`, `/users/{id}` and their writes (admins only).
//! - [`not_found`]: unknown paths, as a console page for a signed-in user.
//! - [`stale`]: a form sent with a version someone else moved past, said plainly.

mod board;
mod contacts;
mod deal;
mod deal_writes;
mod deals;
mod events;
mod forms;
mod hooks;
mod live;
mod money;
mod not_found;
mod pager;
mod signin;
mod snippets;
mod source_mapping;
mod sources;
mod stages;
mod stale;
mod users;

use actix_web::web;

use console::{CookiePolicy, SessionStore, Throttle};
pub use not_found::not_found;

/// The console's state, made once per process and shared by every worker.
#[derive(Clone)]
pub struct ConsoleState {
    sessions: web::Data<SessionStore>,
    throttle: web::Data<Throttle>,
    cookies: web::Data<CookiePolicy>,
}

impl ConsoleState {
    /// Sessions in memory with the standard idle timeout; cookies `Secure` when `public_url` is
    /// https.
    pub fn new(public_url: &str) -> Self {
        Self {
            sessions: web::Data::new(SessionStore::new(console::sessions::IDLE_TIMEOUT)),
            throttle: web::Data::new(Throttle::default()),
            cookies: web::Data::new(CookiePolicy::for_public_url(public_url)),
        }
    }

    /// Registers the console's routes and state at the root of the app (after `/api`).
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(self.sessions.clone()).app_data(self.throttle.clone()).app_data(self.cookies.clone());
        console::assets::configure(cfg);
        signin::configure(cfg);
        board::configure(cfg);
        live::configure(cfg);
        deals::configure(cfg);
        hooks::configure(cfg);
        sources::configure(cfg);
        source_mapping::configure(cfg);
        events::configure(cfg);
        contacts::configure(cfg);
        deal::configure(cfg);
        deal_writes::configure(cfg);
        users::configure(cfg);
        stages::configure(cfg);
    }
}
