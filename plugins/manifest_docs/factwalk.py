"""Every fact the manifest states, from one walk of the model guided by the schema.

:func:`field_specs` walks the model *classes* once and returns each field that carries
:class:`~manifest_docs.vocabulary.Words`: what prose calls it and how its value is
read. :func:`walk` walks a loaded :class:`~manifest_docs.model.Manifest` and returns a
:class:`ManifestFact` for every such field the manifest writes explicitly (a model
default is not a claim): its subject (the service, provider, domain, workflow or
phase it belongs to), where it lives, and its value in comparable form.

The drift gate indexes these facts; :func:`macro_for` gives the macro a page should
write instead of typing the value, the same expression the macros evaluate.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .model import Manifest
from .values import Duration, Size, Version
from .vocabulary import Words

if TYPE_CHECKING:
    from .errors import Loc

__all__ = [
    "UNIT_SUFFIXES",
    "FieldSpec",
    "ManifestFact",
    "field_specs",
    "macro_for",
    "norm_command",
    "schema_paths",
    "walk",
]


@dataclass(frozen=True)
class FieldSpec:
    """A field of the schema that prose can state."""

    model: type[BaseModel]
    """The model class that declares it."""
    name: str
    """Its name in that model."""
    words: Words
    """What prose calls it."""
    parser: str
    """How a value is read: ``size``, ``duration``, ``version``, ``int``, ``bool``,
    ``enum``, ``command``, ``path``, ``word``, ``region``, ``ssl``."""
    choices: tuple[str, ...]
    """For enums: the values the schema allows, lower-cased."""
    many: bool
    """Whether the field holds a list (each item is a fact; any of them agrees)."""

    @functools.cached_property
    def rule(self) -> str:
        """The attribute's name in finding ids (``fact/<rule>``)."""
        return self.words.rule or self.name.replace("_", "-")


