"""Manifest text is shown as text: no HTML, Markdown, macro or link markup gets through.

One build of ``fixtures/hostile.yml``, whose free-text fields all hold :data:`EVIL`,
plus a hand-written page that reads the same text through the macros.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from sitekit import FIXTURES, Node, build_site, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path

EVIL = "a | b <script>alert(1)</script> {{ 7*7 }} **bold** [x](javascript:alert(1)) _u_ `tick`"

MACRO_PAGE = """\
# Through the macros

Description: {{ service('api').description }}

{{ env_table('api') }}

In code: `{{ service('api').description }}` and `a*b {{ service('api').status }} <c>`.

```sh
echo {{ service('api').description }}
```
"""

# Pages that show EVIL, and how many times at least.
SHOWN = {
    "services/api/": 10,
    "domains/": 1,
    "costs/": 1,
    "environment/": 1,
    "phases/": 2,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    config = write_project(
        root,
        manifest=FIXTURES / "hostile.yml",
        docs={"macros.md": MACRO_PAGE},
        options={"drift": "off"},
    )
    return build_site(config)


def unsafe_hrefs(doc: Node) -> list[str]:
    """Link targets a browser would run as script (entities are already decoded)."""
    out = []
    for node in doc.iter():
        for attr in ("href", "src", "action", "formaction"):
            value = "".join(node.attrs.get(attr, "").split()).lower()
            if value.startswith(("javascript:", "vbscript:", "data:text/html")):
                out.append(value)
    return out


def injected_elements(article: Node) -> list[str]:
    """Elements the hostile text would create if it were not escaped."""
    found = [f"<{n.tag}>" for n in article.find_all("script")]
    found += [
        f"<{n.tag}>{n.text()}"
        for n in article.find_all()
        if n.tag in ("strong", "em") and "bold" in n.text()
    ]
    found += [f"<a>{n.text()}" for n in article.find_all("a") if n.text() == "x"]
    found += [f"<em>{n.text()}" for n in article.find_all("em") if n.text() == "u"]
    found += [f"<code>{n.text()}" for n in article.find_all("code") if n.text() == "tick"]
    return found


@pytest.mark.parametrize("url", sorted(SHOWN))
def test_hostile_text_is_shown_verbatim(site: Path, url: str) -> None:
    text = read_page(site, url).article.text()
    assert text.count(EVIL) >= SHOWN[url]


@pytest.mark.parametrize("url", sorted(SHOWN))
def test_hostile_text_creates_no_elements(site: Path, url: str) -> None:
    assert injected_elements(read_page(site, url).article) == []


@pytest.mark.parametrize("url", sorted(SHOWN))
def test_hostile_text_is_not_evaluated_as_a_macro(site: Path, url: str) -> None:
    text = read_page(site, url).article.text()
    assert "{{ 7*7 }}" in text
    assert "49" not in text


@pytest.mark.parametrize("url", ["services/", *sorted(SHOWN)])
def test_no_page_links_to_a_script_url(site: Path, url: str) -> None:
    assert unsafe_hrefs(read_page(site, url).doc) == []


@pytest.mark.parametrize("url", sorted(SHOWN))
def test_every_table_row_has_the_header_cell_count(site: Path, url: str) -> None:
    tables = read_page(site, url).article.tables()
    assert tables
    for table in tables:
        assert {len(row) for row in table} == {len(table[0])}, table


def test_hostile_text_fills_exactly_one_cell(site: Path) -> None:
    article = read_page(site, "services/api/").article
    routes = next(t for t in article.tables() if t[0][0] == "Route")
    assert routes[1] == ["/x", EVIL, "api", "active"]
    env = next(t for t in article.tables() if t[0] == ["Variable", "Description", "Value"])
    assert env[1] == ["EVIL_VAR", EVIL, f"for example {EVIL}"]


def test_non_http_links_are_shown_as_plain_text(site: Path) -> None:
    links = read_page(site, "services/api/").article.section("Links")
    assert [li.text() for li in links.find_all("li")] == [
        "Runbook: javascript:alert(1)",
        "Further docs: JaVaScRiPt:alert(1)",
    ]
    assert links.find_all("a") == []


def test_env_example_keeps_hostile_text_on_one_line(site: Path) -> None:
    text = (site / "environment" / "api.env.example").read_text("utf-8")
    lines = text.splitlines()
    assert f"# {EVIL}" in lines
    # Single quotes: inside double quotes the backticks would run `tick` in a shell.
    assert [line for line in lines if line.startswith("EVIL_VAR=")] == [f"EVIL_VAR='{EVIL}'"]


# --------------------------------------------------------------------------- through the macros


def test_macro_output_keeps_html_and_macro_syntax_as_text(site: Path) -> None:
    article = read_page(site, "macros/").article
    assert article.find_all("script") == []
    text = article.text()
    assert "<script>alert(1)</script>" in text
    assert "{{ 7*7 }}" in text
    assert "49" not in text
    assert "**bold**" in text
    assert "_u_ `tick`" in text
    assert [n.tag for n in article.iter() if n.tag in ("strong", "em")] == []
    assert injected_elements(article) == []


def test_macro_table_keeps_its_cells(site: Path) -> None:
    tables = read_page(site, "macros/").article.tables()
    assert len(tables) == 1
    assert {len(row) for row in tables[0]} == {4}
    assert tables[0][1][:3] == ["EVIL_VAR", "required", "—"]
    assert tables[0][1][3].startswith("a | b <script>alert(1)</script> {{ 7*7 }}")


def test_macro_output_never_links_to_a_script_url(site: Path) -> None:
    assert unsafe_hrefs(read_page(site, "macros/").doc) == []


def test_macro_in_a_code_span_reads_exactly_as_the_manifest_says(site: Path) -> None:
    codes = [n.text() for n in read_page(site, "macros/").article.find_all("code")]
    assert EVIL in codes
    assert "a*b active <c>" in codes


def test_macro_in_a_fenced_block_is_the_plain_value(site: Path) -> None:
    article = read_page(site, "macros/").article
    blocks = [n.text() for n in article.find_all("pre")]
    assert any(f"echo {EVIL}" in b for b in blocks), blocks
    assert article.find_all("script") == []


# --------------------------------------------------------------------------- a Mermaid diagram

MERMAID_EVIL = (
    'x"] --> evil["pwned"]\nclick a call alert(1)\n%%{init: {"securityLevel": "loose"}}%%\n'
    "end\nstyle a fill:#f00 <img src=x onerror=alert(1)> | ; #quot; `md` {d}"
)

MERMAID_PAGE = """\
# Flow

