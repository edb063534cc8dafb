"""Any input is either a manifest or the manifest error — never another exception."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_docs import yamlsafe
from manifest_docs.errors import ManifestError
from manifest_docs.load import LoadedManifest, load_text

# ``minimal_manifest`` is function-scoped; hypothesis wants its inputs fixed per test.
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_manifest_or_error(text: str) -> None:
    """``load_text`` returns a manifest or raises ``ManifestError`` with sane problems.

    Any other exception propagates and fails the test with its traceback.
    """
    error: ManifestError | None = None
    try:
        loaded = load_text(text)
    except ManifestError as exc:
        error = exc
    if error is None:
        assert isinstance(loaded, LoadedManifest)
        assert all(w.severity == "warning" for w in loaded.warnings)
        return
    assert error.problems, "a ManifestError must carry at least one problem"
    for problem in error.problems:
        assert problem.line >= 0
        assert problem.column >= 0
        assert problem.message.strip()
        assert str(problem).startswith("manifest.yml")
    assert str(error)
    errors = [p for p in error.problems if p.severity == "error"]
    assert errors, "a ManifestError with only warnings should have loaded"


# --------------------------------------------------------------------------- strategies

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(
        [
            "active",
            "planned",
            "railway",
            "postgres",
            "256MB",
            "lots",
            "30s",
            "15+",
            "api.example.com",
            "DATABASE_URL",
            "month",
            "<<",
            "schema_version",
            "services",
        ]
    ),
)

KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "schema_version",
            "organization",
            "phases",
            "providers",
            "services",
            "domains",
            "costs",
            "ci_cd",
            "name",
            "kind",
            "status",
            "phase",
            "provider",
            "depends_on",
            "env",
            "exports",
            "resources",
            "memory",
            "version",
            "projects",
            "workspace",
            "deployment_state",
            "planned_projects",
            "configuration",
            "secret",
            "default",
        ]
    ),
)

structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(KEYS, children, max_size=6),
    ),
    max_leaves=40,
)


@st.composite
def mutated_manifests(draw: st.DrawFn, text: str) -> str:
    """The minimal manifest with a few lines deleted, duplicated or characters changed."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        op = draw(st.sampled_from(["delete", "duplicate", "change", "insert"]))
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "change":
            line = lines[i]
            j = draw(st.integers(min_value=0, max_value=max(len(line) - 1, 0)))
            char = draw(
                st.one_of(
                    st.sampled_from(list(" \t:-[]{}&*!|>'\"#%@`,?\n0aZ")),
                    st.characters(codec="utf-8"),
                )
            )
            lines[i] = line[:j] + char + line[j + 1 :]
        else:
            lines.insert(i, draw(st.text(max_size=30)) + "\n")
    return "".join(lines)


def _replace_at(data: Any, path: list[Any], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        return {**data, head: _replace_at(data[head], rest, value)}
    copy = list(data)
    copy[head] = _replace_at(copy[head], rest, value)
    return copy


def _paths(data: Any, here: list[Any]) -> list[list[Any]]:
    out = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, [*here, key]))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(_paths(value, [*here, i]))
    return out


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(st.text())
def test_arbitrary_text_is_a_manifest_or_the_manifest_error(text: str) -> None:
    assert_manifest_or_error(text)


@SETTINGS
@given(
    st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t,?%@`<.0123456789")), max_size=80)
)
def test_yaml_punctuation_soup_is_a_manifest_or_the_manifest_error(text: str) -> None:
    assert_manifest_or_error(text)


@SETTINGS
@given(structures)
def test_generated_yaml_structures_are_a_manifest_or_the_manifest_error(data: Any) -> None:
    assert_manifest_or_error(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.data())
def test_minimal_manifest_with_a_random_value_is_a_manifest_or_the_error(
    minimal_manifest: str, data: st.DataObject
) -> None:
    document = yaml.safe_load(minimal_manifest)
    path = data.draw(st.sampled_from(_paths(document, [])))
    value = data.draw(structures)
    assert_manifest_or_error(yaml.safe_dump(_replace_at(document, path, value)))


@SETTINGS
@given(st.data())
def test_mutated_minimal_manifest_is_a_manifest_or_the_manifest_error(
    minimal_manifest: str, data: st.DataObject
) -> None:
    assert_manifest_or_error(data.draw(mutated_manifests(minimal_manifest)))


@SETTINGS
@given(st.data())
def test_legacy_shaped_documents_are_a_manifest_or_the_manifest_error(
    data: st.DataObject,
) -> None:
    group = data.draw(st.dictionaries(KEYS, structures, max_size=5))
    services = data.draw(st.dictionaries(st.text(max_size=10), structures, max_size=3))
    document = {
        "workspace": data.draw(scalars),
        data.draw(st.sampled_from(["projects", "planned_projects", "experimental_projects"])): {
            "core": {**group, "services": services}
        },
        "deployment_state": data.draw(structures),
        "domains": data.draw(structures),
        "ci_cd": data.draw(structures),
    }
    assert_manifest_or_error(yaml.safe_dump(document, allow_unicode=True))


def _slow_read(text: str) -> Any:
    """What the located, problem-reporting builder makes of ``text``."""
    builder = yamlsafe._EventBuilder(yamlsafe.SourceMap("manifest.yml"))
    builder.run(text)
    return builder.root


@SETTINGS
@given(structures, st.data())
def test_the_fast_reader_gives_what_the_located_builder_gives(
    data: Any, draw: st.DataObject
) -> None:
    # Anchors without aliases change nothing; the fast reader keeps no record of them.
    text = yaml.safe_dump({"root": data}, allow_unicode=True)
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if ": " in line and draw.draw(st.booleans()):
            head, tail = line.split(": ", 1)
            lines[i] = f"{head}: &a{i} {tail}"
    text = "".join(lines)
    try:
        fast = yamlsafe._fast_build(text)
    except yamlsafe._Bail:
        return  # the builder handles it (and says what is wrong)
    assert fast == _slow_read(text) == yaml.safe_load(text)
