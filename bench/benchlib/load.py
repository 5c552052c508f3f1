"""Bounded load with wrk: fixed duration and connection count, results parsed from the JSON line
bench/wrk/report.lua prints."""

import json
import os
import subprocess
from dataclasses import asdict, dataclass

from .endpoints import Endpoint
from .paths import Paths
from .proc import BenchError, cpu_pinned, cpu_seconds

LOAD_CPU = 1
MAX_THREADS = 2


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    # Transport errors, plus answers whose status was not 2xx/3xx when the endpoint expects a 2xx.
    errors: int
    # The server's CPU time over the run per request answered: what a request costs in CPU, beside the
    # wall-clock rate. None when the server process was not given.
    cpu_us_per_request: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


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
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        requests=raw["requests"],
        errors=transport + unexpected_status,
        cpu_us_per_request=None if cpu_seconds_used is None or not raw["requests"]
        else cpu_seconds_used * 1e6 / raw["requests"],
    )
