"""Fixtures of the second-engine tests (helpers live in ``zkit.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session", autouse=True)
def quiet_mkdocs() -> Iterator[None]:
    """Silence Material's end-of-life notice for every MkDocs build."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        yield
