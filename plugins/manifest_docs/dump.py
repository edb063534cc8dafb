"""Write a :class:`~manifest_docs.model.Manifest` back out as YAML, and upgrade v1 files.

:func:`dump_manifest` writes a model as current-schema YAML (what ``br-ops migrate``
gives for the upstream legacy format, which has no comments worth keeping).
:func:`upgrade_v1` turns a v1 file into v2 by editing its text, so its comments stay:
the version line changes, the environments v1 implied are declared, and what v1
assumed of domains' DNS (Cloudflare, proxied) is written where a domain left it unsaid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .errors import ManifestError
from .load import load_text
from .model import (
    DEFAULT_ENVIRONMENTS,
    SCHEMA_VERSIONS,
    V1_DNS,
    Manifest,
    model_for_json_schema,
    v1_defaults,
)
from .yamlsafe import parse_yaml

if TYPE_CHECKING:
    from .load import LoadedManifest

__all__ = [
    "SCHEMA_COMMENT",
    "Migration",
    "dump_manifest",
    "json_schema_text",
    "migrate",
    "same_facts",
    "upgrade_v1",
]

CURRENT = SCHEMA_VERSIONS[-1]
"""The schema version written."""

SCHEMA_COMMENT = "# yaml-language-server: $schema=schema/manifest.schema.json\n"
"""First line of a manifest: lets editors validate and autocomplete it."""


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_manifest(manifest: Manifest, *, header: str = "") -> str:
    """The manifest as current-schema YAML text, defaults left out, keys in schema order.

    A v1 manifest gains the environments it implied (see :func:`implied_environments`);
    an environment's one hostname is written alone rather than as a one-item list.
    """
    data: dict[str, Any] = manifest.model_dump(mode="json", exclude_defaults=True)
    data["schema_version"] = CURRENT
    if not manifest.environments:
        data["environments"] = implied_environments(manifest)
    for svc in data.get("services", {}).values():
        hosts = svc.get("domains")
        if hosts:
            svc["domains"] = {env: h[0] if len(h) == 1 else h for env, h in hosts.items()}
    order = list(type(manifest).model_fields)
    data = {key: data[key] for key in order if key in data}
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return SCHEMA_COMMENT + header + body


def implied_environments(manifest: Manifest) -> dict[str, dict[str, Any]]:
    """The environments a v1 manifest uses, as v2 declares them.

    Prod (the production one) and whichever of staging and dev some service has a
    hostname for, in that order.
    """
    used = {env for svc in manifest.services.values() for env in svc.domains.envs()}
    names = [n for n in DEFAULT_ENVIRONMENTS if n == "prod" or n in used]
    return {name: ({"production": True} if name == "prod" else {}) for name in names}


def same_facts(before: Manifest, after: Manifest) -> bool:
    """Whether two manifests state the same facts, whatever their schema versions.

    Declaring the environments v1 implied adds no fact, so ``environments`` counts only
    when ``before`` declares some.
    """
    skip = {"schema_version"} | (set() if before.environments else {"environments"})
    return after.model_dump(exclude=skip) == before.model_dump(exclude=skip)


_VERSION_LINE = re.compile(r"^schema_version:[ \t]*1[ \t]*(#.*)?$", re.MULTILINE)


def _yaml_value(value: object) -> str:
    """``true`` or ``cloudflare``: a scalar of :data:`V1_DNS` as YAML writes it."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _stated_v1_dns(text: str) -> str:
    """``text`` with what v1 assumed of each domain's ``dns`` (:data:`V1_DNS`) written in.

    A domain without ``dns`` gains a ``dns:`` line; a block ``dns:`` mapping gains the
    missing keys above its first one (an alias follows its anchor, which is edited).
    Raises ``ValueError`` for a flow mapping (``{...}``), which is left to the user.
    """
    doc = parse_yaml(text, "manifest")
    data, source = doc.data, doc.source
    if not isinstance(data, dict) or v1_defaults(data) is data:
        return text
    lines = text.splitlines(keepends=True)
    edits: dict[int, tuple[int, str]] = {}  # line index → (column, text inserted there)
    for i, dom in enumerate(data.get("domains") or []):
        if not isinstance(dom, dict) or not isinstance(dom.get("dns", {}), dict):
            continue
        dns = dom.get("dns", {})
        missing = {k: v for k, v in V1_DNS.items() if k not in dns}
        if not missing:
            continue
        if "dns" not in dom:
            line, col = source.locate(("domains", i))
            row = lines[line - 1]
            if row[col - 1 : col] == "{":
                raise ValueError(f"domains[{i}] is a flow mapping; add its dns: by hand")
            body = ", ".join(f"{k}: {_yaml_value(v)}" for k, v in missing.items())
            note = "  # what schema v1 assumed"
            edits[line - 1] = (col - 1, f"dns: {{{body}}}{note}\n" + " " * (col - 1))
            continue
        children = [source.keys[k] for k in source.keys if k[:3] == ("domains", i, "dns")]
        children = [pos for pos in children if pos != source.keys.get(("domains", i, "dns"))]
        if not children:
            continue  # an alias: its anchor gets the keys
        line, col = min(children)
        if lines[line - 1][: col - 1].strip():
            raise ValueError(
                f"domains[{i}].dns is a flow mapping; add {', '.join(missing)} by hand"
            )
        indent = " " * (col - 1)
        block = "".join(
            f"{indent}{k}: {_yaml_value(v)}  # what schema v1 assumed\n" for k, v in missing.items()
        )
        edits[line - 1] = (0, block)
    for index in sorted(edits, reverse=True):
        col, added = edits[index]
        lines[index] = lines[index][:col] + added + lines[index][col:]
    return "".join(lines)


