//! `test_flows.rs`: the spec's test flows as code the worker runs: the MCP steps of each workflow, the
//! protocol version and step timeout, and the endpoint rules of each environment.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{McpMethod, Model, TestFlows};
use crate::naming::pascal_case;

pub fn render(model: &Model) -> Option<TokenStream> {
    let flows = model.test_flows.as_ref()?;
    let workflow_type = format_ident!("{}", flows.workflow_type);
    let protocol_version = &flows.protocol_version;
    let timeout = proc_macro2::Literal::u32_unsuffixed(flows.step_timeout_seconds);
    let step_enum = step_enum();
    let workflow_arms = flows.workflows.iter().map(|workflow| {
        let variant = format_ident!("{}", pascal_case(&workflow.name));
        let steps = workflow.steps.iter().map(|step| step_variant(*step));
        quote!(#workflow_type::#variant => &[#(McpStep::#steps),*],)
    });
    let rules_arms = rules_arms(flows);
    Some(quote! {
        //! Diagnostic test flows declared in the spec: the MCP steps each workflow calls, and which
        //! endpoints each environment lets a flow reach.

        use super::bindings::Environment;
        use super::types::#workflow_type;

        /// The MCP protocol version a flow offers in `initialize`.
        pub const PROTOCOL_VERSION: &str = #protocol_version;

        /// How long one step may take before it fails.
        pub const STEP_TIMEOUT: ::core::time::Duration = ::core::time::Duration::from_secs(#timeout);

        #step_enum

        /// The steps `workflow` calls, in order; each is one request (or notification) to the endpoint.
        pub fn steps(workflow: #workflow_type) -> &'static [McpStep] {
            match workflow {
                #(#workflow_arms)*
            }
        }

        /// Which endpoints a flow may reach. Link-local, unspecified, multicast and reserved addresses are
        /// never reachable, whatever the rules say.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct EndpointRules {
            /// URL schemes a flow may use.
            pub schemes: &'static [&'static str],
            /// Whether loopback addresses and `localhost` names are reachable.
            pub allow_loopback: bool,
            /// Whether private-network addresses are reachable.
            pub allow_private: bool,
        }

        /// The endpoint rules of `environment`.
        pub fn endpoint_rules(environment: Environment) -> EndpointRules {
            match environment {
                #(#rules_arms)*
            }
        }
    })
}

/// Every method a step may call, used or not, so the worker's code handles each whatever the spec uses.
fn step_enum() -> TokenStream {
    let variants: Vec<_> = McpMethod::ALL.iter().map(|method| step_variant(*method)).collect();
    let names: Vec<_> = McpMethod::ALL.iter().map(|method| method.as_str()).collect();
    let notifications = McpMethod::ALL.iter().filter(|method| method.is_notification()).map(|m| step_variant(*m));
    quote! {
        /// An MCP method a test-flow step calls.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum McpStep {
            #(#variants,)*
        }

        impl McpStep {
            /// The JSON-RPC method name.
            pub fn method(self) -> &'static str {
                match self {
                    #(Self::#variants => #names,)*
                }
            }

            /// A notification is sent without an id and gets no JSON-RPC answer.
            pub fn is_notification(self) -> bool {
                matches!(self, #(Self::#notifications)|*)
            }
        }
    }
}

fn step_variant(method: McpMethod) -> proc_macro2::Ident {
    format_ident!("{}", format!("{method:?}"))
}

fn rules_arms(flows: &TestFlows) -> Vec<TokenStream> {
    flows
        .endpoints
        .iter()
        .map(|(environment, rules)| {
            let variant = format_ident!("{}", pascal_case(environment));
            let schemes = rules.schemes.iter().map(|scheme| scheme.as_str());
            let (allow_loopback, allow_private) = (rules.allow_loopback, rules.allow_private);
            quote! {
                Environment::#variant => EndpointRules {
                    schemes: &[#(#schemes),*],
                    allow_loopback: #allow_loopback,
                    allow_private: #allow_private,
                },
            }
        })
        .collect()
}
