"""One environment's view of a service: its ``environments.NAME`` entry laid over it.

The merge rule, the one every page, macro, artefact and command uses:

- a key the override gives replaces the service's value (``null`` removes it);
- a mapping (``deploy``, ``resources``, ``network``, ``backups``, and mappings inside
  them such as ``deploy.health_check``) merges key by key: ``deploy: {replicas: 1}``
  keeps the rest of ``deploy``;
- ``env`` merges by variable ``name``: a listed variable replaces the keys it gives and
  keeps the others; a name the service does not list adds a variable at the end;
- keys not given keep the shared value, and environments without an override see the
  service unchanged.

The result is validated as a whole :class:`~manifest_docs.model.Service`, so a view is
never half-valid (an added variable without a description is an error at its line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, RootModel, ValidationError

from .model import EnvVar, Service, _concrete

if TYPE_CHECKING:
    from .errors import Loc
    from .model import Manifest, ServiceOverride

__all__ = ["Difference", "Differences", "OverlayError", "Views", "differences", "overlay", "views"]

M = TypeVar("M", bound=BaseModel)


class OverlayError(Exception):
    """An override that does not make a valid model, with where it lies."""

    def __init__(self, path: Loc, error: ValidationError) -> None:
        super().__init__(str(error))
        self.path = path
        """Where in the override the failing model is (relative to the override)."""
        self.error = error
        """Pydantic's errors, relative to :attr:`path`."""


def overlay(service: Service, override: ServiceOverride) -> Service:
    """``service`` as it is in the environment ``override`` describes.

    Raises :class:`OverlayError` when the result is not a valid service.
    """
    return _lay(service, override, Service, ())


def _lay(base: M | None, over: BaseModel, full: type[M], path: Loc) -> M:
    values: dict[str, Any] = (
        {k: getattr(base, k) for k in base.model_fields_set} if base is not None else {}
    )
    # In the model's field order, so a view is the same whatever order the YAML used.
    for key in (k for k in type(over).model_fields if k in over.model_fields_set):
        given = getattr(over, key)
        if key == "env" and isinstance(given, list):
            values[key] = _lay_vars(getattr(base, "env", []), given, (*path, key))
        elif isinstance(given, BaseModel) and not isinstance(given, RootModel):
            sub = _model_of(full, key)
            values[key] = _lay(getattr(base, key, None), given, sub, (*path, key))
        else:
            values[key] = given
    try:
        return full.model_validate(values)
    except ValidationError as exc:
        raise OverlayError(path, exc) from None


def _lay_vars(shared: list[EnvVar], given: list[BaseModel], path: Loc) -> list[EnvVar]:
    out = list(shared)
    index = {var.name: i for i, var in enumerate(out)}
    for j, var in enumerate(given):
        name = getattr(var, "name", "")
        if name in index:
            out[index[name]] = _lay(out[index[name]], var, EnvVar, (*path, j))
        else:
            index[name] = len(out)
            out.append(_lay(None, var, EnvVar, (*path, j)))
    return out


def _model_of(model: type[BaseModel], key: str) -> type[Any]:
    """The model type of ``model``'s field ``key`` (``Deploy`` for ``Service.deploy``)."""
    return next(
        c
        for c in _concrete(model.model_fields[key].annotation)
        if isinstance(c, type) and issubclass(c, BaseModel)
    )


@dataclass
class Views:
    """Every service as each environment sees it."""

    services: dict[str, dict[str, Service]] = field(default_factory=dict)
    """Environment name → service name → the service in that environment (every
    service, in manifest order; without an override it is the service itself)."""
    problems: list[tuple[Loc, ValidationError]] = field(default_factory=list)
    """Overrides that do not make a valid service: where each failing model lies in
    the manifest, and pydantic's errors relative to it (the service itself stands in)."""


