"""Rule ``artefact/stale``: files generated from the manifest and committed must match it.

Covers the README's service table (between markers), the site's ``CNAME``, the
``site_url`` of ``mkdocs.yml`` against the manifest's docs URL, and the deploy files
that ``br-ops render`` writes. Each finding carries a unified diff and the command
that fixes it.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..artefacts import DEPLOY_DIR, RENDER_FIX, diff_rendered
from ..fsutil import write_atomic
from .findings import Finding

if TYPE_CHECKING:
    from pathlib import Path

    from ..model import Manifest

__all__ = [
    "README_END",
    "README_START",
    "check_committed",
    "readme_table",
    "refresh_committed",
    "update_readme",
]

README_START = "<!-- manifest-docs:services:start -->"
"""Marker before the generated service table in README.md."""
README_END = "<!-- manifest-docs:services:end -->"
"""Marker after it."""
FIX = RENDER_FIX  # `render --write` into deploy/ also refreshes the README table and docs/CNAME


def readme_table(manifest: Manifest) -> str:
    """The README's service table (plain Markdown; names and hostnames are validated)."""
    phased = bool(manifest.phases)
    rows = [
        "| Service | Status | Kind |" + " Phase |" * phased + " Production domain |",
        "| --- | --- | --- |" + " --- |" * phased + " --- |",
    ]
    for name, svc in sorted(
        manifest.services.items(), key=lambda kv: (kv[1].status.value != "active", kv[0])
    ):
        host = svc.domains.first(manifest.production)
        prod = f"`{host}`" if host else "—"
        phase = f" {'—' if svc.phase is None else svc.phase} |" * phased
        rows.append(f"| {name} | {svc.status.value} | {svc.kind.value} |{phase} {prod} |")
    return "\n".join(rows) + "\n"


def update_readme(text: str, manifest: Manifest) -> str | None:
    """``text`` with the block between the markers regenerated (``None``: no markers)."""
    pattern = re.compile(re.escape(README_START) + r"\n.*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        return None
    block = f"{README_START}\n{readme_table(manifest)}{README_END}"
    return pattern.sub(lambda _: block, text, count=1)


def _diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


_SITE_URL = re.compile(r"^site_url:[ \t]*['\"]?(https?://[^'\"\s#]+)", re.MULTILINE)


def _site_url(text: str, docs_url: str) -> Finding | None:
    """A finding when ``site_url`` in ``mkdocs.yml`` (``text``) is not on the docs host.

    No ``br-ops`` command rewrites ``mkdocs.yml`` (it is hand-edited, comments and tags
    included), so the finding names the exact line to write, and the diff shows it.
    """
    match = _SITE_URL.search(text)
    if match is None:
        return None
    site = match.group(1)
    host = urlsplit(docs_url).hostname or ""
    if (urlsplit(site).hostname or "") == host:
        return None
    want = docs_url.rstrip("/") + "/" if site.endswith("/") else docs_url
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    end = len(text) if end < 0 else end
    line = text[start:end]
    fixed = line[: match.start(1) - start] + want + line[match.end(1) - start :]
    number = text.count("\n", 0, start) + 1
    return Finding(
        "mkdocs.yml",
        number,
        "artefact/stale",
        f"site_url is {site!r} but organization.docs_url in the manifest is {docs_url!r}; "
        f"no br-ops command rewrites mkdocs.yml, so change line {number} to: {fixed.strip()}",
        diff=_diff("mkdocs.yml", text, text[:start] + fixed + text[end:]),
    )


def check_committed(manifest: Manifest, root: Path, *, docs_dir: str = "docs") -> list[Finding]:
    """Findings for every committed artefact under ``root`` that the manifest contradicts."""
    out: list[Finding] = []
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text("utf-8")
        wanted = update_readme(text, manifest)
        if wanted is not None and wanted != text:
            out.append(
                Finding(
                    "README.md",
                    _line_of(text, README_START),
                    "artefact/stale",
                    f"the service table is out of date; run: {FIX}",
                    diff=_diff("README.md", text, wanted),
                )
            )
    docs_url = manifest.organization.docs_url
    host = urlsplit(docs_url).hostname or "" if docs_url else ""
    cname = root / docs_dir / "CNAME"
    if host and cname.is_file():
        have = cname.read_text("utf-8")
        if have.strip() != host:
            out.append(
                Finding(
                    f"{docs_dir}/CNAME",
                    1,
                    "artefact/stale",
                    f"says {have.strip()!r}, the manifest's docs_url host is {host!r}; run: {FIX}",
                    diff=_diff(f"{docs_dir}/CNAME", have, host + "\n"),
                )
            )
    mkdocs_yml = root / "mkdocs.yml"
    if docs_url and mkdocs_yml.is_file():
        stale = _site_url(mkdocs_yml.read_text("utf-8"), docs_url)
        if stale is not None:
            out.append(stale)
    deploy = root / DEPLOY_DIR
    if deploy.is_dir():
        for d in diff_rendered(manifest, deploy, label=DEPLOY_DIR):
            if d.kind == "conflict":
                message = f"is {d.reason}; then run: {RENDER_FIX}"
            else:
                what = {
                    "missing": "is missing",
                    "changed": "is out of date",
                    "stale": "is no longer generated",
                }[d.kind]
                message = f"{what}; run: {RENDER_FIX}"
            out.append(Finding(f"{DEPLOY_DIR}/{d.path}", 1, "artefact/stale", message, diff=d.diff))
    return out


def refresh_committed(manifest: Manifest, root: Path) -> list[str]:
    """Regenerate README.md's service table (between markers) and docs/CNAME if present.

    Returns the paths written (atomically); used by ``br-ops render --write`` when it
    renders into the project's own :data:`~manifest_docs.artefacts.DEPLOY_DIR` (never
    for another ``--out`` folder, which must be the only thing such a render touches).
    """
    written = []
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text("utf-8")
        new = update_readme(text, manifest)
        if new is not None and new != text:
            write_atomic(readme, new)
            written.append("README.md")
    cname = root / "docs" / "CNAME"
    docs_url = manifest.organization.docs_url
    host = urlsplit(docs_url).hostname or "" if docs_url else ""
    if host and cname.is_file() and cname.read_text("utf-8").strip() != host:
        write_atomic(cname, host + "\n")
        written.append("docs/CNAME")
    return written
