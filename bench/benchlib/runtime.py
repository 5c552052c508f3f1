"""Throughput, latency and cold start of the three workers in workerd, each under load alone."""

import json
from contextlib import ExitStack

from .builds import Worker
from .endpoints import AUTH, ENDPOINTS, FLOOR_ENDPOINT, JSON, ORIGIN, Endpoint
from .load import LoadResult, combined, oha, with_latency, wrk
from .paths import Paths
from .profile import Profile
from .proc import BenchError, request
from .stats import summary
from .workerd import Server

# Log entries written before measuring, so `GET /api/logs?limit=100` returns a full page.
SEED_ENTRIES = 120
WARMUP_CONNECTIONS = 8


def endpoints_for(worker: Worker, endpoints: tuple[Endpoint, ...]) -> tuple[Endpoint, ...]:
    """What `worker` is measured on, of `endpoints`: the floor answers every path alike, so only health."""
    return endpoints if worker.dashboard_bindings else (FLOOR_ENDPOINT,)


def seed(server: Server) -> None:
    """Alternating pause and resume: each one applies, and so writes one log entry and one span."""
    headers = dict((ORIGIN, JSON, AUTH))
    for i in range(SEED_ENTRIES):
        action = "pause" if i % 2 == 0 else "resume"
        status, body = request(server.port, "POST", "/api/control", json.dumps({"action": action}), headers)
        if status != 200:
            raise BenchError(f"{server.worker.name}: seeding the store got {status}: {body[:200]!r}")


def wrong_statuses(server: Server, endpoints: tuple[Endpoint, ...]) -> dict[str, str]:
    """Endpoints this worker does not answer as expected (status, and body where the endpoint checks it),
    with what it answered instead; they are not measured, since a fast wrong answer is no result."""
    wrong = {}
    for endpoint in endpoints:
        status, body = request(server.port, endpoint.method, endpoint.path, endpoint.body, endpoint.all_headers())
        if problem := endpoint.problem(status, body):
            wrong[endpoint.key] = problem
    return wrong


def prepare(server: Server, endpoints: tuple[Endpoint, ...],
            profile: Profile) -> tuple[tuple[Endpoint, ...], dict[str, str]]:
    """Seeds a fresh server's store, checks its answers and warms it up. Returns the endpoints it answers as
    expected, and those it does not, with what it answered."""
    if server.worker.dashboard_bindings:
        seed(server)
    skipped = wrong_statuses(server, endpoints)
    measured = tuple(e for e in endpoints if e.key not in skipped)
    for endpoint in measured:
        warm_up(server, endpoint, profile)
    return measured, skipped


def warm_up(server: Server, endpoint: Endpoint, profile: Profile) -> None:
    """Loads `endpoint` for the profile's warm-up seconds, unmeasured, so that V8 has compiled the hot code."""
    wrk(server.paths, server.port, endpoint, WARMUP_CONNECTIONS, profile.warmup_seconds)


def measure_rounds(paths: Paths, workers: list[Worker], date: str, profile: Profile, say,
                   endpoints: tuple[Endpoint, ...] = ENDPOINTS) -> tuple[list, dict]:
    """Every round starts every worker afresh, then measures each endpoint and concurrency on every worker
    that serves it, in interleaved slices (`measure_interleaved`), one worker at a time (the others idle).
    Returns the measurement rows and the endpoints skipped per worker, with why.

    Interleaved, because this machine drifts, and its speed moves within seconds too. Over minutes: in 14
    pairs of 3 s wrk runs of health at c=32 (session 14), ours went from about 10,000 req/s to 14,000 and the
    floor from 10,000 to 19,000 within two minutes; ratios of runs seconds apart had a standard deviation of
    0.105, ratios of every ours run to every floor run of those two minutes 0.232. Within seconds: in 8
    rounds of health at c=1 (session 18), ours ÷ the floor had a standard deviation of 0.208 with 3 s per
    worker back to back, and 0.109 with the same 3 s as 1 s slices, interleaved."""
    rows, skipped = [], {}
    for round_index in range(profile.rounds):
        with ExitStack() as servers_open:
            servers = [servers_open.enter_context(Server(paths, worker, date)) for worker in workers]
            serving = {}  # what each server is measured on, by server
            for server in servers:
                serving[server], wrong = prepare(server, endpoints_for(server.worker, endpoints), profile)
                if wrong:
                    skipped.setdefault(server.worker.name, {}).update(wrong)
            points = [(e, c) for e in ENDPOINTS for c in profile.concurrencies
                      if any(e in measured for measured in serving.values())]
            for index, (endpoint, connections) in enumerate(points):
                say(f"runtime round {round_index + 1}/{profile.rounds}: {endpoint.key} c={connections}")
                turn = [server for server in servers if endpoint in serving[server]]
                for server, result in measure_interleaved(paths, turn, round_index + index, endpoint, connections,
                                                          profile):
                    rows.append({"round": round_index, "worker": server.worker.name, "endpoint": endpoint.key,
                                 "connections": connections, **result.as_dict()})
    return rows, skipped


