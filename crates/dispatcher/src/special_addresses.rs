//! Every address that is not a public hook target, as one table: the IANA special-purpose address
//! registries for IPv4 and IPv6 (RFC 6890; `iana-ipv4-special-registry` and
//! `iana-ipv6-special-registry` as of 2025), multicast, and the reserved space around them.
//! Ranges that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that address.
//! No crate covers the whole registry on stable Rust (`IpAddr::is_global` is unstable), so the
//! table is here, with a test per range; `ipnet` does the prefix arithmetic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use ipnet::IpNet;

/// How an address in a range is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Never a public target.
    Refuse,
    /// Judged by the IPv4 address in its last 32 bits (IPv4-mapped, NAT64 well-known prefix).
    EmbedsLast32,
    /// Judged by the IPv4 address in bits 16 to 48 (6to4, RFC 3056).
    Embeds6to4,
}

/// `(prefix, name, rule)`, the more specific first: the first match names the address.
const RANGES: &[(&str, &str, Rule)] = &[
    // IPv4 special-purpose registry.
    ("0.0.0.0/32", "this host on this network", Rule::Refuse),
    ("0.0.0.0/8", "this network", Rule::Refuse),
    ("10.0.0.0/8", "private use", Rule::Refuse),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)", Rule::Refuse),
    ("127.0.0.0/8", "loopback", Rule::Refuse),
    ("169.254.0.0/16", "link local", Rule::Refuse),
    ("172.16.0.0/12", "private use", Rule::Refuse),
    ("192.0.0.0/29", "IPv4 service continuity prefix", Rule::Refuse),
    ("192.0.0.8/32", "IPv4 dummy address", Rule::Refuse),
    ("192.0.0.9/32", "port control protocol anycast", Rule::Refuse),
    ("192.0.0.10/32", "traversal using relays around NAT anycast", Rule::Refuse),
    ("192.0.0.170/32", "NAT64/DNS64 discovery", Rule::Refuse),
    ("192.0.0.171/32", "NAT64/DNS64 discovery", Rule::Refuse),
    ("192.0.0.0/24", "IETF protocol assignments", Rule::Refuse),
    ("192.0.2.0/24", "documentation (TEST-NET-1)", Rule::Refuse),
    ("192.31.196.0/24", "AS112-v4", Rule::Refuse),
    ("192.52.193.0/24", "automatic multicast tunneling", Rule::Refuse),
    ("192.88.99.2/32", "6a44 relay anycast", Rule::Refuse),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast", Rule::Refuse),
    ("192.168.0.0/16", "private use", Rule::Refuse),
    ("192.175.48.0/24", "direct delegation AS112 service", Rule::Refuse),
    ("198.18.0.0/15", "benchmarking", Rule::Refuse),
    ("198.51.100.0/24", "documentation (TEST-NET-2)", Rule::Refuse),
    ("203.0.113.0/24", "documentation (TEST-NET-3)", Rule::Refuse),
    ("224.0.0.0/4", "multicast", Rule::Refuse),
    ("255.255.255.255/32", "limited broadcast", Rule::Refuse),
    ("240.0.0.0/4", "reserved", Rule::Refuse),
    // IPv6 special-purpose registry.
    ("::1/128", "loopback", Rule::Refuse),
    ("::/128", "unspecified address", Rule::Refuse),
    ("::ffff:0:0/96", "IPv4-mapped address", Rule::EmbedsLast32),
    ("::/96", "IPv4-compatible address (deprecated)", Rule::Refuse),
    ("64:ff9b::/96", "NAT64 well-known prefix", Rule::EmbedsLast32),
    ("64:ff9b:1::/48", "NAT64 local-use prefix", Rule::Refuse),
    ("100::/64", "discard only", Rule::Refuse),
    ("100:0:0:1::/64", "dummy IPv6 prefix", Rule::Refuse),
    ("2001::/32", "Teredo", Rule::Refuse),
    ("2001:1::1/128", "port control protocol anycast", Rule::Refuse),
    ("2001:1::2/128", "traversal using relays around NAT anycast", Rule::Refuse),
    ("2001:1::3/128", "DNS-SD service registration protocol anycast", Rule::Refuse),
    ("2001:2::/48", "benchmarking", Rule::Refuse),
    ("2001:3::/32", "automatic multicast tunneling", Rule::Refuse),
    ("2001:4:112::/48", "AS112-v6", Rule::Refuse),
    ("2001:10::/28", "deprecated ORCHID", Rule::Refuse),
    ("2001:20::/28", "ORCHIDv2", Rule::Refuse),
    ("2001:30::/28", "drone remote ID protocol entity tags", Rule::Refuse),
    ("2001::/23", "IETF protocol assignments", Rule::Refuse),
    ("2001:db8::/32", "documentation", Rule::Refuse),
    ("2002::/16", "6to4", Rule::Embeds6to4),
    ("2620:4f:8000::/48", "direct delegation AS112 service", Rule::Refuse),
    ("3fff::/20", "documentation", Rule::Refuse),
    ("5f00::/16", "segment routing SIDs", Rule::Refuse),
    ("fc00::/7", "unique local", Rule::Refuse),
    ("fe80::/10", "link-local unicast", Rule::Refuse),
    ("fec0::/10", "site-local (deprecated)", Rule::Refuse),
    ("ff00::/8", "multicast", Rule::Refuse),
];

