"""The loader turns every bad input into located problems: ``file:line:col: message``."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest
from manifest_docs.errors import ManifestError
from manifest_docs.load import LoadedManifest, load_manifest, load_text
from manifest_docs.yamlsafe import MAX_BYTES, MAX_DEPTH
from manifestkit import at, position, problems_in, problems_in_file, replace_once

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NESTING = f"nested more than {MAX_DEPTH} levels deep; a manifest needs far fewer"
EMPTY = "file is empty; expected a mapping starting with 'schema_version: 2'"


# --------------------------------------------------------------------------- the good case


def test_minimal_manifest_loads(minimal_manifest: str) -> None:
    loaded = load_text(minimal_manifest)
    assert isinstance(loaded, LoadedManifest)
    assert not loaded.legacy
    assert loaded.warnings == []
    m = loaded.manifest
    assert list(m.services) == ["postgres", "redis", "backend", "worker"]
    assert m.services["backend"].depends_on == ["postgres", "redis"]
    assert m.exporters == {"DATABASE_URL": ["postgres"], "REDIS_URL": ["redis"]}
    assert m.used_by["postgres"] == ["backend"]
    assert m.current_phase is not None
    assert m.current_phase.id == 1


def test_loaded_file_remembers_its_path_and_positions(
    write_manifest: Callable[..., Path], minimal_manifest: str
) -> None:
    path = write_manifest(minimal_manifest)
    loaded = load_manifest(path)
    assert loaded.path == path
    assert loaded.source.locate(("services", "redis", "resources", "memory")) == position(
        minimal_manifest, "256MB"
    )
    assert loaded.source.locate(("services", "redis"), key=True) == position(
        minimal_manifest, "redis:"
    )


def test_byte_order_mark_is_ignored(minimal_manifest: str) -> None:
    assert load_text("\ufeff" + minimal_manifest).manifest.schema_version == 1


# --------------------------------------------------------------------------- the file itself


def test_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    assert problems_in_file(path) == [f"{path}: no such file; create it or pass --manifest PATH"]


def test_directory_is_not_a_manifest(tmp_path: Path) -> None:
    assert problems_in_file(tmp_path) == [
        f"{tmp_path}: is a directory, expected a YAML file such as manifest.yml"
    ]


def test_problems_name_the_file_as_the_caller_shows_it(write_manifest: Callable[..., Path]) -> None:
    path = write_manifest("")
    with pytest.raises(ManifestError) as info:
        load_manifest(path, shown="manifest.yml")
    assert [str(p) for p in info.value.problems] == [f"manifest.yml:1:1: {EMPTY}"]


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# only a comment\n", "# a\n  # b\n\n"])
def test_empty_or_comment_only_file_is_reported(
    write_manifest: Callable[..., Path], text: str
) -> None:
    path = write_manifest(text)
    assert problems_in_file(path) == [f"{path}:1:1: {EMPTY}"]


def test_document_marker_without_content_is_not_a_mapping() -> None:
    assert problems_in("---\n...\n") == [
        "manifest.yml:2:1: expected a mapping of keys (schema_version, services, …) at the top, "
        "got null"
    ]


def test_non_utf8_bytes_are_located_at_the_bad_byte(write_manifest: Callable[..., Path]) -> None:
    path = write_manifest(b"schema_version: 1\norganization:\n  name: Caf\xe9 Org\n")
    assert problems_in_file(path) == [
        f"{path}:3:12: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_non_utf8_byte_after_multibyte_characters_counts_columns_in_characters(
    write_manifest: Callable[..., Path],
) -> None:
    # 'é' is two bytes but one character: the bad byte is the 5th character of line 2.
    path = write_manifest(b"a: 1\nb: \xc3\xa9\xff\n")
    assert problems_in_file(path) == [
        f"{path}:2:5: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


def test_non_utf8_byte_after_a_byte_order_mark_is_located_without_it(
    write_manifest: Callable[..., Path],
) -> None:
    path = write_manifest(b"\xef\xbb\xbfa: \xff\n")
    assert problems_in_file(path) == [
        f"{path}:1:4: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


def test_file_over_the_size_limit_is_refused_before_reading(
    write_manifest: Callable[..., Path],
) -> None:
    path = write_manifest(b"#" * (MAX_BYTES + 1))
    assert problems_in_file(path) == [
        f"{path}:1:1: file is 10,485,761 bytes; a manifest may be at most 10,485,760 bytes"
    ]


def test_file_at_the_size_limit_is_read(
    write_manifest: Callable[..., Path], minimal_manifest: str
) -> None:
    body = minimal_manifest.encode()
    path = write_manifest(body + b"#" * (MAX_BYTES - len(body)))
    assert path.stat().st_size == MAX_BYTES
    assert load_manifest(path).manifest.schema_version == 1


# --------------------------------------------------------------------------- YAML syntax


def test_tab_indentation_is_reported_on_every_line() -> None:
    text = "schema_version: 1\norganization:\n\tname: x\n  \tdocs_url: y\n"
    assert problems_in(text) == [
        "manifest.yml:3:1: tab used for indentation; YAML needs spaces",
        "manifest.yml:4:3: tab used for indentation; YAML needs spaces",
    ]


def test_tab_inside_a_value_is_fine(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "description: Main API", 'description: "Main\tAPI"')
    assert load_text(text).manifest.services["backend"].description == "Main\tAPI"


def test_unclosed_flow_list_points_at_where_it_was_found_and_where_it_started() -> None:
    text = "schema_version: 1\nservices:\n  a: [1, 2\n  b: 3\n"
    assert problems_in(text) == [
        "manifest.yml:4:4: YAML syntax error: while parsing a flow sequence, did not find "
        "expected ',' or ']' (it started at line 3, column 6)"
    ]


def test_unclosed_quote_names_the_line_it_started_on() -> None:
    text = 'schema_version: 1\norganization:\n  name: "Example\n  docs_url: x\n'
    assert problems_in(text) == [
        "manifest.yml:3:9: YAML syntax error: while scanning a quoted scalar, found unexpected "
        "end of stream (the file ends at line 5 before it is closed)"
    ]


@pytest.mark.parametrize(
    ("text", "where", "pair"),
    [
        ("schema_version: 1\nservices: [a, b,\n", "2:11", "[]"),
        ("schema_version: 1\nservices: {a: 1,\n", "2:11", "{}"),
        ("schema_version: 1\nservices: [a, {b: [c,\n\n", "2:19", "[]"),
    ],
)
def test_unclosed_bracket_at_the_end_is_reported_where_it_opens(
    text: str, where: str, pair: str
) -> None:
    (problem,) = problems_in(text)
    assert problem.startswith(f"manifest.yml:{where}: YAML syntax error: this '{pair[0]}' is never")
    assert f"add the matching '{pair[1]}'" in problem


def test_mapping_value_on_the_same_line_is_a_syntax_error_at_its_column() -> None:
    assert problems_in("schema_version: 1\nname: a: b\n") == [
        "manifest.yml:2:8: YAML syntax error: mapping values are not allowed in this context"
    ]


def test_bad_indentation_is_a_syntax_error_at_the_right_line(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    kind: worker\n", "     kind: worker\n")
    line, _ = position(text, "     kind: worker")
    assert problems_in(text) == [
        f"manifest.yml:{line}:10: YAML syntax error: mapping values are not allowed in this context"
    ]


def test_undefined_alias_is_a_syntax_error() -> None:
    assert problems_in("schema_version: 1\nservices: *nope\n") == [
        "manifest.yml:2:11: services: unknown alias *nope; define &nope before using it"
    ]


def test_two_documents_in_one_file_are_refused(minimal_manifest: str) -> None:
    line = minimal_manifest.count("\n") + 1
    assert problems_in(minimal_manifest + "---\nschema_version: 1\n") == [
        f"manifest.yml:{line}:1: more than one YAML document (a second '---'); "
        "a manifest is a single document"
    ]


def test_control_character_is_located() -> None:
    assert problems_in("schema_version: 1\nname: ab\x07c\n") == [
        "manifest.yml:2:9: character U+0007 is not allowed in YAML "
        "(control characters are not allowed); remove it"
    ]


def test_control_character_after_multibyte_text_is_located_in_characters() -> None:
    assert problems_in("schema_version: 1\nname: ééé\x00\n") == [
        "manifest.yml:2:10: character U+0000 is not allowed in YAML "
        "(control characters are not allowed); remove it"
    ]


def test_lone_surrogate_in_text_is_a_problem_not_a_crash() -> None:
    assert problems_in("schema_version: 1\nname: a\ud800\n") == [
        "manifest.yml:2:8: not valid text (lone surrogate U+D800)"
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- schema_version: 1\n- services: {}\n", "a list"),
        ("hello\n", "text"),
        ("42\n", "a number"),
        ("true\n", "true/false"),
        ("~\n", "null"),
    ],
)
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    assert problems_in(text) == [
        "manifest.yml:1:1: expected a mapping of keys (schema_version, services, …) at the top, "
        f"got {kind}"
    ]


# --------------------------------------------------------------------------- keys


def test_duplicate_top_level_key_names_both_lines(minimal_manifest: str) -> None:
    text = minimal_manifest.replace("schema_version: 1\n", "schema_version: 1\n" * 2, 1)
    assert problems_in(text) == [
        f"{at(text, 'schema_version', 2)}: schema_version: duplicate key 'schema_version' "
        "(first defined at line 1); remove one of them"
    ]


def test_a_duplicate_key_does_not_hide_the_schema_and_reference_problems(
    minimal_manifest: str,
) -> None:
    # The first value is kept, so everything else can still be judged in the same run.
    text = replace_once(minimal_manifest, "    kind: cache\n", "    kind: cache\n    kind: cache\n")
    text = replace_once(text, "memory: 256MB", "memory: lots")
    text = replace_once(
        text, "    depends_on:\n      - postgres", "    depends_on:\n      - postgress"
    )
    found = problems_in(text)
    assert found == [
        f"{at(text, 'kind: cache', 2)}: services.redis.kind: duplicate key 'kind' "
        f"(first defined at line {position(text, 'kind: cache')[0]}); remove one of them",
        f"{at(text, 'lots')}: services.redis.resources.memory: expected a size like '256MB', "
        "got 'lots'",
        f"{at(text, 'postgress')}: services.backend.depends_on[0]: unknown service "
        "'postgress' (did you mean 'postgres'?); known services: backend, postgres, redis, "
        "worker",
    ]


def test_a_reference_to_a_service_that_failed_the_schema_is_not_called_unknown(
    minimal_manifest: str,
) -> None:
    text = replace_once(minimal_manifest, "memory: 256MB", "memory: lots")
    assert problems_in(text) == [
        f"{at(text, 'lots')}: services.redis.resources.memory: expected a size like '256MB', "
        "got 'lots'"
    ]


def test_duplicate_nested_key_is_reported_at_the_second_one(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    kind: cache\n", "    kind: cache\n    kind: cache\n")
    first, _ = position(text, "kind: cache")
    assert problems_in(text) == [
        f"{at(text, 'kind: cache', 2)}: services.redis.kind: duplicate key 'kind' "
        f"(first defined at line {first}); remove one of them"
    ]


def test_duplicate_service_name_is_reported(minimal_manifest: str) -> None:
    extra = "  redis:\n    description: again\n    kind: cache\n"
    text = replace_once(minimal_manifest, "\ndomains:\n", "\n" + extra + "domains:\n")
    first, _ = position(text, "  redis:")
    assert problems_in(text) == [
        f"{at(text, 'redis:', 2)}: services.redis: duplicate key 'redis' "
        f"(first defined at line {first}); remove one of them"
    ]


def test_unknown_key_suggests_the_close_one(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    depends_on:\n      - postgres", "    dependson:\n      - postgres"
    )
    assert problems_in(text) == [
        f"{at(text, 'dependson')}: services.backend.dependson: unknown key 'dependson' "
        "(did you mean 'depends_on'?)"
    ]


def test_unknown_key_without_a_close_one_lists_the_allowed_keys(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "  docs_url:", "  flavour: vanilla\n  docs_url:")
    assert problems_in(text) == [
        f"{at(text, 'flavour')}: organization.flavour: unknown key 'flavour'; allowed keys: "
        "name, control_plane_repo, docs_url, operator, github_org"
    ]


def test_misspelled_top_level_section_is_unknown_and_the_real_one_missing(
    minimal_manifest: str,
) -> None:
    text = replace_once(minimal_manifest, "\nservices:\n", "\nservics:\n")
    assert problems_in(text) == [
        "manifest.yml:1:1: missing required key 'services' — Every service, keyed by its name "
        "(lower-case, digits and dashes).",
        f"{at(text, 'servics')}: servics: unknown key 'servics' (did you mean 'services'?)",
    ]


def test_missing_required_key_is_reported_at_its_parent(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    name: Growth\n", "")
    assert problems_in(text) == [
        f"{at(text, 'id: 2')}: phases[1]: missing required key 'name' — Short name, "
        "e.g. 'Monolith'."
    ]


def test_missing_required_nested_key_is_reported_at_the_mapping(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    kind: worker\n", "")
    assert problems_in(text) == [
        f"{at(text, 'description: Background jobs')}: services.worker: missing required key "
        "'kind' — What the service is."
    ]


def test_missing_schema_version_is_reported_at_the_top(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "schema_version: 1\n", "")
    assert problems_in(text) == [
        "manifest.yml:1:1: missing required key 'schema_version' — Version of this schema: "
        "'2' ('1' still loads; 'br-ops migrate' upgrades it)."
    ]


def test_non_text_mapping_key_is_refused() -> None:
    assert problems_in("schema_version: 1\n? [a, b]\n: x\n") == [
        "manifest.yml:2:3: mapping keys must be plain text"
    ]


# --------------------------------------------------------------------------- values


def test_text_where_a_number_belongs(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    phase: 2\n    provider", "    phase: two\n    provider"
    )
    assert problems_in(text) == [
        f"{at(text, 'two')}: services.worker.phase: expected a whole number, got 'two'"
    ]


def test_number_where_text_belongs_suggests_quotes(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "description: Main API", "description: 42")
    assert problems_in(text) == [
        f"{at(text, '42')}: services.backend.description: expected text, got 42 (put it in quotes)"
    ]


def test_list_where_a_mapping_belongs(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      memory: 256MB", "      - memory: 256MB")
    assert problems_in(text) == [
        f"{at(text, '- memory: 256MB')}: services.redis.resources: expected a mapping of keys, "
        "got a list"
    ]


def test_mapping_where_a_list_belongs(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    depends_on:\n      - backend", "    depends_on:\n      backend: yes"
    )
    assert problems_in(text) == [
        f"{at(text, 'backend: yes')}: services.worker.depends_on: expected a list, got a mapping"
    ]


def test_bad_enum_value_suggests_the_close_one(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "kind: cache\n    status: active", "kind: cache\n    status: activ"
    )
    where = at(text, "activ\n")
    assert problems_in(text) == [
        f"{where}: services.redis.status: expected one of 'active', 'development', "
        "'planned', 'experimental', 'retired', got 'activ' (did you mean 'active'?)"
    ]


def test_bad_literal_value_lists_the_choices(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    kind: dns", "    kind: dsn")
    assert problems_in(text) == [
        f"{at(text, 'dsn')}: providers.cloudflare.kind: expected one of 'hosting', 'compute', "
        "'dns', 'cdn', 'ci', 'registrar', 'monitoring', 'data', 'messaging', 'storage', 'saas', "
        "got 'dsn' (did you mean 'dns'?)"
    ]


def test_bad_size_is_reported_at_the_value(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "memory: 256MB", "memory: lots")
    assert problems_in(text) == [
        f"{at(text, 'lots')}: services.redis.resources.memory: "
        "expected a size like '256MB', got 'lots'"
    ]


def test_bad_duration_without_unit(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "  secrets_required:",
        "  auto_deploy:\n    healthcheck_timeout: 300\n  secrets_required:",
    )
    assert problems_in(text) == [
        f"{at(text, '300')}: ci_cd.auto_deploy.healthcheck_timeout: expected a duration like "
        "'30s' or '1h', got '300' (add a unit: s, m, h, d)"
    ]


def test_bad_duration_text(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "      - path: /health\n",
        "      - path: /health\n        description: soon\n",
    )
    text = replace_once(
        text,
        "    depends_on:\n      - postgres",
        "    deploy:\n      health_check:\n"
        "        path: /health\n        interval: soon\n    depends_on:\n      - postgres",
    )
    assert problems_in(text) == [
        f"{at(text, 'soon', 1)}: services.backend.deploy.health_check.interval: expected a "
        "duration like '30s' or '1h', got 'soon'"
    ]


def test_bad_version(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, 'version: "7+"', "version: latest")
    assert problems_in(text) == [
        f"{at(text, 'latest')}: services.redis.version: expected a version like '15+' or "
        "'3.11', got 'latest'"
    ]


def test_bad_hostname(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "prod: api.example.com", "prod: API_example")
    assert problems_in(text) == [
        f"{at(text, 'API_example')}: services.backend.domains.prod: expected a lower-case "
        "hostname like 'api.example.com', got 'API_example'"
    ]


def test_bad_domain_name(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "  - name: example.com", "  - name: Example.COM")
    assert problems_in(text) == [
        f"{at(text, 'Example.COM')}: domains[0].name: expected a lower-case hostname like "
        "'api.example.com', got 'Example.COM'"
    ]


def test_bad_env_name(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "name: LOG_LEVEL", "name: log-level")
    assert problems_in(text) == [
        f"{at(text, 'log-level')}: services.backend.env[2].name: expected an UPPER_SNAKE_CASE "
        "name like 'DATABASE_URL', got 'log-level'"
    ]


def test_unreadable_date_is_located(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "organization:", "last_updated: 2025-13-45\norganization:"
    )
    assert problems_in(text) == [
        "manifest.yml:2:15: last_updated: cannot read value '2025-13-45'; quote it if it is text"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3", "unsupported schema_version 3"),
        ("true", "unsupported schema_version True"),
        ("1.0", "unsupported schema_version 1.0"),
        ('"1"', "unsupported schema_version '1' (write it as a number, without quotes)"),
    ],
)
def test_unsupported_schema_version(minimal_manifest: str, value: str, message: str) -> None:
    text = replace_once(minimal_manifest, "schema_version: 1", f"schema_version: {value}")
    assert problems_in(text) == [
        f"manifest.yml:1:17: schema_version: {message}; "
        "this version of manifest-docs reads schema_version: 1 or 2"
    ]


# --------------------------------------------------------------------------- currencies

EUR_COST = """\
  - item: Hetzner box
    provider: railway
    amount: "45.00"
    currency: EUR
    period: month
    phase: 1
