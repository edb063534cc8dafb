"""The manifest's dependency diagrams, as :class:`~.graph.Graph` models drawn by :mod:`.graph`.

Three kinds, each bounded so that no diagram outgrows a reader's screen:

* :func:`whole` — every service (and the hostnames sending traffic to it), for a catalog
  of at most :data:`WHOLE_MAX` services: the Architecture page shows it alone.
* :func:`overview` and :func:`group_diagrams` — for a larger catalog the Architecture
  page shows one node per service kind (``backend (500)``, edges counting the
  dependencies between kinds), then one diagram per kind: at most :data:`GROUP_SIZE`
  of its services (the most connected) with what they need. The page's diagrams then
  have the same size at any number of services.
* :func:`neighbourhood` — on each service page: what it needs and what needs it, at
  most :data:`NEIGHBOUR_CAP` of each, the rest one "and N more" node linked to the
  full list (:mod:`.lists`).

Nodes link to the service pages by their final URL (a raw HTML block is not rewritten
by the engine), relative to the page the diagram is on; :func:`page_url` knows both URL
styles (``use_directory_urls``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..model import Kind
from .graph import Edge, Graph, Node, diagram

if TYPE_CHECKING:
    from ..model import Manifest, Service
    from .escape import Markup
    from .lists import Capped

__all__ = [
    "DATA_KINDS",
    "GROUP_SIZE",
    "NEIGHBOUR_CAP",
    "WHOLE_MAX",
    "GroupDiagram",
    "SiteUrls",
    "group_diagrams",
    "neighbourhood",
    "overview",
    "page_url",
    "relative_url",
    "whole",
]

WHOLE_MAX = 40
"""Most services drawn in the Architecture page's single diagram; beyond, it groups."""
GROUP_SIZE = 30
"""Most services of one kind drawn on the grouped Architecture page."""
NEIGHBOUR_CAP = 12
"""Most dependencies, and most dependents, drawn in a service's neighbourhood."""

DATA_KINDS = frozenset({Kind.DATABASE, Kind.CACHE, Kind.STORAGE})
"""Kinds of service that hold data: drawn as cylinders, and the pages say so."""
ARCHITECTURE = "architecture/index.md"


def page_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The URL path (from the site root) a page of the docs is published at."""
    path = posixpath.splitext(src_uri)[0]
    if not directory_urls:
        return path + ".html"
    if posixpath.basename(path) in ("index", "README"):
        parent = posixpath.dirname(path)
        return parent + "/" if parent else ""
    return path + "/"


def relative_url(target: str, origin: str, *, directory_urls: bool = True) -> str:
    """URL of the page ``target`` relative to the page ``origin`` (both ``src_uri``)."""
    to = "/" + page_url(target, directory_urls=directory_urls)
    here = "/" + page_url(origin, directory_urls=directory_urls)
    rel = posixpath.relpath(to, here if here.endswith("/") else posixpath.dirname(here))
    if to.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return rel


@dataclass(frozen=True)
class SiteUrls:
    """How diagrams link: the engine's URL style and whether service pages exist."""

    directory_urls: bool = True
    """``use_directory_urls`` of the engine (``services/redis/`` or ``services/redis.html``)."""
    services: bool = True
    """Service pages are generated (else service nodes link nowhere)."""

    def page(self, target: str, origin: str) -> str:
        """URL of the page ``target`` from the page ``origin`` (both ``src_uri``)."""
        return relative_url(target, origin, directory_urls=self.directory_urls)

    def service(self, name: str, origin: str) -> str | None:
        """URL of a service's page from the page ``origin``, if service pages exist."""
        return self.page(f"services/{name}.md", origin) if self.services else None


def _service_node(name: str, svc: Service, origin: str, urls: SiteUrls) -> Node:
    return Node(
        id=f"s:{name}",
        label=name,
        href=urls.service(name, origin),
        shape="store" if svc.kind in DATA_KINDS else "box",
        classes=(f"kind-{svc.kind.value}", f"status-{svc.status.value}"),
        tooltip=f"{name} — {svc.kind.value}, {svc.status.value}",
    )


def whole(manifest: Manifest, urls: SiteUrls) -> Markup:
    """Every service, its dependencies, and the domains and hostnames pointing at it."""
    names = sorted(manifest.services)
    nodes = [_service_node(n, manifest.services[n], ARCHITECTURE, urls) for n in names]
    edges = [
        Edge(f"s:{n}", f"s:{d}")
        for n in names
        for d in manifest.services[n].depends_on
        if d in manifest.services
    ]
    entries: dict[str, Node] = {}
    for domain in sorted(manifest.domains, key=lambda d: d.name):
        if domain.service in manifest.services:
            entries.setdefault(
                f"h:{domain.name}", Node(f"h:{domain.name}", domain.name, shape="pill")
            )
            edges.append(Edge(f"h:{domain.name}", f"s:{domain.service}", dashed=True))
    for n in names:
        host = manifest.services[n].domains.first(manifest.production)
        if host:
            entries.setdefault(f"h:{host}", Node(f"h:{host}", host, shape="pill"))
            edges.append(Edge(f"h:{host}", f"s:{n}", dashed=True))
    graph = Graph(
        (*entries.values(), *nodes),
        tuple(edges),
        title="Services, what they depend on, and the hostnames that reach them",
    )
    return diagram(graph)


