"""A large answer is compressed for a client that takes gzip, and one Lambda could not return is a 400."""

from __future__ import annotations

import base64
import gzip
import json
import random
import string

import pytest

from analytics import answer_size
from analytics.answer_size import BODY_BYTES, COMPRESSED_FROM_BYTES, sized_for_lambda


def answer(body: str) -> dict[str, object]:
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body, "cookies": []}


def figures(size: int) -> str:
    """`size` characters of JSON of groups of figures (cut short where it reaches that size)."""
    group = {"count": 120, "sum": 3456.25, "avg": 28.8, "group": {"metric_name": "donations"}}
    groups = [{**group, "count": n} for n in range(size // 80 + 1)]
    return json.dumps({"groups": groups})[: max(size, 2)]


def noise(size: int) -> str:
    """Text gzip cannot shrink below the limit."""
    rng = random.Random(3)
    return "".join(rng.choices(string.ascii_letters + string.digits, k=size))


def test_a_small_answer_is_sent_as_it_is() -> None:
    small = answer(figures(COMPRESSED_FROM_BYTES - 10))
    assert sized_for_lambda(small, "gzip, deflate") is small


@pytest.mark.parametrize("accept_encoding", ["gzip", "br, gzip;q=0.8", "*"])
def test_a_large_answer_goes_compressed_to_a_client_that_takes_gzip(accept_encoding: str) -> None:
    body = figures(BODY_BYTES * 2)

    sent = sized_for_lambda(answer(body), accept_encoding)

    assert sent["statusCode"] == 200 and sent["isBase64Encoded"] is True
    assert sent["headers"] == {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Vary": "Accept-Encoding",
    }
    assert gzip.decompress(base64.b64decode(str(sent["body"]))).decode() == body


@pytest.mark.parametrize("accept_encoding", [None, "", "identity", "gzip;q=0", "br"])
def test_a_large_answer_that_fits_goes_uncompressed_to_other_clients(accept_encoding: str | None) -> None:
    large = answer(figures(BODY_BYTES - 1000))
    assert sized_for_lambda(large, accept_encoding) is large


@pytest.mark.parametrize(
    ("body", "accept_encoding", "advice"),
    [
        (figures(BODY_BYTES + 1), None, "ask with Accept-Encoding: gzip"),
        (figures(BODY_BYTES + 1), "gzip;q=0", "ask with Accept-Encoding: gzip"),
        (noise(BODY_BYTES + 1), "gzip", "ask for less"),
    ],
)
def test_an_answer_lambda_cannot_return_is_a_400_that_says_how_to_ask(
    body: str, accept_encoding: str | None, advice: str
) -> None:
    sent = sized_for_lambda(answer(body), accept_encoding)

    assert sent["statusCode"] == 400 and sent["isBase64Encoded"] is False
    detail = json.loads(str(sent["body"]))["detail"]
    assert detail.startswith(f"the answer is {len(body) / 1e6:,.1f} MB of JSON") and advice in detail
    assert ("Accept-Encoding" in detail) is (advice != "ask for less")


def test_a_body_already_encoded_is_left_alone() -> None:
    encoded = {**answer(noise(BODY_BYTES + 1)), "isBase64Encoded": True}
    assert sized_for_lambda(encoded, "gzip") is encoded


def test_an_answer_too_large_compressed_fast_is_compressed_harder(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    groups = [{"count": n, "p50": rng.lognormvariate(3, 1), "p99": rng.random()} for n in range(40_000)]
    body = json.dumps({"groups": groups})
    fast, hard = (len(base64.b64encode(gzip.compress(body.encode(), level))) for level in (1, 6))
    assert hard < fast
    monkeypatch.setattr(answer_size, "BODY_BYTES", (fast + hard) // 2)

    sent = sized_for_lambda(answer(body), "gzip")

    assert sent["statusCode"] == 200 and len(str(sent["body"])) == hard
    assert gzip.decompress(base64.b64decode(str(sent["body"]))).decode() == body
