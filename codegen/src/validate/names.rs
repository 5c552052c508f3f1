//! Small predicates for the names and values a spec may contain.

/// Cloudflare accepts lowercase letters, digits and dashes, at most 63 characters, not at either end a dash.
pub fn is_valid_worker_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Environment names become `[env.NAME]` tables and parts of worker names (`NAME-env`).
pub fn is_valid_env_name(name: &str) -> bool {
    is_valid_worker_name(name) && name.len() <= 32
}

pub fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

/// `scheme://host[:port]`, nothing after: what browsers send in `Origin`.
pub fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' '])
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

pub fn is_http_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else { return false };
    matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
}

/// An HTTP header field name (RFC 9110 token), restricted to the usual letters, digits and dashes.
pub fn is_header_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Binding names become JavaScript property names and generated Rust accessors.
pub fn is_binding_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// PascalCase type and class names.
pub fn is_type_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase()) && text.chars().all(|c| c.is_ascii_alphanumeric())
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
    text.starts_with(|c: char| c.is_ascii_alphabetic()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn is_namespace_id(text: &str) -> bool {
    text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_names() {
        assert!(is_valid_worker_name("cortexdx-dashboard"));
        assert!(!is_valid_worker_name("CortexDx"));
        assert!(!is_valid_worker_name("-dash"));
        assert!(!is_valid_worker_name(&"a".repeat(64)));
    }

    #[test]
    fn origins() {
        assert!(is_origin("https://chatgpt.com"));
        assert!(is_origin("http://localhost:8787"));
        assert!(!is_origin("https://chatgpt.com/"));
        assert!(!is_origin("chatgpt.com"));
    }

    #[test]
    fn dates() {
        assert!(is_date("2025-11-20"));
        assert!(!is_date("2025-13-01"));
        assert!(!is_date("20251120"));
    }
}