def overview(manifest: Manifest) -> Markup:
    """One node per kind of service, linked to its section; edges count dependencies."""
    members: dict[Kind, int] = {}
    for svc in manifest.services.values():
        members[svc.kind] = members.get(svc.kind, 0) + 1
    kinds = [k for k in Kind if k in members]
    counts: dict[tuple[Kind, Kind], int] = {}
    for svc in manifest.services.values():
        for dep in svc.depends_on:
            target = manifest.services.get(dep)
            if target is not None and target.kind is not svc.kind:
                key = (svc.kind, target.kind)
                counts[key] = counts.get(key, 0) + 1
    nodes = tuple(
        Node(
            f"k:{k.value}",
            f"{k.value} ({members[k]:,})",
            href=f"#kind-{k.value}",
            shape="store" if k in DATA_KINDS else "box",
            classes=(f"kind-{k.value}",),
            tooltip=f"{members[k]:,} {k.value} services",
        )
        for k in kinds
    )
    edges = tuple(
        Edge(f"k:{a.value}", f"k:{b.value}", label=f"{counts[a, b]:,}")
        for a in kinds
        for b in kinds
        if (a, b) in counts
    )
    return diagram(Graph(nodes, edges, title="Kinds of services and the dependencies between them"))


@dataclass(frozen=True)
class GroupDiagram:
    """One diagram of the grouped Architecture page: one kind of service."""

    kind: str
    """Kind of service the group holds."""
    size: int
    """Services of that kind drawn (at most :data:`GROUP_SIZE`)."""
    of: int
    """Services of that kind in all."""
    svg: Markup
    """The drawing."""


def _bounded(
    manifest: Manifest,
    names: list[str],
    origin: str,
    urls: SiteUrls,
    more: str,
    href: str | None,
) -> list[Node]:
    """Nodes of the first :data:`NEIGHBOUR_CAP` of ``names``, then one for the others.

    The last is an "and N more" node with id ``more``, linked to ``href`` (if any).
    """
    nodes = [_service_node(n, manifest.services[n], origin, urls) for n in names[:NEIGHBOUR_CAP]]
    if len(names) > NEIGHBOUR_CAP:
        rest = len(names) - NEIGHBOUR_CAP
        nodes.append(Node(more, f"and {rest:,} more", href=href, shape="more"))
    return nodes


def _degree(manifest: Manifest, name: str) -> int:
    return len(manifest.services[name].depends_on) + len(manifest.used_by.get(name, []))


def group_diagrams(manifest: Manifest, urls: SiteUrls) -> list[GroupDiagram]:
    """One diagram per kind of service: its members and what they need, bounded.

    A kind with more than :data:`GROUP_SIZE` services shows the most connected ones
    (most dependencies and dependents, then by name), so the page stays the same size
    at any number of services; every service page draws its own neighbourhood.
    Dependencies outside the kind are drawn too, at most :data:`NEIGHBOUR_CAP` of them
    (the most used first); the others share one "and N more" node.
    """
    out = []
    for kind in Kind:
        members = [n for n, s in manifest.services.items() if s.kind is kind]
        if not members:
            continue
        ranked = sorted(members, key=lambda n: (-_degree(manifest, n), n))
        chunk = sorted(ranked[:GROUP_SIZE])
        inside = set(chunk)
        nodes = [_service_node(n, manifest.services[n], ARCHITECTURE, urls) for n in chunk]
        uses: dict[str, int] = {}
        for n in chunk:
            for d in manifest.services[n].depends_on:
                if d in manifest.services and d not in inside:
                    uses[d] = uses.get(d, 0) + 1
        outside = sorted(uses, key=lambda d: (-uses[d], d))
        drawn = set(outside[:NEIGHBOUR_CAP])
        by_name = [*sorted(drawn), *outside[NEIGHBOUR_CAP:]]  # the drawn ones by name
        nodes += _bounded(manifest, by_name, ARCHITECTURE, urls, "more", None)
        edges = [
            Edge(f"s:{n}", f"s:{d}" if d in inside or d in drawn else "more")
            for n in chunk
            for d in manifest.services[n].depends_on
            if d in manifest.services
        ]
        title = f"{kind.value} services and what they need"
        graph = Graph(tuple(nodes), tuple(edges), title=title)
        out.append(GroupDiagram(kind.value, len(chunk), len(members), diagram(graph)))
    return out


def neighbourhood(
    manifest: Manifest, name: str, urls: SiteUrls, dependents: Capped
) -> Markup | None:
    """What ``name`` needs and what needs it, at most :data:`NEIGHBOUR_CAP` of each.

    ``None`` for a service with neither. ``dependents`` is the service's list of
    dependents as its page shows it (:func:`.lists.cap`): the "more" node of what needs
    it links to that list's full page when there is one, else (like the other "more"
    node) to the page's own Dependencies table.
    """
    svc = manifest.services[name]
    origin = f"services/{name}.md"
    needs = [d for d in dict.fromkeys(svc.depends_on) if d in manifest.services and d != name]
    needed_by = [u for u in manifest.used_by.get(name, []) if u != name and u not in needs]
    if not needs and not needed_by:
        return None
    store = svc.kind in DATA_KINDS
    focus = replace(
        _service_node(name, svc, origin, urls),
        href=None,
        shape="store" if store else "focus",
        classes=(f"kind-{svc.kind.value}", f"status-{svc.status.value}", *(("focus",) * store)),
    )
    full = urls.page(dependents.full, origin) if dependents.full else "#dependencies"
    inbound = _bounded(manifest, needed_by, origin, urls, "more:in", full)
    outbound = _bounded(manifest, needs, origin, urls, "more:out", "#dependencies")
    edges = [Edge(n.id, focus.id) for n in inbound]
    for n in outbound:
        edges.append(Edge(focus.id, n.id))
        if n.id != "more:out" and name in manifest.services[n.id.removeprefix("s:")].depends_on:
            edges.append(Edge(n.id, focus.id))  # a cycle: drawn as an arrow back
    title = f"{name}: what it needs and what needs it"
    return diagram(Graph((*inbound, focus, *outbound), tuple(edges), title=title))
