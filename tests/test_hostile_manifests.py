"""Hostile and careless manifests: every input finishes quickly, credentials never pass.

A manifest arrives through pull requests. These tests hold the loader to its budgets
(size, nesting, entries, value length, problems), to linear-time credential scanning,
and to the rule that whatever ``validate`` accepts every other command can handle.
"""

from __future__ import annotations

import random
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_docs.cli import main
from manifest_docs.credentials import SHAPES, find_credential, find_secret_value, redact
from manifest_docs.drift import check_docs
from manifest_docs.errors import MAX_PROBLEMS, ManifestError
from manifest_docs.load import load_text
from manifest_docs.model import MAX_COUNT, MAX_NAME, MAX_TEXT
from manifest_docs.yamlsafe import MAX_ITEMS, MAX_SCALAR
from test_rules import at, problems_in, replace_once

SECONDS_PER_100_KB = 2.0
"""The budget the loader is held to, whatever the input (generous: it runs far faster)."""


def load_within_budget(text: str) -> ManifestError | None:
    """Load ``text``; fail unless it finishes in budget and ends as a manifest or the error."""
    budget = max(SECONDS_PER_100_KB, SECONDS_PER_100_KB * len(text.encode()) / 100_000)
    started = time.perf_counter()
    error: ManifestError | None = None
    try:
        load_text(text)
    except ManifestError as exc:
        error = exc
    took = time.perf_counter() - started
    assert took < budget, f"loading {len(text):,} characters took {took:.1f} s"
    if error is not None:
        for problem in error.problems:
            assert len(str(problem)) < 2_000, "a problem line must stay short"
            assert "\n" not in str(problem)
    return error


# --------------------------------------------------------------------------- linear scanning

RUNS = {
    "dash-separated letters": "a-" * 40_000,
    "scheme separators": "a://" * 20_000,
    "bare separators": "://" * 25_000,
    "keyword assignments": "token=" * 12_000,
    "token prefixes": "ghp_" * 20_000,
    "split token prefixes": "ghp_A1 " * 11_000,
    "key block headers": "-----BEGIN " * 7_000,
    "user:password pairs": "a://b:c@" * 10_000,
    "url passwords without @": "http://x:y" * 8_000,
}


@pytest.mark.parametrize("run", list(RUNS.values()), ids=list(RUNS))
@pytest.mark.parametrize("where", ["comment", "value"])
def test_long_runs_are_scanned_in_linear_time(minimal_manifest: str, run: str, where: str) -> None:
    if where == "comment":
        text = minimal_manifest + f"# {run}\n"
    else:
        text = replace_once(
            minimal_manifest, "description: Main API", f"description: '{run[:MAX_TEXT]}'"
        )
    load_within_budget(text)


@pytest.mark.parametrize(
    "run", ["a-" * 500_000, "ghp_A1 " * 150_000, "tokentoken" * 100_000], ids=["a-", "ghp", "token"]
)
def test_a_megabyte_of_comment_is_within_budget(minimal_manifest: str, run: str) -> None:
    assert load_within_budget(minimal_manifest + f"# {run}\n") is None


def test_a_huge_flow_list_stops_at_the_entries_budget(minimal_manifest: str) -> None:
    items = ",".join(f"x{i}" for i in range(200_000))
    text = replace_once(minimal_manifest, "    aliases: [PostgreSQL]", f"    aliases: [{items}]")
    error = load_within_budget(text)
    assert error is not None
    assert [str(p) for p in error.problems] == [
        f"{at(text, '[x0')}: services.postgres.aliases: this list has more than "
        f"{MAX_ITEMS:,} entries; a manifest needs far fewer (split the data, or keep it "
        "outside the manifest)"
    ]


def test_a_huge_mapping_stops_at_the_entries_budget(minimal_manifest: str) -> None:
    keys = "".join(f"  k{i}: 1\n" for i in range(MAX_ITEMS + 5))
    text = minimal_manifest + "x-extra:\n" + keys
    error = load_within_budget(text)
    assert error is not None
    assert any(
        f"this mapping has more than {MAX_ITEMS:,} entries" in str(p) for p in error.problems
    )


def test_an_overlong_value_is_refused_at_its_line(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "description: Main API", "description: " + "x" * (MAX_SCALAR + 1)
    )
    assert problems_in(text) == [
        f"{at(text, 'xxx')}: services.backend.description: this value is "
        f"{MAX_SCALAR + 1:,} characters long; a manifest value may be at most "
        f"{MAX_SCALAR:,} (link to longer text instead)"
    ]


