"""`karabakh-site serve`: build, serve on 127.0.0.1, rebuild when inputs change, reload pages.

Two processes. The server process answers HTTP requests from the output folder
and adds a small script to each HTML page it sends (never to the files on
disk). That script listens to `/__live__/events` (server-sent events) and
reloads the page after each good build, or shows the error of a failed build
over the page; the last good site stays in place. The main process watches
the inputs (watchfiles, and a poll in case an edit slips past it) and builds
with the build cache, so a rebuild redoes only what the change touched; it runs
no threads, so the build can fork its workers. It tells the server about each
build through a pipe, as soon as the new pages are in place: the data exports
and the search index are made after that (the last ones serve meanwhile). The
main process builds the model itself, so what the rules compile is kept from one
build to the next.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from .build import Resident, run_build
from .cache import default_cache_dir
from .cache import fingerprint as content_fingerprint
from .errors import SiteError
from .workers import die_with_parent

POLL_SECONDS = 0.5  # also compare the inputs this often, so no edit slips past the watcher
# An edit is over when the watcher has seen no further change for this long; it looks that
# often too, so a save starts a build 20–40 ms later (watchfiles' default is 50 ms). An
# editor's save that takes longer only starts a second build.
SETTLE_MS = 20
LIVE = "/__live__/"
KEEPALIVE_SECONDS = 10.0
_LIVE_TAG = f'<script src="{LIVE}live.js"></script>'.encode()

# Reloads the page after a new good build; shows a failed build's error over the page.
LIVE_JS = """\
(() => {
  "use strict";
  let loaded = null;
  let overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.id = "karabakh-live-error";
      Object.assign(overlay.style, {
        position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
        background: "rgba(20, 20, 24, 0.94)", color: "#fff", padding: "2rem",
        font: "14px/1.5 ui-monospace, monospace", whiteSpace: "pre-wrap",
      });
      document.body.appendChild(overlay);
    }
    overlay.textContent = "The last build failed; this page is from the last good build.\\n\\n"
      + message;
  }
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  const events = new EventSource("/__live__/events");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (loaded === null) loaded = state.generation;
    if (state.error) show(state.error);
    else if (state.generation !== loaded) location.reload();
    else hide();
  };
})();
"""


class _Status:
    """What the server knows about the builds: how many good ones, the last error."""

    def __init__(self) -> None:
        self.generation = 0
        self.error: str | None = None
        self.changed = threading.Condition()

    def update(self, generation: int, error: str | None) -> None:
        with self.changed:
            self.generation, self.error = generation, error
            self.changed.notify_all()

    def differs(self, seen: tuple[int, str | None] | None) -> bool:
        return (self.generation, self.error) != seen


class _Handler(SimpleHTTPRequestHandler):
    status: _Status
    stopping: threading.Event

    def log_message(self, format, *args):
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path == LIVE + "live.js":
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVE_JS.encode())
        elif self.path == LIVE + "events":
            self._events()
        else:
            super().do_GET()

    def send_head(self):
        """HTML pages with the live script added; a missing file gets the site's 404 page."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._page(HTTPStatus.OK, path.read_bytes())
        if path.exists():
            return super().send_head()  # assets; folders without a slash are redirected
        not_found = Path(self.directory) / "404.html"
        page = (
            not_found.read_bytes() if not_found.is_file() else b"<!doctype html><h1>Not found</h1>"
        )
        return self._page(HTTPStatus.NOT_FOUND, page)

    def _page(self, code: int, page: bytes) -> io.BytesIO:
        body = _with_live_script(page)
        self._headers(code, "text/html; charset=utf-8", len(body))
        return io.BytesIO(body)

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self._headers(code, kind, len(body))
        self.wfile.write(body)

    def _headers(self, code: int, kind: str, length: int) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        status = self.status
        seen = None
        with contextlib.suppress(OSError):
            while not self.stopping.is_set():
                with status.changed:
                    status.changed.wait_for(
                        functools.partial(status.differs, seen), timeout=KEEPALIVE_SECONDS
                    )
                    now = (status.generation, status.error)
                if now != seen:
                    seen = now
                    data = json.dumps({"generation": now[0], "error": now[1]})
                    self.wfile.write(f"data: {data}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()


def _with_live_script(page: bytes) -> bytes:
    at = page.rfind(b"</body>")
    return page[:at] + _LIVE_TAG + page[at:] if at != -1 else page + _LIVE_TAG


def snapshot(folders: list[Path]) -> tuple:
    """What the inputs look like now: every file's path, size and modification time."""
    entries = []
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                with contextlib.suppress(FileNotFoundError):  # gone since it was listed
                    info = path.stat()
                    if stat.S_ISREG(info.st_mode):
                        entries.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(entries)


def serve(seeds: Path, content: Path, templates: Path, out: Path, port: int) -> int:
    inputs = [seeds, content, templates]
    state = snapshot(inputs)
    resident = Resident()
    generation, error = _rebuild(seeds, content, templates, out, resident, 0)
    out.mkdir(parents=True, exist_ok=True)
    handler = _handler_class()
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(out.absolute()))
    )
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server process
        os.close(write)
        _serve_forever(server, handler, read)
    os.close(read)
    server.socket.close()
    tell = functools.partial(_tell, write)
    tell(generation, error)
    print(f"serving {out} at http://127.0.0.1:{server.server_port}/ (Ctrl+C to stop)", flush=True)
    watched = [p for p in inputs if p.exists()]
    try:
        for _changes in watchfiles.watch(
            *watched,
            step=SETTLE_MS,
            yield_on_timeout=True,
            rust_timeout=int(POLL_SECONDS * 1000),
        ):
            now = snapshot(inputs)
            if now != state:
                state = now
                generation, error = _rebuild(
                    seeds, content, templates, out, resident, generation, tell
                )
                tell(generation, error)
    finally:
        os.close(write)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    return 0