```mermaid
flowchart LR
  a["{{ fact('organization.operator') }}"] --> b[{{ fact('organization.operator') }}]
  b --> c{"{{ service('api').description }} or {{ fact('organization.operator') }}?"}
```
"""


@pytest.fixture(scope="module")
def diagram_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mermaid")
    manifest = (FIXTURES / "hostile.yml").read_text("utf-8")
    manifest = manifest.replace(
        "  docs_url: https://docs.example.org\n",
        f"  docs_url: https://docs.example.org\n  operator: {json.dumps(MERMAID_EVIL)}\n",
    )
    config = write_project(
        root, manifest=manifest, docs={"flow.md": MERMAID_PAGE}, options={"drift": "off"}
    )
    return build_site(config)


def test_facts_in_a_mermaid_diagram_stay_inside_their_labels(diagram_site: Path) -> None:
    pre = read_page(diagram_site, "flow/").article.find_all("pre")
    diagram = next(n.text() for n in pre if "mermaid" in n.classes)
    outside = [re.sub(r'"[^"]*"', '"…"', line) for line in diagram.strip().splitlines()]
    assert outside == ["flowchart LR", '  a["…"] --> b["…"]', '  b --> c{"…"}']
    labels = re.findall(r'"([^"]*)"', diagram)
    shown = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), labels[0])
    assert shown == " ".join(MERMAID_EVIL.split())
    assert labels[0] == labels[1]
