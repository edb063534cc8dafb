"""HTTP health checks of the services' ``health`` endpoints (standard library only).

:func:`plan_checks` decides what to probe (active services with endpoints and a
hostname for the environment, or a ``base_url`` given by the caller) and what to skip,
with a note saying why. :func:`run_checks` probes the endpoints ``concurrency`` at a
time with ``http.client``. Each attempt runs in a daemon thread of its own and the
caller waits for it with a timeout, so the timeout bounds the whole request — DNS
lookup, connect, TLS handshake, sending, status line, headers and body — and a server
that accepts and never answers, or trickles its answer a byte at a time, is given up
on when the timeout runs out (its socket is shut down; a lookup that never returns is
left to its daemon thread). Failed attempts are retried after a short exponential
backoff. The whole run has one limit, :func:`total_budget`: ``timeout × (retries + 1)``
plus the backoff, however many endpoints there are; endpoints still waiting for a slot
when it runs out are reported as not checked. Failures are described in words: DNS
failure, TLS error, connection refused, timeout, closed connection, unexpected status.

An answer is healthy only when it arrived whole: the status line, every header up to
the blank line that ends them, and the body as its ``Content-Length`` or chunked
framing says (a body bounded by the connection's close is read until the close).
http.client takes a connection that closes early for the end of the headers or of a
body read in parts; :class:`_Response` tells the two apart, so an answer that breaks
off is a failure ("the connection closed after 10 of 100 body bytes"), retried like
the others. Only the first :data:`_BODY_LIMIT` bytes of a body are read: a longer one
that is intact up to there counts as healthy.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import math
import re
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import __version__
from .errors import visible
from .model import Status
from .ops import Style, environment, plain

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
    "total_budget",
    "validate_base_url",
]

DEFAULT_TIMEOUT = 5.0
"""Seconds one request may take as a whole: DNS lookup, connect, TLS handshake, sending,
status line, headers and body."""
DEFAULT_RETRIES = 1
"""Further attempts after a failed one."""
DEFAULT_CONCURRENCY = 8
"""Endpoints probed at the same time."""
DEFAULT_BACKOFF = 0.25
"""Seconds before the first retry; doubled for each further one, at most 2 s."""
MAX_BACKOFF = 2.0
"""Longest pause between two attempts, in seconds."""
_MIN_ATTEMPT = 0.05
"""An attempt (or a retry after its pause) is not started with less time than this left."""
_MAX_WAIT = 86400.0
"""Longest single attempt, in seconds (waits beyond the platform's limits overflow)."""
_BODY_LIMIT = 64 * 1024
"""Bytes of an answer's body read (and discarded) before the connection is closed."""
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
"""Characters http.client refuses in a URL: spaces and control characters."""


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
    """Milliseconds from sending the request to the end of the answer's headers
    (``None`` when no headers arrived)."""
    error: str | None
    """Why it failed, in words (``None`` when healthy)."""
    error_kind: str | None
    """``dns``, ``tls``, ``refused``, ``timeout``, ``closed``, ``connection``, ``http`` or
    ``status`` (``None`` when healthy)."""
    attempts: int
    """Requests made (1 + retries used; 0 when the run's time limit ran out first)."""

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
    example = "like http://127.0.0.1:8000 or https://staging.example.com"
    if bad := _UNSAFE.search(url):
        what = "a space" if bad.group() == " " else f"the control character {bad.group()!r}"
        return f"{url!r} contains {what}; expected a URL {example} (write a space as %20)"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL" for an unclosed '['
        return (
            f"{url!r} is not a valid URL ({exc}); expected a URL {example}, "
            "an IPv6 address in brackets: http://[::1]:8000"
        )
    if parts.scheme not in ("http", "https"):
        return f"expected a URL starting with http:// or https://, got {url!r}"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return f"the port in {url!r} is not a number from 1 to 65535"
    if not parts.hostname:
        return f"no host in {url!r}; expected a URL {example}"
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        return f"{parts.hostname!r} in {url!r} is not a valid host name"
    if parts.query or parts.fragment:
        return f"a base URL has no query or fragment, got {url!r}"
    return None


def plan_checks(
    manifest: Manifest,
    services: Sequence[str] | None = None,
    *,
    env: str | None = None,
    base_url: str | None = None,
) -> HealthPlan:
    """What to probe: every health endpoint of ``services`` (default: all active ones).

    A service that is not active, has no health endpoints, or (without ``base_url``)
    has no hostname for ``env`` is skipped with a note. ``services`` must already be
    resolved to service names.
    """
    env = environment(manifest, env)
    if base_url is not None and (problem := validate_base_url(base_url)):
        raise ValueError(problem)
    names = (
        list(dict.fromkeys(services))
        if services
        else [
            n
            for n in sorted(manifest.services)
            if manifest.service_in(n, env).status is Status.ACTIVE
        ]
    )
    targets: list[Target] = []
    skipped: list[Skip] = []
    for name in names:
        svc = manifest.service_in(name, env)  # as this environment runs it (its own status)
        if svc.status is not Status.ACTIVE:
            skipped.append(Skip(name, f"{svc.status.value} (only active services are checked)"))
            continue
        if not svc.health:
            skipped.append(Skip(name, "no health endpoints in the manifest"))
            continue
        host = svc.domains.first(env)
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


def total_budget(timeout: float, retries: int, backoff: float = DEFAULT_BACKOFF) -> float:
    """Seconds a whole run may take: ``timeout × (retries + 1)`` plus the backoff pauses.

    With the defaults (5 s, 1 retry, 0.25 s backoff) that is 10.25 s, however many
    endpoints there are and however slowly they answer.
    """
    return timeout * (retries + 1) + sum(_pauses(retries, backoff))


def _pauses(retries: int, backoff: float) -> list[float]:
    """Seconds to wait before each retry: ``backoff`` doubled each time, at most 2 s."""
    return [min(backoff * 2**i, MAX_BACKOFF) for i in range(retries)]


def _seconds(value: float) -> str:
    """``1.0``, ``0.5``, ``0.25``, ``10.25``: seconds for a message, at most 2 decimals."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _quote(text: str | bytes, limit: int = 60) -> str:
    """``'HTTP/1.1 20'``: a line of an answer for a message, stripped and shortened."""
    if isinstance(text, bytes):
        text = text.decode("iso-8859-1")
    text = text.strip()
    return repr(text[:limit] + "…" if len(text) > limit else text)


def _describe(exc: BaseException, host: str, port: int, timed_out: str) -> tuple[str, str]:
    """``(kind, words)`` for an exception raised while probing ``host:port``.

    ``timed_out`` is the message for a timeout (it knows the limit and the phase).
    """
    if ":" in host:  # an IPv6 address, written as in a URL
        host = f"[{host}]"
    invalid = f"not a valid HTTP answer from {host}:{port}"
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
        return "timeout", timed_out
    if isinstance(exc, _Broken):
        if exc.kind == "closed":
            return "closed", f"truncated answer from {host}:{port}: {exc.words}"
        return exc.kind, f"{invalid}: {exc.words}"
    # RemoteDisconnected: the connection closed before the first byte of the status line.
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return "closed", f"{host}:{port} closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        line = _quote(str(exc.args[0]))
        return "http", f"{invalid}: the status line is {line}; expected one like 'HTTP/1.1 200 OK'"
    if isinstance(exc, http.client.UnknownProtocol):
        version = _quote(str(exc.args[0]))
        return "http", f"{invalid}: the protocol is {version}; expected HTTP/1.0 or HTTP/1.1"
    if isinstance(exc, http.client.IncompleteRead):  # drain() turns these into _Broken
        got = f"the connection closed after {len(exc.partial)} body bytes"
        return "closed", f"truncated answer from {host}:{port}: {got}"
    if isinstance(exc, http.client.HTTPException):  # LineTooLong, too many headers, ...
        return "http", f"{invalid}: {str(exc) or type(exc).__name__}"
    if isinstance(exc, OSError):
        return "connection", f"could not connect to {host}:{port}: {exc.strerror or exc}"
    return "connection", f"could not probe {host}:{port}: {exc}"


_Outcome = tuple[int | None, float | None, str | None, str | None]

_CONNECTING = "while connecting"
_WAITING = "waiting for the answer"
_READING = "reading the body"
_READ_SIZE = 16384
"""Most bytes of a body asked for by one read."""


class _Broken(http.client.HTTPException):
    """An answer that broke off (``kind`` ``closed``) or is not valid HTTP (``http``)."""

    def __init__(self, kind: str, words: str) -> None:
        super().__init__(words)
        self.kind = kind
        """``closed`` or ``http``, as in :attr:`Result.error_kind`."""
        self.words = words
        """What is wrong, in words (without the host)."""


class _Reader(io.BufferedReader):
    """The buffered socket reader of an answer, noting where the stream ended.

    http.client reads the status line, the headers, chunk sizes and trailers with
    :meth:`readline`, and bodies with :meth:`read` and :meth:`read1`; an empty or short
    result is the end of the stream. :attr:`ended_in` says which of the two was being
    read when it came, :attr:`last_line` is the last line read.
    """

    def __init__(self, raw: io.RawIOBase) -> None:
        super().__init__(raw, io.DEFAULT_BUFFER_SIZE)
        self.last_line = b""
        self.lines = 0
        """Lines read that were not empty (the status line and the header lines first)."""
        self.ended_in: str | None = None
        """``line`` or ``data`` once the stream has ended, ``None`` before."""

    def _ended(self, what: str) -> None:
        if self.ended_in is None:
            self.ended_in = what

    def readline(self, size: int | None = -1, /) -> bytes:
        """A line, as :meth:`io.BufferedReader.readline`, noting the end of the stream."""
        line = super().readline(size)
        self.last_line = line
        self.lines += bool(line)
        if not line.endswith(b"\n") and (size is None or size < 0 or len(line) < size):
            self._ended("line")
        return line

    def read(self, size: int | None = -1, /) -> bytes:
        """Bytes, as :meth:`io.BufferedReader.read` (short only at the end of the stream)."""
        data = super().read(size)
        if size is None or size < 0 or len(data) < size:
            self._ended("data")
        return data

    def read1(self, size: int = -1, /) -> bytes:
        """Bytes, as :meth:`io.BufferedReader.read1` (empty only at the end of the stream)."""
        data = super().read1(size)
        if not data and size != 0:
            self._ended("data")
        return data


class _Response(http.client.HTTPResponse):
    """An answer that counts as read only when it arrived whole.

    :meth:`begin` refuses headers cut short; :meth:`drain` reads the body and refuses one
    cut short. Both raise :class:`_Broken`.
    """

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        # Nothing has been read yet: the socket's stream moves to a reader that notes its end.
        self.reader = _Reader(self.fp.detach())
        self.fp = self.reader
        self.body_expected: int | None = None
        """The body's ``Content-Length`` (``None`` when chunked or bounded by the close)."""
        self.body_received = 0
        """Body bytes read so far."""

    def begin(self) -> None:
        """Read the status line and the headers, which must end with their blank line."""
        try:
            super().begin()
        except http.client.RemoteDisconnected:
            raise  # nothing came: "closed the connection without answering"
        except http.client.BadStatusLine as exc:
            if self.reader.ended_in is None:  # a whole line, but not a status line
                raise
            line = _quote(str(exc.args[0]))
            words = f"the connection closed in the middle of the status line ({line})"
            raise _Broken("closed", words) from exc
        except ConnectionResetError as exc:
            if not self.reader.lines:
                raise
            words = "the connection was reset in the middle of the headers"
            raise _Broken("closed", words) from exc
        # http.client stops reading headers at a blank line or at the end of the stream.
        if self.reader.last_line not in (b"\r\n", b"\n"):
            raise _Broken("closed", "the connection closed in the middle of the headers")
        self.body_expected = self.length

    def so_far(self) -> str:
        """``10 of 100``, or ``10`` without a ``Content-Length``: the body bytes read."""
        if self.body_expected is None:
            return str(self.body_received)
        return f"{self.body_received} of {self.body_expected}"

    def drain(self, limit: int) -> None:
        """Read the body and discard it, up to ``limit`` bytes; it must not break off.

        A body with a ``Content-Length`` must bring that many bytes, a chunked one must
        reach its last (zero-size) chunk (the blank line after it may be missing, as
        http.client allows: no body byte is lost then), any other one is read until the
        connection closes.
        """
        try:
            while self.body_received < limit:
                # read1 returns what has arrived, so the count is right when a read stalls.
                chunk = self.read1(min(limit - self.body_received, _READ_SIZE))
                if not chunk:
                    break
                self.body_received += len(chunk)
        except http.client.IncompleteRead as exc:  # only a chunked body raises it
            raise self._chunk_problem() from exc
        except ConnectionResetError as exc:
            words = f"the connection was reset after {self.so_far()} body bytes"
            raise _Broken("closed", words) from exc
        # At ``limit`` reading stops and the rest is left unread: a huge body that is
        # intact so far counts as healthy, it is not a failure to be longer than the limit.
        if self.body_received < limit and self.length:  # Content-Length bytes that never came
            words = f"the connection closed after {self.so_far()} body bytes"
            raise _Broken("closed", words)

    def _chunk_problem(self) -> _Broken:
        got = f"after {self.body_received} body bytes"
        if self.reader.ended_in == "data":
            return _Broken("closed", f"the connection closed in the middle of a chunk, {got}")
        if self.reader.ended_in == "line":
            words = f"the connection closed before the last (zero-size) chunk, {got}"
            return _Broken("closed", words)
        size = _quote(self.reader.last_line)
        return _Broken("http", f"a chunk size is {size}; expected a hexadecimal number ({got})")


class _Request:
    """One request, run by :meth:`run` in a thread of its own so the caller can give up.

    The caller waits for :attr:`done` with the time the attempt may take; when that
    runs out it calls :meth:`abandon`, which shuts the socket down (a read blocked in
    the thread returns at once) and tells the thread to stop after a DNS lookup or a
    connect that is still going. The thread is a daemon: a lookup that never returns
    cannot keep the process alive.
    """

    def __init__(self, target: Target, host: str, port: int, https: bool, timeout: float) -> None:
        self.target = target
        self.host = host
        self.port = port
        self.https = https
        self.timeout = timeout
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.finished = False
        self.abandoned = False
        self.conn: http.client.HTTPConnection | None = None
        self.response: _Response | None = None
        self.phase = _CONNECTING
        self.status: int | None = None
        self.latency_ms: float | None = None
        self.location: str | None = None
        self.error: BaseException | None = None

    def _connection(self) -> http.client.HTTPConnection:
        host = self.host if self.host.isascii() else self.host.encode("idna").decode("ascii")
        conn: http.client.HTTPConnection
        if self.https:
            context = ssl.create_default_context()
            conn = http.client.HTTPSConnection(
                host, self.port, timeout=self.timeout, context=context
            )
        else:
            conn = http.client.HTTPConnection(host, self.port, timeout=self.timeout)
        conn.response_class = _Response
        return conn

    def where(self) -> str:
        """The phase, for a timeout message; with the body bytes read, when reading it."""
        if self.phase == _READING and self.response is not None:
            return f"{self.phase} ({self.response.so_far()} bytes arrived)"
        return self.phase

    def run(self) -> None:
        """Connect, send, read the status line, the headers and the body (up to 64 KiB)."""
        parts = urlsplit(self.target.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": f"br-ops/{__version__} (health check)", "Accept": "*/*"}
        body = b"" if self.target.method == "POST" else None
        try:
            conn = self._connection()
            with self.lock:
                if self.abandoned:
                    return
                self.conn = conn
            conn.connect()  # DNS lookup, TCP connect, TLS handshake
            with self.lock:
                if self.abandoned:
                    return
                self.phase = _WAITING
            start = time.perf_counter()
            conn.request(self.target.method, path, body=body, headers=headers)
            response = conn.getresponse()
            if not isinstance(response, _Response):  # response_class is set in _connection
                raise TypeError(f"expected a _Response, got {type(response).__name__}")
            with self.lock:
                self.latency_ms = round((time.perf_counter() - start) * 1000, 1)
                self.status = response.status
                self.location = response.getheader("Location")
                self.response = response
                self.phase = _READING
            response.drain(_BODY_LIMIT)
        except Exception as exc:  # every failure is reported, none escapes the thread
            self.error = exc
        finally:
            with self.lock:
                self.finished = True
                if self.conn is not None:
                    self.conn.close()
            self.done.set()

    def abandon(self) -> tuple[bool, str, int | None, float | None]:
        """Give up: ``(gave_up, where, status, latency_ms)`` at the moment of giving up.

        ``gave_up`` is false when the request finished after all (its outcome stands);
        ``where`` is :meth:`where`.
        """
        with self.lock:
            if self.finished:
                return False, self.where(), self.status, self.latency_ms
            self.abandoned = True
            sock = self.conn.sock if self.conn is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            return True, self.where(), self.status, self.latency_ms


def _attempt(target: Target, allowed: float, shown: float, note: str) -> _Outcome:
    """One request bounded as a whole by ``allowed`` seconds.

    Returns ``(status, latency_ms, error_kind, error)``. DNS lookup, connect, TLS
    handshake, sending, the status line, the headers and the body all count. A timeout
    message says ``shown`` seconds, then ``note`` (why that is shorter than the
    configured timeout, if it is).
    """
    parts = urlsplit(target.url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    try:
        port = parts.port or (443 if https else 80)
    except ValueError:
        return None, None, "connection", f"could not probe {target.url}: the port is not valid"
    request = _Request(target, host, port, https, allowed)
    thread = threading.Thread(target=request.run, name=f"health {target.url}", daemon=True)
    thread.start()
    if not request.done.wait(allowed):
        gave_up, phase, status, latency = request.abandon()
        if gave_up:
            return (
                status,
                latency,
                "timeout",
                f"timed out after {_seconds(shown)} s {phase}{note}",
            )
    if request.error is not None:
        timed_out = f"timed out after {_seconds(shown)} s {request.where()}{note}"
        kind, words = _describe(request.error, host, port, timed_out)
        return request.status, request.latency_ms, kind, words
    status = request.status
    if status is None:  # run() always sets it or an error; never leave a gap unreported
        return None, None, "connection", f"could not probe {target.url}: no answer"
    if status != target.expected_status:
        location = request.location
        moved = f" (redirect to {location})" if location and 300 <= status < 400 else ""
        words = f"expected {target.expected_status}, got {status}{moved}"
        return status, request.latency_ms, "status", words
    return status, request.latency_ms, None, None


def check_target(
    target: Target,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    deadline: float | None = None,
) -> Result:
    """Probe one endpoint, retrying failures, within :func:`total_budget` seconds.

    Each attempt is bounded as a whole (DNS lookup to the end of the body) by
    ``timeout``. ``deadline`` (a :func:`time.monotonic` value) is the run's limit:
    attempts are cut short so as to end by then, and an endpoint whose turn comes
    after it is not probed at all (0 attempts, reported as a timeout).
    """
    pauses = _pauses(retries, backoff)
    limit = time.monotonic() + timeout * (retries + 1) + sum(pauses)
    if deadline is not None:
        limit = min(limit, deadline)
    attempts = 0
    status = latency = kind = error = None
    while True:
        remaining = limit - time.monotonic()
        if remaining < _MIN_ATTEMPT:
            if not attempts:
                words = "not checked: the run's time limit ran out before its turn"
                return Result(target, None, None, words, "timeout", 0)
            break
        allowed = min(timeout, remaining, _MAX_WAIT)
        # The last attempt starts a few milliseconds late: only a real cut is worth a note.
        cut = remaining < timeout - _MIN_ATTEMPT
        note = " (cut short by the run's time limit)" if cut else ""
        attempts += 1
        shown = allowed if cut else timeout
        status, latency, kind, error = _attempt(target, allowed, shown, note)
        if error is None or attempts > retries:
            break
        pause = pauses[attempts - 1]
        if limit - time.monotonic() - pause < _MIN_ATTEMPT:
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
    """Probe every target of ``plan``, ``concurrency`` at a time; results in plan order.

    The whole run ends within :func:`total_budget` seconds (plus a few milliseconds):
    endpoints still waiting for a free slot when it runs out are reported as not
    checked. Raises :class:`ValueError` unless ``timeout`` is a finite number above 0,
    ``retries`` ≥ 0, ``concurrency`` ≥ 1 and ``backoff`` a finite number ≥ 0.
    """
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a finite number of seconds above 0, got {timeout}")
    if retries < 0 or concurrency < 1 or not (math.isfinite(backoff) and backoff >= 0):
        raise ValueError("retries must be >= 0, concurrency >= 1 and backoff finite and >= 0")
    start = time.monotonic()
    deadline = start + total_budget(timeout, retries, backoff)
    results: list[Result] = []
    if plan.targets:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(plan.targets))) as pool:
            results = list(
                pool.map(
                    lambda t: check_target(
                        t, timeout=timeout, retries=retries, backoff=backoff, deadline=deadline
                    ),
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
        lines.append(
            f"{style('name', visible(service))} ({visible(report.plan.env)}, {visible(base)})"
        )
        methods = max(len(r.target.method) for r in results)
        paths = max(len(r.target.path) for r in results)
        for r in results:
            label = visible(f"{r.target.method.ljust(methods)} {r.target.path.ljust(paths)}")
            code = str(r.status) if r.status is not None else "—"
            took = f"{r.latency_ms:.0f} ms" if r.latency_ms is not None else "—"
            mark = style("ok", "ok  ") if r.ok else style("fail", "FAIL")
            line = f"  {mark}  {label}  {code:>3}  {took:>7}"
            if r.error:
                tries = f" (after {r.attempts} attempts)" if r.attempts > 1 else ""
                line += f"  {visible(r.error)}{tries}"  # servers' words: shown, not obeyed
            lines.append(line)
    for s in report.plan.skipped:
        lines.append(style("dim", visible(f"skipped {s.service}: {s.reason}")))
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