def upgrade_v1(text: str, manifest: Manifest) -> str:
    """``text`` (a v1 manifest that loaded as ``manifest``) rewritten as v2, comments kept.

    The ``schema_version: 1`` line becomes ``2``; unless the file declares environments,
    the ones v1 implied follow it; what v1 assumed of domains' DNS is written in
    (:func:`_stated_v1_dns`). Raises ``ValueError`` when the version line is not a plain
    top-level ``schema_version: 1``, or a domain's DNS cannot be edited in place.
    """
    if _VERSION_LINE.search(text) is None:
        raise ValueError("no top-level 'schema_version: 1' line to change")
    text = _stated_v1_dns(text)
    match = _VERSION_LINE.search(text)
    assert match is not None  # only lines below domains: were added
    lines = [f"schema_version: {CURRENT}"]
    if not re.search(r"^environments[ \t]*:", text, re.MULTILINE):
        lines += [
            "",
            "# The environments schema v1 implied (prod, staging and dev, as used below);",
            "# add each one's provider project and region, or rename them.",
            "environments:",
        ]
        for name, fields in implied_environments(manifest).items():
            if fields:
                lines += [f"  {name}:", *(f"    {k}: {str(v).lower()}" for k, v in fields.items())]
            else:
                lines.append(f"  {name}: {{}}")
    return text[: match.start()] + "\n".join(lines) + text[match.end() :]


@dataclass(frozen=True)
class Migration:
    """What ``br-ops migrate`` writes, and what it tells the user."""

    text: str
    """The manifest as the current schema."""
    note: str | None = None
    """Said on stderr (the file was already current), else ``None``."""


def migrate(loaded: LoadedManifest, original: str, shown: str) -> Migration:
    """The manifest ``loaded`` from ``original`` (a file shown as ``shown``), upgraded.

    A legacy file is converted and written out whole; a v1 file is edited
    (:func:`upgrade_v1`), so its comments stay; a current file comes back as it is.
    The result is loaded again and must state every fact ``loaded`` does
    (:func:`same_facts`). Raises ``ValueError`` saying why nothing may be written.
    """
    manifest = loaded.manifest
    if loaded.legacy:
        header = f"# Converted by 'br-ops migrate' from {shown}; review before committing.\n"
        result = Migration(dump_manifest(manifest, header=header))
    elif manifest.schema_version == CURRENT:
        return Migration(original, f"{shown} is already schema v{CURRENT}")
    else:
        try:
            result = Migration(upgrade_v1(original, manifest))
        except ValueError as exc:
            fix = f"change it to 'schema_version: {CURRENT}' by hand"
            raise ValueError(f"{shown}: {exc}; {fix}") from None
    try:
        after = load_text(result.text).manifest
    except ManifestError as exc:
        raise ValueError(
            f"{shown}: the upgraded manifest does not load, so nothing was written:\n{exc}"
        ) from None
    if not same_facts(manifest, after):
        raise ValueError(f"{shown}: the upgrade would change facts, so nothing was written")
    return result


def json_schema_text() -> str:
    """The JSON Schema of the current schema, as committed in ``schema/manifest.schema.json``."""
    return json.dumps(model_for_json_schema(), indent=2, sort_keys=False) + "\n"
