"""Helpers for the browser tests: paths, the skip-or-fail rule, one tab's record, a site
server, and the layout crawl (what every page of a site looks like at a viewport).

Not in ``conftest.py``: pytest imports every ``conftest.py`` outside a package under the
one module name ``conftest``, so ``from conftest import ...`` is ambiguous. Test modules
import from here (its basename is unique in the tests tree).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pytest
import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Locator,
        Page,
        Request,
        Route,
    )

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
MERMAID_URL = "https://unpkg.com/mermaid@11/dist/mermaid.min.js"
MERMAID_JS = REPO_ROOT / "build" / "vendor" / "mermaid" / "package" / "dist" / "mermaid.min.js"
LOCAL_HOST = "127.0.0.1"
DESKTOP = (1280, 800)
PHONE = (390, 844)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail with it when ``REQUIRE_BROWSER=1`` (as in CI)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def screenshot_name(test_name: str) -> str:
    """A file-name-safe form of a test's name (parametrised ids included)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")


@dataclass
class Visit:
    """One browser tab and what went wrong in it: console errors, page errors, blocked URLs."""

    page: Page
    base_url: str
    name: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Page:
        """Open ``path`` (relative to the site root) and wait for its ``load`` event."""
        self.page.goto(self.base_url + path.lstrip("/"), wait_until="load")
        return self.page

    def screenshot(self, suffix: str = "", *, full_page: bool = True) -> Path:
        """Save a screenshot as ``build/screenshots/<test-name>[-suffix].png``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}{'-' + suffix if suffix else ''}.png"
        self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    def assert_clean(self) -> None:
        """No console errors and no uncaught exceptions so far."""
        assert not self.page_errors, f"page errors: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


def _watch(context: BrowserContext, visit: Visit) -> None:
    """Route the context's requests and record the tab's errors into ``visit``."""
    page = visit.page

    def route(route: Route) -> None:
        url = route.request.url
        if url == MERMAID_URL and MERMAID_JS.is_file():
            route.fulfill(path=MERMAID_JS, content_type="text/javascript; charset=utf-8")
        elif urlsplit(url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        # A request this harness aborted on purpose (no internet here) is not the
        # site's fault; those URLs are kept in ``visit.blocked``.
        if source in visit.blocked:
            return
        visit.console_errors.append(f"{message.text} (at {source or page.url})")

    def on_request_failed(request: Request) -> None:
        failure = request.failure or ""
        # ERR_ABORTED: the tab navigated away while this was loading, which is normal.
        if request.url not in visit.blocked and "ERR_ABORTED" not in failure:
            visit.console_errors.append(f"request failed: {request.url} ({failure})")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: visit.page_errors.append(f"{exc} (on {page.url})"))
    page.on("requestfailed", on_request_failed)


@contextlib.contextmanager
def tabs(browser: Browser, base_url: str, name: str) -> Iterator[Callable[..., Visit]]:
    """Yield ``open_(width, height, color_scheme="light")``: a fresh context and tab on the site.

    Each context has its own storage (a palette choice never leaks into another test),
    a colour-scheme preference (light unless asked: the palette's media queries then
    pick "default"; "dark" picks "slate") and reduced motion. On exit every tab is
    screenshotted as ``build/screenshots/<name>[-n].png`` and its context closed.
    """
    contexts: list[BrowserContext] = []
    visits: list[Visit] = []

    def open_(
        width: int = DESKTOP[0],
        height: int = DESKTOP[1],
        color_scheme: Literal["light", "dark"] = "light",
    ) -> Visit:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            reduced_motion="reduce",
            locale="en-US",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        suffix = f"-{len(visits)}" if visits else ""
        visit = Visit(page=context.new_page(), base_url=base_url, name=name + suffix)
        _watch(context, visit)
        visits.append(visit)
        return visit

    try:
        yield open_
    finally:
        for visit in visits:
            with contextlib.suppress(Exception):  # a courtesy to whoever debugs, not a check
                visit.screenshot()
        for context in contexts:
            context.close()


DIAGRAM_STYLE = """() => [...document.querySelectorAll('article .mdocs-graph svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  const text = svg.querySelector('.mdocs-graph__nodes a text');
  const shape = svg.querySelector(
    'a.mdocs-node--box .mdocs-node__shape, a.mdocs-node--store .mdocs-node__shape');
  return {
    height: box.height,
    natural: svg.viewBox.baseVal ? svg.viewBox.baseVal.height : 0,
    width: box.width,
    links: svg.querySelectorAll('a').length,
    text: text ? getComputedStyle(text).fill : null,
    fontSize: text ? parseFloat(getComputedStyle(text).fontSize) : 0,
    shape: shape ? getComputedStyle(shape).fill : null,
    page: getComputedStyle(document.body).backgroundColor,
  };
})"""
"""For each static diagram of the article: its drawn size and the colours it got."""


def drawn_diagrams(page: Page, *, at_least: int = 1) -> list[dict[str, Any]]:
    """The article's inline SVG diagrams, each checked drawn: real height, readable text.

    They are static (no script draws them), so they have their size at ``load``; the
    stylesheet must have applied (a node's fill is the page's background colour, not
    SVG's default black or the fallback ``none``). Real height: over 50 px or, for a
    diagram drawn smaller than that (one row of nodes), over three quarters of its own
    height (what it keeps when it shrinks to its minimum width).
    """
    diagrams: list[dict[str, Any]] = page.evaluate(DIAGRAM_STYLE)
    assert len(diagrams) >= at_least, f"{page.url}: {len(diagrams)} diagrams"
    for i, d in enumerate(diagrams):
        tall = min(50, 0.75 * d["natural"]) if d["natural"] else 50
        assert d["height"] > tall, f"{page.url}: diagram {i} is only {d['height']}px tall"
        assert d["fontSize"] >= 12, f"{page.url}: diagram {i} text is {d['fontSize']}px"
        assert d["shape"] == d["page"], f"{page.url}: diagram {i} nodes are filled {d['shape']}"
    return diagrams


def row(scope: Page | Locator, label: str) -> Locator:
    """The table rows in ``scope`` whose first cell reads exactly ``label``."""
    if "'" in label:
        raise ValueError(f"row labels with quotes are not supported: {label!r}")
    return scope.locator(f"xpath=.//tr[normalize-space(td[1])='{label}']")


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Safe YAML that reads mkdocs.yml's ``!!python/name:`` tags as plain strings."""


_MkDocsYamlLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda _loader, suffix, _node: suffix
)


