"""Where the benchmark reads and writes. Everything it builds lives under `target/bench/` (ignored by git);
only the report goes to `bench/results/`."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    repo: Path

    @property
    def bench(self) -> Path:
        return self.repo / "bench"

    @property
    def results(self) -> Path:
        return self.bench / "results"

    @property
    def work(self) -> Path:
        return self.repo / "target" / "bench"

    @property
    def tree(self) -> Path:
        """The snapshot of the working tree that is built and edited (see snapshot.py)."""
        return self.work / "tree"

    @property
    def cargo_target(self) -> Path:
        """One target directory for the snapshot and the dispatch worker, so they share compiled crates."""
        return self.work / "cargo"

    @property
    def check_target(self) -> Path:
        """`cargo check` output of the generated-code crates (debug metadata, unlike the release builds)."""
        return self.work / "check"

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    @property
    def node_bin(self) -> Path:
        return self.repo / "node_modules" / ".bin"

    @property
    def workerd(self) -> Path:
        return self.repo / "node_modules" / "@cloudflare" / "workerd-linux-64" / "bin" / "workerd"

    @property
    def esbuild(self) -> Path:
        return self.repo / "node_modules" / "@esbuild" / "linux-x64" / "bin" / "esbuild"

    @property
    def codegen(self) -> Path:
        return self.cargo_target / "release" / "codegen"


def repository_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent
