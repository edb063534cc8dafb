"""Everything a site gets from the manifest, for any engine: pages, files and navigation.

:func:`site_output` is the one call behind both ways of building the site: the MkDocs
plugin turns its result into in-memory files (``on_files``), and ``br-ops pages`` writes
the same result to a folder for an engine that runs no plugins (Zensical). It takes the
pages of :func:`~manifest_docs.render.pages.render_site`, appends each service's
hand-written narrative (``docs/services/<name>.md``, front matter removed), and adds the
stylesheet, the ``.env.example`` downloads and ``CNAME``. :func:`nav_entries` gives the
navigation in MkDocs' own ``nav:`` form, grouped as the plugin groups it
(:mod:`manifest_docs.navigation` does the same on MkDocs' objects). Pure: text in, data
out; nothing here imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from ..profiles import docs_site_file
from .pages import GROUP_SIZE, GeneratedPage, render_site
from .selection import PAGE_KINDS, parse_pages

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from ..model import Manifest

_T = TypeVar("_T")

__all__ = [
    "CSS_URI",
    "Narrative",
    "PageOptions",
    "SiteOutput",
    "auto_nav",
    "nav_entries",
    "site_output",
    "strip_front_matter",
    "stylesheet",
    "typed_options",
]

CSS_URI = "assets/manifest-docs.css"
"""Where the generated pages' stylesheet is published (added to ``extra_css``)."""


@dataclass(frozen=True)
class PageOptions:
    """The options of the ``manifest-docs`` plugin that shape the generated pages.

    Defaults are those of :class:`manifest_docs.config.ManifestDocsConfig` (a test
    keeps the two in step); ``br-ops pages`` reads them from the plugin's entry in
    ``mkdocs.yml`` so that both engines build the same site.
    """

    manifest: str = "manifest.yml"
    """Path of the manifest, relative to the config file."""
    overrides: str = "overrides"
    """Folder (relative to the config file) of ``*.md.j2`` templates replacing the packaged ones."""
    nav_title: str = "Infrastructure"
    """Title of the navigation section holding the generated pages."""
    nav_position: int = -1
    """Where that section goes among the top-level navigation items (``-1``: last)."""
    group_size: int = GROUP_SIZE
    """Most entries in one navigation group (at least 2)."""
    narratives: str = "services"
    """Folder under the docs whose ``<service>.md`` files are appended to service pages."""
    pages: tuple[str, ...] | None = None
    """The generated pages to build (``None``: every page with data, see
    :func:`~manifest_docs.render.selection.select_pages`)."""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> PageOptions:
        """Options from a plugin entry of ``mkdocs.yml`` (see :func:`typed_options`)."""
        return typed_options(cls, options, where, parsers={"pages": _parse_pages})


def _parse_pages(value: object, where: str) -> tuple[str, ...] | None:
    return None if value is None else parse_pages(value, where)


_KINDS = {bool: "true or false", int: "an integer", str: "a string"}


def typed_options(
    cls: type[_T],
    options: Mapping[str, Any],
    where: str,
    *,
    parsers: Mapping[str, Callable[[Any, str], Any]] | None = None,
) -> _T:
    """The dataclass ``cls`` from a plugin entry of ``mkdocs.yml``; unknown keys are ignored.

    Each value must have the type of its field's default (``true`` is no integer);
    ``parsers`` read the fields that need more. Raises :class:`ValueError` naming
    ``where`` (e.g. ``mkdocs.yml: plugins.manifest-docs``) and the option.
    """
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]  # any dataclass
        if f.name not in options:
            continue
        value, name = options[f.name], f"{where}.{f.name}"
        parse = (parsers or {}).get(f.name)
        if parse is not None:
            values[f.name] = parse(value, name)
            continue
        wanted = type(f.default)
        if type(value) is not wanted:
            raise ValueError(f"{name}: expected {_KINDS[wanted]}, got {value!r}")
        values[f.name] = value
    return cls(**values)


@dataclass(frozen=True)
class Narrative:
    """Where a hand-written narrative sits inside its assembled service page."""

    start: int
    """Line of the assembled page (1-based) where the narrative's body begins."""
    skipped: int
    """Lines of front matter removed from the top of the narrative file."""


@dataclass
class SiteOutput:
    """Every page and file generated for one build."""

    pages: list[GeneratedPage] = field(default_factory=list)
    """Markdown pages in navigation order, narratives already appended."""
    files: list[GeneratedPage] = field(default_factory=list)
    """Other files: the stylesheet, ``.env.example`` downloads, ``CNAME``."""
    narratives: dict[str, Narrative] = field(default_factory=dict)
    """Pages that absorbed a hand-written file of the same path, by ``src_uri``."""


