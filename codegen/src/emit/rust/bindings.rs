//! `bindings.rs`: typed accessors for every binding, var and secret, the deployment environments, and the
//! JavaScript functions through which `check_all` and `current_environment` ask the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::model::Model;
use crate::naming::{ident, pascal_case, snake_case};

/// The name of the Durable Object instance that stream routes and handlers share.
pub const SHARED_INSTANCE: &str = "shared";

pub fn render(model: &Model) -> TokenStream {
    let environment = environment_enum(model);
    let accessors = accessors(model);
    let checks = binding_checks(model);
    let (current, current_js) = current_environment(model);
    let (check_all, checks_js) = check_all(&checks, &binding_names(model));
    let shared = SHARED_INSTANCE;
    let js_functions = js_functions(current_js.into_iter().chain(checks_js));
    quote! {
        //! Bindings and environments declared in the spec. Handlers use these accessors instead of string
        //! names, so a renamed binding is a compile error rather than a runtime surprise.

        #environment

        /// The kind of a declared binding.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum BindingKind {
            Kv,
            DurableObject,
            Assets,
            Var,
            Secret,
        }

        impl BindingKind {
            pub fn as_str(self) -> &'static str {
                match self {
                    Self::Kv => "kv",
                    Self::DurableObject => "durable_object",
                    Self::Assets => "assets",
                    Self::Var => "var",
                    Self::Secret => "secret",
                }
            }
        }

        /// Whether one declared binding is present in the running worker.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct BindingCheck {
            pub name: &'static str,
            pub kind: BindingKind,
            pub available: bool,
        }

        /// The Durable Object instance that stream routes forward to and handlers may share.
        pub const SHARED_INSTANCE: &str = #shared;

        /// The worker's environment, with one accessor per declared binding.
        pub struct Bindings {
            env: ::worker::Env,
        }

        impl Bindings {
            pub fn new(env: ::worker::Env) -> Self {
                Self { env }
            }

            /// The raw environment, for bindings the spec does not declare.
            pub fn env(&self) -> &::worker::Env {
                &self.env
            }

            #current

            #(#accessors)*

            /// Checks every declared binding without using it: whether the runtime provides it at all.
            /// (The typed accessors above also check a binding's type, which takes several more calls
            /// into JavaScript each.)
            pub fn check_all(&self) -> ::std::vec::Vec<BindingCheck> {
                #check_all
            }
        }

        #js_functions
    }
}

