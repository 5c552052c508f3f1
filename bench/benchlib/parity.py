"""`bench/parity`: whether the Hono baseline answers every benchmarked request as ours does, so that the
runtime ratios compare the same work.

Ours and Hono are built (as `bench/run` builds them), started in workerd and seeded the same way; each
endpoint's request is sent to both, and their answers must agree in status and in JSON shape: the same keys at
every level and the same type for every value (timestamps, ids and messages may differ). Where an endpoint
checks its body (`Endpoint.check`, e.g. an MCP tool result), both answers must pass it, and for `mcp-call`,
computed from the seeded store alone, the `structuredContent` must be equal. Both must also grant the same CORS
access: the same `Access-Control-Allow-Origin` and `-Credentials`, and both varied by `Origin` or neither (header
costs are a large part of the cheapest answers). Exits 1 on any difference.
"""

import json
import sys

from . import tool
from .builds import build_hono, build_ours
from .endpoints import ENDPOINTS, Endpoint
from .proc import exchange
from .runtime import seed
from .workerd import Server

# Endpoints whose whole answer must be equal, at these keys of the JSON-RPC response.
EQUAL_AT = {"mcp-call": ("result", "structuredContent")}


def shape(value):
    """The keys and value types of a JSON value, ignoring the values themselves."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes = []
        for item in map(shape, value):
            if item not in shapes:
                shapes.append(item)
        return shapes
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


def parsed(body: bytes):
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


Answer = tuple[int, dict[str, str], bytes]


def answers(server: Server) -> dict[str, Answer]:
    seed(server)
    return {e.key: exchange(server.port, e.method, e.path, e.body, e.all_headers()) for e in ENDPOINTS}


def cors_grant(headers: dict[str, str]) -> dict[str, object]:
    """What an answer grants the requesting origin, as a browser reads it."""
    varies = any(item.strip().lower() == "origin" for item in headers.get("vary", "").split(","))
    return {"allow-origin": headers.get("access-control-allow-origin"),
            "allow-credentials": headers.get("access-control-allow-credentials"),
            "vary-origin": varies}


def differences(endpoint: Endpoint, ours: Answer, hono: Answer) -> list[str]:
    found = [f"{name}: {problem}" for name, (status, _, body) in (("ours", ours), ("hono", hono))
             if (problem := endpoint.problem(status, body))]
    if found:
        return found
    if (ours_grant := cors_grant(ours[1])) != (hono_grant := cors_grant(hono[1])):
        found.append(f"CORS differs:\n    ours {ours_grant}\n    hono {hono_grant}")
    ours_value, hono_value = parsed(ours[2]), parsed(hono[2])
    if shape(ours_value) != shape(hono_value):
        found.append(f"shapes differ:\n    ours {json.dumps(shape(ours_value))}\n    hono {json.dumps(shape(hono_value))}")
    if keys := EQUAL_AT.get(endpoint.key):
        for key in keys:
            ours_value, hono_value = ours_value[key], hono_value[key]
        if ours_value != hono_value:
            found.append(f"{'.'.join(keys)} differs:\n    ours {json.dumps(ours_value)}\n    hono {json.dumps(hono_value)}")
    return found


def main() -> int:
    paths, date, log = tool.start("parity.log")
    got = {}
    for worker in (build_ours(paths, log), build_hono(paths, log)):
        with Server(paths, worker, date) as server:
            got[worker.name] = answers(server)
    failed = 0
    for endpoint in ENDPOINTS:
        found = differences(endpoint, got["ours"][endpoint.key], got["hono"][endpoint.key])
        failed += bool(found)
        print(f"{'DIFFERS' if found else 'same   '} {endpoint.key:13} {endpoint.describe()}")
        for line in found:
            print(f"  {line}")
    print(f"{failed} of {len(ENDPOINTS)} endpoints answered differently" if failed else "every endpoint answered alike")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
