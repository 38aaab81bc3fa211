"""`karabakh-site check`: what CI trusts about a built site.

- every internal link and `#fragment` resolves;
- no page loads a script, style, image, font or frame from another host, and
  links to other hosts carry rel="noopener noreferrer";
- every narrative sentence carries a citation, every citation lands on a source
  sentence, the sentence shown is the sentence cited, and the cited text still
  hashes to what the seed file holds now (so an edited seed and a stale build
  are caught).
"""

from __future__ import annotations

import functools
import hashlib
import json
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .sentences import Span, display_text, find_markers, normalise_space
from .workers import run_all

# Attributes through which a page loads something (as opposed to linking to it).
_LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("link", "href"),
    ("iframe", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("track", "src"),
    ("input", "src"),
    ("use", "href"),
    ("image", "href"),
}
_NAVIGATING = {("a", "href"), ("area", "href"), ("form", "action")}


@dataclass
class PageScan:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, value)
    external_anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, rel)
    sentences: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)
    # ^ quoted sentences: (id, shown text, citation hrefs, ids of the sentences it spans)
    uncited_facts: list[int] = field(default_factory=list)  # lines of facts with no citation


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._stack: list[str] = []  # classes of open elements we care about
        self._sentence: list | None = None
        self._depth = 0
        self._text_depth: int | None = None
        self._fact: list | None = None  # [depth, line, cited] of an open hand-written fact

    def handle_starttag(self, tag, attrs):
        self._depth += 1
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.scan.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.scan.ids.add(a["name"])
        for attr in ("href", "src", "srcset", "data", "action", "poster"):
            if attr in a:
                self.scan.links.append((tag, attr, a[attr]))
        if tag == "a" and urlsplit(a.get("href", "")).scheme in ("http", "https"):
            self.scan.external_anchors.append((a["href"], a.get("rel", "")))
        classes = a.get("class", "").split()
        if "fact" in classes and self._fact is None:
            self._fact = [self._depth, self.getpos()[0], False]
        if tag == "a" and "cite" in classes and self._fact is not None:
            self._fact[2] = True
        if "s" in classes and self._sentence is None:
            spans = a.get("data-sentences", "").split()
            self._sentence = [a.get("id", f"line {self.getpos()[0]}"), [], [], self._depth, spans]
        elif self._sentence is not None:
            if tag == "span" and "t" in classes and self._text_depth is None:
                self._text_depth = self._depth
            if tag == "a" and "cite" in classes:
                self._sentence[2].append(a.get("href", ""))
        if tag in ("br", "img", "meta", "link", "input", "hr", "source", "track", "wbr"):
            self._depth -= 1  # void elements have no end tag

    def handle_endtag(self, tag):
        if self._fact is not None and self._depth == self._fact[0]:
            if not self._fact[2]:
                self.scan.uncited_facts.append(self._fact[1])
            self._fact = None
        if self._text_depth is not None and self._depth == self._text_depth:
            self._text_depth = None
        if self._sentence is not None and self._depth == self._sentence[3]:
            sid, text, cites, _, spans = self._sentence
            self.scan.sentences.append((sid, normalise_space("".join(text)), cites, spans))
            self._sentence = None
        self._depth -= 1

    def handle_data(self, data):
        if self._sentence is not None and self._text_depth is not None:
            self._sentence[1].append(data)


@dataclass
class CheckReport:
    pages: int = 0
    links: int = 0
    citations: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        status = "ok" if not self.errors else "FAILED"
        return (
            f"check {status}: {self.pages} pages, {self.links} links, "
            f"{self.citations} citations, {len(self.errors)} errors, "
            f"{len(self.warnings)} warnings"
        )

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "links": self.links,
            "citations": self.citations,
            "errors": self.errors,
            "warnings": self.warnings,
            "ok": not self.errors,
        }


def check_site(site: Path, seeds: Path | None) -> CheckReport:
    report = CheckReport()
    if not site.is_dir():
        report.errors.append(f"{site}: built site not found (run karabakh-site build first)")
        return report
    pages = sorted(site.rglob("*.html"))
    scanned = run_all([functools.partial(_scan_page, path) for path in pages], minimum=40)
    scans = {
        path.relative_to(site).as_posix(): scan for path, scan in zip(pages, scanned, strict=True)
    }
    report.pages = len(scans)
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    for rel, scan in scans.items():
        _check_links(rel, scan, scans, files, report)
    for rel, scan in scans.items():
        for line in scan.uncited_facts:
            report.errors.append(f"{rel}:{line}: a fact written by hand has no citation")
    records = _load_manifest(site, report)
    if records is not None:
        _check_citations(scans, records, report)
        _check_facts(site, records, report)
        _check_seeds(records, seeds, report)
    return report


def _scan_page(path: Path) -> PageScan:
    scanner = _Scanner()
    scanner.feed(path.read_text(encoding="utf-8"))
    scanner.close()
    return scanner.scan


def _check_facts(site: Path, records: dict[str, dict], report: CheckReport) -> None:
    """Each fact written by hand in content/ must quote the seed sentences it cites."""
    path = site / "data" / "facts.json"
    if not path.is_file():
        report.errors.append(f"{path}: missing; hand-written facts cannot be verified")
        return
    by_sentence = {(r["seed"], r["sentence"]): r for r in records.values()}
    for fact in json.loads(path.read_text(encoding="utf-8")):
        where = f"{path.name}: {fact['kind']} '{fact['label']}'"
        quote = normalise_space(fact["quote"])
        cited = [by_sentence.get((ref["seed"], ref["sentence"])) for ref in fact["sources"]]
        if not cited:
            report.errors.append(f"{where} cites no seed sentence")
        elif None in cited:
            report.errors.append(f"{where} cites a sentence no seed has")
        elif not any(quote in normalise_space(r["text"]) for r in cited):
            report.errors.append(
                f"{where}: its quote is not in the sentences it cites: {fact['quote']!r}"
            )


