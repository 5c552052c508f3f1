"""One worker at a time in plain `workerd serve`, on a config written for it.

Plain workerd has Durable Objects (SQLite on a local disk directory) but no KV; KV and the ASSETS binding
are served by a small in-memory worker (baselines/support/kv.js), as workerd's config schema provides for
(`kvNamespace` bindings are HTTP requests to a named service).
"""

import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .builds import Worker
from .endpoints import KV_SEED
from .paths import Paths
from .proc import BenchError, cpu_pinned, free_port, wait_for_ok

# workerd pinned to the first CPU; the load generator gets the second (see proc.cpu_pinned).
SERVER_CPU = 0


def compatibility_date(spec: Path) -> str:
    """The spec's `worker.compatibility_date`, used for all three workers so they run the same runtime."""
    match = re.search(r'^\s+compatibility_date:\s*"?([0-9-]+)"?', spec.read_text(), re.MULTILINE)
    if not match:
        raise BenchError(f"{spec}: no worker.compatibility_date")
    return match.group(1)


def _modules(worker: Worker) -> str:
    entries = [f'(name = "{m.name}", {m.kind} = embed "{m.name}")' for m in worker.modules]
    return ",\n    ".join(entries)


def _bindings(worker: Worker) -> str:
    if not worker.dashboard_bindings:
        return ""
    # Secrets are text bindings in plain workerd, as `wrangler dev` makes them from `.dev.vars`.
    texts = [("ENVIRONMENT", "dev"), ("DASHBOARD_AUTH_SECRET", "bench"), ("OPENAI_CLIENT_ID", "bench"),
             ("OPENAI_CLIENT_SECRET", "bench")]
    lines = [f'(name = "{name}", text = "{value}")' for name, value in texts]
    lines += ['(name = "SESSIONS", kvNamespace = "support")', '(name = "ASSETS", service = "support")']
    if worker.durable_object:
        lines.append(f'(name = "REALTIME", durableObjectNamespace = "{worker.durable_object}")')
    return "bindings = [\n    " + ",\n    ".join(lines) + "\n  ],"


def _durable_objects(worker: Worker) -> str:
    if not worker.durable_object:
        return ""
    return (f'durableObjectNamespaces = [(className = "{worker.durable_object}", uniqueKey = "bench-{worker.name}", '
            'enableSql = true)],\n  durableObjectStorage = (localDisk = "do-storage"),')


def config(worker: Worker, port: int, date: str, storage: Path) -> str:
    """The capnp config serving `worker` on 127.0.0.1:`port`; module files sit beside it, Durable Object
    storage goes to `storage`."""
    return f'''using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .main),
    (name = "support", worker = (
      modules = [(name = "kv.js", esModule = embed "kv.js")],
      compatibilityDate = "{date}",
      bindings = [(name = "SEED", text = {json.dumps(json.dumps(KV_SEED))})],
    )),
    (name = "do-storage", disk = (path = "{storage}", writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:{port}", http = (), service = "main")],
);

const main :Workerd.Worker = (
  modules = [
    {_modules(worker)}
  ],
  compatibilityDate = "{date}",
  {_durable_objects(worker)}
  {_bindings(worker)}
);
'''


class Server:
    """`workerd serve` for one worker, in a fresh directory (so Durable Object storage starts empty)."""

    def __init__(self, paths: Paths, worker: Worker, date: str, inspector_port: int | None = None):
        """`inspector_port`: also serve the DevTools protocol there (`bench/profile`)."""
        self.paths, self.worker, self.date = paths, worker, date
        self.port = free_port()
        self.inspector_port = inspector_port
        self.process: subprocess.Popen | None = None
        self.directory: Path | None = None
        self.startup_seconds: float | None = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _prepare(self) -> Path:
        base = self.paths.work / "servers"
        base.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix=f"{self.worker.name}-", dir=base))
        for module in self.worker.modules:
            (directory / module.name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(module.path, directory / module.name)
        shutil.copyfile(self.paths.bench / "baselines" / "support" / "kv.js", directory / "kv.js")
        (directory / "do-storage").mkdir()
        (directory / "config.capnp").write_text(config(self.worker, self.port, self.date, directory / "do-storage"))
        return directory

    def start(self, timeout: float = 30.0) -> float:
        """Starts workerd; returns the seconds from process start to the first 200 from the worker."""
        self.directory = self._prepare()
        log = (self.directory / "workerd.log").open("w")
        inspector = [f"--inspector-addr=127.0.0.1:{self.inspector_port}"] if self.inspector_port else []
        command = cpu_pinned([str(self.paths.workerd), "serve", "config.capnp", *inspector], SERVER_CPU)
        started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_ok(self.port, self.worker.ready_path, started + timeout, self.process)
        except BenchError as error:
            self.stop(keep=True)
            raise BenchError(f"{self.worker.name}: {error}; see {self.directory / 'workerd.log'}") from error
        self.startup_seconds = time.perf_counter() - started
        return self.startup_seconds

    def stop(self, keep: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory and not keep:
            shutil.rmtree(self.directory, ignore_errors=True)
