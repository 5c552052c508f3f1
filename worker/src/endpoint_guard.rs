//! Which MCP endpoints a test flow may reach: the environment's rules from the spec (`test_flows.endpoints`)
//! applied to the endpoint URL before a run is queued.
//!
//! The URL is parsed the WHATWG way, as `fetch` will read it, so the host checked is the host contacted:
//! `http://2130706433/`, `http://0x7f.1/` and `http://127.1/` all parse to 127.0.0.1. Names are checked
//! as written; a public name that resolves to a private address cannot be seen from here, but a deployed
//! worker's subrequests go out through Cloudflare's network, which does not route into private ones.

use std::net::{Ipv4Addr, Ipv6Addr};

use codegen_runtime::ApiError;
use worker::Url;

use crate::api::test_flows::EndpointRules;

/// The location every refusal names.
const LOCATION: &str = "body.endpoint";

/// What an address is, for the rules: anything not listed here is a public address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Public,
    /// 127.0.0.0/8, ::1 and `localhost` names: this machine.
    Loopback,
    /// Private networks: 10/8, 172.16/12, 192.168/16, shared address space 100.64/10, unique local fc00::/7.
    Private,
    /// Never reachable: link-local (169.254/16 with cloud metadata services, fe80::/10), unspecified (0.0.0.0/8,
    /// ::), multicast, broadcast and reserved ranges.
    Forbidden(&'static str),
}

/// Checks `endpoint` against `rules` and returns the parsed URL, or a 400 naming `body.endpoint` that says
/// what is wrong with it.
pub fn check(endpoint: &str, rules: &EndpointRules) -> Result<Url, ApiError> {
    let refuse = |message: String| ApiError::invalid_body(LOCATION, message);
    let url = Url::parse(endpoint).map_err(|_| refuse("must be an absolute http or https URL".to_owned()))?;
    let scheme = url.scheme();
    if !matches!(scheme, "http" | "https") {
        return Err(refuse(format!("must be an http or https URL, not {scheme}")));
    }
    if !rules.schemes.contains(&scheme) {
        return Err(refuse(format!("must use {} in this environment, not {scheme}", rules.schemes.join(" or "))));
    }
    // The endpoint is written to the log, so it must not carry secrets.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not contain credentials".to_owned()));
    }
    let host = match url.host() {
        Some(worker::url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(worker::url::Host::Ipv4(address)) => address.to_string(),
        Some(worker::url::Host::Ipv6(address)) => format!("[{address}]"),
        _ => return Err(refuse("must name a host".to_owned())),
    };
    let reach = match url.host() {
        Some(worker::url::Host::Ipv4(address)) => ipv4_reach(address),
        Some(worker::url::Host::Ipv6(address)) => ipv6_reach(address),
        _ => name_reach(&host),
    };
    match reach {
        Reach::Public => Ok(url),
        Reach::Loopback if rules.allow_loopback => Ok(url),
        Reach::Private if rules.allow_private => Ok(url),
        Reach::Loopback => Err(refuse(format!("{host} is a loopback address, which this environment may not reach"))),
        Reach::Private => {
            Err(refuse(format!("{host} is a private-network address, which this environment may not reach")))
        }
        Reach::Forbidden(kind) => Err(refuse(format!("{host} is {kind} address, which no test flow may reach"))),
    }
}

/// `localhost` and its subdomains are loopback by definition (RFC 6761 §6.3), with or without the root dot.
fn name_reach(name: &str) -> Reach {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        Reach::Loopback
    } else {
        Reach::Public
    }
}

