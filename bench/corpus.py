"""Synthetic corpora for the benchmark: N× the seeds, made deterministically from their sentences.

A corpus of scale S holds the real seeds plus (S − 1) synthetic files for each of them, so it is
S× the seeds in files and in characters. Synthetic file k imitates seed k mod n: the same length
of narrative and of back matter (notes, references), filled with a shuffled recombination of
narrative (resp. back-matter) sentences from all seeds, on one line like the seeds. Within each
file, years are shifted, day numbers varied, names swapped among the names found in the seeds and
other figures scaled, so sentences, dates and sections differ from file to file and the extractors
do real work. Everything comes from `random.Random` seeded with strings: the same seeds give the
same corpus byte for byte.

Which sentences are narrative and which back matter is read from the build's data export
(`data/sentences.json`, field `role`), so the split matches what the generator itself finds.

    python bench/corpus.py --scale 10 --out /tmp/corpus10
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MANIFEST = ".corpus.json"  # dot-files are ignored by the seeds loader

MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_ALT = "|".join(MONTHS)
# Capitalised words that are not names even though they occur mid-sentence.
NOT_NAMES = set(MONTHS) | {
    "I",
    "II",
    "III",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Retrieved",
    "Archived",
    "Mr",
    "Dr",
    "The",
}
NAME_GROUP = 12  # names are swapped only among names of similar frequency

# One pass over the text: day ranges and days next to a month, years, other figures.
FIGURES = re.compile(
    rf"(?P<dayfirst>(?<![\w.,])(?P<d1>\d{{1,2}})(?:(?P<dsep>\s*[–-]\s*)(?P<d2>\d{{1,2}}))?"
    rf"(?P<dmon>\s+(?:{MONTH_ALT})\b))"
    rf"|(?P<monfirst>\b(?:{MONTH_ALT})\s+)(?P<d3>\d{{1,2}})(?![\d,.]\d|\d)"
    r"|(?<![\w.,\-/])(?P<year>1[89]\d\d|20[0-4]\d)(?![\w.,]?\d)"
    r"|(?<![\w.,\-/])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<pct>%)?(?![\w\-/])"
)
NAME = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?![\w'’-])")


@dataclass(frozen=True)
class SeedShape:
    """What a synthetic file imitates: one seed's narrative and back-matter length."""

    name: str
    body_chars: int
    back_chars: int


@dataclass(frozen=True)
class Pool:
    """The seeds' sentences by role, the shapes of the seeds and the names found in them."""

    body: tuple[str, ...]
    back: tuple[str, ...]
    shapes: tuple[SeedShape, ...]
    name_groups: tuple[tuple[str, ...], ...]


def load_pool(sentences_json: Path) -> Pool:
    """Read a build's `data/sentences.json`: unique sentences by role, shapes, name groups."""
    records = json.loads(sentences_json.read_text(encoding="utf-8"))
    body: dict[str, None] = {}
    back: dict[str, None] = {}
    sizes: dict[str, list[int]] = {}
    for rec in records:
        text = " ".join(rec["text"].split())
        size = sizes.setdefault(rec["seed"], [0, 0])
        if rec["role"] == "body":
            body.setdefault(text)
            size[0] += len(text) + 1
        elif rec["role"] == "back":
            back.setdefault(text)
            size[1] += len(text) + 1
    shapes = tuple(SeedShape(seed, b, k) for seed, (b, k) in sorted(sizes.items()))
    return Pool(tuple(body), tuple(back), shapes, _name_groups(list(body)))


def _name_groups(sentences: list[str]) -> tuple[tuple[str, ...], ...]:
    """Names used mid-sentence in the narrative, grouped by frequency for swapping."""
    counts: Counter[str] = Counter()
    lowercase: set[str] = set()
    for sentence in sentences:
        lowercase.update(w.lower() for w in re.findall(r"\b[a-z][a-z-]+\b", sentence))
        for match in NAME.finditer(sentence):
            if match.start() > 0:
                counts[match.group()] += 1
    names = [
        n for n, c in counts.items() if c >= 2 and n not in NOT_NAMES and n.lower() not in lowercase
    ]
    groups: list[tuple[str, ...]] = []
    for kind in ("plural", "adjective", "noun"):
        same = sorted((n for n in names if _name_kind(n) == kind), key=lambda n: (-counts[n], n))
        groups.extend(
            tuple(same[i : i + NAME_GROUP])
            for i in range(0, len(same), NAME_GROUP)
            if len(same[i : i + NAME_GROUP]) > 1
        )
    return tuple(groups)


def _name_kind(name: str) -> str:
    """A rough part of speech, so "Armenians" swaps with "Azeris" and "Soviet" with "Russian"."""
    if name.endswith("s") and not name.endswith(("ss", "us")):
        return "plural"
    if name.endswith(("ian", "ani", "ean", "ish", "ese", "an", "ic", "et", "i")):
        return "adjective"
    return "noun"


