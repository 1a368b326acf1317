//! Where hooks may deliver: http or https only, no control characters, and no address in the
//! special-purpose registries (loopback, private, link-local, documentation, NAT64 of those …;
//! see [`crate::special_addresses`]) unless `allow_private_targets` is set (tests and local
//! demos). Checked when a hook is saved (the host name resolved) and again at connect time.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use url::Host;

use crate::special_addresses::special_range;

/// How long saving a hook waits for its host name to resolve before leaving the check to
/// connect time.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether non-public addresses are allowed as targets.
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetPolicy {
    pub allow_private: bool,
}

/// Why a URL cannot be a hook's target.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("must be an absolute http or https URL")]
    NotHttp,
    #[error("must not contain control characters (found {0}); send the URL on one line")]
    ControlCharacter(String),
    #[error("points at a non-public address ({0}); set allow_private_targets to allow it")]
    Private(String),
}

impl TargetPolicy {
    /// Checks a hook URL as written (its host may be an address or a name; names are checked
    /// by [`TargetPolicy::check_resolved`] and at connect time).
    pub fn check_url(&self, url: &str) -> Result<Url, TargetError> {
        if let Some(c) = url.chars().find(|c| c.is_control()) {
            return Err(TargetError::ControlCharacter(format!("U+{:04X}", u32::from(c))));
        }
        let parsed = Url::parse(url.trim()).map_err(|_| TargetError::NotHttp)?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(TargetError::NotHttp);
        }
        match parsed.host() {
            Some(Host::Ipv4(ip)) => self.check_address(IpAddr::V4(ip))?,
            Some(Host::Ipv6(ip)) => self.check_address(IpAddr::V6(ip))?,
            _ => {}
        }
        Ok(parsed)
    }

    /// Checks a URL when a hook is saved: as written, then every address its host name
    /// resolves to. A name that does not resolve now is left to the connect-time check, except
    /// `localhost` and `*.localhost`, which always mean this machine (RFC 6761).
    pub async fn check_resolved(&self, url: &str) -> Result<(), TargetError> {
        let parsed = self.check_url(url)?;
        let Some(Host::Domain(name)) = parsed.host() else { return Ok(()) };
        if self.allow_private {
            return Ok(());
        }
        let port = parsed.port_or_known_default().unwrap_or(80);
        if let Ok(Ok(addresses)) = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port))).await {
            for address in addresses {
                self.check_address(address.ip()).map_err(|refused| named(name, refused))?;
            }
        }
        // A fully qualified name may end in a dot (`localhost.`): the same name to a resolver.
        let name = name.to_ascii_lowercase();
        let name = name.trim_end_matches('.');
        if name == "localhost" || name.ends_with(".localhost") {
            return Err(TargetError::Private(format!("{name}, a name for this machine")));
        }
        Ok(())
    }

    /// Checks an address a hook's host resolved to, just before connecting.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), TargetError> {
        match special_range(ip) {
            Some(range) if !self.allow_private => Err(TargetError::Private(format!("{ip}: {range}"))),
            _ => Ok(()),
        }
    }
}

/// Adds the host name to a refusal of one of its addresses.
fn named(name: &str, refused: TargetError) -> TargetError {
    match refused {
        TargetError::Private(address) => TargetError::Private(format!("{name} resolves to {address}")),
        other => other,
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    special_range(ip).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        let strict = TargetPolicy::default();
        for url in [
            "http://127.0.0.1:8080/x",
            "http://10.1.2.3/",
            "http://192.168.0.5/",
            "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://[64:ff9b::a00:1]/",
            "http://[::127.0.0.1]/",
            "http://[2002:c0a8:1::1]/",
            "http://198.18.0.1/",
            "http://224.0.0.1/",
        ] {
            assert!(matches!(strict.check_url(url), Err(TargetError::Private(_))), "{url}");
        }
        assert!(strict.check_url("https://hooks.example.com/in?key=abc").is_ok());
        assert!(strict.check_url("http://93.184.216.34/").is_ok());
        assert!(TargetPolicy { allow_private: true }.check_url("http://127.0.0.1:9/").is_ok());
    }

    #[test]
    fn only_http_and_https_are_targets() {
        let policy = TargetPolicy { allow_private: true };
        for url in ["ftp://example.com/", "file:///etc/passwd", "example.com/hook", "javascript:alert(1)", "http://"] {
            assert_eq!(policy.check_url(url), Err(TargetError::NotHttp), "{url}");
        }
    }

    #[test]
    fn control_characters_are_refused_wherever_they_are() {
        let policy = TargetPolicy { allow_private: true };
        for url in [
            "https://a.example.com/in\r\nX-Injected: 1",
            "https://a.example.com/\tin",
            "https://a.exa\u{0}mple.com/",
            "https://a.example.com/\u{85}",
        ] {
            assert!(matches!(policy.check_url(url), Err(TargetError::ControlCharacter(_))), "{url:?}");
        }
    }

    #[tokio::test]
    async fn names_are_refused_by_the_address_they_resolve_to() {
        let strict = TargetPolicy::default();
        let refused = strict.check_resolved("http://localhost:9/x").await.unwrap_err().to_string();
        assert!(refused.contains("localhost resolves to 127.0.0.1") || refused.contains("::1"), "{refused}");
        assert!(strict.check_resolved("http://api.localhost/").await.is_err());
        for fully_qualified in ["http://localhost./", "http://LOCALHOST../x", "http://api.localhost./"] {
            assert!(strict.check_resolved(fully_qualified).await.is_err(), "{fully_qualified}");
        }
        assert!(TargetPolicy { allow_private: true }.check_resolved("http://localhost:9/").await.is_ok());
    }
}
