"""The drift gate against the contradictions a careful reader finds in the upstream docs.

``corpus/upstream.yml`` lists each wrong fact of the upstream BlackRoad documents
(``../shared/reference/blackroad``) with the manifest path and value it contradicts and
every line that states it. A contradiction counts as reported when at least one of its
lines gets a finding citing the manifest's value. ``build/drift-upstream.md`` lists
what is reported and what is not; ``corpus/upstream-baseline.yml`` records the
reported ids, and the test fails when one of them is lost (``UPDATE_BASELINE=1``
rewrites it). The target is 15 of the 17 distinct contradictions.
"""

from __future__ import annotations

import functools
import os

import pytest
import yaml
from driftkit import REFERENCE, REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import load_manifest
from test_drift_corpus import CORPUS

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"upstream reference material not found at {REFERENCE}"
)

UPSTREAM = CORPUS / "upstream.yml"
BASELINE = CORPUS / "upstream-baseline.yml"
REPORT = REPO_ROOT / "build" / "drift-upstream.md"
UPDATE = os.environ.get("UPDATE_BASELINE") == "1"


@functools.cache
def _findings(file: str) -> tuple[tuple[int, str], ...]:
    loaded = load_manifest(REFERENCE / "infra/blackroad-manifest.yml", shown="manifest.yml")
    text = (REFERENCE / file).read_text("utf-8")
    return tuple((f.line, f.message) for f in check_sources(loaded, {file: text}))


def outcomes() -> dict[str, list[str]]:
    """Per contradiction id: the locations reported with the manifest's value."""
    out: dict[str, list[str]] = {}
    for entry in yaml.safe_load(UPSTREAM.read_text("utf-8")):
        value = str(entry["value"])
        out[entry["id"]] = [
            f"{loc['file']}:{loc['line']}"
            for loc in entry["locations"]
            if any(
                line == loc["line"] and value.lower() in message.lower()
                for line, message in _findings(loc["file"])
            )
        ]
    return out


def test_the_upstream_contradictions_stay_reported() -> None:
    entries = {e["id"]: e for e in yaml.safe_load(UPSTREAM.read_text("utf-8"))}
    results = outcomes()
    reported = sorted(i for i, hits in results.items() if hits)
    lines = [
        "# Drift gate against the upstream documents",
        "",
        f"Reported: **{len(reported)} of {len(results)}** contradictions (target 15 of 17).",
        "",
    ]
    for key, hits in results.items():
        mark = "reported" if hits else "missed"
        where = ", ".join(hits) or ", ".join(
            f"{loc['file']}:{loc['line']}" for loc in entries[key]["locations"][:3]
        )
        lines.append(f"- {mark}: `{key}` — {entries[key]['what']} ({where})")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if UPDATE or not BASELINE.exists():
        BASELINE.write_text(
            "# Upstream contradictions the drift gate reports today (UPDATE_BASELINE=1).\n"
            + yaml.safe_dump({"reported": reported}),
            encoding="utf-8",
        )
        pytest.skip(f"wrote {BASELINE.name}; review it before committing")
    lost = sorted(set(yaml.safe_load(BASELINE.read_text("utf-8"))["reported"]) - set(reported))
    assert not lost, f"no longer reported: {lost} (see {REPORT})"
