//! Small predicates for the names and values a spec may contain.
//!
//! Many names become Rust identifiers in generated code (accessors, variants, fields), so besides what
//! Cloudflare or HTTP accept they must also survive that conversion.

use crate::naming::pascal_case;

/// Cloudflare accepts lowercase letters, digits and dashes, at most 63 characters, not at either end a dash.
pub fn is_valid_worker_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Environment names become `[env.NAME]` tables, parts of worker names (`NAME-env`) and variants of a Rust
/// enum, so they must also start with a letter and not become the keyword `Self`.
pub fn is_valid_env_name(name: &str) -> bool {
    is_valid_worker_name(name)
        && name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name != "self"
}

/// `YYYY-MM-DD`, with a month and day in range.
pub fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

/// `scheme://host[:port]` in lowercase, nothing after: exactly what browsers send in `Origin`.
pub fn is_origin(text: &str) -> bool {
    let Some((scheme, authority)) = text.split_once("://") else { return false };
    if !matches!(scheme, "http" | "https") {
        return false;
    }
    // An IPv6 host is bracketed and holds colons of its own.
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((address, after))
                if !address.is_empty() && address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') =>
            {
                match after {
                    "" => (address, None),
                    _ => match after.strip_prefix(':') {
                        Some(port) => (address, Some(port)),
                        None => return false,
                    },
                }
            }
            _ => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_ok = authority.starts_with('[')
        || (!host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-'])
            && host.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0));
    host_ok && port_ok
}

pub fn is_http_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !rest.contains(char::is_whitespace)
}

