"""The console's source and built bundle keep to the Content-Security-Policy and render text as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from analytics_infra.constants import CONSOLE_SITE_DIR, CONSOLE_SOURCE_DIR

# Ways to turn a string into markup or code; the console builds elements with text nodes only (src/dom.ts).
MARKUP_SINKS = re.compile(
    r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\("
    r"|setAttribute\(\s*[\"']style"
)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_text: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data: str) -> None:
        if self._open in ("script", "style") and data.strip():
            self.inline_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def test_the_source_never_turns_text_into_markup_or_code() -> None:
    sources = sorted((CONSOLE_SOURCE_DIR / "src").rglob("*.ts"))
    assert sources, "the console's source is missing"
    offenders = [
        f"{path.relative_to(CONSOLE_SOURCE_DIR)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MARKUP_SINKS.search(line) and not line.strip().startswith("//")
    ]
    assert offenders == []


def test_the_built_page_has_no_inline_script_or_style_and_names_only_its_own_files() -> None:
    page = CONSOLE_SITE_DIR / "index.html"
    assert page.is_file(), "the console is not built: make console"
    tags = Tags()
    tags.feed(page.read_text())
    assert tags.inline_text == []
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert scripts and all(attrs.get("src") for attrs in scripts)
    assert not any(tag == "style" for tag, _ in tags.tags)
    for tag, attrs in tags.tags:
        assert not [name for name in attrs if name.startswith("on")], tag
        assert "style" not in attrs, tag
        for name in ("src", "href"):
            url = attrs.get(name)
            if url and not url.startswith("#"):
                # Every file from the console's own path, and there in the bundle: nothing from a CDN.
                assert url.startswith("/console/"), url
                assert (CONSOLE_SITE_DIR / Path(url).name).is_file(), url