def stylesheet() -> str:
    """The stylesheet of the generated pages (shipped in the package)."""
    return (Path(__file__).parent / "manifest-docs.css").read_text("utf-8")


def strip_front_matter(text: str) -> tuple[str, int]:
    """The text without its YAML front matter, and how many lines were removed."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            rest = text[end + 4 :]
            body = rest.lstrip("\n")
            return body, text[: len(text) - len(body)].count("\n")
    return text, 0


def site_output(
    manifest: Manifest,
    *,
    hand_written: Callable[[str], str | None],
    overrides: Path | None = None,
    source_name: str = "manifest.yml",
    group_size: int = GROUP_SIZE,
    pages: Collection[str] = PAGE_KINDS,
    directory_urls: bool = True,
) -> SiteOutput:
    """Every generated page and file of the site (of the generated pages, those in ``pages``).

    ``hand_written(src_uri)`` returns the text of the hand-written file at that path
    of the docs, or ``None``: a generated page with a hand-written twin gets the
    twin's body appended (its narrative), and a hand-written ``CNAME`` is kept
    instead of generating one. ``directory_urls`` is the engine's ``use_directory_urls``
    (diagrams link with final URLs).
    """
    rendered = render_site(
        manifest,
        overrides=overrides,
        source_name=source_name,
        group_size=group_size,
        pages=pages,
        directory_urls=directory_urls,
    )
    out = SiteOutput(files=[GeneratedPage(CSS_URI, stylesheet(), "manifest-docs.css")])
    for page in rendered.pages:
        narrative = hand_written(page.src_uri)
        if narrative is None:
            out.pages.append(page)
            continue
        body, skipped = strip_front_matter(narrative)
        content = page.content.rstrip("\n") + "\n\n"
        out.narratives[page.src_uri] = Narrative(content.count("\n") + 1, skipped)
        out.pages.append(
            GeneratedPage(page.src_uri, content + body, page.title, page.nav, page.service)
        )
    out.files += rendered.files
    site_file = docs_site_file(manifest)
    if site_file is not None and hand_written(site_file[0]) is None:
        out.files.append(GeneratedPage(site_file[0], site_file[1], site_file[0]))
    return out


def nav_entries(
    pages: list[GeneratedPage], nav: list[Any] | None, *, title: str, position: int
) -> list[Any]:
    """``nav`` (MkDocs' ``nav:`` list) with the generated pages in one section ``title``.

    Entries of ``nav`` that name a generated page are removed first (and sections
    left empty), as the plugin does; the section is inserted at ``position`` among
    the top-level items (``-1``: last). Service pages nest in their groups
    (:attr:`GeneratedPage.nav`) exactly as in the plugin's navigation.
    """
    uris = {p.src_uri for p in pages}
    items = _strip(list(nav or []), uris)
    children: list[Any] = []
    for page in pages:
        level = children
        for part in page.nav:
            section = next((e for e in level if isinstance(e, dict) and part in e), None)
            if section is None:
                section = {part: []}
                level.append(section)
            level = section[part]
        level.append({page.title: page.src_uri})
    if children:
        index = len(items) if position < 0 else min(position, len(items))
        items.insert(index, {title: children})
    return items


def _strip(items: list[Any], uris: set[str]) -> list[Any]:
    """Remove entries naming one of ``uris`` (and sections left empty) from a nav list."""
    kept: list[Any] = []
    for item in items:
        entry = item
        if isinstance(item, str):
            if item in uris:
                continue
        elif isinstance(item, dict) and len(item) == 1:
            ((name, value),) = item.items()
            if isinstance(value, str) and value in uris:
                continue
            if isinstance(value, list):
                children = _strip(value, uris)
                if not children:
                    continue
                entry = {name: children}
        kept.append(entry)
    return kept


def auto_nav(paths: list[str]) -> list[Any]:
    """The navigation MkDocs builds when ``mkdocs.yml`` has no ``nav:``, as a ``nav:`` list.

    ``paths`` are the Markdown pages of the docs (``src_uri``). As MkDocs does: index
    pages first, then the other files, then each folder as a section titled from its
    name (``getting-started`` → ``Getting started``).
    """

    def key(path: str) -> tuple[tuple[str, ...], bool, str]:
        parts = PurePosixPath(path).parts
        return parts[:-1], PurePosixPath(path).stem not in ("index", "README"), parts[-1]

    nested: list[Any] = []
    for path in sorted(paths, key=key):
        branch = nested
        for part in PurePosixPath(path).parent.parts:
            title = part.replace("-", " ").replace("_", " ")
            title = title.capitalize() if title.lower() == title else title
            node = next((e for e in branch if isinstance(e, dict) and title in e), None)
            if node is None:
                node = {title: []}
                branch.append(node)
            branch = node[title]
        branch.append(path)
    return nested
