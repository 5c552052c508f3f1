"""The generator at scale: generation time, generated Rust size and `cargo check` time, for the dashboard
spec and for synthetic specs of growing route counts (bench/gen_specs.py)."""

import re
import shutil
import sys
from pathlib import Path

from .builds import cargo_env
from .paths import Paths
from .proc import BenchError, run
from .stats import summary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gen_specs import synthetic_spec  # noqa: E402  (bench/gen_specs.py is also a command of its own)

# A `cargo check` that needs more than this is reported as over the limit rather than allowed to push the
# shared machine into the OOM killer.
CHECK_MEMORY_LIMIT = 8 * 1024**3
CHECK_TIMEOUT = 600.0


def build_codegen(paths: Paths, log: Path) -> Path:
    run(["cargo", "build", "--release", "-p", "codegen"], log, cwd=paths.tree, env=cargo_env(paths))
    return paths.codegen


def write_spec(paths: Paths, routes: int) -> Path:
    spec = paths.work / "gen" / f"routes-{routes}.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(synthetic_spec(routes, paths.tree / "spec" / "dashboard.yaml"))
    return spec


def generate(paths: Paths, spec: Path, out: Path, log: Path) -> float:
    """One `codegen generate` into an empty directory (so every file is written); wall seconds."""
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    return run([str(paths.codegen), "generate", "--spec", str(spec), "--out", str(out)], log)


def generation_times(paths: Paths, spec: Path, name: str, repeats: int, log: Path) -> tuple[dict, Path]:
    out = paths.work / "gen" / f"out-{name}" / "generated"
    times = [generate(paths, spec, out, log) for _ in range(repeats)]
    return summary(times), out


def rust_size(generated: Path) -> dict:
    files = sorted((generated / "rust").glob("*.rs"))
    data = [f.read_bytes() for f in files]
    return {"kib": sum(map(len, data)) / 1024, "lines": sum(d.count(b"\n") for d in data)}


def route_count(spec: Path) -> int:
    return len(re.findall(r"^\s*- id:", spec.read_text(), re.MULTILINE))


def check_crate(paths: Paths, name: str, spec: Path, log: Path) -> Path:
    """A throwaway crate whose library is the generated module (as codegen/tests/compile.rs makes them)."""
    crate = paths.work / "gen" / f"check-{name}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    run([str(paths.codegen), "generate", "--spec", str(spec), "--out", str(crate / "generated")], log)
    runtime = paths.tree / "codegen" / "runtime"
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
''')
    (crate / "src" / "lib.rs").write_text('#[path = "../generated/rust/mod.rs"]\npub mod api;\n')
    # The workspace's resolved versions, so the check compiles what the worker compiles.
    shutil.copyfile(paths.tree / "Cargo.lock", crate / "Cargo.lock")
    return crate


def check_time(paths: Paths, crate: Path, log: Path) -> float:
    """`cargo check` for wasm32 of the generated crate alone: its dependencies are already checked."""
    (crate / "src" / "lib.rs").touch()
    # Not incremental: every round checks the crate from scratch, rather than replaying the previous round.
    env = {**cargo_env(paths), "CARGO_TARGET_DIR": str(paths.check_target), "CARGO_INCREMENTAL": "0"}
    return run(["cargo", "check", "--quiet", "--target", "wasm32-unknown-unknown"], log, cwd=crate, env=env,
               timeout=CHECK_TIMEOUT, memory_limit=CHECK_MEMORY_LIMIT)


def check_times(paths: Paths, crate: Path, rounds: int, log: Path) -> dict:
    try:
        return summary([check_time(paths, crate, log) for _ in range(rounds)])
    except BenchError as error:
        return {**summary([]), "error": f"over the limits ({CHECK_MEMORY_LIMIT // 1024**3} GiB, "
                                        f"{CHECK_TIMEOUT:.0f} s) or failed: {str(error).splitlines()[0]}"}


def measure(paths: Paths, route_counts: tuple[int, ...], check_routes: tuple[int, ...], repeats: int,
            check_rounds: int, log: Path, say) -> dict:
    say("generator: building codegen (release)")
    build_codegen(paths, log)
    say("generator: spec/dashboard.yaml")
    dashboard_time, dashboard_out = generation_times(paths, paths.tree / "spec" / "dashboard.yaml", "dashboard", repeats, log)
    results = {"dashboard": {"generate_s": dashboard_time, "rust": rust_size(dashboard_out),
                             "routes": route_count(paths.tree / "spec" / "dashboard.yaml")}, "routes": {}}
    warmed = False
    for routes in route_counts:
        say(f"generator: {routes} routes")
        spec = write_spec(paths, routes)
        times, out = generation_times(paths, spec, str(routes), repeats, log)
        entry = {"generate_s": times, "rust": rust_size(out), "check_s": None}
        if routes in check_routes:
            crate = check_crate(paths, str(routes), spec, log)
            if not warmed:
                check_time(paths, crate, log)  # untimed: checks the dependencies once
                warmed = True
            entry["check_s"] = check_times(paths, crate, check_rounds, log)
        results["routes"][str(routes)] = entry
    return results
