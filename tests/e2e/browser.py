"""Playwright for Python driving Debian's Chromium (/usr/bin/chromium), never a browser of its own, against
`analytics-local up`: what the console's browser tests share."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request

CHROMIUM = Path("/usr/bin/chromium")
# The machine's closed network refuses Chromium's own background connections; these flags stop it trying
# (the flags this machine's documentation gives), so every request the tests see is the console's.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS_DIR = Path(
    os.environ.get(
        "CONSOLE_SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / ".local" / "console-screenshots"
    )
)
# Every request the page makes must go to the service on loopback: no CDN, no font or analytics host.
LOCAL_ORIGIN = "http://127.0.0.1:"
# Records Content-Security-Policy violations in the page, where the tests read them.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def chromium_or_skip() -> Path:
    """Debian's Chromium, which .ci/run installs; elsewhere the tests skip and say how to get it."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"Debian's chromium is not installed ({CHROMIUM}): apt-get install -y chromium (.ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def launch(playwright: Any) -> Browser:
    browser: Browser = playwright.chromium.launch(
        executable_path=str(chromium_or_skip()), args=CHROMIUM_FLAGS, chromium_sandbox=False
    )
    return browser


@dataclass
class Watched:
    """A browser context with what its pages did: every request's URL, errors thrown in pages, and CSP
    violations."""

    context: BrowserContext
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def page(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

        def dismiss(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        return page

    def record(self, request: Request) -> None:
        self.requests.append(request.url)

    def check(self) -> None:
        """Nothing left 127.0.0.1, no script failed, no alert() ran, and the policy refused nothing."""
        violations = [
            violation
            for page in self.context.pages
            if not page.is_closed()
            for violation in page.evaluate("window.__cspViolations || []")
        ]
        outside = [url for url in self.requests if not url.startswith((LOCAL_ORIGIN, "blob:", "data:"))]
        assert outside == [], f"requests left the machine: {outside}"
        assert self.page_errors == []
        assert self.dialogs == []
        assert violations == []


def watched_context(
    browser: Browser, *, token: str | None = None, viewport: dict[str, int] | None = None
) -> Iterator[Watched]:
    """A fresh context (cold cache, empty session storage); with `token`, signed in as a person who pasted it
    (it goes into session storage, never into a URL)."""
    context = browser.new_context(viewport=viewport or LAPTOP, accept_downloads=True, locale="en-US")
    context.add_init_script(CSP_WATCH)
    if token:
        context.add_init_script(f"sessionStorage.setItem('analytics-console.token', {token!r})")
    watched = Watched(context)
    context.on("request", watched.record)
    try:
        yield watched
        watched.check()
    finally:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def clear_screenshots() -> None:
    if SCREENSHOTS_DIR.exists():
        shutil.rmtree(SCREENSHOTS_DIR)


def wait_until_drawn(page: Page, timeout_ms: float = 20_000) -> str:
    """Waits for the view to finish (its `data-state` ready or error); returns that state."""
    page.wait_for_selector('.page[data-state="ready"], .page[data-state="error"]', timeout=timeout_ms)
    return str(page.get_attribute(".page", "data-state"))


INK_OF_CANVAS = """
(card) => {
  const canvas = card.querySelector('canvas');
  if (!canvas) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
  return inked;
}
"""
