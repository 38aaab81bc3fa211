"""The site search: a Pagefind index of the finished pages, written into the site.

Pagefind (its binary comes with the `pagefind[bin]` package) reads each page's
`data-pagefind-body` content and writes a compressed index in chunks, so a
reader's browser fetches only the part a search needs. Pagefind's ready-made
interfaces are not used, so they are removed.

The index is made in bundles, each a folder of `pagefind/` that Pagefind makes in
one run; `pagefind/bundles.json` lists them, and the search page (assets/search.js)
searches them all as one. A folder of the site with many pages (the names, the
sources) has bundles of its own, about `OWN_BUNDLE_PAGES` pages each; the pages at
the top of the site (and those of small folders) share one, and any group of pages has
one bundle for each `SHARE_BYTES` of HTML. A page's bundle in its group is chosen by a
digest of its path; a page of half that size or more is a bundle of its own, so that an
edit to another page never indexes it again. A build takes every bundle whose pages its
edit left as they were from the last build instead of indexing it again: each bundle is
named for a digest of its pages' bytes. So an edit that changes a few pages indexes only
the bundles they are in. Bundles hold at most `PART_BYTES` of HTML, since the indexer
holds what it reads in memory, and are made side by side on the machine's cores while
their pages together stay within that.

A site that is being previewed gets its pages first, with the last build's index;
the new one is made beside the live site and swapped in when ready (`refresh_index`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .cache import code_version
from .errors import SiteError
from .workers import cores, subprocess_dies_with_parent
from .writer import link_tree, refresh_folders

FOLDER = "pagefind"
MANIFEST = f"{FOLDER}/bundles.json"
PART_BYTES = 32_000_000
# A folder with fewer pages is indexed with the pages at the top of the site, and a folder
# has one bundle for each so many of its pages: each bundle costs a run of the indexer
# (~15 ms) and a merge in the reader's browser.
OWN_BUNDLE_PAGES = 50
# A group of pages has at least one bundle for each so many bytes of HTML, so that an edit
# indexes again only about that much beside the pages it changed (the indexer reads some
# 30 MB a second), and so that bundles are small enough to be made two at a time. A page of
# half as many bytes or more is a bundle of its own.
SHARE_BYTES = 8_000_000
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{16}")
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


@dataclass(frozen=True)
class Bundle:
    name: str  # its folder in pagefind/: the pages' group and a digest of what it indexes
    pages: list[str]
    size: int  # bytes of HTML


def index_site(
    site: Path,
    skip: frozenset[str] = frozenset(),
    into: Path | None = None,
    last: Path | None = None,
) -> None:
    """Index the pages in `site` (but those named in `skip`) into the search bundles of
    `into` (by default `site` itself); a bundle the built site `last` has is taken from it."""
    into = (into or site).absolute()
    binary = _binary()
    planned = plan_bundles(site, skip, _binary_version(binary))
    have = set(bundles(last)) if last is not None else set()
    todo = [
        bundle
        for bundle in planned
        if not (
            bundle.name in have
            and link_tree(last / FOLDER / bundle.name, into / FOLDER / bundle.name)
        )
    ]
    _make(binary, site, into / FOLDER, todo)
    manifest = [f"{FOLDER}/{bundle.name}/" for bundle in planned]
    (into / FOLDER).mkdir(parents=True, exist_ok=True)
    (into / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")


def plan_bundles(site: Path, skip: frozenset[str], indexer: str) -> list[Bundle]:
    """The bundles the pages of `site` are indexed in: the shares of those at the top of the
    site (and in small folders) and their pages of half a share's bytes or more, each alone,
    first; then each large folder's; each cut into parts of `PART_BYTES`."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel not in skip and not rel.startswith(f"{FOLDER}/"):
            top = rel.split("/", 1)[0] if "/" in rel else ""
            groups.setdefault(top, []).append(path)
    for top in [t for t, paths in groups.items() if t and len(paths) < OWN_BUNDLE_PAGES]:
        groups.setdefault("", []).extend(groups.pop(top))
    made_by = f"{code_version()}\0{indexer}\0".encode()
    planned = []
    for top in sorted(groups):
        label = _label(top) or "top"
        sizes = {path.relative_to(site).as_posix(): path.stat().st_size for path in groups[top]}
        alone = {rel: size for rel, size in sorted(sizes.items()) if size >= SHARE_BYTES // 2}
        shared = {rel: size for rel, size in sorted(sizes.items()) if rel not in alone}
        shares = max(
            len(shared) // OWN_BUNDLE_PAGES if top else 1,
            -(-sum(shared.values()) // SHARE_BYTES),
            1,
        )
        in_share: dict[int, list[tuple[str, int]]] = {}
        for rel, size in shared.items():
            in_share.setdefault(_share(rel, shares), []).append((rel, size))
        labelled = [
            (f"{label}-{share}" if shares > 1 else label, pages)
            for share, pages in sorted(in_share.items())
        ] + [
            (f"{label}-{_label(Path(rel).stem) or 'page'}", [(rel, size)])
            for rel, size in alone.items()
        ]
        for share_label, pages in labelled:
            for part in parts(pages, PART_BYTES):
                digest = hashlib.sha256(made_by)
                for rel in part:
                    digest.update(rel.encode() + b"\0" + _file_digest(site / rel))
                name = f"{share_label}-{digest.hexdigest()[:16]}"
                planned.append(Bundle(name, part, sum(sizes[rel] for rel in part)))
    return planned


def _label(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _share(rel: str, shares: int) -> int:
    """Which of a folder's `shares` bundles the page `rel` is in: by a digest of its path, so
    that pages stay in their bundles as others come and go."""
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:8], "big") % shares


def bundles(site: Path) -> list[str]:
    """The bundle folders of the search index `site` has now, by name in `pagefind/`; none
    if the site has no whole index this tool wrote."""
    try:
        listed = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    prefix = f"{FOLDER}/"
    if not isinstance(listed, list) or not all(
        isinstance(entry, str)
        and entry.startswith(prefix)
        and entry.endswith("/")
        and _NAME.fullmatch(entry[len(prefix) : -1])
        for entry in listed
    ):
        return []  # not one this tool wrote: it names nothing to take
    names = [entry[len(prefix) : -1] for entry in listed]
    if not all((site / FOLDER / name / "pagefind-entry.json").is_file() for name in names):
        return []
    return names


def refresh_index(site: Path, skip: frozenset[str] = frozenset()) -> None:
    """Index a live site again, taking what it can from its present index, and swap the new
    index in whole, so that searching never meets a half-written one."""

    def make(fresh: Path) -> list[str]:
        index_site(site, skip, into=fresh, last=site)
        return [FOLDER]

    refresh_folders(site, make)


def parts(pages: list[tuple[str, int]], limit: int) -> list[list[str]]:
    """Pages (path, size) in order, cut into runs of at most `limit` bytes (a larger page
    is a run of its own)."""
    out: list[list[str]] = []
    size = limit
    for path, n in pages:
        if size + n > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += n
    return out


def _binary() -> Path:
    try:
        from pagefind_bin import get_executable

        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SiteError(
            "the search indexer is missing; install the package 'pagefind[bin]' (make build does)"
        ) from exc


def _binary_version(binary: Path) -> str:
    done = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SiteError(f"the search indexer does not run: {done.stderr.strip()}", binary)
    return done.stdout.strip()


def _file_digest(path: Path) -> bytes:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def _make(binary: Path, site: Path, folder: Path, todo: list[Bundle]) -> None:
    """Run the indexer for each bundle, largest first, as many at once as there are cores
    while their pages together stay within `PART_BYTES` (or one at a time, if larger)."""
    waiting = sorted(todo, key=lambda bundle: -bundle.size)
    running: list[tuple[subprocess.Popen, IO[bytes], Bundle]] = []
    with contextlib.ExitStack() as files:
        try:
            while waiting or running:
                while (
                    waiting
                    and len(running) < cores()
                    and (
                        not running
                        or sum(b.size for *_, b in running) + waiting[0].size <= PART_BYTES
                    )
                ):
                    bundle = waiting.pop(0)
                    # What it says goes to a file, not a pipe: a pipe no one reads while
                    # another run is waited for could fill and stop it.
                    told = files.enter_context(tempfile.TemporaryFile())
                    process = _start(binary, site, folder / bundle.name, bundle.pages, told)
                    running.append((process, told, bundle))
                process, told, bundle = running.pop(0)
                if process.wait() != 0:
                    told.seek(0)
                    said = told.read().decode("utf-8", "replace").strip()
                    raise SiteError(f"the search index could not be built: {said}", site)
                for name in _UNUSED:
                    (folder / bundle.name / name).unlink(missing_ok=True)
                shutil.rmtree(folder / bundle.name / "playground", ignore_errors=True)
        finally:
            for process, *_ in running:
                process.kill()
                process.wait()


def _start(
    binary: Path, site: Path, bundle: Path, pages: list[str], told: IO[bytes]
) -> subprocess.Popen:
    # Settings come from the command line only: no pagefind.yml, no PAGEFIND_ variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    glob = "{" + ",".join(pages) + "}"
    return subprocess.Popen(
        [str(binary), "--site", ".", "--glob", glob, "--output-path", str(bundle), "--silent"],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=told,
        preexec_fn=subprocess_dies_with_parent(),
    )