fn ipv4_reach(address: Ipv4Addr) -> Reach {
    let [a, b, c, _] = address.octets();
    match (a, b, c) {
        (127, _, _) => Reach::Loopback,
        (10, _, _) | (192, 168, _) => Reach::Private,
        (172, 16..=31, _) => Reach::Private,
        // Carrier-grade NAT (RFC 6598): private to the provider, not on the public internet.
        (100, 64..=127, _) => Reach::Private,
        (0, _, _) => Reach::Forbidden("an unspecified"),
        (169, 254, _) => Reach::Forbidden("a link-local"),
        // IETF protocol assignments (RFC 6890) and benchmarking (RFC 2544).
        (192, 0, 0) | (198, 18..=19, _) => Reach::Forbidden("a reserved"),
        (224..=239, _, _) => Reach::Forbidden("a multicast"),
        (240..=255, _, _) => Reach::Forbidden("a reserved"),
        _ => Reach::Public,
    }
}

fn ipv6_reach(address: Ipv6Addr) -> Reach {
    if address.is_loopback() {
        return Reach::Loopback;
    }
    if address.is_unspecified() {
        return Reach::Forbidden("an unspecified");
    }
    // Addresses that carry an IPv4 address reach that address: IPv4-mapped (::ffff:0:0/96), the
    // deprecated IPv4-compatible form (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    if let Some(embedded) = embedded_ipv4(address) {
        return ipv4_reach(embedded);
    }
    let first = address.segments()[0];
    match first {
        0xfc00..=0xfdff => Reach::Private,
        0xfe80..=0xfebf => Reach::Forbidden("a link-local"),
        // Site-local (fec0::/10) is deprecated but still routed inside some networks.
        0xfec0..=0xfeff => Reach::Private,
        0xff00..=0xffff => Reach::Forbidden("a multicast"),
        _ => Reach::Public,
    }
}

