"""Whole-manifest rules: references between sections, duplicates, and secrets.

The model checks each value on its own; these rules check what only the whole
manifest can tell: that a ``depends_on`` names a real service, that an active
service does not lean on a planned one, that no credential was pasted in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .costs import cost_lines
from .credentials import (
    credential_like,
    credential_name,
    find_in_value,
    find_secret_value,
    has_contextual,
    may_hold_contextual,
    scan_text,
)
from .errors import MAX_PROBLEMS, Loc, Problem, did_you_mean
from .model import SERVICE_NAME, Manifest, PhaseStatus, Status
from .profiles import profile_of
from .yamlsafe import line_col

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from .model import ServiceOverride
    from .yamlsafe import SourceMap

__all__ = ["check_manifest", "scan_credentials"]

_NEVER = (
    "never put credentials in the manifest — mark the variable 'secret: true' and keep the "
    "value in the platform's secret store (placeholders such as 'user:pass' or '<password>' "
    "are fine)"
)


def _strings(
    data: Any, loc: Loc, keep: Callable[[str], bool] | None = None
) -> Iterator[tuple[Loc, str, bool]]:
    """Every string in ``data`` as (path, text, is_a_key); only those ``keep`` accepts.

    A path is built only for a string that is yielded or a collection still to walk,
    so a filtered walk of a large manifest stays cheap.
    """
    if isinstance(data, str):
        if keep is None or keep(data):
            yield loc, data, False
        return
    stack: list[tuple[Loc, Any]] = [(loc, data)]
    while stack:
        here, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        is_map = isinstance(value, dict)
        for k, v in items:
            if is_map:
                key = str(k)
                if keep is None or keep(key):
                    yield (*here, k), key, True
            if isinstance(v, str):
                if keep is None or keep(v):
                    yield (*here, k), v, False
            elif isinstance(v, dict | list):
                stack.append(((*here, k), v))


def _id_field(loc: Loc) -> bool:
    """Whether ``loc`` names an id field (``project``, ``zone_id``): ids are not credentials."""
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    return last in {"id", "project"} or last.endswith("_id")


_SECRET_TEXT = ("source", "generate", "description")
"""A secret variable's strings that could carry its value by mistake."""
_LITERALS = ("value", "default", "example", "allowed")
"""A variable's literals (what a credential-named one must not hold for real)."""


