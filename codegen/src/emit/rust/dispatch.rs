//! `dispatch.rs`: routing as one `match` on path segments and method, then a small handler per route.
//!
//! No route table is built at run time: the compiler turns the match into direct comparisons, so the cost of
//! finding a route does not grow with a table, and OPTIONS preflights and 405s fall out of the same match.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::params::struct_name;
use crate::model::{
    DocumentKind, HttpMethod, Model, OAuthStep, ParamLocation, PathSegment, Route, RouteCors, RouteKind,
};
use crate::naming::{ident, snake_case};

pub fn render(model: &Model) -> TokenStream {
    let cors = cors_policy(model);
    let arms = path_arms(model);
    let handlers = model.routes.iter().map(|route| handler(model, route));
    quote! {
        //! Request routing, extraction, validation, error answers and CORS.

        use super::bindings::Bindings;
        use super::service::{RequestContext, Service};

        #cors

        /// What a route answered, and whether CORS headers still need adding.
        enum Outcome {
            /// A response this worker built; CORS headers are added on the way out.
            Fresh(::codegen_runtime::OutgoingResponse),
            /// A response that is complete as it is (preflights, forwarded streams).
            Complete(::worker::web_sys::Response),
        }

        /// Everything a route handler may need from the incoming request.
        struct Incoming<'a> {
            request: ::codegen_runtime::IncomingRequest,
            bindings: &'a Bindings,
            url: &'a ::codegen_runtime::RequestUrl,
            segments: &'a [&'a str],
            execution: &'a ::worker::Context,
            /// The request's `Origin` header, read on first use: a public route's answer never needs it.
            origin: &'a ::core::cell::OnceCell<::core::option::Option<::std::string::String>>,
        }

        impl<'a> Incoming<'a> {
            fn context<'b>(&'b self, principal: ::core::option::Option<&'b ::codegen_runtime::auth::Principal>) -> RequestContext<'b> {
                RequestContext { bindings: self.bindings, request: &self.request, url: self.url, execution: self.execution, principal }
            }

            fn origin(&self) -> ::core::option::Option<&'a str> {
                self.origin.get_or_init(|| self.request.origin()).as_deref()
            }

            /// The access of a path that answers the listed origins only. Its answer's CORS headers depend on
            /// the origin, so it is read now, before a handler takes the request.
            fn listed(&self) -> ::codegen_runtime::CorsAccess {
                self.origin();
                ::codegen_runtime::CorsAccess::Listed
            }
        }

        /// Answers one request. Bad input becomes a 4xx JSON error; only a runtime failure (a missing
        /// binding, a storage error) becomes a 500, and its detail goes to the log, not to the caller.
        pub async fn handle<S: Service>(
            service: &S,
            request: ::codegen_runtime::IncomingRequest,
            env: ::worker::Env,
            execution: ::worker::Context,
        ) -> ::worker::Result<::worker::web_sys::Response> {
            let bindings = Bindings::new(env);
            let ::codegen_runtime::RequestHead { method, url } = request.head()?;
            let origin = ::core::cell::OnceCell::new();
            let segments: ::std::vec::Vec<&str> = url.path().split('/').skip(1).collect();
            let incoming = Incoming {
                request,
                bindings: &bindings,
                url: &url,
                segments: &segments,
                execution: &execution,
                origin: &origin,
            };
            let (access, answer) = route(service, method, incoming);
            let outcome = match answer.await {
                ::core::result::Result::Ok(outcome) => outcome,
                ::core::result::Result::Err(error) => Outcome::Fresh(error.into_response()),
            };
            match outcome {
                Outcome::Complete(response) => ::core::result::Result::Ok(response),
                // A listed path's route read the origin; a public path's answer does not look at it.
                Outcome::Fresh(response) => CORS.finish(access, origin.get().and_then(::core::option::Option::as_deref), response),
            }
        }

        /// A route's answer in the making: its handler's future, boxed, so that `route` only has to pick one.
        type Answer<'a> = ::core::pin::Pin<
            ::std::boxed::Box<dyn ::core::future::Future<Output = ::core::result::Result<Outcome, ::codegen_runtime::ApiError>> + 'a>,
        >;

        /// Picks the handler of a request, and who may read its answer. Arms only start a handler and `handle`
        /// awaits it, so this stays a plain function whose size grows with the route count, not a future
        /// holding every handler's state.
        fn route<'a, S: Service>(
            service: &'a S,
            method: ::worker::Method,
            incoming: Incoming<'a>,
        ) -> (::codegen_runtime::CorsAccess, Answer<'a>) {
            use ::worker::Method;
            use ::codegen_runtime::CorsAccess;
            match incoming.segments {
                #(#arms)*
                _ => {
                    let message = ::std::format!("no route for {} {}", method, incoming.url.path());
                    (incoming.listed(), answered(::core::result::Result::Err(::codegen_runtime::ApiError::not_found(message))))
                }
            }
        }

        /// A handler's answer, once it runs.
        fn start<'a>(
            handler: impl ::core::future::Future<Output = ::core::result::Result<Outcome, ::codegen_runtime::ApiError>> + 'a,
        ) -> Answer<'a> {
            ::std::boxed::Box::pin(handler)
        }

        /// An answer known without running a handler.
        fn answered<'a>(result: ::core::result::Result<Outcome, ::codegen_runtime::ApiError>) -> Answer<'a> {
            ::std::boxed::Box::pin(::core::future::ready(result))
        }

        fn preflight<'a>(access: ::codegen_runtime::CorsAccess, incoming: &Incoming<'_>, methods: &'static str) -> Answer<'a> {
            answered(CORS.preflight(access, incoming.origin(), methods).map(Outcome::Complete).map_err(::core::convert::Into::into))
        }

        fn not_allowed<'a>(method: ::worker::Method, allow: &'static str) -> Answer<'a> {
            answered(::core::result::Result::Err(::codegen_runtime::ApiError::method_not_allowed(method.as_ref(), allow)))
        }

        #(#handlers)*
    }
}

