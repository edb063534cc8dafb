"""The drift rules over Markdown sources (one function per rule family) and their registry."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import did_you_mean
from .claims import conditional, hedged, introduced_as_example, not_about_today, question
from .contradictions import find_contradictions, mentions_in
from .expect import build_index
from .findings import Finding
from .markdown import Suppression, Unit, parse_markdown
from .records import find_records
from .relations import find_dependencies
from .totals import find_totals

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Iterator

    from ..load import LoadedManifest
    from ..model import Manifest, Route
    from .expect import FactIndex

__all__ = ["RULES", "check_freshness", "check_sources"]

RULES: dict[str, str] = {
    "coverage/orphan": "a narrative docs/services/<name>.md names no service",
    "coverage/link": "a page links to the generated page of a service that does not exist",
    "env/unknown": "an UPPER_SNAKE name no service declares or exports and CI does not list",
    "host/unknown": "a hostname under a manifest DNS zone that is not declared",
    "fact/*": "prose states a manifest-owned fact with another value",
    "status/stale": "prose presents a planned service or route as live",
    "artefact/stale": "a committed generated file differs from what the manifest gives",
    "freshness/overdue": "a service's next review date has passed",
    "drift/unused-suppression": "a drift: ignore comment that matches no finding",
}
"""Rule ids (``fact/*`` stands for ``fact/version``, ``fact/memory``…) and what they catch."""

_ENV_NAME = re.compile(r"(?<![\w/.])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w*/]|\.\w)")
"""An UPPER_SNAKE name in a code span or table cell (``$DATABASE_URL`` too)."""
_ENV_IN_CODE = re.compile(
    r"(?:^|\s|export\s+)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=|\$\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b"
    r"|environ(?:\.get)?\(?\[?[\"']([A-Z][A-Z0-9_]+)[\"']|getenv\([\"']([A-Z][A-Z0-9_]+)[\"']"
    r"|process\.env\.([A-Z][A-Z0-9_]+)|\bsecrets\.([A-Z][A-Z0-9_]+)\b"
)
"""Env var uses in code: assignments, ``$X``, ``os.environ``, ``${{ secrets.X }}``."""
_ENV_YAML_KEY = re.compile(r"^\s*(?:-\s+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\s*:(?:\s|$)")
"""``CLOUDFLARE_API_TOKEN: …`` — an env mapping key in a YAML block."""
_YAML = frozenset({"yaml", "yml"})
_HOST = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])", re.IGNORECASE
)
_SERVICE_LINK = re.compile(r"\]\(((?:\.\./)*services/([a-z0-9-]+)(?:\.md|/))")
_LIVE = re.compile(
    r"\b(is live|are live|now live|went live|gone live|in production|live in prod(?:uction)?|"
    r"currently serves|is serving|is deployed|are deployed|has been deployed|"
    r"(?:has|have) (?:been )?(?:shipped|launched)|is running|are running|up and running|"
    r"(?:has|have) been (?:serving|running)|serves? traffic|serving traffic)\b",
    re.IGNORECASE,
)
_NOT_LIVE = re.compile(
    r"\b(?:(?:is|are)\s+(?:still\s+)?(?:only\s+)?(?:experimental|parked|planned|"
    r"in development|under development|unreleased)|"
    r"(?:is|are|has|have)\s+not\s+(?:been\s+|yet\s+)*(?:live|deployed|provisioned|published|"
    r"launched|released|running|served|set up)(?:\s+yet)?|"
    r"(?:isn't|aren't|hasn't|haven't)\s+(?:been\s+|yet\s+)*(?:live|deployed|provisioned|"
    r"published|launched|released|running|served|set up)|"
    r"not (?:yet )?(?:provisioned|deployed|published|launched|live)(?: yet)?|"
    r"nothing is served)\b(?!\s+(?:mode|environment|env|branch|builds?|server|settings|config))",
    re.IGNORECASE,
)
"""Words that say something is not live today ("is still experimental", "not provisioned
yet", "is parked")."""
_LIVE_LEAD = re.compile(
    r"\b(?:serves? something|(?:is|are) live|in production|that serve|running) today\b|"
    r"\b(?:live|in production) (?:today|now)\b|^(?:live|in production|running)(?: services)?:$",
    re.IGNORECASE,
)
"""A lead-in that makes each item below it a claim of being live ("Zones that serve
something today:")."""
_CHECKED = re.compile(
    r"^\[[xX]\]\s.*\b(deployed|live|shipped|launched|released|in production|running)\b",
    re.IGNORECASE,
)
"""A ticked checklist item that says something went live (``- [x] Console deployed``)."""
_MADE_UP = ("EXAMPLE_", "MY_", "YOUR_", "FOO_", "SOME_")
"""Prefixes of variable names that are made up for illustration."""


