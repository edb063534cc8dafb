"""Helpers for the site tests: write a MkDocs project into a folder, build it, read the HTML.

A plain module, not ``conftest.py``: pytest imports every ``conftest.py`` outside a
package under the one module name ``conftest``, so ``from conftest import ...`` finds
whichever was loaded last. Test modules import what they need from here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import manifest_docs
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

if TYPE_CHECKING:
    from collections.abc import Iterator

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
FIXTURE_MANIFEST = FIXTURES / "manifest.yml"
PLUGINS_DIR = Path(manifest_docs.__file__).resolve().parent.parent
"""The folder holding the ``manifest_docs`` package (for mkdocstrings' ``paths``)."""
LEGACY_MANIFEST = HERE.parents[2] / "shared/reference/blackroad/infra/blackroad-manifest.yml"
"""The upstream manifest in the legacy format (``../shared``; may be absent)."""

QUIET = {"NO_MKDOCS_2_WARNING": "1"}
"""Environment for builds: silences Material's end-of-life notice (see ``conftest.py``)."""

_CONFIG = """\
site_name: Site test
site_url: https://docs.example.org/
{repo}
theme:
  name: material
  font: false
  features: {features}{custom_dir}
plugins:
  - search
  - manifest-docs: {plugin_options}
  - macros: {macros_options}
{extra_plugins}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""

FEATURES = [
    "navigation.sections",
    "navigation.prune",
    "navigation.indexes",
    "content.action.edit",
]
"""Material features of the test projects (as in the project's own ``mkdocs.yml``)."""

REPO = "repo_url: https://github.com/example/infra\nedit_uri: edit/main/docs/"
MKDOCSTRINGS = (
    "  - mkdocstrings:\n"
    "      handlers:\n"
    "        python:\n"
    f"          paths: [{json.dumps(str(PLUGINS_DIR))}]\n"
)


def write_project(
    root: Path,
    *,
    manifest: str | Path = FIXTURE_MANIFEST,
    docs: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    api: bool = False,
    files: dict[str, str] | None = None,
    features: list[str] | None = None,
    macros: dict[str, Any] | None = None,
    custom_dir: str | None = None,
) -> Path:
    """Write ``mkdocs.yml``, ``manifest.yml`` and ``docs/`` under ``root``; return the config.

    ``manifest`` is the manifest text or a file to copy; ``options`` go to the
    ``manifest-docs`` plugin (default: the manifest at ``manifest.yml``); ``api`` adds
    mkdocstrings (slow, so only where the API page is checked); ``files`` are extra
    files relative to ``root`` (templates under ``overrides/``…); ``features`` replace
    the Material features; ``macros`` are added to the mkdocs-macros options;
    ``custom_dir`` is the theme's ``custom_dir`` (relative to ``root``).
    """
    root.mkdir(parents=True, exist_ok=True)
    text = manifest.read_text("utf-8") if isinstance(manifest, Path) else manifest
    (root / "manifest.yml").write_text(text, encoding="utf-8")
    pages = {"index.md": "# Home\n\nA test site.\n", **(docs or {})}
    for rel, content in {**{f"docs/{k}": v for k, v in pages.items()}, **(files or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    config = _CONFIG.format(
        repo=REPO,
        plugin_options=json.dumps({"manifest": "manifest.yml", **(options or {})}),
        extra_plugins=MKDOCSTRINGS if api else "",
        features=json.dumps(FEATURES if features is None else features),
        custom_dir=f"\n  custom_dir: {json.dumps(custom_dir)}" if custom_dir else "",
        macros_options=json.dumps(
            {"modules": ["manifest_docs.macros"], "on_error_fail": True, **(macros or {})}
        ),
    )
    config_file = root / "mkdocs.yml"
    config_file.write_text(config, encoding="utf-8")
    return config_file


def build_site(config_file: Path, *, strict: bool = False) -> Path:
    """Build the project of ``config_file`` with MkDocs itself; return the site folder."""
    config = load_config(config_file=str(config_file), strict=strict)
    build(config)
    return Path(config.site_dir)


def build_error(config_file: Path, *, strict: bool = False) -> BaseException:
    """Build, expecting MkDocs to abort; return the error the plugin raised.

    ``mkdocs.commands.build.build`` logs a ``PluginError`` and raises ``Abort`` in its
    place; the plugin's error stays reachable as the ``Abort``'s ``__context__``. A
    strict build that only collected warnings aborts with no such context: the
    ``Abort`` itself is returned then.
    """
    with pytest.raises(Abort) as info:
        build_site(config_file, strict=strict)
    context = info.value.__context__
    return context if isinstance(context, PluginError) else info.value


# --------------------------------------------------------------------------- HTML


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    """An element of a parsed page (attributes and text already unescaped)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All text inside, as the browser would show it (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        """Elements below (and including) this one with ``tag`` and/or class ``cls``."""
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        """The first element matching :meth:`find_all`; fails the test when there is none."""
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'}> with class {cls!r}"
        return found[0]

    def section(self, heading: str) -> Node:
        """The elements after the ``h2`` titled ``heading`` up to the next ``h2``."""
        out = Node("section", {})
        inside = False
        for child in self.children:
            if isinstance(child, Node) and child.tag == "h2":
                if inside:
                    break
                inside = child.text().strip() == heading
                continue
            if inside:
                out.children.append(child)
        assert inside, f"no section {heading!r}; headings: {self.headings('h2')}"
        return out

    def headings(self, tag: str = "h2") -> list[str]:
        return [h.text().strip() for h in self.find_all(tag)]

    def tables(self) -> list[list[list[str]]]:
        """Every table as rows of cell texts (header row first)."""
        return [
            [
                [cell.text().strip() for cell in row.iter() if cell.tag in ("td", "th")]
                for row in table.find_all("tr")
            ]
            for table in self.find_all("table")
        ]

    def rows(self) -> list[list[str]]:
        """The body rows of every table here, as cell texts."""
        return [row for table in self.tables() for row in table[1:]]

    def link(self, text: str) -> str:
        """The ``href`` of the first link whose text is ``text``."""
        for a in self.find_all("a"):
            if a.text().strip() == text:
                return a.attrs.get("href", "")
        raise AssertionError(f"no link {text!r}")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The document tree of ``html``."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Page:
    """One built page: the document tree and its article (the page's own content)."""

    doc: Node
    article: Node


def read_page(site: Path, url: str) -> Page:
    """The page MkDocs wrote for ``url`` (``services/redis/`` → ``services/redis/index.html``)."""
    path = site / url.strip("/") / "index.html" if url.strip("/") else site / "index.html"
    assert path.is_file(), f"{url} was not built ({path} missing)"
    doc = parse(path.read_text("utf-8"))
    return Page(doc, doc.find("article", "md-content__inner"))


NavItem = str | tuple[str, "list[NavItem] | None"]
"""A page title, or a section as (title, items); items are ``None`` for a pruned section."""


def _elements(node: Node, tag: str) -> list[Node]:
    return [c for c in node.children if isinstance(c, Node) and c.tag == tag]


def _nav_items(ul: Node) -> list[NavItem]:
    items: list[NavItem] = []
    for li in _elements(ul, "li"):
        title = li.find("span", "md-ellipsis").text().strip()
        if "md-nav__item--nested" not in li.classes:
            items.append(title)
            continue
        nested = _elements(li, "nav")
        items.append((title, _nav_items(_elements(nested[0], "ul")[0]) if nested else None))
    return items


def nav_tree(doc: Node) -> list[NavItem]:
    """The primary navigation Material rendered on a page, as nested titles."""
    primary = doc.find("nav", "md-nav--primary")
    return _nav_items(_elements(primary, "ul")[0])


@contextlib.contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect the messages of warnings (and worse) MkDocs and its plugins log meanwhile."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def subprocess_env() -> dict[str, str]:
    """``os.environ`` plus :data:`QUIET`, for subprocesses."""
    return {**os.environ, **QUIET}
