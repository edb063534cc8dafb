"""Build every generated page of the site from a :class:`~manifest_docs.model.Manifest`.

Pure: takes the manifest (and an optional overrides folder), returns
:class:`GeneratedPage` objects holding Markdown. The MkDocs adapter only turns them
into files and navigation. Each page is a Jinja2 template shipped in
``render/templates``; a file of the same name in the overrides folder replaces it.
All template output passes through :func:`~manifest_docs.render.escape.md`, so a
manifest string can never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2

from ..artefacts import env_examples
from ..costs import (
    DEFAULT_CURRENCY,
    PhaseCosts,
    ServiceCosts,
    conversion,
    currencies,
    money,
    money_each,
    phase_costs,
    service_costs,
    signed,
)
from ..model import SCHEMA_VERSIONS, EnvTier, EnvVar, Manifest, Service, Status, repo_urls
from ..overlay import differences
from .diagrams import DATA_KINDS, SiteUrls, group_diagrams, neighbourhood, overview, whole
from .diagrams import GROUP_SIZE as DIAGRAM_GROUP_SIZE
from .diagrams import WHOLE_MAX as WHOLE_DIAGRAM_MAX
from .escape import Markup, code, doc, link, md
from .lists import LIST_CAP, Capped, cap, dependents_uri, more, readers_uri
from .schema_doc import credential_shapes, limits, schema_docs
from .selection import PAGE_KINDS

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator
    from pathlib import Path

    from ..dns import HostRow

__all__ = [
    "GROUP_SIZE",
    "STATUS_ORDER",
    "TEMPLATE_NAMES",
    "GeneratedPage",
    "PageSet",
    "make_environment",
    "nest_groups",
    "render_site",
]

GROUP_SIZE = 30
"""Most service pages in one navigation group (keeps the nav small at any scale)."""

STATUS_ORDER = (
    Status.ACTIVE,
    Status.DEVELOPMENT,
    Status.EXPERIMENTAL,
    Status.PLANNED,
    Status.RETIRED,
)
"""Order in which statuses appear on pages and in the navigation."""

TEMPLATE_NAMES = (
    "services.md.j2",
    "service.md.j2",
    "domains.md.j2",
    "costs.md.j2",
    "environment.md.j2",
    "architecture.md.j2",
    "phases.md.j2",
    "schema.md.j2",
    "api.md.j2",
    "list.md.j2",
)
"""Templates a project can override by name."""

_KIND = {
    "services.md.j2": "catalog",
    "service.md.j2": "services",
    "domains.md.j2": "domains",
    "costs.md.j2": "costs",
    "environment.md.j2": "environment",
    "architecture.md.j2": "architecture",
    "phases.md.j2": "roadmap",
    "schema.md.j2": "schema",
    "api.md.j2": "api",
}
"""The page (a name of the ``pages:`` option) each template renders."""


@dataclass(frozen=True)
class GeneratedPage:
    """One Markdown page (or downloadable file) generated from the manifest."""

    src_uri: str
    """Path inside the docs tree, e.g. ``services/redis.md``."""
    content: str
    """Markdown (or file) content."""
    title: str
    """Navigation title."""
    nav: tuple[str, ...] = ()
    """Navigation groups under the plugin's section, outermost first."""
    service: str | None = None
    """Service the page describes, for service pages."""


@dataclass
class PageSet:
    """Everything generated for one build."""

    pages: list[GeneratedPage] = field(default_factory=list)
    """Markdown pages, in navigation order."""
    files: list[GeneratedPage] = field(default_factory=list)
    """Other generated files (``.env.example`` downloads)."""


def make_environment(
    overrides: Path | None = None, pages: Collection[str] = PAGE_KINDS
) -> jinja2.Environment:
    """The Jinja2 environment: overrides first, then the packaged templates, output escaped.

    ``pages`` are the generated pages of the site (templates see them as ``pages``): a
    service's name links to its page only when service pages are generated.
    """
    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(overrides)))
    loaders.append(jinja2.PackageLoader("manifest_docs.render", "templates"))
    # `finalize` turns every {{ expression }} into inert Markdown (Markup); autoescape
    # makes macro results Markup too, so they are not escaped a second time.
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        finalize=md,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=True,
        # One environment renders one build: never stat the templates again per page.
        auto_reload=False,
    )
    env.globals.update(
        badge=badge,
        code=code,
        doc=doc,
        link=link,
        money=money,
        money_each=money_each,
        signed=signed,
        md=md,
        mdjoin=mdjoin,
        more=more,
        svc_link=svc_link if "services" in pages else md,
        pages=frozenset(pages),
        EnvTier=EnvTier,
        STATUS_ORDER=STATUS_ORDER,
        yes_no=yes_no,
        repo_web=lambda repo: repo_urls(repo)[0],
        secret_mark=Markup('<span class="mdocs-secret">secret</span>'),
    )
    env.filters["md"] = md
    return env