static TABLE: LazyLock<Vec<(IpNet, &'static str, Rule)>> = LazyLock::new(|| {
    RANGES
        .iter()
        .map(|(prefix, name, rule)| (prefix.parse().expect("the table holds valid prefixes"), *name, *rule))
        .collect()
});

/// The only IPv6 space allocated for global unicast.
const GLOBAL_UNICAST_V6: &str = "2000::/3";

/// Why an address is not a public target (its range's name and prefix); none when it is public.
pub fn special_range(ip: IpAddr) -> Option<String> {
    let Some((net, name, rule)) = TABLE.iter().find(|(net, _, _)| net.contains(&ip)) else {
        return outside_global_unicast(ip);
    };
    let embedded = match (rule, ip) {
        (Rule::Refuse, _) | (_, IpAddr::V4(_)) => return Some(format!("{name}, {net}")),
        (Rule::EmbedsLast32, IpAddr::V6(v6)) => last32(v6),
        (Rule::Embeds6to4, IpAddr::V6(v6)) => sixtofour(v6),
    };
    special_range(IpAddr::V4(embedded)).map(|inner| format!("{name} of {embedded}: {inner}"))
}

fn outside_global_unicast(ip: IpAddr) -> Option<String> {
    let global: IpNet = GLOBAL_UNICAST_V6.parse().ok()?;
    match ip {
        IpAddr::V6(_) if !global.contains(&ip) => Some(format!("reserved, outside {GLOBAL_UNICAST_V6}")),
        _ => None,
    }
}

fn last32(ip: Ipv6Addr) -> Ipv4Addr {
    let [.., a, b, c, d] = ip.octets();
    Ipv4Addr::new(a, b, c, d)
}

fn sixtofour(ip: Ipv6Addr) -> Ipv4Addr {
    let [_, _, a, b, c, d, ..] = ip.octets();
    Ipv4Addr::new(a, b, c, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn special(text: &str) -> Option<String> {
        special_range(text.parse().unwrap())
    }

    /// Each refused range, one by one: its first and last address are refused, and the reason
    /// names a prefix (this range's, or a more specific one listed before it).
    #[test]
    fn every_refused_range_is_refused_from_first_to_last_address() {
        for (prefix, name, _) in RANGES.iter().filter(|(_, _, rule)| *rule == Rule::Refuse) {
            let net: IpNet = prefix.parse().unwrap();
            for ip in [net.network(), net.broadcast()] {
                let reason = special_range(ip).unwrap_or_else(|| panic!("{ip} in {prefix} ({name}) passed"));
                assert!(reason.contains('/'), "{ip}: {reason}");
            }
        }
        assert_eq!(special("192.0.0.9").unwrap(), "port control protocol anycast, 192.0.0.9/32");
        assert_eq!(special("10.255.255.255").unwrap(), "private use, 10.0.0.0/8");
    }

    #[test]
    fn ranges_that_embed_ipv4_are_judged_by_the_embedded_address() {
        for private in
            ["::ffff:127.0.0.1", "::ffff:10.1.2.3", "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1"]
        {
            assert!(special(private).is_some(), "{private}");
        }
        assert!(special("64:ff9b::169.254.169.254").unwrap().contains("link local"));
        assert!(special("2002:0a00:0001::5").unwrap().starts_with("6to4 of 10.0.0.1"));
        for public in ["::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1"] {
            assert_eq!(special(public), None, "{public}");
        }
    }

    #[test]
    fn ipv4_compatible_nat64_local_use_and_teredo_are_refused_whatever_they_embed() {
        for address in ["::8.8.8.8", "::127.0.0.1", "64:ff9b:1::8.8.8.8", "2001:0:4136:e378:8000:63bf:3fff:fdd2"] {
            assert!(special(address).is_some(), "{address}");
        }
    }

    #[test]
    fn ipv6_outside_global_unicast_is_reserved() {
        for address in ["4000::1", "1::1", "e000::1", "::1:0:0:1"] {
            assert!(special(address).is_some_and(|r| r.contains("reserved") || r.contains('/')), "{address}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for address in ["8.8.8.8", "93.184.216.34", "1.1.1.1", "100.128.0.1", "198.20.0.1", "223.255.255.255"] {
            assert_eq!(special(address), None, "{address}");
        }
        for address in ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2001:200::1", "2620:4f:8001::1"] {
            assert_eq!(special(address), None, "{address}");
        }
    }
}
