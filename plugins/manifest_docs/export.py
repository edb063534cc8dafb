"""The site's sources for an engine that runs no MkDocs plugins (Zensical), as files.

:func:`export_site` reads ``mkdocs.yml`` (the ``manifest-docs`` plugin's options, the
docs folder, the navigation) and returns every file the other engine's docs folder
needs: the hand-written docs as they are, and the output of
:func:`~manifest_docs.render.site.site_output` — the same call the MkDocs plugin makes —
with each narrative appended to its service page. :func:`engine_config` writes the
config that engine reads: ``mkdocs.yml`` with ``docs_dir`` and ``site_dir`` pointing at
the export, the navigation grouped as the plugin groups it
(:func:`~manifest_docs.render.site.nav_entries`), the stylesheet, and the macros told
where the manifest is. Nothing here imports MkDocs.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from .load import LoadedManifest, load_manifest
from .render.selection import EngineFeatures, select_pages
from .render.site import CSS_URI, PageOptions, auto_nav, nav_entries, site_output

if TYPE_CHECKING:
    from .render.pages import GeneratedPage

__all__ = [
    "CONFIG_KEY",
    "ExportError",
    "SiteConfig",
    "SiteExport",
    "Tagged",
    "engine_config",
    "export_site",
    "plugin_settings",
    "read_config",
]

CONFIG_KEY = "manifest_docs"
"""Key under ``extra`` of a config for the macros' own options when the plugin is absent::

    extra:
      manifest_docs:
        manifest: manifest.yml   # the manifest, relative to the config file
        docs: docs               # the folder named in error messages (default: docs_dir)
"""

PLUGIN = "manifest-docs"
"""The plugin's name in ``mkdocs.yml``."""

PROTECT_CODE = "manifest_docs.macros.ProtectCode"
"""The Jinja extension doing the macros' ``on_pre_page_macros`` work on other engines."""


class ExportError(Exception):
    """Invalid input for an export; ``problems`` holds one located message each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Tagged:
    """A YAML node with an application tag (``!!python/name:…``, ``!ENV``), kept as written."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps unknown tags (MkDocs configs use ``!!python/name`` and ``!ENV``)."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)


class _Dumper(yaml.SafeDumper):
    """Dumps :class:`Tagged` nodes back with their tags."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


@dataclass(frozen=True)
class SiteConfig:
    """``mkdocs.yml``, read once: its text (to locate problems) and its data."""

    path: Path
    """The file as named (``mkdocs.yml``)."""
    text: str
    """Its text."""
    data: dict[str, Any]
    """Its settings (tags kept as :class:`Tagged`)."""

    @property
    def root(self) -> Path:
        """Folder of the config (paths in it are relative to this)."""
        return self.path.resolve().parent

    @property
    def docs_dir(self) -> Path:
        """The hand-written docs (``docs_dir``, default ``docs``)."""
        return self.root / str(self.data.get("docs_dir") or "docs")

    @property
    def settings(self) -> dict[str, Any]:
        """The options of its ``manifest-docs`` plugin entry (see :func:`plugin_settings`)."""
        return plugin_settings(self.data)


def read_config(path: Path) -> SiteConfig:
    """``mkdocs.yml`` read and parsed (tags kept as :class:`Tagged`), or :class:`ExportError`."""
    try:
        text = path.read_text("utf-8")
        data = yaml.load(text, Loader=_Loader)
    except OSError as exc:
        raise ExportError([f"{path}: cannot read the config ({exc.strerror or exc})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or exc
        raise ExportError([f"{where}: not valid YAML: {problem}"]) from None
    if not isinstance(data, dict):
        raise ExportError([f"{path}: expected a mapping of settings"])
    return SiteConfig(path, text, data)


def plugin_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The options of the ``manifest-docs`` entry of a config (``{}`` when it is not listed)."""
    plugins = config.get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else plugins
    for entry in entries:
        name, options = (entry, {}) if isinstance(entry, str) else _pair(entry)
        if name == PLUGIN:
            return options if isinstance(options, dict) else {}
    return {}


def _plugin_options(config: SiteConfig) -> PageOptions:
    """The ``manifest-docs`` plugin's options (its defaults when it is not listed)."""
    try:
        return PageOptions.from_mapping(
            config.settings, f"{config.path.as_posix()}: plugins.{PLUGIN}"
        )
    except ValueError as exc:
        raise ExportError([str(exc)]) from None


def _pair(entry: Any) -> tuple[Any, Any]:
    if isinstance(entry, tuple):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return next(iter(entry.items()))
    return None, None


@dataclass
class SiteExport:
    """Everything an engine without the plugin needs to build the site."""

    loaded: LoadedManifest
    """The manifest, loaded and validated once."""
    root: Path
    """Folder of ``mkdocs.yml`` (paths in it are relative to this)."""
    config_name: str
    """File name of the config read (``mkdocs.yml``)."""
    config: dict[str, Any]
    """``mkdocs.yml`` as read."""
    options: PageOptions
    """The plugin's options from ``mkdocs.yml``."""
    docs_dir: Path
    """The hand-written docs."""
    pages: list[GeneratedPage]
    """Generated pages (narratives appended), in navigation order."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Every file of the export folder by posix path: hand-written docs and generated output."""
    hand_written_pages: list[str] = field(default_factory=list)
    """Markdown pages copied from the docs (for the navigation when ``nav:`` is absent)."""


def _hand_written(docs: Path, out: Path | None) -> dict[str, Path]:
    """Files of the docs by posix path, as MkDocs publishes them (no dot-files or folders)."""
    found: dict[str, Path] = {}
    out_resolved = out.resolve() if out is not None else None
    for folder, dirs, names in os.walk(docs):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (here / d).resolve() != out_resolved
        )
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = here / name
            found[path.relative_to(docs).as_posix()] = path
    return found


