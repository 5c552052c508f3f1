"""A private copy of the working tree, which is what the benchmark builds and edits.

Other work goes on in the repository while the benchmark runs; building a copy keeps every measurement
on one consistent state, keeps the benchmark's cargo builds from contending for the repository's target
directory, and lets the rebuild measurement edit the spec and a handler without touching anyone's files.
The copy is synced, not recreated: unchanged files are left alone, so cargo and worker-build reuse the
previous run's outputs.
"""

import filecmp
import shutil
from pathlib import Path

# Build outputs, tools and the benchmark itself; `worker/build` is kept in the copy (worker-build's output).
EXCLUDED = {"target", "node_modules", ".git", "bench", ".wrangler", "worker/build", "e2e/artifacts"}


def sync(source: Path, copy: Path) -> Path:
    """Makes `copy` hold exactly the files of `source` (minus EXCLUDED); returns `copy`."""
    copy.mkdir(parents=True, exist_ok=True)
    _sync_dir(source, copy, source)
    return copy


def _excluded(path: Path, root: Path) -> bool:
    return path.relative_to(root).as_posix() in EXCLUDED


def _sync_dir(source: Path, copy: Path, root: Path) -> None:
    wanted = {entry.name for entry in source.iterdir() if not _excluded(entry, root)}
    for entry in copy.iterdir():
        if entry.name not in wanted and not _excluded(source / entry.name, root):
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for name in sorted(wanted):
        src, dst = source / name, copy / name
        if src.is_dir() and not src.is_symlink():
            if dst.exists() and not dst.is_dir():
                dst.unlink()
            dst.mkdir(exist_ok=True)
            _sync_dir(src, dst, root)
        elif not dst.exists() or not filecmp.cmp(src, dst, shallow=False):
            if dst.is_dir():
                shutil.rmtree(dst)
            # A fresh timestamp, not the source's: an edit made before the copy's last build must still
            # look newer than that build to cargo.
            shutil.copyfile(src, dst)
            shutil.copymode(src, dst)
