"""The generator at scale: generation time, generated Rust size and `cargo check` time, for the dashboard
spec and for synthetic specs of growing route counts (bench/gen_specs.py)."""

import os
import re
import shutil
import sys
from pathlib import Path

from .builds import cargo_env
from .paths import Paths
from .proc import BenchError, measured, run
from .stats import summary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gen_specs import synthetic_spec  # noqa: E402  (bench/gen_specs.py is also a command of its own)

# A `cargo check` that needs more than this is reported as over the limit rather than allowed to push the
# shared machine into the OOM killer. The limit is on address space, which runs ahead of resident memory:
# the 5,000-route check peaks at about 7 GB resident.
CHECK_MEMORY_LIMIT = 12 * 1024**3
CHECK_TIMEOUT = 900.0


def build_codegen(paths: Paths, log: Path) -> Path:
    run(["cargo", "build", "--release", "-p", "codegen"], log, cwd=paths.tree, env=cargo_env(paths))
    return paths.codegen


def write_spec(work: Path, tree: Path, routes: int) -> Path:
    spec = work / "gen" / f"routes-{routes}.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(synthetic_spec(routes, tree / "spec" / "dashboard.yaml"))
    return spec


def generate(codegen: Path, spec: Path, out: Path, log: Path) -> dict:
    """One `codegen generate` into an empty directory (so every file is written): wall and CPU seconds."""
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    return measured([str(codegen), "generate", "--spec", str(spec), "--out", str(out)], log)


def generation_times(codegen: Path, spec: Path, out: Path, repeats: int, log: Path) -> dict:
    runs = [generate(codegen, spec, out, log) for _ in range(repeats)]
    return {"generate_s": summary([r["wall_s"] for r in runs]), "generate_cpu_s": summary([r["cpu_s"] for r in runs])}


def rust_size(generated: Path) -> dict:
    files = sorted((generated / "rust").glob("*.rs"))
    data = [f.read_bytes() for f in files]
    return {"kib": sum(map(len, data)) / 1024, "lines": sum(d.count(b"\n") for d in data)}


def route_count(spec: Path) -> int:
    return len(re.findall(r"^\s*- id:", spec.read_text(), re.MULTILINE))


def check_crate(work: Path, codegen: Path, tree: Path, name: str, spec: Path, log: Path) -> Path:
    """A throwaway crate whose library is the generated module (as codegen/tests/compile.rs makes them), built
    against the runtime crate of `tree` and with its workspace's profile settings (proc macros' optimisation
    changes how long their expansion takes)."""
    crate = work / "gen" / f"check-{name}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    run([str(codegen), "generate", "--spec", str(spec), "--out", str(crate / "generated")], log)
    runtime = tree / "codegen" / "runtime"
    (crate / "Cargo.toml").write_text(f'''[package]
name = "bench-generated-{name}"
version = "0.0.0"
edition = "2021"
publish = false

# Its own workspace: this crate lives under the repository's target directory.
[workspace]

[dependencies]
worker = "0.8.7"
codegen-runtime = {{ path = "{runtime}" }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
schemars = "1"

{dev_build_override(tree / "Cargo.toml")}
''')
    (crate / "src" / "lib.rs").write_text('#[path = "../generated/rust/mod.rs"]\npub mod api;\n')
    # The workspace's resolved versions, so the check compiles what the worker compiles.
    shutil.copyfile(tree / "Cargo.lock", crate / "Cargo.lock")
    return crate


def dev_build_override(workspace_manifest: Path) -> str:
    """The workspace's `[profile.dev.build-override]`, if it has one."""
    match = re.search(r"(?ms)^\[profile\.dev\.build-override\]\n.*?(?=^\[|\Z)", workspace_manifest.read_text())
    return match.group(0) if match else ""


def check_time(check_target: Path, crate: Path, log: Path) -> dict:
    """`cargo check` for wasm32 of the generated crate alone: its dependencies are already checked."""
    (crate / "src" / "lib.rs").touch()
    # Not incremental: every round checks the crate from scratch, rather than replaying the previous round.
    env = {**os.environ, "CARGO_TARGET_DIR": str(check_target), "CARGO_INCREMENTAL": "0"}
    return measured(["cargo", "check", "--quiet", "--target", "wasm32-unknown-unknown"], log, cwd=crate, env=env,
                    timeout=CHECK_TIMEOUT, memory_limit=CHECK_MEMORY_LIMIT)


def check_times(check_target: Path, crate: Path, rounds: int, log: Path) -> dict:
    try:
        runs = [check_time(check_target, crate, log) for _ in range(rounds)]
    except BenchError as error:
        return {"check_s": {**summary([]), "error": f"over the limits ({CHECK_MEMORY_LIMIT // 1024**3} GiB, "
                                                    f"{CHECK_TIMEOUT:.0f} s) or failed: {str(error).splitlines()[0]}"}}
    return {"check_s": summary([r["wall_s"] for r in runs]), "check_cpu_s": summary([r["cpu_s"] for r in runs]),
            "check_max_rss_mib": summary([r["max_rss_mib"] for r in runs])}


def measure_tree(work: Path, codegen: Path, tree: Path, route_counts: tuple[int, ...], check_routes: tuple[int, ...],
                 repeats: int, check_rounds: int, check_target: Path, log: Path, say) -> dict:
    """Every generator measurement for the sources in `tree`, whose release codegen binary is `codegen`."""
    say("generator: spec/dashboard.yaml")
    spec = tree / "spec" / "dashboard.yaml"
    out = work / "gen" / "out-dashboard" / "generated"
    results = {"dashboard": {**generation_times(codegen, spec, out, repeats, log), "rust": rust_size(out),
                             "routes": route_count(spec)}, "routes": {}}
    warmed = False
    for routes in route_counts:
        say(f"generator: {routes} routes")
        spec = write_spec(work, tree, routes)
        out = work / "gen" / f"out-{routes}" / "generated"
        entry = {**generation_times(codegen, spec, out, repeats, log), "rust": rust_size(out), "check_s": None}
        if routes in check_routes:
            crate = check_crate(work, codegen, tree, str(routes), spec, log)
            if not warmed:
                check_time(check_target, crate, log)  # untimed: checks the dependencies once
                warmed = True
            say(f"generator: cargo check of {routes} routes")
            entry.update(check_times(check_target, crate, check_rounds, log))
        results["routes"][str(routes)] = entry
    return results


def measure(paths: Paths, route_counts: tuple[int, ...], check_routes: tuple[int, ...], repeats: int,
            check_rounds: int, log: Path, say) -> dict:
    say("generator: building codegen (release)")
    codegen = build_codegen(paths, log)
    return measure_tree(paths.work, codegen, paths.tree, route_counts, check_routes, repeats, check_rounds,
                        paths.check_target, log, say)
