//! A minimal, Mautic-shaped categories API, so that hooks can be filed and searched by category:
//! `GET /api/categories`, `GET /api/categories/{id}`, `POST /api/categories/new`.

use actix_web::HttpResponse;
use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data, Path};
use api::{Admin, ApiError, Authenticated, CommandError, Fields, ObjectBody, path_id};
use eventlog::StorageError;
use serde_json::json;

use super::model::Category;
use super::{HooksApi, store};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/categories").route(web::get().to(list)))
        .service(web::resource("/categories/new").route(web::post().to(create)))
        .service(web::resource("/categories/{id}").route(web::get().to(get_one)));
}

async fn list(api: Data<HooksApi>, _: Authenticated) -> Result<HttpResponse, ApiError> {
    let categories = api.log.read_async(|conn| Ok::<_, StorageError>(store::categories(conn)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": categories.len(), "categories": categories })))
}

async fn get_one(api: Data<HooksApi>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: u64 = path_id(&id)?;
    let category = api.log.read_async(move |conn| Ok::<_, StorageError>(store::find_category(conn, id)?)).await?;
    let category = category.ok_or_else(|| ApiError::not_found(format!("category {id} does not exist")))?;
    Ok(HttpResponse::Ok().json(json!({ "category": category })))
}

/// A URL-safe alias from a title: lower case, runs of other characters as one `-`.
fn alias_of(title: &str) -> String {
    let mut alias = String::new();
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            alias.extend(c.to_lowercase());
        } else if !alias.ends_with('-') && !alias.is_empty() {
            alias.push('-');
        }
    }
    alias.trim_end_matches('-').to_owned()
}

async fn create(api: Data<HooksApi>, Admin(user): Admin, body: ObjectBody) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::new(&body.0);
    let title = fields.required_text("title", 255).map(|t| t.into_string());
    let alias = fields.optional_text("alias", 255).map(|t| t.into_string());
    let description = fields.optional_text("description", 65_535).map(|t| t.into_string());
    let color = fields.optional_text("color", 32).map(|t| t.into_string());
    let bundle = fields.optional_text("bundle", 64).map_or_else(|| "Webhook".to_owned(), |t| t.into_string());
    fields.refuse_unknown();
    let errors = fields.into_errors();
    let Some(title) = title.filter(|_| errors.is_empty()) else { return Err(ApiError::validation(errors)) };
    let alias = alias.unwrap_or_else(|| alias_of(&title));
    let created_by = Some(user.display_name.clone());
    let category = api
        .log
        .write(move |tx| {
            if store::categories(tx.sql())?.iter().any(|c| c.alias == alias) {
                return Err(CommandError::invalid("alias", format!("another category has the alias {alias:?}")));
            }
            let id = store::next_category_id(tx.sql())?;
            let category = Category {
                created_by_user: created_by,
                modified_by_user: None,
                id,
                title,
                alias,
                description,
                color,
                bundle,
            };
            store::insert_category(tx.sql(), &category)?;
            Ok(category)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/categories/{}", category.id)))
        .json(json!({ "category": category })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn aliases_are_lower_case_words_joined_by_dashes() {
        assert_eq!(super::alias_of("  Important Hooks: EU / US "), "important-hooks-eu-us");
    }
}
