"""The schema of ``manifest.yml`` (v2; v1 files load unchanged): the typed model every part reads.

Every field carries a docstring; they are the descriptions in the JSON Schema and on
the generated reference page. The model only checks the shape of each value; the
rules that look across the whole manifest (references, secrets, duplicates) live in
:mod:`manifest_docs.rules`.
"""

from __future__ import annotations

import copy
import datetime as dt
import types
import typing
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    RootModel,
    StringConstraints,
    create_model,
)
from pydantic.json_schema import GenerateJsonSchema

from .values import Duration, Size, Version, parse_money
from .vocabulary import FRAMEWORK_PHRASE, Words, setting

if TYPE_CHECKING:
    from pydantic_core import core_schema

    from .dns import Zone
    from .overlay import Views

__all__ = [
    "CRON",
    "CURRENCY",
    "DEFAULT_CURRENCY",
    "DEFAULT_ENVIRONMENTS",
    "MAX_ALIASES",
    "MAX_COUNT",
    "MAX_NAME",
    "MAX_TEXT",
    "Alert",
    "Backups",
    "CiCd",
    "Cost",
    "Deploy",
    "DisasterRecovery",
    "Dns",
    "DnsRecord",
    "Domain",
    "DomainStatus",
    "EnvTier",
    "EnvVar",
    "Environment",
    "ExchangeRate",
    "ExportedVar",
    "HealthCheck",
    "HealthEndpoint",
    "Hostnames",
    "KeyNamespace",
    "Kind",
    "Links",
    "Manifest",
    "Money",
    "Network",
    "Organization",
    "Period",
    "Phase",
    "PhaseStatus",
    "Provider",
    "Resources",
    "Review",
    "Route",
    "Runbook",
    "Service",
    "ServiceOverride",
    "Slo",
    "SslMode",
    "Status",
    "Team",
    "Workflow",
    "repo_urls",
]

MAX_COUNT = 1_000_000
"""Largest count accepted: replicas, retries, quantities, connections, phase ids."""
MAX_TEXT = 10_000
"""Longest text accepted in any field, in characters (descriptions included)."""
MAX_NAME = 100
"""Longest alias or technology name, in characters."""
MAX_ALIASES = 100
"""Most aliases one service may have."""

SERVICE_NAME = r"^[a-z0-9][a-z0-9-]{0,62}$"
ENV_NAME = r"^[A-Z][A-Z0-9_]*$"
HOSTNAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
ENVIRONMENT_NAME = r"^[a-z][a-z0-9-]{0,62}$"
TAG = r"^[a-z0-9][a-z0-9._-]{0,62}$"
"""A tag: lower-case letters, digits, dots, dashes and underscores (``tier-1``)."""
REPO = r"^([\w.-]+/[\w.-]+|https?://[\w.-]+(:\d+)?(/[\w.~-]+)+/?)$"
"""A repository: GitHub ``owner/name``, or its URL on any host."""
_CRON_FIELD = r"[\d*?LW#/,-]+|[A-Za-z]{3}(?:-[A-Za-z]{3})?(?:,[A-Za-z]{3})*"
CRON = (
    rf"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)"
    rf"|(({_CRON_FIELD})\s+){{4,5}}({_CRON_FIELD}))$"
)
"""A cron schedule: five (or six, with seconds) fields, or a macro such as ``@daily``."""
_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?"
RECORD_NAME = rf"^(@|\*|(\*\.)?({_LABEL}\.)*{_LABEL})$"
"""A record's name in its zone: ``@``, ``www``, ``_dmarc``, ``*.preview`` or a full name."""
DEFAULT_ENVIRONMENTS = ("prod", "staging", "dev")
"""The environments of a manifest that declares none (schema v1's fixed three)."""
SCHEMA_VERSIONS = (1, 2)
"""The ``schema_version`` values this version reads; the last is the current one."""
V1_DNS = {"provider": "cloudflare", "proxied": True}
"""What schema v1 assumed of a domain's ``dns`` it did not state (v2 assumes nothing)."""


def v1_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-v1 document with what v1 left unsaid stated, as v1 meant it.

    v1 took a domain without ``dns.provider`` to be on Cloudflare and proxied. Both are
    filled in when the manifest declares a ``cloudflare`` provider (without one, v1's
    assumption named a provider that does not exist, and nothing is assumed). ``data``
    is not changed; the domains that gain a value are copies.
    """
    providers = data.get("providers")
    domains = data.get("domains")
    if not isinstance(providers, dict) or "cloudflare" not in providers:
        return data
    if not isinstance(domains, list):
        return data
    filled: list[Any] = []
    for dom in domains:
        dns = dom.get("dns", {}) if isinstance(dom, dict) else None
        filled.append({**dom, "dns": {**V1_DNS, **dns}} if isinstance(dns, dict) else dom)
    return {**data, "domains": filled}


HEALTH_CONTEXT = (
    r"\bhealth(?:[ _-]?checks?|checks?|z)?\b|\bprob(?:e|es|ed|ing)\b|\bliveness\b|\breadiness\b"
    r"|\b(?:un)?healthy\b|\bchecks?\s+(?:the\s+|each\s+|every\s+)?"
    r"(?:container|service|deployment|instance|process|replica)s?\b"
)
"""Words that put a sentence in health-check context (timeouts, intervals, retries)."""
TARGET_WORDS = Words(
    (
        r"target(?:ed)?(?: date)?",
        r"due",
        r"ready by",
        r"(?:scheduled|planned|slated|pencilled in|penciled in) for",
        r"expected",
        r"eta",
    ),
    rule="target-date",
    parse="quarter",
    also=(
        # "- [ ] Split out the Prism Console (Q2 2026)": a date in brackets after the
        # thing it is for, in a plan's list item or a roadmap line
        Words((r"(?<=\w)\s*\(",), rule="target-date", parse="quarter", adjacent=True, named=True),
    ),
)
"""The words of a target date (of a phase or a planned service)."""
HOSTED_ON = Words(
    (
        # not "deployed by": who deploys it (a CI system), not where it runs
        r"(?:hosted|served|runs?|running|lives?|sits?)\s+(?:on|to|from|by|at|in)",
        r"deployed\s+(?:on|to|at|in)",
        r"hosting\s*:",
    ),
    parse="subject",
    rule="provider",
)
"""The words of a hosting provider (a service's, or a domain's that no service serves)."""
REGION_WORDS = Words(
    (r"regions?",),
    parse="region",
    keys=("region",),
    also=(
        Words(
            (r"(?:runs?|running|hosted|deployed|located|lives?|sits?)\s+in",),
            parse="region",
            rule="region",
            adjacent=True,
        ),
    ),
)
"""The words of a region (``us-west1``, ``eu-central-1``): a provider's or an environment's."""
PROJECT_WORDS = Words(
    (r"projects?", r"(?:cloud |aws |gcp |azure )?accounts?", r"subscriptions?"),
    parse="word",
    pattern=r"[a-z0-9][a-z0-9._-]*",
)
"""The words of a project name: a slug (``blackroad-production``), not "a Django project"."""
HEALTH_PATH = Words(
    (
        r"health[ _-]?checks?(?:[ _-]?path)?",
        r"healthcheck",
        r"prob(?:e|es|ed|ing)",
        r"liveness(?:\s+(?:check|probe|endpoint))?",
    ),
    rule="path",
    parse="path",
    keys=("healthcheckPath", "healthcheck.path", "health_check_path"),
)
"""The words of a health-check path (the deploy check and the health endpoints alike)."""

DURATION_DEFAULT = Words(
    (
        r"defaults?(?: value)?(?: to| is)?",
        r"by default",
        r"lifetimes?",
        r"lasts?",
        r"expir(?:e|es|ed|y|ation)",
        r"valid for",
        r"kept for",
    ),
    rule="default-duration",
    parse="duration",
    unit_from="name",
)
"""A variable's default read as a duration when its name gives the unit
(``ACCESS_TOKEN_EXPIRE_MINUTES``: "access tokens last 30 minutes")."""

_RUNS_MIGRATIONS = (
    r"(?:runs|applies)\s+(?:the\s+)?(?:(?:pending\s+|alembic\s+|database\s+|schema\s+|db\s+)*"
    r"migrations?|`?(?:alembic\s+upgrade|flask\s+db\s+upgrade|python\s+manage\.py\s+migrate|"
    r"prisma\s+migrate\s+deploy|rails\s+db:migrate|rake\s+db:migrate|knex\s+migrate:latest)"
    r"\b[^`]*`?)(?!\s+(?:manually|by hand|yourself))"
)
DEPLOY_MIGRATES = Words(
    (_RUNS_MIGRATIONS,),
    rule="migrate-on-deploy",
    affirm=(_RUNS_MIGRATIONS,),
    needs=r"\bdeploy(?:s|ed|ing|ment)?\b",
    collective=True,
)
"""A deploy step that runs the migrations (``4. Runs Alembic migrations`` under
"Deployment process"): what ``auto_upgrade`` says, read where deploys are described."""

STATUS_WORDS = Words(
    (),
    label_only=("status",),
    synonyms=(
        (r"live|(?:in )?production|deployed|running|✅", "active"),
        (r"not started|todo|to ?do", "planned"),
        (r"in development|wip|in progress", "development"),
        (r"research", "experimental"),
        (r"deprecated|decommissioned", "retired"),
    ),
    also=(
        Words(
            (
                r"(?:is|are|has been|have been|moved|went|graduated|entered|got)\s+"
                r"(?:now\s+|still\s+|back\s+|finally\s+)?(?:in|into|to)",
            ),
            synonyms=(
                (
                    r"development(?!\s+(?:mode|environment|env|branch|builds?|server|"
                    r"settings|config|stage|database|machine))",
                    "development",
                ),
                (r"research(?!\s+(?:mode|notes?|papers?))", "experimental"),
            ),
            rule="status",
            adjacent=True,
            named=True,
        ),
    ),
)
"""The words of a lifecycle status ("live", "in production", "moved to development")."""
VERSION_WORDS = Words(
    (r"versions?",),
    keys=(
        "redis_version",
        "server_version",
        "postgres_version",
        "engine_version",  # RDS, ElastiCache, Terraform
        "EngineVersion",
    ),
)
"""The words of a technology's version."""

