"""`karabakh-site serve`: build, serve on 127.0.0.1, rebuild when inputs change."""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import run_build
from .errors import SiteError


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(seeds: Path, content: Path, templates: Path, out: Path, port: int) -> int:
    _rebuild(seeds, content, templates, out)
    handler = functools.partial(_Handler, directory=str(out.absolute()))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {out} at http://127.0.0.1:{server.server_port}/ (Ctrl+C to stop)", flush=True)
    import watchfiles

    try:
        for _changes in watchfiles.watch(*(p for p in (seeds, content, templates) if p.exists())):
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
