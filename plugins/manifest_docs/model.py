"""Schema v1 of ``manifest.yml``: the typed model every other part reads.

Every field carries a docstring; they are the descriptions in the JSON Schema and on
the generated reference page. The model only checks the shape of each value; the
rules that look across the whole manifest (references, secrets, duplicates) live in
:mod:`manifest_docs.rules`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from .values import Duration, Size, Version, parse_money

__all__ = [
    "MAX_ALIASES",
    "MAX_COUNT",
    "MAX_NAME",
    "MAX_TEXT",
    "Backups",
    "CiCd",
    "Cost",
    "Deploy",
    "DisasterRecovery",
    "Dns",
    "Domain",
    "DomainStatus",
    "EnvTier",
    "EnvVar",
    "Environments",
    "ExportedVar",
    "HealthCheck",
    "HealthEndpoint",
    "KeyNamespace",
    "Kind",
    "Links",
    "Manifest",
    "Money",
    "Organization",
    "Period",
    "Phase",
    "PhaseStatus",
    "Provider",
    "Resources",
    "Review",
    "Route",
    "Service",
    "SslMode",
    "Status",
    "Workflow",
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

Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(str, return_type=str, when_used="json"),
    Field(json_schema_extra={"examples": ["20.00"]}),
]
"""An exact amount of money (``Decimal``), written as a number or a quoted string."""


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
    control_plane_repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    """GitHub ``owner/name`` of the repository that holds this manifest."""
    docs_url: str = Field(pattern=r"^https?://")
    """Public URL of the documentation site built from this manifest."""
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
    status: PhaseStatus
    """``complete``, ``current`` (exactly one phase) or ``planned``."""
    target: str | None = Field(default=None, pattern=r"^\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)?$")
    """Target date: ``2026-Q2``, ``2026-04`` or ``2026-04-30``."""
    description: str | None = None
    """What the phase delivers."""
    strategy: str | None = None
    """How the phase is carried out, e.g. ``Monorepo with consolidation``."""


class Provider(_Model):
    """A platform the services run on or depend on (hosting, DNS, CI…)."""

    name: str
    """Display name, e.g. ``Railway``."""
    kind: Literal["hosting", "dns", "cdn", "ci", "registrar", "monitoring", "compute"]
    """What the provider is used for."""
    plan: str | None = None
    """Current plan or tier, e.g. ``Hobby``."""
    project: str | None = None
    """Project name at the provider (Railway: ``blackroad-production``)."""
    project_id: str | None = None
    """Project identifier at the provider, when known."""
    region: str | None = None
    """Deployment region, e.g. ``us-west1``."""
    dashboard: str | None = Field(default=None, pattern=r"^https?://")
    """URL of the provider's dashboard for this project."""
    nameservers: list[str] = []
    """Nameservers, for DNS providers."""
    features: list[str] = []
    """Features enabled at the provider (WAF, Brotli…)."""


class Dns(_Model):
    """DNS and CDN settings of a domain."""

    provider: str = "cloudflare"
    """Provider id (a key of ``providers``) that serves the zone."""
    proxied: bool = True
    """Whether traffic goes through the CDN proxy."""
    ssl_mode: SslMode | None = None
    """Cloudflare SSL/TLS mode: ``off``, ``flexible``, ``full`` or ``strict``."""
    min_tls: Literal["1.0", "1.1", "1.2", "1.3"] | None = None
    """Minimum TLS version accepted, e.g. ``"1.2"``."""
    hsts: bool | None = None
    """Whether HTTP Strict Transport Security is enabled."""
    always_https: bool | None = None
    """Whether plain HTTP is redirected to HTTPS."""


class Domain(_Model):
    """A domain name the organisation holds."""

    name: str = Field(pattern=HOSTNAME)
    """The fully-qualified name, lower case, e.g. ``api.blackroad.systems``."""
    tier: Literal["primary", "secondary"]
    """``primary`` domains serve products; ``secondary`` ones are held for later."""
    purpose: str
    """What the domain is for."""
    service: str | None = None
    """Service (a key of ``services``) the domain points at."""
    hosting: str | None = None
    """Provider id that hosts it when no single service does (e.g. ``github-pages``)."""
    status: DomainStatus = DomainStatus.ACTIVE
    """``active``, ``planned``, ``reserved`` or ``retired``."""
    dns: Dns = Dns()
    """DNS and CDN settings."""
    yearly_cost: Money | None = None
    """Registration cost per year; it feeds the cost roll-up."""
    registrar: str | None = None
    """Provider id the domain is registered with (default: its DNS provider)."""
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    """ISO 4217 currency of ``yearly_cost``."""
    note: str | None = None
    """Anything a reader should know."""


