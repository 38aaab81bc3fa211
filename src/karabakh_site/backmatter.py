"""Where a source's narrative ends and its back matter (notes, references) begins.

Each sentence gets a reference-likeness score from the signals reference lists
carry (short citations, "Archived from the original", "Retrieved", ISBNs,
headings such as "Books", bare fragments without a verb, quotations standing
alone) and a prose score (function words, finite verbs). The body/back split is
the single change point that best separates prose from references; the cost is
asymmetric because back matter often holds prose notes, while a narrative body
almost never holds a reference entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRONG_PATTERNS = (
    r"\bArchived (?:\(PDF\) )?from the original\b",
    r"\bArchived \d{1,2} \w+ \d{4}\b",
    r"\bWayback Machine\b",
    r"\bRetrieved \d{1,2} \w+ \d{4}\b|\bRetrieved \w+ \d{1,2}, \d{4}\b",
    r"\bAccessed \d{1,2} \w+ \d{4}\b",
    r"\bISBN(?:-1[03])?:? ?[\dX]",
    r"\bISSN\b",
    r"\bdoi:10\.",
    r"\bS2CID\b",
    r"\(PDF\)",
    r"\((?:in|In) [A-Z][a-z]+(?: and [A-Z][a-z]+)?\)",
    r"\bpp?\.\s?[\dxivl]+",
    r"\b(?:University|UP) Press\b|\bPublishers?\b|\bPublishing\b",
    r"\beds?\.\)|\(eds?\.\)",
    r"\{\{cite",
    r"\bReport no\.|\bVol\. \d",
)
_STRONG = [re.compile(p) for p in _STRONG_PATTERNS]
# A word every pattern above needs: most prose sentences have none and skip them all.
_STRONG_HINT = re.compile(
    r"Archived|Wayback|Retrieved|Accessed|ISBN|ISSN|doi:|S2CID|PDF|\([Ii]n |pp?\.|Press|"
    r"Publish|eds?\.|\{\{cite|Report no|Vol\."
)
# A short citation as a whole sentence: "de Waal 2013, p. 327." / "Croissant 1998."
_SHORT_CITATION = re.compile(
    r"^(?:[a-z]{1,3} )?[A-Z][\w'’.-]+(?:(?:,| &| and) [A-Z][\w'’.-]+)*(?: et al\.)? "
    r"\d{4}[a-z]?(?:, (?:pp?\.|p\.\xa0|pp\.\xa0).*)?\.?$"
)
# "Surname, Given (1996)." or a quoted title followed by a publication name.
_BIBLIO_ENTRY = re.compile(
    r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?, [A-Z][\w.'’ -]{1,40}(?:; [^()]{1,80})?"
    r"\s?\(\w*\s?\d{4}[a-z]?\)"
)
_HEADING_START = re.compile(
    r"^(?:Notes|References|Sources|Bibliography|Books|Chapters|Journal articles|Reports|"
    r"Further reading|External links|Citations|Footnotes|Works cited)\s+[A-Z\"“]"
)
_DATE_ONLY = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{4}\."
)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|net|az|am|ru|ge|info|gov|edu|int|co\.uk|uk)\b")
_QUOTE_ONLY = re.compile(r"^[\"“«].*[\"”»][.)]*$")
_LABEL_START = re.compile(r"^[A-Z][a-z]+: ")

_FUNCTION_WORDS = frozenset(
    """the a an of to in and that which who was were is are had has have by with for from
    as on at it its their his her they he she this these those be been being but not
    would could should will can may might after before when while during into than also""".split()
)
_FINITE_VERB = re.compile(
    r"\b(?:is|was|were|are|has|had|have|did|does|do|will|would|could|can|may|might|shall|"
    r"should|must|became|began|said|took|made|led|saw|went|came|gave|held|fled|won|lost|"
    r"fell|left|sent|met|told|found|kept|brought|fought|[a-z]{3,}ed)\b"
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Signals:
    reference: float  # 0..1, how much the sentence looks like a reference entry or note
    prose: float  # 0..1, how much it reads as narrative prose


def score(sentence: str) -> Signals:
    words = _WORD.findall(sentence)
    n_words = max(len(words), 1)
    strong = sum(1 for rx in _STRONG if rx.search(sentence)) if _STRONG_HINT.search(sentence) else 0
    reference = min(1.0, 0.6 * strong)
    if _SHORT_CITATION.match(sentence) or _BIBLIO_ENTRY.match(sentence):
        reference = 1.0
    if _HEADING_START.match(sentence):
        reference = max(reference, 0.8)
    if _DATE_ONLY.search(sentence) and len(words) < 25:
        reference = max(reference, 0.4)
    if _DOMAIN.search(sentence):
        reference = max(reference, 0.5)
    if _QUOTE_ONLY.match(sentence):
        reference = max(reference, 0.5)
    if _LABEL_START.match(sentence):
        reference = max(reference, 0.4)

    lower = [w.lower() for w in words]
    function_share = sum(1 for w in lower if w in _FUNCTION_WORDS) / n_words
    capital_share = sum(1 for w in words if w[0].isupper()) / n_words
    has_verb = bool(_FINITE_VERB.search(_PARENTHESES.sub("", sentence)))
    prose = 0.0
    if has_verb and len(words) >= 6:
        prose = min(1.0, function_share / 0.3) * (1.0 - max(0.0, capital_share - 0.35))
    if not has_verb and (function_share < 0.12 or capital_share >= 0.5):
        # A bare name, date or title: "REGNUM News Agency." / "30 May 2011."
        reference = max(reference, 0.5)
    return Signals(reference=reference, prose=max(0.0, min(1.0, prose)))


NON_PROSE = 0.4  # a sentence with at least this reference score is not narrative prose


def body_end(
    sentences: list[str], prose_in_back_cost: float = 0.35, min_back_reference: float = 3.0
) -> int:
    """Index of the first back-matter sentence (len(sentences) if there is none).

    Chooses k minimising sum(reference[i] for i < k) +
    cost * sum(prose[i] for i >= k), weighted by sentence length; the back
    matter must carry at least `min_back_reference` worth of reference signal.
    Prose notes often sit between the body and the reference list, so the
    split then moves back to a cluster of non-prose sentences (bare fragments,
    standalone quotations, labels) that opens them, if there is one.
    """
    signals = [score(s) for s in sentences]
    k = _change_point(sentences, signals, prose_in_back_cost, min_back_reference)
    return _notes_start(signals, k)


def _notes_start(
    signals: list[Signals],
    k: int,
    reach: int = 80,
    window: int = 4,
    needed: int = 3,
    density: float = 0.1,
) -> int:
    if k >= len(signals):
        return k
    for j in range(max(0, k - reach), k):
        cluster = sum(1 for s in signals[j : j + window] if s.reference >= NON_PROSE)
        if cluster >= needed and signals[j].reference >= NON_PROSE:
            mean = sum(s.reference for s in signals[j:k]) / (k - j)
            if mean >= density:
                return j
    return k


def _change_point(sentences, signals, prose_in_back_cost, min_back_reference) -> int:
    weights = [min(len(s), 400) / 100 for s in sentences]
    n = len(sentences)
    # cost(k) = body_penalty(k) + back_penalty(k); compute with prefix and suffix sums.
    back_prose = [0.0] * (n + 1)
    back_ref = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        back_prose[i] = back_prose[i + 1] + signals[i].prose * weights[i]
        back_ref[i] = back_ref[i + 1] + signals[i].reference
    best_k, best_cost = n, float("inf")
    body_ref = 0.0
    for k in range(n + 1):
        cost = body_ref + prose_in_back_cost * back_prose[k]
        if cost < best_cost:
            best_k, best_cost = k, cost
        if k < n:
            body_ref += signals[k].reference * weights[k]
    if best_k < n and back_ref[best_k] < min_back_reference:
        return n
    return best_k
