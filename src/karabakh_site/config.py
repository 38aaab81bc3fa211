"""What maintainers curate in `content/`, validated against schemas.

Every file is optional except `site.yaml` and `sections.yaml`; every key is
checked, so a typo is an error that names the file, line, column and the keys
that are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .dates import DateAnchor, Day
from .diplomacy import DiplomacyRules, load_diplomacy_rules
from .errors import SiteError
from .figures import KINDS as FIGURE_KINDS
from .figures import FigureRules, load_figure_rules
from .model import SourceMeta
from .references import ReferenceRules, load_reference_rules
from .scripts import SCRIPTS
from .yamlschema import (
    SLUG,
    Bool,
    Field,
    ListOf,
    MapOf,
    Num,
    Optional,
    Record,
    Slug,
    Str,
    load_yaml,
)

_YEAR = Num(integer=True, minimum=1, maximum=2200, name="year")
_YEARS = ListOf(Optional(_YEAR), min_items=2)
_KEYWORDS = MapOf(Num(minimum=-10, maximum=10, name="keyword weight"))
_DATE = Str(pattern=r"\d{4}(?:-\d{2}(?:-\d{2})?)?", name="date (YYYY, YYYY-MM or YYYY-MM-DD)")
_URL = Str(pattern=r"https?://[^\s\"<>]+", name="web address (http:// or https://)")


# --- site.yaml ----------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFact:
    label: str
    value: str
    quote: str  # verbatim words from a seed that support the value
    line: int = 0


@dataclass(frozen=True)
class SiteSettings:
    title: str
    tagline: str
    description: str
    language: str = "en"
    base_url: str | None = None
    abbreviations: tuple[str, ...] = ()
    key_facts: tuple[KeyFact, ...] = ()
    scripts: tuple[tuple[str, str], ...] = ()  # script → language tag of passages in it


_LANGUAGE = Str(pattern=r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*", name="language tag")
_SITE = Record(
    {
        "title": Field(Str(), required=True),
        "tagline": Field(Str(), default=""),
        "description": Field(Str(), default=""),
        "language": Field(_LANGUAGE, default="en"),
        "scripts": Field(
            MapOf(_LANGUAGE, key=Str(choices=tuple(SCRIPTS), name="script")),
            default_factory=dict,
        ),
        "base_url": Field(Optional(_URL)),
        "abbreviations": Field(ListOf(Str()), default_factory=list),
        "key_facts": Field(
            ListOf(
                Record(
                    {
                        "label": Field(Str(), required=True),
                        "value": Field(Str(), required=True),
                        "quote": Field(Str(), required=True),
                    },
                    name="key fact",
                    keep_line=True,
                )
            ),
            default_factory=list,
        ),
    },
    name="site settings",
)

# --- sections.yaml ------------------------------------------------------------------


@dataclass(frozen=True)
class Subsection:
    title: str
    keywords: dict[str, float] = field(default_factory=dict)
    years: tuple[int | None, int | None] | None = None


@dataclass(frozen=True)
class SectionRule:
    slug: str
    title: str
    description: str = ""
    group: str | None = None
    lead: bool = False
    years: tuple[int | None, int | None] | None = None
    keywords: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    subsections: tuple[Subsection, ...] = ()
    figures: tuple[str, ...] = ()  # kinds of stated figure tabulated on this page
    register: bool = False  # show the register of agreements, talks and resolutions


@dataclass(frozen=True)
class Group:
    id: str
    title: str


@dataclass(frozen=True)
class SectionSettings:
    switch_penalty: float = 2.5
    keyword_weight: float = 1.0
    keyword_cap: float = 5.0
    date_weight: float = 1.5
    inferred_date_factor: float = 0.6
    paragraph_min: int = 2
    paragraph_target: int = 5
    paragraph_max: int = 8


@dataclass(frozen=True)
class SectionRules:
    settings: SectionSettings
    groups: tuple[Group, ...]
    sections: tuple[SectionRule, ...]

    def by_slug(self, slug: str) -> SectionRule:
        return next(s for s in self.sections if s.slug == slug)


_SUBSECTION = Record(
    {
        "title": Field(Str(), required=True),
        "keywords": Field(_KEYWORDS, default_factory=dict),
        "years": Field(Optional(_YEARS)),
    },
    name="subsection",
)
_SECTION = Record(
    {
        "slug": Field(Slug(), required=True),
        "title": Field(Str(), required=True),
        "description": Field(Str(), default=""),
        "group": Field(Optional(Str())),
        "lead": Field(Bool(), default=False),
        "years": Field(Optional(_YEARS)),
        "keywords": Field(_KEYWORDS, default_factory=dict),
        "bias": Field(Num(minimum=-10, maximum=10, name="bias"), default=0.0),
        "subsections": Field(ListOf(_SUBSECTION), default_factory=list),
        "figures": Field(
            ListOf(Str(choices=FIGURE_KINDS, name="figure kind")), default_factory=list
        ),
        "register": Field(Bool(), default=False),
    },
    name="section",
)
_D = SectionSettings()
_PARAGRAPH_SIZE = Num(integer=True, minimum=1, maximum=40, name="paragraph size")
_SECTIONS = Record(
    {
        "settings": Field(
            Record(
                {
                    "switch_penalty": Field(
                        Num(minimum=0, name="switch_penalty"), default=_D.switch_penalty
                    ),
                    "keyword_weight": Field(
                        Num(minimum=0, name="keyword_weight"), default=_D.keyword_weight
                    ),
                    "keyword_cap": Field(
                        Num(minimum=0, name="keyword_cap"), default=_D.keyword_cap
                    ),
                    "date_weight": Field(
                        Num(minimum=0, name="date_weight"), default=_D.date_weight
                    ),
                    "inferred_date_factor": Field(
                        Num(minimum=0, maximum=1, name="inferred_date_factor"),
                        default=_D.inferred_date_factor,
                    ),
                    "paragraph": Field(
                        Record(
                            {
                                "min": Field(_PARAGRAPH_SIZE, default=_D.paragraph_min),
                                "target": Field(_PARAGRAPH_SIZE, default=_D.paragraph_target),
                                "max": Field(_PARAGRAPH_SIZE, default=_D.paragraph_max),
                            },
                            name="paragraph settings",
                        )
                    ),
                },
                name="settings",
            )
        ),
        "groups": Field(
            ListOf(
                Record(
                    {
                        "id": Field(Slug("group id"), required=True),
                        "title": Field(Str(), required=True),
                    },
                    name="group",
                )
            ),
            default_factory=list,
        ),
        "sections": Field(ListOf(_SECTION, min_items=1), required=True),
    },
    name="section rules",
)

# --- corrections.yaml ---------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    quote: str
    section: str
    line: int = 0


@dataclass(frozen=True)
class Exclusion:
    quote: str
    reason: str
    line: int = 0


@dataclass(frozen=True)
class Corrections:
    placements: tuple[Placement, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()


_CORRECTIONS = Record(
    {
        "placements": Field(
            ListOf(
                Record(
                    {"quote": Field(Str(), required=True), "section": Field(Str(), required=True)},
                    name="placement",
                    keep_line=True,
                )
            ),
            default_factory=list,
        ),
        "exclusions": Field(
            ListOf(
                Record(
                    {"quote": Field(Str(), required=True), "reason": Field(Str(), required=True)},
                    name="exclusion",
                    keep_line=True,
                )
            ),
            default_factory=list,
        ),
    },
    name="corrections",
)

# --- timeline.yaml ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The war's own dates, with the words of a seed that give them."""

    start: Day
    end: Day
    quote: str
    line: int = 0