def _env_vars(data: Any) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Every env var mapping of the (raw) manifest data, with its path.

    A variable listed in an environment's override is yielded merged over the service's
    variable of the same name, so it is judged as the secret it is.
    """
    services = data.get("services") if isinstance(data, dict) else None
    for name, svc in (services or {}).items() if isinstance(services, dict) else ():
        if not isinstance(svc, dict):
            continue
        shared = _vars_of(svc)
        for i, var in enumerate(shared):
            yield ("services", name, "env", i), var
        overrides = svc.get("environments")
        for env, over in overrides.items() if isinstance(overrides, dict) else ():
            for i, var in enumerate(_vars_of(over)):
                yield ("services", name, "environments", env, "env", i), _merged(shared, var)


def _vars_of(node: Any) -> list[dict[str, Any]]:
    env = node.get("env") if isinstance(node, dict) else None
    return [var for var in env if isinstance(var, dict)] if isinstance(env, list) else []


def _merged(shared: list[dict[str, Any]], var: dict[str, Any]) -> dict[str, Any]:
    """``var`` (an override's) over the shared variable of its name, if there is one."""
    base = next((v for v in shared if v.get("name") == var.get("name")), {})
    return {**base, **var}


def _env_strings(data: Any) -> Iterator[tuple[Loc, str, bool]]:
    """The strings of env vars whose content is judged even in a clean-looking file."""
    for loc, var in _env_vars(data):
        named = isinstance(var.get("name"), str) and credential_name(var["name"])
        if var.get("secret") is True or named:
            yield from _strings({k: var[k] for k in (*_SECRET_TEXT, *_LITERALS) if k in var}, loc)


def _judge(data: Any, loc: Loc, string: str, *, shapes: bool = True) -> str | None:
    """What is wrong with ``string`` at ``loc`` as a possible credential, or ``None``.

    One place decides by context: a known token shape anywhere; a token-shaped value
    (UUID, hex key) outside URLs and id fields; anything secret-looking in a secret
    variable's text; a real-looking literal of a variable named like a credential.
    ``shapes=False`` skips the known token shapes, for a string of a document whose
    whole text has none (and no escapes that could spell one).
    """
    found = scan_text(string) if shapes else []
    if found:
        return f"looks like {found[0].what}; {_NEVER}"
    var, attr = _env_var_at(data, loc)
    if var is not None and var.get("secret") is True and attr in _SECRET_TEXT:
        what = find_secret_value(string, shapes=shapes)
        if what:
            return (
                f"{var.get('name')} is secret and its {attr} holds what looks like {what}; "
                "keep the value in the platform's secret store and describe only where "
                "it comes from"
            )
        return None
    what = None if _id_field(loc) else find_in_value(string, shapes=shapes)
    if what:
        return (
            f"looks like {what}; {_NEVER} (an id of this shape is fine inside a URL, "
            "such as links.dashboard)"
        )
    name = var.get("name") if var is not None else None
    if (
        attr in _LITERALS
        and isinstance(name, str)
        and var is not None
        and var.get("secret") is not True
        and credential_name(name)
        and (credential_like(string) or find_secret_value(string, shapes=shapes))
    ):
        shown = "allowed value" if attr == "allowed" else attr
        return (
            f"{name} is named like a credential and its {shown} looks like a real one; "
            "mark the variable 'secret: true' and keep the value in the platform's secret "
            "store (or use a placeholder such as '<token>')"
        )
    return None


def _env_var_at(data: Any, loc: Loc) -> tuple[dict[str, Any] | None, str]:
    """The env var mapping ``loc`` lies in and the field it names (``None``, ``""`` if not).

    In an environment's override, the variable merged over the service's own.
    """
    if len(loc) >= 7 and loc[:1] == ("services",) and loc[2] == "environments":
        inner, attr = (*loc[:2], *loc[4:6]), loc[6]
        over_loc: Loc = (*loc[:4], *loc[4:6])
    else:
        inner, attr, over_loc = loc[:4], loc[4] if len(loc) >= 5 else "", ()
    if len(inner) < 4 or inner[2] != "env" or not isinstance(inner[3], int):
        return None, ""
    try:
        svc = data["services"][loc[1]]
        node = svc["environments"][loc[3]] if over_loc else svc
        var = node["env"][inner[3]]
    except (KeyError, IndexError, TypeError):
        return None, ""
    if not isinstance(var, dict):
        return None, ""
    return (_merged(_vars_of(svc), var) if over_loc else var), str(attr)


def scan_credentials(data: Any, source: SourceMap, *, text: str | None = None) -> list[Problem]:
    """A problem for every credential in ``data``, and in the comments of ``text``.

    Values and keys are judged by :func:`_judge` and reported at their path. The
    document's ``text`` is scanned as well (linear time, see
    :mod:`manifest_docs.credentials`): what it finds beyond the values — a token in a
    comment — is reported at its line. When ``text`` is clean and holds no escapes
    (which could spell a credential the raw text hides), only the strings of secret and
    credential-named variables need judging.
    """
    in_text = scan_text(text) if text is not None else []
    # A scalar's value is its text, or its lines joined by spaces (no known token has
    # one), unless an escape spells it: a clean text without escapes has no token shape
    # in any value, and only the contextual checks need each string.
    shapes = text is None or bool(in_text) or "\\" in text
    strings: Iterable[tuple[Loc, str, bool]]
    if shapes:
        strings = _strings(data, ())
    elif has_contextual(text or ""):
        # Outside env vars only contextual shapes remain, and they need a long run.
        env = list(_env_strings(data))
        judged = {(loc, is_key) for loc, _, is_key in env}
        others = _strings(data, (), may_hold_contextual)
        strings = [*env, *(s for s in others if (s[0], s[2]) not in judged)]
    else:
        strings = _env_strings(data)
    problems: list[Problem] = []
    seen: set[str] = set()
    for loc, string, is_key in strings:
        message = _judge(data, loc, string, shapes=shapes)
        if message:
            seen.update(string[f.start : f.end] for f in scan_text(string))
            problems.append(source.problem(loc, message, key=is_key))
    for f in in_text:
        if text is not None and text[f.start : f.end] not in seen:
            line, col = line_col(text, f.start)
            problems.append(
                Problem(
                    source.file,
                    line,
                    col,
                    f"looks like {f.what}; never put credentials in the manifest, not even "
                    "in a comment — remove it (and revoke it: it is in the history now)",
                )
            )
    return problems


def _listing(names: list[str], limit: int = 12) -> str:
    """``a, b, c`` — or the first ``limit`` names and how many there are in all."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … ({len(names)} in all; see 'br-ops list')"


class _Checker:
    def __init__(
        self, m: Manifest, source: SourceMap, unjudged: frozenset[str] = frozenset()
    ) -> None:
        self.m = m
        self.source = source
        self.unjudged = unjudged
        """Services that exist but failed the schema: references to them are not judged."""
        self.problems: list[Problem] = []

    @property
    def full(self) -> bool:
        """Whether enough problems were found (past it, none are worked out)."""
        return len(self.problems) >= MAX_PROBLEMS

    def err(self, loc: Loc, msg: str, *, key: bool = False) -> None:
        if not self.full:
            self.problems.append(self.source.problem(loc, msg, key=key))

    def service_ref(self, loc: Loc, name: str, what: str = "service") -> bool:
        if name in self.m.services:
            return True
        if name in self.unjudged or self.full:
            return False
        known = sorted({*self.m.services, *self.unjudged})
        hint = did_you_mean(name, known)
        self.err(loc, f"unknown {what} {name!r}{hint}; known services: {_listing(known)}")
        return False

    def provider_ref(self, loc: Loc, name: str) -> None:
        if name not in self.m.providers and not self.full:
            hint = did_you_mean(name, self.m.providers)
            known = _listing(sorted(self.m.providers))
            self.err(loc, f"unknown provider {name!r}{hint}; known providers: {known}")

    def phase_ref(self, loc: Loc, phase: int | None) -> None:
        if phase is None or phase in self.m.phase_by_id:
            return
        if not self.m.phases:
            self.err(
                loc,
                f"phase {phase} given, but the manifest declares no phases; "
                "add a top-level 'phases:' list or remove this phase",
            )
            return
        known = ", ".join(str(p) for p in sorted(self.m.phase_by_id))
        self.err(loc, f"unknown phase {phase}; phases defined: {known}")

    def run(self) -> list[Problem]:
        self.phases()
        for name, svc in self.m.services.items():
            self.service(name, svc)
        self.aliases()
        self.environments()
        self.domains()
        self.dns()
        self.costs()
        self.currencies()
        self.ci_cd()
        return self.problems

    def phases(self) -> None:
        seen: set[int] = set()
        current = 0
        for i, phase in enumerate(self.m.phases):
            if phase.id in seen:
                self.err(("phases", i, "id"), f"duplicate phase id {phase.id}")
            seen.add(phase.id)
            if phase.status is PhaseStatus.CURRENT:
                current += 1
                if current > 1:
                    self.err(("phases", i, "status"), "more than one phase is 'current'")

    def service(self, name: str, svc: Any) -> None:
        base: Loc = ("services", name)
        if not re.fullmatch(SERVICE_NAME, name):
            self.err(
                base,
                f"service name {name!r} must be lower-case letters, digits and "
                "dashes, e.g. 'blackroad-api'",
                key=True,
            )
        self.provider_ref((*base, "provider"), svc.provider)
        self.phase_ref((*base, "phase"), svc.phase)
        seen_deps: set[str] = set()
        for i, dep in enumerate(svc.depends_on):
            loc = (*base, "depends_on", i)
            if dep == name:
                self.err(loc, "a service cannot depend on itself")
                continue
            if dep in seen_deps:
                self.err(loc, f"{dep!r} is listed twice")
                continue
            seen_deps.add(dep)
            if not self.service_ref(loc, dep):
                continue
            target = self.m.services[dep]
            if svc.status is Status.ACTIVE and target.status in (Status.PLANNED, Status.RETIRED):
                self.err(
                    loc,
                    f"active service {name!r} depends on {dep!r}, which is "
                    f"{target.status.value}; make {dep!r} active or drop the dependency",
                )
        names: dict[str, int] = {}
        for i, var in enumerate(svc.env):
            loc = (*base, "env", i)
            if var.name in names:
                self.err(
                    (*loc, "name"),
                    f"duplicate env var {var.name!r} "
                    f"(also env[{names[var.name]}]); declare each variable once",
                )
            names.setdefault(var.name, i)
            self.secret_var(loc, var)
            self.allowed_values(loc, var)
            self.provided_by_ref((*loc, "provided_by"), var.name, var.provided_by)
        exports: set[str] = set()
        for i, exp in enumerate(svc.exports):
            if exp.name in exports:
                self.err((*base, "exports", i, "name"), f"{exp.name} is exported twice")
            exports.add(exp.name)
        endpoints: set[tuple[str, str]] = set()
        for i, ep in enumerate(svc.health):
            if (ep.method, ep.path) in endpoints:
                self.err((*base, "health", i, "path"), f"{ep.method} {ep.path} is listed twice")
            endpoints.add((ep.method, ep.path))
        self.operations(name, svc)
        if svc.review and svc.review.next_review < svc.review.last_reviewed:
            self.err((*base, "review", "next_review"), "next_review is before last_reviewed")

    def allowed_values(self, loc: Loc, var: Any) -> None:
        """A restricted variable's value and default are among its allowed values."""
        for attr in ("value", "default"):
            given = getattr(var, attr)
            if var.allowed and given is not None and given not in var.allowed:
                self.err(
                    (*loc, attr),
                    f"{attr} {given!r} is not one of the allowed values {var.allowed}",
                )

    def operations(self, name: str, svc: Any) -> None:
        """Owner, tags, objectives, alerts and schedule of one service."""
        base: Loc = ("services", name)
        teams = self.m.teams
        if teams and svc.owner is not None and svc.owner not in teams:
            self.err(
                (*base, "owner"),
                f"unknown team {svc.owner!r}{did_you_mean(svc.owner, teams)}; "
                f"teams: {_listing(sorted(teams))} (the manifest declares teams, so "
                "owner names one of them)",
            )
        for field, key, what in (
            ("tags", None, "tag"),
            ("slos", "name", "objective"),
            ("alerts", "title", "alert"),
        ):
            seen: set[str] = set()
            for i, item in enumerate(getattr(svc, field)):
                label = item if key is None else getattr(item, key)
                if label in seen:
                    loc: Loc = (*base, field, i) if key is None else (*base, field, i, key)
                    self.err(loc, f"{what} {label!r} is listed twice")
                seen.add(label)
        titles = [rb.title for rb in svc.runbooks]
        for i, alert in enumerate(svc.alerts):
            ref = alert.runbook
            if ref is not None and not re.match(r"https?://", ref) and ref not in titles:
                known = f"its runbooks: {', '.join(titles)}" if titles else "it has no runbooks"
                self.err(
                    (*base, "alerts", i, "runbook"),
                    f"no runbook titled {ref!r}{did_you_mean(ref, titles)}; {known} "
                    "(or give a URL)",
                )
        if svc.timezone is not None and svc.schedule is None:
            self.err((*base, "timezone"), "a timezone needs a schedule to apply to")

    def provided_by_ref(self, loc: Loc, name: str, provided_by: str | None) -> None:
        """``provided_by`` names a service that exports the variable ``name``."""
        if provided_by is None or not self.service_ref(loc, provided_by, "exporting service"):
            return
        exported = {e.name for e in self.m.services[provided_by].exports}
        if name not in exported:
            self.err(
                loc,
                f"{provided_by!r} does not export {name}; it exports: "
                f"{', '.join(sorted(exported)) or 'nothing'}",
            )

    def secret_var(self, loc: Loc, var: Any) -> None:
        """A secret has no literal and lists no allowed values (its content: scan_credentials)."""
        if var.secret:
            for attr in ("value", "default", "example"):
                if getattr(var, attr) is not None:
                    self.err(
                        (*loc, attr),
                        f"{var.name} is secret, so it may not have a "
                        f"literal {attr}; set it in the platform's secret store",
                    )
            if var.allowed:
                self.err(
                    (*loc, "allowed"),
                    f"{var.name} is secret, so it may not list allowed values (they would be "
                    "published); describe the expected format in its description instead",
                )

    def aliases(self) -> None:
        owner: dict[str, str] = {n.lower(): n for n in self.m.services}
        for name, svc in self.m.services.items():
            for i, alias in enumerate(svc.aliases):
                other = owner.get(alias.lower())
                if other is not None and other != name:
                    self.err(
                        ("services", name, "aliases", i),
                        f"alias {alias!r} already "
                        f"names service {other!r}; aliases must be unambiguous",
                    )
                owner.setdefault(alias.lower(), name)
        hosts: dict[str, str] = {}
        for name, svc in self.m.services.items():
            for env, listed in svc.domains.root.items():
                for i, host in enumerate(listed):
                    if host in listed[:i]:
                        self.err(
                            ("services", name, "domains", env, i),
                            f"{host} is listed twice for {env}",
                        )
                        continue
                    key = f"{env}:{host}"
                    if key in hosts and svc.status is Status.ACTIVE:
                        self.err(
                            ("services", name, "domains", env, i),
                            f"{host} is also the {env} domain of active service {hosts[key]!r}",
                        )
                    if svc.status is Status.ACTIVE:
                        hosts[key] = name

    def environments(self) -> None:
        production = [n for n, env in self.m.environments.items() if env.production]
        for extra in production[1:]:
            self.err(
                ("environments", extra, "production"),
                f"{production[0]!r} is already the production environment; mark only one",
            )
        for env_name, declared_env in self.m.environments.items():
            if declared_env.provider is not None:
                self.provider_ref(("environments", env_name, "provider"), declared_env.provider)
        for name, svc in self.m.services.items():
            for env in svc.domains.root:
                self.environment_ref(("services", name, "domains", env), env, key=True)
            for env, over in svc.environments.items():
                if self.environment_ref(("services", name, "environments", env), env, key=True):
                    self.override(name, env, over)
        for i, cost in enumerate(self.m.costs):
            if cost.environment is not None:
                self.environment_ref(("costs", i, "environment"), cost.environment)

    def environment_ref(self, loc: Loc, env: str, *, key: bool = False) -> bool:
        names = self.m.environment_names
        if env in names:
            return True
        declared = "declared environments" if self.m.environments else "environments"
        fix = (
            "declare it under environments:"
            if self.m.environments
            else "declare the team's environments under environments:"
        )
        hint = did_you_mean(env, names)
        self.err(
            loc,
            f"unknown environment {env!r}{hint}; {declared}: {', '.join(names)} ({fix})",
            key=key,
        )
        return False

    def override(self, name: str, env: str, over: ServiceOverride) -> None:
        """An environment's override: references and secrets, judged on the merged view."""
        base: Loc = ("services", name, "environments", env)
        if env == self.m.production:
            self.err(
                base,
                f"{env!r} is the production environment: its values are the service's own; "
                "write them on the service itself (overrides are for the other environments)",
                key=True,
            )
            return
        if over.provider is not None:
            self.provider_ref((*base, "provider"), over.provider)
        view = self.m.service_in(name, env)
        merged = {var.name: var for var in view.env}
        seen: dict[str, int] = {}
        for i, given in enumerate(over.env):
            loc = (*base, "env", i)
            if given.name in seen:
                self.err(
                    (*loc, "name"),
                    f"{given.name} is listed twice for {env} (also env[{seen[given.name]}]); "
                    "give each variable once",
                )
                continue
            seen[given.name] = i
            var = merged.get(given.name)
            if var is None:  # the view failed: the loader reports why, at this variable
                continue
            self.secret_var(loc, var)
            self.allowed_values(loc, var)
            self.provided_by_ref((*loc, "provided_by"), var.name, given.provided_by)

    def dns(self) -> None:
        for i, dom in enumerate(self.m.domains):
            for j, rec in enumerate(dom.records):
                name = rec.name
                if "." in name and name != dom.name and not name.endswith("." + dom.name):
                    self.err(
                        ("domains", i, "records", j, "name"),
                        f"record name {name!r} is outside {dom.name}; write a label "
                        f"({name.split('.')[0]!r}) or a name ending in .{dom.name}",
                    )
        for conflict in self.m.dns.conflicts:
            line, _ = self.source.locate(conflict.other)
            where = ".".join(str(part) for part in conflict.other)
            self.err(conflict.loc, f"{conflict.message} (the other: line {line}, {where})")

    def domains(self) -> None:
        seen: dict[str, int] = {}
        for i, dom in enumerate(self.m.domains):
            base: Loc = ("domains", i)
            if dom.name in seen:
                self.err(
                    (*base, "name"),
                    f"duplicate domain {dom.name!r} (also domains[{seen[dom.name]}])",
                )
            seen.setdefault(dom.name, i)
            if dom.service is not None:
                self.service_ref((*base, "service"), dom.service)
            if dom.hosting is not None:
                self.provider_ref((*base, "hosting"), dom.hosting)
            if dom.dns.provider is not None:
                self.provider_ref((*base, "dns", "provider"), dom.dns.provider)
                self.dns_profile(i)

    def dns_profile(self, i: int) -> None:
        """A domain's DNS settings against what its DNS provider's profile has."""
        dom = self.m.domains[i]
        profile = profile_of(self.m, dom.dns.provider)
        if not profile.type:
            return
        shown = f"{dom.dns.provider!r} ({profile.title})"
        if profile.proxy is False and dom.dns.proxied:
            self.err(
                ("domains", i, "dns", "proxied"),
                f"proxied: true, but DNS provider {shown} has no proxy; "
                "write 'proxied: false' or leave it out",
            )
        if profile.ssl_modes is False and dom.dns.ssl_mode is not None:
            self.err(
                ("domains", i, "dns", "ssl_mode"),
                f"ssl_mode is a setting of an edge proxy such as Cloudflare; DNS provider "
                f"{shown} has none, so leave ssl_mode out",
            )
        for j, rec in enumerate(dom.records):
            if profile.proxy is False and rec.proxied:
                self.err(
                    ("domains", i, "records", j, "proxied"),
                    f"proxied: true, but DNS provider {shown} has no proxy; leave it out",
                )

    def costs(self) -> None:
        for i, cost in enumerate(self.m.costs):
            base: Loc = ("costs", i)
            self.provider_ref((*base, "provider"), cost.provider)
            self.phase_ref((*base, "phase"), cost.phase)
            if cost.until_phase is not None:
                self.phase_ref((*base, "until_phase"), cost.until_phase)
                if cost.phase is not None and cost.until_phase < cost.phase:
                    self.err((*base, "until_phase"), "until_phase is before phase")
            if cost.service is not None:
                self.service_ref((*base, "service"), cost.service, "owning service")

    def currencies(self) -> None:
        """Every currency the costs use converts into the reporting currency, once."""
        reporting = self.m.reporting_currency
        seen: dict[str, int] = {}
        for j, rate in enumerate(self.m.exchange_rates):
            loc: Loc = ("exchange_rates", j, "currency")
            if reporting is None:
                self.err(
                    ("exchange_rates", j),
                    "an exchange rate needs a reporting_currency to convert into; "
                    "add reporting_currency (e.g. 'USD') or remove exchange_rates",
                )
                break
            if rate.currency == reporting:
                self.err(loc, f"{reporting} is the reporting currency; it needs no rate")
            elif rate.currency in seen:
                first = seen[rate.currency]
                self.err(loc, f"a second rate for {rate.currency} (also exchange_rates[{first}])")
            seen.setdefault(rate.currency, j)
        if reporting is None:
            return
        for line in cost_lines(self.m):  # the lines the roll-up converts, domains included
            cur = line.currency
            if cur != reporting and cur not in seen:
                self.err(
                    (*line.origin, "currency"),
                    f"no exchange rate for {cur} into the reporting currency {reporting}; "
                    f"add one under exchange_rates: {{currency: {cur}, rate: <{reporting} per "
                    f"1 {cur}>, date: <when it was taken>}}",
                )

    def ci_cd(self) -> None:
        ci = self.m.ci_cd
        if ci is None:
            return
        self.provider_ref(("ci_cd", "provider"), ci.provider)
        names = {w.name for w in ci.workflows}
        for i, wf in enumerate(ci.workflows):
            for j, req in enumerate(wf.requires):
                if req not in names:
                    self.err(
                        ("ci_cd", "workflows", i, "requires", j),
                        f"unknown workflow {req!r}{did_you_mean(req, names)}",
                    )
        seen: set[str] = set()
        for i, secret in enumerate(ci.secrets_required):
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", secret):
                self.err(
                    ("ci_cd", "secrets_required", i),
                    f"expected an UPPER_SNAKE_CASE secret name, got {secret!r}",
                )
            if secret in seen:
                self.err(("ci_cd", "secrets_required", i), f"{secret} is listed twice")
            seen.add(secret)


def check_manifest(
    manifest: Manifest, source: SourceMap, *, unjudged: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every cross-reference problem in ``manifest``, located through ``source``.

    ``unjudged`` names services left out of ``manifest`` because they failed the schema:
    they exist, so references to them are neither errors nor followed.
    """
    return _Checker(manifest, source, unjudged).run()
