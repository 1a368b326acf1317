//! Sending one delivery: the headers of SPEC §7, the hook's signature format, no redirects, a
//! timeout, and no connection to a non-public address unless `allow_private_targets`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::signature::{sign_mautic, sign_standard};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::hooks::{Hook, SignatureFormat};
use crate::targets::TargetPolicy;

/// What came back from one attempt.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The HTTP status; none when no answer came (refused, connection error, timeout).
    pub status: Option<u16>,
    pub retry_after: Option<String>,
    /// The error, or the first KiB of the answer's body.
    pub note: Option<String>,
    pub runtime: Duration,
}

impl Answer {
    /// A 2xx answer.
    pub fn succeeded(&self) -> bool {
        is_success(self.status)
    }
}

/// Whether an attempt that got `status` (none: no answer) succeeded: a 2xx.
pub fn is_success(status: Option<u16>) -> bool {
    status.is_some_and(|s| (200..300).contains(&s))
}

/// Sends signed deliveries.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: TargetPolicy,
    origin: String,
}

const NOTE_BYTES: usize = 1024;
/// Idle connections kept per receiver: one for each request a hook may have in flight.
const MAX_IDLE_PER_HOST: usize = crate::hooks::MaxInFlight::MAX as usize;

/// Resolves names, refusing those with a non-public address (unless allowed), so that a hook
/// cannot reach inside the network through DNS.
struct GuardedResolver {
    policy: TargetPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(private) = addresses.iter().find(|a| policy.check_address(a.ip()).is_err()) {
                return Err(format!(
                    "{host} resolves to the non-public address {}; set allow_private_targets to allow it",
                    private.ip()
                )
                .into());
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

impl Sender {
    /// A sender identifying itself with `origin` (dealflow's public URL).
    pub fn new(policy: TargetPolicy, origin: String) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .user_agent(concat!("dealflow/", env!("CARGO_PKG_VERSION")))
            // A window of `maxInFlight` requests leaves as many connections idle between its
            // answers: keeping fewer closed and reopened connections all through a busy turn.
            .pool_max_idle_per_host(MAX_IDLE_PER_HOST)
            .build()?;
        Ok(Self { client, policy, origin })
    }

    /// POSTs a body to a hook, signed as the hook asks, and reports the answer.
    pub async fn send(
        &self,
        hook: &Hook,
        delivery_id: &str,
        body: String,
        timeout: Duration,
        now: DateTime<Utc>,
    ) -> Answer {
        let started = Instant::now();
        if let Err(refused) = self.policy.check_url(&hook.webhook_url) {
            return Answer {
                status: None,
                retry_after: None,
                note: Some(format!("not sent: the URL {refused}")),
                runtime: started.elapsed(),
            };
        }
        let timestamp = now.timestamp();
        let (signature_header, signature) = match hook.signature_format {
            SignatureFormat::Mautic => ("Webhook-Signature", sign_mautic(hook.secret.as_bytes(), body.as_bytes())),
            SignatureFormat::Standard => {
                ("webhook-signature", sign_standard(hook.secret.as_bytes(), delivery_id, timestamp, body.as_bytes()))
            }
        };
        let request = self
            .client
            .post(&hook.webhook_url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("X-Origin-Base-URL", &self.origin)
            .header("webhook-id", delivery_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(signature_header, signature)
            .body(body);
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after =
                    response.headers().get("Retry-After").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let note = first_bytes(response).await;
                Answer { status: Some(status), retry_after, note, runtime: started.elapsed() }
            }
            Err(error) => {
                Answer { status: None, retry_after: None, note: Some(describe(&error)), runtime: started.elapsed() }
            }
        }
    }
}

/// The first KiB of an answer's body, without reading the rest; when there was more, cut at a
/// word with an ellipsis (never inside a UTF-8 character).
async fn first_bytes(mut response: reqwest::Response) -> Option<String> {
    let mut body = Vec::new();
    while body.len() <= NOTE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let cut = body.len() > NOTE_BYTES;
    body.truncate(NOTE_BYTES);
    let end = match std::str::from_utf8(&body) {
        // A character split by the cut is left out rather than shown as U+FFFD.
        Err(error) if cut && error.error_len().is_none() => error.valid_up_to(),
        _ => body.len(),
    };
    let text = String::from_utf8_lossy(&body[..end]);
    let text = if cut {
        domain::clip::clip(&text, text.chars().count().saturating_sub(1)).into_owned()
    } else {
        text.into_owned()
    };
    (!text.is_empty()).then_some(text)
}

fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut message = format!("{kind}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn resolve(allow_private: bool, name: &str) -> Result<Vec<SocketAddr>, String> {
        let resolver = GuardedResolver { policy: TargetPolicy { allow_private } };
        let name: Name = name.parse().map_err(|_| "not a name".to_owned())?;
        resolver.resolve(name).await.map(Iterator::collect).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn a_name_resolving_to_a_private_address_is_refused_unless_allowed() {
        let refused = resolve(false, "localhost").await.unwrap_err();
        assert!(refused.contains("non-public address") && refused.contains("allow_private_targets"), "{refused}");
        let allowed = resolve(true, "localhost").await.unwrap();
        assert!(allowed.iter().all(|address| address.ip().is_loopback()));
    }
}
