"""Whole-manifest rules: references between sections, duplicates, and secrets.

The model checks each value on its own; these rules check what only the whole
manifest can tell: that a ``depends_on`` names a real service, that an active
service does not lean on a planned one, that no credential was pasted in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import Loc, Problem, did_you_mean
from .model import SERVICE_NAME, Manifest, PhaseStatus, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .yamlsafe import SourceMap

__all__ = [
    "CREDENTIAL_PATTERNS",
    "check_manifest",
    "credential_like",
    "credential_name",
    "find_credential",
    "redact",
    "scan_credentials",
]

CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a Stripe secret key", re.compile(r"\b[sr]k_(live|test)_[A-Za-z0-9]{8,}")),
    ("a Stripe webhook secret", re.compile(r"\bwhsec_[A-Za-z0-9]{16,}")),
    ("an OpenAI-style API key", re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}")),
    ("a GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}")),
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a private key block", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
)
"""(what it is, pattern) pairs for strings that must never be in a manifest."""

_URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://([^:/@\s]*):([^@/\s]+)@")
"""A password in a URL, with a user (``postgres://u:p@h``) or without (``redis://:p@h``)."""
_PLACEHOLDER_WORDS = {
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "changeme",
    "example",
    "placeholder",
    "redacted",
    "token",
    "xxx",
    "xxxx",
    "yourpassword",
    "your-password",
    "your_password",
}


def _is_placeholder(secret: str) -> bool:
    s = secret.strip()
    if s.lower() in _PLACEHOLDER_WORDS:
        return True
    if (s.startswith("<") and s.endswith(">")) or (s.startswith("{") and s.endswith("}")):
        return True
    if s.startswith(("${", "$")) or "{{" in s:
        return True
    return bool(set(s) <= set("*x.X"))


_PREFIXES = (
    "sk-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "AKIA",
    "ASIA",
    "xoxa-",
    "xoxb-",
    "xoxo-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "AIza",
    "glpat-",
    "PRIVATE KEY-----",
)
"""Literal starts of :data:`CREDENTIAL_PATTERNS` (keep the two in step)."""


def _clean_text(text: str) -> bool:
    """Whether a whole document certainly holds no credential (fast substring checks)."""
    if "\\" in text or any(prefix in text for prefix in _PREFIXES):
        return False
    return not any(find_credential(m.group(0)) for m in _URL_PASSWORD.finditer(text))


def find_credential(text: str) -> str | None:
    """Describe the credential ``text`` seems to contain, or ``None`` if it looks clean."""
    for what, pattern in CREDENTIAL_PATTERNS:
        if pattern.search(text):
            return what
    for match in _URL_PASSWORD.finditer(text):
        if not _is_placeholder(match.group(2)):
            return "a password inside a URL"
    return None


def redact(text: str) -> str:
    """``text`` with every credential found by :func:`find_credential` blanked out.

    Messages echo what the user wrote ("got 'x'", "unknown key 'x'"); a pasted
    credential must not travel on into terminals and CI logs that way.
    """
    for _, pattern in CREDENTIAL_PATTERNS:
        text = pattern.sub("<redacted>", text)

    def blank(match: re.Match[str]) -> str:
        if _is_placeholder(match.group(2)):
            return match.group(0)
        return match.group(0).replace(f":{match.group(2)}@", ":<redacted>@")

    return _URL_PASSWORD.sub(blank, text)


_CREDENTIAL_LAST = {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "APIKEY"}
_CREDENTIAL_ANY = {"PASSWORD", "PASSWD", "SECRET", "CREDENTIALS"}
_PUBLIC_WORDS = {"PUBLIC", "PUBLISHABLE", "ID", "NAME", "PATH", "FILE", "URL"}


def credential_name(name: str) -> bool:
    """Whether an env var's name says it holds a credential (``DB_PASSWORD``, ``API_KEY``).

    A key that is public by name (``STRIPE_PUBLISHABLE_KEY``) or that names where a
    credential lives (``SECRET_KEY_FILE``, ``ACCESS_TOKEN_EXPIRE_MINUTES``) does not.
    """
    words = name.upper().split("_")
    if _PUBLIC_WORDS & set(words):
        return False
    return words[-1] in _CREDENTIAL_LAST or bool(_CREDENTIAL_ANY & set(words[:-1]))


def credential_like(value: str) -> bool:
    """Whether a literal could be a real credential: long, unbroken, letters and digits."""
    s = value.strip()
    return (
        len(s) >= 8
        and not any(c.isspace() for c in s)
        and any(c.isalpha() for c in s)
        and any(c.isdigit() for c in s)
        and not _is_placeholder(s)
        and not s.lower().startswith(("change", "your", "example", "dummy", "test"))
    )


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str, bool]]:
    """Every string in ``data`` as (path, text, is_a_key)."""
    stack: list[tuple[Loc, Any]] = [(loc, data)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, str):
            yield here, value, False
        elif isinstance(value, dict):
            for k, v in value.items():
                yield (*here, k), str(k), True
                stack.append(((*here, k), v))
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in enumerate(value))


