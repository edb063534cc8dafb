"""Every page of the built site, opened the way a reader opens it, once per module."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from browserkit import tabs

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

RAW_REFERENCE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
"""A character reference such as ``&#42;`` or ``&amp;``, which a reader should never see."""

TABLE_SOURCE = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
"""A line of Markdown table syntax shown as text: a table that did not render."""

PROSE_TEXT = """() => {
  const article = document.querySelector('article').cloneNode(true);
  article.querySelectorAll('pre, code').forEach((e) => e.remove());
  return article.textContent;
}"""
"""The article's text outside code (where table syntax may be shown on purpose)."""


@dataclass
class PageReport:
    """What one page did when opened: HTTP status, errors, visible raw references."""

    path: str
    status: int | None
    errors: list[str] = field(default_factory=list)
    raw_references: list[str] = field(default_factory=list)
    table_source: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def every_page(
    chromium: Browser, site_url: str, built_site: Path, mermaid_js: Path
) -> Iterator[list[PageReport]]:
    """Open each page of the site in one tab and report on it (one crawl for the module).

    The deployment guide's hand-written Mermaid diagram loads Mermaid from its CDN,
    answered from the local copy (``mermaid_js``): without it that page would log an error
    that is not the site's. Generated diagrams are static SVG and load nothing.
    """
    paths = sorted(
        index.parent.relative_to(built_site).as_posix() + "/"
        for index in built_site.rglob("index.html")
    )
    with tabs(chromium, site_url, "crawl") as open_:
        visit = open_()
        reports = []
        for path in ["" if p == "./" else p for p in paths]:
            seen = (len(visit.console_errors), len(visit.page_errors))
            response = visit.page.goto(site_url + path, wait_until="load")
            text = visit.page.locator("article").inner_text()
            reports.append(
                PageReport(
                    path="/" + path,
                    status=response.status if response else None,
                    errors=visit.console_errors[seen[0] :] + visit.page_errors[seen[1] :],
                    raw_references=[
                        text[max(0, m.start() - 30) : m.end() + 10].replace("\n", " ")
                        for m in RAW_REFERENCE.finditer(text)
                    ],
                    table_source=[
                        m.group(0).strip()
                        for m in TABLE_SOURCE.finditer(visit.page.evaluate(PROSE_TEXT))
                    ],
                )
            )
        yield reports


def test_every_page_opens_without_errors(every_page: list[PageReport]) -> None:
    assert len(every_page) > 10
    broken = {r.path: (r.status, r.errors) for r in every_page if r.status != 200 or r.errors}
    assert not broken, broken


def test_no_page_shows_raw_character_references(every_page: list[PageReport]) -> None:
    shown = {r.path: r.raw_references for r in every_page if r.raw_references}
    assert not shown, shown


def test_no_page_shows_table_syntax_as_text(every_page: list[PageReport]) -> None:
    # A blank line left by a template loop between two rows ends the table early.
    shown = {r.path: r.table_source[:3] for r in every_page if r.table_source}
    assert not shown, shown
