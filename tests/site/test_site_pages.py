"""One real MkDocs build of the fixture manifest: every generated URL exists and shows its facts.

The project has a narrative for ``backend`` (appended to its generated page), a
hand-written page using the macros, mkdocstrings for the API page, and ``repo_url`` +
``edit_uri`` so the edit links can be checked.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from manifest_docs.load import load_manifest
from manifest_docs.model import Service
from sitekit import (
    FIXTURE_MANIFEST,
    Node,
    Page,
    build_site,
    nav_tree,
    read_page,
    write_project,
)

if TYPE_CHECKING:
    from pathlib import Path

NARRATIVE = """\
---
title: ignored front matter
---

## Operating notes

The backend restarts cleanly; it listens on port {{ service('backend').deploy.port }}.
"""

FACTS_PAGE = """\
# Facts

Redis runs version {{ service('redis').version }}.

Phase 1 costs {{ cost_total(phase=1) }} a month amortised,
{{ cost_total(phase=1, period='month') }} in monthly lines.

{{ env_table('backend') }}
"""

REPO = "https://github.com/example/infra/"
SERVICES = ["backend", "postgres", "redis", "docs-site", "gateway", "ml-lab"]
URLS = [
    "services/",
    *(f"services/{name}/" for name in SERVICES),
    "domains/",
    "costs/",
    "environment/",
    "architecture/",
    "phases/",
    "reference/schema/",
    "reference/api/",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    config = write_project(
        root,
        docs={"services/backend.md": NARRATIVE, "facts.md": FACTS_PAGE},
        options={"drift": "off"},
        api=True,
    )
    return build_site(config, strict=True)


def page(site: Path, url: str) -> Page:
    return read_page(site, url)


def row(node: Node, first_cell: str) -> list[str]:
    """The body row of a table under ``node`` whose first cell is ``first_cell``."""
    for cells in node.rows():
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r} in {node.rows()}")


def edit_link(p: Page) -> str:
    return p.article.find("a", "md-content__button").attrs["href"]


# --------------------------------------------------------------------------- every URL


def test_fixture_manifest_is_the_one_described_here() -> None:
    manifest = load_manifest(FIXTURE_MANIFEST).manifest
    assert sorted(manifest.services) == sorted(SERVICES)


@pytest.mark.parametrize("url", URLS)
def test_every_generated_url_is_built_with_a_title(site: Path, url: str) -> None:
    p = page(site, url)
    assert p.article.find("h1").text().strip()
    assert "manifest-docs.css" in {
        link.attrs.get("href", "").rsplit("/", 1)[-1] for link in p.doc.find_all("link")
    }


def test_generated_pages_sit_in_one_navigation_section(site: Path) -> None:
    # navigation.prune: only the open page's branch is expanded
    assert nav_tree(page(site, "services/redis/").doc) == [
        "Home",
        "Facts",
        (
            "Infrastructure",
            [
                (
                    "Services",
                    [
                        ("Active", ["backend", "docs-site", "postgres", "redis"]),
                        ("Experimental", None),
                        ("Planned", None),
                    ],
                ),
                "Domains",
                "Costs",
                "Environment variables",
                "Architecture",
                "Roadmap",
                ("Reference", None),
            ],
        ),
    ]


def test_cname_file_comes_from_the_docs_url(site: Path) -> None:
    assert (site / "CNAME").read_text("utf-8") == "docs.example.org\n"


def test_search_index_contains_generated_pages(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert {"services/redis/", "costs/", "environment/"} <= locations


# --------------------------------------------------------------------------- catalog


def test_catalog_groups_services_by_status_then_phase(site: Path) -> None:
    article = page(site, "services/").article
    assert article.headings("h2") == [
        "Active · phase 1 (Foundation)",
        "Experimental · phase 2 (Expansion)",
        "Planned · phase 2 (Expansion)",
    ]
    active = article.section("Active · phase 1 (Foundation)")
    assert [r[0] for r in active.rows()] == ["backend", "docs-site", "postgres", "redis"]
    planned = article.section("Planned · phase 2 (Expansion)")
    # The heading gives status and phase; a target date sits under the service's name.
    assert planned.rows() == [
        ["gateway target 2026-Q3", "gateway", "Railway", "—", "gw.example.org"],
    ]
    assert planned.find_all("span", "mdocs-aside")[0].text() == "target 2026-Q3"
    assert "6 services:\n4 active, 1 experimental, 1 planned." in article.text()


def test_catalog_status_badges_carry_the_status_class(site: Path) -> None:
    article = page(site, "services/").article
    badges = {b.text(): b.classes for b in article.find_all("span", "mdocs-badge")}
    assert badges["active"] >= {"mdocs-badge", "mdocs-badge--active"}
    assert badges["planned"] >= {"mdocs-badge--planned"}
    assert badges["experimental"] >= {"mdocs-badge--experimental"}


def test_catalog_rows_link_to_built_service_pages(site: Path) -> None:
    article = page(site, "services/").article
    for name in SERVICES:
        href = article.link(name)
        assert href == f"{name}/"
        assert (site / "services" / href / "index.html").is_file()


def test_catalog_shows_provider_owner_and_domain(site: Path) -> None:
    # Five columns fit a desktop column; health endpoints are on each service's page.
    article = page(site, "services/").article
    cells = row(article, "backend")
    assert cells[1:] == ["backend", "Railway", "platform-team", "api.example.org"]
    assert "/healthz" not in article.text()


# --------------------------------------------------------------------------- a service page


def test_service_overview(site: Path) -> None:
    article = page(site, "services/backend/").article
    assert article.find("h1").text() == "backend"
    overview = article.section("Overview")
    facts = {cells[0]: cells[1] for cells in overview.rows()}
    assert facts["Status"] == "active"
    assert facts["Kind"] == "backend"
    assert facts["Phase"] == "1 — Foundation (current)"
    assert facts["Owner"] == "platform-team"
    assert facts["Provider"] == "Railway (eu-west4)"
    assert facts["Repository"] == "example/backend (main)"
    assert facts["Also called"] == "API server"
    assert overview.link("example/backend") == "https://github.com/example/backend"


def test_service_deployment_shows_start_command_port_and_health_check(site: Path) -> None:
    deployment = page(site, "services/backend/").article.section("Deployment")
    facts = {cells[0]: cells[1] for cells in deployment.rows()}
    assert facts["Start command"] == "uvicorn app.main:app --host 0.0.0.0 --port $PORT"
    assert facts["Port"] == "8000"
    assert facts["Replicas"] == "2"
    assert facts["Health check"] == "/healthz every 30s, timeout 5s, 3 retries"
    assert facts["Platform hostname"] == "backend-prod.up.railway.app"


def test_service_health_endpoints(site: Path) -> None:
    health = page(site, "services/backend/").article.section("Health endpoints")
    assert health.rows() == [
        ["GET", "/healthz", "200", "Liveness probe."],
        ["HEAD", "/readyz", "204", "Readiness probe that checks the database."],
    ]


def test_service_routes_show_their_own_status(site: Path) -> None:
    section = page(site, "services/backend/").article.section("Domains and routes")
    assert row(section, "/api/*")[1:] == ["REST API", "api", "active"]
    assert row(section, "/admin")[1:] == ["Admin panel", "static", "planned"]
    badge = [b for b in section.find_all("span", "mdocs-badge") if b.text() == "planned"]
    assert badge
    assert "mdocs-badge--planned" in badge[0].classes
    # Every hostname of every environment, with the record that sends it here.
    assert section.tables()[0] == [
        ["Environment", "Hostname", "Record"],
        ["prod", "api.example.org", "CNAME backend-prod.up.railway.app"],
        ["prod", "example.org", "CNAME backend-prod.up.railway.app (proxied)"],
        ["staging", "staging-api.example.org", "—"],
    ]
    assert "Registered domains pointing here: example.org (active)." in section.text()


def test_service_network_says_how_it_is_reached_and_protected(site: Path) -> None:
    network = page(site, "services/postgres/").article.section("Network")
    assert network.rows() == [
        ["Access", "private network only"],
        ["TLS in transit", "required"],
        ["Encrypted at rest", "yes"],
    ]
    assert "Reached over the platform's private network only." in network.text()
    assert "Network" not in page(site, "services/backend/").article.headings("h2")


def test_service_runbooks_list_their_steps_as_text(site: Path) -> None:
    runbooks = page(site, "services/backend/").article.section("Runbooks")
    assert runbooks.headings("h3") == ["Roll back a deploy", "Paging"]
    assert [li.text() for li in runbooks.find_all("li")] == [
        "Open the platform's deployments",
        "Or: git revert <commit> && git push",  # markup in a step stays text
    ]
    assert "For deploys." in runbooks.text()
    assert runbooks.link("https://runbooks.example.org/paging") == (
        "https://runbooks.example.org/paging"
    )


def test_service_dependencies_link_both_ways(site: Path) -> None:
    deps = page(site, "services/backend/").article.section("Dependencies")
    assert deps.rows() == [["postgres, redis", "gateway"]]
    assert deps.link("postgres") == "../postgres/"
    assert deps.link("gateway") == "../gateway/"
    used_by = page(site, "services/postgres/").article.section("Dependencies")
    assert used_by.rows() == [["—", "backend"]]


def test_service_env_vars_are_grouped_by_tier(site: Path) -> None:
    env = page(site, "services/backend/").article.section("Environment variables")
    assert env.headings("h3") == ["Required", "Important", "Optional"]
    tables = env.tables()
    assert [r[0] for r in tables[0][1:]] == ["DATABASE_URL", "REDIS_URL", "SECRET_KEY"]
    assert [r[0] for r in tables[1][1:]] == ["SENTRY_DSN"]
    assert tables[0][0] == ["Variable", "Description", "Value"]
    assert tables[2][1] == [
        "LOG_LEVEL",
        "Log verbosity.",
        "default INFO; one of DEBUG, INFO, WARNING",
    ]
    assert row(env, "DATABASE_URL")[2] == (
        "exported by postgres; for example postgresql://user:pass@host:5432/app"
    )
    assert row(env, "SECRET_KEY")[2] == "secret generate: openssl rand -hex 32"


def test_service_env_secrets_are_marked_and_never_valued(site: Path) -> None:
    env = page(site, "services/backend/").article.section("Environment variables")
    assert row(env, "SECRET_KEY")[2] == "secret generate: openssl rand -hex 32"
    assert row(env, "SENTRY_DSN")[2] == "secret —"
    marks = env.find_all("span", "mdocs-secret")
    assert len(marks) == 2
    assert "secret" not in row(env, "LOG_LEVEL")[2]
    assert env.link(".env.example") == "../../environment/backend.env.example"


def test_service_exports_list_their_consumers(site: Path) -> None:
    exports = page(site, "services/postgres/").article.section("Exported variables")
    assert exports.rows() == [
        [
            "DATABASE_URL",
            "Connection string of the primary database.",
            "postgresql://user:pass@host:port/db",
            "backend",
        ],
    ]
    assert exports.link("backend") == "../backend/"


def test_service_backups_and_migrations(site: Path) -> None:
    article = page(site, "services/postgres/").article
    backups = article.section("Backups")
    assert {c[0]: c[1] for c in backups.rows()} == {
        "Enabled": "yes",
        "Frequency": "daily",
        "Retention": "14d",
        "Stored": "Railway volume snapshots",
    }
    steps = [li.text() for li in backups.find("ol").find_all("li")]
    assert steps == ["Open the Backups tab", "Restore the newest snapshot"]
    assert article.section("Migrations").text().strip() == (
        "alembic in migrations/; applied automatically on deploy."
    )


def test_service_key_namespaces(site: Path) -> None:
    keys = page(site, "services/redis/").article.section("Key namespaces")
    assert keys.rows() == [
        ["session:*", "session:{user_id}", "1h", "Signed-in user sessions."],
        ["rate:*", "rate:{ip}", "1m – 10m", "Request counters per client."],
        ["events", "events", "no expiry", "Pub/sub channel."],
    ]


def test_service_costs_review_and_links(site: Path) -> None:
    article = page(site, "services/backend/").article
    costs = article.section("Costs").tables()
    assert costs[0][1:] == [
        ["Railway Hobby plan", "Railway", "$20.00 / month", "1"],
        ["Domain registration: example.org", "Cloudflare", "$25.00 / year", "1+"],
    ]
    assert costs[1][1:] == [
        ["1 — Foundation", "$20.00", "$25.00", "$22.08"],
        ["2 — Expansion", "$0.00", "$25.00", "$2.08"],
    ]
    assert article.section("Review").text().strip() == (
        "Last reviewed 2026-01-10; next review due 2099-01-10."
    )
    links = article.section("Links")
    assert links.link("https://runbooks.example.org/backend") == (
        "https://runbooks.example.org/backend"
    )
    assert links.link("https://railway.app/project/backend") == (
        "https://railway.app/project/backend"
    )


def test_service_without_optional_parts_omits_their_sections(site: Path) -> None:
    headings = page(site, "services/ml-lab/").article.headings("h2")
    assert headings == ["Overview", "Dependencies"]


# --------------------------------------------------------------------------- narrative, edit links


def test_narrative_is_appended_after_the_generated_content(site: Path) -> None:
    article = page(site, "services/backend/").article
    headings = article.headings("h2")
    assert headings[-1] == "Operating notes"
    assert headings.index("Overview") < headings.index("Links") < headings.index("Operating notes")
    assert article.section("Operating notes").text().strip() == (
        "The backend restarts cleanly; it listens on port 8000."
    )
    assert "ignored front matter" not in article.text()
    assert article.find("h1").text() == "backend"


def test_page_with_narrative_edits_the_narrative(site: Path) -> None:
    assert edit_link(page(site, "services/backend/")) == f"{REPO}edit/main/docs/services/backend.md"


@pytest.mark.parametrize("url", ["services/", "services/redis/", "costs/", "reference/schema/"])
def test_page_without_narrative_edits_the_manifest(site: Path, url: str) -> None:
    assert edit_link(page(site, url)) == f"{REPO}edit/main/manifest.yml"


# --------------------------------------------------------------------------- site-wide pages


def test_domains_page_lists_cname_records(site: Path) -> None:
    article = page(site, "domains/").article
    records = article.section("Hostnames and DNS records")
    assert records.headings("h3") == ["prod (production)", "staging"]
    prod, staging, others = records.tables()
    assert prod[1:] == [
        ["api.example.org", "backend", "CNAME backend-prod.up.railway.app"],
        ["docs.example.org", "docs-site", "CNAME exampleorg.github.io"],
        # Declared (proxied, trailing dot) and implied by deploy.target: one record.
        ["example.org", "backend", "CNAME backend-prod.up.railway.app (proxied)"],
        ["gw.example.org", "gateway planned", "—"],
    ]
    # deploy.target is production's: a staging hostname's record is not known.
    assert staging[1:] == [["staging-api.example.org", "backend", "—"]]
    assert others[1:] == [
        ["_dmarc.example.org", "TXT v=DMARC1; p=none", "auto", "—"],
        ["example.org", "MX 10 mx.mail.example", "3600 s", "Mail provider."],
    ]
    primary = article.section("Primary domains")
    assert row(primary, "example.org")[1:] == [
        "Main product domain.",
        "backend",
        "active",
        "$25.00 / year at Cloudflare",
    ]
    assert row(primary, "example.net")[2] == "GitHub Pages"
    tls = article.section("DNS and TLS")
    assert row(tls, "example.org")[1:] == ["Cloudflare, proxied", "strict", "1.2", "always, HSTS"]
    assert row(tls, "example.net")[4] == "—"  # the manifest states neither
    secondary = article.section("Secondary domains")
    assert [r[0] for r in secondary.rows()] == ["example.dev", "example.io"]
    assert row(secondary, "example.dev")[-1] == "$25.00 / year at Namecheap"
    assert [li.text() for li in secondary.find_all("li")] == [
        "example.io: Renewal is due in March; keep it while the *lab* name is undecided."
    ]
    assert primary.find_all("li") == []


def test_service_pages_show_the_costs_the_costs_page_charges_them(site: Path) -> None:
    costs = page(site, "costs/").article
    charged: dict[str, list[list[str]]] = {}
    for heading in costs.headings("h2"):
        if not heading.startswith("Phase "):
            continue
        by_service = next(t for t in costs.section(heading).tables() if t[0][0] == "Service")
        for name, *totals in by_service[1:]:
            if name != "shared":
                charged.setdefault(name, []).append([heading.removeprefix("Phase "), *totals])
    assert sorted(charged) == ["backend"]
    for name, rows in charged.items():
        tables = page(site, f"services/{name}/").article.section("Costs").tables()
        assert tables[1][1:] == rows


def test_costs_page_totals_phase_one(site: Path) -> None:
    summary = page(site, "costs/").article.section("Summary by phase")
    assert summary.rows() == [
        ["1 — Foundation", "$20.00 / month", "$100.00 / year", "≈ $28.33 / month", "—"],
        [
            "2 — Expansion",
            "$70.00 / month",
            "$100.00 / year",
            "≈ $78.33 / month",
            "+$50.00 / month",
        ],
    ]


def test_costs_page_breaks_phase_one_down(site: Path) -> None:
    phase = page(site, "costs/").article.section("Phase 1 — Foundation")
    items = phase.tables()[0][1:]
    assert [r[0] for r in items] == [
        "Railway Hobby plan",
        "Cloudflare Free plan",
        "Domain registration: example.org",
        "Domain registration: example.net",
        "Domain registration: example.dev",
        "Domain registration: example.io",
    ]
    assert row(phase, "Total") == [
        "Total",
        "$20.00",
        "$100.00",
        "$28.33",
    ]
    assert "Railway Pro plan (estimate)" in [
        r[0] for r in page(site, "costs/").article.section("Phase 2 — Expansion").rows()
    ]


def test_environment_page_lists_every_variable_with_readers_and_exporters(site: Path) -> None:
    article = page(site, "environment/").article
    table = next(t for t in article.tables() if t[0][0] == "Variable")
    by_name = {r[0].rstrip(" ⚠"): r for r in table[1:]}
    assert sorted(by_name) == [
        "BACKEND_URL",
        "DATABASE_URL",
        "LOG_LEVEL",
        "REDIS_URL",
        "SECRET_KEY",
        "SENTRY_DSN",
        "SITE_URL",
    ]
    assert by_name["DATABASE_URL"][2:4] == ["backend", "postgres"]
    assert by_name["REDIS_URL"][2:4] == ["backend", "redis"]
    assert by_name["SENTRY_DSN"][2] == "backend, gateway"
    assert by_name["SECRET_KEY"][1] == "required secret"
    assert by_name["LOG_LEVEL"][1] == "optional"
    assert by_name["DATABASE_URL"][4].endswith("; from postgres")


def test_environment_page_flags_conflicting_secret_flags(site: Path) -> None:
    article = page(site, "environment/").article
    warning = article.find("div", "warning")
    assert warning.find("p", "admonition-title").text() == "Inconsistent declarations"
    items = [li.text() for li in warning.find_all("li")]
    assert items == ["SENTRY_DSN: secret in backend; not secret in gateway"]
    table = next(t for t in article.tables() if t[0][0] == "Variable")
    flagged = [r[0] for r in table[1:] if r[0].endswith("⚠")]
    assert flagged == ["SENTRY_DSN ⚠"]


def test_environment_page_links_env_example_downloads(site: Path) -> None:
    article = page(site, "environment/").article
    for name in ("backend", "docs-site", "gateway"):
        href = article.link(f"{name}.env.example")
        assert (site / "environment" / href).is_file()
    assert not (site / "environment" / "redis.env.example").exists()


def test_env_example_download_leaves_secrets_empty(site: Path) -> None:
    lines = (site / "environment" / "backend.env.example").read_text("utf-8").splitlines()
    assignments = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert assignments == {
        "DATABASE_URL": "postgresql://user:pass@host:5432/app",
        "REDIS_URL": "",
        "SECRET_KEY": "",
        "SENTRY_DSN": "",
        "LOG_LEVEL": "INFO",
    }
    assert "# Signs session tokens. (secret) generate with: openssl rand -hex 32" in lines


def test_architecture_page_draws_an_inline_svg_with_a_link_per_service(site: Path) -> None:
    article = page(site, "architecture/").article
    assert not article.find_all(cls="mermaid")
    (drawing,) = [d.find("svg") for d in article.find_all("div", "mdocs-graph")]
    hrefs = [a.attrs["href"] for a in drawing.find_all("a")]
    assert hrefs == [f"../services/{name}/" for name in sorted(SERVICES)]
    for href in hrefs:  # raw HTML is not rewritten by MkDocs: the URLs must be final
        assert (site / "architecture" / href / "index.html").resolve().is_file()
    titles = {n.text() for n in drawing.find_all("title")}
    assert "postgres — database, active" in titles
    assert "example.org" in {n.text() for n in drawing.find_all("text")}
    stores = {
        a.find("title").text().split(" ")[0]
        for a in drawing.find_all("a")
        if "mdocs-node--store" in a.classes
    }
    assert stores == {"postgres", "redis"}
    assert row(article, "gateway") == ["gateway", "backend", "—"]


def test_phases_page_lists_each_phase_and_its_services(site: Path) -> None:
    article = page(site, "phases/").article
    assert article.headings("h2") == ["Phase 1 — Foundation", "Phase 2 — Expansion"]
    one = article.section("Phase 1 — Foundation")
    assert [r[0] for r in one.rows()] == ["backend", "docs-site", "postgres", "redis"]
    two = article.section("Phase 2 — Expansion")
    assert two.rows() == [
        ["gateway", "planned", "gateway", "2026-Q3"],
        ["ml-lab", "experimental", "research", "—"],
    ]
    assert "Target: 2026-Q3." in two.text()
    assert "Put a gateway in front of the API." in two.text()


def test_phase_description_is_a_paragraph_of_its_own(site: Path) -> None:
    section = page(site, "phases/").article.section("Phase 2 — Expansion")
    paragraphs = [p.text().strip() for p in section.find_all("p")]
    assert "Put a gateway in front of the API." in paragraphs


def test_schema_page_shows_no_rest_markup(site: Path) -> None:
    assert "``" not in page(site, "reference/schema/").article.text()


def test_schema_page_documents_fields_from_the_model(site: Path) -> None:
    article = page(site, "reference/schema/").article
    service = article.section("Service")
    for name in ("depends_on", "env", "key_namespaces"):
        cells = row(service, name)
        assert cells[-1] == " ".join((Service.model_fields[name].description or "").split())
        assert cells[-1]
    assert row(service, "depends_on")[1:3] == ["list of text", "[]"]
    assert row(service, "description")[2] == "required"
    assert row(service, "env")[1] == "list of EnvVar"  # the model's name is the link
    assert service.link("EnvVar") == "#envvar"
    assert "EnvVar" in article.headings("h2")


def test_api_page_is_rendered_by_mkdocstrings(site: Path) -> None:
    p = page(site, "reference/api/")
    assert "load_manifest" in p.article.text()
    ids = {n.attrs.get("id") for n in p.article.iter()}
    assert {"manifest_docs.load_manifest", "manifest_docs.model.Manifest"} <= ids
    assert ":::" not in p.article.text()


# --------------------------------------------------------------------------- macros


def test_macros_render_manifest_values_on_a_hand_written_page(site: Path) -> None:
    article = page(site, "facts/").article
    text = article.text()
    assert "Redis runs version 7.2." in text
    assert "Phase 1 costs $28.33 a month amortised,\n$20.00 in monthly lines." in text
    assert article.rows() == [
        ["DATABASE_URL", "required", "—", "Connection string of the database."],
        ["REDIS_URL", "required", "—", "Connection string of the cache."],
        ["SECRET_KEY", "required", "yes", "Signs session tokens."],
        ["SENTRY_DSN", "important", "yes", "Error tracking endpoint."],
        ["LOG_LEVEL", "optional", "—", "Log verbosity."],
    ]
