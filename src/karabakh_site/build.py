"""The build, stage by stage: load → sentences → classify and extract → model → render → write."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analysis import Rules, SourceAnalysis, analyse
from .assemble import Site, assemble, placements
from .cache import Cache, code_version, record_build
from .cache import key as cache_key
from .config import ParseSettings, load_content
from .documents import build_source
from .entities import load_gazetteer
from .errors import SiteError
from .export import export_jobs
from .loader import load_seeds
from .model import SeedFile, Source
from .render import render_jobs
from .timeline import verify_quotes
from .workers import run_all
from .writer import Staging


@dataclass
class BuildResult:
    site: Site
    seed_texts: dict[str, str]  # file name → decoded text, for the exports' span hashes
    timings: dict[str, float] = field(default_factory=dict)
    reused: int = 0  # parsed sources and analyses taken from the cache
    computed: int = 0  # … and computed afresh
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # written: size, mtime
    out: Path | None = None  # where it was written

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))

    def summary(self, out: Path) -> str:
        site = self.site
        sentences = sum(page.sentence_count for page in site.sections)
        seconds = sum(self.timings.values())
        warnings = f", {len(site.warnings)} warnings" if site.warnings else ""
        return (
            f"built {self.pages} pages from {len(site.sources)} sources "
            f"({sentences} narrative sentences, {len(site.timeline)} timeline entries) "
            f"into {out} in {seconds:.2f} s{warnings}"
        )


def build_site(
    seeds: Path, content: Path, templates: Path, cache: Cache | None = None
) -> BuildResult:
    """Everything but writing: the site model, from the inputs."""
    cache = cache or Cache(None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    config = load_content(content)
    gazetteer = load_gazetteer(content / "entities.yaml")
    seed_files = load_seeds(seeds)
    timeline_rules, warnings = verify_quotes(
        config.timeline, (seed.text for seed in seed_files), content / "timeline.yaml"
    )
    config = replace(config, timeline=timeline_rules)
    lap("load")
    sources, keys = _parse(seed_files, config.parse_settings, cache)
    lap("parse")
    rules = Rules(config.sections, config.figures, config.diplomacy, gazetteer)
    forced = placements(sources, config, warnings)
    analyses = _analyse(sources, keys, rules, forced, cache)
    lap("analyse")
    site = assemble(sources, analyses, config, warnings, gazetteer)
    lap("assemble")
    return BuildResult(
        site=site,
        seed_texts={seed.name: seed.text for seed in seed_files},
        timings=timings,
        reused=cache.hits,
        computed=cache.misses if cache.folder else len(sources) * 2,
    )


def _parse(
    seed_files: list[SeedFile], settings: ParseSettings, cache: Cache
) -> tuple[list[Source], list[str]]:
    """Each seed parsed, from the cache when the same bytes were parsed the same way before;
    and the cache key of each, which stands for everything the source depends on."""
    version = code_version()
    keys = [
        cache_key("source", version, seed.name, seed.sha256, seed.meta, settings)
        for seed in seed_files
    ]
    sources = [cache.get(k) for k in keys]
    missing = [i for i, source in enumerate(sources) if source is None]
    parsed = run_all([functools.partial(build_source, seed_files[i], settings) for i in missing])
    for i, source in zip(missing, parsed, strict=True):
        sources[i] = source
        cache.put(keys[i], source)
    return sources, keys


def _analyse(
    sources: list[Source],
    keys: list[str],
    rules: Rules,
    forced: dict[str, dict[int, str]],
    cache: Cache,
) -> list[SourceAnalysis]:
    """Each source analysed, from the cache unless the source or the rules changed."""
    rules_key = cache_key("rules", code_version(), rules)
    analysis_keys = [
        cache_key("analysis", key, rules_key, sorted(forced.get(source.file, {}).items()))
        for source, key in zip(sources, keys, strict=True)
    ]
    analyses = [cache.get(k) for k in analysis_keys]
    missing = [i for i, a in enumerate(analyses) if a is None]
    done = run_all(
        [
            functools.partial(analyse, sources[i], rules, forced.get(sources[i].file))
            for i in missing
        ]
    )
    for i, analysis in zip(missing, done, strict=True):
        analyses[i] = analysis
        cache.put(analysis_keys[i], analysis)
    return analyses


def run_build(
    seeds: Path,
    content: Path,
    templates: Path,
    out: Path,
    strict: bool = False,
    cache_dir: Path | None = None,
    fingerprint: str | None = None,
) -> BuildResult:
    """Build and write; with `strict`, any warning fails the build before anything is written.

    `cache_dir` keeps parsed sources between builds; `fingerprint` (of all inputs) is
    recorded with the output so that an unchanged rebuild can be skipped.
    """
    cache = Cache(cache_dir)
    result = build_site(seeds, content, templates, cache)
    if strict and result.site.warnings:
        raise SiteError(
            f"{len(result.site.warnings)} warning(s) and --strict:\n  "
            + "\n  ".join(result.site.warnings)
        )
    clock = time.perf_counter()
    with Staging(out) as staging:
        write_output(result, templates, staging.write)
        result.timings["render"] = time.perf_counter() - clock
        clock = time.perf_counter()
        result.files = staging.commit()
        result.out = out
    if cache_dir is not None and fingerprint:
        record_build(cache_dir, out, fingerprint, result.files, result.site.warnings)
    cache.sweep()
    result.timings["write"] = time.perf_counter() - clock
    return result


def write_output(result: BuildResult, templates: Path, write: Callable[[str, bytes], int]) -> None:
    """Render the pages and the data exports, each file written as soon as it is made, on
    every core (workers write their files themselves; only sizes come back)."""
    jobs = [*render_jobs(result.site, templates), *export_jobs(result.site, result.seed_texts)]
    run_all(
        [functools.partial(_make_and_write, make, path, write) for path, make in jobs], minimum=40
    )


def _make_and_write(make: Callable[[], bytes], path: str, write: Callable[[str, bytes], int]):
    return write(path, make())
