"""Generated pages read cleanly in any theme setup: real table headers, no emoji, no
Markdown extension needed (the serve-time error page included), identifiers kept whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

import markdown
import pytest
from manifest_docs.errors import Problem
from manifest_docs.navigation import error_page
from manifest_docs.render.site import stylesheet
from sitekit import build_site, parse, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = write_project(tmp_path_factory.mktemp("tables"), options={"drift": "off"})
    return build_site(config, strict=True)


@pytest.mark.parametrize(
    ("url", "section", "header"),
    [
        ("services/backend/", "Overview", ["Field", "Value"]),
        ("services/backend/", "Deployment", ["Setting", "Value"]),
        ("services/postgres/", "Backups", ["Setting", "Value"]),
    ],
)
def test_key_value_tables_have_a_header_row(
    site: Path, url: str, section: str, header: list[str]
) -> None:
    table = read_page(site, url).article.section(section).tables()[0]
    assert table[0] == header


def test_no_generated_table_has_an_empty_header(site: Path) -> None:
    for url in ("services/backend/", "services/postgres/", "services/redis/", "environment/"):
        for table in read_page(site, url).article.tables():
            assert all(cell for cell in table[0]), (url, table[0])


def test_managed_database_shows_no_replicas(site: Path) -> None:
    deployment = read_page(site, "services/postgres/").article.section("Deployment")
    assert [r[0] for r in deployment.rows()][:1] == ["Builder"]
    assert "Replicas" not in [r[0] for r in deployment.rows()]
    backend = read_page(site, "services/backend/").article.section("Deployment")
    assert "Replicas" in [r[0] for r in backend.rows()]


def test_secret_marker_is_a_word_and_a_theme_icon_not_an_emoji(site: Path) -> None:
    env = read_page(site, "environment/").article
    assert [m.text() for m in env.find_all("span", "mdocs-secret")] == ["secret", "secret"]
    css = stylesheet()
    assert "\\1F512" not in css
    assert "🔒" not in css
    assert "mask" in css
    assert "--mdocs-lock-icon" in css


def test_code_in_tables_never_breaks_inside_a_word() -> None:
    css = stylesheet()
    rule = css[css.index(".md-typeset table:not([class]) code {") :]
    rule = rule[: rule.index("}")]
    assert "overflow-wrap: normal" in rule
    assert "word-break: keep-all" in rule


def test_serve_error_page_needs_no_markdown_extension() -> None:
    """The stand-in page while the manifest is broken, through MkDocs' default extensions."""
    page = error_page([Problem("manifest.yml", 3, 5, "services.x.kind: bad `kind`")])
    body = page.content.split("---\n", 2)[2]
    html = markdown.markdown(body, extensions=["toc", "tables", "fenced_code"])
    doc = parse(html)
    box = doc.find("div", "failure")
    assert box.find("p", "admonition-title").text() == "manifest.yml has errors"
    assert [li.text() for li in box.find_all("li")] == [
        "manifest.yml:3:5: services.x.kind: bad `kind`"
    ]
    assert "!!!" not in doc.text()
