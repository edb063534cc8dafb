"""Provider profiles: what one platform adds, chosen by the provider's ``type``.

A provider's id is the team's own name for it (``rw-prod``, ``edge``); ``type`` says
which platform it is. Railway's and Fly.io's config-as-code files, GitHub Pages'
``<org>.github.io`` target and ``CNAME``, and the DNS proxy and SSL modes of
Cloudflare (which Route 53 lacks) all come from the profile, never from an id.
"""

from __future__ import annotations

import tomllib

import pytest
from manifest_docs.artefacts import GENERATED_NAMES, render_files
from manifest_docs.dns import platform_target
from manifest_docs.load import load_text
from manifest_docs.profiles import NO_PROFILE, PROFILES, docs_site_file, profile_of
from manifestkit import position, problems_in, replace_once

MANIFEST = """\
schema_version: 2
organization:
  name: Osprey
  docs_url: https://docs.osprey.example
  github_org: Osprey-Labs
environments:
  prod:
    production: true
providers:
  rw-prod:
    name: Railway (production project)
    kind: hosting
    type: railway
  machines:
    name: Fly.io
    kind: hosting
    type: fly
    region: fra
  site:
    name: GitHub Pages
    kind: hosting
    type: github-pages
  zones:
    name: Route 53
    kind: dns
    type: route53
  k8s:
    name: EKS
    kind: compute
    type: kubernetes
services:
  api:
    description: The API
    kind: backend
    status: active
    provider: rw-prod
    deploy:
      builder: dockerfile
      start_command: ./api serve
      replicas: 2
  edge:
    description: The edge renderer
    kind: backend
    status: active
    provider: machines
    resources:
      memory: 512MB
      cpu: shared
    deploy:
      dockerfile: Dockerfile.edge
      start_command: node server.js --port 8080
      port: 8080
      restart_policy: on_failure
      max_retries: 3
      health_check:
        path: /healthz
        interval: 15s
        timeout: 2.5s
  docs:
    description: The docs
    kind: docs
    status: active
    provider: site
    domains:
      prod: docs.osprey.example
  jobs:
    description: Batch jobs
    kind: worker
    status: active
    provider: k8s
    deploy:
      start_command: ./jobs
domains:
  - name: osprey.example
    tier: primary
    purpose: Everything
    dns:
      provider: zones
"""


def test_profiles_are_picked_by_type_not_by_id() -> None:
    m = load_text(MANIFEST).manifest
    assert profile_of(m, "rw-prod") is PROFILES["railway"]
    assert profile_of(m, "machines") is PROFILES["fly"]
    assert profile_of(m, "k8s") is NO_PROFILE  # a type no profile covers adds nothing
    assert profile_of(m, "nowhere") is NO_PROFILE
    assert profile_of(m, None) is NO_PROFILE


def test_a_provider_without_a_type_takes_the_profile_its_id_names() -> None:
    text = replace_once(MANIFEST, "  rw-prod:\n", "  railway:\n")
    text = replace_once(text, "    type: railway\n", "")
    text = replace_once(text, "    provider: rw-prod\n", "    provider: railway\n")
    m = load_text(text).manifest
    assert profile_of(m, "railway") is PROFILES["railway"]
    assert "api/railway.toml" in {f.path for f in render_files(m)}


def test_render_writes_each_profiles_files_only() -> None:
    files = {f.path: f.text for f in render_files(load_text(MANIFEST).manifest)}
    assert {p for p in files if not p.startswith(".")} == {
        "api/railway.json",
        "api/railway.toml",
        "edge/fly.toml",
    }
    assert set(GENERATED_NAMES) >= {"railway.toml", "railway.json", "fly.toml"}


def test_fly_toml_parses_and_says_what_the_manifest_says() -> None:
    text = {f.path: f.text for f in render_files(load_text(MANIFEST).manifest)}["edge/fly.toml"]
    assert text.startswith("# fly.toml for edge — generated from manifest.yml by 'br-ops render'")
    config = tomllib.loads(text)
    assert config == {
        "app": "edge",
        "primary_region": "fra",
        "build": {"dockerfile": "Dockerfile.edge"},
        "processes": {"app": "node server.js --port 8080"},
        "http_service": {
            "internal_port": 8080,
            "processes": ["app"],
            "checks": [
                {"method": "GET", "path": "/healthz", "interval": "15s", "timeout": "2500ms"}
            ],
        },
        "restart": [{"policy": "on-failure", "retries": 3}],
        "vm": [{"memory": "512mb", "cpu_kind": "shared"}],
    }


def test_fly_toml_quotes_hostile_commands() -> None:
    text = replace_once(
        MANIFEST,
        "start_command: node server.js --port 8080",
        'start_command: "run\\n[evil]\\n\\"quoted\\" \\\\ end"',
    )
    out = {f.path: f.text for f in render_files(load_text(text).manifest)}["edge/fly.toml"]
    assert "[evil]" not in out.split("\n")
    assert tomllib.loads(out)["processes"]["app"] == 'run\n[evil]\n"quoted" \\ end'


def test_github_pages_profile_gives_target_and_cname() -> None:
    m = load_text(MANIFEST).manifest
    target = platform_target(m, "docs", m.services["docs"])
    assert target == ("osprey-labs.github.io", ("organization", "github_org"))
    assert docs_site_file(m) == ("CNAME", "docs.osprey.example\n")
    moved = load_text(replace_once(MANIFEST, "    provider: site\n", "    provider: k8s\n"))
    assert docs_site_file(moved.manifest) is None  # published elsewhere: no CNAME
    assert platform_target(moved.manifest, "docs", moved.manifest.services["docs"]) is None


@pytest.mark.parametrize(
    ("setting", "needle", "message"),
    [
        (
            "      proxied: true\n",
            "true",
            "proxied: true, but DNS provider 'zones' (Amazon Route 53) has no proxy; "
            "write 'proxied: false' or leave it out",
        ),
        (
            "      ssl_mode: strict\n",
            "strict",
            "ssl_mode is a setting of an edge proxy such as Cloudflare; DNS provider "
            "'zones' (Amazon Route 53) has none, so leave ssl_mode out",
        ),
    ],
)
def test_dns_settings_the_provider_lacks_are_errors_at_their_line(
    setting: str, needle: str, message: str
) -> None:
    text = MANIFEST + setting
    [problem] = problems_in(text)
    line, col = position(text, needle, text.count(needle))
    key = setting.split(":", maxsplit=1)[0].strip()
    assert problem == f"manifest.yml:{line}:{col}: domains[0].dns.{key}: {message}"


def test_proxied_record_on_a_provider_without_a_proxy_is_an_error() -> None:
    records = "    records:\n      - name: www\n        type: CNAME\n        value: x.example.net\n"
    text = MANIFEST + records + "        proxied: true\n"
    [problem] = problems_in(text)
    line = text.splitlines().index("        proxied: true") + 1
    assert problem.startswith(f"manifest.yml:{line}:")
    assert "has no proxy; leave it out" in problem


def test_cloudflare_keeps_its_proxy_and_ssl_modes() -> None:
    text = MANIFEST.replace("    type: route53\n", "    type: cloudflare\n")
    m = load_text(text + "      proxied: true\n      ssl_mode: strict\n").manifest
    assert m.domains[0].dns.proxied is True
