"""Load ``manifest.yml`` into a :class:`~manifest_docs.model.Manifest`, or fail with every problem.

``load_manifest(path)`` is the one entry point: it reads the YAML safely, converts the
legacy (pre-v1) shape when it sees one, validates the model, runs the cross-reference
and secret rules, and either returns a :class:`LoadedManifest` (with warnings) or
raises :class:`~manifest_docs.errors.ManifestError` listing every problem with its line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from .credentials import redact
from .errors import MAX_PROBLEMS, Loc, ManifestError, Problem, did_you_mean, quote
from .extensions import split_extensions
from .legacy import convert_legacy, is_legacy
from .model import SCHEMA_VERSIONS, Manifest, v1_defaults
from .rules import check_manifest, scan_credentials
from .yamlsafe import SourceMap, parse_yaml, read_yaml

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LoadedManifest", "find_manifest", "load_manifest", "load_text"]

MANIFEST_ENV = "BR_MANIFEST"
"""Environment variable naming the manifest when ``--manifest`` is not given."""


@dataclass
class LoadedManifest:
    """A validated manifest with where it came from."""

    manifest: Manifest
    """The typed model."""
    source: SourceMap
    """Line and column of every node, for messages that point into the file."""
    path: Path | None = None
    """The file it was read from (``None`` for text)."""
    legacy: bool = False
    """True when the file was in the upstream pre-v1 format and was converted."""
    warnings: list[Problem] = field(default_factory=list)
    """Problems that did not stop loading."""


def find_manifest(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """Which manifest to read: ``explicit``, then ``$BR_MANIFEST``, then ``manifest.yml`` upwards.

    Returns the first candidate even when it does not exist, so the loader can say so.
    """
    if explicit:
        return Path(explicit)
    env = os.environ.get(MANIFEST_ENV)
    if env:
        return Path(env)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "manifest.yml"
        if candidate.is_file():
            return candidate
    return here / "manifest.yml"


def load_manifest(path: str | os.PathLike[str], *, shown: str | None = None) -> LoadedManifest:
    """Read and validate the manifest at ``path``.

    ``shown`` is the file name used in messages (default: ``path`` as given).
    Raises :class:`ManifestError` with every problem found.
    """
    p = Path(path)
    with _collection_paused():
        doc = read_yaml(p, shown if shown is not None else str(path))
        loaded = _finish(doc.data, doc.source, doc.problems, doc.text)
    loaded.path = p
    return loaded


def load_text(text: str, *, shown: str = "manifest.yml") -> LoadedManifest:
    """Validate manifest YAML given as text (for tests and tools)."""
    with _collection_paused():
        doc = parse_yaml(text, shown)
        return _finish(doc.data, doc.source, doc.problems, doc.text)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a manifest is built.

    Loading allocates hundreds of thousands of small objects (YAML events, dicts,
    models) that form no cycles; every burst of them would start a collection that
    walks the whole growing heap and frees nothing. The previous state is restored
    afterwards, whatever happens.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish(
    data: Any, source: SourceMap, problems: list[Problem], text: str | None = None
) -> LoadedManifest:
    try:
        return _validate(data, source, problems, text)
    except ManifestError as exc:
        raise ManifestError([_redacted(p) for p in exc.problems]) from None


def _capped(problems: list[Problem], omitted: int = 0) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` problems in file order, and a note of how many more.

    ``omitted`` counts problems that were never worked out (beyond the limit already).
    """
    ordered = sorted(problems)
    more = len(ordered) - MAX_PROBLEMS + omitted
    if more <= 0:
        return ordered
    first = ordered[:MAX_PROBLEMS]
    last = first[-1]
    note = f"… and {more:,} more problem{'s' * (more != 1)} not shown; fix these first"
    return [*first, Problem(last.file, last.line, last.column, note)]


def _redacted(problem: Problem) -> Problem:
    """``problem`` without any credential it quotes (in its message or its path)."""
    loc = tuple(redact(part) if isinstance(part, str) else part for part in problem.loc)
    message = redact(problem.message)
    if loc == problem.loc and message == problem.message:
        return problem
    return dataclasses.replace(problem, loc=loc, message=message)


