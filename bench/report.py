#!/usr/bin/env python3
"""Turns bench/results/results.json into bench/results/report.md and its plots.

Every timing is shown as a ratio against a baseline measured in the same run (median over rounds, with the
min–max range); absolute numbers follow in their own tables, for information only. Each target is printed
with whether it holds; nothing here fails on a timing.

    python3 bench/report.py [bench/results/results.json]
"""

import json
import statistics
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

HOLDS, FAILS, UNKNOWN = "✅", "❌", "—"


# --- numbers ------------------------------------------------------------------------------------------------

def fmt(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def fmt_summary(s: dict | None, digits: int = 2, scale: float = 1.0) -> str:
    """`median (min–max)`, or just the median when there was one sample."""
    if not s or s.get("median") is None:
        return "—"
    median = fmt(s["median"] * scale, digits)
    if s["n"] < 2:
        return median
    return f"{median} ({fmt(s['min'] * scale, digits)}–{fmt(s['max'] * scale, digits)})"


def summary(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def verdict(holds: bool | None) -> str:
    return UNKNOWN if holds is None else (HOLDS if holds else FAILS)


# --- runtime ------------------------------------------------------------------------------------------------

def by_round(rows: list[dict], worker: str, endpoint: str, connections: int, field: str) -> dict[int, float]:
    return {r["round"]: r[field] for r in rows
            if r["worker"] == worker and r["endpoint"] == endpoint and r["connections"] == connections
            and r.get(field) is not None}


def round_ratios(rows: list[dict], num: tuple, den: tuple, connections: int, field: str) -> dict:
    """Ratio of two workers' values round by round (same round, same machine load), then summarised."""
    a = by_round(rows, *num, connections, field)
    b = by_round(rows, *den, connections, field)
    return summary([a[r] / b[r] for r in a if r in b and b[r]])


def runtime_ratios(throughput: dict, connections: tuple[int, ...]) -> list[dict]:
    """One row per endpoint and concurrency: ours/Hono for req/s, p99 and CPU per request, ours/floor for
    req/s."""
    rows = throughput["rows"]
    out = []
    for endpoint in throughput["endpoints"]:
        for c in connections:
            out.append({
                "endpoint": endpoint,
                "connections": c,
                "rps_vs_hono": round_ratios(rows, ("ours", endpoint), ("hono", endpoint), c, "rps"),
                "p99_vs_hono": round_ratios(rows, ("ours", endpoint), ("hono", endpoint), c, "p99_ms"),
                "cpu_vs_hono": round_ratios(rows, ("ours", endpoint), ("hono", endpoint), c, "cpu_us_per_request"),
                # The floor answers every path with the same constant; it was measured on /api/health.
                "rps_vs_floor": round_ratios(rows, ("ours", endpoint), ("floor", "health"), c, "rps"),
            })
    return out


def ratio_table(ratios: list[dict], requests: dict) -> list[str]:
    lines = ["| endpoint | request | conc. | ours/Hono req/s | ours/Hono p99 | ours/Hono CPU per request | ours/floor req/s |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in ratios:
        cpu = r.get("cpu_vs_hono") or summary([])
        cpu_text = "—" if cpu["median"] is None else f"{fmt_summary(cpu)}×"
        lines.append(f"| {r['endpoint']} | `{requests.get(r['endpoint'], '')}` | {r['connections']} | "
                     f"{fmt_summary(r['rps_vs_hono'])}× | {fmt_summary(r['p99_vs_hono'])}× | {cpu_text} | "
                     f"{fmt_summary(r['rps_vs_floor'])}× |")
    return lines


def absolute_table(throughput: dict) -> list[str]:
    lines = ["| worker | endpoint | conc. | req/s | p50 ms | p99 ms | wrk's corrected p99 ms | CPU µs/request | errors |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    rows = throughput["rows"]
    keys = sorted({(r["worker"], r["endpoint"], r["connections"]) for r in rows},
                  key=lambda k: (["ours", "hono", "floor"].index(k[0]) if k[0] in ("ours", "hono", "floor") else 9,
                                 throughput["endpoints"].index(k[1]) if k[1] in throughput["endpoints"] else 99, k[2]))
    for worker, endpoint, c in keys:
        sel = [r for r in rows if (r["worker"], r["endpoint"], r["connections"]) == (worker, endpoint, c)]
        lines.append(f"| {worker} | {endpoint} | {c} | {fmt_summary(summary([r['rps'] for r in sel]), 0)} | "
                     f"{fmt_summary(summary([r['p50_ms'] for r in sel]))} | {fmt_summary(summary([r['p99_ms'] for r in sel]))} | "
                     f"{fmt_summary(summary([r.get('wrk_corrected_p99_ms') for r in sel]))} | "
                     f"{fmt_summary(summary([r.get('cpu_us_per_request') for r in sel]), 0)} | "
                     f"{sum(r['errors'] for r in sel)} |")
    return lines


# --- targets ------------------------------------------------------------------------------------------------

def meets(median: float, target: float, at_least: bool) -> bool:
    return median >= target if at_least else median <= target


def fmt_against(ratio: dict, holds: bool) -> str:
    """A ratio judged against a target: three digits where it misses, so that 0.993 does not read as 1.00."""
    return fmt_summary(ratio, 2 if holds else 3)


def every_endpoint_target(name: str, ratios: list[dict], key: str, target: float, at_least: bool, missing: str,
                          complete: bool) -> tuple[str, str, bool | None]:
    """A target each endpoint and concurrency must meet: names every pair whose median misses, worst first,
    or else the closest one."""
    measured = [r for r in ratios if r[key]["median"] is not None]
    if not measured:
        return (name, "not measured", None)
    missed = sorted((r for r in measured if not meets(r[key]["median"], target, at_least)),
                    key=lambda r: r[key]["median"], reverse=not at_least)
    if missed:
        text = "misses on " + "; ".join(f"{r['endpoint']}, c={r['connections']}: {fmt_against(r[key], False)}×"
                                        for r in missed)
    else:
        closest = (min if at_least else max)(measured, key=lambda r: r[key]["median"])
        text = (f"{'lowest' if at_least else 'highest'} {fmt_against(closest[key], True)}× "
                f"({closest['endpoint']}, c={closest['connections']})")
    return (name, text + missing, not missed and complete)


def runtime_targets(ratios: list[dict], expected_rows: int) -> list[tuple[str, str, bool | None]]:
    """A target "on every endpoint" cannot hold while some endpoint went unmeasured. Each lists the pairs whose
    median misses, with the range over rounds: a range that crosses the target missed in some rounds only."""
    measured = sum(1 for r in ratios if r["rps_vs_hono"]["median"] is not None)
    complete = measured == expected_rows
    missing = "" if complete else f"; only {measured} of {expected_rows} endpoint/concurrency pairs measured"
    health = [(r["connections"], r["rps_vs_floor"], meets(r["rps_vs_floor"]["median"], 0.8, True))
              for r in ratios if r["endpoint"] == "health" and r["rps_vs_floor"]["median"] is not None]
    return [
        every_endpoint_target("Ours ≥ 1.0× Hono req/s on every endpoint", ratios, "rps_vs_hono", 1.0, True,
                              missing, complete),
        every_endpoint_target("Ours p99 ≤ Hono's on every endpoint", ratios, "p99_vs_hono", 1.0, False,
                              missing, complete),
        ("Ours ≥ 0.8× the floor's req/s on /api/health",
         ", ".join(f"c={c}: {fmt_against(ratio, holds)}×" for c, ratio, holds in health) or "not measured",
         None if not health else all(holds for *_, holds in health)),
    ]


def size_target(size: dict | None) -> tuple[str, str, bool | None]:
    ours = (size or {}).get("ours")
    if not ours:
        return ("Gzipped wasm + glue ≤ 400 KiB", "not measured", None)
    total = ours["total_gzip_kib"]
    return ("Gzipped wasm + glue ≤ 400 KiB", f"{fmt(total, 1)} KiB", total <= 400)


def cold_start_target(cold: dict | None) -> tuple[str, str, bool | None]:
    if not cold or "ours" not in cold or not cold.get("floor", {}).get("median"):
        return ("Cold start ≤ 2× the floor's", "not measured", None)
    ratio = cold["ours"]["median"] / cold["floor"]["median"]
    return ("Cold start ≤ 2× the floor's", f"{fmt(ratio)}× ({fmt(cold['ours']['median'] * 1000, 0)} ms vs "
            f"{fmt(cold['floor']['median'] * 1000, 0)} ms)", ratio <= 2.0)


def generator_targets(gen: dict | None) -> list[tuple[str, str, bool | None]]:
    if not gen:
        return [("Dashboard spec generated in < 50 ms", "not measured", None),
                ("5,000 routes generated in < 2 s", "not measured", None),
                ("Generation time grows linearly", "not measured", None)]
    dashboard = gen["dashboard"]["generate_s"]["median"]
    routes = gen["routes"]
    t5000 = routes.get("5000", {}).get("generate_s", {}).get("median")
    t1000 = routes.get("1000", {}).get("generate_s", {}).get("median")
    growth = t5000 / t1000 if t5000 and t1000 else None
    return [
        ("Dashboard spec generated in < 50 ms", f"{fmt(dashboard * 1000, 1)} ms", dashboard < 0.050),
        ("5,000 routes generated in < 2 s", f"{fmt(t5000)} s" if t5000 else "not measured",
         None if t5000 is None else t5000 < 2.0),
        # Linear: 5× the routes in at most 5 × 1.25 the time (a quarter's slack for noise and fixed costs).
        ("Generation time grows linearly (t(5,000)/t(1,000) ≤ 6.25; 5 is linear)",
         f"{fmt(growth)}" if growth else "not measured", None if growth is None else growth <= 6.25),
    ]


def rebuild_targets(rebuild: dict | None) -> list[tuple[str, str, bool | None]]:
    if not rebuild:
        return [("Spec-edit rebuild ≤ 1.2× a handler-edit rebuild", "not measured", None),
                ("A no-op build runs no code generation", "not measured", None)]
    ratio = rebuild["spec_over_handler"]["median"]
    return [
        ("Spec-edit rebuild ≤ 1.2× a handler-edit rebuild", f"{fmt_summary(rebuild['spec_over_handler'])}×",
         None if ratio is None else ratio <= 1.2),
        ("A no-op build runs no code generation", "codegen ran" if rebuild["noop_ran_codegen"] else "no codegen",
         not rebuild["noop_ran_codegen"]),
    ]


def dispatch_ratio(dispatch: dict, connections: int, field: str) -> dict:
    rows = dispatch["rows"]
    first = {r["round"]: r[field] for r in rows if r["route"] == "first" and r["connections"] == connections}
    last = {r["round"]: r[field] for r in rows if r["route"] == "last" and r["connections"] == connections}
    return summary([last[k] / first[k] for k in last if k in first and first[k]])


def dispatch_target(dispatch: dict | None) -> tuple[str, str, bool | None]:
    name = "Dispatch is flat: last route's p50 ≤ 1.1× the first's (1,000 routes; the benchmark's own threshold)"
    if not dispatch:
        return (name, "not measured", None)
    ratio = dispatch_ratio(dispatch, 1, "p50_ms")
    return (name, f"{fmt_summary(ratio)}× at c=1", None if ratio["median"] is None else ratio["median"] <= 1.1)


def targets(results: dict, ratios: list[dict]) -> list[tuple[str, str, bool | None]]:
    throughput = results.get("throughput")
    expected = len(throughput["endpoints"]) * len(results["profile"]["concurrencies"]) if throughput else 0
    rows = runtime_targets(ratios, expected) if throughput else [
        ("Ours ≥ 1.0× Hono req/s on every endpoint", "not measured", None),
        ("Ours p99 ≤ Hono's on every endpoint", "not measured", None),
        ("Ours ≥ 0.8× the floor's req/s on /api/health", "not measured", None)]
    return [*rows, size_target(results.get("size")), cold_start_target(results.get("cold_start")),
            *generator_targets(results.get("generator")), *rebuild_targets(results.get("rebuild")),
            dispatch_target(results.get("dispatch"))]


# --- sections -----------------------------------------------------------------------------------------------

def header(results: dict) -> list[str]:
    env = results["environment"]
    return [
        "# Benchmark report",
        "",
        f"`bench/run{' --quick' if results['profile']['name'] == 'quick' else ''}` on {env['date_utc']}, "
        f"commit {env['git']}, in {fmt(results.get('duration_s', 0) / 60, 1)} min.",
        "",
        "Every timing is a ratio against a baseline measured in the same run: the median over rounds, with the "
        "min–max range in parentheses. Absolute numbers are for information only; nothing asserts them.",
        "",
        *(["**The worker did not build from the current sources; its runtime and size numbers are from the last "
           "good build** (see the errors at the end).", ""] if results.get("ours_from_last_good_build") else []),
    ]


def targets_section(rows: list[tuple[str, str, bool | None]]) -> list[str]:
    lines = ["## Targets", "", "| target | measured | holds |", "| --- | --- | :---: |"]
    lines += [f"| {name} | {measured} | {verdict(holds)} |" for name, measured, holds in rows]
    return lines + [""]


# How the runtime part ordered its measurements, by the name results.json records (older runs: back to back).
ORDERS = {
    "interleaved": "fresh servers every round; each endpoint and concurrency measured on every worker in turn (the "
                   "others idle), wrk's seconds split into slices interleaved across the workers, the order "
                   "rotating from slice to slice, so that a slow or fast second of this machine falls on every "
                   "worker alike (see `bench/benchlib/runtime.py`). ",
    "interleaved, balanced": "fresh servers every round; each endpoint and concurrency measured on every worker "
                             "in turn (the others idle), wrk's seconds split into slices interleaved across the "
                             "workers, the order changing from slice to slice so that a slow or fast second of "
                             "this machine falls on every worker alike, and each worker follows each other "
                             "equally often (a Williams design), so that what one leaves behind on the shared "
                             "core does not fall on one more than another (see `bench/benchlib/runtime.py`). ",
    "back to back": "fresh servers every round, each endpoint and concurrency measured on every worker back to "
                    "back (the others idle), the order rotating from one measurement to the next. ",
}


def runtime_section(results: dict, ratios: list[dict]) -> list[str]:
    throughput = results.get("throughput")
    if not throughput:
        return []
    p = results["profile"]
    lines = ["## Runtime in workerd", "",
             f"Each worker in its own `workerd serve` (compatibility date {results['compatibility_date']}), server "
             f"pinned to one core and the load generator to the other; {p['rounds']} rounds per endpoint and "
             f"concurrency, each {p['load_seconds']} s of wrk (req/s, and the server's CPU time over the run ÷ the "
             f"requests it answered) then {p.get('latency_seconds', '?')} s of oha (p50 and p99, each request's own "
             "latency: wrk corrects its latencies for coordinated omission, which turns one stall into ~1% of the "
             "samples; its corrected p99 is listed under the absolute numbers), "
             + (f"{p['store_latency_seconds']} s for the store routes at c=32 so that each window spans several of "
                "V8's major collections (see `bench/benchlib/profile.py`), " if "store_latency_seconds" in p else "")
             + (f"each fresh server first warmed up with {p['warmup_seconds']} s of wrk per endpoint so that V8 has "
                "compiled the hot code before anything is measured (see `bench/benchlib/profile.py`), "
                if "warmup_seconds" in p else "")
             + ORDERS.get(throughput.get("order"), "a fresh server per worker per round, the worker order rotating "
                                                   "between rounds. ")
             + "Ratios above 1 favour ours for req/s; below 1 favour ours "
             "for p99 and for CPU per request.", "",
             "![runtime ratios](runtime.png)", "", *ratio_table(ratios, throughput["endpoint_requests"]), ""]
    for worker, skipped in throughput.get("skipped", {}).items():
        lines += [f"- not measured for {worker}: `{key}` {why}" for key, why in skipped.items()]
    return lines + [""]


def cold_start_section(cold: dict | None) -> list[str]:
    if not cold:
        return []
    lines = ["## Cold start", "", "From starting `workerd serve` to the first 200 from `/api/health`.", "",
             "| worker | ms | vs floor |", "| --- | ---: | ---: |"]
    floor = cold.get("floor", {}).get("median")
    for name, s in cold.items():
        ratio = s["median"] / floor if floor and s["median"] else None
        lines.append(f"| {name} | {fmt_summary(s, 0, 1000)} | {fmt(ratio)}× |")
    return lines + [""]


def size_section(size: dict | None) -> list[str]:
    if not size:
        return []
    lines = ["## Size", "", "| worker | module | raw KiB | gzip KiB |", "| --- | --- | ---: | ---: |"]
    for worker, modules in size.items():
        if worker == "wrangler_dry_run":
            continue
        for module, s in modules.items():
            if module != "total_gzip_kib":
                lines.append(f"| {worker} | `{module}` | {fmt(s['raw_kib'], 1)} | {fmt(s['gzip_kib'], 1)} |")
        lines.append(f"| {worker} | **total** | | **{fmt(modules['total_gzip_kib'], 1)}** |")
    if dry := size.get("wrangler_dry_run"):
        lines += ["", f"`wrangler deploy --dry-run` (ours): Total Upload {fmt(dry['total_kib'])} KiB / gzip "
                      f"{fmt(dry['gzip_kib'])} KiB."]
    return lines + [""]


def generator_section(gen: dict | None) -> list[str]:
    if not gen:
        return []
    lines = ["## Generator", "", "![generator growth](generator.png)", "",
             "Generation: wall milliseconds (min–max), then the CPU milliseconds (user + system), which other work on "
             "the machine disturbs less. `cargo check` is of the generated code alone, for wasm32, not incremental.", "",
             "| spec | generate ms | generated Rust KiB | lines | `cargo check` s (wasm32) | check CPU s | check peak MiB |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| spec/dashboard.yaml | {generation_cell(gen['dashboard'])} | "
             f"{fmt(gen['dashboard']['rust']['kib'], 0)} | {gen['dashboard']['rust']['lines']:,} | — | — | — |"]
    for routes, entry in gen["routes"].items():
        check = entry.get("check_s")
        check_text = "not run (`--check-routes`)" if check is None else (check.get("error") or fmt_summary(check, 1))
        lines.append(f"| {int(routes):,} routes | {generation_cell(entry)} | {fmt(entry['rust']['kib'], 0)} | "
                     f"{entry['rust']['lines']:,} | {check_text} | {fmt_summary(entry.get('check_cpu_s'), 1)} | "
                     f"{fmt_summary(entry.get('check_max_rss_mib'), 0)} |")
    if any(entry.get("check_s") is None for entry in gen["routes"].values()):
        lines += ["", "Some specs were generated but not checked: `bench/run --check-routes 10,100,1000,2000,5000` "
                      "checks them all (each check capped at 12 GiB of address space and 900 s)."]
    return lines + [""]


def generation_cell(entry: dict) -> str:
    cpu = entry.get("generate_cpu_s")
    cpu_text = f" (CPU {fmt(cpu['median'] * 1000, 1)})" if cpu and cpu.get("median") is not None else ""
    return fmt_summary(entry["generate_s"], 1, 1000) + cpu_text


def dispatch_section(dispatch: dict | None, concurrencies: list[int]) -> list[str]:
    if not dispatch:
        return []
    paths = dispatch["paths"]
    lines = ["## Dispatch at 1,000 routes", "",
             f"A release worker for the synthetic {dispatch['routes']:,}-route spec; every handler answers a canned "
             f"value. First route `GET {paths['first']}`, last route `GET {paths['last']}`.", "",
             "| conc. | last/first p50 | last/first p99 | last/first req/s | first p50 ms | last p50 ms |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in concurrencies:
        p50 = lambda route: summary([r["p50_ms"] for r in dispatch["rows"] if r["route"] == route and r["connections"] == c])
        lines.append(f"| {c} | {fmt_summary(dispatch_ratio(dispatch, c, 'p50_ms'))}× | {fmt_summary(dispatch_ratio(dispatch, c, 'p99_ms'))}× | "
                     f"{fmt_summary(dispatch_ratio(dispatch, c, 'rps'))}× | {fmt_summary(p50('first'))} | {fmt_summary(p50('last'))} |")
    size = dispatch.get("size", {})
    if size:
        lines += ["", f"Its wasm + glue gzipped: {fmt(size['total_gzip_kib'], 1)} KiB."]
    return lines + [""]


def rebuild_section(rebuild: dict | None) -> list[str]:
    if not rebuild:
        return []
    return ["## Rebuild", "",
            "`cargo build --release -p cortexdx-dashboard --target wasm32-unknown-unknown` in the benchmark's "
            "snapshot of the tree, after each change.", "",
            "| change | seconds |", "| --- | ---: |",
            f"| none (no-op; code generation ran: {'yes' if rebuild['noop_ran_codegen'] else 'no'}) | {fmt_summary(rebuild['noop_s'])} |",
            f"| one route's summary in the spec (code generation ran: {'yes' if rebuild['spec_edit_ran_codegen'] else 'no'}) | {fmt_summary(rebuild['spec_edit_s'])} |",
            f"| one comment line in worker/src/lib.rs | {fmt_summary(rebuild['handler_edit_s'])} |",
            f"| **spec edit / handler edit** | **{fmt_summary(rebuild['spec_over_handler'])}×** |", ""]


def errors_section(results: dict) -> list[str]:
    if not results["errors"]:
        return []
    lines = ["## Not measured in this run", ""]
    for part, error in results["errors"].items():
        lines += [f"- **{part}**:", "", "  ```", *[f"  {l}" for l in error.splitlines()[:12]], "  ```"]
    return lines + [""]


def environment_section(results: dict) -> list[str]:
    env = results["environment"]
    lines = ["## Environment", "", f"- CPU: {env['cpu']}, {env['cores']} cores, {fmt(env['memory_gib'], 1)} GiB; "
             f"kernel {env['kernel']}",
             f"- load average (1 min) at start {fmt(env['load_average_at_start'])}, at end {fmt(env.get('load_average_at_end'))}: "
             "other work on the machine shows up here and in the spreads"]
    lines += [f"- {tool}: {version or 'unknown'}" for tool, version in env["versions"].items()]
    return lines + [""]


# --- what each optimisation bought ---------------------------------------------------------------------------

def optimisations_section(directory: Path) -> list[str]:
    """The records `bench/compare --record` left in bench/optimisations/, each measured in one run that built
    the revisions before and after a change; listed in file-name order."""
    records = sorted(directory.glob("*.json")) if directory.is_dir() else []
    if not records:
        return []
    lines = ["## What each optimisation bought", "",
             "Each entry is one `bench/compare` run (command shown) that built the revisions before and after the "
             "change and measured them side by side, interleaved round by round. Runtime ratios are after ÷ before "
             "per round (median, with the min–max range), each revision against the one listed before it; generator entries are medians, CPU time first since the "
             "machine's other work disturbs it less than wall time.", ""]
    for path in records:
        record = json.loads(path.read_text())
        lines += [f"### {record['change']}", "",
                  f"Measured {record['date_utc']}, load average {fmt(record['environment']['load_average_at_start'])} at "
                  f"the start and {fmt(record['environment'].get('load_average_at_end'))} at the end: `{record['command']}`", ""]
        lines += [f"- `{r['label']}`: {r.get('subject') or r['commit']}" for r in record["revisions"]] + [""]
        labels = [r["label"] for r in record["revisions"]]
        if record["part"] == "runtime":
            lines += compare_runtime_lines(record["result"], labels)
        else:
            lines += compare_generator_lines(record["result"], labels)
        lines.append("")
    return lines


def compare_runtime_lines(result: dict, labels: list[str]) -> list[str]:
    """Each revision against the one before it, so every step of a series shows what it bought alone."""
    steps = list(zip(labels, labels[1:]))
    lines = []
    for before, after in steps:
        if len(steps) > 1:
            lines += [f"`{after}` against `{before}`:", ""]
        lines += compare_step_lines(result, f"ours@{before}", f"ours@{after}") + [""]
    return lines[:-1]


def compare_step_lines(result: dict, before: str, after: str) -> list[str]:
    rows = result["rows"]

    def series(worker: str, endpoint: str, c: int, field: str) -> list[float]:
        return [r.get(field) for r in sorted(rows, key=lambda r: r["round"])
                if r["worker"] == worker and r["endpoint"] == endpoint and r["connections"] == c]

    def paired(endpoint: str, c: int, field: str) -> dict:
        a, b = series(after, endpoint, c, field), series(before, endpoint, c, field)
        return summary([x / y for x, y in zip(a, b) if x is not None and y])

    # Records made before the CPU measure have no CPU column.
    with_cpu = any(r.get("cpu_us_per_request") is not None for r in rows)
    # Records made before oha measured latency hold wrk's corrected p99 (see benchlib/load.py).
    p99_name = "p99" if any("wrk_corrected_p99_ms" in r for r in rows) else "wrk's corrected p99"
    lines = [f"| endpoint | conc. | req/s before | req/s after | req/s after ÷ before | {p99_name} after ÷ before |"
             + (" CPU/request after ÷ before |" if with_cpu else ""),
             "| --- | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if with_cpu else "")]
    for endpoint in result["endpoints"]:
        for c in result["concurrencies"]:
            cpu = f" {fmt_summary(paired(endpoint, c, 'cpu_us_per_request'))}× |" if with_cpu else ""
            lines.append(f"| {endpoint} | {c} | {fmt(summary(series(before, endpoint, c, 'rps'))['median'], 0)} | "
                         f"{fmt(summary(series(after, endpoint, c, 'rps'))['median'], 0)} | "
                         f"{fmt_summary(paired(endpoint, c, 'rps'))}× | {fmt_summary(paired(endpoint, c, 'p99_ms'))}× |"
                         + cpu)
    cold = result.get("cold_start") or {}
    if before in cold and after in cold:
        lines += ["", f"Cold start: {fmt(cold[before]['median'] * 1000, 0)} ms → {fmt(cold[after]['median'] * 1000, 0)} ms "
                      f"(floor {fmt(cold.get('floor', {}).get('median', 0) * 1000, 0)} ms)."]
    sizes = result.get("sizes_kib", {})
    if before in sizes and after in sizes:
        lines += ["", "Modules (raw KiB): " + "; ".join(
            f"`{m}` {fmt(sizes[before][m], 1)} → {fmt(sizes[after].get(m), 1)}" for m in sizes[before])]
    return lines


def compare_generator_lines(result: dict, labels: list[str]) -> list[str]:
    """One column per revision, each with its ratio to the one before."""
    def cell(entry: dict | None, previous: dict | None, key: str, scale: float, digits: int) -> str:
        value = ((entry or {}).get(key) or {}).get("median")
        before = ((previous or {}).get(key) or {}).get("median")
        if value is None:
            return "—"
        ratio = f" ({value / before:.2f}×)" if before else ""
        return f"{fmt(value * scale, digits)}{ratio}"

    def entries(name: str) -> list[dict | None]:
        return [result[l]["dashboard"] if name == "dashboard" else result[l]["routes"].get(name) for l in labels]

    names = ["dashboard", *result[labels[-1]]["routes"]]
    heading = " | ".join(f"`{l}`" for l in labels)
    lines = ["Generation, CPU ms (wall ms):", "", f"| spec | {heading} |", f"| --- |{' ---: |' * len(labels)}"]
    for name in names:
        row = entries(name)
        if all(((e or {}).get("generate_cpu_s") or {}).get("median") is None for e in row):
            continue
        cells = [f"{cell(e, p, 'generate_cpu_s', 1000, 1)} ({cell(e, None, 'generate_s', 1000, 1)})"
                 for e, p in zip(row, [None, *row])]
        lines.append(f"| {'spec/dashboard.yaml' if name == 'dashboard' else f'{int(name):,} routes'} | {' | '.join(cells)} |")
    checked = [n for n in names if n != "dashboard" and any((e or {}).get("check_cpu_s") for e in entries(n))]
    if checked:
        lines += ["", "`cargo check` of the generated code, CPU s (wall s), peak MiB:", "", f"| spec | {heading} |",
                  f"| --- |{' ---: |' * len(labels)}"]
        for name in checked:
            row = entries(name)
            cells = [f"{cell(e, p, 'check_cpu_s', 1, 1)} ({cell(e, None, 'check_s', 1, 1)}), "
                     f"{cell(e, p, 'check_max_rss_mib', 1, 0)}" for e, p in zip(row, [None, *row])]
            lines.append(f"| {int(name):,} routes | {' | '.join(cells)} |")
    return lines


# --- plots --------------------------------------------------------------------------------------------------

def bar_with_range(ax, x: float, s: dict, width: float, label: str | None, color: str) -> None:
    if s["median"] is None:
        return
    err = [[s["median"] - s["min"]], [s["max"] - s["median"]]]
    ax.bar(x, s["median"], width, yerr=err, capsize=3, label=label, color=color)


def clip_to_medians(ax, medians: list[float | None]) -> None:
    """Keeps the medians readable: on a shared machine one noisy round can stretch a range (a p99 above
    all) far beyond every median; such ranges run off the top of the plot."""
    top = max((m for m in medians if m is not None), default=1.0)
    ax.set_ylim(0, max(1.6, top * 1.6))


def runtime_plot(ratios: list[dict], endpoints: list[str], concurrencies: list[int], out: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = ["#4c72b0", "#dd8452"]
    width = 0.8 / len(concurrencies)
    for ax, key, title in ((axes[0], "rps_vs_hono", "req/s, ours ÷ Hono (higher is better)"),
                           (axes[1], "p99_vs_hono", "p99 latency, ours ÷ Hono (lower is better)")):
        for i, c in enumerate(concurrencies):
            for j, endpoint in enumerate(endpoints):
                row = next((r for r in ratios if r["endpoint"] == endpoint and r["connections"] == c), None)
                if row:
                    bar_with_range(ax, j + (i - (len(concurrencies) - 1) / 2) * width, row[key], width,
                                   f"concurrency {c}" if j == 0 else None, colors[i % len(colors)])
        ax.axhline(1.0, color="black", linewidth=1, linestyle="--")
        ax.set_xticks(range(len(endpoints)), endpoints, rotation=20)
        clip_to_medians(ax, [r[key]["median"] for r in ratios])
        ax.set_title(title)
        ax.legend()
    fig.suptitle("Generated worker vs the seed's Hono worker, in workerd (median, min–max over rounds; long ranges clipped)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def generator_plot(gen: dict, out: Path) -> None:
    counts = [int(n) for n in gen["routes"]]
    entries = list(gen["routes"].values())
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), sharex=True)
    series = [
        ("generation time (s)", [e["generate_s"]["median"] for e in entries]),
        ("generated Rust (KiB)", [e["rust"]["kib"] for e in entries]),
        ("cargo check, wasm32 (s)", [(e.get("check_s") or {}).get("median") for e in entries]),
    ]
    for ax, (title, values) in zip(axes, series):
        points = [(n, v) for n, v in zip(counts, values) if v]
        if points:
            xs, ys = zip(*points)
            ax.plot(xs, ys, "o-", label="measured")
            # Linear growth through the second-largest point: large enough that fixed costs do not dominate.
            anchor_n, anchor_v = points[-2] if len(points) > 2 else points[0]
            ax.plot(counts, [anchor_v * n / anchor_n for n in counts], ":", color="gray", label=f"linear through {anchor_n:,}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("routes")
        ax.set_title(title)
    targets_on_generation_plot(axes[0], gen)
    for ax in axes:
        ax.legend(fontsize=8)
    fig.suptitle("Generator at scale (synthetic specs; log–log)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def targets_on_generation_plot(ax, gen: dict) -> None:
    """The dashboard spec's point and the two generation-time targets (< 50 ms for it, < 2 s at 5,000)."""
    dashboard = gen["dashboard"]["generate_s"]["median"]
    if dashboard:
        ax.plot([gen["dashboard"].get("routes", 15)], [dashboard], "*", markersize=12, color="tab:green",
                label="spec/dashboard.yaml")
        ax.plot([gen["dashboard"].get("routes", 15)], [0.050], "_", markersize=16, color="tab:red", label="targets")
    ax.plot([5000], [2.0], "_", markersize=16, color="tab:red")


# --- entry --------------------------------------------------------------------------------------------------

def write(results: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    concurrencies = results["profile"]["concurrencies"]
    throughput = results.get("throughput")
    ratios = runtime_ratios(throughput, concurrencies) if throughput else []
    if throughput:
        runtime_plot(ratios, throughput["endpoints"], concurrencies, out_dir / "runtime.png")
    if results.get("generator"):
        generator_plot(results["generator"], out_dir / "generator.png")
    lines = [*header(results), *targets_section(targets(results, ratios)), *runtime_section(results, ratios),
             *cold_start_section(results.get("cold_start")), *size_section(results.get("size")),
             *generator_section(results.get("generator")), *dispatch_section(results.get("dispatch"), concurrencies),
             *rebuild_section(results.get("rebuild")),
             *optimisations_section(Path(__file__).resolve().parent / "optimisations"), *absolute_section(results),
             *errors_section(results),
             *environment_section(results)]
    report = out_dir / "report.md"
    report.write_text("\n".join(lines).rstrip() + "\n")
    return report


def absolute_section(results: dict) -> list[str]:
    throughput = results.get("throughput")
    if not throughput:
        return []
    return ["## Absolute numbers (information only)", "", *absolute_table(throughput), ""]


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "results" / "results.json"
    print(write(json.loads(source.read_text()), source.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
