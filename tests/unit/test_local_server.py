"""The socket in front of the local API: loopback only, a clear error for a taken port."""

from __future__ import annotations

import json
import socket
import struct
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from analytics_infra.local.api import LocalApi, UntilReady
from analytics_infra.local.authorizer import JwtAuthorizer
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import Functions
from analytics_infra.local.gateway import HttpRequest, HttpResponse
from analytics_infra.local.server import LocalHttpServer, bind
from tests.unit.test_local_api import FakeFunctions


def api(fake: FakeFunctions) -> LocalApi:
    return LocalApi(
        Functions(fake.import_module),
        JwtAuthorizer("server-test-secret-" + "s" * 48, "iss", "aud"),
        require_auth_for_reads=False,
    )


@pytest.fixture
def served() -> Iterator[tuple[LocalHttpServer, FakeFunctions]]:
    fake = FakeFunctions({"statusCode": 202, "headers": {"X-Answer": "42"}, "body": '{"echo": true}'})
    server = bind(0, api(fake))
    server.start()
    try:
        yield server, fake
    finally:
        server.stop()


def test_round_trip_over_http(served: tuple[LocalHttpServer, FakeFunctions]) -> None:
    server, fake = served
    assert server.server_address[0] == "127.0.0.1"

    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/metrics?service_name=projects",
        headers={"X-Custom": "yes"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        status, headers, body = response.status, response.headers, json.loads(response.read())

    assert (status, headers["X-Answer"], body) == (202, "42", {"echo": True})
    event = fake.events[0][1]
    assert event["headers"]["x-custom"] == "yes"
    assert event["queryStringParameters"] == {"service_name": "projects"}
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"


def test_post_body_reaches_the_function_and_401_comes_back(
    served: tuple[LocalHttpServer, FakeFunctions],
) -> None:
    server, fake = served
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/v1/metrics", data=b'{"a": 1}', method="POST"
    )

    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)

    assert error.value.code == 401
    assert json.loads(error.value.read()) == {"message": "Unauthorized"}
    assert fake.events == []


def test_taken_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(LocalRunnerError, match=f"port {port} is already in use"):
            bind(port, api(FakeFunctions()))


