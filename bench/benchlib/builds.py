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
    kept = paths.work / "ours-last-good"
    for module in ours_worker(paths.tree).modules:
        (kept / module.name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module.path, kept / module.name)
    return ours_worker(paths.tree)


def build_ours_with_names(paths: Paths, log: Path) -> Worker:
    """Ours as `build_ours` makes it, except that the wasm keeps its function names (no `strip`, and
    wasm-opt run with `-g`), so a CPU profile names Rust functions instead of `wasm-function[N]`. It builds
    in a target directory of its own, leaving the benchmark's compiled crates as they are; the next
    `build_ours` writes the benchmark's build back."""
    wasm_opt = paths.work / "wasm-opt-keeping-names"
    wasm_opt.parent.mkdir(parents=True, exist_ok=True)
    wasm_opt.write_text(f'#!/bin/sh\nexec "{os.environ["WASM_OPT_BIN"]}" -g "$@"\n')
    wasm_opt.chmod(0o755)
    env = {**cargo_env(paths), "CARGO_TARGET_DIR": str(paths.work / "cargo-with-names"),
           "CARGO_PROFILE_RELEASE_STRIP": "false", "WASM_OPT_BIN": str(wasm_opt)}
    run(["worker-build", "--release"], log, cwd=paths.tree / "worker", env=env)
    return ours_worker(paths.tree)


def last_good_ours(paths: Paths) -> Worker | None:
    """The last build of ours that succeeded, if any run has made one."""
    kept = paths.work / "ours-last-good"
    worker = ours_worker(kept)
    return worker if all(m.path.exists() for m in worker.modules) else None


def ours_worker(root: Path) -> Worker:
    """Ours as wrangler uploads it, from a tree holding `generated/` and the worker's `build/`: the generated
    entry module (`generated/worker-entry.mjs`), which imports `worker-build`'s `index.js`, which imports
    its wasm. Module names are the paths from `root`, so the relative imports resolve in workerd as on disk.
    Revisions from before the entry module start at `index.js` itself."""
    build = [Module("worker/build/index.js", "esModule", root / "worker" / "build" / "index.js"),
             Module("worker/build/index_bg.wasm", "wasm", root / "worker" / "build" / "index_bg.wasm")]
    entry = root / "generated" / "worker-entry.mjs"
    modules = [Module("generated/worker-entry.mjs", "esModule", entry)] if entry.exists() else []
    return Worker(
        name="ours",
        modules=tuple(modules + build),
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
