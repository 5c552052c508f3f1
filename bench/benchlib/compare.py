"""`bench/compare REV REV… [--part runtime|generator] [--record NAME --change TEXT]`: the same measurements
for several git revisions of this repository side by side, in one run, so that what a change bought is
measured rather than remembered.

Each revision is exported with `git archive` under `target/bench/revs/` (`worktree` means the working tree, as
`bench/run` snapshots it) and built there like `bench/run` builds it. The runtime part runs ours at every
revision and the floor as `bench/run` does (each measurement in slices interleaved across the workers); the
generator part times `codegen generate` (wall and CPU) and `cargo check` of the generated code with each
revision's own generator, runtime crate and profiles.

With `--record NAME`, the results also go to `bench/optimisations/NAME.json`, which `bench/report.py` lists in
the report's "What each optimisation bought" section.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from . import generator, runtime, snapshot
from .builds import Worker, cargo_env, floor_worker, ours_worker
from .endpoints import ENDPOINTS
from .environment import record
from .paths import Paths, repository_root
from .proc import BenchError, Progress, run
from .profile import FULL
from .stats import ratio_summary, summary
from .workerd import compatibility_date


@dataclass(frozen=True)
class Revision:
    label: str  # as given on the command line
    commit: str  # the full commit, or "worktree"
    tree: Path
    subject: str = ""  # the commit's first line


def export(paths: Paths, label: str) -> Revision:
    """The sources of `label` under target/bench/revs/, exported once and reused."""
    if label == "worktree":
        return Revision(label, "worktree", snapshot.sync(paths.repo, paths.tree))
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{label}^{{commit}}"], cwd=paths.repo,
                            capture_output=True, text=True)
    if commit.returncode != 0:
        raise BenchError(f"`{label}` is not a revision of this repository")
    commit = commit.stdout.strip()
    tree = paths.work / "revs" / commit[:12]
    if not (tree / "Cargo.toml").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", commit], cwd=paths.repo, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise BenchError(f"git archive {commit} failed")
    subject = subprocess.run(["git", "log", "-1", "--format=%s", commit], cwd=paths.repo, capture_output=True,
                             text=True).stdout.strip()
    return Revision(label, commit, tree, subject)


def compare_target(paths: Paths) -> Path:
    """The cargo target directory of every revision built here, apart from `bench/run`'s."""
    return paths.work / "compare-cargo"


def fresh_sources(revision: Revision) -> None:
    """Marks every source of `revision` as just written. Cargo names a workspace crate's build by its path
    within the workspace, so every revision's crates share one name in the shared target directory, and
    cargo decides what to rebuild by file times: without this, the build left by another revision would
    look up to date."""
    now = None
    for path in revision.tree.rglob("*"):
        if path.is_file() and "target" not in path.relative_to(revision.tree).parts[:1]:
            os.utime(path, now)


def revision_env(paths: Paths) -> dict[str, str]:
    return {**cargo_env(paths), "CARGO_TARGET_DIR": str(compare_target(paths))}


def build_worker(paths: Paths, revision: Revision, log: Path) -> Worker:
    fresh_sources(revision)
    run(["worker-build", "--release"], log, cwd=revision.tree / "worker", env=revision_env(paths))
    worker = ours_worker(revision.tree)
    return replace(worker, name=f"ours@{revision.label}")


def build_codegen(paths: Paths, revision: Revision, log: Path) -> Path:
    """The revision's release generator, kept beside its sources (the next revision's build replaces the
    binary in the target directory)."""
    fresh_sources(revision)
    run(["cargo", "build", "--release", "-p", "codegen"], log, cwd=revision.tree, env=revision_env(paths))
    kept = revision.tree / "codegen-release"
    shutil.copy2(compare_target(paths) / "release" / "codegen", kept)
    return kept


