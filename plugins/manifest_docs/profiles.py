"""Provider profiles: what is particular to one platform, chosen by a provider's ``type``.

The core knows services, hostnames and records; a profile adds what only one platform
has, in one place:

- the config-as-code files ``br-ops render`` writes for a service hosted there
  (Railway's ``railway.toml`` and ``railway.json``, Fly.io's ``fly.toml``);
- the hostname a service's domains point at when ``deploy.target`` is not stated
  (GitHub Pages: ``<github_org>.github.io``);
- the file the docs site carries when it is published there (GitHub Pages: ``CNAME``);
- whether its DNS has a proxy and SSL modes (Cloudflare has both, Route 53 neither),
  which the rules hold ``dns.proxied`` and ``dns.ssl_mode`` to.

A provider's profile is the one its ``type`` names, or, without a ``type``, the one its
id names (``railway``, ``github-pages``, ``cloudflare``); any other provider gets
:data:`NO_PROFILE`, which adds nothing. A new platform is one :class:`Profile` added
to :data:`PROFILES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .render.escape import dotenv_comment, json_text, toml_string

if TYPE_CHECKING:
    from collections.abc import Callable

    from .errors import Loc
    from .model import Manifest, Service

__all__ = [
    "NO_PROFILE",
    "PROFILES",
    "RAILWAY_SCHEMA",
    "ConfigFile",
    "Profile",
    "config_file_names",
    "docs_site_file",
    "fly_config",
    "fly_toml",
    "profile_of",
    "railway_config",
    "railway_json",
    "railway_toml",
]


@dataclass(frozen=True)
class ConfigFile:
    """A config-as-code file a platform reads from a service's repository."""

    name: str
    """File name, e.g. ``railway.toml``."""
    render: Callable[[str, Service, Manifest], str | None]
    """Its text for service ``name`` (``None`` when the manifest says too little)."""
    headed: bool
    """Whether its first line says it is generated (a format with comments)."""


@dataclass(frozen=True)
class Profile:
    """What one platform adds to the core (see the module docstring)."""

    type: str
    """The ``type`` that picks it, e.g. ``railway``."""
    title: str
    """The platform's name, e.g. ``Railway``."""
    files: tuple[ConfigFile, ...] = ()
    """Config-as-code files ``br-ops render`` writes for each service hosted there."""
    target: Callable[[Manifest, Service], tuple[str, Loc] | None] | None = None
    """Where a hosted service's hostnames point when ``deploy.target`` is not stated,
    and the manifest path that says so."""
    site_file: str | None = None
    """A file the docs site carries, naming its hostname, when published there."""
    proxy: bool | None = None
    """Whether its DNS can proxy a record (``None``: not known)."""
    ssl_modes: bool | None = None
    """Whether its edge has SSL/TLS modes (``off`` … ``strict``; ``None``: not known)."""


NO_PROFILE = Profile(type="", title="")
"""The profile of a provider of a type no profile covers: it adds nothing."""


def profile_of(manifest: Manifest, provider: str | None) -> Profile:
    """The profile of provider id ``provider`` (:data:`NO_PROFILE` for none or unknown)."""
    if provider is None:
        return NO_PROFILE
    spec = manifest.providers.get(provider)
    kind = spec.type if spec is not None and spec.type else provider
    return PROFILES.get(kind, NO_PROFILE)


def docs_site_file(manifest: Manifest) -> tuple[str, str] | None:
    """``("CNAME", "docs.example.com\\n")``: the file naming the docs site's hostname, if any.

    Given when the docs site is published on a platform that reads such a file, else
    ``None``.

    The docs site is ``organization.docs_url``; where it is published is the provider of
    the service with that hostname, or the ``hosting`` of the domain of that name.
    """
    from urllib.parse import urlsplit

    url = manifest.organization.docs_url
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    hosts = [
        svc.provider
        for svc in manifest.services.values()
        if host in {h for _, h in svc.domains.items()}
    ]
    hosts += [d.hosting for d in manifest.domains if d.name == host and d.hosting]
    for provider in hosts:
        name = profile_of(manifest, provider).site_file
        if name:
            return name, host + "\n"
    return None


# --------------------------------------------------------------------------- TOML and Railway

RAILWAY_SCHEMA = "https://railway.com/railway.schema.json"
"""JSON Schema that Railway publishes for ``railway.json``."""

_BUILDERS = {"dockerfile": "DOCKERFILE", "nixpacks": "NIXPACKS"}
_RESTART = {"on_failure": "ON_FAILURE", "always": "ALWAYS", "never": "NEVER"}


