//! `params.rs`: one struct per route with parameters, and its extraction from the request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::values::{constraint_checks, literal, rust_type};
use crate::model::{FieldType, Model, Param, ParamLocation, PathSegment, Route};
use crate::naming::{ident, pascal_case, snake_case};

/// The params struct name of a route, when it has parameters.
pub fn struct_name(route: &Route) -> Option<proc_macro2::Ident> {
    (!route.params.is_empty()).then(|| format_ident!("{}Params", pascal_case(&route.id)))
}

/// The Rust field name of a parameter (header names such as `X-Session-Id` become `x_session_id`).
pub fn field_ident(param: &Param) -> proc_macro2::Ident {
    ident(&snake_case(&param.field.name))
}

pub fn render(model: &Model) -> TokenStream {
    let items = model.routes.iter().filter_map(params_struct);
    quote! {
        //! Path, query and header parameters of each route, parsed and checked against the spec.
        #(#items)*
    }
}

fn params_struct(route: &Route) -> Option<TokenStream> {
    let name = struct_name(route)?;
    let summary = format!(" Parameters of `{}` ({}).", route.id, route.path);
    let fields = route.params.iter().map(|param| {
        let field = field_ident(param);
        let doc = docs(param.field.description.as_deref());
        let location = format!(" From {} `{}`.", param.location.as_str(), param.field.name);
        let ty = rust_type(&param.field.ty);
        let ty = if param.field.required || param.field.default.is_some() {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        };
        quote! { #doc #[doc = ""] #[doc = #location] pub #field: #ty, }
    });
    let extractions = route.params.iter().map(|param| extraction(route, param));
    let field_names = route.params.iter().map(field_ident);
    let needs_query = route.params_in(ParamLocation::Query).next().is_some();
    let query = if needs_query { quote!(let query = ::codegen_runtime::Query::parse(url);) } else { quote!() };
    let url_arg = if needs_query { quote!(url) } else { quote!(_url) };
    let needs_segments = route.params_in(ParamLocation::Path).next().is_some();
    let segments_arg = if needs_segments { quote!(segments) } else { quote!(_segments) };
    let needs_headers = route.params_in(ParamLocation::Header).next().is_some();
    let request_arg = if needs_headers { quote!(request) } else { quote!(_request) };
    Some(quote! {
        #[doc = #summary]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Reads every parameter, answering 400 with the parameter's location on the first bad one.
            pub fn extract(
                #request_arg: &::worker::Request,
                #url_arg: &::worker::Url,
                #segments_arg: &[&str],
            ) -> ::core::result::Result<Self, ::codegen_runtime::ApiError> {
                #query
                #(#extractions)*
                ::core::result::Result::Ok(Self { #(#field_names),* })
            }
        }
    })
}

/// `let name = …;` for one parameter: find the raw text, then parse, check bounds, and apply the default.
fn extraction(route: &Route, param: &Param) -> TokenStream {
    let field = field_ident(param);
    let wire = &param.field.name;
    let location = format!("{}.{}", param.location.as_str(), wire);
    let raw = match param.location {
        ParamLocation::Query => quote! { let raw = query.get(#wire); },
        ParamLocation::Header => quote! {
            let header = request.headers().get(#wire)?;
            let raw = header.as_deref();
        },
        ParamLocation::Path => {
            let index = route
                .segments
                .iter()
                .position(|segment| matches!(segment, PathSegment::Param(name) if name == wire))
                .unwrap_or_default();
            quote! {
                let decoded = ::codegen_runtime::path_segment(segments.get(#index).copied().unwrap_or_default(), #location)?;
                let raw = ::core::option::Option::Some(decoded.as_str());
            }
        }
    };
    let parse = match param.field.ty {
        FieldType::Integer => quote!(::codegen_runtime::parse_integer(raw, #location)?),
        FieldType::Number => quote!(::codegen_runtime::parse_number(raw, #location)?),
        FieldType::Boolean => quote!(::codegen_runtime::parse_bool(raw, #location)?),
        _ => quote!(::std::string::String::from(raw)),
    };
    let fail = quote!(|message| ::codegen_runtime::ApiError::invalid_parameter(#location, message));
    let value_ref = if param.field.ty == FieldType::String { quote!(&value) } else { quote!(value) };
    let checks = constraint_checks(&param.field.ty, &param.field.constraints, &value_ref, &fail);
    let parsed = if checks.is_empty() {
        parse.clone()
    } else {
        quote! {{
            let value = #parse;
            #checks
            value
        }}
    };
    let default = param.field.default.as_ref().and_then(|value| literal(&param.field.ty, value));
    let required_message = format!("the {} parameter `{}` is required", param.location.as_str(), wire);
    let resolved = match (default, param.field.required) {
        (Some(default), _) => quote! {
            match raw {
                ::core::option::Option::Some(raw) => #parsed,
                ::core::option::Option::None => #default,
            }
        },
        (None, true) => quote! {
            match raw {
                ::core::option::Option::Some(raw) => #parsed,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(::codegen_runtime::ApiError::invalid_parameter(#location, #required_message));
                }
            }
        },
        // Without a fallible step, mapping the option is all there is to do.
        (None, false) if checks.is_empty() && param.field.ty == FieldType::String => {
            quote! { raw.map(::std::string::String::from) }
        }
        (None, false) => quote! {
            match raw {
                ::core::option::Option::Some(raw) => ::core::option::Option::Some(#parsed),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        },
    };
    quote! {
        let #field = {
            #raw
            #resolved
        };
    }
}