PLATFORM_ENV = frozenset(
    {
        "GITHUB_TOKEN",
        "GITHUB_SHA",
        "GITHUB_REF",
        "GITHUB_REF_NAME",
        "GITHUB_REPOSITORY",
        "GITHUB_WORKSPACE",
        "GITHUB_RUN_ID",
        "GITHUB_ACTOR",
        "GITHUB_EVENT_NAME",
        "GITHUB_OUTPUT",
        "GITHUB_ENV",
        "GITHUB_STEP_SUMMARY",
        "RUNNER_OS",
        "RUNNER_TEMP",
    }
)
"""Variables GitHub Actions sets itself: never unknown (exact names, so typos still are)."""
TOOL_ENV = frozenset(
    {
        "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_PAGER",
        "KUBECONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CORE_PROJECT",
        "AZURE_SUBSCRIPTION_ID", "DOCKER_HOST", "DOCKER_BUILDKIT", "PATH", "HOME", "USER",
        "SHELL", "PWD", "TERM", "LANG", "TZ", "EDITOR", "PYTHONPATH", "VIRTUAL_ENV",
        "NODE_OPTIONS", "CI",
    }
)  # fmt: skip
"""Variables the shell and the usual cloud and container CLIs read themselves (``export
AWS_PROFILE=…`` before a command): no service's, never unknown (exact names)."""


def _known_env(loaded: LoadedManifest) -> set[str]:
    m = loaded.manifest
    known = set(m.readers) | set(m.exporters)
    if m.ci_cd is not None:
        known |= set(m.ci_cd.secrets_required)
    return known


_SAME_MEANING = (
    {"POSTGRES", "POSTGRESQL", "PG", "DATABASE", "DB", "SQL"},
    {"REDIS", "CACHE", "KV"},
    {"URL", "URI", "DSN", "ENDPOINT", "ADDR", "ADDRESS", "HOST"},
    {"KEY", "TOKEN", "SECRET", "APIKEY"},
    {"PASSWORD", "PASS", "PASSWD", "PWD"},
    {"USER", "USERNAME", "LOGIN"},
    {"ENV", "ENVIRONMENT", "STAGE"},
    {"PUBLIC", "EXTERNAL", "SITE"},
    {"CLOUDFLARE", "CF"},
    {"GITHUB", "GH"},
)
"""Words of variable names that mean the same thing (POSTGRES_URL ~ DATABASE_URL)."""


@functools.lru_cache(maxsize=8192)
def _meaning(name: str) -> frozenset[str]:
    words = [w for w in name.upper().split("_") if w]
    return frozenset(next((min(group) for group in _SAME_MEANING if w in group), w) for w in words)