def test_many_unknown_references_report_a_bounded_number_of_problems(
    minimal_manifest: str,
) -> None:
    deps = "".join(f"      - ghost-{i}\n" for i in range(MAX_ITEMS))
    text = replace_once(minimal_manifest, "      - postgres\n      - redis\n", deps)
    error = load_within_budget(text)
    assert error is not None
    assert len(error.problems) <= MAX_PROBLEMS + 1


def test_many_invalid_values_are_capped_with_a_count_of_the_rest(minimal_manifest: str) -> None:
    deps = "".join(f"      - {{bad: {i}}}\n" for i in range(1_000))
    text = replace_once(minimal_manifest, "      - postgres\n      - redis\n", deps)
    error = load_within_budget(text)
    assert error is not None
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert error.problems[-1].message.endswith("more problems not shown; fix these first")


# --------------------------------------------------------------------------- bounds that render


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'amount: "5.00"',
            'amount: "1e30"',
            '"1e30',
            "costs[0].amount: expected an amount below 1,000,000,000,000 with at most 6 "
            "decimal places, like '20.00', got '1e30'",
        ),
        (
            'amount: "5.00"',
            'amount: "0.0000001"',
            '"0.0000001',
            "costs[0].amount: expected an amount below 1,000,000,000,000 with at most 6 "
            "decimal places, like '20.00', got '0.0000001'",
        ),
        (
            "    phase: 1\n    provider: railway\n    depends_on:\n      - postgres",
            "    phase: 1\n    provider: railway\n    deploy:\n      replicas: "
            + "9" * 400
            + "\n    depends_on:\n      - postgres",
            "999",
            "services.backend.deploy.replicas: input should be less than or equal to 1000000, "
            "got 9999",
        ),
        (
            'version: "15+"',
            'version: "' + "1" * 5000 + '"',
            '"1111',
            "services.postgres.version: expected a version like '15+' or '3.11', got '1111",
        ),
        (
            "aliases: [PostgreSQL]",
            "aliases: [" + "p" * 500 + "]",
            "ppp",
            "services.postgres.aliases[0]: string should have at most 100 characters, got 'ppp",
        ),
    ],
    ids=["huge amount", "tiny fraction", "huge count", "huge version", "long alias"],
)
def test_values_that_could_not_render_are_refused_at_their_line(
    minimal_manifest: str, old: str, new: str, needle: str, message: str
) -> None:
    text = replace_once(minimal_manifest, old, new)
    (problem,) = problems_in(text)
    assert problem.startswith(f"{at(text, needle)}: {message}")


def test_a_duration_beyond_ten_years_is_refused(minimal_manifest: str) -> None:
    text = minimal_manifest.replace(
        "  secrets_required:",
        "  auto_deploy:\n    healthcheck_timeout: " + "9" * 400 + "s\n  secrets_required:",
    )
    (problem,) = problems_in(text)
    assert "ci_cd.auto_deploy.healthcheck_timeout: expected a duration" in problem


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  redis:\n", '  "redis\\n":\n', "must be lower-case letters, digits and dashes"),
        ("    - RAILWAY_TOKEN\n", '    - "RAILWAY_TOKEN\\n"\n', "UPPER_SNAKE_CASE secret name"),
    ],
    ids=["service name", "CI secret name"],
)
def test_a_trailing_newline_does_not_pass_a_name_check(
    minimal_manifest: str, old: str, new: str, message: str
) -> None:
    text = replace_once(minimal_manifest, old, new)
    assert any(message in p for p in problems_in(text))


