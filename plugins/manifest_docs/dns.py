"""The DNS of a manifest: every hostname and record, declared or implied, merged once.

Two sources say what a zone holds. A domain's ``records`` state records outright; a
service's production hostnames imply one more each, a CNAME to the platform that
serves it (its ``deploy.target``, or ``<org>.github.io`` for GitHub Pages), and so do
another environment's hostnames when that environment's override states a target.
:func:`zone` merges them: a declared record and an implied one that agree are one
record; two that disagree, or a CNAME beside any other record of the same name (except
at a zone's apex, where a CNAME is flattened), are a :class:`Conflict` the loader
reports at both lines. Every reader (the Domains page, the rules, ``br-ops``) asks here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .profiles import profile_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .errors import Loc
    from .model import DnsRecord, Domain, Manifest, Service

__all__ = [
    "Conflict",
    "HostRow",
    "Record",
    "Zone",
    "full_name",
    "platform_target",
    "zone",
    "zone_of",
]


@dataclass(frozen=True)
class Record:
    """One record of a zone."""

    name: str
    """Its full name, e.g. ``api.example.org``."""
    type: str
    """``CNAME``, ``A``, ``MX``…"""
    value: str
    """What it points to or holds (a hostname without its trailing dot)."""
    zone: str | None
    """The registered domain it belongs to (``None``: none of the manifest's)."""
    loc: Loc
    """Where the manifest states it: the record, or the deploy target it follows from."""
    declared: bool
    """Whether a domain's ``records`` state it (else a service's hostname implies it)."""
    service: str | None = None
    """The service whose hostname it is."""
    ttl: int | None = None
    """Time to live in seconds (``None``: the provider's automatic TTL)."""
    proxied: bool | None = None
    """Whether the DNS provider's edge proxies it."""
    priority: int | None = None
    """MX/SRV priority."""
    placeholder: bool = False
    """The value is a placeholder, not the zone's record today."""
    note: str | None = None
    """What a reader should know about it."""


@dataclass(frozen=True)
class HostRow:
    """A hostname a service answers on in one environment, with its record if known."""

    host: str
    """The hostname."""
    env: str
    """The environment."""
    service: str
    """The service."""
    record: Record | None
    """Its CNAME (or other address record), ``None`` when the manifest gives none."""


@dataclass(frozen=True)
class Conflict:
    """Two statements about one name that cannot both hold."""

    loc: Loc
    """Where the second one is written."""
    other: Loc
    """Where the first one is written."""
    message: str
    """What is wrong, and what would be right."""


@dataclass(frozen=True)
class Zone:
    """Every record and service hostname of a manifest."""

    records: list[Record]
    """Merged records, sorted by name, type and value."""
    hosts: list[HostRow]
    """Each service hostname of each environment, sorted by hostname then environment."""
    conflicts: list[Conflict]
    """Contradictions between records, in the order found."""
    others: list[Record]
    """The records no hostname row shows (apex MX and TXT, verification records…)."""


def full_name(name: str, domain: str) -> str:
    """A record's full name: ``@`` is the domain, a label is prefixed to it."""
    if name == "@":
        return domain
    if name == domain or name.endswith("." + domain):
        return name
    return f"{name}.{domain}"


def zone_of(host: str, domains: Iterable[Domain]) -> str | None:
    """The registered domain ``host`` is in (the longest that matches), or ``None``."""
    best: str | None = None
    for d in domains:
        if (host == d.name or host.endswith("." + d.name)) and len(d.name) > len(best or ""):
            best = d.name
    return best


def platform_target(manifest: Manifest, name: str, svc: Service) -> tuple[str, Loc] | None:
    """Where service ``name``'s hostnames point, and the manifest path that says so.

    Its deploy target, else where its provider's profile says (GitHub Pages:
    ``<github_org>.github.io``).
    """
    if svc.deploy and svc.deploy.target:
        return svc.deploy.target, ("services", name, "deploy", "target")
    profile = profile_of(manifest, svc.provider)
    return profile.target(manifest, svc) if profile.target else None


def _target_in(manifest: Manifest, name: str, svc: Service, env: str) -> tuple[str, Loc] | None:
    """Where ``env``'s hostnames of service ``name`` point, when the manifest says.

    ``deploy.target`` is the production deployment's hostname; another environment's
    hostnames point at the target its override states, else somewhere not stated.
    """
    if env == manifest.production:
        return platform_target(manifest, name, svc)
    over = svc.environments.get(env)
    deploy = over.deploy if over is not None else None
    if deploy is not None and deploy.target:
        return deploy.target, ("services", name, "environments", env, "deploy", "target")
    return None


_ADDRESS = frozenset({"CNAME", "A", "AAAA", "ALIAS"})
"""Types that say where a name is served (what a hostname row shows)."""


def _declared(manifest: Manifest) -> list[Record]:
    out = []
    for i, domain in enumerate(manifest.domains):
        for j, rec in enumerate(domain.records):
            out.append(_record(rec, domain.name, ("domains", i, "records", j)))
    return out


def _record(rec: DnsRecord, domain: str, loc: Loc) -> Record:
    return Record(
        name=full_name(rec.name, domain),
        type=rec.type,
        value=rec.value.rstrip(".") if rec.type in {"CNAME", "ALIAS", "NS", "MX"} else rec.value,
        zone=domain,
        loc=loc,
        declared=True,
        ttl=rec.ttl,
        proxied=rec.proxied,
        priority=rec.priority,
        placeholder=rec.placeholder,
        note=rec.note,
    )


def zone(manifest: Manifest) -> Zone:
    """Merge the declared records with those the services' hostnames imply."""
    conflicts: list[Conflict] = []
    by_name: dict[str, list[int]] = {}  # a name's records, as indexes into ``records``
    records: list[Record] = []

    def add(rec: Record) -> Record:
        for at in by_name.get(rec.name, []):
            other = records[at]
            same = other.type == rec.type and other.value == rec.value
            if same and other.declared != rec.declared:
                # A declared record that agrees with the implied one is that record,
                # with what the declaration adds (TTL, proxying, a note).
                merged = other if other.declared else rec
                records[at] = replace(merged, service=other.service or rec.service)
                return records[at]
            if same and not rec.declared:
                return other  # one hostname twice: the rules on hostnames say so
            if same:
                conflicts.append(
                    Conflict(rec.loc, other.loc, f"{rec.type} {rec.name} is stated twice")
                )
                return other
            # A CNAME stands alone at its name; at a zone's apex it is only possible
            # flattened (served as addresses), so MX and TXT records sit beside it.
            apex = rec.name == rec.zone
            if (rec.type == other.type and rec.type in {"CNAME", "ALIAS"}) or (
                "CNAME" in (rec.type, other.type) and not apex
            ):
                conflicts.append(
                    Conflict(
                        rec.loc,
                        other.loc,
                        f"{rec.name}: {rec.type} {rec.value} contradicts {other.type} "
                        f"{other.value}; a name with a CNAME has no other record",
                    )
                )
                return other
        by_name.setdefault(rec.name, []).append(len(records))
        records.append(rec)
        return rec

    for rec in _declared(manifest):
        add(rec)
    hosts: list[HostRow] = []
    for name, svc in manifest.services.items():
        targets = {env: _target_in(manifest, name, svc, env) for env in svc.domains.envs()}
        for env, host in svc.domains.items():
            found: Record | None = None
            target = targets[env]
            if target is not None:
                value, loc = target
                found = add(
                    Record(
                        name=host,
                        type="CNAME",
                        value=value,
                        zone=zone_of(host, manifest.domains),
                        loc=loc,
                        declared=False,
                        service=name,
                    )
                )
            if found is None or found.name != host:
                found = next(
                    (records[at] for at in by_name.get(host, []) if records[at].type in _ADDRESS),
                    None,
                )
            hosts.append(HostRow(host, env, name, found))
    order = {env: i for i, env in enumerate(manifest.environment_names)}
    hosts.sort(key=lambda h: (h.host, order.get(h.env, len(order)), h.env, h.service))
    records.sort(key=lambda r: (r.name, r.type, r.value))
    shown = {id(h.record) for h in hosts if h.record is not None}
    others = [r for r in records if id(r) not in shown]
    return Zone(records=records, hosts=hosts, conflicts=conflicts, others=others)
