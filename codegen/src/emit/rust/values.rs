//! Rust types, literals and checks for model fields, shared by the type and parameter emitters.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Constraints, Field, FieldType, Model, StringFormat, TypeDef};

/// The Rust type of a field's value (without the `Option` of an optional field).
pub fn rust_type(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::String => quote!(::std::string::String),
        FieldType::Integer => quote!(i64),
        FieldType::Number => quote!(f64),
        FieldType::Boolean => quote!(bool),
        FieldType::Json => quote!(::serde_json::Value),
        FieldType::Named(name) => {
            let ident = format_ident!("{name}");
            quote!(#ident)
        }
        FieldType::Array(item) => {
            let item = rust_type(item);
            quote!(::std::vec::Vec<#item>)
        }
        FieldType::Map(value) => {
            let value = rust_type(value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
    }
}

/// A Rust expression for a JSON default of a scalar field, or `None` when the value cannot be expressed.
pub fn literal(ty: &FieldType, value: &serde_json::Value) -> Option<TokenStream> {
    Some(match (ty, value) {
        (FieldType::String, serde_json::Value::String(text)) => quote!(::std::string::String::from(#text)),
        (FieldType::Integer, value) => {
            let literal = Literal::i64_suffixed(value.as_i64()?);
            quote!(#literal)
        }
        (FieldType::Number, value) => {
            let literal = Literal::f64_suffixed(value.as_f64()?);
            quote!(#literal)
        }
        (FieldType::Boolean, serde_json::Value::Bool(flag)) => quote!(#flag),
        _ => return None,
    })
}

/// The runtime format a string field must have.
pub fn format_tokens(format: StringFormat) -> TokenStream {
    match format {
        StringFormat::DateTime => quote!(::codegen_runtime::Format::DateTime),
        StringFormat::Uri => quote!(::codegen_runtime::Format::Uri),
        StringFormat::Uuid => quote!(::codegen_runtime::Format::Uuid),
        StringFormat::Email => quote!(::codegen_runtime::Format::Email),
    }
}

/// Checks on one value, each mapping its failure message with `fail` (a closure expression taking the
/// message). `value` is a number by value for numeric fields and a string reference for string fields.
pub fn constraint_checks(ty: &FieldType, c: &Constraints, value: &TokenStream, fail: &TokenStream) -> TokenStream {
    let option = |bound: Option<f64>| match bound {
        Some(bound) => {
            let literal = Literal::f64_suffixed(bound);
            quote!(::core::option::Option::Some(#literal))
        }
        None => quote!(::core::option::Option::None),
    };
    let length = |bound: Option<u32>| match bound {
        Some(bound) => {
            let literal = Literal::usize_suffixed(bound as usize);
            quote!(::core::option::Option::Some(#literal))
        }
        None => quote!(::core::option::Option::None),
    };
    let mut checks = Vec::new();
    match ty {
        FieldType::Integer | FieldType::Number if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (option(c.minimum), option(c.maximum));
            let as_float = if *ty == FieldType::Integer { quote!(#value as f64) } else { quote!(#value) };
            checks.push(quote! { ::codegen_runtime::check_range(#as_float, #min, #max).map_err(#fail)?; });
        }
        FieldType::String => {
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (length(c.min_length), length(c.max_length));
                checks.push(quote! { ::codegen_runtime::check_length(#value, #min, #max).map_err(#fail)?; });
            }
            if let Some(format) = c.format {
                let format = format_tokens(format);
                checks.push(quote! { ::codegen_runtime::check_format(#value, #format).map_err(#fail)?; });
            }
            if let Some(allowed) = &c.allowed {
                checks.push(quote! { ::codegen_runtime::check_allowed(#value, &[#(#allowed),*]).map_err(#fail)?; });
            }
        }
        _ => {}
    }
    quote!(#(#checks)*)
}

/// Whether values of this type carry any check, directly or through nested named types.
pub fn needs_validation(model: &Model, field: &Field) -> bool {
    type_needs_validation(model, &field.ty, &mut Vec::new()) || has_checks(&field.ty, &field.constraints)
}

fn has_checks(ty: &FieldType, c: &Constraints) -> bool {
    match ty {
        FieldType::Integer | FieldType::Number => c.minimum.is_some() || c.maximum.is_some(),
        FieldType::String => {
            c.min_length.is_some() || c.max_length.is_some() || c.format.is_some() || c.allowed.is_some()
        }
        _ => false,
    }
}

/// `visiting` guards against recursive types.
fn type_needs_validation(model: &Model, ty: &FieldType, visiting: &mut Vec<String>) -> bool {
    match ty {
        FieldType::Array(inner) | FieldType::Map(inner) => type_needs_validation(model, inner, visiting),
        FieldType::Named(name) => {
            if visiting.contains(name) {
                return false;
            }
            visiting.push(name.clone());
            let needed = match model.type_def(name) {
                Some(TypeDef::Object(object)) => object
                    .fields
                    .iter()
                    .any(|f| has_checks(&f.ty, &f.constraints) || type_needs_validation(model, &f.ty, visiting)),
                _ => false,
            };
            visiting.pop();
            needed
        }
        _ => false,
    }
}