@dataclass(frozen=True)
class ManifestFact:
    """One value the manifest states."""

    subject: str
    """``service:NAME``, ``env:SERVICE.VARIABLE``, ``provider:ID``, ``domain:NAME``,
    ``workflow:NAME``, ``phase:ID``, ``environment:NAME``, ``team:ID`` or ``""`` (the
    manifest as a whole)."""
    loc: Loc
    """Where it lives in the manifest."""
    spec: FieldSpec
    """The field it is a value of."""
    value: Any
    """Comparable form: bytes, seconds (a ``(low, high)`` pair for a range), a
    :class:`~manifest_docs.values.Version`, an int, a bool or lower-cased text."""
    shown: str
    """The value as the manifest writes it."""
    qualifier: str = ""
    """Text that must appear next to a prose value for it to be about this fact."""

    @property
    def environment(self) -> str:
        """The environment whose override states it (``""``: the service's own value)."""
        loc = self.loc
        in_override = loc[:1] == ("services",) and len(loc) > 3 and loc[2] == "environments"
        return str(loc[3]) if in_override else ""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None`` and ``list[...]``, and whether it was a list."""
    many = False
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation, many
        elif origin is list:
            annotation, many = get_args(annotation)[0], True
        elif origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        else:
            return annotation, many


def _parser(annotation: Any, words: Words) -> tuple[str, tuple[str, ...]]:
    if get_origin(annotation) is Literal:
        return words.parse or "enum", tuple(str(a).lower() for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return words.parse or "enum", tuple(str(m.value).lower() for m in annotation)
    by_type = {Size: "size", Duration: "duration", Version: "version", bool: "bool", int: "int"}
    for typ, name in by_type.items():
        if annotation is typ:
            return words.parse or name, ()
    return words.parse or "word", ()


@dataclass(frozen=True)
class _Field:
    model: type[BaseModel]
    name: str
    inner: Any
    many: bool
    words: Words | None
    children: tuple[type[BaseModel], ...]


@functools.cache
def _schema(root: type[BaseModel]) -> tuple[_Field, ...]:
    """Every field of ``root`` and of the models below it (each model once), in order."""
    out: list[_Field] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        if model is not root and _is_override(model) and not _is_override(root):
            return  # an environment's override: its facts are the shared fields' again
        seen.add(model)
        for name, info in model.model_fields.items():
            inner, many = _unwrap(info.annotation)
            words = next((m for m in info.metadata if isinstance(m, Words)), None)
            targets = get_args(inner) if get_origin(inner) is dict else (inner,)
            children = tuple(t for t in targets if isinstance(t, type) and issubclass(t, BaseModel))
            out.append(_Field(model, name, inner, many, words, children))
            for child in children:
                visit(child)

    visit(root)
    return tuple(out)


def _is_override(model: type[BaseModel]) -> bool:
    return getattr(model, "override_of", None) is not None


@functools.cache
def field_specs(root: type[BaseModel] = Manifest) -> tuple[FieldSpec, ...]:
    """Every field with prose words in ``root`` and the models below it, in schema order."""
    out = []
    for f in _schema(root):
        if f.words is not None:
            for words in (f.words, *f.words.also):
                parser, choices = _parser(f.inner, words)
                out.append(FieldSpec(f.model, f.name, words, parser, choices, f.many))
    return tuple(out)


@functools.cache
def schema_paths(root: type[BaseModel] = Manifest) -> dict[tuple[str, str], FieldSpec]:
    """Each field with words, by the key of its parent and its own key.

    ``("backups", "frequency")``, ``("health_check", "timeout")``: how a
    manifest-shaped YAML block in a page states the field.
    """
    parents: dict[type[BaseModel], set[str]] = {}
    for f in _schema(root):
        for child in f.children:
            parents.setdefault(child, set()).add(f.name)
    return {
        (parent, spec.name): spec
        for spec in field_specs(root)
        for parent in sorted(parents.get(spec.model, ()))
    }


def norm_command(text: str) -> str:
    """A command line with its whitespace (and line continuations) made single spaces."""
    return " ".join(str(text).replace("\\\n", " ").split()).strip("'\"")


def _comparable(spec: FieldSpec, value: Any) -> tuple[Any, str]:
    if isinstance(value, (Size, Duration, Version)):
        shown = value.text
        if isinstance(value, Size):
            return value.bytes, shown
        if isinstance(value, Duration):
            return value.seconds, shown
        return value, shown
    if isinstance(value, bool):
        return value, "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value).lower(), str(value.value)
    if isinstance(value, int):
        return value, str(value)
    text = str(value)
    if spec.parser == "command":
        return norm_command(text), text
    return text.strip().lower(), text


def _subject(loc: Loc, model: BaseModel, current: str) -> str:
    """The subject a model at ``loc`` belongs to."""
    head = loc[:1]
    if head == ("services",) and len(loc) == 2:
        return f"service:{loc[1]}"
    if head == ("services",) and len(loc) == 4 and loc[2] == "env":
        return f"env:{loc[1]}.{getattr(model, 'name', loc[3])}"
    if head == ("services",) and len(loc) == 6 and loc[2] == "environments" and loc[4] == "env":
        return f"env:{loc[1]}.{getattr(model, 'name', loc[5])}"
    if head == ("providers",) and len(loc) == 2:
        return f"provider:{loc[1]}"
    if head == ("domains",) and len(loc) == 2:
        return f"domain:{getattr(model, 'name', loc[1])}"
    if loc[:2] == ("ci_cd", "workflows") and len(loc) == 3:
        return f"workflow:{getattr(model, 'name', loc[2])}"
    if head == ("phases",) and len(loc) == 2:
        return f"phase:{getattr(model, 'id', loc[1])}"
    if head == ("environments",) and len(loc) == 2:
        return f"environment:{loc[1]}"
    if head == ("teams",) and len(loc) == 2:
        return f"team:{loc[1]}"
    return current


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, tuple[FieldSpec, ...]], ...]:
    """The fields of ``model`` the walk reads, each with its readings.

    Those are the fields with words, and those that may hold models.
    """
    specs: dict[str, list[FieldSpec]] = {}
    for spec in field_specs(model):
        if spec.model is model:
            specs.setdefault(spec.name, []).append(spec)
    return tuple(
        (f.name, tuple(specs.get(f.name, ())))
        for f in _schema(model)
        if f.model is model and (f.name in specs or f.children)
    )


def walk(manifest: Manifest) -> list[ManifestFact]:
    """Every explicitly written value of a field with prose words, in manifest order."""
    out: list[ManifestFact] = []

    def visit(model: BaseModel, loc: Loc, subject: str) -> None:
        subject = _subject(loc, model, subject)
        fields_set = model.model_fields_set
        for name, specs in _plan(type(model)):
            value = getattr(model, name)
            if name in fields_set and value is not None:
                for spec in specs:
                    out.extend(_facts(spec, model, value, (*loc, name), subject))
            if isinstance(value, BaseModel):
                visit(value, (*loc, name), subject)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, BaseModel):
                        visit(item, (*loc, name, key), subject)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        visit(item, (*loc, name, i), subject)

    visit(manifest, (), "")
    return out


def _facts(
    spec: FieldSpec, model: BaseModel, value: Any, loc: Loc, subject: str
) -> list[ManifestFact]:
    if spec.words.unit_from:
        seconds = _in_named_unit(str(getattr(model, spec.words.unit_from, "")), value)
        if seconds is None:
            return []
        amount, unit = seconds
        return [ManifestFact(subject, loc, spec, amount, f"{value} {unit}")]
    qualifier = str(getattr(model, spec.words.qualifier, "") or "") if spec.words.qualifier else ""
    qualifier = qualifier.rstrip("*")
    if spec.many:
        return [
            ManifestFact(subject, (*loc, i), spec, *_comparable(spec, item), qualifier)
            for i, item in enumerate(value)
        ]
    comparable, shown = _comparable(spec, value)
    upto = getattr(model, f"{spec.name}_max", None) if spec.parser == "duration" else None
    if isinstance(upto, Duration):  # ttl and ttl_max: a range
        comparable, shown = (comparable, upto.seconds), f"{shown}-{upto.text}"
    return [ManifestFact(subject, loc, spec, comparable, shown, qualifier)]


UNIT_SUFFIXES = {
    "MS": ("milliseconds", 0.001),
    "MILLIS": ("milliseconds", 0.001),
    "SECONDS": ("seconds", 1.0),
    "SECS": ("seconds", 1.0),
    "SEC": ("seconds", 1.0),
    "MINUTES": ("minutes", 60.0),
    "MINS": ("minutes", 60.0),
    "HOURS": ("hours", 3600.0),
    "DAYS": ("days", 86400.0),
    "WEEKS": ("weeks", 604800.0),
}
"""Name endings that give a bare number its unit (``*_TIMEOUT_SECONDS``, ``*_DAYS``)."""


def _in_named_unit(name: str, value: Any) -> tuple[float, str] | None:
    """``value`` in seconds when ``name`` ends in a unit and ``value`` is a number."""
    unit = UNIT_SUFFIXES.get(name.rsplit("_", 1)[-1].upper()) if "_" in name else None
    try:
        amount = float(str(value).strip())
    except ValueError:
        return None
    if unit is None:
        return None
    return amount * unit[1], unit[0]


def _index_name(manifest: Manifest, loc: Loc) -> tuple[str, Loc] | None:
    """The macro call that reaches ``loc`` and the rest of the path below it."""
    if loc[:1] == ("services",) and len(loc) >= 2:
        name = str(loc[1])
        svc = manifest.services.get(name)
        rest = loc[2:]
        if svc is not None and rest[:1] == ("env",) and len(rest) >= 2:
            var = svc.env[int(rest[1])]
            return f"env_var('{name}', '{var.name}')", rest[2:]
        if svc is not None and rest[:1] == ("key_namespaces",) and len(rest) >= 2:
            ns = svc.key_namespaces[int(rest[1])]
            return f"key_namespace('{name}', '{ns.prefix}')", rest[2:]
        return f"service('{name}')", rest
    if loc[:1] == ("providers",) and len(loc) >= 2:
        return f"provider('{loc[1]}')", loc[2:]
    if loc[:1] == ("domains",) and len(loc) >= 2:
        return f"domain('{manifest.domains[int(loc[1])].name}')", loc[2:]
    if loc[:2] == ("ci_cd", "workflows") and len(loc) >= 3 and manifest.ci_cd is not None:
        return f"workflow('{manifest.ci_cd.workflows[int(loc[2])].name}')", loc[3:]
    return None


def macro_for(manifest: Manifest, loc: Loc) -> str:
    """The macro expression that prints the value at ``loc`` (``service('redis').version``)."""
    try:
        found = _index_name(manifest, loc)
    except (IndexError, ValueError, KeyError):
        found = None
    if found is None:
        dotted = ".".join(str(p) for p in loc)
        return f"fact('{dotted}')"
    call, rest = found
    tail = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)
    return call + tail
