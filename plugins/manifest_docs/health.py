"""HTTP health checks of the services' ``health`` endpoints (standard library only).

:func:`plan_checks` decides what to probe (active services with endpoints and a
hostname for the environment, or a ``base_url`` given by the caller) and what to skip,
with a note saying why. :func:`run_checks` probes every endpoint in a thread pool with
``http.client``: one request per attempt with a per-request timeout, a short
exponential backoff between attempts, and a hard budget per endpoint of
``timeout × (retries + 1)`` plus the backoff, so a server that accepts and never
answers cannot hold the command. Failures are described in words: DNS failure, TLS
error, connection refused, timeout, closed connection, unexpected status.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import __version__
from .model import Status
from .ops import ENVIRONMENTS, Style, plain

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import Manifest

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "HealthPlan",
    "HealthReport",
    "Result",
    "Skip",
    "Target",
    "check_target",
    "format_report",
    "plan_checks",
    "run_checks",
    "validate_base_url",
]

DEFAULT_TIMEOUT = 5.0
"""Seconds one request may take (connect, send, first byte of the answer)."""
DEFAULT_RETRIES = 1
"""Further attempts after a failed one."""
DEFAULT_CONCURRENCY = 8
"""Endpoints probed at the same time."""
DEFAULT_BACKOFF = 0.25
"""Seconds before the first retry; doubled for each further one, at most 2 s."""
MAX_BACKOFF = 2.0


@dataclass(frozen=True)
class Target:
    """One endpoint to probe."""

    service: str
    """Service name."""
    method: str
    """HTTP method (``GET``, ``HEAD``, ``POST``)."""
    path: str
    """Request path from the manifest."""
    url: str
    """Full URL probed."""
    expected_status: int
    """Status code of a healthy answer."""


@dataclass(frozen=True)
class Skip:
    """A service that is not probed, and why."""

    service: str
    """Service name."""
    reason: str
    """Why it is skipped, in words."""


@dataclass(frozen=True)
class HealthPlan:
    """What :func:`run_checks` will probe and what it leaves out."""

    env: str
    """Environment whose hostnames are used (``prod``, ``staging``, ``dev``)."""
    base_url: str | None
    """Base URL used instead of the hostnames, if any."""
    targets: list[Target]
    """Endpoints to probe, in service then manifest order."""
    skipped: list[Skip]
    """Services left out, with the reason."""


@dataclass(frozen=True)
class Result:
    """The outcome of probing one endpoint."""

    target: Target
    """What was probed."""
    status: int | None
    """Status code of the last answer (``None`` when there was no answer)."""
    latency_ms: float | None
    """Milliseconds from sending the request to the answer's status line."""
    error: str | None
    """Why it failed, in words (``None`` when healthy)."""
    error_kind: str | None
    """``dns``, ``tls``, ``refused``, ``timeout``, ``closed``, ``connection``, ``http`` or
    ``status`` (``None`` when healthy)."""
    attempts: int
    """Requests made (1 + retries used)."""

    @property
    def ok(self) -> bool:
        """Whether the endpoint answered with its expected status."""
        return self.error is None


@dataclass(frozen=True)
class HealthReport:
    """Results of a health run, with the settings it used."""

    plan: HealthPlan
    """What was probed and skipped."""
    results: list[Result]
    """One result per target, in the plan's order."""
    timeout: float
    """Per-request timeout in seconds."""
    retries: int
    """Retries per endpoint."""
    elapsed: float = field(default=0.0)
    """Seconds the whole run took."""

    @property
    def failed(self) -> list[Result]:
        """Results that are not healthy."""
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        """True when every probed endpoint is healthy (also when nothing was probed)."""
        return not self.failed

    def summary(self) -> dict[str, Any]:
        """The counts and failures, as ``br-ops status --live`` shows them.

        ``{"endpoints", "ok", "failed", "skipped", "failures": [{"service", "url",
        "error"}]}``.
        """
        return {
            "endpoints": len(self.results),
            "ok": len(self.results) - len(self.failed),
            "failed": len(self.failed),
            "skipped": len(self.plan.skipped),
            "failures": [
                {"service": r.target.service, "url": r.target.url, "error": r.error}
                for r in self.failed
            ],
        }

    def to_json(self) -> dict[str, Any]:
        """The ``br-ops health --json`` shape.

        ``{"env", "base_url", "timeout", "retries", "ok", "results": [{"service",
        "method", "path", "url", "expected_status", "status", "ok", "latency_ms",
        "error", "error_kind", "attempts"}], "skipped": [{"service", "reason"}],
        "summary": {"endpoints", "ok", "failed", "skipped"}}``.
        """
        summary = self.summary()
        del summary["failures"]
        return {
            "env": self.plan.env,
            "base_url": self.plan.base_url,
            "timeout": self.timeout,
            "retries": self.retries,
            "ok": self.ok,
            "results": [
                {
                    "service": r.target.service,
                    "method": r.target.method,
                    "path": r.target.path,
                    "url": r.target.url,
                    "expected_status": r.target.expected_status,
                    "status": r.status,
                    "ok": r.ok,
                    "latency_ms": r.latency_ms,
                    "error": r.error,
                    "error_kind": r.error_kind,
                    "attempts": r.attempts,
                }
                for r in self.results
            ],
            "skipped": [{"service": s.service, "reason": s.reason} for s in self.plan.skipped],
            "summary": summary,
        }