def boundary_manifest(minimal_manifest: str) -> str:
    """The minimal manifest with every bounded value at its largest accepted size."""
    text = replace_once(minimal_manifest, 'amount: "5.00"', 'amount: "999999999999.999999"')
    text = replace_once(text, "aliases: [PostgreSQL]", "aliases: [" + "P" * MAX_NAME + "]")
    text = replace_once(text, 'version: "15+"', 'version: "999999999.1.2.3.4.5.6.7+"')
    text = replace_once(text, "memory: 512MB", "memory: 1024TB")
    text = replace_once(text, "description: Main API", "description: " + "word " * 1999)
    text = replace_once(
        text,
        "    phase: 1\n    provider: railway\n    depends_on:\n      - postgres",
        f"    phase: 1\n    provider: railway\n    deploy:\n      replicas: {MAX_COUNT}\n"
        "      start_command: uvicorn app:app\n      health_check:\n        path: /health\n"
        "        timeout: 3650d\n    depends_on:\n      - postgres",
    )
    return text.replace(
        "  secrets_required:", "  auto_deploy:\n    healthcheck_timeout: 3650d\n  secrets_required:"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["status"],
        ["list"],
        ["env", "backend"],
        ["env", "backend", "--format", "dotenv"],
        ["render"],
        ["check", "--no-committed"],
        ["status", "--json"],
    ],
    ids=" ".join,
)
def test_whatever_validates_every_command_handles(
    tmp_path, minimal_manifest: str, args: list[str]
) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(boundary_manifest(minimal_manifest), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    extra = ["--docs", str(tmp_path / "docs")] if args[0] == "check" else []
    result = CliRunner().invoke(main, [args[0], "--manifest", str(path), *extra, *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output


def test_the_drift_gate_handles_the_longest_aliases(tmp_path, minimal_manifest: str) -> None:
    loaded = load_text(boundary_manifest(minimal_manifest))
    (tmp_path / "index.md").write_text("P" * MAX_NAME + " version is 14.\n", encoding="utf-8")
    findings = check_docs(loaded, tmp_path)
    assert [f.rule for f in findings] == ["fact/version"]


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.what)
def test_every_listed_shape_is_recognised_where_it_counts(shape) -> None:
    if shape.distinctive:
        assert find_credential(f"see {shape.example} here") == shape.what
        assert shape.example not in redact(f"see {shape.example} here")
    else:  # ids and checksums look the same: only where the context says credential
        assert find_credential(f"see {shape.example} here") is None
        assert find_secret_value(f"see {shape.example} here") is not None
        assert find_credential(f"API_TOKEN={shape.example}") is not None


SECRET_FIELDS = ["description", "source", "generate"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.what)
@pytest.mark.parametrize("attr", SECRET_FIELDS)
def test_no_string_of_a_secret_variable_may_hold_a_credential(
    minimal_manifest: str, shape, attr: str
) -> None:
    line = f"        {attr}: 'value {shape.example}'\n"
    anchor = "        generate: openssl rand -hex 32\n"
    text = replace_once(minimal_manifest, anchor, line if attr == "generate" else anchor + line)
    if attr == "description":
        text = replace_once(text, "        description: Signing key for sessions\n", "")
    problems = problems_in(text)
    assert problems, "a credential in a secret variable must not load"
    assert all(shape.example not in p for p in problems)
    assert any("services.backend.env[1]." + attr in p for p in problems)


def test_a_secret_variable_may_not_list_allowed_values(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "        generate: openssl rand -hex 32\n",
        "        generate: openssl rand -hex 32\n        allowed: [one, two]\n",
    )
    assert problems_in(text) == [
        f"{at(text, '[one')}: services.backend.env[1].allowed: SECRET_KEY is secret, so it "
        "may not list allowed values (they would be published); describe the expected "
        "format in its description instead"
    ]


def test_a_credential_named_variable_may_not_allow_a_real_looking_value(
    minimal_manifest: str,
) -> None:
    text = replace_once(
        minimal_manifest,
        "      - name: LOG_LEVEL\n",
        "      - name: API_TOKEN\n        tier: optional\n        description: x\n"
        "        allowed: [none, Zx81kqP0aa7wer]\n"
        "      - name: LOG_LEVEL\n",
    )
    (problem,) = problems_in(text)
    assert "services.backend.env[2].allowed[1]: API_TOKEN is named like a credential" in problem
    assert "Zx81kqP0aa7wer" not in problem


@pytest.mark.parametrize("shape", [s for s in SHAPES if not s.distinctive], ids=lambda s: s.what)
def test_a_token_shaped_value_is_refused_in_any_field_but_urls_and_ids(
    minimal_manifest: str, shape
) -> None:
    text = replace_once(
        minimal_manifest, "description: Main API", f"description: 'Main API {shape.example}'"
    )
    (problem,) = problems_in(text)
    assert problem.startswith(f"{at(text, chr(39) + 'Main API')}: services.backend.description:")
    assert shape.example not in problem
    in_url = replace_once(
        minimal_manifest,
        "    domains:\n      prod: api.example.com\n",
        "    domains:\n      prod: api.example.com\n    project: "
        f"'{shape.example}'\n    links:\n      dashboard: "
        f"'https://railway.com/project/{shape.example}/service'\n",
    )
    assert load_text(in_url).manifest.services["backend"].project == shape.example


@pytest.mark.parametrize("shape", [s for s in SHAPES if s.distinctive], ids=lambda s: s.what)
def test_a_credential_in_a_comment_is_refused_at_its_line(minimal_manifest: str, shape) -> None:
    text = minimal_manifest.replace(
        "costs:\n", f"# old key, do not use: {shape.example}\ncosts:\n", 1
    )
    (problem,) = problems_in(text)
    line = text[: text.index(shape.example)].count("\n") + 1
    assert problem.startswith(f"manifest.yml:{line}:")
    assert "not even in a comment" in problem
    assert shape.example not in problem


@pytest.mark.parametrize(
    "comment",
    [
        "# RAILWAY_TOKEN=3f1c2a9e-7b4d-4e21-9c8a-5d6e7f8a9b0c",
        "# cloudflare api_key: Y5n0rJm2XkQ8sL4tVb7HcW1pZ3dF6gA9eR0uI2oP",
        "# postgres://admin:hunter2/x@db.internal:5432/app",
        "# token: ghp_A1b2C3d4E5f6 G7h8I9j0K1l2abcdefghijkl",
    ],
    ids=["uuid token", "cloudflare key", "url password with slash", "split token"],
)
def test_contextual_credentials_in_comments_are_refused(
    minimal_manifest: str, comment: str
) -> None:
    problems = problems_in(minimal_manifest + comment + "\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"manifest.yml:{minimal_manifest.count(chr(10)) + 1}:")


@pytest.mark.parametrize(
    "text",
    [
        "project id 3f1c2a9e-7b4d-4e21-9c8a-5d6e7f8a9b0c",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "ACCESS_TOKEN_EXPIRE_MINUTES=30",
        "TOKEN_URL: https://auth.example.com/oauth/token",
        "secret: true",
        "see https://example.com:8443/path@v2 for details",
        "ghp_ tokens are GitHub's personal access tokens",
        "the API_KEY is set in Railway",
        "API_KEY: ${{ secrets.API_KEY }}",
        "password=<your password>",
        "redis://:password@cache:6379",
    ],
)
def test_ordinary_text_stays_clean(minimal_manifest: str, text: str) -> None:
    assert find_credential(text) is None
    assert load_within_budget(minimal_manifest + f"# {text}\n") is None


# --------------------------------------------------------------------------- fuzzing

HOSTILE = [
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\u202e",
    "\n",
    "\r",
    "\t",
    "'",
    '"',
    "`",
    "$(id)",
    "${HOME}",
    "{{ 7*7 }}",
    "{%",
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "#",
    "&a",
    "*a",
    "!!python/object",
    "<<: *a",
    "---",
    "...",
    "%YAML 1.1",
    "|",
    ">",
    "?",
    "@",
    "\\",
    "\ufeff",
    "\ud7ff",
    "é",
    "ghp_" + "a1B2" * 8,
    "sk_live_" + "x9" * 10,
    "a-" * 300,
    "://" * 200,
    "9" * 400,
    "1e30",
]


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    text = base
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 6))):
        at_ = rng.randrange(len(text))
        op = rng.randrange(4)
        if op == 0:
            text = text[:at_] + rng.choice(HOSTILE) + text[at_:]
        elif op == 1:
            text = text[:at_] + text[at_ + rng.randrange(1, 40) :]
        elif op == 2:  # duplicate a line elsewhere
            lines = text.splitlines(keepends=True)
            lines.insert(rng.randrange(len(lines)), rng.choice(lines))
            text = "".join(lines)
        else:  # replace one value
            lines = text.splitlines(keepends=True)
            keyed = [i for i, line in enumerate(lines) if ": " in line]
            if keyed:
                i = rng.choice(keyed)
                key = lines[i].split(": ", 1)[0]
                lines[i] = f"{key}: {rng.choice(HOSTILE) * rng.randrange(1, 50)}\n"
                text = "".join(lines)
    return text


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_mutated_manifest_loads_or_is_the_manifest_error_within_budget(
    minimal_manifest: str, data: st.DataObject
) -> None:
    load_within_budget(data.draw(mutated(minimal_manifest)))
