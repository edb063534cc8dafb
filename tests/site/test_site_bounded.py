"""Real builds: service pages draw their neighbourhood, and lists that grow are capped.

A synthetic catalog where 300 services read one database's ``DATABASE_URL``: the
database's page, its row on the Architecture page and the variable's row on the
Environment page show at most :data:`~manifest_docs.render.lists.LIST_CAP` names, say how
many more there are and link to a full list, which the build holds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
import yaml
from manifest_docs.load import load_text
from manifest_docs.render.diagrams import NEIGHBOUR_CAP
from manifest_docs.render.lists import LIST_CAP
from manifest_docs.render.pages import render_site
from sitekit import build_site, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path

READERS = 300


def hub_manifest(readers: int) -> str:
    """One database exporting ``DATABASE_URL``, read by ``readers`` services that need it."""
    services: dict[str, object] = {
        "db": {
            "description": "The shared database",
            "kind": "database",
            "status": "active",
            "phase": 1,
            "provider": "railway",
            "exports": [{"name": "DATABASE_URL", "description": "Connection string"}],
        }
    }
    for i in range(readers):
        services[f"app-{i:03d}"] = {
            "description": f"App {i}",
            "kind": "backend",
            "status": "active",
            "phase": 1,
            "provider": "railway",
            "depends_on": ["db"],
            "env": [
                {
                    "name": "DATABASE_URL",
                    "tier": "required",
                    "description": "Connection string",
                    "provided_by": "db",
                }
            ],
        }
    return yaml.safe_dump(
        {
            "schema_version": 1,
            "organization": {
                "name": "Hub Ltd",
                "control_plane_repo": "example/infra",
                "docs_url": "https://docs.example.org",
            },
            "phases": [{"id": 1, "name": "Now", "status": "current"}],
            "providers": {"railway": {"name": "Railway", "kind": "hosting"}},
            "services": services,
        },
        sort_keys=False,
    )


@pytest.fixture(scope="module")
def hub_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub")
    config = write_project(root, manifest=hub_manifest(READERS), options={"drift": "off"})
    return build_site(config, strict=True)


def more_link(cell_links: list[tuple[str, str]]) -> tuple[str, str]:
    """The last link of a capped list: ("all 300", href)."""
    text, href = cell_links[-1]
    assert text == f"all {READERS}", cell_links
    return text, href


def test_the_hub_page_lists_at_most_the_cap_and_links_the_rest(hub_site: Path) -> None:
    article = read_page(hub_site, "services/db/").article
    table = next(t for t in article.find_all("table") if "Used by" in t.text())
    cell = table.find_all("td")[-1]
    links = [(a.text().strip(), a.attrs["href"]) for a in cell.find_all("a")]
    assert len(links) == LIST_CAP + 1
    assert f"and {READERS - LIST_CAP} more" in cell.text()
    _, href = more_link(links)
    assert href == "../../lists/dependents-of-db/"
    full = read_page(hub_site, "lists/dependents-of-db/").article
    assert len(full.find("table").find_all("tr")) == READERS + 1
    assert full.find("h1").text().strip() == "Services that need db"

    exports = next(t for t in article.find_all("table") if "Consumed by" in t.text())
    cell = exports.find_all("td")[-1]
    links = [(a.text().strip(), a.attrs["href"]) for a in cell.find_all("a")]
    assert len(links) == LIST_CAP + 1
    _, href = more_link(links)
    assert href == "../../lists/readers-of-database-url/"
    readers = read_page(hub_site, "lists/readers-of-database-url/").article
    assert "Read by" in readers.headings("h2")
    assert len(readers.find("table").find_all("tr")) == READERS + 1


def test_the_neighbourhood_diagram_is_capped_too(hub_site: Path) -> None:
    article = read_page(hub_site, "services/db/").article
    (drawing,) = [d.find("svg") for d in article.find_all("div", "mdocs-graph")]
    hrefs = [a.attrs["href"] for a in drawing.find_all("a")]
    assert len(hrefs) == NEIGHBOUR_CAP + 1
    assert hrefs[-1] == "../../lists/dependents-of-db/"
    assert f"and {READERS - NEIGHBOUR_CAP} more" in drawing.text()
    for href in hrefs:
        assert (hub_site / "services" / "db" / href / "index.html").resolve().is_file()


def test_environment_and_architecture_rows_are_capped(hub_site: Path) -> None:
    env = read_page(hub_site, "environment/").article
    row = next(tr for tr in env.find_all("tr") if tr.text().strip().startswith("DATABASE_URL"))
    read_by = row.find_all("td")[2]
    assert len(read_by.find_all("a")) == LIST_CAP + 1
    assert f"and {READERS - LIST_CAP} more" in read_by.text()
    assert read_by.find_all("a")[-1].attrs["href"] == "../lists/readers-of-database-url/"

    arch = read_page(hub_site, "architecture/").article
    row = next(tr for tr in arch.find_all("tr") if tr.text().strip().startswith("db"))
    assert len(row.find_all("a")) == 1 + LIST_CAP + 1  # db itself, the cap, "all 300"
    # Over the single-diagram limit: an overview of kinds, then diagrams of groups.
    assert "Kind: backend" in arch.headings("h2")
    assert "Kind: database" in arch.headings("h2")
    overview = arch.find_all("div", "mdocs-graph")[0]
    assert {a.attrs["href"] for a in overview.find_all("a")} == {"#kind-backend", "#kind-database"}


def test_a_service_page_does_not_grow_with_the_catalog() -> None:
    def db_page(readers: int) -> str:
        pages = render_site(load_text(hub_manifest(readers)).manifest).pages
        return next(p.content for p in pages if p.src_uri == "services/db.md")

    small, large = db_page(100), db_page(400)
    # Only numbers differ: the counts ("and 80 more" / "and 380 more", "all 100" / "all
    # 400") and the coordinates of the diagram's "more" node, a digit wider.
    assert abs(len(large) - len(small)) < 100
    assert re.sub(r"\d[\d.,]*", "N", small) == re.sub(r"\d[\d.,]*", "N", large)


def test_a_small_catalog_shows_its_whole_list_and_no_full_list_page() -> None:
    pages = render_site(load_text(hub_manifest(LIST_CAP)).manifest).pages
    assert not [p for p in pages if p.src_uri.startswith("lists/")]
    db = next(p.content for p in pages if p.src_uri == "services/db.md")
    assert "more (" not in db
