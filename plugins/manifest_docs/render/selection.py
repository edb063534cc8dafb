"""Which generated pages a site gets, and what each needs from the engine's config.

The ``pages:`` option of the plugin names the pages (:data:`PAGE_KINDS`); without it a
site gets every page the manifest has data for (no Roadmap without phases, no Costs
page without costs, no Domains page without domains), and the Python API page only
when mkdocstrings is configured. A page that needs a Markdown extension or a plugin the
config lacks is never rendered as raw markup: :func:`select_pages` returns a problem
naming the page, what it needs and the exact lines to add to ``mkdocs.yml``.

Both adapters call it (the MkDocs plugin from its loaded config, ``br-ops pages`` from
the YAML of ``mkdocs.yml``), so both engines build the same selection. Pure: nothing
here imports MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..costs import cost_lines

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from ..model import Manifest

__all__ = [
    "PAGE_KINDS",
    "PAGE_URIS",
    "EngineFeatures",
    "Requirement",
    "has_data",
    "parse_pages",
    "select_pages",
]

PAGE_KINDS = (
    "catalog",
    "services",
    "domains",
    "costs",
    "environment",
    "architecture",
    "roadmap",
    "schema",
    "api",
)
"""Names of the generated pages, as the ``pages:`` option takes them, in navigation order."""

PAGE_URIS = {
    "catalog": "services/index.md",
    "services": "services/<name>.md",
    "domains": "domains/index.md",
    "costs": "costs/index.md",
    "environment": "environment/index.md",
    "architecture": "architecture/index.md",
    "roadmap": "phases/index.md",
    "schema": "reference/schema.md",
    "api": "reference/api.md",
}
"""Where each page is published in the docs tree (for messages)."""


@dataclass(frozen=True)
class EngineFeatures:
    """What an engine's config provides: Markdown extensions (with their options), plugins."""

    extensions: Mapping[str, Any]
    """Markdown extensions by name, each with its options (``{}`` when it has none)."""
    plugins: frozenset[str]
    """Names of the configured plugins."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EngineFeatures:
        """The features of a config read as YAML (``mkdocs.yml``'s own syntax).

        MkDocs adds ``toc``, ``tables`` and ``fenced_code`` to every config, so they
        count as present.
        """
        extensions: dict[str, Any] = {"toc": {}, "tables": {}, "fenced_code": {}}
        for name, options in _entries(config.get("markdown_extensions")):
            extensions[name] = options if isinstance(options, dict) else {}
        return cls(extensions, frozenset(name for name, _ in _entries(config.get("plugins"))))


def _entries(value: object) -> Iterable[tuple[str, Any]]:
    """``(name, options)`` of a list (``- name`` / ``- name: {...}``) or mapping of entries."""
    if isinstance(value, dict):
        yield from ((str(k), v) for k, v in value.items())
        return
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, str):
            yield entry, {}
        elif isinstance(entry, dict) and len(entry) == 1:
            ((name, options),) = entry.items()
            yield str(name), options


@dataclass(frozen=True)
class Requirement:
    """Something a page needs from the config, and how to add it."""

    why: str
    """What the page does that needs it (``is rendered from the package's docstrings``)."""
    what: str
    """What it needs, in words."""
    section: str
    """Top-level key of ``mkdocs.yml`` the lines go under (``plugins``, ``markdown_extensions``)."""
    lines: str
    """The exact entry to add under :attr:`section`."""
    met: Callable[[EngineFeatures], bool]
    """Whether a config provides it."""


MKDOCSTRINGS = Requirement(
    why="is rendered from the package's docstrings",
    what="the mkdocstrings plugin (with its Python handler)",
    section="plugins",
    lines="  - mkdocstrings\n",
    met=lambda features: "mkdocstrings" in features.plugins,
)
"""The Python API page."""

REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {"api": (MKDOCSTRINGS,)}
"""What each page needs beyond plain Markdown with MkDocs' own ``tables`` (the other
pages need nothing: their diagrams are inline SVG, their notes plain HTML)."""


def has_data(kind: str, manifest: Manifest) -> bool:
    """Whether ``manifest`` has anything for the page ``kind`` to show."""
    services = manifest.services.values()
    if kind in ("catalog", "services", "architecture"):
        return bool(manifest.services)
    if kind == "domains":
        return bool(manifest.domains) or any(s.domains.items() for s in services)
    if kind == "costs":
        return bool(cost_lines(manifest))
    if kind == "environment":
        return any(s.env or s.exports for s in services)
    if kind == "roadmap":
        return bool(manifest.phases)
    return True  # schema, api: about the manifest format and the package, not the data


def parse_pages(value: object, where: str) -> tuple[str, ...]:
    """The ``pages:`` option's value (a list of page names), or :class:`ValueError`."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: expected a list of page names, got {value!r}")
    unknown = [v for v in value if v not in PAGE_KINDS]
    if unknown:
        raise ValueError(
            f"{where}: unknown page {unknown[0]!r}; the pages are {', '.join(PAGE_KINDS)}"
        )
    return tuple(k for k in PAGE_KINDS if k in value)


def _line_of(text: str | None, key: str) -> int:
    """Line (1-based) of the top-level ``key:`` in a config's text (0: not there)."""
    if text is None:
        return 0
    found = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def select_pages(
    manifest: Manifest,
    requested: Sequence[str] | None,
    features: EngineFeatures,
    *,
    config_name: str = "mkdocs.yml",
    config_text: str | None = None,
) -> tuple[tuple[str, ...], list[str]]:
    """The pages to generate, and a problem per selected page the config cannot render.

    ``requested`` is the ``pages:`` option (``None``: every page with data, the API page
    only with mkdocstrings). ``config_name`` and ``config_text`` locate the problems.
    """
    if requested is None:
        chosen = [
            k
            for k in PAGE_KINDS
            if has_data(k, manifest) and (k != "api" or MKDOCSTRINGS.met(features))
        ]
    else:
        chosen = [k for k in PAGE_KINDS if k in requested]
    problems = []
    for kind in chosen:
        for need in REQUIREMENTS.get(kind, ()):
            if need.met(features):
                continue
            line = _line_of(config_text, need.section)
            where = f"{config_name}:{line}" if line else config_name
            others = ", ".join(k for k in chosen if k != kind)
            problems.append(
                f"{where}: manifest-docs: the {kind!r} page ({PAGE_URIS[kind]}) {need.why}, "
                f"which needs {need.what}; add to {config_name}:\n\n"
                f"{need.section}:\n{need.lines}\n"
                f"or leave the page out with the plugin's option pages: [{others}]"
            )
    return tuple(chosen), problems
