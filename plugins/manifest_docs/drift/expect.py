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
from typing import TYPE_CHECKING, Any, TypeVar

from ..costs import DEFAULT_CURRENCY, CostLine, Totals, cost_lines, money, phase_costs
from ..errors import Loc, format_loc
from ..factwalk import UNIT_SUFFIXES, ManifestFact, norm_command, walk
from ..values import Version, parse_cpu, spelled
from ..vocabulary import framework_choices, same_product

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ..dns import Record
    from ..model import Manifest
    from ..yamlsafe import SourceMap

__all__ = [
    "Bound",
    "CostClaim",
    "Expectation",
    "FactIndex",
    "Subject",
    "accepts_for",
    "build_index",
    "quarter_of",
    "same_amount",
    "trie_alternation",
]

T = TypeVar("T")
CostClaim = tuple[tuple[Decimal, str, bool, int, str], ...]
"""Amounts stated as a cost total: (amount, ``month``/``year``, approximate?, decimals,
ISO 4217 currency)."""
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
    environment: str = ""
    """The environment whose override states it (``""``: what every other one runs)."""

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
    exact: bool = False
    """Whether prose names it only as written (``DEBUG``, not the word *debug*)."""
    per_service: dict[str, dict[str, list[Expectation]]] = field(default_factory=dict)
    """For a variable several services read: each one's facts (``service:lucidia`` →
    kind → expectations); :attr:`facts` holds them all."""
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
    phase_status: dict[int, str] = field(default_factory=dict)
    """Phase id → its status (``complete``, ``current``, ``planned``)."""
    current_phase: int | None = None
    """The phase whose total a cost statement naming no phase is cited against."""
    depends: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each service that writes ``depends_on``: the services it needs (subject keys)."""
    cost_lines: list[CostLine] = field(default_factory=list)
    """Every cost line (domain registrations included), for what one line costs."""
    overridden: frozenset[str] = frozenset()
    """Environments whose overrides state facts: text about one of them is checked
    against its values (text about another environment is not judged)."""
    routes: list[tuple[frozenset[str], Expectation]] = field(default_factory=list)
    """Each route's words that no other route's ``serves`` has (``swagger``,
    ``desktop``), and its path as a fact."""
    hostnames: dict[str, str] = field(default_factory=dict)
    """Each hostname a service answers on (its domains, a domain's ``service``): the
    service's subject key."""
    records: dict[tuple[str, str], list[Record]] = field(default_factory=dict)
    """The zone's records (declared and implied), by full name and type."""
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    """What :meth:`once` worked out, by (what, for which text)."""

    def once(self, what: str, text: str, work: Callable[[], T]) -> T:
        """``work()``, worked out once per check for ``text``.

        Headings, header cells and the tables built from the manifest recur unit
        after unit.
        """
        key = (what, text)
        if key not in self.cache:
            self.cache[key] = work()
        found: T = self.cache[key]
        return found

    @functools.cached_property
    def _by_key(self) -> dict[str, Subject]:
        return {s.key: s for s in self.subjects}

    @functools.cached_property
    def domain_names(self) -> frozenset[str]:
        """The names of the manifest's domains (the zones a DNS table may be under)."""
        return frozenset(s.key[7:] for s in self.subjects if s.key.startswith("domain:"))

    @functools.cached_property
    def service_names(self) -> frozenset[str]:
        """The services' names (keys of ``services``), lower-cased."""
        return frozenset(s.key[8:].lower() for s in self.subjects if s.is_service)

    @functools.cached_property
    def environment_opening(self) -> tuple[re.Pattern[str], dict[str, Subject]]:
        """Text that opens with an environment's bare name, and what each name means.

        ``Staging runs two tasks``, ``**Production** — AWS account …``, ``In dev, …``,
        a heading ``## Staging``. Elsewhere a bare ``production`` or ``dev`` is an
        everyday word (a production database, dev dependencies) and names nothing.
        """
        bare: dict[str, Subject] = {}
        for subj in self.subjects:
            if subj.key.startswith("environment:"):
                for name in subj.names:
                    word = name.rsplit(" ", 1)[0].lower()
                    bare.setdefault(word, subj)
        if not bare:
            return re.compile(r"(?!x)x"), bare
        names = "|".join(re.escape(w) for w in sorted(bare, key=len, reverse=True))
        pattern = re.compile(
            rf"^[\W\d]*(?:(?:in|on|for)\s+)?(?:the\s+)?({names})\b(?![.-]\w)"
            r"(?=\s*(?:[—–:,(]|-\s|$)|\s+(?:runs?|has|have|uses?|lives?|sits?|is|are|gets?"
            r"|keeps?|needs?|serves?|holds?|carries|stays?|makes?|points?)\b)",
            re.IGNORECASE,
        )
        return pattern, bare

    def subject(self, key: str) -> Subject | None:
        """The subject with ``key`` (``service:postgres``), if there is one."""
        return self._by_key.get(key)

    def provider_named(self, names: Iterable[str]) -> str:
        """The id of the manifest's provider that one of ``names`` names, else ``""``.

        Names are compared without case or punctuation (``GitHub Pages`` is
        ``githubpages``).
        """
        return next((self._provider_ids[n] for n in names if n in self._provider_ids), "")

    @functools.cached_property
    def _provider_ids(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for subj in self.subjects:
            if subj.key.startswith("provider:"):
                pid = subj.key[9:]
                for name in (pid, *subj.names):
                    out.setdefault(_squash(name), pid)
        return out

    def phases_named(self, text: str) -> set[int]:
        """The phases ``text`` names, by number (``phase 2``) or name (``Strategic Split``)."""
        out = set()
        for m in self.phases.finditer(text):
            if m.group(1):
                out.add(int(m.group(1)))
            else:
                name = next((g for g in m.groups() if g), "")
                if name in self.phase_ids:
                    out.add(self.phase_ids[name])
        return out


_ROUTE_PLAIN = frozenset(
    {"api", "apis", "ui", "the", "and", "of", "for", "with", "static", "files", "served", "page",
     "pages", "app", "routers", "endpoints", "data", "access", "backend", "frontend",
     "health", "check", "checks", "answers", "including", "each", "every", "that", "this",
     "when", "from", "only", "reports", "returns", "service"}
)  # fmt: skip


def _route_words(manifest: Manifest) -> list[tuple[frozenset[str], Expectation]]:
    """Each route's and health endpoint's own words and its path.

    A route's words are those of its ``serves``, an endpoint's those of its
    ``description``, that no other route or endpoint has ("swagger", "integration").
    """
    found = []
    for name, svc in manifest.services.items():
        for k, route in enumerate(svc.routes):
            words = set(re.findall(r"[a-z]{4,}", route.serves.lower())) - _ROUTE_PLAIN
            loc: Loc = ("services", name, "routes", k, "path")
            found.append((words, Expectation("route", route.path, loc, _equals(route.path))))
        for k, ep in enumerate(svc.health):
            if ep.description:
                words = set(re.findall(r"[a-z]{4,}", ep.description.lower())) - _ROUTE_PLAIN
                loc = ("services", name, "health", k, "path")
                found.append((words, Expectation("path", ep.path, loc, _equals(ep.path))))
    counts: dict[str, int] = {}
    for words, _ in found:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    return [(frozenset(w for w in words if counts[w] == 1), e) for words, e in found]


def _hostnames(manifest: Manifest) -> dict[str, str]:
    """Each hostname a service answers on, and that service's subject key.

    Where two services name one hostname (the marketing site is to take over the root
    domain from the backend), the live one is the one answering today.
    """
    out = {d.name: f"service:{d.service}" for d in manifest.domains if d.service}
    ranked = sorted(manifest.services.items(), key=lambda kv: kv[1].status.value == "active")
    for name, svc in ranked:
        for _, host in svc.domains.items():
            out[host] = f"service:{name}"
    return out


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


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


_DESCRIBED_HEADS = {
    "website": ("website", "site"),
    "site": ("site", "website"),
    "app": ("app",),
    "application": ("application", "app"),
    "api": ("api",),
    "gateway": ("gateway",),
    "console": ("console",),
    "dashboard": ("dashboard",),
    "portal": ("portal",),
    "worker": ("worker",),
    "frontend": ("frontend",),
    "bot": ("bot",),
}
"""Head nouns after which a description's first words name the service ("Corporate
marketing website" is the marketing website, or site)."""
_THE_HEADS = frozenset(
    {"monolith", "database", "cache", "gateway", "console", "worker", "dashboard", "portal"}
)
"""Product nouns that name one service by themselves (``the monolith``) when only one
service's description uses them."""
_PLAIN_MODIFIERS = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "main",
        "new",
        "old",
        "primary",
        "simple",
        "small",
        "basic",
        "static",
        "internal",
        "public",
        "private",
        "legacy",
        "single",
        "shared",
        "web",
    }
)
"""Modifiers that name no one service (``the main site``, ``a static site``)."""
_DESCRIPTION_END = re.compile(r"\s*(?:[(+,:;&]|\s[-—–]\s|\bfor\b|\bthat\b|\bwhich\b)")


