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
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..costs import Totals, cost_lines, money, phase_costs
from ..errors import Loc, format_loc
from ..values import Version

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..model import Manifest, SslMode
    from ..yamlsafe import SourceMap

__all__ = ["CostClaim", "Expectation", "FactIndex", "Subject", "build_index", "trie_alternation"]

CostClaim = tuple[tuple[Decimal, str, bool, int], ...]
"""Amounts stated as a cost total: (amount, ``month``/``year``, approximate?, decimals)."""
_ORG_SUFFIX = re.compile(r",?\s*\b(?:inc|llc|ltd|gmbh|corp|co|plc)\.?$", re.IGNORECASE)
_OWNER_NOUNS = (
    r"(?:platform|system|organi[sz]ation|company|stack|project|catalog(?:ue)?|manifest"
    r"|fleet|infrastructure|setup)"
)


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
    inherited: set[str] = field(default_factory=set)
    """Kinds a provider holds only because it hosts a single service with that fact
    (``the Railway start command``); a heading that also names a service leaves them
    to the service."""

    @property
    def is_service(self) -> bool:
        """Whether this subject is a service (not a provider)."""
        return self.key.startswith("service:")

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
    """Facts tied to no subject (service counts, cost totals per phase, RTO/RPO)."""
    source: SourceMap
    """Positions, to cite ``manifest.yml:LINE``."""
    owners: re.Pattern[str] = re.compile(r"(?!x)x")
    """Who may own a total service count: the organisation (``BlackRoad OS``), ``we``,
    ``the platform``… (a whole, lower-cased clause)."""
    owner_words: frozenset[str] = frozenset()
    """Capitalised words of the organisation and phase names (not another owner)."""
    phases: re.Pattern[str] = re.compile(r"(?!x)x")
    """Matches ``phase 2`` or a phase name (``Strategic Split``) in text."""
    phase_ids: dict[str, int] = field(default_factory=dict)
    """Phase name → id."""
    current_phase: int | None = None
    """The phase whose total a cost statement naming no phase is cited against."""
    cache: dict[str, list[Any]] = field(default_factory=dict)
    """Names found in short texts that recur (headings, first cells), by text."""


def _norm_cmd(text: str) -> str:
    return " ".join(str(text).replace("\\\n", " ").split()).strip("'\"")


def _explicit(model: Any, name: str) -> bool:
    return model is not None and name in getattr(model, "model_fields_set", set())


