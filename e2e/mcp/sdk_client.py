"""Drives the worker's MCP server with the official MCP Python SDK (`mcp` from PyPI), as any client would.

    python3 e2e/mcp/sdk_client.py --url http://127.0.0.1:8787/mcp --token TOKEN \
        --tools get_health,get_logs --widget ui://widget/dashboard.html

Connects without credentials, then with the bearer token; initializes, lists tools and resources, reads the
widget, calls every tool (the SDK validates each structuredContent against the tool's outputSchema), checks
that a scoped tool refuses an anonymous caller with 401 and the RFC 9728 challenge, and that bad arguments
come back as a tool error naming the argument. Prints one line per check; exits 1 on the first failure.
"""

import argparse
import asyncio
import json
import sys

import httpx
from mcp import ClientSession, McpError
from mcp.client.streamable_http import streamablehttp_client
from pydantic import AnyUrl

# Arguments for every tool of the dashboard spec; a tool missing here is called with none.
ARGUMENTS = {
    "get_logs": {"limit": 5},
    "get_traces": {"limit": 5},
    "control": {"action": "resume"},
    "start_test_flow": {"endpoint": "http://127.0.0.1:9/mcp", "workflow": "handshake"},
}


def check(condition, message):
    if not condition:
        print(f"FAIL {message}", flush=True)
        sys.exit(1)
    print(f"ok   {message}", flush=True)


async def anonymous(url, expected_tools, widget):
    async with streamablehttp_client(url) as (read, write, session_id):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.serverInfo.name == "cortexdx-dashboard", f"initialize names the server ({init.serverInfo.name})")
            check(init.protocolVersion in ("2025-11-25", "2025-06-18", "2025-03-26"),
                  f"protocol version negotiated: {init.protocolVersion}")
            check(init.capabilities.tools is not None and init.capabilities.resources is not None,
                  "capabilities announce tools and resources")
            check(init.capabilities.prompts is None, "no prompts capability")
            check(bool(session_id()), "initialize issued an Mcp-Session-Id")

            tools = (await session.list_tools()).tools
            names = sorted(tool.name for tool in tools)
            check(names == sorted(expected_tools), f"tools/list lists the spec's tools: {names}")
            for tool in tools:
                check(tool.inputSchema.get("type") == "object" and tool.outputSchema is not None,
                      f"{tool.name} has input and output schemas")

            resources = (await session.list_resources()).resources
            uris = [str(resource.uri) for resource in resources]
            check(widget in uris, f"resources/list includes {widget}")
            contents = (await session.read_resource(AnyUrl(widget))).contents
            check(len(contents) == 1 and contents[0].mimeType == "text/html+skybridge",
                  "the widget is text/html+skybridge")
            check("window.openai" in contents[0].text and contents[0].text.lstrip().lower().startswith("<!doctype html"),
                  "the widget is the dashboard's HTML that reads window.openai")

            health = await session.call_tool("get_health", {})
            check(not health.isError and health.structuredContent["status"] in ("ok", "degraded"),
                  "get_health needs no token and returns structuredContent")
            check(json.loads(health.content[0].text) == health.structuredContent,
                  "the text content is the structured content as JSON")

            try:
                await session.call_tool("no_such_tool", {})
                check(False, "an unknown tool is refused")
            except McpError as error:
                check(error.error.code == -32602, f"an unknown tool is invalid params ({error.error.code})")

            await session.send_ping()
            check(True, "ping answered")


async def refused_without_token(url):
    """A scoped tool called anonymously fails the HTTP request with 401 and the RFC 9728 challenge."""
    try:
        async with streamablehttp_client(url) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                await asyncio.wait_for(session.call_tool("get_logs", {"limit": 1}), timeout=20)
        check(False, "get_logs without a token is refused")
    except* httpx.HTTPStatusError as group:
        response = group.exceptions[0].response
        challenge = response.headers.get("www-authenticate", "")
        check(response.status_code == 401, f"get_logs without a token answers HTTP {response.status_code}")
        check("resource_metadata=" in challenge and "/.well-known/oauth-protected-resource" in challenge,
              f"the 401 names the resource metadata: {challenge}")


async def signed_in(url, token, expected_tools):
    headers = {"Authorization": f"Bearer {token}"}
    async with streamablehttp_client(url, headers=headers) as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for name in sorted(expected_tools):
                result = await session.call_tool(name, ARGUMENTS.get(name, {}))
                check(not result.isError and isinstance(result.structuredContent, dict),
                      f"{name} returns structuredContent matching its outputSchema")
            logs = await session.call_tool("get_logs", {"limit": 5000})
            check(logs.isError and "arguments.limit" in logs.content[0].text,
                  f"an out-of-range argument is a tool error naming it: {logs.content[0].text}")
            control = await session.call_tool("control", {"action": "explode"})
            check(control.isError and "arguments.action" in control.content[0].text,
                  f"a bad enum value is a tool error naming it: {control.content[0].text}")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--tools", required=True, help="comma-separated tool names the spec declares")
    parser.add_argument("--widget", required=True)
    args = parser.parse_args()
    tools = args.tools.split(",")
    await anonymous(args.url, tools, args.widget)
    await refused_without_token(args.url)
    await signed_in(args.url, args.token, tools)
    print("all checks passed", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
