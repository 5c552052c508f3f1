//! `bindings.rs`: typed accessors for every binding, var and secret, and the deployment environments.

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
    let joined = binding_names(model).join(",");
    let count = checks.len();
    let current = match &model.worker.environment_var {
        Some(var) => quote! {
            /// The environment this deployment serves, from the generated environment var; the default
            /// environment when the var is missing or unknown (as in a bare `workerd` run). Signing in
            /// needs it on every request, so the var is read as a plain string (`Env::var` also checks
            /// the value's constructor by name, several more calls into JavaScript).
            pub fn current_environment(&self) -> Environment {
                self.binding(#var)
                    .and_then(|value| value.as_string())
                    .and_then(|name| Environment::from_name(&name))
                    .unwrap_or(Environment::DEFAULT)
            }
        },
        None => quote! {
            /// The environment this deployment serves: the spec names no environment var, so the default.
            pub fn current_environment(&self) -> Environment {
                Environment::DEFAULT
            }
        },
    };
    let shared = SHARED_INSTANCE;
    let check_all = if checks.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote! {
            let declared = [#(#checks),*];
            let present = ::codegen_runtime::env::present::<#count>(&self.env, #joined);
            declared
                .into_iter()
                .zip(present)
                .map(|((name, kind), available)| BindingCheck { name, kind, available })
                .collect()
        }
    };
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

            /// Checks every declared binding without using it: whether the runtime provides it at all, in
            /// one call into JavaScript. (The typed accessors above also check a binding's type, which
            /// takes several more calls each.)
            pub fn check_all(&self) -> ::std::vec::Vec<BindingCheck> {
                #check_all
            }

            /// The binding named `name`, whatever its type; `None` when the environment has none.
            fn binding(&self, name: &str) -> ::core::option::Option<::worker::wasm_bindgen::JsValue> {
                ::worker::js_sys::Reflect::get(&self.env, &::worker::wasm_bindgen::JsValue::from_str(name))
                    .ok()
                    .filter(|value| !value.is_undefined())
            }
        }
    }
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
    declared_bindings(model).map(|(name, kind)| quote!((#name, BindingKind::#kind))).collect()
}

/// The declared binding names, in the order `check_all` lists them.
fn binding_names(model: &Model) -> Vec<&str> {
    declared_bindings(model).map(|(name, _)| name.as_str()).collect()
}

fn declared_bindings(model: &Model) -> impl Iterator<Item = (&String, TokenStream)> {
    let b = &model.bindings;
    b.kv.iter()
        .map(|kv| (&kv.name, quote!(Kv)))
        .chain(b.durable_objects.iter().map(|object| (&object.name, quote!(DurableObject))))
        .chain(b.assets.iter().map(|assets| (&assets.binding, quote!(Assets))))
        .chain(b.vars.iter().map(|var| (&var.name, quote!(Var))))
        .chain(b.secrets.iter().map(|secret| (&secret.name, quote!(Secret))))
}
