"""The one error type the pipeline raises for bad input.

Every problem a maintainer can cause (a seed that is not UTF-8, a typo in
`content/`, a template that does not parse) is reported as a `SiteError` that
names the file and, where it helps, the line and column. The CLI prints it and
exits non-zero; nothing else in the package prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SiteError(Exception):
    message: str
    path: Path | str | None = None
    line: int | None = None
    column: int | None = None
    offset: int | None = None

    def __reduce__(self):
        # Errors raised in a worker process travel back to the parent pickled.
        return (SiteError, (self.message, self.path, self.line, self.column, self.offset))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            elif self.offset is not None:
                where += f" (at character offset {self.offset})"
            where += ": "
        return where + self.message