_AS_TEXT = PlainSerializer(str, return_type=str, when_used="json")
"""Exact amounts are written back as text in JSON (never through a float)."""

Money = Annotated[Decimal, BeforeValidator(parse_money), _AS_TEXT, Field(examples=["20.00"])]
"""An exact amount of money (``Decimal``), written as a number or a quoted string."""


def _parse_percent(value: object) -> Decimal:
    """A share in per cent: ``99.9``, ``"99.95"`` or ``"99.9%"``, above 0 and at most 100."""
    text = value.strip().removesuffix("%").strip() if isinstance(value, str) else value
    try:
        share = parse_money(text)
    except ValueError:
        share = Decimal(-1)
    if not 0 < share <= 100:
        raise ValueError(f"expected a share in per cent like '99.9', got {value!r}")
    return share


Percent = Annotated[Decimal, BeforeValidator(_parse_percent), _AS_TEXT, Field(examples=["99.9"])]
"""A share in per cent, exact (``Decimal``): ``99.9`` means 99.9 %."""


class _Model(BaseModel):
    """Base: unknown keys are errors, field docstrings become descriptions."""

    model_config = ConfigDict(
        extra="forbid",
        use_attribute_docstrings=True,
        frozen=True,
        arbitrary_types_allowed=False,
        str_strip_whitespace=False,
        str_max_length=MAX_TEXT,
    )
    override_of: ClassVar[type[BaseModel] | None] = None
    """For the model of an environment's override: the model whose values it replaces."""


class Status(StrEnum):
    """Lifecycle status of a service."""

    ACTIVE = "active"
    DEVELOPMENT = "development"
    PLANNED = "planned"
    EXPERIMENTAL = "experimental"
    RETIRED = "retired"


class Kind(StrEnum):
    """What a service is."""

    BACKEND = "backend"
    DATABASE = "database"
    CACHE = "cache"
    DOCS = "docs"
    GATEWAY = "gateway"
    FRONTEND = "frontend"
    CONSOLE = "console"
    WORKER = "worker"
    RESEARCH = "research"
    STORAGE = "storage"
    QUEUE = "queue"
    JOB = "job"
    FUNCTION = "function"
    EXTERNAL = "external"


class PhaseStatus(StrEnum):
    """Where a roadmap phase stands."""

    COMPLETE = "complete"
    CURRENT = "current"
    PLANNED = "planned"


class EnvTier(StrEnum):
    """How much a service needs an environment variable."""

    REQUIRED = "required"
    IMPORTANT = "important"
    OPTIONAL = "optional"


class DomainStatus(StrEnum):
    """Whether a domain serves traffic."""

    ACTIVE = "active"
    PLANNED = "planned"
    RESERVED = "reserved"
    RETIRED = "retired"


class SslMode(StrEnum):
    """Cloudflare SSL/TLS encryption mode."""

    OFF = "off"
    FLEXIBLE = "flexible"
    FULL = "full"
    STRICT = "strict"


class Period(StrEnum):
    """How often a cost is charged."""

    MONTH = "month"
    YEAR = "year"


# --------------------------------------------------------------------------- top level


class Organization(_Model):
    """The organisation that owns the infrastructure."""

    name: str
    """Display name of the organisation, e.g. ``BlackRoad OS, Inc.``."""
    control_plane_repo: str | None = Field(default=None, pattern=REPO)
    """The repository that holds this manifest: a GitHub ``owner/name`` or its URL on any
    host."""
    docs_url: str | None = Field(default=None, pattern=r"^https?://")
    """Public URL of the documentation site built from this manifest (the drift gate
    holds ``site_url`` and a committed ``CNAME`` to it)."""
    operator: str | None = None
    """Person accountable for operations."""
    github_org: str | None = None
    """GitHub organisation that hosts the service repositories."""


class Phase(_Model):
    """One phase of the roadmap."""

    id: int = Field(ge=0, le=MAX_COUNT)
    """Phase number, referenced by services and costs (``phase: 1``)."""
    name: str
    """Short name, e.g. ``Monolith``."""
    status: Annotated[
        PhaseStatus,
        Words(
            (r"status",),
            synonyms=(
                (
                    r"(?<!not )(?<!n't )(?<!not yet )(?:complete|completed|finished|done"
                    r"|delivered|closed)(?! (?:by|in|when|once|before|after)\b)",
                    "complete",
                ),
                (
                    r"still (?:in progress|under ?way|ongoing|running|open)|in progress"
                    r"|under ?way|not (?:yet )?(?:complete|completed|finished|done)",
                    "current",
                ),
            ),
            rule="phase-status",
            self_naming=True,
            named=True,
        ),
    ]
    """``complete``, ``current`` (exactly one phase) or ``planned``."""
    target: Annotated[str | None, TARGET_WORDS] = Field(
        default=None, pattern=r"^\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)?$"
    )
    """Target date: ``2026-Q2``, ``2026-04`` or ``2026-04-30``."""
    description: str | None = None
    """What the phase delivers."""
    strategy: str | None = None
    """How the phase is carried out, e.g. ``Monorepo with consolidation``."""


class Provider(_Model):
    """A platform the services run on or depend on (hosting, DNS, CI…)."""

    name: str
    """Display name, e.g. ``Railway``."""
    kind: Literal[
        "hosting",
        "compute",
        "dns",
        "cdn",
        "ci",
        "registrar",
        "monitoring",
        "data",
        "messaging",
        "storage",
        "saas",
    ]
    """What the provider is used for: hosting or compute, DNS, CDN, CI, registrar,
    monitoring, managed data, messaging, storage, or a SaaS product the services use."""
    type: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    """Which platform it is, naming its profile: ``railway`` and ``fly`` (their
    config-as-code files), ``github-pages`` (``CNAME``, ``<org>.github.io``),
    ``cloudflare`` and ``route53`` (whether DNS proxies and SSL modes exist). Empty: the
    provider's id, where that names a profile. Any other name is allowed and adds
    nothing (see :mod:`manifest_docs.profiles`)."""
    plan: Annotated[str | None, Words((r"plans?", r"tier"), parse="word")] = None
    """Current plan or tier, e.g. ``Hobby``."""
    project: Annotated[str | None, PROJECT_WORDS] = None
    """Project name at the provider (Railway: ``blackroad-production``)."""
    project_id: str | None = None
    """Project identifier at the provider, when known."""
    region: Annotated[str | None, REGION_WORDS] = None
    """Deployment region, e.g. ``us-west1``."""
    dashboard: str | None = Field(default=None, pattern=r"^https?://")
    """URL of the provider's dashboard for this project."""
    nameservers: Annotated[
        list[str],
        Words((r"name ?servers?", r"ns records?", r"delegated to"), parse="host", collective=True),
    ] = Field(default_factory=list)
    """Nameservers, for DNS providers."""
    features: list[str] = Field(default_factory=list)
    """Features enabled at the provider (WAF, Brotli…)."""


