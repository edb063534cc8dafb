"""Directed graphs drawn as static, inline SVG: model → layout → SVG text, all pure.

A :class:`Graph` (nodes and edges, nothing about manifests) is laid out by
:func:`layout` in columns, left to right, the way Sugiyama-style layered drawings are:

1. **Layers.** Cycles are broken by a depth-first search in input order (its back edges
   are still drawn, but do not rank); then each node's column is the length of the
   longest path reaching it (``1 + max`` over its predecessors; nodes nobody points at
   start in column 0). With edges pointing from a service to what it needs, entry
   points sit left and the data stores they end in sit right.
2. **Long edges** get one invisible point per column they cross, so they are routed
   between nodes instead of through them, and take part in the ordering.
3. **Order within a column** starts from input order and is improved by alternating
   barycentre sweeps (each slot moves to the mean position of its neighbours in the
   column before); ties keep their previous order, so the result is deterministic.
4. **Vertical positions** follow the neighbours' mean height, with a fixed gap between
   nodes, so nodes of one column never overlap.

:func:`svg` writes the layout as one ``<div class="mdocs-graph">`` holding an ``<svg>``
with no script and no external reference: nodes that have an ``href`` are ``<a>``
elements, text is escaped with :func:`~manifest_docs.render.escape.md`, colours come
from presentation attributes in ``currentColor`` (correct in any theme) which the
stylesheet replaces with Material's palette variables (``--md-default-fg-color`` …), so
the drawing follows light and dark mode. Text keeps its size: a diagram wider than the
page scrolls sideways instead of shrinking. Same graph in, same bytes out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from .escape import Markup, md

__all__ = [
    "Edge",
    "Graph",
    "Layout",
    "Node",
    "Placed",
    "Route",
    "Shape",
    "diagram",
    "label_width",
    "layout",
    "svg",
]

Shape = Literal["box", "store", "pill", "more", "focus"]
"""How a node is drawn: a box, a cylinder (data store), a pill (an entry point such as a
hostname), a dashed box (a summary such as "and 12 more") or a bold box (the subject of
a neighbourhood diagram)."""

FONT_PX = 13
"""Font size of node text, in CSS pixels (never scaled down: wide diagrams scroll)."""
CHAR_PX = 7.2
"""Width allowed per character at :data:`FONT_PX` (generous for common sans-serif fonts)."""
PAD_X = 10
"""Space between a node's text and its border, left and right."""
NODE_H = 30
"""Height of a node."""
ROW_GAP = 12
"""Vertical space between two nodes of one column."""
DUMMY_GAP = 6
"""Vertical space kept around a long edge passing through a column."""
COL_GAP = 56
"""Horizontal space between columns (where the edges run)."""
MARGIN = 8
"""Space around the drawing."""
MAX_LABEL = 32
"""Longest label drawn in full; longer ones end in ``…`` (the tooltip has all of it)."""
SWEEPS = 6
"""Pairs of barycentre sweeps (down, then up) when ordering the columns."""
HEAD = 7
"""Length of an arrowhead."""


@dataclass(frozen=True)
class Node:
    """One node: what it shows, where it links, how it is drawn."""

    id: str
    """Key of the node inside its graph (never written out)."""
    label: str
    """Text shown (escaped; shortened past :data:`MAX_LABEL` characters)."""
    href: str | None = None
    """Link target, a URL relative to the page the diagram is on."""
    shape: Shape = "box"
    """How it is drawn."""
    classes: tuple[str, ...] = ()
    """Extra CSS class suffixes: ``("status-planned",)`` adds ``mdocs-node--status-planned``."""
    tooltip: str | None = None
    """Text of the node's ``<title>`` (default: the label)."""


