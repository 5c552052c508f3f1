//! Questions about the worker's environment that generated code asks on hot paths.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(inline_js = r#"
export function bindingsPresent(env, names, present) {
  const list = names.split(",");
  for (let i = 0; i < list.length; i++) present[i] = env[list[i]] === undefined ? 0 : 1;
}
"#)]
extern "C" {
    /// Sets `present[i]` to 1 when `env` has the i-th of the comma-separated `names`, else to 0.
    /// (`present` is a view into wasm memory: JavaScript writes into it in place.)
    #[wasm_bindgen(js_name = bindingsPresent)]
    fn bindings_present(env: &JsValue, names: &str, present: &mut [u8]);
}

/// Which of the `N` comma-joined `names` the environment provides, one flag per name, in order. Generated
/// code passes its declared names joined at generation time (binding names are letters, digits and
/// underscores), so nothing is joined per request.
///
/// `/api/health` checks every declared binding on each request. Asking for each binding from Rust took
/// three calls into JavaScript per binding (make the name a JavaScript string, look it up, test for
/// `undefined`); this is one call for them all.
pub fn present<const N: usize>(env: &worker::Env, names: &str) -> [bool; N] {
    let mut present = [0u8; N];
    bindings_present(env, names, &mut present);
    present.map(|flag| flag != 0)
}