def badge(status: object) -> Markup:
    """A status badge (styled by the plugin's stylesheet)."""
    value = str(getattr(status, "value", status))
    slug = "".join(c for c in value.lower() if c.isalnum() or c == "-")
    return Markup(f'<span class="mdocs-badge mdocs-badge--{slug}">{md(value)}</span>')


def svc_link(name: str) -> Markup:
    """A Markdown link to a service page from any generated page (all sit one level deep)."""
    return Markup(f"[{md(name)}](../services/{md(name)}.md)")


def mdjoin(items: Iterable[object], sep: str = ", ") -> Markup:
    """Escape each item and join them (Jinja's ``join`` would only HTML-escape)."""
    return Markup(sep.join(md(i) for i in items))


def yes_no(flag: bool | None) -> str:
    """``yes``/``no``/``—`` for an optional flag."""
    return "—" if flag is None else ("yes" if flag else "no")


def nest_groups(names: list[str], size: int) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Sorted ``names`` in groups of at most ``size``, as (section path, members).

    Groups are titled ``first – last``, and nested so that no level of the navigation
    has more than ``size`` entries: a page's navigation (what every page renders with
    ``navigation.prune``) then grows with the logarithm of the number of services.
    """
    if len(names) <= size:
        yield (), names
        return
    span = size
    while -(-len(names) // span) > size:
        span *= size
    for i in range(0, len(names), span):
        part = names[i : i + span]
        for sub, members in nest_groups(part, size):
            yield (f"{part[0]} – {part[-1]}", *sub), members


def _phase_order(phase: int | None) -> tuple[bool, int]:
    """Sort key of a service's phase: phases in order, services without one last."""
    return (phase is None, phase or 0)


def _nav_groups(manifest: Manifest, size: int = GROUP_SIZE) -> dict[str, tuple[str, ...]]:
    """Navigation groups for service pages: status, then phase, then bounded chunks."""
    groups: dict[str, tuple[str, ...]] = {}
    for status in STATUS_ORDER:
        members = [n for n, s in manifest.services.items() if s.status is status]
        phases = sorted({manifest.services[n].phase for n in members}, key=_phase_order)
        for phase in phases:
            names = sorted(n for n in members if manifest.services[n].phase == phase)
            label = status.value.capitalize()
            sub_label = "No phase" if phase is None else f"Phase {phase}"
            path: tuple[str, ...] = (label, sub_label) if len(phases) > 1 else (label,)
            for sub, chunk in nest_groups(names, max(2, size)):
                for name in chunk:
                    groups[name] = (*path, *sub)
    return groups


def _service_context(
    manifest: Manifest,
    name: str,
    svc: Service,
    costs: ServiceCosts | None,
    urls: SiteUrls,
    dependents: Capped,
) -> dict[str, Any]:
    tiers = [(tier, [v for v in svc.env if v.tier is tier]) for tier in EnvTier]
    consumers = {
        e.name: cap([n for n in manifest.readers.get(e.name, []) if n != name], readers_uri(e.name))
        for e in svc.exports
    }
    return {
        "name": name,
        "svc": svc,
        "phase": None if svc.phase is None else manifest.phase_by_id.get(svc.phase),
        "provider": manifest.providers.get(svc.provider),
        "tiers": [(t, vs) for t, vs in tiers if vs],
        "used_by": dependents,
        "consumers": consumers,
        "neighbourhood": neighbourhood(manifest, name, urls, dependents),
        "costs": costs,
        "domains_held": [d for d in manifest.domains if d.service == name],
        "is_data": svc.kind in DATA_KINDS,
        "by_env": differences(manifest, name),
        "team": manifest.teams.get(svc.owner) if svc.owner else None,
        "extensions": manifest.extensions(("services", name)),
    }


