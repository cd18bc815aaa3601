"""The console's files as HTTP answers: types, caching by name, gzip, ETags, and the security headers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from analytics.errors import NotFound, Unavailable
from analytics.static_site import (
    CONTENT_SECURITY_POLICY,
    IMMUTABLE,
    REVALIDATE,
    StaticSite,
    accepts_gzip,
)

PAGE = b'<!doctype html><script type="module" src="/console/index-DqTav9vN.js"></script>'
SCRIPT = b"console.log('hello');\n" * 50


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "index-DqTav9vN.js").write_bytes(SCRIPT)
    (tmp_path / "favicon.svg").write_bytes(b"<svg/>")
    (tmp_path / "logo-Ab12Cd34.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".hidden").write_bytes(b"secret")
    return tmp_path


def test_the_page_is_revalidated_and_carries_the_strict_policy(bundle: Path) -> None:
    # Given a built bundle; When the console itself is asked for
    answer = StaticSite(bundle).answer("")
    # Then index.html answers, never cached without asking, with a policy that allows no inline script
    assert answer.status == 200
    assert answer.body == PAGE
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == REVALIDATE
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "connect-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_hashed_files_are_cached_for_a_year_and_others_revalidated(bundle: Path) -> None:
    site = StaticSite(bundle)
    script = site.answer("index-DqTav9vN.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["Cache-Control"] == IMMUTABLE
    assert site.answer("logo-Ab12Cd34.png").headers["Content-Type"] == "image/png"
    icon = site.answer("favicon.svg")
    assert icon.headers["Content-Type"] == "image/svg+xml"
    assert icon.headers["Cache-Control"] == REVALIDATE


def test_text_is_gzipped_for_browsers_that_take_it_and_images_never(bundle: Path) -> None:
    site = StaticSite(bundle)
    zipped = site.answer("index-DqTav9vN.js", accept_encoding="gzip, deflate, br")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.body is not None and gzip.decompress(zipped.body) == SCRIPT
    assert len(zipped.body) < len(SCRIPT) / 10
    plain = site.answer("index-DqTav9vN.js", accept_encoding="br")
    assert "Content-Encoding" not in plain.headers and plain.body == SCRIPT
    image = site.answer("logo-Ab12Cd34.png", accept_encoding="gzip")
    assert "Content-Encoding" not in image.headers


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepts_gzip("gzip")
    assert accepts_gzip("deflate, gzip;q=0.5")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("gzip; q=0.000, br")
    assert not accepts_gzip(None)


def test_an_unchanged_file_is_not_sent_again(bundle: Path) -> None:
    site = StaticSite(bundle)
    first = site.answer("")
    again = site.answer("", if_none_match=first.headers["ETag"])
    assert again.status == 304 and again.body is None
    assert again.headers["ETag"] == first.headers["ETag"]
    assert site.answer("", if_none_match='W/"something-else"').status == 200


def test_a_rebuilt_file_is_served_anew(bundle: Path) -> None:
    # Given the page once served; When the bundle is rebuilt under the same name (analytics-local up)
    site = StaticSite(bundle)
    before = site.answer("")
    (bundle / "index.html").write_bytes(PAGE + b"<!-- new release -->")
    after = site.answer("")
    # Then the new content and a new ETag
    assert after.body == PAGE + b"<!-- new release -->"
    assert after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.parametrize("name", ["nope.js", "../index.html", "sub/index.html", ".hidden", "..", "a\\b"])
def test_nothing_outside_the_bundles_own_files_is_served(bundle: Path, name: str) -> None:
    with pytest.raises(NotFound):
        StaticSite(bundle).answer(name)


def test_a_deployment_without_the_bundle_says_how_to_build_it(tmp_path: Path) -> None:
    site = StaticSite(tmp_path / "site")
    assert not site.built
    with pytest.raises(Unavailable, match="make console"):
        site.answer("")
