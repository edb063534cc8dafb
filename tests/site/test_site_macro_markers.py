"""Pages without Jinja skip the macros pass; custom Jinja markers are respected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitekit import build_site, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path


def test_pages_with_and_without_macros_under_custom_markers(tmp_path: Path) -> None:
    config = write_project(
        tmp_path,
        docs={
            "square.md": "# Square\n\nRedis is [[ service('redis').version ]] here.\n",
            "plain.md": "# Plain\n\nNo macros at all, just text.\n",
        },
        options={"drift": "off"},
        macros={"j2_variable_start_string": "[[", "j2_variable_end_string": "]]"},
    )
    site = build_site(config, strict=True)
    square = read_page(site, "square/").article.text()
    assert "[[" not in square
    assert "Redis is 7.2 here." in square
    assert "No macros at all, just text." in read_page(site, "plain/").article.text()
