//! Requests as Mautic's PHP API client (api-library) sends them: form bodies built with
//! `http_build_query`, query strings for GET and DELETE, Basic auth.
//! (issue 5: an existing Mautic client works unchanged.)

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

fn form(app: &TestApp, method: Method, path: &str, body: &str) -> reqwest::RequestBuilder {
    app.as_admin(method, path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body.to_owned())
}

#[tokio::test]
async fn create_edit_list_and_delete_work_with_form_bodies() {
    let app = spawn_app().await;
    // $webhookApi->create(['name' => 'test', 'webhookUrl' => 'http://mysite.com/webhook/test',
    //   'triggers' => ['mautic.lead_post_save_new', 'mautic.lead_post_save_update'],
    //   'description' => 'Created via API', 'secret' => 'mySecret', 'isPublished' => true]);
    let created = form(&app, Method::POST, "/api/hooks/new",
        "name=test&webhookUrl=http%3A%2F%2Fmysite.com%2Fwebhook%2Ftest&triggers%5B0%5D=mautic.lead_post_save_new&triggers%5B1%5D=mautic.lead_post_save_update&description=Created+via+API&secret=mySecret&isPublished=1")
        .send().await.unwrap();
    assert_eq!(created.status(), 201);
    let hook = json(created).await["hook"].clone();
    assert_eq!(hook["triggers"], json!(["mautic.lead_post_save_new", "mautic.lead_post_save_update"]));
    assert_eq!((hook["secret"].as_str(), hook["isPublished"].as_bool()), (Some("mySecret"), Some(true)));

    // $webhookApi->edit(1, ['isPublished' => false], false) sends a PATCH.
    let edited = json(form(&app, Method::PATCH, "/api/hooks/1/edit", "isPublished=0").send().await.unwrap()).await;
    assert_eq!(edited["hook"]["isPublished"], false);

    // $webhookApi->getList('test', 0, 10, 'name', 'ASC', false, true)
    let list = app
        .get_ok("/api/hooks?search=test&start=0&limit=10&orderBy=name&orderByDir=ASC&publishedOnly=0&minimal=1")
        .await;
    assert_eq!(list["total"], 1);

    // $webhookApi->createBatch([...]) and deleteBatch([1, 2])
    let batch = json(
        form(
            &app,
            Method::POST,
            "/api/hooks/batch/new",
            "0%5Bname%5D=a&0%5BwebhookUrl%5D=http%3A%2F%2Fa.test%2F&0%5Btriggers%5D%5B0%5D=dealflow.deal.won",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(batch["statusCodes"], json!([201]));
    let deleted =
        json(app.as_admin(Method::DELETE, "/api/hooks/batch/delete?ids%5B0%5D=1&ids%5B1%5D=2").send().await.unwrap())
            .await;
    assert_eq!(deleted["statusCodes"], json!([200, 200]));
}