class Dns(_Model):
    """DNS and CDN settings of a domain."""

    provider: Annotated[
        str | None,
        Words(
            (
                r"(?:dns|zones?)(?:\s+for\s+\S+)?\s+(?:(?:is|are)\s+(?:hosted|managed|served|run)"
                r"|runs?|lives?|sits?)\s+(?:on|by|at|with|in)",
                r"(?:dns|zones?)\s+(?:is|are)\s+(?:on|at|with)",
                r"dns\s+(?:provider|host)\s*(?:is|:)?",
            ),
            parse="subject",
            rule="dns-provider",
            collective=True,
        ),
    ] = None
    """Provider id (a key of ``providers``) that serves the zone; empty: not stated."""
    proxied: Annotated[
        bool | None,
        Words(
            (r"proxied", r"proxy(?:ing)?"),
            synonyms=(
                (r"dns[- ]only|gr[ae]y[- ]cloud(?:ed)?|un-?proxied", "false"),
                (r"orange[- ]cloud(?:ed)?", "true"),
            ),
            self_naming=True,
            affirm=(r"proxied",),
            keys=("proxied",),
        ),
    ] = None
    """Whether traffic goes through the DNS provider's proxy (its CDN); empty: not
    stated, or the provider has no proxy."""
    ssl_mode: Annotated[
        SslMode | None,
        Words(
            (r"ssl", r"encryption mode"),
            rule="ssl",
            parse="ssl",
            keys=("ssl", "ssl_mode"),
            also=(
                # "Cloudflare runs in Full (strict) mode", "the zone is set to Flexible mode"
                Words(
                    (r"(?:runs?|running|is|are|set|configured|operates?)\s+(?:in|to|at)",),
                    rule="ssl",
                    parse="ssl",
                    adjacent=True,
                    needs=(
                        r"(?=[\s\S]*\b(?:ssl|tls|https|cloudflare|certificates?|origin)\b)"
                        r"[\s\S]*\b(?:full|flexible|strict)\W{0,3}\s+mode\b"
                    ),
                ),
            ),
        ),
    ] = None
    """Cloudflare SSL/TLS mode: ``off``, ``flexible``, ``full`` or ``strict``."""
    min_tls: Annotated[
        Literal["1.0", "1.1", "1.2", "1.3"] | None,
        Words(
            (
                r"min(?:imum)?[ _-]?tls(?:[ _-]version)?",
                r"oldest tls(?: version)?",
                r"tls (?:version )?(?:floor|minimum)",
                # "refuses anything older than TLS 1.3", "at least TLS 1.2"
                r"(?:older|lower|earlier|below)\s+than\s+tls(?:\s*v(?:ersion)?)?",
                r"(?:at\s+least|no\s+older\s+than|nothing\s+(?:older|lower)\s+than)\s+tls",
            ),
            keys=("min_tls_version", "minTlsVersion", "min_tls"),
        ),
    ] = None
    """Minimum TLS version accepted, e.g. ``"1.2"``."""
    hsts: Annotated[
        bool | None,
        Words(
            (r"hsts", r"strict[- ]transport[- ]security"),
            affirm=(
                r"(?:sends?|serves?|returns?|sets?|adds?|sending|setting) (?:an? |the )?"
                r"(?:hsts|strict[- ]transport[- ]security) headers?",
            ),
            keys=("hsts",),
        ),
    ] = None
    """Whether HTTP Strict Transport Security is enabled."""
    always_https: Annotated[
        bool | None,
        Words(
            (r"always use https", r"always[ _-]https", r"https redirects?"),
            affirm=(r"redirect(?:s|ed)? (?:all )?(?:plain )?http (?:requests |traffic )?to https",),
            keys=("always_use_https", "always_https"),
        ),
    ] = None
    """Whether plain HTTP is redirected to HTTPS."""


CURRENCY = r"^[A-Z]{3}$"
"""An ISO 4217 currency code (``USD``, ``EUR``)."""
DEFAULT_CURRENCY = "USD"
"""The currency of an amount that names none."""


class DnsRecord(_Model):
    """A DNS record declared in a domain's zone (service hostnames add their own CNAMEs)."""

    name: str = Field(pattern=RECORD_NAME)
    """``@`` for the domain itself, a label such as ``www`` or ``_dmarc``, or a full name
    inside the domain."""
    type: Literal["A", "AAAA", "CNAME", "ALIAS", "MX", "TXT", "CAA", "NS", "SRV"]
    """Record type."""
    value: str = Field(min_length=1, max_length=MAX_TEXT)
    """What it points to or holds: an address, a hostname, a text value."""
    ttl: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    """Time to live in seconds (the DNS provider's automatic TTL when omitted)."""
    proxied: bool | None = None
    """Whether the DNS provider's edge proxies it (only where the provider has that notion)."""
    priority: int | None = Field(default=None, ge=0, le=65535)
    """Priority, for MX and SRV records."""
    placeholder: bool = False
    """The value is a placeholder, not the record in the zone today."""
    note: str | None = None
    """Anything a reader should know about it."""


class Domain(_Model):
    """A domain name the organisation holds."""

    name: str = Field(pattern=HOSTNAME)
    """The fully-qualified name, lower case, e.g. ``api.blackroad.systems``."""
    tier: Annotated[
        Literal["primary", "secondary"],
        Words(
            (r"tier",),
            synonyms=(
                (r"primary (?:domain|zone)|main domain", "primary"),
                (r"secondary (?:domain|zone)", "secondary"),
            ),
            rule="domain-tier",
            self_naming=True,
            named=True,
        ),
    ]
    """``primary`` domains serve products; ``secondary`` ones are held for later."""
    purpose: str
    """What the domain is for."""
    service: str | None = None
    """Service (a key of ``services``) the domain points at."""
    hosting: Annotated[str | None, HOSTED_ON] = None
    """Provider id that hosts it when no single service does (e.g. ``github-pages``)."""
    status: Annotated[
        DomainStatus, Words((), label_only=(r"status",), rule="domain-status", parse="enum")
    ] = DomainStatus.ACTIVE
    """``active``, ``planned``, ``reserved`` or ``retired``."""
    dns: Dns = Dns()
    """DNS and CDN settings."""
    yearly_cost: Money | None = None
    """Registration cost per year; it feeds the cost roll-up."""
    registrar: Annotated[
        str | None,
        Words(
            (r"regist(?:ered|rations?)\s+(?:with|at|through|via|by)", r"registrar\s*(?:is|:)?"),
            parse="subject",
            rule="registrar",
            collective=True,
        ),
    ] = None
    """Provider id the domain is registered with (default: its DNS provider)."""
    currency: str = Field(default=DEFAULT_CURRENCY, pattern=CURRENCY)
    """ISO 4217 currency of ``yearly_cost``."""
    note: str | None = None
    """Anything a reader should know."""
    records: list[DnsRecord] = Field(default_factory=list)
    """Records of its zone beyond the service hostnames' CNAMEs (which follow from each
    service's ``deploy.target``): apex A or ALIAS, MX, TXT, CAA, or a CNAME stated here."""


class Cost(_Model):
    """One recurring cost line."""

    item: str
    """What is paid for, e.g. ``Railway Hobby plan``."""
    provider: str
    """Provider id (a key of ``providers``)."""
    amount: Money
    """Amount per period per unit, exact."""
    currency: str = Field(default=DEFAULT_CURRENCY, pattern=CURRENCY)
    """ISO 4217 currency code."""
    period: Period
    """``month`` or ``year``."""
    quantity: int = Field(default=1, ge=1, le=MAX_COUNT)
    """How many units are paid for (the line's total is ``amount × quantity``)."""
    phase: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Phase id from which this cost applies (costs carry over to later phases); empty
    means from the first phase, or always when the manifest has no phases."""
    until_phase: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Last phase the cost applies to; empty means every later phase too."""
    service: str | None = None
    """Service that owns the cost, if any."""
    environment: str | None = None
    """Environment the cost is for (a key of ``environments``); empty: shared by all."""
    estimate: bool = False
    """True when the amount is a projection rather than a bill."""
    note: str | None = None
    """Anything a reader should know."""


def _parse_rate(value: object) -> Decimal:
    """An exchange rate: an exact, positive ``Decimal`` (as for amounts of money)."""
    try:
        rate = parse_money(value)
    except ValueError:
        rate = Decimal(0)
    if rate == 0:
        raise ValueError(
            "expected a positive exchange rate with at most 6 decimal places like '1.08' "
            f"(units of the reporting currency per unit of this one), got {value!r}"
        )
    return rate


Rate = Annotated[Decimal, BeforeValidator(_parse_rate), _AS_TEXT, Field(examples=["1.08"])]
"""An exact exchange rate (``Decimal``), written as a number or a quoted string."""


class ExchangeRate(_Model):
    """How much one unit of a currency is worth in the reporting currency, and when."""

    currency: str = Field(pattern=CURRENCY)
    """ISO 4217 code of the currency converted from, e.g. ``EUR``."""
    rate: Rate
    """Units of ``reporting_currency`` per one unit of ``currency``, exact (``"1.08"``)."""
    date: dt.date
    """The date the rate was taken; it is shown beside every converted total."""
    source: str | None = None
    """Where the rate comes from, e.g. ``ECB reference rate``."""