def _env_hint(name: str, known: set[str], nearby: Collection[str] = ()) -> str:
    """``(did you mean 'X'?)`` by meaning (shared words, synonyms alike), else by spelling.

    The variables of the services the text names (``nearby``) come first: there,
    sharing only ``API_URL`` is enough (``VITE_API_URL`` on the console's page is its
    ``REACT_APP_API_URL``).
    """
    mine = _meaning(name)
    local = [
        (len(mine & theirs) / len(mine | theirs), other)
        for other in sorted(nearby)
        if (theirs := _meaning(other)) and mine & theirs
    ]
    close = [(overlap, other) for overlap, other in local if overlap >= 1 / 3]
    best, score = "", (0.0, 0.0)
    for other in sorted(known):
        theirs = _meaning(other)
        if not (mine & theirs) - _GENERIC_WORDS:
            continue  # sharing only API or URL says nothing
        overlap = len(mine & theirs) / len(mine | theirs)
        spelling = difflib.SequenceMatcher(None, name, other).ratio()
        if (overlap, spelling) > score:
            best, score = other, (overlap, spelling)
    if close:
        ranked = max(close, key=lambda c: (c[0], difflib.SequenceMatcher(None, name, c[1]).ratio()))
        if ranked[0] >= score[0]:  # RAILWAY_API_TOKEN is the CI's RAILWAY_TOKEN, not a
            return f" (did you mean {ranked[1]!r}?)"  # neighbour's OPENAI_API_KEY
    if score[0] >= 0.5:
        return f" (did you mean {best!r}?)"
    return did_you_mean(name, known)


_GENERIC_WORDS = frozenset().union(
    *(_meaning(w) for w in ("API", "URL", "KEY", "PASS", "USER", "ENV", "PUBLIC", "ID", "NAME"))
)
"""Words too common to make two names mean the same thing, as :func:`_meaning` spells
them (URL is ADDR there, KEY is APIKEY)."""


def _nearby_env(loaded: LoadedManifest, index: FactIndex, unit: Unit) -> set[str]:
    """The variables of the services ``unit`` (its text, intro or headings) names."""
    text = " / ".join((*unit.headings, unit.lead, unit.intro, unit.text))
    services = {
        s.key.split(":", 1)[1]
        for _, _, subs in mentions_in(index, text)
        for s in subs
        if s.is_service
    }
    svcs = loaded.manifest.services
    return {v.name for n in services if n in svcs for v in svcs[n].env}


def _env_findings(
    loaded: LoadedManifest, known: set[str], unit: Unit, index: FactIndex
) -> Iterator[Finding]:
    names: list[tuple[int, str]] = []
    if unit.kind == "code" and introduced_as_example(f"{unit.intro} {unit.lead}"):
        return  # "For example:" — a made-up variable, not a claim about the manifest
    if unit.kind != "code" and not_about_today(unit.text):
        return  # "infra.md calls it CLOUDFLARE_API_TOKEN": what another page says
    if unit.kind == "code":
        yaml = unit.lang.lower() in _YAML
        for offset, line in enumerate(unit.lines, start=1):
            key = _ENV_YAML_KEY.match(line) if yaml else None
            if key:
                names.append((unit.line + offset, key.group(1)))
            for m in _ENV_IN_CODE.finditer(line):
                name = next(g for g in m.groups() if g)
                names.append((unit.line + offset, name))
    else:
        sources = list(unit.code_spans)
        if unit.kind == "row":
            sources += [cell for _, cell in unit.cells]
        for text in sources:
            names += [(unit.line, m.group(1)) for m in _ENV_NAME.finditer(text)]
    seen: set[str] = set()
    nearby: set[str] | None = None
    for where, name in names:
        if name in known or name in seen or name in PLATFORM_ENV or name in TOOL_ENV:
            continue
        if name.startswith(_MADE_UP):  # EXAMPLE_…, MY_…: made up by the page
            continue
        seen.add(name)
        if nearby is None:
            nearby = _nearby_env(loaded, index, unit)
        hint = _env_hint(name, known, nearby)
        yield Finding(
            "",
            where,
            "env/unknown",
            f"{name} is not an env var of any service in the manifest, nor a CI secret{hint}",
        )


