"""How each stand-alone bench tool (`profile`, `parity`, `health-js`, `order-noise`) starts: from a fresh
snapshot of the working tree, as `bench/run` does, so that it measures what the repository holds now."""

from pathlib import Path

from . import snapshot
from .paths import Paths, repository_root
from .workerd import compatibility_date


def start(log_name: str) -> tuple[Paths, str, Path]:
    """The bench paths, with the working tree synced into the snapshot the builds read; the compatibility
    date every workerd config uses; and the log file for this tool's builds."""
    paths = Paths(repository_root())
    paths.logs.mkdir(parents=True, exist_ok=True)
    snapshot.sync(paths.repo, paths.tree)
    return paths, compatibility_date(paths.tree / "spec" / "dashboard.yaml"), paths.logs / log_name
