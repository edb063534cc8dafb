"""Configuration of the ``manifest-docs`` MkDocs plugin (each option documents itself)."""

from __future__ import annotations

from typing import Literal

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from .render.selection import PAGE_KINDS

__all__ = ["DriftChoice", "DriftMode", "ManifestDocsConfig"]

DriftMode = Literal["error", "warn", "off"]
"""What the drift gate does with its findings."""


class DriftChoice(opt.Choice[DriftMode]):
    """``error | warn | off``, where a bare ``off`` (YAML reads it as ``false``) is ``off``."""

    def run_validation(self, value: object) -> DriftMode:
        """Map YAML's ``false`` (``drift: off`` unquoted) to ``"off"``, then validate."""
        return super().run_validation("off" if value is False else value)


class ManifestDocsConfig(Config):
    """Options under ``plugins: - manifest-docs:`` in ``mkdocs.yml``."""

    enabled = opt.Type(bool, default=True)
    """Whether to generate anything at all. Default is true."""

    manifest = opt.Type(str, default="manifest.yml")
    """Path of the manifest, relative to ``mkdocs.yml``. Default ``manifest.yml``."""

    overrides = opt.Type(str, default="overrides")
    """Folder (relative to ``mkdocs.yml``) whose ``*.md.j2`` files replace the packaged
    page templates of the same name. Default ``overrides``."""

    nav_title = opt.Type(str, default="Infrastructure")
    """Title of the navigation section holding the generated pages."""

    nav_position = opt.Type(int, default=-1)
    """Where the section goes among the top-level navigation items (``-1``: last)."""

    pages = opt.Optional(opt.ListOfItems(opt.Choice(PAGE_KINDS)))
    """Which generated pages the site gets, from ``catalog`` (the service catalog),
    ``services`` (a page per service), ``domains``, ``costs``, ``environment``,
    ``architecture``, ``roadmap``, ``schema`` (the manifest's schema reference) and
    ``api`` (this package's Python API, via mkdocstrings). Default: every page the
    manifest has data for (no roadmap without phases, no costs page without costs, no
    domains page without domains), and ``api`` only when mkdocstrings is configured.
    A selected page that needs a Markdown extension or plugin the config lacks fails
    the build with the lines to add to ``mkdocs.yml``."""

    group_size = opt.Type(int, default=30)
    """Most entries in one navigation group: a larger group is split into ranges
    (``svc-00 – svc-29``), nested so that no level holds more (at least 2)."""

    drift = DriftChoice(("error", "warn", "off"), default="warn")
    """What the drift gate does with findings that fail ``br-ops check``: ``warn`` logs
    each as a warning (so ``mkdocs build --strict`` fails), ``error`` aborts the build,
    ``off`` skips the check. Informational findings (an overdue review without
    ``strict_freshness``) are logged at INFO level and fail neither. ``drift: off`` may
    be written unquoted (YAML reads a bare ``off`` as ``false``, which counts as
    ``off``). Default ``warn``."""

    strict_freshness = opt.Type(bool, default=False)
    """Treat an overdue service review (``review.next_review`` passed) as drift that
    fails ``mkdocs build --strict`` and ``br-ops check`` alike. When false (the default)
    both report it without failing (the plugin logs it at INFO level)."""

    check_committed = opt.Type(bool, default=True)
    """Also compare committed generated files (README service table, ``docs/CNAME``,
    ``site_url``, deploy files) with the manifest."""

    narratives = opt.Type(str, default="services")
    """Folder under ``docs/`` whose ``<service>.md`` files are appended to the generated
    service pages as hand-written narrative."""
