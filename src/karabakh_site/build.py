"""The build, stage by stage: load → sentences → classify and extract → model → render → write."""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
import markupsafe

from .analysis import Rules, SourceAnalysis, analyse
from .assemble import SEARCH, Site, assemble
from .cache import Cache, code_version, folder_digest, kept_pages, package_version, record_build
from .cache import key as cache_key
from .config import ParseSettings, load_content
from .documents import build_source
from .entities import load_gazetteer
from .errors import SiteError
from .export import FOLDER as EXPORTS
from .export import export_jobs
from .loader import load_seeds
from .model import SeedFile, Source
from .pagekeys import PageKeys, TemplateFacts, template_facts
from .render import NOT_FOUND, load_templates, render_jobs
from .search import FOLDER as INDEX
from .search import bundles, index_site, refresh_index
from .timeline import verify_quotes
from .workers import cores, in_child, run_all
from .writer import FileData, Staging, carry_folders, listing, refresh_folders, write_file

SHARED_RENDER_MAX_MB = 160  # above this, rendering on more cores would cost another copy


def peak_memory_mb() -> float:
    """The most memory (resident) this process has used so far; 0 where unknown."""
    try:
        import resource
    except ImportError:  # not on Unix
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class Stages:
    """How long each stage of a build took, and this process's peak memory at its end."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    clock: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = now - self.clock
        self.peak_mb[stage] = peak_memory_mb()
        self.clock = now


@dataclass
class Resident:
    """What a process that stays up between builds (`serve`) keeps from one to the next, by
    cache key: the content it loaded, the sources it parsed and analysed, what it read from
    the templates."""

    values: dict[str, object] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)


@dataclass
class BuildResult:
    """The site model and what rendering it needs."""

    site: Site
    seed_texts: dict[str, str]  # file name → decoded text, for the exports' span hashes
    templates: jinja2.Environment  # every template compiled
    stages: Stages = field(default_factory=lambda: Stages())
    reused: int = 0  # parsed sources and analyses taken from the cache
    computed: int = 0  # … and computed afresh
    analysis_keys: dict[str, str] = field(default_factory=dict)  # seed → its analysis's key


@dataclass
class BuildReport:
    """What a written build holds and how it went (the model itself is gone by then)."""

    out: Path
    sources: int
    sentences: int  # narrative sentences
    events: int  # timeline events
    figures: int
    entities: int
    warnings: list[str]
    stages: Stages
    reused: int
    computed: int
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # written: size, mtime
    page_keys: dict[str, str] = field(default_factory=dict)  # page → its content key
    kept: int = 0  # pages whose key was unchanged, taken from the last build

    @staticmethod
    def of(result: BuildResult, out: Path) -> BuildReport:
        site = result.site
        return BuildReport(
            out=out,
            sources=len(site.sources),
            sentences=sum(page.sentence_count for page in site.sections),
            events=len(site.timeline),
            figures=len(site.figures),
            entities=len(site.entities),
            warnings=list(site.warnings),
            stages=result.stages,
            reused=result.reused,
            computed=result.computed,
        )

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))

    def summary(self, seconds: float) -> str:
        """One line: what was built, from what, with how many warnings, how fast."""
        return (
            f"built {self.pages} pages into {self.out} from {self.sources} sources: "
            f"{self.sentences} narrative sentences, {self.events} timeline events, "
            f"{self.figures} figures, {self.entities} entities, "
            f"{len(self.warnings)} warnings; {seconds:.2f} s"
        )


def _quiet(message: str) -> None:
    pass


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the model is built. Parsing, loading from the cache
    and assembling make millions of objects that all live until the pages are made, and
    almost no cycles; each full pass of the collector walks all of them to free next to
    nothing. At 100× the seeds that was about ten passes of up to 0.5 s each, for 17,000
    objects in cycles (PyYAML's nodes, from reading content/), which a later pass frees."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was made goes to the oldest generation unwalked (freezing and thawing moves
        # it there); otherwise the first collection after this would walk all of it.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@_collector_paused()
def build_site(
    seeds: Path,
    content: Path,
    templates: Path,
    cache: Cache | None = None,
    progress: Callable[[str], None] = _quiet,
) -> BuildResult:
    """Everything but writing: the site model, from the inputs, and the compiled templates.
    `progress` is told what each long stage is about to do."""
    cache = cache or Cache(None)
    stages = Stages()
    config, gazetteer = cache.kept(
        cache_key("content", code_version(), content.absolute(), folder_digest(content)),
        lambda: (load_content(content), load_gazetteer(content / "entities.yaml")),
    )
    seed_files = load_seeds(seeds)
    timeline_rules, warnings = verify_quotes(
        config.timeline, (seed.text for seed in seed_files), content / "timeline.yaml"
    )
    config = replace(config, timeline=timeline_rules)
    stages.lap("load")
    rules = Rules(
        config.sections,
        config.figures,
        config.diplomacy,
        gazetteer,
        config.corrections.placements,
        config.timeline.categories,
    )
    compiled: list[jinja2.Environment] = []
    sources, analyses, analysis_keys = _parse_and_analyse(
        seed_files,
        config.parse_settings,
        rules,
        cache,
        meanwhile=lambda: compiled.append(load_templates(templates, cache.folder_for("templates"))),
        progress=progress,
    )
    stages.lap("parse and analyse")
    progress("assembling the site model")
    site = assemble(sources, analyses, config, warnings, gazetteer)
    stages.lap("assemble")
    return BuildResult(
        site=site,
        seed_texts={seed.name: seed.text for seed in seed_files},
        templates=compiled[0],
        stages=stages,
        reused=cache.hits,
        computed=cache.misses if cache.folder else len(sources) * 2,
        analysis_keys={seed.name: k for seed, k in zip(seed_files, analysis_keys, strict=True)},
    )


def _parse_and_analyse(
    seed_files: list[SeedFile],
    settings: ParseSettings,
    rules: Rules,
    cache: Cache,
    meanwhile: Callable[[], object],
    progress: Callable[[str], None],
) -> tuple[list[Source], list[SourceAnalysis], list[str]]:
    """Each seed parsed and analysed, one process per core, largest seeds first; from the
    cache when the same bytes were parsed (and analysed by the same rules) before; and the
    key of each analysis. Every source's analysis depends on that source and the rules only."""
    version = code_version()
    rules_key = cache_key("rules", version, rules)
    keys = [
        cache_key("source", version, seed.name, seed.sha256, seed.meta, settings)
        for seed in seed_files
    ]
    analysis_keys = [cache_key("analysis", key, rules_key) for key in keys]
    analyses = [cache.get(k) for k in analysis_keys]
    sources = [cache.get(k) for k in keys]
    missing = [i for i, analysis in enumerate(analyses) if analysis is None or sources[i] is None]
    missing.sort(key=lambda i: -len(seed_files[i].text))
    characters = sum(len(seed_files[i].text) for i in missing)
    cached = (
        f"; {len(seed_files) - len(missing)} from the cache"
        if len(missing) < len(seed_files)
        else ""
    )
    progress(
        f"parsing and analysing {len(missing)} sources ({characters:,} characters{cached}) "
        f"on {cores()} cores"
    )
    done = run_all(
        [
            functools.partial(_source_job, seed_files[i], sources[i], settings, rules)
            for i in missing
        ],
        minimum=2,
        meanwhile=meanwhile,
    )
    for i, (source, analysis) in zip(missing, done, strict=True):
        if sources[i] is None:
            cache.put(keys[i], source)
        cache.put(analysis_keys[i], analysis)
        sources[i], analyses[i] = source, analysis
    return sources, analyses, analysis_keys


