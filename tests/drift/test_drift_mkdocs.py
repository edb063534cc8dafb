"""The drift gate inside real MkDocs builds: ``drift: warn | error | off``."""

from __future__ import annotations

import json
import logging
import subprocess
from typing import TYPE_CHECKING

import pytest
from driftkit import MKDOCS, env, project, quiet_env
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

if TYPE_CHECKING:
    from pathlib import Path

CONFIG = """\
site_name: Drift test
site_url: https://docs.acme.dev/
theme:
  name: material
  font: false
plugins:
  - search
  - manifest-docs: {options}
"""

DRIFT_PAGE = "# PostgreSQL\n\n- **Version**: 14+\n"
FINDING = "docs/data.md:3: fact/version: PostgreSQL is '14+' here, manifest.yml:"


def site(root: Path, docs: dict[str, str], **options: object) -> Path:
    """A MkDocs project under ``root``; returns its ``mkdocs.yml``."""
    project(root, {"index.md": "# Home\n\nHello.\n", **docs})
    config = root / "mkdocs.yml"
    config.write_text(CONFIG.format(options=json.dumps(options)), encoding="utf-8")
    return config


def build_site(config_file: Path, *, strict: bool = False) -> Path:
    with quiet_env():
        config = load_config(config_file=str(config_file), strict=strict)
        build(config)
    return config_file.parent / "site"


def test_strict_build_fails_on_drift_subprocess(tmp_path: Path) -> None:
    config = site(tmp_path, {"data.md": DRIFT_PAGE}, drift="warn")
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(config)],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0, result.stderr
    assert f"WARNING -  {FINDING}" in result.stderr, result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_strict_build_fails_on_drift_in_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = site(tmp_path, {"data.md": DRIFT_PAGE}, drift="warn")
    with caplog.at_level(logging.WARNING), pytest.raises(Abort, match="in strict mode"):
        build_site(config, strict=True)
    assert any(r.getMessage().startswith(FINDING) for r in caplog.records)


def test_warn_builds_without_strict_and_logs_the_finding(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = site(tmp_path, {"data.md": DRIFT_PAGE}, drift="warn")
    with caplog.at_level(logging.WARNING):
        out = build_site(config)
    assert (out / "data/index.html").is_file()
    warnings = [r for r in caplog.records if r.name == "mkdocs.plugins.manifest_docs"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert warnings[0].getMessage().startswith(FINDING)


def test_error_raises_plugin_error_with_the_finding(tmp_path: Path) -> None:
    config = site(tmp_path, {"data.md": DRIFT_PAGE}, drift="error")
    with pytest.raises(Abort) as info:
        build_site(config)
    error = info.value.__context__
    assert isinstance(error, PluginError)
    assert str(error).startswith("drift between the docs and the manifest:\n" + FINDING)
    assert "(services.postgres.version)" in str(error)


def test_error_mode_builds_when_clean(tmp_path: Path) -> None:
    config = site(tmp_path, {"data.md": "# PostgreSQL\n\n- **Version**: 15\n"}, drift="error")
    out = build_site(config, strict=True)
    assert (out / "data/index.html").is_file()


def test_off_builds_strict_despite_drift(tmp_path: Path) -> None:
    config = site(tmp_path, {"data.md": DRIFT_PAGE}, drift="off")
    out = build_site(config, strict=True)
    html = (out / "data/index.html").read_text("utf-8")
    assert "14+" in html


def test_error_mode_keeps_warnings_as_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An overdue review is informational in ``error`` mode: logged (INFO), the build goes on."""
    config = site(tmp_path, {}, drift="error")
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(
        manifest.read_text("utf-8").replace("next_review: 2099-01-01", "next_review: 2024-06-01"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.INFO):
        build_site(config, strict=True)
    records = [
        r
        for r in caplog.records
        if r.name.endswith("manifest_docs") and "still loads" not in r.getMessage()
    ]
    assert [r.levelno for r in records] == [logging.INFO]
    messages = [r.getMessage() for r in records]
    assert messages[0].startswith("manifest.yml:")
    assert "freshness/overdue: services.api: review was due 2024-06-01" in messages[0]


def test_strict_freshness_option(tmp_path: Path) -> None:
    config = site(tmp_path, {}, drift="error", strict_freshness=True)
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(
        manifest.read_text("utf-8").replace("next_review: 2099-01-01", "next_review: 2024-06-01"),
        encoding="utf-8",
    )
    with pytest.raises(Abort) as info:
        build_site(config)
    assert isinstance(info.value.__context__, PluginError)
    assert "freshness/overdue" in str(info.value.__context__)


def test_check_committed_option(tmp_path: Path) -> None:
    config = site(tmp_path, {"CNAME": "old.acme.dev\n"}, drift="error")
    with pytest.raises(Abort) as info:
        build_site(config)
    assert "docs/CNAME:1: artefact/stale: says 'old.acme.dev'" in str(info.value.__context__)
    config = site(tmp_path, {"CNAME": "old.acme.dev\n"}, drift="error", check_committed=False)
    build_site(config, strict=True)


def test_unquoted_off_in_a_real_mkdocs_yml(tmp_path: Path) -> None:
    """``drift: off`` unquoted is YAML ``false``: it must mean ``off``, not fail validation."""
    site(tmp_path, {"data.md": DRIFT_PAGE})
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Drift test\nsite_url: https://docs.acme.dev/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - manifest-docs:\n      drift: off\n",
        encoding="utf-8",
    )
    assert "drift: off\n" in config.read_text("utf-8")
    with quiet_env():
        loaded = load_config(config_file=str(config), strict=True)
    assert loaded.plugins["manifest-docs"].config.drift == "off"
    out = build_site(config, strict=True)
    assert "14+" in (out / "data/index.html").read_text("utf-8")


@pytest.mark.parametrize("value", ["on", "yes", "'loud'"])
def test_other_drift_values_are_still_rejected(tmp_path: Path, value: str) -> None:
    config = site(tmp_path, {})
    text = config.read_text("utf-8")
    config.write_text(
        text.replace("- manifest-docs: {}", f"- manifest-docs:\n      drift: {value}"),
        encoding="utf-8",
    )
    assert f"drift: {value}\n" in config.read_text("utf-8")
    with quiet_env(), pytest.raises(Abort):
        build_site(config)


def test_orphan_narrative_is_warned_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = site(tmp_path, {"services/nosuch.md": "# Nosuch\n\nWords.\n"}, drift="warn")
    with caplog.at_level(logging.WARNING):
        build_site(config)
    about = [r.getMessage() for r in caplog.records if "nosuch" in r.getMessage()]
    assert about == [
        "docs/services/nosuch.md:1: coverage/orphan: narrative for unknown service 'nosuch'; "
        "rename or remove it"
    ]


def test_orphan_narrative_is_still_warned_when_drift_is_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = site(tmp_path, {"services/nosuch.md": "# Nosuch\n\nWords.\n"}, drift="off")
    with caplog.at_level(logging.WARNING):
        build_site(config)
    about = [r.getMessage() for r in caplog.records if "nosuch" in r.getMessage()]
    assert len(about) == 1
    assert "docs/services/nosuch.md: narrative for unknown service 'nosuch'" in about[0]
