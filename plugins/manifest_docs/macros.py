"""The mkdocs-macros pluglet: manifest facts for hand-written pages.

Enable it with ``macros: {modules: [manifest_docs.macros]}``. Pages then write
``{{ service('redis').version }}``, ``{{ env_table('blackroad-backend') }}``,
``{{ cost_total(phase=1) }}`` and so on (see :class:`manifest_docs.facts.Facts`). A
missing service or field fails the build with the page and line.

With the ``manifest-docs`` MkDocs plugin, the macros use the manifest the plugin loaded.
Without it — an engine that runs mkdocs-macros modules but no MkDocs plugins, such as
Zensical, or MkDocs with the plugin removed — the pluglet loads the manifest itself:
the path in ``extra: {manifest_docs: {manifest: PATH}}`` (relative to the config file),
else ``manifest.yml`` beside the config file. It is read once per build (again only
when the file changes) and a broken manifest fails the build with every problem and
its line, as ``br-ops validate`` prints them. Zensical runs no ``on_pre_page_macros``
hook, so there the code-span rewriting of :mod:`manifest_docs.codecontext` runs as the
Jinja extension :class:`ProtectCode` (``macros: {j2_extensions:
[manifest_docs.macros.ProtectCode]}``; ``br-ops pages --zensical-config`` adds it).
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.ext import Extension

from .codecontext import (
    CODE_FILTER,
    MERMAID_LABEL_FILTER,
    MERMAID_TEXT_FILTER,
    VERBATIM_FILTER,
    protect_code,
)
from .errors import ManifestError
from .export import CONFIG_KEY
from .facts import (
    FactError,
    Facts,
    Unavailable,
    code_span,
    code_text,
    mermaid_label,
    mermaid_text,
    plain_text,
    template_line,
)
from .load import load_manifest

__all__ = ["CONFIG_KEY", "MacrosError", "ProtectCode", "define_env", "on_pre_page_macros"]


class MacrosError(FactError):
    """A broken manifest, or a macro naming a missing fact, while running without the plugin."""


class ProtectCode(Extension):
    """Jinja extension: a page's facts inside code render as written (see :mod:`.codecontext`).

    For engines that run no ``on_pre_page_macros`` hook (Zensical); under mkdocs-macros
    the hook below does the same, and skips its own pass when this extension is on.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template source with its code spans and code blocks rewritten."""
        return protect_code(source)


@dataclass
class _Loaded:
    """The manifest the pluglet loaded itself, with the file state it was read at."""

    stamp: tuple[int, int]
    facts: Facts


_LOADED: dict[Path, _Loaded] = {}
"""One entry per manifest path: reloaded only when the file's mtime or size changes."""


def _plugin(env: Any) -> Any:
    """The ``manifest-docs`` MkDocs plugin object, or ``None`` (absent, or not MkDocs)."""
    plugins = _get(env.conf, "plugins") or {}
    plugin = plugins.get("manifest-docs") if hasattr(plugins, "get") else None
    return plugin if hasattr(plugin, "facts") else None


def _get(config: Any, key: str) -> Any:
    """``config[key]`` for MkDocs' config object and Zensical's plain dict alike."""
    try:
        return config[key]
    except (KeyError, TypeError):
        return getattr(config, key, None)


def _options(env: Any) -> dict[str, Any]:
    extra = _get(env.conf, "extra") or {}
    options: Any = extra.get(CONFIG_KEY) if hasattr(extra, "get") else None
    return dict(options) if hasattr(options, "items") else {}


def _config_dir(env: Any) -> Path:
    """The folder of the config file (MkDocs: ``config_file_path``; Zensical: ``root_dir``)."""
    path = _get(env.conf, "config_file_path")
    if path:
        return Path(path).resolve().parent
    return Path(_get(env.conf, "root_dir") or ".").resolve()


def _standalone(env: Any) -> Facts:
    """Facts from the manifest the config names: loaded again only when the file changed."""
    shown = str(_options(env).get("manifest") or "manifest.yml")
    path = (_config_dir(env) / shown).resolve()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (-1, -1)  # let the loader say what is wrong with the path
    cached = _LOADED.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached.facts
    try:
        loaded = load_manifest(path, shown=shown)
    except ManifestError as exc:
        _LOADED.pop(path, None)
        raise MacrosError(f"manifest-docs: invalid manifest\n{exc}") from None
    facts = Facts(loaded.manifest)
    _LOADED[path] = _Loaded(stamp, facts)
    return facts


