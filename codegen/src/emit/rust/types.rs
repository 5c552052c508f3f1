//! `types.rs`: one Rust type per named spec type, with serde and schemars derives and body validation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::values::{checks, literal, needs_validation, rust_type};
use crate::model::{EnumDef, FieldType, Model, ObjectDef, TypeDef};
use crate::naming::{ident, pascal_case};

pub fn render(model: &Model) -> TokenStream {
    let items = model.types.values().map(|def| match def {
        TypeDef::Enum(e) => enum_type(e),
        TypeDef::Object(o) => object_type(model, o),
    });
    quote! {
        //! Request and response bodies, one type per type declared in the spec.
        #(#items)*
    }
}

fn enum_type(def: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = docs(def.description.as_deref());
    let variants: Vec<_> = def.values.iter().map(|value| format_ident!("{}", pascal_case(value))).collect();
    let wire = &def.values;
    let count = def.values.len();
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        pub enum #name {
            #(#[serde(rename = #wire)] #variants,)*
        }

        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: [Self; #count] = [#(Self::#variants),*];

            /// The value as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #wire,)*
                }
            }

            /// Parses a wire value.
            pub fn from_wire(value: &str) -> ::core::option::Option<Self> {
                match value {
                    #(#wire => ::core::option::Option::Some(Self::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn object_type(model: &Model, def: &ObjectDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = docs(def.description.as_deref());
    let mut default_fns = Vec::new();
    let fields = def.fields.iter().map(|field| {
        let field_ident = ident(&field.name);
        let field_doc = docs(field.description.as_deref());
        let ty = rust_type(&field.ty);
        // A type that holds itself (through optional properties) needs indirection to have a finite size.
        let ty = if contains_owner(model, &field.ty, &def.name) { quote!(::std::boxed::Box<#ty>) } else { ty };
        let wire = &field.name;
        let rename =
            if field_ident.to_string().starts_with("r#") { quote!(#[serde(rename = #wire)]) } else { quote!() };
        if let Some(default) = field.default.as_ref().and_then(|value| literal(&field.ty, value)) {
            let function = format_ident!("default_{}_{}", crate::naming::snake_case(&def.name), field.name);
            let function_name = function.to_string();
            default_fns.push(quote! { fn #function() -> #ty { #default } });
            quote! { #field_doc #rename #[serde(default = #function_name)] pub #field_ident: #ty, }
        } else if field.required {
            quote! { #field_doc #rename pub #field_ident: #ty, }
        } else {
            quote! {
                #field_doc
                #rename
                #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
                pub #field_ident: ::core::option::Option<#ty>,
            }
        }
    });
    let fields: Vec<_> = fields.collect();
    let validate = validate_impl(model, def);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        pub struct #name {
            #(#fields)*
        }

        #(#default_fns)*

        #validate
    }
}

/// Whether a value of `ty` holds a value of `owner` inline (not behind a `Vec` or map, which already box).
fn contains_owner(model: &Model, ty: &FieldType, owner: &str) -> bool {
    let FieldType::Named(start) = ty else { return false };
    let mut pending = vec![start.clone()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if name == owner {
            return true;
        }
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(TypeDef::Object(object)) = model.type_def(&name) {
            pending.extend(object.fields.iter().filter_map(|f| match &f.ty {
                FieldType::Named(next) => Some(next.clone()),
                _ => None,
            }));
        }
    }
    false
}

/// Checks every bound and format of the type's fields, and of nested types that have any.
fn validate_impl(model: &Model, def: &ObjectDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let checks: Vec<TokenStream> = def
        .fields
        .iter()
        .filter(|field| needs_validation(model, field))
        .map(|field| {
            let field_ident = ident(&field.name);
            let wire = &field.name;
            // The field's own checks take an `Option` as it is: an absent optional value passes.
            let own = checks(&field.ty, &field.constraints)
                .map(|checks| quote! { #checks.field(&self.#field_ident, at, #wire)?; });
            let is_enum =
                matches!(&field.ty, FieldType::Named(n) if matches!(model.type_def(n), Some(TypeDef::Enum(_))));
            let nested = |value: TokenStream| match &field.ty {
                FieldType::Named(_) if is_enum => None,
                FieldType::Named(_) | FieldType::Array(_) => Some(quote! {
                    ::codegen_runtime::Validate::validate(#value, &::std::format!("{at}.{}", #wire))?;
                }),
                FieldType::Map(_) => Some(quote! {
                    for (key, item) in #value {
                        ::codegen_runtime::Validate::validate(item, &::std::format!("{at}.{}.{key}", #wire))?;
                    }
                }),
                _ => None,
            };
            let nested = if field.required || field.default.is_some() {
                nested(quote!(&self.#field_ident))
            } else {
                nested(quote!(value)).map(|checks| {
                    quote! { if let ::core::option::Option::Some(value) = &self.#field_ident { #checks } }
                })
            };
            quote! { #own #nested }
        })
        .collect();
    let at = if checks.is_empty() { quote!(_at) } else { quote!(at) };
    quote! {
        impl ::codegen_runtime::Validate for #name {
            fn validate(&self, #at: &str) -> ::core::result::Result<(), ::codegen_runtime::ApiError> {
                #(#checks)*
                ::core::result::Result::Ok(())
            }
        }
    }
}
