"""How long and how often each part measures: the full run (55–60 minutes once everything is built)
and `--quick`, a smoke run of every part in about 3 minutes (one round, so no spreads)."""

from dataclasses import dataclass

from .endpoints import Endpoint


@dataclass(frozen=True)
class Profile:
    name: str
    # Runtime: each round starts every worker afresh and measures each endpoint on every worker in
    # interleaved slices, so a per-round ratio compares runs a second apart (see runtime.measure_rounds).
    rounds: int
    load_seconds: int  # wrk: req/s and CPU per request, in total per measurement
    # How many interleaved slices the load_seconds are split into (see runtime.measure_rounds).
    load_slices: int
    latency_seconds: int  # oha, after wrk at the same concurrency: the latency percentiles
    # oha's window for a store route under concurrent load (see latency_window).
    store_latency_seconds: int
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

    def latency_window(self, endpoint: Endpoint, connections: int) -> int:
        """oha's seconds for `endpoint` at `connections`: longer where requests queue on the store."""
        return self.store_latency_seconds if endpoint.store and connections > 1 else self.latency_seconds

    def slice_seconds(self) -> list[int]:
        """The whole seconds (wrk's unit) of each wrk slice of a measurement, adding up to load_seconds."""
        slices = max(1, min(self.load_slices, self.load_seconds))
        return [self.load_seconds // slices + (1 if i < self.load_seconds % slices else 0) for i in range(slices)]


FULL = Profile(
    name="full",
    rounds=5,
    load_seconds=3,
    # Three slices of 1 s, each worker's slices interleaved with the others'. This machine's speed moves
    # from one second to the next: in 8 rounds of health at c=1 (session 18), ours ÷ the floor had a
    # standard deviation of 0.208 (0.55-1.18) with 3 s per worker back to back, and 0.109 (0.65-0.96)
    # with the same 3 s as interleaved 1 s slices, in the same rounds on the same servers.
    load_slices=3,
    latency_seconds=4,
    # At c=32 the store routes of both workers stall every few seconds: V8's major collections (workerd
    # with --trace-gc: 40-90 ms for ours, 70-165 ms for Hono) hold up every request queued on the Durable
    # Object, each time about half a percent of a 4 s window's requests. A 2 s or 4 s window catches zero
    # to two collections, so its p99 was either a stall or the ordinary tail (ranges up to 0.37-2.59 and
    # 0.99-3.43 in sessions 9 and 10). A 10 s window catches two to four. In 11 pairs of 10 s runs (session
    # 13: logs, metrics, control, mcp-call), ours' p99 was below Hono's in every pair.
    store_latency_seconds=10,
    # Long enough that V8 has finished compiling the hot code with its optimising tier before anything is
    # measured: it tiers code up in the background, and with the server pinned to one core each compile
    # holds up a request. After 1 s of warm-up, ours' wasm was still getting 60+ TurboFan compiles during an
    # 8 s window of control at c=1 (workerd with --trace-wasm-compilation-times), and 0.6-1.3% of its
    # requests took 1.6-10 ms (Hono's: 0.1-0.2%), enough to decide the p99. After 6 s of warm-up: 21
    # compiles and 0.5% slow; after 15 s: 6 compiles and 0.1% slow, none over 3 ms (one run each, session
    # 16; bench/README.md). Cold starts are measured separately.
    warmup_seconds=5,
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
    load_slices=1,
    latency_seconds=1,
    store_latency_seconds=1,
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
