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

/// The runtime `Checks` of one value: `Checks::NONE` plus a builder call per declared check, or `None` when
/// the spec declares none for this type.
pub fn checks(ty: &FieldType, c: &Constraints) -> Option<TokenStream> {
    let mut calls = Vec::new();
    match ty {
        FieldType::Integer | FieldType::Number => {
            if let Some(minimum) = c.minimum.map(Literal::f64_suffixed) {
                calls.push(quote!(minimum(#minimum)));
            }
            if let Some(maximum) = c.maximum.map(Literal::f64_suffixed) {
                calls.push(quote!(maximum(#maximum)));
            }
        }
        FieldType::String => {
            if let Some(min) = c.min_length.map(|n| Literal::usize_unsuffixed(n as usize)) {
                calls.push(quote!(min_length(#min)));
            }
            if let Some(max) = c.max_length.map(|n| Literal::usize_unsuffixed(n as usize)) {
                calls.push(quote!(max_length(#max)));
            }
            if let Some(format) = c.format.map(format_tokens) {
                calls.push(quote!(format(#format)));
            }
            if let Some(allowed) = &c.allowed {
                calls.push(quote!(allowed(&[#(#allowed),*])));
            }
        }
        _ => {}
    }
    (!calls.is_empty()).then(|| quote!(::codegen_runtime::Checks::NONE #(.#calls)*))
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