class Workflow(_Model):
    """A CI/CD workflow."""

    name: str
    """Identifier, e.g. ``backend_tests``."""
    file: Annotated[
        str,
        Words(
            (r"workflow file", r"defined in", r"lives? in"),
            parse="path",
            pattern=r"\.github/workflows/[\w.-]+|[\w.-]+\.ya?ml",
            self_naming=True,
            rule="workflow-file",
        ),
    ]
    """Path of the workflow file, e.g. ``.github/workflows/backend-tests.yml``."""
    triggers: Annotated[
        list[str],
        Words(
            (r"runs? on", r"triggered (?:by|on)", r"starts? on"),
            label_only=(r"triggers?", r"trigger events?", r"triggered by"),
            parse="enum",
            synonyms=(
                (r"pull[ _-]requests?|PRs?", "pull_request"),
                (r"push(?:es)?", "push"),
                (r"schedule|cron|nightly", "schedule"),
                (r"workflow_dispatch", "workflow_dispatch"),
            ),
        ),
    ] = Field(default_factory=list)
    """Events that start it (``push``, ``pull_request``)."""
    paths: Annotated[
        list[str],
        Words(
            (r"path filters?", r"(?:something|anything|files?) (?:under|in)"),
            parse="path",
            keys=("paths",),
            rule="workflow-paths",
        ),
    ] = Field(default_factory=list)
    """Path filters."""
    branches: Annotated[
        list[str],
        Words(
            (r"branch(?:es)?", r"publishes from", r"runs? from"),
            parse="word",
            keys=("branches",),
            rule="workflow-branch",
        ),
    ] = Field(default_factory=list)
    """Branch filters."""
    requires: list[str] = Field(default_factory=list)
    """Workflows that must pass first."""


class AutoDeploy(_Model):
    """Automatic deployment on push."""

    enabled: Annotated[
        bool,
        Words(
            (r"auto[- ]?deploy(?:s|ments?)?", r"automatic deploy(?:s|ments?)?"),
            rule="auto-deploy",
            affirm=(r"deploys? (?:automatically|on (?:every |each )?push)",),
        ),
    ] = True
    """Whether pushes deploy automatically."""
    branch: Annotated[
        str,
        Words((r"deploy(?:ment)? branch", r"pushes to", r"deploys? from"), parse="word"),
    ] = "main"
    """Branch that deploys."""
    healthcheck_timeout: Annotated[
        Duration | None,
        Words(
            (
                r"deploy(?:ment)?s?[ _-]?(?:health[ _-]?check[ _-]?)?time-?outs?",
                r"healthcheck_?timeout",
                r"health[- ]check window",
                r"has \S+ (?:minutes|seconds) to pass",
                r"waits? (?:up to|at most|no (?:more|longer) than)"
                r"(?=[^.;]{0,40}\bhealth[ -]?checks?\b)",
            ),
            rule="deploy-timeout",
            keys=("healthcheckTimeout",),
        ),
    ] = None
    """How long a deploy may take to become healthy."""
    rollback_on_failure: Annotated[
        bool,
        Words(
            (r"(?:automatic |auto[- ])?roll-?backs?",),
            rule="rollback",
            synonyms=((r"manual(?:ly)?|by hand", "false"), (r"automatic(?:ally)?", "true")),
        ),
    ] = False
    """Whether a failed health check rolls the deploy back."""


class CiCd(_Model):
    """Continuous integration and delivery."""

    provider: Annotated[
        str,
        Words(
            (
                r"(?:(?:built|tested|linted)(?:,|\s+and|\s+or)?\s+)*"
                r"(?:deployed|released|shipped|tested)\s+(?:automatically\s+)?(?:by|through|via)",
                r"(?:ci|pipelines?|workflows?)\s+(?:runs?|lives?)\s+(?:on|in)",
                r"(?:our|the)\s+ci\s+(?:is|system is)",
            ),
            parse="subject",
            rule="ci-provider",
            collective=True,
        ),
    ] = "github"
    """Provider id that runs the workflows."""
    workflows: list[Workflow] = Field(default_factory=list)
    """The workflows."""
    secrets_required: list[str] = Field(default_factory=list)
    """Names of CI secrets the workflows need (never their values)."""
    auto_deploy: AutoDeploy | None = None
    """Automatic deployment settings."""


class DisasterRecovery(_Model):
    """Recovery objectives and the plan to meet them."""

    rto: Annotated[
        Duration, Words((r"rto", r"recovery time objective", r"back up and serving within"))
    ]
    """Recovery time objective: how long a full restore may take."""
    rpo: Annotated[Duration, Words((r"rpo", r"recovery point objective", r"lose up to"))]
    """Recovery point objective: how much data may be lost."""
    plan: list[str] = Field(default_factory=list)
    """Steps of the recovery plan, in order."""


# --------------------------------------------------------------------------- service parts


class HealthCheck(_Model):
    """The platform's health check for a deployment."""

    path: Annotated[str, HEALTH_PATH] = Field(pattern=r"^/")
    """Path probed by the platform, e.g. ``/health``."""
    interval: Annotated[
        Duration | None,
        Words(
            (r"interval", r"every", r"once (?:an?|per|every)", r"re-?checks?"),
            needs=HEALTH_CONTEXT,
            keys=("healthcheckInterval",),
        ),
    ] = None
    """Time between probes, e.g. ``30s``."""
    timeout: Annotated[
        Duration | None,
        Words(
            (
                r"time-?outs?",
                r"tim(?:e|es|ed|ing)[ -]out",
                r"may take(?: up to)?",
                r"(?:gives? (?:each|every|a|the) (?:[\w-]+ ){0,4}?(?:probe|check)"
                r"|(?:each|every) probe (?:gets|has))",
                r"to (?:answer|respond|reply)",
                r"tak(?:es|ing) (?:longer|more) than",
            ),
            needs=HEALTH_CONTEXT,
            implied=HEALTH_CONTEXT,
        ),
    ] = None
    """How long one probe may take."""
    retries: Annotated[
        int | None,
        Words(
            (
                r"retries",
                r"retry",
                r"failed (?:probes|checks|attempts)",
                r"attempts",
                r"failures? (?:before|until) (?:un)?healthy",
            ),
            needs=HEALTH_CONTEXT,
            collective=True,  # "the service": any health check's retries agree
        ),
    ] = Field(default=None, ge=0, le=MAX_COUNT)
    """Failed probes before the deployment is marked unhealthy."""


class Deploy(_Model):
    """How a service is built and started."""

    builder: Annotated[
        Literal["dockerfile", "nixpacks", "static", "managed"] | None,
        Words(
            (
                r"builder",
                r"buil(?:t|ds?|ding)(?:\s+[\w-]+){0,3}?\s+(?:with|by|using|from)",
                r"build",
            ),
            synonyms=(
                (r"nixpacks", "nixpacks"),
                (r"(?:own |a |the )?docker ?file|docker image", "dockerfile"),
                (r"(?:railway[- ])?managed|provisioned by", "managed"),
            ),
            keys=("builder",),
        ),
    ] = None
    """Build method: ``dockerfile``, ``nixpacks``, ``static`` site, or provider-``managed``."""
    dockerfile: Annotated[
        str | None,
        Words(
            (r"dockerfile(?:[ _-]?path)?",),
            parse="path",
            pattern=r"(?:[\w.-]+/)*[\w.-]*dockerfile[\w.-]*",
            keys=("dockerfilePath", "dockerfile"),
        ),
    ] = None
    """Path of the Dockerfile, relative to the repository root."""
    build_context: str | None = None
    """Docker build context."""
    build_command: Annotated[
        str | None,
        Words((r"build[ _-]?command",), parse="command", keys=("buildCommand", "build_command")),
    ] = None
    """Command that builds a static site or bundle."""
    output_dir: Annotated[
        str | None,
        Words(
            (
                r"output[ _-]?dir(?:ectory)?",
                r"built site (?:lands|goes|is written) (?:in|to)",
                r"writes (?:the )?(?:finished |built |static )?(?:site|output|html|files)"
                r" (?:to|into)",
                r"build output",
            ),
            parse="path",
            keys=("outputDirectory", "output_dir", "publish_dir"),
        ),
    ] = None
    """Directory the build writes, for static sites."""
    source_dir: Annotated[
        str | None,
        Words(
            (r"source[ _-]?dir(?:ectory)?", r"sources (?:live|are|sit) (?:under|in)"),
            parse="path",
            keys=("sourceDir", "source_dir"),
        ),
    ] = None
    """Directory the build reads, for static sites."""
    start_command: Annotated[
        str | None,
        Words(
            (
                r"start(?:up)?[ _-]?command",
                r"starts? (?:the app |the service |the server |the process |it )?with",
                r"runs? (?:when|as) (?:the |a |it |its )?(?:container|service|app|process|"
                r"deployment|instance)s? (?:starts?|boots?)",
            ),
            parse="command",
            keys=("startCommand", "start_command", "CMD"),
            label_only=(r"start", r"run", r"entrypoint", r"cmd"),
        ),
    ] = None
    """Production start command."""
    port: Annotated[
        int | None,
        Words(
            (r"ports?", r"listens? on"),
            # ECS task definitions and Kubernetes pods and Services name the container's
            keys=("port", "EXPOSE", "PORT", "containerPort", "targetPort"),
        ),
    ] = Field(default=None, ge=1, le=65535)
    """Port the process listens on inside the container (the platform sets ``$PORT``)."""
    replicas: Annotated[
        int,
        Words(
            (r"replicas?", r"instances?", r"pods?", r"tasks?(?!\s+(?:left|remain|to|open)\b)"),
            keys=("numReplicas", "replicas", "desiredCount", "replicaCount"),
        ),
    ] = Field(default=1, ge=0, le=MAX_COUNT)
    """Number of instances."""
    restart_policy: Annotated[
        Literal["always", "on_failure", "never"] | None,
        Words(
            (r"restart(?:[ _-]?policy)?",),
            rule="restart-policy",
            synonyms=((r"on[ _-]failure", "on_failure"),),
            keys=("restartPolicyType", "restart"),
        ),
    ] = None
    """What the platform does when the process exits."""
    max_retries: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Restarts before giving up, with ``on_failure``."""
    health_check: HealthCheck | None = None
    """The platform's health check."""
    target: Annotated[
        str | None,
        Words(
            (
                r"cname(?:s|d)?(?:\s+(?:record|target))?(?:\s+(?:to|at|for))?",
                r"point(?:s|ed|ing)?\s+(?:at|to)",
                r"resolves?\s+to",
                r"(?:dns|cname|record)\s+target",
            ),
            parse="host",
            rule="dns-target",
        ),
    ] = Field(default=None, pattern=HOSTNAME)
    """Platform hostname the service's domains CNAME to, e.g. ``x.up.railway.app``."""


