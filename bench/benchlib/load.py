"""Bounded load: wrk for throughput and the server's CPU per request, then oha for the latency
percentiles, each for a fixed duration at a fixed connection count.

Why two tools: wrk (4.x) applies a coordinated-omission correction to its latency histogram before any
script sees it. For every recorded latency above the run's mean interval between requests it adds
synthetic samples, so one 15 ms stall in a c=1 run of 0.2 ms requests becomes ~75 samples and moves p99
by an order of magnitude (its histogram then holds more samples than there were requests). On this
machine that made wrk's p99 measure how many stalls a round happened to have, not the worker: the floor's
p99 at c=1 was 2.8–12 ms by wrk, 0.3 ms by oha and by a plain sequential client. oha reports each request's
own latency, uncorrected; wrk's corrected p99 is kept beside it for reference.
"""

import json
import os
import statistics
import subprocess
from dataclasses import asdict, dataclass, replace

from .endpoints import Endpoint
from .paths import Paths
from .proc import BenchError, cpu_pinned, cpu_seconds

LOAD_CPU = 1
MAX_THREADS = 2


@dataclass(frozen=True)
class LoadResult:
    rps: float
    # Per-request latency percentiles, by oha (None for wrk alone: warm-ups and profiles).
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    # Transport errors, plus answers whose status was not 2xx/3xx when the endpoint expects a 2xx (wrk),
    # or not the endpoint's status (oha).
    errors: int
    # The server's CPU time over the run per request answered: what a request costs in CPU, beside the
    # wall-clock rate. None when the server process was not given.
    cpu_us_per_request: float | None = None
    # wrk's own percentiles, with its coordinated-omission correction (see the module's docstring).
    wrk_corrected_p50_ms: float | None = None
    wrk_corrected_p99_ms: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def measure(paths: Paths, port: int, endpoint: Endpoint, connections: int, seconds: int, latency_seconds: int,
            server_pid: int | None = None) -> LoadResult:
    """Throughput and CPU from wrk, then the latency percentiles from oha, at the same concurrency."""
    return with_latency(wrk(paths, port, endpoint, connections, seconds, server_pid),
                        oha(port, endpoint, connections, latency_seconds))


def combined(slices: list[LoadResult]) -> LoadResult:
    """One result from wrk runs of the same load: req/s and CPU per request over all of them. wrk's
    corrected percentiles cannot be merged from its summaries; each is the median of the slices' own."""
    requests = sum(s.requests for s in slices)
    seconds = sum(s.requests / s.rps for s in slices if s.rps)
    cpu = [s.cpu_us_per_request * s.requests for s in slices if s.cpu_us_per_request is not None]
    return LoadResult(
        rps=requests / seconds if seconds else 0.0,
        p50_ms=None,
        p99_ms=None,
        requests=requests,
        errors=sum(s.errors for s in slices),
        cpu_us_per_request=sum(cpu) / requests if requests and len(cpu) == len(slices) else None,
        wrk_corrected_p50_ms=statistics.median(s.wrk_corrected_p50_ms for s in slices),
        wrk_corrected_p99_ms=statistics.median(s.wrk_corrected_p99_ms for s in slices),
    )


def with_latency(throughput: LoadResult, latency: Latency) -> LoadResult:
    """wrk's throughput and CPU with oha's latency percentiles, measured after it at the same concurrency."""
    return replace(throughput, p50_ms=latency.p50_ms, p99_ms=latency.p99_ms,
                   errors=throughput.errors + latency.errors)


def wrk(paths: Paths, port: int, endpoint: Endpoint, connections: int, seconds: int,
        server_pid: int | None = None) -> LoadResult:
    threads = min(MAX_THREADS, connections)
    env = {
        **os.environ,
        "BENCH_METHOD": endpoint.method,
        "BENCH_BODY": endpoint.body or "",
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in endpoint.all_headers().items()),
    }
    command = cpu_pinned(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(paths.bench / "wrk" / "report.lua"), f"http://127.0.0.1:{port}{endpoint.path}"],
                         LOAD_CPU)
    cpu_before = cpu_seconds(server_pid) if server_pid else None
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    cpu = cpu_seconds(server_pid) - cpu_before if server_pid else None
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {endpoint.key} ({result.returncode}): {result.stderr.strip()[-300:]} {result.stdout.strip()[-300:]}")
    return _parse(json.loads(line.removeprefix("BENCH_JSON ")), endpoint, cpu)


def _parse(raw: dict, endpoint: Endpoint, cpu_seconds_used: float | None) -> LoadResult:
    errors = raw["errors"]
    transport = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    # wrk counts every 4xx as a status error; for the 401/404 rows that is the expected answer.
    unexpected_status = errors["status"] if endpoint.status < 400 else 0
    latency = raw["latency_us"]
    return LoadResult(
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=None,
        p99_ms=None,
        wrk_corrected_p50_ms=latency["p50"] / 1000,
        wrk_corrected_p99_ms=latency["p99"] / 1000,
        requests=raw["requests"],
        errors=transport + unexpected_status,
        cpu_us_per_request=None if cpu_seconds_used is None or not raw["requests"]
        else cpu_seconds_used * 1e6 / raw["requests"],
    )


def oha(port: int, endpoint: Endpoint, connections: int, seconds: int) -> Latency:
    """Each request's latency, as oha measures it from sending the request to the end of its answer."""
    headers = [arg for name, value in endpoint.all_headers().items() for arg in ("-H", f"{name}: {value}")]
    body = ["-d", endpoint.body] if endpoint.body else []
    command = cpu_pinned(["oha", "-z", f"{seconds}s", "-c", str(connections), "--no-tui", "--output-format", "json",
                          "-m", endpoint.method, *headers, *body, f"http://127.0.0.1:{port}{endpoint.path}"], LOAD_CPU)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"oha failed on {endpoint.key} ({result.returncode}): {result.stderr.strip()[-300:]}")
    raw = json.loads(result.stdout)
    statuses = {int(status): count for status, count in raw.get("statusCodeDistribution", {}).items()}
    # Requests still in flight when the duration ends are cut off by design, not failures.
    failed = sum(count for error, count in raw.get("errorDistribution", {}).items()
                 if error != "aborted due to deadline")
    percentiles = raw["latencyPercentiles"]
    return Latency(p50_ms=percentiles["p50"] * 1000, p99_ms=percentiles["p99"] * 1000,
                   requests=sum(statuses.values()),
                   errors=failed + sum(count for status, count in statuses.items() if status != endpoint.status))
