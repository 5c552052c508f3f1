"""A small MCP server for the end-to-end tests, built on the official Python SDK (FastMCP) and served over
Streamable HTTP on loopback.

It listens on 127.0.0.1 (port 0 picks a free one) and prints `listening on http://127.0.0.1:PORT` once it
accepts connections. Four endpoints serve the same tools, resources and prompts:

* `/mcp`: answers requests with `text/event-stream` (the SDK's default) and keeps sessions;
* `/json/mcp`: answers with `application/json`;
* `/slow/mcp`: like `/mcp`, but every HTTP request waits `--slow-seconds` first (for cancelling a run);
* `/hang/mcp`: never answers (for step timeouts).

Run it with `python3 e2e/mcp/test_server.py --port 0`; the e2e harness starts and stops it.
"""

import argparse
import asyncio
import contextlib
import socket
import sys

import uvicorn
from mcp.server.fastmcp import FastMCP
from starlette.applications import Starlette
from starlette.routing import Mount, Route

# The dev environment's test flows check what the workflows list against these names.
TOOLS = ("add", "echo")
RESOURCE = "config://dashboard"


def build_server(json_response: bool) -> FastMCP:
    server = FastMCP("cortexdx-e2e", json_response=json_response, streamable_http_path="/mcp")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Adds two integers."""
        return a + b

    @server.tool()
    def echo(text: str) -> str:
        """Returns the text it is given."""
        return text

    @server.resource(RESOURCE)
    def dashboard_config() -> str:
        """The settings a dashboard would read."""
        return '{"environment": "dev"}'

    @server.resource("notes://{name}")
    def note(name: str) -> str:
        """A note by name."""
        return f"note {name}"

    @server.prompt()
    def review(code: str) -> str:
        """Asks for a review of some code."""
        return f"Please review:\n{code}"

    return server


class Delayed:
    """ASGI middleware that holds every HTTP request for a while before the app sees it."""

    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


async def never_answer(request):
    """Holds the request until the client gives up (or the server stops)."""
    await asyncio.sleep(3600)


def build_app(slow_seconds: float) -> Starlette:
    servers = {name: build_server(json_response=(name == "json")) for name in ("sse", "json", "slow")}
    apps = {name: server.streamable_http_app() for name, server in servers.items()}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Mounted apps get no lifespan events of their own: each session manager is run here.
        async with contextlib.AsyncExitStack() as stack:
            for server in servers.values():
                await stack.enter_async_context(server.session_manager.run())
            yield

    return Starlette(
        routes=[
            Route("/hang/mcp", never_answer, methods=["GET", "POST", "DELETE"]),
            Mount("/json", app=apps["json"]),
            Mount("/slow", app=Delayed(apps["slow"], slow_seconds)),
            Mount("/", app=apps["sse"]),
        ],
        lifespan=lifespan,
    )


class AnnouncingServer(uvicorn.Server):
    """Prints the address once the server accepts connections, so the harness knows when to go on."""

    def __init__(self, config, port):
        super().__init__(config)
        self.port = port

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        print(f"listening on http://127.0.0.1:{self.port}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--slow-seconds", type=float, default=3.0, help="delay of every /slow request")
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    port = listener.getsockname()[1]
    config = uvicorn.Config(build_app(args.slow_seconds), log_level="warning", lifespan="on")
    AnnouncingServer(config, port).run(sockets=[listener])
    return 0


if __name__ == "__main__":
    sys.exit(main())