def _described_as(description: str) -> list[str]:
    """Names a service's description gives it (``marketing website``, ``the monolith``).

    The first product noun among its first words names it with the word before it
    (``Corporate marketing website``: the marketing website, or site); a noun that
    is rarely generic (:data:`_THE_HEADS`) also names it with ``the``.
    """
    words = _DESCRIPTION_END.split(description.strip(), maxsplit=1)[0].split()[:5]
    at = next(
        (i for i, w in enumerate(words) if i and w.lower() in {*_DESCRIBED_HEADS, *_THE_HEADS}),
        None,
    )
    if at is None:
        return []
    heads = {*_DESCRIBED_HEADS, *_THE_HEADS}
    while at + 1 < len(words) and words[at + 1].lower() in heads:
        at += 1  # "API gateway": the gateway, of the API
    head = words[at].lower()
    modifier = words[at - 1].lower()
    out = []
    if re.fullmatch(r"[a-z][a-z-]+", modifier) and modifier not in _PLAIN_MODIFIERS | _VAGUE_HEADS:
        out += [f"{modifier} {h}" for h in _DESCRIBED_HEADS.get(head, (head,))]
    if head in _THE_HEADS:
        out.append(f"the {head}")
    return out


def _subject_names(manifest: Manifest) -> dict[str, set[str]]:
    """Every subject key and the words that name it in prose."""
    names: dict[str, set[str]] = {}
    heads: dict[str, set[str]] = {}
    for name, svc in manifest.services.items():
        names[f"service:{name}"] = {name, *svc.aliases} | (
            {svc.technology} if svc.technology else set()
        )
        # "agents API" for agents-api: a hyphenated name is also written with a space
        names[f"service:{name}"] |= {
            n.replace("-", " ")
            for n in (name, *svc.aliases)
            if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", n, re.I)
        }
        for alias in svc.aliases:
            parts = alias.lower().split()
            if len(parts) > 1 and len(parts[-1]) >= 5 and parts[-1] not in _VAGUE_HEADS:
                heads.setdefault(parts[-1], set()).add(name)
        for var in (*svc.env, *(v for o in svc.environments.values() for v in o.env)):
            names.setdefault(f"env:{var.name}", set()).update({var.name, *_spoken(var.name)})
    for head, owners in heads.items():
        if len(owners) == 1:  # "the backend": the one service some alias calls a backend
            names[f"service:{next(iter(owners))}"].add(f"the {head}")
    described: dict[str, set[str]] = {}
    for name, svc in manifest.services.items():
        for said in _described_as(svc.description):
            described.setdefault(said, set()).add(name)
    taken = {n.lower() for ns in names.values() for n in ns}
    for phase in manifest.phases:  # "Phase 1, the monolith": the phase named Monolith
        taken |= {phase.name.lower(), f"the {phase.name.lower()}"}
    for said, owners in described.items():
        if len(owners) == 1 and said not in taken:  # "Corporate marketing website"
            names[f"service:{next(iter(owners))}"].add(said)
    for pid, prov in manifest.providers.items():
        names[f"provider:{pid}"] = {pid, prov.name}
    for key, env in manifest.environments.items():
        spoken = {key, *_ENV_SPELLINGS.get(key.lower(), ())}
        if env.production:
            spoken.add("production")
        # by its bare name only where a heading or a row says so: "production" and "dev"
        # are everyday words (a production database, dev dependencies)
        names[f"environment:{key}"] = {f"{w} {t}" for w in spoken for t in _ENV_NOUNS}
    for key, team in manifest.teams.items():
        names[f"team:{key}"] = {f"{w} {t}" for w in {key, team.name} for t in ("team", "squad")}
    for dom in manifest.domains:
        names[f"domain:{dom.name}"] = {dom.name}
    flows = manifest.ci_cd.workflows if manifest.ci_cd else []
    for flow in flows:
        base = flow.file.rsplit("/", 1)[-1]
        stem = base.rsplit(".", 1)[0]
        spoken = {flow.name, stem, flow.name.replace("_", " "), stem.replace("-", " ")}
        words = {w for w in spoken if len(w) > 3 and w.lower() not in _GENERIC_FLOWS}
        words |= {f"{w} workflow" for w in spoken}
        # "the docs workflow": its name without the generic words (deploy, tests…)
        own = [w for w in re.split(r"[\W_]+", stem.lower()) if w and w not in _GENERIC_FLOWS]
        if own:
            words.add(f"{' '.join(own)} workflow")
        names[f"workflow:{flow.name}"] = {flow.file, base, *words}
    for phase in manifest.phases:
        names[f"phase:{phase.id}"] = {f"phase {phase.id}", f"phase {spelled(phase.id)}"}
    return names


