"""Shared fixtures: a small valid v1 manifest, a file writer and the upstream reference."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "blackroad"
"""The upstream BlackRoad material (``../shared/reference/blackroad``); may be absent."""

MINIMAL_MANIFEST = """\
schema_version: 1
organization:
  name: Example Org
  control_plane_repo: example/infra
  docs_url: https://docs.example.com
phases:
  - id: 1
    name: Launch
    status: current
  - id: 2
    name: Growth
    status: planned
providers:
  railway:
    name: Railway
    kind: hosting
  cloudflare:
    name: Cloudflare
    kind: dns
  github-pages:
    name: GitHub Pages
    kind: hosting
  github:
    name: GitHub
    kind: ci
services:
  postgres:
    description: Primary database
    aliases: [PostgreSQL]
    kind: database
    status: active
    phase: 1
    provider: railway
    version: "15+"
    resources:
      memory: 512MB
      storage: 1GB
    exports:
      - name: DATABASE_URL
        description: Connection string for the primary database
        format: postgresql://user:pass@host:5432/db
  redis:
    description: Cache and sessions
    kind: cache
    status: active
    phase: 1
    provider: railway
    version: "7+"
    resources:
      memory: 256MB
    exports:
      - name: REDIS_URL
        description: Connection string for the cache
  backend:
    description: Main API
    kind: backend
    status: active
    phase: 1
    provider: railway
    depends_on:
      - postgres
      - redis
    domains:
      prod: api.example.com
    health:
      - path: /health
    env:
      - name: DATABASE_URL
        tier: required
        description: Database connection
        provided_by: postgres
      - name: SECRET_KEY
        tier: required
        description: Signing key for sessions
        secret: true
        generate: openssl rand -hex 32
      - name: LOG_LEVEL
        tier: optional
        description: Log verbosity
        default: INFO
        allowed: [DEBUG, INFO, WARNING]
  worker:
    description: Background jobs
    kind: worker
    status: planned
    phase: 2
    provider: railway
    depends_on:
      - backend
domains:
  - name: example.com
    tier: primary
    purpose: Marketing site
    hosting: github-pages
    yearly_cost: "12.00"
  - name: api.example.com
    tier: primary
    purpose: Public API
    service: backend
costs:
  - item: Railway Hobby plan
    provider: railway
    amount: "5.00"
    period: month
    phase: 1
  - item: Cloudflare Pro
    provider: cloudflare
    amount: 20
    period: month
    phase: 2
    estimate: true
ci_cd:
  workflows:
    - name: tests
      file: .github/workflows/tests.yml
      triggers: [push, pull_request]
    - name: deploy
      file: .github/workflows/deploy.yml
      triggers: [push]
      requires: [tests]
  secrets_required:
    - RAILWAY_TOKEN
"""
"""A small valid v1 manifest: 2 phases, 4 providers, 4 services, 2 domains, 2 costs."""


def write(tmp_path: Path, text: str | bytes, name: str = "manifest.yml") -> Path:
    """Write ``text`` (or raw bytes) to ``tmp_path / name`` and return the path."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def minimal_manifest() -> str:
    """The text of a small, valid schema-v1 manifest."""
    return MINIMAL_MANIFEST


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[..., Path]:
    """:func:`write` bound to this test's ``tmp_path``: ``write_manifest(text, name=...)``.

    Test modules take helpers from fixtures rather than ``from conftest import``: with more
    than one ``conftest.py`` under ``tests/`` that import finds whichever was loaded last.
    """
    return functools.partial(write, tmp_path)


@pytest.fixture
def reference() -> Path:
    """The upstream reference folder; skips the test when it is not checked out here."""
    if not REFERENCE.is_dir():
        pytest.skip(f"upstream reference material not found at {REFERENCE}")
    return REFERENCE
