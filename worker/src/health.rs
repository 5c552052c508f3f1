//! The health report, shared by `GET /api/health` and the first event of every `/events` stream.

use crate::api::bindings::{BindingKind as DeclaredKind, Bindings};
use crate::api::documents::API_VERSION;
use crate::api::types::{BindingKind, BindingStatus, Health, HealthStatus};
use crate::clock;

/// Checks every binding the spec declares and reports the environment and API version.
pub fn report(bindings: &Bindings) -> Health {
    let checks = bindings.check_all();
    let status = if checks.iter().all(|check| check.available) { HealthStatus::Ok } else { HealthStatus::Degraded };
    Health {
        status,
        environment: bindings.current_environment().name().to_owned(),
        version: API_VERSION.to_owned(),
        timestamp: clock::rfc3339(clock::now()),
        bindings: checks
            .into_iter()
            .map(|check| BindingStatus {
                name: check.name.to_owned(),
                kind: binding_kind(check.kind),
                available: check.available,
            })
            .collect(),
    }
}

/// The generated bindings module and the generated API types each have a `BindingKind`; they name the same
/// five kinds.
fn binding_kind(kind: DeclaredKind) -> BindingKind {
    match kind {
        DeclaredKind::Kv => BindingKind::Kv,
        DeclaredKind::DurableObject => BindingKind::DurableObject,
        DeclaredKind::Assets => BindingKind::Assets,
        DeclaredKind::Var => BindingKind::Var,
        DeclaredKind::Secret => BindingKind::Secret,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_kinds_keep_their_wire_names() {
        for (declared, wire) in [
            (DeclaredKind::Kv, "kv"),
            (DeclaredKind::DurableObject, "durable_object"),
            (DeclaredKind::Assets, "assets"),
            (DeclaredKind::Var, "var"),
            (DeclaredKind::Secret, "secret"),
        ] {
            assert_eq!(declared.as_str(), wire);
            assert_eq!(binding_kind(declared).as_str(), wire);
        }
    }
}