def _zones(loaded: LoadedManifest) -> tuple[set[str], set[str]]:
    m = loaded.manifest
    hosts = {d.name for d in m.domains}
    docs_url = m.organization.docs_url
    docs_host = urlsplit(docs_url).hostname if docs_url else None
    if docs_host:
        hosts.add(docs_host.lower())
    for svc in m.services.values():
        hosts |= {h for _, h in svc.domains.items()}
        if svc.deploy and svc.deploy.target:
            hosts.add(svc.deploy.target)
    zones = {".".join(h.split(".")[-2:]) for h in hosts if h.count(".") >= 1}
    zones = {
        z for z in zones if any(d.name == z or d.name.endswith("." + z) for d in m.domains)
    } or zones
    return zones, hosts


def _host_findings(zones: set[str], hosts: set[str], unit: Unit) -> Iterator[Finding]:
    texts = [unit.text] if unit.kind != "code" else unit.lines
    for offset, text in enumerate(texts):
        for m in _HOST.finditer(text):
            host = m.group(1).lower().rstrip(".")
            if host in hosts or (host.startswith("www.") and host[4:] in hosts):
                continue
            zone = next((z for z in zones if host.endswith("." + z)), None)
            if zone is None:
                continue
            line = unit.line + (offset + 1 if unit.kind == "code" else 0)
            yield Finding(
                "",
                line,
                "host/unknown",
                f"{host} is under the {zone} zone but is not a domain or service "
                f"hostname in the manifest{did_you_mean(host, hosts)}",
            )


def _fact_findings(index: FactIndex, shown: str, unit: Unit) -> Iterator[Finding]:
    found = (*find_contradictions(index, unit), *find_totals(index, unit))
    found += tuple(find_dependencies(index, unit))
    lines = {c.line for c in found}  # a record there is the same claim ("docs → Railway")
    found += tuple(r for r in find_records(index, unit) if r.line not in lines)
    for c in found:
        line, _ = index.source.locate(c.expected.loc)
        said, path = c.cited
        yield Finding(
            "",
            c.line,
            f"fact/{c.kind}",
            f"{c.subject} is {c.found!r} here, {shown}:{line} says {said} ({path})",
        )


def _live_claims(unit: Unit, pattern: re.Pattern[str] = _LIVE) -> list[int]:
    """Offsets in ``unit`` where it says something is live today.

    With :data:`_NOT_LIVE`: where it says something is not.
    """
    text = unit.text
    if unit.kind == "code" or question(text) or not_about_today(text):
        return []
    whole = _CHECKED.match(text) or (unit.lead and _LIVE_LEAD.search(unit.lead))
    if pattern is _LIVE and unit.kind == "item" and whole:
        return [len(text)]  # the item as a whole: its subject is named before the end
    hedge = (lambda _t: False) if pattern is _NOT_LIVE else hedged
    return [
        claim.start()
        for claim in pattern.finditer(text)
        if not conditional(text[: claim.start()])
        and not hedge(text[max(0, claim.start() - 40) : claim.end() + 12])
    ]


def _status_findings(loaded: LoadedManifest, index: FactIndex, unit: Unit) -> Iterator[Finding]:
    """A service or domain said to be live when the manifest says it is not, or the reverse.

    Not live is "is still experimental", "not provisioned yet", "is parked".
    """
    services = loaded.manifest.services
    domains = {d.name: d for d in loaded.manifest.domains}
    for live, claims in ((True, _live_claims(unit)), (False, _live_claims(unit, _NOT_LIVE))):
        for at in claims:
            # The subject of the claim: the nearest service or domain named before it.
            before = [m for m in index.pattern.finditer(unit.text) if m.start() < at]
            for m in reversed(before):
                subj = next(
                    (
                        x
                        for x in index.by_name.get(m.group(1).lower(), [])
                        if x.is_service or x.key.startswith("domain:")
                    ),
                    None,
                )
                if subj is None:
                    continue
                name = subj.key.split(":", 1)[1]
                thing = services.get(name) if subj.is_service else domains.get(name)
                if thing is None:
                    break
                status = thing.status.value
                if live == (status == "active"):
                    break
                target = getattr(thing, "target_date", None)
                when = f" (target {target})" if target else ""
                said = "live" if live else "not live"
                yield Finding(
                    "",
                    unit.line_at(at),
                    "status/stale",
                    f"{m.group(1)} is described as {said}, but the manifest says it "
                    f"is {status}{when}",
                )
                return


