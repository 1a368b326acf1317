//! Request spans (issue 10, item 9): every request runs in a span with its request id, method,
//! route and the hook or source id, and a server error is logged once, in that span, with its
//! cause chain. The server error here is real: a hook secret sealed with another master key.

use eventlog::StorageError;

use crate::helpers::*;
use crate::served::Served;

#[tokio::test]
async fn a_server_error_is_logged_once_in_its_request_span_with_the_cause_chain() {
    let app = spawn_driven_app().await;
    let hook = app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;
    let id = hook["id"].as_u64().unwrap();
    let foreign = domain::secrets::SecretBox::from_key(&[7; 32]).seal("sealed with another key");
    app.log
        .write(move |tx| {
            tx.sql().execute("UPDATE hooks SET secret = ?1 WHERE id = ?2", (format!("sealed:{foreign}"), id))?;
            Ok::<_, StorageError>(())
        })
        .await
        .unwrap();
    let served = Served::start(app.store.env());
    let address = served.address();

    let response = reqwest::Client::new()
        .get(format!("{address}/api/hooks/{}", hook["id"]))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .header("X-Request-Id", "trace-me-42")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 500);
    let error =
        served.wait_for(|line| (line.contains("ERROR") && line.contains("trace-me-42")).then(|| line.to_owned()));
    for part in ["request_id=trace-me-42", "method=GET", "route=/api/hooks/{id}", &format!("hook_id={}", hook["id"])] {
        assert!(error.contains(part), "{part} in {error}");
    }
    assert!(error.contains("master key it was sealed with"), "the cause chain: {error}");
    let errors = served.log().iter().filter(|line| line.contains("ERROR") && line.contains("trace-me-42")).count();
    assert_eq!(errors, 1, "logged once");
}