_ENV_SPELLINGS = {
    "prod": ("production",),
    "production": ("prod",),
    "dev": ("development",),
    "development": ("dev",),
    "stage": ("staging",),
}
"""The other way prose writes an environment's usual name."""
_ENV_NOUNS = ("environment", "env", "account", "stack")
"""Nouns after an environment's name that make it name the environment."""


_SETTING_WORDS = frozenset(
    {"expire", "expires", "expiry", "ttl", "timeout", "lifetime", "max", "age", "duration",
     "interval", "period", "window", "delay"}
)  # fmt: skip
"""Words of a variable's name that say which setting it is, not what it is about."""


def _spoken(name: str) -> set[str]:
    """How prose names a duration variable: ``ACCESS_TOKEN_EXPIRE_MINUTES`` is "access token".

    Only names of two words or more, once unit and setting words are off.
    """
    parts = name.lower().split("_")
    if len(parts) < 3 or parts[-1].upper() not in UNIT_SUFFIXES:
        return set()
    rest = parts[:-1]
    while rest and rest[-1] in _SETTING_WORDS:
        rest.pop()
    if len(rest) < 2:
        return set()
    spoken = " ".join(rest)
    return {spoken, spoken + "s"}


_VAGUE_HEADS = frozenset(
    {
        "service",
        "server",
        "system",
        "platform",
        "engine",
        "layer",
        "runtime",
        "database",
        "cluster",
        "store",
        "energy",
        "instance",
        "application",
        "project",
    }
)
"""Last words of aliases too vague for ``the WORD`` to name one service."""
_GENERIC_FLOWS = frozenset({"ci", "cd", "test", "tests", "build", "deploy", "release", "main"})
"""Workflow names too common to name one workflow in prose (``CI``, ``tests``)."""


