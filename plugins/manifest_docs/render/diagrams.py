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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Kind
from .graph import Edge, Graph, Node, diagram
from .lists import LIST_CAP, dependents_uri

if TYPE_CHECKING:
    from ..model import Manifest, Service
    from .escape import Markup

__all__ = [
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

_DATA_KINDS = {Kind.DATABASE, Kind.CACHE, Kind.STORAGE}
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
        shape="store" if svc.kind in _DATA_KINDS else "box",
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
        host = manifest.services[n].domains.prod
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
            shape="store" if k in _DATA_KINDS else "box",
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
        rest = len(outside) - len(drawn)
        nodes += [_service_node(d, manifest.services[d], ARCHITECTURE, urls) for d in sorted(drawn)]
        if rest:
            nodes.append(Node("more", f"and {rest:,} more", shape="more"))
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


def neighbourhood(manifest: Manifest, name: str, urls: SiteUrls) -> Markup | None:
    """What ``name`` needs and what needs it, at most :data:`NEIGHBOUR_CAP` of each.

    ``None`` for a service with neither. The "more" nodes link to the full list of
    dependents when there is one (more than :data:`~.lists.LIST_CAP`), else to the
    page's own Dependencies table.
    """
    svc = manifest.services[name]
    origin = f"services/{name}.md"
    needs = [d for d in dict.fromkeys(svc.depends_on) if d in manifest.services and d != name]
    needed_by = [u for u in manifest.used_by.get(name, []) if u != name and u not in needs]
    if not needs and not needed_by:
        return None
    store = svc.kind in _DATA_KINDS
    focus = Node(
        f"s:{name}",
        name,
        shape="store" if store else "focus",
        classes=(f"kind-{svc.kind.value}", f"status-{svc.status.value}", *(("focus",) * store)),
        tooltip=f"{name} — {svc.kind.value}, {svc.status.value}",
    )
    nodes: list[Node] = []
    edges: list[Edge] = []
    for u in needed_by[:NEIGHBOUR_CAP]:
        nodes.append(_service_node(u, manifest.services[u], origin, urls))
        edges.append(Edge(f"s:{u}", focus.id))
    if len(needed_by) > NEIGHBOUR_CAP:
        total = len(manifest.used_by.get(name, []))
        href = urls.page(dependents_uri(name), origin) if total > LIST_CAP else "#dependencies"
        rest = len(needed_by) - NEIGHBOUR_CAP
        nodes.append(Node("more:in", f"and {rest:,} more", href=href, shape="more"))
        edges.append(Edge("more:in", focus.id))
    nodes.append(focus)
    for d in needs[:NEIGHBOUR_CAP]:
        nodes.append(_service_node(d, manifest.services[d], origin, urls))
        edges.append(Edge(focus.id, f"s:{d}"))
        if name in manifest.services[d].depends_on:  # a cycle: drawn as an arrow back
            edges.append(Edge(f"s:{d}", focus.id))
    if len(needs) > NEIGHBOUR_CAP:
        rest = len(needs) - NEIGHBOUR_CAP
        nodes.append(Node("more:out", f"and {rest:,} more", href="#dependencies", shape="more"))
        edges.append(Edge(focus.id, "more:out"))
    title = f"{name}: what it needs and what needs it"
    return diagram(Graph(tuple(nodes), tuple(edges), title=title))