@dataclass(frozen=True)
class AnchorRule:
    anchor: DateAnchor
    quote: str
    line: int = 0


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    keywords: dict[str, float] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    default: bool = False


@dataclass(frozen=True)
class TimelineRules:
    period: Period | None = None
    anchors: tuple[AnchorRule, ...] = ()
    categories: tuple[Category, ...] = ()

    @property
    def default_category(self) -> Category | None:
        return next((c for c in self.categories if c.default), None)


_TIMELINE = Record(
    {
        "period": Field(
            Optional(
                Record(
                    {
                        "from": Field(_DATE, required=True),
                        "to": Field(_DATE, required=True),
                        "quote": Field(Str(), required=True),
                    },
                    name="period",
                    keep_line=True,
                )
            )
        ),
        "anchors": Field(
            ListOf(
                Record(
                    {
                        "phrase": Field(Str(), required=True),
                        "date": Field(_DATE, required=True),
                        "quote": Field(Str(), required=True),
                    },
                    name="anchor",
                    keep_line=True,
                )
            ),
            default_factory=list,
        ),
        "categories": Field(
            ListOf(
                Record(
                    {
                        "id": Field(Slug(), required=True),
                        "title": Field(Str(), required=True),
                        "keywords": Field(_KEYWORDS, default_factory=dict),
                        "sections": Field(ListOf(Str()), default_factory=list),
                        "default": Field(Bool(), default=False),
                    },
                    name="category",
                )
            ),
            default_factory=list,
        ),
    },
    name="timeline rules",
)