def _source_job(
    seed: SeedFile, source: Source | None, settings: ParseSettings, rules: Rules
) -> tuple[Source, SourceAnalysis]:
    source = source or build_source(seed, settings)
    return source, analyse(source, rules)


def run_build(
    seeds: Path,
    content: Path,
    templates: Path,
    out: Path,
    strict: bool = False,
    cache_dir: Path | None = None,
    fingerprint: str | None = None,
    progress: Callable[[str], None] = _quiet,
    resident: Resident | None = None,
    pages_live: Callable[[], object] | None = None,
) -> BuildReport:
    """Build and write; with `strict`, any warning fails the build before anything is written.

    `cache_dir` keeps parsed sources between builds; `fingerprint` (of all inputs) is
    recorded with the output so that an unchanged rebuild can be skipped.

    For a process that stays up between builds (`serve`): with `resident` (the same object
    for each build), the model is built in this process, so that the rules it compiles are
    kept for the next build, and so are the content it loaded and the sources it parsed; with
    `pages_live`, the new pages go live with the last build's data exports and search index,
    `pages_live()` is called, and only then are the exports written and the pages indexed
    (each folder swapped in when ready).
    """
    skip = frozenset({NOT_FOUND, SEARCH})
    # Pages get content keys from the second build into `out` on: a first build has nothing
    # to keep pages from, and the keys cost about a quarter of rendering the pages. A process
    # that stays up builds again on every edit, so its first build makes them too.
    last_keys = kept_pages(cache_dir, out) if cache_dir is not None else None
    if last_keys is None and cache_dir is not None and resident is not None:
        last_keys = {}
    exports: list[tuple[str, Callable[[], FileData]]] = []  # a resident build's, written here
    with Staging(out) as staging:
        job = functools.partial(
            _model_and_pages,
            seeds,
            content,
            templates,
            out,
            cache_dir,
            resident,
            strict,
            staging.write,
            functools.partial(_keep, staging, last_keys) if last_keys is not None else None,
            exports if resident is not None else None,
            progress,
        )
        # Otherwise the model lives and dies in a process of its own, so that its memory goes
        # back to the system before the search indexer, which needs memory in proportion to
        # the site, runs.
        report = job() if resident is not None else in_child(job)
        # Pages go live first, with the last build's data exports and search index, when it
        # has both; they are made again after that.
        if (
            pages_live is not None
            and bundles(out)
            and carry_folders(out, staging.tmp, [EXPORTS, INDEX])
        ):
            staging.commit()
            pages_live()
            refresh_folders(
                out,
                lambda fresh: _write_exports(
                    exports, report, progress, functools.partial(write_file, fresh)
                ),
            )
            progress("indexing the pages for search")
            refresh_index(out, skip)
            report.stages.lap("search index")
            report.files = listing(out)
        else:
            if exports:
                _write_exports(exports, report, progress, staging.write)
            progress("indexing the pages for search")
            index_site(staging.tmp, skip, last=out)
            report.stages.lap("search index")
            report.files = staging.commit()
    if cache_dir is not None and fingerprint:
        record_build(cache_dir, out, fingerprint, report.files, report.warnings, report.page_keys)
    report.stages.lap("write")
    return report


