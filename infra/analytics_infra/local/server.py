"""The HTTP socket in front of the local API (and of the local Lambda Invoke API), bound to loopback
only."""

from __future__ import annotations

import errno
import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.gateway import HttpRequest, HttpResponse, gateway_response

HOST = "127.0.0.1"
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's limit for an HTTP API request
DIGITS = re.compile(r"[0-9]+")
# socketserver's default of 5 overflows when a couple of dozen clients connect at once, and the kernel then
# drops or resets their connections.
LISTEN_BACKLOG = 128


class Api(Protocol):
    def handle(self, request: HttpRequest) -> HttpResponse: ...


class LocalHttpServer(ThreadingHTTPServer):
    # Request threads are joined on close, so stopping waits for answers in flight.
    daemon_threads = False
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, api: Api) -> None:
        self.api = api
        super().__init__((HOST, port), _RequestHandler)
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name=f"http-{self.port}", daemon=True
        )

    def start(self) -> None:
        """Serves on a thread of its own until stop()."""
        self._thread.start()

    def stop(self) -> None:
        """Stops serving once the answers in flight are written, and closes the socket; again does nothing."""
        if self._thread.is_alive():
            self.shutdown()
            self._thread.join()
        self.server_close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up before its answer was written: nothing went wrong here
        super().handle_error(request, client_address)


def bind(port: int, api: Api) -> LocalHttpServer:
    """A server listening on 127.0.0.1:`port` (not yet serving); a clear error if the port is taken."""
    try:
        return LocalHttpServer(port, api)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise LocalRunnerError(
                f"port {port} is already in use: stop what uses it or pick another --port"
            ) from exc
        raise LocalRunnerError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from exc


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalHttpServer
    server_version = "analytics-local"
    timeout = 60

    def __getattr__(self, name: str) -> Any:
        # Every method goes to the API, which answers those it has no route for (TRACE, CONNECT, ...) as API
        # Gateway does; without a do_<METHOD> BaseHTTPRequestHandler would answer a 501 HTML page.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A request the socket cannot read (request line, headers), answered in API Gateway's JSON."""
        self._refuse(HTTPStatus(code))

    def _dispatch(self) -> None:
        length = self._content_length()
        if length is None:
            self._refuse(HTTPStatus.BAD_REQUEST)
            return
        if length > MAX_PAYLOAD_BYTES:
            # API Gateway's words; Python 3.13 renamed the status "Content Too Large".
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The client hung up before sending the whole body: a cut request is not passed on.
            self.close_connection = True
            return
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
        )
        self._send(self.server.api.handle(request))

    def _content_length(self) -> int | None:
        """The body's length (0 without the header); None when the header is not one decimal number, such
        as a negative one, which would make the read wait for bytes that never come."""
        values = {value.strip() for value in self.headers.get_all("content-length", [])}
        if not values:
            return 0
        (value, *others) = values
        return int(value) if not others and DIGITS.fullmatch(value) else None

    def _refuse(self, status: HTTPStatus, message: str | None = None) -> None:
        self.close_connection = True
        self._send(gateway_response(status, message or status.phrase))

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
