"""The static SVG diagrams: layout invariants, determinism, escaping (render/graph.py)."""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manifest_docs.render.diagrams import page_url, relative_url
from manifest_docs.render.graph import (
    MAX_LABEL,
    Edge,
    Graph,
    Layout,
    Node,
    _isotonic,
    diagram,
    layout,
    svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def chain_graph() -> Graph:
    """Hostname → gateway → api → (db, cache), plus a long edge gateway → db."""
    nodes = tuple(
        Node(i, i, href=f"../services/{i}/", shape="store" if i in ("db", "cache") else "box")
        for i in ("gateway", "api", "db", "cache")
    )
    host = Node("host", "example.org", shape="pill")
    edges = (
        Edge("host", "gateway", dashed=True),
        Edge("gateway", "api"),
        Edge("api", "db"),
        Edge("api", "cache"),
        Edge("gateway", "db"),
    )
    return Graph((host, *nodes), edges, title="Chain")


def random_graph(seed: int, n: int = 40, m: int = 70) -> Graph:
    rng = random.Random(seed)
    nodes = tuple(Node(f"n{i}", f"service-{i:03d}") for i in range(n))
    edges = tuple(Edge(f"n{rng.randrange(n)}", f"n{rng.randrange(n)}") for _ in range(m))
    return Graph(nodes, edges, title=f"Random {seed}")


def parse_svg(markup: str) -> ET.Element:
    """The ``<svg>`` inside the block, parsed as XML (it must be well-formed)."""
    start, end = markup.index("<svg"), markup.index("</svg>") + len("</svg>")
    return ET.fromstring(markup[start:end])


def assert_no_overlap(drawing: Layout) -> None:
    columns: dict[int, list[tuple[float, float]]] = {}
    for p in drawing.nodes:
        columns.setdefault(p.column, []).append((p.y, p.y + p.h))
    for col, spans in columns.items():
        spans.sort()
        for (_, bottom), (top, _) in itertools.pairwise(spans):
            assert top >= bottom, f"column {col}: nodes overlap ({bottom} > {top})"
    xs: dict[int, tuple[float, float]] = {}
    for p in drawing.nodes:
        xs.setdefault(p.column, (p.x, p.x + p.w))
        assert xs[p.column] == (p.x, p.x + p.w), "a column's nodes share one x range"
    ordered = [xs[c] for c in sorted(xs)]
    for (_, right), (left, _) in itertools.pairwise(ordered):
        assert left > right, "columns overlap"


def assert_routes_connect(drawing: Layout) -> None:
    box = {p.node.id: p for p in drawing.nodes}
    for route in drawing.routes:
        assert route.edge.source in box
        assert route.edge.target in box
        src, dst = box[route.edge.source], box[route.edge.target]
        (x0, y0), (x1, y1) = route.points[0], route.points[-1]
        assert y0 == pytest.approx(src.y + src.h / 2)
        assert y1 == pytest.approx(dst.y + dst.h / 2)
        if route.backward:
            assert (x0, x1) == (src.x, dst.x + dst.w)
        else:
            assert (x0, x1) == (src.x + src.w, dst.x)


# --------------------------------------------------------------------------- layout


def test_dependencies_sit_right_of_what_needs_them() -> None:
    drawing = layout(chain_graph())
    column = {p.node.id: p.column for p in drawing.nodes}
    assert column == {"host": 0, "gateway": 1, "api": 2, "db": 3, "cache": 3}
    assert_no_overlap(drawing)
    assert_routes_connect(drawing)


def test_a_long_edge_passes_between_columns_not_through_nodes() -> None:
    drawing = layout(chain_graph())
    long = next(r for r in drawing.routes if (r.edge.source, r.edge.target) == ("gateway", "db"))
    api = next(p for p in drawing.nodes if p.node.id == "api")
    # Start, entry and exit of the api column, end.
    assert len(long.points) == 4
    (_, y_in), (_, y_out) = long.points[1], long.points[2]
    assert y_in == y_out
    assert not api.y <= y_in <= api.y + api.h, "the long edge runs through the api node"


@pytest.mark.parametrize("seed", range(8))
def test_random_graphs_keep_the_invariants(seed: int) -> None:
    drawing = layout(random_graph(seed))
    assert len(drawing.nodes) == 40
    assert_no_overlap(drawing)
    assert_routes_connect(drawing)
    assert all(p.x >= 0 and p.y >= 0 for p in drawing.nodes)
    assert all(p.x + p.w <= drawing.width and p.y + p.h <= drawing.height for p in drawing.nodes)


def test_cycles_are_drawn_with_an_arrow_back() -> None:
    nodes = (Node("a", "a"), Node("b", "b"), Node("c", "c"))
    drawing = layout(Graph(nodes, (Edge("a", "b"), Edge("b", "c"), Edge("c", "a"))))
    assert [r.backward for r in drawing.routes] == [False, False, True]
    assert_routes_connect(drawing)
    assert_no_overlap(drawing)


def test_self_loops_and_repeated_edges_are_dropped() -> None:
    nodes = (Node("a", "a"), Node("b", "b"))
    drawing = layout(Graph(nodes, (Edge("a", "a"), Edge("a", "b"), Edge("a", "b"))))
    assert [(r.edge.source, r.edge.target) for r in drawing.routes] == [("a", "b")]


def test_an_edge_to_a_missing_node_is_an_error() -> None:
    with pytest.raises(ValueError, match="no node 'ghost'"):
        layout(Graph((Node("a", "a"),), (Edge("a", "ghost"),), title="T"))
    with pytest.raises(ValueError, match="unique"):
        layout(Graph((Node("a", "a"), Node("a", "b"))))


def test_an_empty_graph_is_an_empty_drawing() -> None:
    drawing = layout(Graph(()))
    assert drawing.nodes == ()
    assert drawing.routes == ()
    parse_svg(svg(drawing))


def test_layout_is_deterministic_and_byte_stable() -> None:
    first = [diagram(random_graph(s)) for s in range(4)]
    second = [diagram(random_graph(s)) for s in range(4)]
    assert first == second
    assert diagram(chain_graph()) == diagram(chain_graph())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1000, 1000), min_size=1, max_size=30),
    st.data(),
)
def test_isotonic_positions_keep_their_separations(
    wanted: list[float], data: st.DataObject
) -> None:
    seps = data.draw(st.lists(st.floats(0, 50), min_size=len(wanted) - 1, max_size=len(wanted) - 1))
    out = _isotonic(wanted, seps)
    assert len(out) == len(wanted)
    for i, sep in enumerate(seps):
        assert out[i + 1] - out[i] >= sep - 1e-6


