"""The requests the runtime benchmark sends, one line each. Every request carries an allowed `Origin`, as a
browser on chatgpt.com would send it, so both workers run their CORS code on every request."""

from dataclasses import dataclass

ORIGIN = ("Origin", "https://chatgpt.com")
JSON = ("Content-Type", "application/json")


@dataclass(frozen=True)
class Endpoint:
    key: str  # the name in tables and plots
    method: str
    path: str
    status: int  # what both workers must answer; checked before every measurement
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def all_headers(self) -> dict[str, str]:
        return dict((ORIGIN, *self.headers))


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health", "GET", "/api/health", 200),
    Endpoint("well-known", "GET", "/.well-known/oauth-protected-resource", 200),
    # Reads a full page: the store is seeded with more than 100 entries before measuring (runtime.seed).
    Endpoint("logs", "GET", "/api/logs?limit=100", 200),
    # Pausing while paused: after the first request this is body validation plus a store read, every time.
    Endpoint("control", "POST", "/api/control", 200, body='{"action":"pause"}', headers=(JSON,)),
    # Lands with the auth issue (scope checks): uncomment, and give the rows above a valid token.
    # Endpoint("unauthorized", "GET", "/api/metrics", 401),
    Endpoint("not-found", "GET", "/no/such/route", 404),
    Endpoint("preflight", "OPTIONS", "/api/control", 204,
             headers=(("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"))),
    # Later: a KV-backed session check and a Durable Object read, once those routes exist.
)

# The floor answers every path with the same constant, so it is measured once, on this endpoint.
FLOOR_ENDPOINT = ENDPOINTS[0]
