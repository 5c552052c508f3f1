//! `mcp.rs`: the MCP server's constants and its `Host`, which runs each tool through its route's own
//! extraction, validation, scope check and `Service` method, so a tool and its route share one
//! implementation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::params::struct_name;
use crate::emit::mcp::{resource_meta, route_of};
use crate::model::{HttpMethod, Mcp, McpResource, McpTool, Model, PathSegment, Route, RouteKind};
use crate::naming::{ident, snake_case};

/// Paths of the JSON documents the generated module includes, relative to the generated directory.
pub const TOOLS_JSON: &str = "mcp/tools.json";
pub const RESOURCES_JSON: &str = "mcp/resources.json";

pub fn render(model: &Model, mcp: &Mcp) -> TokenStream {
    let server = server(model, mcp);
    let tool_arms = mcp.tools.iter().map(|tool| {
        let name = &tool.name;
        let method = tool_method(tool);
        quote!(#name => self.#method(arguments).await,)
    });
    let tool_methods = mcp.tools.iter().map(|tool| tool_method_body(model, tool));
    let resource_arms = mcp.resources.iter().map(resource_arm);
    let assets = model.bindings.assets.as_ref().map(|a| a.binding.as_str()).unwrap_or_default();
    let read_resource = if mcp.resources.is_empty() {
        quote! {
            let _ = uri;
            ::core::option::Option::None
        }
    } else {
        quote! {
            let (path, mime_type, meta) = match uri {
                #(#resource_arms)*
                _ => return ::core::option::Option::None,
            };
            ::core::option::Option::Some(
                ::codegen_runtime::mcp::asset_contents(self.context.bindings.env(), #assets, path, uri, mime_type, meta).await,
            )
        }
    };
    let call_tool = if mcp.tools.is_empty() {
        quote! {
            let _ = (name, arguments);
            ::core::option::Option::None
        }
    } else {
        quote! {
            let result = match name {
                #(#tool_arms)*
                _ => return ::core::option::Option::None,
            };
            ::core::option::Option::Some(result)
        }
    };
    quote! {
        //! The MCP server: what it announces, and each tool run through its route's handler.

        use super::service::{RequestContext, Service};

        #server

        /// Runs the tools and reads the resources for one MCP request.
        pub struct Host<'a, S> {
            pub service: &'a S,
            /// The MCP request's context, without a caller: each tool checks its own route's scopes.
            pub context: RequestContext<'a>,
        }

        impl<S: Service> ::codegen_runtime::mcp::Host for Host<'_, S> {
            async fn call_tool(
                &self,
                name: &str,
                arguments: ::codegen_runtime::mcp::Arguments,
            ) -> ::core::option::Option<::core::result::Result<::std::string::String, ::codegen_runtime::ApiError>> {
                #call_tool
            }

            async fn read_resource(
                &self,
                uri: &str,
            ) -> ::core::option::Option<::core::result::Result<::serde_json::Value, ::codegen_runtime::ApiError>> {
                #read_resource
            }
        }

        impl<S: Service> Host<'_, S> {
            #(#tool_methods)*
        }
    }
}

fn server(model: &Model, mcp: &Mcp) -> TokenStream {
    let versions = &mcp.protocol_versions;
    let server_info = crate::emit::mcp::server_info(mcp).to_string();
    let capabilities = crate::emit::mcp::capabilities(mcp).to_string();
    let instructions = match &mcp.instructions {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    };
    let (store, ttl) = (&mcp.session_store, u64::from(mcp.session_ttl_seconds));
    let route = model.routes.iter().find(|r| matches!(r.kind, RouteKind::Mcp { .. }));
    let allow = route
        .map(|r| {
            let mut methods = r.methods.clone();
            methods.sort();
            methods.iter().map(|m| m.as_str()).chain(["OPTIONS"]).collect::<Vec<_>>().join(", ")
        })
        .unwrap_or_else(|| [HttpMethod::Post, HttpMethod::Delete].map(|m| m.as_str()).join(", "));
    let (tools, resources) = (format!("../{TOOLS_JSON}"), format!("../{RESOURCES_JSON}"));
    quote! {
        /// What the server announces. The tool and resource lists are generated JSON, sent as they are.
        pub static SERVER: ::codegen_runtime::mcp::Server = ::codegen_runtime::mcp::Server {
            protocol_versions: &[#(#versions),*],
            server_info: #server_info,
            capabilities: #capabilities,
            instructions: #instructions,
            tools: include_str!(#tools),
            resources: include_str!(#resources),
            session_store: #store,
            session_ttl_seconds: #ttl,
            allow: #allow,
        };
    }
}

fn tool_method(tool: &McpTool) -> proc_macro2::Ident {
    format_ident!("tool_{}", snake_case(&tool.name.replace(['-', '.'], "_")))
}

/// One tool: the route's scope check, its parameters or body from the arguments, its service method, and
/// its answer as the tool result.
fn tool_method_body(model: &Model, tool: &McpTool) -> TokenStream {
    let route = route_of(model, tool);
    let method = tool_method(tool);
    let guarded = model.oauth.is_some() && !route.scopes.is_empty();
    let (authorize, context) = if guarded {
        let scopes = &route.scopes;
        (
            quote! {
                let principal =
                    super::auth::authorize(self.context.request, self.context.bindings, &[#(#scopes),*]).await?;
                let context = RequestContext { principal: ::core::option::Option::Some(&principal), ..self.context };
            },
            quote!(&context),
        )
    } else {
        (quote!(), quote!(&self.context))
    };
    let (input, input_arg) = input(route);
    let service_method = ident(&route.id);
    let doc = format!(" Tool `{}`: `{}`.", tool.name, route.label());
    quote! {
        #[doc = #doc]
        async fn #method(
            &self,
            arguments: ::codegen_runtime::mcp::Arguments,
        ) -> ::core::result::Result<::std::string::String, ::codegen_runtime::ApiError> {
            #authorize
            #input
            let output = self.service.#service_method(#context, #input_arg).await?;
            ::codegen_runtime::mcp::tool_result(output).await
        }
    }
}

/// The route's input from the arguments: its body decoded and validated, or its parameters extracted from
/// the URL the arguments describe, by the same generated code that reads an HTTP request.
fn input(route: &Route) -> (TokenStream, TokenStream) {
    if let Some(body) = &route.body {
        let ty = format_ident!("{}", body.ty);
        return (
            quote! {
                let body: super::types::#ty = arguments.into_body()?;
                ::codegen_runtime::Validate::validate(&body, "body")?;
            },
            quote!(body),
        );
    }
    let Some(params) = struct_name(route) else {
        return (quote!(arguments.none()?;), quote!());
    };
    let path = route
        .segments
        .iter()
        .map(|segment| match segment {
            PathSegment::Literal(text) => format!("/{text}"),
            PathSegment::Param(name) => format!("/{{{name}}}"),
        })
        .collect::<String>();
    let names = route.params.iter().map(|p| p.field.name.as_str());
    (
        quote! {
            let url = arguments.into_url(#path, &[#(#names),*])?;
            let segments: ::std::vec::Vec<&str> = url.path().split('/').skip(1).collect();
            let params = super::params::#params::extract(self.context.request, &url, &segments)?;
        },
        quote!(params),
    )
}

fn resource_arm(resource: &McpResource) -> TokenStream {
    let (uri, path, mime_type) = (&resource.uri, &resource.asset, &resource.mime_type);
    let meta = match resource_meta(resource) {
        Some(meta) => {
            let text = meta.to_string();
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    quote!(#uri => (#path, #mime_type, #meta),)
}