Hostname = Annotated[str, StringConstraints(pattern=HOSTNAME)]
"""A lower-case DNS name such as ``api.example.org``."""


def _host_list(value: Any) -> Any:
    """Each environment's hostnames as a list: one hostname may be written alone."""
    if isinstance(value, dict):
        return {
            env: [hosts] if isinstance(hosts, str) else ([] if hosts is None else hosts)
            for env, hosts in value.items()
        }
    return value


class Hostnames(RootModel[dict[str, list[Hostname]]]):
    """A service's hostnames: for each environment, one hostname or a list of them.

    ``prod: api.example.org`` or ``prod: [example.org, www.example.org]``; the keys are
    the manifest's environments (``environments:``, or prod, staging and dev when it
    declares none). The first hostname of an environment is its main one.
    """

    root: Annotated[
        dict[str, list[Hostname]],
        BeforeValidator(_host_list, json_schema_input_type=dict[str, Hostname | list[Hostname]]),
    ] = Field(default_factory=dict)

    def items(self) -> list[tuple[str, str]]:
        """Every (environment, hostname) pair, environments in the order written."""
        return [(env, host) for env, hosts in self.root.items() for host in hosts]

    def of(self, env: str) -> list[str]:
        """The hostnames of ``env`` (none when it has no hostname)."""
        return list(self.root.get(env, ()))

    def first(self, env: str) -> str | None:
        """The main hostname of ``env``, or ``None``."""
        hosts = self.root.get(env)
        return hosts[0] if hosts else None

    def envs(self) -> list[str]:
        """The environments that have at least one hostname, in the order written."""
        return [env for env, hosts in self.root.items() if hosts]


class Environment(_Model):
    """An environment the team deploys to (prod, staging, preview, eu-prod…)."""

    description: str | None = None
    """What the environment is for."""
    production: bool = False
    """Whether this is production: the environment pages and ``br-ops`` show by default
    (at most one; without it, ``prod`` or ``production``, else the first declared)."""
    provider: str | None = None
    """Provider id (a key of ``providers``) whose account or project holds it."""
    project: Annotated[str | None, PROJECT_WORDS] = None
    """The provider's project or account for this environment, e.g. ``acme-staging``."""
    region: Annotated[str | None, REGION_WORDS] = None
    """Region it runs in, e.g. ``us-west1``."""


class Route(_Model):
    """A path a service serves."""

    path: str = Field(pattern=r"^/")
    """URL path or prefix, e.g. ``/api/*``."""
    serves: str
    """What is served there."""
    type: Literal["static", "api", "docs", "websocket", "redirect"] = "api"
    """Kind of content."""
    status: Status = Status.ACTIVE
    """A route can be planned while its service is active."""


class EnvVar(_Model):
    """An environment variable a service reads."""

    name: str = Field(pattern=ENV_NAME)
    """UPPER_SNAKE_CASE name."""
    tier: Annotated[
        EnvTier,
        Words(
            (r"tier",),
            synonyms=(
                (
                    r"(?:is |are )?(?:not|never|n't) (?:strictly )?(?:required|mandatory|needed)",
                    "important|optional",
                ),
                (r"(?:is |are )?not optional", "required|important"),
                (
                    r"required|mandatory|must be set|must set|(?:will not|won't|cannot|can't"
                    r"|does not|doesn't) (?:start|boot|run) without"
                    r"|(?:refuses|fails) to (?:start|boot|run)",
                    "required",
                ),
                (
                    r"optional|can be (?:left )?(?:out|unset|omitted)|can leave (?:it )?out",
                    "optional",
                ),
            ),
            self_naming=True,
            label_only=("important",),
        ),
    ]
    """``required``, ``important`` or ``optional``."""
    description: str
    """What it configures."""
    secret: Annotated[
        bool,
        Words(
            (r"secret", r"sensitive", r"credentials?"),
            affirm=(r"(?:a |an )?(?:secret|sensitive|credential)",),
        ),
    ] = False
    """True for credentials: never given a literal value, default or example."""
    source: Annotated[
        str | None,
        Words((r"source", r"comes? from", r"references?", r"reads? from"), parse="word"),
    ] = None
    """Where the value comes from, e.g. ``${{Postgres.DATABASE_URL}}``."""
    provided_by: str | None = None
    """Service that exports this variable (its ``exports`` lists the same name)."""
    example: str | None = None
    """An illustrative value (placeholders only, never a real credential)."""
    default: Annotated[
        str | None,
        Words(
            (
                r"defaults?(?: value)?(?: to| is)?",
                r"by default",
                r"out of the box",
                r"(?:when|if) (?:it is )?(?:unset|not set)",
            ),
            parse="word",
            also=(DURATION_DEFAULT,),
        ),
    ] = None
    """Value used when unset."""
    value: Annotated[
        str | None,
        Words((r"is(?: always| set to| fixed (?:at|to))?", r"equals"), parse="word"),
    ] = None
    """A fixed value every deployment uses."""
    allowed: Annotated[
        list[str],
        Words(
            (r"takes", r"accepts", r"allowed(?: values)?", r"(?:is )?one of", r"valid values"),
            parse="word",
        ),
    ] = Field(default_factory=list)
    """The only values accepted, when restricted."""
    generate: str | None = None
    """Command that generates a fresh value, e.g. ``openssl rand -hex 32``."""


class ExportedVar(_Model):
    """A variable a service publishes for others (postgres exports ``DATABASE_URL``)."""

    name: str = Field(pattern=ENV_NAME)
    """UPPER_SNAKE_CASE name."""
    description: str
    """What it holds."""
    format: str | None = None
    """Shape of the value, with placeholders, e.g. ``redis://host:port/db``."""


class HealthEndpoint(_Model):
    """An HTTP endpoint that reports health."""

    path: Annotated[str, HEALTH_PATH] = Field(pattern=r"^/")
    """Request path."""
    method: Literal["GET", "HEAD", "POST"] = "GET"
    """HTTP method."""
    expected_status: Annotated[
        int,
        Words(
            (r"expects?", r"status(?: code)?", r"answers? with"),
            needs=HEALTH_CONTEXT,
            pattern=r"[1-5]\d\d",
            adjacent=True,
        ),
    ] = Field(default=200, ge=100, le=599)
    """Status code of a healthy answer."""
    description: str | None = None
    """What the endpoint reports."""


class Runbook(_Model):
    """A procedure an operator follows: its steps here, or a link to where they live."""

    title: str = Field(min_length=1, max_length=MAX_NAME)
    """What it is for, e.g. ``Roll back a deploy``."""
    kind: Literal["deployment", "incident", "maintenance", "recovery"] | None = None
    """When it is used: ``deployment``, ``incident``, ``maintenance`` or ``recovery``."""
    steps: list[str] = Field(default_factory=list)
    """The steps, in order."""
    url: str | None = Field(default=None, pattern=r"^https?://")
    """Where the full procedure lives."""


class Network(_Model):
    """How a service is reached, and how its traffic and data are protected."""

    access: Literal["private", "public"] | None = None
    """``private``: reachable only on the provider's private network; ``public``: from
    the internet."""
    tls: Literal["required", "optional", "off"] | None = None
    """Whether connections use TLS: ``required``, ``optional`` (the client chooses) or
    ``off``."""
    encryption_at_rest: bool | None = None
    """Whether its stored data is encrypted at rest."""
    note: str | None = None
    """Anything a reader should know (which network, how clients connect)."""


