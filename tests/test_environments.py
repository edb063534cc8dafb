"""Environments declared by the team, hostnames per environment, and DNS records.

A manifest without ``environments:`` keeps schema v1's prod, staging and dev; one that
declares them may name them freely. Every hostname of every environment is listed;
domains state their zone's records, merged with the CNAMEs deploy targets imply, and
two records that cannot both hold are an error at their lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from manifest_docs import ops
from manifest_docs.dns import full_name, zone, zone_of
from manifest_docs.dump import same_facts
from manifest_docs.load import load_text
from manifestkit import position, problems_in, replace_once

if TYPE_CHECKING:
    from collections.abc import Callable

    from manifest_docs.model import Manifest

BR_OPS = Path(sys.executable).parent / "br-ops"

ENVIRONMENTS = """\
environments:
  eu-prod:
    description: Production in Frankfurt
    production: true
    provider: railway
    project: example-eu
    region: eu-central-1
  us-prod:
    provider: railway
    region: us-east-1
  preview:
    description: One per pull request
"""

HOSTS = """\
    domains:
      eu-prod: [api.example.com, www.example.com]
      us-prod: us.api.example.com
      preview: pr.api.example.com
"""


def _v2(minimal_manifest: str, *, hosts: str = HOSTS, extra: str = "") -> str:
    text = replace_once(
        minimal_manifest, "schema_version: 1\n", "schema_version: 2\n" + ENVIRONMENTS
    )
    text = replace_once(text, "    domains:\n      prod: api.example.com\n", hosts)
    return text + extra


def _row(text: str, needle: str, nth: int = 1) -> int:
    return position(text, needle, nth)[0]


def _load(text: str) -> Manifest:
    return load_text(text).manifest


# --------------------------------------------------------------------------- environments


def test_a_v1_manifest_keeps_prod_staging_and_dev(minimal_manifest: str) -> None:
    m = _load(minimal_manifest)
    assert m.schema_version == 1
    assert m.environment_names == ("prod", "staging", "dev")
    assert m.production == "prod"
    assert m.services["backend"].domains.items() == [("prod", "api.example.com")]


def test_declared_environments_have_free_names_and_one_production(minimal_manifest: str) -> None:
    m = _load(_v2(minimal_manifest))
    assert m.environment_names == ("eu-prod", "us-prod", "preview")
    assert m.production == "eu-prod"
    assert m.environments["eu-prod"].region == "eu-central-1"
    hosts = m.services["backend"].domains
    assert hosts.of("eu-prod") == ["api.example.com", "www.example.com"]
    assert hosts.first("eu-prod") == "api.example.com"
    assert hosts.first("us-prod") == "us.api.example.com"
    assert hosts.first("staging") is None
    assert hosts.envs() == ["eu-prod", "us-prod", "preview"]


def test_production_without_a_mark_is_prod_then_the_first(minimal_manifest: str) -> None:
    text = replace_once(_v2(minimal_manifest), "    production: true\n", "")
    assert _load(text).production == "eu-prod"  # neither prod nor production: the first
    renamed = text.replace("us-prod", "production")
    assert _load(renamed).production == "production"


def test_a_hostname_for_an_undeclared_environment_is_located(minimal_manifest: str) -> None:
    text = _v2(minimal_manifest, hosts="    domains:\n      eu-prd: api.example.com\n")
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'eu-prd:')}:7: services.backend.domains.eu-prd: unknown "
        "environment 'eu-prd' (did you mean 'eu-prod'?); declared environments: eu-prod, "
        "us-prod, preview (declare it under environments:)"
    ]


def test_without_declarations_only_the_three_defaults_exist(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "      prod: api.example.com\n", "      qa: qa.example.com\n"
    )
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'qa:')}:7: services.backend.domains.qa: unknown environment "
        "'qa'; environments: prod, staging, dev (declare the team's environments under "
        "environments:)"
    ]


def test_two_production_environments_and_unknown_providers_are_errors(
    minimal_manifest: str,
) -> None:
    text = replace_once(
        _v2(minimal_manifest),
        "  us-prod:\n    provider: railway\n",
        "  us-prod:\n    production: true\n    provider: rialway\n",
    )
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'production: true', 2)}:17: environments.us-prod.production: "
        "'eu-prod' is already the production environment; mark only one",
        f"manifest.yml:{_row(text, 'rialway')}:15: environments.us-prod.provider: unknown "
        "provider 'rialway' (did you mean 'railway'?); known providers: cloudflare, github, "
        "github-pages, railway",
    ]


def test_a_hostname_listed_twice_is_an_error(minimal_manifest: str) -> None:
    text = _v2(
        minimal_manifest, hosts="    domains:\n      eu-prod: [a.example.com, a.example.com]\n"
    )
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'eu-prod: [a')}:32: services.backend.domains.eu-prod[1]: "
        "a.example.com is listed twice for eu-prod"
    ]


def test_a_list_of_hostnames_with_a_bad_one_names_the_item(minimal_manifest: str) -> None:
    text = _v2(
        minimal_manifest, hosts="    domains:\n      eu-prod: [api.example.com, Not_A_Host]\n"
    )
    (problem,) = problems_in(text)
    assert problem.startswith(f"manifest.yml:{_row(text, 'Not_A_Host')}:"), problem
    assert "services.backend.domains.eu-prod[1]" in problem


# --------------------------------------------------------------------------- DNS records

RECORDS = """\
    records:
      - name: "@"
        type: A
        value: 192.0.2.10
        ttl: 300
      - name: "@"
        type: MX
        value: mx.example.net.
        priority: 10
      - name: www
        type: CNAME
        value: example.com
        proxied: true