@dataclass(frozen=True)
class _Own:
    """What :func:`define_env` worked out for an env without the plugin, for its pages."""

    facts: Facts
    docs: str | None
    """The folder named in messages (``extra.manifest_docs.docs``), if the config sets one."""
    engine_docs: str
    """The engine's own docs folder, relative to the config file (where generated pages are)."""


_OWN: weakref.WeakKeyDictionary[Any, _Own] = weakref.WeakKeyDictionary()
"""Per macros env (one per build under mkdocs-macros, one per page under Zensical)."""


def _page_uri(page: Any) -> str | None:
    """The page's path inside the docs (MkDocs' ``page.file.src_uri``; Zensical's ``page.path``)."""
    file = getattr(page, "file", None)
    uri = getattr(file, "src_uri", None) or getattr(page, "path", None)
    return str(uri).replace(os.sep, "/") if uri else None


def _bind(env: Any, own: _Own) -> None:
    """Point the facts at the page being rendered; a missing fact fails at its line."""
    uri = _page_uri(getattr(env, "page", None))
    if uri is None:
        return
    facts = own.facts
    facts.page_uri = uri
    meta = getattr(env.page, "meta", None) or {}
    # A generated page (with its narrative) exists only in the engine's docs folder.
    generated = own.docs is None or meta.get("manifest_docs") == "generated"
    where = f"{own.engine_docs if generated else own.docs}/{uri}"

    def report(message: str) -> None:
        line = template_line()
        raise MacrosError(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    facts.report = report


def _facts(env: Any) -> Facts | None:
    """The plugin's facts (``None`` while its manifest is broken), else ``env``'s own."""
    plugin = _plugin(env)
    if plugin is not None:
        facts: Facts | None = plugin.facts
        return facts
    own = _OWN.get(env)
    return own.facts if own is not None else None


def define_env(env: Any) -> None:
    """Register one macro per :meth:`Facts.functions` entry (resolved at call time).

    Without the plugin, the manifest is loaded (or, unchanged, reused) here and only
    here — once per build under mkdocs-macros, once per page under Zensical, which
    calls this for every page — so a broken manifest stops the build before any page
    renders, and no macro call touches the file.
    """
    if _plugin(env) is None:
        root = _config_dir(env)
        docs = _options(env).get("docs")
        engine_docs = (root / (_get(env.conf, "docs_dir") or "docs")).resolve()
        own = _Own(
            _standalone(env),
            None if docs is None else Path(str(docs)).as_posix(),
            Path(os.path.relpath(engine_docs, root)).as_posix(),
        )
        _OWN[env] = own
        _bind(env, own)  # Zensical: env.page is the page about to render
    for name in Facts.MACROS:

        def macro(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            facts = _facts(env)
            if facts is None:
                return Unavailable()
            return facts.functions()[_name](*args, **kwargs)

        macro.__name__ = name
        macro.__doc__ = getattr(Facts, name).__doc__
        env.macro(macro, name)

    env.filter(code_span, "code")
    env.filter(code_text, CODE_FILTER)
    env.filter(plain_text, VERBATIM_FILTER)
    env.filter(mermaid_label, MERMAID_LABEL_FILTER)
    env.filter(mermaid_text, MERMAID_TEXT_FILTER)


def on_pre_page_macros(env: Any) -> None:
    """Before a page's macros expand: facts inside code render as written.

    While the manifest is broken (only ``mkdocs serve`` with the plugin gets this far),
    undefined names are lenient too, so every page renders with the warning;
    mkdocs-macros builds a new Jinja environment, with the configured ``on_undefined``,
    on every rebuild.
    """
    own = None if _plugin(env) is not None else _OWN.get(env)
    if own is not None:
        _bind(env, own)  # mkdocs-macros without the plugin: one env, many pages
    elif _facts(env) is None:
        env.env.undefined = Unavailable
    if not any(isinstance(e, ProtectCode) for e in env.env.extensions.values()):
        env.markdown = protect_code(env.markdown)
