"""Passages in another script, marked with their language (`lang`) for screen readers,
hyphenation and fonts. Which language a script stands for on a site is a setting
(`scripts` in content/site.yaml): Cyrillic may be Russian on one site, Ukrainian on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters of each script (and, for Arabic and Hebrew, the direction it is written in).
SCRIPTS: dict[str, tuple[str, bool]] = {
    "Armenian": ("\u0531-\u0556\u0559-\u0587\ufb13-\ufb17", False),
    "Cyrillic": ("\u0400-\u0482\u048a-\u052f\u1c80-\u1c88\ua640-\ua66e\ua680-\ua69d", False),
    "Georgian": ("\u10a0-\u10ff\u1c90-\u1cbf\u2d00-\u2d2d", False),
    "Greek": ("\u0370-\u0373\u0376-\u03ff\u1f00-\u1ffc", False),
    "Arabic": (
        "\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc",
        True,
    ),
    "Hebrew": ("\u05d0-\u05ea\u05ef-\u05f2\ufb1d-\ufb4f", True),
}
# Between two words of one passage: spaces, hyphens, digits and punctuation, no letters.
_JOIN = r"[\s\u00a0\-‐–,.:;'’ʼ«»„“”\"()0-9]+"
_MARKS = "\u0300-\u036f\u0483-\u0489\u055a-\u055f\u064b-\u065f\u0591-\u05c7"


@dataclass(frozen=True)
class ScriptLanguages:
    """Finds passages written in the configured scripts and wraps them in `lang` spans."""

    pattern: re.Pattern[str] | None
    tags: tuple[tuple[str, str], ...]  # script → language tag

    @staticmethod
    def of(tags: dict[str, str]) -> ScriptLanguages:
        if not tags:
            return ScriptLanguages(None, ())
        runs = []
        for script in tags:
            letters = SCRIPTS[script][0]
            word = f"[{letters}][{letters}{_MARKS}]*"
            runs.append(f"(?P<{script}>{word}(?:{_JOIN}{word})*)")
        return ScriptLanguages(re.compile("|".join(runs)), tuple(tags.items()))

    def mark(self, escaped: str) -> str:
        """HTML-escaped text with each passage in a configured script in a `lang` span."""
        if self.pattern is None or escaped.isascii():
            return escaped
        tags = dict(self.tags)

        def wrap(m: re.Match[str]) -> str:
            script = m.lastgroup or ""
            direction = ' dir="rtl"' if SCRIPTS[script][1] else ""
            return f'<span lang="{tags[script]}"{direction}>{m.group()}</span>'

        return self.pattern.sub(wrap, escaped)
