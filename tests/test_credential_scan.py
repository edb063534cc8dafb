"""The credential scan's shortcuts find exactly what the plain scans find.

Loading a large manifest must stay fast, so the scan takes shortcuts: contextual
shapes are searched only inside long runs of key characters, and when the raw text
is clean only strings that could hold such a run are judged. These tests compare
each shortcut with the plain computation it replaces, on generated text.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_docs.credentials import SHAPES, Shape, has_contextual, may_hold_contextual
from manifest_docs.rules import scan_credentials
from manifest_docs.yamlsafe import parse_yaml

CONTEXTUAL = [s for s in SHAPES if not s.distinctive]
PIECES = [s.example for s in CONTEXTUAL] + [
    "0123456789abcdef" * 2,
    "A" * 31,
    "Zm9vK7MDENG/bPxRfiCYq8s2LmN0pQrStUvWx1Y",  # one short of an AWS secret
    "=",
    "-",
    "/",
    " ",
    "\n",
    ".",
    ":",
    "é",
    "ß",
    "—",
    "x",
    "9",
]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _plain_has_contextual(text: str) -> bool:
    return any(shape.pattern.search(text) for shape in CONTEXTUAL)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_searching_only_long_runs_finds_a_contextual_shape_exactly_when_a_full_search_does(
    text: str,
) -> None:
    assert has_contextual(text) == _plain_has_contextual(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_a_string_without_a_long_run_never_holds_a_contextual_shape(text: str) -> None:
    if not may_hold_contextual(text):
        assert not _plain_has_contextual(text)


@pytest.mark.parametrize("shape", CONTEXTUAL, ids=lambda s: s.what)
def test_a_shape_right_before_an_equals_sign_is_judged_as_the_full_search_judges_it(
    shape: Shape,
) -> None:
    # The run ends where '=' starts; the AWS shape's lookahead refuses a following '='.
    text = f"note: {shape.example}=\n"
    assert has_contextual(text) == _plain_has_contextual(text)


_MANIFEST = """\
schema_version: 2
organization:
  name: Example
# project {comment}
services:
  api:
    description: "{description}"
    kind: backend
    links:
      dashboard: "https://example.com/project/{link}"
    env:
      - name: API_TOKEN
        secret: true
        description: "{secret}"
      - name: LOG_LEVEL
        value: "{value}"
"""


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    comment=texts,
    description=texts,
    link=texts,
    secret=texts,
    value=texts,
)
def test_judging_only_strings_that_could_hold_a_shape_reports_what_judging_all_reports(
    comment: str, description: str, link: str, secret: str, value: str
) -> None:
    def clean(s: str) -> str:
        return s.replace("\n", " ").replace('"', "")

    text = _MANIFEST.format(
        comment=clean(comment),
        description=clean(description),
        link=clean(link).replace(" ", ""),
        secret=clean(secret),
        value=clean(value),
    )
    doc = parse_yaml(text, "manifest.yml")
    assert doc.data is not None, doc.problems
    with_text = scan_credentials(doc.data, doc.source, text=doc.text)
    # Without the text every string is judged for every shape: the plain computation.
    every_string = scan_credentials(doc.data, doc.source)
    assert sorted(with_text) == sorted(every_string)
