"""Whole-manifest rules: references between sections, duplicates and pasted credentials."""

from __future__ import annotations

import pytest
from manifest_docs.credentials import find_credential, redact
from manifest_docs.load import load_text
from manifestkit import after, at, problems_in, replace_once

NEW_LINE_DOMAIN = "\n  - name: "
SECOND_DEPENDENCY = "      - postgres\n      - "
"""What precedes the second item of the backend's depends_on in the minimal manifest."""
KNOWN = "known services: backend, postgres, redis, worker"
CREDENTIAL_ADVICE = (
    "never put credentials in the manifest — mark the variable 'secret: true' and keep the "
    "value in the platform's secret store (placeholders such as 'user:pass' or '<password>' "
    "are fine)"
)


# --------------------------------------------------------------------------- depends_on


def test_unknown_dependency_suggests_the_close_name_at_the_list_item(
    minimal_manifest: str,
) -> None:
    text = replace_once(minimal_manifest, "      - postgres\n", "      - postgress\n")
    assert problems_in(text) == [
        f"{at(text, 'postgress')}: services.backend.depends_on[0]: unknown service 'postgress' "
        f"(did you mean 'postgres'?); {KNOWN}"
    ]


def test_second_dependency_is_located_at_its_own_item(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      - redis\n", "      - memcached\n")
    assert problems_in(text) == [
        f"{at(text, 'memcached')}: services.backend.depends_on[1]: unknown service "
        f"'memcached'; {KNOWN}"
    ]


def test_service_cannot_depend_on_itself(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      - redis\n", "      - backend\n")
    assert problems_in(text) == [
        f"{after(text, SECOND_DEPENDENCY)}: services.backend.depends_on[1]: "
        "a service cannot depend on itself"
    ]


def test_dependency_listed_twice(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      - redis\n", "      - postgres\n")
    assert problems_in(text) == [
        f"{after(text, SECOND_DEPENDENCY)}: services.backend.depends_on[1]: "
        "'postgres' is listed twice"
    ]


def test_active_service_cannot_depend_on_a_planned_one(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      - redis\n", "      - worker\n")
    # The planned worker depends on backend as well; that direction is fine.
    assert problems_in(text) == [
        f"{after(text, SECOND_DEPENDENCY)}: services.backend.depends_on[1]: "
        "active service 'backend' depends on 'worker', which is planned; "
        "make 'worker' active or drop the dependency"
    ]


def test_planned_service_may_depend_on_an_active_one(minimal_manifest: str) -> None:
    worker = load_text(minimal_manifest).manifest.services["worker"]
    assert worker.status.value == "planned"
    assert worker.depends_on == ["backend"]


# --------------------------------------------------------------------------- references


def test_domain_pointing_at_an_unknown_service(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    service: backend", "    service: backnd")
    assert problems_in(text) == [
        f"{at(text, 'backnd')}: domains[1].service: unknown service 'backnd' "
        f"(did you mean 'backend'?); {KNOWN}"
    ]


def test_domain_hosted_by_an_unknown_provider(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    hosting: github-pages", "    hosting: netlify")
    assert problems_in(text) == [
        f"{at(text, 'netlify')}: domains[0].hosting: unknown provider 'netlify'; "
        "known providers: cloudflare, github, github-pages, railway"
    ]


def test_cost_owned_by_an_unknown_service(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    estimate: true", "    service: nope\n    estimate: true"
    )
    assert problems_in(text) == [
        f"{at(text, 'nope')}: costs[1].service: unknown owning service 'nope'; {KNOWN}"
    ]


def test_cost_with_an_unknown_provider(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    provider: cloudflare\n    amount",
        "    provider: cloudfare\n    amount",
    )
    assert problems_in(text) == [
        f"{at(text, 'cloudfare')}: costs[1].provider: unknown provider 'cloudfare' "
        "(did you mean 'cloudflare'?); known providers: cloudflare, github, github-pages, railway"
    ]


def test_cost_in_an_unknown_phase(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    phase: 2\n    estimate", "    phase: 7\n    estimate"
    )
    where = at(text, "7\n    estimate")
    assert problems_in(text) == [f"{where}: costs[1].phase: unknown phase 7; phases defined: 1, 2"]


def test_service_on_an_unknown_provider_and_phase(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    phase: 2\n    provider: railway\n",
        "    phase: 3\n    provider: heroku\n",
    )
    phase = at(text, "3\n    provider")
    assert problems_in(text) == [
        f"{phase}: services.worker.phase: unknown phase 3; phases defined: 1, 2",
        f"{at(text, 'heroku')}: services.worker.provider: unknown provider 'heroku'; "
        "known providers: cloudflare, github, github-pages, railway",
    ]


def test_provided_by_must_export_the_variable(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "provided_by: postgres", "provided_by: redis")
    assert problems_in(text) == [
        f"{at(text, 'redis', 3)}: services.backend.env[0].provided_by: 'redis' does not export "
        "DATABASE_URL; it exports: REDIS_URL"
    ]


def test_provided_by_a_service_that_exports_nothing(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "provided_by: postgres", "provided_by: worker")
    assert problems_in(text) == [
        f"{at(text, 'worker', 1)}: services.backend.env[0].provided_by: 'worker' does not "
        "export DATABASE_URL; it exports: nothing"
    ]


def test_provided_by_an_unknown_service(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "provided_by: postgres", "provided_by: postgre")
    where = at(text, "postgre\n")
    assert problems_in(text) == [
        f"{where}: services.backend.env[0].provided_by: unknown exporting "
        f"service 'postgre' (did you mean 'postgres'?); {KNOWN}"
    ]


def test_workflow_requiring_an_unknown_workflow(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "requires: [tests]", "requires: [test]")
    assert problems_in(text) == [
        f"{at(text, 'test]')}: ci_cd.workflows[1].requires[0]: unknown workflow 'test' "
        "(did you mean 'tests'?)"
    ]


# --------------------------------------------------------------------------- duplicates


def test_duplicate_env_var_in_a_service(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "name: LOG_LEVEL", "name: SECRET_KEY")
    assert problems_in(text) == [
        f"{at(text, 'SECRET_KEY', 2)}: services.backend.env[2].name: duplicate env var "
        "'SECRET_KEY' (also env[1]); declare each variable once"
    ]


def test_same_env_var_in_two_services_is_fine(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    depends_on:\n      - backend\n",
        "    depends_on:\n      - backend\n    env:\n      - name: DATABASE_URL\n"
        "        tier: required\n        description: Database connection\n",
    )
    assert load_text(text).manifest.readers["DATABASE_URL"] == ["backend", "worker"]


def test_duplicate_domain(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "  - name: api.example.com", "  - name: example.com")
    assert problems_in(text) == [
        f"{after(text, NEW_LINE_DOMAIN, 2)}: domains[1].name: duplicate domain 'example.com' "
        "(also domains[0])"
    ]


def test_duplicate_phase_id_and_two_current_phases(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "  - id: 2\n    name: Growth\n    status: planned",
        "  - id: 1\n    name: Growth\n    status: current",
    )
    worker_phase = at(text, "2\n    provider: railway\n    depends_on:\n      - backend")
    cost_phase = after(text, "month\n    phase: ", 2)
    assert problems_in(text) == [
        f"{after(text, '  - id: ', 2)}: phases[1].id: duplicate phase id 1",
        f"{at(text, 'current', 2)}: phases[1].status: more than one phase is 'current'",
        # the worker and the second cost now point at a phase that is gone
        f"{worker_phase}: services.worker.phase: unknown phase 2; phases defined: 1",
        f"{cost_phase}: costs[1].phase: unknown phase 2; phases defined: 1",
    ]


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize("attr", ["default", "value", "example"])
def test_secret_env_var_may_not_carry_a_literal(minimal_manifest: str, attr: str) -> None:
    text = replace_once(
        minimal_manifest, "        generate: openssl rand -hex 32", f"        {attr}: changeme123"
    )
    assert problems_in(text) == [
        f"{at(text, 'changeme123')}: services.backend.env[1].{attr}: SECRET_KEY is secret, so "
        f"it may not have a literal {attr}; set it in the platform's secret store"
    ]


def test_default_outside_the_allowed_values(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "default: INFO", "default: TRACE")
    assert problems_in(text) == [
        f"{at(text, 'TRACE')}: services.backend.env[2].default: default 'TRACE' is not one of "
        "the allowed values ['DEBUG', 'INFO', 'WARNING']"
    ]


CREDENTIALS = [
    ("sk-" + "a1B2" * 6, "an OpenAI-style API key"),
    ("sk_live_" + "Z9y8" * 6, "a Stripe secret key"),
    ("ghp_" + "abcd" * 9, "a GitHub token"),
    ("github_pat_" + "11AB" * 10, "a GitHub fine-grained token"),
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    ("xoxb-1234567890-abcdefghij", "a Slack token"),
    ("postgres://admin:hunter2@db/x", "a password inside a URL"),
    ("redis://:s3cretP4ss@cache:6379", "a password inside a URL"),
    ("whsec_" + "Q1w2" * 6, "a Stripe webhook secret"),
]


@pytest.mark.parametrize(("secret", "what"), CREDENTIALS)
def test_credential_in_any_string_fails_without_echoing_it(
    minimal_manifest: str, secret: str, what: str
) -> None:
    text = replace_once(
        minimal_manifest, "    description: Main API", f"    description: 'calls with {secret}'"
    )
    found = problems_in(text)
    where = at(text, "'calls with")
    assert found == [
        f"{where}: services.backend.description: looks like {what}; {CREDENTIAL_ADVICE}"
    ]
    assert secret not in "\n".join(found)
    assert "hunter2" not in "\n".join(found)


@pytest.mark.parametrize(("secret", "what"), CREDENTIALS)
def test_credential_in_an_example_value_fails(
    minimal_manifest: str, secret: str, what: str
) -> None:
    text = replace_once(
        minimal_manifest,
        "        default: INFO\n",
        f"        default: INFO\n        example: '{secret}'\n",
    )
    found = problems_in(text)
    assert found == [
        f"{at(text, repr(secret))}: services.backend.env[2].example: looks like {what}; "
        f"{CREDENTIAL_ADVICE}"
    ]
    assert secret not in "\n".join(found)


def test_private_key_block_fails(minimal_manifest: str) -> None:
    block = (
        "    description: |\n      -----BEGIN RSA PRIVATE KEY-----\n"
        "      MIIEowIBAAKCAQEA1c3xqz\n      -----END RSA PRIVATE KEY-----\n"
    )
    text = replace_once(minimal_manifest, "    description: Main API\n", block)
    found = problems_in(text)
    assert found == [
        f"{at(text, '|')}: services.backend.description: looks like a private key block; "
        f"{CREDENTIAL_ADVICE}"
    ]
    assert "MIIEowIBAAKCAQEA1c3xqz" not in "\n".join(found)


def test_credential_as_a_key_is_reported_at_the_key_without_echoing_it(
    minimal_manifest: str,
) -> None:
    token = "ghp_" + "k" * 36
    text = replace_once(minimal_manifest, "    kind: cache\n", f"    kind: cache\n    {token}: x\n")
    found = problems_in(text)
    where = at(text, token)
    assert found == [
        f"{where}: services.redis['<redacted>']: looks like a GitHub token; {CREDENTIAL_ADVICE}",
        f"{where}: services.redis['<redacted>']: unknown key '<redacted>'; allowed keys: "
        "description, aliases, kind, status, phase, target_date, owner, tags, project, repo, "
        "branch, language, framework, runtime, technology, version, provider, deploy, domains, "
        "routes, depends_on, env, exports, health, resources, network, backups, key_namespaces, "
        "migrations, usage, observability, review, links, runbooks, slos, alerts, schedule, "
        "timezone, environments",
    ]


def test_credential_echoed_by_another_message_is_redacted_there_too(
    minimal_manifest: str,
) -> None:
    token = "sk_live_" + "q" * 24
    text = replace_once(minimal_manifest, "memory: 256MB", f"memory: {token}")
    text = replace_once(text, "      - redis\n", f"      - {token}x\n")
    found = problems_in(text)
    joined = "\n".join(found)
    assert token not in joined
    assert found == [
        f"{at(text, token)}: services.redis.resources.memory: expected a size like '256MB', "
        "got '<redacted>'",
        f"{at(text, token)}: services.redis.resources.memory: looks like a Stripe secret key; "
        f"{CREDENTIAL_ADVICE}",
        f"{at(text, token, 2)}: services.backend.depends_on[1]: looks like a Stripe secret key; "
        f"{CREDENTIAL_ADVICE}",
        # the reference rules still run (redis only failed the schema), and redact too
        f"{at(text, token, 2)}: services.backend.depends_on[1]: unknown service "
        "'<redacted>'; known services: backend, postgres, redis, worker",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user:pass@host:5432/db",
        "postgresql://user:<password>@host:5432/db",
        "postgresql://user:${PASSWORD}@host:5432/db",
        "postgresql://user:{password}@host/db",
        "redis://default:****@cache:6379/0",
        "postgresql://host:5432/db",
    ],
)
def test_placeholder_passwords_in_urls_pass(minimal_manifest: str, url: str) -> None:
    text = replace_once(
        minimal_manifest,
        "        format: postgresql://user:pass@host:5432/db",
        f"        format: '{url}'",
    )
    exported = load_text(text).manifest.services["postgres"].exports[0]
    assert exported.format == url


@pytest.mark.parametrize(
    "text",
    [
        "risk-free rollouts and disk-space alerts",
        "ask-for-help channel",
        "AKIA is the prefix of AWS key ids",
        "sk-short",
        "https://example.com/path?user=admin",
        "the ${{Postgres.DATABASE_URL}} reference",
        "redis://:password@cache:6379",
        "redis://default:<password>@cache:6379",
    ],
)
def test_ordinary_text_is_not_mistaken_for_a_credential(text: str) -> None:
    assert find_credential(text) is None


def test_redact_blanks_the_credential_and_keeps_the_rest() -> None:
    assert redact("token ghp_" + "a" * 36 + " here") == "token <redacted> here"
    assert redact("postgres://admin:hunter2@db/x") == "postgres://admin:<redacted>@db/x"
    assert redact("postgres://user:pass@db/x") == "postgres://user:pass@db/x"


# --------------------------------------------------------------------------- aliases


def test_alias_colliding_with_another_service_name(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "aliases: [PostgreSQL]", "aliases: [PostgreSQL, Redis]")
    assert problems_in(text) == [
        f"{at(text, 'Redis]')}: services.postgres.aliases[1]: alias 'Redis' already names "
        "service 'redis'; aliases must be unambiguous"
    ]


def test_alias_claimed_by_two_services(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    description: Cache and sessions\n",
        "    description: Cache and sessions\n    aliases: [postgresql]\n",
    )
    assert problems_in(text) == [
        f"{at(text, 'postgresql]')}: services.redis.aliases[0]: alias 'postgresql' already "
        "names service 'postgres'; aliases must be unambiguous"
    ]


def test_aliases_resolve_case_insensitively(minimal_manifest: str) -> None:
    m = load_text(minimal_manifest).manifest
    assert m.resolve("postgresql") == "postgres"
    assert m.resolve("REDIS") == "redis"
    assert m.resolve("mysql") is None


def test_service_name_must_be_lower_case(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "  worker:\n", "  Worker:\n")
    assert problems_in(text) == [
        f"{at(text, 'Worker:')}: services.Worker: service name 'Worker' must be lower-case "
        "letters, digits and dashes, e.g. 'blackroad-api'"
    ]


# --------------------------------------------------------------------------- credential names

CREDENTIAL_NAMED = """\
      - name: {name}
        tier: optional
        description: Extra variable
        {attr}: {literal}
"""


def _with_var(minimal_manifest: str, name: str, attr: str, literal: str) -> str:
    anchor = "      - name: LOG_LEVEL\n"
    var = CREDENTIAL_NAMED.format(name=name, attr=attr, literal=literal)
    return replace_once(minimal_manifest, anchor, var + anchor)


@pytest.mark.parametrize("attr", ["default", "value", "example"])
@pytest.mark.parametrize(
    ("name", "literal"),
    [
        ("DB_PASSWORD", "hunter2hunter2"),
        ("API_SECRET_KEY", "Zx81kqP0aa7"),
        ("SMTP_PASS", "pw9f8e7d6"),
    ],
)
def test_unmarked_variable_named_like_a_credential_with_a_real_looking_value_fails(
    minimal_manifest: str, name: str, literal: str, attr: str
) -> None:
    text = _with_var(minimal_manifest, name, attr, literal)
    assert problems_in(text) == [
        f"{at(text, literal)}: services.backend.env[2].{attr}: {name} is named like a "
        f"credential and its {attr} looks like a real one; mark the variable 'secret: true' "
        "and keep the value in the platform's secret store (or use a placeholder such as "
        "'<token>')"
    ]


@pytest.mark.parametrize(
    ("name", "literal"),
    [
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "30"),  # about a token, not one
        ("CACHE_KEY", "v1"),  # too short to be a credential
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_51Hx9"),  # public by name
        ("SECRET_KEY_FILE", "/run/secrets/key1"),  # where it lives
        ("API_TOKEN", "<token>"),  # a placeholder
        ("DB_PASSWORD", "changeme123"),
        ("SESSION_SECRET", "use openssl rand -hex 32"),
    ],
)
def test_credential_named_variables_with_harmless_values_pass(
    minimal_manifest: str, name: str, literal: str
) -> None:
    text = _with_var(minimal_manifest, name, "default", f"'{literal}'")
    assert load_text(text).manifest.services["backend"].env[2].name == name


# --------------------------------------------------------------------------- bad typed values


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("schema_version: !!timestamp 'x'", "cannot read value 'x' as !!timestamp"),
        ("schema_version: !!bool ''", "cannot read value '' as !!bool"),
        ("schema_version: !!int 1_0x", "cannot read value '1_0x' as !!int"),
    ],
)
def test_a_value_its_tag_cannot_read_is_a_located_problem(line: str, message: str) -> None:
    found = problems_in(line + "\n")
    assert len(found) == 1
    assert found[0].startswith("manifest.yml:1:17: schema_version: " + message)