class Resources(_Model):
    """Resources and configuration facts of a service."""

    memory: Annotated[
        Size | None,
        Words(
            (r"memory", r"ram", r"maxmemory"), label_only=("size",), keys=("maxmemory", "memory")
        ),
    ] = None
    """Memory limit (Redis ``maxmemory``)."""
    storage: Annotated[Size | None, Words((r"storage", r"disk", r"volume"))] = None
    """Disk allocated."""
    storage_autoscale: Annotated[
        bool | None,
        Words(
            (r"auto-?scal(?:e|es|ing)",),
            affirm=(r"auto-?scal(?:e|es|ing)", r"grows? (?:automatically|on its own)"),
            rule="storage-autoscale",
        ),
    ] = None
    """Whether storage grows automatically up to the plan limit."""
    cpu: Annotated[
        str | None,
        Words((r"v?cpus?", r"(?:v|cpu )?cores?"), parse="cpu", keys=("cpu", "vcpu", "cpus")),
    ] = None
    """CPU allocation: ``shared``, ``dedicated`` or an amount (``1 vCPU``, ``2 cores``,
    ``500m``), compared as cores (``500m`` is half a vCPU)."""
    max_connections: Annotated[
        int | None, setting("max_connections", r"(?:max(?:imum)?[_ ])?connections")
    ] = Field(default=None, ge=1, le=MAX_COUNT)
    """Maximum concurrent client connections."""
    shared_buffers: Annotated[Size | None, setting("shared_buffers")] = None
    """PostgreSQL ``shared_buffers``."""
    effective_cache_size: Annotated[Size | None, setting("effective_cache_size")] = None
    """PostgreSQL ``effective_cache_size``."""
    work_mem: Annotated[Size | None, setting("work_mem", r"(?<!maintenance[_ ])work[_ ]mem")] = None
    """PostgreSQL ``work_mem``."""
    maintenance_work_mem: Annotated[Size | None, setting("maintenance_work_mem")] = None
    """PostgreSQL ``maintenance_work_mem``."""
    eviction_policy: Annotated[
        str | None,
        Words(
            (r"eviction(?:[ _-]policy)?", r"maxmemory[-_ ]policy"),
            rule="eviction",
            parse="enum",
            synonyms=((r"(?:allkeys|volatile)-(?:lru|lfu|random|ttl)|noeviction", ""),),
            self_naming=True,
            keys=("maxmemory-policy",),
        ),
    ] = None
    """Redis ``maxmemory-policy``, e.g. ``allkeys-lru``."""
    persistence: Annotated[
        str | None,
        Words(
            (r"persistence",),
            parse="enum",
            synonyms=(
                (r"aof|append[- ]only(?: file)?", "aof"),
                (r"rdb(?: snapshots?)?|snapshots?|snapshotting", "rdb"),
            ),
            self_naming=True,
            keys=("appendonly",),
            key_values=(("appendonly", "yes", "aof"), ("appendonly", "no", "rdb")),
        ),
    ] = None
    """Persistence mode, e.g. ``rdb`` snapshots or ``aof``."""


BACKUP_CONTEXT = r"\b(?:backups?|backed up|snapshots?)\b"
"""Words that make a sentence about backups (see :attr:`Words.implied`)."""


class Backups(_Model):
    """Backups of a data service."""

    enabled: Annotated[bool, Words((r"backups?",), rule="backups")] = True
    """Whether backups run."""
    frequency: Annotated[
        Literal["hourly", "daily", "weekly", "monthly"],
        Words(
            (r"backups?", r"backed up", r"snapshots?", r"dumps?"),
            rule="backup-frequency",
            implied=BACKUP_CONTEXT,
            synonyms=(
                (r"nightly|every (?:day|night)|once a day|each day", "daily"),
                (r"every hour|once an hour|each hour", "hourly"),
                (r"every week|once a week|each week", "weekly"),
                (r"every month|once a month", "monthly"),
            ),
        ),
    ]
    """How often a backup is taken."""
    retention: Annotated[
        Duration,
        Words(
            (
                r"retention",
                r"retained",
                r"kept(?: around)? for",
                r"keeps? (?:them |backups |snapshots )?for",
                r"held for",
            ),
            # "deploy logs are kept for seven days" is not about backups
            needs=r"\b(?:backups?|backed up|snapshots?|retention|retained|restores?|dumps?"
            r"|point[- ]in[- ]time|pitr|wal)\b",
            implied=BACKUP_CONTEXT,
        ),
    ]
    """How long backups are kept, e.g. ``30d``."""
    storage: str | None = None
    """Where backups live."""
    restore: list[str] = Field(default_factory=list)
    """Steps to restore a backup."""


class KeyNamespace(_Model):
    """A key namespace in a cache or key-value store."""

    prefix: str
    """Key prefix, e.g. ``session:*``."""
    pattern: Annotated[
        str,
        Words(
            (
                r"stored under",
                r"live under",
                r"keys? (?:pattern|prefix|layout|names?|namespaces?|space)",
                r"namespaces?",
                r"channel",
            ),
            parse="key",
            rule="key-pattern",
            qualifier="prefix",
        ),
    ]
    """Full key pattern, e.g. ``session:{user_id}``."""
    ttl: Annotated[
        Duration | None,
        Words(
            (
                r"ttl",
                r"expir(?:e|es|ed|y|ation)",
                r"cached for",
                r"kept for",
                r"lasts?",
                r"lives? for",
                r"windows?",
                r"resets?",
            ),
            qualifier="prefix",
        ),
    ] = None
    """Time to live; empty when keys do not expire."""
    ttl_max: Annotated[
        Duration | None,
        Words(
            (
                r"(?:max(?:imum)?|longest|highest|upper)(?: allowed| possible)? ttl",
                r"ttl (?:cap|ceiling|limit|maximum|upper bound)",
                r"(?:kept|cached|stored|lives?) (?:for )?(?:no )?longer than",
                r"(?:never|no (?:[\w-]+ ){1,3}(?:is|are)) (?:kept|cached|stored)"
                r" (?:for )?longer than",
            ),
            rule="ttl-max",
            qualifier="prefix",
        ),
    ] = None
    """Upper bound when the TTL varies within a range."""
    purpose: str
    """What the keys hold."""


class Migrations(_Model):
    """Schema migrations."""

    tool: Annotated[
        str,
        Words(
            (r"migrations?", r"schema changes"),
            parse="enum",
            rule="migration-tool",
            synonyms=(
                (
                    r"alembic|flyway|liquibase|prisma|knex|sqitch|goose|dbmate|sequelize"
                    r"|typeorm|ecto|golang-migrate|django migrations|active ?record",
                    "",
                ),
            ),
        ),
    ]
    """Migration tool, e.g. ``alembic``."""
    location: Annotated[
        str | None,
        Words(
            (
                r"migrations?(?: scripts?| files?)? (?:live|are|sit)s? (?:in|under)",
                r"migrations? (?:folder|directory|dir)",
            ),
            parse="path",
            rule="migrations-location",
        ),
    ] = None
    """Directory of the migration scripts."""
    auto_upgrade: Annotated[
        bool,
        Words(
            (r"auto[- ]?(?:upgrades?|migrat(?:e|es|ions?))",),
            rule="auto-migrate",
            also=(DEPLOY_MIGRATES,),
            affirm=(
                r"(?:runs?|applies|apply|applied|run)\s+(?:the\s+)?(?:pending\s+|alembic\s+|"
                r"database\s+|schema\s+)?migrations?\s+"
                r"(?:automatically|on (?:every |each )?deploy)",
                r"automatic (?:database |schema )?migrations?",
                r"migrations?\s+(?:are\s+|get\s+)?(?:run|applied)\s+(?:automatically|on "
                r"(?:every |each )?deploy|at deploy time|during (?:the |each |every )?deploy)",
            ),
        ),
    ] = False
    """Whether deploys apply migrations automatically."""


class Review(_Model):
    """When the service's facts were last checked."""

    last_reviewed: dt.date
    """Date of the last review."""
    next_review: dt.date
    """Date the next review is due; the drift gate warns once it has passed."""


class Links(_Model):
    """Where to find more about a service."""

    runbook: str | None = None
    """Runbook URL or repository path."""
    dashboard: str | None = Field(default=None, pattern=r"^https?://")
    """Provider dashboard URL."""
    repo: str | None = Field(default=None, pattern=r"^https?://")
    """Repository URL, when not derived from ``repo``."""
    docs: str | None = None
    """Further documentation."""


class Observability(_Model):
    """Metrics, logs, traces and alerts."""

    metrics: list[str] = Field(default_factory=list)
    """Where metrics come from."""
    logging: list[str] = Field(default_factory=list)
    """How logs are produced and kept."""
    tracing: list[str] = Field(default_factory=list)
    """Error tracking and tracing."""
    alerts: list[str] = Field(default_factory=list)
    """Conditions that alert someone."""


class Team(_Model):
    """A team that owns services: who to ask, where to talk, who is on call."""

    name: str = Field(min_length=1, max_length=MAX_NAME)
    """Display name, e.g. ``Payments``."""
    description: str | None = None
    """What the team looks after."""
    contact: Annotated[
        str | None,
        Words(
            (
                r"e-?mails?(?:\s+address)?",
                r"contact",
                r"mailing list",
                r"mailbox",
                r"write to",
                r"reach(?:ed)?\s+(?:at|via|on)",
                r"notif(?:y|ies|ied|ications?)",
            ),
            parse="address",
            pattern=r"[\w.+-]+@[\w.-]+",
        ),
    ] = None
    """How to reach it: an e-mail address or a URL."""
    chat: Annotated[
        str | None,
        Words(
            (r"(?:chat|slack|teams)\s+channels?", r"channels?", r"slack"),
            parse="address",
            pattern=r"#[\w.-]+",
        ),
    ] = None
    """Its chat channel, e.g. ``#payments`` or a link to it."""
    on_call: str | None = Field(default=None, pattern=r"^https?://")
    """Link to its on-call rotation (PagerDuty, Opsgenie, a wiki page)."""
    escalation: list[str] = Field(default_factory=list)
    """Who to turn to next when the team does not answer, in order."""


