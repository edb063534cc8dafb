"""Helpers for the browser tests: paths, the skip-or-fail rule, and one tab's record.

Not in ``conftest.py``: pytest imports every ``conftest.py`` outside a package under the
one module name ``conftest``, so ``from conftest import ...`` is ambiguous. Test modules
import from here (its basename is unique in the tests tree).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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
    """Yield ``open_(width, height)``, which opens a fresh context and tab on the site.

    Each context has its own storage (a palette choice never leaks into another test),
    a light colour-scheme preference and reduced motion. On exit every tab is
    screenshotted as ``build/screenshots/<name>[-n].png`` and its context closed.
    """
    contexts: list[BrowserContext] = []
    visits: list[Visit] = []

    def open_(width: int = DESKTOP[0], height: int = DESKTOP[1]) -> Visit:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="light",  # the palette's media queries then pick "default"
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
    SVG's default black or the fallback ``none``).
    """
    diagrams: list[dict[str, Any]] = page.evaluate(DIAGRAM_STYLE)
    assert len(diagrams) >= at_least, f"{page.url}: {len(diagrams)} diagrams"
    for i, d in enumerate(diagrams):
        assert d["height"] > 50, f"{page.url}: diagram {i} is only {d['height']}px tall"
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
