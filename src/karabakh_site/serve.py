"""`karabakh-site serve`: build, serve on 127.0.0.1, rebuild when inputs change."""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from .build import run_build
from .errors import SiteError

POLL_SECONDS = 0.5  # also compare the inputs this often, so no edit slips past the watcher


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def fingerprint(folders: list[Path]) -> tuple:
    """What the inputs look like now: every file's path, size and modification time."""
    entries = []
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def serve(seeds: Path, content: Path, templates: Path, out: Path, port: int) -> int:
    inputs = [seeds, content, templates]
    state = fingerprint(inputs)
    _rebuild(seeds, content, templates, out)
    handler = functools.partial(_Handler, directory=str(out.absolute()))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {out} at http://127.0.0.1:{server.server_port}/ (Ctrl+C to stop)", flush=True)
    watched = [p for p in inputs if p.exists()]
    try:
        for _changes in watchfiles.watch(
            *watched, yield_on_timeout=True, rust_timeout=int(POLL_SECONDS * 1000)
        ):
            now = fingerprint(inputs)
            if now != state:
                state = now
                _rebuild(seeds, content, templates, out)
    finally:
        server.shutdown()
    return 0


def _rebuild(seeds: Path, content: Path, templates: Path, out: Path) -> None:
    try:
        result = run_build(seeds, content, templates, out)
    except SiteError as exc:
        print(f"error: {exc} (still serving the last good site)", file=sys.stderr, flush=True)
        return
    print(result.summary(out), flush=True)
