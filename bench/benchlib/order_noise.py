"""`bench/order-noise [--rounds N] [--connections C]`: how much the order of the load runs moves a ratio.

Each round starts ours and the floor afresh, warms both up, then loads `/api/health` on both twice: the
runtime part's seconds per worker back to back, and the same seconds as its interleaved slices (which of the
two goes first alternates from round to round). It prints ours ÷ the floor (req/s and CPU per request) for
both orders: the median, range and standard deviation over the rounds. The runtime part interleaves
because, on this machine, the second order's ratios spread about half as much (bench/README.md).
"""

import argparse
import statistics

from . import tool
from .builds import build_ours, floor_worker
from .endpoints import FLOOR_ENDPOINT
from .proc import Progress
from .profile import FULL
from .runtime import interleaved_throughput, rotated, warm_up
from .workerd import Server

ORDERS = {"back to back": [FULL.load_seconds], "interleaved": FULL.slice_seconds()}


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/order-noise", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=1)
    args = parser.parse_args()

    paths, date, log = tool.start("order-noise.log")
    say = Progress()
    say("building ours")
    workers = [build_ours(paths, log), floor_worker(paths)]

    ratios: dict[str, list[tuple[float, float]]] = {order: [] for order in ORDERS}
    for round_index in range(args.rounds):
        say(f"round {round_index + 1}/{args.rounds}")
        with Server(paths, workers[0], date) as ours, Server(paths, workers[1], date) as floor:
            turn = [ours, floor]
            for server in turn:
                warm_up(server, FLOOR_ENDPOINT, FULL)
            # Which order runs first alternates. In 8 rounds with back to back always first, straight after
            # the warm-up, its median was 0.68 against the interleaved order's 0.82 (likely V8 still
            # compiling ours' wasm on the server's core; not verified).
            for order, slices in rotated(list(ORDERS.items()), round_index):
                result = interleaved_throughput(paths, turn, round_index, FLOOR_ENDPOINT, args.connections, slices)
                ratios[order].append((result[ours].rps / result[floor].rps,
                                      result[ours].cpu_us_per_request / result[floor].cpu_us_per_request))

    print(f"\n/api/health at c={args.connections}, ours ÷ the floor over {args.rounds} rounds: "
          "median (range), standard deviation")
    for order, slices in ORDERS.items():
        line = f"  {order:12} ({' + '.join(f'{s} s' for s in slices)} per worker):"
        req_s, cpu = zip(*ratios[order])
        for name, values in (("req/s", req_s), ("CPU/request", cpu)):
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            line += f"  {name} {statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f}), sd {spread:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