def _model_and_pages(
    seeds: Path,
    content: Path,
    templates: Path,
    out: Path,
    cache_dir: Path | None,
    resident: Resident | None,
    strict: bool,
    write: Callable[[str, FileData], int],
    keep: Callable[[str, str], bool] | None,
    exports: list[tuple[str, Callable[[], FileData]]] | None,
    progress: Callable[[str], None],
) -> BuildReport:
    """Build the site model and write its pages and data; what went into them. With `keep`,
    pages get content keys, and `keep(page, key)` takes a page from the last build if it was
    made from the same key. With `exports`, the data exports are put there to be written
    later, not written."""
    cache = Cache(cache_dir, resident.values if resident else None)
    facts = Cache(cache.folder_for("template-facts"), resident.facts if resident else None)
    result = build_site(seeds, content, templates, cache, progress)
    # The model lives until its pages and data are made, so the collector need not walk it
    # meanwhile (a full pass takes 0.5 s at 100× the seeds); it walks it again after.
    gc.freeze()
    try:
        # Planning the pages may add warnings (a maintainer's page linking to a page this build
        # does not have), so it comes before the strict check. The keys' digests are dropped
        # once the pages are planned.
        pages, keys = render_jobs(
            result.site,
            result.templates,
            templates,
            _page_keys(result, facts) if keep is not None else None,
        )
        if strict and result.site.warnings:
            raise SiteError(
                f"{len(result.site.warnings)} warning(s) and --strict:\n  "
                + "\n  ".join(result.site.warnings)
            )
        result.stages.lap("plan pages")
        kept = {path for path, _ in pages if path in keys and keep and keep(path, keys[path])}
        write_output(
            [job for job in pages if job[0] not in kept], write, "pages and assets", progress
        )
        result.stages.lap("render")
        report = BuildReport.of(result, out)
        report.page_keys = keys
        report.kept = len(kept)
        if exports is None:
            _write_exports(export_jobs(result.site, result.seed_texts), report, progress, write)
        else:
            exports.extend(export_jobs(result.site, result.seed_texts))
        cache.sweep()
        facts.sweep()
        return report
    finally:
        gc.unfreeze()


def _write_exports(
    exports: list[tuple[str, Callable[[], FileData]]],
    report: BuildReport,
    progress: Callable[[str], None],
    write: Callable[[str, FileData], int],
) -> list[str]:
    """Write the data exports; the top folder of the site they are in."""
    write_output(exports, write, "data exports", progress)
    report.stages.lap("export")
    return [EXPORTS]


def _page_keys(result: BuildResult, facts: Cache) -> PageKeys:
    # Pages are made by Jinja and MarkupSafe too: a new version of either makes them again.
    version = (
        f"{code_version()} jinja2 {jinja2.__version__} "
        f"markupsafe {package_version(Path(markupsafe.__file__).parent)}"
    )
    return PageKeys(
        result.site,
        result.templates,
        result.analysis_keys,
        version,
        functools.partial(_template_facts, facts, result.templates, version),
    )


def _template_facts(
    facts: Cache, env: jinja2.Environment, version: str, name: str, text: str
) -> TemplateFacts:
    """What a template's text reads, from the cache when the same text was read before."""
    key = cache_key("template facts", version, name, text)
    found = facts.get(key)
    if not isinstance(found, TemplateFacts):
        found = template_facts(env, name, text)
        facts.put(key, found)
    return found


def _keep(staging: Staging, last_keys: dict[str, str], path: str, key: str) -> bool:
    """Whether the page `path` was taken from the last build, which made it from the same key."""
    return last_keys.get(path) == key and staging.keep(path)


def write_output(
    jobs: list[tuple[str, Callable[[], FileData]]],
    write: Callable[[str, FileData], int],
    what: str,
    progress: Callable[[str], None] = _quiet,
) -> None:
    """Make the files and write each as soon as it is made, on every core (workers write
    their files themselves; only sizes come back)."""
    # A forked worker soon holds its own copy of most of the site model (reading an object
    # writes its reference count), so a large site is rendered by this process alone.
    workers = cores() if peak_memory_mb() < SHARED_RENDER_MAX_MB else 1
    progress(f"rendering and writing {len(jobs)} {what} on {workers} core(s)")
    run_all(
        [functools.partial(_make_and_write, make, path, write) for path, make in jobs],
        workers=workers,
        minimum=40,
    )


def _make_and_write(
    make: Callable[[], FileData], path: str, write: Callable[[str, FileData], int]
) -> int:
    return write(path, make())