def railway_config(name: str, service: Service, manifest: Manifest) -> dict[str, Any] | None:
    """Railway config-as-code for service ``name`` as ``{"build": {…}, "deploy": {…}}``.

    ``None`` unless the service is hosted on a Railway provider and has a ``deploy`` section
    whose builder Railway builds from the repository (``dockerfile``, ``nixpacks`` or
    unset); ``managed`` databases and ``static`` sites have no config-as-code.
    Field names follow Railway's reference: ``builder``, ``dockerfilePath``,
    ``buildCommand``, ``startCommand``, ``healthcheckPath``, ``healthcheckTimeout``
    (whole seconds a deploy may take to become healthy — the manifest's
    ``ci_cd.auto_deploy.healthcheck_timeout``, not the per-probe timeout),
    ``restartPolicyType``, ``restartPolicyMaxRetries`` and ``numReplicas``.
    """
    deploy = service.deploy
    if profile_of(manifest, service.provider).type != "railway" or deploy is None:
        return None
    if deploy.builder not in (None, *_BUILDERS):
        return None
    build: dict[str, Any] = {}
    if deploy.builder is not None:
        build["builder"] = _BUILDERS[deploy.builder]
    if deploy.dockerfile:
        build["dockerfilePath"] = deploy.dockerfile
    if deploy.build_command:
        build["buildCommand"] = deploy.build_command
    run: dict[str, Any] = {"numReplicas": deploy.replicas}
    if deploy.start_command:
        run["startCommand"] = deploy.start_command
    if deploy.health_check is not None:
        run["healthcheckPath"] = deploy.health_check.path
        auto = manifest.ci_cd.auto_deploy if manifest.ci_cd else None
        if auto is not None and auto.healthcheck_timeout is not None:
            run["healthcheckTimeout"] = max(1, round(auto.healthcheck_timeout.seconds))
    if deploy.restart_policy is not None:
        run["restartPolicyType"] = _RESTART[deploy.restart_policy]
        if deploy.restart_policy == "on_failure" and deploy.max_retries is not None:
            run["restartPolicyMaxRetries"] = deploy.max_retries
    return {"build": build, "deploy": run}


def railway_json(config: dict[str, Any]) -> str:
    """``railway.json`` text: ``$schema`` first, keys sorted, two-space indent, newline.

    Written by :func:`~manifest_docs.render.escape.json_text`, so every string reads
    back as it is in the manifest and no control character is in the file raw.
    """
    return json_text({"$schema": RAILWAY_SCHEMA, **config}, indent=2, sort_keys=True) + "\n"


def _toml_value(value: Any) -> str:
    """One TOML value: booleans, integers, strings (:func:`toml_string`) and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml(header: list[str], tables: list[tuple[str, bool, dict[str, Any]]]) -> str:
    """A TOML document: ``header`` comment lines, then its tables, keys sorted.

    Each table is ``(title, is_array, values)``; the untitled one holds top-level keys.
    """
    lines = list(header)
    for title, array, values in tables:
        lines.append("")
        if title:
            lines.append(f"[[{title}]]" if array else f"[{title}]")
        lines += [f"{key} = {_toml_value(values[key])}" for key in sorted(values)]
    return "\n".join(lines) + "\n"


def _header(file: str, name: str, reference: str) -> list[str]:
    return [
        f"# {file} for {dotenv_comment(name)} — generated from manifest.yml by 'br-ops render';",
        f"# do not edit by hand. Reference: {reference}",
    ]


def railway_toml(name: str, config: dict[str, Any]) -> str:
    """``railway.toml`` text: a header comment, then ``[build]`` and ``[deploy]`` sorted."""
    header = _header("railway.toml", name, "https://docs.railway.com/config-as-code/reference")
    return _toml(header, [(section, False, config[section]) for section in sorted(config)])


# --------------------------------------------------------------------------- Fly.io

_FLY_RESTART = {"on_failure": "on-failure", "always": "always", "never": "never"}


def _go_duration(seconds: float) -> str:
    """``15s``, ``2m``, ``500ms``: a duration as Fly.io's config reads it."""
    if seconds != int(seconds):
        return f"{round(seconds * 1000)}ms"
    whole = int(seconds)
    return f"{whole // 60}m" if whole >= 60 and whole % 60 == 0 else f"{whole}s"


