"""The upstream pre-v1 manifest shape, converted to schema v1.

BlackRoad's original ``blackroad-manifest.yml`` nests services in ``projects`` /
``planned_projects`` / ``experimental_projects``, writes env vars as dicts or bare
strings, and leaves dependencies implicit in ``databases`` / ``caches``. This module
maps it onto v1 data (plain dicts, validated by the normal loader afterwards) and
records, for every converted path, the original path so errors still point at the
line the user wrote. Inconsistencies in the old file come back as warnings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Loc, Problem
    from .yamlsafe import SourceMap

__all__ = ["LEGACY_GROUPS", "convert_legacy", "is_legacy"]

LEGACY_GROUPS = ("projects", "planned_projects", "experimental_projects")
"""Top-level keys of the legacy format that hold service groups."""

_KNOWN_TOP = {
    "version",
    "workspace",
    "control_plane_repo",
    "last_updated",
    "operator",
    "deployment_state",
    "railway",
    "domains",
    "infrastructure",
    "ci_cd",
    "metadata",
    *LEGACY_GROUPS,
}
_KIND_MAP = {
    "api-gateway": "gateway",
    "frontend-console": "console",
    "frontend": "frontend",
    "backend": "backend",
    "database": "database",
    "cache": "cache",
    "docs": "docs",
    "worker": "worker",
}
_STATUS_MAP = {
    "research": "experimental",
    "active": "active",
    "planned": "planned",
    "development": "development",
    "experimental": "experimental",
    "retired": "retired",
    "deprecated": "retired",
}
_TECH = {"postgresql": "PostgreSQL", "redis": "Redis", "mysql": "MySQL", "mongodb": "MongoDB"}
_RESOURCE_KEYS = {
    "max_connections": "max_connections",
    "shared_buffers": "shared_buffers",
    "effective_cache_size": "effective_cache_size",
    "maxmemory": "memory",
    "maxmemory_policy": "eviction_policy",
}
"""Legacy ``configuration`` keys and the v1 ``resources`` keys they become."""
_HEALTHISH = re.compile(r"health|version|status|ready|live", re.IGNORECASE)


def is_legacy(data: dict[str, Any]) -> bool:
    """Whether ``data`` (a parsed YAML mapping) is in the upstream pre-v1 shape."""
    return any(key in data for key in (*LEGACY_GROUPS, "deployment_state", "workspace"))


class _Converter:
    def __init__(self, data: dict[str, Any], source: SourceMap) -> None:
        self.old = data
        self.source = source
        self.redirects: dict[Loc, Loc] = {}
        self.warnings: list[Problem] = []

    def warn(self, old_loc: Loc, msg: str) -> None:
        self.warnings.append(self.source.problem(old_loc, msg, warning=True))

    def link(self, new: Loc, old: Loc) -> None:
        self.redirects[new] = old

    # ------------------------------------------------------------------ sections

    def run(self) -> dict[str, Any]:
        old = self.old
        self.warn(
            (),
            "legacy manifest format detected (projects/planned_projects); "
            "read as schema v1 ('br-ops migrate' writes it out as schema v2)",
        )
        out: dict[str, Any] = {"schema_version": 1}
        self.link(("schema_version",), ("version",))
        domains = _map(old.get("domains"))
        docs_host = domains.get("docs") or domains.get("primary")
        out["organization"] = {"name": str(old.get("workspace") or "Unnamed organisation")}
        if old.get("control_plane_repo"):
            out["organization"]["control_plane_repo"] = str(old["control_plane_repo"])
        if docs_host:
            out["organization"]["docs_url"] = f"https://{docs_host}"
        if old.get("operator"):
            out["organization"]["operator"] = str(old["operator"])
        gh = _get(old, "infrastructure", "github", "organization")
        if gh:
            out["organization"]["github_org"] = str(gh)
        self.link(("organization",), ("workspace",))
        if old.get("last_updated"):
            out["last_updated"] = old["last_updated"]
            self.link(("last_updated",), ("last_updated",))
        out["providers"] = self.providers()
        out["services"] = self.services()
        out["phases"] = self.phases(out["services"])
        out["domains"] = self.domains(domains, out["services"])
        ci = self.ci_cd()
        if ci:
            out["ci_cd"] = ci
        self.counts(out["services"])
        carried = self.runbooks(out["services"])
        kept = {"runbooks"} if carried else set()
        dropped = [
            k
            for k in sorted({*(k for k in old if k not in _KNOWN_TOP), "runbooks", "migrations"})
            if k in old and k not in kept
        ]
        if dropped:
            self.warn(
                (dropped[0],),
                "legacy sections with no equivalent were not carried "
                f"over: {', '.join(sorted(set(dropped)))}",
            )
        return out

    def runbooks(self, services: dict[str, Any]) -> bool:
        """Put the legacy ``runbooks`` (group → name → steps) on the one active backend.

        The legacy file keeps them for the whole workspace, which in its shape is one
        monolith; with more than one active backend nobody can say whose they are, so
        they are left out (and the caller warns).
        """
        groups = _map(self.old.get("runbooks"))
        owners = [
            n
            for n, s in services.items()
            if s.get("kind") == "backend" and s.get("status") == "active"
        ]
        if not groups or len(owners) != 1:
            return False
        kinds = {"deployment": "deployment", "incident_response": "incident"}
        books: list[dict[str, Any]] = []
        for group, entries in groups.items():
            for name, steps in _map(entries).items():
                if not isinstance(steps, list) or not steps:
                    continue
                book: dict[str, Any] = {
                    "title": str(name).replace("_", " ").capitalize(),
                    "steps": [str(step) for step in steps],
                }
                if group in kinds:
                    book["kind"] = kinds[group]
                self.link(
                    ("services", owners[0], "runbooks", len(books)), ("runbooks", group, name)
                )
                books.append(book)
        if books:
            services[owners[0]]["runbooks"] = books
        return bool(books)

    def providers(self) -> dict[str, Any]:
        rw = _map(self.old.get("railway"))
        railway: dict[str, Any] = {"name": "Railway", "kind": "hosting"}
        if rw.get("project_name"):
            railway["project"] = str(rw["project_name"])
        if rw.get("project_id") and str(rw["project_id"]).upper() != "TBD":
            railway["project_id"] = str(rw["project_id"])
        if rw.get("region"):
            railway["region"] = str(rw["region"])
        self.link(("providers", "railway"), ("railway",))
        return {
            "railway": railway,
            "cloudflare": {"name": "Cloudflare", "kind": "dns"},
            "github": {"name": "GitHub", "kind": "ci"},
            "github-pages": {"name": "GitHub Pages", "kind": "hosting"},
        }

    def services(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for group_key in LEGACY_GROUPS:
            groups = self.old.get(group_key)
            if groups is None:
                continue
            if not isinstance(groups, dict):
                self.warn(
                    (group_key,),
                    f"expected a mapping of projects, got {type(groups).__name__}; skipped",
                )
                continue
            for group_name, group in groups.items():
                if not isinstance(group, dict):
                    self.warn((group_key, group_name), "expected a mapping; skipped")
                    continue
                members = group.get("services")
                if isinstance(members, dict):
                    for name, svc in members.items():
                        loc = (group_key, group_name, "services", name)
                        if not isinstance(svc, dict):
                            self.warn(loc, "expected a mapping; skipped")
                            continue
                        self.add(out, str(name), svc, group, str(group_name), loc)
                else:
                    self.add(
                        out, str(group_name), {}, group, str(group_name), (group_key, group_name)
                    )
        names = {n.lower(): n for n in out}
        for name, svc in out.items():
            old_loc = self.redirects[("services", name)]
            for section in ("databases", "caches"):
                refs = svc.pop(f"_{section}", [])
                for ref_key, ref in refs:
                    target = names.get(str(ref).lower())
                    if target is None:
                        self.warn(
                            (*old_loc, section, ref_key, "service"),
                            f"{section} entry names {ref!r}, which is not a service here",
                        )
                        continue
                    if target not in svc["depends_on"]:
                        svc["depends_on"].append(target)
        return out

    def add(
        self,
        out: dict[str, Any],
        name: str,
        svc: dict[str, Any],
        group: dict[str, Any],
        group_name: str,
        loc: Loc,
    ) -> None:
        new: Loc = ("services", name)
        self.link(new, loc)
        if name in out:
            self.warn(loc, f"service {name!r} appears twice; the later one is ignored")
            return
        merged = {**group, **svc}
        # Keys a service inherits from its group were written on the group.
        group_loc = loc[:-2] if len(loc) == 4 else loc
        for key in ("description", "kind", "status", "phase"):
            if key in merged:
                self.link((*new, key), (*loc, key) if key in svc else (*group_loc, key))
        status = str(merged.get("status", "planned")).lower()
        kind_raw = str(merged.get("kind", "research" if status == "research" else "backend"))
        kind = _KIND_MAP.get(kind_raw, "research" if status == "research" else None)
        if kind is None:
            self.warn((*loc, "kind"), f"unknown legacy kind {kind_raw!r}; treated as 'backend'")
            kind = "backend"
        result: dict[str, Any] = {
            "description": str(merged.get("description") or f"{name} ({group_name})"),
            "kind": kind,
            "status": _STATUS_MAP.get(status, status),
            "phase": merged.get("phase", 1),
            "project": group_name,
            "provider": "railway",
            "depends_on": [],
        }
        for key in ("target_date", "repo", "language", "framework", "runtime"):
            if merged.get(key) is not None:
                result[key] = str(merged[key])
                self.link((*new, key), (*loc, key) if key in svc else (*group_loc, key))
        if svc.get("branch"):
            result["branch"] = str(svc["branch"])
        if svc.get("type"):
            result["technology"] = _TECH.get(str(svc["type"]).lower(), str(svc["type"]))
            if result["technology"].lower() != name.lower():
                result["aliases"] = [result["technology"]]
        if svc.get("version") is not None:
            result["version"] = str(svc["version"])
        provider = str(svc.get("provider", ""))
        deployment = _map(svc.get("deployment"))
        if provider.startswith("railway") or not provider:
            result["provider"] = "railway"
        if deployment.get("platform") == "github-pages":
            result["provider"] = "github-pages"
        if deployment:
            result["deploy"] = self.deploy(deployment, (*loc, "deployment"))
            self.link((*new, "deploy"), (*loc, "deployment"))
            for new_key, old_key in (
                ("source_dir", "source"),
                ("health_check", "healthcheck_path"),
                ("builder", "platform" if "platform" in deployment else "dockerfile"),
            ):
                self.link((*new, "deploy", new_key), (*loc, "deployment", old_key))
        if isinstance(svc.get("domains"), dict):
            result["domains"] = {
                k: str(v)
                for k, v in svc["domains"].items()
                if k in ("prod", "staging", "dev") and v
            }
            self.link((*new, "domains"), (*loc, "domains"))
        routes = svc.get("routes")
        if isinstance(routes, list):
            result["routes"] = [self.route(r) for r in routes if isinstance(r, dict)]
            self.link((*new, "routes"), (*loc, "routes"))
        entry = svc.get("entrypoints")
        if isinstance(entry, list):
            self.link((*new, "health"), (*loc, "entrypoints"))
            result["health"] = []
            for i, e in enumerate(entry):
                if isinstance(e, dict) and e.get("path") and _HEALTHISH.search(str(e["path"])):
                    # Entry points that are not health checks are skipped: link each one.
                    self.link((*new, "health", len(result["health"])), (*loc, "entrypoints", i))
                    result["health"].append(
                        {
                            "path": str(e["path"]),
                            "method": str(e.get("method", "GET")),
                            **(
                                {"description": str(e["description"])}
                                if e.get("description")
                                else {}
                            ),
                        }
                    )
        env, exports = self.env(svc.get("env"), (*loc, "env"), new)
        if env:
            result["env"] = env
        if exports:
            result["exports"] = exports
        res = self.resources(svc.get("configuration"))
        if res:
            result["resources"] = res
            self.link((*new, "resources"), (*loc, "configuration"))
            for old_key, new_key in _RESOURCE_KEYS.items():
                self.link((*new, "resources", new_key), (*loc, "configuration", old_key))
        backups = svc.get("backups")
        if isinstance(backups, dict) and backups.get("frequency"):
            days = backups.get("retention_days")
            result["backups"] = {
                "enabled": bool(backups.get("enabled", True)),
                "frequency": str(backups["frequency"]),
                "retention": f"{days}d" if days is not None else "0d",
            }
            self.link((*new, "backups"), (*loc, "backups"))
            self.link((*new, "backups", "retention"), (*loc, "backups", "retention_days"))
        migrations = svc.get("migrations")
        if isinstance(migrations, dict) and migrations.get("tool"):
            result["migrations"] = {
                k: migrations[k] for k in ("tool", "location", "auto_upgrade") if k in migrations
            }
            self.link((*new, "migrations"), (*loc, "migrations"))
        usage = svc.get("usage")
        if isinstance(usage, list):
            result["usage"] = [
                f"{u.get('service')}: {p}" if isinstance(u, dict) else str(u)
                for u in usage
                for p in (u.get("purposes", []) if isinstance(u, dict) else [None])
            ]
            result["usage"] = [u.removesuffix(": None") for u in result["usage"]]
        obs = svc.get("observability")
        if isinstance(obs, dict):
            result["observability"] = {
                k: [str(x) for x in obs.get(k, [])]
                for k in ("metrics", "logging", "tracing", "alerts")
                if isinstance(obs.get(k), list)
            }
            self.link((*new, "observability"), (*loc, "observability"))
        review = self.old.get("metadata")
        if isinstance(review, dict) and review.get("last_audit") and review.get("next_review"):
            result["review"] = {
                "last_reviewed": review["last_audit"],
                "next_review": review["next_review"],
            }
            self.link((*new, "review"), ("metadata",))
            self.link((*new, "review", "last_reviewed"), ("metadata", "last_audit"))
        result["_databases"] = self.refs(svc.get("databases"))
        result["_caches"] = self.refs(svc.get("caches"))
        out[name] = result

    @staticmethod
    def refs(section: Any) -> list[tuple[str, str]]:
        if not isinstance(section, dict):
            return []
        return [
            (str(k), str(v["service"]))
            for k, v in section.items()
            if isinstance(v, dict) and v.get("service")
        ]

    def deploy(self, dep: dict[str, Any], loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if dep.get("platform") == "github-pages":
            out["builder"] = "static"
        elif dep.get("dockerfile"):
            out["builder"] = "dockerfile"
        mapping = {
            "dockerfile": "dockerfile",
            "build_context": "build_context",
            "start_command": "start_command",
            "build_command": "build_command",
            "output_dir": "output_dir",
            "source": "source_dir",
        }
        for old, new in mapping.items():
            if dep.get(old) is not None:
                out[new] = str(dep[old])
        port = re.search(r"(\d{2,5})", str(dep.get("port", "")))
        if port:
            out["port"] = int(port.group(1))
        if dep.get("healthcheck_path"):
            out["health_check"] = {"path": str(dep["healthcheck_path"])}
        return out

    @staticmethod
    def route(r: dict[str, Any]) -> dict[str, Any]:
        kind = str(r.get("type", "api"))
        return {
            "path": str(r.get("path", "/")),
            "serves": str(r.get("serves", "")),
            "type": kind if kind in ("static", "api", "docs", "websocket", "redirect") else "api",
            "status": _STATUS_MAP.get(str(r.get("status", "active")), "active"),
        }

    def env(self, env: Any, loc: Loc, new: Loc) -> tuple[list[Any], list[Any]]:
        out: list[Any] = []
        exports: list[Any] = []
        if not isinstance(env, dict):
            return out, exports
        for tier, items in env.items():
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                if tier == "exported":
                    if isinstance(item, dict) and item.get("name"):
                        self.link((*new, "exports", len(exports)), (*loc, tier, i))
                        exports.append(
                            {
                                "name": str(item["name"]),
                                "description": str(item.get("description", "")),
                                **({"format": str(item["format"])} if item.get("format") else {}),
                            }
                        )
                    continue
                level = tier
                if tier not in ("required", "important", "optional"):
                    self.warn((*loc, tier), f"unknown env tier {tier!r}; treated as optional")
                    level = "optional"
                self.link((*new, "env", len(out)), (*loc, tier, i))
                if isinstance(item, str):
                    out.append(
                        {
                            "name": item,
                            "tier": level,
                            "description": "Not described in the legacy manifest.",
                        }
                    )
                    continue
                if not isinstance(item, dict):
                    continue
                var: dict[str, Any] = {
                    "name": str(item.get("name", "")),
                    "tier": level,
                    "description": str(
                        item.get("description") or "Not described in the legacy manifest."
                    ),
                }
                for key in ("source", "example", "default", "value", "generate"):
                    if item.get(key) is not None:
                        var[key] = str(item[key])
                if item.get("secret"):
                    var["secret"] = True
                if isinstance(item.get("values"), list):
                    var["allowed"] = [str(v) for v in item["values"]]
                out.append(var)
        return out, exports

    @staticmethod
    def resources(conf: Any) -> dict[str, Any]:
        if not isinstance(conf, dict):
            return {}
        return {new: conf[old] for old, new in _RESOURCE_KEYS.items() if conf.get(old) is not None}

    def phases(self, services: dict[str, Any]) -> list[dict[str, Any]]:
        state = self.old.get("deployment_state")
        state = state if isinstance(state, dict) else {}
        names: dict[int, str] = {}
        for key in ("phase", "target_phase"):
            m = re.match(r"\s*Phase\s+(\d+)\s*[-:–]\s*(.+)", str(state.get(key, "")))
            if m:
                names[int(m.group(1))] = m.group(2).strip()
        current = next(iter(names), 1)
        ids = sorted(
            {
                *names,
                *(int(s["phase"]) for s in services.values() if isinstance(s.get("phase"), int)),
            }
        )
        self.link(("phases",), ("deployment_state",))
        out = []
        for pid in ids:
            phase: dict[str, Any] = {
                "id": pid,
                "name": names.get(pid, f"Phase {pid}"),
                "status": "complete"
                if pid < current
                else "current"
                if pid == current
                else "planned",
            }
            if pid == current and state.get("strategy"):
                phase["strategy"] = str(state["strategy"])
            out.append(phase)
        return out

    def domains(self, domains: dict[str, Any], services: dict[str, Any]) -> list[Any]:
        owner: dict[str, str] = {}
        for name, svc in services.items():
            prod = svc.get("domains", {}).get("prod")
            if prod:
                owner.setdefault(prod, name)
        zones = _get(self.old, "infrastructure", "cloudflare", "zones")
        zone_items = list(enumerate(zones)) if isinstance(zones, list) else []
        zone_settings = {z.get("domain"): z for _, z in zone_items if isinstance(z, dict)}
        zone_index = {z.get("domain"): i for i, z in zone_items if isinstance(z, dict)}
        out: list[Any] = []
        seen: set[str] = set()
        for key, raw_host in domains.items():
            host = str(raw_host)
            if host in seen:
                continue
            seen.add(host)
            apex = ".".join(host.split(".")[-2:])
            zone = zone_settings.get(apex, {})
            service = owner.get(host)
            status = services[service]["status"] if service else "reserved"
            entry: dict[str, Any] = {
                "name": host,
                "tier": "primary" if service or key == "primary" else "secondary",
                "purpose": str(key),
                "status": {"active": "active", "retired": "retired"}.get(status, "planned")
                if service
                else "reserved",
                "dns": {"proxied": bool(zone.get("proxy_enabled", True))},
            }
            if zone.get("ssl_mode"):
                mode = str(zone["ssl_mode"]).lower()
                entry["dns"]["ssl_mode"] = "strict" if "strict" in mode else mode
            if service:
                entry["service"] = service
            self.link(("domains", len(out)), ("domains", key))
            if apex in zone_index:
                self.link(
                    ("domains", len(out), "dns"),
                    ("infrastructure", "cloudflare", "zones", zone_index[apex]),
                )
            out.append(entry)
        return out

    def ci_cd(self) -> dict[str, Any]:
        ci = self.old.get("ci_cd")
        if not isinstance(ci, dict):
            return {}
        out: dict[str, Any] = {}
        self.link(("ci_cd",), ("ci_cd",))
        workflows = _get(ci, "github_actions", "workflows")
        if isinstance(workflows, dict):
            out["workflows"] = [
                {
                    "name": str(name),
                    "file": str(wf.get("file", "")),
                    **{
                        k: [str(x) for x in wf[k]]
                        for k in ("triggers", "paths", "branches", "requires")
                        if isinstance(wf.get(k), list)
                    },
                }
                for name, wf in workflows.items()
                if isinstance(wf, dict)
            ]
        secrets = _get(ci, "github_actions", "secrets_required")
        if isinstance(secrets, list):
            out["secrets_required"] = [str(s) for s in secrets]
            self.link(
                ("ci_cd", "secrets_required"), ("ci_cd", "github_actions", "secrets_required")
            )
        auto = _get(ci, "railway", "auto_deploy")
        if isinstance(auto, dict):
            deploy: dict[str, Any] = {
                k: auto[k] for k in ("enabled", "branch", "rollback_on_failure") if k in auto
            }
            if auto.get("healthcheck_timeout") is not None:
                deploy["healthcheck_timeout"] = f"{auto['healthcheck_timeout']}s"
            out["auto_deploy"] = deploy
            self.link(("ci_cd", "auto_deploy"), ("ci_cd", "railway", "auto_deploy"))
        return out

    def counts(self, services: dict[str, Any]) -> None:
        state = self.old.get("deployment_state")
        if not isinstance(state, dict):
            return
        for key, status in (("active_services", "active"), ("planned_services", "planned")):
            stated = state.get(key)
            if not isinstance(stated, int):
                continue
            actual = sorted(n for n, s in services.items() if s["status"] == status)
            if stated != len(actual):
                self.warn(
                    ("deployment_state", key),
                    f"says {stated} {status} services, but the file lists {len(actual)}"
                    f" ({', '.join(actual) or 'none'}); v1 computes counts instead",
                )
        railway_services = _get(
            self.old, "infrastructure", "railway", "projects", "production", "services"
        )
        if isinstance(railway_services, int):
            actual = sorted(
                n
                for n, s in services.items()
                if s["provider"] == "railway" and s["status"] == "active"
            )
            if railway_services != len(actual):
                self.warn(
                    ("infrastructure", "railway", "projects", "production", "services"),
                    f"says {railway_services} Railway services, but {len(actual)} active "
                    f"ones run on Railway ({', '.join(actual)})",
                )


def _map(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def convert_legacy(
    data: dict[str, Any], source: SourceMap
) -> tuple[dict[str, Any], dict[Loc, Loc], list[Problem]]:
    """Convert legacy data to v1 data; return it, the path redirects and the warnings."""
    conv = _Converter(data, source)
    out = conv.run()
    return out, conv.redirects, conv.warnings