class Slo(_Model):
    """A service level objective: how often the service must meet an indicator."""

    name: str = Field(min_length=1, max_length=MAX_NAME)
    """What is promised, e.g. ``Availability`` or ``Checkout latency``."""
    indicator: str
    """What is measured, e.g. ``share of requests answered with a non-5xx status``."""
    objective: Annotated[
        Percent,
        Words(
            (r"slos?", r"objectives?", r"targets?", r"commits? to", r"promises?", r"uptime"),
            parse="percent",
            qualifier="name",
            rule="slo-objective",
        ),
    ]
    """Target share, in per cent, e.g. ``99.9``."""
    window: Annotated[
        Duration,
        Words(
            (r"(?:rolling|measurement|slo|error[- ]budget)\s+window", r"rolling"),
            qualifier="name",
            rule="slo-window",
        ),
    ]
    """Period the objective is measured over, e.g. ``30d``."""
    note: str | None = None
    """Anything a reader should know (error budget policy, exclusions)."""


class Alert(_Model):
    """A condition that pages or notifies someone."""

    title: str = Field(min_length=1, max_length=MAX_NAME)
    """What it says, e.g. ``Error rate above 5%``."""
    condition: str | None = None
    """When it fires, in the monitoring tool's terms."""
    severity: Literal["page", "ticket", "info"] | None = None
    """``page`` wakes someone, ``ticket`` waits for working hours, ``info`` only tells."""
    runbook: str | None = None
    """Title of one of the service's runbooks, or a URL, to follow when it fires."""
    url: str | None = Field(default=None, pattern=r"^https?://")
    """Where the alert is defined or seen."""


# --------------------------------------------------------------------------- per environment


def _partial(model: type[_Model], *, keep: tuple[str, ...] = ()) -> type[_Model]:
    """``model`` with every field optional (except ``keep``), nested models partial too.

    The type of an environment's override: it states only what differs, so nothing is
    required; each field keeps its docstring, bounds and pattern.
    """
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        new = copy.copy(info)
        annotation: Any = info.annotation
        nested = [c for c in _concrete(annotation) if isinstance(c, type) and issubclass(c, _Model)]
        if nested and not issubclass(nested[0], RootModel):
            annotation = _partial(nested[0])
        if name not in keep:
            new.default, new.default_factory = None, None
            annotation = annotation | None
        fields[name] = (annotation, new)
    doc = f"{model.__doc__} Only the keys given replace the service's own."
    made = create_model(f"{model.__name__}Override", __base__=_Model, __doc__=doc, **fields)
    made.override_of = model
    return made


