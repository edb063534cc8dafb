"""Navigation groups of service pages stay bounded at every level, whatever N."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st
from manifest_docs.render.pages import nest_groups


def _levels(groups: list[tuple[tuple[str, ...], list[str]]]) -> dict[tuple[str, ...], set[str]]:
    """For each section path, the entries directly under it (subsections and pages)."""
    children: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for path, members in groups:
        for depth in range(len(path)):
            children[path[:depth]].add(path[depth])
        children[path].update(members)
    return children


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=2, max_value=40))
def test_no_level_holds_more_than_the_group_size(n: int, size: int) -> None:
    names = [f"svc-{i:05d}" for i in range(n)]
    groups = list(nest_groups(names, size))
    assert [name for _, members in groups for name in members] == names
    assert all(len(entries) <= size for entries in _levels(groups).values())


def test_small_groups_are_not_split_and_large_ones_nest() -> None:
    assert list(nest_groups(["a", "b"], 30)) == [((), ["a", "b"])]
    names = [f"svc-{i:04d}" for i in range(1000)]
    groups = list(nest_groups(names, 30))
    assert groups[0][0] == ("svc-0000 – svc-0899", "svc-0000 – svc-0029")
    assert groups[-1][0] == ("svc-0900 – svc-0999", "svc-0990 – svc-0999")
    assert {len(path) for path, _ in groups} == {2}
