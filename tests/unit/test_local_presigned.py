"""The local moto server: it refuses presigned S3 URLs past their expiry, as S3 does (moto alone would
not), tried with real presigned URLs over HTTP and the server's clock moved instead of waiting; and it
says so when its port is taken."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from analytics_infra.local.aws import CREDENTIALS, REGION, MotoServer
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.presigned import presigned_error
from tests.unit.test_local_ingest import reset

BUCKET = "presign-test"
KEY = "reports/r1/report.json"
BODY = b'{"title": "report"}'


@dataclass
class Clock:
    """The middleware's clock: real time shifted by `ahead` seconds."""

    ahead: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


@dataclass
class Moto:
    endpoint: str
    clock: Clock


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    clock = Clock()
    server = MotoServer(clock=clock)
    endpoint = server.start()
    yield Moto(endpoint, clock)
    server.stop()


@pytest.fixture
def s3(moto: Moto, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    reset(moto.endpoint)
    moto.clock.ahead = 0
    client = boto3.client("s3", endpoint_url=moto.endpoint, region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key=KEY, Body=BODY)
    return client


def presigned(moto: Moto, expires_in: int, signature_version: str = "s3v4") -> str:
    client = boto3.client(
        "s3",
        endpoint_url=moto.endpoint,
        region_name=REGION,
        config=Config(signature_version=signature_version),
    )
    return str(
        client.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=expires_in
        )
    )


def download(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_a_presigned_url_downloads_until_it_expires(s3: Any, moto: Moto, signature_version: str) -> None:
    # Given a URL valid for 60 seconds
    url = presigned(moto, 60, signature_version)

    # When it is fetched now, and again once the clock is 61 seconds on
    fresh = download(url)
    moto.clock.ahead = 61
    expired = download(url)

    # Then the first downloads the file and the second is S3's 403 AccessDenied
    assert fresh == (200, BODY)
    status, body = expired
    assert status == 403
    error = ElementTree.fromstring(body)
    assert error.findtext("Code") == "AccessDenied"
    assert error.findtext("Message") == "Request has expired"
    assert error.findtext("ServerTime") and error.findtext("Expires") and error.findtext("RequestId")


def test_an_expired_head_is_refused_without_a_body(s3: Any, moto: Moto) -> None:
    url = presigned(moto, 1)
    moto.clock.ahead = 5

    assert download(url, "HEAD") == (403, b"")


def test_a_url_still_within_its_expiry_works(s3: Any, moto: Moto) -> None:
    url = presigned(moto, 900)
    moto.clock.ahead = 899

    assert download(url) == (200, BODY)


def test_signed_requests_other_than_presigned_urls_pass_through(s3: Any, moto: Moto) -> None:
    # The clock far ahead only matters to presigned URLs: boto3's own signed calls still work
    moto.clock.ahead = 10 * 24 * 3600

    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == BODY


def query(**fields: str) -> dict[str, list[str]]:
    return {name.replace("_", "-"): [value] for name, value in fields.items()}


def sigv4(date: str, expires: str, service: str = "s3") -> dict[str, list[str]]:
    return query(
        X_Amz_Algorithm="AWS4-HMAC-SHA256",
        X_Amz_Credential=f"testing/20260101/us-east-1/{service}/aws4_request",
        X_Amz_Date=date,
        X_Amz_Expires=expires,
    )


SIGNED_AT = 1767225600.0  # 2026-01-01T00:00:00Z


def test_the_expiry_is_inclusive_to_the_second() -> None:
    assert presigned_error(sigv4("20260101T000000Z", "60"), SIGNED_AT + 60) is None
    expired = presigned_error(sigv4("20260101T000000Z", "60"), SIGNED_AT + 60.5)
    assert expired is not None
    assert dict(expired.details) == {
        "X-Amz-Expires": "60",
        "Expires": "2026-01-01T00:01:00Z",
        "ServerTime": "2026-01-01T00:01:00Z",
    }


@pytest.mark.parametrize(
    ("date", "expires", "message"),
    [
        ("20260101T000000Z", "604801", "must be less than a week"),
        ("20260101T000000Z", "soon", "should be a number"),
        ("2026-01-01", "60", "ISO8601"),
    ],
)
def test_malformed_expiries_are_s3s_400(date: str, expires: str, message: str) -> None:
    error = presigned_error(sigv4(date, expires), SIGNED_AT)

    assert error is not None
    assert (error.status, error.code) == ("400 Bad Request", "AuthorizationQueryParametersError")
    assert message in error.message


def test_presigned_urls_of_other_services_are_left_to_moto() -> None:
    assert presigned_error(sigv4("20260101T000000Z", "60", service="sqs"), SIGNED_AT + 3600) is None
    assert presigned_error(query(list_type="2"), SIGNED_AT) is None


def test_a_taken_aws_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(LocalRunnerError, match=f"AWS port {port} is already in use"):
            MotoServer(port)