class Cost(_Model):
    """One recurring cost line."""

    item: str
    """What is paid for, e.g. ``Railway Hobby plan``."""
    provider: str
    """Provider id (a key of ``providers``)."""
    amount: Money
    """Amount per period per unit, exact."""
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    """ISO 4217 currency code."""
    period: Period
    """``month`` or ``year``."""
    quantity: int = Field(default=1, ge=1, le=MAX_COUNT)
    """How many units are paid for (the line's total is ``amount × quantity``)."""
    phase: int = Field(ge=0, le=MAX_COUNT)
    """Phase id from which this cost applies (costs carry over to later phases)."""
    until_phase: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Last phase the cost applies to; empty means every later phase too."""
    service: str | None = None
    """Service that owns the cost, if any."""
    estimate: bool = False
    """True when the amount is a projection rather than a bill."""
    note: str | None = None
    """Anything a reader should know."""


class Workflow(_Model):
    """A CI/CD workflow."""

    name: str
    """Identifier, e.g. ``backend_tests``."""
    file: str
    """Path of the workflow file, e.g. ``.github/workflows/backend-tests.yml``."""
    triggers: list[str] = []
    """Events that start it (``push``, ``pull_request``)."""
    paths: list[str] = []
    """Path filters."""
    branches: list[str] = []
    """Branch filters."""
    requires: list[str] = []
    """Workflows that must pass first."""


class AutoDeploy(_Model):
    """Automatic deployment on push."""

    enabled: bool = True
    """Whether pushes deploy automatically."""
    branch: str = "main"
    """Branch that deploys."""
    healthcheck_timeout: Duration | None = None
    """How long a deploy may take to become healthy."""
    rollback_on_failure: bool = False
    """Whether a failed health check rolls the deploy back."""


class CiCd(_Model):
    """Continuous integration and delivery."""

    provider: str = "github"
    """Provider id that runs the workflows."""
    workflows: list[Workflow] = []
    """The workflows."""
    secrets_required: list[str] = []
    """Names of CI secrets the workflows need (never their values)."""
    auto_deploy: AutoDeploy | None = None
    """Automatic deployment settings."""


class DisasterRecovery(_Model):
    """Recovery objectives and the plan to meet them."""

    rto: Duration
    """Recovery time objective: how long a full restore may take."""
    rpo: Duration
    """Recovery point objective: how much data may be lost."""
    plan: list[str] = []
    """Steps of the recovery plan, in order."""


# --------------------------------------------------------------------------- service parts


class HealthCheck(_Model):
    """The platform's health check for a deployment."""

    path: str = Field(pattern=r"^/")
    """Path probed by the platform, e.g. ``/health``."""
    interval: Duration | None = None
    """Time between probes, e.g. ``30s``."""
    timeout: Duration | None = None
    """How long one probe may take."""
    retries: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Failed probes before the deployment is marked unhealthy."""


class Deploy(_Model):
    """How a service is built and started."""

    builder: Literal["dockerfile", "nixpacks", "static", "managed"] | None = None
    """Build method: ``dockerfile``, ``nixpacks``, ``static`` site, or provider-``managed``."""
    dockerfile: str | None = None
    """Path of the Dockerfile, relative to the repository root."""
    build_context: str | None = None
    """Docker build context."""
    build_command: str | None = None
    """Command that builds a static site or bundle."""
    output_dir: str | None = None
    """Directory the build writes, for static sites."""
    source_dir: str | None = None
    """Directory the build reads, for static sites."""
    start_command: str | None = None
    """Production start command."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """Port the process listens on inside the container (the platform sets ``$PORT``)."""
    replicas: int = Field(default=1, ge=0, le=MAX_COUNT)
    """Number of instances."""
    restart_policy: Literal["always", "on_failure", "never"] | None = None
    """What the platform does when the process exits."""
    max_retries: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    """Restarts before giving up, with ``on_failure``."""
    health_check: HealthCheck | None = None
    """The platform's health check."""
    target: str | None = Field(default=None, pattern=HOSTNAME)
    """Platform hostname the service's domains CNAME to, e.g. ``x.up.railway.app``."""