@dataclass(frozen=True)
class Edge:
    """An arrow from ``source`` to ``target`` (both node ids of the same graph)."""

    source: str
    """Node the arrow starts at (a service)."""
    target: str
    """Node the arrow points at (what the service needs)."""
    dashed: bool = False
    """Drawn dashed (e.g. traffic from a hostname rather than a run-time dependency)."""
    label: str | None = None
    """Short text drawn near the arrowhead (e.g. a count)."""


@dataclass(frozen=True)
class Graph:
    """Nodes and edges to draw; node order is the starting order of the layout."""

    nodes: tuple[Node, ...]
    """Every node, each ``id`` once."""
    edges: tuple[Edge, ...] = ()
    """Arrows between nodes of ``nodes``; self-loops and repeats are ignored."""
    title: str = "Diagram"
    """Accessible name of the drawing (its ``aria-label`` and ``<title>``)."""


@dataclass(frozen=True)
class Placed:
    """A node with its box: top-left corner, size and column."""

    node: Node
    """The node placed."""
    x: float
    """Left edge."""
    y: float
    """Top edge."""
    w: float
    """Width."""
    h: float
    """Height."""
    column: int
    """Column (layer), 0 is leftmost."""


@dataclass(frozen=True)
class Route:
    """The polyline an edge follows, from its source's side to its target's side."""

    edge: Edge
    """The edge routed."""
    points: tuple[tuple[float, float], ...]
    """Points in drawing order; consecutive points in different columns are joined by
    a curve with horizontal tangents, points within one column by a straight line."""
    backward: bool
    """The arrow runs right to left (an edge closing a cycle)."""


@dataclass(frozen=True)
class Layout:
    """Where everything goes; the input of :func:`svg`."""

    title: str
    """Accessible name of the drawing."""
    nodes: tuple[Placed, ...]
    """Placed nodes, in the graph's node order."""
    routes: tuple[Route, ...]
    """One route per drawn edge, in the graph's edge order."""
    width: float
    """Width of the drawing."""
    height: float
    """Height of the drawing."""


