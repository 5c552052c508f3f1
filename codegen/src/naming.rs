//! Turning spec names into Rust identifiers.

/// `cancel_run`, `single-page`, `LogEntry` → `CancelRun`, `SinglePage`, `LogEntry`.
pub fn pascal_case(text: &str) -> String {
    text.split(['_', '-', '.', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `X-Session-Id`, `SESSIONS`, `runId` → `x_session_id`, `sessions`, `run_id`.
pub fn snake_case(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c == '-' || c == '.' || c == ' ' || c == '_' {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// An identifier token, raw (`r#type`) where the name is a Rust keyword.
pub fn ident(name: &str) -> proc_macro2::Ident {
    match syn::parse_str::<syn::Ident>(name) {
        Ok(ident) => ident,
        Err(_) if matches!(name, "self" | "Self" | "super" | "crate") => {
            proc_macro2::Ident::new(&format!("{name}_"), proc_macro2::Span::call_site())
        }
        Err(_) => proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal_case("cancel_run"), "CancelRun");
        assert_eq!(pascal_case("get_health"), "GetHealth");
        assert_eq!(snake_case("X-Session-Id"), "x_session_id");
        assert_eq!(snake_case("SESSIONS"), "sessions");
        assert_eq!(snake_case("OPENAI_CLIENT_ID"), "openai_client_id");
        assert_eq!(snake_case("runId"), "run_id");
    }

    #[test]
    fn keywords_become_raw() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("limit").to_string(), "limit");
        assert_eq!(ident("self").to_string(), "self_");
    }
}
