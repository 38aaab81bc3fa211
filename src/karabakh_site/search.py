"""The site search: a Pagefind index of the finished pages, written into the site.

Pagefind (its binary comes with the `pagefind[bin]` package) reads each page's
`data-pagefind-body` content and writes a compressed index in chunks, so a
reader's browser fetches only the part a search needs. The indexer holds what it
indexes in memory, so a large site is indexed in parts of at most
`PART_BYTES` of HTML, one run each, into `pagefind/`, `pagefind-2/`, …; the
search page (assets/search.js) reads `pagefind/bundles.json` and searches them
all as one. Pagefind's ready-made interfaces are not used, so they are removed.

A site that is being previewed gets its pages first, with the last build's index
(`bundles` names its folders); the new one is made beside the live site and
swapped in when ready (`refresh_index`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from .errors import SiteError
from .workers import subprocess_dies_with_parent
from .writer import refresh_folders

FOLDER = "pagefind"
MANIFEST = f"{FOLDER}/bundles.json"
PART_BYTES = 32_000_000
_BUNDLE = re.compile(rf"{FOLDER}(-[0-9]+)?/")  # as the manifest lists them
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


def index_site(site: Path, skip: frozenset[str] = frozenset(), into: Path | None = None) -> None:
    """Index the pages in `site` (but those named in `skip`) into its search bundles, written
    into `into` (by default `site` itself)."""
    into = (into or site).absolute()
    try:
        from pagefind_bin import get_executable

        binary = get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SiteError(
            "the search indexer is missing; install the package 'pagefind[bin]' (make build does)"
        ) from exc
    pages = [
        (path.relative_to(site).as_posix(), path.stat().st_size)
        for path in sorted(site.rglob("*.html"))
        if path.relative_to(site).as_posix() not in skip
    ]
    bundles = []
    for n, part in enumerate(parts(pages, PART_BYTES), start=1):
        bundle = FOLDER if n == 1 else f"{FOLDER}-{n}"
        _run(binary, site, into / bundle, part)
        bundles.append(bundle + "/")
    (into / MANIFEST).write_text(json.dumps(bundles) + "\n", encoding="utf-8")


def bundles(site: Path) -> list[str]:
    """The folders of the search index `site` has now (none if it has no index)."""
    try:
        listed = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(listed, list) or not all(
        isinstance(name, str) and _BUNDLE.fullmatch(name) for name in listed
    ):
        return []  # not one this tool wrote: it names nothing to touch
    return [name.rstrip("/") for name in listed]


def refresh_index(site: Path, skip: frozenset[str] = frozenset()) -> None:
    """Index a live site again, swapping each new bundle in for the old one, so that
    searching never meets a half-written index."""

    def make(fresh: Path) -> list[str]:
        index_site(site, skip, into=fresh)
        return bundles(fresh)

    refresh_folders(site, make, stale=bundles(site))


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


def _run(binary: Path, site: Path, bundle: Path, pages: list[str]) -> None:
    # Settings come from the command line only: no pagefind.yml, no PAGEFIND_ variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    glob = "{" + ",".join(pages) + "}"
    done = subprocess.run(
        [str(binary), "--site", ".", "--glob", glob, "--output-path", str(bundle), "--silent"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=subprocess_dies_with_parent(),
    )
    if done.returncode != 0:
        raise SiteError(f"the search index could not be built: {done.stderr.strip()}", site)
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
    shutil.rmtree(bundle / "playground", ignore_errors=True)