def _expectation(
    fact: ManifestFact, owners: Mapping[str, tuple[str, ...]], zones: Mapping[str, str]
) -> Expectation:
    value = fact.value
    if fact.spec.parser == "team":  # the team's id and name; every owner the manifest knows
        value = (
            owners.get(str(value), (str(value),)),
            frozenset(n for v in owners.values() for n in v),
        )
    if fact.spec.parser == "cron":  # a time of day is compared in the job's time zone
        value = (str(value), zones.get(str(fact.loc[1]), "UTC"))
    return Expectation(
        fact.spec.rule,
        fact.shown,
        fact.loc,
        accepts_for(fact.spec.parser, value, fact.qualifier),
        qualifier=fact.qualifier,
        environment=fact.environment,
    )


def _owner_names(manifest: Manifest) -> dict[str, tuple[str, ...]]:
    """Each owner a service names, with the words prose uses for it (lower case).

    A team is its id and its name (``payments``, ``Payments Platform``); a free-form
    owner is its own text.
    """
    out: dict[str, tuple[str, ...]] = {}
    for svc in manifest.services.values():
        if svc.owner is None:
            continue
        team = manifest.teams.get(svc.owner)
        words = (svc.owner, team.name) if team is not None else (svc.owner,)
        out[svc.owner] = tuple(dict.fromkeys(_team_word(w) for w in words))
    for key, team in manifest.teams.items():
        out.setdefault(key, tuple(dict.fromkeys(_team_word(w) for w in (key, team.name))))
    return out


_TEAM_SUFFIX = re.compile(r"(?:\s+(?:team|squad|group|guild|crew))+$", re.IGNORECASE)


