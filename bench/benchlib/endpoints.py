"""The requests the runtime benchmark sends, one line each. Every request carries an allowed `Origin`, as a
browser on chatgpt.com would send it, so both workers run their CORS code on every request. Health and the
well-known document are public routes (`cors: public` in the spec): both workers answer them with
`Access-Control-Allow-Origin: *`, whatever the `Origin` (`bench/parity` checks the two agree)."""

import json
from collections.abc import Callable
from dataclasses import dataclass

ORIGIN = ("Origin", "https://chatgpt.com")
JSON = ("Content-Type", "application/json")

# A signed-in session, present in KV from the start (baselines/support/kv.js): scoped routes look it up on
# every request, as they would for a user signed in through /auth/login. Session ids are sent as bearer
# tokens; a JWT would instead be checked against the issuer's JWKS, which needs the network.
SESSION_ID = "bench-session-0123456789abcdef"
AUTH = ("Authorization", f"Bearer {SESSION_ID}")
MCP_SESSION_ID = "bench-mcp-session-0123456789abcdef"
MCP_PROTOCOL_VERSION = "2025-11-25"
# What an MCP client sends on every request after `initialize` (Streamable HTTP): the SDK's transport
# insists on both media types in Accept, as the MCP spec says clients send them.
MCP_HEADERS = (JSON, AUTH, ("Accept", "application/json, text/event-stream"), ("Mcp-Session-Id", MCP_SESSION_ID),
               ("MCP-Protocol-Version", MCP_PROTOCOL_VERSION))
KV_SEED = {
    f"session:{SESSION_ID}": json.dumps(
        {"subject": "bench", "scopes": ["search.read", "docs.write", "memory.read", "memory.write", "memory.delete"]}
    ),
    # An MCP session, as `initialize` leaves it in KV (codegen/runtime/src/mcp/session.rs), so every measured
    # MCP request is a call on an open session, with no handshake of its own.
    f"mcp-session:{MCP_SESSION_ID}": json.dumps({"protocol_version": MCP_PROTOCOL_VERSION}),
}


@dataclass(frozen=True)
class Endpoint:
    key: str  # the name in tables and plots
    method: str
    path: str
    status: int  # what both workers must answer; checked before every measurement
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # What the request does, when the method and path do not say (one JSON-RPC method on /mcp).
    note: str = ""
    # Checks a 200 body beyond its status: None when right, else what is wrong with it.
    check: Callable[[bytes], str | None] | None = None
    # Answered by the one Durable Object instance, where concurrent requests queue (Profile.latency_window).
    store: bool = False

    def all_headers(self) -> dict[str, str]:
        return dict((ORIGIN, *self.headers))

    def problem(self, status: int, body: bytes) -> str | None:
        """What is wrong with this answer (its status, or its body where the endpoint checks it), if anything."""
        if status != self.status:
            return f"answered {status} instead of {self.status}: {body[:160].decode(errors='replace')}"
        return self.check(body) if self.check else None

    def describe(self) -> str:
        note = f" {self.note}" if self.note else ""
        signed_in = " (signed in)" if AUTH in self.headers else ""
        return f"{self.method} {self.path}{note}{signed_in}"


def mcp_call(tool: str) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": {}}},
                      separators=(",", ":"))


def tool_result(body: bytes) -> str | None:
    """A successful `tools/call` answer as both workers give it: the route's answer as `structuredContent` and,
    for clients that read only `content`, as its JSON text."""
    try:
        answer = json.loads(body)
        result = answer["result"]
        content, structured = result["content"], result["structuredContent"]
        if answer.get("jsonrpc") != "2.0" or answer.get("id") != 1:
            return f"not the JSON-RPC response to request 1: {body[:160]!r}"
        if result.get("isError") is not False or not isinstance(structured, dict):
            return f"not a successful tool result: {body[:160]!r}"
        if [c["type"] for c in content] != ["text"] or json.loads(content[0]["text"]) != structured:
            return "content is not structuredContent's JSON text"
    except (ValueError, KeyError, TypeError, IndexError) as error:
        return f"not a JSON-RPC tool result ({error!r}): {body[:160]!r}"
    return None


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("health", "GET", "/api/health", 200),
    Endpoint("well-known", "GET", "/.well-known/oauth-protected-resource", 200),
    # A session check in KV, then a full page from the Durable Object: the store holds more than 100 entries
    # before measuring (runtime.seed).
    Endpoint("logs", "GET", "/api/logs?limit=100", 200, headers=(AUTH,), store=True),
    # A session check, then counters aggregated in the Durable Object's SQLite.
    Endpoint("metrics", "GET", "/api/metrics", 200, headers=(AUTH,), store=True),
    # Pausing while paused: after the first request this is a session check, body validation and a call to
    # the Durable Object, which knows the flag from memory (optimisations/19) and writes nothing, every time.
    Endpoint("control", "POST", "/api/control", 200, body='{"action":"pause"}', headers=(JSON, AUTH), store=True),
    # An MCP tool call on an open session (KV_SEED): the MCP session check, then what the metrics row does
    # (its scope check included), answered with JSON, not an event stream.
    Endpoint("mcp-call", "POST", "/mcp", 200, body=mcp_call("get_metrics"), headers=MCP_HEADERS,
             note="tools/call get_metrics", check=tool_result, store=True),
    # A scoped route without credentials: the challenge, without touching KV or the Durable Object.
    Endpoint("unauthorized", "GET", "/api/logs?limit=100", 401),
    Endpoint("not-found", "GET", "/no/such/route", 404),
    Endpoint("preflight", "OPTIONS", "/api/control", 204,
             headers=(("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"))),
)

# The floor answers every path with the same constant, so it is measured once, on this endpoint.
FLOOR_ENDPOINT = ENDPOINTS[0]
