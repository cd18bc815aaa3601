"""The console function: the bundle's page and files through API Gateway's events, and its errors."""

from __future__ import annotations

import base64
import gzip
from pathlib import Path

import pytest

from analytics.static_site import StaticSite
from functions.console import handler as console
from tests.integration.conftest import Invoke, load_event

PAGE = (
    b'<!doctype html><title>Analytics console</title><script type="module" src="/console/index-DqTav9vN.js">'
)
SCRIPT = b"export const answer = 42;\n" * 20


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "index-DqTav9vN.js").write_bytes(SCRIPT)
    site = StaticSite(tmp_path)
    monkeypatch.setattr(console, "site", lambda: site)
    return tmp_path


def body_of(result_body: str, headers: dict[str, str]) -> bytes:
    raw = base64.b64decode(result_body)
    return gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw


@pytest.mark.parametrize("path", ["/console", "/console/"])
def test_the_console_answers_its_page_gzipped_with_the_security_headers(
    invoke: Invoke, bundle: Path, path: str
) -> None:
    result = invoke(console.lambda_handler, load_event("console_page", path=path))
    assert result.status == 200
    assert result.headers["Content-Type"] == "text/html; charset=utf-8"
    assert result.headers["Content-Encoding"] == "gzip"
    assert "script-src 'self'" in result.headers["Content-Security-Policy"]
    assert result.headers["Cache-Control"] == "no-cache"
    assert body_of(result.body, result.headers) == PAGE


def test_a_hashed_file_is_cached_for_a_year(invoke: Invoke, bundle: Path) -> None:
    result = invoke(console.lambda_handler, load_event("console_file"))
    assert result.status == 200
    assert result.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert result.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert body_of(result.body, result.headers) == SCRIPT


def test_a_revalidated_page_that_has_not_changed_is_a_304(invoke: Invoke, bundle: Path) -> None:
    first = invoke(console.lambda_handler, load_event("console_page"))
    event = load_event("console_page")
    event["headers"]["if-none-match"] = first.headers["ETag"]
    again = invoke(console.lambda_handler, event)
    assert again.status == 304
    assert not again.body


@pytest.mark.parametrize("path", ["/console/missing.js", "/console/assets/index.js", "/console/%2e%2e"])
def test_anything_else_is_a_404_in_the_apis_shape(invoke: Invoke, bundle: Path, path: str) -> None:
    result = invoke(console.lambda_handler, load_event("console_file", path=path))
    assert result.status == 404
    assert "detail" in result.body


def test_a_deployment_without_the_bundle_answers_503_saying_how_to_build_it(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = StaticSite(tmp_path / "not-built")
    monkeypatch.setattr(console, "site", lambda: site)
    result = invoke(console.lambda_handler, load_event("console_page"))
    assert result.status == 503
    assert "make console" in result.body["detail"]
