"""What a rebuild of the release wasm costs after a no-op, a one-route spec edit and a one-line handler
edit. The edits are made to the snapshot (never the repository's files) and reverted afterwards."""

import re
from contextlib import contextmanager
from pathlib import Path

from .builds import cargo_env
from .paths import Paths
from .proc import BenchError, timed_output
from .stats import ratio_summary, summary

BUILD = ["cargo", "build", "-v", "--release", "-p", "cortexdx-dashboard", "--target", "wasm32-unknown-unknown"]
# The route whose summary the spec edit changes, and the handler file the code edit appends to.
SPEC_EDIT = ("summary: Service health\n", "summary: Service health (bench edit {n})\n")
HANDLER_FILE = Path("worker/src/lib.rs")


def codegen_ran(verbose_output: str) -> bool:
    """Whether cargo ran the worker's build script, which is where code generation happens."""
    return re.search(r"Running `[^`]*cortexdx-dashboard-[0-9a-f]+/build-script-build`", verbose_output) is not None


@contextmanager
def restored(*files: Path):
    """Puts the files' exact bytes back however the block ends."""
    originals = {f: f.read_bytes() for f in files}
    try:
        yield
    finally:
        for f, data in originals.items():
            f.write_bytes(data)


def build(paths: Paths, log: Path) -> tuple[float, str]:
    return timed_output(BUILD, paths.tree, cargo_env(paths), log)


def edit_spec(spec: Path, original: str, n: int) -> None:
    old, new = SPEC_EDIT
    if old not in original:
        raise BenchError(f"{spec}: no `{old.strip()}` line to edit")
    spec.write_text(original.replace(old, new.format(n=n), 1))


def measure(paths: Paths, rounds: int, log: Path, say) -> dict:
    """Each round: a no-op build, then the spec edit, then the handler edit, each timed on its own. Edits
    are not reverted between rounds but replaced by the next round's variant, so every timed build sees
    exactly one change; the originals come back at the end."""
    spec, handler = paths.tree / "spec" / "dashboard.yaml", paths.tree / HANDLER_FILE
    spec_text, handler_text = spec.read_text(), handler.read_text()
    noop, spec_edit, handler_edit, noop_codegen, spec_codegen = [], [], [], [], []
    say("rebuild: bringing the release build up to date (untimed)")
    build(paths, log)
    with restored(spec, handler):
        for n in range(rounds):
            say(f"rebuild round {n + 1}/{rounds}")
            seconds, out = build(paths, log)
            noop.append(seconds)
            noop_codegen.append(codegen_ran(out))
            edit_spec(spec, spec_text, n)
            seconds, out = build(paths, log)
            spec_edit.append(seconds)
            spec_codegen.append(codegen_ran(out))
            handler.write_text(handler_text + f"// bench edit {n}\n")
            handler_edit.append(build(paths, log)[0])
    say("rebuild: rebuilding the restored snapshot (untimed)")
    build(paths, log)
    return {
        "noop_s": summary(noop),
        "spec_edit_s": summary(spec_edit),
        "handler_edit_s": summary(handler_edit),
        "spec_over_handler": ratio_summary(spec_edit, handler_edit),
        "noop_ran_codegen": any(noop_codegen),
        "spec_edit_ran_codegen": all(spec_codegen),
    }
