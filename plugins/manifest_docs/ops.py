"""The data and text behind ``br-ops list/env/repo/open/status`` (pure: no click, no I/O).

Every command has a ``*_data`` function that returns a JSON-ready ``dict`` (the
documented ``--json`` shape) and a ``format_*`` function that turns that same dict
into text for people, so the two outputs can never disagree. Colour is a ``style``
callback (role, text) → text supplied by the adapter; the default leaves text plain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .costs import (
    CENT,
    DEFAULT_CURRENCY,
    conversion,
    currencies,
    currency_order,
    money,
    phase_costs,
    signed,
)
from .errors import did_you_mean
from .model import (
    DEFAULT_ENVIRONMENTS,
    SCHEMA_VERSIONS,
    EnvTier,
    Kind,
    PhaseStatus,
    Status,
    repo_urls,
)

if TYPE_CHECKING:
    from .costs import PhaseCosts, Totals
    from .model import Manifest, Phase, Service

__all__ = [
    "ENVIRONMENTS",
    "STATUS_ORDER",
    "Style",
    "UnknownServiceError",
    "clone_urls",
    "env_data",
    "environment",
    "format_env",
    "format_list",
    "format_open",
    "format_repo",
    "format_status",
    "list_data",
    "open_data",
    "plain",
    "repo_data",
    "resolve_service",
    "schema_note",
    "status_data",
    "validate_summary",
]

Style = Callable[[str, str], str]
"""A styling callback ``style(role, text)``; roles: heading, ok, fail, warn, dim, name."""

STATUS_ORDER: tuple[Status, ...] = (
    Status.ACTIVE,
    Status.DEVELOPMENT,
    Status.EXPERIMENTAL,
    Status.PLANNED,
    Status.RETIRED,
)
"""Order in which statuses are grouped and counted."""

ENVIRONMENTS = DEFAULT_ENVIRONMENTS
"""The environments of a manifest that declares none."""


def environment(manifest: Manifest, env: str | None) -> str:
    """``env`` checked against the manifest's environments (``None``: production).

    Raises ``ValueError`` naming the environments there are, with a "did you mean".
    """
    if env is None:
        return manifest.production
    names = manifest.environment_names
    if env not in names:
        raise ValueError(
            f"unknown environment {env!r}{did_you_mean(env, names)}; "
            f"the manifest's environments: {', '.join(names)}"
        )
    return env


def plain(role: str, text: str) -> str:
    """The default style: text unchanged, whatever its role."""
    return text


class UnknownServiceError(ValueError):
    """A service name that the manifest does not know (message has the hint and the list)."""


def resolve_service(manifest: Manifest, name: str) -> str:
    """The service ``name`` refers to (name or alias, any case), or raise with a hint.

    The message reads ``unknown service 'x' (did you mean 'y'?)`` followed by a line
    listing every service.
    """
    found = manifest.resolve(name)
    if found is not None:
        return found
    hint = did_you_mean(name, list(manifest.services))
    if not hint:
        alias = did_you_mean(name, list(manifest.aliases))
        if alias:
            guess = alias.split("'")[1]
            hint = f" (did you mean {manifest.aliases[guess.lower()]!r}?)"
    listing = ", ".join(sorted(manifest.services)) or "none"
    raise UnknownServiceError(f"unknown service {name!r}{hint}\nservices: {listing}")


def validate_summary(manifest: Manifest, shown: str, *, legacy: bool = False) -> str:
    """``br-ops validate``'s line: ``manifest.yml: valid — 13 services (4 active, …), …``."""
    by_status = Counter(s.status.value for s in manifest.services.values())
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    counts = [
        (len(manifest.services), "service"),
        (len(manifest.domains), "domain"),
        (len(manifest.costs), "cost line"),
        (len(manifest.phases), "phase"),
    ]
    services, *rest = (f"{n} {what}{'s' * (n != 1)}" for n, what in counts)
    kind = " (legacy format)" if legacy else ""
    return f"{shown}: valid{kind} — {services} ({statuses}), {', '.join(rest)}"