def _team_word(text: str) -> str:
    """``the Payments team`` → ``payments``: how an owner is compared."""
    out = re.sub(r"^(?:the|our)\s+", "", text.strip().strip("`*'\"").lower())
    return _TEAM_SUFFIX.sub("", out).replace("_", "-").replace(" ", "-")


def _team_ok(found: str, want: tuple[tuple[str, ...], frozenset[str]]) -> bool:
    """A team named in prose agrees unless it is another owner the manifest knows.

    ``found`` agrees when it is the owner's id or name, or their first word
    (``Platform`` for ``Platform Engineering``); a name that is no owner at all (a
    person, a vendor) says nothing the manifest contradicts.
    """
    names, known = want
    said = _team_word(found)
    firsts = {n.split("-")[0] for n in names}
    if said in names or said in firsts:
        return True
    return said not in known and said not in {n.split("-")[0] for n in known}


def build_index(manifest: Manifest, source: SourceMap) -> FactIndex:
    """Index every explicit, comparable fact of ``manifest`` by subject.

    The facts come from :func:`manifest_docs.factwalk.walk` (one walk of the model,
    guided by the words beside each schema field). A domain's DNS settings are also
    facts of the zones as a whole (any domain's value agrees), for prose that names
    no domain (``HSTS is on for every zone``); so are the auto-deploy and recovery
    settings, which belong to no service.
    """
    names = _subject_names(manifest)
    subjects = {
        key: Subject(key, sorted(words, key=len, reverse=True)) for key, words in names.items()
    }
    for key, variable in subjects.items():
        variable.exact = key.startswith("env:")
    collective: dict[str, list[Expectation]] = {}
    teams = _owner_names(manifest)
    zones = {name: svc.timezone for name, svc in manifest.services.items() if svc.timezone}
    for fact in walk(manifest):
        exp = _expectation(fact, teams, zones)
        if fact.subject.startswith("env:"):  # env:SERVICE.NAME: one variable, per service
            service, _, var_name = fact.subject[4:].partition(".")
            variable = subjects[f"env:{var_name}"]
            variable.add(exp)
            mine = variable.per_service.setdefault(f"service:{service}", {})
            mine.setdefault(exp.kind, []).append(exp)
            continue
        subj = subjects.get(fact.subject)
        if subj is not None:
            subj.add(exp)
        if fact.subject.startswith("domain:") or not fact.subject or fact.spec.words.collective:
            collective.setdefault(exp.kind, []).append(exp)
        if fact.subject.startswith("domain:") and fact.loc[2:3] == ("dns",):
            dom = manifest.domains[int(fact.loc[1])]
            prov = subjects.get(f"provider:{dom.dns.provider}")
            if prov is not None:
                prov.add(exp)
    for pid in manifest.providers:
        subj = subjects[f"provider:{pid}"]
        hosted = [
            subjects[f"service:{n}"] for n, x in manifest.services.items() if x.provider == pid
        ]
        stated_by: dict[str, set[str]] = {}
        for svc_subject in hosted:
            for kind in svc_subject.facts:
                stated_by.setdefault(kind, set()).add(svc_subject.key)
        for kind, keys in sorted(stated_by.items()):
            if len(keys) != 1 or kind in subj.facts:
                continue  # "the Railway start command" can only mean the one hosted there
            # What the platform runs for it (deploy, resources, backups…), not what the
            # service is (its status, phase, version or host).
            settings = [e for e in subjects[next(iter(keys))].facts[kind] if len(e.loc) > 3]
            for exp in settings:
                subj.add(exp)
            if settings:
                subj.inherited.add(kind)
    subject_list = list(subjects.values())

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
    doms = manifest.domains
    if doms:
        global_facts["count"].append(
            Expectation(
                "count", f"{len(doms)} domains", ("domains",), _equals(len(doms)), "domains"
            )
        )
        for word in ("primary", "secondary", "active", "planned", "reserved", "retired"):
            n = sum(1 for d in doms if word in (d.tier, d.status.value))
            global_facts["count"].append(
                Expectation(
                    "count", f"{n} {word} domains", ("domains",), _equals(n), f"domains:{word}"
                )
            )
    for k, phase in enumerate(manifest.phases):
        if phase.status.value == "current":
            global_facts["current-phase"] = [
                Expectation(
                    "phase",
                    f"phase {phase.id} ({phase.name})",
                    ("phases", k, "status"),
                    _equals(phase.id),
                )
            ]
    global_facts.update(_cost_facts(manifest))
    for kind, exps in collective.items():
        global_facts.setdefault(kind, []).extend(exps)
    if not global_facts.get("registrar"):  # no domain names one: the registrar provider
        global_facts["registrar"] = [
            Expectation("registrar", prov.name, ("providers", pid, "kind"), _equals(pid))
            for pid, prov in manifest.providers.items()
            if prov.kind == "registrar"
        ]

    subject_list += _technology_subjects(manifest)
    by_name: dict[str, list[Subject]] = {}
    for subj in subject_list:
        for nm in subj.names:
            by_name.setdefault(nm.lower(), []).append(subj)
    pattern = (
        re.compile(
            r"(?<![\w.-])(" + trie_alternation(by_name) + r")(?![\w-]|\.\d)", re.IGNORECASE
        )  # not "phase 2" in "Phase 2.5"
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
        r"\b[Pp]hase\s*(\d+)\b(?!\.\d)"
        + "".join(f"|(?<![\\w-])({re.escape(n)})(?![\\w-])" for n in phase_names if n.strip())
    )
    capitals = {w.strip(",.()&'") for n in (org, *phase_names) for w in n.split()}
    current = manifest.current_phase.id if manifest.current_phase is not None else None
    return FactIndex(
        subject_list,
        pattern,
        by_name,
        global_facts,
        source,
        owners=owners,
        owner_words=frozenset(w for w in capitals if w),
        phases=phases,
        phase_ids={p.name: p.id for p in manifest.phases},
        phase_status={p.id: p.status.value for p in manifest.phases},
        current_phase=current,
        cost_lines=cost_lines(manifest),
        hostnames=_hostnames(manifest),
        records=_records(manifest),
        routes=_route_words(manifest),
        overridden=frozenset(env for svc in manifest.services.values() for env in svc.environments),
        depends={
            f"service:{n}": tuple(f"service:{d}" for d in svc.depends_on)
            for n, svc in manifest.services.items()
            if "depends_on" in svc.model_fields_set
        },
    )


