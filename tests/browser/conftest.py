"""Browser fixtures: the real site, built once, served on 127.0.0.1, read by real Chromium.

Once per session the site is built with ``mkdocs build --strict`` into a temporary folder
and served by a threaded ``http.server``. Each test gets a fresh browser context (its own
storage, so a palette choice never leaks into the next test) in which every request to a
host other than 127.0.0.1 is aborted, except Mermaid's CDN URL, which is answered from the
copy that ``tests/browser/fetch_mermaid.sh`` puts under ``build/vendor/`` (only the
deployment guide's hand-written diagram uses Mermaid: the generated ones are static SVG).

Without Chromium or the ``playwright`` package the tests skip and say why; with
``REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browserkit import (
    CHROMIUM_ARGS,
    LOCAL_HOST,
    MERMAID_JS,
    REPO_ROOT,
    Visit,
    screenshot_name,
    tabs,
    unavailable,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real documentation site, built once with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("browser") / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(site)],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed (exit {proc.returncode}):\n{proc.stderr}",
            pytrace=False,
        )
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL (ending in ``/``) of the built site, served on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright's sync API (never ``playwright install``)."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).is_file():
        unavailable(f"Chromium not found at {executable} (set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as exc:
        unavailable(f"the playwright package is not importable: {exc}")

    expect.set_options(timeout=15_000)  # generous: a loaded CI machine, never a timing test
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def mermaid_js() -> Path:
    """The local copy of Mermaid 11 that stands in for the CDN."""
    if not MERMAID_JS.is_file():
        unavailable(
            f"Mermaid not found at {MERMAID_JS.relative_to(REPO_ROOT)}; "
            "run tests/browser/fetch_mermaid.sh"
        )
    return MERMAID_JS


@pytest.fixture
def open_visit(
    request: pytest.FixtureRequest, chromium: Browser, site_url: str
) -> Iterator[Callable[..., Visit]]:
    """Factory: ``open_visit(width, height)`` opens a fresh context and tab on the site.

    Each tab is screenshotted as ``build/screenshots/<test-name>.png`` when the test ends,
    pass or fail, so the last state can be looked at.
    """
    with tabs(chromium, site_url, screenshot_name(request.node.name)) as open_:
        yield open_


@pytest.fixture
def visit(open_visit: Callable[..., Visit]) -> Visit:
    """A fresh desktop-sized (1280×800) tab on the built site."""
    return open_visit()
