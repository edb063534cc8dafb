"""Write a :class:`~manifest_docs.model.Manifest` back out as schema-v1 YAML."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .model import Manifest, model_for_json_schema

__all__ = ["SCHEMA_COMMENT", "dump_manifest", "json_schema_text"]

SCHEMA_COMMENT = "# yaml-language-server: $schema=schema/manifest.schema.json\n"
"""First line of a v1 manifest: lets editors validate and autocomplete it."""


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # noqa: FBT
        super().increase_indent(flow, False)


def dump_manifest(manifest: Manifest, *, header: str = "") -> str:
    """The manifest as v1 YAML text, defaults left out, keys in schema order."""
    data: dict[str, Any] = manifest.model_dump(mode="json", exclude_defaults=True)
    data = {"schema_version": 1, **data}
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return SCHEMA_COMMENT + header + body


def json_schema_text() -> str:
    """The JSON Schema of schema v1, as committed in ``schema/manifest.schema.json``."""
    return json.dumps(model_for_json_schema(), indent=2, sort_keys=False) + "\n"