def _validate(
    data: Any, source: SourceMap, problems: list[Problem], text: str | None
) -> LoadedManifest:
    # Problems that still left data (a duplicate key keeps its first value) are reported
    # together with everything the data itself shows.
    if problems and not isinstance(data, dict):
        raise ManifestError(_capped(problems))
    early = list(problems)
    warnings: list[Problem] = []
    legacy = False
    if isinstance(data, dict) and "schema_version" not in data and is_legacy(data):
        legacy = True
        data, redirects, warnings = convert_legacy(data, source)
        source.redirects.update(redirects)
    elif isinstance(data, dict) and data.get("schema_version") is not None:
        version = data["schema_version"]
        # ``type(...) is int``: YAML's true and 1.0 compare equal to 1 but are not it.
        if type(version) is not int or version not in SCHEMA_VERSIONS:
            known = {str(v) for v in SCHEMA_VERSIONS}
            hint = (
                " (write it as a number, without quotes)" if str(version).strip() in known else ""
            )
            raise ManifestError(
                [
                    *early,
                    source.problem(
                        ("schema_version",),
                        f"unsupported schema_version {quote(version)}{hint}; "
                        "this version of manifest-docs reads schema_version: "
                        + " or ".join(str(v) for v in SCHEMA_VERSIONS),
                    ),
                ]
            )
    if isinstance(data, dict) and data.get("schema_version") == 1:  # true was refused above
        data = v1_defaults(data)
    errors = early + scan_credentials(data, source, text=text)
    data, extensions = split_extensions(data, Manifest, text)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        translated, omitted = _translate(exc, data, source)
        errors.extend(translated)
        errors.extend(_rules_without(exc, data, source))
        raise ManifestError(_capped(errors, omitted) + warnings) from None
    manifest._extensions = extensions  # the loader fills in what it took out
    errors.extend(check_manifest(manifest, source))
    for at, failed in manifest.views.problems:
        errors.extend(_translate(failed, data, source, prefix=at)[0])
    if errors:
        raise ManifestError(_capped(errors) + warnings)
    return LoadedManifest(manifest, source, legacy=legacy, warnings=sorted(warnings))


