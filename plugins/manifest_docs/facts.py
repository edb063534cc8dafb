"""Facts for hand-written pages: read manifest values by name, fail loudly on typos.

This is the core behind the mkdocs-macros pluglet (``{{ service('redis').version }}``).
Every lookup goes through :class:`Fact`, which knows the dotted path it came from, so
an unknown service or field produces a :class:`FactError` with a "did you mean" — and
every value renders escaped, so a description can never inject markup or macros.
"""

from __future__ import annotations

import functools
import posixpath
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jinja2
from pydantic import BaseModel, RootModel

from .costs import (
    DEFAULT_CURRENCY,
    Totals,
    currencies,
    currency_order,
    money,
    money_each,
    phase_costs,
)
from .errors import did_you_mean
from .model import Manifest, Status
from .ops import environment
from .render import escape

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .costs import PhaseCosts

__all__ = [
    "UNAVAILABLE",
    "Fact",
    "FactError",
    "Facts",
    "Unavailable",
    "code_span",
    "code_text",
    "inline",
    "mermaid_label",
    "mermaid_text",
    "plain_text",
    "template_line",
]

UNAVAILABLE = "⚠ manifest.yml has errors"
"""What a fact prints while the manifest cannot be read."""

_INLINE = str.maketrans(
    {
        "&": "&amp;",
        "*": "&#42;",
        "_": "&#95;",
        "`": "&#96;",
        "\\": "&#92;",
        "[": "&#91;",
        "]": "&#93;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",
        "{": "&#123;",
        "}": "&#125;",
        "\n": " ",
        "\r": " ",
    }
)


def inline(text: str) -> str:
    """Escape ``text`` for prose: no HTML, table breaks, macros, emphasis or code spans.

    ``*``, ``_`` and backticks are escaped along with ``<``, ``|`` and ``{``: characters
    become numeric references, which Markdown shows as typed — except inside a Markdown
    code span, so :mod:`manifest_docs.codecontext` turns code spans holding a macro into
    ``<code>`` elements first. Lighter than the generated pages' escaping (``:``, ``+``
    and ``-`` stay as they are).
    """
    return text.translate(_INLINE)


class FactError(Exception):
    """A macro asked for something the manifest does not have."""


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(value)
    return str(getattr(value, "value", value))


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


