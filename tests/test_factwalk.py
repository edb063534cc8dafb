"""The fact walk: one pass over the model, guided by the words beside schema fields."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pytest
from manifest_docs.factwalk import field_specs, macro_for, walk
from manifest_docs.load import load_manifest
from manifest_docs.vocabulary import Words
from pydantic import BaseModel

if TYPE_CHECKING:
    from manifest_docs.model import Manifest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(REPO_ROOT / "manifest.yml", shown="manifest.yml").manifest


def test_every_field_with_words_is_found_once_with_its_parser() -> None:
    every = {(s.model.__name__, s.name, s.rule, s.words.phrases): s for s in field_specs()}
    assert len(every) == len(field_specs())  # no model is visited twice
    specs = {(model, name, rule): s for (model, name, rule, _), s in every.items()}
    # a field's further readings (Words.also) are specs of their own, of another
    # attribute or of the same one read another way ("runs in us-west1": a region)
    assert specs.pop(("EnvVar", "default", "default-duration")).parser == "duration"
    assert specs.pop(("Migrations", "auto_upgrade", "migrate-on-deploy")).parser == "bool"
    placed = [s for s in field_specs() if s.name == "region" and s.words.adjacent]
    assert [(s.model.__name__, s.rule) for s in placed] == [
        ("Environment", "region"),
        ("Provider", "region"),
    ]
    specs = {(model, name): spec for (model, name, _), spec in specs.items()}
    assert specs[("Resources", "memory")].parser == "size"
    assert specs[("HealthCheck", "timeout")].parser == "duration"
    assert specs[("Service", "version")].parser == "version"
    assert specs[("Dns", "hsts")].parser == "bool"
    assert specs[("Deploy", "builder")].choices == ("dockerfile", "nixpacks", "static", "managed")
    assert specs[("Deploy", "start_command")].parser == "command"
    assert specs[("Workflow", "triggers")].many
    assert (
        specs[("Resources", "max_connections")].rule == "max_connections"
    )  # kept for suppressions
    assert specs[("AutoDeploy", "healthcheck_timeout")].rule == "deploy-timeout"


def test_a_field_becomes_a_fact_by_giving_it_words() -> None:
    class Box(BaseModel):
        size: Annotated[int | None, Words((r"size",))] = None
        colour: str = "red"

    class Root(BaseModel):
        boxes: dict[str, Box]

    (spec,) = field_specs(Root)
    assert (spec.model, spec.name, spec.parser, spec.rule) == (Box, "size", "int", "size")


def test_the_walk_gives_explicit_values_with_subject_and_place(manifest: Manifest) -> None:
    facts = {f.loc: f for f in walk(manifest)}
    memory = facts[("services", "redis", "resources", "memory")]
    assert (memory.subject, memory.value, memory.shown) == ("service:redis", 256 * 1024**2, "256MB")
    ttl = facts[("services", "redis", "key_namespaces", 1, "ttl")]
    assert ttl.value == (300.0, 3600.0)
    assert ttl.qualifier == "api:cache:"
    hsts = facts[("domains", 0, "dns", "hsts")]
    assert hsts.subject == "domain:blackroad.systems"
    assert hsts.value is True
    assert facts[("ci_cd", "workflows", 1, "triggers", 0)].subject == "workflow:railway_deploy"
    assert facts[("disaster_recovery", "rto")].subject == ""
    assert facts[("services", "redis", "provider")].value == "railway"  # the hosting rule's
    assert facts[("services", "prism-console", "status")].value == "planned"
    assert facts[("phases", 1, "target")].subject == "phase:2"
    # A default the manifest does not write is not a claim.
    assert ("services", "postgres", "deploy", "replicas") not in facts


def test_the_walk_is_deterministic(manifest: Manifest) -> None:
    assert walk(manifest) == walk(manifest)


@pytest.mark.parametrize(
    ("loc", "macro"),
    [
        (("services", "redis", "version"), "service('redis').version"),
        (
            ("services", "blackroad-backend", "health", 1, "path"),
            "service('blackroad-backend').health[1].path",
        ),
        (
            ("services", "redis", "key_namespaces", 0, "ttl"),
            "key_namespace('redis', 'session:*').ttl",
        ),
        (
            ("services", "blackroad-backend", "env", 6, "default"),
            "env_var('blackroad-backend', 'ACCESS_TOKEN_EXPIRE_MINUTES').default",
        ),
        (("providers", "railway", "region"), "provider('railway').region"),
        (("domains", 0, "dns", "ssl_mode"), "domain('blackroad.systems').dns.ssl_mode"),
        (("ci_cd", "workflows", 2, "file"), "workflow('docs_deploy').file"),
        (("disaster_recovery", "rto"), "fact('disaster_recovery.rto')"),
        (("domains", 99, "name"), "fact('domains.99.name')"),
    ],
)
def test_macro_for_names_the_macro_that_prints_a_value(
    manifest: Manifest, loc: tuple[str | int, ...], macro: str
) -> None:
    assert macro_for(manifest, loc) == macro


def test_unknown_parsers_are_refused_where_the_words_are_written() -> None:
    with pytest.raises(ValueError, match="unknown parser 'colour'"):
        Words((r"x",), parse="colour")