def _concrete(annotation: Any) -> tuple[Any, ...]:
    """The members of ``X | None`` (or ``X`` alone)."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in _UNIONS else ()
    return tuple(a for a in args if a is not type(None)) or (annotation,)


_UNIONS = (typing.Union, types.UnionType)

if TYPE_CHECKING:  # the same fields as their models, each one optional
    DeployOverride = Deploy
    ResourcesOverride = Resources
    NetworkOverride = Network
    BackupsOverride = Backups
    EnvVarOverride = EnvVar
else:
    DeployOverride = _partial(Deploy)
    ResourcesOverride = _partial(Resources)
    NetworkOverride = _partial(Network)
    BackupsOverride = _partial(Backups)
    EnvVarOverride = _partial(EnvVar, keep=("name",))


class ServiceOverride(_Model):
    """What differs for a service in one environment, laid over the service's own values.

    The merge rule, the one every page, macro and command uses: a key given here
    replaces the service's (``null`` removes it); a mapping (``deploy``,
    ``resources``, ``network``, ``backups``) merges key by key, so ``deploy:
    {replicas: 1}`` keeps the rest of ``deploy``; ``env`` merges by variable ``name``
    (a listed variable replaces the keys it gives, a new name adds a variable); keys
    not given keep the shared value.
    """

    status: Annotated[Status | None, STATUS_WORDS] = None
    """Lifecycle status in this environment (``active`` in staging while planned in prod)."""
    provider: Annotated[str | None, HOSTED_ON] = None
    """Provider id that hosts it in this environment."""
    project: Annotated[str | None, PROJECT_WORDS] = None
    """Provider project or account it runs in, in this environment."""
    version: Annotated[Version | None, VERSION_WORDS] = None
    """Version of its technology in this environment."""
    deploy: DeployOverride | None = None
    """Build and start settings that differ (replicas, target, start command…)."""
    resources: ResourcesOverride | None = None
    """Resources that differ (memory, storage, connections…)."""
    network: NetworkOverride | None = None
    """Network access and TLS that differ."""
    backups: BackupsOverride | None = None
    """Backup settings that differ."""
    env: list[EnvVarOverride] = Field(default_factory=list)
    """Variables whose value, default, source or tier differ, by ``name``; a name the
    service does not list adds a variable (then give its ``tier`` and ``description``)."""


class Service(_Model):
    """One deployable service (or managed resource such as a database)."""

    description: str
    """One-line summary."""
    aliases: list[Annotated[str, Field(min_length=1, max_length=MAX_NAME)]] = Field(
        default_factory=list, max_length=MAX_ALIASES
    )
    """Other names the prose uses (``PostgreSQL``, ``Postgres``); the drift gate uses them."""
    kind: Kind
    """What the service is."""
    status: Annotated[Status, STATUS_WORDS]
    """Lifecycle status."""
    phase: Annotated[int | None, Words((r"phase",), adjacent=True, named=True)] = Field(
        default=None, ge=0, le=MAX_COUNT
    )
    """Phase id of the roadmap the service belongs to (only when the manifest has
    ``phases``; a service without one is on no phase)."""
    target_date: Annotated[str | None, TARGET_WORDS] = Field(
        default=None, pattern=r"^\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)$"
    )
    """When a planned service should go live: ``2026-Q2`` or a date."""
    owner: Annotated[
        str | None,
        Words(
            (
                r"owned by",
                r"owner(?:ship)?(?:\s+team)?",
                r"owning team",
                r"maintained by",
                r"(?:looked after|supported|run) by",
                r"(?:belongs|belonging) to",
            ),
            parse="team",
            keys=("owner", "team"),
        ),
    ] = None
    """Team accountable: a key of ``teams`` when the manifest declares teams, else a
    team or person by name."""
    tags: list[Annotated[str, StringConstraints(pattern=TAG)]] = Field(default_factory=list)
    """Labels for grouping and filtering (``payments``, ``pci``, ``tier-1``)."""
    project: Annotated[str | None, PROJECT_WORDS] = None
    """Group the service belongs to, e.g. ``blackroad-core``."""
    repo: str | None = Field(default=None, pattern=REPO)
    """Its source: a GitHub ``owner/name``, or the repository's URL on any host
    (``https://gitlab.com/group/project``)."""
    branch: str = "main"
    """Branch that deploys."""
    language: str | None = None
    """Main programming language."""
    framework: Annotated[
        str | None,
        Words(
            (
                r"frameworks?",
                r"(?:built|made|written|implemented|developed|rewritten)\s+(?:with|in|on|using)",
                r"based\s+on",
                r"-based",
                FRAMEWORK_PHRASE,
            ),
            parse="framework",
        ),
    ] = None
    """Framework and its version, e.g. ``FastAPI 0.104.1``; alternatives with ``or``."""
    runtime: str | None = None
    """Runtime, e.g. ``Python 3.11+``."""
    technology: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    """Product name of a managed resource, e.g. ``PostgreSQL``."""
    version: Annotated[Version | None, VERSION_WORDS] = None
    """Version of the service's technology, e.g. ``15+``."""
    provider: Annotated[str, HOSTED_ON]
    """Provider id (a key of ``providers``) that hosts it."""
    deploy: Deploy | None = None
    """How it is built and started."""
    domains: Hostnames = Hostnames()
    """Hostnames per environment (a key of ``environments``): one hostname or a list, the
    first being the main one, e.g. ``prod: [example.org, www.example.org]``."""
    routes: list[Route] = Field(default_factory=list)
    """Paths it serves."""
    depends_on: list[str] = Field(default_factory=list)
    """Services it needs at run time."""
    env: list[EnvVar] = Field(default_factory=list)
    """Environment variables it reads."""
    exports: list[ExportedVar] = Field(default_factory=list)
    """Variables it provides to other services."""
    health: list[HealthEndpoint] = Field(default_factory=list)
    """Health and status endpoints."""
    resources: Resources | None = None
    """Resources and configuration facts."""
    network: Network | None = None
    """How it is reached and how its traffic and data are protected."""
    backups: Backups | None = None
    """Backups, for data services."""
    key_namespaces: list[KeyNamespace] = Field(default_factory=list)
    """Key namespaces, for caches."""
    migrations: Migrations | None = None
    """Schema migrations, for databases."""
    usage: list[str] = Field(default_factory=list)
    """What other services use it for."""
    observability: Observability | None = None
    """Metrics, logs, traces and alerts."""
    review: Review | None = None
    """Review dates."""
    links: Links = Links()
    """Runbook, dashboard and repository links."""
    runbooks: list[Runbook] = Field(default_factory=list)
    """Procedures for operating it (deploys, incidents, recovery), with their steps."""
    slos: list[Slo] = Field(default_factory=list)
    """Service level objectives."""
    alerts: list[Alert] = Field(default_factory=list)
    """Alerts that watch it, with the runbook each one calls for."""
    schedule: Annotated[
        str | None,
        Words(
            (
                r"schedules?d?",
                r"cron",
                r"(?:runs?|kicks? off|starts?|fires?|triggers?)(?: every \w+| nightly| daily)? at",
                r"(?:every|each) (?:night|day|morning|evening) at",
                r"(?:nightly|daily) at",
            ),
            parse="cron",
            keys=("schedule", "cron"),
        ),
    ] = Field(default=None, pattern=CRON)
    """When a ``job`` runs: a cron expression (``0 3 * * *``) or ``@daily``-style macro."""
    timezone: str | None = None
    """Time zone of ``schedule`` (an IANA name such as ``Europe/Berlin``); UTC if unset."""
    environments: dict[str, ServiceOverride] = Field(default_factory=dict)
    """What differs in an environment (a key of ``environments``), over the values above:
    replicas, resources, deploy target, project, variables, status."""


ServiceOverride.override_of = Service


def repo_urls(repo: str) -> tuple[str, str, str]:
    """Web, HTTPS-clone and SSH-clone URLs of a ``repo`` value (``owner/name`` or a URL).

    ``owner/name`` is on GitHub; a URL names its host, and the SSH form follows the
    ``git@host:path.git`` convention GitHub, GitLab, Bitbucket and Gitea share.
    """
    if "://" not in repo:
        return (
            f"https://github.com/{repo}",
            f"https://github.com/{repo}.git",
            (f"git@github.com:{repo}.git"),
        )
    web = repo.rstrip("/").removesuffix(".git")
    host, _, path = web.split("://", 1)[1].partition("/")
    return web, f"{web}.git", f"git@{host.split(':')[0]}:{path}.git"


# --------------------------------------------------------------------------- manifest


class Manifest(_Model):
    """The whole ``manifest.yml``."""

    schema_version: Literal[1, 2]
    """Version of this schema: ``2`` (``1`` still loads; ``br-ops migrate`` upgrades it)."""
    organization: Organization
    """Who owns all of this."""
    last_updated: dt.date | None = None
    """Date the manifest was last edited."""
    environments: dict[Annotated[str, StringConstraints(pattern=ENVIRONMENT_NAME)], Environment] = (
        Field(default_factory=dict)
    )
    """The environments services deploy to, keyed by name (lower-case, digits, dashes);
    without any, prod, staging and dev."""
    teams: dict[str, Team] = Field(default_factory=dict)
    """Teams, keyed by id (what services' ``owner`` names)."""
    phases: list[Phase] = Field(default_factory=list)
    """The roadmap, in order (optional: without phases there is no Roadmap page, no
    phase column, and costs are one set of totals)."""
    providers: dict[str, Provider]
    """Platforms, keyed by id (``railway``, ``cloudflare``, ``github-pages``…)."""
    services: dict[str, Service]
    """Every service, keyed by its name (lower-case, digits and dashes)."""
    domains: list[Domain] = Field(default_factory=list)
    """Domains held by the organisation."""
    costs: list[Cost] = Field(default_factory=list)
    """Recurring costs (domain registrations come from ``domains``)."""
    reporting_currency: str | None = Field(default=None, pattern=CURRENCY)
    """ISO 4217 currency that totals are also given in, converted with ``exchange_rates``
    (without one, totals are listed per currency and never added across currencies)."""
    exchange_rates: list[ExchangeRate] = Field(default_factory=list)
    """One rate into ``reporting_currency`` for every other currency the costs use."""
    ci_cd: CiCd | None = None
    """CI/CD workflows and secrets."""
    disaster_recovery: DisasterRecovery | None = None
    """Recovery objectives."""

    _extensions: dict[tuple[str | int, ...], dict[str, Any]] = PrivateAttr(default_factory=dict)

    def extensions(self, path: str | tuple[str | int, ...] = ()) -> dict[str, Any]:
        """The ``x-*`` keys of the object at ``path`` (``services.api`` or a tuple).

        ``{}`` when it has none; see :mod:`manifest_docs.extensions`.
        """
        if isinstance(path, str):
            path = tuple(int(p) if p.isdigit() else p for p in path.split(".") if p)
        return dict(self._extensions.get(path, {}))

    # ---- derived indexes, computed once per manifest -------------------------------

    @cached_property
    def used_by(self) -> dict[str, list[str]]:
        """For each service, the services that depend on it (sorted)."""
        rev: dict[str, list[str]] = {name: [] for name in self.services}
        for name, svc in self.services.items():
            for dep in svc.depends_on:
                rev.setdefault(dep, []).append(name)
        return {k: sorted(v) for k, v in rev.items()}

    @cached_property
    def exporters(self) -> dict[str, list[str]]:
        """For each exported variable name, the services that export it (sorted)."""
        out: dict[str, list[str]] = {}
        for name, svc in self.services.items():
            for var in svc.exports:
                out.setdefault(var.name, []).append(name)
        return {k: sorted(v) for k, v in sorted(out.items())}

    @cached_property
    def readers(self) -> dict[str, list[str]]:
        """For each env var name, the services that read it (sorted)."""
        out: dict[str, list[str]] = {}
        for name, svc in self.services.items():
            for var in svc.env:
                out.setdefault(var.name, []).append(name)
        return {k: sorted(v) for k, v in sorted(out.items())}

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Lower-cased service names and aliases mapped to the service name."""
        out: dict[str, str] = {}
        for name, svc in self.services.items():
            out[name.lower()] = name
            for alias in svc.aliases:
                out.setdefault(alias.lower(), name)
        return out

    @cached_property
    def phase_by_id(self) -> dict[int, Phase]:
        """Phases keyed by id."""
        return {p.id: p for p in self.phases}

    @cached_property
    def dns(self) -> Zone:
        """Every hostname and DNS record, declared and implied, merged once.

        :func:`manifest_docs.dns.zone` of this manifest; the rules and the pages read it.
        """
        from .dns import zone  # dns reads this model: imported here, once, when first asked

        return zone(self)

    @cached_property
    def environment_names(self) -> tuple[str, ...]:
        """The declared environments in the order written (prod, staging, dev if none)."""
        return tuple(self.environments) or DEFAULT_ENVIRONMENTS

    @cached_property
    def production(self) -> str:
        """The production environment (what pages and ``br-ops`` show by default).

        The one marked ``production``, else ``prod`` or ``production``, else the first.
        """
        marked = [name for name, env in self.environments.items() if env.production]
        if marked:
            return marked[0]
        names = self.environment_names
        return next((n for n in ("prod", "production") if n in names), names[0])

    @cached_property
    def views(self) -> Views:
        """Every service as each environment sees it (:mod:`manifest_docs.overlay`)."""
        from .overlay import views  # overlay reads this model: imported when first asked

        return views(self)

    def service_in(self, name: str, env: str | None = None) -> Service:
        """Service ``name`` as environment ``env`` sees it (production when ``None``).

        The service's own values are production's; another environment lays its
        ``environments`` entry over them. Raises ``KeyError`` for an unknown name.
        """
        if env is None or env == self.production:
            return self.services[name]
        return self.views.services[env][name]

    @property
    def current_phase(self) -> Phase | None:
        """The phase whose status is ``current``, if any."""
        return next((p for p in self.phases if p.status is PhaseStatus.CURRENT), None)

    def resolve(self, name: str) -> str | None:
        """The service a name or alias refers to (case-insensitive), or ``None``."""
        return self.aliases.get(name.lower())


class _WithFactoryDefaults(GenerateJsonSchema):
    """JSON Schema whose defaults include those made by a factory (``[]``, ``{}``).

    Fields default to ``Field(default_factory=list)`` rather than ``[]`` so that
    validation makes a fresh empty list instead of deep-copying a shared one.
    """

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        """The field's default, calling a factory that takes no data."""
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()  # type: ignore[call-arg]
        return super().get_default_value(schema)


def model_for_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Manifest` with a stable ``$id`` and title."""
    schema = Manifest.model_json_schema(mode="validation", schema_generator=_WithFactoryDefaults)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://docs.blackroad.systems/schema/manifest.schema.json"
    schema["title"] = f"manifest.yml (schema v{SCHEMA_VERSIONS[-1]})"
    for definition in [schema, *schema.get("$defs", {}).values()]:
        if definition.get("additionalProperties") is False:  # x-* keys: extensions
            definition["patternProperties"] = {"^x-": {}}
    return schema
