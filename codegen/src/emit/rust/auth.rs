//! `auth.rs`: the spec's session policy and each environment's authorization server, for the runtime's
//! scope checks and sign-in flow.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{DocumentKind, Model, OAuthStep, RouteKind};
use crate::naming::pascal_case;

/// Where the protected-resource metadata lives when the spec serves it from no route of its own.
const DEFAULT_METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

pub fn render(model: &Model) -> Option<TokenStream> {
    let oauth = model.oauth.as_ref()?;
    let route_path = |kind: RouteKind| model.routes.iter().find(|r| r.kind == kind).map(|r| r.path.clone());
    let metadata_path = route_path(RouteKind::Document(DocumentKind::OauthProtectedResource))
        .unwrap_or_else(|| DEFAULT_METADATA_PATH.to_owned());
    let callback_path = route_path(RouteKind::OAuth(OAuthStep::Callback)).unwrap_or_default();
    let store = &oauth.session_store;
    let cookie = &oauth.session_cookie;
    let session_ttl = u64::from(oauth.session_ttl_seconds);
    let state_ttl = u64::from(oauth.login_state_ttl_seconds);
    let secret = &oauth.client_secret;
    let scopes = oauth.scopes.keys();
    let servers = model.environments.iter().filter_map(|env| {
        let o = env.oauth.as_ref()?;
        let name = format_ident!("{}", env.name.to_uppercase().replace('-', "_"));
        let doc = format!(" The authorization server of `{}`.", env.name);
        let (issuer, authorize, token, jwks, client, redirect) = (
            &o.issuer,
            &o.authorization_endpoint,
            &o.token_endpoint,
            &o.jwks_uri,
            &o.client_id,
            &o.post_login_redirect,
        );
        Some(quote! {
            #[doc = #doc]
            static #name: ::codegen_runtime::auth::OAuthServer = ::codegen_runtime::auth::OAuthServer {
                issuer: #issuer,
                authorization_endpoint: #authorize,
                token_endpoint: #token,
                jwks_uri: #jwks,
                client_id: #client,
                post_login_redirect: #redirect,
            };
        })
    });
    let arms = model.environments.iter().filter(|env| env.oauth.is_some()).map(|env| {
        let variant = format_ident!("{}", pascal_case(&env.name));
        let name = format_ident!("{}", env.name.to_uppercase().replace('-', "_"));
        quote!(Environment::#variant => &#name,)
    });
    Some(quote! {
        //! Sessions, sign-in and the authorization server of every environment, as the spec declares them.

        use super::bindings::{Bindings, Environment};

        /// How sessions and sign-in work for this API.
        pub static POLICY: ::codegen_runtime::auth::AuthPolicy = ::codegen_runtime::auth::AuthPolicy {
            session_store: #store,
            session_cookie: #cookie,
            session_ttl_seconds: #session_ttl,
            login_state_ttl_seconds: #state_ttl,
            client_secret: #secret,
            scopes: &[#(#scopes),*],
            metadata_path: #metadata_path,
            callback_path: #callback_path,
        };

        #(#servers)*

        /// The authorization server an environment signs in against.
        pub fn server(environment: Environment) -> &'static ::codegen_runtime::auth::OAuthServer {
            match environment {
                #(#arms)*
            }
        }

        /// The running deployment, as the runtime's authentication needs it.
        pub fn deployment(bindings: &Bindings) -> ::codegen_runtime::auth::Deployment<'_> {
            let environment = bindings.current_environment();
            ::codegen_runtime::auth::Deployment {
                env: bindings.env(),
                origin: environment.origin(),
                server: server(environment),
            }
        }

        /// Checks that `request` carries a credential with every scope in `required`: the one check that
        /// route handlers and MCP tools share.
        pub async fn authorize(
            request: &::codegen_runtime::IncomingRequest,
            bindings: &Bindings,
            required: &[&str],
        ) -> ::core::result::Result<::codegen_runtime::auth::Principal, ::codegen_runtime::ApiError> {
            ::codegen_runtime::auth::authorize(request, &deployment(bindings), &POLICY, required).await
        }
    })
}