def _day(text: str) -> tuple[Day, str]:
    """A YYYY, YYYY-MM or YYYY-MM-DD string as a Day and its precision."""
    parts = [int(p) for p in str(text).split("-")]
    precision = ("year", "month", "day")[len(parts) - 1]
    return Day(*parts), precision


def _timeline_rules(path: Path, raw: dict, section_slugs: set[str]) -> TimelineRules:
    period = None
    if raw["period"] is not None:
        p = raw["period"]
        start, _ = _day(p["from"])
        end, _ = _day(p["to"])
        if end < start:
            raise SiteError("period 'to' is before 'from'", path, p["line"])
        period = Period(start, end, p["quote"], p["line"])
    anchors = []
    for a in raw["anchors"]:
        date, precision = _day(a["date"])
        anchors.append(AnchorRule(DateAnchor(a["phrase"], date, precision), a["quote"], a["line"]))
    categories = []
    for c in raw["categories"]:
        unknown = [s for s in c["sections"] if s not in section_slugs]
        if unknown:
            raise SiteError(
                f"category '{c['id']}' names unknown section(s) {', '.join(unknown)}; "
                f"sections are: {', '.join(sorted(section_slugs))}",
                path,
            )
        categories.append(
            Category(
                id=c["id"],
                title=c["title"],
                keywords={k: float(v) for k, v in c["keywords"].items()},
                sections=tuple(c["sections"]),
                default=c["default"],
            )
        )
    if categories and sum(1 for c in categories if c.default) != 1:
        raise SiteError("exactly one category must have 'default: true'", path)
    return TimelineRules(period=period, anchors=tuple(anchors), categories=tuple(categories))


# --- pages/*.md ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraPage:
    slug: str
    title: str
    markdown: str


@dataclass(frozen=True)
class ParseSettings:
    """What the parse stage takes from content/."""

    abbreviations: tuple[str, ...] = ()
    anchors: tuple[DateAnchor, ...] = ()
    references: ReferenceRules = field(default_factory=ReferenceRules)


@dataclass(frozen=True)
class Content:
    root: Path
    site: SiteSettings
    sections: SectionRules
    corrections: Corrections
    pages: tuple[ExtraPage, ...]
    timeline: TimelineRules = field(default_factory=TimelineRules)
    references: ReferenceRules = field(default_factory=ReferenceRules)
    figures: FigureRules = field(default_factory=FigureRules)
    diplomacy: DiplomacyRules = field(default_factory=DiplomacyRules)

    @property
    def parse_settings(self) -> ParseSettings:
        return ParseSettings(
            abbreviations=self.site.abbreviations,
            anchors=tuple(rule.anchor for rule in self.timeline.anchors),
            references=self.references,
        )


# --- sidecars -------------------------------------------------------------------------

