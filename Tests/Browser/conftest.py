"""Shared fixtures of the workspace's browser tests (run by deploy/local/browser.sh).

JEMBATAN_PEOPLE_FILE names the JSON `jembatan demo --people-file` wrote: the workspace's address and
the demo people with this run's passwords. JEMBATAN_BROWSER (default /usr/bin/chromium) is the browser
Playwright drives; Playwright's own browser download is never used. Screenshots go to
JEMBATAN_BROWSER_ARTIFACTS (default .local/test-artifacts/browser).
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("JEMBATAN_BROWSER_ARTIFACTS") or ROOT / ".local/test-artifacts/browser")
CHROMIUM = os.environ.get("JEMBATAN_BROWSER") or "/usr/bin/chromium"


def load_people():
    """The people file as a dict, or an error message (the tests then fail, they are not skipped)."""
    path = os.environ.get("JEMBATAN_PEOPLE_FILE")
    if not path:
        return "JEMBATAN_PEOPLE_FILE is not set (deploy/local/browser.sh sets it to the demo's people.json)"
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        return f"cannot read the people file {path}: {error}"
    if not isinstance(data, dict) or not data.get("workspace") or not isinstance(data.get("people"), list):
        return f"{path} has no 'workspace' address or no 'people' list"
    if not data["people"]:
        return f"{path} lists no people"
    return data


def pytest_generate_tests(metafunc):
    # One test per person of the file (ids by role), read at collection.
    if "person" in metafunc.fixturenames:
        data = load_people()
        if isinstance(data, str):
            metafunc.parametrize("person", [pytest.param(None, id="no-people-file")])
        else:
            ids = [p.get("role") or p.get("username") or str(i) for i, p in enumerate(data["people"])]
            metafunc.parametrize("person", data["people"], ids=ids)


@pytest.fixture(scope="session")
def people():
    data = load_people()
    if isinstance(data, str):
        pytest.fail(data)
    return data


@pytest.fixture(scope="session")
def base_url(people):
    return people["workspace"].rstrip("/")


@pytest.fixture(scope="session")
def credentials(people):
    """username → current password; the keyboard test changes one and records it here."""
    return {p["username"]: p["password"] for p in people["people"]}


@pytest.fixture(scope="session")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class OffsiteGuard:
    """Aborts, and records, every request to a host:port other than the workspace's."""

    def __init__(self, base_url):
        self.netloc = urlsplit(base_url).netloc
        self.offsite = []

    def __call__(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.netloc:
            self.offsite.append(f"{route.request.method} {url} (from {route.request.frame.url if route.request.frame else '?'})")
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def open_page(browser, base_url, request):
    """open_page(width) → (page, guard): a fresh context (no cookies) of that viewport width with the
    off-site guard. At the end of the test any off-site request fails it, and a failed test leaves a
    screenshot of each of its pages."""
    opened = []

    def factory(width=1280):
        context = browser.new_context(viewport={"width": width, "height": 812 if width < 600 else 800})
        context.set_default_timeout(15_000)
        guard = OffsiteGuard(base_url)
        context.route("**/*", guard)
        page = context.new_page()
        opened.append((context, page, guard))
        return page, guard

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    offsite = []
    for i, (context, page, guard) in enumerate(opened):
        if failed and not page.is_closed():
            name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"failed-{name}-{i}.png"), full_page=True)
            except Exception:  # a page that cannot be captured any more
                pass
        offsite += guard.offsite
        context.close()
    assert not offsite, "requests left the workspace (aborted):\n  " + "\n  ".join(offsite)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
