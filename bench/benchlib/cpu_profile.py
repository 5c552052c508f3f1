"""`bench/profile WORKER ENDPOINT`: a CPU profile of one worker in `workerd serve` under wrk load.

The worker is built, started and seeded as `bench/run` does it, with workerd's DevTools inspector on; V8's
sampling profiler records while wrk sends the endpoint's request. It prints the functions with the most
samples, by self time and by inclusive time (a function's own samples plus its callees'), as shares of
every sample, and writes the raw `.cpuprofile` (loadable in Chrome DevTools) under `target/bench/profiles/`.

The profiler slows the worker down, so its req/s is no benchmark. Only shares mean something, and two
profiles compare per request (`µs/request`) only when taken under the same machine load. Wasm frames show as
`wasm-function[N]`, because the release build keeps no function names; `--names` builds ours with them
(minutes the first time, in a target directory of its own).
"""

import argparse
import json
import urllib.request
from collections import Counter

import websocket

from . import tool
from .builds import build_hono, build_ours, build_ours_with_names, floor_worker
from .endpoints import ENDPOINTS, FLOOR_ENDPOINT
from .load import wrk
from .proc import free_port
from .runtime import seed, wrong_statuses
from .workerd import Server

WARM_UP_SECONDS = 3


class Inspector:
    """One DevTools protocol session with the worker's isolate."""

    def __init__(self, port: int):
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        # workerd lists one target per service; the worker under test is the service named "main".
        target = next((t for t in targets if "main" in t.get("title", "") + t.get("id", "")), targets[0])
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], suppress_origin=True, timeout=60)
        self.last_id = 0

    def call(self, method: str, **params) -> dict:
        self.last_id += 1
        self.socket.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:  # events arrive between the answers; only the answer to this call matters here
            message = json.loads(self.socket.recv())
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})


def frame_name(node: dict) -> str:
    frame = node["callFrame"]
    where = frame["url"].rsplit("/", 1)[-1]
    return f"{frame['functionName'] or '(anonymous)'} {where}:{frame['lineNumber'] + 1}" if where else \
        frame["functionName"] or "(anonymous)"


def shares(profile: dict) -> tuple[Counter, Counter, int]:
    """Samples per function name: self, inclusive (each sample counted once per name on its stack), total."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    own, inclusive = Counter(), Counter()
    for node_id, count in Counter(profile["samples"]).items():
        own[frame_name(nodes[node_id])] += count
        seen, current = set(), node_id
        while current is not None:
            name = frame_name(nodes[current])
            if name not in seen:
                inclusive[name] += count
                seen.add(name)
            current = parent.get(current)
    return own, inclusive, len(profile["samples"])


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("worker", choices=("ours", "hono", "floor"))
    parser.add_argument("endpoint", help="a key of benchlib/endpoints.py: " + ", ".join(e.key for e in ENDPOINTS))
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--interval-us", type=int, default=50, help="the sampling interval")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--names", action="store_true", help="build ours keeping the wasm's function names")
    args = parser.parse_args()

    endpoints = {e.key: e for e in ENDPOINTS}
    if args.endpoint not in endpoints:
        parser.error(f"no endpoint {args.endpoint!r}; choose one of {', '.join(endpoints)}")
    if args.names and args.worker != "ours":
        parser.error("--names applies to ours: the other workers are JavaScript, whose names profiles show")
    if args.worker == "floor" and args.endpoint != FLOOR_ENDPOINT.key:
        parser.error(f"the floor answers only {FLOOR_ENDPOINT.key!r}")
    endpoint = endpoints[args.endpoint]

    paths, date, log = tool.start("profile.log")
    if args.worker == "ours":
        worker = build_ours_with_names(paths, log) if args.names else build_ours(paths, log)
    elif args.worker == "hono":
        worker = build_hono(paths, log)
    else:
        worker = floor_worker(paths)

    with Server(paths, worker, date, inspector_port=free_port()) as server:
        if worker.dashboard_bindings:
            seed(server)
        # A profile of a wrong answer (a 500, a refused session) would explain the wrong request.
        if wrong := wrong_statuses(server, (endpoint,)):
            raise SystemExit(f"{worker.name} answers {endpoint.key} wrongly: {wrong[endpoint.key]}")
        inspector = Inspector(server.inspector_port)
        inspector.call("Profiler.enable")
        inspector.call("Profiler.setSamplingInterval", interval=args.interval_us)
        wrk(paths, server.port, endpoint, args.connections, WARM_UP_SECONDS)
        inspector.call("Profiler.start")
        load = wrk(paths, server.port, endpoint, args.connections, args.seconds)
        profile = inspector.call("Profiler.stop")["profile"]

    out = paths.work / "profiles" / f"{args.worker}-{endpoint.key}.cpuprofile"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(profile))

    own, inclusive, total = shares(profile)
    busy = total - own.get("(idle)", 0)
    # Samples are taken every `interval` µs of the isolate's thread, so busy samples × interval ÷ requests
    # is the isolate's time per request.
    per_request = busy * args.interval_us / load.requests if load.requests else float("nan")
    print(f"{args.worker} {endpoint.key}: {load.requests} requests ({load.rps:.0f} req/s under the profiler), "
          f"{total} samples, {100 * busy / total:.1f}% busy, ~{per_request:.0f} µs/request sampled; {out}")
    for title, counts in (("self", own), ("inclusive", inclusive)):
        print(f"\n{title}: % of samples, µs/request, function")
        for name, count in counts.most_common(args.top):
            print(f"{100 * count / total:6.1f}% {count * args.interval_us / max(load.requests, 1):7.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