def fly_config(
    name: str, service: Service, manifest: Manifest
) -> list[tuple[str, bool, dict[str, Any]]] | None:
    """Fly.io's ``fly.toml`` for service ``name`` as ``(table, is_array, values)`` triples.

    ``None`` unless the service is hosted on a Fly.io provider and has a ``deploy``
    section. The app is named after the service; ``primary_region`` is the provider's
    region; ``[build] dockerfile``; ``[processes] app`` from the start command;
    ``[http_service]`` with ``internal_port`` from the port, and its
    ``[[http_service.checks]]`` from the health check (path, interval, timeout);
    ``[[restart]]`` from the restart policy; ``[[vm]]`` from memory and CPU (``shared``
    or ``performance`` as the CPU kind, a number as the count of CPUs). Replicas are
    not a ``fly.toml`` setting (``fly scale count``), so they are not written.
    """
    deploy = service.deploy
    if profile_of(manifest, service.provider).type != "fly" or deploy is None:
        return None
    top: dict[str, Any] = {"app": name}
    region = manifest.providers[service.provider].region
    if region:
        top["primary_region"] = region
    tables: list[tuple[str, bool, dict[str, Any]]] = [("", False, top)]
    if deploy.dockerfile:
        tables.append(("build", False, {"dockerfile": deploy.dockerfile}))
    if deploy.start_command:
        tables.append(("processes", False, {"app": deploy.start_command}))
    if deploy.port is not None:
        http: dict[str, Any] = {"internal_port": deploy.port}
        if deploy.start_command:
            http["processes"] = ["app"]
        tables.append(("http_service", False, http))
        check = deploy.health_check
        if check is not None:
            probe: dict[str, Any] = {"method": "GET", "path": check.path}
            if check.interval is not None:
                probe["interval"] = _go_duration(check.interval.seconds)
            if check.timeout is not None:
                probe["timeout"] = _go_duration(check.timeout.seconds)
            tables.append(("http_service.checks", True, probe))
    if deploy.restart_policy is not None:
        restart: dict[str, Any] = {"policy": _FLY_RESTART[deploy.restart_policy]}
        if deploy.restart_policy == "on_failure" and deploy.max_retries is not None:
            restart["retries"] = deploy.max_retries
        tables.append(("restart", True, restart))
    vm: dict[str, Any] = {}
    res = service.resources
    if res is not None and res.memory is not None:
        vm["memory"] = f"{max(1, res.memory.bytes // 2**20)}mb"
    if res is not None and res.cpu:
        if res.cpu.isdigit():
            vm["cpus"] = int(res.cpu)
        elif res.cpu in ("shared", "performance"):
            vm["cpu_kind"] = res.cpu
    if vm:
        tables.append(("vm", True, vm))
    return tables


def fly_toml(name: str, tables: list[tuple[str, bool, dict[str, Any]]]) -> str:
    """``fly.toml`` text: a header comment, the app's keys, then its tables."""
    header = _header("fly.toml", name, "https://fly.io/docs/reference/configuration/")
    return _toml(header, tables)


# --------------------------------------------------------------------------- profiles


def _railway_json(name: str, service: Service, manifest: Manifest) -> str | None:
    config = railway_config(name, service, manifest)
    return None if config is None else railway_json(config)


def _railway_toml(name: str, service: Service, manifest: Manifest) -> str | None:
    config = railway_config(name, service, manifest)
    return None if config is None else railway_toml(name, config)


def _fly_toml(name: str, service: Service, manifest: Manifest) -> str | None:
    tables = fly_config(name, service, manifest)
    return None if tables is None else fly_toml(name, tables)


def _pages_target(manifest: Manifest, service: Service) -> tuple[str, Loc] | None:
    org = manifest.organization.github_org
    return (f"{org.lower()}.github.io", ("organization", "github_org")) if org else None


PROFILES: dict[str, Profile] = {
    p.type: p
    for p in (
        Profile(
            "railway",
            "Railway",
            files=(
                ConfigFile("railway.json", _railway_json, headed=False),
                ConfigFile("railway.toml", _railway_toml, headed=True),
            ),
        ),
        Profile("fly", "Fly.io", files=(ConfigFile("fly.toml", _fly_toml, headed=True),)),
        Profile("github-pages", "GitHub Pages", target=_pages_target, site_file="CNAME"),
        Profile("cloudflare", "Cloudflare", proxy=True, ssl_modes=True),
        Profile("route53", "Amazon Route 53", proxy=False, ssl_modes=False),
    )
}
"""Every profile, by the ``type`` that picks it."""


def config_file_names() -> tuple[str, ...]:
    """Every config-as-code file name a profile generates, sorted."""
    return tuple(sorted({f.name for p in PROFILES.values() for f in p.files}))