"""


def _with_records(text: str, records: str = RECORDS) -> str:
    return replace_once(text, '    yearly_cost: "12.00"\n', '    yearly_cost: "12.00"\n' + records)


def test_full_names_and_zones(minimal_manifest: str) -> None:
    assert full_name("@", "example.com") == "example.com"
    assert full_name("www", "example.com") == "www.example.com"
    assert full_name("api.example.com", "example.com") == "api.example.com"
    domains = _load(minimal_manifest).domains
    # The longest registered domain wins: api.example.com is registered on its own.
    assert zone_of("a.b.api.example.com", domains) == "api.example.com"
    assert zone_of("www.example.com", domains) == "example.com"
    assert zone_of("example.org", domains) is None


def test_declared_records_merge_with_the_cnames_deploy_targets_imply(
    minimal_manifest: str,
) -> None:
    text = _with_records(_v2(minimal_manifest))
    text = replace_once(
        text,
        "    health:\n      - path: /health\n",
        "    deploy:\n      target: backend.up.railway.app\n    health:\n      - path: /health\n",
    )
    text = text.replace("eu-prod: [api.example.com, www.example.com]", "eu-prod: [api.example.com]")
    z = zone(_load(text))
    assert z.conflicts == []
    rows = [(h.host, h.env, h.record.type if h.record else None) for h in z.hosts]
    assert rows == [
        ("api.example.com", "eu-prod", "CNAME"),
        ("pr.api.example.com", "preview", None),  # deploy.target is production's
        ("us.api.example.com", "us-prod", None),
    ]
    api = z.hosts[0].record
    assert api is not None
    assert (api.value, api.declared, api.loc) == (
        "backend.up.railway.app",
        False,
        ("services", "backend", "deploy", "target"),
    )
    others = [(r.name, r.type, r.value) for r in z.others]
    assert others == [
        ("example.com", "A", "192.0.2.10"),
        ("example.com", "MX", "mx.example.net"),  # the trailing dot is not part of it
        ("www.example.com", "CNAME", "example.com"),
    ]


APEX = 'name: "@"'


def test_a_declared_cname_that_contradicts_the_deploy_target_is_located(
    minimal_manifest: str,
) -> None:
    records = """\
    records:
      - name: api
        type: CNAME
        value: old-host.example.net
