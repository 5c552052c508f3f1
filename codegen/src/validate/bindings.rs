//! Bindings and Durable Object migrations: names that work as JavaScript properties and as generated Rust
//! accessors, each declared once, and a migration history that creates every bound class with its storage.

use std::collections::BTreeMap;

use super::{names, Checker};
use crate::diagnostics::{suggest, YamlPath};
use crate::model::*;
use crate::naming::snake_case;
use crate::spec;

pub(super) fn check_bindings(check: &mut Checker<'_>, bindings: &spec::BindingsSpec) -> Bindings {
    let path = YamlPath::root().key("bindings");
    // Every binding name with where it is declared: KV, Durable Objects, assets, vars and secrets share
    // one namespace on the Worker's `env`.
    let mut declared: Vec<(&str, YamlPath)> = Vec::new();
    for name in bindings.kv.keys() {
        declared.push((name, path.key("kv").key(name.clone())));
    }
    for (name, object) in &bindings.durable_objects {
        let at = path.key("durable_objects").key(name.clone());
        if !names::is_type_name(&object.class) {
            check.error(
                at.key("class"),
                format!("`{}` is not a valid class name", object.class),
                "use a PascalCase identifier, e.g. RealtimeSession",
            );
        }
        declared.push((name, at));
    }
    if let Some(assets) = &bindings.assets {
        declared.push((&assets.binding, path.key("assets").key("binding")));
    }
    for name in bindings.vars.keys() {
        declared.push((name, path.key("vars").key(name.clone())));
    }
    for name in bindings.secrets.keys() {
        declared.push((name, path.key("secrets").key(name.clone())));
    }

    let mut by_name: BTreeMap<&str, &YamlPath> = BTreeMap::new();
    let mut by_accessor: BTreeMap<String, &str> = BTreeMap::new();
    for (name, at) in &declared {
        if !names::is_binding_name(name) {
            check.error(
                at.clone(),
                format!("`{name}` is not a valid binding name"),
                "use letters, digits and underscores, starting with a letter, e.g. SESSIONS",
            );
            continue;
        }
        if let Some(first) = by_name.get(name) {
            check.error(
                at.clone(),
                format!("binding `{name}` is declared twice"),
                format!("it is already declared at {first}; KV, Durable Objects, assets, vars and secrets share one set of names"),
            );
            continue;
        }
        by_name.insert(name, at);
        let accessor = snake_case(name);
        match by_accessor.get(&accessor) {
            Some(other) => check.error(
                at.clone(),
                format!("bindings `{other}` and `{name}` would both get the Rust accessor `{accessor}`"),
                "rename one of them",
            ),
            None => {
                by_accessor.insert(accessor, name);
            }
        }
    }

    Bindings {
        kv: bindings
            .kv
            .iter()
            .map(|(name, kv)| KvBinding { name: name.clone(), description: kv.description.clone() })
            .collect(),
        durable_objects: bindings
            .durable_objects
            .iter()
            .map(|(name, object)| DurableObjectBinding {
                name: name.clone(),
                class: object.class.clone(),
                storage: object.storage,
                description: object.description.clone(),
            })
            .collect(),
        assets: bindings.assets.as_ref().map(|a| Assets {
            binding: a.binding.clone(),
            directory: a.directory.clone(),
            not_found_handling: a.not_found_handling,
        }),
        vars: bindings
            .vars
            .iter()
            .map(|(name, var)| Var { name: name.clone(), description: var.description.clone() })
            .collect(),
        secrets: bindings
            .secrets
            .iter()
            .map(|(name, secret)| Secret { name: name.clone(), description: secret.description.clone() })
            .collect(),
    }
}

/// The migration list key that creates a class with the given storage.
fn creating_key(storage: DurableObjectStorage) -> &'static str {
    match storage {
        DurableObjectStorage::Sqlite => "new_sqlite_classes",
        DurableObjectStorage::Kv => "new_classes",
    }
}

/// A class some migration created and no later one deleted.
struct LiveClass {
    storage: DurableObjectStorage,
    path: YamlPath,
    migration: usize,
}