class Fact:
    """A value from the manifest with the path it was read from.

    Attribute access walks into models (``.resources.memory``), indexing into lists and
    mappings; ``str()`` gives the escaped text. An unknown name is reported through
    ``report`` (the build collects it with the page line) or raised as
    :class:`FactError` when there is no reporter.
    """

    __slots__ = ("_path", "_report", "_value")

    def __init__(self, value: Any, path: str, report: Callable[[str], None] | None = None) -> None:
        self._value = value
        self._path = path
        self._report = report

    @property
    def raw(self) -> Any:
        """The underlying value (a model, list, str, ``Size``…)."""
        return self._value

    @property
    def code(self) -> str:
        """The value as inline code (``<code>…</code>``), safe for any characters."""
        return code_span(self)

    def _child(self, value: Any, name: str) -> Fact:
        return Fact(value, _join(self._path, name), self._report)

    def _error(self, message: str, name: str) -> Fact:
        if self._report is None:
            raise FactError(message)
        self._report(message)
        return Fact(None, _join(self._path, name), self._report)

    def __getattr__(self, name: str) -> Fact:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._value
        if isinstance(value, RootModel):  # a service's hostnames: environment -> list
            value = value.root
        if isinstance(value, BaseModel):
            fields = type(value).model_fields
            if name in fields:
                return self._child(getattr(value, name), name)
            return self._error(
                f"{self._path} has no field {name!r}{did_you_mean(name, fields)}", name
            )
        if isinstance(value, dict):
            if name in value:
                return self._child(value[name], name)
            return self._error(
                f"{self._path or 'the manifest'} has no {name!r}{did_you_mean(name, value)}", name
            )
        if value is None:
            return self._error(f"{self._path} is not set in the manifest", name)
        return self._error(f"{self._path} is {_text(value)!r}, which has no field {name!r}", name)

    def __getitem__(self, key: Any) -> Fact:
        value = self._value
        if isinstance(value, list) and isinstance(key, int):
            if -len(value) <= key < len(value):
                return Fact(value[key], f"{self._path}[{key}]", self._report)
            return self._error(
                f"{self._path} has {len(value)} entries; [{key}] is out of range", f"[{key}]"
            )
        return self.__getattr__(str(key))

    def __iter__(self) -> Iterator[Fact]:
        value = self._value
        if isinstance(value, list):
            return (Fact(v, f"{self._path}[{i}]", self._report) for i, v in enumerate(value))
        if isinstance(value, dict):
            return (self._child(k, k) for k in value)
        return iter(())

    def __len__(self) -> int:
        return len(self._value) if isinstance(self._value, (list, dict)) else 1

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        other_value = other._value if isinstance(other, Fact) else other
        return bool(self._value == other_value or _text(self._value) == other_value)

    def __hash__(self) -> int:
        return hash(self._path)

    def __str__(self) -> str:
        value = self._value
        if isinstance(value, BaseModel):
            fields = ", ".join(type(value).model_fields)
            self._error(f"{self._path} is a group of fields; name one of: {fields}", "")
            return "—"
        if isinstance(value, dict):
            return ", ".join(inline(str(k)) for k in value)
        if isinstance(value, list):
            return ", ".join(inline(_text(v)) for v in value)
        return inline(_text(value))

    def __html__(self) -> str:
        return str(self)

    @property
    def plain(self) -> str:
        """The value as unescaped text, for fenced code blocks (the highlighter escapes)."""
        value = self._value
        if isinstance(value, BaseModel):
            return str(self)  # reports the error
        if isinstance(value, dict):
            text = ", ".join(str(k) for k in value)
        elif isinstance(value, list):
            text = ", ".join(_text(v) for v in value)
        else:
            text = _text(value)
        return " ".join(text.splitlines())


class Unavailable(jinja2.ChainableUndefined):
    """What macros and undefined names give while the manifest is broken (``mkdocs serve``).

    Pages go on rendering around it: any attribute, index, call or arithmetic gives the
    placeholder again, it iterates as empty, is falsy, equals nothing and prints
    :data:`UNAVAILABLE`. So ``{% for p in fact('phases') if p.status == 'current' %}``,
    ``{{ service('redis').resources.memory }}`` and a variable a loop never set (with
    ``on_undefined: strict``) all render the warning instead of failing.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return inline(UNAVAILABLE)

    # Jinja's Undefined types these as raising (-> Never); here they return the placeholder.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The placeholder again: ``{{ service('x').items() }}`` keeps rendering."""
        return self

    def _same(self, *args: Any, **kwargs: Any) -> Any:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __pow__ = __rpow__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _same
    __lt__ = __le__ = __gt__ = __ge__ = __neg__ = __pos__ = _same

    def __int__(self, *args: Any, **kwargs: Any) -> Any:  # ``| int`` gives 0
        return 0

    def __float__(self, *args: Any, **kwargs: Any) -> Any:
        return 0.0


