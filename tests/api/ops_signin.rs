//! Sign-in timing (issue 10, item 13): a wrong password for an unknown user costs what it costs
//! for a known one — the unknown user is verified against a dummy hash — so timing does not tell
//! which users exist.

use std::time::{Duration, Instant};

use server::auth::passwords::dummy_verifications;

use crate::helpers::*;

async fn sign_in_time(app: &TestApp, username: &str) -> Duration {
    let request = app.client.get(app.url("/api/users/self")).basic_auth(username, Some("wrong password"));
    let started = Instant::now();
    let response = request.send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(response.status(), 401);
    took
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test]
async fn an_unknown_user_costs_a_full_password_verification_like_a_known_one() {
    let app = spawn_app().await;
    let before = dummy_verifications();

    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for round in 0..7 {
        known.push(sign_in_time(&app, "admin").await);
        unknown.push(sign_in_time(&app, &format!("nobody-{round}")).await);
    }

    assert!(dummy_verifications() >= before + 7, "each unknown user is verified against the dummy hash");
    let (known, unknown) = (median(known), median(unknown));
    assert!(unknown.as_secs_f64() > known.as_secs_f64() * 0.5, "unknown {unknown:?} vs known {known:?}");
}

#[tokio::test]
async fn an_unknown_token_costs_a_verification_too() {
    let app = spawn_app().await;
    let before = dummy_verifications();

    let response = app.client.get(app.url("/api/users/self")).bearer_auth("dft_424242_secret").send().await.unwrap();

    assert_eq!(response.status(), 401);
    assert!(dummy_verifications() > before);
}
