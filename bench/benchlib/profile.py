"""How long and how often each part measures: the full run (35–45 minutes once everything is built)
and `--quick`, a smoke run of every part in about 3 minutes (one round, so no spreads)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # Runtime: each round starts every worker afresh, so per-round ratios compare runs minutes apart at most.
    rounds: int
    load_seconds: int  # wrk: req/s and CPU per request
    latency_seconds: int  # oha, after wrk at the same concurrency: the latency percentiles
    warmup_seconds: int  # wrk takes whole seconds
    concurrencies: tuple[int, ...]
    cold_start_repeats: int
    # Generator.
    route_counts: tuple[int, ...]
    generation_repeats: int
    # Route counts whose generated code gets a timed `cargo check` (about 7 min and 7 GB at 5,000 routes).
    check_routes: tuple[int, ...]
    check_rounds: int
    dispatch_routes: int
    dispatch_rounds: int
    rebuild_rounds: int


FULL = Profile(
    name="full",
    rounds=5,
    load_seconds=3,
    # At c=32 the store routes of both workers stall now and then (p99 near 100 ms against a p50 near
    # 10 ms), and a round's p99 depends on how many stalls it caught: session 9's 2 s gave ranges up to
    # 0.37-2.59. 4 s did not narrow them much (session 10: logs at c=32, 0.99-3.43).
    latency_seconds=4,
    warmup_seconds=1,
    concurrencies=(1, 32),
    cold_start_repeats=10,
    route_counts=(10, 100, 1000, 5000),
    generation_repeats=5,
    check_routes=(10, 100, 1000, 2000, 5000),
    check_rounds=2,
    dispatch_routes=1000,
    dispatch_rounds=5,
    rebuild_rounds=3,
)

QUICK = Profile(
    name="quick",
    rounds=1,
    load_seconds=1,
    latency_seconds=1,
    warmup_seconds=1,
    concurrencies=(1, 32),
    cold_start_repeats=3,
    route_counts=(10, 100, 1000, 5000),
    generation_repeats=2,
    check_routes=(10, 100),
    check_rounds=1,
    dispatch_routes=1000,
    dispatch_rounds=1,
    rebuild_rounds=1,
)
