"""MkDocs navigation for the generated pages (adapter code: imports MkDocs).

Service pages go into nested sections whose size is bounded (status → phase → chunks),
so the navigation stays small at any number of services; with Material's
``navigation.prune`` each page then renders only its own branch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.structure.nav import (
    Navigation,
    Section,
    _add_parent_links,
    _add_previous_and_next_links,
    _get_by_type,
)
from mkdocs.structure.pages import Page

from .render.escape import md
from .render.pages import GeneratedPage

if TYPE_CHECKING:
    from mkdocs.structure import StructureItem
    from mkdocs.structure.files import Files

    from .errors import Problem

__all__ = ["build_section", "error_page"]


def _strip(items: list[StructureItem], uris: set[str]) -> list[StructureItem]:
    """Remove our pages (and sections left empty) from an existing navigation."""
    kept: list[StructureItem] = []
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in uris:
            continue
        if isinstance(item, Section):
            item.children = _strip(item.children, uris)
            if not item.children:
                continue
        kept.append(item)
    return kept


def _insert(tree: list[StructureItem], path: tuple[str, ...], page: Page) -> None:
    level = tree
    for title in path:
        section = next((s for s in level if isinstance(s, Section) and s.title == title), None)
        if section is None:
            section = Section(title, [])
            level.append(section)
        level = section.children
    level.append(page)


def build_section(
    nav: Navigation, files: Files, pages: list[GeneratedPage], *, title: str, position: int
) -> Navigation:
    """Return ``nav`` with the generated pages gathered under one section called ``title``."""
    uris = {p.src_uri for p in pages}
    items = _strip(list(nav.items), uris)
    children: list[StructureItem] = []
    for generated in pages:
        file = files.get_file_from_path(generated.src_uri)
        if file is None or file.page is None:
            continue
        file.page.title = generated.title
        _insert(children, generated.nav, file.page)
    if children:
        section = Section(title, children)
        index = len(items) if position < 0 else min(position, len(items))
        items.insert(index, section)
    for item in items:
        item.parent = None
    page_list = _get_by_type(items, Page)
    _add_previous_and_next_links(page_list)
    _add_parent_links(items)
    return Navigation(items, page_list)


def error_page(problems: list[Problem]) -> GeneratedPage:
    """A stand-in catalog page listing the manifest's problems (used while serving)."""
    lines = [
        "---",
        "manifest_docs: generated",
        "---",
        "",
        "# Service catalog",
        "",
        # Plain HTML that Material styles as a failure: no Markdown extension needed.
        '<div class="admonition failure">',
        '<p class="admonition-title">manifest.yml has errors</p>',
        "<p>The generated pages come back as soon as the file is valid again:</p>",
        "<ul>",
        *(f"<li>{md(str(p))}</li>" for p in problems),
        "</ul>",
        "</div>",
    ]
    return GeneratedPage("services/index.md", "\n".join(lines) + "\n", "Service catalog")
