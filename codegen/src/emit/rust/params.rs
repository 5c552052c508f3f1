//! `params.rs`: one struct per route with parameters, and its extraction from the request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::values::{checks, literal, rust_type};
use crate::model::{Model, Param, ParamLocation, PathSegment, Route};
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
        let blank = param.field.description.is_some().then(|| quote!(#[doc = ""]));
        let location = format!(" From {} `{}`.", param.location.as_str(), param.field.name);
        let ty = rust_type(&param.field.ty);
        let ty = if param.field.required || param.field.default.is_some() {
            ty
        } else {
            quote!(::core::option::Option<#ty>)
        };
        quote! { #doc #blank #[doc = #location] pub #field: #ty, }
    });
    let extractions = route.params.iter().map(|param| extraction(route, param));
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
                #request_arg: &::codegen_runtime::IncomingRequest,
                #url_arg: &::codegen_runtime::RequestUrl,
                #segments_arg: &[&str],
            ) -> ::core::result::Result<Self, ::codegen_runtime::ApiError> {
                #query
                ::core::result::Result::Ok(Self { #(#extractions)* })
            }
        }
    })
}

/// `name: value,` for one parameter: where to find it, then parse and check it, applying the default or
/// answering 400 when a required one is missing. Fields are initialised in order, so the first bad
/// parameter is the one reported.
fn extraction(route: &Route, param: &Param) -> TokenStream {
    let field = field_ident(param);
    let wire = &param.field.name;
    let source = match param.location {
        ParamLocation::Query => quote!(::codegen_runtime::Param::query(&query, #wire)),
        ParamLocation::Header => quote!(::codegen_runtime::Param::header(request, #wire)?),
        ParamLocation::Path => {
            let index = route
                .segments
                .iter()
                .position(|segment| matches!(segment, PathSegment::Param(name) if name == wire))
                .unwrap_or_default();
            quote!(::codegen_runtime::Param::path(segments, #index, #wire)?)
        }
    };
    let checks =
        checks(&param.field.ty, &param.field.constraints).unwrap_or_else(|| quote!(::codegen_runtime::Checks::NONE));
    let default = param.field.default.as_ref().and_then(|value| literal(&param.field.ty, value));
    let value = match (default, param.field.required) {
        (Some(default), _) => quote!(#source.or(#default, &#checks)?),
        (None, true) => quote!(#source.required(&#checks)?),
        (None, false) => quote!(#source.optional(&#checks)?),
    };
    quote!(#field: #value,)
}
