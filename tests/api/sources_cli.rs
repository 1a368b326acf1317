//! `dealflow sources add|rotate` print what the API answers (access key and receive URL for a
//! `url_token` source), and say when their URLs only assume the server's default address.

use std::process::Output;

use crate::helpers::*;

fn streams(output: &Output) -> (String, String) {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn field<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout.lines().find_map(|line| line.strip_prefix(label)).unwrap_or_else(|| panic!("{label} in {stdout}")).trim()
}

#[tokio::test]
async fn urls_printed_without_the_servers_address_come_with_a_note_saying_so() {
    let app = spawn_app().await;

    let (_, defaulted) = streams(&app.run_cli(&["sources", "add", "--name", "CRM"]));
    let (_, listed) = streams(&app.run_cli(&["sources", "list"]));
    let (_, told) = streams(&app.run_cli_with(&["sources", "show", "1"], &[("DEALFLOW_PUBLIC_URL", &app.address)]));
    let (_, listening) = streams(&app.run_cli_with(&["sources", "list"], &[("DEALFLOW_LISTEN", "127.0.0.1:9090")]));

    for stderr in [&defaulted, &listed] {
        let notes: Vec<&str> = stderr.lines().filter(|line| line.contains("DEALFLOW_PUBLIC_URL")).collect();
        assert_eq!(notes.len(), 1, "{stderr}");
        assert!(notes[0].contains("http://127.0.0.1:8080"), "{stderr}");
    }
    assert!(!told.contains("DEALFLOW_PUBLIC_URL"), "{told}");
    assert!(!listening.contains("DEALFLOW_PUBLIC_URL"), "{listening}");
}

#[tokio::test]
async fn a_url_token_source_is_added_and_rotated_with_its_access_key_and_receive_url() {
    let app = spawn_app().await;
    let envs = [("DEALFLOW_PUBLIC_URL", app.address.as_str())];

    let (added, _) =
        streams(&app.run_cli_with(&["sources", "add", "--name", "Website form", "--preset", "form"], &envs));
    let first_url = field(&added, "receive_url:").to_owned();
    assert_eq!(field(&added, "access_key:"), field(&added, "secret:"));
    let (rotated, note) = streams(&app.run_cli_with(&["sources", "rotate", "1"], &envs));

    let key = field(&rotated, "access_key:");
    let receive_url = field(&rotated, "receive_url:");
    assert!(receive_url.ends_with(&format!("/deal-flow/settings/inbound-webhooks/1/receive?access_key={key}")));
    assert_ne!(receive_url, first_url);
    assert!(field(&rotated, "previous secret valid until").ends_with('Z'), "{rotated}");
    assert!(note.lines().any(|line| line.starts_with('(') && line.contains("only this once")), "{note}");
    assert_eq!(format!("{rotated}{note}").matches("only this once").count(), 1, "{rotated}{note}");
    for url in [&first_url, &receive_url.to_owned()] {
        let form = app
            .client
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("email=jane.doe%40example.com&company=Example+Corp");
        assert_eq!(form.send().await.unwrap().status(), 201, "{url}");
    }
}

#[tokio::test]
async fn an_unknown_preset_is_refused_in_the_apis_words() {
    let app = spawn_app().await;

    let output = app.run_cli(&["sources", "add", "--name", "X", "--preset", "zapier"]);

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("preset") && stderr.contains("is not a preset"), "{stderr}");
}