class Environments(_Model):
    """A service's hostnames per environment."""

    prod: str | None = Field(default=None, pattern=HOSTNAME)
    """Production hostname."""
    staging: str | None = Field(default=None, pattern=HOSTNAME)
    """Staging hostname."""
    dev: str | None = Field(default=None, pattern=HOSTNAME)
    """Development hostname."""

    def items(self) -> list[tuple[str, str]]:
        """The environments that have a hostname, in prod, staging, dev order."""
        pairs = (("prod", self.prod), ("staging", self.staging), ("dev", self.dev))
        return [(env, host) for env, host in pairs if host]


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
    tier: EnvTier
    """``required``, ``important`` or ``optional``."""
    description: str
    """What it configures."""
    secret: bool = False
    """True for credentials: never given a literal value, default or example."""
    source: str | None = None
    """Where the value comes from, e.g. ``${{Postgres.DATABASE_URL}}``."""
    provided_by: str | None = None
    """Service that exports this variable (its ``exports`` lists the same name)."""
    example: str | None = None
    """An illustrative value (placeholders only, never a real credential)."""
    default: str | None = None
    """Value used when unset."""
    value: str | None = None
    """A fixed value every deployment uses."""
    allowed: list[str] = []
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

    path: str = Field(pattern=r"^/")
    """Request path."""
    method: Literal["GET", "HEAD", "POST"] = "GET"
    """HTTP method."""
    expected_status: int = Field(default=200, ge=100, le=599)
    """Status code of a healthy answer."""
    description: str | None = None
    """What the endpoint reports."""


class Resources(_Model):
    """Resources and configuration facts of a service."""

    memory: Size | None = None
    """Memory limit (Redis ``maxmemory``)."""
    storage: Size | None = None
    """Disk allocated."""
    storage_autoscale: bool | None = None
    """Whether storage grows automatically up to the plan limit."""
    cpu: str | None = None
    """CPU allocation, e.g. ``shared``."""
    max_connections: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    """Maximum concurrent client connections."""
    shared_buffers: Size | None = None
    """PostgreSQL ``shared_buffers``."""
    effective_cache_size: Size | None = None
    """PostgreSQL ``effective_cache_size``."""
    work_mem: Size | None = None
    """PostgreSQL ``work_mem``."""
    maintenance_work_mem: Size | None = None
    """PostgreSQL ``maintenance_work_mem``."""
    eviction_policy: str | None = None
    """Redis ``maxmemory-policy``, e.g. ``allkeys-lru``."""
    persistence: str | None = None
    """Persistence mode, e.g. ``rdb`` snapshots or ``aof``."""


class Backups(_Model):
    """Backups of a data service."""

    enabled: bool = True
    """Whether backups run."""
    frequency: Literal["hourly", "daily", "weekly", "monthly"]
    """How often a backup is taken."""
    retention: Duration
    """How long backups are kept, e.g. ``30d``."""
    storage: str | None = None
    """Where backups live."""
    restore: list[str] = []
    """Steps to restore a backup."""


class KeyNamespace(_Model):
    """A key namespace in a cache or key-value store."""

    prefix: str
    """Key prefix, e.g. ``session:*``."""
    pattern: str
    """Full key pattern, e.g. ``session:{user_id}``."""
    ttl: Duration | None = None
    """Time to live; empty when keys do not expire."""
    ttl_max: Duration | None = None
    """Upper bound when the TTL varies within a range."""
    purpose: str
    """What the keys hold."""


class Migrations(_Model):
    """Schema migrations."""

    tool: str
    """Migration tool, e.g. ``alembic``."""
    location: str | None = None
    """Directory of the migration scripts."""
    auto_upgrade: bool = False
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

    metrics: list[str] = []
    """Where metrics come from."""
    logging: list[str] = []
    """How logs are produced and kept."""
    tracing: list[str] = []
    """Error tracking and tracing."""
    alerts: list[str] = []
    """Conditions that alert someone."""