def _records(manifest: Manifest) -> dict[tuple[str, str], list[Record]]:
    """The records of the manifest's zones, by name and type."""
    out: dict[tuple[str, str], list[Record]] = {}
    for rec in manifest.dns.records:  # merged once per manifest, shared with the pages
        if rec.zone is not None:
            out.setdefault((rec.name, rec.type), []).append(rec)
    return out


def _technology_subjects(manifest: Manifest) -> list[Subject]:
    """The products the services' ``framework`` and ``runtime`` name, with their versions.

    ``FastAPI 0.104.1`` makes FastAPI something prose can state a version of; a product
    used by several services at different versions accepts any of them.
    """
    by_product: dict[str, Subject] = {}
    for name, svc in manifest.services.items():
        for field_name in ("framework", "runtime"):
            text = getattr(svc, field_name)
            for product, said in framework_choices(text) if isinstance(text, str) else ():
                try:
                    version = Version.parse(said or "")
                except ValueError:
                    continue
                subj = by_product.setdefault(
                    product.lower(), Subject(f"technology:{product.lower()}", [product])
                )
                loc: Loc = ("services", name, field_name)
                subj.add(Expectation("version", text, loc, _predicate(_version_ok, version)))
    return list(by_product.values())


def _shown_totals(t: Totals) -> str:
    """``$20.00/month + $100.00/year (≈ $28.33/month)``: one currency's totals, for messages."""
    parts = [f"{money(t.monthly, t.currency)}/month"] if t.monthly or not t.yearly else []
    parts += [f"{money(t.yearly, t.currency)}/year"] if t.yearly else []
    shown = " + ".join(parts)
    if t.monthly and t.yearly:
        shown += f" (≈ {money(t.amortised_monthly, t.currency)}/month)"
    return shown


def _cost_facts(manifest: Manifest) -> dict[str, list[Expectation]]:
    """Each phase's cost total per currency (and converted, with a reporting currency)."""
    if not cost_lines(manifest):
        return {}
    loc: Loc = ("costs",) if manifest.costs else ("domains",)
    zero = manifest.reporting_currency or DEFAULT_CURRENCY
    out = []
    for pc in phase_costs(manifest):
        sums = list(pc.total.values()) or [Totals(zero, Decimal(0), Decimal(0))]
        shown = "; ".join(_shown_totals(t) for t in sums)
        if pc.converted is not None and pc.rates:
            shown += f"; {_shown_totals(pc.converted)} converted"
            sums.append(pc.converted)
        out.append(
            Expectation(
                "cost",
                f"total: {shown}" if pc.phase is None else f"phase {pc.phase}: {shown}",
                loc,
                _predicate(_cost_ok, tuple(sums)),
                qualifier="" if pc.phase is None else str(pc.phase),
            )
        )
    return {"cost": out}


