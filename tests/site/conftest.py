"""Fixtures for the site tests (helpers to import live in ``sitekit.py``).

Test modules import helpers from ``sitekit`` rather than ``from conftest import``: with
several ``conftest.py`` files under ``tests/``, pytest imports each as the module
``conftest`` and that import finds whichever was loaded last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sitekit import QUIET

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session", autouse=True)
def quiet_mkdocs() -> Iterator[None]:
    """Silence Material's end-of-life notice for every build (module-scoped ones too)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in QUIET.items():
            mp.setenv(key, value)
        yield
