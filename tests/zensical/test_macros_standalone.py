"""The macros without the MkDocs plugin: they load the manifest themselves, with located errors."""

from __future__ import annotations

import textwrap
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import jinja2
import pytest
from manifest_docs import macros
from mkdocs.commands.build import build
from mkdocs.config import load_config
from zkit import REPO

if TYPE_CHECKING:
    from pathlib import Path

CONFIG = """\
site_name: Without the plugin
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
  - macros:
      modules: [manifest_docs.macros]
      on_error_fail: true
      on_undefined: strict
{extra}
"""


def project(tmp_path: Path, page: str, *, extra: str = "", manifest: str | None = None) -> Path:
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(page), "utf-8")
    target = tmp_path / (manifest or "manifest.yml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((REPO / "manifest.yml").read_text("utf-8"), "utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(extra=extra), "utf-8")
    return tmp_path / "mkdocs.yml"


def mkdocs_build(config_file: Path) -> str:
    config = load_config(str(config_file))
    build(config)
    return (config_file.parent / "site" / "index.html").read_text("utf-8")


def test_mkdocs_without_the_plugin_renders_facts(tmp_path: Path) -> None:
    html = mkdocs_build(
        project(
            tmp_path,
            """\
            # Facts
            Redis is {{ service('redis').version }}; `redis {{ service('redis').kind }}` in code.
            """,
            extra="extra:\n  manifest_docs:\n    manifest: infra/manifest.yml",
            manifest="infra/manifest.yml",
        )
    )
    assert "Redis is 7" in html
    assert "<code>redis cache</code>" in html


def test_a_broken_manifest_fails_with_every_located_problem(tmp_path: Path) -> None:
    config_file = project(tmp_path, "# Facts\n\n{{ service('redis').version }}\n")
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(
        manifest.read_text("utf-8").replace("status: active", "status: sideways", 1), "utf-8"
    )
    with pytest.raises(macros.MacrosError) as info:
        mkdocs_build(config_file)
    message = str(info.value)
    assert message.startswith("manifest-docs: invalid manifest\nmanifest.yml:")
    assert "sideways" in message


class _Env:
    """A stand-in for the env object a macros engine hands to ``define_env``."""

    def __init__(self, conf: dict[str, Any], page: Any = None) -> None:
        self.conf = conf
        self.page = page
        self.macros: dict[str, Any] = {}
        self.filters: dict[str, Any] = {}

    def macro(self, fn: Any, name: str) -> None:
        self.macros[name] = fn

    def filter(self, fn: Any, name: str) -> None:
        self.filters[name] = fn


def render(env: _Env, source: str) -> str:
    jinja = jinja2.Environment(extensions=[macros.ProtectCode], undefined=jinja2.StrictUndefined)
    jinja.globals.update(env.macros)
    jinja.filters.update(env.filters)
    return jinja.from_string(source).render()


def test_zensical_style_env_loads_the_manifest_once(tmp_path: Path) -> None:
    project(tmp_path, "# x\n")
    conf = {"root_dir": str(tmp_path), "docs_dir": "docs", "plugins": {"search": {}}}
    page = SimpleNamespace(path="guides/x.md", meta={})
    first = _Env(conf, page)
    macros.define_env(first)
    assert render(first, "{{ service('redis').version }}").startswith("7")
    second = _Env(conf, page)
    macros.define_env(second)
    key = (tmp_path / "manifest.yml").resolve()
    loaded = macros._LOADED[key]
    macros.define_env(_Env(conf, page))
    assert macros._LOADED[key] is loaded  # read once, not per page
    # The code-span rewriting runs as a Jinja extension where no pre-page hook exists.
    assert render(second, "`{{ service('redis').kind }}`") == "<code>cache</code>"


def test_unknown_service_names_the_page_and_line(tmp_path: Path) -> None:
    project(tmp_path, "# x\n")
    conf = {"root_dir": str(tmp_path), "docs_dir": "docs", "plugins": {}}
    env = _Env(conf, SimpleNamespace(path="guides/x.md", meta={}))
    macros.define_env(env)
    with pytest.raises(macros.MacrosError) as info:
        render(env, "# Title\n\nIt is {{ service('reddis').version }}.\n")
    assert str(info.value) == (
        "docs/guides/x.md:3: unknown service 'reddis' (did you mean 'redis'?)"
    )


def test_macro_calls_do_not_touch_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path, "# x\n")
    conf = {"root_dir": str(tmp_path), "docs_dir": "docs", "plugins": {}}
    env = _Env(conf, SimpleNamespace(path="guides/x.md", meta={}))
    macros.define_env(env)  # the one stat (and, the first time, load) for this page

    def stat_again(_env: Any) -> None:
        raise AssertionError("a macro call looked at the manifest file again")

    monkeypatch.setattr(macros, "_standalone", stat_again)
    source = "{{ service('redis').version }} {{ service('redis').kind }}"
    assert render(env, source).startswith("7")