SIDECAR = Record(
    {
        "title": Field(Optional(Str())),
        "url": Field(Optional(_URL)),
        "publisher": Field(Optional(Str())),
        "date": Field(Optional(_DATE)),
        "language": Field(
            Str(pattern=r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*", name="language tag"), default="en"
        ),
        "slug": Field(Optional(Slug())),
    },
    name="source sidecar",
)


def load_sidecar(path: Path) -> SourceMeta:
    data = load_yaml(path, SIDECAR)
    return SourceMeta(**data)


def load_content(root: Path) -> Content:
    if not root.is_dir():
        raise SiteError("content folder not found", root)
    site_path = root / "site.yaml"
    sections_path = root / "sections.yaml"
    for required in (site_path, sections_path):
        if not required.is_file():
            raise SiteError("required file is missing", required)
    raw_site = load_yaml(site_path, _SITE)
    site = SiteSettings(
        title=raw_site["title"],
        tagline=raw_site["tagline"],
        description=raw_site["description"],
        language=raw_site["language"],
        base_url=_with_slash(raw_site["base_url"]),
        abbreviations=tuple(a.rstrip(".") for a in raw_site["abbreviations"]),
        key_facts=tuple(KeyFact(**f) for f in raw_site["key_facts"]),
        scripts=tuple(raw_site["scripts"].items()),
    )
    sections = _section_rules(sections_path, load_yaml(sections_path, _SECTIONS))
    corrections_path = root / "corrections.yaml"
    corrections = Corrections()
    if corrections_path.is_file():
        raw = load_yaml(corrections_path, _CORRECTIONS)
        corrections = Corrections(
            placements=tuple(Placement(**p) for p in raw["placements"]),
            exclusions=tuple(Exclusion(**e) for e in raw["exclusions"]),
        )
        slugs = {s.slug for s in sections.sections}
        for p in corrections.placements:
            if p.section not in slugs:
                raise SiteError(
                    f"placement names unknown section '{p.section}'; sections are: "
                    + ", ".join(sorted(slugs)),
                    corrections_path,
                    p.line,
                )
    timeline_path = root / "timeline.yaml"
    timeline = TimelineRules()
    if timeline_path.is_file():
        timeline = _timeline_rules(
            timeline_path,
            load_yaml(timeline_path, _TIMELINE),
            {s.slug for s in sections.sections},
        )
    return Content(
        root=root,
        site=site,
        sections=sections,
        corrections=corrections,
        pages=_pages(root / "pages"),
        timeline=timeline,
        references=load_reference_rules(root / "references.yaml"),
        figures=_optional(root / "figures.yaml", load_figure_rules, FigureRules),
        diplomacy=_optional(root / "diplomacy.yaml", load_diplomacy_rules, DiplomacyRules),
    )


def _optional(path: Path, load, empty):
    return load(path) if path.is_file() else empty()


def _with_slash(url: str | None) -> str | None:
    return url if url is None or url.endswith("/") else url + "/"


def _years(value) -> tuple[int | None, int | None] | None:
    return None if value is None else (value[0], value[1])


def _section_rules(path: Path, raw: dict) -> SectionRules:
    s = raw["settings"]
    p = s["paragraph"]
    settings = SectionSettings(
        switch_penalty=float(s["switch_penalty"]),
        keyword_weight=float(s["keyword_weight"]),
        keyword_cap=float(s["keyword_cap"]),
        date_weight=float(s["date_weight"]),
        inferred_date_factor=float(s["inferred_date_factor"]),
        paragraph_min=p["min"],
        paragraph_target=p["target"],
        paragraph_max=p["max"],
    )
    if not settings.paragraph_min <= settings.paragraph_target <= settings.paragraph_max:
        raise SiteError("paragraph settings must satisfy min <= target <= max", path)
    groups = tuple(Group(**g) for g in raw["groups"])
    group_ids = {g.id for g in groups}
    sections = []
    seen: set[str] = set()
    for entry in raw["sections"]:
        if entry["slug"] in seen:
            raise SiteError(f"two sections use the slug '{entry['slug']}'", path)
        seen.add(entry["slug"])
        if entry["group"] is not None and entry["group"] not in group_ids:
            raise SiteError(
                f"section '{entry['slug']}' names unknown group '{entry['group']}'; groups are: "
                + (", ".join(sorted(group_ids)) or "(none defined)"),
                path,
            )
        sections.append(
            SectionRule(
                slug=entry["slug"],
                title=entry["title"],
                description=entry["description"],
                group=entry["group"],
                lead=entry["lead"],
                years=_years(entry["years"]),
                keywords={k: float(v) for k, v in entry["keywords"].items()},
                bias=float(entry["bias"]),
                figures=tuple(entry["figures"]),
                register=entry["register"],
                subsections=tuple(
                    Subsection(
                        title=sub["title"],
                        keywords={k: float(v) for k, v in sub["keywords"].items()},
                        years=_years(sub["years"]),
                    )
                    for sub in entry["subsections"]
                ),
            )
        )
    if sum(1 for s in sections if s.lead) > 1:
        raise SiteError("only one section may have 'lead: true'", path)
    return SectionRules(settings=settings, groups=groups, sections=tuple(sections))


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def _pages(folder: Path) -> tuple[ExtraPage, ...]:
    if not folder.is_dir():
        return ()
    pages = []
    for path in sorted(folder.glob("*.md")):
        slug = path.stem
        if not re.fullmatch(SLUG, slug):
            raise SiteError(
                "page file names must be slugs (lowercase letters, digits, hyphens)", path
            )
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SiteError("file is not valid UTF-8", path, offset=exc.start) from exc
        lines = text.splitlines()
        m = _HEADING.match(lines[0]) if lines else None
        if not m:
            raise SiteError("a page must start with a '# Title' line", path, 1)
        pages.append(
            ExtraPage(slug=slug, title=m.group(1), markdown="\n".join(lines[1:]).strip() + "\n")
        )
    return tuple(pages)
