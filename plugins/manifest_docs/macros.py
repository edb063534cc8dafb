"""The mkdocs-macros pluglet: manifest facts for hand-written pages.

Enable it with ``macros: {modules: [manifest_docs.macros]}`` next to the
``manifest-docs`` plugin. Pages then write ``{{ service('redis').version }}``,
``{{ env_table('blackroad-backend') }}``, ``{{ cost_total(phase=1) }}`` and so on
(see :class:`manifest_docs.facts.Facts`). A missing service or field fails the build
with the page and line.
"""

from __future__ import annotations

from typing import Any

from .codecontext import (
    CODE_FILTER,
    MERMAID_LABEL_FILTER,
    MERMAID_TEXT_FILTER,
    VERBATIM_FILTER,
    protect_code,
)
from .facts import (
    Facts,
    Unavailable,
    code_span,
    code_text,
    mermaid_label,
    mermaid_text,
    plain_text,
)

__all__ = ["define_env", "on_pre_page_macros"]


def _facts(env: Any) -> Facts | None:
    plugin = env.conf.plugins.get("manifest-docs")
    return getattr(plugin, "facts", None)


def define_env(env: Any) -> None:
    """Register one macro per :meth:`Facts.functions` entry (resolved at call time)."""
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

    While the manifest is broken (only ``mkdocs serve`` gets this far), undefined names
    are lenient too, so every page renders with the warning; mkdocs-macros builds a new
    Jinja environment, with the configured ``on_undefined``, on every rebuild.
    """
    if _facts(env) is None:
        env.env.undefined = Unavailable
    env.markdown = protect_code(env.markdown)