def _one_of(want: Any, found: Any) -> bool:
    return found == want or (isinstance(found, str) and want in found.split("|"))


def _equals(want: Any) -> Callable[[Any], bool]:
    """A comparison: the prose value equals ``want``.

    A synonym may stand for several values, written ``a|b`` (*not required* is
    ``important|optional``).
    """
    if isinstance(want, str):
        return functools.partial(_one_of, want)
    return functools.partial(operator.eq, want)


def _predicate(check: Callable[[Any, Any], bool], want: Any) -> Callable[[Any], bool]:
    """A comparison by ``check(found, want)``."""
    return lambda found: check(found, want)


def _overlaps(found: str, want: str) -> bool:
    return found in want or want in found


def _same_command(found: str, want: str) -> bool:
    return norm_command(found) == want


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


def same_amount(stated: Decimal, actual: Decimal, approx: bool, places: int) -> bool:
    """Whether an amount stated with ``places`` decimals (hedged: ``approx``) is ``actual``."""
    if approx:  # "~$20/mo": within 10 % (or a dollar)
        return abs(actual - stated) <= max(Decimal(1), abs(actual) / 10)
    return actual.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == stated


def _cost_ok(claim: CostClaim, want: tuple[Totals, ...]) -> bool:
    """Whether a stated cost total agrees with a phase's totals, currency by currency.

    ``€X`` is compared with the EUR lines' totals (or the total converted into EUR,
    when that is the reporting currency); an amount in a currency no total is in is
    not compared.
    """
    for currency in sorted({a[4] for a in claim}):
        mine = tuple(a for a in claim if a[4] == currency)
        totals = [t for t in want if t.currency == currency]
        if totals and not any(_totals_ok(mine, t) for t in totals):
            return False
    return True


def _totals_ok(claim: CostClaim, t: Totals) -> bool:
    """Whether amounts stated in ``t``'s currency agree with ``t``.

    ``$X/month + $Y/year`` must match the monthly and yearly lines; a monthly amount
    alone may be the monthly lines or the amortised month; a yearly amount alone the
    yearly lines or a whole year (twelve months plus the yearly lines).
    """
    month = [(a, x, p) for a, period, x, p, _ in claim if period == "month"]
    year = [(a, x, p) for a, period, x, p, _ in claim if period == "year"]
    if month and year:
        return same_amount(month[0][0], t.monthly, *month[0][1:]) and same_amount(
            year[0][0], t.yearly, *year[0][1:]
        )
    if month:
        return any(
            same_amount(month[0][0], v, *month[0][1:]) for v in (t.monthly, t.amortised_monthly)
        )
    return any(same_amount(year[0][0], v, *year[0][1:]) for v in (t.yearly, t.annual))


@dataclass(frozen=True)
class Bound:
    """A duration stated as a bound: ``at most 15 minutes``, ``the shortest is 30 s``."""

    side: str
    """``max`` or ``min``."""
    seconds: float
    """The bound."""


def _range_ok(found: Any, bounds: tuple[float, float]) -> bool:
    """A range (``5m``–``60m``) agrees with a value inside it, itself, or its own bounds."""
    lo, hi = bounds
    if isinstance(found, Bound):
        return found.seconds == (hi if found.side == "max" else lo)
    if isinstance(found, tuple):
        return bool(found[0] == lo and found[1] == hi)
    return bool(lo <= found <= hi)


def _duration_ok(found: Any, want: float) -> bool:
    """A single duration agrees with itself, stated plainly or as a bound."""
    if isinstance(found, Bound):
        return found.seconds == want
    return bool(found == want)


_QUARTER = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{2}))?", re.IGNORECASE)


def quarter_of(text: str) -> tuple[int, int] | None:
    """``2026-Q2`` or ``2026-04(-30)`` as (year, quarter); ``None`` for a bare year."""
    m = _QUARTER.match(text.strip())
    if m is None or not (m.group(2) or m.group(3)):
        return None
    if m.group(2):
        return int(m.group(1)), int(m.group(2))
    return int(m.group(1)), (int(m.group(3)) - 1) // 3 + 1