def _check_links(
    rel: str, scan: PageScan, scans: dict[str, PageScan], files: set[str], report: CheckReport
) -> None:
    for tag, attr, value in scan.links:
        report.links += 1
        where = f'{rel}: <{tag} {attr}="{value}">'
        values = [value]
        if attr == "srcset":
            values = [v.strip().split(" ")[0] for v in value.split(",")]
        for v in values:
            parts = urlsplit(v.strip())
            loads = (tag, attr) in _LOADING or (tag == "link" and attr == "href")
            if parts.scheme in ("http", "https") or v.startswith("//"):
                if loads:
                    report.errors.append(f"{where} loads from another host")
                continue
            if parts.scheme == "data":
                continue
            if parts.scheme in ("javascript", "vbscript"):
                report.errors.append(f"{where} uses a {parts.scheme}: address")
                continue
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme:
                report.warnings.append(f"{where} uses an unusual scheme")
                continue
            target = _resolve(rel, unquote(parts.path))
            if target is None:
                report.errors.append(f"{where} points outside the site")
                continue
            if target not in files and target.rstrip("/") + "/index.html" in files:
                target = target.rstrip("/") + "/index.html"
            if target not in files:
                report.errors.append(f"{where} is a broken link ({target} does not exist)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.endswith(".html") and fragment not in scans[target].ids:
                report.errors.append(
                    f'{where} is a broken link (no id "{parts.fragment}" in {target})'
                )
    for href, rel_attr in scan.external_anchors:
        tokens = set(rel_attr.lower().split())
        if not {"noopener", "noreferrer"} <= tokens:
            report.errors.append(f'{rel}: external link {href} lacks rel="noopener noreferrer"')


def _resolve(page: str, path: str) -> str | None:
    if not path:
        return page
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined.startswith("..") or joined.startswith("/"):
        return None
    return "index.html" if joined == "." else joined


def _load_manifest(site: Path, report: CheckReport) -> dict[str, dict] | None:
    path = site / "data" / "sentences.json"
    if not path.is_file():
        report.errors.append(f"{path}: missing; citations cannot be verified")
        return None
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        report.errors.append(f"{path}: not valid JSON ({exc})")
        return None
    return {r["page"]: r for r in records}


def _check_citations(
    scans: dict[str, PageScan], records: dict[str, dict], report: CheckReport
) -> None:
    for rel, scan in scans.items():
        if rel.startswith("sources/"):
            continue
        for sid, text, cites, spans in scan.sentences:
            if not cites:
                report.errors.append(f"{rel}#{sid}: sentence has no citation")
                continue
            for href in cites:
                report.citations += 1
                parts = urlsplit(href)
                target = _resolve(rel, unquote(parts.path))
                record = records.get(f"{target}#{parts.fragment}")
                if record is not None and spans:
                    # A quotation of several consecutive sentences (a bibliography entry).
                    quoted = [records.get(f"{target}#{i}") for i in spans]
                    if None in quoted:
                        report.errors.append(f"{rel}#{sid}: it quotes a sentence {target} lacks")
                        continue
                    record = {"text": " ".join(r["text"] for r in quoted)}
                if record is None:
                    report.errors.append(
                        f"{rel}#{sid}: citation {href} does not land on a source sentence"
                    )
                elif normalise_space(record["text"]) != text:
                    report.errors.append(
                        f"{rel}#{sid}: the sentence shown differs from the sentence cited "
                        f"({href}): {text[:60]!r} vs {record['text'][:60]!r}"
                    )


def _check_seeds(records: dict[str, dict], seeds: Path | None, report: CheckReport) -> None:
    if seeds is None or not seeds.is_dir():
        report.errors.append(
            f"{seeds}: seeds folder not found; cited text cannot be compared "
            "with the seeds (pass --seeds)"
        )
        return
    by_seed: dict[str, list[dict]] = defaultdict(list)
    for record in records.values():
        by_seed[record["seed"]].append(record)
    for seed, items in sorted(by_seed.items()):
        path = seeds / seed
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            report.errors.append(
                f"{path}: cited seed file is missing (if the site was built from another "
                "folder, name it with --seeds)"
            )
            continue
        except UnicodeDecodeError:
            report.errors.append(f"{path}: cited seed file is no longer valid UTF-8")
            continue
        changed = 0
        for record in items:
            span = text[record["start"] : record["end"]]
            if hashlib.sha256(span.encode("utf-8")).hexdigest() != record["sha256"]:
                changed += 1
                if changed <= 5:
                    report.errors.append(
                        f"{path}: cited text at {record['start']}–{record['end']} has changed "
                        f"since the build (sentence {record['sentence']}); rebuild the site"
                    )
                continue
            markers = tuple(
                m.__class__(m.start + record["start"], m.end + record["start"], m.label)
                for m in find_markers(span)
            )
            shown = display_text(text, Span(record["start"], record["end"], markers))
            if shown != normalise_space(record["text"]):
                report.errors.append(
                    f"{path}: sentence {record['sentence']} no longer reads as built"
                )
        if changed > 5:
            report.errors.append(f"{path}: … and {changed - 5} more changed sentences")
