"""Navigation at scale: service pages are grouped by status, phase and chunks of 30."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from manifest_docs.load import load_text
from sitekit import FEATURES, NavItem, build_site, nav_tree, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path

ACTIVE = [f"svc-{i:02d}" for i in range(70)]
PLANNED = {"later-a": 1, "later-b": 2}

HEADER = """\
schema_version: 1
organization:
  name: Many Services
  control_plane_repo: example/many
  docs_url: https://docs.example.org
phases:
  - id: 1
    name: Now
    status: current
  - id: 2
    name: Later
    status: planned
providers:
  railway:
    name: Railway
    kind: hosting
services:
"""


def many_services() -> str:
    """70 active services in phase 1, and two planned ones in different phases."""
    out = [HEADER]
    entries = [(name, "active", 1) for name in reversed(ACTIVE)]
    entries += [(name, "planned", phase) for name, phase in PLANNED.items()]
    for name, status, phase in entries:
        out.append(
            f"  {name}:\n"
            f"    description: Service {name}.\n"
            "    kind: backend\n"
            f"    status: {status}\n"
            f"    phase: {phase}\n"
            "    provider: railway\n"
        )
    return "".join(out)


def services_section(tree: list[NavItem]) -> list[NavItem]:
    infra = next(i for i in tree if isinstance(i, tuple) and i[0] == "Infrastructure")
    assert infra[1] is not None
    services = next(i for i in infra[1] if isinstance(i, tuple) and i[0] == "Services")
    assert services[1] is not None
    return services[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    features = [f for f in FEATURES if f != "navigation.prune"]
    config = write_project(
        root, manifest=many_services(), options={"drift": "off"}, features=features
    )
    return build_site(config, strict=True)


def test_generated_manifest_is_valid() -> None:
    assert len(load_text(many_services()).manifest.services) == 72


def test_seventy_services_are_split_into_groups_of_at_most_thirty(site: Path) -> None:
    tree = services_section(nav_tree(read_page(site, "services/").doc))
    assert tree == [
        (
            "Active",
            [
                ("svc-00 – svc-29", ACTIVE[0:30]),
                ("svc-30 – svc-59", ACTIVE[30:60]),
                ("svc-60 – svc-69", ACTIVE[60:70]),
            ],
        ),
        ("Planned", [("Phase 1", ["later-a"]), ("Phase 2", ["later-b"])]),
    ]


def test_every_service_page_is_built_and_reachable_from_the_nav(site: Path) -> None:
    nav = read_page(site, "services/svc-42/").doc.find("nav", "md-nav--primary")
    hrefs = {a.attrs["href"] for a in nav.find_all("a")}
    for name in ACTIVE:
        assert (site / "services" / name / "index.html").is_file()
    assert {f"../{name}/" for name in ACTIVE if name != "svc-42"} <= hrefs


def test_pruned_navigation_expands_only_the_open_group(tmp_path: Path) -> None:
    config = write_project(tmp_path, manifest=many_services(), options={"drift": "off"})
    site = build_site(config)
    active = services_section(nav_tree(read_page(site, "services/svc-42/").doc))[0]
    assert active == (
        "Active",
        [("svc-00 – svc-29", None), ("svc-30 – svc-59", ACTIVE[30:60]), ("svc-60 – svc-69", None)],
    )
    links = (
        read_page(site, "services/svc-42/")
        .doc.find("nav", "md-nav--primary")
        .find_all("a", "md-nav__link")
    )
    assert len(links) < 60


def test_group_size_option_sets_the_chunk_size(tmp_path: Path) -> None:
    features = [f for f in FEATURES if f != "navigation.prune"]
    config = write_project(
        tmp_path,
        manifest=many_services(),
        options={"drift": "off", "group_size": 25},
        features=features,
    )
    site = build_site(config)
    active = services_section(nav_tree(read_page(site, "services/").doc))[0]
    assert active == (
        "Active",
        [
            ("svc-00 – svc-24", ACTIVE[0:25]),
            ("svc-25 – svc-49", ACTIVE[25:50]),
            ("svc-50 – svc-69", ACTIVE[50:70]),
        ],
    )