def validate_base_url(url: str) -> str | None:
    """Why ``url`` cannot be a base URL (``None`` when it can): http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"expected a URL starting with http:// or https://, got {url!r}"
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return f"the port in {url!r} is not a number from 0 to 65535"
    if not parts.hostname:
        return f"no host in {url!r}"
    if parts.query or parts.fragment:
        return f"a base URL has no query or fragment, got {url!r}"
    return None


def plan_checks(
    manifest: Manifest,
    services: Sequence[str] | None = None,
    *,
    env: str = "prod",
    base_url: str | None = None,
) -> HealthPlan:
    """What to probe: every health endpoint of ``services`` (default: all active ones).

    A service that is not active, has no health endpoints, or (without ``base_url``)
    has no hostname for ``env`` is skipped with a note. ``services`` must already be
    resolved to service names.
    """
    if env not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {env!r}; expected one of {', '.join(ENVIRONMENTS)}")
    if base_url is not None and (problem := validate_base_url(base_url)):
        raise ValueError(problem)
    names = (
        list(dict.fromkeys(services))
        if services
        else [n for n, s in sorted(manifest.services.items()) if s.status is Status.ACTIVE]
    )
    targets: list[Target] = []
    skipped: list[Skip] = []
    for name in names:
        svc = manifest.services[name]
        if svc.status is not Status.ACTIVE:
            skipped.append(Skip(name, f"{svc.status.value} (only active services are checked)"))
            continue
        if not svc.health:
            skipped.append(Skip(name, "no health endpoints in the manifest"))
            continue
        host = dict(svc.domains.items()).get(env)
        if base_url is not None:
            base = base_url.rstrip("/")
        elif host:
            base = f"https://{host}"
        else:
            skipped.append(Skip(name, f"no {env} hostname in the manifest"))
            continue
        targets += [
            Target(name, ep.method, ep.path, base + ep.path, ep.expected_status)
            for ep in svc.health
        ]
    return HealthPlan(env=env, base_url=base_url, targets=targets, skipped=skipped)


# --------------------------------------------------------------------------- probing


def _describe(exc: BaseException, host: str, port: int, timeout: float) -> tuple[str, str]:
    """``(kind, words)`` for an exception raised while probing ``host:port``."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or exc.reason or "verification failed"
        return "tls", f"TLS error: the certificate of {host} is not valid ({detail})"
    if isinstance(exc, ssl.SSLError):
        detail = exc.reason or str(exc)
        return "tls", f"TLS error: the TLS handshake with {host}:{port} failed ({detail})"
    if isinstance(exc, socket.gaierror):
        return "dns", f"DNS lookup failed: {host} does not resolve ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "refused", f"connection refused by {host}:{port} (nothing is listening)"
    if isinstance(exc, TimeoutError):
        return "timeout", f"timed out: no answer within {timeout:g} s"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "closed", f"{host}:{port} closed the connection without answering"
    if isinstance(exc, http.client.HTTPException):
        return "http", f"not a valid HTTP answer from {host}:{port} ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return "connection", f"could not connect to {host}:{port}: {exc.strerror or exc}"
    return "connection", f"could not probe {host}:{port}: {exc}"


_Outcome = tuple[int | None, float | None, str | None, str | None]


