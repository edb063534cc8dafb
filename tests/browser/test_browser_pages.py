"""A reader's paths through the built site's pages, in real Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from browserkit import REPO_ROOT, mkdocs_config, row
from manifest_docs.load import load_manifest

if TYPE_CHECKING:
    from browserkit import Visit
    from manifest_docs.model import Manifest

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips (or fails) and says why
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

SERVICE = "redis"
"""The service the reader follows from the catalogue; its facts come from manifest.yml."""


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(REPO_ROOT / "manifest.yml").manifest


def test_home_page_loads_cleanly(visit: Visit) -> None:
    site_name = mkdocs_config()["site_name"]
    page = visit.goto("/")
    expect(page.locator("article h1").first).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(site_name)))
    # Material's deferred work (search index, repository facts) happens after "load".
    page.wait_for_load_state("networkidle")
    visit.assert_clean()
    # Nothing outside the site is needed to read it (system fonts, no web fonts): the
    # only outside request is Material's optional repository facts from GitHub's API.
    outside = {urlsplit(url).hostname for url in visit.blocked}
    assert outside <= {"api.github.com"}, visit.blocked


def test_reader_follows_catalogue_to_service_facts(visit: Visit, manifest: Manifest) -> None:
    service = manifest.services[SERVICE]
    assert service.version is not None
    assert service.resources is not None
    assert service.resources.eviction_policy
    exports = [var.name for var in service.exports]
    assert "REDIS_URL" in exports

    page = visit.goto("/services/")
    page.locator("article").get_by_role("link", name=SERVICE, exact=True).first.click()

    expect(page).to_have_url(re.compile(rf"/services/{re.escape(SERVICE)}/$"))
    article = page.locator("article")
    # The heading carries Material's permalink anchor ("¶") after the name.
    expect(article.locator("h1")).to_have_text(re.compile(rf"^\s*{re.escape(SERVICE)}\W*$"))
    expect(row(article, "Technology")).to_contain_text(service.version.text)
    expect(row(article, "Eviction policy")).to_contain_text(service.resources.eviction_policy)
    exported = article.locator("xpath=//h2[@id='exported-variables']/following::table[1]")
    for name in exports:
        expect(exported.locator("code", has_text=re.compile(rf"^{name}$"))).to_be_visible()
    visit.assert_clean()


def test_generated_page_carries_note_and_badges(visit: Visit, manifest: Manifest) -> None:
    status = str(manifest.services[SERVICE].status)
    page = visit.goto(f"/services/{SERVICE}/")

    note = page.locator(".mdocs-generated")
    expect(note).to_be_visible()
    expect(note).to_contain_text(re.compile(r"Generated from\s+manifest\.yml"))
    expect(note.get_by_role("link", name="manifest.yml")).to_have_attribute(
        "href", re.compile(r"manifest\.yml$")
    )

    badge = page.locator("article .mdocs-badge").first
    expect(badge).to_be_visible()
    expect(badge).to_have_text(status)
    expect(badge).to_have_class(re.compile(rf"\bmdocs-badge--{re.escape(status)}\b"))
    # The package's stylesheet is applied: the badge is drawn as a badge, not plain text.
    background = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}, background
    visit.assert_clean()


def test_catalogue_as_a_reader_first_sees_it(visit: Visit, manifest: Manifest) -> None:
    # Also the README's picture: `make screenshot` copies this file to docs/assets/.
    page = visit.goto("/services/")
    article = page.locator("article")
    for name in manifest.services:
        expect(article.get_by_role("link", name=name, exact=True).first).to_be_attached()
    expect(article.locator(".mdocs-badge").first).to_be_visible()
    path = visit.screenshot("readme", full_page=False)
    assert path.stat().st_size > 10_000
    visit.assert_clean()
