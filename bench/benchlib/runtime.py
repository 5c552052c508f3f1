"""Throughput, latency and cold start of the three workers in workerd, each under load alone."""

import json
from contextlib import ExitStack

from .builds import Worker
from .endpoints import AUTH, ENDPOINTS, FLOOR_ENDPOINT, JSON, ORIGIN, Endpoint
from .load import measure, wrk
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
        wrk(server.paths, server.port, endpoint, WARMUP_CONNECTIONS, profile.warmup_seconds)
    return measured, skipped


def measure_rounds(paths: Paths, workers: list[Worker], date: str, profile: Profile, say,
                   endpoints: tuple[Endpoint, ...] = ENDPOINTS) -> tuple[list, dict]:
    """Every round starts every worker afresh, then measures each endpoint and concurrency on every worker
    that serves it, one worker right after another (the others idle), the order rotating from one
    measurement to the next. Returns the measurement rows and the endpoints skipped per worker, with why.

    Back to back, because this machine drifts: in 14 pairs of 3 s wrk runs of health at c=32 (session 14),
    ours went from about 10,000 req/s to 14,000 and the floor from 10,000 to 19,000 within two minutes.
    Ratios of runs seconds apart had a standard deviation of 0.105; ratios of every ours run to every floor
    run of those two minutes, 0.232. Before, each worker ran all its endpoints in turn, so the runs a ratio
    compared were up to three minutes apart."""
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
                shift = (round_index + index) % len(turn)
                for server in turn[shift:] + turn[:shift]:
                    result = measure(paths, server.port, endpoint, connections, profile.load_seconds,
                                     profile.latency_window(endpoint, connections), server.process.pid)
                    rows.append({"round": round_index, "worker": server.worker.name, "endpoint": endpoint.key,
                                 "connections": connections, **result.as_dict()})
    return rows, skipped


def throughput(paths: Paths, workers: list[Worker], date: str, profile: Profile, say) -> dict:
    rows, skipped = measure_rounds(paths, workers, date, profile, say)
    return {"rows": rows, "skipped": skipped, "endpoints": [e.key for e in ENDPOINTS],
            "endpoint_requests": {e.key: e.describe() for e in ENDPOINTS}, "order": "back to back"}


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