def views(manifest: Manifest) -> Views:
    """:func:`overlay` of every override of ``manifest``, per environment."""
    out = Views()
    for env in manifest.environment_names:
        seen: dict[str, Service] = {}
        for name, svc in manifest.services.items():
            override = svc.environments.get(env)
            if override is None:
                seen[name] = svc
                continue
            try:
                seen[name] = overlay(svc, override)
            except OverlayError as exc:
                out.problems.append((("services", name, "environments", env, *exc.path), exc.error))
                seen[name] = svc
        out.services[env] = seen
    return out


_LABELS: dict[tuple[str, ...], str] = {
    ("deploy", "target"): "platform hostname",
    ("backups", "enabled"): "backups",
    ("network", "tls"): "TLS in transit",
    ("network", "access"): "network access",
}
"""Labels that the last word alone would leave unclear."""


@dataclass(frozen=True)
class Difference:
    """One setting that is not the same in every environment."""

    path: tuple[str, ...]
    """Where it is in a service: ``("deploy", "replicas")``; a variable: ``("env", NAME)``."""
    values: tuple[str | None, ...]
    """Its value in each environment of :attr:`Differences.environments` (``None``: unset);
    a variable's is a summary: ``default DEBUG (optional)``."""

    @property
    def label(self) -> str:
        """The setting as a reader names it: ``Replicas``, ``Health check timeout``."""
        if self.path[0] == "env":
            return self.path[1]
        words = _LABELS.get(self.path) or " ".join(self.path[1:] or self.path).replace("_", " ")
        return words[:1].upper() + words[1:]

    @property
    def variable(self) -> bool:
        """Whether the row is an environment variable (its label is a name, shown as code)."""
        return self.path[0] == "env"


@dataclass(frozen=True)
class Differences:
    """What a service's environments change, for a table of settings by environment."""

    environments: tuple[str, ...]
    """Production first, then each environment with an override, in the manifest's order."""
    rows: tuple[Difference, ...]
    """The settings that differ somewhere, in the order of the model's fields."""


def differences(manifest: Manifest, name: str) -> Differences:
    """The settings of service ``name`` that some environment changes (none: no rows).

    Only what an override can change is compared (:class:`~manifest_docs.model.
    ServiceOverride`'s fields). A secret variable never has a literal, so no value of
    one can appear here.
    """
    from .model import ServiceOverride

    svc = manifest.services[name]
    production = manifest.production
    if not svc.environments:
        return Differences((production,), ())
    envs = (production, *(e for e in manifest.environment_names if e in svc.environments))
    flat = [
        _flatten(manifest.service_in(name, env), tuple(ServiceOverride.model_fields))
        for env in envs
    ]
    paths: list[tuple[str, ...]] = []
    for one in flat:
        paths.extend(p for p in one if p not in paths)
    order = {key: i for i, key in enumerate(ServiceOverride.model_fields)}
    paths.sort(key=lambda p: order[p[0]])  # stable: within a section, first seen first
    rows = tuple(
        Difference(p, values)
        for p in paths
        if len(set(values := tuple(one.get(p) for one in flat))) > 1
    )
    return Differences(envs if rows else (production,), rows)


def _flatten(svc: Service, keys: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    """The set values of ``keys`` in ``svc`` as text, by path (variables by name)."""
    data = svc.model_dump(mode="json", include=set(keys), exclude_none=True)
    out: dict[tuple[str, ...], str] = {}

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, str(key)))
        elif isinstance(node, list) and path == ("env",):
            for var in node:
                out[(*path, var["name"])] = _variable(var)
        elif isinstance(node, list):
            if node:
                out[path] = ", ".join(str(v) for v in node)
        elif isinstance(node, bool):
            out[path] = "yes" if node else "no"
        else:
            out[path] = str(node)

    walk({k: data[k] for k in keys if k in data}, ())
    return out


def _variable(var: dict[str, Any]) -> str:
    """A variable in one phrase: where its value comes from, and its tier."""
    parts = [
        f"{label} {var[key]}"
        for key, label in (
            ("value", "fixed"),
            ("default", "default"),
            ("source", "from"),
            ("provided_by", "exported by"),
        )
        if var.get(key) is not None
    ]
    secret = ", secret" if var.get("secret") else ""
    return f"{'; '.join(parts) or 'set per deployment'} ({var['tier']}{secret})"
