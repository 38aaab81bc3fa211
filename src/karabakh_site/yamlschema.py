"""Load YAML and validate it against a small schema, with file:line:column errors.

PyYAML's composed node tree keeps the position of every value, so validation
walks nodes rather than constructed Python objects; that is what lets a typo in
`content/sections.yaml` be reported as `content/sections.yaml:14:5: unknown key
'keywrds' … did you mean 'keywords'?` in the spirit of MkDocs' config checks.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SiteError

_MAP_TAG = "tag:yaml.org,2002:map"
SLUG = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"  # safe in a file name and a URL


class Schema:
    """Base of all schema nodes: `check` turns a YAML node into a Python value."""

    name = "value"

    def check(self, node: yaml.Node, ctx: _Context) -> Any:
        raise NotImplementedError


@dataclass
class _Context:
    path: Path
    loader: yaml.SafeLoader

    def fail(self, node: yaml.Node | None, message: str) -> SiteError:
        if node is None:
            return SiteError(message, self.path)
        mark = node.start_mark
        return SiteError(message, self.path, mark.line + 1, mark.column + 1)

    def scalar(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)


@dataclass
class Str(Schema):
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    non_empty: bool = True
    name: str = "text"

    def check(self, node, ctx):
        if not isinstance(node, yaml.ScalarNode):
            raise ctx.fail(node, f"expected {self.name}, found a {_kind(node)}")
        value = ctx.scalar(node)
        if value is None:
            raise ctx.fail(node, f"expected {self.name}, found nothing")
        if not isinstance(value, str):
            # Numbers and dates written without quotes are accepted as text.
            value = str(value)
        if self.non_empty and not value.strip():
            raise ctx.fail(node, f"expected {self.name}, found empty text")
        if self.choices is not None and value not in self.choices:
            hint = _did_you_mean(value, self.choices)
            raise ctx.fail(node, f"'{value}' is not one of: {', '.join(self.choices)}{hint}")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ctx.fail(node, f"'{value}' is not a valid {self.name}")
        return value


def Slug(what: str = "slug") -> Str:
    """Lowercase letters, digits and hyphens: safe as a file name or an address."""
    return Str(pattern=SLUG, name=f"{what} (lowercase letters, digits, hyphens)")


@dataclass
class Regex(Str):
    """A regular expression; one that does not compile is an error at its position."""

    name: str = "regular expression"

    def check(self, node, ctx):
        value = super().check(node, ctx)
        try:
            re.compile(value)
        except re.error as exc:
            raise ctx.fail(node, f"{value!r} is not a valid regular expression: {exc}") from exc
        return value


@dataclass
class Num(Schema):
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    name: str = "number"

    def check(self, node, ctx):
        value = ctx.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not self.integer:
            ok = ok or isinstance(value, float)
        if not ok:
            what = "a whole number" if self.integer else "a number"
            raise ctx.fail(node, f"expected {what} for {self.name}")
        if self.minimum is not None and value < self.minimum:
            raise ctx.fail(node, f"{self.name} must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ctx.fail(node, f"{self.name} must be at most {self.maximum}")
        return value


class Bool(Schema):
    name = "true or false"

    def check(self, node, ctx):
        value = ctx.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            raise ctx.fail(node, "expected true or false")
        return value


@dataclass
class Optional(Schema):
    """`null` (or `~`, or an empty value) is allowed and gives None."""

    inner: Schema

    def check(self, node, ctx):
        if isinstance(node, yaml.ScalarNode) and ctx.scalar(node) is None:
            return None
        return self.inner.check(node, ctx)


@dataclass
class ListOf(Schema):
    item: Schema
    min_items: int = 0
    single_ok: bool = False  # a lone scalar is read as a one-item list

    def check(self, node, ctx):
        if self.single_ok and isinstance(node, yaml.ScalarNode):
            return [self.item.check(node, ctx)]
        if not isinstance(node, yaml.SequenceNode):
            raise ctx.fail(node, f"expected a list, found a {_kind(node)}")
        if len(node.value) < self.min_items:
            raise ctx.fail(node, f"expected at least {self.min_items} item(s)")
        return [self.item.check(child, ctx) for child in node.value]


@dataclass
class MapOf(Schema):
    """A mapping with free keys (e.g. keyword → weight)."""

    value: Schema
    key: Schema = field(default_factory=Str)

    def check(self, node, ctx):
        if not isinstance(node, yaml.MappingNode):
            raise ctx.fail(node, f"expected a mapping, found a {_kind(node)}")
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.key.check(key_node, ctx)
            if key in out:
                raise ctx.fail(key_node, f"duplicate key '{key}'")
            out[key] = self.value.check(value_node, ctx)
        return out


@dataclass
class Field:
    schema: Schema
    required: bool = False
    default: Any = None
    default_factory: Callable[[], Any] | None = None


@dataclass
class Record(Schema):
    """A mapping with a fixed set of keys; unknown keys are errors."""

    fields: Mapping[str, Field]
    name: str = "entry"
    keep_line: bool = False  # add the entry's line number as "line" (for later errors)

    def check(self, node, ctx):
        if not isinstance(node, yaml.MappingNode):
            raise ctx.fail(node, f"expected a mapping ({self.name}), found a {_kind(node)}")
        seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = ctx.scalar(key_node)
            if not isinstance(key, str):
                raise ctx.fail(key_node, f"keys of {self.name} must be text")
            if key not in self.fields:
                allowed = ", ".join(self.fields)
                hint = _did_you_mean(key, self.fields)
                raise ctx.fail(
                    key_node,
                    f"unknown key '{key}' in {self.name}{hint}; allowed keys: {allowed}",
                )
            if key in seen:
                raise ctx.fail(key_node, f"duplicate key '{key}' in {self.name}")
            seen[key] = self.fields[key].schema.check(value_node, ctx)
        for key, spec in self.fields.items():
            if key in seen:
                continue
            if spec.required:
                raise ctx.fail(node, f"{self.name} is missing the required key '{key}'")
            if isinstance(spec.schema, Record) and spec.default_factory is None:
                # An absent nested record is an empty one, with all its defaults.
                seen[key] = spec.schema.check(yaml.MappingNode(_MAP_TAG, []), ctx)
            else:
                seen[key] = spec.default_factory() if spec.default_factory else spec.default
        if self.keep_line:
            seen["line"] = node.start_mark.line + 1
        return seen


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load_yaml(path: Path, schema: Schema, text: str | None = None) -> Any:
    """Parse `path` (or `text`, reported as `path`) and validate it against `schema`."""
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SiteError(f"cannot read file: {exc.strerror}", path) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SiteError("file is not valid UTF-8", path, offset=exc.start) from exc
    # libyaml's C parser when PyYAML has it: the same nodes and marks, many times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        if mark is None:
            raise SiteError(f"invalid YAML: {problem}", path) from exc
        raise SiteError(f"invalid YAML: {problem}", path, mark.line + 1, mark.column + 1) from exc
    except yaml.YAMLError as exc:
        raise SiteError(f"invalid YAML: {exc}", path) from exc
    finally:
        loader.dispose()
    ctx = _Context(path=path, loader=yaml.SafeLoader(""))
    if node is None:
        node = yaml.MappingNode(_MAP_TAG, [])
    try:
        return schema.check(node, ctx)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise SiteError(f"invalid value: {exc.problem}", path, line, col) from exc