"""
RATE = """\
exchange_rates:
  - currency: EUR
    rate: "1.08"
    date: 2026-01-10
"""


def with_currencies(minimal_manifest: str, tail: str) -> str:
    return replace_once(minimal_manifest, "ci_cd:\n", EUR_COST + tail + "ci_cd:\n")


def test_reporting_currency_and_rates_load(minimal_manifest: str) -> None:
    m = load_text(with_currencies(minimal_manifest, "reporting_currency: USD\n" + RATE)).manifest
    assert m.reporting_currency == "USD"
    [rate] = m.exchange_rates
    assert (rate.currency, str(rate.rate), rate.date.isoformat()) == ("EUR", "1.08", "2026-01-10")


def test_a_line_without_a_rate_into_the_reporting_currency_is_located(
    minimal_manifest: str,
) -> None:
    text = with_currencies(minimal_manifest, "reporting_currency: USD\n")
    assert problems_in(text) == [
        f"{at(text, 'EUR')}: costs[2].currency: no exchange rate for EUR into the reporting "
        "currency USD; add one under exchange_rates: {currency: EUR, rate: <USD per 1 EUR>, "
        "date: <when it was taken>}"
    ]


def test_a_line_in_the_default_currency_needs_a_rate_too(minimal_manifest: str) -> None:
    text = with_currencies(minimal_manifest, "reporting_currency: EUR\n")
    problems = problems_in(text)
    # example.com's registration and both USD cost lines, each at its own entry.
    assert [p.split(": ", 2)[1] for p in problems] == [
        "domains[0].currency",
        "costs[0].currency",
        "costs[1].currency",
    ]
    line, _ = position(text, "- item: Railway Hobby plan")
    assert problems[1].startswith(f"manifest.yml:{line}:5: ")  # the entry: no currency written
    assert "no exchange rate for USD into the reporting currency EUR" in problems[1]


@pytest.mark.parametrize(
    ("tail", "needle", "message"),
    [
        pytest.param(
            RATE,
            "currency: EUR\n    rate",
            "exchange_rates[0]: an exchange rate needs a reporting_currency to convert into; "
            "add reporting_currency (e.g. 'USD') or remove exchange_rates",
            id="rates-without-reporting-currency",
        ),
        pytest.param(
            "reporting_currency: USD\n" + RATE + RATE.removeprefix("exchange_rates:\n"),
            "EUR\n    rate",
            "exchange_rates[1].currency: a second rate for EUR (also exchange_rates[0])",
            id="two-rates",
        ),
        pytest.param(
            "reporting_currency: USD\n" + RATE.replace('"1.08"', "0"),
            "0\n    date",
            "exchange_rates[0].rate: expected a positive exchange rate with at most 6 decimal "
            "places like '1.08' (units of the reporting currency per unit of this one), got 0",
            id="zero-rate",
        ),
        pytest.param(
            "reporting_currency: euro\n",
            "euro",
            "reporting_currency: expected a 3-letter currency code like 'USD', got 'euro'",
            id="not-a-code",
        ),
    ],
)
def test_currency_mistakes_are_located(
    minimal_manifest: str, tail: str, needle: str, message: str
) -> None:
    text = with_currencies(minimal_manifest, tail)
    nth = text.count(needle)
    assert f"{at(text, needle, nth)}: {message}" in problems_in(text)


# --------------------------------------------------------------------------- tags and bombs


def test_python_object_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"schema_version: 1\nx: !!python/object/apply:os.system ['touch {marker}']\n"
    assert problems_in(text) == [
        "manifest.yml:2:4: x: YAML tag '!!python/object/apply:os.system' is not allowed "
        "(it would run code); write plain values"
    ]
    assert not marker.exists()


def test_python_tag_on_a_mapping_is_refused() -> None:
    text = "schema_version: 1\nx: !!python/object/new:os.system\n  args: ['true']\n"
    assert problems_in(text) == [
        "manifest.yml:2:4: x: YAML tag '!!python/object/new:os.system' is not allowed "
        "(it would run code); write plain values"
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("!custom 3", "!custom"), ("!!binary aGVsbG8=", "!!binary"), ("!!set {a, b}", "!!set")],
)
def test_other_tags_are_refused(value: str, shown: str) -> None:
    assert problems_in(f"schema_version: 1\nx: {value}\n") == [
        f"manifest.yml:2:4: x: unsupported YAML tag {shown!r}; only plain strings, numbers, "
        "booleans, dates, null, lists and mappings are allowed"
    ]


def billion_laughs(levels: int = 9) -> str:
    names = "abcdefghijklmnopqrstuvwxyz"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in itertools.pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_with_a_clear_message() -> None:
    found = problems_in(billion_laughs())
    assert len(found) == 1
    assert found[0].startswith("manifest.yml:1:")
    assert found[0].endswith(
        ": document expands to too many nodes (aliases that multiply, a 'billion laughs'?); "
        "write values out"
    )


def test_aliases_used_a_reasonable_number_of_times_are_fine(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "      triggers: [push, pull_request]",
        "      triggers: &t [push, pull_request]",
    )
    text = replace_once(text, "      triggers: [push]\n", "      triggers: *t\n")
    ci = load_text(text).manifest.ci_cd
    assert ci is not None
    assert ci.workflows[1].triggers == ["push", "pull_request"]


def test_alias_inside_itself_is_refused() -> None:
    assert problems_in("schema_version: 1\na: &a [1, *a]\n") == [
        "manifest.yml:2:4: a[1]: an alias refers to a node that contains it, so it would never "
        "end; write values out"
    ]


def test_merge_of_a_mapping_into_itself_is_refused() -> None:
    # Reported at the anchor: the alias resolves to the very node it sits in.
    assert problems_in("schema_version: 1\na: &a\n  <<: *a\n  b: 1\n") == [
        "manifest.yml:2:4: a: an alias refers to a node that contains it, so it would never "
        "end; write values out"
    ]


def test_nesting_just_within_the_limit_is_read() -> None:
    # The top mapping is level 1; 63 nested lists make 64.
    text = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert NESTING not in "\n".join(problems_in(text))


def test_nesting_one_level_too_deep_is_refused() -> None:
    text = "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert problems_in(text) == [f"manifest.yml:1:{MAX_DEPTH + 3}: {NESTING}"]


def test_deep_block_nesting_is_refused_at_the_first_level_too_many() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 70 + "v\n"
    assert problems_in(text) == [f"manifest.yml:{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}: {NESTING}"]


@pytest.mark.parametrize("opener", ["[", "{", "- "])
def test_200000_nested_openers_do_not_crash_the_interpreter(opener: str) -> None:
    found = problems_in(opener * 200_000)
    assert found == [f"manifest.yml:1:{len(opener) * MAX_DEPTH + 1}: {NESTING}"]


def test_200000_nested_openers_in_a_file(write_manifest: Callable[..., Path]) -> None:
    path = write_manifest("schema_version: 1\nservices: " + "[" * 200_000 + "\n")
    assert problems_in_file(path) == [f"{path}:2:{10 + MAX_DEPTH}: {NESTING}"]


# --------------------------------------------------------------------------- all at once


def test_three_independent_errors_are_all_reported_in_line_order(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "memory: 256MB", "memory: lots")
    text = replace_once(text, "description: Main API", "description: 42")
    text = replace_once(
        text, "    period: month\n    phase: 2", "    period: fortnight\n    phase: 2"
    )
    assert problems_in(text) == [
        f"{at(text, 'lots')}: services.redis.resources.memory: "
        "expected a size like '256MB', got 'lots'",
        f"{at(text, '42')}: services.backend.description: expected text, got 42 (put it in quotes)",
        f"{at(text, 'fortnight')}: costs[1].period: expected one of 'month', 'year', "
        "got 'fortnight'",
    ]


def test_three_cross_reference_errors_are_all_reported(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "      - redis\n", "      - rediss\n")
    text = replace_once(text, "    service: backend", "    service: frontend")
    text = replace_once(
        text, "    provider: cloudflare\n    amount", "    provider: aws\n    amount"
    )
    found = problems_in(text)
    assert [line.split(": ", 1)[0] for line in found] == [
        at(text, "rediss"),
        at(text, "frontend"),
        at(text, "aws"),
    ]


def test_every_tab_and_every_duplicate_comes_back_together() -> None:
    text = "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n"
    duplicates = [p for p in problems_in(text) if "duplicate" in p]
    assert duplicates == [
        "manifest.yml:2:1: a: duplicate key 'a' (first defined at line 1); remove one of them",
        "manifest.yml:5:3: b.c: duplicate key 'c' (first defined at line 4); remove one of them",
    ]


def test_error_str_lists_every_problem_one_per_line(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "memory: 256MB", "memory: lots")
    text = replace_once(text, "description: Main API", "description: 42")
    with pytest.raises(ManifestError) as info:
        load_text(text)
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]
    assert len(info.value.problems) == 2


# --------------------------------------------------------------------------- merge keys


def test_merge_key_fills_in_a_service(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "  redis:\n", "  redis: &managed\n")
    text = replace_once(
        text,
        "  worker:\n    description: Background jobs\n    kind: worker\n    status: planned\n"
        "    phase: 2\n    provider: railway\n",
        "  worker:\n    <<: *managed\n    description: Background jobs\n    kind: worker\n"
        "    exports: []\n",
    )
    worker = load_text(text).manifest.services["worker"]
    assert worker.kind.value == "worker"  # written here: wins over the merged value
    assert worker.description == "Background jobs"
    assert worker.status.value == "active"  # merged from redis
    assert worker.version is not None
    assert worker.version.text == "7+"
    assert worker.exports == []
    assert worker.depends_on == ["backend"]


def test_merge_key_takes_a_list_of_mappings_first_one_winning() -> None:
    from manifest_docs.yamlsafe import parse_yaml

    doc = parse_yaml("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n", "m")
    assert doc.problems == []
    assert doc.data["c"] == {"x": 1, "y": 1, "z": 3}


def test_merge_of_a_scalar_is_refused() -> None:
    assert problems_in("schema_version: 1\na: &a 3\nc:\n  <<: *a\n") == [
        "manifest.yml:2:4: c: '<<' merges only mappings"
    ]


# --------------------------------------------------------------------------- warnings


LEGACY = """\
workspace: "Example Org"
control_plane_repo: "example/infra"
deployment_state:
  phase: "Phase 1 - Launch"
  active_services: 5
projects:
  core:
    description: "Core"
    status: "active"
    phase: 1
    services:
      api:
        kind: "backend"
"""


def test_warnings_do_not_fail_loading() -> None:
    loaded = load_text(LEGACY)
    assert loaded.legacy
    assert [str(w) for w in loaded.warnings] == [
        "manifest.yml:1:1: warning: legacy manifest format detected (projects/planned_projects);"
        " read as schema v1 ('br-ops migrate' writes it out as schema v2)",
        "manifest.yml:5:20: warning: deployment_state.active_services: says 5 active services, "
        "but the file lists 1 (api); v1 computes counts instead",
    ]
    assert {w.severity for w in loaded.warnings} == {"warning"}
    assert list(loaded.manifest.services) == ["api"]


def test_warnings_are_listed_with_the_errors_when_loading_fails() -> None:
    text = LEGACY.replace('kind: "backend"', 'kind: "backend"\n        version: "latest"')
    found = problems_in(text)
    assert found[0].startswith("manifest.yml:1:1: warning: legacy manifest format detected")
    assert found[-1] == (
        "manifest.yml:14:18: services.api.version: expected a version like '15+' or '3.11', "
        "got 'latest'"
    )
