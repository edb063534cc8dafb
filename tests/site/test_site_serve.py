"""``mkdocs serve`` survives a broken manifest: it shows the problems, then recovers.

Runs the real ``mkdocs serve`` on 127.0.0.1. Live reload stays on: with
``--no-livereload`` MkDocs 1.6 watches no file at all (``mkdocs/commands/serve.py``
registers watches, and calls the plugins' ``on_serve``, only when live reload is on),
so an edited manifest would never be rebuilt.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sitekit import FIXTURE_MANIFEST, parse, subprocess_env, write_project

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MKDOCS = Path(sys.executable).parent / "mkdocs"
PROJECT = Path(__file__).resolve().parents[2]
"""The project's own checkout (its ``mkdocs.yml``, ``docs/``, ``manifest.yml``)."""
DEADLINE = 30.0
"""Seconds to wait for each state (start, broken, recovered); a limit, not a measure."""

CATALOG = "6 services:"
BROKEN = "expected a size like '256MB', got 'lots'"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """Status and body of ``url``; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def article_text(body: str) -> str:
    return parse(body).find("article", "md-content__inner").text()


class Server:
    """A running ``mkdocs serve`` and its output log."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc = proc
        self.log = log

    def wait_for(self, url: str, accept: Callable[[str], bool], what: str) -> str:
        """Poll ``url`` until it answers 200 with a body ``accept`` likes; return the body."""
        limit = time.monotonic() + DEADLINE
        last: tuple[int, str] = (0, "")
        while time.monotonic() < limit:
            if self.proc.poll() is not None:
                self.fail(f"mkdocs serve exited with {self.proc.returncode} before {what}")
            last = fetch(url)
            if last[0] == 200 and accept(last[1]):
                return last[1]
            time.sleep(0.25)
        self.fail(f"no {what} at {url} within {DEADLINE}s; last status {last[0]}")
        raise AssertionError  # unreachable: fail() raises

    def fail(self, message: str) -> None:
        output = self.log.read_text("utf-8", errors="replace")[-3000:]
        pytest.fail(f"{message}\n--- mkdocs serve output (tail) ---\n{output}")


@contextlib.contextmanager
def serving(config: Path, root: Path) -> Iterator[tuple[Server, str]]:
    """Run ``mkdocs serve`` for ``config`` on a free port; yield it and its base URL."""
    port = free_port()
    log_path = root / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(MKDOCS), "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env=subprocess_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Server(proc, log_path), f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.skipif(not MKDOCS.is_file(), reason=f"{MKDOCS} not installed")
def test_serve_shows_manifest_errors_and_recovers(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"drift": "off"})
    manifest = tmp_path / "manifest.yml"
    good = FIXTURE_MANIFEST.read_text("utf-8")
    with serving(config, tmp_path) as (server, base):
        url = base + "services/"
        body = server.wait_for(url, lambda b: CATALOG in article_text(b), "service catalog")
        assert BROKEN not in article_text(body)

        manifest.write_text(good.replace("memory: 256MB", "memory: lots"), encoding="utf-8")
        body = server.wait_for(url, lambda b: BROKEN in article_text(b), "manifest error page")
        text = article_text(body)
        assert "manifest.yml has errors" in text
        assert "services.redis.resources.memory" in text
        assert CATALOG not in text
        assert fetch(base)[0] == 200

        manifest.write_text(good, encoding="utf-8")
        body = server.wait_for(url, lambda b: CATALOG in article_text(b), "restored catalog")
        assert BROKEN not in article_text(body)
        assert server.proc.poll() is None


# Hand-written pages of the project's own docs that read facts through the macros.
PROJECT_PAGES = ["", "infrastructure/", "guides/deployment/", "guides/rollback/"]
NARRATIVE = "services/redis/"
WARNING = "manifest.yml has errors"


@pytest.mark.skipif(not MKDOCS.is_file(), reason=f"{MKDOCS} not installed")
@pytest.mark.skipif(not (PROJECT / "mkdocs.yml").is_file(), reason="project checkout absent")
def test_serve_of_the_real_docs_survives_a_broken_manifest(tmp_path: Path) -> None:
    """The project's own pages use macros everywhere: a broken manifest must not stop them."""
    for name in ("docs", "overrides"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    for name in ("mkdocs.yml", "manifest.yml"):
        shutil.copy2(PROJECT / name, tmp_path / name)
    manifest = tmp_path / "manifest.yml"
    good = manifest.read_text("utf-8")
    assert good.count("memory: 256MB") == 1
    with serving(tmp_path / "mkdocs.yml", tmp_path) as (server, base):
        catalog = base + "services/"
        server.wait_for(catalog, lambda b: "services:" in article_text(b), "service catalog")
        assert WARNING not in article_text(fetch(base + "infrastructure/")[1])

        manifest.write_text(good.replace("memory: 256MB", "memory: lots"), encoding="utf-8")
        server.wait_for(catalog, lambda b: BROKEN in article_text(b), "manifest error page")
        for page in [*PROJECT_PAGES, NARRATIVE]:
            status, body = fetch(base + page)
            assert status == 200, f"/{page} answered {status}"
            assert WARNING in article_text(body), f"/{page} shows no manifest warning"
        assert server.proc.poll() is None

        manifest.write_text(good, encoding="utf-8")
        server.wait_for(
            catalog,
            lambda b: "services:" in article_text(b) and BROKEN not in article_text(b),
            "restored catalog",
        )
        for page in [*PROJECT_PAGES, NARRATIVE]:
            status, body = fetch(base + page)
            assert status == 200, f"/{page} answered {status} after the fix"
            assert WARNING not in article_text(body), f"/{page} still shows the warning"
        assert server.proc.poll() is None