def compare_runtime(paths: Paths, revisions: list[Revision], args, say) -> dict:
    log = paths.logs / "compare.log"
    workers = []
    for revision in revisions:
        say(f"building ours at {revision.label} (worker-build --release)")
        workers.append(build_worker(paths, revision, log))
    workers.append(floor_worker(paths))
    date = compatibility_date(paths.repo / "spec" / "dashboard.yaml")
    endpoints = tuple(e for e in ENDPOINTS if e.key in args.endpoints.split(","))
    profile = replace(FULL, rounds=args.rounds, load_seconds=args.seconds,
                      concurrencies=tuple(int(c) for c in args.concurrency.split(",")))
    rows = runtime.measure_rounds(paths, workers, date, profile, say, endpoints)[0]
    cold = runtime.cold_start(paths, workers, date, args.cold_starts, say) if args.cold_starts else {}
    sizes = {w.name: {m.name: m.path.stat().st_size / 1024 for m in w.modules} for w in workers}
    return {"rows": rows, "cold_start": cold, "sizes_kib": sizes, "endpoints": [e.key for e in endpoints],
            "concurrencies": list(profile.concurrencies)}


def compare_generator(paths: Paths, revisions: list[Revision], args, say) -> dict:
    """Every revision's generator on the same specs, interleaved: each round generates (or checks) once with
    every revision in turn, so a change in the machine's load falls on all of them alike."""
    log = paths.logs / "compare.log"
    routes = tuple(int(n) for n in args.routes.split(",")) if args.routes else ()
    check = tuple(int(n) for n in args.check_routes.split(",")) if args.check_routes else ()
    codegens = {}
    for revision in revisions:
        say(f"generator at {revision.label}: building codegen (release)")
        codegens[revision.label] = build_codegen(paths, revision, log)
    work = {r.label: paths.work / "revs" / f"gen-{r.commit[:12]}" for r in revisions}
    specs = {"dashboard": {r.label: r.tree / "spec" / "dashboard.yaml" for r in revisions}}
    for n in routes:
        specs[str(n)] = {r.label: generator.write_spec(work[r.label], r.tree, n) for r in revisions}
    out = {r.label: {"dashboard": {}, "routes": {}} for r in revisions}
    for name, spec_of in specs.items():
        say(f"generating {name}")
        runs = {r.label: [] for r in revisions}
        dirs = {r.label: work[r.label] / "gen" / f"out-{name}" / "generated" for r in revisions}
        for _ in range(args.repeats):
            for r in revisions:
                runs[r.label].append(generator.generate(codegens[r.label], spec_of[r.label], dirs[r.label], log))
        for r in revisions:
            entry = {"generate_s": summary([x["wall_s"] for x in runs[r.label]]),
                     "generate_cpu_s": summary([x["cpu_s"] for x in runs[r.label]]),
                     "rust": generator.rust_size(dirs[r.label]), "check_s": None}
            if name == "dashboard":
                out[r.label]["dashboard"] = entry
            else:
                out[r.label]["routes"][name] = entry
    for n in check:
        say(f"cargo check of {n} routes")
        # Each revision checks in a directory of its own: the generated crates of every revision have the
        # same name. The first check of each is untimed: it checks the dependencies.
        crates = {r.label: generator.check_crate(work[r.label], codegens[r.label], r.tree, str(n),
                                                 generator.write_spec(work[r.label], r.tree, n), log)
                  for r in revisions}
        targets = {r.label: work[r.label] / "check" for r in revisions}
        for r in revisions:
            if not (targets[r.label] / "wasm32-unknown-unknown").exists():
                generator.check_time(targets[r.label], crates[r.label], log)
        runs = {r.label: [] for r in revisions}
        for _ in range(args.check_rounds):
            for r in revisions:
                runs[r.label].append(generator.check_time(targets[r.label], crates[r.label], log))
        for r in revisions:
            entry = out[r.label]["routes"].setdefault(str(n), {})
            entry.update({"check_s": summary([x["wall_s"] for x in runs[r.label]]),
                          "check_cpu_s": summary([x["cpu_s"] for x in runs[r.label]]),
                          "check_max_rss_mib": summary([x["max_rss_mib"] for x in runs[r.label]])})
    return out