def _dependents(manifest: Manifest) -> dict[str, Capped]:
    """Each service's dependents as pages show them (:func:`.lists.cap`), once per build."""
    return {name: cap(users, dependents_uri(name)) for name, users in manifest.used_by.items()}


def _architecture_context(
    manifest: Manifest, urls: SiteUrls, dependents: dict[str, Capped]
) -> dict[str, Any]:
    """One diagram of everything for a small catalog; else an overview and groups."""
    small = len(manifest.services) <= WHOLE_DIAGRAM_MAX
    return {
        "whole": whole(manifest, urls) if small else None,
        "overview": None if small else overview(manifest),
        "groups": [] if small else group_diagrams(manifest, urls),
        "group_size": DIAGRAM_GROUP_SIZE,
        "used_by": dependents,
    }


def _names(names: list[str]) -> str:
    """``a, b, c`` — or the first :data:`.lists.LIST_CAP` and how many more (no link)."""
    capped = cap(names, "")
    return ", ".join(capped.shown) + (f" and {capped.more:,} more" if capped.more else "")


def _environment_context(
    manifest: Manifest, examples: dict[str, list[tuple[str | None, str]]]
) -> dict[str, Any]:
    rows = []
    conflicts = []
    declared: dict[str, list[tuple[str, EnvVar]]] = {}
    for name, svc in sorted(manifest.services.items()):  # one pass, not one per variable
        for var in svc.env:
            declared.setdefault(var.name, []).append((name, var))
    for var_name in sorted(set(declared) | set(manifest.exporters)):
        decls = declared.get(var_name, [])
        secret_flags = {v.secret for _, v in decls}
        descriptions = {v.description for _, v in decls}
        problems = []
        if len(secret_flags) > 1:
            problems.append(
                "secret in "
                + _names([n for n, v in decls if v.secret])
                + "; not secret in "
                + _names([n for n, v in decls if not v.secret])
            )
        if len(descriptions) > 1:
            problems.append(f"{len(descriptions)} different descriptions")
        if problems:
            conflicts.append((var_name, problems))
        rows.append(
            {
                "name": var_name,
                "decls": decls,
                "readers": cap([n for n, _ in decls], readers_uri(var_name)),
                "exporters": cap(manifest.exporters.get(var_name, []), readers_uri(var_name)),
                "secret": any(secret_flags),
                "tiers": sorted({v.tier.value for _, v in decls}),
                "conflict": bool(problems),
            }
        )
    return {
        "rows": rows,
        "conflicts": conflicts,
        "downloads": [
            (name, env, download_name(name, env))
            for name, files in sorted(examples.items())
            for env, _ in files
        ],
    }


@dataclass(frozen=True)
class _FullList:
    uri: str
    title: str
    nav: tuple[str, ...]
    context: dict[str, Any]


def _full_lists(
    manifest: Manifest, pages: Collection[str], size: int, dependents: dict[str, Capped]
) -> list[_FullList]:
    """The pages holding lists cut on other pages (:mod:`.lists`): hubs only."""
    specs: list[tuple[str, str, dict[str, Any]]] = []
    if {"services", "architecture"} & set(pages):
        for name, capped in sorted(dependents.items()):
            if capped.full is not None:
                specs.append(
                    (
                        capped.full,
                        f"Services that need {name}",
                        {
                            "subject": name,
                            "variable": None,
                            "names": manifest.used_by[name],
                            "exporters": [],
                            "cap": LIST_CAP,
                        },
                    )
                )
    if {"services", "environment"} & set(pages):
        for var in sorted(set(manifest.readers) | set(manifest.exporters)):
            readers = manifest.readers.get(var, [])
            exporters = manifest.exporters.get(var, [])
            if len(readers) > LIST_CAP or len(exporters) > LIST_CAP:
                specs.append(
                    (
                        readers_uri(var),
                        f"Readers of {var}",
                        {
                            "subject": None,
                            "variable": var,
                            "names": readers,
                            "exporters": exporters,
                            "cap": LIST_CAP,
                        },
                    )
                )
    specs.sort(key=lambda spec: spec[1])
    where = {}
    for sub, members in nest_groups([title for _, title, _ in specs], max(2, size)):
        for title in members:
            where[title] = ("Full lists", *sub)
    return [_FullList(uri, title, where[title], ctx) for uri, title, ctx in specs]


