//! The board's stage editor (admins). `GET /pipelines/{id}/stages`: each stage's name, type,
//! probability and order, and a row to add one. `POST` of the form runs what
//! `PATCH /api/pipelines/{id}/edit` runs with `stages`: the rows are listed in the order their
//! `position` gives (the API gives listed stages positions 1, 2, … in the order sent), the new row
//! without an id, and the pipeline's version as the `If-Match`. A refusal comes back beside the
//! field that caused it, in the API's words.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path};
use api::{ApiError, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use domain::ids::PipelineId;
use eventlog::StorageError;
use ingest::Ingest;
use ingest::commands::pipelines as commands;
use projection::queries::pipelines::{self, PipelineView};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::forms::{Posted, require, with_layout};
use super::stale;
use crate::http::commands::caught_up;

/// The API route whose rule decides who may edit stages.
const EDIT_ROUTE: &str = "/api/pipelines/{id}/edit";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pipelines/{id}/stages", web::get().to(show)).route("/pipelines/{id}/stages", web::post().to(save));
}

/// One row of the form, as shown or as typed.
#[derive(Clone, Debug, Default, Serialize)]
struct Row {
    /// `stage-{i}` for a stage, `new` for the row that adds one.
    key: String,
    id: Option<String>,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    probability: String,
    position: String,
    errors: Map<String, Value>,
}

async fn pipeline(ingest: &Ingest, id: PipelineId) -> Result<PipelineView, PageError> {
    let found = ingest.log.read_async(move |conn| Ok::<_, StorageError>(pipelines::find(conn, id)?)).await;
    Ok(found.map_err(ApiError::from)?.ok_or_else(|| ApiError::not_found(format!("pipeline {id} does not exist")))?)
}

fn rows_of(view: &PipelineView) -> Vec<Row> {
    let mut rows: Vec<Row> = (view.stages.iter().enumerate())
        .map(|(i, s)| Row {
            key: format!("stage-{i}"),
            id: Some(s.id.to_string()),
            name: s.name.clone(),
            kind: s.kind.clone(),
            probability: s.probability.to_string(),
            position: (i + 1).to_string(),
            errors: Map::new(),
        })
        .collect();
    let next = (rows.len() + 1).to_string();
    rows.push(Row { key: "new".into(), kind: "open".into(), position: next, ..Row::default() });
    rows
}

async fn show(ingest: Data<Ingest>, session: Session, id: Path<String>) -> Result<HttpResponse, PageError> {
    require(&session, Method::PATCH, EDIT_ROUTE)?;
    let view = pipeline(&ingest, path_id(&id)?).await?;
    let rows = rows_of(&view);
    page(&session, &view, &rows, view.version, StatusCode::OK, &[])
}

fn page(
    session: &Session,
    view: &PipelineView,
    rows: &[Row],
    version: u64,
    status: StatusCode,
    problems: &[String],
) -> Result<HttpResponse, PageError> {
    let invalid = rows.iter().any(|row| !row.errors.is_empty());
    let page = json!({ "pipeline": view, "rows": rows, "version": version, "problems": problems, "invalid": invalid });
    Pages::get().render_with(status, "stages.html", with_layout(session, "board", page))
}

/// The rows as typed: `stage-{i}-…` for each stage, `new-…` for the added one.
fn typed_rows(posted: &Posted) -> Vec<Row> {
    let read = |key: &str, field: &str| posted.raw(&format!("{key}-{field}")).unwrap_or_default().to_owned();
    let mut rows = Vec::new();
    for i in 0.. {
        let key = format!("stage-{i}");
        let Some(id) = posted.raw(&format!("{key}-id")) else { break };
        let id = Some(id.to_owned());
        let (name, kind, probability, position) =
            (read(&key, "name"), read(&key, "type"), read(&key, "probability"), read(&key, "position"));
        rows.push(Row { key, id, name, kind, probability, position, errors: Map::new() });
    }
    let (name, kind, probability, position) =
        (read("new", "name"), read("new", "type"), read("new", "probability"), read("new", "position"));
    rows.push(Row { key: "new".into(), id: None, name, kind, probability, position, errors: Map::new() });
    rows
}

/// A number when the text is one, else the text itself (for the API's parser to refuse).
fn number_or_text(text: &str) -> Value {
    text.parse::<u64>().map_or_else(|_| json!(text), |n| json!(n))
}