def _path_ok(found: str, want: str) -> bool:
    """Whether a path in prose is the manifest's: the same, or longer and ending in it.

    ``codex-docs/site/`` agrees with ``site/`` (relative to the source folder);
    ``Dockerfile`` does not agree with ``backend/Dockerfile``.
    """

    def parts(p: str) -> list[str]:
        cut = p.strip().strip("`'\"").lower().removeprefix("./").split("/")
        return [x for x in cut if x and x not in ("*", "**")]  # codex-docs/** is codex-docs/

    mine, theirs = parts(found), parts(want)
    return bool(theirs) and mine[-len(theirs) :] == theirs


_REFERENCE = re.compile(r"^\$\{\{\s*|\s*\}\}$")
"""The ``${{`` and ``}}`` around a platform reference (``${{Postgres.DATABASE_URL}}``)."""


def _bare(text: str) -> str:
    return _REFERENCE.sub("", text.strip().strip("`'\" ")).rstrip("/").lower()


def _word_ok(found: str, want: str) -> bool:
    """A name in prose agrees when it is the manifest's, or its first word (``Free``).

    A reference agrees without its ``${{ }}``, a URL without a trailing slash.
    """
    f, w = _bare(found), _bare(want)
    return f == w or f == w.split(maxsplit=1)[0].strip("()")


def _key_ok(found: str, want: tuple[str, str]) -> bool:
    pattern, prefix = want
    f = found.strip("`'\" ").lower()
    return f == pattern or (bool(prefix) and f.startswith(prefix.lower()))


def accepts_for(parser: str, value: Any, qualifier: str = "") -> Callable[[Any], bool]:
    """How a value read from prose by ``parser`` is compared with the manifest's ``value``."""
    if parser == "version":
        return _predicate(_version_ok, value)
    if parser == "duration" and isinstance(value, tuple):
        return _predicate(_range_ok, value)
    if parser == "duration":
        return _predicate(_duration_ok, value)
    if parser == "command":
        return _predicate(_same_command, value)
    if parser == "path":
        return _predicate(_path_ok, value)
    if parser == "word":
        return _predicate(_word_ok, value)
    if parser == "team":
        return _predicate(_team_ok, value)
    if parser == "key":
        return _predicate(_key_ok, (value, qualifier))
    if parser == "quarter":
        return _equals(quarter_of(value))
    if parser == "framework":
        choices = tuple(name for name, _ in framework_choices(str(value)))
        return _predicate(_framework_ok, choices)
    if parser == "cpu":
        return _equals(parse_cpu(str(value)))
    if parser == "cron":
        return _predicate(_time_ok, value)
    if parser == "percent":
        return _equals(Decimal(str(value)).normalize())
    if parser == "address":
        return _predicate(_address_ok, str(value).strip().lower())
    return _equals(value)


def _time_ok(found: tuple[int, int, str], want: tuple[str, str]) -> bool:
    """Whether a time of day agrees with a daily cron schedule, in the job's zone.

    Only a schedule at one fixed time (``30 2 * * *``, ``@daily``) says when a job
    starts; a time written in another zone than the job's (``01:30 UTC`` for a job on
    Berlin time) is not converted, and says nothing.
    """
    hour, minute, said = found
    cron, zone = want
    fields = cron.split()
    if cron.strip().lower() in ("@daily", "@midnight"):
        at = (0, 0)
    elif len(fields) == 5 and fields[0].isdigit() and fields[1].isdigit():
        at = (int(fields[1]), int(fields[0]))
    else:
        return True
    mine = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
    same_zone = said in ("", "local", mine) or (mine == "utc" and said in ("gmt", "z"))
    return not same_zone or (hour, minute) == at


def _address_ok(found: str, want: str) -> bool:
    """An e-mail address or channel agrees when it is the manifest's.

    A kind of address the manifest does not state (an e-mail where it gives a URL)
    says nothing.
    """
    if found.startswith("#"):
        return found == want or not want.startswith("#")
    return found == want or "@" not in want


def _framework_ok(found: str, choices: tuple[str, ...]) -> bool:
    """Whether a framework named in prose is one the manifest allows.

    Versions aside: a product's version is a fact of the product, compared as such.
    """
    return any(same_product(found, c) for c in choices)
