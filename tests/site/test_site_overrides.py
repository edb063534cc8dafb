"""A template in the project's ``overrides/`` replaces the packaged one of the same name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sitekit import build_site, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path

CUSTOM = """\
{% import "_macros.md.j2" as h %}
{{ h.frontmatter("Service catalog") }}
# Our own catalog

{% for name in m.services %}
- {{ svc_link(name) }}: {{ m.services[name].description }}
{% endfor %}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("overrides")
    config = write_project(
        root, files={"overrides/services.md.j2": CUSTOM}, options={"drift": "off"}
    )
    return build_site(config, strict=True)


def test_override_template_replaces_the_packaged_page(site: Path) -> None:
    article = read_page(site, "services/").article
    assert article.find("h1").text() == "Our own catalog"
    items = [li.text() for li in article.find_all("li")]
    assert "redis: Cache and rate-limit counters." in items
    assert len(items) == 6
    assert article.find_all("table") == []
    assert "Each row links to the service's analysis page." not in article.text()


def test_override_can_use_the_packaged_helpers(site: Path) -> None:
    article = read_page(site, "services/").article
    assert [article.link(name) for name in ("backend", "redis")] == ["backend/", "redis/"]
    assert "manifest_docs" not in article.text()


def test_other_pages_keep_the_packaged_templates(site: Path) -> None:
    article = read_page(site, "services/redis/").article
    assert "Key namespaces" in article.headings("h2")


PHASES = """\
{% import "_macros.md.j2" as h %}
{{ h.frontmatter("Roadmap") }}
# Our own roadmap

{% for p in m.phases %}
- {{ p.name }}
{% endfor %}
"""


def test_override_templates_in_the_theme_dir_are_not_published(tmp_path: Path) -> None:
    """``overrides/`` is also Material's ``custom_dir``: its theme files are copied, its
    page templates (``*.md.j2``) are only read by the plugin."""
    config = write_project(
        tmp_path,
        files={
            "overrides/phases.md.j2": PHASES,
            "overrides/partials/notes.md.j2": "{# not a page template, still private #}\n",
            "overrides/assets/extra.txt": "a theme file\n",
        },
        options={"drift": "off"},
        custom_dir="overrides",
    )
    site = build_site(config, strict=True)
    assert read_page(site, "phases/").article.find("h1").text() == "Our own roadmap"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.j2")) == []
    assert (site / "assets" / "extra.txt").read_text("utf-8") == "a theme file\n"
