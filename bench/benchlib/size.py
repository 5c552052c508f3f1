"""What the workers upload: wasm and JS glue, raw and gzipped, and wrangler's own total."""

import gzip
import re
from pathlib import Path

from .builds import Worker
from .paths import Paths
from .proc import BenchError, run

KIB = 1024


def file_size(path: Path) -> dict:
    data = path.read_bytes()
    # zlib's default level, as wrangler reports `gzip:` sizes.
    return {"raw_kib": len(data) / KIB, "gzip_kib": len(gzip.compress(data, compresslevel=6)) / KIB}


def worker_sizes(worker: Worker) -> dict:
    sizes = {m.name: file_size(m.path) for m in worker.modules}
    sizes["total_gzip_kib"] = sum(s["gzip_kib"] for s in sizes.values())
    return sizes


def wrangler_config_without_build(generated: Path) -> Path:
    """A copy of the generated wrangler.toml without its `[build]` table: the benchmark has just built the
    wasm, and the dry run would otherwise rerun worker-build (minutes of wasm-opt) to report the same size."""
    text = (generated / "wrangler.toml").read_text()
    stripped = re.sub(r"(?ms)^\[build\]\n.*?(?=^\[|\Z)", "", text)
    copy = generated / "wrangler.bench.toml"
    copy.write_text(stripped)
    return copy


def wrangler_dry_run(paths: Paths, log: Path) -> dict:
    """`wrangler deploy --dry-run` of the snapshot's generated config, default environment."""
    generated = paths.tree / "generated"
    config = wrangler_config_without_build(generated)
    out = paths.work / "dry-run"
    run([str(paths.node_bin / "wrangler"), "deploy", "--dry-run", "--config", config.name, "--outdir", str(out),
         "--env", ""], log, cwd=generated)
    match = re.findall(r"Total Upload: ([0-9.]+) KiB / gzip: ([0-9.]+) KiB", log.read_text())
    if not match:
        raise BenchError(f"no `Total Upload` line in the wrangler output; see {log}")
    total, gzipped = match[-1]
    return {"total_kib": float(total), "gzip_kib": float(gzipped)}
