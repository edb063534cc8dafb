"""Extension keys: ``x-*`` on any object of the manifest, kept for templates and tools.

A team records what the schema has no field for (``x-pagerduty-service: P123``,
``x-cost-center: 4711``) under a key that starts with ``x-``, as OpenAPI and Docker
Compose allow. The loader takes those keys out of every mapping that is an object of
the model (a service, a provider, a domain, a deploy section… — not a mapping of names
such as ``services:`` itself, where ``x-…`` would be a name) before validation, so the
schema stays strict everywhere else; :meth:`Manifest.extensions
<manifest_docs.model.Manifest.extensions>` gives them back by path. They are scanned
for credentials like every other value.
"""

from __future__ import annotations

import re
import types
import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, RootModel

if TYPE_CHECKING:
    from .errors import Loc

__all__ = ["PREFIX", "split_extensions"]

PREFIX = "x-"
"""What an extension key starts with."""

_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?[\"']?x-[\w.-]*[\"']?[ \t]*:", re.MULTILINE)
"""A line that may hold an extension key (the cheap test before any walk)."""


def split_extensions(
    data: Any, root: type[BaseModel], text: str | None = None
) -> tuple[Any, dict[Loc, dict[str, Any]]]:
    """``data`` without its extension keys, and those keys by the path of their object.

    ``text`` (the YAML source) lets a file without any ``x-`` key skip the walk.
    """
    if text is not None and (PREFIX not in text or not _KEY.search(text)):
        return data, {}  # (the substring test first: it costs microseconds, the regex ms)
    found: dict[Loc, dict[str, Any]] = {}
    return _strip(data, root, (), found), found


def _strip(node: Any, annotation: Any, loc: Loc, found: dict[Loc, dict[str, Any]]) -> Any:
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, RootModel):
            return node  # a mapping of names (hostnames per environment): nothing to strip
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            if not isinstance(node, dict):
                return node
            fields = candidate.model_fields
            out = {}
            for key, value in node.items():
                if isinstance(key, str) and key.startswith(PREFIX):
                    found.setdefault(loc, {})[key] = value
                elif isinstance(key, str) and key in fields:
                    out[key] = _strip(value, fields[key].annotation, (*loc, key), found)
                else:
                    out[key] = value  # unknown: validation says so
            return out
        origin = typing.get_origin(candidate)
        if origin is dict and isinstance(node, dict):
            inner = typing.get_args(candidate)[-1]
            return {k: _strip(v, inner, (*loc, k), found) for k, v in node.items()}
        if origin is list and isinstance(node, list):
            inner = typing.get_args(candidate)[0]
            return [_strip(v, inner, (*loc, i), found) for i, v in enumerate(node)]
    return node


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types an annotation allows (``X | None`` → ``X``; ``Annotated`` unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return tuple(
            m for a in typing.get_args(annotation) if a is not type(None) for m in _members(a)
        )
    return (annotation,)
