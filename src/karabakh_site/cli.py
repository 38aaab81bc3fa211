"""Command line: `karabakh-site build | check | serve` (also `python -m karabakh_site`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .errors import SiteError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="karabakh-site",
        description="Build a cited static reference site from plain-text sources.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--seeds",
            type=Path,
            default=Path("seeds"),
            help="folder of source texts (*.txt) and sidecars (default: seeds)",
        )
        p.add_argument(
            "--content",
            type=Path,
            default=Path("content"),
            help="folder of site settings and rules (default: content)",
        )
        p.add_argument(
            "--templates",
            type=Path,
            default=Path("templates"),
            help="folder of Jinja templates and assets (default: templates)",
        )
        p.add_argument(
            "--out",
            type=Path,
            default=Path("build"),
            help="folder to write the site to (default: build)",
        )

    build = commands.add_parser("build", help="build the site")
    inputs(build)
    build.add_argument(
        "--verbose",
        action="store_true",
        help="print each stage's time and this process's peak memory",
    )
    build.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="folder for what rebuilds reuse (default: .cache/karabakh-site "
        "next to the output folder)",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="build from scratch and keep nothing for the next build",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (e.g. a content quote no seed contains) as errors",
    )

    check = commands.add_parser("check", help="check a built site's links and citations")
    check.add_argument(
        "--site", type=Path, default=Path("build"), help="the built site (default: build)"
    )
    check.add_argument(
        "--seeds",
        type=Path,
        default=Path("seeds"),
        help="the seed texts citations are checked against (default: seeds)",
    )
    check.add_argument("--json", action="store_true", help="print a JSON report")

    names = commands.add_parser(
        "entities", help="work on the gazetteer of names (content/entities.yaml)"
    )
    names.add_argument(
        "--seeds", type=Path, default=Path("seeds"), help="folder of source texts (default: seeds)"
    )
    names.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        help="folder holding entities.yaml (default: content)",
    )
    names.add_argument(
        "--suggest",
        action="store_true",
        required=True,
        help="list names the sources use often that the gazetteer lacks",
    )
    names.add_argument("--limit", type=int, default=50, help="how many to list (default: 50)")

    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on change")
    inputs(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = _parser().parse_args(argv)
    args.started = started
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "entities":
            return _suggest(args)
        if args.command == "serve":
            from .serve import serve

            return serve(args.seeds, args.content, args.templates, args.out, args.port)
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def _build(args) -> int:
    from .cache import default_cache_dir, fingerprint, up_to_date

    stamp = fingerprint(args.seeds, args.content, args.templates)
    cache_dir = None if args.no_cache else (args.cache or default_cache_dir(args.out))
    if cache_dir is not None:
        warnings = up_to_date(cache_dir, args.out, stamp)
        if warnings is not None:  # the same inputs built before: nothing to do
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            if args.strict and warnings:
                raise SiteError(f"{len(warnings)} warning(s) and --strict")
            print(f"{args.out} is up to date (no input changed since the last build)")
            return 0
    from .build import run_build

    report = run_build(
        args.seeds,
        args.content,
        args.templates,
        args.out,
        strict=args.strict,
        cache_dir=cache_dir,
        fingerprint=stamp,
        progress=_progress_printer(args.started) if _long(args) else _quiet,
    )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary(time.perf_counter() - args.started))
    if args.verbose:
        stages = report.stages
        for stage, seconds in stages.seconds.items():
            print(f"  {stage:<18} {seconds * 1000:8.1f} ms   peak {stages.peak_mb[stage]:6.0f} MB")
        print(
            f"  reused {report.reused} parsed or analysed sources from the cache, "
            f"computed {report.computed}"
        )
        print(
            f"  kept {report.kept} pages unchanged from the last build "
            f"({len(report.page_keys)} have a content key)"
        )
    return 0


LONG_BUILD_BYTES = 1_000_000  # seeds beyond this take seconds to build: show progress


def _long(args) -> bool:
    if args.verbose:
        return True
    size = sum(p.stat().st_size for p in args.seeds.glob("*.txt") if p.is_file())
    return size > LONG_BUILD_BYTES


def _progress_printer(started: float):
    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}…", file=sys.stderr, flush=True)

    return progress


def _quiet(message: str) -> None:
    pass


def _suggest(args) -> int:
    from .documents import build_source
    from .entities import load_gazetteer, suggest
    from .loader import load_seeds

    gazetteer = load_gazetteer(args.content / "entities.yaml")
    sentences = [s.text for seed in load_seeds(args.seeds) for s in build_source(seed).body]
    found = suggest(sentences, gazetteer, limit=args.limit)
    print(f"{len(found)} names the sources use that {args.content / 'entities.yaml'} lacks:")
    for item in found:
        print(f"{item.count:5d}  {item.phrase}")
        for example in item.examples:
            print(f"         {example[:110]}{'…' if len(example) > 110 else ''}")
    return 0


def _check(args) -> int:
    from .check import check_site

    report = check_site(args.site, args.seeds)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for problem in report.errors:
            print(f"error: {problem}", file=sys.stderr)
        for problem in report.warnings:
            print(f"warning: {problem}", file=sys.stderr)
        print(report.summary())
    return 1 if report.errors else 0
