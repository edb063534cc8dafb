"""What the manifest says, indexed by subject and attribute, for the contradiction rule.

A *subject* is something prose names: a service (by name, alias or technology) or a
provider (by id or name). For each subject the index holds :class:`Expectation`
objects per attribute kind — the value the manifest states, where it states it, and
how to compare a value found in prose. Only facts the manifest writes explicitly are
indexed (pydantic's ``model_fields_set``): a model default is not a claim.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Loc, format_loc

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..model import Manifest, SslMode
    from ..yamlsafe import SourceMap

__all__ = ["Expectation", "FactIndex", "Subject", "build_index"]


@dataclass(frozen=True)
class Expectation:
    """One manifest-owned fact about one subject."""

    kind: str
    """Attribute kind (``version``, ``memory``, ``region``…); the rule id is ``fact/<kind>``."""
    shown: str
    """The manifest's value as written, for messages."""
    loc: Loc
    """Where it lives in the manifest."""
    accepts: Callable[[Any], bool]
    """Whether a parsed prose value agrees with it."""
    qualifier: str = ""
    """Extra token that must appear near the value (e.g. a key-namespace prefix)."""

    @property
    def path(self) -> str:
        """The manifest path, e.g. ``services.postgres.version``."""
        return format_loc(self.loc)


@dataclass
class Subject:
    """Something prose can talk about, with the facts the manifest states about it."""

    key: str
    """``service:postgres`` or ``provider:railway``."""
    names: list[str]
    """Words that name it in prose (name, aliases, technology), longest first."""
    facts: dict[str, list[Expectation]] = field(default_factory=dict)
    """Expectations per attribute kind."""

    def add(self, exp: Expectation) -> None:
        """Record ``exp``."""
        self.facts.setdefault(exp.kind, []).append(exp)


@dataclass
class FactIndex:
    """All subjects and a single regex that finds their names in text."""

    subjects: list[Subject]
    """Every subject."""
    pattern: re.Pattern[str]
    """Matches any subject name as a whole word (case-insensitive)."""
    by_name: dict[str, list[Subject]]
    """Lower-cased name → subjects it names."""
    global_facts: dict[str, list[Expectation]]
    """Facts tied to no subject (service counts, RTO/RPO)."""
    source: SourceMap
    """Positions, to cite ``manifest.yml:LINE``."""


def _norm_cmd(text: str) -> str:
    return " ".join(str(text).replace("\\\n", " ").split()).strip("'\"")


def _explicit(model: Any, name: str) -> bool:
    return model is not None and name in getattr(model, "model_fields_set", set())


