"""The non-``fact`` rules: env/unknown, host/unknown, coverage/*, status/stale,
freshness/overdue, artefact/stale, and what the gate ignores (macros, raw regions).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from driftkit import (
    FIXTURE_MANIFEST,
    br_ops,
    findings,
    fixture_text,
    loaded,
    none,
    only,
    parse_lines,
    project,
    rules_of,
)
from manifest_docs.drift import DocsError, check_docs, check_freshness
from manifest_docs.drift.committed import (
    README_END,
    README_START,
    check_committed,
    readme_table,
)
from manifest_docs.load import LoadedManifest, load_text


def test_fixture_manifest_is_valid(tmp_path: Path) -> None:
    result = br_ops("validate", "--manifest", FIXTURE_MANIFEST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "valid — 4 services (3 active, 1 planned)" in result.stdout


# --------------------------------------------------------------------------- env/unknown


@pytest.mark.parametrize(
    ("markdown", "line", "name", "hint"),
    [
        pytest.param(
            "# Setup\n\nSet `DATABASE_URLL` in Railway.\n",
            3,
            "DATABASE_URLL",
            "DATABASE_URL",
            id="code-span",
        ),
        pytest.param(
            "| Variable | Purpose |\n| --- | --- |\n| SECRET_KEY | signing |\n"
            "| DATABSE_URL | database |\n",
            4,
            "DATABSE_URL",
            "DATABASE_URL",
            id="table-cell",
        ),
        pytest.param(
            "# Shell\n\n```bash\nexport LOG_LEVEL=DEBUG\nexport SECRET_KEYS=abc\n```\n",
            5,
            "SECRET_KEYS",
            "SECRET_KEY",
            id="shell-export",
        ),
        pytest.param(
            "```python\nimport os\n\nurl = os.environ['REDIS_URI']\n```\n",
            4,
            "REDIS_URI",
            "REDIS_URL",
            id="python-environ",
        ),
        pytest.param(
            "Secrets: `RAILWAY_TOKENS`.\n",
            1,
            "RAILWAY_TOKENS",
            "RAILWAY_TOKEN",
            id="ci-secret-typo",
        ),
        pytest.param(
            "# Setup\n\nThe app reads `$DATABASE_URI` at start.\n",
            3,
            "DATABASE_URI",
            "DATABASE_URL",
            id="dollar-in-code-span",
        ),
        pytest.param(
            "```yaml\nenv:\n  CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}\n```\n",
            3,
            "CLOUDFLARE_API_TOKEN",
            "CF_API_TOKEN",
            id="yaml-env-key-and-secret",
        ),
        pytest.param(
            "```yaml\nsteps:\n  - run: ./deploy.sh\n    env:\n"
            "      TOKEN: ${{ secrets.RAILWAY_TOKN }}\n```\n",
            5,
            "RAILWAY_TOKN",
            "RAILWAY_TOKEN",
            id="workflow-secret-typo",
        ),
    ],
)
def test_env_unknown(markdown: str, line: int, name: str, hint: str) -> None:
    finding = only(markdown, "env/unknown")
    assert finding.line == line
    assert finding.message == (
        f"{name} is not an env var of any service in the manifest, nor a CI secret "
        f"(did you mean {hint!r}?)"
    )


def test_env_unknown_reported_once_per_unit_and_without_hint_when_nothing_is_close() -> None:
    finding = only("Set `ZZZ_QQQ` and again `ZZZ_QQQ`.\n", "env/unknown")
    assert finding.message.endswith("nor a CI secret")


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Set `DATABASE_URL`, `SECRET_KEY` and `LOG_LEVEL`.\n", id="read-vars"),
        pytest.param("Postgres exports `DATABASE_URL`; Redis `REDIS_URL`.\n", id="exported"),
        pytest.param("CI needs `RAILWAY_TOKEN` and `CF_API_TOKEN`.\n", id="ci-secrets"),
        pytest.param("See `DEPLOYMENT_NOTES.md` and `docs/RUN_BOOK.md`.\n", id="file-names"),
        pytest.param("Read DEPLOYMENT_NOTES.md and set SOME_THING first.\n", id="plain-prose"),
        pytest.param("Tune MAX_CONNECTIONS in prose only.\n", id="prose-upper-snake"),
        pytest.param(
            "```bash\nexport DATABASE_URL=postgres://x\necho $REDIS_URL\n```\n", id="shell"
        ),
        pytest.param(
            "```yaml\nenv:\n  TOKEN: ${{ secrets.RAILWAY_TOKEN }}\n```\n", id="workflow-expr"
        ),
        pytest.param("```python\nMAX_RETRIES = 3\n```\n", id="python-constant"),
        pytest.param("```python\nMAX_RETRIES: int = 3\n```\n", id="annotated-constant"),
        pytest.param(
            "```yaml\nenv:\n  RAILWAY_TOKEN: ${{ secrets.RAILWAY_TOKEN }}\n```\n",
            id="yaml-known-secret",
        ),
        pytest.param("The app reads `$DATABASE_URL` and `$REDIS_URL`.\n", id="dollar-known"),
        pytest.param("Railway costs `$5` a month.\n", id="money-in-code-span"),
    ],
)
def test_env_known_or_not_an_env_var(markdown: str) -> None:
    none(markdown)


# --------------------------------------------------------------------------- host/unknown


def test_host_unknown_under_a_declared_zone() -> None:
    finding = only("# Links\n\nThe app is at https://app.acme.dev/login.\n", "host/unknown")
    assert finding.line == 3
    assert finding.message == (
        "app.acme.dev is under the acme.dev zone but is not a domain or service hostname "
        "in the manifest (did you mean 'api.acme.dev'?)"
    )


def test_host_unknown_in_code_block_has_the_code_line() -> None:
    assert rules_of("Try it:\n\n```bash\ncurl -s \\\n  https://app.acme.dev/x\n```\n") == [
        (5, "host/unknown")
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Open https://acme.dev and https://www.acme.dev.\n", id="domain-and-www"),
        pytest.param("The API is `api.acme.dev`.\n", id="declared-domain"),
        pytest.param("Staging: `staging-api.acme.dev`.\n", id="service-hostname"),
        pytest.param("The console will be console.acme.dev.\n", id="planned-service-hostname"),
        pytest.param("Docs are built to https://docs.acme.dev/.\n", id="docs-url-host"),
        pytest.param("Mail ops@acme.dev with questions.\n", id="email"),
        pytest.param("See example.org, github.com and railway.app.\n", id="outside-zones"),
    ],
)
def test_host_known_or_outside_the_zones(markdown: str) -> None:
    none(markdown)


# --------------------------------------------------------------------------- coverage


def test_orphan_narrative() -> None:
    finding = only("# Nosuch\n\nWords.\n", "coverage/orphan", name="services/nosuch.md")
    assert (finding.file, finding.line) == ("services/nosuch.md", 1)
    assert finding.message == "narrative for unknown service 'nosuch'; rename or remove it"


def test_orphan_narrative_with_a_hint() -> None:
    finding = only("# Redis\n", "coverage/orphan", name="services/rediss.md")
    assert "(did you mean 'redis'?)" in finding.message


@pytest.mark.parametrize("name", ["services/api.md", "services/index.md", "guides/nosuch.md"])
def test_narratives_that_are_fine(name: str) -> None:
    none("# Page\n\nWords.\n", name=name)


def test_link_to_a_missing_service_page() -> None:
    markdown = (
        "# Index\n\nSee [the API](services/api.md), [all](services/index.md)\n"
        "and [gone](../services/nosuch.md#top).\n"
    )
    finding = only(markdown, "coverage/link")
    assert finding.line == 4
    assert finding.message == "links to ../services/nosuch.md, but there is no service 'nosuch'"


def test_link_in_a_code_block_is_an_example() -> None:
    markdown = (
        "Write links like this:\n\n```markdown\nSee [x](services/nosuch.md).\n```\n"
        "Then [y](services/other.md) is checked.\n"
    )
    assert rules_of(markdown) == [(6, "coverage/link")]


def test_link_hint() -> None:
    finding = only("[cache](services/rediss.md)\n", "coverage/link")
    assert "(did you mean 'redis'?)" in finding.message


# --------------------------------------------------------------------------- status/stale


@pytest.mark.parametrize(
    "markdown",
    [
        "The console is live.\n",
        "# Console\n\n- The console is in production since May.\n",
        "`console.acme.dev` is deployed on Railway.\n",
    ],
)
def test_planned_service_described_as_live(markdown: str) -> None:
    finding = only(markdown, "status/stale")
    assert "described as live, but the manifest says it is planned (target 2027-Q1)" in (
        finding.message
    )


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("The API is live.\n", id="active-service"),
        pytest.param("The console is planned for 2027.\n", id="planned-said-planned"),
        pytest.param("The console is not live yet.\n", id="negated"),
        pytest.param("The console will be live in 2027.\n", id="future"),
        pytest.param("Once the console is live, DNS moves to it.\n", id="once"),
        pytest.param("When the console is deployed we switch DNS.\n", id="when"),
        pytest.param("Until the console is live, operators use the API.\n", id="until"),
        pytest.param("```\nconsole is live\n```\n", id="code"),
    ],
)
def test_not_stale_status(markdown: str) -> None:
    none(markdown)


# --------------------------------------------------------------------------- freshness/overdue


def test_freshness_is_a_warning_unless_strict() -> None:
    lm = loaded()
    assert check_freshness(lm, dt.date(2099, 1, 1)) == []
    [late] = check_freshness(lm, dt.date(2099, 1, 3))
    assert (late.file, late.rule, late.severity) == ("manifest.yml", "freshness/overdue", "warning")
    line = FIXTURE_MANIFEST.read_text("utf-8").splitlines().index("      next_review: 2099-01-01")
    assert late.line == line + 1
    assert late.message == (
        "services.api: review was due 2099-01-01 (2 days ago); check its facts and move the "
        "dates on"
    )
    [strict] = check_freshness(lm, dt.date(2099, 1, 3), strict=True)
    assert strict.severity == "error"


def test_freshness_through_the_command(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"index.md": "# Home\n"},
        manifest=fixture_text(("next_review: 2099-01-01", "next_review: 2024-06-01")),
    )
    warn = br_ops("check", cwd=root)
    assert warn.returncode == 0, warn.stdout + warn.stderr
    [line] = parse_lines(warn.stdout)
    assert (line.file, line.rule) == ("manifest.yml", "freshness/overdue")
    assert warn.stderr.strip().endswith("no drift, 1 warning")

    strict = br_ops("check", "--strict-freshness", cwd=root)
    assert strict.returncode == 1
    assert parse_lines(strict.stdout) == parse_lines(warn.stdout)
    assert strict.stderr.strip().endswith("1 finding")


# --------------------------------------------------------------------------- artefact/stale


def _readme(table: str) -> str:
    return f"# Acme\n\nIntro.\n\n{README_START}\n{table}{README_END}\n\nMore.\n"


def test_committed_artefacts_up_to_date(tmp_path: Path) -> None:
    lm = loaded()
    root = project(
        tmp_path,
        {"index.md": "# Home\n", "CNAME": "docs.acme.dev\n"},
        extra={
            "README.md": _readme(readme_table(lm.manifest)),
            "mkdocs.yml": "site_name: Acme\nsite_url: https://docs.acme.dev/\n",
        },
    )
    assert check_committed(lm.manifest, root) == []
    result = br_ops("check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_stale_readme_table_has_a_diff_and_the_fix(tmp_path: Path) -> None:
    lm = loaded()
    old = readme_table(lm.manifest).replace("| redis | active |", "| redis | planned |")
    text = _readme(old)
    root = project(tmp_path, {"index.md": "# Home\n"}, extra={"README.md": text})
    result = br_ops("check", cwd=root)
    assert result.returncode == 1
    [finding] = parse_lines(result.stdout)
    assert (finding.file, finding.line, finding.rule) == (
        "README.md",
        text.splitlines().index(README_START) + 1,
        "artefact/stale",
    )
    assert finding.message == "the service table is out of date; run: br-ops render --write"
    out = result.stdout
    assert "--- a/README.md\n+++ b/README.md\n" in out
    assert "\n-| redis | planned | cache | 1 | — |\n" in out
    assert "\n+| redis | active | cache | 1 | — |\n" in out


def test_readme_without_markers_is_left_alone(tmp_path: Path) -> None:
    root = project(tmp_path, {"index.md": "# Home\n"}, extra={"README.md": "# Acme\n\nHi.\n"})
    assert check_committed(loaded().manifest, root) == []


def test_stale_cname_and_site_url(tmp_path: Path) -> None:
    mkdocs_yml = "site_name: Acme\n# the site\nsite_url: 'https://old.acme.dev/'\n"
    root = project(
        tmp_path,
        {"index.md": "# Home\n", "CNAME": "old.acme.dev\n"},
        extra={"mkdocs.yml": mkdocs_yml},
    )
    result = br_ops("check", cwd=root)
    assert result.returncode == 1
    lines = parse_lines(result.stdout)
    assert [(f.file, f.line, f.rule) for f in lines] == [
        ("docs/CNAME", 1, "artefact/stale"),
        ("mkdocs.yml", 3, "artefact/stale"),
    ]
    assert lines[0].message == (
        "says 'old.acme.dev', the manifest's docs_url host is 'docs.acme.dev'; "
        "run: br-ops render --write"
    )
    assert "-old.acme.dev\n+docs.acme.dev" in result.stdout
    assert lines[1].message == (
        "site_url is 'https://old.acme.dev/' but organization.docs_url in the manifest is "
        "'https://docs.acme.dev'; no br-ops command rewrites mkdocs.yml, so change line 3 "
        "to: site_url: 'https://docs.acme.dev/'"
    )
    assert (
        "--- a/mkdocs.yml\n+++ b/mkdocs.yml\n"
        "@@ -1,3 +1,3 @@\n site_name: Acme\n # the site\n"
        "-site_url: 'https://old.acme.dev/'\n+site_url: 'https://docs.acme.dev/'\n"
    ) in result.stdout
    skipped = br_ops("check", "--no-committed", cwd=root)
    assert skipped.returncode == 0, skipped.stdout


def test_stale_site_url_keeps_the_rest_of_its_line(tmp_path: Path) -> None:
    text = "site_name: Acme\nsite_url: https://old.acme.dev  # public address\nrepo_url: x\n"
    root = project(tmp_path, {"index.md": "# Home\n"}, extra={"mkdocs.yml": text})
    [finding] = check_committed(loaded().manifest, root)
    assert (finding.file, finding.line, finding.rule) == ("mkdocs.yml", 2, "artefact/stale")
    assert finding.message.endswith(
        "change line 2 to: site_url: https://docs.acme.dev  # public address"
    )
    assert finding.diff.splitlines()[-3:] == [
        "-site_url: https://old.acme.dev  # public address",
        "+site_url: https://docs.acme.dev  # public address",
        " repo_url: x",
    ]


def test_site_url_from_an_env_tag_is_left_alone(tmp_path: Path) -> None:
    text = "site_name: Acme\nsite_url: !ENV [SITE_URL, 'https://docs.acme.dev/']\n"
    root = project(tmp_path, {"index.md": "# Home\n"}, extra={"mkdocs.yml": text})
    assert check_committed(loaded().manifest, root) == []


# --------------------------------------------------------------------------- docs folder


def test_folders_and_dangling_links_named_md_are_not_pages(tmp_path: Path) -> None:
    root = project(tmp_path, {"index.md": "# Home\n", "guides/dir.md/inner.md": "# Inner\n"})
    (root / "docs" / "gone.md").symlink_to(root / "docs" / "missing-target.md")
    found = check_docs(loaded(), root / "docs", shown_dir="docs", today=dt.date(2024, 1, 1))
    assert found == []
    result = br_ops("check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux /proc")
def test_an_unreadable_page_is_a_located_error(tmp_path: Path) -> None:
    # /proc/self/mem is a regular file that fails every read at offset 0 (even for root).
    root = project(tmp_path, {"index.md": "# Home\n"})
    (root / "docs" / "broken.md").symlink_to("/proc/self/mem")
    with pytest.raises(DocsError) as info:
        check_docs(loaded(), root / "docs", shown_dir="docs")
    [problem] = info.value.problems
    assert str(problem) == "docs/broken.md: cannot read this page: Input/output error"
    result = br_ops("check", cwd=root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "docs/broken.md: cannot read this page: Input/output error",
        "1 page could not be read; no docs were checked",
    ]


def test_an_invalid_manifest_under_check_is_not_said_to_be_unchanged(tmp_path: Path) -> None:
    root = project(
        tmp_path, {"index.md": "# Home\n"}, manifest=fixture_text(("memory: 256MB", "memory: lots"))
    )
    result = br_ops("check", cwd=root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert "services.redis.resources.memory: expected a size like '256MB', got 'lots'" in lines[0]
    assert lines[-1] == "manifest.yml: 1 problem; no docs were checked"
    assert "nothing was changed" not in result.stderr


# --------------------------------------------------------------------------- ignored text


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param(
            "# PostgreSQL\n\n- **Version**: {{ service('postgres').version }}\n", id="macro"
        ),
        pytest.param(
            "# PostgreSQL\n\n{{ service('postgres').version\n   | default('14+') }}"
            " is the version.\n",
            id="multi-line-macro",
        ),
        pytest.param("{# `UNKNOWN_VAR` in a comment #}\n", id="jinja-comment"),
        pytest.param("The total is `${{ UNKNOWN_VAR }}`.\n", id="macro-after-a-dollar"),
        pytest.param("<!-- The console is live. -->\n", id="html-comment"),
        pytest.param(
            "---\ntitle: The console is live\nversion: 14\n---\n\n# Home\n", id="front-matter"
        ),
    ],
)
def test_ignored_regions(markdown: str) -> None:
    none(markdown)


def test_a_raw_region_is_read_as_the_reader_sees_it() -> None:
    # {% raw %} switches Jinja off, not the gate: its text is literal, macros and all.
    markdown = (
        "# PostgreSQL\n\n{% raw %}\n- **Version**: 14+\n- `${{Postgres.X}}` and {{ x }}\n"
        "{% endraw %}\n"
    )
    assert rules_of(markdown) == [(4, "fact/version")]


def test_after_a_raw_region_lines_still_count() -> None:
    markdown = "# PostgreSQL\n\n{% raw %}\n{{ not a macro }}\n{% endraw %}\n\n- **Version**: 14+\n"
    assert rules_of(markdown) == [(7, "fact/version")]


def test_check_docs_prefixes_the_shown_folder_and_sorts(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b.md").write_text("Set `NOPE_VAR`.\n\n# PostgreSQL\n\nVersion: 13\n", "utf-8")
    (docs / "a.md").write_text("\n\nThe console is live.\n", "utf-8")
    found = check_docs(loaded(), docs, shown_dir="site-docs", today=dt.date(2024, 1, 1))
    assert [(f.file, f.line, f.rule) for f in found] == [
        ("site-docs/a.md", 3, "status/stale"),
        ("site-docs/b.md", 1, "env/unknown"),
        ("site-docs/b.md", 5, "fact/version"),
    ]


def test_findings_are_plain_data() -> None:
    [f] = findings("# Redis\n\nRedis memory is 1GB.\n")
    assert (f.file, f.line, f.rule, f.severity, f.diff) == (
        "page.md",
        3,
        "fact/memory",
        "error",
        "",
    )


def test_the_name_pattern_finds_the_longest_name_like_a_plain_alternation() -> None:
    import re

    from manifest_docs.drift.expect import trie_alternation

    words = ["redis", "redis-cache", "red", "postgres", "postgresql", "pg", "api", "api.v2"]
    trie = re.compile(rf"(?<![\w.-])({trie_alternation(words)})(?![\w-])", re.IGNORECASE)
    plain = re.compile(
        r"(?<![\w.-])("
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?![\w-])",
        re.IGNORECASE,
    )
    text = "Redis-cache, red, redis; PostgreSQL or postgres (pg) via api.v2 and API, not apiary."
    assert [m.group(1) for m in trie.finditer(text)] == [m.group(1) for m in plain.finditer(text)]
    assert [m.group(1) for m in trie.finditer(text)] == [
        "Redis-cache", "red", "redis", "PostgreSQL", "postgres", "pg", "api.v2", "API"
    ]  # fmt: skip


def test_a_finding_is_one_line_whatever_the_page_held() -> None:
    from manifest_docs.drift.findings import Finding, format_finding

    text = format_finding(Finding("docs/a\x1b[31m.md", 3, "fact/port", "says '80\n\u202e'"))
    assert text == "docs/a\\x1b[31m.md:3: fact/port: says '80\\x0a\\u202e'"


# --------------------------------------------------------------------------- phrasings


@pytest.mark.parametrize(
    ("page", "text", "rule"),
    [
        ("services/redis.md", "The memory limit is 1GB.\n", "fact/memory"),
        ("page.md", "We run PostgreSQL 14 in production.\n", "fact/version"),
        ("page.md", "The cache is Redis v6.2.\n", "fact/version"),
        ("services/api.md", "It runs three instances behind the load balancer.\n", "fact/replicas"),
        ("page.md", "Health checks of the Acme API time out after 30 seconds.\n", "fact/timeout"),
    ],
    ids=["narrative subject", "name then version", "v-prefixed", "number word", "time out"],
)
def test_contributors_phrasings_are_understood(page: str, text: str, rule: str) -> None:
    assert [f.rule for f in findings(text, page)] == [rule]


@pytest.mark.parametrize(
    "text",
    [
        "Our stack: Next.js 14, Node 20 and PostgreSQL 15.\n",
        "PostgreSQL 15 replicas are not used.\n",
        "One of the replicas restarts nightly.\n",
        "The console is not in production yet.\n",
        "Is the console live?\n",
        "The console will be deployed next quarter.\n",
        "Redis 7 keeps 256MB of keys.\n",
    ],
)
def test_agreeing_negated_and_modal_sentences_stay_silent(text: str) -> None:
    assert findings(text, "services/api.md") == []


def test_a_service_said_to_be_hosted_elsewhere() -> None:
    found = only("The Acme API is hosted on Cloudflare.\n", "fact/provider")
    assert "says 'railway' (services.api.provider)" in found.message
    none("The Acme API is hosted on Railway.\n")
    none("The Acme API was hosted on Cloudflare before the move.\n")
    none("The Acme API is not hosted on Cloudflare.\n")


@pytest.mark.parametrize(
    "text",
    [
        "Before 2025 we ran PostgreSQL 11 on a VM.\n",
        "Some older pages say Redis runs version 5; they are wrong.\n",
        "The upstream notes still mention PostgreSQL 14 in places.\n",
    ],
)
def test_reported_speech_and_the_past_are_not_claims(text: str) -> None:
    none(text)


def test_a_code_block_introduced_as_an_example_names_no_real_variable() -> None:
    none("For example, a new worker could read:\n\n```bash\nexport QUEUE_NAME=jobs\n```\n")
    assert [f.rule for f in findings("Set it:\n\n```bash\nexport QUEUE_NAME=jobs\n```\n")] == [
        "env/unknown"
    ]


def test_a_value_is_reported_at_its_own_line_in_a_wrapped_paragraph_or_admonition() -> None:
    text = (
        '!!! note "Database"\n    The primary database, kept up to date,\n    is PostgreSQL 12.\n'
    )
    assert rules_of(text) == [(3, "fact/version")]
    assert rules_of("The primary database, kept\nup to date, is PostgreSQL 12.\n") == [
        (2, "fact/version")
    ]


def test_a_framework_version_from_the_manifest_is_checked(tmp_path) -> None:
    from manifest_docs.load import load_text

    text = fixture_text(("    kind: backend\n", "    kind: backend\n    framework: Django 4.2\n"))
    manifest = load_text(text)
    assert [f.rule for f in findings("Built on Django 3.2.\n", manifest=manifest)] == [
        "fact/version"
    ]
    assert findings("Built on Django 4.2 and Node 20.\n", manifest=manifest) == []


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("POSTGRES_URL", "DATABASE_URL"),  # same meaning, other words
        ("REDIS_URI", "REDIS_URL"),
        ("DATABSE_URL", "DATABASE_URL"),  # a typo
    ],
)
def test_unknown_variables_get_a_hint_by_meaning(name: str, hint: str) -> None:
    found = only(f"Set `{name}` first.\n", "env/unknown")
    assert found.message.endswith(f"(did you mean {hint!r}?)")


def test_no_hint_when_nothing_is_close() -> None:
    assert "did you mean" not in only("Set `ZEBRA_COUNT` first.\n", "env/unknown").message


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        (
            'The API\'s railway.toml:\n\n```toml\n[deploy]\nhealthcheckPath = "/health"\n```\n',
            "fact/path",
            5,
        ),
        (
            "The API's railway.json:\n\n```json\n"
            '{\n  "deploy": {\n    "numReplicas": 4\n  }\n}\n```\n',
            "fact/replicas",
            6,
        ),
        ("## Redis\n\n```conf\nmaxmemory 1gb\n```\n", "fact/memory", 4),
        ("## Acme API\n\n```dockerfile\nEXPOSE 9000\n```\n", "fact/port", 4),
        ("## Redis\n\n```conf\nappendonly yes\n```\n", "fact/persistence", 4),
        (
            "Manifest excerpt:\n\n```yaml\nredis:\n  resources:\n"
            "    maxmemory-policy: noeviction\n```\n",
            "fact/eviction",
            6,
        ),
    ],
    ids=["toml", "json", "redis.conf", "Dockerfile", "appendonly", "nested key"],
)
def test_well_known_config_keys_in_fenced_blocks(text: str, rule: str, line: int) -> None:
    assert rules_of(text) == [(line, rule)]


@pytest.mark.parametrize(
    "text",
    [
        "## Redis\n\nFor a local compose stack:\n\n```conf\nmaxmemory 64mb\n```\n",
        "## Redis\n\n```conf\n# docker-compose only\nmaxmemory 64mb\n```\n",
        "## Redis\n\nFor example:\n\n```conf\nmaxmemory 64mb\n```\n",
        "## Redis\n\n```conf\nmaxmemory 256mb\n```\n",
    ],
    ids=["local intro", "compose comment", "example", "agrees"],
)
def test_config_blocks_for_elsewhere_examples_or_agreeing_stay_silent(text: str) -> None:
    none(text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Release checklist:\n\n- [x] Acme API deployed\n- [x] Console deployed\n", "status/stale"),
        ("| Service | Status |\n| --- | --- |\n| console | active |\n", "fact/status"),
        ("The console is up and running for operators.\n", "status/stale"),
        ("## Console\n\n**Status:** live\n", "fact/status"),
    ],
    ids=["ticked checklist", "status table", "up and running", "status label"],
)
def test_a_service_that_is_not_active_described_as_live(text: str, rule: str) -> None:
    assert [f.rule for f in findings(text)] == [rule]
    assert "planned" in findings(text)[0].message


@pytest.mark.parametrize(
    "text",
    [
        "The Acme API is live; the console comes later.\n",
        "- [ ] Console deployed\n",
        "| Service | Status |\n| --- | --- |\n| console | planned |\n| Acme API | live |\n",
        "None of the research code is meant for production.\n",
    ],
)
def test_live_claims_about_others_or_unticked_stay_silent(text: str) -> None:
    none(text)


def test_what_a_probe_requests_is_the_health_check_path() -> None:
    found = only("The Acme API is probed at `/status` before traffic moves.\n", "fact/path")
    assert "says '/healthz'" in found.message
    none("The Acme API is probed at `/ready` before traffic moves.\n")  # declared too


ROUTES = (
    "    health:\n      - path: /healthz\n",
    "    routes:\n      - path: /admin\n        serves: Admin UI\n        status: planned\n"
    "      - path: /api/*\n        serves: REST API\n    health:\n      - path: /healthz\n",
)


@pytest.mark.parametrize(
    "text",
    [
        "Open `/admin` on api.acme.dev to reach the admin UI.\n",
        "| Path | What | State |\n| --- | --- | --- |\n| `/admin` | Admin UI | served |\n",
    ],
)
def test_a_planned_route_presented_as_served(text: str) -> None:
    from manifest_docs.load import load_text

    manifest = load_text(fixture_text(ROUTES))
    (found,) = findings(text, manifest=manifest)
    assert found.rule == "status/stale"
    assert "the route is planned (services.api.routes[0].status)" in found.message


@pytest.mark.parametrize(
    "text",
    [
        "`/admin` will be served once the admin UI ships.\n",
        "The REST API answers under `/api/v2/users`.\n",
        "Is `/admin` served yet?\n",
    ],
)
def test_active_planned_in_future_or_asked_routes_stay_silent(text: str) -> None:
    from manifest_docs.load import load_text

    assert findings(text, manifest=load_text(fixture_text(ROUTES))) == []


# --------------------------------------------------------------------------- live or not


@pytest.mark.parametrize(
    ("markdown", "said"),
    [
        ("The Acme API is still experimental.\n", "not live"),
        ("Postgres has not been provisioned yet.\n", "not live"),
        ("The console has been serving traffic since May.\n", "live"),
        ("Live today:\n\n- console\n", "live"),
    ],
)
def test_live_and_not_live_claims_against_the_status(markdown: str, said: str) -> None:
    found = only(markdown, "status/stale")
    assert f"is described as {said}, but the manifest says it is" in found.message


@pytest.mark.parametrize(
    "markdown",
    [
        "The console is not live yet.\n",
        "The Acme API is not experimental: it serves every request.\n",
        "The console has not been deployed anywhere.\n",
    ],
)
def test_agreeing_status_claims_stay_silent(markdown: str) -> None:
    none(markdown)


# --------------------------------------------------------------------------- dependencies


def _with_depends() -> LoadedManifest:
    text = fixture_text(
        (
            "    provider: railway\n    deploy:\n",
            "    provider: railway\n    depends_on: [postgres]\n    deploy:\n",
        )
    )
    return load_text(text, shown="manifest.yml")


@pytest.mark.parametrize(
    ("markdown", "line"),
    [
        ("The Acme API reads sessions from Redis.\n", 1),
        ("# Acme API\n\n- Writes results to Postgres\n- Sends reports to the console\n", 4),
        ("| Service | Depends on |\n| --- | --- |\n| api | postgres, redis |\n", 3),
    ],
)
def test_a_dependency_the_manifest_does_not_list_is_reported(markdown: str, line: int) -> None:
    [found] = findings(markdown, manifest=_with_depends())
    assert (found.line, found.rule) == (line, "fact/depends-on")
    assert "says 'postgres' (services.api.depends_on)" in found.message


@pytest.mark.parametrize(
    "markdown",
    [
        "The Acme API reads everything from Postgres.\n",
        "Redis is read by the Acme API.\n",
        "The Acme API never calls the console.\n",
        "The console calls Redis.\n",  # the console writes no depends_on: nothing to compare
    ],
)
def test_agreeing_or_unstated_dependencies_stay_silent(markdown: str) -> None:
    assert findings(markdown, manifest=_with_depends()) == []


def test_a_platform_the_manifest_does_not_know_is_not_the_provider() -> None:
    found = only("# Acme API\n\n- Hosted on Netlify\n", "fact/provider")
    assert "'Netlify' here" in found.message
    assert "says 'railway'" in found.message
    none("# Acme API\n\nThe Acme API is deployed to Production on every merge.\n")
    none("# Acme API\n\nIt is not hosted on Netlify.\n")