def _handler_class() -> type[_Handler]:
    class Handler(_Handler):
        status = _Status()
        stopping = threading.Event()

    return Handler


def _serve_forever(
    server: ThreadingHTTPServer, handler: type[_Handler], updates: int
) -> None:  # pragma: no cover - runs in the server process
    """Serve until the main process closes the pipe or dies."""
    die_with_parent()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the main process

    def listen() -> None:
        with os.fdopen(updates, "rb") as pipe:
            for line in pipe:
                message = json.loads(line)
                handler.status.update(message["generation"], message["error"])
        handler.stopping.set()
        server.shutdown()

    threading.Thread(target=listen, daemon=True).start()
    server.serve_forever()
    os._exit(0)


def _tell(pipe: int, generation: int, error: str | None) -> None:
    os.write(pipe, json.dumps({"generation": generation, "error": error}).encode() + b"\n")


def _rebuild(
    seeds: Path,
    content: Path,
    templates: Path,
    out: Path,
    resident: Resident,
    generation: int,
    tell: Callable[[int, str | None], object] | None = None,
) -> tuple[int, str | None]:
    """Build; the number of good builds so far, and the error if this one failed. With
    `tell`, open pages are told of a good build as soon as its pages are in place, before
    the search index is made."""
    started = time.perf_counter()
    told = [generation]  # the generation open pages were last told of

    def pages_live() -> None:
        if tell is not None:
            told[0] = generation + 1
            tell(told[0], None)

    try:
        report = run_build(
            seeds,
            content,
            templates,
            out,
            cache_dir=default_cache_dir(out),
            fingerprint=content_fingerprint(seeds, content, templates),
            resident=resident,
            pages_live=pages_live if tell else None,
        )
    except (SiteError, OSError) as exc:
        # OSError too: an editor's temporary file may vanish while the inputs are read; the
        # watcher sees the next change and builds again.
        print(f"error: {exc} (still serving the last good site)", file=sys.stderr, flush=True)
        return told[0], str(exc)  # pages that went live before the index failed stay
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary(time.perf_counter() - started), flush=True)
    return generation + 1, None