fn cors_policy(model: &Model) -> TokenStream {
    let (origins, credentials, allow, expose, max_age) = match &model.cors {
        Some(cors) => (
            cors.allow_origins.clone(),
            cors.allow_credentials,
            cors.allow_headers.join(", "),
            cors.expose_headers.join(", "),
            cors.max_age.map(|age| age.to_string()),
        ),
        None => (Vec::new(), false, String::new(), String::new(), None),
    };
    let max_age = match max_age {
        Some(age) => quote!(::core::option::Option::Some(#age)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        /// The spec's CORS policy; every header value is precomputed.
        pub static CORS: ::codegen_runtime::CorsPolicy = ::codegen_runtime::CorsPolicy {
            allow_origins: &[#(#origins),*],
            allow_credentials: #credentials,
            allow_headers: #allow,
            expose_headers: #expose,
            max_age: #max_age,
        };
    }
}

/// One match arm per distinct path shape; literal-only shapes come first so they win over parameters.
/// A path shape: literal segments by text, parameters as `None`.
type Shape = Vec<Option<String>>;

fn path_arms(model: &Model) -> Vec<TokenStream> {
    // Keyed by parameter count first, so that literal paths are matched before parameterised ones.
    let mut shapes: BTreeMap<(usize, Shape), Vec<(HttpMethod, &Route)>> = BTreeMap::new();
    for route in &model.routes {
        let shape: Shape = route
            .segments
            .iter()
            .map(|segment| match segment {
                PathSegment::Literal(text) => Some(text.clone()),
                PathSegment::Param(_) => None,
            })
            .collect();
        let params = shape.iter().filter(|s| s.is_none()).count();
        for method in &route.methods {
            shapes.entry((params, shape.clone())).or_default().push((*method, route));
        }
    }
    shapes
        .into_iter()
        .map(|((_, shape), mut methods)| {
            methods.sort_by_key(|(method, _)| *method);
            let pattern = if shape.is_empty() {
                quote!([""])
            } else {
                let parts = shape.iter().map(|segment| match segment {
                    Some(text) => quote!(#text),
                    None => quote!(_),
                });
                quote!([#(#parts),*])
            };
            let allow = methods.iter().map(|(m, _)| m.as_str()).chain(["OPTIONS"]).collect::<Vec<_>>().join(", ");
            let method_arms = methods.iter().map(|(method, route)| {
                let variant = format_ident!("{}", method_variant(*method));
                let handler = handler_name(route);
                quote!(Method::#variant => start(#handler(service, incoming)),)
            });
            // Validation makes every route of a path agree. A listed path reads the origin as it picks the
            // handler (`listed`), since its answer's headers depend on it.
            let (access, picked) = match methods[0].1.cors {
                RouteCors::Listed => (quote!(CorsAccess::Listed), quote!(incoming.listed())),
                RouteCors::Public => (quote!(CorsAccess::Public), quote!(CorsAccess::Public)),
            };
            quote! {
                #pattern => (#picked, match method {
                    #(#method_arms)*
                    Method::Options => preflight(#access, &incoming, #allow),
                    other => not_allowed(other, #allow),
                }),
            }
        })
        .collect()
}

fn method_variant(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
        HttpMethod::Patch => "Patch",
        HttpMethod::Delete => "Delete",
    }
}

fn handler_name(route: &Route) -> proc_macro2::Ident {
    format_ident!("handle_{}", route.id)
}

/// The handler of one route: extract, validate, call the service (or serve/forward), answer.
fn handler(model: &Model, route: &Route) -> TokenStream {
    let name = handler_name(route);
    let guarded = model.oauth.is_some() && !route.scopes.is_empty();
    let calls_service = matches!(route.kind, RouteKind::Json | RouteKind::Redirect);
    // Only the service sees who the caller is; other routes just need the check to pass.
    let binding = if calls_service { quote!(let principal =) } else { quote!() };
    let authorize = if guarded {
        let scopes = &route.scopes;
        quote! {
            #binding super::auth::authorize(&incoming.request, incoming.bindings, &[#(#scopes),*]).await?;
        }
    } else {
        quote!()
    };
    let principal =
        if guarded { quote!(::core::option::Option::Some(&principal)) } else { quote!(::core::option::Option::None) };
    let body = match &route.kind {
        RouteKind::Json | RouteKind::Redirect => service_call(route, &principal),
        RouteKind::Document(kind) => document(model, *kind),
        RouteKind::OAuth(step) => oauth(route, *step),
        RouteKind::Sse { binding, .. } | RouteKind::WebSocket { binding } => forward(binding),
        RouteKind::Mcp { websocket } => mcp(websocket.as_deref()),
    };
    let body = quote! { #authorize #body };
    let uses_service = matches!(route.kind, RouteKind::Json | RouteKind::Redirect | RouteKind::Mcp { .. });
    let service_arg = if uses_service { quote!(service) } else { quote!(_service) };
    let reads_body = route.body.is_some() || matches!(route.kind, RouteKind::Mcp { .. });
    let incoming_arg = if reads_body { quote!(mut incoming) } else { quote!(incoming) };
    let doc = format!(" `{}`: {}", route.path, route.summary);
    quote! {
        #[doc = #doc]
        async fn #name<S: Service>(#service_arg: &S, #incoming_arg: Incoming<'_>) -> ::core::result::Result<Outcome, ::codegen_runtime::ApiError> {
            #body
        }
    }
}

fn service_call(route: &Route, principal: &TokenStream) -> TokenStream {
    let method = ident(&route.id);
    let (params_let, params_arg) = match struct_name(route) {
        Some(name) => (
            quote! { let params = super::params::#name::extract(&incoming.request, incoming.url, incoming.segments)?; },
            quote!(params,),
        ),
        None => (quote!(), quote!()),
    };
    let (body_let, body_arg) = match &route.body {
        Some(body) => {
            let ty = format_ident!("{}", body.ty);
            (
                quote! {
                    let body: super::types::#ty = ::codegen_runtime::read_json(&mut incoming.request).await?;
                    ::codegen_runtime::Validate::validate(&body, "body")?;
                },
                quote!(body,),
            )
        }
        None => (quote!(), quote!()),
    };
    let answer = match (&route.kind, &route.response) {
        (RouteKind::Redirect, _) => quote!(output.into_response()),
        (_, Some(response)) => {
            let status = response.status;
            quote!(output.into_response(#status)?)
        }
        _ => quote!(output.into_response(200)?),
    };
    quote! {
        #params_let
        #body_let
        let output = service.#method(&incoming.context(#principal), #params_arg #body_arg).await?;
        ::core::result::Result::Ok(Outcome::Fresh(#answer))
    }
}

fn document(model: &Model, kind: DocumentKind) -> TokenStream {
    let (body, content_type) = match kind {
        DocumentKind::Openapi => (quote!(super::documents::OPENAPI_JSON), "application/json; charset=utf-8"),
        DocumentKind::McpManifest if model.mcp.is_some() => {
            (quote!(super::documents::MCP_MANIFEST_JSON), "application/json; charset=utf-8")
        }
        DocumentKind::ReferenceHtml => (quote!(super::documents::API_REFERENCE_HTML), "text/html; charset=utf-8"),
        DocumentKind::ReferenceMarkdown => {
            (quote!(super::documents::API_REFERENCE_MARKDOWN), "text/markdown; charset=utf-8")
        }
        DocumentKind::OauthProtectedResource if model.oauth.is_some() => (
            quote!(super::documents::oauth_protected_resource(incoming.bindings.current_environment())),
            "application/json; charset=utf-8",
        ),
        // Without the spec section there is no document; validation could reject the route, but answering
        // 404 keeps a spec that drops the section buildable.
        DocumentKind::OauthProtectedResource | DocumentKind::McpManifest => {
            return quote! {
                let _ = incoming;
                ::core::result::Result::Err(::codegen_runtime::ApiError::not_found("this API publishes no such document"))
            }
        }
    };
    let uses_incoming = kind == DocumentKind::OauthProtectedResource;
    let silence = if uses_incoming { quote!() } else { quote!(let _ = incoming;) };
    quote! {
        #silence
        ::core::result::Result::Ok(Outcome::Fresh(::codegen_runtime::static_response(#body, #content_type)))
    }
}

/// The sign-in steps are entirely the runtime's; the route only supplies its parameters.
fn oauth(route: &Route, step: OAuthStep) -> TokenStream {
    let params = struct_name(route).map(|name| {
        quote! { let params = super::params::#name::extract(&incoming.request, incoming.url, incoming.segments)?; }
    });
    let deployment = quote! { let deployment = super::auth::deployment(incoming.bindings); };
    match step {
        OAuthStep::Login => quote! {
            #deployment
            let redirect = ::codegen_runtime::auth::begin_login(&deployment, &super::auth::POLICY).await?;
            ::core::result::Result::Ok(Outcome::Fresh(redirect.into_response()))
        },
        // The authorization server's `iss` (RFC 9207) is read whether or not the spec declares it: when the
        // server sends one, it must be checked.
        OAuthStep::Callback => quote! {
            #params
            #deployment
            let issuer = ::codegen_runtime::Query::parse(incoming.url).get("iss").map(::std::borrow::ToOwned::to_owned);
            let redirect = ::codegen_runtime::auth::complete_login(&deployment, &super::auth::POLICY, &params.code, &params.state, issuer.as_deref()).await?;
            ::core::result::Result::Ok(Outcome::Fresh(redirect.into_response()))
        },
        OAuthStep::Logout => {
            // A declared header parameter may name the session to end; otherwise the cookie does.
            let session_header = match route.params_in(ParamLocation::Header).next() {
                Some(param) => {
                    let field = super::params::field_ident(param);
                    if param.field.required {
                        quote!(::core::option::Option::Some(params.#field.as_str()))
                    } else {
                        quote!(params.#field.as_deref())
                    }
                }
                None => quote!(::core::option::Option::None),
            };
            quote! {
                #params
                #deployment
                let response = ::codegen_runtime::auth::logout(&incoming.request, &deployment, &super::auth::POLICY, #session_header).await?;
                ::core::result::Result::Ok(Outcome::Fresh(response))
            }
        }
    }
}

/// The MCP server: a WebSocket upgrade goes to the Durable Object; everything else is read (the body
/// before anything borrows the request) and answered by the runtime through the generated `Host`.
fn mcp(websocket: Option<&str>) -> TokenStream {
    let upgrade = websocket.map(|binding| {
        let shared = format_ident!("{}_shared", snake_case(binding));
        quote! {
            if ::codegen_runtime::mcp::is_websocket_upgrade(&incoming.request)? {
                let stub = incoming.bindings.#shared()?;
                let origin = incoming.origin();
                let response = stub.fetch_with_request(incoming.request.into_worker()).await?;
                return ::core::result::Result::Ok(Outcome::Complete(CORS.apply_to_forwarded(origin, response)?.into()));
            }
        }
    });
    quote! {
        #upgrade
        ::codegen_runtime::mcp::check_origin(incoming.origin(), &CORS, incoming.bindings.current_environment().origin())?;
        let env = incoming.bindings.env();
        let exchange = ::codegen_runtime::mcp::read(&mut incoming.request, env, &super::mcp::SERVER).await?;
        let host = super::mcp::Host { service, context: incoming.context(::core::option::Option::None) };
        let response = exchange.answer(env, &super::mcp::SERVER, &host).await?;
        ::core::result::Result::Ok(Outcome::Fresh(response))
    }
}

/// Streams are served by a Durable Object: the request goes to the shared instance as it is.
fn forward(binding: &str) -> TokenStream {
    let shared = format_ident!("{}_shared", snake_case(binding));
    quote! {
        let stub = incoming.bindings.#shared()?;
        let origin = incoming.origin();
        let response = stub.fetch_with_request(incoming.request.into_worker()).await?;
        ::core::result::Result::Ok(Outcome::Complete(CORS.apply_to_forwarded(origin, response)?.into()))
    }
}