def trie_alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first), shaped as a prefix tree.

    A plain ``a|b|c…`` alternation of every service name and alias is tried name by
    name at each position of the text: with thousands of services that made the drift
    check quadratic. Sharing prefixes, the engine follows one branch per character.
    Chains without a branch are one literal, so the pattern nests only as deep as
    words end inside one another (not as deep as the longest word is long).
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = []
        for first, below in sorted(node.items()):
            if not first:
                continue
            run, child = first, below
            while len(child) == 1 and "" not in child:  # a chain: one literal, no group
                ((ch, child),) = child.items()
                run += ch
            branches.append(re.escape(run) + build(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here; a longer one is tried first
            return f"(?:{body})?"
        return body

    return build(trie)


def build_index(manifest: Manifest, source: SourceMap) -> FactIndex:
    """Index every explicit, comparable fact of ``manifest`` by subject."""
    subjects: list[Subject] = []
    for name, svc in manifest.services.items():
        names = {name, *svc.aliases}
        if svc.technology:
            names.add(svc.technology)
        subj = Subject(f"service:{name}", sorted(names, key=len, reverse=True))
        base: Loc = ("services", name)
        subj.add(Expectation("provider", svc.provider, (*base, "provider"), _equals(svc.provider)))
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

    by_key = {s.key: s for s in subjects}
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
        for kinds, attr in (
            (("start-command",), "start_command"),
            (("path", "timeout", "interval"), "health_check"),
        ):
            hosted = [
                n
                for n, s in manifest.services.items()
                if s.provider == pid and s.deploy is not None and getattr(s.deploy, attr)
            ]
            if len(hosted) != 1:
                continue  # "the Railway start command" can only mean the one hosted there
            facts = by_key[f"service:{hosted[0]}"].facts
            for kind in kinds:
                for exp in facts.get(kind, []):
                    subj.add(exp)
                    subj.inherited.add(kind)
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
    statuses = [svc.status.value for svc in manifest.services.values()]
    n_all = len(statuses)
    n_kept = n_all - statuses.count("retired")
    n_live = statuses.count("active")
    global_facts["count"].append(
        Expectation(
            "count",
            f"{n_all} services",
            ("services",),
            _predicate(_total_count_ok, (frozenset({n_all, n_kept}), n_live)),
            qualifier="total",
        )
    )
    global_facts.update(_cost_facts(manifest))
    dr = manifest.disaster_recovery
    if dr is not None:
        global_facts["rto"] = [
            Expectation("rto", dr.rto.text, ("disaster_recovery", "rto"), _equals(dr.rto.seconds))
        ]
        global_facts["rpo"] = [
            Expectation("rpo", dr.rpo.text, ("disaster_recovery", "rpo"), _equals(dr.rpo.seconds))
        ]

    subjects += _technology_subjects(manifest)
    by_name: dict[str, list[Subject]] = {}
    for subj in subjects:
        for nm in subj.names:
            by_name.setdefault(nm.lower(), []).append(subj)
    pattern = (
        re.compile(r"(?<![\w.-])(" + trie_alternation(by_name) + r")(?![\w-])", re.IGNORECASE)
        if by_name
        else re.compile(r"(?!x)x")
    )
    org = manifest.organization.name.strip()
    short = _ORG_SUFFIX.sub("", org).strip()
    org_names = {org.lower(), short.lower(), short.split()[0].lower()} if short else {org.lower()}
    alternatives = "|".join(re.escape(o) for o in sorted(org_names, key=len, reverse=True))
    owners = re.compile(
        rf"^(?:we|it|there|(?:the|our|this)(?:\s+whole)?\s+{_OWNER_NOUNS}"
        rf"|(?:{alternatives})(?:'s\s+{_OWNER_NOUNS})?)?$"
    )
    phase_names = [p.name for p in manifest.phases]
    phases = re.compile(
        r"\b[Pp]hase\s*(\d+)\b"
        + "".join(f"|(?<![\\w-])({re.escape(n)})(?![\\w-])" for n in phase_names if n.strip())
    )
    capitals = {w.strip(",.()&'") for n in (org, *phase_names) for w in n.split()}
    current = manifest.current_phase.id if manifest.current_phase is not None else None
    return FactIndex(
        subjects,
        pattern,
        by_name,
        global_facts,
        source,
        owners=owners,
        owner_words=frozenset(w for w in capitals if w),
        phases=phases,
        phase_ids={p.name: p.id for p in manifest.phases},
        current_phase=current,
    )


_PRODUCT_VERSION = re.compile(
    r"^\s*([A-Za-z][\w.+#-]*(?:\s[A-Za-z][\w.+#-]*)?)\s+(v?\d[\w.]*\+?)\s*$"
)
"""``FastAPI 0.104.1``, ``Python 3.11+``, ``Next.js 14``: a product and its version."""


def _technology_subjects(manifest: Manifest) -> list[Subject]:
    """The products the services' ``framework`` and ``runtime`` name, with their versions.

    ``FastAPI 0.104.1`` makes FastAPI something prose can state a version of; a product
    used by several services at different versions accepts any of them.
    """
    by_product: dict[str, Subject] = {}
    for name, svc in manifest.services.items():
        for field_name in ("framework", "runtime"):
            text = getattr(svc, field_name)
            m = _PRODUCT_VERSION.match(text) if isinstance(text, str) else None
            if m is None:
                continue
            try:
                version = Version.parse(m.group(2))
            except ValueError:
                continue
            product = m.group(1)
            subj = by_product.setdefault(
                product.lower(), Subject(f"technology:{product.lower()}", [product])
            )
            loc: Loc = ("services", name, field_name)
            subj.add(Expectation("version", text, loc, _predicate(_version_ok, version)))
    return list(by_product.values())


def _cost_facts(manifest: Manifest) -> dict[str, list[Expectation]]:
    """Each phase's cost total (only when the manifest states costs, all in USD)."""
    lines = cost_lines(manifest)
    if not lines or any(c.currency != "USD" for c in lines):
        return {}
    loc: Loc = ("costs",) if manifest.costs else ("domains",)
    out = []
    for pc in phase_costs(manifest):
        t = pc.total
        parts = [f"{money(t.monthly)}/month"] if t.monthly or not t.yearly else []
        parts += [f"{money(t.yearly)}/year"] if t.yearly else []
        shown = " + ".join(parts)
        if t.monthly and t.yearly:
            shown += f" (≈ {money(t.amortised_monthly)}/month)"
        out.append(
            Expectation(
                "cost",
                f"phase {pc.phase}: {shown}",
                loc,
                _predicate(_cost_ok, t),
                qualifier=str(pc.phase),
            )
        )
    return {"cost": out}


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
    """Whether a stated version agrees: the same as far as both go, or later than a ``15+``."""
    parts, _ = found
    common = min(len(parts), len(want.parts))
    if parts[:common] == want.parts[:common]:
        return True
    return bool(want.or_later and parts[:common] > want.parts[:common])


def _total_count_ok(found: tuple[int, bool], want: tuple[frozenset[int], int]) -> bool:
    """Whether a total service count agrees.

    It is every service (or every one not retired); a count of what "runs" may also be
    the active ones.
    """
    n, running = found
    every, live = want
    return n in every or (running and n == live)


def _same_amount(stated: Decimal, actual: Decimal, approx: bool, places: int) -> bool:
    if approx:  # "~$20/mo": within 10 % (or a dollar)
        return abs(actual - stated) <= max(Decimal(1), abs(actual) / 10)
    return actual.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == stated


def _cost_ok(claim: CostClaim, t: Totals) -> bool:
    """Whether a stated cost total agrees with a phase's totals.

    ``$X/month + $Y/year`` must match the monthly and yearly lines; a monthly amount
    alone may be the monthly lines or the amortised month; a yearly amount alone the
    yearly lines or a whole year (twelve months plus the yearly lines).
    """
    month = [(a, x, p) for a, period, x, p in claim if period == "month"]
    year = [(a, x, p) for a, period, x, p in claim if period == "year"]
    if month and year:
        return _same_amount(month[0][0], t.monthly, *month[0][1:]) and _same_amount(
            year[0][0], t.yearly, *year[0][1:]
        )
    if month:
        return any(
            _same_amount(month[0][0], v, *month[0][1:]) for v in (t.monthly, t.amortised_monthly)
        )
    return any(_same_amount(year[0][0], v, *year[0][1:]) for v in (t.yearly, t.annual))


def _range_ok(found: Any, bounds: tuple[float, float]) -> bool:
    lo, hi = bounds
    if isinstance(found, tuple):
        return bool(found[0] == lo and found[1] == hi)
    return bool(found == lo == hi)