class Service(_Model):
    """One deployable service (or managed resource such as a database)."""

    description: str
    """One-line summary."""
    aliases: list[Annotated[str, Field(min_length=1, max_length=MAX_NAME)]] = Field(
        default=[], max_length=MAX_ALIASES
    )
    """Other names the prose uses (``PostgreSQL``, ``Postgres``); the drift gate uses them."""
    kind: Kind
    """What the service is."""
    status: Status
    """Lifecycle status."""
    phase: int = Field(ge=0, le=MAX_COUNT)
    """Phase id the service belongs to."""
    target_date: str | None = Field(default=None, pattern=r"^\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)$")
    """When a planned service should go live: ``2026-Q2`` or a date."""
    owner: str | None = None
    """Team or person accountable."""
    project: str | None = None
    """Group the service belongs to, e.g. ``blackroad-core``."""
    repo: str | None = Field(default=None, pattern=r"^[\w.-]+/[\w.-]+$")
    """GitHub ``owner/name`` of its source."""
    branch: str = "main"
    """Branch that deploys."""
    language: str | None = None
    """Main programming language."""
    framework: str | None = None
    """Framework and its version, e.g. ``FastAPI 0.104.1``."""
    runtime: str | None = None
    """Runtime, e.g. ``Python 3.11+``."""
    technology: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    """Product name of a managed resource, e.g. ``PostgreSQL``."""
    version: Version | None = None
    """Version of the service's technology, e.g. ``15+``."""
    provider: str
    """Provider id (a key of ``providers``) that hosts it."""
    deploy: Deploy | None = None
    """How it is built and started."""
    domains: Environments = Environments()
    """Hostnames per environment."""
    routes: list[Route] = []
    """Paths it serves."""
    depends_on: list[str] = []
    """Services it needs at run time."""
    env: list[EnvVar] = []
    """Environment variables it reads."""
    exports: list[ExportedVar] = []
    """Variables it provides to other services."""
    health: list[HealthEndpoint] = []
    """Health and status endpoints."""
    resources: Resources | None = None
    """Resources and configuration facts."""
    backups: Backups | None = None
    """Backups, for data services."""
    key_namespaces: list[KeyNamespace] = []
    """Key namespaces, for caches."""
    migrations: Migrations | None = None
    """Schema migrations, for databases."""
    usage: list[str] = []
    """What other services use it for."""
    observability: Observability | None = None
    """Metrics, logs, traces and alerts."""
    review: Review | None = None
    """Review dates."""
    links: Links = Links()
    """Runbook, dashboard and repository links."""


# --------------------------------------------------------------------------- manifest


class Manifest(_Model):
    """The whole ``manifest.yml``."""

    schema_version: Literal[1]
    """Version of this schema; always ``1``."""
    organization: Organization
    """Who owns all of this."""
    last_updated: dt.date | None = None
    """Date the manifest was last edited."""
    phases: list[Phase]
    """The roadmap, in order."""
    providers: dict[str, Provider]
    """Platforms, keyed by id (``railway``, ``cloudflare``, ``github-pages``…)."""
    services: dict[str, Service]
    """Every service, keyed by its name (lower-case, digits and dashes)."""
    domains: list[Domain] = []
    """Domains held by the organisation."""
    costs: list[Cost] = []
    """Recurring costs (domain registrations come from ``domains``)."""
    ci_cd: CiCd | None = None
    """CI/CD workflows and secrets."""
    disaster_recovery: DisasterRecovery | None = None
    """Recovery objectives."""

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

    @property
    def current_phase(self) -> Phase | None:
        """The phase whose status is ``current``, if any."""
        return next((p for p in self.phases if p.status is PhaseStatus.CURRENT), None)

    def resolve(self, name: str) -> str | None:
        """The service a name or alias refers to (case-insensitive), or ``None``."""
        return self.aliases.get(name.lower())


def model_for_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Manifest` with a stable ``$id`` and title."""
    schema = Manifest.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://docs.blackroad.systems/schema/manifest.schema.json"
    schema["title"] = "manifest.yml (schema v1)"
    return schema
