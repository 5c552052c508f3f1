"""Running commands, timing them, and talking HTTP to a local server."""

import http.client
import os
import resource
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path


class BenchError(Exception):
    """A step failed; the message says which and where its log is."""


class Progress:
    """Prints a progress line with the seconds since the run started."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[bench {time.perf_counter() - self.started:6.0f}s] {message}", flush=True)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3 of stat(5); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_pinned(command: list[str], cpu: int) -> list[str]:
    """Pins a command to one CPU when `taskset` exists. On a 2-core machine the server gets one core and
    the load generator the other, so neither steals the other's time slices mid-measurement."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(cpu), *command]
    return command


def memory_capped(limit_bytes: int | None):
    """A `preexec_fn` limiting a child's address space, so a runaway compiler fails instead of pushing
    the shared machine into swap or the OOM killer."""
    if limit_bytes is None:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def run(command: list[str], log: Path, cwd: Path | None = None, env: dict | None = None,
        timeout: float | None = None, memory_limit: int | None = None) -> float:
    """Runs a command to completion, its output appended to `log`; returns the wall time in seconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(map(str, command))}   (in {cwd or Path.cwd()})\n")
        out.flush()
        started = time.perf_counter()
        try:
            result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    timeout=timeout, preexec_fn=memory_capped(memory_limit))
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"`{command[0]}` did not finish within {timeout:.0f} s; see {log}") from error
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchError(f"`{' '.join(map(str, command[:4]))} …` failed ({result.returncode}); see {log}:\n{tail(log)}")
    return elapsed


def measured(command: list[str], log: Path, cwd: Path | None = None, env: dict | None = None,
             timeout: float | None = None, memory_limit: int | None = None) -> dict:
    """Like `run`, but returns the wall seconds, the CPU seconds (user + system, of the command and everything
    it waited for) and the peak resident memory of the largest of those processes: on a shared machine CPU
    time is the steadier measure of work done, and memory is what runs out first."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(map(str, command))}   (in {cwd or Path.cwd()})\n")
        out.flush()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=memory_capped(memory_limit))
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        # wait4 rather than wait: it reports this child's own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
        if timer:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
    if timed_out.is_set():
        raise BenchError(f"`{command[0]}` did not finish within {timeout:.0f} s; see {log}")
    if process.returncode != 0:
        raise BenchError(f"`{' '.join(map(str, command[:4]))} …` failed ({process.returncode}); see {log}:\n{tail(log)}")
    return {"wall_s": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_mib": usage.ru_maxrss / 1024}


def output(command: list[str], cwd: Path | None = None) -> str:
    """A short command's stdout, or an empty string when it cannot run (used for version strings)."""
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    """One HTTP request to the local server: (status, body)."""
    status, _, answer = exchange(port, method, path, body, headers, timeout)
    return status, answer


def exchange(port: int, method: str, path: str, body: str | None = None,
             headers: dict[str, str] | None = None, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to the local server: (status, headers by lower-case name, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, answer_headers, response.read()
    finally:
        connection.close()


def wait_for_ok(port: int, path: str, deadline: float, process: subprocess.Popen) -> None:
    """Polls until `path` answers 200; raises if the process dies or the deadline passes."""
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise BenchError(f"workerd exited with {process.returncode} before answering")
        try:
            if request(port, "GET", path, timeout=2.0)[0] == 200:
                return
        except OSError:
            pass
        # Short enough not to blur cold-start times, long enough not to load a starting server.
        time.sleep(0.002)
    raise BenchError(f"no 200 from {path} before the deadline")


def timed_output(command: list[str], cwd: Path, env: dict, log: Path) -> tuple[float, str]:
    """Runs a command, returning its wall time and combined output (also appended to `log`)."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - started
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(command)}   (in {cwd})\n{result.stdout}")
    if result.returncode != 0:
        raise BenchError(f"`{' '.join(command[:4])} …` failed ({result.returncode}); see {log}:\n{tail(log)}")
    return elapsed, result.stdout
