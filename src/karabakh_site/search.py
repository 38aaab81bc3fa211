"""The site search: a Pagefind index of the finished pages, written into the site.

Pagefind (its binary comes with the `pagefind[bin]` package) reads the pages'
`data-pagefind-body` content and writes a compressed index in chunks, so a
reader's browser fetches only the part a search needs. The site's own search
page (assets/search.js) queries it; Pagefind's ready-made interfaces are not
used, so they are removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .errors import SiteError

FOLDER = "pagefind"
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


def index_site(site: Path) -> None:
    """Index the pages in `site` into `site/pagefind/`."""
    try:
        from pagefind_bin import get_executable

        binary = get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SiteError(
            "the search indexer is missing; install the package 'pagefind[bin]' (make build does)"
        ) from exc
    # Settings come from the command line only: no pagefind.yml, no PAGEFIND_ variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    done = subprocess.run(
        [str(binary), "--site", ".", "--output-subdir", FOLDER, "--silent"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SiteError(f"the search index could not be built: {done.stderr.strip()}", site)
    for name in _UNUSED:
        (site / FOLDER / name).unlink(missing_ok=True)
    shutil.rmtree(site / FOLDER / "playground", ignore_errors=True)