class Variation:
    """One synthetic file's changes: year shift, name swaps, figure scale, varied days."""

    def __init__(self, rng: random.Random, pool: Pool) -> None:
        self.rng = rng
        self.year_shift = rng.choice((-2, -1, 1, 2))
        self.scale = rng.uniform(0.6, 1.6)
        mapping: dict[str, str] = {}
        for group in pool.name_groups:
            shuffled = list(group)
            rng.shuffle(shuffled)
            mapping.update(zip(group, shuffled, strict=True))
        self.names = {a: b for a, b in mapping.items() if a != b}
        alternation = "|".join(sorted(map(re.escape, self.names), key=len, reverse=True))
        self.name_re = (
            re.compile(rf"(?<![\w'’-])(?:{alternation})(?![\w'’-])") if alternation else None
        )

    def apply(self, sentence: str) -> str:
        """The sentence with this file's names, dates and figures."""
        if self.name_re is not None:
            sentence = self.name_re.sub(lambda m: self.names[m.group()], sentence)
        return FIGURES.sub(self._figure, sentence)

    def _figure(self, m: re.Match[str]) -> str:
        if m.group("dayfirst"):
            days = [int(m.group("d1"))] + ([int(m.group("d2"))] if m.group("d2") else [])
            new = self._days(days)
            text = str(new[0])
            if len(new) > 1:
                text += m.group("dsep") + str(new[1])
            return text + m.group("dmon")
        if m.group("monfirst"):
            return m.group("monfirst") + str(self._days([int(m.group("d3"))])[0])
        if m.group("year"):
            return str(int(m.group("year")) + self.year_shift)
        return self._number(m.group("num"), m.group("pct") or "")

    def _days(self, days: list[int]) -> list[int]:
        low, high = 1 - min(days), 28 - max(days)
        if low > high:
            return days
        delta = self.rng.randint(max(low, -6), min(high, 6))
        return [d + delta for d in days]

    def _number(self, text: str, pct: str) -> str:
        if "." in text:
            places = len(text.split(".")[1])
            value = float(text) * self.scale
            if pct:
                value = min(value, 99.9)
            return f"{value:.{places}f}{pct}"
        value = int(text.replace(",", ""))
        if value == 0:
            return text + pct
        scaled = max(1, round(value * self.scale))
        if pct:
            scaled = min(scaled, 99)
        elif value >= 1000:  # keep round figures round
            digits = len(str(scaled)) - 2
            scaled = round(scaled, -digits) if digits > 0 else scaled
        return (f"{scaled:,}" if "," in text else str(scaled)) + pct


def synthetic_text(pool: Pool, shape: SeedShape, rng: random.Random) -> str:
    """One file imitating `shape`: shuffled, varied narrative then back matter, on one line."""
    variation = Variation(rng, pool)
    parts: list[str] = []
    for sentences, target in ((pool.body, shape.body_chars), (pool.back, shape.back_chars)):
        if not sentences or target <= 0:
            continue
        order = list(sentences)
        rng.shuffle(order)
        length = 0
        i = 0
        while length < target:
            sentence = variation.apply(order[i % len(order)])
            parts.append(sentence)
            length += len(sentence) + 1
            i += 1
    return " ".join(parts) + "\n"


def make_corpus(seeds: Path, sentences_json: Path, out: Path, scale: int, seed: str = "") -> dict:
    """Write the corpus of `scale`× the seeds into `out` (created empty); return its manifest."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    pool = load_pool(sentences_json)
    out.mkdir(parents=True, exist_ok=False)
    for path in sorted(seeds.iterdir()):
        if path.is_file() and path.suffix in {".txt", ".yaml", ".yml"}:
            shutil.copyfile(path, out / path.name)
    files = len(pool.shapes)
    for copy in range(1, scale):
        for j, shape in enumerate(pool.shapes):
            number = copy * len(pool.shapes) + j
            rng = random.Random(f"karabakh-bench{seed}:{number}")
            stem = f"{number:03d}_synthetic_{j:03d}_{copy:03d}"
            (out / f"{stem}.txt").write_text(synthetic_text(pool, shape, rng), encoding="utf-8")
            (out / f"{stem}.yaml").write_text(
                f'title: "Synthetic source {number} (after {Path(shape.name).stem})"\n'
                "publisher: karabakh-site benchmark corpus\n",
                encoding="utf-8",
            )
            files += 1
    chars = sum(len(p.read_text(encoding="utf-8")) for p in out.glob("*.txt"))
    manifest = {
        "scale": scale,
        "sources": files,
        "characters": chars,
        "pool": {"narrative": len(pool.body), "back_matter": len(pool.back)},
        "names_swapped_in_groups": sum(len(g) for g in pool.name_groups),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def build_sentences_json(python: str, seeds: Path, workdir: Path) -> Path:
    """Build the real seeds into `workdir` and return the path of its `data/sentences.json`."""
    out = workdir / "site"
    subprocess.run(
        [python, "-m", "karabakh_site", "build", "--seeds", str(seeds), "--out", str(out)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out / "data" / "sentences.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10, help="size in multiples of the seeds")
    parser.add_argument("--out", type=Path, required=True, help="folder to create")
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds", help="the real seeds")
    parser.add_argument("--sentences", type=Path, help="a build's data/sentences.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb-corpus-") as tmp:
        sentences = args.sentences or build_sentences_json(sys.executable, args.seeds, Path(tmp))
        manifest = make_corpus(args.seeds, sentences, args.out, args.scale)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
