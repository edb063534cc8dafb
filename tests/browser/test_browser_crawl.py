"""The layout crawl: every page of a site, opened the way a reader opens it, measured.

One crawl per (site, viewport), run once per module by a fixture that records a
:class:`~browserkit.PageReport` per page; each check below is a small test over those
reports. The viewports are a desktop (1440×900, light palette) and a phone (390×844,
dark palette: the browser prefers dark and the site's palette media query picks
"slate"). Every request outside 127.0.0.1 is blocked; Mermaid's CDN URL is answered from
the local copy.

Three sites: the Kestrel example's (every page, another company's manifest), the
project's own (every page, each screenshotted at each viewport as
``build/screenshots/layout-<viewport>-<page>.png``, kept by CI) and a synthetic
1,000-service catalog from the benchmark's generator (see :func:`synthetic_sample`).
"""

from __future__ import annotations

import os
import random
import re
from typing import TYPE_CHECKING

import pytest
from browserkit import (
    LAYOUT_DESKTOP,
    LAYOUT_PHONE,
    Crawl,
    Viewport,
    article_text,
    crawl,
    drawn_diagrams,
    empty_search_index,
    measure,
    offenders,
    page_report,
    raw_markup,
    site_pages,
    tabs,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

SAMPLE_SEED = 1000
"""Seed of the random part of the synthetic sample (fixed: the same pages every run)."""

SERVICE_PAGE = re.compile(r"services/[^/]+/")
"""A service page's path (``services/`` alone is the catalog)."""


def synthetic_sample(site: Path) -> list[str]:
    """The synthetic site's pages that the browser opens: a sample, not all ~1,500.

    Every page that is not a service page (home, catalog, domains, environment,
    architecture, costs, roadmap, ``lists/*``, schema ...), one hand-written note (all
    500 come from one generator line), the 10 largest service pages by bytes, and 10
    other service pages picked with a fixed seed. A sample because the 1,000 service
    pages come from one template, and the largest ones hold its widest and longest
    tables (the shared PostgreSQL and Redis first, read by hundreds of services); the
    random ones stand for the ordinary page. Opening all of them at two viewports
    would take many minutes and find nothing these do not. The text check, which
    needs no browser, reads every page (``test_no_page_shows_raw_markup_in_the_html``).
    ``SYNTHETIC_PAGES=all`` opens every page instead (``make test-browser-all``).
    """
    pages = site_pages(site)
    if os.environ.get("SYNTHETIC_PAGES") == "all":
        return pages
    services = [p for p in pages if SERVICE_PAGE.fullmatch(p)]
    notes = [p for p in pages if p.startswith("notes/")]
    assert len(services) >= 1000, f"the synthetic site has only {len(services)} service pages"
    by_size = sorted(services, key=lambda p: (-(site / p / "index.html").stat().st_size, p))
    largest = by_size[:10]
    others = random.Random(SAMPLE_SEED).sample(sorted(by_size[10:]), 10)
    rest = [p for p in pages if p not in services and p not in notes]
    return rest + notes[:1] + largest + sorted(others)


def _crawl(
    browser: Browser,
    base_url: str,
    built: Path,
    viewport: Viewport,
    *,
    synthetic: bool = False,
    name: str = "site",
) -> Crawl:
    """One crawl of the built site ``built``, checked complete.

    The project's own site: every page, each screenshotted. The synthetic one: its
    sample, with its search index (3 MB) answered empty (see :func:`browserkit.crawl`),
    which halves the crawl.
    """
    paths = synthetic_sample(built) if synthetic else site_pages(built)
    name = "synthetic" if synthetic else name
    done = crawl(
        browser,
        base_url,
        paths,
        viewport,
        name=f"crawl-{name}-{viewport.name}",
        screenshots=not synthetic,
        search_index=empty_search_index(built) if synthetic else None,
    )
    assert len(done.reports) == len(paths) > 10
    return done


@pytest.fixture(scope="module")
def site_desktop(chromium: Browser, site_url: str, built_site: Path, mermaid_js: Path) -> Crawl:
    """Every page of the project's site at 1440×900, light.

    The deployment guide's hand-written Mermaid diagram loads Mermaid from its CDN,
    answered from the local copy (``mermaid_js``): without it that page would log an error
    that is not the site's. Generated diagrams are static SVG and load nothing.
    """
    return _crawl(chromium, site_url, built_site, LAYOUT_DESKTOP)


@pytest.fixture(scope="module")
def site_phone(chromium: Browser, site_url: str, built_site: Path, mermaid_js: Path) -> Crawl:
    """Every page of the project's site at 390×844, dark."""
    return _crawl(chromium, site_url, built_site, LAYOUT_PHONE)


@pytest.fixture(scope="module")
def synthetic_desktop(chromium: Browser, synthetic_url: str, synthetic_site: Path) -> Crawl:
    """The synthetic site's sample (:func:`synthetic_sample`) at 1440×900, light."""
    return _crawl(chromium, synthetic_url, synthetic_site, LAYOUT_DESKTOP, synthetic=True)


@pytest.fixture(scope="module")
def synthetic_phone(chromium: Browser, synthetic_url: str, synthetic_site: Path) -> Crawl:
    """The synthetic site's sample (:func:`synthetic_sample`) at 390×844, dark."""
    return _crawl(chromium, synthetic_url, synthetic_site, LAYOUT_PHONE, synthetic=True)


@pytest.fixture(scope="module")
def kestrel_desktop(chromium: Browser, kestrel_url: str, kestrel_site: Path) -> Crawl:
    """Every page of the Kestrel example at 1440×900, light."""
    return _crawl(chromium, kestrel_url, kestrel_site, LAYOUT_DESKTOP, name="kestrel")


@pytest.fixture(scope="module")
def kestrel_phone(chromium: Browser, kestrel_url: str, kestrel_site: Path) -> Crawl:
    """Every page of the Kestrel example at 390×844, dark."""
    return _crawl(chromium, kestrel_url, kestrel_site, LAYOUT_PHONE, name="kestrel")


@pytest.fixture
def layout(request: pytest.FixtureRequest) -> Crawl:
    """The crawl the test is parametrised with, by fixture name (each crawl runs once)."""
    found: Crawl = request.getfixturevalue(request.param)
    return found


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Path:
    """The built site (folder) the test is parametrised with."""
    found: Path = request.getfixturevalue(request.param)
    return found


EVERY_CRAWL = [
    "site_desktop",
    "site_phone",
    "kestrel_desktop",
    "kestrel_phone",
    "synthetic_desktop",
    "synthetic_phone",
]
DESKTOP_CRAWLS = ["site_desktop", "kestrel_desktop", "synthetic_desktop"]
PHONE_CRAWLS = ["site_phone", "kestrel_phone", "synthetic_phone"]


@pytest.mark.parametrize("layout", EVERY_CRAWL, indirect=True)
def test_every_page_opens_without_errors(layout: Crawl) -> None:
    broken = [r for r in layout.reports if r.status != 200 or r.errors]
    assert not broken, "pages that failed: " + offenders(
        broken, lambda r: [f"HTTP {r.status}", *r.errors]
    )


@pytest.mark.parametrize("layout", EVERY_CRAWL, indirect=True)
def test_every_page_has_the_palette_the_browser_prefers(layout: Crawl) -> None:
    # Light ("default") on the desktop, dark ("slate") on the phone: both are crawled.
    wanted = layout.viewport.palette
    wrong = [r for r in layout.reports if r.scheme != wanted]
    assert not wrong, f"not in the {wanted!r} scheme: " + offenders(
        wrong, lambda r: [f"data-md-color-scheme={r.scheme!r}"]
    )


@pytest.mark.parametrize("layout", EVERY_CRAWL, indirect=True)
def test_nothing_leaves_the_content_column(layout: Crawl) -> None:
    # Outside a scroll container nothing of the article may stick out of .md-content.
    assert not any(r.overflow for r in layout.reports), "outside the content column: " + (
        offenders(layout.reports, lambda r: r.overflow)
    )


@pytest.mark.parametrize("layout", DESKTOP_CRAWLS, indirect=True)
def test_tables_fit_the_column_on_a_desktop(layout: Crawl) -> None:
    # At 1440 px no table may hide columns behind a sideways scroll.
    assert not any(r.hidden_columns for r in layout.reports), "tables wider than the column: " + (
        offenders(layout.reports, lambda r: r.hidden_columns)
    )


@pytest.mark.parametrize("layout", PHONE_CRAWLS, indirect=True)
def test_whatever_scrolls_sideways_shows_a_cue(layout: Crawl) -> None:
    # Tables, diagrams and code blocks that scroll show that there is more: their
    # background is a gradient (the stylesheet's scroll shadows).
    assert any(r.scrollers for r in layout.reports), "nothing scrolls at 390 px: a blind check"
    assert not any(r.no_cue for r in layout.reports), "scrolls without a shadow: " + (
        offenders(layout.reports, lambda r: r.no_cue)
    )


@pytest.mark.parametrize("layout", ["site_desktop", "kestrel_desktop"], indirect=True)
def test_no_page_shows_raw_markup(layout: Crawl) -> None:
    # Outside code: no unrendered admonition, fenced div, Jinja tag, character reference
    # or table syntax (a blank line left by a template loop ends a table early).
    assert not any(r.raw_markup for r in layout.reports), "raw markup in the text: " + (
        offenders(layout.reports, lambda r: r.raw_markup)
    )


@pytest.mark.parametrize("layout", PHONE_CRAWLS, indirect=True)
def test_identifiers_in_tables_are_never_broken_inside_a_word(layout: Crawl) -> None:
    # Variable names and hostnames in tables keep to one line each, even at 390 px (a
    # table too wide for the page scrolls sideways instead).
    seen = [i for r in layout.reports for i in r.identifiers]
    assert any("_" in i for i in seen), f"no variable names in any table ({len(seen)} words)"
    assert not any(r.broken_identifiers for r in layout.reports), "broken across lines: " + (
        offenders(layout.reports, lambda r: r.broken_identifiers)
    )


@pytest.mark.parametrize("site", ["built_site", "kestrel_site", "synthetic_site"], indirect=True)
def test_no_page_shows_raw_markup_in_the_html(site: Path) -> None:
    # Every page (about 1,500 on the synthetic site), from the HTML files, no browser: the
    # article's text outside pre, code, script and style.
    pages = site_pages(site)
    assert len(pages) > 10
    shown = {}
    for path in pages:
        text = article_text((site / path / "index.html").read_text("utf-8"))
        assert text.strip(), f"/{path}: no article text"
        if found := raw_markup(text):
            shown[f"/{path}"] = found[:3]
    assert not shown, f"raw markup on {len(shown)} page(s): {dict(list(shown.items())[:10])}"


@pytest.mark.parametrize("path", ["services/svc-0000/", "services/postgres/", "architecture/"])
def test_synthetic_pages_draw_their_diagrams(
    chromium: Browser, synthetic_url: str, synthetic_site: Path, path: str
) -> None:
    # A service that needs the shared stores, the store that hundreds need, and the
    # architecture page of all 1,000 (one diagram per kind of service).
    index = empty_search_index(synthetic_site)
    with tabs(
        chromium, synthetic_url, f"synthetic-diagram-{path.strip('/').replace('/', '-')}"
    ) as open_:
        visit = open_(LAYOUT_DESKTOP.width, LAYOUT_DESKTOP.height)
        visit.page.route("**/search/search_index.json", lambda route: route.fulfill(json=index))
        drawn_diagrams(visit.goto(path))
        visit.assert_clean()


PLANTED = """() => {
  const add = (html) => document.querySelector('article').insertAdjacentHTML('beforeend', html);
  add('<div style="width: 2000px">planted wide</div>');
  add('<div style="overflow-x: auto; background: none">'
      + '<div style="width: 2000px">planted scroller</div></div>');
  add('<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>'
      + '<tr><th>Planted</th></tr><tr><td style="min-width: 3000px">x</td></tr>'
      + '</table></div></div>');
  add('<p>planted {{ macro }} text</p>');
  add('<table><tr><td style="width: 40px"><code style="white-space: normal; word-break: break-all">'
      + 'planted_identifier_that_breaks</code></td></tr></table>');
}"""
"""One of each fault the layout checks look for, appended to a page's article."""


def test_the_layout_checks_see_what_they_look_for(chromium: Browser, site_url: str) -> None:
    # The crawl's checks pass only if they are not blind: plant a fault of each kind
    # in a real page at the phone viewport and measure it as the crawl does.
    with tabs(chromium, site_url, "crawl-planted") as open_:
        visit = open_(LAYOUT_PHONE.width, LAYOUT_PHONE.height, LAYOUT_PHONE.color_scheme)
        report = page_report(visit, "")
        visit.page.evaluate(PLANTED)
        measure(visit.page, report)
    assert [i for i in report.overflow if "planted wide" in i], report.overflow
    assert not [i for i in report.overflow if "planted scroller" in i], report.overflow
    assert [i for i in report.hidden_columns if "'Planted'" in i], report.hidden_columns
    assert [i for i in report.no_cue if "planted scroller" in i], report.no_cue
    assert [i for i in report.raw_markup if "{{ macro" in i], report.raw_markup
    assert "planted_identifier_that_breaks" in report.identifiers
    assert [i for i in report.broken_identifiers if i.startswith("planted_")], report


def test_the_html_text_is_the_article_outside_code() -> None:
    # What the static check reads: the article's text (character references decoded, as
    # a reader sees them) without pre, code, script and style.
    html = (
        "<nav>{{ nav }}</nav><article>\n<h1>Title &amp;amp; more</h1>\n"
        "<p>kept <code>{{ code }}</code> <em>kept</em></p>\n<pre><span>{% pre %}</span></pre>\n"
        "<script>{{ script }}</script><style>{{ style }}</style>\n<p>| a | b |</p>\n</article>"
    )
    text = article_text(html)
    assert text == "\nTitle &amp; more\nkept  kept\n\n\n| a | b |\n"
    assert raw_markup(text) == ["Title &amp; more kept", "table syntax: | a | b |"]
