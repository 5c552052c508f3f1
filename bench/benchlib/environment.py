"""The machine and tool versions a run used, recorded beside its numbers."""

import datetime
import json
import os
import platform
from pathlib import Path

from .paths import Paths
from .proc import output


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def package_version(paths: Paths, name: str) -> str:
    try:
        return json.loads((paths.repo / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, KeyError, ValueError):
        return "not installed"


def git_state(paths: Paths) -> str:
    commit = output(["git", "rev-parse", "--short", "HEAD"], cwd=paths.repo)
    dirty = output(["git", "status", "--porcelain"], cwd=paths.repo)
    return f"{commit}{' (with uncommitted changes)' if dirty else ''}"


def record(paths: Paths) -> dict:
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git_state(paths),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg()[0],
        "versions": {
            "rustc": output(["rustc", "-V"]),
            "workerd": output([str(paths.workerd), "--version"]),
            "wrk": output(["wrk", "-v"]).splitlines()[0] if output(["wrk", "-v"]) else "",
            "oha": output(["oha", "--version"]),
            "node": output(["node", "--version"]),
            "wrangler": package_version(paths, "wrangler"),
            "hono": package_version(paths, "hono"),
            # The Hono baseline's MCP server and zod, its schema library (both pinned in package.json).
            "mcp_server_sdk": package_version(paths, "@modelcontextprotocol/server"),
            "zod": package_version(paths, "zod"),
            "esbuild": package_version(paths, "esbuild"),
            "worker-build": output(["worker-build", "--version"]),
            "python": platform.python_version(),
        },
    }
