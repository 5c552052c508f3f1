//! `service.rs`: the trait the worker implements, one async method per route that has business logic.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::params::struct_name;
use crate::model::{Model, Route, RouteKind};
use crate::naming::ident;

/// Routes that call into the service: JSON and redirect routes. Documents and streams are fully generated.
pub fn has_handler(route: &Route) -> bool {
    matches!(route.kind, RouteKind::Json | RouteKind::Redirect)
}

pub fn render(model: &Model) -> TokenStream {
    let methods = model.routes.iter().filter(|r| has_handler(r)).map(method);
    quote! {
        //! The seam between generated and hand-written code.

        use super::bindings::Bindings;

        /// What a handler knows about the request beyond its typed inputs.
        pub struct RequestContext<'a> {
            pub bindings: &'a Bindings,
            /// Headers, method and body; `request.worker()` gives the `worker::Request`.
            pub request: &'a ::codegen_runtime::IncomingRequest,
            /// Path and query; `url.parsed()` gives the `worker::Url`.
            pub url: &'a ::codegen_runtime::RequestUrl,
            /// For work that outlives the response (`wait_until`).
            pub execution: &'a ::worker::Context,
            /// The authenticated caller, on routes that require scopes.
            pub principal: ::core::option::Option<&'a ::codegen_runtime::auth::Principal>,
        }

        /// The API's business logic: one method per route, with typed, already validated inputs.
        ///
        /// A missing method is a compile error in the implementing crate, so the spec and the worker cannot
        /// drift apart. A JSON route answers a `Json` of its response type: a value (`.into()`), or JSON
        /// already encoded for one, which is sent without being decoded and encoded again. An `Err` becomes
        /// a JSON error answer with its status.
        // Workers run each request on one thread: handler futures need not be `Send`, so plain `async fn`
        // (without auto-trait bounds) is exactly right here.
        #[allow(async_fn_in_trait)]
        pub trait Service {
            #(#methods)*
        }
    }
}

fn method(route: &Route) -> TokenStream {
    let name = ident(&route.id);
    let methods: Vec<&str> = route.methods.iter().map(|m| m.as_str()).collect();
    let signature = format!(" `{} {}`", methods.join("|"), route.path);
    let summary = docs(Some(&route.summary));
    let description = route.description.as_deref().map(|d| {
        let d = docs(Some(d));
        quote!(#[doc = ""] #d)
    });
    let scopes = (!route.scopes.is_empty()).then(|| {
        let text = format!(" Requires scopes: {}.", route.scopes.join(", "));
        quote!(#[doc = ""] #[doc = #text])
    });
    let params = struct_name(route).map(|name| quote!(params: super::params::#name,));
    let body = route.body.as_ref().map(|body| {
        let ty = format_ident!("{}", body.ty);
        quote!(body: super::types::#ty,)
    });
    let output = match (&route.kind, &route.response) {
        (RouteKind::Redirect, _) => quote!(::codegen_runtime::Redirect),
        (_, Some(response)) => {
            let ty = format_ident!("{}", response.ty);
            quote!(::codegen_runtime::Json<super::types::#ty>)
        }
        _ => quote!(::codegen_runtime::Json<()>),
    };
    quote! {
        #summary
        #description
        #[doc = ""]
        #[doc = #signature]
        #scopes
        async fn #name(&self, context: &RequestContext<'_>, #params #body) -> ::core::result::Result<#output, ::codegen_runtime::ApiError>;
    }
}