def schema_note(manifest: Manifest, shown: str, *, legacy: bool = False) -> str | None:
    """What to tell the owner of an older schema's manifest, or ``None``.

    A legacy file has its own warnings (from the converter), so it gets no note here.
    """
    current = SCHEMA_VERSIONS[-1]
    if legacy or manifest.schema_version >= current:
        return None
    return (
        f"{shown}: schema v{manifest.schema_version} still loads; "
        f"'br-ops migrate {shown} -o {shown}' upgrades it to v{current}"
    )


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[-1]]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


# --------------------------------------------------------------------------- list


def _service_row(name: str, svc: Service, production: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": svc.description,
        "kind": svc.kind.value,
        "status": svc.status.value,
        "phase": svc.phase,
        "target_date": svc.target_date,
        "provider": svc.provider,
        "repo": svc.repo,
        "prod_domain": svc.domains.first(production),
    }


def list_data(
    manifest: Manifest,
    *,
    status: Status | str | None = None,
    phase: int | None = None,
    kind: Kind | str | None = None,
    tag: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """Services grouped by status, filtered; the ``br-ops list --json`` shape.

    ``{"filters": {"status", "phase", "kind", "tag", "owner"}, "count": N,
    "groups": {STATUS: [SERVICE]}}``
    where ``groups`` always has the five statuses in lifecycle order and each SERVICE is
    ``{"name", "description", "kind", "status", "phase", "target_date", "provider",
    "repo", "prod_domain"}`` (names sorted within a group).
    """
    want_status = Status(status) if status is not None else None
    want_kind = Kind(kind) if kind is not None else None
    groups: dict[str, list[dict[str, Any]]] = {s.value: [] for s in STATUS_ORDER}
    for name in sorted(manifest.services):
        svc = manifest.services[name]
        if want_status is not None and svc.status is not want_status:
            continue
        if want_kind is not None and svc.kind is not want_kind:
            continue
        if phase is not None and svc.phase != phase:
            continue
        if (tag is not None and tag not in svc.tags) or (owner is not None and svc.owner != owner):
            continue
        groups[svc.status.value].append(_service_row(name, svc, manifest.production))
    return {
        "filters": {
            "status": want_status.value if want_status else None,
            "phase": phase,
            "kind": want_kind.value if want_kind else None,
            "tag": tag,
            "owner": owner,
        },
        "count": sum(len(g) for g in groups.values()),
        "groups": groups,
    }


def format_list(data: dict[str, Any], style: Style = plain) -> str:
    """Text for ``br-ops list``: one block per non-empty status."""
    if not data["count"]:
        filters = " ".join(f"--{k} {v}" for k, v in data["filters"].items() if v is not None)
        return f"no services match {filters}".rstrip() + "\n"
    lines: list[str] = []
    for status, services in data["groups"].items():
        if not services:
            continue
        if lines:
            lines.append("")
        lines.append(style("heading", f"{status.upper()} ({len(services)})"))
        rows = []
        for s in services:
            when = f"phase {s['phase']}"
            if s["target_date"]:
                when += f", target {s['target_date']}"
            rows.append([s["name"], s["kind"], s["repo"] or "—", s["prod_domain"] or "—", when])
        lines += _table(rows)
    n = data["count"]
    lines += ["", style("dim", f"{n} service{'s' * (n != 1)}")]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- env


def _consumers(manifest: Manifest, exporter: str, var_name: str) -> list[str]:
    """Services that read ``var_name`` from ``exporter`` (``provided_by`` or a dependency)."""
    out = []
    for name in manifest.readers.get(var_name, []):
        svc = manifest.services[name]
        for var in svc.env:
            if var.name != var_name:
                continue
            if var.provided_by == exporter or (
                var.provided_by is None and exporter in svc.depends_on
            ):
                out.append(name)
                break
    return sorted(out)


def env_data(
    manifest: Manifest,
    name: str,
    *,
    tier: EnvTier | str | None = None,
    env: str | None = None,
) -> dict[str, Any]:
    """Environment variables of service ``name`` in ``env`` (production when ``None``).

    The ``br-ops env --json`` shape: ``{"service", "environment", "kind", "status",
    "tier", "counts": {TIER: N}, "variables": [VAR],
    "exports": [{"name", "description", "format", "consumers": [SERVICE]}],
    "used_by": [SERVICE]}``. VAR is ``{"name", "tier", "description", "secret",
    "source", "provided_by", "example", "default", "value", "allowed", "generate"}``
    in tier order (required, important, optional); a secret's ``example``,
    ``default`` and ``value`` are always ``null``. ``tier`` filters ``variables``.
    """
    environment_name = environment(manifest, env)
    svc = manifest.service_in(name, environment_name)
    want = EnvTier(tier) if tier is not None else None
    variables = []
    for t in EnvTier:
        if want is not None and t is not want:
            continue
        for var in svc.env:
            if var.tier is not t:
                continue
            variables.append(
                {
                    "name": var.name,
                    "tier": var.tier.value,
                    "description": var.description,
                    "secret": var.secret,
                    "source": var.source,
                    "provided_by": var.provided_by,
                    "example": None if var.secret else var.example,
                    "default": None if var.secret else var.default,
                    "value": None if var.secret else var.value,
                    "allowed": [] if var.secret else list(var.allowed),
                    "generate": var.generate,
                }
            )
    counts = Counter(v.tier.value for v in svc.env)
    return {
        "service": name,
        "environment": environment_name,
        "production": environment_name == manifest.production,
        "kind": svc.kind.value,
        "status": svc.status.value,
        "tier": want.value if want else None,
        "counts": {t.value: counts.get(t.value, 0) for t in EnvTier},
        "variables": variables,
        "exports": [
            {
                "name": e.name,
                "description": e.description,
                "format": e.format,
                "consumers": _consumers(manifest, name, e.name),
            }
            for e in svc.exports
        ],
        "used_by": manifest.used_by.get(name, []),
    }


def format_env(data: dict[str, Any], style: Style = plain) -> str:
    """Text for ``br-ops env``: variables by tier, then what the service exports."""
    name = data["service"]
    if not data.get("production", True):
        name = f"{name} ({data['environment']})"
    counts = data["counts"]
    total = sum(counts.values())
    lines = []
    if total:
        parts = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
        lines.append(
            f"{style('name', name)}: {total} environment variable{'s' * (total != 1)} ({parts})"
        )
    elif not data["exports"]:
        lines.append(f"{style('name', name)} reads no environment variables (per the manifest)")
    else:
        lines.append(f"{style('name', name)} reads no environment variables")
    if total and not data["variables"]:
        lines.append(f"  none in tier {data['tier']}")
    current = None
    for var in data["variables"]:
        if var["tier"] != current:
            current = var["tier"]
            lines += ["", style("heading", current.upper())]
        marker = " " + style("warn", "[secret]") if var["secret"] else ""
        lines.append(f"  {style('name', var['name'])}{marker}  {var['description']}")
        details = []
        for key in ("value", "default", "example", "source"):
            if var[key] is not None:
                details.append(f"{key}: {var[key]}")
        if var["provided_by"]:
            details.append(f"provided by: {var['provided_by']}")
        if var["allowed"]:
            details.append("allowed: " + ", ".join(var["allowed"]))
        if var["generate"]:
            details.append(f"generate: {var['generate']}")
        if var["secret"]:
            details.append("value: set it in the platform's secret store")
        lines += [style("dim", f"      {d}") for d in details]
    if data["exports"]:
        lines += ["", style("heading", "EXPORTS")]
        for exp in data["exports"]:
            lines.append(f"  {style('name', exp['name'])}  {exp['description']}")
            if exp["format"]:
                lines.append(style("dim", f"      format: {exp['format']}"))
            consumers = ", ".join(exp["consumers"]) or "no service (per the manifest)"
            lines.append(style("dim", f"      consumed by: {consumers}"))
    if data["used_by"]:
        lines += ["", f"used by: {', '.join(data['used_by'])}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- repo


def clone_urls(repo: str) -> tuple[str, str]:
    """HTTPS and SSH clone URLs of a ``repo`` value (GitHub ``owner/name`` or a URL)."""
    _, https, ssh = repo_urls(repo)
    return https, ssh


def repo_data(manifest: Manifest, name: str) -> dict[str, Any]:
    """Where service ``name``'s code lives; the ``br-ops repo --json`` shape.

    ``{"service", "repo", "owner", "name", "branch", "kind", "language", "framework",
    "runtime", "web_url", "https_url", "ssh_url"}``; the repository fields are ``null``
    when the manifest names no repository.
    """
    svc = manifest.services[name]
    owner = repo_name = web = https = ssh = None
    if svc.repo:
        web, https, ssh = repo_urls(svc.repo)
        owner, _, repo_name = web.split("://", 1)[1].partition("/")[2].rpartition("/")
        web = svc.links.repo or web
    return {
        "service": name,
        "repo": svc.repo,
        "owner": owner,
        "name": repo_name,
        "branch": svc.branch,
        "kind": svc.kind.value,
        "language": svc.language,
        "framework": svc.framework,
        "runtime": svc.runtime,
        "web_url": web,
        "https_url": https,
        "ssh_url": ssh,
    }


def format_repo(data: dict[str, Any], style: Style = plain) -> str:
    """Text for ``br-ops repo``."""
    head = style("name", data["service"])
    if not data["repo"]:
        return f"{head}: the manifest names no repository\n"
    rows = [
        ["repo", data["repo"]],
        ["branch", data["branch"]],
        ["kind", data["kind"]],
        ["language", data["language"] or "—"],
        ["framework", data["framework"] or "—"],
        ["web", data["web_url"]],
        ["https", data["https_url"]],
        ["ssh", data["ssh_url"]],
    ]
    if data["runtime"]:
        rows.insert(5, ["runtime", data["runtime"]])
    return "\n".join([head, *_table(rows)]) + "\n"


# --------------------------------------------------------------------------- open


def open_data(manifest: Manifest, name: str, env: str | None = None) -> dict[str, Any]:
    """Service ``name``'s URLs; the ``br-ops open --json`` shape.

    ``{"service", "env", "url", "urls": {ENV: URL or null, ...}, "dashboard",
    "dashboard_source", "opened"}``: ``url`` is ``https://HOST`` for ``env`` (default:
    production; ``null`` without a hostname), ``urls`` has every environment's main
    hostname; ``dashboard`` comes from ``links.dashboard``, else the
    provider's ``dashboard`` (``dashboard_source`` says which, or ``null``);
    ``opened`` is filled in by the adapter when it opened a browser.
    """
    env = environment(manifest, env)
    svc = manifest.services[name]
    hosts = {e: svc.domains.first(e) for e in manifest.environment_names}
    urls = {e: (f"https://{h}" if h else None) for e, h in hosts.items()}
    dashboard, source = None, None
    provider = manifest.providers.get(svc.provider)
    if svc.links.dashboard:
        dashboard, source = svc.links.dashboard, "links.dashboard"
    elif provider is not None and provider.dashboard:
        dashboard, source = provider.dashboard, f"providers.{svc.provider}.dashboard"
    return {
        "service": name,
        "env": env,
        "url": urls[env],
        "urls": urls,
        "dashboard": dashboard,
        "dashboard_source": source,
        "opened": False,
    }


def format_open(data: dict[str, Any], style: Style = plain) -> str:
    """Text for ``br-ops open``: the URL (or why there is none), then the dashboard."""
    name, env = data["service"], data["env"]
    lines = []
    if data["url"]:
        lines.append(f"{env}: {data['url']}")
    else:
        have = [e for e, u in data["urls"].items() if u]
        others = f"; it has: {', '.join(have)}" if have else "; it has no hostname at all"
        lines.append(style("warn", f"{name} has no {env} hostname in the manifest{others}"))
    if data["dashboard"]:
        lines.append(f"dashboard: {data['dashboard']}")
    else:
        lines.append(
            style(
                "dim",
                "dashboard: none in the manifest (links.dashboard or the provider's dashboard)",
            )
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- status


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _totals(t: Totals) -> dict[str, str]:
    return {
        "monthly": _cents(t.monthly),
        "yearly": _cents(t.yearly),
        "amortised_monthly": _cents(t.amortised_monthly),
        "annual": _cents(t.annual),
    }


def _phase(p: Phase | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.id, "name": p.name, "status": p.status.value, "target": p.target}


def _phase_cost(pc: PhaseCosts, current: Phase | None) -> dict[str, Any]:
    converted = None
    if pc.converted is not None:
        change = pc.converted_change
        converted = {
            "currency": pc.converted.currency,
            **_totals(pc.converted),
            "change": None if change is None else _cents(change),
        }
    return {
        "phase": pc.phase,
        "name": pc.name,
        "current": current is not None and pc.phase == current.id,
        "estimate": any(c.estimate for c in pc.lines),
        "totals": {cur: _totals(t) for cur, t in pc.total.items()},
        "change": None if pc.change is None else {k: _cents(v) for k, v in pc.change.items()},
        "converted": converted,
    }


def status_data(manifest: Manifest) -> dict[str, Any]:
    """Counts, phase and costs; the ``br-ops status --json`` shape (without ``--live``).

    ``{"organization", "last_updated", "services": {"total", "by_status", "by_kind",
    "by_phase"}, "phase": PHASE, "next_phase": PHASE, "phases": [PHASE + "services"],
    "costs": [{"phase", "name", "current", "estimate", "totals": {CURRENCY: TOTALS},
    "change": null | {CURRENCY: "30.00"}, "converted": null | {"currency", TOTALS...,
    "change"}}], "currencies": [CURRENCY], "reporting_currency": null | CURRENCY,
    "exchange_rates": [{"currency", "rate", "date", "source"}], "domains": {"total",
    "by_status"}, "health": null}`` with ``TOTALS = {"monthly", "yearly",
    "amortised_monthly", "annual"}``. Amounts in different currencies are never added:
    ``totals`` holds one entry per currency of the phase's lines (the reporting currency
    first, then alphabetical), ``change`` the change of each currency's amortised month
    from the previous phase, and ``converted`` (only with a ``reporting_currency``) every
    line converted at ``exchange_rates``. Counts are computed from the services; money
    is a string rounded to cents (``"28.33"``), a rate exact (``"1.08"``). ``health`` is
    filled in by ``--live``.
    """
    services = manifest.services.values()
    by_status = Counter(s.status.value for s in services)
    by_kind = Counter(s.kind.value for s in services)
    by_phase = Counter(s.phase for s in services if s.phase is not None)
    current = manifest.current_phase
    ordered = sorted(manifest.phases, key=lambda p: p.id)
    upcoming = [p for p in ordered if p.status is PhaseStatus.PLANNED]
    next_phase = next((p for p in upcoming if current is None or p.id > current.id), None)
    rollup = phase_costs(manifest)
    used = currencies(rollup, manifest.reporting_currency)
    convert = conversion(manifest)
    domain_status = Counter(d.status.value for d in manifest.domains)
    return {
        "organization": manifest.organization.name,
        "last_updated": manifest.last_updated.isoformat() if manifest.last_updated else None,
        "services": {
            "total": len(manifest.services),
            "by_status": {s.value: by_status.get(s.value, 0) for s in STATUS_ORDER},
            "by_kind": {k.value: by_kind[k.value] for k in Kind if by_kind.get(k.value)},
            "by_phase": {str(p): by_phase[p] for p in sorted(by_phase)},
        },
        "phase": _phase(current),
        "next_phase": _phase(next_phase),
        "phases": [{**(_phase(p) or {}), "services": by_phase.get(p.id, 0)} for p in ordered],
        "costs": [_phase_cost(pc, current) for pc in rollup],
        "currencies": used,
        "reporting_currency": manifest.reporting_currency,
        "exchange_rates": [
            {
                "currency": r.currency,
                "rate": str(r.rate),
                "date": r.date.isoformat(),
                "source": r.source,
            }
            for r in (convert.used(used) if convert else [])
        ],
        "domains": {
            "total": len(manifest.domains),
            "by_status": dict(sorted(domain_status.items())),
        },
        "health": None,
    }


def _money(text: str, currency: str) -> str:
    return money(Decimal(text), currency)


def _signed(text: str, currency: str) -> str:
    return signed(Decimal(text), currency, minus="-")


def _cost_rows(c: dict[str, Any], reporting: str | None) -> list[list[str]]:
    """One row per currency of a phase (and one for the converted total)."""
    zero = {"monthly": "0", "yearly": "0", "amortised_monthly": "0"}
    totals = c["totals"] or {reporting or DEFAULT_CURRENCY: zero}
    change = c["change"]
    rows: list[list[str]] = []
    for cur in currency_order([*totals, *(change or {})], reporting):
        notes = []
        if not rows:
            notes += ["current"] * c["current"] + ["estimate"] * c["estimate"]
        if change is not None:
            notes.append(f"{_signed(change.get(cur, '0'), cur)} vs previous")
        t = totals.get(cur, zero)
        rows.append(
            [
                "" if rows else f"{c['phase']} {c['name']}",
                f"{_money(t['amortised_monthly'], cur)}/month",
                f"({_money(t['monthly'], cur)}/month + {_money(t['yearly'], cur)}/year)",
                ", ".join(notes),
            ]
        )
    conv = c["converted"]
    if conv is not None and set(totals) != {conv["currency"]}:
        cur = conv["currency"]
        note = "" if conv["change"] is None else f"{_signed(conv['change'], cur)} vs previous"
        rows.append(
            [
                "",
                f"= {_money(conv['amortised_monthly'], cur)}/month",
                f"(every line converted into {cur})",
                note,
            ]
        )
    return rows


def format_status(data: dict[str, Any], style: Style = plain) -> str:
    """Text for ``br-ops status``."""
    svc = data["services"]
    updated = f" (manifest updated {data['last_updated']})" if data["last_updated"] else ""
    lines = [style("heading", data["organization"]) + updated, ""]
    statuses = ", ".join(f"{n} {s}" for s, n in svc["by_status"].items() if n) or "none"
    lines.append(f"services  {svc['total']} ({statuses})")
    kinds = ", ".join(f"{n} {k}" for k, n in svc["by_kind"].items())
    if kinds:
        lines.append(style("dim", f"          by kind: {kinds}"))
    phase = data["phase"]
    if phase:
        target = f", target {phase['target']}" if phase["target"] else ", no target date"
        lines.append(f"phase     {phase['id']} {phase['name']} (current{target})")
    else:
        lines.append("phase     no phase is marked current")
    nxt = data["next_phase"]
    if nxt:
        target = f", target {nxt['target']}" if nxt["target"] else ""
        lines.append(style("dim", f"          next: {nxt['id']} {nxt['name']}{target}"))
    domains = data["domains"]
    if domains["total"]:
        parts = ", ".join(f"{n} {s}" for s, n in domains["by_status"].items())
        lines.append(f"domains   {domains['total']} ({parts})")
    if data["costs"]:
        lines += ["", style("heading", "costs per phase (yearly lines spread over 12 months)")]
        reporting = data["reporting_currency"]
        lines += _table([row for c in data["costs"] for row in _cost_rows(c, reporting)])
        if data["exchange_rates"]:
            rates = "; ".join(
                f"1 {r['currency']} = {r['rate']} {data['reporting_currency']} "
                f"(rate of {r['date']}{', ' + r['source'] if r['source'] else ''})"
                for r in data["exchange_rates"]
            )
            lines.append(style("dim", f"  converted at {rates}"))
        elif len(data["currencies"]) > 1:
            lines.append(
                style(
                    "warn",
                    "  note: amounts in different currencies are listed apart, never added; "
                    "declare reporting_currency and exchange_rates for one total",
                )
            )
    health = data.get("health")
    if health is not None:
        lines += ["", style("heading", "health (live)")]
        summary = (
            f"  {health['endpoints']} endpoint{'s' * (health['endpoints'] != 1)}: "
            f"{health['ok']} ok, {health['failed']} failed; "
            f"{health['skipped']} service{'s' * (health['skipped'] != 1)} skipped"
        )
        lines.append(style("fail" if health["failed"] else "ok", summary))
        for f in health["failures"]:
            lines.append(f"  {style('fail', 'FAIL')} {f['service']} {f['url']}: {f['error']}")
    return "\n".join(lines) + "\n"