def measure_interleaved(paths: Paths, turn: list[Server], shift: int, endpoint: Endpoint, connections: int,
                        profile: Profile) -> list[tuple[Server, LoadResult]]:
    """One endpoint and concurrency on every server of `turn`: wrk in the profile's interleaved slices
    (`interleaved_throughput`), then oha for the latencies, server after server (starting `shift` along)."""
    throughput = interleaved_throughput(paths, turn, shift, endpoint, connections, profile.slice_seconds())
    window = profile.latency_window(endpoint, connections)
    return [(server, with_latency(throughput[server], oha(server.port, endpoint, connections, window)))
            for server in rotated(turn, shift)]


def interleaved_throughput(paths: Paths, turn: list[Server], shift: int, endpoint: Endpoint, connections: int,
                           slice_seconds: list[int]) -> dict[Server, LoadResult]:
    """wrk on every server of `turn`, one slice of `slice_seconds` each in turn, the order changing from slice
    to slice (`balanced_order`, starting `shift` along), so that a second when the machine runs slow or fast
    falls on every worker alike; each server's slices combined. One slice is the servers back to back."""
    slices: dict[Server, list[LoadResult]] = {server: [] for server in turn}
    for index, seconds in enumerate(slice_seconds):
        for server in balanced_order(turn, shift + index):
            slices[server].append(wrk(paths, server.port, endpoint, connections, seconds, server.process.pid))
    return {server: combined(results) for server, results in slices.items()}


def balanced_order(items: list, index: int) -> list:
    """The `index`th order of a Williams design: the rotations of `items`, then the rotations of `items`
    reversed. Rotations alone keep each item behind the same one (with ours, Hono, the floor: the floor after
    Hono in two slices of three, ours after the floor), so whatever a worker leaves behind on the shared core
    (V8 finishing a collection or a compile once its load stops) would fall on one worker more than the
    others. Over every 2×n consecutive orders, each item follows each other item equally often."""
    cycle = index % (2 * len(items))
    base = items if cycle < len(items) else items[::-1]
    return rotated(base, cycle)


def rotated(items: list, shift: int) -> list:
    """`items` starting `shift` along, wrapping round: who goes first changes from one turn to the next."""
    start = shift % len(items)
    return items[start:] + items[:start]


def throughput(paths: Paths, workers: list[Worker], date: str, profile: Profile, say) -> dict:
    rows, skipped = measure_rounds(paths, workers, date, profile, say)
    return {"rows": rows, "skipped": skipped, "endpoints": [e.key for e in ENDPOINTS],
            "endpoint_requests": {e.key: e.describe() for e in ENDPOINTS}, "order": "interleaved, balanced"}


def cold_start(paths: Paths, workers: list[Worker], date: str, repeats: int, say) -> dict:
    """Seconds from starting workerd to the first 200 from /api/health, interleaved across workers."""
    samples: dict[str, list[float]] = {w.name: [] for w in workers}
    say(f"cold start: {repeats} starts per worker")
    for _ in range(repeats):
        for worker in workers:
            server = Server(paths, worker, date)
            try:
                samples[worker.name].append(server.start())
            finally:
                server.stop()
    return {name: summary(values) for name, values in samples.items()}