def runtime_table(result: dict, labels: list[str]) -> list[str]:
    """Each later revision against the first, round by round: req/s, p99 and CPU-per-request ratios."""
    rows, base = result["rows"], f"ours@{labels[0]}"
    lines = []
    for label in labels[1:]:
        name = f"ours@{label}"
        lines += [f"{name} vs {base}",
                  "| endpoint | conc. | req/s ratio | p99 ratio | CPU/request ratio | req/s | vs floor |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for endpoint in result["endpoints"]:
            for c in result["concurrencies"]:
                def series(worker, field, key=endpoint):
                    return [r.get(field) for r in sorted(rows, key=lambda r: r["round"])
                            if r["worker"] == worker and r["endpoint"] == key and r["connections"] == c]
                rps = ratio_summary(series(name, "rps"), series(base, "rps"))
                p99 = ratio_summary(series(name, "p99_ms"), series(base, "p99_ms"))
                cpu = ratio_summary(series(name, "cpu_us_per_request"), series(base, "cpu_us_per_request"))
                floor = ratio_summary(series(name, "rps"), series("floor", "rps", "health"))
                lines.append(f"| {endpoint} | {c} | {rps['median']:.2f} | {p99['median']:.2f} | "
                             f"{cpu['median'] or 0:.2f} | "
                             f"{summary(series(name, 'rps'))['median']:.0f} | {floor['median'] or 0:.2f} |")
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revisions", nargs="+", help="git revisions, or `worktree`; the first is the baseline")
    parser.add_argument("--part", choices=("runtime", "generator"), default="runtime")
    parser.add_argument("--endpoints", default=",".join(e.key for e in ENDPOINTS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--cold-starts", type=int, default=0, help="cold starts per worker (runtime part)")
    parser.add_argument("--routes", default="", help="synthetic route counts to generate (generator part)")
    parser.add_argument("--check-routes", default="", help="route counts to `cargo check` (generator part)")
    parser.add_argument("--repeats", type=int, default=5, help="generations per spec")
    parser.add_argument("--check-rounds", type=int, default=1)
    parser.add_argument("--record", help="also write bench/optimisations/RECORD.json")
    parser.add_argument("--change", help="what the later revisions changed, for the record")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.record and not args.change:
        print("--record needs --change TEXT", file=sys.stderr)
        return 2
    paths = Paths(repository_root())
    paths.logs.mkdir(parents=True, exist_ok=True)
    say = Progress()
    revisions = [export(paths, label) for label in args.revisions]
    environment = record(paths)
    if args.part == "runtime":
        result = compare_runtime(paths, revisions, args, say)
        print("\n".join(runtime_table(result, [r.label for r in revisions])))
    else:
        result = compare_generator(paths, revisions, args, say)
        print(json.dumps({label: summarise_generator(r) for label, r in result.items()}, indent=1))
    environment["load_average_at_end"] = os.getloadavg()[0]
    document = {
        "change": args.change,
        "part": args.part,
        "command": "bench/compare " + " ".join(argv),
        "revisions": [{"label": r.label, "commit": r.commit, "subject": r.subject} for r in revisions],
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "environment": environment,
        "result": result,
    }
    paths.results.mkdir(parents=True, exist_ok=True)
    (paths.results / "compare.json").write_text(json.dumps(document, indent=1) + "\n")
    if args.record:
        target = paths.bench / "optimisations" / f"{args.record}.json"
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(document, indent=1) + "\n")
        say(f"recorded {target}")
    return 0


def summarise_generator(result: dict) -> dict:
    """Medians only, for the terminal."""
    def medians(entry: dict) -> dict:
        return {k: v["median"] for k, v in entry.items() if isinstance(v, dict) and "median" in v}
    return {"dashboard": medians(result["dashboard"]),
            **{routes: medians(entry) for routes, entry in result["routes"].items()}}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
