# Sourced by the other scripts: the environment every build, server and test runs in.
# It points worker-build at pinned local tools, so nothing is downloaded at build time.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
# Node 22 from the pinned npm package `node` comes first: wrangler needs it, the system's Node is older.
export PATH="$root/node_modules/.bin:$cargo_bin:$PATH"
export WASM_BINDGEN_BIN="$cargo_bin/wasm-bindgen"
export ESBUILD_BIN="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
# Offline by design: no telemetry, no request.cf lookups.
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