_SERVED = re.compile(
    r"\b(?:serves?|served|serving|is at|are at|lives? (?:at|under)|open|reach|calls?|"
    r"available|answers?|returns?|live)\b|\b200\b",
    re.IGNORECASE,
)
"""Words that present a path as answering today (``/prism`` is served, open ``/prism``)."""
_DOC_PATH = re.compile(r"(?<![\w/.:-])(/[a-z0-9_][\w/.-]*)", re.IGNORECASE)


Routes = list[tuple[str, int, "Route"]]


def _routes(manifest: Manifest) -> Routes:
    """Every route not at the root, as (service, index, route): computed once per check."""
    return [
        (name, i, r)
        for name, svc in manifest.services.items()
        for i, r in enumerate(svc.routes)
        if len(r.path.rstrip("/*")) > 1
    ]


_CURL = re.compile(r"^\s*\$?\s*curl\b.*?\bhttps?://[^/\s'\"]+(/[^\s'\"?#]*)", re.IGNORECASE)
_HTTP_OK = re.compile(r"^\s*(?:<\s*)?HTTP/[\d.]+\s+2\d\d\b")
"""``curl`` of a URL, and a status line saying it answered (``HTTP/2 200``)."""


def _served_in_output(routes: Routes, unit: Unit) -> Iterator[Finding]:
    """``curl`` output showing a route the manifest does not call active answering 2xx."""
    about = f"{unit.intro} {unit.lead}"
    if introduced_as_example(about) or not_about_today(about) or conditional(about):
        return  # "once it ships, you will see:" is not today's output
    lines = unit.lines
    for i, line in enumerate(lines):
        asked = _CURL.match(line)
        if asked is None:
            continue
        path = asked.group(1).rstrip("/")
        ok = next(
            (j for j in range(i + 1, min(i + 4, len(lines))) if _HTTP_OK.match(lines[j])), None
        )
        matching = [(n, k, r) for n, k, r in routes if path == r.path.rstrip("/*")]
        if ok is not None and matching and all(r.status.value != "active" for _, _, r in matching):
            name, k, r = matching[0]
            yield Finding(
                "",
                unit.line + ok + 1,
                "status/stale",
                f"{path} answers in this output, but the manifest says the route is "
                f"{r.status.value} (services.{name}.routes[{k}].status)",
            )
            return


def _route_findings(routes: Routes, unit: Unit) -> Iterator[Finding]:
    """A route the manifest does not call active, presented as served (``/prism``)."""
    if routes and unit.kind == "code" and "curl" in unit.text:
        yield from _served_in_output(routes, unit)
    if not routes or unit.kind == "code" or "/" not in unit.text:
        return
    context = " ".join((unit.text, unit.lead, *unit.headings[-1:]))
    if (
        question(unit.text)
        or not_about_today(unit.text)
        or conditional(unit.text)
        or hedged(unit.text)
        or not _SERVED.search(context)
    ):
        return
    for m in _DOC_PATH.finditer(unit.text):
        path = m.group(1).rstrip(".,;:")
        matching = [
            (name, i, r)
            for name, i, r in routes
            if path.rstrip("/") == r.path.rstrip("/*")
            or (path.startswith(r.path.rstrip("*")) and r.path.endswith("*"))
        ]
        if matching and all(r.status.value != "active" for _, _, r in matching):
            name, i, r = matching[0]
            yield Finding(
                "",
                unit.line_at(m.start()),
                "status/stale",
                f"{path} is described as served, but the manifest says the route is "
                f"{r.status.value} (services.{name}.routes[{i}].status)",
            )
            return


