"""The requests the runtime benchmark sends, one line each. Every request carries an allowed `Origin`, as a
browser on chatgpt.com would send it, so both workers run their CORS code on every request."""

import json
from dataclasses import dataclass

ORIGIN = ("Origin", "https://chatgpt.com")
JSON = ("Content-Type", "application/json")

# A signed-in session, present in KV from the start (baselines/support/kv.js): scoped routes look it up on
# every request, as they would for a user signed in through /auth/login. Session ids are sent as bearer
# tokens; a JWT would instead be checked against the issuer's JWKS, which needs the network.
SESSION_ID = "bench-session-0123456789abcdef"
AUTH = ("Authorization", f"Bearer {SESSION_ID}")
KV_SEED = {
    f"session:{SESSION_ID}": json.dumps(
        {"subject": "bench", "scopes": ["search.read", "docs.write", "memory.read", "memory.write", "memory.delete"]}
    )
}


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

    def describe(self) -> str:
        signed_in = " (signed in)" if AUTH in self.headers else ""
        return f"{self.method} {self.path}{signed_in}"


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health", "GET", "/api/health", 200),
    Endpoint("well-known", "GET", "/.well-known/oauth-protected-resource", 200),
    # A session check in KV, then a full page from the Durable Object: the store holds more than 100 entries
    # before measuring (runtime.seed).
    Endpoint("logs", "GET", "/api/logs?limit=100", 200, headers=(AUTH,)),
    # A session check, then counters aggregated in the Durable Object's SQLite.
    Endpoint("metrics", "GET", "/api/metrics", 200, headers=(AUTH,)),
    # Pausing while paused: after the first request this is a session check, body validation and a store
    # read, every time.
    Endpoint("control", "POST", "/api/control", 200, body='{"action":"pause"}', headers=(JSON, AUTH)),
    # A scoped route without credentials: the challenge, without touching KV or the Durable Object.
    Endpoint("unauthorized", "GET", "/api/logs?limit=100", 401),
    Endpoint("not-found", "GET", "/no/such/route", 404),
    Endpoint("preflight", "OPTIONS", "/api/control", 204,
             headers=(("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"))),
)

# The floor answers every path with the same constant, so it is measured once, on this endpoint.
FLOOR_ENDPOINT = ENDPOINTS[0]