def scan_credentials(data: Any, source: SourceMap, *, text: str | None = None) -> list[Problem]:
    """A problem for every string anywhere in ``data`` that looks like a credential.

    With the document's ``text``, one regex pass over it rules out the common case of
    a clean file (unless escapes could hide a credential from a plain-text search).
    """
    if text is not None and _clean_text(text):
        return []
    problems = []
    for loc, string, is_key in _strings(data, ()):
        what = find_credential(string)
        if what:
            problems.append(
                source.problem(
                    loc,
                    f"looks like {what}; never put credentials in the manifest — mark the "
                    "variable 'secret: true' and keep the value in the platform's secret store "
                    "(placeholders such as 'user:pass' or '<password>' are fine)",
                    key=is_key,
                )
            )
    return problems


class _Checker:
    def __init__(
        self, m: Manifest, source: SourceMap, unjudged: frozenset[str] = frozenset()
    ) -> None:
        self.m = m
        self.source = source
        self.unjudged = unjudged
        """Services that exist but failed the schema: references to them are not judged."""
        self.problems: list[Problem] = []

    def err(self, loc: Loc, msg: str, *, key: bool = False) -> None:
        self.problems.append(self.source.problem(loc, msg, key=key))

    def service_ref(self, loc: Loc, name: str, what: str = "service") -> bool:
        if name in self.m.services:
            return True
        if name in self.unjudged:
            return False
        known = sorted({*self.m.services, *self.unjudged})
        hint = did_you_mean(name, known)
        self.err(loc, f"unknown {what} {name!r}{hint}; known services: " + ", ".join(known))
        return False

    def provider_ref(self, loc: Loc, name: str) -> None:
        if name not in self.m.providers:
            hint = did_you_mean(name, self.m.providers)
            self.err(
                loc,
                f"unknown provider {name!r}{hint}; known providers: "
                + ", ".join(sorted(self.m.providers)),
            )

    def phase_ref(self, loc: Loc, phase: int) -> None:
        if phase not in self.m.phase_by_id:
            known = ", ".join(str(p) for p in sorted(self.m.phase_by_id))
            self.err(loc, f"unknown phase {phase}; phases defined: {known}")

    def run(self) -> list[Problem]:
        self.phases()
        for name, svc in self.m.services.items():
            self.service(name, svc)
        self.aliases()
        self.domains()
        self.costs()
        self.ci_cd()
        return self.problems

    def phases(self) -> None:
        seen: set[int] = set()
        current = 0
        for i, phase in enumerate(self.m.phases):
            if phase.id in seen:
                self.err(("phases", i, "id"), f"duplicate phase id {phase.id}")
            seen.add(phase.id)
            if phase.status is PhaseStatus.CURRENT:
                current += 1
                if current > 1:
                    self.err(("phases", i, "status"), "more than one phase is 'current'")

    def service(self, name: str, svc: Any) -> None:
        base: Loc = ("services", name)
        if not re.match(SERVICE_NAME, name):
            self.err(
                base,
                f"service name {name!r} must be lower-case letters, digits and "
                "dashes, e.g. 'blackroad-api'",
                key=True,
            )
        self.provider_ref((*base, "provider"), svc.provider)
        self.phase_ref((*base, "phase"), svc.phase)
        seen_deps: set[str] = set()
        for i, dep in enumerate(svc.depends_on):
            loc = (*base, "depends_on", i)
            if dep == name:
                self.err(loc, "a service cannot depend on itself")
                continue
            if dep in seen_deps:
                self.err(loc, f"{dep!r} is listed twice")
                continue
            seen_deps.add(dep)
            if not self.service_ref(loc, dep):
                continue
            target = self.m.services[dep]
            if svc.status is Status.ACTIVE and target.status in (Status.PLANNED, Status.RETIRED):
                self.err(
                    loc,
                    f"active service {name!r} depends on {dep!r}, which is "
                    f"{target.status.value}; make {dep!r} active or drop the dependency",
                )
        names: dict[str, int] = {}
        for i, var in enumerate(svc.env):
            loc = (*base, "env", i)
            if var.name in names:
                self.err(
                    (*loc, "name"),
                    f"duplicate env var {var.name!r} "
                    f"(also env[{names[var.name]}]); declare each variable once",
                )
            names.setdefault(var.name, i)
            if var.secret:
                for attr in ("value", "default", "example"):
                    if getattr(var, attr) is not None:
                        self.err(
                            (*loc, attr),
                            f"{var.name} is secret, so it may not have a "
                            f"literal {attr}; set it in the platform's secret store",
                        )
            elif credential_name(var.name):
                for attr in ("value", "default", "example"):
                    literal = getattr(var, attr)
                    if isinstance(literal, str) and credential_like(literal):
                        self.err(
                            (*loc, attr),
                            f"{var.name} is named like a credential and its {attr} looks "
                            "like a real one; mark the variable 'secret: true' and keep the "
                            "value in the platform's secret store (or use a placeholder "
                            "such as '<token>')",
                        )
            if var.allowed and var.default is not None and var.default not in var.allowed:
                self.err(
                    (*loc, "default"),
                    f"default {var.default!r} is not one of the allowed values {var.allowed}",
                )
            if var.provided_by is not None and self.service_ref(
                (*loc, "provided_by"), var.provided_by, "exporting service"
            ):
                exported = {e.name for e in self.m.services[var.provided_by].exports}
                if var.name not in exported:
                    self.err(
                        (*loc, "provided_by"),
                        f"{var.provided_by!r} does not export "
                        f"{var.name}; it exports: {', '.join(sorted(exported)) or 'nothing'}",
                    )
        exports: set[str] = set()
        for i, exp in enumerate(svc.exports):
            if exp.name in exports:
                self.err((*base, "exports", i, "name"), f"{exp.name} is exported twice")
            exports.add(exp.name)
        endpoints: set[tuple[str, str]] = set()
        for i, ep in enumerate(svc.health):
            if (ep.method, ep.path) in endpoints:
                self.err((*base, "health", i, "path"), f"{ep.method} {ep.path} is listed twice")
            endpoints.add((ep.method, ep.path))
        if svc.review and svc.review.next_review < svc.review.last_reviewed:
            self.err((*base, "review", "next_review"), "next_review is before last_reviewed")

    def aliases(self) -> None:
        owner: dict[str, str] = {n.lower(): n for n in self.m.services}
        for name, svc in self.m.services.items():
            for i, alias in enumerate(svc.aliases):
                other = owner.get(alias.lower())
                if other is not None and other != name:
                    self.err(
                        ("services", name, "aliases", i),
                        f"alias {alias!r} already "
                        f"names service {other!r}; aliases must be unambiguous",
                    )
                owner.setdefault(alias.lower(), name)
        hosts: dict[str, str] = {}
        for name, svc in self.m.services.items():
            if svc.status is not Status.ACTIVE:
                continue
            for env, host in svc.domains.items():
                key = f"{env}:{host}"
                if key in hosts:
                    self.err(
                        ("services", name, "domains", env),
                        f"{host} is also the {env} domain of active service {hosts[key]!r}",
                    )
                hosts[key] = name

    def domains(self) -> None:
        seen: dict[str, int] = {}
        for i, dom in enumerate(self.m.domains):
            base: Loc = ("domains", i)
            if dom.name in seen:
                self.err(
                    (*base, "name"),
                    f"duplicate domain {dom.name!r} (also domains[{seen[dom.name]}])",
                )
            seen.setdefault(dom.name, i)
            if dom.service is not None:
                self.service_ref((*base, "service"), dom.service)
            if dom.hosting is not None:
                self.provider_ref((*base, "hosting"), dom.hosting)
            self.provider_ref((*base, "dns", "provider"), dom.dns.provider)

    def costs(self) -> None:
        for i, cost in enumerate(self.m.costs):
            base: Loc = ("costs", i)
            self.provider_ref((*base, "provider"), cost.provider)
            self.phase_ref((*base, "phase"), cost.phase)
            if cost.until_phase is not None:
                self.phase_ref((*base, "until_phase"), cost.until_phase)
                if cost.until_phase < cost.phase:
                    self.err((*base, "until_phase"), "until_phase is before phase")
            if cost.service is not None:
                self.service_ref((*base, "service"), cost.service, "owning service")

    def ci_cd(self) -> None:
        ci = self.m.ci_cd
        if ci is None:
            return
        self.provider_ref(("ci_cd", "provider"), ci.provider)
        names = {w.name for w in ci.workflows}
        for i, wf in enumerate(ci.workflows):
            for j, req in enumerate(wf.requires):
                if req not in names:
                    self.err(
                        ("ci_cd", "workflows", i, "requires", j),
                        f"unknown workflow {req!r}{did_you_mean(req, names)}",
                    )
        seen: set[str] = set()
        for i, secret in enumerate(ci.secrets_required):
            if not re.match(r"^[A-Z][A-Z0-9_]*$", secret):
                self.err(
                    ("ci_cd", "secrets_required", i),
                    f"expected an UPPER_SNAKE_CASE secret name, got {secret!r}",
                )
            if secret in seen:
                self.err(("ci_cd", "secrets_required", i), f"{secret} is listed twice")
            seen.add(secret)


def check_manifest(
    manifest: Manifest, source: SourceMap, *, unjudged: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every cross-reference problem in ``manifest``, located through ``source``.

    ``unjudged`` names services left out of ``manifest`` because they failed the schema:
    they exist, so references to them are neither errors nor followed.
    """
    return _Checker(manifest, source, unjudged).run()
