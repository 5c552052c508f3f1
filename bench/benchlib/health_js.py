"""`bench/health-js [--rounds N]`: ours' `/api/health` beside the floor and beside the same answer written
directly in JavaScript (`baselines/health-js`), at 1 and 32 connections: req/s and the server's CPU per request.

The floor answers 15 constant bytes without reading the request; ours' health answer reads the method and the
URL, checks five bindings, carries a fresh timestamp and, as a public route (`cors: public`),
`Access-Control-Allow-Origin: *`. The JavaScript
worker does that same work with nothing else around it, so ours ÷ it is what Rust, wasm and the generated
dispatch cost, and it ÷ the floor is what the answer itself costs. Both answers are first checked to agree
(status, headers, and the body but its timestamp), with and without an Origin.

Each round starts the three workers afresh and warms them up; then each concurrency gets the runtime part's
seconds per worker in its interleaved slices (`runtime.interleaved_throughput`), so every ratio compares runs
a second apart.
"""

import argparse
import re
import urllib.request
from contextlib import ExitStack

from . import tool
from .builds import Module, Worker, build_ours, floor_worker
from .endpoints import FLOOR_ENDPOINT
from .paths import Paths
from .proc import BenchError, Progress
from .profile import FULL
from .runtime import interleaved_throughput, warm_up
from .stats import ratio_summary, summary
from .workerd import Server

CONCURRENCIES = (1, 32)
TIMESTAMP = re.compile(rb'"timestamp":"[^"]*"')


def health_js_worker(paths: Paths) -> Worker:
    source = paths.bench / "baselines" / "health-js" / "worker.js"
    return Worker(name="health-js", modules=(Module("worker.js", "esModule", source),),
                  durable_object="RealtimeSession", dashboard_bindings=True)


def answer(server: Server, origin: str | None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{FLOOR_ENDPOINT.path}",
                                     headers={"Origin": origin} if origin else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {name.lower(): value for name, value in response.headers.items()
                   if name.lower() not in ("date", "connection", "content-length")}
        return response.status, headers, TIMESTAMP.sub(b'"timestamp":""', response.read())


def check_same_answer(paths: Paths, ours: Worker, javascript: Worker, date: str) -> None:
    for origin in (None, "https://chatgpt.com"):
        answers = {}
        for worker in (ours, javascript):
            with Server(paths, worker, date) as server:
                answers[worker.name] = answer(server, origin)
        if answers[ours.name] != answers[javascript.name]:
            raise BenchError(f"ours and health-js answer /api/health differently (Origin {origin}): "
                             f"{answers[ours.name]} vs {answers[javascript.name]}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/health-js", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()

    paths, date, log = tool.start("health-js.log")
    say = Progress()
    say("building ours")
    workers = [build_ours(paths, log), health_js_worker(paths), floor_worker(paths)]
    check_same_answer(paths, workers[0], workers[1], date)
    say("ours and health-js answer alike")

    slices = FULL.slice_seconds()
    results = {(w.name, c): [] for w in workers for c in CONCURRENCIES}
    for round_index in range(args.rounds):
        with ExitStack() as servers_open:
            turn = [servers_open.enter_context(Server(paths, worker, date)) for worker in workers]
            for server in turn:
                warm_up(server, FLOOR_ENDPOINT, FULL)
            for connections in CONCURRENCIES:
                say(f"round {round_index + 1}/{args.rounds}, c={connections}")
                loads = interleaved_throughput(paths, turn, round_index, FLOOR_ENDPOINT, connections, slices)
                for server, load in loads.items():
                    if load.errors:
                        raise BenchError(f"{server.worker.name}: {load.errors} errors under load")
                    results[(server.worker.name, connections)].append((load.rps, load.cpu_us_per_request))

    import report  # bench/report.py: the report's own number formatting

    print(f"\n/api/health, {args.rounds} rounds of {sum(slices)} s per worker and concurrency, in "
          f"{len(slices)} slices interleaved across the workers; medians (range)")
    for connections in CONCURRENCIES:
        print(f"\nc={connections}")
        for worker in workers:
            rows = results[(worker.name, connections)]
            print(f"  {worker.name:10} {report.fmt_summary(summary([r[0] for r in rows]), 0)} req/s, "
                  f"CPU {report.fmt_summary(summary([r[1] for r in rows]), 1)} µs/request")
        for top, bottom in (("ours", "health-js"), ("health-js", "floor"), ("ours", "floor")):
            a, b = results[(top, connections)], results[(bottom, connections)]
            req_s = report.fmt_summary(ratio_summary([r[0] for r in a], [r[0] for r in b]))
            cpu = report.fmt_summary(ratio_summary([r[1] for r in a], [r[1] for r in b]))
            print(f"  {top} ÷ {bottom}: req/s {req_s}×, CPU per request {cpu}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