def build_index(manifest: Manifest, source: SourceMap) -> FactIndex:
    """Index every explicit, comparable fact of ``manifest`` by subject."""
    subjects: list[Subject] = []
    for name, svc in manifest.services.items():
        names = {name, *svc.aliases}
        if svc.technology:
            names.add(svc.technology)
        subj = Subject(f"service:{name}", sorted(names, key=len, reverse=True))
        base: Loc = ("services", name)
        if svc.version is not None:
            v = svc.version
            subj.add(Expectation("version", v.text, (*base, "version"), _predicate(_version_ok, v)))
        res = svc.resources
        if res is not None:
            for attr, kind in (
                ("memory", "memory"),
                ("storage", "storage"),
                ("shared_buffers", "shared_buffers"),
                ("effective_cache_size", "effective_cache_size"),
                ("work_mem", "work_mem"),
                ("maintenance_work_mem", "maintenance_work_mem"),
            ):
                size = getattr(res, attr)
                if size is not None:
                    subj.add(
                        Expectation(
                            kind,
                            size.text,
                            (*base, "resources", attr),
                            _equals(size.bytes),
                        )
                    )
            if res.max_connections is not None:
                subj.add(
                    Expectation(
                        "max_connections",
                        str(res.max_connections),
                        (*base, "resources", "max_connections"),
                        _equals(res.max_connections),
                    )
                )
            if res.persistence:
                want = res.persistence.lower()
                subj.add(
                    Expectation(
                        "persistence",
                        res.persistence,
                        (*base, "resources", "persistence"),
                        _predicate(_overlaps, want),
                    )
                )
            if res.eviction_policy:
                subj.add(
                    Expectation(
                        "eviction",
                        res.eviction_policy,
                        (*base, "resources", "eviction_policy"),
                        _equals(res.eviction_policy.lower()),
                    )
                )
        dep = svc.deploy
        if dep is not None:
            d: Loc = (*base, "deploy")
            if dep.port is not None:
                subj.add(Expectation("port", str(dep.port), (*d, "port"), _equals(dep.port)))
            if _explicit(dep, "replicas"):
                subj.add(
                    Expectation(
                        "replicas",
                        str(dep.replicas),
                        (*d, "replicas"),
                        _equals(dep.replicas),
                    )
                )
            if dep.start_command:
                subj.add(
                    Expectation(
                        "start-command",
                        dep.start_command,
                        (*d, "start_command"),
                        _predicate(_same_command, _norm_cmd(dep.start_command)),
                    )
                )
            hc = dep.health_check
            if hc is not None:
                paths = {hc.path, *(e.path for e in svc.health)}
                subj.add(
                    Expectation(
                        "path",
                        hc.path,
                        (*d, "health_check", "path"),
                        _member(frozenset(paths)),
                    )
                )
                if hc.timeout is not None:
                    subj.add(
                        Expectation(
                            "timeout",
                            hc.timeout.text,
                            (*d, "health_check", "timeout"),
                            _equals(hc.timeout.seconds),
                        )
                    )
                if hc.interval is not None:
                    subj.add(
                        Expectation(
                            "interval",
                            hc.interval.text,
                            (*d, "health_check", "interval"),
                            _equals(hc.interval.seconds),
                        )
                    )
        for i, ns in enumerate(svc.key_namespaces):
            if ns.ttl is None:
                continue
            lo, hi = ns.ttl.seconds, (ns.ttl_max or ns.ttl).seconds
            shown = ns.ttl.text if ns.ttl_max is None else f"{ns.ttl.text}-{ns.ttl_max.text}"
            subj.add(
                Expectation(
                    "ttl",
                    shown,
                    (*base, "key_namespaces", i, "ttl"),
                    _predicate(_range_ok, (lo, hi)),
                    qualifier=ns.prefix.rstrip("*"),
                )
            )
        if svc.backups is not None:
            b = svc.backups
            subj.add(
                Expectation(
                    "retention",
                    b.retention.text,
                    (*base, "backups", "retention"),
                    _equals(b.retention.seconds),
                )
            )
        subjects.append(subj)

    ssl_modes: dict[str, list[tuple[SslMode, Loc]]] = {}
    for i, dom in enumerate(manifest.domains):
        if dom.dns.ssl_mode is not None:
            ssl_modes.setdefault(dom.dns.provider, []).append(
                (dom.dns.ssl_mode, ("domains", i, "dns", "ssl_mode"))
            )
    for pid, prov in manifest.providers.items():
        subj = Subject(f"provider:{pid}", sorted({pid, prov.name}, key=len, reverse=True))
        if prov.region:
            subj.add(
                Expectation(
                    "region",
                    prov.region,
                    ("providers", pid, "region"),
                    _equals(prov.region.lower()),
                )
            )
        modes = ssl_modes.get(pid, [])
        if modes:
            allowed = frozenset(m for m, _ in modes)
            shown = " / ".join(sorted(m.value for m in allowed))
            subj.add(Expectation("ssl", shown, modes[0][1], _member(allowed)))
        hosted = [
            n
            for n, s in manifest.services.items()
            if s.provider == pid and s.deploy and s.deploy.start_command
        ]
        if len(hosted) == 1:  # "the Railway start command" can only mean this one
            for exp in next(s for s in subjects if s.key == f"service:{hosted[0]}").facts.get(
                "start-command", []
            ):
                subj.add(exp)
        if (
            pid == "railway"
            and manifest.ci_cd
            and manifest.ci_cd.auto_deploy
            and manifest.ci_cd.auto_deploy.healthcheck_timeout is not None
        ):
            t = manifest.ci_cd.auto_deploy.healthcheck_timeout
            subj.add(
                Expectation(
                    "deploy-timeout",
                    t.text,
                    ("ci_cd", "auto_deploy", "healthcheck_timeout"),
                    _equals(t.seconds),
                )
            )
        subjects.append(subj)

    global_facts: dict[str, list[Expectation]] = {}
    counts: dict[str, int] = {}
    for svc in manifest.services.values():
        counts[svc.status.value] = counts.get(svc.status.value, 0) + 1
    for status in ("active", "development", "planned", "experimental", "retired"):
        n = counts.get(status, 0)
        global_facts.setdefault("count", []).append(
            Expectation("count", f"{n} {status}", ("services",), _equals(n), qualifier=status)
        )
    dr = manifest.disaster_recovery
    if dr is not None:
        global_facts["rto"] = [
            Expectation("rto", dr.rto.text, ("disaster_recovery", "rto"), _equals(dr.rto.seconds))
        ]
        global_facts["rpo"] = [
            Expectation("rpo", dr.rpo.text, ("disaster_recovery", "rpo"), _equals(dr.rpo.seconds))
        ]

    by_name: dict[str, list[Subject]] = {}
    for subj in subjects:
        for nm in subj.names:
            by_name.setdefault(nm.lower(), []).append(subj)
    words = sorted(by_name, key=len, reverse=True)
    pattern = (
        re.compile(
            r"(?<![\w.-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])",
            re.IGNORECASE,
        )
        if words
        else re.compile(r"(?!x)x")
    )
    return FactIndex(subjects, pattern, by_name, global_facts, source)


def _equals(want: Any) -> Callable[[Any], bool]:
    """A comparison: the prose value equals ``want``."""
    return functools.partial(operator.eq, want)


def _member(allowed: frozenset[Any]) -> Callable[[Any], bool]:
    """A comparison: the prose value is one of ``allowed``."""
    return allowed.__contains__


def _predicate(check: Callable[[Any, Any], bool], want: Any) -> Callable[[Any], bool]:
    """A comparison by ``check(found, want)``."""
    return lambda found: check(found, want)


def _overlaps(found: str, want: str) -> bool:
    return found in want or want in found


def _same_command(found: str, want: str) -> bool:
    return _norm_cmd(found) == want


def _version_ok(found: tuple[tuple[int, ...], bool], want: Any) -> bool:
    parts, _ = found
    common = min(len(parts), len(want.parts))
    return bool(parts[:common] == want.parts[:common])


def _range_ok(found: Any, bounds: tuple[float, float]) -> bool:
    lo, hi = bounds
    if isinstance(found, tuple):
        return bool(found[0] == lo and found[1] == hi)
    return bool(found == lo == hi)
