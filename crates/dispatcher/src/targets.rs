//! Where hooks may deliver: http or https only, and no loopback, private, link-local or other
//! non-public address unless `allow_private_targets` is set (tests and local demos).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;

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
    #[error("points at a non-public address ({0}); set allow_private_targets to allow it")]
    Private(String),
}

impl TargetPolicy {
    /// Checks a hook URL as written (its host may be an address or a name).
    pub fn check_url(&self, url: &str) -> Result<Url, TargetError> {
        let parsed = Url::parse(url.trim()).map_err(|_| TargetError::NotHttp)?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(TargetError::NotHttp);
        }
        if !self.allow_private {
            let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
            let named_local =
                host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost");
            let private_ip = host.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip));
            if named_local || private_ip {
                return Err(TargetError::Private(host.to_owned()));
            }
        }
        Ok(parsed)
    }

    /// Checks an address a hook's host resolved to, just before connecting.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), TargetError> {
        if self.allow_private || is_public(ip) { Ok(()) } else { Err(TargetError::Private(ip.to_string())) }
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 to possibly private v4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        let strict = TargetPolicy::default();
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://10.1.2.3/",
            "http://192.168.0.5/",
            "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://api.localhost/",
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
}