def _rules_without(exc: ValidationError, data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """The cross-reference and secret rules over everything but the invalid services.

    When every schema error lies inside some service, the rest of the manifest is
    checked without those services, so one typo does not hide the other problems;
    references to a broken service are not judged (it exists). An error anywhere else
    leaves the rules unjudged.
    """
    services = data.get("services")
    if not isinstance(services, dict):
        return []
    broken: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if len(loc) < 2 or loc[0] != "services" or not isinstance(loc[1], str):
            return []
        broken.add(loc[1])
    rest = {**data, "services": {k: v for k, v in services.items() if k not in broken}}
    try:
        manifest = Manifest.model_validate(rest)
    except ValidationError:
        return []
    return check_manifest(manifest, source, unjudged=frozenset(broken))


# --------------------------------------------------------------------------- errors


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _field_at(loc: Loc) -> tuple[type[BaseModel] | None, Any]:
    """The model that owns the last key of ``loc`` and that field's annotation."""
    current: Any = Manifest
    owner: type[BaseModel] | None = None
    annotation: Any = Manifest
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        candidates = _unwrap(current)
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is not None and isinstance(part, str):
            info = model.model_fields.get(part)
            if info is None:
                return model, None
            owner, annotation, current = model, info.annotation, info.annotation
            continue
        container = next((c for c in candidates if typing.get_origin(c) in (list, dict)), None)
        if container is None:
            return owner, annotation
        args = typing.get_args(container)
        current = args[-1] if args else Any
    return owner, annotation


def _choices(annotation: Any) -> list[str]:
    for cand in _unwrap(annotation):
        if isinstance(cand, type) and issubclass(cand, Enum):
            return [str(m.value) for m in cand]
        if typing.get_origin(cand) is typing.Literal:
            return [str(a) for a in typing.get_args(cand)]
    return []


def _path_in(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's internal loc parts (union member tags) that are not data keys."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and "[" not in part:
            out.append(part)  # a missing or unknown key: the path ends here
            node = None
        # anything else is pydantic's internal tag for a union member: skip it
    return tuple(out)


_KIND = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "nothing (null)",
}


def _describe(value: Any) -> str:
    """``value`` for a message: its kind for a mapping or list, else :func:`quote` of it."""
    if isinstance(value, (dict, list)):
        return _KIND[type(value)]
    return quote(value)


def _translate(
    exc: ValidationError, data: Any, source: SourceMap, *, prefix: Loc = ()
) -> tuple[list[Problem], int]:
    """Problems for pydantic's errors (at most :data:`MAX_PROBLEMS`), and how many more.

    ``prefix`` is where in the manifest the failing model lies, when it is not the whole.
    """
    problems = []
    errors = exc.errors(include_url=False)
    for err in errors[:MAX_PROBLEMS]:
        loc = _path_in(data, (*prefix, *err["loc"]))
        kind = err["type"]
        value = err.get("input")
        owner, annotation = _field_at(loc)
        if kind == "missing":
            name = loc[-1]
            doc = ""
            if owner is not None and isinstance(name, str) and name in owner.model_fields:
                desc = owner.model_fields[name].description
                # Descriptions are reST (``x``); a terminal message quotes like the others.
                first = desc.splitlines()[0].replace("``", "'") if desc else ""
                doc = f" — {first}" if first else ""
            problems.append(source.problem(loc[:-1], f"missing required key {name!r}{doc}"))
            continue
        if kind == "extra_forbidden":
            name = str(loc[-1])
            parent_owner, _ = _field_at(loc[:-1]) if len(loc) > 1 else (None, None)
            model = owner or parent_owner
            fields = list(model.model_fields) if model is not None else []
            hint = did_you_mean(name, fields)
            allowed = f"; allowed keys: {', '.join(fields)}" if fields and not hint else ""
            problems.append(
                source.problem(loc, f"unknown key {quote(name)}{hint}{allowed}", key=True)
            )
            continue
        choices = _choices(annotation)
        if kind in ("enum", "literal_error") and choices:
            hint = did_you_mean(str(value), choices)
            msg = (
                f"expected one of {', '.join(repr(c) for c in choices)}, "
                f"got {_describe(value)}{hint}"
            )
        elif kind == "value_error":
            msg = err["msg"].removeprefix("Value error, ")
        elif kind == "string_type":
            msg = f"expected text, got {_describe(value)}"
            if isinstance(value, (int, float, bool)):
                msg += " (put it in quotes)"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            msg = f"expected a whole number, got {_describe(value)}"
        elif kind in ("bool_type", "bool_parsing"):
            msg = f"expected true or false, got {_describe(value)}"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            msg = f"expected a mapping of keys, got {_describe(value)}"
        elif kind == "list_type":
            msg = f"expected a list, got {_describe(value)}"
        elif kind.startswith(("date_", "datetime_")):
            msg = f"expected a date like 2026-01-31, got {_describe(value)}"
        elif kind == "string_pattern_mismatch":
            msg = _pattern_message(loc, value, err.get("ctx", {}).get("pattern", ""))
        elif kind in ("decimal_parsing", "decimal_type"):
            msg = f"expected an amount like '20.00', got {_describe(value)}"
        else:
            text = err["msg"]
            msg = f"{text[0].lower()}{text[1:]}, got {_describe(value)}"
        problems.append(source.problem(loc, msg))
    return problems, max(0, len(errors) - MAX_PROBLEMS)


def _pattern_message(loc: Loc, value: Any, pattern: str) -> str:
    from .model import ENV_NAME, HOSTNAME

    field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if pattern == HOSTNAME:
        return f"expected a lower-case hostname like 'api.example.com', got {quote(value)}"
    if pattern == ENV_NAME:
        return f"expected an UPPER_SNAKE_CASE name like 'DATABASE_URL', got {quote(value)}"
    if pattern.startswith("^https?"):
        return f"expected a URL starting with https://, got {quote(value)}"
    if "Q[1-4]" in pattern:
        return f"expected a date like '2026-Q2' or '2026-04-30', got {quote(value)}"
    if pattern.startswith("^[\\w.-]+/"):
        return f"expected a GitHub 'owner/name', got {quote(value)}"
    if pattern == "^/":
        return f"expected a path starting with '/', got {quote(value)}"
    if pattern.startswith("^[A-Z]{3}"):
        return f"expected a 3-letter currency code like 'USD', got {quote(value)}"
    return f"{field_name}: {quote(value)} does not match the pattern {pattern}"