def export_site(
    config_path: Path, *, manifest: str | None = None, out: Path | None = None
) -> SiteExport:
    """Read ``config_path`` and the manifest, and build every file of the export.

    ``manifest`` overrides the plugin's ``manifest`` option (relative to the working
    directory, as ``--manifest`` is). Raises :class:`ExportError` (bad config or
    folders) or :class:`~manifest_docs.errors.ManifestError` (bad manifest).
    """
    shown = config_path.as_posix()
    site_config = read_config(config_path)
    config, root, docs_dir = site_config.data, site_config.root, site_config.docs_dir
    options = _plugin_options(site_config)
    if not docs_dir.is_dir():
        raise ExportError([f"{shown}: docs_dir {docs_dir} is not a folder"])
    if out is not None and out.resolve() == docs_dir.resolve():
        raise ExportError([f"{out}: the output folder must not be the docs folder itself"])
    manifest_path = Path(manifest) if manifest else root / options.manifest
    loaded = load_manifest(manifest_path, shown=manifest or options.manifest)
    selected, problems = select_pages(
        loaded.manifest,
        options.pages,
        EngineFeatures.from_config(config),
        config_name=shown,
        config_text=site_config.text,
    )
    if problems:
        raise ExportError(problems)
    sources = _hand_written(docs_dir, out)
    overrides = root / options.overrides

    def hand_written(uri: str) -> str | None:
        path = sources.get(uri)
        return path.read_text("utf-8") if path is not None else None

    site = site_output(
        loaded.manifest,
        hand_written=hand_written,
        overrides=overrides if overrides.is_dir() else None,
        source_name=manifest or options.manifest,
        group_size=options.group_size,
        pages=selected,
        directory_urls=config.get("use_directory_urls", True) is not False,
    )
    export = SiteExport(loaded, root, config_path.name, config, options, docs_dir, site.pages)
    generated = {p.src_uri for p in site.pages} | {f.src_uri for f in site.files}
    for uri, path in sources.items():
        if uri in generated:
            continue  # a narrative, now part of its page
        if PurePosixPath(uri).suffix == ".md":
            export.hand_written_pages.append(uri)
        try:
            export.files[uri] = path.read_bytes()
        except OSError as exc:
            raise ExportError([f"{path}: cannot read ({exc.strerror or exc})"]) from None
    for item in (*site.pages, *site.files):
        export.files[item.src_uri] = item.content.encode("utf-8")
    return export


def engine_config(export: SiteExport, *, out: Path, site_dir: str, path: Path) -> str:
    """The config (``mkdocs.yml`` syntax) for an engine building ``out`` into ``site_dir``.

    Zensical resolves ``docs_dir`` and ``site_dir`` against the folder of its config
    file and keeps both inside it, and the rest of ``mkdocs.yml`` (``custom_dir``,
    mkdocstrings' ``paths``) is relative to that folder too: so the config must be
    written beside ``mkdocs.yml``.
    """
    root = export.root
    if path.resolve().parent != root:
        raise ExportError(
            [
                f"{path}: write the engine's config beside {root / 'mkdocs.yml'} (paths in it are "
                "relative to that folder, and Zensical keeps docs_dir and site_dir inside it)"
            ]
        )
    docs = out.resolve()
    site = (root / site_dir).resolve()
    for name, folder in (("--out", docs), ("--site-dir", site)):
        if not folder.is_relative_to(root):
            raise ExportError([f"{folder}: {name} must be inside {root} for Zensical"])
    config = copy.deepcopy(export.config)
    options = export.options
    config["docs_dir"] = docs.relative_to(root).as_posix()
    config["site_dir"] = site.relative_to(root).as_posix()
    nav = config.get("nav")
    base = nav if isinstance(nav, list) else auto_nav(export.hand_written_pages)
    config["nav"] = nav_entries(
        export.pages, base, title=options.nav_title, position=options.nav_position
    )
    css = list(config.get("extra_css") or [])
    if CSS_URI not in css:
        css.append(CSS_URI)
    config["extra_css"] = css
    extra = dict(config.get("extra") or {})
    manifest = export.loaded.path or root / options.manifest
    extra[CONFIG_KEY] = {
        "manifest": os.path.relpath(manifest.resolve(), root).replace(os.sep, "/"),
        "docs": export.docs_dir.resolve().relative_to(root).as_posix()
        if export.docs_dir.resolve().is_relative_to(root)
        else str(export.docs_dir),
    }
    config["extra"] = extra
    config["plugins"] = _engine_plugins(config.get("plugins") or [])
    header = (
        f"# Generated by `br-ops pages` from {export.config_name} for Zensical; do not edit.\n"
        "# The generated pages are files in docs_dir; the drift gate is `br-ops check`.\n"
    )
    body = yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def _engine_plugins(plugins: Any) -> list[Any]:
    """The plugin list without ``manifest-docs``, the macros given :data:`PROTECT_CODE`."""
    entries = list(plugins.items()) if isinstance(plugins, dict) else list(plugins)
    out: list[Any] = []
    for entry in entries:
        name, options = (entry, None) if isinstance(entry, str) else _pair(entry)
        if name == PLUGIN:
            continue
        if name == "macros":
            options = dict(options or {})
            extensions = list(options.get("j2_extensions") or [])
            if PROTECT_CODE not in extensions:
                extensions.append(PROTECT_CODE)
            options["j2_extensions"] = extensions
        out.append(name if options is None else {name: options})
    return out