class Facts:
    """The functions hand-written pages call, bound to one manifest."""

    MACROS = (
        "service",
        "fact",
        "provider",
        "domain",
        "service_link",
        "count_services",
        "cost_total",
        "env_table",
        "services_table",
        "env_var",
        "workflow",
        "key_namespace",
        "current_phase",
        "extensions",
    )
    """Names of the methods exposed to pages as macros."""

    def __init__(self, manifest: Manifest, report: Callable[[str], None] | None = None) -> None:
        self.m = manifest
        self.report = report
        self.page_uri = "index.md"
        """Source path of the page being rendered (for relative links)."""
        self._functions: dict[str, Callable[..., Any]] | None = None

    def _fail(self, message: str) -> None:
        if self.report is None:
            raise FactError(message)
        self.report(message)

    def _fact(self, value: Any, path: str) -> Fact:
        return Fact(value, path, self.report)

    def _service_name(self, name: str) -> str | None:
        resolved = self.m.resolve(name)
        if resolved is None:
            self._fail(f"unknown service {name!r}{did_you_mean(name, self.m.services)}")
        return resolved

    def service(self, name: str, env: str | None = None) -> Fact:
        """A service by name or alias: ``{{ service('redis').version }}``.

        With ``env``, as that environment sees it (its override laid over the service):
        ``{{ service('api', env='staging').deploy.replicas }}``.
        """
        resolved = self._service_name(name)
        if resolved is None:
            return self._fact(None, f"services.{name}")
        try:
            env = environment(self.m, env)
        except ValueError as exc:  # unknown: the same message as br-ops --env gives
            self._fail(str(exc))
            return self._fact(None, f"services.{resolved}")
        if env is None or env == self.m.production:
            return self._fact(self.m.services[resolved], f"services.{resolved}")
        view = self.m.service_in(resolved, env)
        return self._fact(view, f"services.{resolved}(env={env})")

    def extensions(self, path: str) -> Fact:
        """The ``x-*`` keys of an object: ``{{ extensions('services.api')['x-cost-center'] }}``."""
        return self._fact(self.m.extensions(path), f"{path} (extensions)")

    def fact(self, path: str) -> Fact:
        """Any value by dotted path: ``{{ fact('providers.railway.region') }}``."""
        node = self._fact(self.m, "")
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else node[part]
        return node

    def provider(self, name: str) -> Fact:
        """A provider by id: ``{{ provider('railway').region }}``."""
        if name not in self.m.providers:
            self._fail(f"unknown provider {name!r}{did_you_mean(name, self.m.providers)}")
            return self._fact(None, f"providers.{name}")
        return self._fact(self.m.providers[name], f"providers.{name}")

    def domain(self, name: str) -> Fact:
        """A registered domain: ``{{ domain('blackroad.systems').purpose }}``."""
        for i, d in enumerate(self.m.domains):
            if d.name == name:
                return self._fact(d, f"domains[{i}]")
        self._fail(f"unknown domain {name!r}{did_you_mean(name, [d.name for d in self.m.domains])}")
        return self._fact(None, f"domains.{name}")

    def service_link(self, name: str, text: str | None = None) -> str:
        """A link to the service's page, relative to the current page."""
        resolved = self._service_name(name)
        if resolved is None:
            return inline(name)
        here = posixpath.dirname(self.page_uri)
        target = posixpath.relpath(f"services/{resolved}.md", here or ".")
        return f"[{inline(text or resolved)}]({target})"

    def count_services(
        self, status: str | None = None, kind: str | None = None, phase: int | None = None
    ) -> int:
        """How many services match: ``{{ count_services(status='active') }}``."""
        if status is not None and status not in {s.value for s in Status}:
            self._fail(
                f"unknown status {status!r}{did_you_mean(status, [s.value for s in Status])}"
            )
        return sum(
            1
            for s in self.m.services.values()
            if (status is None or s.status.value == status)
            and (kind is None or s.kind.value == kind)
            and (phase is None or s.phase == phase)
        )

    @functools.cached_property
    def _rollup(self) -> dict[int | None, PhaseCosts]:
        """The cost roll-up by phase id, worked out once per build, not per macro call."""
        return {p.phase: p for p in phase_costs(self.m)}

    def cost_total(
        self, phase: int | None = None, period: str = "amortised", currency: str | None = None
    ) -> str:
        """A phase's total cost, never summed across currencies.

        ``phase``: default the current phase, or every line when the manifest has no
        phases.

        ``period``: ``amortised`` (default; monthly lines plus yearly lines ÷ 12),
        ``month`` (monthly lines only), ``year`` (yearly lines only) or ``annual``
        (what a whole year costs: 12 × monthly + yearly). ``currency``: the total of
        the lines in that currency only. Without it: every line converted into the
        ``reporting_currency`` when the manifest declares one, else one amount per
        currency (``45.00 EUR + $120.00``), never a sum across currencies.
        """
        fields = {
            "annual": "annual",
            "month": "monthly",
            "year": "yearly",
            "amortised": "amortised_monthly",
        }
        if period not in fields:
            self._fail(f"unknown period {period!r}; use month, year or amortised")
            return "—"
        rollups = self._rollup
        if phase is not None and not self.m.phases:
            self._fail(f"phase {phase} given, but the manifest declares no phases")
            return "—"
        if phase is None and self.m.phases:
            current = self.m.current_phase
            phase = current.id if current else min(p.id for p in self.m.phases)
        if phase is None and phase not in rollups:  # no phases and no cost lines
            return money(Decimal(0), self.m.reporting_currency or DEFAULT_CURRENCY)
        if phase not in rollups:
            self._fail(f"unknown phase {phase}; phases: {sorted(self.m.phase_by_id)}")
            return "—"
        pc = rollups[phase]
        reporting = self.m.reporting_currency
        if currency is None and pc.converted is not None:
            return money(getattr(pc.converted, fields[period]), pc.converted.currency)
        if currency is None:
            return money_each(pc.total, fields[period], empty=DEFAULT_CURRENCY)
        used = {*currencies(rollups.values()), reporting or DEFAULT_CURRENCY}
        if currency not in used:
            self._fail(f"no cost is in {currency!r}; currencies: {', '.join(currency_order(used))}")
            return "—"
        totals = pc.total.get(currency, Totals(currency, Decimal(0), Decimal(0)))
        return money(getattr(totals, fields[period]), currency)

    def env_table(self, name: str, tier: str | None = None) -> str:
        """A Markdown table of a service's env vars (secrets marked, never valued)."""
        resolved = self._service_name(name)
        if resolved is None:
            return ""
        rows = ["| Variable | Tier | Secret | Description |", "| --- | --- | --- | --- |"]
        for var in self.m.services[resolved].env:
            if tier is not None and var.tier.value != tier:
                continue
            rows.append(
                f"| `{var.name}` | {var.tier.value} | {'yes' if var.secret else '—'} | "
                f"{inline(var.description)} |"
            )
        return "\n".join(rows) + "\n"

    def services_table(self, status: str | None = None, kind: str | None = None) -> str:
        """A Markdown table of services (name, status, kind, phase, production domain)."""
        phased = bool(self.m.phases)
        rows = [
            "| Service | Status | Kind |" + " Phase |" * phased + " Production domain |",
            "| --- | --- | --- |" + " --- |" * phased + " --- |",
        ]
        for name, s in sorted(self.m.services.items()):
            if (status and s.status.value != status) or (kind and s.kind.value != kind):
                continue
            host = s.domains.first(self.m.production)
            prod = f"`{host}`" if host else "—"
            phase = f" {'—' if s.phase is None else s.phase} |" * phased
            rows.append(
                f"| {self.service_link(name)} | {s.status.value} | {s.kind.value} |{phase} {prod} |"
            )
        return "\n".join(rows) + "\n"

    def env_var(self, service: str, name: str) -> Fact:
        """One env var of a service: ``{{ env_var('blackroad-backend', 'SECRET_KEY').tier }}``."""
        resolved = self._service_name(service)
        if resolved is None:
            return self._fact(None, f"services.{service}.env.{name}")
        env = self.m.services[resolved].env
        for i, var in enumerate(env):
            if var.name == name:
                return self._fact(var, f"services.{resolved}.env[{i}]")
        self._fail(
            f"services.{resolved} has no env var {name!r}"
            f"{did_you_mean(name, [v.name for v in env])}"
        )
        return self._fact(None, f"services.{resolved}.env.{name}")

    def workflow(self, name: str) -> Fact:
        """A CI workflow by name: ``{{ workflow('railway_deploy').file }}``."""
        flows = self.m.ci_cd.workflows if self.m.ci_cd else []
        for i, flow in enumerate(flows):
            if flow.name == name:
                return self._fact(flow, f"ci_cd.workflows[{i}]")
        self._fail(f"unknown workflow {name!r}{did_you_mean(name, [f.name for f in flows])}")
        return self._fact(None, f"ci_cd.workflows.{name}")

    def key_namespace(self, service: str, prefix: str) -> Fact:
        """A key namespace by prefix: ``{{ key_namespace('redis', 'session:*').ttl }}``."""
        resolved = self._service_name(service)
        if resolved is None:
            return self._fact(None, f"services.{service}.key_namespaces")
        spaces = self.m.services[resolved].key_namespaces
        for i, ns in enumerate(spaces):
            if ns.prefix == prefix:
                return self._fact(ns, f"services.{resolved}.key_namespaces[{i}]")
        self._fail(
            f"services.{resolved} has no key namespace {prefix!r}"
            f"{did_you_mean(prefix, [n.prefix for n in spaces])}"
        )
        return self._fact(None, f"services.{resolved}.key_namespaces.{prefix}")

    def current_phase(self) -> Fact:
        """The phase whose status is ``current``: ``{{ current_phase().name }}``."""
        for i, phase in enumerate(self.m.phases):
            if phase.status.value == "current":
                return self._fact(phase, f"phases[{i}]")
        self._fail("no phase has status 'current'")
        return self._fact(None, "phases.current")

    def functions(self) -> dict[str, Callable[..., Any]]:
        """The macros, by the names pages use (built once, then reused by every call)."""
        if self._functions is None:
            self._functions = {name: _unwrapping(getattr(self, name)) for name in self.MACROS}
        return self._functions