"""
    # api.example.com is a registered domain of its own here; state the record there.
    text = replace_once(
        minimal_manifest,
        "    purpose: Public API\n    service: backend\n",
        "    purpose: Public API\n    service: backend\n"
        + records.replace("name: api", 'name: "@"'),
    )
    text = replace_once(
        text,
        "    health:\n      - path: /health\n",
        "    deploy:\n      target: backend.up.railway.app\n    health:\n      - path: /health\n",
    )
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'target: backend')}:15: services.backend.deploy.target: "
        "api.example.com: CNAME backend.up.railway.app contradicts CNAME old-host.example.net; "
        "a name with a CNAME has no other record "
        f"(the other: line {_row(text, APEX)}, domains.1.records.0)"
    ]


def test_a_cname_beside_another_record_is_an_error_except_at_the_apex(
    minimal_manifest: str,
) -> None:
    clash = (
        RECORDS
        + """\
      - name: www
        type: TXT
        value: hello
"""
    )
    text = _with_records(minimal_manifest, clash)
    (problem,) = problems_in(text)
    assert problem == (
        f"manifest.yml:{_row(text, 'type: TXT') - 1}:9: domains[0].records[3]: www.example.com: "
        "TXT hello contradicts CNAME example.com; a name with a CNAME has no other record "
        f"(the other: line {_row(text, 'name: www')}, domains.0.records.2)"
    )
    apex = RECORDS.replace(
        "type: A\n        value: 192.0.2.10", "type: CNAME\n        value: lb.example.net"
    )
    assert zone(_load(_with_records(minimal_manifest, apex))).conflicts == []


def test_a_record_name_outside_its_domain_is_refused(minimal_manifest: str) -> None:
    text = _with_records(
        minimal_manifest,
        "    records:\n      - name: www.example.org\n        type: A\n        value: 192.0.2.1\n",
    )
    assert problems_in(text) == [
        f"manifest.yml:{_row(text, 'www.example.org')}:15: domains[0].records[0].name: record "
        "name 'www.example.org' is outside example.com; write a label ('www') or a name "
        "ending in .example.com"
    ]


# --------------------------------------------------------------------------- br-ops


def test_open_knows_the_declared_environments(minimal_manifest: str) -> None:
    m = _load(_v2(minimal_manifest))
    data = ops.open_data(m, "backend")
    assert data["env"] == "eu-prod"
    assert data["urls"] == {
        "eu-prod": "https://api.example.com",
        "us-prod": "https://us.api.example.com",
        "preview": "https://pr.api.example.com",
    }
    assert ops.open_data(m, "backend", "us-prod")["url"] == "https://us.api.example.com"
    with pytest.raises(ValueError, match=r"unknown environment 'us-prd' \(did you mean 'us-prod'"):
        ops.open_data(m, "backend", "us-prd")


@pytest.mark.parametrize(
    ("args", "out", "err"),
    [
        (["open", "backend", "preview"], "preview: https://pr.api.example.com", ""),
        (["open", "backend"], "eu-prod: https://api.example.com", ""),
        (
            ["open", "backend", "staging"],
            "",
            "Invalid value for 'ENV': unknown environment 'staging'; the manifest's "
            "environments: eu-prod, us-prod, preview",
        ),
        (
            ["health", "--env", "prod"],
            "",
            "Invalid value for '--env': unknown environment 'prod'",
        ),
    ],
)
def test_br_ops_takes_environment_names_from_the_manifest(
    write_manifest: Callable[..., Path],
    minimal_manifest: str,
    args: list[str],
    out: str,
    err: str,
) -> None:
    path = write_manifest(_v2(minimal_manifest))
    proc = subprocess.run(
        [str(BR_OPS), *args, "--manifest", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out in proc.stdout
    assert err in proc.stderr
    assert proc.returncode == (2 if err else 0), proc.stderr


def test_open_json_lists_every_environment(
    write_manifest: Callable[..., Path], minimal_manifest: str
) -> None:
    path = write_manifest(_v2(minimal_manifest))
    proc = subprocess.run(
        [str(BR_OPS), "open", "backend", "--json", "--manifest", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert list(json.loads(proc.stdout)["urls"]) == ["eu-prod", "us-prod", "preview"]


# --------------------------------------------------------------------------- migrate


def _migrate(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BR_OPS), "migrate", str(path), *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_migrate_upgrades_v1_keeping_every_fact_and_comment(
    write_manifest: Callable[..., Path], minimal_manifest: str
) -> None:
    commented = minimal_manifest.replace(
        "  backend:\n", "  # The API everyone calls.\n  backend:\n"
    )
    path = write_manifest(commented)
    proc = _migrate(path)
    assert proc.returncode == 0, proc.stderr
    assert "  # The API everyone calls.\n  backend:\n" in proc.stdout
    upgraded = load_text(proc.stdout).manifest
    before = load_text(commented).manifest
    assert upgraded.schema_version == 2
    assert same_facts(before, upgraded)
    # Only prod has a hostname here: the environments declared are the ones in use.
    assert upgraded.environment_names == ("prod",)
    assert upgraded.production == "prod"


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )
    return proc.stdout if proc.returncode == 0 else ""


def test_migrate_round_trips_blackroads_last_v1_manifest(tmp_path: Path) -> None:
    # BlackRoad's manifest.yml was schema v1 until v2 landed; git keeps that file.
    root = Path(__file__).resolve().parents[1]
    v1 = next(
        (
            text
            for commit in _git(root, "log", "--format=%H", "--", "manifest.yml").split()
            if "\nschema_version: 1\n" in (text := _git(root, "show", f"{commit}:manifest.yml"))
        ),
        None,
    )
    if v1 is None:
        pytest.skip("no schema-v1 manifest.yml in this checkout's history")
    source = tmp_path / "v1.yml"
    source.write_text(v1, "utf-8")
    proc = _migrate(source, "-o", str(tmp_path / "v2.yml"))
    assert proc.returncode == 0, proc.stderr
    before = load_text(v1).manifest
    after = load_text((tmp_path / "v2.yml").read_text("utf-8")).manifest
    assert same_facts(before, after)
    assert after.environment_names == ("prod", "staging", "dev")
    # Comments are kept: v1's own explanations of its facts travel with them.
    assert v1.count("\n#") <= (tmp_path / "v2.yml").read_text("utf-8").count("\n#")


def test_migrate_converts_the_upstream_legacy_format_to_v2(reference: Path, tmp_path: Path) -> None:
    proc = _migrate(reference / "infra" / "blackroad-manifest.yml", "-o", str(tmp_path / "m.yml"))
    assert proc.returncode == 0, proc.stderr
    migrated = load_text((tmp_path / "m.yml").read_text("utf-8")).manifest
    assert migrated.schema_version == 2
    assert migrated.production == "prod"
    assert "blackroad-backend" in migrated.services


def test_migrate_leaves_a_v2_file_as_it_is(
    write_manifest: Callable[..., Path], minimal_manifest: str
) -> None:
    text = _v2(minimal_manifest)
    proc = _migrate(write_manifest(text))
    assert proc.returncode == 0
    assert proc.stdout == text
    assert "already schema v2" in proc.stderr


def test_the_repository_manifest_is_v2_and_says_what_v1_could_not(minimal_manifest: str) -> None:
    root = Path(__file__).resolve().parents[1]
    text = (root / "manifest.yml").read_text("utf-8")
    m = load_text(text).manifest
    assert m.schema_version == 2
    backend = m.services["blackroad-backend"].domains.of("prod")
    assert {"os.blackroad.systems", "api.blackroad.systems", "prism.blackroad.systems"} <= set(
        backend
    )
    assert m.environments["staging"].project == "blackroad-staging"
    assert m.environments["staging"].region == "us-west1"
    rows = {(h.host, h.service): h.record for h in zone(m).hosts}
    for host in ("os.blackroad.systems", "api.blackroad.systems", "prism.blackroad.systems"):
        record = rows[(host, "blackroad-backend")]
        assert record is not None
        assert (record.type, record.placeholder) == ("CNAME", True)
