"""Reading the seeds folder: the only place source files are opened."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .config import load_sidecar
from .errors import SiteError
from .model import SeedFile, SourceMeta

SIDECAR_SUFFIXES = (".yaml", ".yml")
IGNORED_PREFIXES = (".", "README", "readme")


def load_seeds(folder: Path) -> list[SeedFile]:
    """Every `*.txt` in `folder`, decoded as UTF-8, with its optional `NAME.yaml` sidecar."""
    if not folder.is_dir():
        raise SiteError("seeds folder not found", folder)
    root = folder.resolve()
    texts: dict[str, Path] = {}
    sidecars: dict[str, Path] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith(IGNORED_PREFIXES):
            continue
        if path.is_symlink():
            target = path.resolve()
            if root not in target.parents:
                raise SiteError(
                    f"is a link to a file outside the seeds folder ({target}); "
                    "copy the file in instead",
                    path,
                )
        if path.is_dir():
            continue
        if path.suffix == ".txt":
            texts[path.stem] = path
        elif path.suffix in SIDECAR_SUFFIXES:
            sidecars[path.stem] = path
        else:
            raise SiteError(
                "unsupported file in the seeds folder: it holds source texts (NAME.txt) "
                "and their optional sidecars (NAME.yaml)",
                path,
            )
    for stem, path in sidecars.items():
        if stem not in texts:
            raise SiteError(f"sidecar has no matching source text {stem}.txt", path)
    if not texts:
        raise SiteError("no source texts (*.txt) in the seeds folder", folder)
    seeds = []
    for stem, path in texts.items():
        meta = load_sidecar(sidecars[stem]) if stem in sidecars else SourceMeta()
        seeds.append(read_seed(path, meta))
    return seeds


def read_seed(path: Path, meta: SourceMeta) -> SeedFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"cannot read file: {exc.strerror or exc}", path) from exc
    if b"\x00" in raw[:65536]:
        raise SiteError(
            "looks like a binary file (it contains NUL bytes), not a text; "
            "seeds must be plain UTF-8 text",
            path,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SiteError(
            f"is not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
            f"(line {line}); save the file as UTF-8",
            path,
        ) from exc
    if not text.strip().lstrip("\ufeff").strip():
        raise SiteError("is empty (no text to build from)", path)
    return SeedFile(
        name=path.name,
        stem=path.stem,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        meta=meta,
    )


def is_within(path: Path, root: Path) -> bool:
    return os.path.commonpath([path.resolve(), root.resolve()]) == str(root.resolve())