def exchange(server: LocalHttpServer, raw: bytes, *, hang_up: bool = False) -> bytes:
    """Sends `raw` and reads the whole answer (a socket timeout if none comes within 5 s); `hang_up` closes
    the sending side first, as a client that gives up mid-request."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as client:
        client.sendall(raw)
        if hang_up:
            client.shutdown(socket.SHUT_WR)
        return client.makefile("rb").read()


@pytest.mark.parametrize(
    "content_length",
    [b"lots", b"-5", b"+5", b"5.0", b"0x10"],
)
def test_a_content_length_that_is_not_a_decimal_number_is_400_at_once(
    served: tuple[LocalHttpServer, FakeFunctions], content_length: bytes
) -> None:
    server, fake = served

    answer = exchange(
        server, b"POST /api/v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + content_length + b"\r\n\r\n"
    )

    assert answer.startswith(b"HTTP/1.0 400")
    assert answer.endswith(b'{"message": "Bad Request"}')
    assert fake.events == []


def test_two_different_content_lengths_are_400(served: tuple[LocalHttpServer, FakeFunctions]) -> None:
    server, fake = served

    answer = exchange(
        server,
        b"POST /api/v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}",
    )

    assert answer.startswith(b"HTTP/1.0 400")
    assert fake.events == []


def test_a_body_cut_short_by_the_client_never_reaches_the_function(
    served: tuple[LocalHttpServer, FakeFunctions],
) -> None:
    server, fake = served

    answer = exchange(
        server, b"POST /api/v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}", hang_up=True
    )

    assert answer == b""
    assert fake.events == []


@pytest.mark.parametrize(
    "request_line",
    [b"TRACE /api/v1/health HTTP/1.1", b"CONNECT 127.0.0.1:443 HTTP/1.1", b"BREW /pot HTTP/1.1"],
)
def test_methods_without_a_route_are_answered_in_json(
    served: tuple[LocalHttpServer, FakeFunctions], request_line: bytes
) -> None:
    server, fake = served

    answer = exchange(server, request_line + b"\r\nHost: x\r\n\r\n")

    assert answer.startswith(b"HTTP/1.0 404")
    assert answer.endswith(b'{"message": "Not Found"}')
    assert fake.events == []


def test_an_unreadable_request_line_is_a_400_in_json(served: tuple[LocalHttpServer, FakeFunctions]) -> None:
    server, _ = served

    answer = exchange(server, b"GET /api/v1/health extra HTTP/1.1\r\nHost: x\r\n\r\n")

    assert answer.startswith(b"HTTP/1.0 400")
    assert b"content-type: application/json" in answer.lower()
    assert answer.endswith(b'{"message": "Bad Request"}')


def test_head_answers_the_get_headers_without_a_body(served: tuple[LocalHttpServer, FakeFunctions]) -> None:
    server, fake = served
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/health", method="HEAD")

    with urllib.request.urlopen(request, timeout=5) as response:
        status, headers, body = response.status, response.headers, response.read()

    assert (status, headers["X-Answer"], headers["Content-Length"], body) == (202, "42", "14", b"")
    assert fake.events[0][1]["requestContext"]["http"]["method"] == "GET"


def test_the_listen_backlog_holds_dozens_of_clients_connecting_at_once() -> None:
    # Given a server that does not accept yet: every connection waits in the listen backlog, as when
    # requests arrive faster than they are accepted (a full backlog drops the handshake: connect times out)
    server = bind(0, api(FakeFunctions()))
    clients = []
    try:
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", server.port), timeout=2))
            clients[-1].sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")

        # When it starts serving
        server.start()

        # Then every one of them is answered
        answers = [client.makefile("rb").read() for client in clients]
    finally:
        for client in clients:
            client.close()
        server.stop()
    assert [answer[:12] for answer in answers] == [b"HTTP/1.0 200"] * 64


class HeldApi:
    """Answers a large body once released, so that the client can leave first."""

    def __init__(self) -> None:
        self.called = threading.Event()
        self.released = threading.Event()

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.called.set()
        self.released.wait(5)
        return HttpResponse(200, [("content-type", "text/plain")], b"x" * 1_000_000)


def test_a_client_that_leaves_before_its_answer_leaves_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    api = HeldApi()
    server = bind(0, api)
    server.start()
    try:
        # Given a request whose client resets the connection while the function still works
        client = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        client.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert api.called.wait(5)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()

        # When the answer is written to the closed connection
        api.released.set()
    finally:
        server.stop()  # waits for the request's thread

    # Then nothing is printed but the request's log line
    assert "Traceback" not in capsys.readouterr().err


def test_until_ready_the_port_answers_503_with_a_retry_after_then_the_api() -> None:
    fake = FakeFunctions({"statusCode": 200, "body": '{"ok": true}'})
    gate = UntilReady(api(fake))
    server = bind(0, gate)
    server.start()
    url = f"http://127.0.0.1:{server.port}/api/v1/health"
    try:
        # Given a runner still starting: answered at once, and told when to come back
        with pytest.raises(urllib.error.HTTPError) as starting:
            urllib.request.urlopen(url, timeout=5)
        detail = json.loads(starting.value.read())["detail"]
        retry_after = starting.value.headers["Retry-After"]

        # When it is ready
        gate.ready()
        with urllib.request.urlopen(url, timeout=5) as ready:
            answer = json.loads(ready.read())
    finally:
        server.stop()

    # Then the early request got a 503 that says why, and nothing reached a function before
    assert starting.value.code == 503 and "starting" in detail and retry_after == "2"
    assert answer == {"ok": True}
    assert len(fake.events) == 1
