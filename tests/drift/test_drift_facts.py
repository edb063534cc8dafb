"""``fact/<kind>``: prose that states a manifest-owned fact with another value.

Each kind has true positives and false-positive controls: sentences that look close
to a contradiction but are not one (another product's value, a compatible value, a
value of another attribute in the same sentence). The manifest is
``fixtures/manifest.yml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from driftkit import FIXTURE_MANIFEST, br_ops, findings, none, only, parse_lines, project

if TYPE_CHECKING:
    from pathlib import Path

MANIFEST_LINES = FIXTURE_MANIFEST.read_text("utf-8").splitlines()


def manifest_line(needle: str) -> int:
    """1-based line of the fixture manifest holding ``needle`` (its first occurrence)."""
    hits = [i for i, text in enumerate(MANIFEST_LINES, start=1) if needle in text]
    assert hits, needle
    return hits[0]


# (id, markdown, line, rule, value in prose, manifest value, manifest path, manifest needle)
TRUE_POSITIVES = [
    (
        "version-label-under-heading",
        "# PostgreSQL\n\n- **Version**: 14+\n- **Backups**: daily\n",
        3,
        "fact/version",
        "14+",
        "15+",
        "services.postgres.version",
        'version: "15+"',
    ),
    (
        "version-in-sentence",
        "# Data layer\n\nThe Postgres version in production is 14.\n",
        3,
        "fact/version",
        "14",
        "15+",
        "services.postgres.version",
        'version: "15+"',
    ),
    (
        "version-db-label",
        "# PostgreSQL\n\nThe DB version is 14.\n",
        3,
        "fact/version",
        "14",
        "15+",
        "services.postgres.version",
        'version: "15+"',
    ),
    (
        "memory-sentence",
        "# Cache\n\nRedis memory is 128MB.\n",
        3,
        "fact/memory",
        "128MB",
        "256MB",
        "services.redis.resources.memory",
        "memory: 256MB",
    ),
    (
        "memory-table-column",
        "# Data\n\n| Service | Memory |\n| --- | --- |\n| Postgres | 512MB |\n| Redis | 128MB |\n",
        6,
        "fact/memory",
        "128MB",
        "256MB",
        "services.redis.resources.memory",
        "memory: 256MB",
    ),
    (
        "memory-size-label",
        "### Redis (Railway)\n\n- **Size**: Shared, 128MB (starter)\n",
        3,
        "fact/memory",
        "128MB",
        "256MB",
        "services.redis.resources.memory",
        "memory: 256MB",
    ),
    (
        "storage",
        "# PostgreSQL\n\n- **Storage**: 5 GB\n",
        3,
        "fact/storage",
        "5 GB",
        "10GB",
        "services.postgres.resources.storage",
        "storage: 10GB",
    ),
    (
        "shared-buffers",
        "# PostgreSQL\n\n`shared_buffers` is 256MB.\n",
        3,
        "fact/shared_buffers",
        "256MB",
        "128MB",
        "services.postgres.resources.shared_buffers",
        "shared_buffers: 128MB",
    ),
    (
        "memory-next-to-shared-buffers",
        "# PostgreSQL\n\nshared_buffers is 128MB and memory 1GB.\n",
        3,
        "fact/memory",
        "1GB",
        "512MB",
        "services.postgres.resources.memory",
        "memory: 512MB",
    ),
    (
        "max-connections",
        "# PostgreSQL\n\nmax_connections = 200\n",
        3,
        "fact/max_connections",
        "200",
        "100",
        "services.postgres.resources.max_connections",
        "max_connections: 100",
    ),
    (
        "persistence-aof-vs-rdb",
        "# Redis\n\n- **Persistence**: AOF enabled\n",
        3,
        "fact/persistence",
        "AOF",
        "rdb",
        "services.redis.resources.persistence",
        "persistence: rdb",
    ),
    (
        "eviction",
        "# Redis\n\nThe eviction policy is volatile-lru.\n",
        3,
        "fact/eviction",
        "volatile-lru",
        "allkeys-lru",
        "services.redis.resources.eviction_policy",
        "eviction_policy: allkeys-lru",
    ),
    (
        "port-at-sentence-end",
        "# API\n\nThe API listens on port 9000.\n",
        3,
        "fact/port",
        "9000",
        "8080",
        "services.api.deploy.port",
        "port: 8080",
    ),
    (
        "replicas-instances-label",
        "# Acme API\n\n- Instances: 3\n",
        3,
        "fact/replicas",
        "3",
        "2",
        "services.api.deploy.replicas",
        "replicas: 2",
    ),
    (
        "health-check-path",
        "# API\n\nThe health check path is `/health`.\n",
        3,
        "fact/path",
        "/health",
        "/healthz",
        "services.api.deploy.health_check.path",
        "        path: /healthz",
    ),
    (
        "health-check-timeout",
        "# API\n\nThe health check timeout is 10 seconds.\n",
        3,
        "fact/timeout",
        "10 seconds",
        "5s",
        "services.api.deploy.health_check.timeout",
        "timeout: 5s",
    ),
    (
        "health-check-interval",
        "# API\n\nRailway probes the API every 45s.\n",
        3,
        "fact/interval",
        "45s",
        "30s",
        "services.api.deploy.health_check.interval",
        "interval: 30s",
    ),
    (
        "deploy-timeout",
        "# Railway\n\nThe deploy timeout is 10 minutes.\n",
        3,
        "fact/deploy-timeout",
        "10 minutes",
        "5m",
        "ci_cd.auto_deploy.healthcheck_timeout",
        "healthcheck_timeout: 5m",
    ),
    (
        "ttl-table-row-with-prefix",
        "# Redis\n\n| Prefix | TTL |\n| --- | --- |\n"
        "| `session:*` | 2h |\n| `cache:*` | 5-60 min |\n",
        5,
        "fact/ttl",
        "2h",
        "1h",
        "services.redis.key_namespaces[0].ttl",
        "ttl: 1h",
    ),
    (
        "ttl-range",
        "# Redis\n\nCached responses (`cache:*`) expire after 5-30 minutes.\n",
        3,
        "fact/ttl",
        "5-30 minutes",
        "5m-60m",
        "services.redis.key_namespaces[1].ttl",
        "ttl: 5m",
    ),
    (
        "ttl-expire-verb",
        "# Redis\n\nSessions (`session:*`) expire after 2 hours.\n",
        3,
        "fact/ttl",
        "2 hours",
        "1h",
        "services.redis.key_namespaces[0].ttl",
        "ttl: 1h",
    ),
    (
        "retention",
        "# PostgreSQL\n\nBackups are retained for 30 days.\n",
        3,
        "fact/retention",
        "30 days",
        "7d",
        "services.postgres.backups.retention",
        "retention: 7d",
    ),
    (
        "region-in-railway-section",
        "## Railway (hosting)\n\n- **Region**: us-west-2\n",
        3,
        "fact/region",
        "us-west-2",
        "us-west1",
        "providers.railway.region",
        "region: us-west1",
    ),
    (
        "ssl-full-strict",
        "## Cloudflare\n\n- **SSL**: Full (strict) mode\n",
        3,
        "fact/ssl",
        "Full (strict)",
        "full",
        "domains[0].dns.ssl_mode",
        "ssl_mode: full",
    ),
    (
        "ssl-from-heading",
        "## Cloudflare\n\n### SSL/TLS\n\n- **Mode:** Full (strict)\n- **HSTS:** on\n",
        5,
        "fact/ssl",
        "Full (strict)",
        "full",
        "domains[0].dns.ssl_mode",
        "ssl_mode: full",
    ),
    (
        "start-command-toml-under-provider",
        '## Deploying on Railway\n\n```toml\n[deploy]\nstartCommand = "python -m acme"\n```\n',
        5,
        "fact/start-command",
        "python -m acme",
        "gunicorn acme.wsgi --bind 0.0.0.0:$PORT",
        "services.api.deploy.start_command",
        "start_command:",
    ),
    (
        "start-command-toml-under-service",
        "## API\n\nIts `railway.toml`:\n\n"
        '```toml\n[deploy]\nstartCommand = "gunicorn acme.app"\n```\n',
        7,
        "fact/start-command",
        "gunicorn acme.app",
        "gunicorn acme.wsgi --bind 0.0.0.0:$PORT",
        "services.api.deploy.start_command",
        "start_command:",
    ),
    (
        "rto",
        "# Disaster recovery\n\nOur RTO is 1 hour.\n",
        3,
        "fact/rto",
        "1 hour",
        "30m",
        "disaster_recovery.rto",
        "rto: 30m",
    ),
    (
        "rpo",
        "# Disaster recovery\n\nRTO is 30 minutes and RPO is 12 hours.\n",
        3,
        "fact/rpo",
        "12 hours",
        "24h",
        "disaster_recovery.rpo",
        "rpo: 24h",
    ),
    (
        "port-of-the-nearest-subject",
        "# Overview\n\nThe API listens on port 9000 and talks to Redis.\n",
        3,
        "fact/port",
        "9000",
        "8080",
        "services.api.deploy.port",
        "port: 8080",
    ),
    (
        "timeout-under-bold-lead-in",
        "## Monitoring\n\n**Railway health checks**:\n- Path: `/healthz`\n"
        "- Interval: 30 seconds\n- Timeout: 10 seconds\n",
        6,
        "fact/timeout",
        "10 seconds",
        "5s",
        "services.api.deploy.health_check.timeout",
        "timeout: 5s",
    ),
    (
        "timeout-under-service-on-provider-heading",
        "## API on Railway\n\n### Health check\n\n- **Timeout**: 10s\n",
        5,
        "fact/timeout",
        "10s",
        "5s",
        "services.api.deploy.health_check.timeout",
        "timeout: 5s",
    ),
    (
        "start-command-in-prose-under-service",
        "## API\n\nThe start command is `gunicorn acme.app`.\n",
        3,
        "fact/start-command",
        "gunicorn acme.app",
        "gunicorn acme.wsgi --bind 0.0.0.0:$PORT",
        "services.api.deploy.start_command",
        "start_command:",
    ),
    (
        "start-command-in-prose-naming-service",
        "# Deploying\n\nThe API's start command is `python -m acme`.\n",
        3,
        "fact/start-command",
        "python -m acme",
        "gunicorn acme.wsgi --bind 0.0.0.0:$PORT",
        "services.api.deploy.start_command",
        "start_command:",
    ),
    (
        "start-command-table-row",
        "## API\n\n| Setting | Value |\n| --- | --- |\n| Start command | `npm start` |\n",
        5,
        "fact/start-command",
        "npm start",
        "gunicorn acme.wsgi --bind 0.0.0.0:$PORT",
        "services.api.deploy.start_command",
        "start_command:",
    ),
    (
        "version-of-a-named-subject",
        "# Notes\n\nWe run version 14 of PostgreSQL.\n",
        3,
        "fact/version",
        "14",
        "15+",
        "services.postgres.version",
        'version: "15+"',
    ),
    (
        "ssl-off-after-ssl-label",
        "## Cloudflare\n\n- **SSL**: off\n",
        3,
        "fact/ssl",
        "off",
        "full",
        "domains[0].dns.ssl_mode",
        "ssl_mode: full",
    ),
    (
        "count",
        "# Overview\n\nThe platform runs 4 active services.\n",
        3,
        "fact/count",
        "4",
        "3 active",
        "services",
        "services:",
    ),
]


@pytest.mark.parametrize(
    ("markdown", "line", "rule", "found", "want", "path", "needle"),
    [pytest.param(*case[1:], id=case[0]) for case in TRUE_POSITIVES],
)
def test_true_positive(
    markdown: str, line: int, rule: str, found: str, want: str, path: str, needle: str
) -> None:
    finding = only(markdown, rule)
    assert finding.line == line
    assert finding.severity == "error"
    where = manifest_line(needle)
    if path == "services":  # the mapping of services: cited at its first entry
        where = manifest_line("  api:")
    assert f" is {found!r} here, manifest.yml:{where} says {want!r} ({path})" in finding.message


def test_count_cites_the_services_mapping() -> None:
    finding = only("There are 2 planned services.\n", "fact/count")
    assert finding.message == (
        "planned services is '2' here, manifest.yml:"
        f"{manifest_line('  api:')} says '1 planned' (services)"
    )


def test_interval_and_timeout_in_one_sentence_each_take_their_own_value() -> None:
    found = findings("# API\n\nThe health check runs every 45s with a timeout of 10s.\n")
    assert sorted((f.rule, f.message.split(" here")[0]) for f in found) == [
        ("fact/interval", "API is '45s'"),
        ("fact/timeout", "API is '10s'"),
    ]


FALSE_POSITIVE_CONTROLS = [
    # version
    ("other-product-version", "# PostgreSQL\n\nThe console is built with Next.js 14+ on top.\n"),
    ("other-product-version-label", "# Setup\n\nInstall Python version 3.11 and PostgreSQL 15.\n"),
    ("compatible-without-attribute", "# PostgreSQL\n\nWe run PostgreSQL 15 in production.\n"),
    ("compatible-minor", "# PostgreSQL\n\n- **Version**: 15.4\n"),
    ("upgrade-history", "# PostgreSQL\n\nUpgraded from version 14 to version 15 in 2024.\n"),
    ("version-of-no-subject", "# Tooling\n\nThe version of the CLI is 2.\n"),
    # sizes
    ("nginx-buffers-in-redis-section", "# Redis\n\nnginx keeps 128MB of buffers in front of it.\n"),
    ("memory-agrees", "# Redis\n\nRedis memory is 256MB, version 7+.\n"),
    (
        "memory-table-agrees",
        "# Data\n\n| Service | Memory |\n| --- | --- |\n| Postgres | 512MB |\n| Redis | 256MB |\n",
    ),
    ("two-sizes-two-attributes", "# PostgreSQL\n\nshared_buffers is 128MB and memory 512MB.\n"),
    ("cache-size-is-not-memory", "# PostgreSQL\n\nThe effective cache size is 1GB.\n"),
    ("growth-rate-is-not-storage", "# PostgreSQL\n\nStorage grows by 1GB per month.\n"),
    ("size-without-subject", "# Costs\n\nThe Railway plan costs $5 and has 8GB RAM.\n"),
    # ints
    (
        "port-agrees-other-port-nearby",
        "# API\n\nThe API runs on port 8080 behind Cloudflare on port 443.\n",
    ),
    ("replicas-agree", "# API\n\nRun 2 replicas.\n"),
    ("replicas-range", "# API\n\n- **Instances**: Auto-scaling (1-3)\n"),
    ("connections-agree", "# PostgreSQL\n\nmax_connections is 100.\n"),
    # paths
    ("health-endpoint-listed", "# API\n\nThe health check hits `/ready`.\n"),
    (
        "other-paths-before-the-right-one",
        "# API\n\nThe API exposes `/v1/items` and `/ready`; the health check path is `/healthz`.\n",
    ),
    # durations
    (
        "interval-and-timeout-agree",
        "# API\n\nThe health check runs every 30s with a timeout of 5s.\n",
    ),
    (
        "timeout-then-interval-agree",
        "# API\n\nThe health check timeout is 5s and it retries every 30 seconds.\n",
    ),
    (
        "deploy-wait-is-not-health-timeout",
        "# API\n\nDeploys time out after 5 minutes; the health check timeout is 5s.\n",
    ),
    ("ttl-without-namespace", "# Redis\n\nThe TTL is 10 minutes.\n"),
    ("ttl-agrees", "# Redis\n\nSessions (`session:*`) expire after 1 hour.\n"),
    ("ttl-range-agrees", "# Redis\n\n| Prefix | TTL |\n| --- | --- |\n| `cache:*` | 5-60 min |\n"),
    ("retention-agrees", "# PostgreSQL\n\nBackup retention: 7 days.\n"),
    # region
    ("region-agrees", "# Railway\n\nThe Railway region is us-west1.\n"),
    (
        "aws-region-in-railway-section",
        "# Railway\n\nThe S3 bucket lives in AWS region eu-west-1.\n",
    ),
    ("region-without-subject", "# Backups\n\nBackups go to S3 in region eu-west-1.\n"),
    # ssl
    ("ssl-full-agrees", "## Cloudflare\n\n- **SSL**: Full\n"),
    ("ssl-certificate-product", "## Cloudflare\n\n- **Certificate**: Cloudflare Universal SSL\n"),
    ("ssl-encryption-mode-full", "## Cloudflare\n\nSSL/TLS encryption mode: Full.\n"),
    # persistence
    ("persistence-rdb-snapshots", "# Redis\n\n- **Persistence**: RDB snapshots\n"),
    # start command
    (
        "start-command-agrees",
        "## API\n\n```toml\n[deploy]\n"
        'startCommand = "gunicorn acme.wsgi --bind 0.0.0.0:$PORT"\n```\n',
    ),
    (
        "start-command-no-subject",
        '## Some other app\n\n```toml\n[deploy]\nstartCommand = "npm start"\n```\n',
    ),
    # global facts
    ("rto-rpo-agree", "# Recovery\n\nRTO: 30 minutes, RPO: 24 hours.\n"),
    ("counts-agree", "# Overview\n\nWe run 3 active services and 1 planned service.\n"),
    # values that are parts of names
    ("hostname-digits", "# API\n\nThe API version 2 docs live at `api.acme.dev/v2`.\n"),
    # the value belongs to the nearest subject, which has no such fact
    ("port-of-a-subject-without-port", "# API\n\nThe API talks to PostgreSQL on port 5432.\n"),
    ("port-of-redis", "# API\n\nIt connects to Redis on port 6379.\n"),
    # a table row whose first cell names something else is not about the heading
    (
        "client-library-version-row",
        "## Redis\n\n| Package | Version |\n| --- | --- |\n| redis-py | 5.0.1 |\n",
    ),
    (
        "extension-and-runtime-version-rows",
        "## PostgreSQL\n\n| Extension | Version |\n| --- | --- |\n"
        "| pgvector | 0.5.1 |\n| Python | 3.11 |\n",
    ),
    (
        "client-row-naming-the-subject-later",
        "## Redis\n\n| Client | Version | Notes |\n| --- | --- | --- |\n"
        "| redis-py | 5.0.1 | talks to Redis |\n",
    ),
    # intervals and timeouts are health-check facts
    ("log-rotation-every", "# API\n\nThe API rotates its logs every 24h.\n"),
    ("request-timeout", "# API\n\nThe request timeout is 30s for uploads.\n"),
    ("upstream-timeout", "# API\n\nThe API sets a 10s timeout on upstream calls.\n"),
    (
        "probe-timeout-agrees-service-before-provider",
        "## API on Railway\n\n### Health check\n\n- **Timeout**: 5s\n",
    ),
    # "size" is a memory label, not any size
    ("snapshot-size", "# Redis\n\nRedis snapshots are about 50MB in size.\n"),
    # bare "strict" / "off" only right after "SSL (mode)"
    (
        "hsts-strict",
        "## Cloudflare\n\nWe use a Cloudflare SSL certificate and we keep HSTS strict.\n",
    ),
    ("waf-off", "## Cloudflare\n\n### SSL/TLS\n\n- **Mode**: Full\n- The WAF is off.\n"),
    # "version X of Y" names its own owner
    ("version-of-another-product", "# PostgreSQL\n\nversion 3.11 of Python runs the backend.\n"),
    ("runs-version-of-python", "# PostgreSQL\n\nThe backend runs version 3.11 of Python.\n"),
    ("the-version-of-python", "# PostgreSQL\n\nThe version of Python is 3.11.\n"),
    # start commands are code spans joined to the words
    ("start-command-file", "## API\n\nThe start command is set in `railway.toml`.\n"),
    (
        "start-command-from-a-macro",
        "## API\n\n- **Start command.** The image starts with `{{ x }}`, written into "
        "`deploy/api/railway.toml` by `br-ops render`.\n",
    ),
    (
        "start-command-agrees-in-prose",
        "## API\n\nThe start command is `gunicorn acme.wsgi --bind 0.0.0.0:$PORT`.\n",
    ),
    # a provider's inherited health check is the hosted service's, not another's
    (
        "path-of-a-service-on-the-provider",
        "## Redis on Railway\n\n- **Health check path**: `/ping`\n",
    ),
]


@pytest.mark.parametrize(
    "markdown", [pytest.param(md, id=name) for name, md in FALSE_POSITIVE_CONTROLS]
)
def test_false_positive_control(markdown: str) -> None:
    none(markdown)


def test_subject_and_context_rules_through_the_command(tmp_path: Path) -> None:
    docs = {
        "index.md": "# Home\n\nThe API talks to PostgreSQL on port 5432.\n",
        "ops.md": "## Monitoring\n\n**Railway health checks**:\n- Interval: 30 seconds\n"
        "- Timeout: 10 seconds\n\n## Redis\n\n| Package | Version |\n| --- | --- |\n"
        "| redis-py | 5.0.1 |\n\nRedis rotates its logs every 24h.\n",
    }
    result = br_ops("check", cwd=project(tmp_path, docs))
    assert result.returncode == 1, result.stdout + result.stderr
    [finding] = parse_lines(result.stdout)
    assert (finding.file, finding.line, finding.rule) == ("docs/ops.md", 5, "fact/timeout")
    assert finding.message.startswith("Railway is '10 seconds' here, manifest.yml:")
    assert "Traceback" not in result.stderr
