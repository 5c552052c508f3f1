"""Is dispatch cost flat in route count? A release worker for the synthetic N-route spec, whose handlers all
answer canned values, measured on the first and the last resource's list route.

The synthetic resources are zero-padded, so the generator's sorted route order is the spec order: the
first resource's routes come first in the generated dispatch and the last resource's come last.
"""

import re
from pathlib import Path

from .builds import Module, Worker, cargo_env
from .endpoints import Endpoint
from .generator import write_spec
from .load import measure as measure_load, wrk
from .paths import Paths
from .proc import run
from .size import worker_sizes
from .workerd import Server

ROUTES_PER_RESOURCE = 5
# A superset of every synthetic response type's fields (ItemPage, Item, Deleted): serde ignores the rest,
# so one canned value answers every route.
CANNED = ('{"id":"123e4567-e89b-12d3-a456-426614174000","name":"bench","count":1,"tags":[],'
          '"created_at":"2025-11-20T00:00:00Z","items":[],"deleted":true}')


def route_paths(routes: int) -> dict[str, str]:
    last = routes // ROUTES_PER_RESOURCE - 1
    return {"first": "/api/res0000/items", "last": f"/api/res{last:04d}/items"}


def handlers_source(service_rs: str) -> str:
    """An impl of the generated `Service` trait, one canned answer per method. The signatures are copied
    from the generated trait, so the impl follows whatever shape the generator gives them."""
    methods = re.findall(r"async fn (\w+)\((.*?)\)\s*->\s*(.*?);", service_rs, re.S)
    bodies = [f"    async fn {name}({args.replace('super::', 'crate::api::')}) -> "
              f"{ret.replace('super::', 'crate::api::')} {{\n        canned()\n    }}\n" for name, args, ret in methods]
    return f'''//! Written by bench/benchlib/dispatch.py from the generated trait: every route answers a canned value.
#![allow(unused_variables)]

use crate::api::service::{{RequestContext, Service}};

pub struct Bench;

const CANNED: &str = r#"{CANNED}"#;

fn canned<T: serde::de::DeserializeOwned>() -> Result<codegen_runtime::Json<T>, codegen_runtime::ApiError> {{
    serde_json::from_str::<T>(CANNED).map(Into::into).map_err(|error| codegen_runtime::ApiError::internal(error.to_string()))
}}

impl Service for Bench {{
{"".join(bodies)}}}
'''


def release_profile(workspace_manifest: Path) -> str:
    """The workspace's `[profile.release]`, so this worker is optimised exactly as the real one."""
    match = re.search(r"(?ms)^\[profile\.release\]\n.*?(?=^\[|\Z)", workspace_manifest.read_text())
    return match.group(0) if match else ""


def write_crate(paths: Paths, routes: int, log: Path) -> Path:
    crate = paths.work / f"dispatch-{routes}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    spec = write_spec(paths.work, paths.tree, routes)
    run([str(paths.codegen), "generate", "--spec", str(spec), "--out", str(crate / "generated")], log)
    _write_if_changed(crate / "Cargo.toml", f'''[package]
name = "bench-dispatch-{routes}"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

# Its own workspace: this crate lives under the repository's target directory.
[workspace]

[dependencies]
worker = "0.8.7"
codegen-runtime = {{ path = "{paths.tree / 'codegen' / 'runtime'}" }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
schemars = "1"

{release_profile(paths.tree / "Cargo.toml")}
# No wasm-opt: on this ~5 MB module it runs for over ten minutes, and it changes how fast every route is,
# not how the first route compares with the last.
[package.metadata.wasm-pack.profile.release]
wasm-opt = false
''')
    _write_if_changed(crate / "src" / "handlers.rs", handlers_source((crate / "generated" / "rust" / "service.rs").read_text()))
    _write_if_changed(crate / "src" / "lib.rs", '''//! The synthetic-spec worker of the dispatch benchmark.
#[path = "../generated/rust/mod.rs"]
mod api;
mod handlers;

#[worker::event(fetch)]
async fn fetch(request: worker::Request, env: worker::Env, context: worker::Context) -> worker::Result<worker::Response> {
    api::dispatch::handle(&handlers::Bench, request.into(), env, context).await.map(worker::Response::from)
}
''')
    _write_if_changed(crate / "Cargo.lock", (paths.tree / "Cargo.lock").read_text())
    return crate


def _write_if_changed(path: Path, text: str) -> None:
    # An unchanged file keeps its timestamp, so a rerun does not rebuild the worker (minutes, with LTO).
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def build(paths: Paths, routes: int, log: Path) -> Worker:
    crate = write_crate(paths, routes, log)
    run(["worker-build", "--release"], log, cwd=crate, env=cargo_env(paths))
    build_dir = crate / "build"
    return Worker(
        name=f"dispatch-{routes}",
        modules=(Module("index.js", "esModule", build_dir / "index.js"), Module("index_bg.wasm", "wasm", build_dir / "index_bg.wasm")),
        durable_object=None,
        dashboard_bindings=False,
        ready_path=route_paths(routes)["first"],
    )


def measure(paths: Paths, routes: int, date: str, rounds: int, seconds: int, latency_seconds: int,
            concurrencies: tuple[int, ...], log: Path, say) -> dict:
    say(f"dispatch: building the {routes}-route worker (release; minutes the first time)")
    worker = build(paths, routes, log)
    targets = {which: Endpoint(which, "GET", path, 200) for which, path in route_paths(routes).items()}
    rows = []
    with Server(paths, worker, date) as server:
        for endpoint in targets.values():
            wrk(paths, server.port, endpoint, 8, 1)  # warm-up
        for round_index in range(rounds):
            say(f"dispatch round {round_index + 1}/{rounds}")
            order = list(targets.values()) if round_index % 2 == 0 else list(reversed(targets.values()))
            for endpoint in order:
                for connections in concurrencies:
                    result = measure_load(paths, server.port, endpoint, connections, seconds, latency_seconds)
                    rows.append({"round": round_index, "route": endpoint.key, "path": endpoint.path,
                                 "connections": connections, **result.as_dict()})
    return {"routes": routes, "paths": route_paths(routes), "rows": rows, "size": worker_sizes(worker)}
