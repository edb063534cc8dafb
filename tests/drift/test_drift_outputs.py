"""What commands print and what checklists tick: facts the gate reads there too.

``SHOW max_connections`` and ``ALTER SYSTEM SET`` in SQL, ``redis-cli CONFIG GET``
replies, ``dig NS`` answers; a task list's bracketed target quarter and its ticked
items; a plan for a planned service ("will be deployed to Vercel"); a health check's
failure count said of "the service". Each with the controls that must stay silent.
BlackRoad's own manifest is the one compared with.
"""

from __future__ import annotations

import functools

import pytest
from driftkit import REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import LoadedManifest, load_manifest


@functools.cache
def _blackroad() -> LoadedManifest:
    return load_manifest(REPO_ROOT / "manifest.yml", shown="manifest.yml")


def _found(page: str, text: str) -> list[tuple[int, str, str]]:
    """(line, rule, manifest path) of each finding of ``text`` on ``page``."""
    return [
        (f.line, f.rule, f.message.rsplit("(", 1)[-1].rstrip(")"))
        for f in check_sources(_blackroad(), {page: text})
    ]


FENCE = "```"

CAUGHT = [
    (
        "psql-show",
        "guides/rollback.md",
        f"# Rollback\n\nCompare with the limit:\n\n{FENCE}sql\nblackroad=> SHOW max_connections;\n"
        f" max_connections\n-----------------\n 200\n(1 row)\n{FENCE}\n",
        9,
        "services.postgres.resources.max_connections",
    ),
    (
        "alter-system-set",
        "guides/rollback.md",
        f"# Rollback\n\n{FENCE}sql\nALTER SYSTEM SET max_connections = 250;\n{FENCE}\n",
        4,
        "services.postgres.resources.max_connections",
    ),
    (
        "redis-config-get",
        "services/redis.md",
        f'# Redis\n\n{FENCE}text\n$ redis-cli config get maxmemory\n1) "maxmemory"\n'
        f'2) "134217728"\n{FENCE}\n',
        6,
        "services.redis.resources.memory",
    ),
    (
        "dig-ns",
        "guides/rollback.md",
        f"# Rollback\n\n{FENCE}console\n$ dig +short NS blackroad.systems\nns1.cloudflare.com.\n"
        f"ns3.cloudflare.com.\n{FENCE}\n",
        6,
        "providers.cloudflare.nameservers[1]",
    ),
    (
        "tasklist-quarter",
        "infrastructure.md",
        "# Infra\n\nPhase 2 milestones:\n\n- [ ] Prism Console split out (2026-Q1)\n"
        "- [ ] Agents worker live (2026-Q4)\n",
        6,
        "services.blackroad-agents-worker.target_date",
    ),
    (
        "ticked-task-capital-word",
        "guides/deployment.md",
        "# Deploying\n\n- [x] Deploy health-check window raised to 10 minutes\n",
        3,
        "ci_cd.auto_deploy.healthcheck_timeout",
    ),
    (
        "planned-provider",
        "infrastructure.md",
        "# Infra\n\nThe Prism Console will be deployed to Vercel, apart from the rest.\n",
        3,
        "services.prism-console.provider",
    ),
    (
        "retries-of-the-service",
        "guides/deployment.md",
        "# Deploying\n\nThe service is marked unhealthy only after five failed probes.\n",
        3,
        "services.blackroad-backend.deploy.health_check.retries",
    ),
    (
        "endpoint-by-its-description",
        "services/blackroad-backend.md",
        "# Backend\n\nThe detailed health report, with the state of every integration, lives "
        "at `/api/health/all`.\n",
        3,
        "services.blackroad-backend.health[1].path",
    ),
]


@pytest.mark.parametrize(
    ("page", "text", "line", "path"), [c[1:] for c in CAUGHT], ids=[c[0] for c in CAUGHT]
)
def test_caught(page: str, text: str, line: int, path: str) -> None:
    found = _found(page, text)
    assert [(ln, p) for ln, _, p in found] == [(line, path)], found


CLEAN = [
    (
        "psql-show-agrees",
        "guides/rollback.md",
        f"# Rollback\n\n{FENCE}sql\nblackroad=> SHOW max_connections;\n max_connections\n"
        f"-----------------\n 100\n(1 row)\n{FENCE}\n",
    ),
    (
        "dig-ns-agrees",
        "guides/rollback.md",
        f"# Rollback\n\n{FENCE}console\n$ dig +short NS blackroad.systems\nns1.cloudflare.com.\n"
        f"ns2.cloudflare.com.\n{FENCE}\n",
    ),
    (
        "dig-ns-other-zone",
        "guides/rollback.md",
        f"# Rollback\n\n{FENCE}console\n$ dig +short NS example.org\n"
        f"a.iana-servers.net.\n{FENCE}\n",
    ),
    (
        "quarter-agrees",
        "infrastructure.md",
        "# Infra\n\n- [ ] Prism Console split out (2026-Q1)\n",
    ),
    (
        "active-service-future-provider",
        "infrastructure.md",
        "# Infra\n\nThe backend will be deployed to Vercel one day, perhaps.\n",
    ),
    (
        "stock-deploy-timeout",
        "guides/deployment.md",
        "# Deploying\n\nRailway's stock deploy healthcheck timeout is 300 seconds; ours is 5 "
        "minutes.\n",
    ),
    (
        "redis-bytes-agree",
        "services/redis.md",
        f'# Redis\n\n{FENCE}text\n$ redis-cli config get maxmemory\n1) "maxmemory"\n'
        f'2) "268435456"\n{FENCE}\n',
    ),
]


@pytest.mark.parametrize(("page", "text"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean(page: str, text: str) -> None:
    assert _found(page, text) == []


def test_curl_output_shows_a_planned_route_answering() -> None:
    block = (
        "# Backend\n\nThe console is mounted on the backend:\n\n```text\n"
        "$ curl -sI https://blackroad.systems/prism\nHTTP/2 200\n```\n"
    )
    assert _found("services/blackroad-backend.md", block) == [
        (7, "status/stale", "services.blackroad-backend.routes[2].status")
    ]
    assert _found("services/blackroad-backend.md", block.replace("200", "404")) == []
    later = block.replace("The console is mounted on the backend:", "Once it ships, you will see:")
    assert _found("services/blackroad-backend.md", later) == []
