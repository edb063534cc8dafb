"""Files generated from the manifest: ``.env.example`` per service (more in later modules).

Secrets are always left empty; descriptions become comments. Output is deterministic
(manifest order of tiers and variables), so a committed copy can be compared byte for
byte by the drift gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import EnvTier

if TYPE_CHECKING:
    from .model import EnvVar, Service

__all__ = ["env_example", "env_value"]

_TIER_TITLE = {
    EnvTier.REQUIRED: "Required",
    EnvTier.IMPORTANT: "Important",
    EnvTier.OPTIONAL: "Optional",
}


def env_value(var: EnvVar) -> str:
    """The value a ``.env.example`` shows for ``var``: empty for secrets."""
    if var.secret:
        return ""
    for candidate in (var.value, var.default, var.example, var.source):
        if candidate is not None:
            return candidate
    return ""


def _quote(value: str) -> str:
    if value == "" or all(c.isalnum() or c in "-_./:@,+=" for c in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def _comment(text: str) -> str:
    return " ".join(text.split())


def env_example(name: str, service: Service) -> str:
    """The ``.env.example`` text for service ``name``."""
    lines = [
        f"# .env.example for {name} — generated from manifest.yml; do not edit by hand.",
        "# Secrets are left empty: take them from the platform's secret store.",
    ]
    for tier in EnvTier:
        variables = [v for v in service.env if v.tier is tier]
        if not variables:
            continue
        lines += ["", f"# --- {_TIER_TITLE[tier]} ---"]
        for var in variables:
            notes = [_comment(var.description)]
            if var.secret:
                notes.append("(secret)")
            if var.allowed:
                notes.append("one of: " + ", ".join(var.allowed))
            if var.provided_by:
                notes.append(f"provided by {var.provided_by}")
            if var.generate:
                notes.append(f"generate with: {_comment(var.generate)}")
            lines.append("# " + " ".join(notes))
            lines.append(f"{var.name}={_quote(env_value(var))}")
    if service.exports:
        lines += ["", f"# {name} exports: " + ", ".join(e.name for e in service.exports)]
    return "\n".join(lines) + "\n"
