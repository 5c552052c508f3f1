//! `documents.rs`: the generated documents, compiled into the worker as constants so serving one costs no
//! serialization at all.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Model;
use crate::naming::pascal_case;

pub fn render(model: &Model) -> TokenStream {
    // Paths are relative to generated/rust/, where this file lives; docs/ sits beside generated/.
    let oauth = model.oauth.as_ref().map(|_| {
        let arms = model.environments.iter().map(|env| {
            let variant = format_ident!("{}", pascal_case(&env.name));
            let path = format!("../well-known/{}/oauth-protected-resource.json", env.name);
            quote!(Environment::#variant => include_str!(#path),)
        });
        quote! {
            use super::bindings::Environment;

            /// OAuth 2.0 Protected Resource Metadata (RFC 9728) of each environment: `resource` is its origin.
            pub fn oauth_protected_resource(environment: Environment) -> &'static str {
                match environment {
                    #(#arms)*
                }
            }
        }
    });
    let mcp = model.mcp.as_ref().map(|_| {
        quote! {
            /// The MCP server manifest.
            pub const MCP_MANIFEST_JSON: &str = include_str!("../well-known/mcp.json");
        }
    });
    let (title, version) = (&model.api.title, &model.api.version);
    quote! {
        //! Documents generated from the spec, embedded at compile time.

        /// The API's title, as the spec names it.
        pub const API_TITLE: &str = #title;

        /// The API's version, as the spec declares it.
        pub const API_VERSION: &str = #version;

        /// The OpenAPI 3.1 description of this API.
        pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

        /// The API reference as a self-contained HTML page.
        pub const API_REFERENCE_HTML: &str = include_str!("../../docs/index.html");

        /// The API reference as Markdown.
        pub const API_REFERENCE_MARKDOWN: &str = include_str!("../../docs/api.md");

        #oauth

        #mcp
    }
}