# --------------------------------------------------------------------------- SVG


def test_svg_is_one_html_block_without_script_or_braces() -> None:
    markup = str(diagram(chain_graph()))
    assert markup.startswith('<div class="mdocs-graph">')
    assert markup.endswith("</div>")
    assert "\n\n" not in markup  # one raw HTML block for Markdown
    assert "{" not in markup
    assert "}" not in markup  # nothing for a Jinja pass
    assert "<script" not in markup.lower()
    assert "http" not in markup.replace('xmlns="http://www.w3.org/2000/svg"', "")
    root = parse_svg(markup)
    assert root.get("role") == "group"
    assert root.get("aria-label") == "Chain"
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == [
        "../services/gateway/",
        "../services/api/",
        "../services/db/",
        "../services/cache/",
    ]
    assert float(root.get("height", "0")) > 50


def test_colours_follow_the_theme() -> None:
    root = parse_svg(str(diagram(chain_graph())))
    paints = {el.get("fill") for el in root.iter()} | {el.get("stroke") for el in root.iter()}
    # Only currentColor (and "none"): the stylesheet maps classes onto Material's palette.
    assert paints <= {None, "none", "currentColor"}


HOSTILE = '<script>alert("x")</script> & "quoted" {{ 7*7 }} \u202e'


def test_hostile_labels_stay_text() -> None:
    graph = Graph(
        (
            Node("a", HOSTILE, href='../x/" onmouseover="alert(1)', tooltip=HOSTILE),
            Node("b", '"', shape="store"),
        ),
        (Edge("a", "b", label="<b>1</b>"),),
        title='</svg><script>alert("t")</script>',
    )
    markup = str(diagram(graph))
    assert "<script" not in markup
    assert "onmouseover=" not in markup.replace("onmouseover=&", "")
    assert "{{" not in markup
    root = parse_svg(markup)  # still well-formed XML: nothing escaped its element
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>1</b>" in texts
    shown = [t for t in texts if t and t.startswith("<script>")]
    assert shown
    assert len(shown[0]) <= MAX_LABEL
    assert shown[0].endswith("…")
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert HOSTILE in titles
    assert '</svg><script>alert("t")</script>' in titles
    assert '"' in texts
    (a,) = root.iter(f"{SVG}a")
    assert a.get("href") == '../x/" onmouseover="alert(1)'  # one attribute, inert text


def test_long_labels_are_shortened_with_the_full_text_in_the_tooltip() -> None:
    name = "a-very-long-service-name-that-goes-on-and-on-forever"
    root = parse_svg(str(diagram(Graph((Node("x", name),)))))
    (text,) = (t.text for t in root.iter(f"{SVG}text"))
    assert text == name[: MAX_LABEL - 1] + "…"
    assert name in [t.text for t in root.iter(f"{SVG}title")]


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("target", "origin", "directory", "expected"),
    [
        ("services/redis.md", "architecture/index.md", True, "../services/redis/"),
        ("services/redis.md", "services/backend.md", True, "../redis/"),
        (
            "lists/dependents-of-redis.md",
            "services/redis.md",
            True,
            "../../lists/dependents-of-redis/",
        ),
        ("services/redis.md", "architecture/index.md", False, "../services/redis.html"),
        ("services/redis.md", "services/backend.md", False, "redis.html"),
        ("index.md", "services/backend.md", True, "../../"),
    ],
)
def test_relative_urls_follow_the_engines_url_style(
    target: str, origin: str, directory: bool, expected: str
) -> None:
    assert relative_url(target, origin, directory_urls=directory) == expected


def test_page_urls() -> None:
    assert page_url("architecture/index.md") == "architecture/"
    assert page_url("index.md") == ""
    assert page_url("services/redis.md", directory_urls=False) == "services/redis.html"