def _short(label: str) -> str:
    text = " ".join(label.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def label_width(label: str) -> float:
    """Width of a node showing ``label`` (shortened as drawn)."""
    return round(len(_short(label)) * CHAR_PX + 2 * PAD_X)


def _edges(graph: Graph) -> list[Edge]:
    """Edges to draw: both ends must exist; self-loops and repeats are dropped."""
    ids = {n.id for n in graph.nodes}
    if len(ids) != len(graph.nodes):
        raise ValueError(f"{graph.title}: node ids must be unique")
    seen: set[tuple[str, str]] = set()
    out = []
    for e in graph.edges:
        if e.source not in ids or e.target not in ids:
            missing = e.source if e.source not in ids else e.target
            raise ValueError(f"{graph.title}: edge {e.source} → {e.target}: no node {missing!r}")
        if e.source == e.target or (e.source, e.target) in seen:
            continue
        seen.add((e.source, e.target))
        out.append(e)
    return out


def _back_edges(n: int, succ: list[list[int]]) -> set[tuple[int, int]]:
    """Edges closing a cycle, found by an iterative depth-first search in index order."""
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    back: set[tuple[int, int]] = set()
    for root in range(n):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            v, it = stack[-1]
            for w in it:
                if state[w] == 1:
                    back.add((v, w))
                elif state[w] == 0:
                    state[w] = 1
                    stack.append((w, iter(succ[w])))
                    break
            else:
                state[v] = 2
                stack.pop()
    return back


def _columns(n: int, forward: list[tuple[int, int]]) -> list[int]:
    """Longest-path layering of an acyclic edge list (Kahn's order, index-stable)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for s, t in forward:
        succ[s].append(t)
        indegree[t] += 1
    column = [0] * n
    ready = [v for v in range(n) if indegree[v] == 0]
    while ready:
        v = ready.pop()
        for w in succ[v]:
            column[w] = max(column[w], column[v] + 1)
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    return column


def _isotonic(wanted: list[float], seps: list[float]) -> list[float]:
    """Positions nearest ``wanted`` (least squares) keeping ``pos[i+1] - pos[i] >= seps[i]``.

    Isotonic regression by pooling adjacent violators: subtracting the cumulative
    separations turns the constraints into "non-decreasing", and each run of values that
    violates it is replaced by its mean. Exact, linear time, no iteration count to tune.
    """
    offsets = list(itertools.accumulate(seps, initial=0.0))
    blocks: list[tuple[float, int]] = []  # (sum, count) of pooled values
    for want, offset in zip(wanted, offsets, strict=True):
        total, count = want - offset, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / count:
            prev_total, prev_count = blocks.pop()
            total, count = total + prev_total, count + prev_count
        blocks.append((total, count))
    out: list[float] = []
    for total, count in blocks:
        out += [total / count] * count
    return [z + offset for z, offset in zip(out, offsets, strict=True)]


# A slot of a column is a real node (its index) or a point of a long edge: (edge, step).
_Slot = int | tuple[int, int]


def layout(graph: Graph) -> Layout:
    """Place the nodes of ``graph`` in columns and route its edges (see the module doc).

    Raises :class:`ValueError` when node ids repeat or an edge names a missing node.
    """
    edges = _edges(graph)
    n = len(graph.nodes)
    index = {node.id: i for i, node in enumerate(graph.nodes)}
    pairs = [(index[e.source], index[e.target]) for e in edges]
    succ: list[list[int]] = [[] for _ in range(n)]
    for s, t in pairs:
        succ[s].append(t)
    back = _back_edges(n, succ)
    column = _columns(n, [p for p in pairs if p not in back])
    width_of = [label_width(node.label) for node in graph.nodes]

    # Columns of slots; every edge becomes a chain of slots in consecutive columns, left
    # to right (an edge closing a cycle runs from its target to its source).
    count = max(column, default=-1) + 1
    slots: list[list[_Slot]] = [[] for _ in range(count)]
    for v in range(n):
        slots[column[v]].append(v)
    chains: list[list[_Slot]] = []
    for k, (s, t) in enumerate(pairs):
        left, right = (t, s) if (s, t) in back else (s, t)
        chain: list[_Slot] = [left]
        for step, c in enumerate(range(column[left] + 1, column[right])):
            slots[c].append((k, step))
            chain.append((k, step))
        chain.append(right)
        chains.append(chain)
    before: dict[_Slot, list[_Slot]] = {}
    after: dict[_Slot, list[_Slot]] = {}
    for chain in chains:
        for a, b in itertools.pairwise(chain):
            after.setdefault(a, []).append(b)
            before.setdefault(b, []).append(a)

    # Order within columns: barycentre sweeps, stable on ties.
    position: dict[_Slot, int] = {}
    for col in slots:
        position.update((slot, i) for i, slot in enumerate(col))

    def sweep(order: range, neighbours: dict[_Slot, list[_Slot]]) -> None:
        for c in order:
            col = slots[c]

            def key(slot: _Slot) -> float:
                near = neighbours.get(slot)
                if not near:
                    return float(position[slot])
                return sum(position[x] for x in near) / len(near)

            col.sort(key=key)
            position.update((slot, i) for i, slot in enumerate(col))

    for _ in range(SWEEPS):
        sweep(range(1, count), before)
        sweep(range(count - 2, -1, -1), after)

    # Vertical positions: stack, then pull each slot towards its neighbours' mean height.
    def height(slot: _Slot) -> float:
        return NODE_H if isinstance(slot, int) else 0.0

    def gap(slot: _Slot) -> float:
        return ROW_GAP if isinstance(slot, int) else DUMMY_GAP

    centre: dict[_Slot, float] = {}
    for col in slots:
        y = 0.0
        for slot in col:
            centre[slot] = y + height(slot) / 2
            y += height(slot) + gap(slot)

    def settle(order: range, neighbours: dict[_Slot, list[_Slot]]) -> None:
        for c in order:
            col = slots[c]
            wanted = []
            for slot in col:
                near = neighbours.get(slot)
                wanted.append(sum(centre[x] for x in near) / len(near) if near else centre[slot])
            seps = [
                (height(a) + height(b)) / 2 + (gap(a) + gap(b)) / 2
                for a, b in itertools.pairwise(col)
            ]
            for slot, y in zip(col, _isotonic(wanted, seps), strict=True):
                centre[slot] = y

    both = {slot: before.get(slot, []) + after.get(slot, []) for slot in position}
    for _ in range(3):
        settle(range(1, count), before)
        settle(range(count - 2, -1, -1), after)
    settle(range(count), both)

    tops = [centre[s] - height(s) / 2 for col in slots for s in col]
    shift = MARGIN - min(tops, default=0.0)
    col_w = [max((width_of[s] for s in col if isinstance(s, int)), default=0.0) for col in slots]
    col_x = []
    x = float(MARGIN)
    for w in col_w:
        col_x.append(x)
        x += w + COL_GAP
    width = (x - COL_GAP + MARGIN) if count else 2.0 * MARGIN

    def cy(slot: _Slot) -> float:
        return round(centre[slot] + shift, 1)

    placed_nodes = tuple(
        Placed(
            node=graph.nodes[v],
            x=col_x[column[v]],
            y=round(cy(v) - NODE_H / 2, 1),
            w=col_w[column[v]],
            h=NODE_H,
            column=column[v],
        )
        for v in range(n)
    )
    routes = []
    for edge, pair, chain in zip(edges, pairs, chains, strict=True):
        # Each slot of the chain sits in the next column: its left and right side there,
        # less the left side of the first slot and the right side of the last.
        start = column[pair[1] if pair in back else pair[0]]
        sides = [
            (x, cy(slot))
            for c, slot in enumerate(chain, start)
            for x in (col_x[c], col_x[c] + col_w[c])
        ][1:-1]
        backward = pair in back
        routes.append(Route(edge, tuple(reversed(sides) if backward else sides), backward))
    height_total = max((p.y + p.h for p in placed_nodes), default=0.0) + MARGIN
    return Layout(
        graph.title,
        placed_nodes,
        tuple(routes),
        round(width, 1),
        round(max(height_total, 2.0 * MARGIN), 1),
    )


# --------------------------------------------------------------------------- SVG


def _num(value: float) -> str:
    """A coordinate as short, stable text (``12``, ``12.5``)."""
    text = f"{round(value, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(points: tuple[tuple[float, float], ...]) -> str:
    """SVG path data for a route: curves between columns, straight lines across one.

    A route is its start, one (entry, exit) pair per column it crosses, and its end, so
    the odd-numbered segments are those inside a column.
    """
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{_num(x0)},{_num(y0)}"]
    px, py = x0, y0
    for i, (x, y) in enumerate(rest):
        if i % 2:
            parts.append(f"L{_num(x)},{_num(y)}")
        else:
            mid = (px + x) / 2
            parts.append(f"C{_num(mid)},{_num(py)} {_num(mid)},{_num(y)} {_num(x)},{_num(y)}")
        px, py = x, y
    return " ".join(parts)


def _head(x: float, y: float, backward: bool) -> str:
    """A filled triangle whose tip touches (x, y), pointing right (or left)."""
    back = x + HEAD if backward else x - HEAD
    top, bottom = _num(y - HEAD / 2), _num(y + HEAD / 2)
    return f"M{_num(back)},{top} L{_num(x)},{_num(y)} L{_num(back)},{bottom} Z"


def _shape(p: Placed) -> str:
    x, y, w, h = p.x, p.y, p.w, p.h
    cls = 'class="mdocs-node__shape"'
    paint = 'fill="none" stroke="currentColor"'
    if p.node.shape == "store":
        e = 5.0
        left, right, top, rim = _num(x), _num(x + w), _num(y + e), _num(y + h - e)
        rx, ry = _num(w / 2), _num(e)
        return (
            f'<path {cls} {paint} d="M{left},{top} A{rx},{ry} 0 0 1 {right},{top} '
            f"V{rim} A{rx},{ry} 0 0 1 {left},{rim} Z "
            f'M{left},{top} A{rx},{ry} 0 0 0 {right},{top}"/>'
        )
    radius = h / 2 if p.node.shape == "pill" else 4
    dash = ' stroke-dasharray="4 3"' if p.node.shape == "more" else ""
    return (
        f'<rect {cls} {paint}{dash} x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
        f'height="{_num(h)}" rx="{_num(radius)}"/>'
    )


def _node(p: Placed) -> str:
    node = p.node
    classes = " ".join(
        ["mdocs-node", f"mdocs-node--{node.shape}", *(f"mdocs-node--{c}" for c in node.classes)]
    )
    tip = md(node.tooltip if node.tooltip is not None else node.label)
    text = (
        f'<text x="{_num(p.x + p.w / 2)}" y="{_num(p.y + p.h / 2)}" text-anchor="middle" '
        f'dominant-baseline="central" fill="currentColor">{md(_short(node.label))}</text>'
    )
    body = f"<title>{tip}</title>{_shape(p)}{text}"
    if node.href is not None:
        return f'<a class="{md(classes)}" href="{md(node.href)}">{body}</a>'
    return f'<g class="{md(classes)}">{body}</g>'


MIN_SCALE = 10 / FONT_PX
"""How far a diagram may shrink to fit its column: until its text is 10 px; a diagram
wider than that scrolls sideways."""


def svg(drawing: Layout) -> Markup:
    """The layout as an inline ``<svg>`` inside ``<div class="mdocs-graph">``, one HTML block.

    No script, no external reference, no blank line (so Markdown keeps it as one raw
    HTML block), no ``{`` or ``}`` (so a Jinja pass over the page leaves it alone).
    """
    w, h = _num(drawing.width), _num(drawing.height)
    narrowest = _num(drawing.width * MIN_SCALE)
    title = md(drawing.title)
    lines = [
        '<div class="mdocs-graph">',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mdocs-graph__svg" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}" role="group" aria-label="{title}" '
        f'font-size="{FONT_PX}" style="max-width:{w}px;min-width:{narrowest}px">',
        f"<title>{title}</title>",
        '<g class="mdocs-graph__edges">',
    ]
    for route in drawing.routes:
        dash = " mdocs-edge--dashed" if route.edge.dashed else ""
        dash_attr = ' stroke-dasharray="5 4"' if route.edge.dashed else ""
        lines.append(
            f'<path class="mdocs-edge{dash}" fill="none" stroke="currentColor"{dash_attr} '
            f'd="{_path(route.points)}"/>'
        )
        x, y = route.points[-1]
        head = _head(x, y, route.backward)
        lines.append(f'<path class="mdocs-edge__head" fill="currentColor" d="{head}"/>')
        if route.edge.label:
            lx = x + HEAD + 3 if route.backward else x - HEAD - 3
            anchor = "start" if route.backward else "end"
            lines.append(
                f'<text class="mdocs-edge__label" x="{_num(lx)}" y="{_num(y - 5)}" '
                f'text-anchor="{anchor}" fill="currentColor">{md(route.edge.label)}</text>'
            )
    lines.append("</g>")
    lines.append('<g class="mdocs-graph__nodes">')
    lines += [_node(p) for p in drawing.nodes]
    lines += ["</g>", "</svg>", "</div>"]
    return Markup("\n".join(lines))


def diagram(graph: Graph) -> Markup:
    """``svg(layout(graph))``: the graph as an inline SVG block for a page."""
    return svg(layout(graph))