/// `current_environment`, and the JavaScript function it calls when the spec names an environment var.
///
/// Signing in and the health report ask on every request. The JavaScript side compares the var with each
/// environment name and answers with an index, so no text crosses into wasm.
fn current_environment(model: &Model) -> (TokenStream, Option<JsFunction>) {
    let Some(var) = &model.worker.environment_var else {
        let current = quote! {
            /// The environment this deployment serves: the spec names no environment var, so the default.
            pub fn current_environment(&self) -> Environment {
                Environment::DEFAULT
            }
        };
        return (current, None);
    };
    let cases: String = model
        .environments
        .iter()
        .enumerate()
        .map(|(index, environment)| format!("    case {}: return {index};\n", js_string(&environment.name)))
        .collect();
    let rust_name = format_ident!("current_environment_index");
    let js = JsFunction {
        rust_name: rust_name.clone(),
        source: format!(
            "export function currentEnvironmentIndex(env) {{\n  switch (env[{}]) {{\n{cases}    default: return -1;\n  }}\n}}\n",
            js_string(var)
        ),
        declaration: quote! {
            /// The index in `Environment::ALL` of the environment var's value (the cases follow that
            /// order); -1 when the value is none of them.
            #[wasm_bindgen(js_name = currentEnvironmentIndex)]
            fn #rust_name(env: &::worker::wasm_bindgen::JsValue) -> i32;
        },
    };
    let current = quote! {
        /// The environment this deployment serves, from the generated environment var; the default
        /// environment when the var is missing, not text, or unknown (as in a bare `workerd` run).
        pub fn current_environment(&self) -> Environment {
            let index = usize::try_from(#rust_name(&self.env)).ok();
            index.and_then(|index| Environment::ALL.get(index).copied()).unwrap_or(Environment::DEFAULT)
        }
    };
    (current, Some(js))
}

/// Bindings per call into JavaScript: each call answers with one bit per binding in a `u32`.
const BINDINGS_PER_CALL: usize = 32;

/// The body of `check_all`, and the JavaScript functions it calls: each tests up to 32 declared bindings
/// for `undefined` and answers with one bit per binding. `/api/health` checks every binding on every
/// request; asking from Rust took three calls into JavaScript per binding.
fn check_all(checks: &[TokenStream], names: &[&str]) -> (TokenStream, Vec<JsFunction>) {
    if checks.is_empty() {
        return (quote!(::std::vec::Vec::new()), Vec::new());
    }
    let js: Vec<JsFunction> = names
        .chunks(BINDINGS_PER_CALL)
        .enumerate()
        .map(|(group, names)| {
            let tests: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(bit, name)| format!("(env[{}] === undefined ? 0 : 1 << {bit})", js_string(name)))
                .collect();
            let js_name = format!("bindingsPresent{group}");
            let rust_name = format_ident!("bindings_present_{group}");
            let first = group * BINDINGS_PER_CALL;
            let doc = format!(" Bit `i` is set when the environment has binding `{first} + i` of `check_all`'s list.");
            JsFunction {
                source: format!("export function {js_name}(env) {{\n  return {};\n}}\n", tests.join("\n    | ")),
                rust_name: rust_name.clone(),
                declaration: quote! {
                    #[doc = #doc]
                    #[wasm_bindgen(js_name = #js_name)]
                    fn #rust_name(env: &::worker::wasm_bindgen::JsValue) -> u32;
                },
            }
        })
        .collect();
    let calls = js.iter().map(|function| {
        let name = &function.rust_name;
        quote!(#name(&self.env))
    });
    let per_call = BINDINGS_PER_CALL;
    let body = quote! {
        let declared = [#(#checks),*];
        let present = [#(#calls),*];
        declared
            .into_iter()
            .enumerate()
            .map(|(index, (name, kind))| BindingCheck {
                name,
                kind,
                available: present[index / #per_call] & (1 << (index % #per_call)) != 0,
            })
            .collect()
    };
    (body, js)
}

/// A JavaScript function the `Bindings` methods call, and its declaration in Rust.
struct JsFunction {
    source: String,
    rust_name: proc_macro2::Ident,
    declaration: TokenStream,
}

/// The module of JavaScript functions the `Bindings` methods call (none: no module).
fn js_functions(functions: impl Iterator<Item = JsFunction>) -> TokenStream {
    let (sources, declarations): (Vec<String>, Vec<TokenStream>) =
        functions.map(|function| (function.source, function.declaration)).unzip();
    if sources.is_empty() {
        return TokenStream::new();
    }
    let module = sources.concat();
    quote! {
        #[::worker::wasm_bindgen::prelude::wasm_bindgen(wasm_bindgen = ::worker::wasm_bindgen, inline_js = #module)]
        extern "C" {
            #(#declarations)*
        }
    }
}

/// `text` as a JavaScript string literal (a JSON string is one).
fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

fn environment_enum(model: &Model) -> TokenStream {
    let variants: Vec<_> = model.environments.iter().map(|e| format_ident!("{}", pascal_case(&e.name))).collect();
    let names: Vec<_> = model.environments.iter().map(|e| e.name.as_str()).collect();
    let origins: Vec<_> = model.environments.iter().map(|e| e.origin.as_str()).collect();
    let default = &variants[0];
    let count = variants.len();
    quote! {
        /// A deployment environment declared in the spec.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Environment {
            #(#variants,)*
        }

        impl Environment {
            /// The environment `wrangler dev` serves.
            pub const DEFAULT: Self = Self::#default;
            pub const ALL: [Self; #count] = [#(Self::#variants),*];

            pub fn name(self) -> &'static str {
                match self {
                    #(Self::#variants => #names,)*
                }
            }

            pub fn from_name(name: &str) -> ::core::option::Option<Self> {
                match name {
                    #(#names => ::core::option::Option::Some(Self::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }

            /// The public origin (scheme://host[:port]) of this environment.
            pub fn origin(self) -> &'static str {
                match self {
                    #(Self::#variants => #origins,)*
                }
            }
        }
    }
}

fn accessors(model: &Model) -> Vec<TokenStream> {
    let b = &model.bindings;
    let mut out = Vec::new();
    for kv in &b.kv {
        let name = &kv.name;
        let method = ident(&snake_case(name));
        let doc = docs(kv.description.as_deref().or(Some("A KV namespace.")));
        out.push(quote! {
            #doc
            pub fn #method(&self) -> ::worker::Result<::worker::KvStore> {
                self.env.kv(#name)
            }
        });
    }
    for object in &b.durable_objects {
        let name = &object.name;
        let method = ident(&snake_case(name));
        let shared = format_ident!("{}_shared", snake_case(name));
        let doc = docs(object.description.as_deref().or(Some("A Durable Object namespace.")));
        let class_doc = format!(" Instances are `{}` objects.", object.class);
        out.push(quote! {
            #doc
            #[doc = ""]
            #[doc = #class_doc]
            pub fn #method(&self) -> ::worker::Result<::worker::ObjectNamespace> {
                self.env.durable_object(#name)
            }

            /// The shared instance that the spec's stream routes forward to.
            pub fn #shared(&self) -> ::worker::Result<::worker::Stub> {
                self.#method()?.get_by_name(SHARED_INSTANCE)
            }
        });
    }
    if let Some(assets) = &b.assets {
        let name = &assets.binding;
        let method = ident(&snake_case(name));
        out.push(quote! {
            /// The static assets.
            pub fn #method(&self) -> ::worker::Result<::worker::Fetcher> {
                self.env.assets(#name)
            }
        });
    }
    for var in &b.vars {
        let name = &var.name;
        let method = ident(&snake_case(name));
        let doc = docs(var.description.as_deref().or(Some("A plain-text var.")));
        out.push(quote! {
            #doc
            pub fn #method(&self) -> ::worker::Result<::std::string::String> {
                ::core::result::Result::Ok(self.env.var(#name)?.to_string())
            }
        });
    }
    for secret in &b.secrets {
        let name = &secret.name;
        let method = ident(&snake_case(name));
        let doc = docs(secret.description.as_deref().or(Some("A secret.")));
        out.push(quote! {
            #doc
            pub fn #method(&self) -> ::worker::Result<::std::string::String> {
                ::core::result::Result::Ok(self.env.secret(#name)?.to_string())
            }
        });
    }
    out
}

/// `(name, kind)` of every declared binding, in the order the health report lists them.
fn binding_checks(model: &Model) -> Vec<TokenStream> {
    model
        .bindings
        .declared()
        .map(|(name, kind)| {
            let kind = format_ident!("{}", pascal_case(kind));
            quote!((#name, BindingKind::#kind))
        })
        .collect()
}

/// The declared binding names, in the order `check_all` lists them.
fn binding_names(model: &Model) -> Vec<&str> {
    model.bindings.declared().map(|(name, _)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_checks_at_most_32_bindings_one_bit_each() {
        let names: Vec<String> = (0..33).map(|index| format!("B{index}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let checks: Vec<TokenStream> = names.iter().map(|name| quote!((#name, BindingKind::Var))).collect();
        let (body, functions) = check_all(&checks, &names);

        let sources: Vec<&str> = functions.iter().map(|function| function.source.as_str()).collect();
        assert_eq!(sources.len(), 2);
        assert!(sources[0].starts_with("export function bindingsPresent0(env) {"));
        assert!(sources[0].contains(r#"(env["B0"] === undefined ? 0 : 1 << 0)"#));
        assert!(sources[0].contains(r#"(env["B31"] === undefined ? 0 : 1 << 31);"#));
        assert_eq!(
            sources[1],
            "export function bindingsPresent1(env) {\n  return (env[\"B32\"] === undefined ? 0 : 1 << 0);\n}\n"
        );
        let body = body.to_string();
        assert!(body.contains("[bindings_present_0 (& self . env) , bindings_present_1 (& self . env)]"), "{body}");
    }
}
