"""What a rebuild can reuse: a fingerprint of all inputs, and parsed sources.

- The fingerprint hashes the package's own code and every file in the seeds,
  content and templates folders. When it equals the one stored with the last
  build, and that build's files are untouched, there is nothing to do.
- Parsed sources are kept in the cache folder under a key made of the seed's
  bytes, its sidecar, the parse settings and the code, so an edit to one seed
  re-parses that seed only. Entries no build used are removed.

The output never depends on the cache: a build from the cache is byte for byte
a clean build (the tests check this after each kind of change).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent


def code_version() -> str:
    """A hash of the package's source: a new version invalidates everything cached."""
    return package_version(PACKAGE)


def package_version(folder: Path) -> str:
    """A hash of an installed package's code (its Python files and compiled extensions, not
    their byte-compiled copies): it changes with any new version of the package, and costs
    less than asking the installer's records (importing `importlib.metadata` alone takes
    some 25 ms)."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.suffix in (".py", ".so", ".pyd") and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(*folders: Path, extra: str = "") -> str:
    """A hash of every file (name and bytes) under the given folders, and of the code."""
    digest = hashlib.sha256(code_version().encode() + extra.encode())
    for folder in folders:
        digest.update(b"\0folder\0" + str(folder).encode() + folder_digest(folder))
    return digest.hexdigest()


def folder_digest(folder: Path) -> bytes:
    """A hash of every file (name and bytes) under `folder`; empty if it is no folder."""
    digest = hashlib.sha256()
    if not folder.is_dir():
        return b""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # an editor's temporary file, gone since it was listed
                continue
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(data).digest())
    return digest.digest()


def default_cache_dir(out: Path) -> Path:
    """Where builds into `out` keep what the next build can reuse."""
    return out.absolute().parent / ".cache" / "karabakh-site"


def _manifest_path(cache_dir: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out.absolute()).encode()).hexdigest()[:16]
    return cache_dir / "builds" / f"{name}.json"


def record_build(
    cache_dir: Path,
    out: Path,
    fingerprint_: str,
    files: dict[str, tuple[int, int]],
    warnings: list[str],
    page_keys: dict[str, str],
) -> None:
    """Remember what was built into `out`: the inputs' fingerprint, the warnings, each
    file's size and modification time, and each page's content key (kept in the cache, not
    in the output)."""
    record = {
        "fingerprint": fingerprint_,
        "warnings": warnings,
        "files": files,
        "page_keys": page_keys,
    }
    path = _manifest_path(cache_dir, out)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, sort_keys=True, ensure_ascii=False), encoding="utf-8")


def _recorded(cache_dir: Path, out: Path) -> dict:
    try:
        record = json.loads(_manifest_path(cache_dir, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _untouched(out: Path, rel: str, recorded: object) -> bool:
    """Whether the file `rel` of `out` has the size and modification time recorded for it."""
    try:
        stat = (out / rel).stat()
        size, mtime = recorded  # type: ignore[misc]
    except (OSError, TypeError, ValueError):
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime


def kept_pages(cache_dir: Path, out: Path) -> dict[str, str] | None:
    """The content key of each page of the last build into `out` that is still as that build
    wrote it (a page edited by hand since is made again); None if no build into `out` is
    recorded."""
    record = _recorded(cache_dir, out)
    files, keys = record.get("files"), record.get("page_keys", {})
    if not isinstance(files, dict):
        return None
    if not isinstance(keys, dict):
        return {}
    return {
        rel: key
        for rel, key in keys.items()
        if isinstance(key, str) and rel in files and _untouched(out, rel, files[rel])
    }


def up_to_date(cache_dir: Path, out: Path, fingerprint_: str) -> list[str] | None:
    """The last build's warnings if `out` holds the build of exactly these inputs,
    untouched since; None if it must be built again."""
    recorded = _recorded(cache_dir, out)
    if not fingerprint_ or recorded.get("fingerprint") != fingerprint_:
        return None
    files = recorded.get("files", {})
    if not isinstance(files, dict) or not all(
        _untouched(out, rel, value) for rel, value in files.items()
    ):
        return None
    present = sum(1 for p in out.rglob("*") if p.is_file() and p.name != ".karabakh-site")
    return list(recorded.get("warnings", [])) if present == len(files) else None


class Cache:
    """Pickled values in a folder, one file per key. With `memory` (a dict that a process
    serving previews keeps between builds), values are also kept as objects, so that the
    next build takes them without reading and unpickling them; they are never modified."""

    def __init__(self, folder: Path | None, memory: dict[str, object] | None = None):
        self.folder = folder
        self.memory = memory
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def folder_for(self, name: str) -> Path | None:
        """A subfolder of the cache for another kind of entry (None without a cache)."""
        return self.folder / name if self.folder is not None else None

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str):
        self.used.add(key)
        if self.memory is not None and key in self.memory:
            self.hits += 1
            return self.memory[key]
        if self.folder is None:
            return None
        try:
            with self._path(key).open("rb") as fh:
                value = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        if self.memory is not None:
            self.memory[key] = value
        return value

    def put(self, key: str, value) -> None:
        self.used.add(key)
        if self.memory is not None:
            self.memory[key] = value
        if self.folder is None:
            return
        path = self._path(key)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)

    def kept(self, key: str, make: Callable[[], T]) -> T:
        """`make()`, or what it made for the same key in an earlier build (kept in memory
        only, never written to the folder)."""
        if self.memory is None:
            return make()
        self.used.add(key)
        if key not in self.memory:
            self.memory[key] = make()
        return self.memory[key]  # type: ignore[return-value]

    def sweep(self) -> None:
        """Remove entries this build did not use."""
        if self.memory is not None:
            for key in [k for k in self.memory if k not in self.used]:
                del self.memory[key]
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("??/*.pickle"):
            if path.stem not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()


def key(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode() + b"\0")
    return digest.hexdigest()
