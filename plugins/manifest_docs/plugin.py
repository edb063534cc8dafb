"""The ``manifest-docs`` MkDocs plugin: a thin adapter from MkDocs hooks to the core.

The manifest is loaded once per build (``on_config``); pages come from
:func:`manifest_docs.render.site.site_output` (``on_files``; ``br-ops pages`` writes
the same output as files for other engines) and are placed in a
grouped navigation section (``on_nav``). Under ``mkdocs serve`` a broken manifest is
reported and the site keeps being served; under ``mkdocs build`` it aborts the build.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel

from .config import ManifestDocsConfig
from .drift import DocsError, format_finding
from .errors import ManifestError, Problem
from .facts import Facts, template_line
from .gate import GateOptions, run_gate
from .load import LoadedManifest, load_manifest
from .navigation import build_section, error_page
from .ops import schema_note
from .render.pages import GeneratedPage, PageSet
from .render.selection import PAGE_KINDS, EngineFeatures, select_pages
from .render.site import CSS_URI, SiteOutput, site_output, stylesheet

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

__all__ = ["ManifestDocsPlugin"]

log = logging.getLogger("mkdocs.plugins.manifest_docs")


class ManifestDocsPlugin(BasePlugin[ManifestDocsConfig]):
    """Generates the infrastructure pages of a MkDocs site from ``manifest.yml``."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.loaded: LoadedManifest | None = None
        self.problems: list[Problem] = []
        self.pages = PageSet()
        self.facts: Facts | None = None
        self.manifest_path = Path("manifest.yml")
        self.overrides: Path | None = None
        self.macro_errors: list[tuple[int | None, str]] = []
        self.line_offset = 0
        self.narratives: dict[str, tuple[int, int]] = {}
        self.jinja_markers: tuple[str, ...] = ("{{", "{%", "{#")
        """What starts a Jinja tag (pages without one skip the macros pass)."""
        self.selected: tuple[str, ...] = PAGE_KINDS
        """The generated pages this site gets (the ``pages`` option, resolved)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember whether we are serving (then a broken manifest must not stop the server)."""
        self.serving = command == "serve"

    # Priority: 50 (run early) so other plugins see the generated files and CSS.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load and validate the manifest, once per build."""
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").resolve().parent
        self.manifest_path = (root / self.config.manifest).resolve()
        overrides = root / self.config.overrides
        self.overrides = overrides if overrides.is_dir() else None
        self.loaded, self.problems, self.facts = None, [], None
        try:
            self.loaded = load_manifest(self.manifest_path, shown=self.config.manifest)
        except ManifestError as exc:
            self.problems = exc.problems
            if not self.serving:
                raise PluginError("manifest-docs: invalid manifest\n" + str(exc)) from None
            for problem in exc.problems:
                log.warning(str(problem))
        else:
            for warning in self.loaded.warnings:
                log.warning(str(warning))
            note = schema_note(
                self.loaded.manifest, self.config.manifest, legacy=self.loaded.legacy
            )
            if note:
                log.info(f"manifest-docs: {note}")
            self.facts = Facts(self.loaded.manifest, report=self._report)
            self.selected = _select(self.loaded, self.config.pages, config)
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        self.jinja_markers = _jinja_markers(config)
        return config

    def _report(self, message: str) -> None:
        self.macro_errors.append((template_line(), message))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Add the generated pages (with narratives appended), downloads, CSS and CNAME."""
        if not self.config.enabled:
            return None
        for template in _override_templates(files, self.overrides):
            files.remove(template)
        if self.loaded is None:
            site = SiteOutput(
                pages=[error_page(self.problems)],
                files=[GeneratedPage(CSS_URI, stylesheet(), "manifest-docs.css")],
            )
        else:
            # The one core call `br-ops pages` makes too: both engines get the same pages.
            site = site_output(
                self.loaded.manifest,
                hand_written=lambda uri: _hand_written(files, uri),
                overrides=self.overrides,
                source_name=self.config.manifest,
                group_size=self.config.group_size,
                pages=self.selected,
                directory_urls=config.use_directory_urls,
            )
        self.pages = PageSet(pages=site.pages, files=site.files)
        self.narratives = {uri: (n.start, n.skipped) for uri, n in site.narratives.items()}
        docs_dir = Path(config.docs_dir).resolve().as_posix()
        for page in site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None and existing.generated_by is None:
                files.remove(existing)  # its text is in the page now (a narrative)
            new = File.generated(
                config, page.src_uri, content=page.content, inclusion=InclusionLevel.NOT_IN_NAV
            )
            new.edit_uri = (
                page.src_uri
                if page.src_uri in site.narratives
                else posixpath.relpath(self.manifest_path.as_posix(), docs_dir)
            )
            files.append(new)
        narrative_dir = self.config.narratives.strip("/")
        services = self.loaded.manifest.services if self.loaded else {}
        for f in files.documentation_pages():
            stem = posixpath.splitext(f.src_uri)[0]
            if (
                posixpath.dirname(stem) == narrative_dir
                and f.generated_by is None
                and posixpath.basename(stem) not in services
                and self.loaded is not None
                and self.config.drift == "off"  # else the drift gate reports coverage/orphan
            ):
                log.warning(
                    f"{config.docs_dir}/{f.src_uri}: narrative for unknown service "
                    f"{posixpath.basename(stem)!r}; services: {', '.join(services)}"
                )
        for extra in site.files:
            files.append(File.generated(config, extra.src_uri, content=extra.content))
        self._drift(config)
        return files

    def _drift(self, config: MkDocsConfig) -> None:
        """Run the drift gate over the hand-written docs (and committed artefacts).

        The verdict is :func:`manifest_docs.gate.run_gate`'s, the same as ``br-ops
        check``'s: failing findings are warnings (``drift: error`` aborts the build),
        informational ones (an overdue review, by default) are logged at INFO level.
        """
        if self.loaded is None or self.config.drift == "off":
            return
        docs = Path(config.docs_dir)
        root = Path(config.config_file_path or ".").resolve().parent
        options = GateOptions.from_mapping(self.config, "plugins.manifest-docs")
        try:
            result = run_gate(self.loaded, root, docs, options=options, shown_dir=_rel(docs, root))
        except DocsError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from None
            log.warning(str(exc))
            return
        for finding in result.informational:
            log.info(format_finding(finding))
        if result.fails and self.config.drift == "error" and not self.serving:
            raise PluginError(
                "drift between the docs and the manifest:\n"
                + "\n".join(format_finding(f) for f in result.failing)
            )
        for finding in result.failing:
            log.warning(format_finding(finding))

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Place the generated pages in one grouped section (bounded group sizes)."""
        if not self.config.enabled:
            return None
        return build_section(
            nav,
            files,
            self.pages.pages,
            title=self.config.nav_title,
            position=self.config.nav_position,
        )

    # Priority: 100 (run early), before mkdocs-macros expands the page.
    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Tell the macros which page they render; mark generated pages for the theme."""
        if self.facts is not None:
            self.facts.page_uri = page.file.src_uri
        self.macro_errors = []
        raw = page.file.content_string
        found = raw.find(markdown[:200]) if markdown else -1
        self.line_offset = raw[:found].count("\n") if found > 0 else 0
        if "render_macros" not in page.meta:
            # Nothing for the macros to expand (generated pages never have any: their
            # text is escaped): spare the page a Jinja parse and render.
            meta = str(page.meta)
            if not any(m in markdown or m in meta for m in self.jinja_markers):
                page.meta["render_macros"] = False
        if page.meta.get("manifest_docs") == "generated":
            page.meta["manifest_source"] = self.config.manifest
        return None

    # Priority: -100 (run late), after mkdocs-macros has expanded the page's macros.
    @event_priority(-100)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fail the build (or warn while serving) on a macro that named a missing fact."""
        if self.macro_errors:
            lines = [self._locate(page, line, msg, config) for line, msg in self.macro_errors]
            self.macro_errors = []
            if not self.serving:
                raise PluginError("\n".join(lines))
            for line in lines:
                log.warning(line)
        return None

    def _locate(self, page: Page, line: int | None, message: str, config: MkDocsConfig) -> str:
        """``docs/page.md:LINE: message``, with the line in the file the author edits."""
        docs = Path(config.docs_dir).name
        where = f"{docs}/{page.file.src_uri}"
        if line is None:
            return f"{where}: {message}"
        line += self.line_offset
        start = self.narratives.get(page.file.src_uri)
        if start is not None and line >= start[0]:
            line = line - start[0] + 1 + start[1]
        return f"{where}:{line}: {message}"

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when the manifest or an override template changes."""
        server.watch(str(self.manifest_path))
        if self.overrides is not None:
            server.watch(str(self.overrides))
        return server


def _select(
    loaded: LoadedManifest, requested: list[str] | None, config: MkDocsConfig
) -> tuple[str, ...]:
    """The pages to generate; a selected page the config cannot render stops the build."""
    names = [n for n in config.markdown_extensions if isinstance(n, str)]
    features = EngineFeatures(
        {n: config.mdx_configs.get(n, {}) for n in names}, frozenset(config.plugins)
    )
    path = Path(config.config_file_path) if config.config_file_path else None
    pages, problems = select_pages(
        loaded.manifest,
        requested,
        features,
        config_name=path.name if path else "mkdocs.yml",
        config_text=path.read_text("utf-8") if path and path.is_file() else None,
    )
    if problems:
        raise PluginError("\n".join(problems))
    return pages


def _jinja_markers(config: MkDocsConfig) -> tuple[str, ...]:
    """What starts a Jinja tag for mkdocs-macros (its ``j2_*_start_string`` options)."""
    macros = config.plugins.get("macros")
    options = getattr(macros, "config", {}) or {}
    return tuple(
        options.get(f"j2_{kind}_start_string") or default
        for kind, default in (("variable", "{{"), ("block", "{%"), ("comment", "{#"))
    )


def _hand_written(files: Files, uri: str) -> str | None:
    """The text of the hand-written (not generated) file at ``uri``, if there is one."""
    existing = files.get_file_from_path(uri)
    if existing is None or existing.generated_by is not None:
        return None
    return existing.content_string


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _override_templates(files: Files, overrides: Path | None) -> list[File]:
    """The plugin's page templates (``*.md.j2`` under ``overrides``) among the files.

    ``overrides/`` is usually the theme's ``custom_dir`` too, whose files MkDocs would
    publish; the templates are only read by the plugin.
    """
    if overrides is None:
        return []
    root = overrides.resolve()
    return [
        f
        for f in files
        if f.src_uri.endswith(".md.j2")
        and f.abs_src_path is not None
        and Path(f.abs_src_path).resolve().is_relative_to(root)
    ]