def _about(unit: Unit, service: str | None) -> Unit:
    """``unit`` as read on the narrative page of ``service``.

    The page's own subject becomes the outermost heading: a nearer heading, or a name
    in the unit itself, still wins.
    """
    if service is None:
        return unit
    return dataclasses.replace(unit, headings=(service, *unit.headings))


def _apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    kept = []
    for f in findings:
        hit = next((s for s in suppressions if s.covers(f.rule, f.line)), None)
        if hit is None:
            kept.append(f)
        else:
            hit.used = True
    return kept


def check_sources(
    loaded: LoadedManifest, pages: dict[str, str], *, narratives: str = "services"
) -> list[Finding]:
    """Findings for Markdown ``pages`` (docs-relative path → text), files docs-relative."""
    m = loaded.manifest
    shown = loaded.source.file
    index = build_index(m, loaded.source)
    known = _known_env(loaded)
    zones, hosts = _zones(loaded)
    routes = _routes(m)
    out: list[Finding] = []
    for rel, text in sorted(pages.items()):
        units, suppressions = parse_markdown(text)
        found: list[Finding] = []
        stem = posixpath.splitext(rel)[0]
        if (
            posixpath.dirname(stem) == narratives
            and posixpath.basename(stem) != "index"
            and posixpath.basename(stem) not in m.services
        ):
            name = posixpath.basename(stem)
            found.append(
                Finding(
                    "",
                    1,
                    "coverage/orphan",
                    f"narrative for unknown service {name!r}"
                    f"{did_you_mean(name, m.services)}; rename or remove it",
                )
            )
        in_code = {  # a link in a code block is an example, not a link
            u.line + k for u in units if u.kind == "code" for k in range(1, len(u.lines) + 1)
        }
        for number, line in enumerate(text.split("\n"), start=1):
            if number in in_code:
                continue
            for link in _SERVICE_LINK.finditer(line):
                if link.group(2) not in m.services and link.group(2) != "index":
                    found.append(
                        Finding(
                            "",
                            number,
                            "coverage/link",
                            f"links to {link.group(1)}, but there is no service "
                            f"{link.group(2)!r}{did_you_mean(link.group(2), m.services)}",
                        )
                    )
        own = posixpath.basename(stem) if posixpath.dirname(stem) == narratives else None
        for unit in units:
            # On services/NAME.md, NAME is the subject when nothing nearer names one.
            checked = _about(unit, own) if own in m.services else unit
            found += _env_findings(loaded, known, checked, index)
            found += _host_findings(zones, hosts, unit)
            found += _fact_findings(index, shown, checked)
            found += _status_findings(loaded, index, unit)
            found += _route_findings(routes, unit)
        found = _apply_suppressions(found, suppressions)
        found += [
            Finding(
                "",
                s.line,
                "drift/unused-suppression",
                f"'drift: ignore {s.rule}' matches no finding; remove it",
            )
            for s in suppressions
            if not s.used
        ]
        out += [Finding(rel, f.line, f.rule, f.message, f.severity) for f in found]
    return out


def check_freshness(
    loaded: LoadedManifest, today: dt.date, *, strict: bool = False
) -> list[Finding]:
    """A finding per service whose ``review.next_review`` is before ``today``."""
    out = []
    for name, svc in sorted(loaded.manifest.services.items()):
        if svc.review is None or svc.review.next_review >= today:
            continue
        line, _ = loaded.source.locate(("services", name, "review", "next_review"))
        days = (today - svc.review.next_review).days
        out.append(
            Finding(
                loaded.source.file,
                line,
                "freshness/overdue",
                f"services.{name}: review was due {svc.review.next_review} "
                f"({days} days ago); check its facts and move the dates on",
                "error" if strict else "warning",
            )
        )
    return out
