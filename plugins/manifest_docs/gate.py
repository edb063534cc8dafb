"""The drift gate's one verdict, for every adapter (the MkDocs plugin and ``br-ops check``).

The rule, decided once here:

- a finding of severity ``error`` **fails**: ``mkdocs build --strict`` (logged as a
  warning, or the build aborted with ``drift: error``) and ``br-ops check`` (exit 1);
- a finding of severity ``warning`` is **informational** in both: the plugin logs it at
  INFO level and ``br-ops check`` prints it and exits 0.

An overdue service review (``freshness/overdue``) is informational unless the plugin's
``strict_freshness`` option (``--strict-freshness`` on the command line) makes it an
error. Both adapters read the same options (:class:`GateOptions`, from the
``manifest-docs`` entry of ``mkdocs.yml``) and call :func:`run_gate`, so they report the
same findings and agree on whether they fail. Nothing here imports MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .drift import check_docs
from .drift.committed import check_committed
from .render.site import typed_options

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from pathlib import Path

    from .drift import Finding
    from .load import LoadedManifest

__all__ = ["GateOptions", "Verdict", "run_gate", "verdict"]


@dataclass(frozen=True)
class GateOptions:
    """The plugin options that decide what the drift gate reports and what fails.

    Defaults are those of :class:`manifest_docs.config.ManifestDocsConfig` (a test keeps
    the two in step).
    """

    strict_freshness: bool = False
    """An overdue service review is an error (fails) rather than informational."""
    check_committed: bool = True
    """Also compare the committed generated files with the manifest."""
    narratives: str = "services"
    """Folder under the docs whose ``<service>.md`` files are service narratives."""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> GateOptions:
        """Options from a plugin entry of ``mkdocs.yml``; unknown keys are ignored.

        Raises :class:`ValueError` naming ``where`` and the option on a wrongly typed value.
        """
        return typed_options(cls, options, where)


@dataclass
class Verdict:
    """The findings of one run of the gate, split by the one rule."""

    failing: list[Finding] = field(default_factory=list)
    """Findings that fail ``mkdocs build --strict`` and ``br-ops check``."""
    informational: list[Finding] = field(default_factory=list)
    """Findings both report without failing (an overdue review, by default)."""

    @property
    def findings(self) -> list[Finding]:
        """Every finding, sorted (file, line, rule)."""
        return sorted([*self.failing, *self.informational])

    @property
    def fails(self) -> bool:
        """Whether the gate fails (exit 1, a failed strict build)."""
        return bool(self.failing)


def verdict(findings: list[Finding]) -> Verdict:
    """Split ``findings`` (deduplicated, sorted) into failing and informational ones."""
    out = Verdict()
    for finding in sorted(set(findings)):
        (out.failing if finding.severity == "error" else out.informational).append(finding)
    return out


def run_gate(
    loaded: LoadedManifest,
    root: Path,
    docs_dir: Path,
    *,
    options: GateOptions,
    shown_dir: str,
    today: dt.date | None = None,
) -> Verdict:
    """Check the docs under ``docs_dir`` (and the committed files under ``root``).

    ``shown_dir`` is how the docs folder is named in findings (``docs``). Raises
    :class:`~manifest_docs.errors.DocsError` naming every page that could not be read.
    """
    findings = check_docs(
        loaded,
        docs_dir,
        shown_dir=shown_dir,
        narratives=options.narratives,
        today=today,
        strict_freshness=options.strict_freshness,
    )
    if options.check_committed:
        findings += check_committed(loaded.manifest, root, docs_dir=_under(docs_dir, root))
    return verdict(findings)


def _under(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (posix), or as given when it is elsewhere."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
