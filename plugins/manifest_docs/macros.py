"""The mkdocs-macros pluglet: manifest facts for hand-written pages.

Enable it with ``macros: {modules: [manifest_docs.macros]}`` next to the
``manifest-docs`` plugin. Pages then write ``{{ service('redis').version }}``,
``{{ env_table('blackroad-backend') }}``, ``{{ cost_total(phase=1) }}`` and so on
(see :class:`manifest_docs.facts.Facts`). A missing service or field fails the build
with the page and line.
"""

from __future__ import annotations

from typing import Any

import jinja2

from .codecontext import CODE_FILTER, VERBATIM_FILTER, protect_code
from .facts import Fact, Facts, Unavailable, inline

__all__ = ["define_env", "on_pre_page_macros"]

_UNAVAILABLE = Unavailable()
"""Returned by every macro while the manifest is broken (``mkdocs serve`` only)."""


def _facts(env: Any) -> Facts | None:
    plugin = env.conf.plugins.get("manifest-docs")
    return getattr(plugin, "facts", None)


def define_env(env: Any) -> None:
    """Register one macro per :meth:`Facts.functions` entry (resolved at call time)."""
    for name in Facts.MACROS:

        def macro(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            facts = _facts(env)
            if facts is None:
                return _UNAVAILABLE
            return facts.functions()[_name](*args, **kwargs)

        macro.__name__ = name
        macro.__doc__ = getattr(Facts, name).__doc__
        env.macro(macro, name)

    def code(value: Any) -> str:
        """Render a fact as inline code, whatever characters it holds (``{{ x | code }}``)."""
        return value.code if isinstance(value, Fact) else f"<code>{inline(str(value))}</code>"

    env.filter(code, "code")

    def code_text(value: Any) -> str:
        """A fact written inside a code span (see :mod:`manifest_docs.codecontext`)."""
        return str(value) if isinstance(value, Fact) else inline(str(value))

    def verbatim(value: Any) -> str:
        """A fact inside a fenced code block: the plain value (``{{ x | verbatim }}``)."""
        return value.plain if isinstance(value, Fact) else " ".join(str(value).splitlines())

    env.filter(code_text, CODE_FILTER)
    env.filter(verbatim, VERBATIM_FILTER)


class _Broken(jinja2.ChainableUndefined):
    """An undefined name while the manifest is broken: chains and prints the warning.

    Pages collect facts into variables (``{% set wf.tests = w %}`` in a loop over
    ``fact('ci_cd.workflows')``); with every macro returning :class:`Unavailable` such
    a variable is never set, and ``on_undefined: strict`` would stop the page.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return str(_UNAVAILABLE)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self

    def _same(self, *other: Any) -> Any:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _same
    __lt__ = __le__ = __gt__ = __ge__ = __neg__ = __pos__ = __pow__ = __rpow__ = _same

    def __int__(self, *args: Any, **kwargs: Any) -> Any:  # ``| int`` gives 0
        return 0

    def __float__(self, *args: Any, **kwargs: Any) -> Any:
        return 0.0


def on_pre_page_macros(env: Any) -> None:
    """Before a page's macros expand: facts inside code render as written.

    While the manifest is broken (only ``mkdocs serve`` gets this far), undefined names
    are lenient too, so every page renders with the warning; mkdocs-macros builds a new
    Jinja environment, with the configured ``on_undefined``, on every rebuild.
    """
    if _facts(env) is None:
        env.env.undefined = _Broken
    env.markdown = protect_code(env.markdown)
