"""``br-ops health`` against real HTTP servers on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from manifest_docs import health
from manifest_docs.cli import main
from manifest_docs.load import load_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

BR_OPS = Path(sys.executable).parent / "br-ops"

HEALTH_MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    organization:
      name: Acme Ops
      control_plane_repo: acme/infra
      docs_url: https://docs.acme.dev
    phases:
      - id: 1
        name: Launch
        status: current
    providers:
      railway:
        name: Railway
        kind: hosting
    services:
      api:
        description: Public API
        kind: backend
        status: active
        phase: 1
        provider: railway
        domains:
          prod: api.acme.invalid
        health:
          - path: /health
          - path: /ready
            method: HEAD
      worker:
        description: Background jobs
        kind: worker
        status: active
        phase: 1
        provider: railway
        health:
          - path: /health
            method: POST
            expected_status: 204
      db:
        description: Database
        kind: database
        status: active
        phase: 1
        provider: railway
      next:
        description: The next API
        kind: backend
        status: planned
        phase: 1
        provider: railway
        domains:
          prod: next.acme.invalid
        health:
          - path: /health
    """
)


class _Listener(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: more simultaneous connects than that
    # wait for a SYN retransmit (1 s), longer than the timeouts the tests use.
    request_queue_size = 64


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 running in a thread, with a request counter."""

    def __init__(self, behaviour: Callable[[BaseHTTPRequestHandler, Server], None]) -> None:
        self.release = threading.Event()
        self.requests = 0
        self.hung_up = 0  # trickling answers the client stopped reading
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                with outer.lock:
                    outer.requests += 1
                behaviour(self, outer)

            do_GET = do_HEAD = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _Listener(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class RawServer:
    """A bare TCP server on 127.0.0.1 for answers http.server cannot send.

    For each connection it reads the request's head, sends ``answer`` byte for byte and
    closes the connection; with ``answer=None`` it closes each connection as soon as it
    accepts it, before reading anything; with ``hold`` it keeps the connection open
    after sending, until teardown.
    """

    def __init__(self, answer: bytes | None, *, hold: bool = False) -> None:
        self.answer = answer
        self.hold = hold
        self.requests = 0  # connections accepted
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.sock.settimeout(0.05)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.release.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed at teardown
                return
            with self.lock:
                self.requests += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            if self.answer is None:
                return
            conn.settimeout(5)
            try:
                head = b""
                while b"\r\n\r\n" not in head and (data := conn.recv(4096)):
                    head += data
                conn.sendall(self.answer)
                if self.hold:
                    self.release.wait(60)
                conn.shutdown(socket.SHUT_WR)  # all sent: the checker reads the end
            except OSError:  # the checker stopped reading and closed its end
                pass

    def close(self) -> None:
        self.release.set()
        self.sock.close()
        self.thread.join(5)


def _answer(code: int) -> Callable[[BaseHTTPRequestHandler, Server], None]:
    def behaviour(handler: BaseHTTPRequestHandler, server: Server) -> None:
        body = b'{"status": "ok"}' if code < 300 else b"boom"
        handler.send_response(code)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    return behaviour


def _by_method(handler: BaseHTTPRequestHandler, server: Server) -> None:
    _answer(204 if handler.command == "POST" else 200)(handler, server)


def _hang(handler: BaseHTTPRequestHandler, server: Server) -> None:
    server.release.wait(60)  # accepts the request and never answers (until teardown)


def _flaky(handler: BaseHTTPRequestHandler, server: Server) -> None:
    _answer(503 if server.requests == 1 else 200)(handler, server)


TRICKLE_FOR = 15.0
"""Seconds a trickling server keeps sending (a checker without a whole-request bound
hangs this long per attempt; the old one did)."""


def _trickle(handler: BaseHTTPRequestHandler, server: Server, head: bytes) -> None:
    """Send ``head``, then one more byte every 0.2 s until teardown or TRICKLE_FOR."""
    stop = time.monotonic() + TRICKLE_FOR
    try:
        handler.wfile.write(head)
        while time.monotonic() < stop and not server.release.wait(0.2):
            handler.wfile.write(b"a")
    except OSError:  # the checker gave up and closed the connection
        with server.lock:
            server.hung_up += 1
    handler.close_connection = True


def _trickle_headers(handler: BaseHTTPRequestHandler, server: Server) -> None:
    # The status line arrives, then a header that never ends: every read gets a byte.
    _trickle(handler, server, b"HTTP/1.1 200 OK\r\nX-Slow: ")


def _trickle_body(handler: BaseHTTPRequestHandler, server: Server) -> None:
    # Status and headers at once, then a 1000-byte body one byte every 0.2 s.
    _trickle(handler, server, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler, Server], None]], Server]]:
    servers: list[Server] = []

    def start(behaviour: Callable[[BaseHTTPRequestHandler, Server], None]) -> Server:
        server = Server(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def serve_raw() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(answer: bytes | None, *, hold: bool = False) -> RawServer:
        server = RawServer(answer, hold=hold)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def closed_port() -> int:
    """A port that was bound and closed: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.yml"
    path.write_text(HEALTH_MANIFEST, encoding="utf-8")
    return path


def run_health(path: Path, *args: str) -> tuple[int, str, str, float]:
    start = time.monotonic()
    result = CliRunner().invoke(main, ["health", *args, "--manifest", str(path)])
    elapsed = time.monotonic() - start
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr, elapsed


# --------------------------------------------------------------------------- outcomes


def test_healthy_server(manifest_file: Path, serve: Callable[..., Server]) -> None:
    server = serve(_answer(200))
    code, out, _, _ = run_health(manifest_file, "api", "--base-url", server.url)
    assert code == 0, out
    assert f"api (prod, {server.url})" in out
    assert "ok    GET  /health  200" in out
    assert "ok    HEAD /ready   200" in out
    assert " ms" in out
    assert "2 endpoints: 2 ok, 0 failed" in out
    assert server.requests == 2


def test_healthy_json_shape(manifest_file: Path, serve: Callable[..., Server]) -> None:
    server = serve(_answer(200))
    code, out, _, _ = run_health(manifest_file, "api", "--base-url", server.url + "/", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "env",
        "base_url",
        "timeout",
        "retries",
        "ok",
        "results",
        "skipped",
        "summary",
    }
    assert data["ok"] is True
    assert data["summary"] == {"endpoints": 2, "ok": 2, "failed": 0, "skipped": 0}
    first = data["results"][0]
    assert set(first) == {
        "service",
        "method",
        "path",
        "url",
        "expected_status",
        "status",
        "ok",
        "latency_ms",
        "error",
        "error_kind",
        "attempts",
    }
    assert first["url"] == f"{server.url}/health"
    assert first["status"] == 200
    assert isinstance(first["latency_ms"], float)
    assert first["attempts"] == 1
    assert first["error"] is None


def test_expected_status_and_method_come_from_the_manifest(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_by_method)
    code, out, _, _ = run_health(manifest_file, "worker", "--base-url", server.url)
    assert code == 0, out
    assert "ok    POST /health  204" in out


def test_server_answering_500(manifest_file: Path, serve: Callable[..., Server]) -> None:
    server = serve(_answer(500))
    code, out, _, _ = run_health(
        manifest_file, "api", "--base-url", server.url, "--retries", "1", "--json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    for result in data["results"]:
        assert result["status"] == 500
        assert result["error_kind"] == "status"
        assert result["error"] == "expected 200, got 500"
        assert result["attempts"] == 2
    code, out, _, _ = run_health(manifest_file, "api", "--base-url", server.url)
    assert "FAIL  GET  /health  500" in out
    assert "expected 200, got 500 (after 2 attempts)" in out
    assert "2 endpoints: 0 ok, 2 failed" in out


def _all_timed_out(
    manifest_file: Path, server: Server, timeout: float, retries: int
) -> list[dict[str, Any]]:
    """Run health with ``--json`` against ``server``; every endpoint must time out in time."""
    code, out, _, elapsed = run_health(
        manifest_file,
        "api",
        "--base-url",
        server.url,
        "--timeout",
        str(timeout),
        "--retries",
        str(retries),
        "--json",
    )
    assert code == 1
    assert elapsed < health.total_budget(timeout, retries) + 1.5
    results: list[dict[str, Any]] = json.loads(out)["results"]
    for result in results:
        assert result["error_kind"] == "timeout"
        assert result["error"] == f"timed out after {timeout} s waiting for the answer"
        assert result["status"] is None
        assert result["attempts"] == retries + 1
    return results


def test_server_that_never_answers_times_out(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_hang)
    # Both endpoints run in parallel: 0.5 + 0.25 (backoff) + 0.5 = 1.25 s, plus slack.
    results = _all_timed_out(manifest_file, server, 0.5, 1)
    assert server.requests == 4
    assert [r["latency_ms"] for r in results] == [None, None]


def test_trickling_headers_are_bounded_as_a_whole(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    # One byte every 0.2 s: a per-read socket timeout of 1 s never fires.
    server = serve(_trickle_headers)
    _all_timed_out(manifest_file, server, 1.0, 1)
    # The abandoned requests were stopped (their sockets shut down), not left reading.
    stop = time.monotonic() + 2
    while server.hung_up < server.requests and time.monotonic() < stop:
        time.sleep(0.05)
    assert (server.hung_up, server.requests) == (4, 4)
    _, out, _, _ = run_health(
        manifest_file, "api", "--base-url", server.url, "--timeout", "0.5", "--retries", "0"
    )
    assert "FAIL  GET  /health    —        —  timed out after 0.5 s waiting for the answer" in out


def test_trickling_body_is_part_of_the_request(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_trickle_body)
    code, out, _, elapsed = run_health(
        manifest_file, "api", "--base-url", server.url, "--timeout", "1", "--retries", "0", "--json"
    )
    assert code == 1
    assert elapsed < health.total_budget(1.0, 0) + 1.5
    get, head = json.loads(out)["results"]
    assert get["status"] == 200  # the headers came; the body did not finish in time
    assert isinstance(get["latency_ms"], float)
    assert get["error_kind"] == "timeout"
    assert re.fullmatch(
        r"timed out after 1\.0 s reading the body \(\d+ of 1000 bytes arrived\)", get["error"]
    )
    assert head["ok"] is True  # a HEAD answer has no body to wait for


def test_trickling_server_as_a_subprocess_exits_within_the_bound(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    # The abandoned requests must not keep the process alive, and no traceback.
    env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    server = serve(_trickle_headers)
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [str(BR_OPS), "health", "api", "--base-url", server.url, "--timeout", "1"],
            cwd=manifest_file.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=TRICKLE_FOR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"br-ops health still running after {TRICKLE_FOR} s")
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert "timed out after 1.0 s waiting for the answer (after 2 attempts)" in proc.stdout
    # 2.25 s of checks; the rest is starting Python and importing the CLI.
    assert elapsed < health.total_budget(1.0, 1) + 3


def test_refused_connection(manifest_file: Path, closed_port: int) -> None:
    code, out, _, _ = run_health(
        manifest_file, "api", "--base-url", f"http://127.0.0.1:{closed_port}", "--retries", "0"
    )
    assert code == 1
    assert f"connection refused by 127.0.0.1:{closed_port} (nothing is listening)" in out


def test_tls_error_against_a_plain_http_server(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_answer(200))
    port = server.httpd.server_address[1]
    code, out, _, _ = run_health(
        manifest_file,
        "api",
        "--base-url",
        f"https://127.0.0.1:{port}",
        "--retries",
        "0",
        "--json",
    )
    assert code == 1
    result = json.loads(out)["results"][0]
    assert result["error_kind"] == "tls"
    assert result["error"].startswith("TLS error:")


def test_dns_failure(manifest_file: Path) -> None:
    code, out, _, _ = run_health(
        manifest_file,
        "api",
        "--base-url",
        "http://no-such-host.invalid",
        "--retries",
        "0",
        "--timeout",
        "3",
    )
    assert code == 1
    assert "DNS lookup failed: no-such-host.invalid does not resolve" in out


def test_a_retry_recovers_a_flaky_endpoint(serve: Callable[..., Server]) -> None:
    server = serve(_flaky)
    target = health.Target("api", "GET", "/health", server.url + "/health", 200)
    result = health.check_target(target, timeout=2, retries=2, backoff=0.05)
    assert result.ok
    assert result.attempts == 2
    assert result.status == 200


# --------------------------------------------------------------------------- whole answers

OK_HEAD = b"HTTP/1.1 200 OK\r\n"
CHUNKED_HEAD = OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
TRUNCATED = "truncated answer from {where}: "
INVALID = "not a valid HTTP answer from {where}: "


@pytest.mark.parametrize(
    ("answer", "kind", "words", "status"),
    [
        pytest.param(
            None,
            "closed",
            "{where} closed the connection without answering",
            None,
            id="closed-right-after-accepting",
        ),
        pytest.param(
            b"",
            "closed",
            "{where} closed the connection without answering",
            None,
            id="closed-after-reading-the-request",
        ),
        pytest.param(
            b"HTTP/1.1 20",
            "closed",
            TRUNCATED + "the connection closed in the middle of the status line ('HTTP/1.1 20')",
            None,
            id="status-line-cut",
        ),
        pytest.param(
            OK_HEAD,
            "closed",
            TRUNCATED + "the connection closed in the middle of the headers",
            None,
            id="closed-after-the-status-line",
        ),
        pytest.param(
            OK_HEAD + b"Content-Type: application/json\r\nContent-Le",
            "closed",
            TRUNCATED + "the connection closed in the middle of the headers",
            None,
            id="header-line-cut",
        ),
        pytest.param(
            OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 10,
            "closed",
            TRUNCATED + "the connection closed after 10 of 100 body bytes",
            200,
            id="content-length-body-cut",
        ),
        pytest.param(
            OK_HEAD + b"Content-Length: 100\r\n\r\n",
            "closed",
            TRUNCATED + "the connection closed after 0 of 100 body bytes",
            200,
            id="content-length-body-missing",
        ),
        pytest.param(
            CHUNKED_HEAD + b"5\r\nhello\r\na\r\n0123",
            "closed",
            TRUNCATED + "the connection closed in the middle of a chunk, after 9 body bytes",
            200,
            id="chunk-cut",
        ),
        pytest.param(
            CHUNKED_HEAD + b"5\r\nhello\r\n",
            "closed",
            TRUNCATED
            + "the connection closed before the last (zero-size) chunk, after 5 body bytes",
            200,
            id="chunked-body-without-its-last-chunk",
        ),
        pytest.param(
            CHUNKED_HEAD + b"zz\r\nhello\r\n0\r\n\r\n",
            "http",
            INVALID + "a chunk size is 'zz'; expected a hexadecimal number (after 0 body bytes)",
            200,
            id="chunk-size-not-hexadecimal",
        ),
        pytest.param(
            b"HELLO\r\n\r\n",
            "http",
            INVALID + "the status line is 'HELLO'; expected one like 'HTTP/1.1 200 OK'",
            None,
            id="status-line-not-http",
        ),
        pytest.param(
            b"HTTP/1.1 OK 200\r\n\r\n",
            "http",
            INVALID + "the status line is 'HTTP/1.1 OK 200'; expected one like 'HTTP/1.1 200 OK'",
            None,
            id="status-code-not-a-number",
        ),
        pytest.param(
            b"HTTP/2.0 200 OK\r\n\r\n",
            "http",
            INVALID + "the protocol is 'HTTP/2.0'; expected HTTP/1.0 or HTTP/1.1",
            None,
            id="unknown-protocol",
        ),
        pytest.param(
            OK_HEAD + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n",
            "http",
            INVALID + "got more than 65536 bytes when reading header line",
            None,
            id="header-line-too-long",
        ),
    ],
)
def test_an_answer_that_breaks_off_or_is_not_http_fails(
    tmp_path: Path,
    serve_raw: Callable[..., RawServer],
    answer: bytes | None,
    kind: str,
    words: str,
    status: int | None,
) -> None:
    server = serve_raw(answer)
    path = _many_endpoints(tmp_path, 1)  # one GET endpoint: a HEAD answer has no body
    expected = words.format(where=f"127.0.0.1:{server.port}")
    code, out, _, _ = run_health(path, "api", "--base-url", server.url, "--timeout", "2", "--json")
    data = json.loads(out)
    assert (code, data["ok"], data["summary"]["failed"]) == (1, False, 1)
    (result,) = data["results"]
    assert result["ok"] is False
    assert result["error"] == expected
    assert result["error_kind"] == kind
    assert result["status"] == status
    assert (result["latency_ms"] is None) == (status is None)
    assert result["attempts"] == 2  # retried like any other failure
    assert server.requests == 2
    code, out, _, _ = run_health(path, "api", "--base-url", server.url, "--retries", "0")
    assert code == 1
    assert f"FAIL  GET /h0  {status or '—':>3}" in out
    assert f"  {expected}\n" in out
    assert "1 endpoint: 0 ok, 1 failed" in out


def test_a_truncated_answer_fails_in_the_report_and_its_json(
    serve_raw: Callable[..., RawServer],
) -> None:
    server = serve_raw(OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 10)
    target = health.Target("api", "GET", "/health", server.url + "/health", 200)
    plan = health.HealthPlan(env="prod", base_url=server.url, targets=[target], skipped=[])
    report = health.run_checks(plan, timeout=2, retries=1, backoff=0.01)
    assert not report.ok
    (result,) = report.failed
    words = f"truncated answer from 127.0.0.1:{server.port}: the connection closed after 10 of 100"
    assert result.error == words + " body bytes"
    assert (result.error_kind, result.status, result.attempts) == ("closed", 200, 2)
    data = report.to_json()
    assert data["ok"] is False
    assert data["summary"] == {"endpoints": 1, "ok": 0, "failed": 1, "skipped": 0}
    assert data["results"][0]["error"] == result.error
    assert report.summary()["failures"] == [
        {"service": "api", "url": target.url, "error": result.error}
    ]
    assert "FAIL" in health.format_report(report)


def test_a_head_answer_is_whole_without_its_body(
    manifest_file: Path, serve_raw: Callable[..., RawServer]
) -> None:
    # The same bytes to GET /health and HEAD /ready: only the GET answer lacks its body.
    server = serve_raw(OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 10)
    code, out, _, _ = run_health(
        manifest_file, "api", "--base-url", server.url, "--retries", "0", "--json"
    )
    assert code == 1
    get, head = json.loads(out)["results"]
    assert get["error"].endswith("the connection closed after 10 of 100 body bytes")
    assert head["ok"] is True


def test_content_length_longer_than_what_arrives_before_the_timeout(
    tmp_path: Path, serve_raw: Callable[..., RawServer]
) -> None:
    # 10 of the 100 bytes come, then nothing while the connection stays open.
    server = serve_raw(OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 10, hold=True)
    path = _many_endpoints(tmp_path, 1)
    code, out, _, _ = run_health(
        path, "api", "--base-url", server.url, "--timeout", "1", "--retries", "0", "--json"
    )
    assert code == 1
    (result,) = json.loads(out)["results"]
    assert result["error_kind"] == "timeout"
    assert result["error"] == "timed out after 1.0 s reading the body (10 of 100 bytes arrived)"
    assert result["status"] == 200


@pytest.mark.parametrize(
    ("answer", "hold"),
    [
        pytest.param(
            OK_HEAD + b'Content-Length: 16\r\n\r\n{"status": "ok"}', False, id="content-length"
        ),
        # The body is framed by its length: the checker does not wait for the close.
        pytest.param(
            OK_HEAD + b'Content-Length: 16\r\n\r\n{"status": "ok"}', True, id="kept-alive"
        ),
        pytest.param(CHUNKED_HEAD + b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", False, id="chunked"),
        pytest.param(
            CHUNKED_HEAD + b"5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n", True, id="chunked-trailer"
        ),
        # The last chunk came; only the blank line after it is missing (http.client allows it).
        pytest.param(CHUNKED_HEAD + b"5\r\nhello\r\n0\r\n", False, id="chunked-no-final-line"),
        pytest.param(b"HTTP/1.0 200 OK\r\n\r\nhello", False, id="bounded-by-the-close"),
        pytest.param(OK_HEAD + b"Content-Length: 0\r\n\r\n", False, id="empty-body"),
        # Longer than the read limit and still arriving: reading stops there, healthy.
        pytest.param(
            OK_HEAD + b"Content-Length: 10000000\r\n\r\n" + b"x" * (3 * 64 * 1024),
            True,
            id="huge-body",
        ),
    ],
)
def test_a_whole_answer_is_healthy(
    manifest_file: Path, serve_raw: Callable[..., RawServer], answer: bytes, hold: bool
) -> None:
    server = serve_raw(answer, hold=hold)
    code, out, _, _ = run_health(
        manifest_file, "api", "--base-url", server.url, "--timeout", "2", "--json"
    )
    data = json.loads(out)
    assert [r["error"] for r in data["results"]] == [None, None]
    assert (code, data["ok"], data["summary"]["ok"]) == (0, True, 2)
    assert [r["status"] for r in data["results"]] == [200, 200]
    assert server.requests == 2  # one attempt each


# --------------------------------------------------------------------------- what is probed


def test_default_is_every_active_service_and_the_rest_is_skipped(
    manifest_file: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_by_method)
    code, out, _, _ = run_health(manifest_file, "--base-url", server.url)
    assert code == 0, out
    assert "skipped db: no health endpoints in the manifest" in out
    assert "next" not in out  # planned services are not part of the default set
    assert "3 endpoints: 3 ok, 0 failed; 1 service skipped" in out


def test_explicit_non_active_service_is_skipped_with_a_note(manifest_file: Path) -> None:
    code, out, _, _ = run_health(manifest_file, "next")
    assert code == 0
    assert "skipped next: planned (only active services are checked)" in out
    assert "nothing to check" in out


def test_service_without_a_hostname_for_the_env_is_skipped(manifest_file: Path) -> None:
    code, out, _, _ = run_health(manifest_file, "worker", "--env", "staging", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["skipped"] == [
        {"service": "worker", "reason": "no staging hostname in the manifest"}
    ]
    assert data["results"] == []


def test_plan_uses_https_hostnames_without_a_base_url() -> None:
    m = load_text(HEALTH_MANIFEST).manifest
    plan = health.plan_checks(m, ["api", "next"])
    assert [t.url for t in plan.targets] == [
        "https://api.acme.invalid/health",
        "https://api.acme.invalid/ready",
    ]
    assert [s.service for s in plan.skipped] == ["next"]


def _many_endpoints(tmp_path: Path, count: int) -> Path:
    """The test manifest with ``count`` GET endpoints /h0, /h1… on ``api``."""
    old = "      - path: /health\n      - path: /ready\n        method: HEAD\n"
    assert old in HEALTH_MANIFEST
    text = HEALTH_MANIFEST.replace(old, "".join(f"      - path: /h{i}\n" for i in range(count)))
    path = tmp_path / "manifest.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_many_endpoints_run_concurrently_within_the_bound(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_hang)
    code, out, _, elapsed = run_health(
        _many_endpoints(tmp_path, 8),
        "api",
        "--base-url",
        server.url,
        "--timeout",
        "1",
        "--retries",
        "0",
        "--concurrency",
        "8",
        "--json",
    )
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["failed"] == 8
    # Eight never-answering endpoints: about 1 s at once, 8 s one after another.
    assert elapsed < 4
    assert server.requests == 8
    for result in data["results"]:
        assert result["error"] == "timed out after 1.0 s waiting for the answer"
        assert result["attempts"] == 1


def test_the_whole_run_is_bounded_when_endpoints_outnumber_the_slots(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    server = serve(_hang)
    code, out, _, elapsed = run_health(
        _many_endpoints(tmp_path, 6),
        "api",
        "--base-url",
        server.url,
        "--timeout",
        "0.5",
        "--retries",
        "0",
        "--concurrency",
        "2",
    )
    assert code == 1
    assert elapsed < health.total_budget(0.5, 0) + 1.5  # not three rounds of 0.5 s
    assert server.requests == 2
    assert out.count("timed out after 0.5 s waiting for the answer") == 2
    assert out.count("not checked: the run's time limit ran out before its turn") == 4
    assert "6 endpoints: 0 ok, 6 failed" in out


def test_run_limit_cuts_an_attempt_short(serve: Callable[..., Server]) -> None:
    server = serve(_hang)
    target = health.Target("api", "GET", "/health", server.url + "/health", 200)
    start = time.monotonic()
    result = health.check_target(target, timeout=5, retries=0, deadline=start + 0.5)
    assert time.monotonic() - start < 1.5
    assert result.error_kind == "timeout"
    assert result.error is not None
    assert result.error.startswith("timed out after 0.")
    assert result.error.endswith(" s waiting for the answer (cut short by the run's time limit)")


def test_total_budget() -> None:
    assert health.total_budget(5, 1) == 10.25  # the defaults, as --help says
    assert health.total_budget(1, 0) == 1
    assert health.total_budget(1, 3, backoff=1.5) == 4 + 1.5 + 2 + 2  # pauses capped at 2 s


@pytest.mark.parametrize("timeout", [0.0, -1.0, float("nan"), float("inf")])
def test_run_checks_refuses_a_timeout_that_is_not_a_positive_number(timeout: float) -> None:
    plan = health.HealthPlan(env="prod", base_url=None, targets=[], skipped=[])
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds"):
        health.run_checks(plan, timeout=timeout)


# --------------------------------------------------------------------------- usage


def test_unknown_service_is_a_usage_error(manifest_file: Path) -> None:
    code, out, err, _ = run_health(manifest_file, "apu")
    assert code == 2
    assert out == ""
    assert "unknown service 'apu' (did you mean 'api'?)" in err
    assert "services: api, db, next, worker" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--base-url", "ftp://127.0.0.1"],
            "'--base-url': expected a URL starting with http:// or https://",
        ),
        (["--base-url", "http://"], "'--base-url': no host in 'http://'"),
        (["--base-url", "http://127.0.0.1:99999"], "'--base-url': the port in"),
        (["--base-url", "http://127.0.0.1:0"], "not a number from 1 to 65535"),
        (
            ["--base-url", "http://[::1"],
            "'--base-url': 'http://[::1' is not a valid URL (Invalid IPv6 URL); expected a URL "
            "like http://127.0.0.1:8000",
        ),
        (["--base-url", "http://[::1"], "an IPv6 address in brackets: http://[::1]:8000"),
        (["--base-url", "http://a b"], "'--base-url': 'http://a b' contains a space"),
        (["--base-url", "http://a/b\tc"], "contains the control character '\\t'"),
        (["--base-url", "http://127.0.0.1/?x=1"], "a base URL has no query or fragment"),
        *(
            (
                ["--timeout", value],
                f"'--timeout': expected a number of seconds above 0 and at "
                f"most 600, like 5 or 0.5; got '{value}'",
            )
            for value in ("nan", "inf", "-inf", "0", "-1", "601", "soon")
        ),
        (["--retries", "-1"], "'--retries': -1 is not in the range 0<=x<=10"),
        (
            ["--env", "qa"],
            "unknown environment 'qa'; the manifest's environments: prod, staging, dev",
        ),
    ],
)
def test_bad_options_exit_2(manifest_file: Path, args: list[str], message: str) -> None:
    code, out, err, _ = run_health(manifest_file, *args)
    assert code == 2
    assert out == ""
    assert f"Invalid value for '{args[0]}'" in err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("url", ["http://[::1", "http://a b"])
def test_bad_base_url_as_a_subprocess_is_a_usage_error(manifest_file: Path, url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    proc = subprocess.run(
        [str(BR_OPS), "health", "--base-url", url],
        cwd=manifest_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Invalid value for '--base-url'" in proc.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "https://staging.example.com/",
        "http://[::1]:8000",
        "http://bücher.de",
    ],
)
def test_good_base_urls(url: str) -> None:
    assert health.validate_base_url(url) is None


def test_health_as_a_subprocess(
    manifest_file: Path, serve: Callable[..., Server], closed_port: int
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    server = serve(_answer(200))
    ok = subprocess.run(
        [str(BR_OPS), "health", "api", "--base-url", server.url],
        cwd=manifest_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "2 endpoints: 2 ok, 0 failed" in ok.stdout
    bad = subprocess.run(
        [str(BR_OPS), "health", "api", "--base-url", f"http://127.0.0.1:{closed_port}", "--json"],
        cwd=manifest_file.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert {r["error_kind"] for r in json.loads(bad.stdout)["results"]} == {"refused"}


def test_a_server_cannot_write_to_the_terminal_through_its_answer(
    tmp_path: Path, serve_raw: Callable[..., RawServer]
) -> None:
    server = serve_raw(b"HTTP/1.1 \x1b]0;owned\x07\x1b[2J 200 OK\r\n\r\n")
    path = _many_endpoints(tmp_path, 1)
    code, out, _, _ = run_health(path, "api", "--base-url", server.url, "--retries", "0")
    assert code == 1
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\\x1b" in out  # shown, not obeyed