/// A cookie name (RFC 6265 token), restricted to letters, digits, `-` and `_`.
pub fn is_cookie_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// An HTTP header field name (RFC 9110 token), restricted to letters, digits and dashes, starting with a
/// letter so that it also makes a Rust field name.
pub fn is_header_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A query parameter name: it becomes a Rust field once dashes turn into underscores.
pub fn is_param_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Binding names become JavaScript property names and generated Rust accessors.
pub fn is_binding_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An OAuth scope token (RFC 6749 §3.3): printable ASCII without space, `"` or `\`.
pub fn is_scope_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// PascalCase type and class names; `Self` is a Rust keyword.
pub fn is_type_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && text != "Self"
}

/// snake_case identifiers: route ids, field names and parameter names.
pub fn is_snake_case(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !text.ends_with('_')
        && !text.contains("__")
}

/// Enum values become PascalCase variants; they must start with a letter and hold letters, digits, `_` or `-`.
pub fn is_enum_value(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && pascal_case(text) != "Self"
}

pub fn is_namespace_id(text: &str) -> bool {
    text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// An absolute URI: a scheme (`https`, `mailto`, ...), a colon and something after it, without whitespace.
pub fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.contains(char::is_whitespace)
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `local@domain.tld`, loosely: enough to catch an example that is plainly not an address.
pub fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// An RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or an offset `+HH:MM`.
pub fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else { return false };
    let two_digits = |part: &str, max: u32| {
        part.len() == 2 && part.chars().all(|c| c.is_ascii_digit()) && part.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, None)
    } else if let Some(at) = time.rfind(['+', '-']) {
        (&time[..at], Some(&time[at + 1..]))
    } else {
        return false;
    };
    let clock = clock.split_once('.').map_or(Some(clock), |(whole, fraction)| {
        (!fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit())).then_some(whole)
    });
    let clock_ok = clock.is_some_and(|clock| {
        matches!(clock.split(':').collect::<Vec<_>>().as_slice(), [h, m, s] if two_digits(h, 23) && two_digits(m, 59) && two_digits(s, 60))
    });
    let offset_ok = offset
        .is_none_or(|offset| matches!(offset.split_once(':'), Some((h, m)) if two_digits(h, 23) && two_digits(m, 59)));
    is_date(date) && clock_ok && offset_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_names() {
        assert!(is_valid_worker_name("cortexdx-dashboard"));
        assert!(is_valid_worker_name("a"));
        assert!(is_valid_worker_name(&"a".repeat(63)));
        assert!(!is_valid_worker_name(""));
        assert!(!is_valid_worker_name("CortexDx"));
        assert!(!is_valid_worker_name("-dash"));
        assert!(!is_valid_worker_name("dash-"));
        assert!(!is_valid_worker_name("dash_board"));
        assert!(!is_valid_worker_name(&"a".repeat(64)));
    }

    #[test]
    fn environment_names() {
        assert!(is_valid_env_name("staging"));
        assert!(is_valid_env_name("eu-west-1"));
        assert!(!is_valid_env_name("1st"));
        assert!(!is_valid_env_name("Staging"));
        assert!(!is_valid_env_name("self"));
        assert!(!is_valid_env_name(&"a".repeat(33)));
    }

    #[test]
    fn origins() {
        assert!(is_origin("https://chatgpt.com"));
        assert!(is_origin("http://localhost:8787"));
        assert!(is_origin("http://127.0.0.1:9"));
        assert!(is_origin("http://[::1]:8787"));
        assert!(!is_origin("https://chatgpt.com/"));
        assert!(!is_origin("https://chatgpt.com/path"));
        assert!(!is_origin("https://ChatGPT.com"));
        assert!(!is_origin("https://chatgpt.com:"));
        assert!(!is_origin("https://chatgpt.com:99999"));
        assert!(!is_origin("https://:80"));
        assert!(!is_origin("ftp://chatgpt.com"));
        assert!(!is_origin("chatgpt.com"));
        assert!(!is_origin("*"));
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://auth.openai.com"));
        assert!(is_http_url("http://127.0.0.1:9/oauth/token"));
        assert!(!is_http_url("auth.openai.com"));
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("https://a b"));
    }

    #[test]
    fn dates() {
        assert!(is_date("2025-11-20"));
        assert!(!is_date("2025-13-01"));
        assert!(!is_date("2025-00-10"));
        assert!(!is_date("2025-01-32"));
        assert!(!is_date("20251120"));
        assert!(!is_date("2025-1-20"));
    }

    #[test]
    fn identifiers() {
        assert!(is_snake_case("get_health"));
        assert!(is_snake_case("v2_runs"));
        assert!(!is_snake_case("getHealth"));
        assert!(!is_snake_case("get__health"));
        assert!(!is_snake_case("_get"));
        assert!(!is_snake_case("get_"));
        assert!(is_type_name("LogEntry"));
        assert!(!is_type_name("logEntry"));
        assert!(!is_type_name("Log_Entry"));
        assert!(!is_type_name("Self"));
        assert!(is_binding_name("SESSIONS"));
        assert!(is_binding_name("Kv_2"));
        assert!(!is_binding_name("2KV"));
        assert!(!is_binding_name("MY-KV"));
    }

    #[test]
    fn parameter_and_header_names() {
        assert!(is_header_name("X-Session-Id"));
        assert!(!is_header_name("1-Header"));
        assert!(!is_header_name("X_Session"));
        assert!(!is_header_name(""));
        assert!(is_param_name("page-size"));
        assert!(is_param_name("since"));
        assert!(!is_param_name("1st"));
        assert!(!is_param_name("a.b"));
        assert!(!is_param_name(""));
    }

    #[test]
    fn enum_values_and_scopes() {
        assert!(is_enum_value("cancel_run"));
        assert!(is_enum_value("single-page"));
        assert!(!is_enum_value("2xx"));
        assert!(!is_enum_value("self"));
        assert!(!is_enum_value("a b"));
        assert!(is_scope_name("search.read"));
        assert!(is_scope_name("https://example.com/scope"));
        assert!(!is_scope_name("search read"));
        assert!(!is_scope_name(""));
        assert!(!is_scope_name("a\"b"));
    }

    #[test]
    fn string_formats() {
        assert!(is_uri("https://mcp.example.com/mcp"));
        assert!(is_uri("mailto:ops@example.com"));
        assert!(!is_uri("example.com"));
        assert!(!is_uri("https://a b"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
        assert!(is_email("ops@example.com"));
        assert!(!is_email("ops@localhost"));
        assert!(!is_email("@example.com"));
        assert!(is_date_time("2025-11-20T12:30:00Z"));
        assert!(is_date_time("2025-11-20T12:30:00.123+02:00"));
        assert!(is_date_time("2025-11-20T12:30:00-05:00"));
        assert!(!is_date_time("2025-11-20"));
        assert!(!is_date_time("2025-11-20T25:00:00Z"));
        assert!(!is_date_time("2025-11-20T12:30:00"));
        assert!(!is_date_time("2025-11-20T12:30:00.Z"));
    }

    #[test]
    fn namespace_ids() {
        assert!(is_namespace_id("0f2ac8e1f6b94bd0a0c2d5a7e3b91c01"));
        assert!(!is_namespace_id("0f2ac8e1f6b94bd0a0c2d5a7e3b91c0"));
        assert!(!is_namespace_id("zf2ac8e1f6b94bd0a0c2d5a7e3b91c01"));
    }
}