/// The API's `stages` array in the order of the rows' positions (ties keep the form's order),
/// and which row each entry came from; an empty new row adds nothing.
fn stages_body(rows: &mut [Row]) -> (Vec<Value>, Vec<usize>) {
    let mut order = Vec::new();
    for (index, row) in rows.iter_mut().enumerate() {
        if row.id.is_none() && row.name.is_empty() {
            continue;
        }
        match row.position.parse::<u32>() {
            Ok(position) => order.push((position, index)),
            Err(_) => {
                row.errors.insert("position".into(), json!(["must be a whole number: the stage's place, 1 first"]));
            }
        }
    }
    order.sort();
    let mut stages = Vec::with_capacity(order.len());
    for (_, index) in &order {
        let row = &rows[*index];
        let mut stage = Map::new();
        if let Some(id) = &row.id {
            stage.insert("id".into(), number_or_text(id));
        }
        stage.insert("name".into(), json!(row.name));
        stage.insert("type".into(), json!(row.kind));
        if !row.probability.is_empty() {
            stage.insert("probability".into(), number_or_text(&row.probability));
        }
        stages.push(Value::Object(stage));
    }
    (stages, order.into_iter().map(|(_, index)| index).collect())
}

/// Puts the API's `stages[i].field` messages beside their row's field; answers the rest.
fn place_errors(rows: &mut [Row], from: &[usize], details: &Value) -> Vec<String> {
    let mut rest = Vec::new();
    for (name, messages) in details.as_object().into_iter().flatten() {
        let indexed = name.strip_prefix("stages[").and_then(|tail| tail.split_once("]."));
        let target = indexed.and_then(|(i, field)| Some((from.get(i.parse::<usize>().ok()?)?, field)));
        match target {
            Some((row, field)) => {
                rows[*row].errors.insert(field.to_owned(), messages.clone());
            }
            None => rest.extend(
                messages
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|m| format!("{name}: {}", m.as_str().unwrap_or_default())),
            ),
        }
    }
    rest
}

async fn save(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request: api::RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, EDIT_ROUTE)?;
    let id: PipelineId = path_id(&id)?;
    let view = pipeline(&ingest, id).await?;
    let expected = posted.get("version").and_then(|v| v.parse::<u64>().ok()).unwrap_or(view.version);
    let mut rows = typed_rows(&posted);
    let (stages, from) = stages_body(&mut rows);
    if rows.iter().any(|row| !row.errors.is_empty()) {
        return page(&posted.session, &view, &rows, expected, StatusCode::UNPROCESSABLE_ENTITY, &[]);
    }
    let mut body = Map::new();
    body.insert("stages".into(), Value::Array(stages));
    let written = match commands::parse_edit(&body) {
        Ok(edit) => {
            let (cache, metadata) = (ingest.pipelines.clone(), posted.session.user.metadata(&request));
            let written =
                ingest.log.write(move |tx| commands::edit(tx, &cache, id, Some(expected), edit, &metadata)).await;
            written.map_err(ApiError::from)
        }
        Err(errors) => Err(ApiError::from(errors)),
    };
    match written {
        Ok(written) => {
            caught_up(&ingest.log, written.position).await;
            Ok(see_other(&format!("/board?pipeline_id={id}")))
        }
        // Changed by someone else since the form was drawn: the stages as they are now, saying so.
        Err(error) if stale::is_stale(&error) => {
            let view = pipeline(&ingest, id).await?;
            page(&posted.session, &view, &rows_of(&view), view.version, error.status, &[stale::message("pipeline")])
        }
        Err(error) if error.status.is_client_error() && error.status != StatusCode::NOT_FOUND => {
            let mut problems = place_errors(&mut rows, &from, &error.details);
            if problems.is_empty() && rows.iter().all(|row| row.errors.is_empty()) {
                problems.push(error.message.clone());
            }
            page(&posted.session, &view, &rows, expected, error.status, &problems)
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, id: Option<&str>, name: &str, position: &str) -> Row {
        let id = id.map(str::to_owned);
        Row { key: key.into(), id, name: name.into(), kind: "open".into(), position: position.into(), ..Row::default() }
    }

    #[test]
    fn stages_are_listed_by_position_ties_in_form_order_and_errors_go_back_to_their_row() {
        let mut rows = vec![
            row("stage-0", Some("1"), "Lead", "2"),
            row("stage-1", Some("2"), "Won", "2"),
            row("new", None, "Pilot", "1"),
        ];
        let (stages, from) = stages_body(&mut rows);
        let names: Vec<_> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Pilot", "Lead", "Won"]);
        assert_eq!(stages[1]["id"], 1);
        assert!(stages[0].get("id").is_none() && stages[0].get("probability").is_none());

        let details = json!({ "stages[2].name": ["must not be empty"], "stages": ["stage 9 is not a stage"] });
        let rest = place_errors(&mut rows, &from, &details);
        assert_eq!(rows[1].errors["name"], json!(["must not be empty"]));
        assert_eq!(rest, ["stages: stage 9 is not a stage"]);
    }

    #[test]
    fn an_empty_new_row_adds_nothing_and_a_bad_position_is_refused_on_its_row() {
        let mut rows = vec![row("stage-0", Some("1"), "Lead", "first"), row("new", None, "", "2")];
        let (stages, _) = stages_body(&mut rows);
        assert!(stages.is_empty());
        assert!(rows[0].errors.contains_key("position"));
    }
}
