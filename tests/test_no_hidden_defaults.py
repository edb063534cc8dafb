"""Schema v2 assumes nothing a manifest does not say: a domain's DNS is what it states.

Schema v1 took a domain without ``dns`` to be on Cloudflare and proxied. v2 reads an
omitted ``dns.provider`` or ``dns.proxied`` as "not stated"; a v1 file keeps its old
meaning when it loads (where it declares a ``cloudflare`` provider), and ``br-ops
migrate`` writes that meaning into the file so nothing changes on the way to v2.
"""

from __future__ import annotations

import pytest
from manifest_docs.costs import cost_lines
from manifest_docs.dump import same_facts, upgrade_v1
from manifest_docs.load import load_text
from manifestkit import replace_once

# A v2 manifest for a company that has never heard of Cloudflare.
NO_CLOUDFLARE = """\
schema_version: 2
organization:
  name: Osprey
environments:
  prod:
    production: true
providers:
  aws:
    name: AWS
    kind: hosting
  route53:
    name: Route 53
    kind: dns
services:
  api:
    description: The API
    kind: backend
    status: active
    provider: aws
    domains:
      prod: api.osprey.example
domains:
  - name: osprey.example
    tier: primary
    purpose: Everything
    yearly_cost: "12.00"
"""


def test_v2_domain_without_dns_states_no_provider_and_no_proxy() -> None:
    m = load_text(NO_CLOUDFLARE).manifest
    [dom] = m.domains
    assert dom.dns.provider is None
    assert dom.dns.proxied is None
    [line] = [c for c in cost_lines(m) if c.item.startswith("Domain registration")]
    assert line.provider == ""  # no registrar and no DNS provider: nobody is named


def test_v2_stated_dns_is_kept() -> None:
    text = NO_CLOUDFLARE.replace(
        '    yearly_cost: "12.00"\n',
        '    yearly_cost: "12.00"\n    dns:\n      provider: route53\n',
    )
    [dom] = load_text(text).manifest.domains
    assert (dom.dns.provider, dom.dns.proxied) == ("route53", None)


def test_v1_domain_without_dns_keeps_v1s_meaning(minimal_manifest: str) -> None:
    m = load_text(minimal_manifest).manifest
    assert {(d.dns.provider, d.dns.proxied) for d in m.domains} == {("cloudflare", True)}


def test_v1_without_a_cloudflare_provider_assumes_nothing(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "    provider: cloudflare\n", "    provider: railway\n")
    text = replace_once(text, "  cloudflare:\n", "  bunny:\n")
    m = load_text(text).manifest
    assert "cloudflare" not in m.providers
    assert {(d.dns.provider, d.dns.proxied) for d in m.domains} == {(None, None)}


def test_upgrade_writes_v1s_dns_assumption_into_each_domain(minimal_manifest: str) -> None:
    before = load_text(minimal_manifest).manifest
    text = upgrade_v1(minimal_manifest, before)
    assert text.count("dns: {provider: cloudflare, proxied: true}  # what schema v1 assumed") == 2
    after = load_text(text).manifest
    assert after.schema_version == 2
    assert same_facts(before, after)


def test_upgrade_adds_only_the_missing_key_to_a_block_dns(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    service: backend\n",
        "    service: backend\n    dns:\n      ssl_mode: strict\n      proxied: false\n",
    )
    before = load_text(text).manifest
    upgraded = upgrade_v1(text, before)
    assert (
        "    dns:\n      provider: cloudflare  # what schema v1 assumed\n"
        "      ssl_mode: strict\n      proxied: false\n"
    ) in upgraded
    after = load_text(upgraded).manifest
    assert same_facts(before, after)
    assert after.domains[1].dns.proxied is False


def test_upgrade_edits_an_anchor_once_and_its_aliases_follow(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        '    yearly_cost: "12.00"\n',
        '    yearly_cost: "12.00"\n    dns: &edge\n      ssl_mode: full\n',
    )
    text = replace_once(text, "    service: backend\n", "    service: backend\n    dns: *edge\n")
    before = load_text(text).manifest
    upgraded = upgrade_v1(text, before)
    assert upgraded.count("# what schema v1 assumed") == 2  # provider and proxied, once
    assert "    dns: *edge\n" in upgraded
    assert same_facts(before, load_text(upgraded).manifest)


def test_upgrade_leaves_a_flow_mapping_to_the_user(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    service: backend\n", "    service: backend\n    dns: {hsts: true}\n"
    )
    with pytest.raises(ValueError, match=r"domains\[1\]\.dns is a flow mapping"):
        upgrade_v1(text, load_text(text).manifest)


def test_domains_page_shows_unstated_dns_as_a_dash() -> None:
    from manifest_docs.render.pages import render_site

    m = load_text(NO_CLOUDFLARE).manifest
    pages = {p.src_uri: p.content for p in render_site(m).pages}
    domains = pages["domains/index.md"]
    assert "cloudflare" not in domains.lower()
    dns_table = domains.split("## DNS and TLS", 1)[1].split("\n## ", 1)[0]
    [row] = [r for r in dns_table.splitlines() if r.startswith("| <code>osprey.example</code>")]
    assert [c.strip() for c in row.split("|")[2:6]] == ["—", "—", "—", "—"]
    # no registrar and no DNS provider: the registration names nobody
    assert "| &#36;12.00 / year |" in domains


def test_no_cname_unless_the_docs_are_published_on_github_pages() -> None:
    from manifest_docs.profiles import docs_site_file

    text = NO_CLOUDFLARE.replace(
        "  name: Osprey\n", "  name: Osprey\n  docs_url: https://docs.osprey.example\n"
    )
    assert docs_site_file(load_text(text).manifest) is None  # no service serves it
    pages = text.replace(
        "  route53:\n",
        "  pages:\n    name: GitHub Pages\n    kind: hosting\n    type: github-pages\n  route53:\n",
    ).replace(
        "domains:\n  - name: osprey.example\n",
        "domains:\n  - name: docs.osprey.example\n    tier: secondary\n"
        "    purpose: Docs\n    hosting: pages\n  - name: osprey.example\n",
    )
    assert docs_site_file(load_text(pages).manifest) == ("CNAME", "docs.osprey.example\n")
