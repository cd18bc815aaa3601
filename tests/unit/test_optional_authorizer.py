"""The optional authorizer function: a real RSA key pair, the issuer's discovery document and key set served
over loopback HTTP, and the function's simple responses for every kind of token."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from analytics.optional_auth import get_token_verifier
from analytics.settings import get_settings
from functions.optional_authorizer.handler import lambda_handler

EVENT = json.loads((Path(__file__).resolve().parents[2] / "events" / "optional_authorizer.json").read_text())
AUDIENCE = "analytics-service"
KID = "key-1"


@dataclass
class LambdaContext:
    function_name: str = "optional-authorizer-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:optional-authorizer-test"
    aws_request_id: str = "test-request"


class Issuer(ThreadingHTTPServer):
    """An identity provider's public side: its OpenID discovery document and its key set (JWKS)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), IssuerRequests)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        self.jwks = {"keys": [{**public_jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}
        self.fetched: Counter[str] = Counter()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def token(self, key: rsa.RSAPrivateKey | None = None, kid: str = KID, **changes: Any) -> str:
        """A token signed by this issuer's key (or `key`); claims set to None are left out."""
        now = int(time.time())
        claims = {"sub": "ana", "roles": ["analyst", "admin"], "iss": self.url, "aud": AUDIENCE}
        claims |= {"iat": now, "exp": now + 600, **changes}
        payload = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid})


class IssuerRequests(BaseHTTPRequestHandler):
    server: Issuer

    def do_GET(self) -> None:
        self.server.fetched[self.path] += 1
        if self.path == "/.well-known/openid-configuration":
            body: Any = {"issuer": self.server.url, "jwks_uri": f"{self.server.url}/jwks"}
        elif self.path == "/jwks":
            body = self.server.jwks
        else:
            self.send_error(404)
            return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def configure(monkeypatch: pytest.MonkeyPatch, issuer_url: str) -> None:
    monkeypatch.setenv("JWT_ISSUER", issuer_url)
    monkeypatch.setenv("JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("JWT_ROLES_CLAIM", "roles")
    get_settings.cache_clear()
    get_token_verifier.cache_clear()


@pytest.fixture(name="issuer")
def issuer_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    server = Issuer()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    configure(monkeypatch, server.url)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        get_settings.cache_clear()
        get_token_verifier.cache_clear()


def authorize(authorization: str | None) -> dict[str, Any]:
    event = copy.deepcopy(EVENT)
    if authorization is not None:
        event["headers"]["authorization"] = authorization
    return dict(lambda_handler(event, LambdaContext()))


def test_a_valid_token_is_authorized_with_its_subject_and_roles(issuer: Issuer) -> None:
    # Given a token the issuer signed for this audience; When a read sends it
    response = authorize(f"Bearer {issuer.token()}")
    # Then the route runs with the caller's subject and roles, the known roles as one sorted string
    assert response == {"isAuthorized": True, "context": {"sub": "ana", "roles": "admin analyst"}}


def test_without_a_token_the_caller_is_anonymous_and_no_key_is_fetched(issuer: Issuer) -> None:
    assert authorize(None) == {"isAuthorized": True, "context": {}}
    assert issuer.fetched == Counter()


def test_the_key_set_is_fetched_once_for_many_requests(issuer: Issuer) -> None:
    # Given one container answering three requests with tokens
    for sub in ("ana", "bo", "cy"):
        assert authorize(f"Bearer {issuer.token(sub=sub)}")["context"]["sub"] == sub
    # Then the discovery document and the keys were fetched once
    assert issuer.fetched == Counter({"/.well-known/openid-configuration": 1, "/jwks": 1})


def test_roles_as_a_string_and_a_bare_token_are_accepted_as_api_gateway_does(issuer: Issuer) -> None:
    response = authorize(issuer.token(roles="viewer"))
    assert response == {"isAuthorized": True, "context": {"sub": "ana", "roles": "viewer"}}


def test_a_token_without_aud_passes_with_the_audience_as_client_id(issuer: Issuer) -> None:
    assert authorize(f"Bearer {issuer.token(aud=None, client_id=AUDIENCE)}")["isAuthorized"] is True
    assert authorize(f"Bearer {issuer.token(aud=None, client_id='another-app')}") == {"isAuthorized": False}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({"aud": "another-service"}, id="wrong audience"),
        pytest.param({"aud": ["another-service", "a-third"]}, id="wrong audiences"),
        pytest.param({"iss": "https://impostor.example.org"}, id="wrong issuer"),
        pytest.param({"nbf": int(time.time()) + 600}, id="not yet valid"),
        pytest.param({"iat": int(time.time()) + 600}, id="issued in the future"),
        pytest.param({"exp": None}, id="no expiry"),
    ],
)
def test_a_token_with_wrong_claims_is_refused(issuer: Issuer, changes: dict[str, Any]) -> None:
    assert authorize(f"Bearer {issuer.token(**changes)}") == {"isAuthorized": False}


def test_a_token_signed_by_another_key_is_refused(issuer: Issuer) -> None:
    # Given a token claiming the issuer's key id but signed with a key the issuer never published
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert authorize(f"Bearer {issuer.token(key=impostor)}") == {"isAuthorized": False}
    assert authorize(f"Bearer {issuer.token(key=impostor, kid='unknown')}") == {"isAuthorized": False}


def test_a_symmetric_token_is_refused(issuer: Issuer) -> None:
    # Given an HS256 token: API Gateway's JWT authorizer accepts RSA signatures only
    claims = {"sub": "ana", "iss": issuer.url, "aud": AUDIENCE, "exp": int(time.time()) + 600}
    token = jwt.encode(claims, "s" * 64, algorithm="HS256", headers={"kid": KID})
    assert authorize(f"Bearer {token}") == {"isAuthorized": False}


@pytest.mark.parametrize("authorization", ["Bearer not-a-jwt", "Bearer a.b.c", "Bearer ", "", "Basic YTpi"])
def test_a_malformed_authorization_is_refused_not_anonymous(issuer: Issuer, authorization: str) -> None:
    assert authorize(authorization) == {"isAuthorized": False}


def test_when_the_issuer_cannot_be_reached_a_token_is_refused(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a token of an issuer whose server has gone away
    token = issuer.token()
    issuer.shutdown()
    issuer.server_close()
    configure(monkeypatch, issuer.url)
    # Then the token cannot be trusted, and the caller is not made anonymous either
    assert authorize(f"Bearer {token}") == {"isAuthorized": False}
    assert authorize(None) == {"isAuthorized": True, "context": {}}