def render_site(
    manifest: Manifest,
    *,
    overrides: Path | None = None,
    source_name: str = "manifest.yml",
    group_size: int = GROUP_SIZE,
    pages: Collection[str] = PAGE_KINDS,
    directory_urls: bool = True,
) -> PageSet:
    """Render the generated pages (those named in ``pages``) and downloads for ``manifest``.

    ``pages`` holds names of :data:`.selection.PAGE_KINDS` (default: every page).
    ``group_size`` bounds how many service pages share one navigation group.
    ``directory_urls`` is the engine's ``use_directory_urls``, for the links inside
    diagrams (raw HTML, which the engine does not rewrite).
    """
    urls = SiteUrls(directory_urls=directory_urls, services="services" in pages)
    examples = env_examples(manifest)  # once: the Environment page lists them, files ship them
    env = make_environment(overrides, pages)
    convert = conversion(manifest)
    common = {"m": manifest, "source_name": source_name, "conversion": convert}
    out = PageSet()
    dependents = _dependents(manifest)

    def page(
        template: str,
        uri: str,
        title: str,
        nav: tuple[str, ...] = (),
        service: str | None = None,
        **ctx: Any,
    ) -> None:
        if _KIND[template] not in pages:
            return
        text = env.get_template(template).render(**common, **ctx)
        out.pages.append(GeneratedPage(uri, text, title, nav, service))

    groups = _nav_groups(manifest, group_size)
    rollup: list[PhaseCosts] = phase_costs(manifest)
    by_service = service_costs(manifest, rollup)
    dns = manifest.dns
    host_rows: dict[tuple[str, str, str], HostRow] = {
        (row.service, row.env, row.host): row for row in dns.hosts
    }
    catalog = [
        (
            status,
            phase,
            sorted(
                n for n, s in manifest.services.items() if s.status is status and s.phase == phase
            ),
        )
        for status in STATUS_ORDER
        for phase in sorted(
            {s.phase for s in manifest.services.values() if s.status is status}, key=_phase_order
        )
    ]
    page(
        "services.md.j2",
        "services/index.md",
        "Service catalog",
        catalog=catalog,
        counts={st: sum(s.status is st for s in manifest.services.values()) for st in STATUS_ORDER},
    )
    for name in groups:  # built in status, phase, name order
        svc = manifest.services[name]
        page(
            "service.md.j2",
            f"services/{name}.md",
            name,
            ("Services", *groups[name]),
            name,
            hosts=[host_rows[(name, env, host)] for env, host in svc.domains.items()],
            **_service_context(manifest, name, svc, by_service.get(name), urls, dependents[name]),
        )
    page("domains.md.j2", "domains/index.md", "Domains", dns=dns)
    used = currencies(rollup, manifest.reporting_currency)
    page(
        "costs.md.j2",
        "costs/index.md",
        "Costs",
        phases=rollup,
        currencies=used,
        zero=manifest.reporting_currency or DEFAULT_CURRENCY,
        rates=convert.used(used) if convert else [],
    )
    page(
        "environment.md.j2",
        "environment/index.md",
        "Environment variables",
        **_environment_context(manifest, examples),
    )
    page(
        "architecture.md.j2",
        "architecture/index.md",
        "Architecture",
        **_architecture_context(manifest, urls, dependents),
    )
    page(
        "phases.md.j2",
        "phases/index.md",
        "Roadmap",
        by_phase={
            p.id: sorted(n for n, s in manifest.services.items() if s.phase == p.id)
            for p in manifest.phases
        },
    )
    page(
        "schema.md.j2",
        "reference/schema.md",
        "Manifest schema",
        ("Reference",),
        models=schema_docs(),
        version=SCHEMA_VERSIONS[-1],
        limits=limits(),
        credentials=credential_shapes(),
    )
    page("api.md.j2", "reference/api.md", "Python API", ("Reference",))
    for spec in _full_lists(manifest, pages, group_size, dependents):
        text = env.get_template("list.md.j2").render(**common, **spec.context)
        out.pages.append(GeneratedPage(spec.uri, text, spec.title, spec.nav))
    for name in sorted(examples):
        for env_name, text in examples[name]:
            file_name = download_name(name, env_name)
            out.files.append(GeneratedPage(f"environment/{file_name}", text, file_name))
    return out


def download_name(service: str, env: str | None = None) -> str:
    """The site's name for a ``.env.example``: ``api.env.example``, ``api.staging.env.example``."""
    return f"{service}.{env}.env.example" if env else f"{service}.env.example"
