//! A hook's page and form, as Mautic's form has them: name, URL, description, the events grouped
//! with their labels, order, secret, payload and signature format, published. Creating and
//! saving run the commands `POST /api/hooks/new` and `PATCH /api/hooks/{id}/edit` run, with the
//! form read by the API's parser; **Send Test Payload** runs `POST /api/hooks/{id}/test`'s.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path};
use api::{ApiError, RequestId, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use dispatcher::hooks::commands;
use dispatcher::routes::edits;
use dispatcher::{Engine, HooksApi};
use domain::ids::HookId;
use serde_json::{Value, json};

use super::body::{hook_body, posted_values, trigger_groups};
use super::hook_view;
use crate::console::forms::{Posted, field_errors, form_message, may, require, with_layout};

const CREATE: &str = "/api/hooks/new";
const EDIT: &str = "/api/hooks/{id}/edit";
const TEST: &str = "/api/hooks/{id}/test";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks/new", web::get().to(new))
        .route("/hooks/new", web::post().to(create))
        .route("/hooks/{id}", web::get().to(show))
        .route("/hooks/{id}/edit", web::post().to(save))
        .route("/hooks/{id}/test", web::post().to(test));
}

/// What the page shows besides the layout.
#[derive(Default)]
struct Form {
    /// The hook as the API shows it (`None`: a new one).
    hook: Option<Value>,
    /// The form's values, by API field name.
    values: Value,
    checked: Vec<String>,
    error: Option<ApiError>,
    /// What the receiver answered a test send.
    test: Option<Value>,
}

fn render(session: &Session, form: Form) -> Result<HttpResponse, PageError> {
    let status = form.error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let (action, can_edit) = match form.hook.as_ref().map(|h| h["id"].clone()) {
        None => ("/hooks/new".to_owned(), true),
        Some(id) => (format!("/hooks/{id}/edit"), may(session, Method::PATCH, EDIT)),
    };
    let page = json!({
        "hook": form.hook, "form": form.values, "groups": trigger_groups(&form.checked), "action": action,
        "can_edit": can_edit, "can_test": may(session, Method::POST, TEST), "test": form.test,
        "message": form.error.as_ref().map(|e| form_message(e, "The webhook was not saved; see below.")),
        "errors": form.error.as_ref().and_then(field_errors).unwrap_or(json!({})),
    });
    Pages::get().render_with(status, "hook.html", with_layout(session, "hooks", page))
}

async fn new(session: Session) -> Result<HttpResponse, PageError> {
    require(&session, Method::POST, CREATE)?;
    let values = json!({ "isPublished": true, "payloadFormat": "mautic", "signatureFormat": "mautic" });
    render(&session, Form { values, ..Form::default() })
}

async fn create(api: Data<HooksApi>, posted: Posted, request: RequestId) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, CREATE)?;
    let body = hook_body(&posted, true);
    let created = async {
        let input = edits::whole_input(&api, &body).await?;
        let (editor, metadata) = (edits::editor(&posted.session.user), posted.session.user.metadata(&request));
        let secrets = api.secrets.clone();
        let hook = api.log.write(move |tx| commands::create(tx, &secrets, input, &editor, &metadata)).await?;
        api.hooks_changed();
        Ok::<_, ApiError>(hook.id)
    };
    match created.await {
        Ok(id) => Ok(see_other(&format!("/hooks/{id}"))),
        Err(error) => refused(&posted, None, error),
    }
}

/// The form again with what was posted, the API's message and each field's errors.
fn refused(posted: &Posted, hook: Option<Value>, error: ApiError) -> Result<HttpResponse, PageError> {
    if field_errors(&error).is_none() && error.status != StatusCode::UNPROCESSABLE_ENTITY {
        return Err(error.into());
    }
    let checked = posted.all("triggers").into_iter().map(str::to_owned).collect();
    render(&posted.session, Form { hook, values: posted_values(posted), checked, error: Some(error), test: None })
}

async fn show(api: Data<HooksApi>, session: Session, id: Path<String>) -> Result<HttpResponse, PageError> {
    let id: HookId = path_id(&id)?;
    let (view, checked) = hook_view(&api, id, &session.user).await?;
    render(&session, Form { hook: Some(view.clone()), values: view, checked, ..Form::default() })
}

async fn save(
    api: Data<HooksApi>,
    posted: Posted,
    request: RequestId,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, EDIT)?;
    let id: HookId = path_id(&id)?;
    let body = hook_body(&posted, false);
    let saved = async {
        let input = edits::input(&api, &body).await?;
        let (editor, metadata) = (edits::editor(&posted.session.user), posted.session.user.metadata(&request));
        let secrets = api.secrets.clone();
        api.log.write(move |tx| commands::patch(tx, &secrets, id, input, &editor, &metadata)).await?;
        api.hooks_changed();
        Ok::<_, ApiError>(())
    };
    match saved.await {
        Ok(()) => Ok(see_other(&format!("/hooks/{id}"))),
        Err(error) => {
            let (view, _) = hook_view(&api, id, &posted.session.user).await?;
            refused(&posted, Some(view), error)
        }
    }
}

async fn test(
    api: Data<HooksApi>,
    engine: Data<Engine>,
    posted: Posted,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, TEST)?;
    let id: HookId = path_id(&id)?;
    let sent = dispatcher::delivery::commands::send_test(&engine, id).await?;
    let (view, checked) = hook_view(&api, id, &posted.session.user).await?;
    let test = serde_json::to_value(sent).map_err(ApiError::internal)?;
    render(&posted.session, Form { hook: Some(view.clone()), values: view, checked, test: Some(test), error: None })
}