def _unwrapping(func: Callable[..., Any]) -> Callable[..., Any]:
    """Let macros take facts as arguments: ``cost_total(phase=p.id)``."""

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        args = tuple(a.raw if isinstance(a, Fact) else a for a in args)
        kwargs = {k: v.raw if isinstance(v, Fact) else v for k, v in kwargs.items()}
        return func(*args, **kwargs)

    return call


def code_span(value: Any) -> str:
    """A value as inline code, whatever characters it holds (the ``code`` filter)."""
    return f"<code>{code_text(value)}</code>"


def code_text(value: Any) -> str:
    """A value as the text of a ``<code>`` element (entities are decoded there)."""
    return str(value) if isinstance(value, Fact) else inline(str(value))


def plain_text(value: Any) -> str:
    """A value as unescaped text on one line, for fenced code (the ``verbatim`` filter)."""
    return value.plain if isinstance(value, Fact) else " ".join(str(value).splitlines())


def mermaid_text(value: Any) -> str:
    """A value as the text inside a quoted Mermaid label (the ``mermaid_text`` filter)."""
    return str(escape.mermaid_text(plain_text(value)))


def mermaid_label(value: Any) -> str:
    """A value as a whole quoted Mermaid label, ``"…"`` (the ``mermaid_label`` filter)."""
    return str(escape.mermaid(plain_text(value)))


def template_line() -> int | None:
    """The page line being rendered when a macro fails (for error messages).

    Walks the call stack to the compiled Jinja templates and maps the outermost one's
    Python line back to its source, as Jinja's own tracebacks do. The outermost
    template is the page itself, so a mistake inside an included snippet is reported
    at the page line that includes it.
    """
    frame: Any = sys._getframe(1)
    line = None
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = int(template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return line
