"""`bench/run [--quick] [--parts …]`: every measurement, then the report. Each part is independent: one that
fails (say the worker does not build right now) is recorded as an error and the others still run."""

import argparse
import json
import os
import sys
import time

from . import dispatch, generator, rebuild, runtime, size, snapshot
from .builds import build_hono, build_ours, floor_worker, last_good_ours
from .environment import record
from .paths import Paths, repository_root
from .proc import BenchError, Progress
from .profile import FULL, QUICK
from .workerd import compatibility_date

PARTS = ("runtime", "size", "generator", "dispatch", "rebuild")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a ~3 minute smoke run of every part (one round, so no spreads)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--check-routes", help="route counts to `cargo check` (default: the profile's)")
    return parser.parse_args(argv)


def build_workers(paths: Paths, results: dict, say) -> list:
    """The workers that built, ours first. When ours does not build (its sources mid-edit), the last good
    build stands in and the report says so; a worker with no build at all is left out."""
    workers, log = [], paths.logs / "build.log"
    for name, build in (("ours", lambda: build_ours(paths, log)), ("hono", lambda: build_hono(paths, log))):
        say(f"building {name}" + (" (worker-build --release; minutes when the worker changed)" if name == "ours" else ""))
        try:
            workers.append(build())
        except BenchError as error:
            results["errors"][f"build {name}"] = str(error)
            fallback = last_good_ours(paths) if name == "ours" else None
            if fallback:
                workers.append(fallback)
                results["ours_from_last_good_build"] = True
                say("  ours did not build; measuring its last good build instead")
            else:
                say(f"  {name} did not build; it is left out of this run")
    return workers + [floor_worker(paths)]


def run_part(name: str, results: dict, say, action) -> None:
    try:
        results[name] = action()
    except BenchError as error:
        results["errors"][name] = str(error)
        say(f"  {name} failed: {str(error).splitlines()[0]}")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    profile = QUICK if args.quick else FULL
    if args.check_routes:
        profile = type(profile)(**{**profile.__dict__, "check_routes": tuple(int(n) for n in args.check_routes.split(","))})
    parts = [p for p in args.parts.split(",") if p]
    if unknown := set(parts) - set(PARTS):
        print(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    paths, say = Paths(repository_root()), Progress()
    paths.logs.mkdir(parents=True, exist_ok=True)
    say(f"{profile.name} run of {', '.join(parts)}; logs in {paths.logs}")
    snapshot.sync(paths.repo, paths.tree)
    results = {"profile": profile.__dict__, "parts": parts, "environment": record(paths), "errors": {}}
    date = compatibility_date(paths.tree / "spec" / "dashboard.yaml")
    results["compatibility_date"] = date

    workers = build_workers(paths, results, say) if {"runtime", "size"} & set(parts) else []
    by_name = {w.name: w for w in workers}
    if "runtime" in parts:
        run_part("throughput", results, say, lambda: runtime.throughput(paths, workers, date, profile, say))
        run_part("cold_start", results, say, lambda: runtime.cold_start(paths, workers, date, profile.cold_start_repeats, say))
    if "size" in parts:
        run_part("size", results, say, lambda: measure_sizes(paths, by_name))
    if "generator" in parts:
        run_part("generator", results, say, lambda: generator.measure(
            paths, profile.route_counts, profile.check_routes, profile.generation_repeats, profile.check_rounds,
            paths.logs / "generator.log", say))
    if "dispatch" in parts:
        run_part("dispatch", results, say, lambda: measure_dispatch(paths, profile, date, say))
    if "rebuild" in parts:
        run_part("rebuild", results, say, lambda: rebuild.measure(paths, profile.rebuild_rounds, paths.logs / "rebuild.log", say))

    results["environment"]["load_average_at_end"] = os.getloadavg()[0]
    results["duration_s"] = time.perf_counter() - say.started
    return write_and_report(paths, results, say)


def measure_sizes(paths: Paths, workers: dict) -> dict:
    sizes = {name: size.worker_sizes(worker) for name, worker in workers.items()}
    if "ours" in workers:
        sizes["wrangler_dry_run"] = size.wrangler_dry_run(paths, paths.logs / "wrangler.log")
    return sizes


def measure_dispatch(paths: Paths, profile, date: str, say) -> dict:
    log = paths.logs / "dispatch.log"
    # The generator part builds codegen; a run of `--parts dispatch` alone has to build it here.
    generator.build_codegen(paths, log)
    return dispatch.measure(paths, profile.dispatch_routes, date, profile.dispatch_rounds, profile.load_seconds,
                            profile.latency_seconds, profile.concurrencies, log, say)


def write_and_report(paths: Paths, results: dict, say) -> int:
    paths.results.mkdir(parents=True, exist_ok=True)
    raw = paths.results / "results.json"
    raw.write_text(json.dumps(results, indent=2) + "\n")
    sys.path.insert(0, str(paths.bench))
    import report  # bench/report.py, also a command of its own

    report.write(results, paths.results)
    say(f"wrote {paths.results / 'report.md'}")
    for part, error in results["errors"].items():
        say(f"  not measured: {part}: {error.splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
