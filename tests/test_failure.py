"""Failure: a build killed mid-way loses nothing; `serve` stays local and survives bad edits."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from helpers import build_args


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Runs the CLI with the site's file writes slowed down, so that a kill lands while the site is
# written (in the build's workers too: they are forked after the patch).
SLOW_WRITES = textwrap.dedent("""
    import sys, time
    from karabakh_site import writer
    original = writer.Staging.write
    def slow(self, rel, data):
        time.sleep(0.01)
        return original(self, rel, data)
    writer.Staging.write = slow
    from karabakh_site.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def add_a_sentence(project: Path) -> None:
    seed = project / "seeds" / "001_6e4f82572dc41e76.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + " An added sentence.", encoding="utf-8")


@pytest.fixture(scope="module")
def slow_build_seconds(tmp_path_factory) -> float:
    """How long a build with slowed-down writes takes here, start to finish: a rebuild after
    an edit, as the one the tests kill (it takes from the last build what it can)."""
    from conftest import ROOT

    project = tmp_path_factory.mktemp("timing")
    for name in ("seeds", "content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    subprocess.run(
        [sys.executable, "-m", "karabakh_site", *build_args(project)],
        check=True,
        capture_output=True,
    )
    add_a_sentence(project)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", SLOW_WRITES, *build_args(project), "--no-cache"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.6, 0.8])
def test_build_killed_mid_way_leaves_previous_site_intact(
    project_copy, slow_build_seconds, fraction
):
    subprocess.run(
        [sys.executable, "-m", "karabakh_site", *build_args(project_copy)],
        check=True,
        capture_output=True,
    )
    before = snapshot(project_copy / "build")
    add_a_sentence(project_copy)
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITES, *build_args(project_copy), "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(slow_build_seconds * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert snapshot(project_copy / "build") == before
    # The next build cleans up what the killed one left and succeeds.
    subprocess.run(
        [sys.executable, "-m", "karabakh_site", *build_args(project_copy)],
        check=True,
        capture_output=True,
    )
    assert not list(project_copy.glob(".build.tmp-*"))
    assert snapshot(project_copy / "build") != before


@pytest.fixture
def server(project_copy):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "karabakh_site",
            "serve",
            "--port",
            "0",
            *build_args(project_copy)[1:],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=project_copy,
    )
    line = ""
    deadline = time.time() + 60
    while "serving" not in line and time.time() < deadline:
        line = process.stdout.readline()
    assert "serving" in line, process.stderr.read()
    port = int(line.rsplit(":", 1)[1].split("/")[0])
    errors: list[str] = []

    def collect() -> None:
        for err in process.stderr:
            errors.append(err)

    threading.Thread(target=collect, daemon=True).start()
    yield project_copy, port, errors
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def get(port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def wait_for(predicate, timeout: float = 30) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_serve_is_local_and_stays_in_the_site_folder(server):
    _, port, _ = server
    status, body = get(port, "/")
    assert status == 200 and b"<!doctype html>" in body
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fseeds"):
        status, body = get(port, path)
        assert status == 404 and b"root:" not in body
    others = [
        ip
        for ip in subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
        if not ip.startswith("127.")
    ]
    for ip in others[:1]:
        with pytest.raises(OSError):
            socket.create_connection((ip, port), timeout=2).close()


def test_serve_survives_a_broken_edit(server):
    project, port, errors = server
    template = project / "templates" / "section.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% endif %}", "{% endiff %}", 1), encoding="utf-8")
    assert wait_for(lambda: any("template syntax error" in e for e in errors))
    assert "section.html" in "".join(errors)
    status, _ = get(port, "/war-1992.html")
    assert status == 200  # the last good site is still served
    template.write_text(good.replace("<h1>", "<h1 data-edited>", 1), encoding="utf-8")
    assert wait_for(lambda: b"data-edited" in get(port, "/war-1992.html")[1])


def events(port: int, count: int, timeout: float = 60) -> list[dict]:
    """The first `count` build states the live-reload stream sends."""
    import json

    found: list[dict] = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(b"GET /__live__/events HTTP/1.0\r\nHost: x\r\n\r\n")
        buffer = b""
        while len(found) < count:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            found += [json.loads(line[6:]) for line in lines if line.startswith(b"data: ")]
    return found


def test_serve_reloads_pages_and_shows_a_broken_build(server):
    project, port, _ = server
    status, page = get(port, "/war-1992.html")
    assert status == 200 and b'<script src="/__live__/live.js"></script></body>' in page
    on_disk = (project / "build" / "war-1992.html").read_bytes()
    assert b"__live__" not in on_disk  # added when served, never written to the site
    status, script = get(port, "/__live__/live.js")
    assert status == 200 and b"location.reload()" in script and b"EventSource" in script
    [first] = events(port, 1)
    assert first["error"] is None

    template = project / "templates" / "section.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% endif %}", "{% endiff %}", 1), encoding="utf-8")
    assert wait_for(lambda: events(port, 1)[0]["error"] is not None)
    state = events(port, 1)[0]
    assert "section.html" in state["error"] and "endiff" in state["error"]
    assert state["generation"] == first["generation"]  # pages keep the last good build

    template.write_text(good, encoding="utf-8")
    assert wait_for(lambda: events(port, 1)[0]["error"] is None)
    assert events(port, 1)[0]["generation"] == first["generation"] + 1  # open pages reload


def test_serve_answers_missing_pages_with_the_sites_404_page(server):
    _, port, _ = server
    status, body = get(port, "/no-such-page.html")
    assert status == 404 and b"Page not found" in body
