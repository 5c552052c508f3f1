"""Builds the three workers the runtime benchmark compares, each as the modules workerd loads."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .paths import Paths
from .proc import run


@dataclass(frozen=True)
class Module:
    name: str  # the module's name in the workerd config; relative imports resolve against it
    kind: str  # "esModule" or "wasm"
    path: Path


@dataclass(frozen=True)
class Worker:
    name: str
    modules: tuple[Module, ...]
    # The Durable Object class the main module exports, stored in SQLite; None for no Durable Object.
    durable_object: str | None
    # Whether the worker gets the bindings spec/dashboard.yaml declares (KV, Durable Object, assets, vars,
    # secrets); the floor needs none.
    dashboard_bindings: bool
    # A path the worker answers with 200 once it is up.
    ready_path: str = "/api/health"


def cargo_env(paths: Paths) -> dict[str, str]:
    """The environment of every cargo command: scripts/env.sh (sourced by bench/run) plus the benchmark's
    own target directory."""
    return {**os.environ, "CARGO_TARGET_DIR": str(paths.cargo_target)}


def build_ours(paths: Paths, log: Path) -> Worker:
    """The generated worker, release build, exactly as `wrangler deploy` would upload it. A good build is
    also kept aside, for runs made while the worker's sources are mid-edit (see `last_good_ours`)."""
    run(["worker-build", "--release"], log, cwd=paths.tree / "worker", env=cargo_env(paths))
    build = paths.tree / "worker" / "build"
    kept = paths.work / "ours-last-good"
    kept.mkdir(parents=True, exist_ok=True)
    for module in ours_worker(build).modules:
        shutil.copy2(module.path, kept / module.name)
    return ours_worker(build)


def last_good_ours(paths: Paths) -> Worker | None:
    """The last build of ours that succeeded, if any run has made one."""
    kept = paths.work / "ours-last-good"
    worker = ours_worker(kept)
    return worker if all(m.path.exists() for m in worker.modules) else None


def ours_worker(build: Path) -> Worker:
    # worker-build's `index.js` imports the wasm as "./index_bg.wasm"; `worker/shim.mjs` only re-exports it.
    return Worker(
        name="ours",
        modules=(Module("index.js", "esModule", build / "index.js"), Module("index_bg.wasm", "wasm", build / "index_bg.wasm")),
        durable_object="RealtimeSession",
        dashboard_bindings=True,
    )


def build_hono(paths: Paths, log: Path) -> Worker:
    """The seed plan's Hono worker, bundled and minified like worker-build's glue, with the pinned esbuild."""
    out = paths.work / "hono" / "worker.js"
    run([str(paths.esbuild), str(paths.bench / "baselines" / "hono" / "src" / "worker.ts"),
         "--bundle", "--format=esm", "--minify", "--platform=neutral", "--main-fields=module,main",
         "--conditions=workerd,worker,browser", "--external:cloudflare:*", f"--outfile={out}", "--log-level=warning"],
        log, cwd=paths.repo)
    return Worker(name="hono", modules=(Module("worker.js", "esModule", out),),
                  durable_object="RealtimeSession", dashboard_bindings=True)


def floor_worker(paths: Paths) -> Worker:
    """A bare module answering a constant JSON body: what a worker costs before it does anything."""
    source = paths.bench / "baselines" / "floor" / "worker.js"
    return Worker(name="floor", modules=(Module("worker.js", "esModule", source),),
                  durable_object=None, dashboard_bindings=False)
