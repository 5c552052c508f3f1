//! `streams.rs`: the spec's Server-Sent Events routes, for the Durable Objects that serve them (the
//! dispatch forwards each stream request whole, so the object answers by path).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Model, RouteKind};

pub fn render(model: &Model) -> Option<TokenStream> {
    let streams: Vec<TokenStream> = model
        .routes
        .iter()
        .filter_map(|route| match &route.kind {
            RouteKind::Sse { heartbeat_seconds, .. } => {
                let name = format_ident!("{}", route.id.to_ascii_uppercase());
                let path = &route.path;
                let seconds = proc_macro2::Literal::u32_unsuffixed(*heartbeat_seconds);
                let doc = format!(" `{path}`: {}", route.summary);
                Some(quote! {
                    #[doc = #doc]
                    pub const #name: SseRoute = SseRoute {
                        path: #path,
                        heartbeat: ::core::time::Duration::from_secs(#seconds),
                    };
                })
            }
            _ => None,
        })
        .collect();
    if streams.is_empty() {
        return None;
    }
    Some(quote! {
        //! Event-stream routes declared in the spec, with the settings their Durable Object applies.

        /// One Server-Sent Events route.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct SseRoute {
            /// The path the dispatch forwards to the Durable Object unchanged.
            pub path: &'static str,
            /// How often an idle stream gets a comment line, so proxies keep it open.
            pub heartbeat: ::core::time::Duration,
        }

        #(#streams)*
    })
}