def mkdocs_config() -> dict[str, Any]:
    """The project's ``mkdocs.yml`` as data (without running any of its Python tags)."""
    with (REPO_ROOT / "mkdocs.yml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_MkDocsYamlLoader)
    return data


# -- Building and serving a site ---------------------------------------------------------


def mkdocs_build(project: Path, site: Path) -> Path:
    """Build the MkDocs project in ``project`` into ``site`` with ``--strict``; fail if it fails."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = proc.stderr.splitlines()
        # The warnings that --strict turned into a failure, then how the build ended.
        said = [line for line in lines if line.startswith(("WARNING", "ERROR"))][:40]
        pytest.fail(
            f"mkdocs build --strict in {project} failed (exit {proc.returncode}):\n"
            + "\n".join([*said, "...", *lines[-30:]]),
            pytrace=False,
        )
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, name: str = "site-server") -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield its base URL, ending in ``/``."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def site_pages(site: Path) -> list[str]:
    """Every page of a built site as a path relative to its root: ``""``, ``"services/"`` ..."""
    paths = (index.parent.relative_to(site).as_posix() + "/" for index in site.rglob("index.html"))
    return sorted("" if path == "./" else path for path in paths)


# -- Raw markup in the text a reader sees ------------------------------------------------

RAW_REFERENCE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
"""A character reference such as ``&#42;`` or ``&amp;``, which a reader should never see."""

TABLE_SOURCE = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
"""A line of Markdown table syntax shown as text: a table that did not render."""

RAW_SYNTAX = re.compile(r"!!!|:::|\{\{|\{%")
"""An admonition (``!!!``), a fenced div (``:::``) or a Jinja tag that was never rendered."""


def raw_markup(text: str) -> list[str]:
    """Snippets of ``text`` showing markup a reader should never see (each with context)."""

    def around(m: re.Match[str]) -> str:
        return text[max(0, m.start() - 30) : m.end() + 10].replace("\n", " ").strip()

    found = [around(m) for m in RAW_SYNTAX.finditer(text)]
    found += [around(m) for m in RAW_REFERENCE.finditer(text)]
    found += [f"table syntax: {m.group(0).strip()[:80]}" for m in TABLE_SOURCE.finditer(text)]
    return found


PROSE_TEXT = """() => {
  const article = document.querySelector('article').cloneNode(true);
  article.querySelectorAll('pre, code, script, style').forEach((e) => e.remove());
  return article.textContent;
}"""
"""The article's text outside code (where markup may be shown on purpose)."""


class _ArticleText(HTMLParser):
    """Collects the text of ``<article>`` outside ``pre``, ``code``, ``script`` and ``style``.

    The same text as :data:`PROSE_TEXT` reads in a browser (``textContent`` of the
    article without those elements), from the HTML file alone.
    """

    SKIPPED = frozenset({"pre", "code", "script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.article = 0
        self.skipped = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.article += 1
        elif tag in self.SKIPPED and self.article:
            self.skipped += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article = max(0, self.article - 1)
        elif tag in self.SKIPPED and self.skipped:
            self.skipped -= 1

    def handle_data(self, data: str) -> None:
        if self.article and not self.skipped:
            self.parts.append(data)


def article_text(html: str) -> str:
    """The text of the page's ``<article>`` outside code, parsed with ``html.parser``.

    Only the part from ``<article`` to the last ``</article>`` is parsed: the rest of a
    Material page (its navigation, most of the bytes of a large site) holds no article.
    """
    start, end = html.find("<article"), html.rfind("</article>")
    if start == -1 or end < start:
        return ""
    parser = _ArticleText()
    parser.feed(html[start : end + len("</article>")])
    parser.close()
    return "".join(parser.parts)


# -- The layout crawl --------------------------------------------------------------------


@dataclass(frozen=True)
class Viewport:
    """A window size and the colour scheme the browser prefers in it."""

    name: str
    width: int
    height: int
    color_scheme: Literal["light", "dark"]
    palette: str
    """The Material scheme the site's palette must pick for ``color_scheme``."""


LAYOUT_DESKTOP = Viewport("desktop", 1440, 900, "light", "default")
LAYOUT_PHONE = Viewport("phone", 390, 844, "dark", "slate")

READY = """() => !document.querySelector('article pre.mermaid')
  && [...document.querySelectorAll('article table:not([class])')]
       .every((t) => t.closest('.md-typeset__scrollwrap'))"""
"""The page is in its final layout: Mermaid has drawn (Material swaps each ``pre.mermaid``
for a ``div.mermaid``) and Material's script has wrapped each table in its scroll box."""

LAYOUT = """() => {
  const article = document.querySelector('article');
  const column = article.parentElement.getBoundingClientRect();
  const describe = (el) => ({
    tag: el.tagName.toLowerCase(),
    cls: el.getAttribute('class') || '',
    width: Math.round(el.getBoundingClientRect().width),
    text: (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
  });
  const wider = (el) => el.scrollWidth > el.clientWidth + 1;
  const all = [...article.querySelectorAll('*')];

  // 1. Boxes that leave the content column, unless a scroll container holds them.
  const clips = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
  const held = (el) => {
    for (let a = el.parentElement; a && a !== article; a = a.parentElement) {
      if (clips(a)) return true;
    }
    return false;
  };
  const overflow = all.filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    if (box.left >= column.left - 1 && box.right <= column.right + 1) return false;
    return !held(el);
  }).map(describe);

  // 2. Tables wider than their scroll box: columns a reader has to scroll to.
  const hiddenColumns = [...article.querySelectorAll('.md-typeset__scrollwrap')]
    .filter(wider)
    .map((wrap) => {
      const th = wrap.querySelector('th');
      return {
        header: th ? th.textContent.trim() : '',
        scrollWidth: wrap.scrollWidth,
        clientWidth: wrap.clientWidth,
      };
    });

  // 3. What scrolls sideways, and whether it shows (a gradient: the scroll shadows).
  const scrollers = all.filter((el) => {
    const ox = getComputedStyle(el).overflowX;
    return (ox === 'auto' || ox === 'scroll') && wider(el);
  }).map((el) => ({...describe(el), background: getComputedStyle(el).backgroundImage}));

  // 4. One-word identifiers in tables, with the number of lines each is laid out on.
  const identifiers = [...article.querySelectorAll('table code')]
    .filter((c) => !/[\\s-]/.test(c.textContent))
    .map((c) => [c.textContent, c.getClientRects().length]);

  return {
    scheme: document.body.getAttribute('data-md-color-scheme'),
    overflow, hiddenColumns, scrollers, identifiers,
  };
}"""
"""Everything the layout checks need from one page, measured in one evaluation."""


def _item(d: dict[str, Any]) -> str:
    """One element as ``tag.class (width px): "text"`` for a failure message."""
    cls = "." + ".".join(d["cls"].split()) if d["cls"] else ""
    return f"{d['tag']}{cls} ({d['width']} px): {d['text']!r}"


@dataclass
class PageReport:
    """What one page did and looked like when opened at one viewport."""

    path: str
    status: int | None
    errors: list[str] = field(default_factory=list)
    scheme: str | None = None
    overflow: list[str] = field(default_factory=list)
    """Elements of the article that leave the content column outside any scroll container."""
    hidden_columns: list[str] = field(default_factory=list)
    """Tables wider than their scroll box, by first header cell and widths."""
    scrollers: list[str] = field(default_factory=list)
    """Every element of the article that scrolls sideways."""
    no_cue: list[str] = field(default_factory=list)
    """Those of ``scrollers`` without a gradient background (no scroll shadow)."""
    raw_markup: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    """One-word ``code`` in tables (the identifiers whose lines were counted)."""
    broken_identifiers: list[str] = field(default_factory=list)
    """Those of ``identifiers`` laid out on more than one line."""


def measure(page: Page, report: PageReport) -> PageReport:
    """Fill ``report`` with the layout of the page open in ``page`` (as it is now)."""
    layout: dict[str, Any] = page.evaluate(LAYOUT)
    identifiers: list[tuple[str, int]] = [(text, lines) for text, lines in layout["identifiers"]]
    report.scheme = layout["scheme"]
    report.overflow = [_item(d) for d in layout["overflow"]]
    report.hidden_columns = [
        f"{d['header']!r} table ({d['scrollWidth']} px wide in {d['clientWidth']} px)"
        for d in layout["hiddenColumns"]
    ]
    report.scrollers = [_item(d) for d in layout["scrollers"]]
    report.no_cue = [_item(d) for d in layout["scrollers"] if "gradient" not in d["background"]]
    report.raw_markup = raw_markup(page.evaluate(PROSE_TEXT))
    report.identifiers = [text for text, _ in identifiers]
    report.broken_identifiers = [f"{t} ({n} lines)" for t, n in identifiers if n != 1]
    return report


def page_report(visit: Visit, path: str) -> PageReport:
    """Open ``path`` in ``visit``'s tab, wait for its final layout and measure it."""
    seen = (len(visit.console_errors), len(visit.page_errors))
    response = visit.page.goto(visit.base_url + path, wait_until="load")
    visit.page.wait_for_function(READY)
    report = PageReport(path="/" + path, status=response.status if response else None)
    measure(visit.page, report)
    report.errors = visit.console_errors[seen[0] :] + visit.page_errors[seen[1] :]
    return report


def screenshot_path(viewport: Viewport, path: str) -> Path:
    """``build/screenshots/layout-<viewport>-<page-path-with-dashes>.png`` (``index`` for /)."""
    slug = "-".join(part for part in path.split("/") if part) or "index"
    return SCREENSHOTS / f"layout-{viewport.name}-{slug}.png"


def empty_search_index(site: Path) -> dict[str, Any]:
    """The site's search index with its configuration and no documents.

    Material's search worker reads the configuration (languages, separator, fields)
    whatever the documents; an index without documents is valid and costs nothing.
    """
    with (site / "search" / "search_index.json").open(encoding="utf-8") as fh:
        index: dict[str, Any] = json.load(fh)
    return {"config": index["config"], "docs": []}


@dataclass
class Crawl:
    """One crawl: the viewport it ran at and a report per page, in the order opened."""

    viewport: Viewport
    reports: list[PageReport]


def crawl(
    browser: Browser,
    base_url: str,
    paths: Iterable[str],
    viewport: Viewport,
    *,
    name: str,
    screenshots: bool = False,
    search_index: dict[str, Any] | None = None,
) -> Crawl:
    """Open every page of ``paths`` in one tab at ``viewport`` and report on each.

    With ``screenshots`` each page is also saved, full page, as :func:`screenshot_path`.
    The tab's last state is saved as ``build/screenshots/<name>.png`` (:func:`tabs`).
    With ``search_index`` (say :func:`empty_search_index`) the site's search index is
    answered with it: on a large site Material's search worker would otherwise index
    megabytes after every page load, on the CPU the next page is laid out with, for
    nothing the layout checks look at.
    """
    reports = []
    with tabs(browser, base_url, name) as open_:
        visit = open_(viewport.width, viewport.height, viewport.color_scheme)
        if search_index is not None:
            visit.page.route(
                "**/search/search_index.json", lambda route: route.fulfill(json=search_index)
            )
        for path in paths:
            reports.append(page_report(visit, path))
            if screenshots:
                shot = screenshot_path(viewport, path)
                shot.parent.mkdir(parents=True, exist_ok=True)
                visit.page.screenshot(path=str(shot), full_page=True, animations="disabled")
    return Crawl(viewport, reports)


def offenders(
    reports: Iterable[PageReport], items: Callable[[PageReport], list[str]], first: int = 3
) -> str:
    """A failure message: each page with offending items, and its first ``first`` items."""
    lines = []
    for report in reports:
        found = items(report)
        if found:
            more = f" (and {len(found) - first} more)" if len(found) > first else ""
            lines.append(f"{report.path}: {'; '.join(found[:first])}{more}")
    return f"{len(lines)} page(s):\n  " + "\n  ".join(lines) if lines else ""