fn embedded_ipv4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let octets = address.octets();
    let last_four = || Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(last_four()),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last_four()),
        [0x2002, _, _, _, _, _, _, _] => Some(Ipv4Addr::new(octets[2], octets[3], octets[4], octets[5])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: EndpointRules =
        EndpointRules { schemes: &["http", "https"], allow_loopback: true, allow_private: false };
    const DEPLOYED: EndpointRules = EndpointRules { schemes: &["https"], allow_loopback: false, allow_private: false };
    const PRIVATE_OK: EndpointRules = EndpointRules { schemes: &["https"], allow_loopback: false, allow_private: true };

    fn refusal(endpoint: &str, rules: &EndpointRules) -> String {
        let error = check(endpoint, rules).expect_err(endpoint);
        assert_eq!((error.status, error.location.as_deref()), (400, Some(LOCATION)), "{endpoint}");
        error.message.into_owned()
    }

    #[test]
    fn public_https_endpoints_pass_everywhere() {
        for endpoint in [
            "https://mcp.example.com/mcp",
            "https://mcp.example.com:8443/v1/mcp?x=1",
            "https://93.184.215.14/mcp",
            "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/mcp",
            "https://172.32.0.1/",
            "https://100.128.0.1/",
            "https://192.169.0.1/",
            "https://localhost.example.com/",
        ] {
            for rules in [&DEV, &DEPLOYED, &PRIVATE_OK] {
                assert!(check(endpoint, rules).is_ok(), "{endpoint} with {rules:?}");
            }
        }
    }

    #[test]
    fn deployed_environments_use_https_only() {
        let message = refusal("http://mcp.example.com/mcp", &DEPLOYED);
        assert_eq!(message, "must use https in this environment, not http");
        assert!(check("http://mcp.example.com/mcp", &DEV).is_ok());
        for endpoint in ["ftp://mcp.example.com/", "mailto:someone@example.com", "file:///etc/passwd", "ws://x/"] {
            assert!(refusal(endpoint, &DEV).contains("must be an http or https URL"), "{endpoint}");
        }
    }

    #[test]
    fn malformed_endpoints_and_credentials_are_refused() {
        for endpoint in ["not a uri", "", "https://", "/relative/mcp", "https://:443/"] {
            refusal(endpoint, &DEV);
        }
        assert_eq!(refusal("https://user:pw@mcp.example.com/", &DEV), "must not contain credentials");
        assert_eq!(refusal("https://user@mcp.example.com/", &DEV), "must not contain credentials");
    }

    #[test]
    fn loopback_is_reachable_only_where_allowed() {
        for endpoint in [
            "https://127.0.0.1/mcp",
            "https://127.255.255.254/",
            "https://[::1]/",
            "https://localhost/",
            "https://LOCALHOST./",
            "https://api.localhost/",
            // WHATWG parsing turns every IPv4 spelling into the address fetch contacts.
            "https://2130706433/",
            "https://0x7f.1/",
            "https://127.1/",
            "https://0177.0.0.1/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[2002:7f00:1::]/",
        ] {
            let message = refusal(endpoint, &DEPLOYED);
            assert!(message.contains("is a loopback address"), "{endpoint}: {message}");
            refusal(endpoint, &PRIVATE_OK);
            assert!(check(endpoint, &DEV).is_ok(), "{endpoint} in dev");
        }
        assert_eq!(
            refusal("https://127.0.0.1:9/mcp", &DEPLOYED),
            "127.0.0.1 is a loopback address, which this environment may not reach"
        );
    }

    #[test]
    fn private_networks_are_reachable_only_where_allowed() {
        for endpoint in [
            "https://10.0.0.1/",
            "https://10.255.255.255/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.1.10/",
            "https://100.64.0.1/",
            "https://100.127.255.255/",
            "https://[fc00::1]/",
            "https://[fd12:3456:789a::1]/",
            "https://[fec0::1]/",
            "https://[::ffff:10.1.2.3]/",
            "https://[::ffff:192.168.0.1]/",
        ] {
            for rules in [&DEV, &DEPLOYED] {
                let message = refusal(endpoint, rules);
                assert!(message.contains("is a private-network address"), "{endpoint}: {message}");
            }
            assert!(check(endpoint, &PRIVATE_OK).is_ok(), "{endpoint}");
        }
    }

    #[test]
    fn link_local_unspecified_and_multicast_are_never_reachable() {
        let everything = EndpointRules { schemes: &["http", "https"], allow_loopback: true, allow_private: true };
        for (endpoint, kind) in [
            ("http://169.254.169.254/latest/meta-data/", "a link-local"),
            ("https://169.254.0.1/", "a link-local"),
            ("https://[fe80::1]/", "a link-local"),
            ("https://[febf::1]/", "a link-local"),
            ("https://[::ffff:169.254.169.254]/", "a link-local"),
            ("https://0.0.0.0/", "an unspecified"),
            ("https://0/", "an unspecified"),
            ("https://[::]/", "an unspecified"),
            ("https://224.0.0.1/", "a multicast"),
            ("https://[ff02::1]/", "a multicast"),
            ("https://255.255.255.255/", "a reserved"),
            ("https://240.0.0.1/", "a reserved"),
            ("https://198.18.0.1/", "a reserved"),
        ] {
            let message = refusal(endpoint, &everything);
            assert!(
                message.contains(&format!("is {kind} address, which no test flow may reach")),
                "{endpoint}: {message}"
            );
        }
    }

    /// The spec's rules, as generated: dev reaches this machine over http, the deployed environments reach
    /// public https endpoints only, and nothing reaches private networks.
    #[test]
    fn the_spec_rules_per_environment() {
        use crate::api::bindings::Environment;
        use crate::api::test_flows::endpoint_rules;
        let dev = endpoint_rules(Environment::Dev);
        assert!(check("http://127.0.0.1:9/mcp", &dev).is_ok());
        assert!(check("http://localhost:8000/mcp", &dev).is_ok());
        refusal("http://10.0.0.1/mcp", &dev);
        refusal("http://169.254.169.254/", &dev);
        for environment in [Environment::Staging, Environment::Production] {
            let rules = endpoint_rules(environment);
            assert!(check("https://mcp.example.com/mcp", &rules).is_ok());
            for endpoint in ["http://mcp.example.com/mcp", "https://127.0.0.1/mcp", "https://192.168.0.1/mcp"] {
                refusal(endpoint, &rules);
            }
        }
    }
}
