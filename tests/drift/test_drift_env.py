"""What pages say of environment variables: tier, secrecy, default, fixed value, source.

A variable is named only as written (``LOG_LEVEL``, never the word *level*); a
variable several services read is the one of the service the text names.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from driftkit import findings, fixture_text, loaded, none, only
from manifest_docs.load import LoadedManifest, load_manifest

_WORKER = """  worker:
    description: Background jobs
    kind: worker
    status: active
    phase: 1
    provider: railway
    env:
      - name: SECRET_KEY
        tier: optional
        description: Signs job payloads when set
      - name: APP_ENV
        tier: required
        description: Which environment the process runs in
        allowed: [production, staging]
      - name: SITE_URL
        tier: required
        description: Public address
        value: https://acme.dev
      - name: DATABASE_URL
        tier: required
        description: Connection string
        source: "${{Postgres.DATABASE_URL}}"
      - name: SESSION_TOKEN_EXPIRE_MINUTES
        tier: optional
        description: Lifetime of a session token
        default: "15"
  postgres:
"""


@functools.cache
def with_worker() -> LoadedManifest:
    """The fixture manifest plus a worker whose variables state every fact kind."""
    text = fixture_text(("  postgres:\n", _WORKER))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.yml"
        path.write_text(text, "utf-8")
        return load_manifest(path, shown="manifest.yml")


def worker_findings(markdown: str) -> list[str]:
    return [f"{f.line}: {f.rule}: {f.message}" for f in findings(markdown, manifest=with_worker())]


# --------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(
    "sentence",
    [
        "`LOG_LEVEL` is required: the API refuses to start without it.",
        "The API will not start without `LOG_LEVEL`.",
        "| Variable | Tier |\n| --- | --- |\n| `LOG_LEVEL` | required |",
    ],
)
def test_a_tier_the_manifest_does_not_give_is_reported(sentence: str) -> None:
    found = only(sentence, "fact/tier")
    assert "'optional'" in found.message
    assert "services.api.env[2].tier" in found.message


@pytest.mark.parametrize(
    "sentence",
    [
        "`LOG_LEVEL` is optional.",
        "`LOG_LEVEL` is not required; it defaults to `INFO`.",
        "`SECRET_KEY` is required and secret.",
        "Set the optional `LOG_LEVEL` to `DEBUG` for more detail.",
        "The log level is required by nobody.",  # the word, not the variable
    ],
)
def test_agreeing_tiers_and_other_words_stay_silent(sentence: str) -> None:
    none(sentence)


def test_a_shared_variable_is_the_one_of_the_service_named() -> None:
    # SECRET_KEY is required on the API and optional on the worker.
    assert worker_findings("The worker treats `SECRET_KEY` as optional.") == []
    [finding] = worker_findings("The Acme API treats `SECRET_KEY` as optional.")
    assert "fact/tier" in finding
    assert "services.api.env[1].tier" in finding
    # Named by nobody: either service's tier agrees.
    assert worker_findings("`SECRET_KEY` is optional.") == []


# --------------------------------------------------------------------------- secrecy


def test_a_secret_said_not_to_be_one_is_reported() -> None:
    found = only("`SECRET_KEY` is not sensitive, so it can go in the example file.", "fact/secret")
    assert "services.api.env[1].secret" in found.message
    none("`SECRET_KEY` is a secret: never paste it into a ticket.")


# --------------------------------------------------------------------------- values


def test_a_default_another_than_the_manifest_s_is_reported() -> None:
    found = only("`LOG_LEVEL` defaults to `DEBUG`.", "fact/default")
    assert "'DEBUG' here" in found.message
    assert "'INFO'" in found.message
    none("`LOG_LEVEL` defaults to `INFO`.")


def test_allowed_fixed_and_source_values() -> None:
    [allowed] = worker_findings("`APP_ENV` takes `dev` or `prod`.")
    assert "fact/allowed" in allowed
    assert worker_findings("`APP_ENV` takes `production` or `staging`.") == []
    [fixed] = worker_findings("`SITE_URL` is `https://acme.dev/site`.")
    assert "fact/value" in fixed
    assert "'https://acme.dev'" in fixed
    assert worker_findings("`SITE_URL` is `https://acme.dev/`.") == []


def test_env_lines_in_a_block_are_checked_against_source_value_and_defaults() -> None:
    block = (
        "The worker's variables:\n\n{% raw %}\n```text\n"
        "DATABASE_URL=${{Postgres.POSTGRES_URL}}\nAPP_ENV=qa\nSITE_URL=https://acme.dev\n"
        "```\n{% endraw %}\n"
    )
    found = worker_findings(block)
    assert any(f.startswith("5: fact/source") and "${{Postgres.DATABASE_URL}}" in f for f in found)
    assert any(f.startswith("6: fact/allowed") for f in found)
    assert len(found) == 2, found


def test_a_defaults_block_is_checked_and_a_local_one_is_not() -> None:
    defaults = "The defaults:\n\n```ini\nLOG_LEVEL=WARNING\n```\n"
    found = only(defaults, "fact/default")
    assert found.line == 4
    none("Values for your machine, not defaults:\n\n```ini\nLOG_LEVEL=WARNING\n```\n")
    none("The defaults:\n\n```ini\nLOG_LEVEL=<level>\n```\n")


def test_a_duration_default_is_read_in_the_unit_its_name_gives() -> None:
    # SESSION_TOKEN_EXPIRE_MINUTES = 15: prose names it "session tokens".
    [finding] = worker_findings("Session tokens last 20 minutes.")
    assert "fact/default-duration" in finding
    assert "'15 minutes'" in finding
    assert worker_findings("Session tokens last a quarter of an hour, 15 minutes.") == []
    assert worker_findings("`SESSION_TOKEN_EXPIRE_MINUTES` defaults to 15 minutes.") == []


# --------------------------------------------------------------------------- key expiries


@pytest.mark.parametrize(
    ("markdown", "rule"),
    [
        ("# Redis\n\nCached responses are kept for at most 2 hours.\n", "fact/ttl"),
        ("# Redis\n\nThe shortest cache expiry is 30 seconds.\n", "fact/ttl"),
        ("# Redis\n\nSession keys live under `sess:{user_id}`.\n", "fact/key-pattern"),
        (
            "# Redis\n\n```text\n$ redis-cli ttl session:7\n(integer) 86400\n```\n",
            "fact/ttl",
        ),
    ],
)
def test_key_expiries_bounds_and_layouts(markdown: str, rule: str) -> None:
    only(markdown, rule)


@pytest.mark.parametrize(
    "markdown",
    [
        "# Redis\n\nCached responses are kept for at most an hour.\n",
        "# Redis\n\nCached responses are kept for at least 5 minutes.\n",
        "# Redis\n\nSessions expire after 60 minutes.\n",
        "# Redis\n\n```text\n$ redis-cli ttl session:7\n(integer) 3600\n```\n",
        "# Redis\n\n```text\n$ redis-cli ttl session:7\n(integer) -2\n```\n",
    ],
)
def test_agreeing_expiries_stay_silent(markdown: str) -> None:
    none(markdown)


# --------------------------------------------------------------------------- hints


def test_an_unknown_variable_is_matched_to_the_named_service_s_own() -> None:
    found = only("The Acme API reads `API_DB_URI` at startup.", "env/unknown")
    assert "did you mean 'DATABASE_URL'?" in found.message


def test_what_another_page_calls_a_variable_is_not_a_claim() -> None:
    none("infra.md calls the signing key `APP_SIGNING_KEY`; the manifest says `SECRET_KEY`.")


def test_the_fixture_is_unchanged_for_other_tests() -> None:
    assert [v.name for v in loaded().manifest.services["api"].env] == [
        "DATABASE_URL",
        "SECRET_KEY",
        "LOG_LEVEL",
    ]
