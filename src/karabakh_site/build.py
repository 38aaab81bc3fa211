"""The build, stage by stage: load → sentences → classify and extract → model → render → write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assemble import Site, assemble
from .config import load_content
from .documents import build_source
from .entities import load_gazetteer
from .errors import SiteError
from .export import export_data
from .loader import load_seeds
from .render import render_site
from .timeline import verify_quotes
from .writer import write_site


@dataclass
class BuildResult:
    site: Site
    files: dict[str, bytes]
    timings: dict[str, float] = field(default_factory=dict)

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


def build_site(seeds: Path, content: Path, templates: Path) -> BuildResult:
    """Everything but writing: returns the files the site consists of."""
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
    sources = [build_source(seed, config.parse_settings) for seed in seed_files]
    lap("parse")
    site = assemble(sources, config, warnings, gazetteer)
    lap("assemble")
    files = render_site(site, templates)
    files.update(export_data(site, {seed.name: seed.text for seed in seed_files}))
    lap("render")
    return BuildResult(site=site, files=files, timings=timings)


def run_build(
    seeds: Path, content: Path, templates: Path, out: Path, strict: bool = False
) -> BuildResult:
    """Build and write; with `strict`, any warning fails the build before anything is written."""
    result = build_site(seeds, content, templates)
    if strict and result.site.warnings:
        raise SiteError(
            f"{len(result.site.warnings)} warning(s) and --strict:\n  "
            + "\n  ".join(result.site.warnings)
        )
    clock = time.perf_counter()
    write_site(result.files, out)
    result.timings["write"] = time.perf_counter() - clock
    return result
