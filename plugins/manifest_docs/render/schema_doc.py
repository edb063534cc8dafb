"""The schema reference, read off the pydantic models (types, defaults, docstrings)."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, RootModel
from pydantic_core import PydanticUndefined

from .. import model as _model
from .. import values, yamlsafe
from ..credentials import SHAPES
from ..errors import MAX_PROBLEMS
from ..model import Manifest
from ..values import Duration, Size, Version

__all__ = [
    "FieldDoc",
    "Limit",
    "ModelDoc",
    "credential_shapes",
    "limits",
    "schema_docs",
    "type_name",
]


@dataclass(frozen=True)
class FieldDoc:
    """One field of one model, as the reference page shows it."""

    name: str
    """Key in the YAML."""
    type: str
    """Readable type, e.g. ``list of EnvVar``."""
    links: tuple[str, ...]
    """Models the type refers to (anchors on the same page)."""
    required: bool
    """Whether the key must be present."""
    default: str
    """The default, as YAML would write it (empty when required)."""
    description: str
    """The field's docstring."""


@dataclass(frozen=True)
class ModelDoc:
    """One model (a YAML mapping) and its fields."""

    name: str
    """Model class name, used as the heading and anchor."""
    description: str
    """The model's docstring."""
    fields: list[FieldDoc]
    """Its fields in declaration order."""


_SCALARS: dict[Any, str] = {
    str: "text",
    int: "integer",
    bool: "true/false",
    float: "number",
    Decimal: "money",
    dt.date: "date (YYYY-MM-DD)",
    Size: "size (e.g. 256MB)",
    Duration: "duration (e.g. 30s)",
    Version: "version (e.g. 15+)",
    type(None): "null",
}


def type_name(annotation: Any) -> tuple[str, tuple[str, ...]]:
    """A readable name for ``annotation`` and the model names it mentions."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        parts = [type_name(a) for a in args if a is not type(None)]
        text = " or ".join(p[0] for p in parts)
        return text, tuple(link for p in parts for link in p[1])
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args), ()
    if origin is list:
        inner, links = type_name(args[0])
        return f"list of {inner}", links
    if origin is dict:
        inner, links = type_name(args[1])
        return f"mapping of name → {inner}", links
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(str(m.value) for m in annotation), ()
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return type_name(_written_as(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__, (annotation.__name__,)
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation))), ()


def _written_as(model: type[RootModel[Any]]) -> Any:
    """What a root model accepts in YAML (its validator's input type, else its root type)."""
    info = model.model_fields["root"]
    for meta in info.metadata:
        written = getattr(meta, "json_schema_input_type", PydanticUndefined)
        if written is not PydanticUndefined:
            return written
    return info.annotation


def _default(value: Any) -> str:
    if value is PydanticUndefined:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, BaseModel):
        return "{}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    stack = [root]
    while stack:
        model = stack.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            _, links = type_name(info.annotation)
            for name in links:
                found = _find(info.annotation, name)
                if found is not None and found not in seen:
                    stack.append(found)
    return seen


def _find(annotation: Any, name: str) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation if annotation.__name__ == name else None
    for arg in typing.get_args(annotation):
        found = _find(arg, name)
        if found is not None:
            return found
    return None


def schema_docs(root: type[BaseModel] = Manifest) -> list[ModelDoc]:
    """Every model reachable from ``root``, breadth first, with its fields documented."""
    docs = []
    for model in _models(root):
        fields = []
        for name, info in model.model_fields.items():
            text, links = type_name(info.annotation)
            required = info.is_required()
            fields.append(
                FieldDoc(
                    name=name,
                    type=text,
                    links=links,
                    required=required,
                    default=""
                    if required
                    else _default(info.get_default(call_default_factory=True)),
                    description=" ".join((info.description or "").split()),
                )
            )
        docs.append(ModelDoc(model.__name__, " ".join((model.__doc__ or "").split()), fields))
    return docs


@dataclass(frozen=True)
class Limit:
    """One budget the loader holds every manifest to."""

    what: str
    """What is limited."""
    limit: str
    """The limit, as a reader would write it."""


def limits() -> list[Limit]:
    """The manifest's size, depth and value budgets, read off the constants that enforce them.

    A manifest arrives through pull requests; beyond these, loading stops with a
    located problem instead of letting one file stall every command.
    """
    return [
        Limit("File size", f"{yamlsafe.MAX_BYTES:,} bytes ({yamlsafe.MAX_BYTES // 2**20} MiB)"),
        Limit("Nesting of mappings and lists", f"{yamlsafe.MAX_DEPTH} levels"),
        Limit("Entries in one mapping or list", f"{yamlsafe.MAX_ITEMS:,}"),
        Limit("Values in the whole file", f"{yamlsafe.MAX_NODES:,}"),
        Limit("Length of one YAML value or key", f"{yamlsafe.MAX_SCALAR:,} characters"),
        Limit("Length of a text field", f"{_model.MAX_TEXT:,} characters"),
        Limit("Length of an alias or technology name", f"{_model.MAX_NAME} characters"),
        Limit("Aliases of one service", f"{_model.MAX_ALIASES}"),
        Limit(
            "Counts (replicas, retries, quantities, connections, phase ids)",
            f"{_model.MAX_COUNT:,}",
        ),
        Limit(
            "Amounts of money and exchange rates",
            f"below {values.MAX_AMOUNT:,}, at most {values.MONEY_PLACES} decimal places",
        ),
        Limit("Durations", f"at most {values.MAX_SECONDS // 86400:,} days"),
        Limit("Sizes", "at most 1024TB"),
        Limit("Versions", "at most 8 dot-separated parts of at most 9 digits"),
        Limit("Problems reported in one run", f"{MAX_PROBLEMS}"),
    ]


def credential_shapes() -> list[tuple[str, str]]:
    """(what, where it is refused) for every credential shape the loader knows."""
    return [
        (
            shape.what,
            "anywhere, comments included"
            if shape.distinctive
            else "in any value except inside a URL or an id field (project, *_id); in a "
            "comment only after a credential's name (NAME_TOKEN=…)",
        )
        for shape in SHAPES
    ] + [
        (
            "a password inside a URL (scheme://user:password@host)",
            "anywhere, comments included (placeholders such as user:pass are fine)",
        ),
        (
            "a long random-looking value after a credential's name (API_KEY: …)",
            "anywhere, comments included",
        ),
    ]