pub(super) fn check_migrations(
    check: &mut Checker<'_>,
    migrations: &[spec::MigrationSpec],
    bindings: &Bindings,
) -> Vec<Migration> {
    let path = YamlPath::root().key("migrations");
    let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
    let mut live: BTreeMap<&str, LiveClass> = BTreeMap::new();
    let mut deleted: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, migration) in migrations.iter().enumerate() {
        let at = path.index(i);
        if migration.tag.trim().is_empty() {
            check.error(
                at.key("tag"),
                "the migration tag is empty",
                format!("give every migration a tag, e.g. v{}", i + 1),
            );
        } else if let Some(first) = tags.get(migration.tag.as_str()) {
            check.error(
                at.key("tag"),
                format!("migration tag `{}` is already used by migrations[{first}]", migration.tag),
                format!("give every migration a new tag, e.g. v{}", i + 1),
            );
        } else {
            tags.insert(&migration.tag, i);
        }
        for storage in [DurableObjectStorage::Sqlite, DurableObjectStorage::Kv] {
            let key = creating_key(storage);
            let list = match storage {
                DurableObjectStorage::Sqlite => &migration.new_sqlite_classes,
                DurableObjectStorage::Kv => &migration.new_classes,
            };
            for (j, class) in list.iter().enumerate() {
                let class_at = at.key(key).index(j);
                if let Some(first) = live.get(class.as_str()) {
                    check.error(
                        class_at,
                        format!("class `{class}` is already created by migrations[{}]", first.migration),
                        "create each class once; a later migration may delete it with `deleted_classes`",
                    );
                } else {
                    deleted.remove(class.as_str());
                    live.insert(class, LiveClass { storage, path: class_at, migration: i });
                }
            }
        }
        for (j, class) in migration.deleted_classes.iter().enumerate() {
            if live.remove(class.as_str()).is_some() {
                deleted.insert(class, i);
            } else {
                check.error(
                    at.key("deleted_classes").index(j),
                    format!("class `{class}` is deleted, but no earlier migration creates it"),
                    suggest(class, live.keys().copied()),
                );
            }
        }
    }

    let bound: Vec<&str> = bindings.durable_objects.iter().map(|d| d.class.as_str()).collect();
    for (class, created) in &live {
        if !bound.contains(class) {
            let help = match crate::diagnostics::did_you_mean(class, bound.iter().copied()) {
                Some(guess) => guess,
                None => format!(
                    "declare a Durable Object binding with `class: {class}`, or delete the class in a later migration with `deleted_classes: [{class}]`"
                ),
            };
            check.error(created.path.clone(), format!("`{class}` is not the class of a declared Durable Object"), help);
        }
    }
    for object in &bindings.durable_objects {
        let at = YamlPath::root().key("bindings").key("durable_objects").key(object.name.clone());
        let key = creating_key(object.storage);
        match (live.get(object.class.as_str()), deleted.get(object.class.as_str())) {
            (Some(created), _) if created.storage != object.storage => check.error(
                at.key("storage"),
                format!(
                    "Durable Object `{}` uses {} storage, but migrations[{}] creates `{}` with `{}`",
                    object.name,
                    storage_name(object.storage),
                    created.migration,
                    object.class,
                    creating_key(created.storage)
                ),
                format!(
                    "set `storage: {}` here, or create the class with `{key}` instead",
                    storage_name(created.storage)
                ),
            ),
            (Some(_), _) => {}
            (None, Some(deleting)) => check.error(
                at,
                format!("Durable Object class `{}` is deleted by migrations[{deleting}]", object.class),
                format!(
                    "remove this binding, or create the class again in a later migration with `{key}: [{}]`",
                    object.class
                ),
            ),
            (None, None) => check.error(
                at,
                format!("Durable Object class `{}` is never created by a migration", object.class),
                format!(
                    "add a migration such as `- {{tag: v{}, {key}: [{}]}}` under `migrations`",
                    migrations.len() + 1,
                    object.class
                ),
            ),
        }
    }

    migrations
        .iter()
        .map(|m| Migration {
            tag: m.tag.clone(),
            new_sqlite_classes: m.new_sqlite_classes.clone(),
            new_classes: m.new_classes.clone(),
            deleted_classes: m.deleted_classes.clone(),
        })
        .collect()
}

fn storage_name(storage: DurableObjectStorage) -> &'static str {
    match storage {
        DurableObjectStorage::Sqlite => "sqlite",
        DurableObjectStorage::Kv => "kv",
    }
}
