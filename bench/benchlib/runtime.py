"""Throughput, latency and cold start of the three workers in workerd, one worker at a time."""

import json

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


def endpoints_for(worker: Worker) -> tuple[Endpoint, ...]:
    return ENDPOINTS if worker.dashboard_bindings else (FLOOR_ENDPOINT,)


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


def measure_worker(paths: Paths, worker: Worker, date: str, profile: Profile, round_index: int,
                   endpoints: tuple[Endpoint, ...] | None = None) -> tuple[list, dict]:
    """One round for one worker: fresh server, seed, check, warm up, then every endpoint (all it serves
    unless given) at every concurrency. Returns the measurement rows and the endpoints skipped, with why."""
    rows = []
    with Server(paths, worker, date) as server:
        endpoints = endpoints or endpoints_for(worker)
        if worker.dashboard_bindings:
            seed(server)
        skipped = wrong_statuses(server, endpoints)
        measured = [e for e in endpoints if e.key not in skipped]
        for endpoint in measured:
            wrk(paths, server.port, endpoint, WARMUP_CONNECTIONS, profile.warmup_seconds)
        for endpoint in measured:
            for connections in profile.concurrencies:
                result = measure(paths, server.port, endpoint, connections, profile.load_seconds,
                                 profile.latency_window(endpoint, connections), server.process.pid)
                rows.append({"round": round_index, "worker": worker.name, "endpoint": endpoint.key,
                             "connections": connections, **result.as_dict()})
    return rows, skipped


def throughput(paths: Paths, workers: list[Worker], date: str, profile: Profile, say) -> dict:
    """Every round runs every worker once; the order rotates so no worker always goes first."""
    rows, skipped = [], {}
    for round_index in range(profile.rounds):
        shift = round_index % len(workers)
        for worker in workers[shift:] + workers[:shift]:
            say(f"runtime round {round_index + 1}/{profile.rounds}: {worker.name}")
            worker_rows, worker_skipped = measure_worker(paths, worker, date, profile, round_index)
            rows += worker_rows
            for key, why in worker_skipped.items():
                skipped.setdefault(worker.name, {})[key] = why
    return {"rows": rows, "skipped": skipped, "endpoints": [e.key for e in ENDPOINTS],
            "endpoint_requests": {e.key: e.describe() for e in ENDPOINTS}}


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
