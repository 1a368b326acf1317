//! `GET /board`: a pipeline's stages as columns with the count of `GET /api/pipelines/{id}/board`,
//! the sum and weighted sum per currency, and at most [`CARDS`] deal cards per column.
//! `POST /deals/{id}/stage`: the card's Move form, running the API's stage-change command.

use actix_web::HttpResponse;
use actix_web::http::Method;
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, ListParams, Order, Page, RequestId, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use domain::deal::Deal;
use domain::ids::{DealId, PipelineId};
use eventlog::{EventStore, StorageError};
use ingest::Ingest;
use ingest::commands::deals as commands;
use projection::queries::board_currencies;
use projection::queries::deals::{self, DealFilters};
use projection::queries::pipelines::{self, BoardStage, PipelineView};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::forms::{Posted, may, with_layout};
use super::{money, stale};
use crate::http::commands::caught_up;

/// Cards shown per column; the rest are behind the column's link to the deals list.
pub const CARDS: u64 = 20;

/// The API route whose rule decides who may move a card.
const MOVE_ROUTE: &str = "/api/deals/{id}/stage";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/board", web::get().to(show)).route("/deals/{id}/stage", web::post().to(move_deal));
}

#[derive(Serialize)]
struct Column {
    stage: BoardStage,
    deals: Vec<Deal>,
    /// The deals list filtered to this stage, when it has more deals than cards shown.
    more: Option<String>,
    /// The sum and the weighted sum per currency (`2,500.50 EUR · 35,900 USD`).
    sum: String,
    weighted: String,
}

struct BoardView {
    /// The projector's checkpoint these figures were read at (live updates start from it).
    position: u64,
    pipelines: Vec<PipelineView>,
    board: pipelines::Board,
    columns: Vec<Column>,
    /// The pipeline's sum and weighted sum per currency.
    totals: (String, String),
    /// The deal whose Move form was stale, as it is now (after a move refused for its version).
    stale: Option<Deal>,
}

async fn show(
    log: Data<EventStore>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let params = ListParams::new(query.into_inner());
    let chosen = params.parsed::<PipelineId>("pipeline_id", "a pipeline id")?;
    let stale_deal = params.parsed::<DealId>(stale::FLAG, "a deal id")?;
    let view = log.read_async(move |conn| board_view(conn, chosen, stale_deal)).await.map_err(ApiError::from)?;
    let view = view.ok_or_else(|| ApiError::not_found("no such pipeline; pick one from the switcher"))?;
    let stages: Vec<_> = view.board.stages.iter().map(|s| json!({ "id": s.stage.id, "name": s.stage.name })).collect();
    let BoardView { pipelines, board, columns, position, stale, totals } = view;
    let stale = stale.map(|deal| json!({ "id": deal.id, "title": deal.title, "message": stale::message("deal") }));
    let can_move = may(&session, Method::POST, MOVE_ROUTE);
    let page = json!({
        "can_move": can_move, "stages": stages, "pipelines": pipelines, "board": board, "columns": columns,
        "position": position, "stale": stale, "totals": { "sum": totals.0, "weighted": totals.1 },
        "can_edit_stages": may(&session, Method::PATCH, "/api/pipelines/{id}/edit"),
    });
    Pages::get().render("board.html", with_layout(&session, "board", page))
}

/// The chosen pipeline (the first one when none is chosen), its board, and each column's first
/// cards, most recently updated first; and the deal of a stale move, if any.
fn board_view(
    conn: &eventlog::sql::Db<'_>,
    chosen: Option<PipelineId>,
    stale: Option<DealId>,
) -> Result<Option<BoardView>, StorageError> {
    // Read first: a change landing while the figures are read only causes one more refresh.
    let position = eventlog::reader::checkpoint(conn, projection::CONSUMER)?;
    let all = pipelines::list(conn)?;
    let Some(id) = chosen.or_else(|| all.first().map(|p| p.id)) else { return Ok(None) };
    let Some(board) = pipelines::board(conn, id)? else { return Ok(None) };
    let order = Order { column: "d.updated_at", descending: true };
    let mut columns = Vec::with_capacity(board.stages.len());
    let mut sums = Vec::with_capacity(board.stages.len());
    for stage in &board.stages {
        let filters = DealFilters { pipeline_id: Some(id), stage_id: Some(stage.stage.id), ..Default::default() };
        let (_, cards) = deals::list(conn, &filters, order, Page { start: 0, limit: CARDS })?;
        let more = (stage.deal_count > CARDS).then(|| format!("/deals?pipeline_id={id}&stage_id={}", stage.stage.id));
        let in_currencies = board_currencies::of_stage(conn, stage.stage.id, stage.stage.probability)?;
        let (sum, weighted) = money::per_currency(&in_currencies);
        sums.push(in_currencies);
        columns.push(Column { stage: stage.clone(), deals: cards, more, sum, weighted });
    }
    let totals = money::per_currency(&board_currencies::total(&sums));
    let stale = stale.map(|id| deals::find(conn, id)).transpose()?.flatten();
    Ok(Some(BoardView { pipelines: all, board, columns, position, stale, totals }))
}

/// Runs the command `POST /api/deals/{id}/stage` runs, with the form's `stage_id` read by the
/// same parser and its `version` as the `If-Match`; then back to the deal's board.
async fn move_deal(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, MOVE_ROUTE)?;
    let id: DealId = path_id(&id)?;
    let mut body = Map::new();
    if let Some(stage) = posted.get("stage_id") {
        body.insert("stage_id".into(), Value::String(stage.to_owned()));
    }
    let target = commands::parse_move(&body).map_err(ApiError::from)?;
    let expected = posted
        .get("version")
        .map(|v| v.parse::<u64>().map_err(|_| ApiError::bad_field("version", "must be a deal version number")))
        .transpose()?;
    let (cache, metadata) = (ingest.pipelines.clone(), posted.session.user.metadata(&request_id));
    let written = ingest
        .log
        .write(move |tx| commands::move_to_stage(tx, &cache, id, expected, target, &metadata))
        .await
        .map_err(ApiError::from);
    // A card moved by someone else meanwhile: back to the board as it is now, saying so.
    let stale = match written {
        Ok(written) => {
            caught_up(&ingest.log, written.position).await;
            None
        }
        Err(error) if stale::is_stale(&error) => Some(id),
        Err(error) => return Err(error.into()),
    };
    let deal = ingest
        .log
        .read_async(move |conn| Ok::<_, StorageError>(deals::find(conn, id)?))
        .await
        .map_err(ApiError::from)?;
    Ok(see_other(&after_move(deal.map(|d| d.pipeline.id), stale)))
}

/// Where a move goes back to: the deal's board (the first one when the deal is gone), flagged
/// with the deal's id when its card was stale.
fn after_move(pipeline: Option<PipelineId>, stale: Option<DealId>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(pipeline) = pipeline {
        query.append_pair("pipeline_id", &pipeline.to_string());
    }
    if let Some(deal) = stale {
        query.append_pair(stale::FLAG, &deal.to_string());
    }
    let query = query.finish();
    if query.is_empty() { "/board".to_owned() } else { format!("/board?{query}") }
}