def _attempt(target: Target, timeout: float, shown_timeout: float) -> _Outcome:
    """One request: ``(status, latency_ms, error_kind, error)``.

    ``timeout`` is what this attempt may take (the rest of the budget, at most the
    configured timeout); ``shown_timeout`` is the configured one, for messages.
    """
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    conn: http.client.HTTPConnection
    if https:
        conn = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"User-Agent": f"br-ops/{__version__} (health check)", "Accept": "*/*"}
    start = time.perf_counter()
    try:
        conn.request(
            target.method, path, body=b"" if target.method == "POST" else None, headers=headers
        )
        response = conn.getresponse()
        latency = round((time.perf_counter() - start) * 1000, 1)
        status = response.status
        location = response.getheader("Location")
    except Exception as exc:  # every failure is reported, none escapes the thread
        kind, words = _describe(exc, host, port, shown_timeout)
        return None, None, kind, words
    finally:
        conn.close()
    if status != target.expected_status:
        moved = f" (redirect to {location})" if location and 300 <= status < 400 else ""
        return status, latency, "status", f"expected {target.expected_status}, got {status}{moved}"
    return status, latency, None, None


def check_target(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> Result:
    """Probe one endpoint, retrying failures, within ``timeout × (retries+1)`` + backoff."""
    pauses = [min(backoff * 2**i, MAX_BACKOFF) for i in range(retries)]
    deadline = time.monotonic() + timeout * (retries + 1) + sum(pauses)
    attempts = 0
    status = latency = kind = error = None
    while True:
        remaining = deadline - time.monotonic()
        attempts += 1
        status, latency, kind, error = _attempt(target, max(0.05, min(timeout, remaining)), timeout)
        if error is None or attempts > retries:
            break
        pause = pauses[attempts - 1]
        if deadline - time.monotonic() - pause < 0.05:
            break
        time.sleep(pause)
    return Result(target, status, latency, error, kind, attempts)


def run_checks(
    plan: HealthPlan,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    concurrency: int = DEFAULT_CONCURRENCY,
    backoff: float = DEFAULT_BACKOFF,
) -> HealthReport:
    """Probe every target of ``plan``, ``concurrency`` at a time; results in plan order."""
    if timeout <= 0 or retries < 0 or concurrency < 1:
        raise ValueError("timeout must be > 0, retries >= 0 and concurrency >= 1")
    start = time.monotonic()
    results: list[Result] = []
    if plan.targets:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(plan.targets))) as pool:
            results = list(
                pool.map(
                    lambda t: check_target(t, timeout=timeout, retries=retries, backoff=backoff),
                    plan.targets,
                )
            )
    return HealthReport(plan, results, timeout, retries, round(time.monotonic() - start, 3))


# --------------------------------------------------------------------------- text


def format_report(report: HealthReport, style: Style = plain) -> str:
    """Text for ``br-ops health``: one line per endpoint, grouped by service, then a summary."""
    lines: list[str] = []
    by_service: dict[str, list[Result]] = {}
    for r in report.results:
        by_service.setdefault(r.target.service, []).append(r)
    for service, results in by_service.items():
        base = results[0].target.url[: -len(results[0].target.path)] or results[0].target.url
        lines.append(f"{style('name', service)} ({report.plan.env}, {base})")
        methods = max(len(r.target.method) for r in results)
        paths = max(len(r.target.path) for r in results)
        for r in results:
            label = f"{r.target.method.ljust(methods)} {r.target.path.ljust(paths)}"
            code = str(r.status) if r.status is not None else "—"
            took = f"{r.latency_ms:.0f} ms" if r.latency_ms is not None else "—"
            mark = style("ok", "ok  ") if r.ok else style("fail", "FAIL")
            line = f"  {mark}  {label}  {code:>3}  {took:>7}"
            if r.error:
                tries = f" (after {r.attempts} attempts)" if r.attempts > 1 else ""
                line += f"  {r.error}{tries}"
            lines.append(line)
    for s in report.plan.skipped:
        lines.append(style("dim", f"skipped {s.service}: {s.reason}"))
    n, bad = len(report.results), len(report.failed)
    skipped = len(report.plan.skipped)
    if not n:
        summary = "nothing to check"
    else:
        summary = f"{n} endpoint{'s' * (n != 1)}: {n - bad} ok, {bad} failed"
    if skipped:
        summary += f"; {skipped} service{'s' * (skipped != 1)} skipped"
    if lines:
        lines.append("")
    lines.append(style("fail" if bad else "ok", summary))
    return "\n".join(lines) + "\n"
